"""Paging an incremental Get by ``DateUpdatedFrom`` without losing records that change while we read.

Paging with ``Page += 1`` over a fixed ``DateUpdatedFrom`` loses records: one
saved while we read jumps to the end of the (DateUpdated, id) order and
everything after its old place shifts one back, so the record at the page
boundary is never returned. ``UpdatedPaginator`` re-anchors instead: each
page asks ``DateUpdatedFrom = newest DateUpdated read so far - overlap`` from
``Page`` 0, and drops the records it already handed out at the same
``DateUpdated`` (dedup by id). Records edited during the read come back later
with their new ``DateUpdated``. ``Page`` moves on only while a whole page falls
inside the overlap (the anchor cannot move), so the read always progresses;
a page shorter than ``Limit`` ends it, as Neto's paging does.

The overlap re-reads the last few seconds on every page and at the next read:
Neto's dates are whole seconds in the site's local time, and a save in the
same second as the newest record read (or committed a moment late) is read
again rather than missed.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from connectors.base.paging import PagingLoopError

__all__ = ["DATE_FORMAT", "EPOCH", "UpdatedPaginator", "neto_time"]

DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
EPOCH = "1970-01-01 00:00:00"
"""The ``DateUpdatedFrom`` of a full read (Neto needs a filter on every Get)."""


def neto_time(value: t.Any) -> datetime | None:
    """A Neto date (``2026-11-02 09:00:00``, local time, no offset) as a naive datetime; None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip(), DATE_FORMAT)
    except ValueError:
        return None


@dataclass
class UpdatedPaginator:
    """Get pages in (``DateUpdated``, id) order, each anchored at the newest ``DateUpdated`` read, less the overlap.

    >>> UpdatedPaginator(page_size=100, updated_from="2026-11-02 09:00:00", seen={"N10001": "2026-11-02 09:00:03"})

    ``seen`` maps the ids read inside the overlap to the ``DateUpdated`` they
    were read at; a record coming back with the same one is dropped, one with a
    newer one (edited) is handed out again. ``fresh`` holds the last page's
    records not handed out before.
    """

    page_size: int
    updated_from: str | None = None
    seen: dict[str, str] = field(default_factory=dict)
    overlap: timedelta = timedelta(seconds=5)
    id_field: str = "ID"
    updated_field: str = "DateUpdated"
    page: int = 0
    has_next_page: bool = True
    fresh: list[dict[str, t.Any]] = field(default_factory=list)
    newest: datetime | None = None
    _asked: set[tuple[str | None, int]] = field(default_factory=set)

    def init_request(self, params: dict[str, t.Any]) -> None:
        """The first page: from the anchor (the beginning of time when there is none), ``Page`` 0."""
        self.page = 0
        self.update_request(params)

    def update_state(self, body: t.Any, records: list[dict[str, t.Any]]) -> None:
        """Keep the records not handed out before; move the anchor to the newest ``DateUpdated`` less the overlap."""
        self.fresh = []
        for record in records:
            key, updated = str(record.get(self.id_field, "")), record.get(self.updated_field)
            if key and isinstance(updated, str) and self.seen.get(key) == updated:
                continue
            self.fresh.append(record)
            when = neto_time(updated)
            if key and when is not None:
                self.seen[key] = updated  # type: ignore[assignment]  # a str: neto_time read it
                self.newest = when if self.newest is None or when > self.newest else self.newest
        self.has_next_page = len(records) >= self.page_size
        if self.newest is None:
            if self.has_next_page:
                raise PagingLoopError(f"a full page of Neto records without a readable {self.updated_field}")
            return
        anchor = (self.newest - self.overlap).strftime(DATE_FORMAT)
        if self.updated_from is None or anchor > self.updated_from:
            self.updated_from, self.page = anchor, 0
        else:
            # The whole page lies inside the overlap: step over it rather than ask for it again.
            self.page += 1
        self.seen = {k: v for k, v in self.seen.items() if v >= self.updated_from}
        if self.has_next_page and (self.updated_from, self.page) in self._asked:
            raise PagingLoopError(f"Neto page {self.page} from {self.updated_from} would be asked for twice")

    def update_request(self, params: dict[str, t.Any]) -> None:
        """Ask for what changed at or after the anchor, page ``page``."""
        self._asked.add((self.updated_from, self.page))
        query = params.setdefault("Filter", {})
        query["DateUpdatedFrom"] = self.updated_from or EPOCH
        query["Page"] = self.page
        query["Limit"] = self.page_size
