// FocusQuest's hypermedia script: a small subset of htmx's attributes, so the real
// htmx could replace this file without template changes. No inline script anywhere
// (CSP script-src 'self'); every page also works without this file.
//
// Attributes: hx-get/post/put/patch/delete, hx-target ("this", "closest SEL", "find SEL",
// or a CSS selector), hx-swap (innerHTML, outerHTML, beforebegin, afterbegin, beforeend,
// afterend, delete, none), hx-trigger ("click", "submit", "change", "load",
// "input changed delay:300ms", comma-separated), hx-confirm, hx-swap-oob, hx-push-url.
// hx-target and hx-swap are inherited as in htmx: an element without one takes its closest
// ancestor's, and an inherited hx-target="this" names that ancestor.
// Headers sent: HX-Request, X-CSRF-Token (from <meta name="csrf-token">), HX-Current-URL.
// Headers honoured: HX-Redirect, HX-Trigger (JSON object or event names), HX-Retarget,
// HX-Reswap. Responses swap when 2xx, and errors too: the server answers a form's error
// with the form and its message, any other error with HX-Retarget to the page's #flash
// panel, so no error a person causes goes unseen; an error without a body, or no answer
// at all, says so in #flash. A form sends the button that submitted it (name=value), and that
// button's hx-confirm is asked first.
//
// Live updates (htmx's SSE extension, in its spelling): an element with sse-connect="/url"
// opens one EventSource; each event named N fires "sse:N" on every element whose
// hx-trigger names it (e.g. hx-get="/timer/panel" hx-trigger="sse:timer"), so the panel
// fetches itself again. The stream's first "sync" is skipped (the page is fresh); a
// "sync" after a reconnect refreshes. An event this window caused (its FQ-Window header
// comes back as "by") is skipped: the window's own answer already showed the change. A
// swap that would replace a field the person is typing in waits for the next event.
(function () {
  "use strict";
  var VERBS = ["get", "post", "put", "patch", "delete"];
  // This window's name, sent with every request: live events it caused say so ("by").
  var WINDOW = Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(16)), function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  var SELECTOR = VERBS.map(function (v) { return "[hx-" + v + "]"; }).join(",");

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function verbOf(el) {
    for (var i = 0; i < VERBS.length; i++) {
      var url = el.getAttribute("hx-" + VERBS[i]);
      if (url !== null) return { method: VERBS[i].toUpperCase(), url: url };
    }
    return null;
  }

  /// htmx's attribute inheritance: the closest element (this one or an ancestor) with the attribute.
  function inherited(el, name) {
    return el.closest("[" + name + "]");
  }

  /// The element a request from `el` swaps: its own or inherited hx-target ("this" is the
  /// element that says it; "closest"/"find" look from `el`), else `el` itself.
  function targetOf(el) {
    var owner = inherited(el, "hx-target");
    if (!owner) return el;
    var spec = owner.getAttribute("hx-target");
    if (spec === "this") return owner;
    if (spec.indexOf("closest ") === 0) return el.closest(spec.slice(8));
    if (spec.indexOf("find ") === 0) return el.querySelector(spec.slice(5));
    return document.querySelector(spec);
  }

  function swapStyleOf(el) {
    var owner = inherited(el, "hx-swap");
    return owner ? owner.getAttribute("hx-swap") : null;
  }

  function defaultTrigger(el) {
    if (el.tagName === "FORM") return "submit";
    if (el.tagName === "INPUT" || el.tagName === "SELECT" || el.tagName === "TEXTAREA") return "change";
    return "click";
  }

  function parseTriggers(el) {
    var spec = el.getAttribute("hx-trigger") || defaultTrigger(el);
    return spec.split(",").map(function (part) {
      var words = part.trim().split(/\s+/);
      var trigger = { event: words[0], delay: 0, changed: false };
      words.slice(1).forEach(function (w) {
        if (w === "changed") trigger.changed = true;
        var m = /^delay:(\d+)(ms|s)?$/.exec(w);
        if (m) trigger.delay = parseInt(m[1], 10) * (m[2] === "s" ? 1000 : 1);
      });
      return trigger;
    });
  }

  function formFor(el) {
    return el.tagName === "FORM" ? el : el.closest("form");
  }

  function isMultipart(el) {
    var form = formFor(el);
    var encoding = el.getAttribute("hx-encoding") || (form && form.getAttribute("enctype"));
    return !!form && encoding === "multipart/form-data";
  }

  function collectParams(el, submitter) {
    var params = new URLSearchParams();
    var form = formFor(el);
    if (form) new FormData(form).forEach(function (value, key) { params.append(key, value); });
    if (submitter && submitter.name && !params.has(submitter.name)) params.append(submitter.name, submitter.value);
    if (el.name && el.value !== undefined && !params.has(el.name)) params.append(el.name, el.value);
    return params;
  }

  function flash(message) {
    var panel = document.getElementById("flash");
    if (!panel) return;
    panel.innerHTML = "";
    var card = document.createElement("div");
    card.className = "card error-page";
    card.setAttribute("role", "alert");
    card.textContent = message;
    panel.appendChild(card);
    bringIntoView(panel);
  }

  /// An answer shown somewhere else than where the person acted (HX-Retarget: an error in
  /// #flash at the top, while they changed a row far down on a phone) scrolls into view.
  function bringIntoView(el) {
    if (el) el.scrollIntoView({ block: "nearest" });
  }

  // Focus after a swap: the swapped-in element marked data-focus (an edit form's first
  // field) takes it; otherwise an element that had it keeps it when the swap replaced it
  // with one of the same id (search as you type, quick add) — after a GET with what was
  // typed while it ran. A row that leaves editing gives it to its Edit link.
  function rememberFocus() {
    var active = document.activeElement;
    if (!active || !active.id) return null;
    return { id: active.id, value: active.value, start: active.selectionStart, end: active.selectionEnd,
             row: active.closest && active.closest("li.editing") ? active.closest("li.editing").id : null };
  }

  function restoreFocus(nodes, remembered) {
    for (var i = 0; i < nodes.length; i++) {
      var marked = nodes[i].nodeType === 1 && (nodes[i].matches("[data-focus]") ? nodes[i] : nodes[i].querySelector("[data-focus]"));
      if (marked) { marked.focus(); return; }
    }
    if (!remembered) return;
    var same = document.getElementById(remembered.id);
    if (same && same !== document.activeElement && document.activeElement === document.body) {
      same.focus();
      if (remembered.keepTyped && typeof remembered.value === "string" && same.value !== remembered.value) same.value = remembered.value;
      try { if (remembered.start !== null && remembered.start !== undefined) same.setSelectionRange(remembered.start, remembered.end); } catch (e) { /* not a text field */ }
      return;
    }
    if (remembered.row && !document.activeElement.closest("li.editing")) {
      var row = document.getElementById(remembered.row);
      var link = row && row.querySelector("[data-focus-after-edit]");
      if (link) link.focus();
    }
  }

  function swap(target, html, style, keepTyped) {
    if (!target || style === "none") return;
    var remembered = rememberFocus();
    if (remembered) remembered.keepTyped = !!keepTyped;
    var template = document.createElement("template");
    template.innerHTML = html;
    var fragment = template.content;
    Array.prototype.slice.call(fragment.querySelectorAll("[hx-swap-oob]")).forEach(function (oob) {
      oob.parentNode.removeChild(oob);
      var how = oob.getAttribute("hx-swap-oob");
      oob.removeAttribute("hx-swap-oob");
      // htmx's "STYLE:SELECTOR" form inserts the element next to or into another one.
      var colon = how.indexOf(":");
      if (colon > 0) {
        var anchor = document.querySelector(how.slice(colon + 1));
        if (anchor) { anchor.insertAdjacentElement(how.slice(0, colon), oob); process(oob); }
        return;
      }
      var existing = oob.id && document.getElementById(oob.id);
      if (!existing) return;
      if (how === "true" || how === "outerHTML") { existing.replaceWith(oob); process(oob); }
      else { existing.innerHTML = oob.innerHTML; process(existing); }
    });
    var nodes = Array.prototype.slice.call(fragment.childNodes);
    switch (style) {
      case "outerHTML": target.replaceWith(fragment); break;
      case "beforebegin": target.parentNode.insertBefore(fragment, target); break;
      case "afterbegin": target.insertBefore(fragment, target.firstChild); break;
      case "beforeend": target.appendChild(fragment); break;
      case "afterend": target.parentNode.insertBefore(fragment, target.nextSibling); break;
      case "delete": target.remove(); break;
      default: target.innerHTML = ""; target.appendChild(fragment); nodes = [target];
    }
    nodes.forEach(function (n) { if (n.nodeType === 1) process(n); });
    restoreFocus(nodes, remembered);
    fire("fq:swapped", null, document.body);
  }

  function fire(name, detail, on) {
    (on || document.body).dispatchEvent(new CustomEvent(name, { bubbles: true, detail: detail }));
  }

  function triggerFromHeader(value, el) {
    if (!value) return;
    if (value.charAt(0) === "{") {
      var events = JSON.parse(value);
      Object.keys(events).forEach(function (name) { fire(name, events[name], el); });
    } else {
      value.split(",").forEach(function (name) { fire(name.trim(), null, el); });
    }
  }

  /// Whether a response would put back exactly what is on the page (its main part in
  /// place of `target`, each out-of-band part in place of its namesake): a live refresh
  /// after this window's own change then leaves the page alone.
  function unchanged(target, html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return Array.prototype.every.call(template.content.children, function (part) {
      var oob = part.hasAttribute("hx-swap-oob");
      var existing = oob ? document.getElementById(part.id) : target;
      part.removeAttribute("hx-swap-oob");
      return !!existing && existing.isEqualNode(part);
    });
  }

  /// `live`: a refresh the event stream asked for (no confirm, left alone when nothing
  /// changed, silent when it fails: the stream's next sync brings the page up to date).
  function issue(el, verb, submitter, live) {
    var confirmText = (submitter && submitter.getAttribute("hx-confirm")) || el.getAttribute("hx-confirm");
    if (confirmText && !window.confirm(confirmText)) return;
    var params = collectParams(el, submitter);
    var url = verb.url;
    var init = {
      method: verb.method,
      headers: { "HX-Request": "true", "HX-Current-URL": window.location.href, "X-CSRF-Token": csrfToken(), "FQ-Window": WINDOW },
      credentials: "same-origin"
    };
    if (verb.method === "GET") {
      var query = params.toString();
      if (query) url += (url.indexOf("?") < 0 ? "?" : "&") + query;
    } else if (isMultipart(el)) {
      // A form with a file (htmx's hx-encoding, or the form's own enctype) goes as it is.
      var data = new FormData(formFor(el));
      if (submitter && submitter.name && !data.has(submitter.name)) data.append(submitter.name, submitter.value);
      init.body = data;
    } else {
      init.body = params;
    }
    el.classList.add("hx-request");
    fetch(url, init).then(function (response) {
      return response.text().then(function (text) { return { response: response, text: text }; });
    }).then(function (result) {
      var response = result.response;
      el.classList.remove("hx-request");
      var redirect = response.headers.get("HX-Redirect");
      if (redirect) { window.location.href = redirect; return; }
      var retarget = response.headers.get("HX-Retarget");
      var target = retarget ? document.querySelector(retarget) : targetOf(el);
      var style = (response.headers.get("HX-Reswap") || (retarget ? "innerHTML" : swapStyleOf(el)) || "innerHTML").split(" ")[0];
      if (live && (!response.ok || unchanged(target, result.text))) return;
      if (response.ok || retarget || (response.status >= 400 && result.text)) {
        swap(target, result.text, style, verb.method === "GET");
        if (retarget) bringIntoView(document.querySelector(retarget));
        var push = el.getAttribute("hx-push-url");
        if (push && response.ok) history.pushState({ fq: true }, "", push === "true" ? url : push);
      } else {
        flash("Something went wrong on our side (" + response.status + "); the change may not have been saved. Try again in a moment.");
      }
      triggerFromHeader(response.headers.get("HX-Trigger"), el.isConnected ? el : document.body);
    }).catch(function () {
      el.classList.remove("hx-request");
      if (live) return;
      flash("Network problem: the change was not saved. Check your connection and try again.");
    });
  }

  function process(root) {
    var elements = root.matches && root.matches(SELECTOR) ? [root] : [];
    elements = elements.concat(Array.prototype.slice.call(root.querySelectorAll ? root.querySelectorAll(SELECTOR) : []));
    elements.forEach(function (el) {
      if (el.__fq) return;
      el.__fq = true;
      var verb = verbOf(el);
      parseTriggers(el).forEach(function (trigger) {
        if (trigger.event === "load") { issue(el, verb); return; }
        var timer = null;
        var last = el.value;
        el.addEventListener(trigger.event, function (event) {
          if (trigger.event === "submit" || el.tagName === "A" || (el.tagName === "BUTTON" && formFor(el))) event.preventDefault();
          if (trigger.changed) { if (el.value === last) return; last = el.value; }
          if (timer) clearTimeout(timer);
          var submitter = event.submitter || null;
          var live = trigger.event.indexOf("sse:") === 0;
          if (trigger.delay) timer = setTimeout(function () { issue(el, verb, submitter, live); }, trigger.delay);
          else issue(el, verb, submitter, live);
        });
      });
    });
    fillTimeZones(root);
  }

  /// Signup pre-fills the browser's IANA time zone (the server defaults to UTC without it).
  function fillTimeZones(root) {
    var inputs = root.querySelectorAll ? root.querySelectorAll("[data-fill-timezone]") : [];
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.value && input.value !== "UTC") return;
      try { input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (e) { /* keep UTC */ }
    });
  }

  // Escape inside a form with a [data-escape] control (an inline edit's Cancel) uses it.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) return;
    var form = event.target.closest("form");
    var cancel = form && form.querySelector("[data-escape]");
    if (cancel) { event.preventDefault(); cancel.click(); }
  });

  // Back and Forward over addresses this script pushed (a filter, a search, a sort) show
  // what the address says: the page is loaded again from it.
  history.replaceState({ fq: true }, "");
  window.addEventListener("popstate", function (event) {
    if (event.state && event.state.fq) window.location.reload();
  });

  var LIVE_EVENTS = ["sync", "timer", "tasks", "progress", "friends"];

  function typingIn(el) {
    var target = targetOf(el);
    var active = document.activeElement;
    return !!(target && active && active !== document.body && target.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName));
  }

  function connectLive() {
    var source = document.querySelector("[sse-connect]");
    if (!source || !window.EventSource || !document.querySelector('[hx-trigger*="sse:"]')) return;
    var stream = new EventSource(source.getAttribute("sse-connect"));
    var synced = false;
    LIVE_EVENTS.forEach(function (name) {
      stream.addEventListener(name, function (event) {
        if (name === "sync" && !synced) { synced = true; return; }
        // This window's own change: its answer already showed it.
        if (JSON.parse(event.data).by === WINDOW) return;
        document.querySelectorAll('[hx-trigger*="sse:' + name + '"]').forEach(function (el) {
          if (!typingIn(el)) fire("sse:" + name, event.data, el);
        });
      });
    });
    window.addEventListener("pagehide", function () { stream.close(); });
  }

  function start() {
    process(document.body);
    connectLive();
    // The installable app's offline page (the worker caches only the static shell).
    if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(function () {});
  }

  document.documentElement.classList.add("js");
  window.fq = { process: process, swap: swap };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
