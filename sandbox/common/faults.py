"""Faults on demand: a share of 5xx answers, timeouts and slow answers, per endpoint.

A ``FaultPlan`` is a list of ``Fault`` rules, each matching request paths by a
regular expression (and optionally a method). The ``FaultMiddleware`` wraps any
emulator's ASGI app and applies the first rule that matches. Plans can be
changed while the server runs (tests and the demo flip them on and off), and
draws are seeded so a test sees the same faults every run.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send


@dataclass(frozen=True)
class Fault:
    """One rule: which requests it hits and what goes wrong with them.

    ``error_rate``: share of matching requests answered with ``error_status``.
    ``timeout_rate``: share that hang for ``timeout_seconds`` and then drop the
    connection without an answer (the client sees a timeout or a broken read).
    ``delay_seconds``: added to every matching request (a slow endpoint).
    ``error_body``/``error_content_type``: what an injected error answers, in the vendor's shape.
    """

    path: str = ".*"
    method: str | None = None
    error_rate: float = 0.0
    error_status: int = 503
    timeout_rate: float = 0.0
    timeout_seconds: float = 30.0
    delay_seconds: float = 0.0
    error_body: bytes = b'{"Title":"Service Unavailable","Detail":"fault injected"}'
    error_content_type: str = "application/json"

    def dressed(self, body_for: Callable[[int], bytes], content_type: str = "application/json") -> Fault:
        """The same rule, its injected errors in a vendor's own shape (``body_for(status)``)."""
        return replace(self, error_body=body_for(self.error_status), error_content_type=content_type)

    def matches(self, method: str, path: str) -> bool:
        """Whether this rule applies to a request."""
        if self.method and self.method.upper() != method.upper():
            return False
        return re.search(self.path, path) is not None


@dataclass
class FaultPlan:
    """The faults in force; thread-safe, seeded, changeable at run time."""

    faults: list[Fault] = field(default_factory=list)
    seed: int = 0
    injected: int = 0

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def set(self, *faults: Fault) -> None:
        """Replace the rules (no arguments clears them)."""
        with self._lock:
            self.faults = list(faults)

    def clear(self) -> None:
        """No faults from now on."""
        self.set()

    def draw(self, method: str, path: str) -> tuple[str, Fault] | None:
        """Decide the fate of one request: ``("error"|"timeout"|"delay", rule)`` or None."""
        with self._lock:
            for rule in self.faults:
                if not rule.matches(method, path):
                    continue
                roll = self._random.random()
                if roll < rule.error_rate:
                    self.injected += 1
                    return "error", rule
                if roll < rule.error_rate + rule.timeout_rate:
                    self.injected += 1
                    return "timeout", rule
                if rule.delay_seconds > 0:
                    return "delay", rule
                return None
        return None


class FaultMiddleware:
    """ASGI middleware that applies a ``FaultPlan`` before the wrapped app answers."""

    def __init__(self, app: ASGIApp, plan: FaultPlan) -> None:
        self.app = app
        self.plan = plan

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Maybe fail, hang or slow down; otherwise pass the request on."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        fate = self.plan.draw(scope["method"], scope["path"])
        if fate is None:
            await self.app(scope, receive, send)
            return
        kind, rule = fate
        if kind == "delay":
            await asyncio.sleep(rule.delay_seconds)
            await self.app(scope, receive, send)
        elif kind == "timeout":
            await _hold(receive, rule.timeout_seconds)
            # Start an answer and abandon it: the server drops the connection, so a client that
            # waited this long sees a broken read, never a well-formed error it could mistake for data.
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1024")]})
            raise ConnectionAbortedError("fault injected: timeout")
        else:
            body = rule.error_body
            headers: list[tuple[bytes, bytes]] = [
                (b"content-type", rule.error_content_type.encode()),
                (b"content-length", str(len(body)).encode()),
            ]
            start: dict[str, Any] = {"type": "http.response.start", "status": rule.error_status, "headers": headers}
            await send(start)
            await send({"type": "http.response.body", "body": body})


async def _hold(receive: Receive, seconds: float) -> None:
    """Wait ``seconds``, or less if the client gives up and disconnects first."""

    async def disconnected() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(disconnected(), timeout=seconds)
