"""Your data in and out (SPEC §10) in real clients: the calendar feed read by a real
iCalendar parser, and the settings page's import — checked first, then confirmed — with
the page script (swapped in place) and without JavaScript, its errors shown in the
section in both."""
import json
import os
import subprocess
import urllib.request

import icalendar
import pytest
from selenium.webdriver.common.by import By

from conftest import ROOT, in_view, running_server, screenshot, settings_as, wait
from test_errors import PASSWORD, api
from test_streaks import sign_in, travel
from test_tasks import assert_no_reload

NOW = "2027-03-15T10:00:00Z"


def login(base, name):
    _, body = api(base, "POST", "/api/v1/auth/login", {"username": name, "password": PASSWORD})
    return body["access_token"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("data"), admin=("root", PASSWORD)) as base:
        travel(base, NOW)
        for name in ["ada", "bea", "cyd"]:
            api(base, "POST", "/api/v1/auth/signup", {"username": name, "password": PASSWORD, "timezone": "Europe/Berlin"})
        yield base


def test_the_calendar_feed_parses_with_stable_uids_escaping_and_folding(site):
    token = login(site, "ada")
    title = "Plan Q2; budget, hiring \\ and a very long title that goes well past the folding width — ünïcödé ✓"
    status, task = api(site, "POST", "/api/v1/tasks", {"title": title}, token)
    assert status == 201
    for index, day in enumerate(["2027-03-13", "2027-03-14"]):
        status, _ = api(site, "POST", "/api/v1/sessions", {"session_id": f"s{index}", "start_time": f"{day}T08:00:00Z",
                                                           "end_time": f"{day}T08:50:00Z", "timezone": "Europe/Berlin",
                                                           "task_id": task["id"]}, token)
        assert status == 201
    status, _ = api(site, "POST", "/api/v1/breaks", {"from": "2027-03-20", "to": "2027-03-22", "note": "Away, offline"}, token)
    assert status == 201
    status, body = api(site, "POST", "/api/v1/calendar-feed", None, token)
    assert status == 201
    raw = urllib.request.urlopen(body["url"]).read()
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(raw)
    events = [c for c in calendar.walk("VEVENT")]
    sessions = [e for e in events if str(e["UID"]).startswith("session-")]
    breaks = [e for e in events if str(e["UID"]).startswith("break-")]
    assert len(sessions) == 2 and len(breaks) == 1
    assert str(sessions[0]["SUMMARY"]) == "Focus: " + title, "escaping and folding give back the exact text"
    assert sessions[0].decoded("DTSTART").isoformat() == "2027-03-13T08:00:00+00:00"
    assert str(breaks[0]["SUMMARY"]) == "Planned break: Away, offline"
    assert breaks[0].decoded("DTSTART").isoformat() == "2027-03-20" and breaks[0].decoded("DTEND").isoformat() == "2027-03-23"
    again = icalendar.Calendar.from_ical(urllib.request.urlopen(body["url"]).read())
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == [str(e["UID"]) for e in events], "UIDs are stable"
    status, _ = api(site, "DELETE", "/api/v1/calendar-feed", None, token)
    assert status == 204
    with pytest.raises(urllib.error.HTTPError) as revoked:
        urllib.request.urlopen(body["url"])
    assert revoked.value.code == 404


def export_file(tmp_path, name, sessions):
    document = {"format": "focusquest-export", "version": 1,
                "tasks": [{"id": 7, "title": "Imported essay", "status": "todo", "created_at": "2027-03-01T09:00:00Z"}],
                "sessions": sessions}
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


GOOD = [{"session_id": "old-1", "start_time": "2027-03-10T08:00:00Z", "end_time": "2027-03-10T08:45:00Z",
         "timezone": "Europe/Berlin", "task_id": 7}]
BAD = GOOD + [{"session_id": "old-2", "start_time": "2027-03-11T08:00:00Z", "end_time": "2027-03-12T09:00:00Z", "timezone": "Europe/Berlin"}]


def choose(driver, path, source=None):
    driver.find_element(By.ID, "import-file").send_keys(path)
    if source:
        driver.find_element(By.CSS_SELECTOR, f"#import-source option[value={source}]").click()
    driver.find_element(By.CSS_SELECTOR, "#import-form button[type=submit]").click()


