"""Browser tests: a real FocusQuest server on a free loopback port, driven by headless
Chromium through Selenium. Screenshots go to .build/e2e-screenshots (ignored by git)."""
import contextlib
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / ".build" / "e2e-screenshots"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(base, process, why, timeout):
    """Waits for `base`/health to answer; kills `process` and raises with `why()` when it
    exits or `timeout` seconds pass first."""
    deadline = time.time() + timeout
    while True:
        try:
            urllib.request.urlopen(base + "/health", timeout=1)
            return
        except OSError:
            if time.time() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError(why())
            time.sleep(0.1)


@contextlib.contextmanager
def running_server(data, admin=None, extra_env=None, started=None):
    """A server of its own over a fresh database in `data`; `admin`: (username, password)
    of an admin account created first with `focusquest create-admin`; `extra_env`: more
    settings; `started`: a list the server's process is appended to (a test that kills
    it: a killed server is not expected to stop cleanly)."""
    binary = os.environ.get("FOCUSQUEST_BIN", str(ROOT / ".build" / "debug" / "focusquest"))
    data = str(data)
    port = free_port()
    env = dict(os.environ, APP_ENV="test", PORT=str(port), HOST="127.0.0.1",
               DATABASE_PATH=os.path.join(data, "focusquest.sqlite"),
               JWT_SECRET="e2e-secret-that-is-long-enough-for-hs256",
               ARGON2_MEMORY_KIB="4096", ARGON2_ITERATIONS="1", PUBLIC_DIR=str(ROOT / "Public"),
               AUTH_REQUESTS_PER_IP="10000", LOG_LEVEL="info")
    env.update(extra_env or {})
    if admin:
        subprocess.run([binary, "create-admin", "--username", admin[0]], env=env, input=admin[1] + "\n",
                       text=True, check=True, capture_output=True)
    log = open(os.path.join(data, "server.log"), "w")
    process = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    if started is not None:
        started.append(process)
    base = f"http://127.0.0.1:{port}"
    wait_until_healthy(base, process, lambda: "server did not start: " + open(log.name).read(), timeout=30)
    try:
        yield base
    except BaseException:
        # A failed test still stops its server (no server outlives the run).
        process.kill()
        process.wait(timeout=10)
        log.close()
        raise
    if process.poll() is not None:  # the test killed it
        log.close()
        return
    process.terminate()
    assert process.wait(timeout=10) == 0, "SIGTERM must stop the server cleanly"
    log.close()
    assert '"msg":"stopped"' in open(log.name).read(), "the server closes the database and says so"


@pytest.fixture(scope="session", autouse=True)
def chromium_temporary_files(tmp_path_factory):
    """Chromium keeps files of its own in TMPDIR (with --disable-dev-shm-usage, its shared
    memory too) and leaves some behind: they go to pytest's temporary folder, which pytest
    prunes, instead of piling up in /tmp."""
    previous = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(tmp_path_factory.mktemp("chromium"))
    yield
    if previous is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = previous


@pytest.fixture(scope="session")
def server():
    with tempfile.TemporaryDirectory(prefix="fq-e2e-") as folder, running_server(folder) as base:
        yield base


def make_driver(javascript=True, width=1280, height=900, phone=False):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}"]:
        options.add_argument(argument)
    if phone:
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2}})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(0)
    return driver


@pytest.fixture
def browser():
    driver = make_driver()
    yield driver
    driver.quit()


@pytest.fixture
def plain_browser():
    driver = make_driver(javascript=False)
    yield driver
    driver.quit()


def screenshot(driver, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def wait(driver, condition, timeout=10):
    """Waits for `condition`; swaps replace elements while it reads them, and a form
    post without the script replaces the whole document, so a read of an element that
    is gone just tries again."""
    return WebDriverWait(driver, timeout, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda d: _read_while_the_document_changes(d, condition))


def _read_while_the_document_changes(driver, condition):
    """`condition(driver)`, or False when it read an element of a document being left:
    chromedriver reports that as an inspector error, not as a stale element."""
    try:
        return condition(driver)
    except StaleElementReferenceException:
        raise
    except WebDriverException as error:
        if "does not belong to the document" in (error.msg or ""):
            return False
        raise


IN_VIEW = "var r = arguments[0].getBoundingClientRect(); return r.top >= -1 && r.bottom <= window.innerHeight + 1"


def settings_as(site, name, javascript, sign_in):
    """A browser signed in as `name` on /settings: a desktop window with the page script
    (marked, so a test can tell a reload), or a phone-sized one without JavaScript
    (no mobile emulation: chromedriver's hangs on a plain form post)."""
    driver = make_driver(javascript=javascript, **({} if javascript else dict(width=390, height=844)))
    sign_in(driver, site, name)
    driver.get(site + "/settings")
    if javascript:
        driver.execute_script("window.__fqMarker = 'still-here';")
    return driver


def in_view(driver, element):
    """Whether `element` is inside the window (where the person is looking)."""
    return wait(driver, lambda d: d.execute_script(IN_VIEW, element))
