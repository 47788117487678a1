"""Paging an incremental QUERY by ``Modified`` without losing records that change while we read.

Paging with ``start += max`` over ``Modified ge <cursor>`` loses records: one
saved while we read jumps to the end of the order and everything after its
old place shifts one forward, so the record at the page boundary is never
returned. ``ModifiedPaginator`` anchors every page at the newest ``Modified``
read so far instead (``Modified ge <newest>``, ``start`` 0) and drops the
records at that moment it has already handed out. ``start`` moves on only
while a whole page shares one moment (more than ``max`` records saved in one
second), and then one short, so a record leaving that group cannot make it
skip another. A page shorter than ``max`` ends the read, as Deputy's paging does.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field
from datetime import datetime

from connectors.base.paging import PagingLoopError
from connectors.deputy.streams import MAX_RECORDS

__all__ = ["ModifiedPaginator", "moment"]


def moment(value: t.Any) -> datetime | None:
    """A Deputy timestamp (``2026-11-02T09:00:00+10:00``) as an aware datetime; None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _record_id(record: dict[str, t.Any]) -> int | str | None:
    value = record.get("Id")
    return value if isinstance(value, int | str) and not isinstance(value, bool) else None


@dataclass
class ModifiedPaginator:
    """QUERY pages in (``Modified``, Id) order, each anchored at the newest ``Modified`` handed out so far.

    >>> ModifiedPaginator(modified="2026-11-02T09:00:00+10:00", seen={12, 13})   # resume a stored cursor

    ``modified``/``seen`` are the anchor and the ids already read at it; after
    each page they are what the next read resumes from, and ``fresh`` holds
    the page's records not handed out before.
    """

    page_size: int = MAX_RECORDS
    modified: str | None = None
    seen: set[int | str] = field(default_factory=set)
    modified_field: str = "Modified"
    has_next_page: bool = True
    fresh: list[dict[str, t.Any]] = field(default_factory=list)
    start: int = 0
    _last: tuple[t.Any, ...] | None = None

    def init_request(self, params: dict[str, t.Any]) -> None:
        """Oldest change first, ties by Id; from the anchor when there is one."""
        params["sort"] = {self.modified_field: "asc", "Id": "asc"}
        params["max"] = self.page_size
        self.update_request(params)

    def update_state(self, body: t.Any, records: list[dict[str, t.Any]]) -> None:
        """Keep the records not handed out before, and move the anchor to the newest ``Modified`` of the page."""
        anchor = moment(self.modified)
        at_anchor = [r for r in records if anchor is not None and moment(r.get(self.modified_field)) == anchor]
        repeated = {id(r) for r in at_anchor if _record_id(r) in self.seen}
        self.fresh = [r for r in records if id(r) not in repeated]
        self.has_next_page = len(records) >= self.page_size
        stamped = [(when, r) for r in records if (when := moment(r.get(self.modified_field))) is not None]
        if not stamped:
            if self.has_next_page:
                raise PagingLoopError(f"a full page of Deputy records without a readable {self.modified_field}")
            return
        newest, newest_record = max(stamped, key=lambda pair: pair[0])
        if anchor is not None and newest == anchor:
            # The whole page is one moment: step over it, one record short in case one left the group.
            self.seen.update(i for r in at_anchor if (i := _record_id(r)) is not None)
            self.start += max(1, len(records) - 1)
        else:
            self.modified = str(newest_record[self.modified_field])
            group = [r for when, r in stamped if when == newest]
            self.seen = {i for r in group if (i := _record_id(r)) is not None}
            # From start 0 the next page re-reads the group at the new anchor; a page that is all one
            # moment would come back whole, so step over it (one short) instead.
            self.start = max(1, len(records) - 1) if len(group) == len(records) and self.has_next_page else 0
        # With start moving on, two full pages never hold the same records; if they do, the server ignores start.
        page = tuple(_record_id(r) for r in records)
        if self.has_next_page and page == self._last:
            raise PagingLoopError(f"Deputy answered the same page twice at {self.modified_field} {self.modified}")
        self._last = page

    def update_request(self, params: dict[str, t.Any]) -> None:
        """Ask for what changed at or after the anchor, from ``start``."""
        params["start"] = self.start
        if self.modified is None:
            params.pop("search", None)
        else:
            params["search"] = {"s1": {"field": self.modified_field, "type": "ge", "data": self.modified}}
