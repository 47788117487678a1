"""Injected faults in Xero's clothing.

``xero_fault`` builds a ``sandbox.common.Fault`` whose error body is the one
Xero's gateway sends for that status. ``XeroFaultBodies`` wraps the fault
middleware and dresses any injected error that still carries the generic
default body, so a plan changed at run time (``plan.set(Fault(...))``) also
answers like Xero.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.common.faults import Fault

_GENERIC_BODY = Fault().error_body

_MESSAGES = {
    500: ("An error occurred", "An error occurred in Xero. Check the API Status page http://status.developer.xero.com "
          "for current service status. Contact the API support team at api@xero.com for more assistance."),
    502: ("Bad Gateway", "The Xero API is temporarily unavailable. Please try again shortly."),
    503: ("Service Unavailable", "The Xero API is temporarily unavailable or the organisation is offline for "
          "maintenance. Please try again shortly."),
    504: ("Gateway Timeout", "The request took too long to complete. Please try again with a smaller request."),
}  # fmt: skip


def xero_error_body(status: int) -> bytes:
    """Xero's body for an injected 5xx answer."""
    title, detail = _MESSAGES.get(status, ("An error occurred", f"Xero answered {status}."))
    body: dict[str, Any] = {"Title": title, "Status": status, "Detail": detail, "Instance": "sandbox-fault"}
    return json.dumps(body).encode()


def xero_fault(path: str = ".*", method: str | None = None, **rule: Any) -> Fault:
    """A fault rule (``rule``: ``Fault``'s rates and times) whose errors look like Xero's."""
    return Fault(path=path, method=method, **rule).dressed(xero_error_body)


class XeroFaultBodies:
    """Swap the generic injected-error body for Xero's; everything else passes untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Hold a 5xx start until its body shows whether it is an injected generic error."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: dict[str, Message] = {}

        async def dress(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] >= 500:
                held["start"] = message
                return
            start = held.pop("start", None)
            if start is not None:
                body = message.get("body", b"")
                if message["type"] == "http.response.body" and body == _GENERIC_BODY and not message.get("more_body"):
                    body = xero_error_body(start["status"])
                    headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                    headers.append((b"content-length", str(len(body)).encode()))
                    start = {**start, "headers": headers}
                    message = {**message, "body": body}
                await send(start)
            await send(message)

        await self.app(scope, receive, dress)
