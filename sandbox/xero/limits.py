"""Xero's rate limits: per app and tenant, calls a minute, a day and at once; per app, a minute.

Windows slide over the injected clock's monotonic seconds, so tests move a
``FakeClock`` instead of waiting. Every admitted call learns what is left
(``X-MinLimit-Remaining``, ``X-DayLimit-Remaining``,
``X-AppMinLimit-Remaining``); a refused one gets 429 with ``Retry-After``
and ``X-Rate-Limit-Problem`` (minute, day, concurrent or appminute).
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass
from typing import TypeVar

from sandbox.common.clock import Clock

K = TypeVar("K")


@dataclass(frozen=True)
class RateLimits:
    """The limits in force; Xero's published figures by default."""

    per_minute: int = 60
    per_day: int = 5000
    concurrent: int = 5
    app_per_minute: int = 10_000
    minute_seconds: float = 60.0
    day_seconds: float = 86_400.0


@dataclass
class Admission:
    """A call let through: which slot to give back, and what is left."""

    key: tuple[str, str]
    minute_remaining: int
    day_remaining: int
    app_minute_remaining: int

    def headers(self) -> dict[str, str]:
        """The remaining-calls headers Xero puts on every answer."""
        return {
            "X-MinLimit-Remaining": str(self.minute_remaining),
            "X-DayLimit-Remaining": str(self.day_remaining),
            "X-AppMinLimit-Remaining": str(self.app_minute_remaining),
        }


class RateLimited(Exception):  # noqa: N818 - named after the condition, like Xero's "rate limited" state
    """A call refused: which limit, how long to wait, and what is left."""

    def __init__(self, problem: str, retry_after: int, remaining: dict[str, str]) -> None:
        super().__init__(problem)
        self.problem = problem
        self.retry_after = retry_after
        self.remaining = remaining


class RateLimiter:
    """Sliding-window counters for every (app, tenant) pair and every app."""

    def __init__(self, limits: RateLimits, clock: Clock) -> None:
        self.limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        self._minute: dict[tuple[str, str], deque[float]] = {}
        self._day: dict[tuple[str, str], deque[float]] = {}
        self._app_minute: dict[str, deque[float]] = {}
        self._in_flight: dict[tuple[str, str], int] = {}

    def acquire(self, client_id: str, tenant_id: str) -> Admission:
        """Count a call in, or raise ``RateLimited``; pair every success with ``release``."""
        limits = self.limits
        key = (client_id, tenant_id)
        with self._lock:
            now = self._clock.monotonic()
            minute = self._window(self._minute, key, now, limits.minute_seconds)
            day = self._window(self._day, key, now, limits.day_seconds)
            app_minute = self._window(self._app_minute, client_id, now, limits.minute_seconds)
            in_flight = self._in_flight.get(key, 0)
            remaining = {
                "X-MinLimit-Remaining": str(max(0, limits.per_minute - len(minute))),
                "X-DayLimit-Remaining": str(max(0, limits.per_day - len(day))),
                "X-AppMinLimit-Remaining": str(max(0, limits.app_per_minute - len(app_minute))),
            }
            if len(day) >= limits.per_day:
                raise RateLimited("day", self._wait(day, now, limits.day_seconds), remaining)
            if len(minute) >= limits.per_minute:
                raise RateLimited("minute", self._wait(minute, now, limits.minute_seconds), remaining)
            if len(app_minute) >= limits.app_per_minute:
                raise RateLimited("appminute", self._wait(app_minute, now, limits.minute_seconds), remaining)
            if in_flight >= limits.concurrent:
                raise RateLimited("concurrent", 1, remaining)
            minute.append(now)
            day.append(now)
            app_minute.append(now)
            self._in_flight[key] = in_flight + 1
            return Admission(
                key,
                limits.per_minute - len(minute),
                limits.per_day - len(day),
                limits.app_per_minute - len(app_minute),
            )

    def release(self, admission: Admission) -> None:
        """The call has been answered: free its concurrency slot."""
        with self._lock:
            left = self._in_flight.get(admission.key, 1) - 1
            if left > 0:
                self._in_flight[admission.key] = left
            else:
                self._in_flight.pop(admission.key, None)

    @staticmethod
    def _window(windows: dict[K, deque[float]], key: K, now: float, span: float) -> deque[float]:
        calls = windows.setdefault(key, deque())
        while calls and calls[0] <= now - span:
            calls.popleft()
        return calls

    @staticmethod
    def _wait(calls: deque[float], now: float, span: float) -> int:
        # The oldest call in the window leaves it at calls[0] + span.
        return max(1, math.ceil(calls[0] + span - now))
