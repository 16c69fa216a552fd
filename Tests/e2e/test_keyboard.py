"""Keyboard only: sign up, add a task and start a timer without the mouse; focus goes
where the next keystroke belongs (into an edited row and back, back to quick add after
adding, kept in the admin's search while results swap), and Escape cancels an edit."""
import itertools

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

from conftest import screenshot, wait

counter = itertools.count(1)


def focused(driver):
    return driver.switch_to.active_element


def tab_to(driver, matches, limit=80):
    """Presses Tab until the focused element satisfies `matches`."""
    for _ in range(limit):
        if matches(focused(driver)):
            return focused(driver)
        focused(driver).send_keys(Keys.TAB)
    raise AssertionError("Tab never reached the element")


def test_sign_up_add_a_task_and_start_a_timer_by_keyboard(server, browser):
    browser.get(server + "/signup")
    name = f"keys{next(counter)}"
    assert focused(browser).get_attribute("id") == "signup-username", "the form starts focused"
    focused(browser).send_keys(name, Keys.TAB, "correct horse battery", Keys.ENTER)
    wait(browser, ec.url_contains("/dashboard"))

    field = tab_to(browser, lambda e: e.get_attribute("id") == "quick-add-title")
    field.send_keys("Write the plan", Keys.ENTER)
    wait(browser, lambda d: "Write the plan" in d.find_element(By.ID, "task-items").text)
    assert focused(browser).get_attribute("id") == "quick-add-title", "focus returns to quick add"
    assert focused(browser).get_attribute("value") == "", "ready for the next task"

    start = tab_to(browser, lambda e: e.tag_name == "button" and e.text.startswith("Start"))
    start.send_keys(Keys.ENTER)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-countdown][data-status=running]"))
    screenshot(browser, "keyboard-timer-running")


def test_an_inline_edit_takes_focus_and_escape_gives_it_back(server, browser):
    browser.get(server + "/signup")
    browser.find_element(By.NAME, "username").send_keys(f"edit{next(counter)}")
    browser.find_element(By.NAME, "password").send_keys("correct horse battery", Keys.ENTER)
    wait(browser, ec.url_contains("/dashboard"))
    browser.find_element(By.ID, "quick-add-title").send_keys("Rename me", Keys.ENTER)
    edit = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#task-items [data-focus-after-edit]"))
    edit.send_keys(Keys.ENTER)
    wait(browser, lambda d: (focused(d).get_attribute("id") or "").startswith("edit-title-"))
    focused(browser).send_keys(" later", Keys.ESCAPE)
    wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "li.editing"))
    assert "Rename me" in browser.find_element(By.ID, "task-items").text, "Escape cancels without saving"
    assert focused(browser).get_attribute("data-focus-after-edit") is not None, "focus is back on the row's Edit"
