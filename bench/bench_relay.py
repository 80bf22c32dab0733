"""Relay benchmark: youth ↔ volunteer latency through the real gateway with 1,000 connected widgets,
against a bare aiohttp WebSocket echo server measured in the same run; memory per idle connection.

    .venv-gw/bin/python bench/bench_relay.py [--connections 1000] [--chats 50] [--rounds 20]

Writes docs/bench-relay.md. Bounded: about one to two minutes on 2 cores.

- The gateway runs as its own process (`python -m handoff`, SQLite store, in-process bus) with Rasa
  pointing at a closed port (the bot is not measured here; greetings fail fast).
- The echo server is a separate process with a bare aiohttp WebSocket handler that sends every text
  frame straight back.
- Both get the same number of idle connections. Latency is measured from this process, which holds
  both ends of each conversation (same clock): volunteer → youth (HTTP POST in, WebSocket frame out)
  and youth → volunteer (WebSocket in, console WebSocket out), and the echo's round trip.
- Memory per idle connection = (server RSS after connecting − before) / connections.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handoff.console.auth import hash_password  # noqa: E402
from handoff.store.accounts import AccountRepo  # noqa: E402
from handoff.store.db import make_engine, make_sessionmaker  # noqa: E402
from handoff.store.ids import sha256_hex  # noqa: E402
from handoff.store.migrate import upgrade_head  # noqa: E402
from tests.support.processes import free_port, http_ok  # noqa: E402

ECHO_SERVER = """
import sys
from aiohttp import web
async def ws(request):
    sock = web.WebSocketResponse()
    await sock.prepare(request)
    async for msg in sock:
        if msg.type == web.WSMsgType.TEXT:
            await sock.send_str(msg.data)
    return sock
async def health(request):
    return web.Response(text="ok")
