"""Personal access tokens and webhooks from the settings page (SPEC §11), with the page script and
without JavaScript: a problem shown in the section, the secret shown once and working
against the API, revoking."""
import pytest
from selenium.webdriver.common.by import By

from conftest import in_view, running_server, screenshot, settings_as, wait
from test_errors import PASSWORD, api
from test_streaks import sign_in
from test_tasks import assert_no_reload


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("tools")) as base:
        for name in ["ada", "bea"]:
            api(base, "POST", "/api/v1/auth/signup", {"username": name, "password": PASSWORD, "timezone": "UTC"})
        yield base


@pytest.mark.parametrize("javascript", [True, False])
def test_creating_using_and_revoking_a_token(site, javascript):
    name = "ada" if javascript else "bea"
    driver = settings_as(site, name, javascript, sign_in)
    try:
        driver.find_element(By.CSS_SELECTOR, "#token-form button[type=submit]").click()
        error = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#tokens-section .field-error").text)
        assert error.startswith("Name must be 1 to 64 characters")
        assert in_view(driver, driver.find_element(By.CSS_SELECTOR, "#tokens-section .field-error"))
        driver.find_element(By.ID, "token-name").send_keys("Home automation")
        driver.find_element(By.CSS_SELECTOR, "input[name=scope][value=write]").click()
        driver.find_element(By.CSS_SELECTOR, "#token-form button[type=submit]").click()
        secret = wait(driver, lambda d: d.find_element(By.ID, "token-secret").get_attribute("value"))
        assert secret.startswith("fqp_") and len(secret) == 47
        status, _ = api(site, "POST", "/api/v1/tasks", {"title": "made by a tool"}, secret)
        assert status == 201
        assert "Home automation · read and write" in driver.find_element(By.CSS_SELECTOR, ".token-list").text
        screenshot(driver, f"token-created-{'js' if javascript else 'nojs'}")
        if javascript:
            assert_no_reload(driver)
            driver.execute_script("window.confirm = function () { return true; }")
        driver.find_element(By.XPATH, "//button[normalize-space()='Revoke']").click()
        wait(driver, lambda d: "Token revoked" in d.find_element(By.ID, "tokens-section").text)
        assert driver.find_elements(By.ID, "no-tokens")
        status, _ = api(site, "GET", "/api/v1/tasks", None, secret)
        assert status == 401
    finally:
        driver.quit()


@pytest.mark.parametrize("javascript", [True, False])
def test_adding_and_deleting_a_webhook(site, javascript):
    name = "ada" if javascript else "bea"
    driver = settings_as(site, name, javascript, sign_in)
    try:
        url = driver.find_element(By.ID, "webhook-url")
        url.send_keys("ftp://example.org/hook")
        driver.find_element(By.CSS_SELECTOR, "#webhook-form button[type=submit]").click()
        error = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#webhooks-section .field-error").text)
        assert error.startswith("URL must be an http(s) URL")
        assert in_view(driver, driver.find_element(By.CSS_SELECTOR, "#webhooks-section .field-error"))
        assert driver.find_element(By.ID, "webhook-url").get_attribute("value") == "ftp://example.org/hook", "the input stays"
        field = driver.find_element(By.ID, "webhook-url")
        field.clear()
        field.send_keys("http://127.0.0.1:9/hook")
        driver.find_element(By.CSS_SELECTOR, "input[name=level_up]").click()
        driver.find_element(By.CSS_SELECTOR, "#webhook-form button[type=submit]").click()
        secret = wait(driver, lambda d: d.find_element(By.ID, "webhook-secret").get_attribute("value"))
        assert secret.startswith("whsec_")
        listed = driver.find_element(By.CSS_SELECTOR, ".webhook-item").text
        assert "http://127.0.0.1:9/hook" in listed and "level.up" not in listed and "session.recorded" in listed
        screenshot(driver, f"webhook-added-{'js' if javascript else 'nojs'}")
        if javascript:
            assert_no_reload(driver)
            driver.execute_script("window.confirm = function () { return true; }")
        driver.find_element(By.XPATH, "//button[normalize-space()='Delete']").click()
        wait(driver, lambda d: "Webhook deleted." in d.find_element(By.ID, "webhooks-section").text)
        assert driver.find_elements(By.ID, "no-webhooks")
    finally:
        driver.quit()
