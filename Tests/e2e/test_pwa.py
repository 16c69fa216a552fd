"""The installable app (SPEC §12) in Chromium: the manifest and service worker leave no
installability errors (DevTools protocol), the worker's cache holds only the static shell
after browsing signed-in pages and calling the API, and with the server gone a navigation
shows the offline page."""
import json
import urllib.request

from selenium.webdriver.common.by import By

from conftest import make_driver, running_server, screenshot, wait
from test_errors import PASSWORD, api
from test_streaks import sign_in

SHELL = {"/offline.html", "/css/app.css", "/js/fq.js", "/js/timer.js", "/img/icon.svg", "/img/icon-192.png", "/img/icon-512.png",
         "/img/icon-maskable-512.png", "/manifest.webmanifest"}

WORKER_READY = """
var done = arguments[arguments.length - 1];
navigator.serviceWorker.ready.then(function () { done(true); }, function () { done(false); });
"""

CACHED_PATHS = """
var done = arguments[arguments.length - 1];
caches.keys().then(function (names) {
  return Promise.all(names.map(function (name) {
    return caches.open(name).then(function (cache) { return cache.keys(); });
  }));
}).then(function (lists) {
  done([].concat.apply([], lists).map(function (request) { return new URL(request.url).pathname; }));
}, function (error) { done(String(error)); });
"""


def test_installable_shell_only_cache_and_offline_page(tmp_path):
    started = []
    with running_server(tmp_path, started=started) as base:
        api(base, "POST", "/api/v1/auth/signup", {"username": "ada", "password": PASSWORD, "timezone": "UTC"})
        manifest = json.loads(urllib.request.urlopen(base + "/manifest.webmanifest").read())
        assert manifest["display"] == "standalone" and manifest["start_url"] == "/dashboard"
        assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
        assert any(icon["purpose"] == "maskable" for icon in manifest["icons"])
        driver = make_driver()
        try:
            sign_in(driver, base, "ada")
            driver.set_script_timeout(15)
            assert driver.execute_async_script(WORKER_READY) is True
            driver.get(base + "/dashboard")  # now under the worker's control
            assert driver.execute_cdp_cmd("Page.getInstallabilityErrors", {})["installabilityErrors"] == []
            app_manifest = driver.execute_cdp_cmd("Page.getAppManifest", {})
            assert app_manifest["errors"] == [] and app_manifest["url"].endswith("/manifest.webmanifest")
            for path in ["/settings", "/friends", "/dashboard"]:
                driver.get(base + path)
            driver.execute_async_script("""
                var done = arguments[arguments.length - 1];
                fetch('/api/v1/openapi.json').then(function () { return fetch('/timer/panel'); }).then(function () { done(); }, function () { done(); });
            """)
            cached = set(driver.execute_async_script(CACHED_PATHS))
            assert cached and cached <= SHELL, f"only the static shell is cached: {cached - SHELL}"
            assert "/offline.html" in cached

            started[0].kill()
            started[0].wait(timeout=10)
            driver.get(base + "/dashboard")
            heading = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#offline h1"))
            assert heading.text == "You are offline"
            screenshot(driver, "pwa-offline")
        finally:
            driver.quit()
