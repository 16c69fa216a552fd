"""Sign up, add, change, edit, delete and filter tasks in a real browser: with the page
script every step must update in place (a marker set on `window` survives), and without
JavaScript the same steps must work as plain forms."""
import itertools

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.select import Select

from conftest import make_driver, screenshot, wait

counter = itertools.count(1)


def unique(name):
    return f"{name}{next(counter)}"


def signup(driver, server, username):
    driver.get(server + "/signup")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys("correct horse battery")
    driver.find_element(By.CSS_SELECTOR, "#signup-form button[type=submit]").click()
    wait(driver, ec.url_contains("/dashboard"))


def set_marker(driver):
    driver.execute_script("window.__fqMarker = 'still-here';")


def assert_no_reload(driver):
    assert driver.execute_script("return window.__fqMarker") == "still-here", "the page reloaded"


def task_titles(driver):
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#task-items .task-title")]


def add_task(driver, title):
    field = driver.find_element(By.ID, "quick-add-title")
    field.send_keys(title)
    driver.find_element(By.CSS_SELECTOR, "#quick-add button[type=submit]").click()


def test_signup_fills_the_browser_time_zone(server, browser):
    browser.get(server + "/signup")
    zone = browser.find_element(By.NAME, "timezone").get_attribute("value")
    assert zone and zone != ""
    assert "/" in zone or zone == "UTC"


def test_task_flows_update_in_place(server, browser):
    signup(browser, server, unique("ada"))
    set_marker(browser)

    add_task(browser, "Write <the> report")
    wait(browser, lambda d: "Write <the> report" in task_titles(d))
    assert browser.find_element(By.ID, "quick-add-title").get_attribute("value") == ""
    add_task(browser, "Read a book")
    wait(browser, lambda d: task_titles(d)[:1] == ["Read a book"])
    assert_no_reload(browser)

    row = browser.find_element(By.CSS_SELECTOR, "#task-items li.task")
    row_id = row.get_attribute("id")
    Select(row.find_element(By.TAG_NAME, "select")).select_by_value("done")
    wait(browser, lambda d: "status-done" in d.find_element(By.ID, row_id).get_attribute("class"))
    wait(browser, lambda d: "10 XP" in d.find_element(By.ID, "user-stats").text)
    assert_no_reload(browser)

    browser.find_element(By.CSS_SELECTOR, f"#{row_id} .task-actions a").click()
    title_field = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, f"#{row_id} input[name=title]"))
    title_field.clear()
    title_field.send_keys("Read two books")
    browser.find_element(By.CSS_SELECTOR, f"#{row_id} button[type=submit]").click()
    wait(browser, lambda d: "Read two books" in task_titles(d))
    assert_no_reload(browser)

    browser.find_element(By.CSS_SELECTOR, "nav.tabs a[href='/dashboard?status=done']").click()
    wait(browser, lambda d: task_titles(d) == ["Read two books"])
    assert browser.current_url.endswith("/dashboard?status=done")
    browser.find_element(By.CSS_SELECTOR, "nav.tabs a[href='/dashboard']").click()
    wait(browser, lambda d: len(task_titles(d)) == 2)

    search = browser.find_element(By.ID, "task-search")
    search.send_keys("report")
    wait(browser, lambda d: task_titles(d) == ["Write <the> report"])
    search.clear()
    search.send_keys(" ")
    wait(browser, lambda d: len(task_titles(d)) == 2)
    assert_no_reload(browser)

    for title in ["Plan the week", "Email <Zoë> & \"Bob\"", "Stretch"]:
        add_task(browser, title)
        wait(browser, lambda d, t=title: t in task_titles(d))
    screenshot(browser, "dashboard-desktop")

    browser.execute_script("window.confirm = function () { return true; };")
    target = browser.find_element(By.CSS_SELECTOR, "#task-items li.task")
    target_id = target.get_attribute("id")
    target.find_element(By.CSS_SELECTOR, ".task-actions button").click()
    wait(browser, lambda d: not d.find_elements(By.ID, target_id))
    assert_no_reload(browser)

    phone = make_driver(width=390, height=844, phone=True)
    try:
        phone.get(server + "/login")
        for cookie in browser.get_cookies():
            phone.add_cookie({"name": cookie["name"], "value": cookie["value"], "path": "/"})
        phone.get(server + "/dashboard")
        wait(phone, lambda d: len(task_titles(d)) >= 3)
        screenshot(phone, "dashboard-phone")
        width, viewport = phone.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert viewport == 390
        assert width <= viewport, f"the page scrolls sideways on a phone ({width}px in {viewport}px)"
    finally:
        phone.quit()


def test_task_flows_without_javascript(server, plain_browser):
    browser = plain_browser
    signup(browser, server, unique("nojs"))
    classes = browser.find_element(By.TAG_NAME, "html").get_attribute("class") or ""
    assert "js" not in classes.split(), "the page script must not have run"

    add_task(browser, "Plain form task")
    wait(browser, lambda d: "Plain form task" in task_titles(d))
    add_task(browser, "Second plain task")
    wait(browser, lambda d: task_titles(d)[:1] == ["Second plain task"])

    row = browser.find_element(By.CSS_SELECTOR, "#task-items li.task")
    row_id = row.get_attribute("id")
    Select(row.find_element(By.TAG_NAME, "select")).select_by_value("in_progress")
    row.find_element(By.CSS_SELECTOR, ".task-status button").click()
    wait(browser, lambda d: "status-in_progress" in d.find_element(By.ID, row_id).get_attribute("class"))

    browser.find_element(By.CSS_SELECTOR, f"#{row_id} .task-actions a").click()
    wait(browser, ec.url_contains("/edit"))
    title = browser.find_element(By.NAME, "title")
    title.clear()
    title.send_keys("Edited without script")
    browser.find_element(By.CSS_SELECTOR, "form.task-edit button[type=submit]").click()
    wait(browser, lambda d: "Edited without script" in task_titles(d))

    browser.find_element(By.CSS_SELECTOR, "nav.tabs a[href='/dashboard?status=in_progress']").click()
    wait(browser, lambda d: task_titles(d) == ["Edited without script"])
    browser.get(server + "/dashboard")
    search = browser.find_element(By.ID, "task-search")
    search.send_keys("Plain")
    browser.find_element(By.CSS_SELECTOR, "form.task-search button[type=submit]").click()
    wait(browser, lambda d: task_titles(d) == ["Plain form task"])

    browser.get(server + "/dashboard")
    count = len(task_titles(browser))
    browser.find_element(By.CSS_SELECTOR, "#task-items li.task .task-actions button").click()
    wait(browser, lambda d: len(task_titles(d)) == count - 1)
