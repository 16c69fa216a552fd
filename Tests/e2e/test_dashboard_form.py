"""The dashboard's forms follow what a person chooses: a completed task's XP shows in the
progress panel at once, a new task joins the timer's
picker at once, the timer's start button names the chosen kind and a break cannot take a
task; Back after a status tab shows the list its
address names again."""
import itertools

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

from conftest import wait

counter = itertools.count(1)


def signed_up(driver, server):
    driver.get(server + "/signup")
    driver.find_element(By.NAME, "username").send_keys(f"form{next(counter)}")
    driver.find_element(By.NAME, "password").send_keys("correct horse battery", Keys.ENTER)
    wait(driver, ec.url_contains("/dashboard"))


def test_the_start_button_follows_the_kind_and_breaks_take_no_task(server, browser):
    signed_up(browser, server)
    browser.find_element(By.ID, "quick-add-title").send_keys("Plan", Keys.ENTER)
    wait(browser, lambda d: "Plan" in d.find_element(By.ID, "task-items").text)
    wait(browser, lambda d: [o.text for o in d.find_elements(By.CSS_SELECTOR, "#timer-task option")] == ["No task", "Plan"])
    button = browser.find_element(By.CSS_SELECTOR, "#timer-start [data-start-label]")
    assert button.text == "Start focus"
    browser.find_element(By.CSS_SELECTOR, "#timer-start input[value=short_break]").click()
    assert button.text == "Start short break"
    assert not browser.find_element(By.ID, "timer-task").is_enabled(), "a break cannot take a task"
    browser.find_element(By.CSS_SELECTOR, "#timer-start input[value=focus]").click()
    assert button.text == "Start focus" and browser.find_element(By.ID, "timer-task").is_enabled()


def test_back_shows_the_list_its_address_names(server, browser):
    signed_up(browser, server)
    for title in ["Open one", "Finished one"]:
        browser.find_element(By.ID, "quick-add-title").send_keys(title, Keys.ENTER)
        wait(browser, lambda d: title in d.find_element(By.ID, "task-items").text)
    browser.find_element(By.LINK_TEXT, "Done").click()
    wait(browser, lambda d: "status=done" in d.current_url and "Open one" not in d.find_element(By.ID, "task-items").text)
    browser.back()
    wait(browser, lambda d: "status=done" not in d.current_url and "Open one" in d.find_element(By.ID, "task-items").text)


def test_completing_a_task_updates_the_progress_panel_in_place(server, browser):
    signed_up(browser, server)
    browser.find_element(By.ID, "quick-add-title").send_keys("Finish me", Keys.ENTER)
    select = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#task-items select"))
    browser.execute_script("window.__fqMarker = 'still-here';")
    for option in select.find_elements(By.TAG_NAME, "option"):
        if option.get_attribute("value") == "done":
            option.click()
    wait(browser, lambda d: "10 XP" in d.find_element(By.ID, "progress-panel").text)
    assert "10 XP" in browser.find_element(By.ID, "user-stats").text
    assert browser.execute_script("return window.__fqMarker") == "still-here"

