"""Start real Kynnys processes on free ports and stop them again.

Everything here is synchronous (subprocess + urllib), so the fixtures can be session-scoped and
shared by async tests, Playwright tests and plain tests alike.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOT_PY = ROOT / ".venv-bot" / "bin" / "python"
RASA = ROOT / ".venv-bot" / "bin" / "rasa"
GW_PY = ROOT / ".venv-gw" / "bin" / "python"
MODEL = Path(os.environ.get("KYNNYS_TEST_MODEL", "") or ROOT / "models" / "kynnys.tar.gz")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 (loopback only)
            return 200 <= resp.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


@dataclass
class Process:
    name: str
    proc: subprocess.Popen[bytes]
    log_path: Path
    url: str

    def wait_ready(self, health_url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            if http_ok(health_url):
                return
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                return
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)


def spawn(name: str, args: list[str], env: Mapping[str, str], log_dir: Path, url: str) -> Process:
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    log = log_path.open("wb")
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "VIRTUAL_ENV"))}
    full_env.update(env)
    full_env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.Popen(args, cwd=str(ROOT), env=full_env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    log.close()
    return Process(name, proc, log_path, url)


# --- Rasa -------------------------------------------------------------------------------------

@dataclass
class RasaServer:
    url: str
    token: str
    tracker_db: Path
    process: Process


def start_rasa(work: Path, action_url: str | None = None, timeout: float = 420.0) -> RasaServer:
    if not MODEL.exists():
        raise RuntimeError(f"no trained model at {MODEL}: run scripts/train.sh first")
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    token = secrets.token_urlsafe(16)
    tracker = work / "rasa-tracker.db"
    endpoints = work / "endpoints.yml"
    lines = ["tracker_store:", "  type: SQL", '  dialect: "sqlite"', f'  db: "{tracker}"']
    if action_url:
        lines += ["action_endpoint:", f'  url: "{action_url}/webhook"']
    endpoints.write_text("\n".join(lines) + "\n")
    args = [str(RASA), "run", "--enable-api", "--auth-token", token, "-i", "127.0.0.1", "-p", str(port),
            "-m", str(MODEL), "--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml")]
    url = f"http://127.0.0.1:{port}"
    env = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    proc = spawn("rasa", args, env, work, url)
    proc.wait_ready(f"{url}/status?token={token}", timeout)
    # /status answers before the model is fully loaded on some versions: wait for a parse too
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        req = urllib.request.Request(f"{url}/model/parse?token={token}", data=b'{"text":"moi"}',
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310
                if resp.status == 200:
                    break
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    return RasaServer(url=url, token=token, tracker_db=tracker, process=proc)


# --- action server ----------------------------------------------------------------------------

def start_action_server(work: Path, gateway_internal_url: str, internal_token: str,
                        timeout: float = 90.0) -> Process:
    port = free_port()
    env = {"ACTION_HOST": "127.0.0.1", "ACTION_PORT": str(port), "GATEWAY_INTERNAL_URL": gateway_internal_url,
           "GATEWAY_INTERNAL_TOKEN": internal_token}
    url = f"http://127.0.0.1:{port}"
    proc = spawn("actions", [str(BOT_PY), "-m", "actions.server"], env, work, url)
    proc.wait_ready(f"{url}/healthz", timeout)
    return proc


# --- gateway ----------------------------------------------------------------------------------

@dataclass
class Gateway:
    url: str
    port: int
    env: dict[str, str]
    work: Path
    process: Process | None = None
    users: list[str] = field(default_factory=list)

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/ws/youth"

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        full_env = dict(os.environ)
        full_env.update(self.env)
        full_env["PYTHONPATH"] = str(ROOT)
        return subprocess.run([str(GW_PY), "-m", "handoff.cli", *args], cwd=str(ROOT), env=full_env,
                              input=stdin, capture_output=True, text=True, timeout=60, check=False)

    def make_user(self, role: str = "volunteer", alias: str | None = "auto",
                  capacity: int | None = None) -> tuple[str, str]:
        """Create an account through the CLI; returns (username, password)."""
        username = f"{role[:3]}{len(self.users) + 1}_{secrets.token_hex(3)}"
        password = secrets.token_urlsafe(14)
        args = ["user", "add", username, "--role", role, "--password-stdin"]
        if alias == "auto":
            alias = f"Vol{len(self.users) + 1}"
        if alias:
            args += ["--alias", alias]
        if capacity is not None:
            args += ["--capacity", str(capacity)]
        res = self.cli(*args, stdin=password + "\n")
        if res.returncode != 0:
            raise RuntimeError(f"user add failed: {res.stderr}")
        self.users.append(username)
        return username, password

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()

    def restart(self, timeout: float = 30.0) -> None:
        self.stop()
        self.process = spawn("gateway", [str(GW_PY), "-m", "handoff"], self.env, self.work, self.url)
        self.process.wait_ready(f"{self.url}/healthz", timeout)


def gateway_env(work: Path, port: int, rasa_url: str, rasa_token: str, tracker_db: Path | str,
                **overrides: str) -> dict[str, str]:
    env = {
        "GATEWAY_HOST": "127.0.0.1", "GATEWAY_PORT": str(port), "GATEWAY_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "GATEWAY_INTERNAL_URL": f"http://127.0.0.1:{port}", "GATEWAY_INTERNAL_TOKEN": secrets.token_urlsafe(16),
        "SESSION_SECRET": secrets.token_urlsafe(32), "DATABASE_URL": f"sqlite+aiosqlite:///{work / 'kynnys.db'}",
        "BUS_URL": "memory://", "RASA_URL": rasa_url, "RASA_TOKEN": rasa_token, "RASA_TRACKER_DB": str(tracker_db),
        "MESSAGE_RETENTION_HOURS": "0", "MAX_MESSAGE_CHARS": "2000", "VOLUNTEER_CAPACITY": "2",
        "VOLUNTEER_GRACE_SECONDS": "60", "RASA_TIMEOUT_SECONDS": "20",
    }
    env.update(overrides)
    return env


def start_gateway(work: Path, rasa_url: str, rasa_token: str = "", tracker_db: Path | str = "",
                  port: int | None = None, timeout: float = 30.0, **overrides: str) -> Gateway:
    port = port or free_port()
    work.mkdir(parents=True, exist_ok=True)
    env = gateway_env(work, port, rasa_url, rasa_token, tracker_db or work / "no-tracker.db", **overrides)
    gw = Gateway(url=f"http://127.0.0.1:{port}", port=port, env=env, work=work)
    res = gw.cli("migrate")
    if res.returncode != 0:
        raise RuntimeError(f"migrate failed: {res.stderr}")
    gw.process = spawn("gateway", [str(GW_PY), "-m", "handoff"], env, work, gw.url)
    gw.process.wait_ready(f"{gw.url}/healthz", timeout)
    return gw


def python_version_ok() -> bool:
    return sys.version_info >= (3, 11)
