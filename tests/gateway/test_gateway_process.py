"""The gateway as a real process (`python -m handoff`): health, static pages, CLI, Rasa down, no IPs in logs."""

from __future__ import annotations

import asyncio
import sqlite3

import aiohttp

from tests.support.clients import YouthWS, logged_in_console
from tests.support.processes import Gateway


def read_db_files(db: str) -> bytes:
    raw = b""
    for suffix in ("", "-wal"):
        try:
            with open(db + suffix, "rb") as fh:
                raw += fh.read()
        except FileNotFoundError:
            pass
    return raw


async def test_health_and_static_pages(gateway_without_rasa: Gateway) -> None:
    gw = gateway_without_rasa
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{gw.url}/healthz") as resp:
            assert resp.status == 200 and (await resp.json())["status"] == "ok"
        for path in ("/", "/console/", "/widget/kynnys-widget.js"):
            async with http.get(f"{gw.url}{path}") as resp:
                assert resp.status == 200, path
        async with http.get(f"{gw.url}/console/", allow_redirects=False) as resp:
            assert resp.headers.get("X-Frame-Options") == "DENY"


async def test_rasa_down_youth_still_gets_crisis_help_and_hours(gateway_without_rasa: Gateway) -> None:
    youth = await YouthWS(gateway_without_rasa.url).start("fi")
    trouble = await youth.wait_message("system", timeout=15)
    assert "tekni" in trouble["text"].lower() and trouble["links"]
    await youth.say("mä haluun kuolla")
    crisis = await youth.wait_message("system", lambda m: "112" in m["text"], timeout=2)
    assert crisis["links"]
    await youth.close()


async def test_cli_creates_disables_and_lists_accounts(gateway_without_rasa: Gateway) -> None:
    gw = gateway_without_rasa
    username, password = gw.make_user("supervisor")
    res = gw.cli("user", "list")
    assert username in res.stdout and "supervisor" in res.stdout
    res = gw.cli("user", "add", "x", "--role", "admin", "--password-stdin", stdin="pw-long-enough\n")
    assert res.returncode != 0, "only volunteer, supervisor, editor"
    res = gw.cli("user", "add", "shorty", "--role", "volunteer", "--password-stdin", stdin="short\n")
    assert res.returncode != 0
    console = await logged_in_console(gw.url, username, password, ws=False)
    assert (await console.call("GET", "/console/api/me"))["role"] == "supervisor"
    res = gw.cli("user", "disable", username)
    assert res.returncode == 0
    for _ in range(50):  # sessions are remembered for at most 2 s
        status, _ = await console.status_of("GET", "/console/api/me")
        if status == 401:
            break
        await asyncio.sleep(0.1)
    assert status == 401, "disabling ends the sessions"
    again = await console.login(username, password)
    assert again.status == 401
    await console.close()
    db = gw.env["DATABASE_URL"].removeprefix("sqlite+aiosqlite:///")
    con = sqlite3.connect(db)
    hashes = [r[0] for r in con.execute("SELECT password_hash FROM volunteers")]
    con.close()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)


async def test_no_ip_address_or_user_agent_in_logs_or_database(gateway_without_rasa: Gateway) -> None:
    gw = gateway_without_rasa
    async with aiohttp.ClientSession(headers={"User-Agent": "SecretAgent/7.0"}) as http:
        async with http.get(f"{gw.url}/healthz") as resp:
            assert resp.status == 200
        ws = await http.ws_connect(gw.ws_url)
        await ws.send_json({"type": "hello", "token": None, "last_seq": 0, "language": "fi"})
        await ws.receive_json(timeout=10)
        await ws.send_json({"type": "message", "client_id": "ua", "text": "moi"})
        await ws.receive_json(timeout=10)
        await ws.close()
    assert gw.process is not None
    log = gw.process.log_path.read_text(errors="replace")
    assert "127.0.0.1" not in log and "SecretAgent" not in log
    db = gw.env["DATABASE_URL"].removeprefix("sqlite+aiosqlite:///")
    raw = read_db_files(db)
    assert b"127.0.0.1" not in raw and b"SecretAgent" not in raw
