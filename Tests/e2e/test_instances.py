"""Several instances as one app (SPEC §14): the README's nginx config
(deploy/nginx/focusquest.conf, nginx from Debian's packages) in front of two servers on one
throwaway PostgreSQL. A stream on one instance hears a change made on the other, a timer
started on one pauses on the other, the sign-in limit counts each client (named by nginx)
across both, and people use the site through nginx with and without JavaScript."""
import contextlib
import http.client
import os
import subprocess
import tempfile

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

from conftest import ROOT, free_port, make_driver, running_server, screenshot, wait, wait_until_healthy
from test_errors import PASSWORD, api
from test_live import Stream, login
from test_streaks import sign_in
from test_tasks import assert_no_reload, set_marker

NGINX = "/usr/sbin/nginx"
SITE_CONFIG = ROOT / "deploy" / "nginx" / "focusquest.conf"
LIMIT = 30  # per client address: the browsers here sign in from 127.0.0.1 too


@contextlib.contextmanager
def postgres():
    """The throwaway PostgreSQL `make test` uses (in a folder of /tmp: the server's own user
    must reach it, which pytest's private folders do not let it)."""
    script = str(ROOT / "scripts" / "postgres-test-server.sh")
    folder = tempfile.mkdtemp(prefix="fq-e2e-postgres-")
    url = subprocess.run([script, "start", folder], capture_output=True, text=True, check=True).stdout.strip()
    try:
        yield url
    finally:
        subprocess.run([script, "stop", folder], check=False)


