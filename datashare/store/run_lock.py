"""The hub's run lock: whoever changes a tenant's hub as a whole (a run, a restore) holds it, one at a time.

An OS file lock (``flock``) on ``<hub>.run-lock`` beside the hub. The kernel
drops it the moment its process ends, SIGKILL included, so it never outlives
its holder; nobody else can take it while the holder lives.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["HubBusyError", "hold_run_lock", "run_lock_path"]

POLL_SECONDS = 1.0

log = logging.getLogger(__name__)


class HubBusyError(TimeoutError):
    """Another process held the hub's run lock for longer than the caller would wait."""


def run_lock_path(hub: Path) -> Path:
    """Where a hub's run lock lives."""
    return hub.with_name(hub.name + ".run-lock")


@contextlib.contextmanager
def hold_run_lock(hub: Path, *, wait_seconds: float, who: str) -> Iterator[None]:
    """Hold the hub's run lock for the block, waiting up to ``wait_seconds`` for its holder (``who``: for messages)."""
    path = run_lock_path(hub)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    with path.open("a+") as handle:
        said = False
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise HubBusyError(f"{who}: another run still holds {path}") from None
                if not said:
                    log.info("%s: waiting for its other run to end (%s)", who, path)
                    said = True
                time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
