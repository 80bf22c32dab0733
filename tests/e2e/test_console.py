"""Volunteer console end to end: real Chromium against the real gateway, Rasa and action server.

A young person is played by a real WebSocket client on /ws/youth that talks to the bot
(greet -> request a human) until the conversation is queued.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "tests" / "e2e" / "vendor" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TIMEOUT_MS = 20_000
expect.set_options(timeout=TIMEOUT_MS)

Frame = dict[str, Any]


# --------------------------------------------------------------------------- youth client


class YouthClient:
    """A young person on /ws/youth, run on its own asyncio loop in a thread so that the
    synchronous Playwright API can drive the browser at the same time."""

    def __init__(self, base_url: str, language: str = "fi") -> None:
        self.ws_url = re.sub(r"^http", "ws", base_url.rstrip("/")) + "/ws/youth"
        self.frames: list[Frame] = []
        self._cond = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._counter = 0
        self._run(self._connect())
        self.send({"type": "hello", "token": None, "last_seq": 0, "language": language})
        self.welcome = self.wait_for(lambda f: f["type"] == "welcome")

    def _run(self, coro: Any, timeout: float = 20) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    async def _connect(self) -> None:
        self._session = aiohttp.ClientSession()
        self._ws = await self._session.ws_connect(self.ws_url)
        asyncio.ensure_future(self._read(self._ws))

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                frame = json.loads(msg.data)
                with self._cond:
                    self.frames.append(frame)
                    self._cond.notify_all()

    def send(self, frame: Frame) -> None:
        assert self._ws is not None
        self._run(self._ws.send_json(frame))

    def say(self, text: str, payload: str | None = None) -> str:
        self._counter += 1
        client_id = f"youth-{id(self)}-{self._counter}"
        frame: Frame = {"type": "message", "client_id": client_id, "text": text}
        if payload:
            frame["payload"] = payload
        self.send(frame)
        self.wait_for(lambda f: f["type"] == "ack" and f.get("client_id") == client_id)
        return client_id

    def wait_for(self, predicate: Callable[[Frame], bool], timeout: float = 30, start: int = 0) -> Frame:
        deadline = time.monotonic() + timeout
        with self._cond:
            index = start
            while True:
                while index < len(self.frames):
                    frame = self.frames[index]
                    index += 1
                    if predicate(frame):
                        return frame
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"youth never got the frame; last frames: {self.frames[-8:]}")
                self._cond.wait(remaining)

    def messages(self, sender: str) -> list[Frame]:
        with self._cond:
            return [f for f in self.frames if f["type"] == "message" and f.get("from") == sender]

    def state(self) -> str | None:
        with self._cond:
            states = [f["state"] for f in self.frames if f["type"] == "state"]
        return states[-1] if states else self.welcome.get("conversation_state")

    def request_human(self, opener: str = "mulla on tosi paha olo") -> None:
        """Talk to the bot until the conversation is queued: greet, tell a topic, ask for a human."""
        self.say("moi")
        self.say(opener)
        self.say("voinko puhua ihmisen kanssa", payload=None)
        try:
            self.wait_for(lambda f: f["type"] == "state" and f["state"] == "queued", timeout=15)
        except AssertionError:
            # The bot may first ask for confirmation with a button: press the one that asks for a human.
            button = self._human_button()
            assert button is not None, f"the bot never queued the chat: {self.frames[-10:]}"
            self.say(button["title"], payload=button["payload"])
            self.wait_for(lambda f: f["type"] == "state" and f["state"] == "queued", timeout=20)

    def _human_button(self) -> dict[str, str] | None:
        for frame in reversed(self.messages("bot") + self.messages("system")):
            for button in frame.get("buttons") or []:
                if "request_human" in button.get("payload", "") or "affirm" in button.get("payload", ""):
                    return button
        return None

    def close(self) -> None:
        """End the chat (so it does not stay in the queue for other tests) and disconnect."""

        async def _close() -> None:
            if self._ws is not None and not self._ws.closed and self.state() != "ended":
                await self._ws.send_json({"type": "end", "delete": True})
                await asyncio.sleep(0.2)
            if self._ws is not None:
                await self._ws.close()
            if self._session is not None:
                await self._session.close()

        try:
            self._run(_close(), timeout=5)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)


# --------------------------------------------------------------------------- browser helpers


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_page(browser: Browser, width: int = 1400, height: int = 950, **options: Any) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fi-FI", **options)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # type: ignore[attr-defined]
    return page


def login(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/console/")
    expect(page.locator("#login-view")).to_be_visible()
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.click("#login-submit")
    expect(page.locator("#app-view")).to_be_visible()


def start_shift(page: Page, alias: str) -> None:
    page.fill("#alias-input", alias)
    page.click("#shift-button")
    expect(page.locator("#shift-state")).to_have_text("Vuorossa")
    expect(page.locator("#who")).to_contain_text(alias)
    expect(page.locator("#live-panel")).to_be_visible()


def queued_ids(page: Page) -> set[str]:
    return set(page.locator("#queue-list > li").evaluate_all("els => els.map(e => e.dataset.conversation)"))


def live_ids(page: Page) -> set[str]:
    return set(page.locator("#live-list > li").evaluate_all("els => els.map(e => e.dataset.conversation)"))


def youth_wrote(page: Page, conversation_id: str, marker: str) -> bool:
    detail = page.evaluate(
        "async (id) => (await fetch('/console/api/conversations/' + encodeURIComponent(id))).json()",
        conversation_id,
    )
    return any(marker in m.get("text", "") for m in detail.get("messages", []) if m.get("from") == "youth")


def wait_new_entry(page: Page, ids: Callable[[Page], set[str]], before: set[str], marker: str) -> str:
    """The id of a conversation that appeared in `ids(page)` after `before` was read and in which
    the young person wrote `marker` (other tests' conversations may show up at the same time)."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    checked: set[str] = set()
    while time.monotonic() < deadline:
        for conversation_id in sorted(ids(page) - before - checked):
            if youth_wrote(page, conversation_id, marker):
                return conversation_id
            checked.add(conversation_id)
        page.wait_for_timeout(200)
    raise AssertionError(f"no new conversation with {marker!r}; shown: {ids(page)}")


def wait_new_queue_entry(page: Page, before: set[str], marker: str) -> str:
    return wait_new_entry(page, queued_ids, before, marker)


def chat_panel(page: Page, conversation_id: str) -> Any:
    return page.locator(f'#chat-grid .chat[data-conversation="{conversation_id}"]')


def take_new_chat(page: Page, youth: YouthClient, opener: str, marker: str) -> tuple[str, Any]:
    """The young person asks for a human with `opener`; the volunteer takes that chat from the
    queue. Returns its id and its (visible) chat panel."""
    before = queued_ids(page)
    youth.request_human(opener)
    conversation_id = wait_new_queue_entry(page, before, marker)
    page.locator(f'#queue-list > li[data-conversation="{conversation_id}"] .take-button').click()
    panel = chat_panel(page, conversation_id)
    expect(panel).to_be_visible()
    return conversation_id, panel


def end_with_wrapup(page: Page, conversation_id: str, topic: str = "feeling_bad") -> None:
    chat_panel(page, conversation_id).locator(".end-button").click()
    dialog = page.locator("#wrapup-dialog")
    expect(dialog).to_be_visible()
    box = dialog.locator(f'input[name="topic"][value="{topic}"]')
    if not box.is_checked():
        box.check()
    dialog.locator("#wrapup-submit").click()
    expect(dialog).to_be_hidden()
    expect(chat_panel(page, conversation_id)).to_have_count(0)


def logout(page: Page) -> None:
    """Sign out (which ends the shift) whenever the console is signed in. The click waits for
    the button: a check of its visibility at one instant could skip the sign-out and leave the
    account on shift for the next test."""
    if page.locator("#app-view").is_visible():
        page.locator("#logout-button").click()
        expect(page.locator("#login-view")).to_be_visible()
    page.context.close()


@pytest.fixture(scope="module")
def accounts(console_env: Any) -> dict[str, tuple[str, str]]:
    """One supervisor and two volunteers for the whole module (the account CLI takes seconds per
    call). Every test ends its chats and signs out, so the next test finds the accounts idle."""
    roles = {"supervisor": "supervisor", "vol_a": "volunteer", "vol_b": "volunteer"}
    return {name: console_env.make_user(role) for name, role in roles.items()}


# --------------------------------------------------------------------------- tests


def test_login_refuses_wrong_password_and_accepts_the_right_one(browser: Browser, console_env: Any, accounts: dict[str, tuple[str, str]]) -> None:
    username, password = accounts["vol_a"]
    page = new_page(browser)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{console_env.url}/console/")
    page.fill("#login-username", username)
    page.fill("#login-password", password + "x")
    page.click("#login-submit")
    expect(page.locator("#login-error")).to_have_text("Käyttäjätunnus tai salasana on väärin.")
    expect(page.locator("#app-view")).to_be_hidden()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert "kynnys_session" not in cookies
    # The password field is emptied after a failure.
    expect(page.locator("#login-password")).to_have_value("")

    page.fill("#login-password", password)
    page.click("#login-submit")
    expect(page.locator("#app-view")).to_be_visible()
    session = {c["name"]: c for c in page.context.cookies()}["kynnys_session"]
    assert session["httpOnly"] is True
    assert session["sameSite"] == "Strict"
    # The session cookie is invisible to scripts.
    assert "kynnys_session" not in page.evaluate("document.cookie")
    # A reload keeps the session (no second login).
    page.reload()
    expect(page.locator("#app-view")).to_be_visible()
    assert page.js_errors == []  # type: ignore[attr-defined]
    # Everything the console loads comes from the gateway itself: no CDN, no third parties.
    ws_base = re.sub(r"^http", "ws", console_env.url)
    assert requested and all(url.startswith((console_env.url, ws_base)) for url in requested), requested
    logout(page)


def test_repeated_wrong_passwords_lock_the_account(browser: Browser, console_env: Any) -> None:
    username, password = console_env.make_user("volunteer")
    page = new_page(browser)
    page.goto(f"{console_env.url}/console/")
    for attempt in range(5):
        page.fill("#login-username", username)
        page.fill("#login-password", f"wrong-{attempt}")
        page.click("#login-submit")
        expect(page.locator("#login-error")).not_to_have_text("")
        expect(page.locator("#login-submit")).to_be_enabled()
    expect(page.locator("#login-error")).to_contain_text("Liian monta yritystä")
    # Even the right password is refused while the account is locked.
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.click("#login-submit")
    expect(page.locator("#login-error")).to_contain_text("Liian monta yritystä")
    expect(page.locator("#app-view")).to_be_hidden()
    page.context.close()


def test_volunteer_takes_a_queued_youth_talks_and_ends_with_wrapup(browser: Browser, console_env: Any, accounts: dict[str, tuple[str, str]]) -> None:
    supervisor, sup_password = accounts["supervisor"]
    volunteer, password = accounts["vol_a"]

    # A supervisor adds a canned reply; volunteers see it at once in their menus.
    sup = new_page(browser)
    login(sup, console_env.url, supervisor, sup_password)
    sup.click('[data-view="content"]')
    reply_title = f"Tervehdys {int(time.time() * 1000) % 100000}"
    form = sup.locator("form.reply-form").last
    form.locator('input[name="title"]').fill(reply_title)
    form.locator('textarea[name="text"]').fill("Hei, olen {alias}. Kiva, että kirjoitit. Kerro lisää, jos haluat.")
    form.locator('button[type="submit"]').click()
    expect(sup.locator("#canned-list")).to_contain_text(reply_title)

    page = new_page(browser)
    login(page, console_env.url, volunteer, password)
    start_shift(page, "Aino")
    before = queued_ids(page)

    youth = YouthClient(console_env.url)
    try:
        youth.request_human("mulla on tosi paha olo ja ahdistaa")
        conversation_id = wait_new_queue_entry(page, before, "ahdistaa")
        entry = page.locator(f'#queue-list > li[data-conversation="{conversation_id}"]')
        expect(entry).to_contain_text("jonossa")

        entry.locator(".take-button").click()
        panel = chat_panel(page, conversation_id)
        expect(panel).to_be_visible()
        # Hand-over summary and the bot conversation so far.
        summary = panel.locator(".summary")
        expect(summary).to_contain_text("Aihe")
        expect(summary).to_contain_text("Kieli")
        expect(summary).to_contain_text("suomi")
        expect(summary).to_contain_text("Kriisimerkinnät")
        expect(panel.locator(".msg-youth").first).to_contain_text("moi")
        expect(panel.locator(".msg-youth")).to_contain_text(["mulla on tosi paha olo ja ahdistaa"])
        expect(panel.locator(".msg-bot").first).to_be_visible()
        # Focus moved to the composer.
        expect(panel.locator(".compose-text")).to_be_focused()

        # The young person is told that a volunteer joined.
        youth.wait_for(lambda f: f["type"] == "state" and f["state"] == "volunteer")
        joined = youth.wait_for(lambda f: f["type"] == "message" and f["from"] == "system" and "Aino" in f["text"])
        assert joined["from"] == "system"

        # Canned reply: inserted into the text box with the alias filled in, then sent.
        panel.locator(".canned-select").select_option(label=reply_title)
        expect(panel.locator(".compose-text")).to_have_value(re.compile(r"^Hei, olen Aino\."))
        panel.locator(".send-button").click()
        expect(panel.locator(".compose-text")).to_have_value("")
        got = youth.wait_for(lambda f: f["type"] == "message" and f["from"] == "volunteer")
        assert got["alias"] == "Aino" and got["text"].startswith("Hei, olen Aino.")
        expect(panel.locator(".msg-volunteer").last).to_contain_text("Aino (sinä)")

        # Typing indicator from the young person, then a message the other way (rendered as text).
        youth.send({"type": "typing", "on": True})
        expect(panel.locator(".typing")).to_have_text("Nuori kirjoittaa…")
        youth.say("kiitos <b>oikeesti</b>")
        expect(panel.locator(".msg-youth").last).to_contain_text("kiitos <b>oikeesti</b>")
        assert panel.locator(".msg-youth b").count() == 0

        # A free-text reply with a service link attached.
        typing_from = len(youth.frames)
        panel.locator(".compose-text").fill("Tässä vielä yksi paikka, josta saat apua.")
        # The young person sees that the volunteer is typing.
        youth.wait_for(lambda f: f["type"] == "typing" and f.get("from") == "volunteer" and f["on"], start=typing_from)
        options = panel.locator(".link-select option[value^='d:'], .link-select option[value^='l:']")
        if options.count():
            panel.locator(".link-select").select_option(options.first.get_attribute("value"))
        panel.locator(".compose-text").press("Enter")
        second = youth.wait_for(lambda f: f["type"] == "message" and f["from"] == "volunteer" and "Tässä vielä" in f["text"])
        if options.count():
            assert second["links"] and second["links"][0]["url"].startswith("https://")

        # End with a wrap-up; the young person sees the chat end.
        end_with_wrapup(page, conversation_id, topic="feeling_bad")
        youth.wait_for(lambda f: (f["type"] == "state" and f["state"] == "ended") or f["type"] == "ended")
        assert page.js_errors == [] and sup.js_errors == []  # type: ignore[attr-defined]
    finally:
        youth.close()
        logout(page)
        logout(sup)


def test_supervisor_overview_shows_shift_queue_and_counts(browser: Browser, console_env: Any, accounts: dict[str, tuple[str, str]]) -> None:
    supervisor, sup_password = accounts["supervisor"]
    volunteer, password = accounts["vol_b"]
    page = new_page(browser)
    login(page, console_env.url, volunteer, password)
    alias = "Eero " + "ABCDEFGHJK"[int(time.time()) % 10]  # letters only, like a real alias
    start_shift(page, alias)

    sup = new_page(browser)
    login(sup, console_env.url, supervisor, sup_password)
    tab = sup.locator('[data-view="supervisor"]')
    expect(tab).to_be_visible()
    tab.click()
    row = sup.locator(f'#sup-body tr:has(td:text-is("{alias}"))')
    expect(row).to_contain_text("kyllä")
    on_shift = sup.locator('#sup-body [data-count="on_shift"] .stat-value')
    assert int(on_shift.inner_text()) >= 1

    youth = YouthClient(console_env.url)
    try:
        queued_before = int(sup.locator('#sup-body [data-count="queued"] .stat-value').inner_text())
        youth.request_human("riitelin mun äidin kanssa")
        expect(sup.locator('#sup-body [data-count="queued"] .stat-value')).to_have_text(
            re.compile("|".join(str(n) for n in range(queued_before + 1, queued_before + 6)))
        )
        expect(sup.locator("#sup-body table").last.locator("tbody tr")).not_to_have_count(0)
    finally:
        youth.close()
        logout(page)
        logout(sup)
    # A volunteer does not get the supervisor view.
    plain = new_page(browser)
    login(plain, console_env.url, volunteer, password)
    expect(plain.locator('[data-view="supervisor"]')).to_be_hidden()
    logout(plain)


def test_keyboard_only_accept_and_reply(browser: Browser, console_env: Any, accounts: dict[str, tuple[str, str]]) -> None:
    volunteer, password = accounts["vol_b"]
    page = new_page(browser)
    page.goto(f"{console_env.url}/console/")
    # Sign in with the keyboard alone.
    page.locator("#login-username").focus()
    page.keyboard.type(volunteer)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page.locator("#app-view")).to_be_visible()
    page.locator("#alias-input").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Kaisa")
    page.keyboard.press("Enter")
    expect(page.locator("#shift-state")).to_have_text("Vuorossa")
    expect(page.locator("#who")).to_contain_text("Kaisa")
    before = queued_ids(page)

    youth = YouthClient(console_env.url)
    try:
        youth.request_human("mua kiusataan koulussa")
        conversation_id = wait_new_queue_entry(page, before, "kiusataan koulussa")
        target = f'#queue-list > li[data-conversation="{conversation_id}"] .take-button'
        # Tab from the top of the page until the take button of this conversation has focus.
        page.locator("#main").focus()
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("(sel) => document.activeElement === document.querySelector(sel)", target):
                break
        else:
            raise AssertionError("the take button cannot be reached with Tab")
        # Focus is visible: the focused button has an outline.
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("none", "")
        page.keyboard.press("Enter")
        panel = chat_panel(page, conversation_id)
        expect(panel).to_be_visible()
        expect(panel.locator(".compose-text")).to_be_focused()
        page.keyboard.type("Hei, olen Kaisa. Kerro, mitä on tapahtunut.")
        page.keyboard.press("Enter")
        got = youth.wait_for(lambda f: f["type"] == "message" and f["from"] == "volunteer")
        assert got["text"] == "Hei, olen Kaisa. Kerro, mitä on tapahtunut."
        youth.say("ne haukkuu mua joka päivä")
        expect(panel.locator(".msg-youth").last).to_contain_text("ne haukkuu mua joka päivä")

        # End with the keyboard: Tab to the end button, choose a topic with Space, submit with Enter.
        panel.locator(".end-button").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#wrapup-dialog")).to_be_visible()
        focused_name = page.evaluate("document.activeElement.name")
        assert focused_name == "topic"
        if not page.evaluate("document.activeElement.checked"):
            page.keyboard.press("Space")
        page.locator("#wrapup-submit").focus()
        page.keyboard.press("Enter")
        expect(panel).to_have_count(0)
    finally:
        youth.close()
        logout(page)


