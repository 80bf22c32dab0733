"""Bot latency benchmark: a real `rasa run --enable-api --auth-token` with the trained model and
the real action server, measured over HTTP on loopback. Writes docs/bench-bot.md.

  PYTHONPATH=. .venv-bot/bin/python bench/bench_bot.py [--model models/kynnys.tar.gz] [--train]
                                                       [--rounds 150]

Measured, interleaved in one loop so that machine noise hits all of them alike:
  - baseline: GET /version of the same Rasa server (HTTP + Sanic, no NLU, no dialogue),
  - parse: POST /model/parse (the NLU pipeline),
  - full turn: POST /webhooks/rest/webhook (NLU + dialogue policies + custom actions + the
    tracker store) — what the gateway waits for on each youth message.
Reported as p50/p99 and as ratios to the baseline. The action server asks the gateway's
availability API on some turns; the benchmark serves a stub of that API (fixed answer) so the
figures do not include a timeout. With --train, the full `rasa train` is timed first (into a
temporary directory) and that model is served.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv-bot" / "bin"
TOKEN = "bench-" + uuid.uuid4().hex
INTERNAL_TOKEN = "bench-internal-" + uuid.uuid4().hex

MESSAGES = [
    "moi", "mulla on ollu tosi paha olo", "mua kiusataan koulussa", "voinko puhua ihmisen kanssa",
    "asun tampereella", "milloin chat on auki", "onks tää anonyymi", "ootko botti",
    "poikaystävä jätti mut", "en jaksa koulua", "juon liikaa viikonloppuisin", "kiitos",
    "hej, jag mår inte bra", "I want to talk to someone", "luulen et oon homo",
    "halusin vaan kertoo mun päivästä", "millanen sää huomenna on", "joo", "ei kiitos", "moikka",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Availability(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        body = json.dumps({"on_shift": 1, "available": 1, "queue_length": 0,
                           "estimated_wait_seconds": 60, "open_now": True,
                           "next_opening": None}).encode()
        ok = self.headers.get("Authorization") == f"Bearer {INTERNAL_TOKEN}"
        self.send_response(200 if ok else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def request(url: str, payload: dict[str, Any] | None = None, timeout: float = 120) -> Any:
    data = json.dumps(payload).encode() if payload is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if data else "GET",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as response:
        return json.loads(response.read() or b"null")


def wait_ready(url: str, seconds: float, process: subprocess.Popen[bytes], name: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with {process.returncode}")
        try:
            request(url, timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
            time.sleep(0.5)
    raise SystemExit(f"{name} not ready after {seconds:.0f} s")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wait_parse(url: str, seconds: float, process: subprocess.Popen[bytes]) -> None:
    """The server is up before the model is: wait until a parse answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"rasa exited with {process.returncode}")
        try:
            request(url, {"text": "moi"}, timeout=120)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    raise SystemExit("rasa did not parse in time")


