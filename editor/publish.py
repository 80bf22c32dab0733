"""Publish the workspace: checks → training → test stories → swap → write the data files.

    python -m editor.publish prepare  --job ID --who NAME   checks, trains the candidate, tests it
    python -m editor.publish finalize --job ID              writes data + editor-log + live model
    python -m editor.publish run --who NAME --rasa-url URL --token T   all of it, swapping with
                                                            a plain PUT /model (CLI and bench)

The gateway runs `prepare`, swaps the model itself (it holds youth messages meanwhile, see
handoff/editor/swap.py) and then runs `finalize`. Progress is a JSON status file,
var/editor/publish/<job>.json, that the editor page polls. A refusal leaves the live data and
the running model untouched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from editor.check import run_checks
from editor.files import REPO_ROOT, EditorFiles, copy_owned
from editor.workspace import Workspace, now_iso, owned_files, problem_json

STEPS = (
    ("checks", "Tarkistukset"),
    ("training", "Mallin opetus"),
    ("stories", "Testitarinat"),
    ("swap", "Uusi malli käyttöön"),
    ("write", "Tiedostojen tallennus"),
)
KEEP_CANDIDATES = 3
# scripts/train.sh fingerprints these inputs; publish writes the same fingerprint so that the
# next `make run` does not retrain a model that is already trained.
TRAIN_INPUTS = ("config.yml", "domain.yml", "data/nlu", "data/rules.yml", "data/stories.yml",
                "data/crisis", "bot", "kynnys/crisis", "kynnys/places.py", "data/places")
TRAIN_SUFFIXES = (".yml", ".yaml", ".py", ".csv", ".txt")
_EPOCHS = re.compile(r"Epochs:\s+(\d+)%")


class PublishRefused(Exception):
    def __init__(self, step: str, reason: str, problems: list[dict[str, Any]] | None = None,
                 details: str = "") -> None:
        super().__init__(reason)
        self.step, self.reason, self.problems, self.details = step, reason, problems or [], details


def new_job_id() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")


@dataclass
class Job:
    root: Path
    job_id: str

    @property
    def status_file(self) -> Path:
        return self.root / "var" / "editor" / "publish" / f"{self.job_id}.json"

    @property
    def candidate(self) -> Path:
        return self.root / "var" / "editor" / "candidates" / self.job_id

    @property
    def model_name(self) -> str:
        return f"candidate-{self.job_id}"

    @property
    def model(self) -> Path:
        return self.root / "models" / "candidates" / f"{self.model_name}.tar.gz"

    # --- status -------------------------------------------------------------------------------
    def read(self) -> dict[str, Any]:
        if self.status_file.is_file():
            data: dict[str, Any] = json.loads(self.status_file.read_text(encoding="utf-8"))
            return data
        return {"job": self.job_id, "state": "running", "started": now_iso(), "who": "",
                "steps": [{"name": n, "label": label, "state": "pending"} for n, label in STEPS]}

    def write(self, status: dict[str, Any]) -> None:
        write_status(self.status_file, status)

    def update(self, step: str | None = None, **changes: Any) -> dict[str, Any]:
        status = self.read()
        if step is not None:
            for item in status["steps"]:
                if item["name"] == step:
                    item.update(changes.pop("step_fields", {}))
        status.update(changes)
        self.write(status)
        return status

    def step_started(self, step: str) -> float:
        self.update(step, step_fields={"state": "running", "started": now_iso()})
        return time.monotonic()

    def step_done(self, step: str, since: float, detail: str = "") -> None:
        self.update(step, step_fields={"state": "ok", "seconds": round(time.monotonic() - since, 1),
                                       "detail": detail})

    def refuse(self, exc: PublishRefused) -> None:
        self.update(exc.step, step_fields={"state": "failed", "detail": exc.reason},
                    state="refused", reason=exc.reason, problems=exc.problems,
                    details=exc.details[-6000:], finished=now_iso())


def write_status(path: Path, status: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(status, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def _env(root: Path) -> dict[str, str]:
    """The code (bot/ components, kynnys/) always comes from this repo; the data from root.
    Rasa's training cache is shared, so an NLU-only change retrains only the NLU part."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.setdefault("RASA_CACHE_DIRECTORY", str(REPO_ROOT / ".rasa" / "cache"))
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("TQDM_MININTERVAL", "2")
    return env


