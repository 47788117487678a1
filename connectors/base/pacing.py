"""Pacing: stay under an app's call limits instead of running into them.

``WindowPacer`` keeps a log of its own calls in a sliding window and, when the
app reports how many calls remain (Xero's ``X-MinLimit-Remaining``), believes
the app: other processes may share the quota. It sends as fast as the limit
allows and waits only when the window is full, so a long extract finishes in
the least time the limit permits.
"""

from __future__ import annotations

import threading
import time
import typing as t
from collections import deque
from dataclasses import dataclass, field

import httpx

__all__ = ["WindowPacer"]


@dataclass
class WindowPacer:
    """At most ``limit`` calls per ``window`` seconds, corrected by the app's remaining-calls header."""

    limit: int
    window: float = 60.0
    remaining_header: str | None = None
    clock: t.Callable[[], float] = time.monotonic
    sleep: t.Callable[[float], None] = time.sleep
    _sent: deque[float] = field(default_factory=deque)
    _blocked_until: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    waited: float = 0.0

    def _expire(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - self.window:
            self._sent.popleft()

    def before(self) -> None:
        """Wait until a call fits in the window, then count it."""
        with self._lock:
            while True:
                now = self.clock()
                self._expire(now)
                wait = self._blocked_until - now
                if wait <= 0 and len(self._sent) < self.limit:
                    self._sent.append(now)
                    return
                if wait <= 0:
                    wait = self._sent[0] + self.window - now
                wait = max(wait, 0.001)
                self.waited += wait
                self.sleep(wait)

    def after(self, response: httpx.Response) -> None:
        """If the app says no calls remain, hold back until our oldest call leaves the window."""
        if self.remaining_header is None:
            return
        value = response.headers.get(self.remaining_header)
        if value is None or not value.strip().lstrip("-").isdigit():
            return
        with self._lock:
            if int(value) <= 0 and self._sent:
                self._blocked_until = max(self._blocked_until, self._sent[0] + self.window)