def train_model(out: Path) -> tuple[float, float]:
    """Wall and CPU seconds of a full `rasa train` (NLU + dialogue)."""
    started, cpu_started = time.monotonic(), _children_cpu()
    result = subprocess.run(
        [str(VENV_BIN / "rasa"), "train", "--out", str(out), "--fixed-model-name", "bench", "--quiet"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit("rasa train failed")
    return time.monotonic() - started, _children_cpu() - cpu_started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def timed(call: Any) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "kynnys.tar.gz")
    parser.add_argument("--train", action="store_true", help="time a full `rasa train` first")
    parser.add_argument("--rounds", type=int, default=150)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "bench-bot.md")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kynnys-bench-"))
    train_seconds: tuple[float, float] | None = None
    model = args.model
    train_record = ROOT / "results" / "bench-bot-train.json"
    if args.train:
        train_seconds = train_model(workdir)
        model = workdir / "bench.tar.gz"
        train_record.parent.mkdir(parents=True, exist_ok=True)
        train_record.write_text(json.dumps({"model": str(model), "wall": train_seconds[0],
                                            "cpu": train_seconds[1]}), encoding="utf-8")
        print(f"rasa train: {train_seconds[0]:.0f} s wall, {train_seconds[1]:.0f} s CPU", flush=True)
    elif train_record.exists():  # the model an earlier --train run made and timed
        record = json.loads(train_record.read_text(encoding="utf-8"))
        if Path(record["model"]) == model.resolve():
            train_seconds = (record["wall"], record["cpu"])
    if not model.exists():
        raise SystemExit(f"no model at {model}: run scripts/train.sh or pass --train")

    stub = ThreadingHTTPServer(("127.0.0.1", free_port()), _Availability)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    action_port, rasa_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f"action_endpoint:\n  url: http://127.0.0.1:{action_port}/webhook\n"
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {workdir / 'tracker.db'}\n",
        encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ACTION_HOST": "127.0.0.1",
           "ACTION_PORT": str(action_port),
           "GATEWAY_INTERNAL_URL": f"http://127.0.0.1:{stub.server_address[1]}",
           "GATEWAY_INTERNAL_TOKEN": INTERNAL_TOKEN}
    log = open(workdir / "servers.log", "wb")
    actions = subprocess.Popen([str(VENV_BIN / "python"), "-m", "actions.server"], cwd=ROOT,
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    rasa = subprocess.Popen(
        [str(VENV_BIN / "rasa"), "run", "--enable-api", "--auth-token", TOKEN, "--model", str(model),
         "--endpoints", str(endpoints), "--interface", "127.0.0.1", "--port", str(rasa_port),
         "--credentials", str(ROOT / "credentials.yml")],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{rasa_port}"
    try:
        started = time.monotonic()
        wait_ready(f"http://127.0.0.1:{action_port}/healthz", 120, actions, "action server")
        wait_ready(f"{base}/status?token={TOKEN}", 900, rasa, "rasa")
        wait_parse(f"{base}/model/parse?token={TOKEN}", 600, rasa)
        startup_seconds = time.monotonic() - started
        results = measure(base, args.rounds)
    finally:
        for process in (rasa, actions):
            process.terminate()
        for process in (rasa, actions):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        stub.shutdown()
        log.close()
    write_report(args.out, results, args.rounds, train_seconds, startup_seconds, model)


def measure(base: str, rounds: int) -> dict[str, list[float]]:
    parse_url = f"{base}/model/parse?token={TOKEN}"
    webhook_url = f"{base}/webhooks/rest/webhook"
    version_url = f"{base}/version"
    for text in MESSAGES[:10]:  # warm-up: first calls build caches and TF graphs
        request(parse_url, {"text": text})
        request(webhook_url, {"sender": "warmup", "message": text})
    results: dict[str, list[float]] = {"baseline": [], "parse": [], "turn": []}
    sender = ""
    for i in range(rounds):
        text = MESSAGES[i % len(MESSAGES)]
        if i % 10 == 0:  # a new conversation now and then, started like the gateway does
            sender = uuid.uuid4().hex
            request(webhook_url, {"sender": sender, "message": '/greet{"language":"fi"}'})
        turn = {"sender": sender, "message": text}
        results["baseline"].append(timed(lambda: request(version_url)))
        results["parse"].append(timed(lambda t={"text": text}: request(parse_url, t)))
        results["turn"].append(timed(lambda t=turn: request(webhook_url, t)))
    return results


def write_report(out: Path, results: dict[str, list[float]], rounds: int,
                 train_seconds: tuple[float, float] | None, startup_seconds: float,
                 model: Path) -> None:
    base50 = statistics.median(results["baseline"])
    base99 = percentile(results["baseline"], 0.99)
    rows = []
    labels = {"baseline": "GET /version (baseline)", "parse": "POST /model/parse",
              "turn": "POST /webhooks/rest/webhook (full turn)"}
    for key, label in labels.items():
        p50, p99 = statistics.median(results[key]), percentile(results[key], 0.99)
        rows.append(f"| {label} | {p50:.1f} | {p99:.1f} | {p50 / base50:.1f}× | {p99 / base99:.1f}× |")
    model_label = ("trained and timed by `bench/bench_bot.py --train`" if train_seconds
                   else f"`{model}`")
    lines = [
        "# Bot latency benchmark",
        "",
        f"Generated by `bench/bench_bot.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} CPU cores, {rounds} rounds, model: {model_label}.",
        "",
        "A real `rasa run --enable-api --auth-token` and the real action server "
        "(`python -m actions.server`) on loopback; the gateway's availability API is a stub with "
        "a fixed answer. Each round measures, one after the other, the baseline (GET /version "
        "of the same server), a parse and a full turn, so noise on this shared machine hits all "
        "three alike; the ratios are the figures to compare between runs.",
        "",
        "| request | p50 ms | p99 ms | p50 / baseline | p99 / baseline |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"- Rasa + action server start-up until the model answers: {startup_seconds:.0f} s.",
        "- Full `rasa train` (NLU + dialogue): "
        + (f"{train_seconds[0]:.0f} s wall clock, {train_seconds[1]:.0f} s CPU (the machine was "
           "shared with other jobs: the CPU time is the steadier figure)."
           if train_seconds else "not measured in this run (use --train)."),
        "",
        "Reading: the full turn includes the NLU parse, the dialogue policies (Memoization, Rule, "
        "TED), the custom action call over HTTP and the SQLite tracker store write. The young "
        "person sees the bot's answer this long after the gateway relays the message.",
        "",
    ]
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
