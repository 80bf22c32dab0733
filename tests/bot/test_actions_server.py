"""The action server as a process: bound to ACTION_HOST:ACTION_PORT, /healthz, the webhook."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ACTION_HOST": "127.0.0.1",
        "ACTION_PORT": str(port),
        "GATEWAY_INTERNAL_URL": f"http://127.0.0.1:{free_port()}",  # nobody there
        "GATEWAY_INTERNAL_TOKEN": "x",
        "AVAILABILITY_TIMEOUT_SECONDS": "0.5",
    }
    log = tmp_path_factory.mktemp("actions") / "action-server.log"  # a file, never a full pipe
    process = subprocess.Popen(
        [sys.executable, "-m", "actions.server"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = log.read_text(encoding="utf-8", errors="replace")
                pytest.fail(f"action server did not start:\n{output[-3000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def test_healthz_and_health(action_server: str) -> None:
    for path in ("/healthz", "/health"):
        with urllib.request.urlopen(action_server + path, timeout=5) as answer:
            assert answer.status == 200
            assert json.loads(answer.read()) == {"status": "ok"}


def test_every_domain_action_is_served(action_server: str) -> None:
    import yaml

    with urllib.request.urlopen(action_server + "/actions", timeout=5) as answer:
        served = {a["name"] for a in json.loads(answer.read())}
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert set(domain["actions"]) <= served


def test_webhook_runs_a_request_for_a_human_with_the_gateway_down(action_server: str) -> None:
    tracker = {
        "sender_id": "c1",
        "slots": {"language": "fi", "availability": None, "topic": None},
        "latest_message": {"intent": {"name": "request_human"}, "entities": [], "text": "haluun puhuu ihmiselle"},
        "events": [], "paused": False, "followup_action": None, "active_loop": {},
        "latest_action_name": "action_listen",
    }
    body = {"next_action": "action_check_availability", "sender_id": "c1", "tracker": tracker,
            "domain": {}, "version": "3.6.2"}
    started = time.monotonic()
    result = post(action_server + "/webhook", body)
    assert time.monotonic() - started < 3
    slots = {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}
    assert slots["availability"] == "unknown"

    tracker["slots"]["availability"] = "unknown"
    result = post(action_server + "/webhook", {**body, "next_action": "action_no_human_available",
                                               "tracker": tracker})
    said = "\n".join(r.get("text") or "" for r in result["responses"])
    assert "En saa juuri nyt tietoa" in said and "https://sekasin.fi/" in said
