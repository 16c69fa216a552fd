// FocusQuest's service worker (SPEC §12): it caches only the static shell — the style
// sheet, the scripts, the icons and the offline page — and answers a navigation that
// cannot reach the server with the offline page. Pages and API answers always come from
// the network and are never stored: they are personal and change all the time.
"use strict";
var CACHE = "fq-shell-v1";
var SHELL = [
  "/offline.html", "/css/app.css", "/js/fq.js", "/js/timer.js", "/img/icon.svg",
  "/img/icon-192.png", "/img/icon-512.png", "/img/icon-maskable-512.png", "/manifest.webmanifest"
];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () { return caches.match("/offline.html"); }));
    return;
  }
  if (SHELL.indexOf(url.pathname) !== -1) {
    // The shell: the network first (so a new version shows at once), the copy when offline.
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () { return caches.match(url.pathname); }));
  }
});
