"""Account security in real browsers (SPEC §13), on a server whose clock the test moves
30 seconds between codes (so no code is a replay): turning two-factor sign-in on from the
settings page (the QR code read back with zbarimg), signing out and in again with a code
and with a recovery code, a wrong code shown where the person looks, and signing out
another session — with the page script and without JavaScript."""
import base64
import datetime
import hashlib
import hmac
import json
import struct
import subprocess
import urllib.parse
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

from conftest import in_view, make_driver, running_server, screenshot, wait
from test_errors import PASSWORD, api
from test_tasks import assert_no_reload


class Clock:
    """The server's test clock, moved forward a TOTP step at a time."""

    def __init__(self, base):
        self.base = base
        self.now = 1_900_000_000  # 2030-03-17T17:46:40Z

    def step(self, seconds=30):
        self.now += seconds
        _, root = api(self.base, "POST", "/api/v1/auth/login", {"username": "root", "password": PASSWORD})
        instant = datetime.datetime.fromtimestamp(self.now, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        status, _ = api(self.base, "PUT", "/api/v1/test/clock", {"now": instant}, root["access_token"])
        assert status == 204

    def code(self, secret):
        """What an authenticator app shows now (RFC 6238: HMAC-SHA-1, 30 s, 6 digits)."""
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        mac = hmac.new(key, struct.pack(">Q", self.now // 30), hashlib.sha1).digest()
        offset = mac[-1] & 0x0F
        return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("security"), admin=("root", PASSWORD)) as base:
        clock = Clock(base)
        clock.step()
        for name in ["ada", "bea"]:
            api(base, "POST", "/api/v1/auth/signup", {"username": name, "password": PASSWORD, "timezone": "UTC"})
        yield base, clock


def password_step(driver, base, name):
    driver.get(base + "/login")
    driver.find_element(By.NAME, "username").send_keys(name)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD, Keys.ENTER)


def code_step(driver, code):
    field = wait(driver, lambda d: d.find_element(By.ID, "login-code"))
    field.clear()
    field.send_keys(code, Keys.ENTER)


def sign_out(driver):
    driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
    wait(driver, ec.url_contains("/login"))


def qr_text(driver, tmp_path):
    """The QR code as a phone's camera would read it."""
    image = tmp_path / "qr.png"
    driver.find_element(By.ID, "two-factor-qr").screenshot(str(image))
    result = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=True)
    return result.stdout.strip()


