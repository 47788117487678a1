"""Neto's failure answers: ``Ack: Error`` envelopes (HTTP 200), 429 for the call budget, and faults dressed as Neto.

Neto reports a refused request inside the envelope with HTTP 200:
``{"Ack": "Error", "Messages": {"Error": {"Message", "SeverityCode", "Description"}}}``;
``Messages.Error`` is one object for one message and a list for several, as
the SDKs that wrap Neto expect (sfinktah/neto, NetoDotNET's SingleOrArrayConverter).
The wording of the messages is this emulator's (Neto publishes no catalogue).
"""

from __future__ import annotations

import json
from typing import Any

from sandbox.common.faults import Fault

__all__ = ["API_PATH", "AUTH_FAILURE", "NetoError", "messages", "neto_fault"]

API_PATH = r"/do/WS/NetoAPI"
"""What a fault rule matches to hit every API call (mounted anywhere)."""

AUTH_FAILURE = "Authentication failure"
"""The Message of a refused key or username."""


def messages(kind: str, found: list[tuple[str, str]]) -> dict[str, Any]:
    """``{"Error"|"Warning": one object or a list}``: one message is an object, several a list."""
    shaped = [{"Message": m, "SeverityCode": kind, "Description": d} for m, d in found]
    return {kind: shaped[0] if len(shaped) == 1 else shaped}


class NetoError(Exception):
    """A request Neto refuses with ``Ack: Error`` (one or more messages)."""

    def __init__(self, message: str, description: str = "", *more: tuple[str, str]) -> None:
        super().__init__(message)
        self.found = [(message, description or message), *more]

    def envelope(self, now: str) -> dict[str, Any]:
        """The whole answer."""
        return {"CurrentTime": now, "Ack": "Error", "Messages": messages("Error", self.found)}


def _fault_body(status: int) -> bytes:
    return json.dumps(
        {"Ack": "Error", "Messages": messages("Error", [("Service unavailable", f"fault injected ({status})")])}
    ).encode()


def neto_fault(*, path: str = API_PATH, **rule: Any) -> Fault:
    """A ``Fault`` on the API (``rule``: ``Fault``'s rates and status) with a Neto-shaped body."""
    return Fault(path=path, **rule).dressed(_fault_body)
