"""Fair streaks in real browsers (SPEC §9), on a server of its own whose clock the test
moves (`PUT /api/v1/test/clock`): planning and cancelling a break from the settings page
with the page script (swapped in place) and without JavaScript (plain forms), an error
shown where the person looks in both, and the heatmap's states with their legend."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.select import Select

from conftest import make_driver, running_server, screenshot, wait
from test_errors import PASSWORD, api
from test_tasks import assert_no_reload, set_marker

TODAY = "2027-03-15"  # a Monday


def travel(base, instant):
    _, root = api(base, "POST", "/api/v1/auth/login", {"username": "root", "password": PASSWORD})
    status, _ = api(base, "PUT", "/api/v1/test/clock", {"now": instant}, root["access_token"])
    assert status == 204


def login(base, name):
    _, body = api(base, "POST", "/api/v1/auth/login", {"username": name, "password": PASSWORD})
    return body["access_token"]


def focus(base, name, day, minutes=40):
    status, body = api(base, "POST", "/api/v1/sessions", {
        "session_id": f"{name}-{day}", "start_time": f"{day}T09:00:00Z",
        "end_time": f"{day}T09:{minutes:02d}:00Z", "timezone": "UTC"}, login(base, name))
    assert status == 201, body


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """`ada` has two weeks behind her: rest days on weekends, a planned break, a day a
    freeze kept, and today not yet qualified."""
    with running_server(tmp_path_factory.mktemp("streaks"), admin=("root", PASSWORD)) as base:
        travel(base, "2027-02-20T12:00:00Z")
        for name in ["ada", "bea", "cyd"]:
            api(base, "POST", "/api/v1/auth/signup", {"username": name, "password": PASSWORD, "timezone": "UTC"})
        api(base, "PATCH", "/api/v1/me", {"settings": {"rest_days": ["sat", "sun"]}}, login(base, "ada"))
        status, _ = api(base, "POST", "/api/v1/breaks", {"from": "2027-03-03", "to": "2027-03-04", "note": "Dentist"}, login(base, "ada"))
        assert status == 201
        for day in ["2027-02-22", "2027-02-23", "2027-02-24", "2027-02-25", "2027-02-26", "2027-03-01", "2027-03-02",
                    "2027-03-05", "2027-03-08", "2027-03-10", "2027-03-11", "2027-03-12"]:
            travel(base, day + "T20:00:00Z")
            focus(base, "ada", day)
        travel(base, TODAY + "T10:00:00Z")
        yield base


def sign_in(driver, base, name):
    driver.get(base + "/login")
    driver.find_element(By.NAME, "username").send_keys(name)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD, Keys.ENTER)
    wait(driver, ec.url_contains("/dashboard"))


def set_dates(driver, first, last):
    for name, value in [("from", first), ("to", last)]:
        driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, f"break-{name}"), value)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_heatmap_shows_rest_break_and_frozen_days_with_a_legend(site, size):
    driver = make_driver(**(dict(width=1280, height=900) if size == "desktop" else dict(width=390, height=844, phone=True)))
    try:
        sign_in(driver, site, "ada")
        legend = driver.find_element(By.ID, "heatmap-legend")
        assert legend.is_displayed()
        assert [e.text for e in legend.find_elements(By.CSS_SELECTOR, ".legend-item")] == ["rest day", "planned break", "freeze used", "missed"]
        titles = {cell.get_attribute("class"): [] for cell in driver.find_elements(By.CSS_SELECTOR, "svg.heatmap rect")}
        for cell in driver.find_elements(By.CSS_SELECTOR, "svg.heatmap rect"):
            titles[cell.get_attribute("class")].append(cell.find_element(By.TAG_NAME, "title").get_attribute("textContent"))
        by_state = {state: sum((t for c, t in titles.items() if f"day-{state}" in c.split()), []) for state in ["rest", "break", "frozen"]}
        by_state["qualified"] = sum((t for c, t in titles.items() if not any(m in c for m in ["day-rest", "day-break", "day-frozen", "day-missed"])), [])
        assert "2027-03-06: 0 min · rest day" in by_state["rest"]
        assert "2027-03-03: 0 min · planned break" in by_state["break"]
        assert "2027-03-09: 0 min · a freeze kept the streak" in by_state["frozen"], "the milestone on March 2nd earned the freeze used on the 9th"
        assert "2027-03-12: 40 min · goal met" in by_state["qualified"]
        width, height = driver.execute_script("const r = document.querySelector('svg.heatmap rect').getBoundingClientRect(); return [r.width, r.height];")
        assert width >= 10 and abs(width - height) < 0.5, f"the style sheet sizes the cells ({width}×{height})"
        if size == "desktop":
            assert round(width) == 14, "the style sheet's cell size is ProgressView.cell, which places the cells"
        stats = driver.find_element(By.ID, "progress-panel").text
        assert "0 freezes held" in stats and "next milestone at 14 days" in stats
        assert driver.find_element(By.ID, "current-streak").text.startswith("12")
        driver.execute_script("document.getElementById('progress-panel').scrollIntoView()")
        screenshot(driver, f"streak-heatmap-{size}")
        overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
    finally:
        driver.quit()


def test_planning_and_cancelling_a_break_in_place(site):
    driver = make_driver()
    try:
        sign_in(driver, site, "bea")
        driver.get(site + "/settings")
        set_marker(driver)
        set_dates(driver, TODAY, "2027-03-17")
        driver.find_element(By.ID, "break-note").send_keys("Holiday")
        driver.find_element(By.CSS_SELECTOR, "#break-form button[type=submit]").click()
        error = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#breaks-section .field-error").text)
        assert error.startswith("From must be after today")
        assert driver.find_element(By.ID, "break-note").get_attribute("value") == "Holiday", "the input stays"
        set_dates(driver, "2027-03-20", "2027-03-24")
        driver.find_element(By.CSS_SELECTOR, "#break-form button[type=submit]").click()
        wait(driver, lambda d: "Break planned: 2027-03-20 to 2027-03-24." in d.find_element(By.ID, "breaks-section").text)
        assert "2027-03-20 to 2027-03-24 · Holiday" in driver.find_element(By.CSS_SELECTOR, ".break-list").text
        assert_no_reload(driver)
        screenshot(driver, "breaks-planned-desktop")
        driver.find_element(By.XPATH, "//button[normalize-space()='Cancel']").click()
        wait(driver, lambda d: "Break cancelled." in d.find_element(By.ID, "breaks-section").text)
        assert driver.find_elements(By.ID, "no-breaks")
        assert_no_reload(driver)
    finally:
        driver.quit()


def test_planning_and_cancelling_a_break_without_javascript(site):
    driver = make_driver(javascript=False, width=390, height=844)
    try:
        sign_in(driver, site, "cyd")
        driver.get(site + "/settings")
        for name, value in [("from", "2027-03-18"), ("to", "2027-04-05")]:
            driver.execute_script("arguments[0].removeAttribute('min')", driver.find_element(By.ID, f"break-{name}"))
        set_dates(driver, "2027-03-18", "2027-04-05")
        driver.find_element(By.CSS_SELECTOR, "#break-form button[type=submit]").click()
        error = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#breaks-section .field-error").text)
        assert "at most 14 days" in error, "too long: named on the page that came back"
        assert driver.find_element(By.ID, "break-from").get_attribute("value") == "2027-03-18"
        set_dates(driver, "2027-03-18", "2027-03-19")
        driver.find_element(By.CSS_SELECTOR, "#break-form button[type=submit]").click()
        wait(driver, lambda d: d.current_url.endswith("/settings") and d.find_elements(By.CSS_SELECTOR, ".break-item"))
        assert "2027-03-18 to 2027-03-19" in driver.find_element(By.CSS_SELECTOR, ".break-list").text
        driver.find_element(By.CSS_SELECTOR, ".break-list").location_once_scrolled_into_view
        screenshot(driver, "breaks-planned-phone")
        driver.find_element(By.XPATH, "//button[normalize-space()='Cancel']").click()
        wait(driver, lambda d: d.find_elements(By.ID, "no-breaks"))
    finally:
        driver.quit()


@pytest.mark.parametrize("javascript", [True, False])
def test_too_many_rest_days_are_named_in_the_streak_form(site, javascript):
    driver = make_driver(javascript=javascript, width=390, height=844)
    name = "dee" if javascript else "eve"
    api(site, "POST", "/api/v1/auth/signup", {"username": name, "password": PASSWORD, "timezone": "UTC"})
    try:
        sign_in(driver, site, name)
        driver.get(site + "/settings")
        if javascript:
            set_marker(driver)
        for day in ["mon", "tue", "wed", "thu"]:
            driver.find_element(By.CSS_SELECTOR, f"#streak-form input[name={day}]").click()
        Select(driver.find_element(By.ID, "day-starts-at")).select_by_value("4")
        driver.find_element(By.CSS_SELECTOR, "#streak-form button[type=submit]").click()
        alert = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#streak-form [role=alert]").text)
        assert "at most 3 weekdays" in alert
        checked = [e.get_attribute("name") for e in driver.find_elements(By.CSS_SELECTOR, "#streak-form input[type=checkbox]:checked")]
        assert checked == ["mon", "tue", "wed", "thu"], "the choice stays as made"
        assert Select(driver.find_element(By.ID, "day-starts-at")).first_selected_option.get_attribute("value") == "4"
        if javascript:
            assert_no_reload(driver)
        driver.execute_script("document.getElementById('streak-form').scrollIntoView()")
        screenshot(driver, f"streak-days-error-{'script' if javascript else 'plain'}-phone")
        driver.find_element(By.CSS_SELECTOR, "#streak-form input[name=thu]").click()
        driver.find_element(By.CSS_SELECTOR, "#streak-form button[type=submit]").click()
        if javascript:
            wait(driver, lambda d: "Saved. It applies from" in d.find_element(By.ID, "streak-form").text)
        else:
            wait(driver, lambda d: d.current_url.endswith("/settings") and not d.find_elements(By.CSS_SELECTOR, "#streak-form [role=alert]"))
            assert [e.get_attribute("name") for e in driver.find_elements(By.CSS_SELECTOR, "#streak-form input[type=checkbox]:checked")] == ["mon", "tue", "wed"]
    finally:
        driver.quit()
