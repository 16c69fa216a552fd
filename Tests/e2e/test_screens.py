"""Screenshots of the main pages on a desktop and a phone (.build/e2e-screenshots), with
the checks a person makes looking at them: the task list is beside the panels on a
desktop, nothing scrolls sideways, the navigation marks the current page."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from conftest import make_driver, running_server, screenshot
from test_errors import PASSWORD, api

SIZES = {"desktop": dict(width=1280, height=900), "phone": dict(width=390, height=844, phone=True)}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("screens"), admin=("root", PASSWORD)) as base:
        for name in ["ada", "bob"]:
            api(base, "POST", "/api/v1/auth/signup", {"username": name, "password": PASSWORD})
        _, root = api(base, "POST", "/api/v1/auth/login", {"username": "root", "password": PASSWORD})
        for title in ["Write the quarterly plan", "Review pull requests", "Read chapter 4", "Email the landlord"]:
            api(base, "POST", "/api/v1/tasks", {"title": title}, root["access_token"])
        api(base, "POST", "/api/v1/friends/requests", {"username": "ada"}, root["access_token"])
        yield base


@pytest.mark.parametrize("size", SIZES.keys())
def test_the_main_pages_look_right(site, size):
    driver = make_driver(**SIZES[size])
    try:
        driver.get(site + "/login")
        driver.find_element(By.NAME, "username").send_keys("root")
        driver.find_element(By.NAME, "password").send_keys(PASSWORD, Keys.ENTER)
        WebDriverWait(driver, 10).until(ec.url_contains("/dashboard"))
        for page in ["dashboard", "friends", "settings", "admin"]:
            driver.get(site + "/" + page)
            screenshot(driver, f"page-{page}-{size}")
            if page == "dashboard":
                driver.execute_script("document.getElementById('tasks-panel').scrollIntoView()")
                screenshot(driver, f"page-dashboard-tasks-{size}")
            overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{page} scrolls sideways on a {size}"
            current = driver.find_elements(By.CSS_SELECTOR, ".nav a[aria-current=page]")
            assert [a.get_attribute("href").rsplit("/", 1)[-1] for a in current] == [page]
        if size == "phone":
            driver.get(site + "/dashboard")
            small = driver.execute_script("""
                return Array.from(document.querySelectorAll('main button, main .button, main select'))
                    .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
                    .map(e => e.outerHTML.slice(0, 80));""")
            assert small == [], f"tap targets under 44 px: {small}"
        if size == "desktop":
            driver.get(site + "/dashboard")
            tasks = driver.find_element(By.ID, "tasks-panel").rect
            timer = driver.find_element(By.ID, "timer-panel").rect
            assert tasks["y"] < timer["y"] + timer["height"] and tasks["x"] < timer["x"], "the tasks sit beside the panels"
            assert tasks["y"] < 900, "and start on the first screen"
    finally:
        driver.quit()
