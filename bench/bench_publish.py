"""Time from "publish" to the new model answering, against a plain `rasa train` in the same run.

    PYTHONPATH=. .venv-bot/bin/python bench/bench_publish.py [--config config.yml] [--write-doc]

In a copy of the project (the full data set and the given pipeline config):
1. baseline: a plain `rasa train` of the data with an empty training cache (what an editor
   would otherwise run by hand), timed;
2. Rasa is started on that model;
3. an editor adds one example to the workspace (a nonsense sentence moved to a new intent) and
   publish runs (checks → training → test stories → PUT /model → files), timed from the start
   until Rasa's /model/parse classifies the sentence as the new intent.
Figures are printed as markdown; --write-doc replaces the results block in docs/bench-publish.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from editor.workspace import run_op  # noqa: E402

RASA = Path(sys.executable).with_name("rasa")
SENTENCE = "zorblax quimbo vartsu"
DOC = ROOT / "docs" / "bench-publish.md"
BEGIN, END = "<!-- bench-publish:begin -->", "<!-- bench-publish:end -->"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def env(cache: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT), RASA_TELEMETRY_ENABLED="false",
                TF_CPP_MIN_LOG_LEVEL="3", RASA_CACHE_DIRECTORY=str(cache),
                EDITOR_PUBLISH_METRICS="0")


def parse(url: str, token: str, text: str) -> dict[str, Any] | None:
    request = urllib.request.Request(f"{url}/model/parse?token={token}",
                                     data=json.dumps({"text": text}).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as resp:
            data: dict[str, Any] = json.loads(resp.read())
            return data
    except (urllib.error.URLError, OSError):
        return None


def copy_project(target: Path, config: Path) -> None:
    shutil.copy(ROOT / "domain.yml", target / "domain.yml")
    shutil.copy(config, target / "config.yml")
    shutil.copytree(ROOT / "data", target / "data")
    shutil.copytree(ROOT / "tests" / "stories", target / "tests" / "stories")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--write-doc", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-publish-"))
    project, cache = work / "project", work / "cache"
    project.mkdir()
    copy_project(project, args.config)
    load_before = os.getloadavg()[0]

    # 1. baseline: plain rasa train, cold cache
    started = time.monotonic()
    with open(work / "baseline.log", "w") as log:
        subprocess.run([str(RASA), "train", "--config", str(project / "config.yml"), "--domain",
                        str(project / "domain.yml"), "--data", str(project / "data"), "--out",
                        str(project / "models"), "--fixed-model-name", "kynnys"],
                       cwd=ROOT, env=env(cache), stdout=log, stderr=subprocess.STDOUT, check=True)
    baseline = time.monotonic() - started

    # 2. Rasa serving the baseline model
    port, token = free_port(), "bench-token"
    url = f"http://127.0.0.1:{port}"
    (work / "endpoints.yml").write_text(
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{work / "tracker.db"}"\n')
    rasa = subprocess.Popen(
        [str(RASA), "run", "--enable-api", "--auth-token", token, "-i", "127.0.0.1", "-p", str(port),
         "-m", str(project / "models" / "kynnys.tar.gz"), "--endpoints", str(work / "endpoints.yml")],
        cwd=ROOT, env=env(cache), stdout=open(work / "rasa.log", "w"), stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        deadline = time.monotonic() + 600
        before = None
        while before is None and time.monotonic() < deadline:
            before = parse(url, token, SENTENCE)
            time.sleep(0.5)
        assert before is not None, "Rasa did not start"
        old_intent = before["intent"]["name"]
        target = "ask_hours" if old_intent != "ask_hours" else "ask_privacy"

        # 3. publish one new example
        answer = run_op(project, "add_example",
                        {"intent": target, "text": SENTENCE, "language": "fi", "who": "bench"})
        assert answer["ok"], answer
        seen_at: list[float] = []
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                parsed = parse(url, token, SENTENCE)
                if parsed and parsed["intent"]["name"] == target:
                    seen_at.append(time.monotonic())
                    return
                time.sleep(0.5)

        started = time.monotonic()
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        publish = subprocess.run(
            [sys.executable, "-m", "editor.publish", "run", "--root", str(project), "--who", "bench",
             "--rasa-url", url, "--token", token], cwd=ROOT, env=env(cache),
            capture_output=True, text=True)
        watcher.join(120)
        stop.set()
        assert publish.returncode == 0, publish.stdout + publish.stderr
        assert seen_at, "the new model never answered"
        to_answer = seen_at[0] - started
        job = json.loads(publish.stdout.strip().splitlines()[-1])["job"]
        status = json.loads((project / "var" / "editor" / "publish" / f"{job}.json").read_text())
    finally:
        os.killpg(rasa.pid, signal.SIGTERM)
        rasa.wait(30)
    load_after = os.getloadavg()[0]

    steps = {s["name"]: s.get("seconds") for s in status["steps"]}
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores "
        f"({platform.machine()}), load average {load_before:.1f} before / {load_after:.1f} after; "
        f"pipeline `{args.config.name}`, full data set "
        f"({sum(1 for _ in (project / 'data' / 'nlu').glob('*.yml'))} NLU files).",
        "",
        "| | seconds |",
        "|---|---|",
        f"| baseline: plain `rasa train` (cold cache) | {baseline:.1f} |",
        f"| **publish → new model answering** | **{to_answer:.1f}** |",
        f"| ratio publish / baseline | {to_answer / baseline:.2f} |",
        "",
        "Publish steps (seconds): " + ", ".join(f"{k} {v}" for k, v in steps.items()),
    ]
    text = "\n".join(lines)
    print(text)
    if args.write_doc and DOC.is_file():
        doc = DOC.read_text()
        if BEGIN in doc and END in doc:
            head, rest = doc.split(BEGIN, 1)
            _, tail = rest.split(END, 1)
            DOC.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
