"""Log lines never carry an IP address."""

from __future__ import annotations

import logging

from handoff.logging_setup import RedactAddresses, redact


def test_addresses_are_redacted_from_any_log_line() -> None:
    assert redact("Error handling request from 192.168.1.20") == "Error handling request from [addr]"
    assert redact("peer 2001:db8::8a2e:370:7334 left") == "peer [addr] left"
    assert redact("seq 12 of 2000 chars at 18:30:05") == "seq 12 of 2000 chars at 18:30:05"
    record = logging.LogRecord("aiohttp.server", logging.ERROR, __file__, 1, "Error handling request from %s",
                               ("10.0.0.7",), None)
    try:
        raise RuntimeError("boom at 10.0.0.7")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    assert RedactAddresses().filter(record)
    assert "10.0.0.7" not in record.getMessage() and "10.0.0.7" not in (record.exc_text or "")
