"""Friends in real browsers: one person asks, the other accepts, both see each other on
the leaderboard; with the page script every step swaps the panel in place, and without
JavaScript the same forms work with a reload."""
from selenium.webdriver.common.by import By

from conftest import make_driver, screenshot
from test_tasks import assert_no_reload, set_marker, signup, unique, wait


def leaderboard_names(driver):
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, "table.leaderboard td[data-label=Who] strong")]


def send_request(driver, username):
    field = driver.find_element(By.ID, "friend-username")
    field.clear()
    field.send_keys(username)
    driver.find_element(By.CSS_SELECTOR, "#friend-request-form button[type=submit]").click()


def test_a_friendship_in_place_and_without_javascript(server, browser):
    ada, bob = unique("ada"), unique("bob")
    # A phone-sized window (not Chrome's mobile emulation: with scripts off, its tap on a
    # submit button never submits here).
    plain = make_driver(javascript=False, width=390, height=844)
    try:
        signup(plain, server, bob)
        signup(browser, server, ada)
        browser.get(server + "/friends")
        set_marker(browser)

        send_request(browser, "nobody-here")
        wait(browser, lambda d: "matches no one" in d.find_element(By.ID, "friends-panel").text)
        assert browser.find_element(By.ID, "friend-username").get_attribute("value") == "nobody-here", "the typed name stays"
        send_request(browser, bob)
        wait(browser, lambda d: f"Request sent to {bob}." in d.find_element(By.ID, "friends-panel").text)
        assert_no_reload(browser)

        plain.get(server + "/friends")
        assert ada in plain.find_element(By.ID, "friends-panel").text
        plain.find_element(By.XPATH, "//button[normalize-space()='Accept']").click()
        wait(plain, lambda d: d.current_url.endswith("/friends") and leaderboard_names(d) and ada in leaderboard_names(d))
        assert sorted(leaderboard_names(plain)) == sorted([ada, bob])
        screenshot(plain, "friends-phone")

        browser.refresh()
        set_marker(browser)
        assert sorted(leaderboard_names(browser)) == sorted([ada, bob])
        browser.find_element(By.XPATH, "//button[normalize-space()='Remove']").click()
        browser.switch_to.alert.accept()
        wait(browser, lambda d: "No friends yet." in d.find_element(By.ID, "friends-panel").text)
        assert leaderboard_names(browser) == [ada]
        assert_no_reload(browser)
    finally:
        plain.quit()
