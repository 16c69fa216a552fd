"""Webhooks end to end (SPEC §11): an event committed with its session survives the server
being killed (SIGKILL) before delivery and reaches the receiver after a restart, signed
so the receiver can check it with the secret — the README's verification, in Python."""
import hashlib
import hmac
import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from conftest import free_port, running_server
from test_errors import PASSWORD, api


class Receiver(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def verify(secret, signature, body):
    """The README's check: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">, recent enough."""
    parts = dict(part.split("=", 1) for part in signature.split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"]) and abs(time.time() - int(parts["t"])) < 300


def test_an_event_committed_before_a_crash_is_delivered_after_the_restart(tmp_path):
    receiver = ThreadingHTTPServer(("127.0.0.1", free_port()), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    try:
        started = []
        # The first server looks at its outbox only once an hour: the event waits there.
        with running_server(tmp_path, extra_env={"WEBHOOK_POLL_MS": "3600000"}, started=started) as base:
            _, body = api(base, "POST", "/api/v1/auth/signup", {"username": "ada", "password": PASSWORD, "timezone": "UTC"})
            token = body["access_token"]
            status, created = api(base, "POST", "/api/v1/webhooks", {"url": hook, "events": ["session.recorded"]}, token)
            assert status == 201
            status, _ = api(base, "POST", "/api/v1/sessions", {"session_id": "before-the-crash", "start_time": "2026-11-30T08:00:00Z",
                                                              "end_time": "2026-11-30T08:30:00Z"}, token)
            assert status == 201
            time.sleep(1)
            assert Receiver.received == []
            started[0].kill()
            started[0].wait(timeout=10)
        with running_server(tmp_path, extra_env={"WEBHOOK_POLL_MS": "100"}) as base:
            deadline = time.time() + 10
            while not Receiver.received and time.time() < deadline:
                time.sleep(0.1)
            assert len(Receiver.received) == 1, "delivered after the restart, once"
            headers, payload = Receiver.received[0]
            assert verify(created["secret"], headers["X-FocusQuest-Signature"], payload)
            event = json.loads(payload)
            assert event["type"] == "session.recorded" and event["data"]["session_id"] == "before-the-crash"
            assert event["id"] == headers["X-FocusQuest-Delivery"]
            _, login = api(base, "POST", "/api/v1/auth/login", {"username": "ada", "password": PASSWORD})
            _, log = api(base, "GET", f"/api/v1/webhooks/{created['id']}/deliveries", None, login["access_token"])
            assert [(item["status"], item["attempt"], item["response_code"]) for item in log["items"]] == [("delivered", 1, 204)]
            time.sleep(0.3)
            metrics = urllib.request.urlopen(base + "/metrics").read().decode()
            assert 'focusquest_webhook_deliveries_total{outcome="delivered"} 1' in metrics
            assert "focusquest_webhook_outbox_backlog 0" in metrics
    finally:
        receiver.shutdown()
