"""The editing workspace: a working copy of the editor-owned files (var/editor/workspace/).

Edits go to the copy, so the live data (and the running bot) is untouched until publish.
Every edit is validated with the same checks as ``python -m editor.check``; an edit that adds a
problem is refused and not written. Each accepted edit is remembered with who and when, and
written to data/editor-log.yml when published.

CLI for the gateway (which runs in another Python environment):
    python -m editor.workspace [--root DIR] OP      JSON request on stdin, JSON answer on stdout
OPs: status, intents, add_example, responses, set_response, services, set_service, diff, discard
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import fcntl
import hashlib
import json
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from editor import edits
from editor.check import run_checks
from editor.edits import EditError
from editor.files import REPO_ROOT, EditorFiles, copy_owned
from editor.nlu_checks import load_all
from editor.nlu_data import normalize
from editor.problems import format_problem

LANGUAGES = ("fi", "sv", "en")


class Refused(Exception):
    """An edit refused because of problems; carries them for the page."""

    def __init__(self, message: str, problems: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


@dataclass
class Workspace:
    root: Path  # the live project (the repo)
    state: Path  # var/editor under the root

    @classmethod
    def of(cls, root: Path) -> Workspace:
        return cls(root=root, state=root / "var" / "editor")

    @property
    def tree(self) -> Path:
        return self.state / "workspace"

    @property
    def files(self) -> EditorFiles:
        return EditorFiles(self.tree)

    @property
    def live(self) -> EditorFiles:
        return EditorFiles(self.root)

    @property
    def changes_file(self) -> Path:
        return self.state / "changes.json"

    @property
    def base_file(self) -> Path:
        return self.state / "base.json"

    # --- life cycle ---------------------------------------------------------------------------
    @contextmanager
    def locked(self) -> Iterator[None]:
        self.state.mkdir(parents=True, exist_ok=True)
        with open(self.state / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def ensure(self) -> None:
        if not self.tree.is_dir():
            self.reset()

    def reset(self) -> None:
        """Throw the pending changes away: the workspace becomes a copy of the live data."""
        if self.tree.exists():
            shutil.rmtree(self.tree)
        self.tree.mkdir(parents=True)
        copy_owned(self.root, self.tree)
        for relative in ("config.yml",):  # needed by Rasa's validation; not edited here
            if (self.root / relative).is_file():
                shutil.copy2(self.root / relative, self.tree / relative)
        self.base_file.write_text(json.dumps(live_hashes(self.root)), encoding="utf-8")
        self.changes_file.write_text("[]", encoding="utf-8")

    def changes(self) -> list[dict[str, str]]:
        if not self.changes_file.is_file():
            return []
        data = json.loads(self.changes_file.read_text(encoding="utf-8"))
        return data if isinstance(data, list) else []

    def record(self, who: str, what: str) -> None:
        items = self.changes()
        items.append({"who": who, "when": now_iso(), "what": what})
        self.changes_file.write_text(json.dumps(items, ensure_ascii=False, indent=1),
                                     encoding="utf-8")

    def live_changed_since_start(self) -> list[str]:
        """Live files changed (e.g. by a git pull) since the workspace was made."""
        if not self.base_file.is_file():
            return []
        base = json.loads(self.base_file.read_text(encoding="utf-8"))
        now = live_hashes(self.root)
        return sorted(k for k in set(base) | set(now) if base.get(k) != now.get(k))

    # --- reading ------------------------------------------------------------------------------
    def diff(self) -> list[dict[str, str]]:
        """Unified diffs of every owned file that differs from the live data."""
        result = []
        for relative in sorted(set(owned_files(self.root)) | set(owned_files(self.tree))):
            old, new = self.root / relative, self.tree / relative
            old_lines = old.read_text(encoding="utf-8").splitlines(keepends=True) if old.is_file() else []
            new_lines = new.read_text(encoding="utf-8").splitlines(keepends=True) if new.is_file() else []
            if old_lines == new_lines:
                continue
            text = "".join(difflib.unified_diff(old_lines, new_lines, f"a/{relative}",
                                                f"b/{relative}", n=2))
            result.append({"file": relative, "diff": text})
        return result

    # --- validated edits ----------------------------------------------------------------------
    def validated_write(self, path: Path, new_text: str, kinds: list[str]) -> None:
        """Write new_text to path in the workspace unless it adds a problem (then undo)."""
        before = _keys(run_checks(self.tree, kinds))
        old_text = path.read_text(encoding="utf-8") if path.is_file() else None
        path.write_text(new_text, encoding="utf-8")
        added = [p for p in run_checks(self.tree, kinds) if _key(p) not in before]
        if added:
            if old_text is None:
                path.unlink()
            else:
                path.write_text(old_text, encoding="utf-8")
            raise Refused("Muutos hylättiin, koska siitä tulisi virhe. Korjaa ja yritä uudelleen.",
                          [problem_json(p) for p in added])


def _key(problem: Any) -> tuple[str, str]:
    return (problem.file, problem.message)


def _keys(problems: list[Any]) -> set[tuple[str, str]]:
    return {_key(p) for p in problems}


def problem_json(problem: Any) -> dict[str, Any]:
    return {"file": problem.file, "line": problem.line, "message": problem.message,
            "hint": problem.hint, "text": format_problem(problem)}


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def owned_files(root: Path) -> list[str]:
    """Relative paths of the owned files that exist under root."""
    files = EditorFiles(root)
    return [files.relative(p) for p in files.owned()]


def live_hashes(root: Path) -> dict[str, str]:
    return {rel: hashlib.sha256((root / rel).read_bytes()).hexdigest() for rel in owned_files(root)}


# --- operations -----------------------------------------------------------------------------

def op_status(ws: Workspace, req: dict[str, Any]) -> dict[str, Any]:
    return {"changed_files": [d["file"] for d in ws.diff()], "changes": ws.changes(),
            "live_changed": ws.live_changed_since_start()}


def op_intents(ws: Workspace, req: dict[str, Any]) -> dict[str, Any]:
    examples, _ = load_all(ws.files)
    counts: dict[str, dict[str, int]] = {}
    for example in examples:
        per = counts.setdefault(example.intent, {lang: 0 for lang in LANGUAGES})
        per[example.language] = per.get(example.language, 0) + 1
    return {"intents": [{"name": k, "counts": v} for k, v in sorted(counts.items())]}


def op_add_example(ws: Workspace, req: dict[str, Any]) -> dict[str, Any]:
    intent, language = str(req.get("intent", "")), str(req.get("language", "fi"))
    if language not in LANGUAGES:
        raise EditError("Kieli on fi, sv tai en.")
    text = edits.clean_example(str(req.get("text", "")))
    examples, _ = load_all(ws.files)
    if intent not in {e.intent for e in examples}:
        raise EditError(f"Aihetta '{intent}' ei ole.")
    wanted = normalize(text)
    for example in examples:
        if normalize(example.text) == wanted:
            where = f"{ws.files.relative(example.file)} rivi {example.line}"
            if example.intent == intent:
                raise EditError(f"Lause on jo esimerkkinä aiheessa '{intent}' ({where}).")
            raise EditError(f"Sama lause on jo aiheessa '{example.intent}' ({where}). "
                            "Yksi lause voi kuulua vain yhteen aiheeseen.")
    line_text = edits.annotate(text, req.get("entities") or [])
    nlu_files = ws.files.nlu_files()
    snapshot = {p: p.read_text(encoding="utf-8") for p in nlu_files}
    changed = edits.add_example(nlu_files, intent, language, line_text)
    new_text = changed.read_text(encoding="utf-8")
    changed.write_text(snapshot[changed], encoding="utf-8")
    ws.validated_write(changed, new_text, ["nlu"])
    ws.record(str(req.get("who", "")), f"NLU: '{text}' → {intent} ({language})")
    return {"file": ws.files.relative(changed)}


def op_responses(ws: Workspace, req: dict[str, Any]) -> dict[str, Any]:
    return {"responses": edits.list_responses(ws.files.domain)}


def op_set_response(ws: Workspace, req: dict[str, Any]) -> dict[str, Any]:
    name, language = str(req.get("name", "")), str(req.get("language", ""))
    index = req.get("index")
    new_text = edits.set_response(ws.files.domain, name, language, str(req.get("text", "")),
                                  int(index) if isinstance(index, int) else None)
    ws.validated_write(ws.files.domain, new_text, ["responses"])
    ws.record(str(req.get("who", "")), f"vastaus {name} ({language}) muutettu")
    return {"response": next(r for r in edits.list_responses(ws.files.domain) if r["name"] == name)}


def op_services(ws: Workspace, req: dict[str, Any]) -> dict[str, Any]:
    return {"services": edits.list_services(ws.files.directory)}


def op_set_service(ws: Workspace, req: dict[str, Any]) -> dict[str, Any]:
    service_id = str(req.get("id", "")).strip()
    fields = req.get("fields")
    if not service_id or not isinstance(fields, dict):
        raise EditError("Palvelulta puuttuu tunnus (id) tai kentät.")
    is_new = service_id not in {s["id"] for s in edits.list_services(ws.files.directory)}
    new_text = edits.set_service(ws.files.directory, service_id, fields)
    ws.validated_write(ws.files.directory, new_text, ["services"])
    ws.record(str(req.get("who", "")),
              f"palvelu {service_id} {'lisätty' if is_new else 'muutettu'}")
    return {"service": next(s for s in edits.list_services(ws.files.directory)
                            if s["id"] == service_id)}


def op_diff(ws: Workspace, req: dict[str, Any]) -> dict[str, Any]:
    return {"diffs": ws.diff(), "changes": ws.changes()}


def op_discard(ws: Workspace, req: dict[str, Any]) -> dict[str, Any]:
    ws.reset()
    return {"discarded": True}


OPS: dict[str, Callable[[Workspace, dict[str, Any]], dict[str, Any]]] = {
    "status": op_status,
    "intents": op_intents,
    "add_example": op_add_example,
    "responses": op_responses,
    "set_response": op_set_response,
    "services": op_services,
    "set_service": op_set_service,
    "diff": op_diff,
    "discard": op_discard,
}


def run_op(root: Path, op: str, request: dict[str, Any]) -> dict[str, Any]:
    """One operation under the workspace lock; errors become {"ok": false, ...}."""
    if op not in OPS:
        return {"ok": False, "error": "unknown_op", "message": f"unknown operation {op!r}"}
    ws = Workspace.of(root)
    with ws.locked():
        ws.ensure()
        try:
            return {"ok": True, **OPS[op](ws, request)}
        except Refused as exc:
            return {"ok": False, "error": "invalid", "message": exc.message,
                    "problems": exc.problems}
        except EditError as exc:
            return {"ok": False, "error": "bad_edit", "message": str(exc), "problems": []}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m editor.workspace")
    parser.add_argument("--root", type=Path, default=REPO_ROOT)
    parser.add_argument("op", choices=sorted(OPS))
    args = parser.parse_args(argv)
    raw = sys.stdin.read() if not sys.stdin.isatty() else ""
    try:
        request = json.loads(raw) if raw.strip() else {}
    except json.JSONDecodeError:
        request = None
    if not isinstance(request, dict):
        print(json.dumps({"ok": False, "error": "bad_request", "message": "JSON object expected"}))
        return 0
    print(json.dumps(run_op(args.root, args.op, request), ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
