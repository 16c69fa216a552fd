"""Schemathesis against a live server: no 5xx, every request the OpenAPI document calls
valid is accepted, every request it calls invalid is refused. The deliberate exceptions
are listed with their reasons in schemathesis.toml beside this file. It signs in as an
admin of its own server (so admin operations are driven too) and runs under 3 minutes."""
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

from conftest import ROOT, running_server

CONFIG = Path(__file__).with_name("schemathesis.toml")
PASSWORD = "correct horse battery"


def schemathesis():
    beside = Path(sys.executable).parent / "schemathesis"
    return str(beside) if beside.exists() else shutil.which("schemathesis")


def test_the_api_keeps_the_promises_of_its_document(tmp_path):
    with running_server(tmp_path, admin=("fuzzadmin", PASSWORD)) as base:
        login = urllib.request.Request(
            base + "/api/v1/auth/login", method="POST", headers={"Content-Type": "application/json"},
            data=json.dumps({"username": "fuzzadmin", "password": PASSWORD}).encode())
        with urllib.request.urlopen(login) as response:
            token = json.load(response)["access_token"]
        command = [schemathesis(), "--no-color", "--config-file", str(CONFIG), "run", base + "/api/v1/openapi.json",
                   "--header", f"Authorization: Bearer {token}", "--phases", "examples,coverage,fuzzing",
                   "--seed", os.environ.get("FUZZ_SEED", "20261201")]
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=240)
        output = result.stdout + result.stderr
        (ROOT / ".build" / "api-fuzz.txt").write_text(output)
        assert result.returncode == 0, output[-15000:]
