"""The editor page and publish, end to end: real Chromium, the real gateway process, a real Rasa
server, and the bot-side tools training real models.

A copy of the project with a fast NLU pipeline (so that training takes seconds, not minutes) is
served by Rasa. In the browser, an editor tries a sentence, adds it as an example to another
intent, sees the diff and publishes; meanwhile a young person keeps chatting over /ws/youth.
Every one of the young person's messages must get the bot's answer (none lost during the swap),
and afterwards Rasa classifies the sentence as the new intent. A change that breaks the test
stories is refused at that step and the old model keeps serving.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.support.processes import RASA, Gateway, Process, free_port, spawn, start_gateway

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
PUBLISH_TIMEOUT_MS = 600_000
expect.set_options(timeout=30_000)  # each editor call is a short process in .venv-bot
FINISHED = re.compile(r"^(Julkaistu|Julkaisua ei tehty)")  # the end of a publish, either way
FAST_CONFIG = """\
# Test copy: the real data with a fast pipeline, so that publish trains in seconds.
recipe: default.v1
language: fi
assistant_id: kynnys-editor-test
pipeline:
- name: WhitespaceTokenizer
- name: CountVectorsFeaturizer
- name: CountVectorsFeaturizer
  analyzer: char_wb
  min_ngram: 2
  max_ngram: 4
- name: LogisticRegressionClassifier
policies:
- name: MemoizationPolicy
  max_history: 3
- name: RulePolicy
  core_fallback_threshold: 0.3
  core_fallback_action_name: action_default_fallback
  enable_fallback_prediction: true
