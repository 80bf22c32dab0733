"""Runs editor operations in the bot environment (.venv-bot has ruamel.yaml and Rasa).

The gateway's Python has neither, so each operation is one short subprocess:
`python -m editor.workspace OP` with a JSON request on stdin and a JSON answer on stdout.
The workspace itself serialises operations with a file lock.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class EditorToolError(Exception):
    """The editor tool could not run or answered something that is not JSON."""


@dataclass(frozen=True)
class EditorConfig:
    root: Path  # the live project: data files, models/, var/editor/
    python: Path  # .venv-bot's python
    code_root: Path  # where the editor package lives (the repo)
    op_timeout_seconds: float = 120.0
    swap_timeout_seconds: float = 300.0

    def env(self) -> dict[str, str]:
        import os

        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        env["PYTHONPATH"] = str(self.code_root)
        env["TF_CPP_MIN_LOG_LEVEL"] = "3"
        env["RASA_TELEMETRY_ENABLED"] = "false"
        return env


async def run_tool(config: EditorConfig, module: str, args: list[str],
                   request: dict[str, Any] | None = None, timeout: float | None = None) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        str(config.python), "-m", module, "--root", str(config.root), *args,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        cwd=str(config.code_root), env=config.env())
    try:
        out, err = await asyncio.wait_for(
            process.communicate(json.dumps(request or {}).encode()),
            timeout or config.op_timeout_seconds)
    except TimeoutError as exc:
        process.kill()
        await process.wait()
        raise EditorToolError(f"{module} {' '.join(args)} took too long") from exc
    lines = [line for line in out.decode("utf-8", "replace").splitlines() if line.startswith("{")]
    if not lines:
        tail = err.decode("utf-8", "replace")[-2000:]
        raise EditorToolError(f"{module} {' '.join(args)} failed (exit {process.returncode}): {tail}")
    answer = json.loads(lines[-1])
    if not isinstance(answer, dict):
        raise EditorToolError(f"{module} answered {answer!r}")
    return answer


async def workspace_op(config: EditorConfig, op: str, request: dict[str, Any]) -> dict[str, Any]:
    return await run_tool(config, "editor.workspace", [op], request)
