"""The shipped endpoints.yml must resolve its ${...} settings (make run uses it as it is)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.utils import read_endpoints_from_path

ROOT = Path(__file__).resolve().parents[2]


def test_endpoints_expand_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTION_HOST", "127.0.0.1")
    monkeypatch.setenv("ACTION_PORT", "5055")
    monkeypatch.setenv("RASA_TRACKER_DB", "var/rasa-tracker.db")
    endpoints = read_endpoints_from_path(ROOT / "endpoints.yml")
    assert endpoints.action is not None
    assert endpoints.action.url == "http://127.0.0.1:5055/webhook"
    assert endpoints.tracker_store is not None
    assert endpoints.tracker_store.kwargs["db"] == "var/rasa-tracker.db"