def _rasa(root: Path) -> str:
    return str(Path(sys.executable).with_name("rasa"))


# --- prepare ----------------------------------------------------------------------------------

def prepare(root: Path, job_id: str, who: str) -> Job:
    """Checks, training and test stories of the workspace; refuses with the reason."""
    job = Job(root, job_id)
    job.update(who=who, state="running", started=now_iso())
    try:
        _copy_candidate(root, job)
        # The checks and the training run at the same time (2 cores, and both spend long
        # stretches importing Rasa); failed checks stop the training at once.
        checks_since = job.step_started("checks")
        training = _start_training(root, job)
        training_since = job.step_started("training")
        problems = run_checks(job.candidate)
        if problems:
            _stop(training)
            job.update("training", step_fields={"state": "cancelled"})
            raise PublishRefused("checks", f"Tarkistus löysi {len(problems)} virhettä. "
                                 "Korjaa ne ennen julkaisua.", [problem_json(p) for p in problems])
        job.step_done("checks", checks_since)
        _wait_training(root, job, training)
        job.step_done("training", training_since, job.model_name)
        since = job.step_started("stories")
        count = _test_stories(root, job)
        job.step_done("stories", since, f"{count} tarinaa ok")
        job.update(state="ready", model=str(job.model))
    except PublishRefused as exc:
        job.refuse(exc)
    return job


def _copy_candidate(root: Path, job: Job) -> None:
    ws = Workspace.of(root)
    if not ws.tree.is_dir() or not ws.diff():
        raise PublishRefused("checks", "Ei julkaistavia muutoksia.")
    changed_live = ws.live_changed_since_start()
    if changed_live:
        raise PublishRefused(
            "checks", "Tiedostoja on muutettu muualla (esim. gitissä) sen jälkeen, kun aloitit "
            "muokkauksen: " + ", ".join(changed_live) + ". Hylkää omat muutoksesi ja tee ne "
            "uudelleen, niin kenenkään työ ei katoa.")
    if job.candidate.exists():
        shutil.rmtree(job.candidate)
    job.candidate.mkdir(parents=True)
    copy_owned(ws.tree, job.candidate)
    shutil.copy2(root / "config.yml", job.candidate / "config.yml")
    if (root / "tests" / "stories").is_dir():
        shutil.copytree(root / "tests" / "stories", job.candidate / "tests" / "stories")
    # the change records travel with the candidate so finalize writes exactly what was tested
    (job.candidate / "changes.json").write_text(json.dumps(ws.changes(), ensure_ascii=False),
                                                encoding="utf-8")


def _start_training(root: Path, job: Job) -> subprocess.Popen[bytes]:
    job.model.parent.mkdir(parents=True, exist_ok=True)
    cand = job.candidate
    command = [_rasa(root), "train", "--config", str(cand / "config.yml"),
               "--domain", str(cand / "domain.yml"), "--data", str(cand / "data"),
               "--out", str(job.model.parent), "--fixed-model-name", job.model_name]
    with open(cand / "train.log", "w", encoding="utf-8") as handle:
        return subprocess.Popen(command, cwd=root, env=_env(root), stdout=handle,
                                stderr=subprocess.STDOUT, start_new_session=True)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_training(root: Path, job: Job, process: subprocess.Popen[bytes]) -> None:
    log = job.candidate / "train.log"
    try:
        while process.poll() is None:
            time.sleep(1.0)
            progress = _training_progress(log)
            if progress:
                job.update("training", step_fields={"detail": progress})
    finally:
        _stop(process)
    if process.returncode != 0 or not job.model.is_file():
        tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
        raise PublishRefused("training", "Mallin opetus epäonnistui. Katso loki "
                             f"({EditorFiles(root).relative(log)}).", details=tail)


