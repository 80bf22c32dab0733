"""The youth chat widget end to end: real Chromium on the demo page, against the real gateway and bot.

Covers quick exit, keyboard-only use, accessibility (axe-core), privacy (no cookies, no
localStorage, no third-party requests, sessionStorage resume), safe rendering, languages and
accent clamping, and the 320 px / desktop screenshots in docs/screenshots/.
"""

from __future__ import annotations

import json
import re
import secrets
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from tests.support.processes import (
    Gateway,
    free_port,
    start_action_server,
    start_gateway,
    start_rasa,
)

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "tests" / "e2e" / "vendor" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
TIMEOUT_MS = 20_000
BOT_TIMEOUT_MS = 30_000


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_page(browser: Browser, base_url: str, width: int = 420, height: int = 760, **options: Any) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fi-FI",
                                  bypass_csp=True, **options)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # type: ignore[attr-defined]
    return page


class Widget:
    """Locators into the <kynnys-chat> shadow root (Playwright CSS pierces open shadow roots)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.root = page.locator("kynnys-chat")
        self.launcher = self.root.locator("button.launcher")
        self.panel = self.root.locator(".panel")
        self.log = self.root.locator(".log")
        self.input = self.root.locator("textarea#kynnys-input")
        self.announcer = self.root.locator("div[aria-live=polite]")
        self.alert = self.root.locator("div[role=status]").last
        self.youth_messages = self.log.locator("li.msg.youth")
        self.bot_messages = self.log.locator("li.msg.bot")
        self.volunteer_messages = self.log.locator("li.msg.volunteer")
        self.system_messages = self.log.locator("li.msg.system")

    def send(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def wait_bot_message(self) -> Locator:
        expect(self.bot_messages.first).to_be_visible(timeout=BOT_TIMEOUT_MS)
        return self.bot_messages.first

    def wait_bot_messages(self, count: int) -> None:
        """Wait until at least `count` messages from the bot or the gateway are shown."""
        answers = self.log.locator("li.msg.bot, li.msg.system")
        expect(answers.nth(count - 1)).to_be_visible(timeout=BOT_TIMEOUT_MS)

    def settle(self, quiet_ms: int = 1500, timeout_ms: int = BOT_TIMEOUT_MS) -> None:
        """Wait until no new message has arrived for `quiet_ms` (the bot may answer in several parts)."""
        messages = self.log.locator("li.msg")
        count, still, waited = messages.count(), 0, 0
        while still < quiet_ms and waited < timeout_ms:
            self.page.wait_for_timeout(250)
            waited += 250
            now = messages.count()
            still = still + 250 if now == count else 0
            count = now

    def transcript(self) -> list[str]:
        return self.log.locator("li.msg").evaluate_all(
            "els => els.map(e => e.className.replace(' pending', '') + '|' + e.querySelector('.text').textContent)")

    def end_chat(self) -> None:
        self.root.get_by_role("button", name="Lopeta keskustelu").click()
        self.root.get_by_role("button", name="Lopeta", exact=True).click()


def open_widget(page: Page) -> Widget:
    w = Widget(page)
    w.launcher.click()
    expect(w.panel).to_be_visible()
    return w


def contrast_with_white(css_rgb: str) -> float:
    r, g, b = (int(v) for v in re.findall(r"\d+", css_rgb)[:3])

    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (lum + 0.05)


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """A real action server, Rasa server (trained model) and gateway on free loopback ports."""
    work = tmp_path_factory.mktemp("widget-stack")
    port = free_port()
    internal_token = secrets.token_urlsafe(16)
    actions = start_action_server(work, f"http://127.0.0.1:{port}", internal_token)
    rasa = None
    gateway = None
    try:
        rasa = start_rasa(work, action_url=actions.url)
        gateway = start_gateway(work, rasa.url, rasa.token, rasa.tracker_db, port=port,
                                GATEWAY_INTERNAL_TOKEN=internal_token)
        yield gateway
    finally:
        if gateway is not None:
            gateway.stop()
        if rasa is not None:
            rasa.process.stop()
        actions.stop()


@pytest.fixture(scope="module")
def base_url(stack: Gateway) -> str:
    return stack.url


class DroppingProxy:
    """A TCP proxy in front of the gateway that can cut every connection at once, as when the
    network is lost, and refuse new ones until it is restored."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.server.getsockname()[1])
        self.accepting = True
        self.connections: list[socket.socket] = []
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if not self.accepting:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            with self.lock:
                self.connections += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while chunk := src.recv(65536):
                dst.sendall(chunk)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self) -> None:
        """Drop every open connection and refuse new ones."""
        self.accepting = False
        with self.lock:
            conns, self.connections = self.connections, []
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def restore(self) -> None:
        self.accepting = True

    def close(self) -> None:
        self.closed = True
        self.cut()
        self.server.close()


