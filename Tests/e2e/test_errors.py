"""Every error a person can cause on the sign-in and settings forms shows where they are
looking, with the page script and without JavaScript: a taken username (409), a wrong
password (401), a locked-out login (429), a disabled account (403) and a wrong current
password in settings (403)."""
import itertools
import json
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from conftest import make_driver, running_server, screenshot, wait

PASSWORD = "correct horse battery"
counter = itertools.count(1)


def unique(name):
    return f"{name}{next(counter)}"


def api(base, method, path, body=None, token=None):
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json", **({"Authorization": "Bearer " + token} if token else {})})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def alert_text(driver, form_id):
    return wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"#{form_id} [role=alert], #{form_id} .field-error").text)


def fill(driver, path, fields, submit):
    for name, value in fields.items():
        element = driver.find_element(By.NAME, name)
        element.clear()
        element.send_keys(value)
    driver.find_element(By.CSS_SELECTOR, submit).click()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("errors"), admin=("root", PASSWORD)) as base:
        yield base


@pytest.fixture(params=["script", "plain"])
def driver(request):
    driver = make_driver(javascript=request.param == "script")
    driver.__fq_mode = request.param
    yield driver
    driver.quit()


def test_a_taken_username_is_named_in_the_form(site, driver):
    name = unique("taken")
    assert api(site, "POST", "/api/v1/auth/signup", {"username": name, "password": PASSWORD})[0] == 201
    driver.get(site + "/signup")
    fill(driver, "/signup", {"username": name, "password": PASSWORD}, "#signup-form button[type=submit]")
    assert "is taken" in alert_text(driver, "signup-form")
    assert driver.find_element(By.NAME, "username").get_attribute("value") == name, "the typed name is kept"
    screenshot(driver, f"error-signup-taken-{driver.__fq_mode}")


def test_a_wrong_password_says_so(site, driver):
    name = unique("wrong")
    api(site, "POST", "/api/v1/auth/signup", {"username": name, "password": PASSWORD})
    driver.get(site + "/login")
    fill(driver, "/login", {"username": name, "password": "not the password"}, "#login-form button[type=submit]")
    assert "Wrong username or password" in alert_text(driver, "login-form")
    assert driver.find_element(By.NAME, "username").get_attribute("value") == name


def test_a_locked_out_login_says_when_to_try_again(site, driver):
    name = unique("locked")
    api(site, "POST", "/api/v1/auth/signup", {"username": name, "password": PASSWORD})
    for _ in range(5):
        api(site, "POST", "/api/v1/auth/login", {"username": name, "password": "not the password"})
    driver.get(site + "/login")
    fill(driver, "/login", {"username": name, "password": PASSWORD}, "#login-form button[type=submit]")
    assert "Too many attempts" in alert_text(driver, "login-form")
    screenshot(driver, f"error-login-locked-{driver.__fq_mode}")


def test_a_disabled_account_is_told_it_is_disabled(site, driver):
    name = unique("disabled")
    _, created = api(site, "POST", "/api/v1/auth/signup", {"username": name, "password": PASSWORD})
    _, root = api(site, "POST", "/api/v1/auth/login", {"username": "root", "password": PASSWORD})
    assert api(site, "PATCH", f"/api/v1/admin/users/{created['user']['id']}", {"disabled": True}, root["access_token"])[0] == 200
    driver.get(site + "/login")
    fill(driver, "/login", {"username": name, "password": PASSWORD}, "#login-form button[type=submit]")
    assert "disabled" in alert_text(driver, "login-form")


def test_a_wrong_current_password_is_named_in_settings(site, driver):
    name = unique("settings")
    driver.get(site + "/signup")
    fill(driver, "/signup", {"username": name, "password": PASSWORD}, "#signup-form button[type=submit]")
    wait(driver, ec.url_contains("/dashboard"))
    driver.get(site + "/settings")
    fill(driver, "/settings", {"current_password": "not the password", "new_password": "another long password"},
         "#password-form button[type=submit]")
    assert "current password is wrong" in alert_text(driver, "password-form")
    screenshot(driver, f"error-settings-password-{driver.__fq_mode}")
