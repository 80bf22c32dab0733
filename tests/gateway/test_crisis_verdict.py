"""A guard hit in bot talk waits briefly for the bot's verdict (handoff/relay.py, _bot_may_judge).

The bot's pipeline runs the same guard plus the crisis classifier. When the classifier is all but
sure a guard hit is safe ("kms I forgot my homework"), the bot asks a check-in question with 112
and the 24/7 line and the gateway raises no alarm; in every other case the alarm stands. These
tests put a scripted Rasa REST endpoint in front of the real gateway, to produce the answers and
the faults that a real Rasa gives only by chance: a check-in, a confirmation, an unrelated answer,
a slow answer. The real bot's verdicts are tested end to end in tests/gateway/test_full_path.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from handoff.store.ids import sha256_hex
from tests.gateway.conftest import GatewayFactory, InProcessGateway
from tests.support.clients import YouthWS

GUARD_HIT = "kms mä unohin taas läksyt"  # the guard fires on "kms"
CHECK_IN = "Kysyn varmuuden vuoksi: oletko nyt vaarassa? Hätänumero on 112."
BOT_HELP = "Hyvä kun kerroit. Soita 112, jos olet vaarassa nyt."


class ScriptedRasa:
    """Rasa's REST webhook, answering crisis messages the way the test sets."""

    def __init__(self) -> None:
        self.mode = "check"
        self.delay = 0.0
        self.seen: list[dict[str, Any]] = []

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.seen.append(body)
        if "kms" not in str(body.get("message")):
            return web.json_response([{"text": "Moi! Mitä kuuluu?"}])
        await asyncio.sleep(self.delay)
        if self.mode == "check":
            return web.json_response([{"custom": {"kynnys": {"type": "crisis_check"}}},
                                      {"text": CHECK_IN}])
        if self.mode == "confirm":
            return web.json_response([{"custom": {"kynnys": {"type": "crisis_detected",
                                                             "category": "nlu"}}},
                                      {"text": BOT_HELP}])
        return web.json_response([{"text": "Kerro lisää läksyistä."}])


@pytest.fixture()
async def rasa() -> AsyncIterator[tuple[ScriptedRasa, str]]:
    scripted = ScriptedRasa()
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", scripted.webhook)
    app.router.add_get("/", lambda _: web.Response(text="Hello from Rasa"))
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield scripted, str(server.make_url("")).rstrip("/")
    await server.close()


async def youth_and_conv(gw: InProcessGateway) -> tuple[YouthWS, str]:
    youth = await YouthWS(gw.url).start("fi")
    await youth.wait_message("bot", timeout=10)
    conv = await gw.ctx.conversations.by_token_hash(sha256_hex(youth.token or ""))
    assert conv is not None
    return youth, conv.id


async def test_a_guard_hit_the_bot_checks_in_on_raises_no_alarm(
    make_gateway: GatewayFactory, rasa: tuple[ScriptedRasa, str]
) -> None:
    scripted, url = rasa
    gw = await make_gateway(rasa_url=url)
    vol = await gw.console()
    youth, conv_id = await youth_and_conv(gw)
    ack = await youth.say(GUARD_HIT)
    echo = await youth.wait_message("youth", lambda m: m["seq"] == ack["seq"])
    assert echo["risk"] is True  # the volunteer still sees the marker later
    await youth.wait_message("bot", lambda m: "112" in m["text"] and "?" in m["text"], timeout=2)
    await asyncio.sleep(1.0)  # longer than the guard's wait: it must not alarm afterwards
    assert scripted.seen[-1]["metadata"]["crisis_guard"]["help_sent"] is False
    assert not [m for m in youth.messages("system") if "112" in m["text"]]
    conv = await gw.ctx.conversations.get(conv_id)
    assert conv is not None and not conv.crisis and conv.state == "bot"
    assert not [f for f in vol.log.frames if f["type"] == "crisis_alert"]
    await vol.close()
    await youth.close()


async def test_a_guard_hit_the_bot_confirms_is_an_alarm_with_the_bots_help(
    make_gateway: GatewayFactory, rasa: tuple[ScriptedRasa, str]
) -> None:
    scripted, url = rasa
    scripted.mode = "confirm"
    gw = await make_gateway(rasa_url=url)
    vol = await gw.console()
    youth, conv_id = await youth_and_conv(gw)
    started = time.monotonic()
    await youth.say(GUARD_HIT)
    await youth.wait_message("bot", lambda m: m["text"] == BOT_HELP, timeout=1.0)
    assert time.monotonic() - started < 1.0
    await youth.wait_state("queued", timeout=3)
    alert = await vol.log.wait_for(lambda f: f["type"] == "crisis_alert")
    assert alert["category"] == "suicidal"  # the guard's category, not the bot's "nlu"
    await asyncio.sleep(0.8)
    # the bot showed the numbers: the gateway does not repeat them
    assert not [m for m in youth.messages("system") if "112" in m["text"]]
    conv = await gw.ctx.conversations.get(conv_id)
    assert conv is not None and conv.crisis and conv.crisis_help_at is not None
    await vol.close()
    await youth.close()


@pytest.mark.parametrize("mode", ["slow", "other"])
async def test_a_slow_or_unrelated_bot_answer_leaves_the_guards_alarm_standing(
    make_gateway: GatewayFactory, rasa: tuple[ScriptedRasa, str], mode: str
) -> None:
    scripted, url = rasa
    if mode == "slow":
        scripted.delay = 3.0  # longer than crisis_model_wait_seconds (0.6)
    else:
        scripted.mode = "other"  # e.g. a dialogue policy that does not run the crisis action
    gw = await make_gateway(rasa_url=url)
    youth, conv_id = await youth_and_conv(gw)
    started = time.monotonic()
    await youth.say(GUARD_HIT)
    await youth.wait_message("system", lambda m: "112" in m["text"], timeout=1.0)
    assert time.monotonic() - started < 1.0
    conv = await gw.ctx.conversations.get(conv_id)
    assert conv is not None and conv.crisis
    await youth.close()


async def test_without_a_wait_the_guard_alarms_at_once(
    make_gateway: GatewayFactory, rasa: tuple[ScriptedRasa, str]
) -> None:
    scripted, url = rasa
    gw = await make_gateway(rasa_url=url, crisis_model_wait_seconds=0.0)
    youth, conv_id = await youth_and_conv(gw)
    await youth.say(GUARD_HIT)
    await youth.wait_message("system", lambda m: "112" in m["text"], timeout=1.0)
    await youth.wait_message("bot", lambda m: m["text"] == CHECK_IN, timeout=2)
    # the bot was told that the numbers are already showing
    assert scripted.seen[-1]["metadata"]["crisis_guard"]["help_sent"] is True
    conv = await gw.ctx.conversations.get(conv_id)
    assert conv is not None and conv.crisis
    await youth.close()
