"""The focus timer in a real browser: the countdown follows the server's end time across
a reload, and at the end the panel, minutes, XP and charts update in place."""
import re
import time

from selenium.webdriver.common.by import By

from test_tasks import assert_no_reload, set_marker, signup, unique, wait


def seconds_left(driver):
    text = driver.find_element(By.ID, "countdown").text
    minutes, seconds = map(int, text.split(":"))
    return minutes * 60 + seconds


def test_one_minute_timer_survives_a_reload_and_updates_the_page(server, browser):
    signup(browser, server, unique("timer"))
    browser.find_element(By.CSS_SELECTOR, "#timer-start input[value=focus]").click()
    browser.find_element(By.ID, "timer-minutes").send_keys("1")
    browser.find_element(By.CSS_SELECTOR, "#timer-start button[type=submit]").click()
    wait(browser, lambda d: d.find_elements(By.ID, "countdown"))
    assert 55 <= seconds_left(browser) <= 60

    time.sleep(4)
    browser.refresh()
    wait(browser, lambda d: d.find_elements(By.ID, "countdown"))
    left = seconds_left(browser)
    assert left <= 57, f"the countdown restarted after a reload ({left}s left)"
    time.sleep(2)
    assert seconds_left(browser) < left, "the countdown ticks"

    set_marker(browser)
    browser.execute_script("window.__fqCompleted = null; document.addEventListener('timer-completed', function (e) { window.__fqCompleted = e.detail.kind; });")
    today_cell_before = browser.find_elements(By.CSS_SELECTOR, "svg.heatmap rect")[-1].get_attribute("class")
    wait(browser, lambda d: not d.find_elements(By.ID, "countdown"), timeout=90)
    wait(browser, lambda d: d.find_element(By.ID, "today-minutes").text.startswith("1"))
    assert_no_reload(browser)
    assert browser.execute_script("return window.__fqCompleted") == "focus"
    assert re.search(r"\b2 XP\b", browser.find_element(By.ID, "user-stats").text), "1 minute + a full 1-minute pomodoro (+1 per planned minute)"
    assert today_cell_before == "heat-0"
    assert browser.find_elements(By.CSS_SELECTOR, "svg.heatmap rect")[-1].get_attribute("class") == "heat-1"
    today_bar = browser.find_elements(By.CSS_SELECTOR, "svg.bars rect")[-1]
    assert int(today_bar.get_attribute("height")) > 0
    assert "Start short break" in browser.find_element(By.ID, "timer-panel").text