@pytest.mark.parametrize("javascript", [True, False])
def test_two_factor_sign_in_from_setup_to_a_recovery_code(site, javascript, tmp_path):
    base, clock = site
    name = "ada" if javascript else "bea"
    driver = make_driver(javascript=javascript, **({} if javascript else dict(width=390, height=844)))
    try:
        password_step(driver, base, name)
        wait(driver, ec.url_contains("/dashboard"))
        driver.get(base + "/settings#two-factor-section")
        if javascript:
            driver.execute_script("window.__fqMarker = 'still-here';")
        driver.find_element(By.CSS_SELECTOR, "#two-factor-start-form button").click()
        wait(driver, lambda d: d.find_element(By.ID, "two-factor-qr"))
        uri = qr_text(driver, tmp_path)
        secret = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]
        assert uri.startswith(f"otpauth://totp/FocusQuest%3A{name}?secret=")
        assert driver.find_element(By.ID, "two-factor-secret").text.replace(" ", "") == secret
        screenshot(driver, f"2fa-setup-{'js' if javascript else 'nojs'}")

        code = driver.find_element(By.ID, "two-factor-code")
        code.send_keys("000000", Keys.ENTER)
        error = wait(driver, lambda d: d.find_element(By.ID, "two-factor-code-error"))
        assert error.text == "Code is not right, or was already used"
        assert in_view(driver, error)
        driver.find_element(By.ID, "two-factor-code").send_keys(clock.code(secret), Keys.ENTER)
        codes = wait(driver, lambda d: [e.text for e in d.find_elements(By.CSS_SELECTOR, "#recovery-codes code")])
        assert len(codes) == 10
        assert in_view(driver, driver.find_element(By.ID, "recovery-codes-note"))
        if javascript:
            assert_no_reload(driver)
        screenshot(driver, f"2fa-recovery-codes-{'js' if javascript else 'nojs'}")
        sign_out(driver)

        password_step(driver, base, name)
        code_step(driver, "123 456")
        alert = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#login-form [role=alert]"))
        assert alert.text == "That code is not right, or was already used."
        assert in_view(driver, alert)
        screenshot(driver, f"2fa-login-wrong-code-{'js' if javascript else 'nojs'}")
        clock.step()
        code_step(driver, clock.code(secret))
        wait(driver, ec.url_contains("/dashboard"))
        sign_out(driver)

        password_step(driver, base, name)
        code_step(driver, codes[0])
        wait(driver, ec.url_contains("/dashboard"))
        driver.get(base + "/settings")
        assert "9 recovery codes left." in driver.find_element(By.ID, "two-factor-state").text
        log = driver.find_element(By.ID, "security-log").text
        assert "recovery code used" in log and "2fa enabled" in log

        # Turning it off: a wrong password, then a wrong code, each at its field, in view.
        driver.get(base + "/settings#two-factor-section")
        driver.find_element(By.ID, "two-factor-off-password").send_keys("not the password")
        driver.find_element(By.ID, "two-factor-off-code").send_keys(codes[1], Keys.ENTER)
        error = wait(driver, lambda d: d.find_element(By.ID, "two-factor-off-password-error"))
        assert error.text == "The current password is wrong." and in_view(driver, error)
        driver.find_element(By.ID, "two-factor-off-password").send_keys(PASSWORD)
        driver.find_element(By.ID, "two-factor-off-code").send_keys("000000", Keys.ENTER)
        error = wait(driver, lambda d: d.find_element(By.ID, "two-factor-off-code-error"))
        assert error.text == "Code is not right, or was already used" and in_view(driver, error)
        screenshot(driver, f"2fa-off-wrong-code-{'js' if javascript else 'nojs'}")
        sign_out(driver)

        # A second step left longer than five minutes starts over at the password.
        password_step(driver, base, name)
        wait(driver, lambda d: d.find_element(By.ID, "login-code"))
        clock.step(6 * 60)  # the server's clock also ran on since it was last set: well past five minutes
        code_step(driver, clock.code(secret))
        alert = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#login-form [role=alert]"))
        assert alert.text == "The sign-in took too long; enter your password again." and in_view(driver, alert)
        assert driver.find_elements(By.ID, "login-password"), "back at the password step"
        screenshot(driver, f"2fa-login-stale-{'js' if javascript else 'nojs'}")
    finally:
        driver.quit()


def test_signing_out_another_session(site):
    base, clock = site
    status, body = api(base, "POST", "/api/v1/auth/signup", {"username": "cyd", "password": PASSWORD, "timezone": "UTC"})
    assert status == 201
    request = urllib.request.Request(base + "/api/v1/auth/login", method="POST",
                                     data=b'{"username":"cyd","password":"' + PASSWORD.encode() + b'"}',
                                     headers={"Content-Type": "application/json", "User-Agent": "curl/8.5.0"})
    with urllib.request.urlopen(request) as response:
        tool = json.loads(response.read())["access_token"]
    for javascript in [True, False]:
        driver = make_driver(javascript=javascript, **({} if javascript else dict(width=390, height=844)))
        try:
            password_step(driver, base, "cyd")
            wait(driver, ec.url_contains("/dashboard"))
            driver.get(base + "/settings#sessions-section")
            sessions = driver.find_element(By.ID, "sessions").text
            assert "this device" in sessions and "Headless Chrome on Linux" in sessions
            if javascript:
                assert "curl/8.5.0" in sessions
                item = driver.find_element(By.XPATH, "//li[contains(., 'curl/8.5.0')]")
                item.find_element(By.TAG_NAME, "button").click()
                wait(driver, lambda d: "Signed out; that device must sign in again." in d.find_element(By.ID, "sessions-section").text)
                assert "curl/8.5.0" not in driver.find_element(By.ID, "sessions").text
                assert api(base, "GET", "/api/v1/me", None, tool)[0] == 401
                screenshot(driver, "sessions-revoked-js")
            else:
                other = driver.find_elements(By.XPATH, "//ul[@id='sessions']/li[not(.//span[@class='badge'])]")
                assert other, "the first browser's session is listed"
                other[0].find_element(By.TAG_NAME, "button").click()
                notice = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#sessions-section [role=status]"))
                assert notice.text == "Signed out; that device must sign in again." and in_view(driver, notice)
                screenshot(driver, "sessions-revoked-nojs")
        finally:
            driver.quit()
