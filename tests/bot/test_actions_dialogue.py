"""Whole conversations over HTTP: a real Rasa server with the trained model, the real action
server, and a small stand-in for the gateway's availability API (on duty / no one / down).

Needs the trained model (scripts/train.sh -> models/kynnys.tar.gz; KYNNYS_TEST_MODEL overrides).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MODEL = Path(os.environ.get("KYNNYS_TEST_MODEL", ROOT / "models" / "kynnys.tar.gz"))
TOKEN = "dialogue-test-token"
RASA_TOKEN = "rasa-test-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Availability:
    """What the stand-in gateway answers; `down` makes it answer 503 like an unhealthy gateway."""

    def __init__(self) -> None:
        self.on_shift = 0
        self.down = False


def start_gateway(state: Availability) -> tuple[ThreadingHTTPServer, int]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server API
            if self.path != "/internal/availability" or self.headers.get("Authorization") != f"Bearer {TOKEN}":
                self.send_response(401)
                self.end_headers()
                return
            if state.down:
                self.send_response(503)
                self.end_headers()
                return
            body = json.dumps({
                "on_shift": state.on_shift, "available": state.on_shift, "queue_length": 0,
                "estimated_wait_seconds": None, "open_now": state.on_shift > 0, "next_opening": None,
            }).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, int(server.server_address[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if process.poll() is not None:
            break
        time.sleep(0.5)
    output = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    pytest.fail(f"{log.stem} did not start:\n{output[-4000:]}")


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Availability]]:
    assert MODEL.exists(), f"no trained model at {MODEL}: run scripts/train.sh first"
    state = Availability()
    gateway, gateway_port = start_gateway(state)
    action_port, rasa_port = free_port(), free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
        "ACTION_HOST": "127.0.0.1",
        "ACTION_PORT": str(action_port),
        "GATEWAY_INTERNAL_URL": f"http://127.0.0.1:{gateway_port}",
        "GATEWAY_INTERNAL_TOKEN": TOKEN,
        "AVAILABILITY_TIMEOUT_SECONDS": "1.0",
    }
    folder = tmp_path_factory.mktemp("rasa")
    endpoints = folder / "endpoints.yml"  # in-memory tracker store: nothing left behind
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n')
    credentials = folder / "credentials.yml"
    credentials.write_text("rest:\n")
    # logs go to files: a pipe nobody reads would fill up and stall the servers
    actions_log, rasa_log = folder / "action-server.log", folder / "rasa-server.log"
    actions = subprocess.Popen([sys.executable, "-m", "actions.server"], cwd=ROOT, env=env,
                               stdout=actions_log.open("wb"), stderr=subprocess.STDOUT)
    rasa = subprocess.Popen(
        [str(Path(sys.executable).parent / "rasa"), "run", "--enable-api", "--auth-token", RASA_TOKEN,
         "-i", "127.0.0.1", "-p", str(rasa_port), "-m", str(MODEL),
         "--endpoints", str(endpoints), "--credentials", str(credentials)],
        cwd=folder, env=env, stdout=rasa_log.open("wb"), stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{action_port}/healthz", actions, 60, actions_log)
        base = f"http://127.0.0.1:{rasa_port}"
        wait_until_up(f"{base}/status?token={RASA_TOKEN}", rasa, 480, rasa_log)
        yield base, state
    finally:
        for process in (rasa, actions):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        gateway.shutdown()


class Conversation:
    def __init__(self, base: str) -> None:
        self.base = base
        self.sender = uuid.uuid4().hex

    def say(self, message: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        body = json.dumps({"sender": self.sender, "message": message, "metadata": metadata or {}})
        request = urllib.request.Request(
            f"{self.base}/webhooks/rest/webhook", data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.loads(answer.read())


def text_of(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def kinds(replies: list[dict[str, Any]]) -> list[str]:
    return [r["custom"]["kynnys"]["type"] for r in replies if "custom" in r]


def custom(replies: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(r["custom"]["kynnys"] for r in replies
                if "custom" in r and r["custom"]["kynnys"]["type"] == kind)


def test_greeting_topic_guidance_and_no_one_on_duty(bot: tuple[str, Availability]) -> None:
    base, state = bot
    state.on_shift, state.down = 0, False
    chat = Conversation(base)
    greeting = chat.say('/greet{"language":"fi"}')
    assert "Olen chatin botti, en ihminen" in text_of(greeting)
    assert "Päivystäjät voivat lukea tämän keskustelun" in text_of(greeting)
    assert any(b["payload"] == "/request_human" for r in greeting for b in r.get("buttons", []))

    ack = chat.say("/feeling_bad")
    assert "Paha olo voi tuntua tosi raskaalta" in text_of(ack)
    guidance = chat.say("/deny")
    said = text_of(guidance)
    assert "https://sekasin.fi/" in said and "09 2525 0111" in said
    assert "Juuri nyt chatissa ei ole päivystäjiä" in said
    assert "links" in kinds(guidance)

    nobody = chat.say("/request_human")
    assert "handoff_request" not in kinds(nobody)
    assert "Juuri nyt chatissa ei ole päivystäjiä" in text_of(nobody)


def test_a_second_greeting_gets_a_short_answer_not_the_introduction(
        bot: tuple[str, Availability]) -> None:
    base, state = bot
    state.on_shift, state.down = 0, False
    chat = Conversation(base)
    chat.say('/greet{"language":"fi"}')
    again = text_of(chat.say("moi"))
    assert "Moi taas!" in again
    assert "Olen chatin botti" not in again  # the introduction is not repeated
    swedish = Conversation(base)
    swedish.say('/greet{"language":"sv"}')
    assert "Hej igen!" in text_of(swedish.say("/greet"))


def test_someone_on_duty_gets_a_handoff_request(bot: tuple[str, Availability]) -> None:
    base, state = bot
    state.on_shift, state.down = 2, False
    chat = Conversation(base)
    chat.say('/greet{"language":"sv"}')
    ack = chat.say("/relationships")
    assert "Relationer kan vara jätteviktiga" in text_of(ack)
    guidance = chat.say("/relationships")
    assert any(b["payload"] == "/request_human" for r in guidance for b in r.get("buttons", []))
    handoff = chat.say("/affirm")
    assert custom(handoff, "handoff_request") == {
        "type": "handoff_request", "topic": "relationships", "crisis": False,
        "language": "sv", "county": None,
    }


def test_gateway_down_is_said_kindly(bot: tuple[str, Availability]) -> None:
    base, state = bot
    state.down = True
    chat = Conversation(base)
    chat.say('/greet{"language":"en"}')
    replies = chat.say("/request_human")
    assert "I can't check right now whether anyone is on duty" in text_of(replies)
    assert "On-duty hours (Finnish time)" in text_of(replies)
    assert "handoff_request" not in kinds(replies)
    state.down = False


def test_crisis_on_duty_gives_numbers_first_then_a_crisis_handoff(bot: tuple[str, Availability]) -> None:
    base, state = bot
    state.on_shift, state.down = 1, False
    chat = Conversation(base)
    replies = chat.say("/crisis")
    assert kinds(replies)[0] == "crisis_detected"
    assert "112" in text_of(replies) and "09 2525 0111" in text_of(replies)
    request = custom(replies, "handoff_request")
    assert request["crisis"] is True and request["language"] == "fi"


def api(base: str, path: str, body: Any) -> Any:
    request = urllib.request.Request(
        f"{base}{path}?token={RASA_TOKEN}", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


def test_unsure_model_crisis_gets_a_check_in_and_the_danger_button_an_alarm(
    bot: tuple[str, Availability]
) -> None:
    base, state = bot
    state.on_shift, state.down = 1, False
    chat = Conversation(base)
    chat.say('/greet{"language":"fi"}')
    # What the pipeline records when only the model suspects a crisis, below alarm_threshold
    # (bot/crisis_override.py); which real sentences land there depends on the trained model.
    user = {"event": "user", "text": "tää helle tappaa mut", "parse_data": {
        "intent": {"name": "crisis", "confidence": 0.55}, "entities": [],
        "text": "tää helle tappaa mut", "crisis_level": "check"}}
    api(base, f"/conversations/{chat.sender}/tracker/events", [user])
    executed = api(base, f"/conversations/{chat.sender}/execute", {"name": "action_crisis_help"})
    check = executed["messages"]
    assert "crisis_detected" not in kinds(check)
    assert "Oletko vaarassa juuri nyt?" in text_of(check)
    assert "112" in text_of(check) and "09 2525 0111" in text_of(check)
    buttons = [b["payload"] for r in check for b in r.get("buttons", [])]
    assert buttons == ["/crisis", "/share_news"]
    with urllib.request.urlopen(
        f"{base}/conversations/{chat.sender}/tracker?token={RASA_TOKEN}", timeout=60
    ) as answer:
        tracker = json.loads(answer.read())
    events = tracker["events"]
    # the turn ends with the question: Rasa listens next instead of following the crisis rules
    assert events[-1]["event"] == "followup" and events[-1]["name"] == "action_listen"
    assert tracker["slots"]["crisis"] is not True
    api(base, f"/conversations/{chat.sender}/execute", {"name": "action_listen"})  # as Rasa would
    alarm = chat.say(buttons[0])  # "Olen vaarassa nyt"
    assert kinds(alarm)[0] == "crisis_detected"
    assert custom(alarm, "handoff_request")["crisis"] is True


def test_crisis_after_the_gateway_guard_only_follows_up(bot: tuple[str, Availability]) -> None:
    base, state = bot
    state.on_shift, state.down = 0, False
    chat = Conversation(base)
    metadata = {"crisis_guard": {"fired": True, "category": "suicidal", "help_sent": True}}
    replies = chat.say("/crisis", metadata=metadata)
    assert "crisis_detected" not in kinds(replies) and "handoff_request" not in kinds(replies)
    assert "Et ole tämän kanssa yksin" in text_of(replies)
    assert "Päivystäjiä ei ole juuri nyt paikalla" in text_of(replies)


def test_free_text_place_sets_the_county(bot: tuple[str, Availability]) -> None:
    base, _ = bot
    chat = Conversation(base)
    chat.say('/greet{"language":"fi"}')
    replies = chat.say("asun Tampereella")
    assert "Pirkanmaa" in text_of(replies) and "https://www.pirha.fi/" in text_of(replies)


def test_hours_privacy_bot_and_out_of_scope(bot: tuple[str, Availability]) -> None:
    base, _ = bot
    chat = Conversation(base)
    chat.say('/greet{"language":"fi"}')
    assert "Päivystysajat (Suomen aikaa)" in text_of(chat.say("/ask_hours"))
    assert "Juttelet täällä nimettömänä" in text_of(chat.say("/ask_privacy"))
    assert "Olen botti, en ihminen" in text_of(chat.say("/bot_challenge"))
    redirect = chat.say("/out_of_scope")
    assert "Tuohon en osaa auttaa" in text_of(redirect)
    assert any(b["payload"] == "/feeling_bad" for r in redirect for b in r.get("buttons", []))
