"""Gateway settings: one frozen dataclass, read once from the environment / .env."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = "http://localhost:8080"
    internal_token: str = ""
    session_secret: str = "dev-only-secret"
    database_url: str = "sqlite+aiosqlite:///var/kynnys.db"
    bus_url: str = "memory://"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""
    rasa_timeout_seconds: float = 10.0
    rasa_tracker_db: str = "var/rasa-tracker.db"
    message_retention_hours: float = 0.0
    max_message_chars: int = 2000
    volunteer_capacity: int = 2
    volunteer_grace_seconds: float = 60.0
    offer_timeout_seconds: float = 30.0
    crisis_help_interval_minutes: float = 10.0
    # a guard hit in bot talk waits this long for the bot's verdict (alarm or check-in) before it
    # alarms on its own; 0: alarm at once (handoff/relay.py)
    crisis_model_wait_seconds: float = 0.6
    youth_grace_seconds: float = 600.0
    login_max_failures: int = 5
    login_lockout_seconds: int = 900
    static_dir: Path = ROOT / "handoff" / "static"

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")


def _float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _str(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _sqlite_relative_to_root(url: str) -> str:
    """`sqlite+aiosqlite:///var/x.db` is relative to the repo root, whatever the cwd."""
    prefix = "sqlite+aiosqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        return prefix + str(ROOT / url[len(prefix):])
    return url


def load_settings(env_file: Path | None = None) -> Settings:
    """Read settings once: real environment variables win over the .env file."""
    load_dotenv(env_file or ROOT / ".env", override=False)
    rasa_host = _str("RASA_HOST", "127.0.0.1")
    rasa_port = _int("RASA_PORT", 5005)
    tracker = _str("RASA_TRACKER_DB", "var/rasa-tracker.db")
    if not Path(tracker).is_absolute():
        tracker = str(ROOT / tracker)
    return Settings(
        host=_str("GATEWAY_HOST", "127.0.0.1"),
        port=_int("GATEWAY_PORT", 8080),
        public_url=_str("GATEWAY_PUBLIC_URL", "http://localhost:8080"),
        internal_token=_str("GATEWAY_INTERNAL_TOKEN", ""),
        session_secret=_str("SESSION_SECRET", "dev-only-secret"),
        database_url=_sqlite_relative_to_root(_str("DATABASE_URL", "sqlite+aiosqlite:///var/kynnys.db")),
        bus_url=_str("BUS_URL", "memory://"),
        rasa_url=_str("RASA_URL", f"http://{rasa_host}:{rasa_port}"),
        rasa_token=_str("RASA_TOKEN", ""),
        rasa_timeout_seconds=_float("RASA_TIMEOUT_SECONDS", 10.0),
        rasa_tracker_db=tracker,
        message_retention_hours=_float("MESSAGE_RETENTION_HOURS", 0.0),
        max_message_chars=_int("MAX_MESSAGE_CHARS", 2000),
        volunteer_capacity=_int("VOLUNTEER_CAPACITY", 2),
        volunteer_grace_seconds=_float("VOLUNTEER_GRACE_SECONDS", 60.0),
        offer_timeout_seconds=_float("OFFER_TIMEOUT_SECONDS", 30.0),
        crisis_help_interval_minutes=_float("CRISIS_HELP_INTERVAL_MINUTES", 10.0),
        crisis_model_wait_seconds=_float("CRISIS_MODEL_WAIT_SECONDS", 0.6),
        youth_grace_seconds=_float("YOUTH_GRACE_SECONDS", 600.0),
    )