def _training_progress(log: Path) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")[-20000:]
    except OSError:
        return ""
    found = _EPOCHS.findall(text)
    return f"kierrokset {found[-1]} %" if found else ""


def _test_stories(root: Path, job: Job) -> int:
    stories = job.candidate / "tests" / "stories"
    if not stories.is_dir():
        return 0
    out = job.candidate / "results"
    # without --fail-on-prediction-errors Rasa runs every story and names the failed ones in
    # failed_test_stories.yml (with the flag it stops at the first error and writes nothing)
    command = [_rasa(root), "test", "core", "--stories", str(stories), "--model", str(job.model),
               "--out", str(out)]
    run = subprocess.run(command, cwd=root, env=_env(root), capture_output=True, text=True)
    failed = out / "failed_test_stories.yml"
    failed_text = failed.read_text(encoding="utf-8") if failed.is_file() else ""
    if run.returncode != 0 or "story:" in failed_text:
        names = re.findall(r"^- story: (.+?)(?: \(/[^)]*\))?$", failed_text, flags=re.MULTILINE)
        reason = ("Testitarinat eivät menneet läpi: " + "; ".join(names[:5])) if names else \
            "Testitarinoiden ajo epäonnistui."
        raise PublishRefused("stories", reason + " Vanha malli on yhä käytössä.",
                             details=failed_text or (run.stdout + run.stderr)[-4000:])
    return sum(len(re.findall(r"^- story:", p.read_text(encoding="utf-8"), flags=re.MULTILINE))
               for p in stories.glob("*.yml"))


# --- swap (CLI / bench; the gateway swaps itself) -----------------------------------------