# --------------------------------------------------------------------------- basic chat


def test_greeting_and_first_message(browser: Browser, base_url: str) -> None:
    page = new_page(browser, base_url)
    page.goto(f"{base_url}/")
    w = open_widget(page)
    greeting = w.wait_bot_message()
    assert greeting.inner_text().strip()
    # the greeting is announced to screen readers in the polite live region
    expect(w.announcer).to_contain_text(greeting.locator(".text").inner_text()[:20])
    w.send("moi")
    expect(w.youth_messages.filter(has_text="moi")).to_have_count(1)
    expect(w.youth_messages.filter(has_text="moi").locator(".state")).to_have_count(0)  # acked, not pending
    assert page.js_errors == []  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- quick exit


def test_quick_exit_button_clears_everything_and_back_does_not_return(browser: Browser, base_url: str) -> None:
    page = new_page(browser, base_url)
    page.goto(f"{base_url}/demo/neutral.html?before")  # a page before the host page in history
    page.goto(f"{base_url}/")
    w = open_widget(page)
    w.wait_bot_message()
    w.send("tämä on salaista")
    expect(w.youth_messages.filter(has_text="tämä on salaista")).to_have_count(1)
    assert page.evaluate("sessionStorage.getItem('kynnys.token')")

    w.root.get_by_role("button", name="Poistu nopeasti").click()
    page.wait_for_url("**/demo/neutral.html")
    assert page.evaluate("sessionStorage.length") == 0
    assert "salaista" not in page.content()

    page.go_back()  # the host page was replaced: back goes to the page before it
    assert page.url.endswith("/demo/neutral.html?before")
    assert page.locator("kynnys-chat").count() == 0


def test_quick_exit_with_escape_twice(browser: Browser, base_url: str) -> None:
    page = new_page(browser, base_url)
    page.goto(f"{base_url}/")
    w = open_widget(page)
    w.wait_bot_message()
    page.keyboard.press("Escape")
    expect(w.alert).to_contain_text("Esc")  # the first Esc tells what a second one does
    assert page.url == f"{base_url}/"
    page.keyboard.press("Escape")
    page.wait_for_url("**/demo/neutral.html")
    assert page.evaluate("sessionStorage.length") == 0


# --------------------------------------------------------------------------- keyboard


