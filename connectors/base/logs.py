"""httpx logs every request's full URL at INFO; some apps put secrets in query strings (vTiger's session)."""

from __future__ import annotations

import logging

from datashare.redact import redact_text

__all__ = ["guard_http_logs"]


class _RedactFilter(logging.Filter):
    """Masks credentials in a log line before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the message with secrets masked; never drop the line."""
        record.msg = redact_text(record.getMessage())
        record.args = ()
        return True


def guard_http_logs() -> None:
    """Mask secrets in httpx's and httpcore's log lines (idempotent)."""
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactFilter) for f in logger.filters):
            logger.addFilter(_RedactFilter())
