// The dashboard's countdown. It draws the time left from the end time the server sent
// (corrected by the server's clock), so a background tab never drifts; when the tab
// becomes visible again, or the countdown reaches zero, it asks the server for the panel
// (which completes a finished timer there). A finished timer plays a short sound and
// shows a notification when the user allowed them.
(function () {
  "use strict";
  var ALERTS_KEY = "fq-timer-alerts";
  var offset = 0;

  function countdown() { return document.querySelector("[data-countdown]"); }

  // The start form follows the chosen kind: its button says what starts, and a break
  // cannot take a task (the picker is disabled and cleared).
  function followKind() {
    var form = document.getElementById("timer-start");
    var chosen = form && form.querySelector("input[name=kind]:checked");
    if (!chosen) return;
    var button = form.querySelector("[data-start-label]");
    if (button) button.textContent = "Start " + chosen.getAttribute("data-label");
    var picker = form.querySelector("#timer-task");
    if (picker) {
      picker.disabled = chosen.value !== "focus";
      if (picker.disabled) picker.value = "";
    }
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "kind" && event.target.closest("#timer-start")) followKind();
  });
  document.addEventListener("fq:swapped", followKind);

  function format(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  function remaining(el) {
    if (el.getAttribute("data-status") !== "running") return parseInt(el.getAttribute("data-remaining"), 10) || 0;
    var end = Date.parse(el.getAttribute("data-ends-at"));
    return Math.max(0, Math.ceil((end - (Date.now() + offset)) / 1000));
  }

  function sync() {
    var trigger = document.getElementById("timer-sync");
    if (trigger) trigger.dispatchEvent(new CustomEvent("timer-sync"));
  }

  function tick() {
    showAlertButton();
    var el = countdown();
    if (!el) return;
    if (el.getAttribute("data-synced") !== "1") {
      var serverNow = Date.parse(el.getAttribute("data-server-now"));
      if (!isNaN(serverNow)) offset = serverNow - Date.now();
      el.setAttribute("data-synced", "1");
    }
    var left = remaining(el);
    var text = format(left);
    if (el.textContent !== text) el.textContent = text;
    document.title = (el.getAttribute("data-status") === "running" ? format(left) + " · " : "") + "Dashboard · FocusQuest";
    if (left === 0 && el.getAttribute("data-status") === "running" && !el.getAttribute("data-ended")) {
      el.setAttribute("data-ended", "1");
      sync();
    }
  }

  function beep() {
    try {
      var context = new (window.AudioContext || window.webkitAudioContext)();
      [0, 0.25, 0.5].forEach(function (at) {
        var oscillator = context.createOscillator(), gain = context.createGain();
        oscillator.frequency.value = 880;
        gain.gain.setValueAtTime(0.2, context.currentTime + at);
        gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + at + 0.2);
        oscillator.connect(gain).connect(context.destination);
        oscillator.start(context.currentTime + at);
        oscillator.stop(context.currentTime + at + 0.2);
      });
    } catch (e) { /* no audio here */ }
  }

  function alertsOn() { return window.localStorage && localStorage.getItem(ALERTS_KEY) === "on"; }

  document.addEventListener("timer-completed", function (event) {
    document.title = "Dashboard · FocusQuest";
    if (!alertsOn()) return;
    beep();
    var kind = event.detail && event.detail.kind;
    if (window.Notification && Notification.permission === "granted") {
      new Notification(kind === "focus" ? "Focus session complete" : "Break is over", { body: "FocusQuest" });
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-enable-alerts]");
    if (!button) return;
    localStorage.setItem(ALERTS_KEY, "on");
    if (window.Notification && Notification.permission === "default") Notification.requestPermission();
    button.hidden = true;
  });

  function showAlertButton() {
    var button = document.querySelector("[data-enable-alerts]");
    if (button && button.hidden !== alertsOn()) button.hidden = alertsOn();
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") sync();
  });

  // A swapped-in panel is picked up by the next tick; after a swap the script also
  // ticks at once so the new countdown never shows a stale second.
  document.addEventListener("fq:swapped", tick);
  function start() {
    followKind();
    tick();
    setInterval(tick, 1000);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
