"""The editor API on the real gateway: roles, CSRF, validated edits into the workspace, diffs,
and publish refusals (the bot-side tools run for real in .venv-bot; Rasa is down here)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.gateway.conftest import GatewayFactory, InProcessGateway
from tests.support.clients import Console, logged_in_console

ROOT = Path(__file__).resolve().parents[2]


def copy_project(target: Path) -> Path:
    for name in ("domain.yml", "config.yml"):
        shutil.copy(ROOT / name, target / name)
    shutil.copytree(ROOT / "data", target / "data")
    shutil.copytree(ROOT / "tests" / "stories", target / "tests" / "stories")
    return target


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    copy_project(root)
    monkeypatch.setenv("EDITOR_ROOT", str(root))
    monkeypatch.setenv("EDITOR_PUBLISH_METRICS", "0")
    return root


@pytest.fixture
async def gateway(project: Path, make_gateway: GatewayFactory) -> InProcessGateway:
    return await make_gateway()


@pytest.fixture
async def editor(gateway: InProcessGateway) -> AsyncIterator[Console]:
    username, password = await gateway.make_user("editor", alias=None)
    console = await logged_in_console(gateway.url, username, password, ws=False)
    yield console
    await console.close()


async def test_roles_and_csrf(gateway: InProcessGateway, editor: Console) -> None:
    assert "changed_files" in await editor.call("GET", "/console/api/editor/state")
    supervisor = await gateway.console("supervisor", on_shift=False, ws=False)
    assert (await supervisor.status_of("GET", "/console/api/editor/intents"))[0] == 200
    volunteer = await gateway.console("volunteer", on_shift=False, ws=False)
    status, body = await volunteer.status_of("GET", "/console/api/editor/state")
    assert (status, body["error"]) == (403, "forbidden")
    anonymous = Console(gateway.url)
    status, body = await anonymous.status_of("GET", "/console/api/editor/diff")
    assert status == 401
    editor.csrf = "wrong"
    status, body = await editor.status_of("POST", "/console/api/editor/examples",
                                          {"intent": "thank", "text": "kiitti", "language": "fi"})
    assert (status, body["error"]) == (403, "csrf")
    for c in (supervisor, volunteer, anonymous):
        await c.close()


async def test_add_example_goes_to_the_workspace_with_who_and_diff(
        project: Path, editor: Console) -> None:
    live_before = (project / "data" / "nlu" / "smalltalk.yml").read_text(encoding="utf-8")
    added = await editor.call("POST", "/console/api/editor/examples",
                              {"intent": "thank", "text": "kiitos et jaksoit kuunnella", "language": "fi"})
    assert added["file"].startswith("data/nlu/")
    diff = await editor.call("GET", "/console/api/editor/diff")
    assert [d["file"] for d in diff["diffs"]] == [added["file"]]
    assert "+    - kiitos et jaksoit kuunnella" in diff["diffs"][0]["diff"]
    assert diff["changes"][0]["who"] == editor.me["username"]  # type: ignore[index]
    assert "kiitos et jaksoit kuunnella" in diff["changes"][0]["what"]
    # the live data (and so the running bot) is untouched until publish
    assert (project / "data" / "nlu" / "smalltalk.yml").read_text(encoding="utf-8") == live_before
    intents = {i["name"]: i["counts"] for i in (await editor.call("GET", "/console/api/editor/intents"))["intents"]}
    assert intents["thank"]["fi"] >= 1


async def test_example_under_another_intent_is_refused(editor: Console) -> None:
    status, body = await editor.status_of("POST", "/console/api/editor/examples",
                                          {"intent": "feeling_bad", "text": "Kiitti!", "language": "fi"})
    assert status == 422
    assert body["error"] == "bad_edit"
    assert "'thank'" in body["message"] and "vain yhteen aiheeseen" in body["message"]
    assert (await editor.call("GET", "/console/api/editor/diff"))["diffs"] == []


async def test_municipality_entity_is_annotated(editor: Console) -> None:
    await editor.call("POST", "/console/api/editor/examples", {
        "intent": "inform_location", "text": "mä asun nokialla nykyään", "language": "fi",
        "entities": [{"entity": "municipality", "value": "Nokia", "start": 8, "end": 16}]})
    diff = (await editor.call("GET", "/console/api/editor/diff"))["diffs"][0]["diff"]
    assert '- mä asun [nokialla]{"entity": "municipality", "value": "Nokia"} nykyään' in diff


async def test_response_edit_and_refusal(editor: Console) -> None:
    responses = (await editor.call("GET", "/console/api/editor/responses"))["responses"]
    greet = next(r for r in responses if r["name"] == "utter_greet")
    assert {v["language"] for v in greet["variations"]} == {"fi", "sv", "en"}
    changed = await editor.call("PUT", "/console/api/editor/responses/utter_greet",
                                {"language": "en", "text": "Hi there! Nice that you came."})
    assert any(v["language"] == "en" and v["text"] == "Hi there! Nice that you came."
               for v in changed["response"]["variations"])
    diff = (await editor.call("GET", "/console/api/editor/diff"))["diffs"]
    assert [d["file"] for d in diff] == ["domain.yml"]
    assert '+    text: "Hi there! Nice that you came."' in diff[0]["diff"]
    changed_lines = [line for line in diff[0]["diff"].splitlines()
                     if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert len(changed_lines) == 2  # comments, anchors and order kept: one line replaced
    status, body = await editor.status_of("PUT", "/console/api/editor/responses/utter_greet",
                                          {"language": "sv", "text": "   "})
    assert status == 422 and "tyhjä" in body["message"]


async def test_service_edit_validated_like_the_check(editor: Console) -> None:
    status, body = await editor.status_of("PUT", "/console/api/editor/services/crisis_line_24_7",
                                          {"fields": {"phone": "09-2525-0111"}})
    assert status == 422 and body["error"] == "invalid"
    assert body["problems"][0]["file"] == "data/services/directory.yml"
    assert "phone '09-2525-0111'" in body["problems"][0]["message"]
    assert "digits, spaces and +" in body["problems"][0]["message"]
    status, body = await editor.status_of("PUT", "/console/api/editor/services/new_place",
                                          {"fields": {"name": {"fi": "Uusi", "sv": "Ny", "en": "New"},
                                                      "description": {"fi": "a", "sv": "b", "en": "c"},
                                                      "topics": ["feeling_bad"], "regions": ["national"],
                                                      "languages": ["fi"], "url": "https://example.org/",
                                                      "checked": "2026-11-23"}})
    assert status == 422
    assert any("'source' is required" in p["message"] for p in body["problems"])
    assert (await editor.call("GET", "/console/api/editor/diff"))["diffs"] == []
    ok = await editor.call("PUT", "/console/api/editor/services/crisis_line_24_7",
                           {"fields": {"checked": "2026-11-24"}})
    assert ok["service"]["checked"] == "2026-11-24"
    diff = (await editor.call("GET", "/console/api/editor/diff"))["diffs"][0]["diff"]
    assert "-    checked: 2026-11-23" in diff and "+    checked: 2026-11-24" in diff


async def test_discard(editor: Console) -> None:
    await editor.call("POST", "/console/api/editor/examples",
                      {"intent": "greet", "text": "moikkelis koikkelis", "language": "fi"})
    assert (await editor.call("GET", "/console/api/editor/diff"))["diffs"]
    await editor.call("POST", "/console/api/editor/discard", {})
    after = await editor.call("GET", "/console/api/editor/diff")
    assert after == {"diffs": [], "changes": []}


async def test_parse_reports_the_crisis_guard_even_when_the_bot_is_down(editor: Console) -> None:
    status, body = await editor.status_of("POST", "/console/api/editor/parse",
                                          {"text": "haluun kuolla"})
    assert status == 503 and body["error"] == "bot_unavailable"
    assert body["crisis_guard"]["fired"] is True
    assert body["crisis_guard"]["category"] == "suicidal"


async def wait_publish(console: Console, job: str, timeout: float = 240) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        data = await console.call("GET", f"/console/api/editor/publish?job={job}")
        if not data["running"] and data["publish"]["state"] not in ("running", "ready"):
            result: dict[str, Any] = data["publish"]
            return result
        await asyncio.sleep(0.5)
    raise AssertionError("publish did not finish")


async def test_publish_without_changes_is_refused(editor: Console) -> None:
    started = await editor.call("POST", "/console/api/editor/publish", {}, expect=202)
    status = await wait_publish(editor, started["job"])
    assert status["state"] == "refused"
    assert status["reason"] == "Ei julkaistavia muutoksia."


async def test_publish_refused_when_the_checks_fail(project: Path, editor: Console) -> None:
    """A problem in the data refuses publish at the checks; the live files stay as they were."""
    await editor.call("POST", "/console/api/editor/examples",
                      {"intent": "greet", "text": "moikkelis koikkelis", "language": "fi"})
    hours = project / "var" / "editor" / "workspace" / "data" / "hours.yml"
    hours.write_text(hours.read_text(encoding="utf-8").replace(
        'mon: ["14:00-21:00"]', 'mon: ["21:00-14:00"]'), encoding="utf-8")  # edited by hand
    live = {p: p.read_bytes() for p in (project / "data").rglob("*.yml")}
    started = await editor.call("POST", "/console/api/editor/publish", {}, expect=202)
    status, body = await editor.status_of("POST", "/console/api/editor/publish", {})
    assert status in (409, 202)  # one publish at a time (409 while the first still runs)
    result = await wait_publish(editor, started["job"])
    assert result["state"] == "refused"
    steps = {s["name"]: s["state"] for s in result["steps"]}
    assert steps["checks"] == "failed" and steps["training"] == "cancelled"
    assert steps["stories"] == "pending" and steps["swap"] == "pending"
    assert any("impossible period '21:00-14:00'" in p["message"] for p in result["problems"])
    assert {p: p.read_bytes() for p in (project / "data").rglob("*.yml")} == live
