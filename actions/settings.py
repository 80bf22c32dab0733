"""Settings of the action server, read from the environment (and .env via python-dotenv)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

_ENV_FILE = Path(__file__).resolve().parent.parent / ".env"
load_dotenv(_ENV_FILE, override=False)


@dataclass(frozen=True)
class Settings:
    gateway_internal_url: str
    gateway_internal_token: str
    availability_timeout: float
    action_host: str
    action_port: int


def get_settings() -> Settings:
    """Read at call time, so a changed environment (tests, restarts) is honoured."""
    return Settings(
        gateway_internal_url=os.environ.get("GATEWAY_INTERNAL_URL", "http://127.0.0.1:8080"),
        gateway_internal_token=os.environ.get("GATEWAY_INTERNAL_TOKEN", ""),
        availability_timeout=float(os.environ.get("AVAILABILITY_TIMEOUT_SECONDS", "1.5")),
        action_host=os.environ.get("ACTION_HOST", "127.0.0.1"),
        action_port=int(os.environ.get("ACTION_PORT", "5055")),
    )
