"""The emulator's memory: one Deputy install's records, its timezone, its API tokens, its clock and budget.

Records are kept as Deputy shows them (ISO timestamps in the install's
offset, Unix seconds for shift times), one table per object, with integer ids
counting from 1 per object. One re-entrant lock guards everything, so the app
can serve several threads at once.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Any

from sandbox.common.clock import Clock, SystemClock
from sandbox.deputy.objects import OBJECTS
from sandbox.deputy.values import stamp

__all__ = ["SAMPLE_TOKEN", "UTC_OFFSETS", "DeputyState"]

SAMPLE_TOKEN = "dsDeputyPermanent26k"  # noqa: S105 - the sandbox's public sample credential
"""The permanent API token every sample install accepts (``Authorization: Bearer <token>``)."""

# Fixed offsets: AU as Australia/Sydney outside daylight saving, US as Pacific standard time.
UTC_OFFSETS: dict[str, timedelta] = {
    "AU": timedelta(hours=10),
    "US": timedelta(hours=-8),
    "NZ": timedelta(hours=12),
}


class DeputyState:
    """The records, tokens and settings of one emulated Deputy install; thread-safe through ``lock``.

    ``per_minute``: the most API calls answered in any 60 seconds of the
    clock (None: no limit, the default; Deputy publishes none); a call past it
    gets 429 with ``Retry-After``.
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        country: str = "AU",
        tokens: tuple[str, ...] = (SAMPLE_TOKEN,),
        per_minute: int | None = None,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.country = country.upper()
        self.tz = timezone(UTC_OFFSETS.get(self.country, timedelta(0)))
        self.tokens = set(tokens)
        self.per_minute = per_minute
        self.lock = threading.RLock()
        self.tables: dict[str, dict[int, dict[str, Any]]] = {name: {} for name in OBJECTS}
        self._next_id: dict[str, int] = dict.fromkeys(OBJECTS, 1)

    def now(self) -> datetime:
        """The clock's time in the install's timezone, to the second (Deputy's timestamps have no fractions)."""
        return self.clock.now().astimezone(self.tz).replace(microsecond=0)

    def now_stamp(self) -> str:
        """Now as Deputy writes timestamps."""
        return stamp(self.now(), self.tz)

    def new_id(self, name: str) -> int:
        """The next id of an object's table."""
        with self.lock:
            record_id = self._next_id[name]
            self._next_id[name] = record_id + 1
            return record_id

    def record(self, name: str, record_id: int) -> dict[str, Any] | None:
        """The stored record (not a copy), or None."""
        with self.lock:
            return self.tables[name].get(record_id)
