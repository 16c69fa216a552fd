"""Every error a person can cause on a task row shows where they are looking, with the page
script (in place) and without JavaScript (a page), on a phone, where the row sits far below
the top of the page: an edit the server refuses names each field and keeps what was typed;
a task deleted elsewhere (another window, the API) says so when its row's status is changed
or it is deleted."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.select import Select

from conftest import in_view, make_driver, screenshot, wait
from test_errors import PASSWORD, api
from test_tasks import add_task, signup, task_titles, unique


@pytest.fixture(params=["script", "plain"])
def driver(request):
    # A phone-sized window (Chromium's phone emulation stalls form posts with JavaScript off).
    driver = make_driver(javascript=request.param == "script", width=390, height=844)
    driver.fq_mode = request.param
    yield driver
    driver.quit()


def first_row(driver, title):
    add_task(driver, title)
    wait(driver, lambda d: title in task_titles(d))
    return driver.find_element(By.CSS_SELECTOR, "#task-items li.task").get_attribute("id")


def test_a_refused_edit_names_each_field_and_keeps_what_was_typed(server, driver):
    signup(driver, server, unique("edit"))
    row_id = first_row(driver, "Draft the plan")
    driver.execute_script(f"document.getElementById('{row_id}').scrollIntoView()")
    driver.find_element(By.CSS_SELECTOR, f"#{row_id} .task-actions a").click()
    title = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form.task-edit input[name=title]"))
    title.clear()
    driver.find_element(By.CSS_SELECTOR, "form.task-edit textarea[name=description]").send_keys("Keep this note")
    estimate = driver.find_element(By.CSS_SELECTOR, "form.task-edit input[name=estimate_pomodoros]")
    estimate.clear()
    estimate.send_keys("60")
    driver.find_element(By.CSS_SELECTOR, "form.task-edit button[type=submit]").click()
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "form.task-edit .field-error")) == 2)
    errors = driver.find_elements(By.CSS_SELECTOR, "form.task-edit .field-error")
    assert errors[0].text.startswith("Title ") and errors[1].text.startswith("Estimate ")
    assert in_view(driver, errors[0])
    assert driver.find_element(By.CSS_SELECTOR, "form.task-edit textarea[name=description]").get_attribute("value") == "Keep this note"
    assert driver.find_element(By.CSS_SELECTOR, "form.task-edit input[name=estimate_pomodoros]").get_attribute("value") == "60"
    screenshot(driver, f"task-edit-refused-{driver.fq_mode}")


@pytest.mark.parametrize("action", ["status", "delete"])
def test_a_task_deleted_elsewhere_says_so_where_the_person_looks(server, driver, action):
    name = unique("gone")
    signup(driver, server, name)
    row_id = first_row(driver, "Already done elsewhere")
    if driver.fq_mode == "script":
        # An open event stream would take the row away as soon as it is deleted; this window's
        # stream is down (as on a flaky connection), so the row is still there to act on.
        driver.execute_script("window.dispatchEvent(new Event('pagehide'))")
    status, body = api(server, "POST", "/api/v1/auth/login", {"username": name, "password": PASSWORD})
    assert status == 200
    status, _ = api(server, "DELETE", f"/api/v1/tasks/{row_id.split('-')[1]}", token=body["access_token"])
    assert status == 204
    row = driver.find_element(By.ID, row_id)
    driver.execute_script("arguments[0].scrollIntoView()", row)
    if action == "status":
        Select(row.find_element(By.TAG_NAME, "select")).select_by_value("done")
        if driver.fq_mode == "plain":
            row.find_element(By.CSS_SELECTOR, ".task-status button").click()
    else:
        if driver.fq_mode == "script":
            driver.execute_script("window.confirm = function () { return true; };")
        row.find_element(By.CSS_SELECTOR, ".task-actions button").click()
    if driver.fq_mode == "script":
        card = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#flash [role=alert]"))
        assert driver.current_url.endswith("/dashboard"), "the error shows on the page, not instead of it"
    else:
        wait(driver, ec.url_contains("/tasks/"))
        card = driver.find_element(By.CSS_SELECTOR, ".error-page")
    assert "That task does not exist." in card.text
    assert in_view(driver, card), "the message shows where the person is looking"
    screenshot(driver, f"task-gone-{action}-{driver.fq_mode}")
