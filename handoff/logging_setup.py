"""Logging without personal data: no IP addresses, no user agents, no message text.

- aiohttp's access log is off (`access_log=None` in __main__.py).
- aiohttp's own error lines name the client ("Error handling request from 1.2.3.4"): a filter on our
  handler rewrites any IPv4/IPv6 address in any log line to "[addr]".
- Our own loggers never log remote addresses, headers or message content.
"""

from __future__ import annotations

import logging
import re

_IPV4 = r"\b(?:\d{1,3}\.){3}\d{1,3}\b"
_IPV6 = r"(?<![\w:])[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){3,7}(?![\w:])"  # 3+ colons: not a clock time
_ADDRESS = re.compile(f"{_IPV4}|{_IPV6}|::1\\b")


def redact(text: str) -> str:
    return _ADDRESS.sub("[addr]", text)


class RedactAddresses(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.exc_info:
            record.msg, record.args = cleaned, None
            if record.exc_info:
                record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
                record.exc_info = None
        return True


def setup_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactAddresses())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    access = logging.getLogger("aiohttp.access")
    access.disabled = True
    access.propagate = False
