"""What a domain run tells a watcher in the same process as it goes: the steps it plans, each step begun and done.

The demo draws progress bars from it; without a watcher nothing happens. A
watcher must never fail a run, so what it raises is swallowed.
"""

from __future__ import annotations

import contextlib
import threading
import typing as t
from collections.abc import Iterator

__all__ = ["Watcher", "began", "done", "planned", "watching"]


class Watcher(t.Protocol):
    """Told of one tenant's domain run as it goes."""

    def planned(self, tenant: str, domain: str, steps: int) -> None:
        """The run will take ``steps`` steps (pulls, then pushes)."""

    def began(self, tenant: str, domain: str, step: str) -> None:
        """A step (``pull xero Contacts``, ``push people to vtiger``) has begun."""

    def done(self, tenant: str, domain: str, row: dict[str, t.Any]) -> None:
        """A step ended with its summary row (read, created, updated…)."""


_watchers: list[Watcher] = []
_lock = threading.Lock()


@contextlib.contextmanager
def watching(watcher: Watcher) -> Iterator[Watcher]:
    """Tell ``watcher`` of every domain run in this process within the block."""
    with _lock:
        _watchers.append(watcher)
    try:
        yield watcher
    finally:
        with _lock:
            _watchers.remove(watcher)


def _tell(call: t.Callable[[Watcher], None]) -> None:
    with _lock:
        watchers = list(_watchers)
    for watcher in watchers:
        with contextlib.suppress(Exception):  # progress is a courtesy; the run goes on whatever the display does
            call(watcher)


def planned(tenant: str, domain: str, steps: int) -> None:
    """Tell the watchers how many steps the run will take."""
    _tell(lambda w: w.planned(tenant, domain, steps))


def began(tenant: str, domain: str, step: str) -> None:
    """Tell the watchers a step has begun."""
    _tell(lambda w: w.began(tenant, domain, step))


def done(tenant: str, domain: str, row: dict[str, t.Any]) -> None:
    """Tell the watchers a step has ended, with its summary row."""
    _tell(lambda w: w.done(tenant, domain, row))