app = web.Application()
app.router.add_get("/ws", ws)
app.router.add_get("/healthz", health)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=lambda *a: None)
"""


def raise_fd_limit(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(max(soft, wanted), hard) if hard != resource.RLIM_INFINITY else max(soft, wanted)
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if http_ok(url):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{url} not up")


async def make_volunteers(db_url: str, count: int, capacity: int) -> list[tuple[str, str]]:
    engine = make_engine(db_url)
    repo = AccountRepo(make_sessionmaker(engine))
    users = []
    password = secrets.token_urlsafe(12)
    password_hash = hash_password(password)
    for i in range(count):
        name = f"bench{i}"
        await repo.add(name, password_hash, "volunteer", alias=f"Bench{i}", capacity=capacity)
        users.append((name, password))
    await engine.dispose()
    return users


class Volunteer:
    def __init__(self, base: str) -> None:
        self.base = base
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.csrf = ""
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.waiters: dict[str, asyncio.Future[float]] = {}

    def headers(self) -> dict[str, str]:
        return {"Origin": self.base, "X-CSRF-Token": self.csrf}

    async def login(self, name: str, password: str) -> None:
        async with self.http.get(f"{self.base}/console/api/csrf") as r:
            self.csrf = (await r.json())["csrf_token"]
        async with self.http.post(f"{self.base}/console/api/login", json={"username": name, "password": password},
                                  headers=self.headers()) as r:
            assert r.status == 200, await r.text()
            self.csrf = (await r.json())["csrf_token"]
        self.ws = await self.http.ws_connect(f"{self.base}/console/ws", headers={"Origin": self.base})
        asyncio.create_task(self.read())
        async with self.http.post(f"{self.base}/console/api/shift", json={"on": True}, headers=self.headers()) as r:
            assert r.status == 200

    async def read(self) -> None:
        assert self.ws is not None
        async for msg in self.ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            if frame.get("type") == "message" and frame["message"]["from"] == "youth":
                fut = self.waiters.pop(frame["message"]["text"], None)
                if fut is not None and not fut.done():
                    fut.set_result(time.perf_counter())

    async def post(self, path: str, body: Any) -> Any:
        async with self.http.post(f"{self.base}{path}", json=body, headers=self.headers()) as r:
            data = await r.json()
            assert r.status == 200, data
            return data


class Youth:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.waiters: dict[str, asyncio.Future[float]] = {}
        self.token = ""
        self.welcomed = asyncio.Event()
        self.task = asyncio.create_task(self.read())

    async def read(self) -> None:
        async for msg in self.ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            if frame.get("type") == "welcome":
                self.token = frame["token"]
                self.welcomed.set()
            if frame.get("type") == "message" and frame["from"] == "volunteer":
                fut = self.waiters.pop(frame["text"], None)
                if fut is not None and not fut.done():
                    fut.set_result(time.perf_counter())


async def connect_many(session: aiohttp.ClientSession, url: str, n: int, hello: bool) -> list[Any]:
    sem = asyncio.Semaphore(50)
    out: list[Any] = []

    async def one() -> None:
        async with sem:
            ws = await session.ws_connect(url, heartbeat=None, autoping=True)
            if hello:
                y = Youth(ws)
                await ws.send_json({"type": "hello", "token": None, "last_seq": 0, "language": "fi"})
                out.append(y)
            else:
                out.append(ws)

    await asyncio.gather(*(one() for _ in range(n)))
    return out


async def bench_echo(port: int, pid: int, n: int, chats: int, rounds: int) -> dict[str, Any]:
    url = f"ws://127.0.0.1:{port}/ws"
    conn = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=conn) as session:
        await asyncio.sleep(0.5)
        before = rss_kib(pid)
        socks = await connect_many(session, url, n, hello=False)
        await asyncio.sleep(1.0)
        after = rss_kib(pid)
        samples: list[float] = []

        async def rtt(ws: aiohttp.ClientWebSocketResponse) -> float:
            t0 = time.perf_counter()
            await ws.send_str(json.dumps({"type": "message", "text": uuid.uuid4().hex}))
            await ws.receive()
            return time.perf_counter() - t0

        for _ in range(rounds):
            samples += await asyncio.gather(*(rtt(ws) for ws in socks[:chats]))
        for ws in socks:
            await ws.close()
    return {"rss_before_kib": before, "rss_after_kib": after, "samples": samples}


async def bench_gateway(base: str, pid: int, db_url: str, n: int, chats: int, rounds: int) -> dict[str, Any]:
    per_volunteer = 5
    users = await make_volunteers(db_url, (chats + per_volunteer - 1) // per_volunteer, per_volunteer)
    volunteers = []
    for name, password in users:
        v = Volunteer(base)
        await v.login(name, password)
        volunteers.append(v)
    conn = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=conn) as session:
        await asyncio.sleep(1.0)
        before = rss_kib(pid)
        t0 = time.perf_counter()
        youths: list[Youth] = await connect_many(session, base.replace("http", "ws") + "/ws/youth", n, hello=True)
        await asyncio.wait_for(asyncio.gather(*(y.welcomed.wait() for y in youths)), 120)
        connect_seconds = time.perf_counter() - t0
        await asyncio.sleep(3.0)  # greetings (bot down) settle
        after = rss_kib(pid)

        # each youth's conversation id, from the hash of its resume token (the store keeps only the hash)
        con = sqlite3.connect(db_url.removeprefix("sqlite+aiosqlite:///"))
        pairs: list[tuple[Youth, Volunteer, str]] = []
        for y in youths[:chats]:
            row = con.execute("SELECT id FROM conversations WHERE token_hash = ?", (sha256_hex(y.token),)).fetchone()
            vol = volunteers[len(pairs) // per_volunteer]
            await vol.post(f"/console/api/conversations/{row[0]}/step-in", {})
            pairs.append((y, vol, row[0]))
        con.close()

        v2y: list[float] = []
        y2v: list[float] = []
        loop = asyncio.get_running_loop()

        async def to_youth(youth: Youth, vol: Volunteer, cid: str) -> None:
            text = "v" + uuid.uuid4().hex
            fut: asyncio.Future[float] = loop.create_future()
            youth.waiters[text] = fut
            t = time.perf_counter()
            await vol.post(f"/console/api/conversations/{cid}/messages", {"text": text, "client_id": text})
            v2y.append(await asyncio.wait_for(fut, 10) - t)

        async def to_volunteer(youth: Youth, vol: Volunteer, cid: str) -> None:
            text = "y" + uuid.uuid4().hex
            fut: asyncio.Future[float] = loop.create_future()
            vol.waiters[text] = fut
            t = time.perf_counter()
            await youth.ws.send_json({"type": "message", "client_id": text, "text": text})
            y2v.append(await asyncio.wait_for(fut, 10) - t)

        cpu0 = cpu_seconds(pid)
        for _ in range(rounds):
            await asyncio.gather(*(to_youth(*p) for p in pairs))
            await asyncio.gather(*(to_volunteer(*p) for p in pairs))
        cpu_per_message = (cpu_seconds(pid) - cpu0) / max(len(v2y) + len(y2v), 1)
        for y in youths:
            await y.ws.close()
    for v in volunteers:
        await v.http.close()
    return {"rss_before_kib": before, "rss_after_kib": after, "v2y": v2y, "y2v": y2v,
            "connect_seconds": connect_seconds, "pairs": len(pairs),
            "cpu_per_message": cpu_per_message}


def ms(x: float) -> str:
    return f"{x * 1000:.1f}"


def write_report(path: Path, args: argparse.Namespace, echo: dict[str, Any], gw: dict[str, Any]) -> str:
    e = echo["samples"]
    both = gw["v2y"] + gw["y2v"]
    e50, e99 = pct(e, 50), pct(e, 99)
    g50, g99 = pct(both, 50), pct(both, 99)
    mem_gw = (gw["rss_after_kib"] - gw["rss_before_kib"]) / args.connections
    mem_echo = (echo["rss_after_kib"] - echo["rss_before_kib"]) / args.connections
    rows = [
        ("bare aiohttp echo, round trip", len(e), ms(e50), ms(e99), ms(statistics.mean(e))),
        ("gateway volunteer → youth (one way)", len(gw["v2y"]), ms(pct(gw["v2y"], 50)), ms(pct(gw["v2y"], 99)),
         ms(statistics.mean(gw["v2y"]))),
        ("gateway youth → volunteer (one way)", len(gw["y2v"]), ms(pct(gw["y2v"], 50)), ms(pct(gw["y2v"], 99)),
         ms(statistics.mean(gw["y2v"]))),
        ("gateway, both directions", len(both), ms(g50), ms(g99), ms(statistics.mean(both))),
    ]
    table = "\n".join(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} |" for r in rows)
    text = f"""# Relay benchmark (youth ↔ volunteer through the gateway)