def test_crisis_alert_reaches_volunteer_on_shift_and_marks_the_message(browser: Browser, console_env: Any, accounts: dict[str, tuple[str, str]]) -> None:
    volunteer, password = accounts["vol_a"]
    page = new_page(browser)
    login(page, console_env.url, volunteer, password)
    start_shift(page, "Mikko")

    youth = YouthClient(console_env.url)
    try:
        youth.say("moi")
        youth.say("en jaksa enää elää, haluun kuolla")
        # The young person gets the emergency numbers at once.
        help_frame = youth.wait_for(lambda f: f["type"] == "message" and "112" in (f.get("text") or ""))
        assert help_frame["from"] in ("system", "bot")

        banner = page.locator("#crisis-banners .crisis-banner").last
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("Kriisihälytys")
        expect(page.locator("#sr-assertive")).to_contain_text("Kriisihälytys")
        expect(page).to_have_title(re.compile("^⚠"))  # visible from a background tab too
        conversation_id = banner.get_attribute("data-conversation")
        assert conversation_id

        banner.locator(".btn-crisis").click()
        panel = chat_panel(page, conversation_id)
        expect(panel).to_be_visible()
        expect(panel).to_have_class(re.compile(r"\bis-crisis\b"))
        risky = panel.locator(".msg-youth.is-risk")
        expect(risky).to_have_count(1)
        expect(risky.locator(".risk-mark")).to_have_attribute("aria-label", re.compile("Riskimerkintä"))
        expect(risky).to_contain_text("haluun kuolla")
        if panel.get_attribute("data-mode") == "watch":
            panel.locator(".step-in-button").click()
            panel = chat_panel(page, conversation_id)
            expect(panel).to_have_attribute("data-mode", "own")
        youth.wait_for(lambda f: f["type"] == "state" and f["state"] == "volunteer")
        expect(banner).to_have_count(0)
        expect(page).to_have_title("Kynnys – päivystys")
        end_with_wrapup(page, conversation_id, topic="crisis")
    finally:
        youth.close()
        logout(page)