@pytest.mark.parametrize("javascript", [True, False])
def test_importing_a_file_checks_it_first_and_names_its_problems(site, tmp_path, javascript):
    name = "bea" if javascript else "cyd"
    driver = settings_as(site, name, javascript, sign_in)
    try:
        choose(driver, export_file(tmp_path, "bad.json", BAD))
        error = wait(driver, lambda d: d.find_element(By.ID, "import-error").text)
        assert "bad.json" in error and "1 problem" in error and "nothing was imported" in error
        problems = driver.find_element(By.CSS_SELECTOR, ".import-problems").text
        assert in_view(driver, driver.find_element(By.ID, "import-error")), "the problem shows where the person is looking"
        assert "Row 2, sessions[2].end_time: must be at most 24 hours after start_time" in problems
        screenshot(driver, f"import-problems-{'js' if javascript else 'nojs'}")
        choose(driver, export_file(tmp_path, "good.json", GOOD))
        report = wait(driver, lambda d: d.find_element(By.ID, "import-report").text)
        assert "Checked good.json" in report and "1 new task" in report and "1 focus session (0 already here)" in report
        status, tasks = api(site, "GET", "/api/v1/tasks", None, login(site, name))
        assert tasks["items"] == [], "checking stores nothing"
        screenshot(driver, f"import-checked-{'js' if javascript else 'nojs'}")
        driver.find_element(By.XPATH, "//button[normalize-space()='Import now']").click()
        wait(driver, lambda d: "Imported good.json." in d.find_element(By.ID, "data-section").text)
        if javascript:
            assert_no_reload(driver)
        status, tasks = api(site, "GET", "/api/v1/tasks", None, login(site, name))
        assert [t["title"] for t in tasks["items"]] == ["Imported essay"] and tasks["items"][0]["total_minutes"] == 45
        entries = tmp_path / "entries.csv"
        entries.write_text("Description,Start date,Start time,End date\nEssay,2027-03-09,09:00:00,2027-03-09\n")
        choose(driver, str(entries), source="toggl")
        error = wait(driver, lambda d: d.find_element(By.ID, "import-error").text)
        assert error.startswith("entries.csv:")
        assert "End time: the column is missing" in driver.find_element(By.CSS_SELECTOR, ".import-problems").text
    finally:
        driver.quit()


def test_the_operator_cli_exports_and_imports_with_progress(tmp_path):
    """`focusquest export` and `focusquest import` on the database a running server uses."""
    binary = os.environ.get("FOCUSQUEST_BIN", str(ROOT / ".build" / "debug" / "focusquest"))
    env = dict(os.environ, APP_ENV="test", DATABASE_PATH=str(tmp_path / "focusquest.sqlite"),
               JWT_SECRET="e2e-secret-that-is-long-enough-for-hs256", LOG_LEVEL="warning")
    with running_server(tmp_path) as base:
        for name in ["ada", "bob"]:
            api(base, "POST", "/api/v1/auth/signup", {"username": name, "password": PASSWORD, "timezone": "Europe/Berlin"})
        token = login(base, "ada")
        for day in ["2026-11-28", "2026-11-29"]:
            status, _ = api(base, "POST", "/api/v1/sessions", {"session_id": day, "start_time": f"{day}T08:00:00Z",
                                                              "end_time": f"{day}T08:45:00Z"}, token)
            assert status == 201
        exported = tmp_path / "ada.json"
        subprocess.run([binary, "export", "--user", "ada", "--output", str(exported)], env=env, check=True, capture_output=True)
        assert json.loads(exported.read_text())["account"]["username"] == "ada"
        result = subprocess.run([binary, "import", "--user", "bob", str(exported)], env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "sessions 2/2" in result.stdout and "2 sessions created" in result.stdout
        again = subprocess.run([binary, "import", "--user", "bob", str(exported)], env=env, capture_output=True, text=True)
        assert "0 sessions created, 2 skipped" in again.stdout
        missing = subprocess.run([binary, "import", "--user", "nobody", str(exported)], env=env, capture_output=True, text=True)
        assert missing.returncode != 0 and "There is no user named nobody." in missing.stderr
        status, body = api(base, "GET", "/api/v1/streak", None, login(base, "bob"))
        assert status == 200 and body["qualified_days"] == 2
