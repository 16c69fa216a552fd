"""The admin's actions on a row — promote, demote, disable (asked first), enable — with
the page script (the row swaps in place, the page never reloads) and without JavaScript
(the page comes back on the same search and sort), and a failed action shown in its row."""
import itertools

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from conftest import make_driver, running_server, screenshot, wait
from test_errors import PASSWORD, api

counter = itertools.count(1)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("admin"), admin=("root", PASSWORD)) as base:
        yield base


def new_user(site):
    name = f"member{next(counter)}"
    status, body = api(site, "POST", "/api/v1/auth/signup", {"username": name, "password": PASSWORD})
    assert status == 201
    return name, body["user"]["id"]


def sign_in_as_root(driver, site):
    driver.get(site + "/login")
    driver.find_element(By.NAME, "username").send_keys("root")
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    wait(driver, ec.url_contains("/dashboard"))


def row_text(driver, user_id):
    return wait(driver, lambda d: d.find_element(By.ID, f"user-{user_id}").text)


def click_action(driver, user_id, action):
    driver.find_element(By.CSS_SELECTOR, f"#user-{user_id} button[value={action}]").click()


def test_each_action_swaps_its_row_with_the_script(site, browser):
    name, user_id = new_user(site)
    sign_in_as_root(browser, site)
    browser.get(site + f"/admin?q={name}")
    browser.execute_script("window.__fqMarker = 'still-here';")
    click_action(browser, user_id, "promote")
    wait(browser, lambda d: "admin" in row_text(d, user_id) and d.find_elements(By.CSS_SELECTOR, f"#user-{user_id} button[value=demote]"))
    click_action(browser, user_id, "demote")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"#user-{user_id} button[value=promote]"))
    browser.execute_script("window.confirm = function () { window.__fqAsked = true; return false; };")
    click_action(browser, user_id, "disable")
    assert browser.execute_script("return window.__fqAsked") is True, "Disable asks first"
    assert "disabled" not in row_text(browser, user_id), "a declined question changes nothing"
    browser.execute_script("window.confirm = function () { return true; };")
    click_action(browser, user_id, "disable")
    wait(browser, lambda d: "disabled" in row_text(d, user_id))
    screenshot(browser, "admin-row-disabled")
    click_action(browser, user_id, "enable")
    wait(browser, lambda d: "active" in row_text(d, user_id))
    assert browser.execute_script("return window.__fqMarker") == "still-here", "the page never reloaded"
    assert not browser.find_element(By.ID, "flash").text, "no card at the top of the page"


def test_a_failed_action_shows_in_its_row(site, browser):
    name, user_id = new_user(site)
    sign_in_as_root(browser, site)
    browser.get(site + f"/admin?q={name}")
    browser.execute_script(f"document.querySelector('#user-{user_id} button[value=promote]').value = 'crown';")
    browser.find_element(By.CSS_SELECTOR, f"#user-{user_id} button[name=action]").click()
    message = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, f"#user-{user_id} [role=alert]").text)
    assert "must be promote, demote, disable, enable or reset_2fa" in message
    assert not browser.find_element(By.ID, "flash").text


def test_actions_without_javascript_return_to_the_same_search(site):
    driver = make_driver(javascript=False)
    try:
        name, user_id = new_user(site)
        sign_in_as_root(driver, site)
        driver.get(site + f"/admin?q={name}&sort=xp")
        click_action(driver, user_id, "promote")
        wait(driver, lambda d: "admin" in row_text(d, user_id))
        assert f"q={name}" in driver.current_url and "sort=xp" in driver.current_url
        assert driver.find_element(By.ID, "admin-search").get_attribute("value") == name
        click_action(driver, user_id, "disable")
        wait(driver, lambda d: "disabled" in row_text(d, user_id))
        click_action(driver, user_id, "enable")
        wait(driver, lambda d: "active" in row_text(d, user_id))
        click_action(driver, user_id, "demote")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"#user-{user_id} button[value=promote]"))
        screenshot(driver, "admin-nojs")
    finally:
        driver.quit()


def test_the_search_keeps_focus_and_typing_while_results_swap(site, browser):
    new_user(site)
    sign_in_as_root(browser, site)
    browser.get(site + "/admin")
    search = browser.find_element(By.ID, "admin-search")
    search.send_keys("memb")
    wait(browser, lambda d: "q=memb" in d.current_url)
    browser.switch_to.active_element.send_keys("er")
    wait(browser, lambda d: "q=member" in d.current_url)
    active = browser.switch_to.active_element
    assert active.get_attribute("id") == "admin-search", "focus stays in the search box"
    assert active.get_attribute("value") == "member", "and so does what was typed"