def test_watch_a_bot_conversation_and_step_in(browser: Browser, console_env: Any, accounts: dict[str, tuple[str, str]]) -> None:
    volunteer, password = accounts["vol_b"]
    page = new_page(browser)
    login(page, console_env.url, volunteer, password)
    start_shift(page, "Laura")
    before = live_ids(page)

    youth = YouthClient(console_env.url)
    try:
        youth.say("moi")
        youth.say("halusin vaan kertoo mun päivästä")
        conversation_id = wait_new_entry(page, live_ids, before, "halusin vaan kertoo")
        page.locator(f'#live-list > li[data-conversation="{conversation_id}"] .watch-button').click()
        panel = chat_panel(page, conversation_id)
        expect(panel).to_have_attribute("data-mode", "watch")
        expect(panel.locator(".msg-youth")).to_contain_text(["moi", "halusin vaan kertoo mun päivästä"])
        assert panel.locator(".compose-text").count() == 0  # reading only

        youth.say("tänään oli kiva päivä koulussa")
        expect(panel.locator(".msg-youth").last).to_contain_text("tänään oli kiva päivä koulussa")
        expect(panel.locator(".msg-bot").last).to_be_visible()

        panel.locator(".step-in-button").click()
        panel = chat_panel(page, conversation_id)
        expect(panel).to_have_attribute("data-mode", "own")
        youth.wait_for(lambda f: f["type"] == "state" and f["state"] == "volunteer")
        youth.wait_for(lambda f: f["type"] == "message" and f["from"] == "system" and "Laura" in f["text"])
        panel.locator(".compose-text").fill("Hei, olen Laura. Kiva kuulla!")
        panel.locator(".send-button").click()
        youth.wait_for(lambda f: f["type"] == "message" and f["from"] == "volunteer" and f["alias"] == "Laura")
        end_with_wrapup(page, conversation_id, topic="share_news")
    finally:
        youth.close()
        logout(page)


