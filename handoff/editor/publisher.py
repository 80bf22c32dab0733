"""One publish at a time: prepare (bot env) → swap (here, behind the gate) → finalize (bot env).

Progress lives in var/editor/publish/<job>.json, written by editor.publish; the swap step is
written here. The page polls GET /console/api/editor/publish.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

from handoff.editor.runner import EditorConfig, EditorToolError, run_tool
from handoff.editor.swap import SwapFailed, swap_model
from handoff.rasa_client import RasaClient

log = logging.getLogger(__name__)
PREPARE_TIMEOUT_SECONDS = 1800.0


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


class Publisher:
    def __init__(self, config: EditorConfig, rasa: RasaClient) -> None:
        self.config = config
        self.rasa = rasa
        self.task: asyncio.Task[None] | None = None
        self.job_id: str | None = None

    @property
    def folder(self) -> Path:
        return self.config.root / "var" / "editor" / "publish"

    def status_path(self, job_id: str) -> Path:
        return self.folder / f"{job_id}.json"

    def busy(self) -> bool:
        return self.task is not None and not self.task.done()

    def start(self, who: str) -> str:
        job_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
        self.job_id = job_id
        self._write(job_id, {
            "job": job_id, "who": who, "state": "running", "started": _now(),
            "steps": [{"name": n, "label": label, "state": "pending"} for n, label in (
                ("checks", "Tarkistukset"), ("training", "Mallin opetus"),
                ("stories", "Testitarinat"), ("swap", "Uusi malli käyttöön"),
                ("write", "Tiedostojen tallennus"))]})
        self.task = asyncio.create_task(self._run(job_id, who))
        return job_id

    def status(self, job_id: str | None = None) -> dict[str, Any] | None:
        job = job_id or self.job_id or self._latest()
        if job is None:
            return None
        path = self.status_path(job)
        if not path.is_file():
            return None
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def _latest(self) -> str | None:
        if not self.folder.is_dir():
            return None
        names = sorted(p.stem for p in self.folder.glob("*.json"))
        return names[-1] if names else None

    def _write(self, job_id: str, status: dict[str, Any]) -> None:
        path = self.status_path(job_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(status, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)

    def _step(self, job_id: str, step: str, state: str, **fields: Any) -> None:
        status = self.status(job_id) or {}
        for item in status.get("steps", []):
            if item["name"] == step:
                item.update(state=state, **fields)
        if state == "failed":
            status.update(state="refused", reason=fields.get("detail", ""), finished=_now())
        self._write(job_id, status)

    async def _run(self, job_id: str, who: str) -> None:
        try:
            await run_tool(self.config, "editor.publish", ["prepare", "--job", job_id, "--who", who],
                           timeout=PREPARE_TIMEOUT_SECONDS)
            status = self.status(job_id) or {}
            if status.get("state") != "ready":
                return
            started = time.monotonic()
            self._step(job_id, "swap", "running", started=_now())
            try:
                loaded = await swap_model(self.rasa, str(status["model"]),
                                          self.config.swap_timeout_seconds)
            except SwapFailed as exc:
                self._step(job_id, "swap", "failed",
                           detail=f"Uutta mallia ei saatu käyttöön ({exc}). Vanha malli on yhä käytössä.")
                return
            self._step(job_id, "swap", "ok", seconds=round(time.monotonic() - started, 1),
                       detail=Path(loaded).name)
            await run_tool(self.config, "editor.publish", ["finalize", "--job", job_id],
                           timeout=PREPARE_TIMEOUT_SECONDS)
        except (EditorToolError, OSError, ValueError) as exc:
            log.warning("publish %s failed: %s", job_id, exc)
            status = self.status(job_id) or {"job": job_id, "steps": []}
            status.update(state="failed", reason=f"Julkaisu keskeytyi: {exc}", finished=_now())
            self._write(job_id, status)

    async def close(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()
