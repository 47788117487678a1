"""Shopify's throttling, read once: GraphQL cost in ``extensions.cost`` and ``THROTTLED`` errors.

``graphql_check`` classifies an answer (HTTP first, as every connector does,
then GraphQL's own errors): ``THROTTLED`` is a ``RateLimitError`` whose
``retry_after`` is how long the bucket takes to hold the query's cost
(``(requested - available) / restoreRate``), so the one retry policy waits
exactly as the API says and asks for the same page again; any other GraphQL
error is fatal. ``CostPacer`` waits *before* a query the bucket cannot pay
for yet, from the last ``throttleStatus`` seen, so a long read rarely meets
``THROTTLED`` at all.
"""

from __future__ import annotations

import math
import threading
import time
import typing as t
from dataclasses import dataclass, field

import httpx

from connectors.base.bodies import json_body, object_of
from connectors.base.errors import FatalError, RateLimitError, classify_response

__all__ = ["CostPacer", "graphql_check", "throttle_wait"]

_FALLBACK_WAIT = 1.0


def _body(response: httpx.Response) -> t.Any:
    try:
        return response.json()
    except ValueError:
        return None


def _cost(body: t.Any) -> dict[str, t.Any]:
    extensions = body.get("extensions") if isinstance(body, dict) else None
    cost = extensions.get("cost") if isinstance(extensions, dict) else None
    return cost if isinstance(cost, dict) else {}


def throttle_wait(body: t.Any) -> float:
    """Seconds until the bucket holds the requested cost (a second when the answer does not say)."""
    cost = _cost(body)
    status = cost.get("throttleStatus") or {}
    try:
        needed = float(cost["requestedQueryCost"]) - float(status["currentlyAvailable"])
        rate = float(status["restoreRate"])
    except (KeyError, TypeError, ValueError):
        return _FALLBACK_WAIT
    if rate <= 0:
        return _FALLBACK_WAIT
    # A tenth of a second more, so the bucket has really refilled when we ask again.
    return max(0.0, math.ceil(needed / rate * 10) / 10) + 0.1


def graphql_check(response: httpx.Response) -> None:
    """Raise the right error for a failed answer, GraphQL's errors included; return quietly for data."""
    classify_response(response)
    body = object_of(json_body(response))  # cut short, a proxy's page, empty, ``[]``: MalformedResponseError
    errors = body.get("errors")
    if not errors:
        return
    listed = errors if isinstance(errors, list) else [errors]
    codes = {str((e.get("extensions") or {}).get("code")) for e in listed if isinstance(e, dict)}
    if "THROTTLED" in codes:
        raise RateLimitError("Shopify GraphQL: throttled", status=response.status_code, retry_after=throttle_wait(body))
    messages = "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in listed)
    raise FatalError(f"Shopify GraphQL: {messages[:500]}", status=response.status_code)


@dataclass
class CostPacer:
    """Waits before a query until the bucket (as last reported, refilled since) holds the dearest query seen.

    The dearest requested cost so far stands for the next query's (a page of
    one stream costs the same every time; the odd cheaper follow-up query
    must not make the next page meet ``THROTTLED``). A tenth of a second is
    added, as the shop reports its level rounded.
    """

    clock: t.Callable[[], float] = time.monotonic
    sleep: t.Callable[[float], None] = time.sleep
    waited: float = 0.0
    _available: float | None = None
    _maximum: float = 0.0
    _restore: float = 0.0
    _expected: float = 0.0
    _at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def before(self) -> None:
        """Sleep until the bucket should hold the expected cost (the last requested cost)."""
        with self._lock:
            if self._available is None or self._restore <= 0:
                return
            now = self.clock()
            available = min(self._maximum, self._available + (now - self._at) * self._restore)
            short = min(self._expected, self._maximum) - available
            if short > 0:
                wait = short / self._restore + 0.1
                self.waited += wait
                self.sleep(wait)

    def after(self, response: httpx.Response) -> None:
        """Learn the bucket's level and the query's cost from ``extensions.cost``."""
        cost = _cost(_body(response))
        status = cost.get("throttleStatus") or {}
        try:
            available = float(status["currentlyAvailable"])
            maximum = float(status["maximumAvailable"])
            restore = float(status["restoreRate"])
            expected = float(cost.get("requestedQueryCost") or 0)
        except (KeyError, TypeError, ValueError):
            return
        with self._lock:
            self._available, self._maximum, self._restore = available, maximum, restore
            self._expected, self._at = max(self._expected, expected), self.clock()
