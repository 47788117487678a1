"""Clocks for the emulators: the real one, a fake one tests can move, and one that seeds as of a chosen moment."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """What an emulator needs to know about time."""

    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (for rate-limit windows)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait (or pretend to wait) for ``seconds``."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        """The current UTC time."""
        return datetime.now(UTC)

    def monotonic(self) -> float:
        """``time.monotonic()``."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Really sleep."""
        time.sleep(seconds)


class SeedingClock:
    """A chosen moment while the sample data is made, then another clock (the machine's, by default).

    A sandbox's emulators share one: their seeds read ``moment`` (stopped, so
    the same moment gives the same data on any day), and once ``seeded()`` is
    called they serve on ``after``, as a real service does. ``moment`` should
    not lie ahead of ``after``: records written later would be stamped before
    the seeded ones, and incremental readers would miss them. Monotonic time
    and sleeps are always ``after``'s (rate-limit windows keep working while
    seeding).
    """

    def __init__(self, moment: datetime | None = None, after: Clock | None = None) -> None:
        self.after: Clock = after or SystemClock()
        if moment is not None and moment.tzinfo is None:
            raise ValueError("a seeding moment must be timezone-aware")
        self.moment = (moment or self.after.now()).astimezone(UTC)
        self.seeding = True

    def now(self) -> datetime:
        """``moment`` until the seeds are written, ``after``'s time from then on."""
        return self.moment if self.seeding else self.after.now()

    def monotonic(self) -> float:
        """``after``'s monotonic seconds."""
        return self.after.monotonic()

    def sleep(self, seconds: float) -> None:
        """``after``'s sleep."""
        self.after.sleep(seconds)

    def seeded(self) -> None:
        """The sample data is made: from now on tell ``after``'s time."""
        self.seeding = False


class FakeClock:
    """A clock that only moves when told to, so tests of expiry and rate limits run fast."""

    def __init__(self, start: datetime | None = None) -> None:
        self._start = start or datetime(2026, 1, 1, tzinfo=UTC)
        self._elapsed = 0.0

    def now(self) -> datetime:
        """Start time plus everything ``advance`` and ``sleep`` added."""
        from datetime import timedelta

        return self._start + timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        """Seconds elapsed since the fake clock started."""
        return self._elapsed

    def sleep(self, seconds: float) -> None:
        """Advance instead of sleeping."""
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self._elapsed += max(0.0, seconds)