"""
Frame = dict[str, Any]


@dataclass
class Stack:
    root: Path
    rasa_url: str
    rasa_token: str
    rasa: Process
    gateway: Gateway

    def parse(self, text: str) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.rasa_url}/model/parse?token={self.rasa_token}",
            data=json.dumps({"text": text}).encode(), headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as resp:  # noqa: S310 (loopback)
            data: dict[str, Any] = json.loads(resp.read())
            return data

    def loaded_model(self) -> str:
        with urllib.request.urlopen(f"{self.rasa_url}/status?token={self.rasa_token}",  # noqa: S310
                                    timeout=60) as resp:
            return str(json.loads(resp.read())["model_file"])


EXAMPLES_PER_BLOCK = 12  # of each intent block in each data/nlu file: enough to tell them apart


def trim_examples(path: Path, keep: int) -> None:
    """Keep the first `keep` examples of every `examples: |` block (the test copy trains in
    seconds; the test stories replay intents, so they do not depend on the NLU examples)."""
    lines: list[str] = []
    in_block, kept = False, 0
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("examples:"):
            in_block, kept = True, 0
        elif in_block and stripped and not line.startswith("    "):
            in_block = False  # the next "- intent:" or "metadata:" of the file
        elif in_block and stripped.startswith("- "):
            kept += 1
            if kept > keep:
                continue
        lines.append(line)
    path.write_text("".join(lines), encoding="utf-8")


def train_base_model(root: Path) -> Path:
    env = dict(os.environ, PYTHONPATH=str(ROOT), RASA_TELEMETRY_ENABLED="false",
               TF_CPP_MIN_LOG_LEVEL="3", RASA_CACHE_DIRECTORY=str(ROOT / ".rasa" / "cache"))
    log = root / "base-train.log"
    with open(log, "w") as handle:
        run = subprocess.run(
            [str(RASA), "train", "--config", str(root / "config.yml"), "--domain",
             str(root / "domain.yml"), "--data", str(root / "data"), "--out", str(root / "models"),
             "--fixed-model-name", "kynnys"], cwd=ROOT, env=env, stdout=handle,
            stderr=subprocess.STDOUT, timeout=900)
    assert run.returncode == 0, log.read_text()[-3000:]
    return root / "models" / "kynnys.tar.gz"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("editor-project")
    shutil.copy(ROOT / "domain.yml", root / "domain.yml")
    (root / "config.yml").write_text(FAST_CONFIG)
    shutil.copytree(ROOT / "data", root / "data")
    for nlu_file in (root / "data" / "nlu").glob("*.yml"):
        trim_examples(nlu_file, EXAMPLES_PER_BLOCK)
    shutil.copytree(ROOT / "tests" / "stories", root / "tests" / "stories")
    model = train_base_model(root)
    work = root / "run"
    work.mkdir()
    token = "editor-test-token"
    tracker = work / "rasa-tracker.db"
    (work / "endpoints.yml").write_text(
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tracker}"\n')
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    rasa = spawn("rasa", [str(RASA), "run", "--enable-api", "--auth-token", token, "-i", "127.0.0.1",
                          "-p", str(port), "-m", str(model), "--endpoints", str(work / "endpoints.yml"),
                          "--credentials", str(ROOT / "credentials.yml")],
                 {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}, work, url)
    rasa.wait_ready(f"{url}/status?token={token}", 300)
    gateway = start_gateway(work / "gw", url, token, tracker, EDITOR_ROOT=str(root),
                            EDITOR_PUBLISH_METRICS="0", RASA_TIMEOUT_SECONDS="20")
    try:
        yield Stack(root, url, token, rasa, gateway)
    finally:
        gateway.stop()
        rasa.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith("http://127.0.0.1") else outside.append(r.url))
    page.js_errors = errors  # type: ignore[attr-defined]
    page.outside_requests = outside  # type: ignore[attr-defined]
    return page


def log_in(page: Page, stack: Stack, role: str = "editor") -> str:
    username, password = stack.gateway.make_user(role, alias=None)
    page.goto(f"{stack.gateway.url}/console/editor/")
    expect(page.get_by_label("Käyttäjätunnus")).to_be_visible()
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_label("Salasana").fill(password)
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page.get_by_role("heading", name="Mitä botti osaa ja sanoo")).to_be_visible()
    return username


class Youth:
    """A young person chatting on /ws/youth from a thread (Playwright's sync API owns the main one)."""

    def __init__(self, base_url: str) -> None:
        self.ws_url = re.sub(r"^http", "ws", base_url) + "/ws/youth"
        self.frames: list[Frame] = []
        self.cond = threading.Condition()
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.session: aiohttp.ClientSession | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self._run(self._connect())
        self.send({"type": "hello", "token": None, "last_seq": 0, "language": "fi"})
        self.wait(lambda f: f["type"] == "welcome")
        self.wait(lambda f: f["type"] == "message" and f.get("from") == "bot")  # the greeting

    def _run(self, coro: Any, timeout: float = 30) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _connect(self) -> None:
        self.session = aiohttp.ClientSession()
        self.ws = await self.session.ws_connect(self.ws_url)
        asyncio.ensure_future(self._read(self.ws))

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                with self.cond:
                    self.frames.append(json.loads(msg.data))
                    self.cond.notify_all()

    def send(self, frame: Frame) -> None:
        assert self.ws is not None
        self._run(self.ws.send_json(frame))

    def wait(self, predicate: Callable[[Frame], bool], start: int = 0, timeout: float = 120) -> Frame:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for frame in self.frames[start:]:
                    if predicate(frame):
                        return frame
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no matching frame; last frames: {self.frames[-5:]}")
                self.cond.wait(left)

    def say_and_get_answer(self, text: str, n: int) -> Frame:
        start = len(self.frames)
        self.send({"type": "message", "client_id": f"c{n}", "text": text})
        return self.wait(lambda f: f["type"] == "message" and f.get("from") in ("bot", "system"),
                         start=start)

    def close(self) -> None:
        async def _close() -> None:
            if self.ws is not None:
                await self.ws.close()
            if self.session is not None:
                await self.session.close()
        self._run(_close())
        self.loop.call_soon_threadsafe(self.loop.stop)


class ChatWhilePublishing:
    """Keeps the young person talking until stopped; records every answer."""

    SENTENCES = ("ootko botti", "onks tää anonyymi", "kiitos")

    def __init__(self, youth: Youth) -> None:
        self.youth = youth
        self.answers: list[tuple[str, Frame, float]] = []
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        n = 0
        while not self.stop.is_set():
            text = self.SENTENCES[n % len(self.SENTENCES)]
            started = time.monotonic()
            try:
                answer = self.youth.say_and_get_answer(text, n)
            except AssertionError as exc:
                self.errors.append(f"{text!r}: {exc}")
                return
            self.answers.append((text, answer, time.monotonic() - started))
            n += 1
            time.sleep(1.0)  # a person typing; the gateway limits 20 messages per 10 s

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(180)


def test_editor_page_publishes_a_new_example_while_a_youth_keeps_chatting(
        browser: Browser, stack: Stack) -> None:
    sentence = "zorblax quimbo vartsu"
    before = stack.parse(sentence)["intent"]["name"]
    target = "ask_hours" if before != "ask_hours" else "ask_privacy"
    old_model = stack.loaded_model()

    page = open_page(browser)
    log_in(page, stack)
    page.get_by_label("Kirjoita lause niin kuin nuori sen kirjoittaisi").fill(sentence)
    page.get_by_role("button", name="Kokeile").click()
    expect(page.locator("#try-intent")).to_have_text(before)
    expect(page.locator("#try-crisis")).to_have_text("Ei hälytä")
    expect(page.get_by_role("status")).to_contain_text(f"aiheeksi {before}")

    # a crisis sentence: the guard's verdict is shown
    page.get_by_label("Kirjoita lause niin kuin nuori sen kirjoittaisi").fill("haluun kuolla")
    page.keyboard.press("Enter")
    expect(page.locator("#try-crisis")).to_contain_text("Hälyttää: itsetuhoiset ajatukset")

    page.get_by_label("Kirjoita lause niin kuin nuori sen kirjoittaisi").fill(sentence)
    page.get_by_role("button", name="Kokeile").click()
    expect(page.locator("#try-intent")).to_have_text(before)
    page.get_by_label("Aihe", exact=True).select_option(target)
    page.get_by_label("Kieli").select_option("fi")
    page.get_by_role("button", name="Lisää esimerkiksi").click()
    expect(page.get_by_role("status")).to_contain_text(f"Lisätty esimerkiksi aiheeseen {target}")
    expect(page.locator("#diffs")).to_contain_text(f"+    - {sentence}")
    expect(page.locator("#change-list")).to_contain_text(sentence)
    assert stack.parse(sentence)["intent"]["name"] == before  # nothing live yet

    youth = Youth(stack.gateway.url)
    chat = ChatWhilePublishing(youth)
    try:
        page.get_by_role("button", name="Julkaise", exact=True).click()
        expect(page.locator("#publish-steps")).to_contain_text("Mallin opetus")
        expect(page.locator("#publish-result")).to_have_text(FINISHED, timeout=PUBLISH_TIMEOUT_MS)
        expect(page.locator("#publish-result")).to_have_text(
            "Julkaistu! Uusi malli vastaa nyt nuorille.")
        # keep chatting a moment on the new model too
        seen = len(chat.answers)
        deadline = time.monotonic() + 60
        while len(chat.answers) < seen + 2 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        chat.finish()
        youth.close()

    assert chat.errors == []
    assert len(chat.answers) >= 5
    lost = [(text, frame) for text, frame, _ in chat.answers if frame.get("from") != "bot"]
    assert lost == [], "a youth message got no bot answer during the publish"
    steps = page.locator("#publish-steps li")
    expect(steps).to_have_count(5)
    for i in range(5):
        expect(steps.nth(i)).to_have_attribute("data-state", "ok")

    assert stack.parse(sentence)["intent"]["name"] == target  # the new model answers
    assert stack.loaded_model() != old_model
    nlu_text = "".join(p.read_text() for p in (stack.root / "data" / "nlu").glob("*.yml"))
    assert f"- {sentence}\n" in nlu_text  # written into the live data files
    log = (stack.root / "data" / "editor-log.yml").read_text()
    assert sentence in log and "who:" in log and "published:" in log
    expect(page.locator("#diffs")).to_contain_text("Ei odottavia muutoksia.")
    assert page.js_errors == []  # type: ignore[attr-defined]
    assert page.outside_requests == []  # type: ignore[attr-defined]
    page.context.close()


def test_a_change_that_breaks_the_test_stories_is_refused_and_the_old_model_keeps_serving(
        browser: Browser, stack: Stack) -> None:
    page = open_page(browser)
    log_in(page, stack, role="supervisor")
    # an editor adds an example on the page ...
    page.get_by_label("Kirjoita lause niin kuin nuori sen kirjoittaisi").fill("puhunko mä nyt koneen kaa")
    page.get_by_role("button", name="Kokeile").click()
    page.get_by_label("Aihe", exact=True).select_option("bot_challenge")
    page.get_by_role("button", name="Lisää esimerkiksi").click()
    expect(page.get_by_role("status")).to_contain_text("Lisätty esimerkiksi")
    # ... and someone swaps two rules in the draft by hand: it trains, but answers wrong
    rules = stack.root / "var" / "editor" / "workspace" / "data" / "rules.yml"
    text = rules.read_text()
    assert "  - intent: ask_privacy\n  - action: utter_privacy" in text
    text = text.replace("  - intent: ask_privacy\n  - action: utter_privacy",
                        "  - intent: ask_privacy\n  - action: utter_swap_marker")
    text = text.replace("  - intent: bot_challenge\n  - action: utter_bot_challenge",
                        "  - intent: bot_challenge\n  - action: utter_privacy")
    text = text.replace("utter_swap_marker", "utter_bot_challenge")
    rules.write_text(text)
    model_before = stack.loaded_model()
    intent_before = stack.parse("ootko botti")["intent"]["name"]
    live_before = {p: p.read_bytes() for p in (stack.root / "data").rglob("*.yml")}

    page.reload()
    expect(page.locator("#diffs")).to_contain_text("data/rules.yml")
    page.get_by_role("button", name="Julkaise", exact=True).click()
    expect(page.locator("#publish-result")).to_have_text("")  # the previous result is cleared
    expect(page.locator("#publish-result")).to_have_text(FINISHED, timeout=PUBLISH_TIMEOUT_MS)
    expect(page.locator("#publish-result")).to_contain_text(
        "Julkaisua ei tehty: Testitarinat eivät menneet läpi")
    expect(page.locator("#publish-result")).to_contain_text("Vanha malli on yhä käytössä.")
    steps = page.locator("#publish-steps li")
    expect(steps.nth(0)).to_have_attribute("data-state", "ok")
    expect(steps.nth(1)).to_have_attribute("data-state", "ok")
    expect(steps.nth(2)).to_have_attribute("data-state", "failed")
    expect(steps.nth(3)).to_have_attribute("data-state", "pending")

    assert stack.loaded_model() == model_before
    assert stack.parse("ootko botti")["intent"]["name"] == intent_before
    assert {p: p.read_bytes() for p in (stack.root / "data").rglob("*.yml")} == live_before
    # the draft is kept so the editor can fix it
    expect(page.locator("#diffs")).to_contain_text("data/rules.yml")
    assert page.js_errors == []  # type: ignore[attr-defined]
    page.context.close()


AXE_JS = ROOT / "tests" / "e2e" / "vendor" / "axe.min.js"


def serious_axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values:
                ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def test_editor_page_is_accessible_keyboard_friendly_and_role_checked(
        browser: Browser, stack: Stack) -> None:
    page = open_page(browser)
    page.goto(f"{stack.gateway.url}/console/editor/")
    expect(page.get_by_label("Käyttäjätunnus")).to_be_focused()
    assert serious_axe_violations(page) == [], "login view"
    # a volunteer may log in but not edit
    username, password = stack.gateway.make_user("volunteer", alias=None)
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Sinun roolisi ei voi muokata sisältöä")
    expect(page.locator("#editor-view")).to_be_hidden()
    page.get_by_role("button", name="Kirjaudu ulos").click()

    log_in(page, stack)
    assert serious_axe_violations(page) == [], "editor view"
    # keyboard only: skip link, then the sentence field and Enter
    page.keyboard.press("Tab")
    for _ in range(10):
        if page.evaluate("document.activeElement.id") == "try-text":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "try-text"
    page.keyboard.type("onks tää anonyymi")
    page.keyboard.press("Enter")
    expect(page.locator("#try-intent")).to_have_text("ask_privacy")
    assert serious_axe_violations(page) == [], "with a result"
    # a refused edit explains itself in plain words, with file and line
    page.get_by_label("Palvelu", exact=True).select_option("crisis_line_24_7")
    page.get_by_label("Puhelin").fill("09-2525-0111")
    page.get_by_role("button", name="Tallenna palvelu").click()
    expect(page.get_by_role("status")).to_contain_text("Muutos hylättiin")
    expect(page.locator("#problems")).to_contain_text("data/services/directory.yml:")
    expect(page.locator("#problems")).to_contain_text("Näin korjaat:")
    assert page.js_errors == []  # type: ignore[attr-defined]
    page.context.close()
