"""Shared fixtures: the whole Kynnys stack as real processes on free ports.

- `kynnys_stack` (session): the action server, Rasa (trained model models/kynnys.tar.gz, SQLite tracker
  store in a temp dir) and the gateway (`python -m handoff`, temp SQLite DB), wired together. Rasa
  starts once per pytest run.
- `gateway` / `console_env`: the stack's gateway (`.url`, `.ws_url`, `.make_user(role) -> (username,
  password)`, `.cli(...)`, `.env`).
- `gateway_without_rasa` (module): a second gateway whose Rasa address is a closed port.

Async helpers for the protocols are in tests/support/clients.py (YouthWS, Console,
logged_in_console). In-process fixtures for fast gateway tests are in tests/gateway/conftest.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.processes import (
    Gateway,
    Process,
    RasaServer,
    free_port,
    start_action_server,
    start_gateway,
    start_rasa,
)


@dataclass
class Stack:
    gateway: Gateway
    rasa: RasaServer
    actions: Process


@pytest.fixture(scope="session")
def kynnys_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    work = tmp_path_factory.mktemp("stack")
    gateway_port = free_port()
    internal_token = secrets.token_urlsafe(16)
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    actions = start_action_server(work / "actions", gateway_url, internal_token)
    rasa: RasaServer | None = None
    gateway: Gateway | None = None
    try:
        rasa = start_rasa(work / "rasa", action_url=actions.url)
        gateway = start_gateway(work / "gateway", rasa.url, rasa.token, rasa.tracker_db, port=gateway_port,
                                GATEWAY_INTERNAL_TOKEN=internal_token)
        yield Stack(gateway=gateway, rasa=rasa, actions=actions)
    finally:
        if gateway is not None:
            gateway.stop()
        if rasa is not None:
            rasa.process.stop()
        actions.stop()


@pytest.fixture(scope="session")
def gateway(kynnys_stack: Stack) -> Gateway:
    return kynnys_stack.gateway


@pytest.fixture(scope="session")
def console_env(kynnys_stack: Stack) -> Gateway:
    return kynnys_stack.gateway


@pytest.fixture(scope="module")
def gateway_without_rasa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    work = tmp_path_factory.mktemp("gw-no-rasa")
    gw = start_gateway(work, f"http://127.0.0.1:{free_port()}", "", work / "tracker.db", RASA_TIMEOUT_SECONDS="3")
    yield gw
    gw.stop()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "stack: uses the real Rasa + action server + gateway processes")


ROOT = Path(__file__).resolve().parents[1]