def _focused(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => {
          const host = document.querySelector('kynnys-chat');
          const el = host && host.shadowRoot.activeElement;
          if (!el) return {tag: document.activeElement.tagName, text: '', outline: ''};
          const cs = getComputedStyle(el);
          return {tag: el.tagName, text: (el.getAttribute('aria-label') || el.textContent || '').trim(),
                  cls: el.className, outline: cs.outlineStyle + ' ' + cs.outlineWidth};
        }"""
    )


def test_keyboard_only(browser: Browser, base_url: str) -> None:
    page = new_page(browser, base_url)
    page.goto(f"{base_url}/")
    # Tab from the top of the page until the launcher has focus
    for _ in range(20):
        page.keyboard.press("Tab")
        if _focused(page).get("cls") == "launcher":
            break
    focus = _focused(page)
    assert focus.get("cls") == "launcher", focus
    assert focus["outline"].startswith("solid"), f"no visible focus ring: {focus}"
    page.keyboard.press("Enter")
    w = Widget(page)
    expect(w.panel).to_be_visible()
    assert _focused(page)["tag"] == "TEXTAREA"  # focus goes to the message field

    w.wait_bot_message()
    page.keyboard.type("moi")
    page.keyboard.press("Enter")
    expect(w.youth_messages.filter(has_text="moi")).to_have_count(1)

    # Shift+Enter makes a new line and does not send
    page.keyboard.type("rivi 1")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("rivi 2")
    assert w.input.input_value() == "rivi 1\nrivi 2"
    page.keyboard.press("Enter")
    expect(w.youth_messages.filter(has_text="rivi 2")).to_have_count(1)

    # every control in the panel is reachable with Tab / Shift+Tab and shows a focus ring
    forward: list[str] = []
    for _ in range(3):
        page.keyboard.press("Tab")
        f = _focused(page)
        if f["tag"] == "BODY":
            break
        assert f["outline"].startswith("solid"), f"no visible focus ring on {f}"
        forward.append(f["text"])
    assert forward[:2] == ["Lähetä", "Lopeta keskustelu"], forward
    w.input.focus()
    backward: list[str] = []
    for _ in range(30):
        page.keyboard.press("Shift+Tab")
        f = _focused(page)
        assert f["outline"].startswith("solid"), f"no visible focus ring on {f}"
        backward.append(f["cls"] or f["text"])
        if f["text"] == "Poistu nopeasti (Esc kahdesti)":
            break
    assert backward[-2:] == ["min", "exit"], backward
    assert "log" in backward, backward  # the scrollable conversation can be scrolled with the keyboard
    page.keyboard.press("Tab")
    # minimise with the keyboard: focus returns to the launcher
    page.keyboard.press("Enter")
    expect(w.panel).to_be_hidden()
    assert _focused(page).get("cls") == "launcher"
    page.keyboard.press("Enter")
    expect(w.panel).to_be_visible()
    expect(w.youth_messages.filter(has_text="moi")).to_have_count(1)  # still there, not repeated


# --------------------------------------------------------------------------- accessibility


AXE_RUN = """async () => {
  const r = await axe.run({include: [['kynnys-chat']]},
    {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
  return r.violations.map(v => ({id: v.id, impact: v.impact,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
}"""


def _serious(violations: list[dict[str, object]]) -> list[dict[str, object]]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", [320, 1280])
def test_axe_no_serious_violations(browser: Browser, base_url: str, width: int) -> None:
    page = new_page(browser, base_url, width=width, height=700 if width == 320 else 800)
    page.goto(f"{base_url}/")
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    closed = page.evaluate(AXE_RUN)
    assert _serious(closed) == [], json.dumps(closed, ensure_ascii=False, indent=1)

    w = open_widget(page)
    w.wait_bot_message()
    w.send("moi")
    expect(w.youth_messages.filter(has_text="moi")).to_have_count(1)
    w.wait_bot_messages(2)
    opened = page.evaluate(AXE_RUN)
    assert _serious(opened) == [], json.dumps(opened, ensure_ascii=False, indent=1)

    # the ended view with its feedback question
    w.end_chat()
    expect(w.panel.get_by_text("Oliko keskustelusta apua?")).to_be_visible()
    ended = page.evaluate(AXE_RUN)
    assert _serious(ended) == [], json.dumps(ended, ensure_ascii=False, indent=1)

    # the check can fail: axe does look inside the widget's shadow root
    page.evaluate("document.querySelector('kynnys-chat').shadowRoot.querySelector('.ended')"
                  ".append(document.createElement('button'))")
    broken = page.evaluate(AXE_RUN)
    assert any(v["id"] == "button-name" for v in _serious(broken)), broken


def test_contrast_of_host_accent_is_clamped(browser: Browser, base_url: str) -> None:
    page = new_page(browser, base_url)
    page.goto(f"{base_url}/")
    page.evaluate("document.querySelector('kynnys-chat').setAttribute('accent', '#ffee00')")
    w = open_widget(page)
    color = page.evaluate("getComputedStyle(document.querySelector('kynnys-chat')"
                          ".shadowRoot.querySelector('.send')).backgroundColor")
    assert contrast_with_white(color) >= 4.5, color
    page.evaluate("document.querySelector('kynnys-chat').setAttribute('accent', 'url(javascript:x)')")
    color = page.evaluate("getComputedStyle(document.querySelector('kynnys-chat')"
                          ".shadowRoot.querySelector('.send')).backgroundColor")
    assert color == "rgb(0, 100, 90)"  # unparsable colours fall back to the default
    assert w.panel.is_visible()


def test_languages_and_host_language(browser: Browser, base_url: str) -> None:
    page = new_page(browser, base_url)
    page.goto(f"{base_url}/")
    page.evaluate("document.querySelector('kynnys-chat').setAttribute('lang', 'sv')")
    w = Widget(page)
    expect(w.launcher).to_have_text("Chatta")
    w.launcher.click()
    expect(w.root.get_by_role("button", name="Lämna snabbt (Esc två gånger)")).to_be_visible()
    expect(w.root.get_by_label("Skriv ett meddelande")).to_be_visible()
    assert w.panel.get_attribute("lang") == "sv"
    greeting = w.wait_bot_message()  # the bot greets in the widget's language
    assert greeting.inner_text().strip()

    # without a lang attribute the host page's <html lang> decides
    page2 = new_page(browser, base_url)
    page2.goto(f"{base_url}/")
    page2.evaluate("""() => { const el = document.querySelector('kynnys-chat');
        el.removeAttribute('lang'); document.documentElement.lang = 'en'; el.setAttribute('accent', '#00645a'); }""")
    expect(Widget(page2).launcher).to_have_text("Chat")


# --------------------------------------------------------------------------- privacy


def test_privacy_resume_in_tab_and_forget_on_close(browser: Browser, base_url: str) -> None:
    page = new_page(browser, base_url)
    origin = "{0.scheme}://{0.netloc}".format(urlparse(base_url))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{base_url}/")
    w = open_widget(page)
    w.wait_bot_message()
    w.send("muista minut tässä välilehdessä")
    expect(w.youth_messages.filter(has_text="muista minut")).to_have_count(1)
    w.wait_bot_messages(2)
    w.settle()
    before = w.transcript()

    assert page.context.cookies() == []
    assert page.evaluate("localStorage.length") == 0
    keys = page.evaluate("Object.keys(sessionStorage)")
    assert "kynnys.token" in keys and all(k.startswith("kynnys.") for k in keys), keys
    assert all(u.startswith(origin) or u.startswith("ws://" + urlparse(base_url).netloc)
               for u in requests), requests

    page.reload()  # same tab: the conversation comes back from the gateway, nothing doubled
    w = Widget(page)
    expect(w.panel).to_be_visible()
    expect(w.youth_messages.filter(has_text="muista minut")).to_have_count(1)
    assert w.transcript() == before

    fresh = page.context.new_page()  # a new tab shares nothing: sessionStorage is per tab
    fresh.goto(f"{base_url}/")
    assert fresh.evaluate("sessionStorage.length") == 0
    expect(Widget(fresh).panel).to_be_hidden()


def test_text_is_rendered_as_text(browser: Browser, base_url: str) -> None:
    page = new_page(browser, base_url)
    page.goto(f"{base_url}/")
    w = open_widget(page)
    w.wait_bot_message()
    evil = '<img src=x onerror="window.pwned=1"><a href="javascript:alert(1)">x</a> katso https://example.org/ok.'
    w.send(evil)
    bubble = w.youth_messages.filter(has_text="<img src=x")
    expect(bubble).to_have_count(1)
    assert bubble.locator("img").count() == 0
    hrefs = bubble.locator("a").evaluate_all("els => els.map(a => a.href)")
    assert hrefs == ["https://example.org/ok"], hrefs
    assert page.evaluate("window.pwned") is None


# --------------------------------------------------------------------------- screenshots


def test_320px_layout_and_screenshots(browser: Browser, base_url: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = new_page(browser, base_url, width=320, height=640)
    page.goto(f"{base_url}/")
    w = open_widget(page)
    w.wait_bot_message()
    w.settle()
    expect(w.log.locator(".replies button").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "widget-320.png"))  # the greeting with its quick replies
    box = w.panel.bounding_box()
    assert box is not None and box["width"] <= 320 and box["x"] >= 0
    w.send("Moi, mulla on vähän huono olo. Katso https://example.org/pitka/osoite/joka/ei/mahdu/ruudulle/kokonaan")
    answers = w.log.locator("li.msg.bot, li.msg.system").count()
    w.wait_bot_messages(answers + 1)
    w.settle()
    overflow = page.evaluate("""() => { const r = document.querySelector('kynnys-chat').shadowRoot;
        return [...r.querySelectorAll('.panel *')].filter(e => e.getBoundingClientRect().right > 321)
          .map(e => e.className || e.tagName); }""")
    assert overflow == [], overflow
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    for name in ("Lähetä", "Poistu nopeasti (Esc kahdesti)", "Pienennä chat"):
        control = w.root.get_by_role("button", name=name)
        expect(control).to_be_visible()
        b = control.bounding_box()
        assert b is not None and b["height"] >= 44 - 0.5, (name, b)  # comfortable touch targets

    desk = new_page(browser, base_url, width=1280, height=800)
    desk.goto(f"{base_url}/")
    desk.screenshot(path=str(SCREENSHOTS / "widget-desktop-closed.png"))
    dw = open_widget(desk)
    dw.wait_bot_message()
    dw.settle()
    answers = dw.log.locator("li.msg.bot, li.msg.system").count()
    dw.send("Moi")
    dw.wait_bot_messages(answers + 1)
    dw.settle()
    desk.screenshot(path=str(SCREENSHOTS / "widget-desktop.png"))
    assert Path(SCREENSHOTS / "widget-320.png").stat().st_size > 5000



# --------------------------------------------------------------------------- resilience


def test_reconnects_after_the_connection_drops_without_losing_or_repeating(browser: Browser, stack: Gateway) -> None:
    proxy = DroppingProxy(stack.port)
    try:
        page = new_page(browser, stack.url)
        page.goto(f"{stack.url}/")
        page.evaluate(f"document.querySelector('kynnys-chat').setAttribute('gateway', 'ws://127.0.0.1:{proxy.port}')")
        w = open_widget(page)
        w.wait_bot_message()
        w.send("moi")
        expect(w.youth_messages.filter(has_text="moi")).to_have_count(1)
        w.wait_bot_messages(2)
        page.wait_for_timeout(500)

        proxy.cut()  # the connection drops and the gateway cannot be reached for a while
        conn = w.root.locator(".conn")
        expect(conn).to_be_visible()
        expect(conn).to_contain_text("Ei yhteyttä")
        expect(w.alert).to_contain_text("Ei yhteyttä")
        expect(w.root.locator("#kynnys-sub")).to_have_text("Yhdistetään…")
        offline_text = "kirjoitin tämän kun yhteys oli poikki"
        w.send(offline_text)
        sent_offline = w.youth_messages.filter(has_text=offline_text)
        expect(sent_offline.locator(".state")).to_have_text("Odottaa lähetystä")
        answers = w.log.locator("li.msg.bot, li.msg.system")
        answers_before = answers.count()
        page.wait_for_timeout(2500)  # reconnect attempts fail meanwhile
        expect(sent_offline.locator(".state")).to_have_text("Odottaa lähetystä")

        proxy.restore()
        expect(conn).to_be_hidden(timeout=30_000)
        expect(sent_offline.locator(".state")).to_have_count(0)  # delivered and acknowledged
        expect(answers.nth(answers_before)).to_be_visible(timeout=BOT_TIMEOUT_MS)  # the bot answered it
        w.settle()
        expect(w.youth_messages.filter(has_text=offline_text)).to_have_count(1)
        expect(w.youth_messages.filter(has_text="moi")).to_have_count(1)
        seqs = w.log.locator("li.msg[data-seq]").evaluate_all("els => els.map(e => +e.dataset.seq)")
        assert seqs == sorted(set(seqs)), f"messages repeated or out of order: {seqs}"
        live = w.transcript()

        # the gateway has exactly what the page showed: rebuild the conversation from it
        page.reload()
        w = Widget(page)
        expect(w.log.locator("li.msg")).to_have_count(len(live))
        assert w.transcript() == live
    finally:
        proxy.close()


def test_resumes_after_the_gateway_restarts(browser: Browser, stack: Gateway) -> None:
    """The server itself goes away (process restart, e.g. a deploy) and comes back on the same port."""
    page = new_page(browser, stack.url)
    page.goto(f"{stack.url}/")
    w = open_widget(page)
    w.wait_bot_message()
    w.send("ennen katkoa")
    expect(w.youth_messages.filter(has_text="ennen katkoa").locator(".state")).to_have_count(0)
    w.wait_bot_messages(2)
    w.settle()
    token = page.evaluate("sessionStorage.getItem('kynnys.token')")
    before = w.transcript()

    stack.stop()
    expect(w.root.locator(".conn")).to_be_visible()
    w.send("katkon aikana")
    stack.restart()
    expect(w.root.locator(".conn")).to_be_hidden(timeout=30_000)
    expect(w.youth_messages.filter(has_text="katkon aikana").locator(".state")).to_have_count(0)
    assert page.evaluate("sessionStorage.getItem('kynnys.token')") == token  # the same conversation
    after = w.transcript()
    assert after[: len(before)] == before
    assert sum("katkon aikana" in line for line in after) == 1


# --------------------------------------------------------------------------- with a volunteer


def _console_login(page: Page, base_url: str, username: str, password: str, alias: str) -> None:
    page.goto(f"{base_url}/console/")
    expect(page.locator("#login-view")).to_be_visible()
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.click("#login-submit")
    expect(page.locator("#app-view")).to_be_visible()
    page.fill("#alias-input", alias)
    page.click("#shift-button")
    expect(page.locator("#shift-state")).to_have_text("Vuorossa")


def _ask_for_a_person(w: Widget) -> None:
    button = w.log.locator("button[data-payload='/request_human']").last
    expect(button).to_be_visible(timeout=BOT_TIMEOUT_MS)
    button.click()
    expect(w.root.locator(".queue")).to_be_visible(timeout=BOT_TIMEOUT_MS)


def test_full_chat_from_greeting_to_a_volunteer_and_back(browser: Browser, stack: Gateway) -> None:
    username, password = stack.make_user("volunteer", alias="Aino")
    console = new_page(browser, stack.url, width=1400, height=950)
    _console_login(console, stack.url, username, password, "Aino")

    page = new_page(browser, stack.url, width=420, height=760)
    page.goto(f"{stack.url}/")
    w = open_widget(page)
    greeting = w.wait_bot_message()
    assert greeting.locator(".text").inner_text().strip()

    # quick reply -> queue with position and wait; leaving the queue returns to the bot
    _ask_for_a_person(w)
    w.settle()  # read the bot's answer first
    queue = w.root.locator(".queue")
    expect(queue).to_contain_text("Olet jonossa sijalla 1.")
    expect(w.root.locator("#kynnys-sub")).to_have_text("Odotat päivystäjää")
    queue.get_by_role("button", name="Lopeta jonottaminen").click()
    expect(queue).to_be_hidden()
    expect(w.root.locator("#kynnys-sub")).to_have_text("Botti vastaa")
    w.send("voinko puhua ihmisen kanssa")
    expect(queue).to_be_visible(timeout=BOT_TIMEOUT_MS)

    # the volunteer takes the chat in the console (second browser context)
    accept = console.locator("#offer-area .offer-accept")
    take = console.locator("#take-next:not([hidden])")
    expect(accept.or_(take).first).to_be_visible(timeout=TIMEOUT_MS)
    (accept if accept.is_visible() else take).click()
    chat = console.locator("#chat-grid .chat").first
    expect(chat.locator(".compose-text")).to_be_visible()

    expect(w.system_messages.filter(has_text="Aino")).to_have_count(1)  # "a volunteer joined"
    expect(w.root.locator("#kynnys-sub")).to_have_text("Aino on paikalla")
    expect(queue).to_be_hidden()
    expect(w.announcer).to_contain_text("Aino")

    # typing, then a message with markup and links: text only, one safe link
    chat.locator(".compose-text").press_sequentially("Moi", delay=30)
    expect(w.root.locator(".typing")).to_contain_text("Aino kirjoittaa")
    chat.locator(".compose-text").fill("Moi, täällä Aino. <b>Kerro</b> lisää: https://mieli.fi/ tai javascript:alert(1)")
    chat.locator(".send-button").click()
    said = w.volunteer_messages.filter(has_text="täällä Aino")
    expect(said).to_have_count(1)
    expect(said).to_contain_text("<b>Kerro</b>")
    assert said.locator("b").count() == 0
    assert said.locator("a").evaluate_all("els => els.map(a => a.href)") == ["https://mieli.fi/"]
    expect(said.locator(".who")).to_have_text("Aino, päivystäjä: ")
    expect(w.announcer).to_contain_text("Aino, päivystäjä: Moi, täällä Aino.")
    expect(w.root.locator(".typing")).to_be_empty()

    # and back: the young person's answer reaches the console
    w.send("Kiitos. Mulla on ollut rankkaa koulussa.")
    expect(chat.locator(".messages")).to_contain_text("rankkaa koulussa")
    expect(w.youth_messages.filter(has_text="rankkaa koulussa").locator(".state")).to_have_count(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-volunteer.png"))

    # the volunteer ends the chat with a wrap-up; the young person gets the feedback question
    chat.locator(".end-button").click()
    dialog = console.locator("#wrapup-dialog")
    expect(dialog).to_be_visible()
    topic = dialog.locator('input[name="topic"]').first
    if not topic.is_checked():
        topic.check()
    dialog.locator("#wrapup-submit").click()
    expect(dialog).to_be_hidden()

    expect(w.panel.get_by_text("Oliko keskustelusta apua?")).to_be_visible(timeout=TIMEOUT_MS)
    expect(w.root.locator("#kynnys-sub")).to_have_text("Keskustelu päättyi")
    expect(w.input).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('kynnys.token')") is None
    page.screenshot(path=str(SCREENSHOTS / "widget-ended.png"))
    w.root.get_by_label("Paljon", exact=True).check()
    w.root.get_by_role("button", name="Lähetä palaute").click()
    expect(w.panel.get_by_text("Kiitos palautteesta!")).to_be_visible()
    new_chat = w.root.get_by_role("button", name="Aloita uusi keskustelu")
    expect(new_chat).to_be_focused()
    new_chat.click()
    w.wait_bot_message()  # a fresh conversation starts with a new greeting
    expect(w.youth_messages).to_have_count(0)
    assert page.js_errors == [] and console.js_errors == []  # type: ignore[attr-defined]
