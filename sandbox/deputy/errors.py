"""Deputy's error answers, and faults dressed as them.

Deputy publishes no error schema; this emulator answers
``{"error": {"code": <status>, "message": "..."}}`` with the HTTP status,
which is what Deputy's API has been seen to send but is not verified against
a documented shape. Clients should rely on the status code, not the body.
"""

from __future__ import annotations

import json
from typing import Any

from sandbox.common.faults import Fault

__all__ = ["API_PATH", "DeputyError", "deputy_fault", "error_body"]

API_PATH = r"/api/v1/"
"""What a fault rule matches to hit every API call of an install (mounted anywhere)."""


def error_body(status: int, message: str = "fault injected") -> bytes:
    """The JSON body of an error answer."""
    return json.dumps({"error": {"code": status, "message": message}}).encode()


class DeputyError(Exception):
    """An error Deputy answers with ``status`` and its error body."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The error as JSON."""
        return {"error": {"code": self.status, "message": self.message}}


def deputy_fault(*, method: str | None = None, path: str = API_PATH, **rule: Any) -> Fault:
    """A ``Fault`` on the install's API (``rule``: ``Fault``'s rates and times) with Deputy's error body."""
    return Fault(path=path, method=method, **rule).dressed(error_body)
