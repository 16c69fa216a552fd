"""Live on every device (SPEC §12) against a real server: the event stream's contract over
HTTP (sync first, each change within a second, heartbeats past the idle timeout, closing
when the token is revoked, the 10-stream cap, 401 without a session), and two Chromium
windows of one person: what one does shows in the other without a reload."""
import http.client
import json
import threading
import time
import urllib.parse
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from conftest import make_driver, running_server, screenshot, wait
from test_errors import PASSWORD, api
from test_streaks import sign_in
from test_tasks import assert_no_reload, set_marker


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("live"), admin=("root", PASSWORD),
                        extra_env={"EVENTS_HEARTBEAT_SECONDS": "1", "IDLE_TIMEOUT_SECONDS": "2"}) as base:
        for name in ["ada", "bea", "cyd", "dan"]:
            api(base, "POST", "/api/v1/auth/signup", {"username": name, "password": PASSWORD, "timezone": "UTC"})
        yield base


def login(base, name):
    return api(base, "POST", "/api/v1/auth/login", {"username": name, "password": PASSWORD})[1]["access_token"]


class Stream:
    """An open event stream read on a thread: events as (name, data), comments counted."""

    def __init__(self, base, token=None, path="/api/v1/events", cookie=None):
        url = urllib.parse.urlparse(base)
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        headers = {"Accept": "text/event-stream"}
        if token:
            headers["Authorization"] = "Bearer " + token
        if cookie:
            headers["Cookie"] = cookie
        self.connection.request("GET", path, headers=headers)
        self.response = self.connection.getresponse()
        self.events, self.comments, self.closed = [], 0, False
        if self.response.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        name, data = None, None
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith(":"):
                    self.comments += 1
                elif line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif line == "" and name:
                    self.events.append((name, json.loads(data), time.time()))
                    name, data = None, None
        except (OSError, ValueError, AttributeError):
            pass  # closed by the test, or by the server mid-read
        self.closed = True

    def wait_for(self, name, since=0, timeout=5):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for event in self.events[since:]:
                if event[0] == name:
                    return event
            time.sleep(0.02)
        raise AssertionError(f"no {name} event within {timeout}s: {self.events}")

    def wait_closed(self, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline and not self.closed:
            time.sleep(0.05)
        return self.closed

    def close(self):
        self.connection.close()


def test_the_stream_starts_with_sync_and_carries_each_change_within_a_second(site):
    token = login(site, "ada")
    stream = Stream(site, token)
    assert stream.response.getheader("Content-Type") == "text/event-stream"
    assert stream.response.getheader("Cache-Control") == "no-store"
    name, sync, _ = stream.wait_for("sync")
    assert sync["timer"] is None and sync["next"]["kind"] == "focus" and set(sync["progress"]) == {"today_minutes", "streak", "xp", "level"}
    seen = len(stream.events)
    started = time.time()
    assert api(site, "POST", "/api/v1/timer/start", {"minutes": 25}, token)[0] == 201
    _, timer, at = stream.wait_for("timer", seen)
    assert timer["timer"]["status"] == "running" and at - started < 1
    status, task = api(site, "POST", "/api/v1/tasks", {"title": "Live"}, token)
    _, tasks, _ = stream.wait_for("tasks", seen)
    assert tasks == {"ids": [task["id"]]}
    api(site, "POST", "/api/v1/timer/complete", None, token)
    _, progress, _ = stream.wait_for("progress", seen)
    assert progress["xp"] >= 0 and "today_minutes" in progress
    time.sleep(3)  # past the 2 s idle timeout: heartbeats keep it open
    assert stream.comments >= 2 and not stream.closed
    metrics = urllib.request.urlopen(site + "/metrics").read().decode()
    assert any(line.startswith("focusquest_event_streams ") and float(line.split()[-1]) >= 1 for line in metrics.splitlines())
    stream.close()


def test_streams_close_when_the_token_stops_and_ten_at_most(site):
    token = login(site, "bea")
    streams = [Stream(site, token) for _ in range(10)]
    for stream in streams:
        stream.wait_for("sync")
    eleventh = Stream(site, token)
    eleventh.wait_for("sync")
    assert streams[0].wait_closed(5), "the oldest closes for the eleventh"
    assert not any(s.closed for s in streams[1:])
    _, tool = api(site, "POST", "/api/v1/tokens", {"name": "watcher", "scopes": ["read"]}, token)
    watcher = Stream(site, tool["token"])
    watcher.wait_for("sync")
    api(site, "DELETE", f"/api/v1/tokens/{tool['id']}", None, token)
    assert watcher.wait_closed(5), "a revoked personal access token's stream closes"
    api(site, "POST", "/api/v1/auth/logout", {"everywhere": True}, token)
    assert all(s.wait_closed(5) for s in streams[1:] + [eleventh]), "signing out everywhere closes them all"
    assert Stream(site, None, path="/events").response.status == 401
    assert Stream(site, "not-a-token").response.status == 401


def test_friends_hear_of_requests(site):
    cyd, dan = login(site, "cyd"), login(site, "dan")
    listening = Stream(site, dan)
    listening.wait_for("sync")
    assert api(site, "POST", "/api/v1/friends/requests", {"username": "dan"}, cyd)[0] == 201
    assert listening.wait_for("friends")[1] == {}
    listening.close()


def test_two_windows_of_one_person_stay_in_step(site):
    laptop, phone = make_driver(), make_driver(width=390, height=844)
    try:
        for driver in (laptop, phone):
            sign_in(driver, site, "ada")
            set_marker(driver)
        api(site, "POST", "/api/v1/timer/cancel", None, login(site, "ada"))
        wait(phone, lambda d: d.find_elements(By.ID, "timer-start"), timeout=2)

        laptop.find_element(By.CSS_SELECTOR, "#timer-start button[type=submit]").click()
        wait(phone, lambda d: d.find_element(By.ID, "countdown").get_attribute("data-status") == "running", timeout=2)
        laptop.find_element(By.XPATH, "//form[@action='/timer/pause']//button").click()
        wait(phone, lambda d: d.find_element(By.ID, "countdown").get_attribute("data-status") == "paused", timeout=2)
        laptop.find_element(By.XPATH, "//form[@action='/timer/complete']//button").click()
        wait(phone, lambda d: d.find_elements(By.ID, "timer-start"), timeout=2)

        field = laptop.find_element(By.ID, "quick-add-title")
        field.send_keys("Seen on the phone")
        laptop.find_element(By.CSS_SELECTOR, "#quick-add button[type=submit]").click()
        wait(phone, lambda d: "Seen on the phone" in d.find_element(By.ID, "task-items").text, timeout=2)
        assert_no_reload(phone)
        assert_no_reload(laptop)
        panel_fetches = "return performance.getEntriesByType('resource').filter(function (e) { return e.name.indexOf('/timer/panel') >= 0; }).length"
        assert phone.execute_script(panel_fetches) >= 3, "the phone fetched its panel for each change"
        assert laptop.execute_script(panel_fetches) == 0, "the laptop's own changes came with their answers: no refetch"
        screenshot(phone, "live-phone-after-laptop")
    finally:
        laptop.quit()
        phone.quit()


def test_a_stream_ends_when_its_token_expires(site):
    """Last in this module: it moves the server's clock a day ahead."""
    token = login(site, "cyd")
    stream = Stream(site, token)
    stream.wait_for("sync")
    root = login(site, "root")
    status, _ = api(site, "PUT", "/api/v1/test/clock", {"now": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 86_401))}, root)
    assert status == 204
    assert stream.wait_closed(5), "the access token expired: its stream ends"
