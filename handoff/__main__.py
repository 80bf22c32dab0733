"""Run the gateway: `python -m handoff` (GATEWAY_HOST:GATEWAY_PORT)."""

from __future__ import annotations

from aiohttp import web

from handoff.app import create_app
from handoff.logging_setup import setup_logging
from handoff.settings import load_settings


def main() -> None:
    setup_logging()
    settings = load_settings()
    # access_log=None: no request lines at all, so no IP address or user agent is ever logged
    web.run_app(create_app(settings), host=settings.host, port=settings.port, access_log=None,
                print=lambda *_: None, shutdown_timeout=5)


if __name__ == "__main__":
    main()
