"""Youth ↔ bot ↔ volunteer message flow.

Every youth message, in every state, goes through the crisis guard first (handoff/crisis.py), is
stored with the next sequence number, and is then routed: to Rasa while the bot talks (also while the
young person waits in the queue), to the volunteer's console once a volunteer has the chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from handoff import crisis, hours, texts
from handoff.context import Context
from handoff.frames import console_message, message_frame
from handoff.rasa_client import (
    BotText,
    CrisisCheck,
    CrisisDetected,
    HandoffRequest,
    RasaUnavailable,
)
from handoff.state_order import stamp, stamped
from handoff.store.conversations import Appended
from handoff.store.db import aware, utcnow
from handoff.store.models import PRIORITY_CRISIS, PRIORITY_NORMAL, Conversation, Message, Volunteer

if TYPE_CHECKING:
    from handoff.privacy import Privacy
    from handoff.routing import Router

log = logging.getLogger(__name__)

REQUEST_HUMAN = "/request_human"
CRISIS_PAYLOAD = "/crisis"
TROUBLE_REPEAT_SECONDS = 120


@dataclass
class GuardVerdict:
    """A guard hit in bot talk, waiting briefly for the bot: alarm or check-in (Relay._settle)."""

    category: str
    settled: asyncio.Event = field(default_factory=asyncio.Event)


class Relay:
    def __init__(self, ctx: Context, privacy: Privacy) -> None:
        self.ctx = ctx
        self.repo = ctx.conversations
        self.privacy = privacy
        self.router: Router  # set by create_app (the two need each other)
        self._bot_tasks: set[asyncio.Task[None]] = set()
        self._trouble_at: dict[str, float] = {}
        self._split_guard = crisis.SplitMessageGuard()

    # --- delivery -------------------------------------------------------------------------------

    async def to_youth(self, conversation_id: str, frame: dict[str, Any]) -> None:
        await self.ctx.bus.publish("youth", {"conversation_id": conversation_id, "frame": frame})

    async def to_console(self, to: dict[str, Any], frame: dict[str, Any]) -> None:
        await self.ctx.bus.publish("console", {"to": to, "frame": frame})

    async def post(
        self, conversation_id: str, sender: str, text: str, *, alias: str | None = None,
        volunteer_id: str | None = None, links: list[dict[str, str]] | None = None,
        buttons: list[dict[str, str]] | None = None, client_id: str | None = None, risk: bool = False,
        require_states: tuple[str, ...] | None = None, require_volunteer: str | None = None,
    ) -> Appended:
        """Store a message and deliver it to the young person and to the consoles that see the chat.
        Raises NotAllowed (nothing stored) when the require_* conditions do not hold."""
        async with self.ctx.locks.seq[conversation_id]:
            appended = await self.repo.append_message(
                conversation_id, sender, text, alias=alias, volunteer_id=volunteer_id, links=links,
                buttons=buttons, client_id=client_id, risk=risk, require_states=require_states,
                require_volunteer=require_volunteer,
            )
            if appended.created:
                await self.to_youth(conversation_id, message_frame(appended.message, for_youth=True))
                await self.to_console(
                    {"conversation_id": conversation_id},
                    {"type": "message", "conversation_id": conversation_id,
                     "message": console_message(appended.message)},
                )
        return appended

    async def system(self, conv: Conversation, text: str, links: list[dict[str, str]] | None = None,
                     buttons: list[dict[str, str]] | None = None) -> Message:
        return (await self.post(conv.id, "system", text, links=links, buttons=buttons)).message

    async def typing(self, conversation_id: str, who: str, on: bool) -> None:
        frame = {"type": "typing", "from": who, "on": on}
        if who != "youth":
            await self.to_youth(conversation_id, frame)
        await self.to_console({"conversation_id": conversation_id},
                              {"type": "typing", "conversation_id": conversation_id, "from": who, "on": on})

    # --- youth ----------------------------------------------------------------------------------

    async def youth_message(self, conversation_id: str, client_id: str, text: str,
                            payload: str | None) -> tuple[Message, bool]:
        """Store, guard and route one youth message. Returns (message, newly stored).
        Raises NotAllowed when the conversation has ended."""
        # before anything else, independent of Rasa; also over the last messages joined
        hit, joined = self._split_guard.check(conversation_id, text)
        appended = await self.post(conversation_id, "youth", text, client_id=client_id, risk=hit is not None,
                                   require_states=("bot", "queued", "volunteer"))
        conv_id = conversation_id
        if not appended.created:  # a resend: answered with the original, nothing else happens
            return appended.message, False
        help_sent = False
        category = str(getattr(hit, "category", "crisis"))
        verdict = None
        if hit is not None and await self._bot_may_judge(conv_id, appended.state, joined):
            verdict = GuardVerdict(category)
            self._spawn(self._alarm_unless_judged(conv_id, verdict))
        elif hit is not None:
            help_sent = await self.handle_crisis(conv_id, category)
        if appended.state in ("bot", "queued"):  # a crisis only ever moves bot -> queued
            metadata: dict[str, Any] = {}
            if hit is not None:
                metadata["crisis_guard"] = {"fired": True, "category": category,
                                            "help_sent": help_sent, "joined": joined}
            # a crisis completed over several messages: the bot cannot see it in this one alone
            self.spawn_bot(conv_id, CRISIS_PAYLOAD if joined else payload or text, metadata, verdict)
        return appended.message, True

    async def _bot_may_judge(self, conversation_id: str, state: str | None, joined: bool) -> bool:
        """Whether a guard hit may wait briefly for the bot's verdict instead of alarming at once.

        Only the first crisis of a chat in bot talk, seen in one message: the bot's pipeline runs
        the same guard plus the crisis classifier, and when the classifier is all but sure the
        message is safe (hyperbole, a friend's crisis that is over, a lesson) the bot asks a
        check-in question with 112 and the 24/7 line instead of an alarm. If the bot does not
        answer within crisis_model_wait_seconds, fails, or answers with neither, the gateway
        alarms (handle_crisis) exactly as without it."""
        if self.ctx.settings.crisis_model_wait_seconds <= 0 or joined or state != "bot":
            return False
        conv = await self.repo.get(conversation_id)
        return conv is not None and not conv.crisis

    async def _alarm_unless_judged(self, conversation_id: str, verdict: GuardVerdict) -> None:
        """The guard waits for the bot's verdict at most crisis_model_wait_seconds, counted from
        the message (also while the bot still answers an earlier one); then it alarms."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(verdict.settled.wait(), self.ctx.settings.crisis_model_wait_seconds)
        await self._settle(conversation_id, verdict, alarm=True)

    async def _settle(self, conversation_id: str, verdict: GuardVerdict, alarm: bool,
                      help_shown: bool = False) -> None:
        """Decide a waiting guard hit once: the alarm (the gateway's help, queue jump and alert,
        or only the last two when the bot showed the numbers itself) or the bot's check-in."""
        if verdict.settled.is_set():
            return
        verdict.settled.set()  # before any await: the watchdog and the bot never both alarm
        if alarm and help_shown:
            await self.model_crisis(conversation_id, verdict.category, help_shown=True)
        elif alarm:
            await self.handle_crisis(conversation_id, verdict.category)

    async def handle_crisis(self, conversation_id: str, category: str) -> bool:
        """Crisis help (throttled), queue jump, one alert per conversation. True if help is showing."""
        conv = await self.repo.get(conversation_id)
        if conv is None or conv.state == "ended":
            return False
        categories = list(conv.crisis_categories or [])
        if category not in categories:
            categories.append(category)
        now = utcnow()
        on_shift = self.router.on_shift_count() > 0
        last_help = aware(conv.crisis_help_at)
        interval = timedelta(minutes=self.ctx.settings.crisis_help_interval_minutes)
        help_due = last_help is None or now - last_help >= interval
        await self.repo.update(conv.id, crisis=True, crisis_categories=categories,
                               crisis_help_at=now if help_due else conv.crisis_help_at)
        if help_due:
            help_ = await crisis.help_message(conv.language, on_shift)
            await self.system(conv, help_.text, links=help_.links)
        if on_shift:
            if conv.state == "bot":
                await self.repo.enqueue(conv.id, PRIORITY_CRISIS)
                await self.send_state(conv.id)
            elif conv.state == "queued":
                await self.repo.set_priority(conv.id, PRIORITY_CRISIS)
            self.router.queue_changed()
            if not conv.crisis_alerted:
                await self.repo.update(conv.id, crisis_alerted=True)
                await self.router.alert_crisis(conv.id, category)
        await self.conversation_changed(conv.id)
        return True

    # --- bot ------------------------------------------------------------------------------------

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._bot_tasks.add(task)
        task.add_done_callback(self._bot_tasks.discard)

    def spawn_bot(self, conversation_id: str, message: str, metadata: dict[str, Any] | None = None,
                  verdict: GuardVerdict | None = None) -> None:
        self._spawn(self.to_bot(conversation_id, message, metadata or {}, verdict))

    async def to_bot(self, conversation_id: str, message: str, metadata: dict[str, Any],
                     verdict: GuardVerdict | None = None) -> None:
        """Send one message to Rasa and deliver its answer. With a verdict, the guard fired and
        waits for the bot (see _bot_may_judge): an alarm unless the bot asked a check-in."""
        try:
            await self._to_bot(conversation_id, message, metadata, verdict)
        finally:
            if verdict is not None:  # failed, cancelled or answered without a verdict: alarm
                await self._settle(conversation_id, verdict, alarm=True)

    async def _to_bot(self, conversation_id: str, message: str, metadata: dict[str, Any],
                      verdict: GuardVerdict | None) -> None:
        async with self.ctx.locks.bot[conversation_id]:
            conv = await self.repo.get(conversation_id)
            if conv is None or conv.state == "ended" or conv.rasa_id is None:
                return
            await self.typing(conversation_id, "bot", True)
            try:
                outputs = await self.ctx.rasa.send(conv.rasa_id, message, metadata)
            except Exception as exc:
                if isinstance(exc, RasaUnavailable):
                    log.warning("rasa unavailable: %s", exc)
                else:
                    log.exception("bot relay failed")
                await self.typing(conversation_id, "bot", False)
                if verdict is not None:  # the guard's alarm before the trouble notice
                    await self._settle(conversation_id, verdict, alarm=True)
                await self.bot_trouble(conversation_id, message)
                return
            await self.typing(conversation_id, "bot", False)
            if verdict is not None:
                confirmed = any(isinstance(output, CrisisDetected) for output in outputs)
                checked = any(isinstance(output, CrisisCheck) for output in outputs)
                # the bot's crisis help comes with its answer: the alarm first, then the texts
                await self._settle(conversation_id, verdict, alarm=confirmed or not checked,
                                   help_shown=confirmed)
            for output in outputs:
                conv = await self.repo.get(conversation_id)
                if conv is None or conv.state in ("ended", "volunteer"):
                    return  # a volunteer took over meanwhile: the bot stays quiet
                if isinstance(output, BotText):
                    await self.post(conversation_id, "bot", output.text, links=output.links, buttons=output.buttons)
                elif isinstance(output, HandoffRequest):
                    await self.request_handoff(conversation_id, output)
                elif isinstance(output, CrisisDetected) and verdict is None:
                    await self.model_crisis(conversation_id, output.category)

    async def bot_trouble(self, conversation_id: str, message: str) -> None:
        """Rasa is down: be honest, give the hours and the crisis contacts; a human if one is on duty."""
        conv = await self.repo.get(conversation_id)
        if conv is None or conv.state == "ended":
            return
        on_shift = self.router.on_shift_count() > 0
        if message.strip().startswith(REQUEST_HUMAN):  # the gateway can hand over without the bot
            await self.request_handoff(conversation_id, HandoffRequest(language=conv.language))
            return
        loop_now = asyncio.get_running_loop().time()
        if loop_now - self._trouble_at.get(conversation_id, -1e9) < TROUBLE_REPEAT_SECONDS and not on_shift:
            return
        self._trouble_at[conversation_id] = loop_now
        help_ = await crisis.help_message(conv.language, on_shift)
        buttons = []
        if on_shift and conv.state == "bot":
            buttons = [{"title": texts.text("talk_to_person", conv.language), "payload": REQUEST_HUMAN}]
        trouble = texts.text("bot_trouble", conv.language, hours=hours.describe(conv.language, on_shift))
        await self.system(conv, trouble, links=help_.links, buttons=buttons)

    async def model_crisis(self, conversation_id: str, category: str, help_shown: bool = False) -> None:
        """The bot recognised a crisis (the guard did not, or left the verdict to the bot) and
        showed the numbers itself: queue at crisis priority and alert."""
        conv = await self.repo.get(conversation_id)
        if conv is None or conv.state == "ended":
            return
        categories = list(conv.crisis_categories or [])
        if category not in categories:
            categories.append(category)
        changes: dict[str, Any] = {"crisis": True, "crisis_categories": categories}
        if help_shown:  # the throttle of handle_crisis counts the bot's help too
            changes["crisis_help_at"] = utcnow()
        await self.repo.update(conversation_id, **changes)
        if self.router.on_shift_count() > 0:
            if conv.state == "bot":
                await self.repo.enqueue(conversation_id, PRIORITY_CRISIS)
                await self.send_state(conversation_id)
            elif conv.state == "queued":
                await self.repo.set_priority(conversation_id, PRIORITY_CRISIS)
            self.router.queue_changed()
            if not conv.crisis_alerted:
                await self.repo.update(conversation_id, crisis_alerted=True)
                await self.router.alert_crisis(conversation_id, category)
        await self.conversation_changed(conversation_id)

    async def request_handoff(self, conversation_id: str, req: HandoffRequest) -> None:
        conv = await self.repo.get(conversation_id)
        if conv is None:
            return
        changes: dict[str, Any] = {}
        if req.topic:
            changes["topic"] = req.topic
        if req.county:
            changes["county"] = req.county
        if req.language in ("fi", "sv", "en"):
            changes["language"] = req.language
        if req.crisis and not conv.crisis:
            changes["crisis"] = True
        if changes:
            conv = await self.repo.update(conversation_id, **changes) or conv
        if conv.state != "bot":
            await self.conversation_changed(conversation_id)
            return  # already queued or with a volunteer
        if self.router.on_shift_count() == 0:
            # no one is queued in vain: the bot keeps serving
            await self.system(conv, texts.text("nobody_on_duty", conv.language,
                                               hours=hours.describe(conv.language, on_shift=False)))
            return
        priority = PRIORITY_CRISIS if conv.crisis else PRIORITY_NORMAL
        await self.repo.enqueue(conversation_id, priority)
        await self.send_state(conversation_id)
        self.router.queue_changed()
        if conv.crisis and not conv.crisis_alerted:
            await self.repo.update(conversation_id, crisis_alerted=True)
            await self.router.alert_crisis(conversation_id, (conv.crisis_categories or ["nlu"])[0])

    # --- state ----------------------------------------------------------------------------------

    async def state_frame(self, conv: Conversation) -> dict[str, Any]:
        queue = None
        alias = None
        if conv.state == "queued":
            position, wait = await self.router.position_of(conv.id)
            queue = {"position": position, "estimated_wait_seconds": wait}
        elif conv.state == "volunteer" and conv.volunteer_id:
            vol = await self.ctx.accounts.get(conv.volunteer_id)
            alias = vol.alias if vol else None
        return {"type": "state", "state": conv.state, "queue": queue, "volunteer_alias": alias}

    async def send_state(self, conversation_id: str) -> None:
        at = stamp()  # before the read: a frame from an older read never overtakes this one
        conv = await self.repo.get(conversation_id)
        if conv is not None:
            await self.to_youth(conversation_id, stamped(await self.state_frame(conv), at))

    async def conversation_changed(self, conversation_id: str) -> None:
        conv = await self.repo.get(conversation_id)
        if conv is None:
            return
        summary = await self.router.summary(conv)
        await self.to_console({"conversation_id": conversation_id}, {"type": "conversation", "summary": summary})

    async def leave_queue(self, conversation_id: str) -> bool:
        conv = await self.repo.get(conversation_id)
        if conv is None or conv.state != "queued":
            return False
        await self.repo.close_queue_entries(conversation_id, "left")
        await self.repo.update(conversation_id, state="bot")
        await self.router.withdraw_offer(conversation_id, "youth_left")
        await self.send_state(conversation_id)
        await self.conversation_changed(conversation_id)
        self.router.queue_changed()
        return True

    async def nobody_on_duty(self, conversation_id: str) -> None:
        conv = await self.repo.get(conversation_id)
        if conv is None or conv.state != "queued":
            return
        await self.repo.close_queue_entries(conversation_id, "left")
        await self.repo.update(conversation_id, state="bot")
        await self.router.withdraw_offer(conversation_id, "youth_left")
        await self.system(conv, texts.text("nobody_on_duty", conv.language,
                                           hours=hours.describe(conv.language, on_shift=False)))
        await self.send_state(conversation_id)
        await self.conversation_changed(conversation_id)

    # --- volunteer ------------------------------------------------------------------------------

    async def volunteer_message(self, conversation_id: str, volunteer: Volunteer, text: str,
                                client_id: str | None, links: list[dict[str, str]]) -> Message:
        """Raises NotAllowed unless the chat is live with this volunteer."""
        appended = await self.post(conversation_id, "volunteer", text, alias=volunteer.alias,
                                   volunteer_id=volunteer.id, links=links, client_id=client_id,
                                   require_states=("volunteer",), require_volunteer=volunteer.id)
        return appended.message

    async def volunteer_joined(self, conversation_id: str, volunteer: Volunteer) -> None:
        conv = await self.repo.get(conversation_id)
        if conv is None:
            return
        alias = volunteer.alias or "?"
        await self.system(conv, texts.text("volunteer_joined", conv.language, alias=alias))
        await self.send_state(conversation_id)
        await self.typing(conversation_id, "bot", False)

    async def volunteer_left(self, conversation_id: str, volunteer: Volunteer | None, notice: str) -> None:
        conv = await self.repo.get(conversation_id)
        if conv is None:
            return
        alias = (volunteer.alias if volunteer else None) or "?"
        await self.system(conv, texts.text("volunteer_left", conv.language, alias=alias) + " "
                          + texts.text(notice, conv.language))

    # --- ending ---------------------------------------------------------------------------------

    async def end(self, conversation_id: str, reason: str, delete_now: bool) -> bool:
        """End a conversation. Content is deleted now or after MESSAGE_RETENTION_HOURS."""
        conv = await self.repo.get(conversation_id)
        if conv is None or conv.state == "ended":
            return False
        was_queued = conv.state == "queued"
        if reason == "volunteer":
            await self.system(conv, texts.text("ended_by_volunteer", conv.language))
        await self.repo.close_queue_entries(conversation_id, "ended")
        await self.repo.update(conversation_id, state="ended", ended_at=utcnow(), end_reason=reason)
        self._split_guard.forget(conversation_id)
        await self.router.withdraw_offer(conversation_id, "youth_left")
        delete = delete_now or self.ctx.settings.message_retention_hours <= 0
        await self.to_youth(conversation_id, stamped({"type": "state", "state": "ended", "queue": None,
                                                      "volunteer_alias": None}, stamp()))
        if delete:
            await self.privacy.delete_conversation(conversation_id)
        await self.to_youth(conversation_id, {"type": "ended", "deleted": delete})
        await self.conversation_changed(conversation_id)
        if conv.volunteer_id and reason != "volunteer":
            await self.to_console({"volunteer_id": conv.volunteer_id},
                                  {"type": "chat_removed", "conversation_id": conversation_id,
                                   "reason": "youth_ended"})
        if was_queued or conv.volunteer_id:
            self.router.queue_changed()
        self._trouble_at.pop(conversation_id, None)
        return True

    async def drain(self) -> None:
        """Wait for bot replies in flight (used at shutdown and by tests)."""
        while self._bot_tasks:
            await asyncio.gather(*list(self._bot_tasks), return_exceptions=True)