@contextlib.contextmanager
def nginx(folder, upstreams):
    """nginx as an unprivileged process serving the documented site config, its two
    upstreams pointed at `upstreams`, on a free port."""
    folder.mkdir()
    port = free_port()
    site = SITE_CONFIG.read_text().replace("listen 80;", f"listen 127.0.0.1:{port};")
    for documented, actual in zip(["127.0.0.1:8081", "127.0.0.1:8082"], upstreams):
        assert documented in site
        site = site.replace(documented, actual.removeprefix("http://"))
    (folder / "focusquest.conf").write_text(site)
    temp = " ".join(f"{kind}_temp_path {folder / kind};" for kind in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"])
    (folder / "nginx.conf").write_text(f"""
        {"user root;" if os.geteuid() == 0 else ""}
        worker_processes 1;
        pid {folder / "nginx.pid"};
        events {{ worker_connections 256; }}
        http {{ access_log {folder / "access.log"}; {temp} include {folder / "focusquest.conf"}; }}
        """)
    process = subprocess.Popen([NGINX, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(folder / "nginx.conf"),
                                "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    wait_until_healthy(base, process, lambda: "nginx did not start: " + (folder / "error.log").read_text(), timeout=15)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    folder = tmp_path_factory.mktemp("instances")
    with postgres() as url:
        settings = {"DATABASE_URL": url, "DATABASE_POOL_SIZE": "5", "TRUSTED_PROXIES": "127.0.0.1",
                    "AUTH_REQUESTS_PER_IP": str(LIMIT)}
        (folder / "a").mkdir()
        (folder / "b").mkdir()
        with running_server(folder / "a", extra_env=settings) as a, running_server(folder / "b", extra_env=settings) as b, \
                nginx(folder / "nginx", [a, b]) as site:
            for name in ["ada", "bea"]:
                assert api(a, "POST", "/api/v1/auth/signup", {"username": name, "password": PASSWORD, "timezone": "UTC"})[0] == 201
            yield {"site": site, "a": a, "b": b}


def test_a_stream_on_one_instance_hears_a_change_made_on_the_other(cluster):
    a, b = cluster["a"], cluster["b"]
    token = login(b, "ada")
    stream = Stream(a, token)
    stream.wait_for("sync")
    seen = len(stream.events)
    status, task = api(b, "POST", "/api/v1/tasks", {"title": "Made on B"}, token)
    assert status == 201
    assert stream.wait_for("tasks", seen)[1] == {"ids": [task["id"]]}
    assert api(b, "POST", "/api/v1/timer/start", {"minutes": 25}, token)[0] == 201
    assert stream.wait_for("timer", seen)[1]["timer"]["status"] == "running"
    api(b, "POST", "/api/v1/timer/cancel", None, token)
    stream.close()


def test_a_timer_started_on_one_instance_pauses_on_the_other(cluster):
    a, b = cluster["a"], cluster["b"]
    token = login(a, "bea")
    assert api(a, "POST", "/api/v1/timer/start", {"minutes": 25}, token)[0] == 201
    assert api(b, "POST", "/api/v1/timer/start", {"minutes": 25}, token)[0] == 409, "one live timer across instances"
    status, paused = api(b, "POST", "/api/v1/timer/pause", None, token)
    assert status == 200 and paused["status"] == "paused"
    assert api(a, "GET", "/api/v1/timer", None, token)[1]["timer"]["status"] == "paused"
    assert api(a, "POST", "/api/v1/timer/cancel", None, token)[0] == 200


def failed_login(site, source, name):
    """A wrong password for `name` through nginx from the loopback address `source`, which
    nginx names to the instances in X-Real-IP."""
    host, port = site.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10, source_address=(source, 0))
    connection.request("POST", "/api/v1/auth/login", body='{"username":"%s","password":"not the password"}' % name,
                       headers={"Content-Type": "application/json"})
    status = connection.getresponse().status
    connection.close()
    return status


def test_the_sign_in_limit_counts_each_client_across_both_instances(cluster):
    site = cluster["site"]
    # A name each: the per-name failure limit (5) stays out of the way.
    statuses = [failed_login(site, "127.0.0.2", f"nobody{n}") for n in range(LIMIT)]
    assert statuses == [401] * LIMIT, "nginx spreads them over both instances; each counts"
    assert failed_login(site, "127.0.0.2", "someone") == 429, "the limit is shared: neither instance lets one more through"
    assert failed_login(site, "127.0.0.3", "someone") == 401, "another client has its own budget: the proxy's address is not the client's"


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_two_windows_through_nginx_stay_in_step(cluster, size):
    site = cluster["site"]
    laptop = make_driver()
    other = make_driver(**(dict(width=1280, height=900) if size == "desktop" else dict(width=390, height=844, phone=True)))
    try:
        for driver in (laptop, other):
            sign_in(driver, site, "ada")
            set_marker(driver)
        laptop.find_element(By.CSS_SELECTOR, "#timer-start button[type=submit]").click()
        wait(other, lambda d: d.find_element(By.ID, "countdown").get_attribute("data-status") == "running", timeout=3)
        laptop.find_element(By.XPATH, "//form[@action='/timer/pause']//button").click()
        wait(other, lambda d: d.find_element(By.ID, "countdown").get_attribute("data-status") == "paused", timeout=3)
        title = f"Through nginx ({size})"
        laptop.find_element(By.ID, "quick-add-title").send_keys(title)
        laptop.find_element(By.CSS_SELECTOR, "#quick-add button[type=submit]").click()
        wait(other, lambda d: title in d.find_element(By.ID, "task-items").text, timeout=3)
        assert_no_reload(other)
        assert_no_reload(laptop)
        screenshot(other, f"instances-{size}-in-step")
        laptop.find_element(By.XPATH, "//form[@action='/timer/complete']//button").click()
        wait(other, lambda d: d.find_elements(By.ID, "timer-start"), timeout=3)
    finally:
        laptop.quit()
        other.quit()


def test_without_javascript_forms_and_their_errors_work_through_nginx(cluster):
    site = cluster["site"]
    driver = make_driver(javascript=False, width=390, height=844)
    try:
        driver.get(site + "/login")
        driver.find_element(By.NAME, "username").send_keys("bea")
        driver.find_element(By.NAME, "password").send_keys("a wrong password", Keys.ENTER)
        alert = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "[role=alert]")).text
        assert alert and driver.find_element(By.NAME, "username").get_attribute("value") == "bea", "the form keeps the name and says why"
        sign_in(driver, site, "bea")
        driver.find_element(By.ID, "quick-add-title").send_keys("Added without script", Keys.ENTER)
        wait(driver, ec.url_contains("/dashboard"))
        assert "Added without script" in driver.find_element(By.ID, "task-items").text, "the form's Origin matched the host nginx passed on"
        screenshot(driver, "instances-phone-no-js")
    finally:
        driver.quit()