Produced by `bench/bench_relay.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}
({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, aiohttp {aiohttp.__version__}).
Re-run: `.venv-gw/bin/python bench/bench_relay.py` (about two minutes).
Load average when the measurement ended: {' / '.join(f'{x:.1f}' for x in os.getloadavg())} (1/5/15 min) on
{os.cpu_count()} cores — other work on the machine slows both servers alike; compare the ratios.

## Set-up
- **{args.connections:,} connected youth WebSockets** on the gateway (each said `hello`, so each is a
  stored conversation), and the same number of idle sockets on a **bare aiohttp WebSocket echo
  server** (a separate process, one handler that sends every text frame back), in the same run.
- {gw['pairs']} of the youth conversations are taken by volunteers (step-in; {args.chats} chats over
  {(args.chats + 4) // 5} volunteer consoles, 5 chats each). In each of {args.rounds} rounds every chat sends one
  volunteer → youth message (console HTTP POST → youth WebSocket frame) and then one youth → volunteer
  message (youth WebSocket → console WebSocket frame), all chats at once.
- The echo server gets the same load: {args.chats} sockets × {args.rounds} rounds, all at once per round.
- The gateway does its full work per message: crisis guard on every youth message, the message stored
  in SQLite (WAL) with its sequence number, delivery through the bus to the sockets. Rasa is not in
  this path (the bot is not talking in a volunteer chat).
- All processes on one machine; the benchmark client shares the 2 cores with the servers.

## Latency (milliseconds)
| path | samples | p50 | p99 | mean |
|---|---|---|---|---|
{table}

**Ratio to the bare echo round trip (same run): p50 {g50 / e50:.1f}×, p99 {g99 / e99:.1f}×.**
Gateway CPU time per relayed message (user + system, the whole process): **{gw['cpu_per_message'] * 1000:.1f} ms**
— this depends much less on how busy the machine is than the latencies do; a burst of n messages
arriving at once takes roughly n × this to get through, because one gateway process (one core) does
the work. Several gateway instances share the load via BUS_URL=redis://….

A gateway hop is one way but includes an HTTP request or a WebSocket frame in, a database write, and a
frame out to another socket; the echo is a full round trip with no work.

## Memory per idle connection
| server | RSS before | RSS after {args.connections:,} connections | per connection |
|---|---|---|---|
| gateway (youth WebSocket + stored conversation) | {gw['rss_before_kib'] / 1024:.1f} MiB | {gw['rss_after_kib'] / 1024:.1f} MiB | {mem_gw:.1f} KiB |
| bare aiohttp echo | {echo['rss_before_kib'] / 1024:.1f} MiB | {echo['rss_after_kib'] / 1024:.1f} MiB | {mem_echo:.1f} KiB |

Connecting {args.connections:,} widgets (WebSocket + `hello` + a new conversation row each, 50 at a time)
took {gw['connect_seconds']:.1f} s.
"""
    path.write_text(text, encoding="utf-8")
    return text


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "bench-relay.md")
    args = parser.parse_args()
    if args.rounds > 20:
        parser.error("--rounds at most 20: a young person may send 20 messages per 10 s (rate limit)")
    raise_fd_limit(args.connections * 3 + 1024)
    work = Path(tempfile.mkdtemp(prefix="bench-relay-"))
    db_url = f"sqlite+aiosqlite:///{work / 'bench.db'}"
    upgrade_head(db_url)
    gw_port, echo_port = free_port(), free_port()
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": str(ROOT), "GATEWAY_HOST": "127.0.0.1", "GATEWAY_PORT": str(gw_port),
        "GATEWAY_PUBLIC_URL": f"http://127.0.0.1:{gw_port}", "DATABASE_URL": db_url, "BUS_URL": "memory://",
        "RASA_URL": f"http://127.0.0.1:{free_port()}", "RASA_TIMEOUT_SECONDS": "2",
        "SESSION_SECRET": secrets.token_urlsafe(32), "GATEWAY_INTERNAL_TOKEN": secrets.token_urlsafe(16),
        "RASA_TRACKER_DB": str(work / "tracker.db"), "YOUTH_GRACE_SECONDS": "3600",
    })
    py = str(ROOT / ".venv-gw" / "bin" / "python")
    gw_log = (work / "gateway.log").open("wb")
    gw = subprocess.Popen([py, "-m", "handoff"], cwd=str(ROOT), env=env, stdout=gw_log, stderr=subprocess.STDOUT)
    echo = subprocess.Popen([py, "-c", ECHO_SERVER, str(echo_port)], cwd=str(work), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_http(f"http://127.0.0.1:{gw_port}/healthz")
        wait_http(f"http://127.0.0.1:{echo_port}/healthz")
        started = time.monotonic()
        echo_result = asyncio.run(bench_echo(echo_port, echo.pid, args.connections, args.chats, args.rounds))
        gw_result = asyncio.run(bench_gateway(f"http://127.0.0.1:{gw_port}", gw.pid, db_url, args.connections,
                                              args.chats, args.rounds))
        print(write_report(args.out, args, echo_result, gw_result))
        print(f"(measured in {time.monotonic() - started:.0f} s; report in {args.out})")
    finally:
        for proc in (gw, echo):
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
