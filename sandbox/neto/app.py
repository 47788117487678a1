"""The ASGI app of one Neto site: ``POST /do/WS/NetoAPI``, the action named by ``NETOAPI_ACTION``.

Every call needs ``NETOAPI_KEY`` and ``NETOAPI_USERNAME`` naming a key of the
site; anything else is ``Ack: Error`` "Authentication failure" (HTTP 200, as
Neto answers refusals inside the envelope). An unknown action, a body that is
not JSON, a missing filter or OutputSelector are ``Ack: Error`` too. Each key
may make ``state.per_minute`` calls (Neto: 500) in any minute of the site's
clock; the call past that is HTTP 429 and so is every call of that key for the
next minute (no ``Retry-After``: Neto documents none). Injected faults and the
``Date`` header wrap everything.
"""

from __future__ import annotations

import json
from collections import deque
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from sandbox.common.date_header import DateHeaderMiddleware
from sandbox.common.faults import FaultMiddleware, FaultPlan
from sandbox.neto.actions import GETS, WRITES, currency_settings, run_get, run_write
from sandbox.neto.errors import AUTH_FAILURE, NetoError, messages
from sandbox.neto.state import NetoState
from sandbox.neto.wire import render

__all__ = ["API_PATH", "create_app"]

API_PATH = "/do/WS/NetoAPI"
_BLOCK_SECONDS = 60.0


class _Budget:
    """Calls per key in a sliding minute; past the limit, the key is shut out for a minute."""

    def __init__(self, state: NetoState) -> None:
        self.state = state
        self.calls: dict[str, deque[float]] = {}
        self.blocked_until: dict[str, float] = {}

    def allow(self, key: str) -> bool:
        """Count a call of ``key`` in, or say it is refused."""
        with self.state.lock:
            now = self.state.clock.monotonic()
            if now < self.blocked_until.get(key, float("-inf")):
                return False
            calls = self.calls.setdefault(key, deque())
            while calls and calls[0] <= now - 60:
                calls.popleft()
            if len(calls) >= self.state.per_minute:
                self.blocked_until[key] = now + _BLOCK_SECONDS
                calls.clear()
                return False
            calls.append(now)
            return True


def create_app(state: NetoState | None = None, *, faults: FaultPlan | None = None) -> ASGIApp:
    """The emulator over ``state`` (an empty AUD site if None; seed it with ``seed_sample``).

    ``faults`` can be changed while the app serves (tests flip them on and off).
    """
    site = state if state is not None else NetoState()
    budget = _Budget(site)

    async def endpoint(request: Request) -> Response:
        accept = request.headers.get("accept", "")
        username = request.headers.get("netoapi_username", "")
        key = request.headers.get("netoapi_key", "")
        if not key or site.keys.get(username) != key:
            return render(
                NetoError(AUTH_FAILURE, "The API key or username is invalid").envelope(site.now_stamp()), accept
            )
        if not budget.allow(key):
            refused = NetoError("Too many requests", f"More than {site.per_minute} calls in a minute; wait a minute")
            return render(refused.envelope(site.now_stamp()), accept, status=429)
        action = request.headers.get("netoapi_action", "")
        try:
            body = _body(await request.body())
            with site.lock:
                answer, warnings = _run(site, action, body)
                now = site.now_stamp()
        except NetoError as error:
            return render(error.envelope(site.now_stamp()), accept)
        envelope: dict[str, Any] = {**answer, "CurrentTime": now, "Ack": "Warning" if warnings else "Success"}
        if warnings:
            envelope["Messages"] = messages("Warning", warnings)
        return render(envelope, accept)

    app = Starlette(routes=[Route(API_PATH, endpoint, methods=["POST"])])
    return DateHeaderMiddleware(FaultMiddleware(app, faults if faults is not None else FaultPlan()), site.clock)


def _body(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw.strip() else {}
    except ValueError:
        raise NetoError(
            "Invalid request body", "The body must be JSON (this sandbox does not take XML requests)"
        ) from None


def _run(site: NetoState, action: str, body: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    if action in GETS:
        return run_get(site, action, body)
    if action in WRITES:
        return run_write(site, action, body), []
    if action == "GetCurrencySettings":
        return currency_settings(site), []
    known = ", ".join(sorted((*GETS, *WRITES, "GetCurrencySettings")))
    raise NetoError("Invalid action", f"NETOAPI_ACTION {action or '(none)'} is not one of {known}")
