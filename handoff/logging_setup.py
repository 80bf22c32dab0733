"""Logging without personal data: no IP addresses, no user agents, no message text.

aiohttp's access log is switched off (see __main__.py: access_log=None); this module only sets the
format of our own loggers, which never log remote addresses or content.
"""

from __future__ import annotations

import logging


def setup_logging(level: str = "INFO") -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiohttp.access").disabled = True
    logging.getLogger("aiohttp.access").propagate = False