SERIOUS = ("serious", "critical")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in result if v["impact"] in SERIOUS]


def test_axe_has_no_serious_violations(browser: Browser, console_env: Any, accounts: dict[str, tuple[str, str]]) -> None:
    assert AXE_JS.exists(), "axe-core is vendored under tests/e2e/vendor/"
    supervisor, password = accounts["supervisor"]
    page = new_page(browser, bypass_csp=True)
    page.goto(f"{console_env.url}/console/")
    expect(page.locator("#login-view")).to_be_visible()
    assert axe_violations(page) == []

    login(page, console_env.url, supervisor, password)
    start_shift(page, "Sanna")
    youth = YouthClient(console_env.url)
    try:
        conversation_id, _ = take_new_chat(page, youth, "mulla on paha olo enkä saa nukuttua", "nukuttua")
        youth.say("en tiiä mitä tehdä")
        expect(chat_panel(page, conversation_id).locator(".msg-youth").last).to_contain_text("en tiiä")
        assert axe_violations(page) == [], "work view"

        chat_panel(page, conversation_id).locator(".end-button").click()
        expect(page.locator("#wrapup-dialog")).to_be_visible()
        assert axe_violations(page) == [], "wrap-up dialog"
        page.locator("#wrapup-cancel").click()

        page.click('[data-view="supervisor"]')
        expect(page.locator("#sup-body table").first).to_be_visible()
        assert axe_violations(page) == [], "supervisor view"
        page.click('[data-view="content"]')
        expect(page.locator("#content-body form").first).to_be_visible()
        assert axe_violations(page) == [], "content view"

        page.click("#lang-toggle")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator('[data-view="work"]')).to_have_text("On duty")
        page.click('[data-view="work"]')
        assert axe_violations(page) == [], "English work view"
        page.click("#lang-toggle")
        end_with_wrapup(page, conversation_id)
    finally:
        youth.close()
        logout(page)


