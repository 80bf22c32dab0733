"""The action server: rasa-sdk's app bound to ACTION_HOST:ACTION_PORT, with GET /healthz.

    python -m actions.server
"""

from __future__ import annotations

import logging

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.settings import get_settings

logger = logging.getLogger(__name__)


def build_app() -> Sanic:
    app = create_app("actions", cors_origins=[])

    @app.get("/healthz")
    async def healthz(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    app = build_app()
    logger.info("action server on http://%s:%s", settings.action_host, settings.action_port)
    app.run(
        host=settings.action_host,
        port=settings.action_port,
        workers=1,
        access_log=False,
    )


if __name__ == "__main__":
    main()