def swap_model(rasa_url: str, token: str, model: Path, timeout: float = 300.0) -> None:
    request = urllib.request.Request(
        f"{rasa_url.rstrip('/')}/model?token={token}", method="PUT",
        data=json.dumps({"model_file": str(model)}).encode(),
        headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if response.status != 204:
                raise PublishRefused("swap", f"Rasa vastasi {response.status}.")
    except (urllib.error.URLError, TimeoutError) as exc:
        raise PublishRefused("swap", f"Rasa ei ottanut mallia käyttöön: {exc}. "
                             "Vanha malli on yhä käytössä.") from exc


# --- finalize ---------------------------------------------------------------------------------

def finalize(root: Path, job_id: str) -> Job:
    """Write the tested files into the live data, log who changed what, keep the model."""
    job = Job(root, job_id)
    since = job.step_started("write")
    live_owned = set(owned_files(root))
    for relative in sorted(set(owned_files(job.candidate)) | live_owned):
        source, target = job.candidate / relative, root / relative
        if source.is_file():
            if not target.is_file() or target.read_bytes() != source.read_bytes():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        elif target.is_file() and relative.startswith("data/nlu/"):
            target.unlink()
    status = job.read()
    changes = json.loads((job.candidate / "changes.json").read_text(encoding="utf-8"))
    append_editor_log(root / "data" / "editor-log.yml", changes, job.model_name, now_iso())
    _keep_live_model(root, job)
    _store_published_metrics(root)
    Workspace.of(root).reset()
    _prune_candidates(root)
    job.step_done("write", since, f"{len(changes)} muutosta kirjattu")
    job.update(state="done", finished=now_iso(), published_by=status.get("who", ""),
               changes=changes)
    return job


def append_editor_log(path: Path, changes: list[dict[str, str]], model: str, when: str) -> None:
    if not path.is_file():
        path.write_text(
            "# Changes made on the console editor page, newest last: who, when, what.\n"
            "# Written by publish (editor/publish.py) together with the data files, so git shows\n"
            "# the change and its author side by side. Do not edit old entries.\n"
            "changes:\n", encoding="utf-8")
    lines = []
    for change in changes:
        lines += [f"- when: {json.dumps(change.get('when', ''))}",
                  f"  who: {json.dumps(change.get('who', ''), ensure_ascii=False)}",
                  f"  what: {json.dumps(change.get('what', ''), ensure_ascii=False)}",
                  f"  published: {json.dumps(when)}",
                  f"  model: {json.dumps(model)}"]
    text = path.read_text(encoding="utf-8")
    if text and not text.endswith("\n"):
        text += "\n"
    path.write_text(text + "".join(line + "\n" for line in lines), encoding="utf-8")


def _keep_live_model(root: Path, job: Job) -> None:
    """models/kynnys.tar.gz becomes the published model; the fingerprint matches the data."""
    live = root / "models" / "kynnys.tar.gz"
    tmp = live.with_suffix(".tmp")
    shutil.copy2(job.model, tmp)
    os.replace(tmp, live)
    (root / "models" / ".fingerprint").write_text(train_fingerprint(root) + "\n", encoding="utf-8")


def _store_published_metrics(root: Path) -> None:
    """Scores of the published model for `make eval` to compare with, computed in the
    background so they never delay the new model (off with EDITOR_PUBLISH_METRICS=0)."""
    if os.environ.get("EDITOR_PUBLISH_METRICS", "1") == "0":
        return
    subprocess.Popen(
        [sys.executable, "-m", "editor.evaluate", "--root", str(root),
         "--model", str(root / "models" / "kynnys.tar.gz"), "--store-published"],
        cwd=REPO_ROOT, env=_env(root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)


def train_fingerprint(root: Path) -> str:
    """The same value as scripts/train.sh computes (sha256sum of the sorted input files)."""
    files: list[str] = []
    for name in TRAIN_INPUTS:
        path = root / name
        if path.is_file():
            files.append(name)
        elif path.is_dir():
            files += [str(p.relative_to(root)) for p in path.rglob("*")
                      if p.is_file() and p.suffix in TRAIN_SUFFIXES]
    listing = "".join(f"{hashlib.sha256((root / f).read_bytes()).hexdigest()}  {f}\n"
                      for f in sorted(files, key=lambda s: s.encode()))
    return hashlib.sha256(listing.encode()).hexdigest()[:32]


def _prune_candidates(root: Path) -> None:
    for folder, pattern in ((root / "models" / "candidates", "candidate-*.tar.gz"),
                            (root / "var" / "editor" / "candidates", "*")):
        if not folder.is_dir():
            continue
        items = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime)
        for old in items[:-KEEP_CANDIDATES]:
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)


# --- CLI --------------------------------------------------------------------------------------

def run_all(root: Path, who: str, rasa_url: str | None, token: str) -> Job:
    job = prepare(root, new_job_id(), who)
    if job.read()["state"] != "ready":
        return job
    if rasa_url:
        since = job.step_started("swap")
        try:
            swap_model(rasa_url, token, job.model)
        except PublishRefused as exc:
            job.refuse(exc)
            return job
        job.step_done("swap", since)
    else:
        job.update("swap", step_fields={"state": "skipped", "detail": "ei Rasa-palvelinta"})
    return finalize(root, job.job_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m editor.publish", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("prepare", "finalize", "run"))
    parser.add_argument("--root", type=Path, default=REPO_ROOT)
    parser.add_argument("--job", default="")
    parser.add_argument("--who", default=os.environ.get("USER", "editor"))
    parser.add_argument("--rasa-url", default="")
    parser.add_argument("--token", default=os.environ.get("RASA_TOKEN", ""))
    args = parser.parse_args(argv)
    if args.command == "prepare":
        job = prepare(args.root, args.job or new_job_id(), args.who)
    elif args.command == "finalize":
        job = finalize(args.root, args.job)
    else:
        job = run_all(args.root, args.who, args.rasa_url or None, args.token)
    status = job.read()
    print(json.dumps({k: status.get(k) for k in ("job", "state", "reason", "model")},
                     ensure_ascii=False))
    return 0 if status.get("state") in ("ready", "done") else 1


if __name__ == "__main__":
    raise SystemExit(main())
