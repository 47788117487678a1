"""Keep secrets out of logs, artifacts, rejects and the hub."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["REDACTED", "redact", "redact_text"]

REDACTED = "***"

_SECRET_KEY = re.compile(
    r"pass(word)?|secret|token|api[_-]?key|access[_-]?key|authori[sz]ation|session(name)?|cookie|refresh", re.I
)
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_QUERY_SECRET = re.compile(
    r"(?i)([?&](?:access_token|refresh_token|client_secret|code|sessionName|accessKey|api_key)=)[^&\s]+"
)


def redact(value: Any) -> Any:
    """A copy of a JSON-like value with every secret-looking field's value replaced by ``***``."""
    if isinstance(value, dict):
        return {k: REDACTED if _SECRET_KEY.search(str(k)) else redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def redact_text(text: str) -> str:
    """A string with bearer/basic credentials and secret query parameters masked."""
    return _QUERY_SECRET.sub(rf"\1{REDACTED}", _BEARER.sub(rf"\1 {REDACTED}", text))