def test_layout_desktop_side_by_side_and_phone_stacked(browser: Browser, console_env: Any, accounts: dict[str, tuple[str, str]], tmp_path: Path) -> None:
    """Two chats sit side by side on a desktop and stack on a phone, with no sideways scrolling.
    KYNNYS_SCREENSHOTS=1 writes docs/screenshots/console-desktop.png and console-phone.png."""
    out = SCREENSHOTS if os.environ.get("KYNNYS_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    volunteer, password = accounts["vol_a"]
    page = new_page(browser, width=1440, height=1000)
    login(page, console_env.url, volunteer, password)
    start_shift(page, "Aino")
    youths: list[YouthClient] = []
    ids: list[str] = []
    try:
        for opener, reply in [
            ("mulla on ollu tosi paha olo koko viikon", "Hei, olen Aino. Kiva, että kirjoitit. Kerro lisää, jos haluat."),
            ("poikaystävä jätti mut eilen", "Hei, olen Aino. Ikävä kuulla. Miltä nyt tuntuu?"),
        ]:
            youth = YouthClient(console_env.url)
            youths.append(youth)
            conversation_id, panel = take_new_chat(page, youth, opener, opener)
            ids.append(conversation_id)
            panel.locator(".compose-text").fill(reply)
            panel.locator(".send-button").click()
            youth.wait_for(lambda f: f["type"] == "message" and f["from"] == "volunteer")
        youths[0].say("en oikein tiiä. kaikki tuntuu raskaalta")
        # A message the crisis guard may flag shows the risk marker in the screenshot.
        youths[1].say("joskus mä satutan itteäni kun ahdistaa liikaa")
        youths[1].send({"type": "typing", "on": True})
        # A third young person waits in the queue.
        before = queued_ids(page)
        waiting = YouthClient(console_env.url)
        youths.append(waiting)
        waiting.request_human("mun kaverit ei puhu mulle enää")
        wait_new_queue_entry(page, before, "kaverit ei puhu")
        expect(chat_panel(page, ids[0]).locator(".msg-youth").last).to_contain_text("raskaalta")

        first = chat_panel(page, ids[0]).bounding_box()
        second = chat_panel(page, ids[1]).bounding_box()
        assert first and second
        assert abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"] + first["width"] - 1, "side by side"
        page.evaluate("window.scrollTo(0, 0)")
        page.mouse.move(1, 1)
        page.screenshot(path=str(out / "console-desktop.png"))

        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(300)
        first = chat_panel(page, ids[0]).bounding_box()
        second = chat_panel(page, ids[1]).bounding_box()
        assert first and second
        assert second["y"] >= first["y"] + first["height"] - 1, "stacked on a phone"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling"
        page.evaluate("window.scrollTo(0, 0)")
        bottom = page.evaluate("Math.ceil(document.querySelector('main').getBoundingClientRect().bottom + scrollY)")
        page.screenshot(path=str(out / "console-phone.png"), full_page=True,
                        clip={"x": 0, "y": 0, "width": 390, "height": bottom})
        page.set_viewport_size({"width": 1440, "height": 1000})
        for conversation_id in ids:
            end_with_wrapup(page, conversation_id)
    finally:
        for youth in youths:
            youth.close()
        logout(page)


def test_transfer_to_another_volunteer(browser: Browser, console_env: Any, accounts: dict[str, tuple[str, str]]) -> None:
    first, first_password = accounts["vol_a"]
    second, second_password = accounts["vol_b"]
    page_a = new_page(browser)
    login(page_a, console_env.url, first, first_password)
    start_shift(page_a, "Aino")
    page_b = new_page(browser)
    login(page_b, console_env.url, second, second_password)
    start_shift(page_b, "Ville")
    youth = YouthClient(console_env.url)
    try:
        conversation_id, panel_a = take_new_chat(page_a, youth, "mun vanhemmat riitelee koko ajan",
                                                 "vanhemmat riitelee")
        youth.wait_for(lambda f: f["type"] == "state" and f["state"] == "volunteer" and f.get("volunteer_alias") == "Aino")

        panel_a.locator(".transfer-button").click()
        dialog = page_a.locator("#transfer-dialog")
        expect(dialog).to_be_visible()
        option = dialog.locator("label", has_text="Ville")
        expect(option).to_be_visible()
        option.locator("input").check()
        dialog.locator("#transfer-submit").click()
        expect(dialog).to_be_hidden()
        expect(panel_a).to_have_count(0)

        # The other volunteer gets the chat with its history; the young person is told about the change.
        panel_b = chat_panel(page_b, conversation_id)
        expect(panel_b).to_be_visible()
        expect(panel_b.locator(".msg-youth")).to_contain_text(["mun vanhemmat riitelee koko ajan"])
        youth.wait_for(lambda f: f["type"] == "message" and f["from"] == "system" and "Ville" in f["text"])
        panel_b.locator(".compose-text").fill("Hei, olen Ville. Jatketaan tästä.")
        panel_b.locator(".send-button").click()
        youth.wait_for(lambda f: f["type"] == "message" and f["from"] == "volunteer" and f.get("alias") == "Ville")
        end_with_wrapup(page_b, conversation_id, topic="relationships")
    finally:
        youth.close()
        logout(page_a)
        logout(page_b)


def test_resend_after_a_lost_answer_is_not_stored_twice(
    browser: Browser, console_env: Any, accounts: dict[str, tuple[str, str]]
) -> None:
    volunteer, password = accounts["vol_a"]
    page = new_page(browser)
    login(page, console_env.url, volunteer, password)
    start_shift(page, "Aino")
    youth = YouthClient(console_env.url)
    try:
        conversation_id, panel = take_new_chat(page, youth, "en saa unta ja jännittää huomista",
                                               "jännittää huomista")

        # The first send reaches the gateway, but its answer is lost on the way back.
        lost: list[str] = []

        def lose_answer(route: Any) -> None:
            if route.request.method == "POST" and not lost:
                route.fetch()  # the gateway stores the message
                lost.append(route.request.post_data or "")
                route.abort("connectionreset")
            else:
                route.continue_()

        page.route("**/console/api/conversations/*/messages", lose_answer)
        panel.locator(".compose-text").fill("Kerro, mikä huomisessa jännittää.")
        panel.locator(".send-button").click()
        expect(panel.locator(".form-error")).to_have_text(re.compile("ei onnistunut"))
        expect(panel.locator(".compose-text")).to_have_value("Kerro, mikä huomisessa jännittää.")
        # Sending again stores nothing new: the young person sees the message once.
        panel.locator(".send-button").click()
        expect(panel.locator(".compose-text")).to_have_value("")
        expect(panel.locator(".msg-volunteer")).to_have_count(1)
        youth.wait_for(lambda f: f["type"] == "message" and f["from"] == "volunteer")
        youth.say("no se koe")
        expect(panel.locator(".msg-youth").last).to_contain_text("no se koe")
        assert len([f for f in youth.messages("volunteer") if "jännittää" in f["text"]]) == 1
        assert json.loads(lost[0])["client_id"]
        end_with_wrapup(page, conversation_id, topic="school_work")
    finally:
        youth.close()
        logout(page)
