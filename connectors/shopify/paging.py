"""Paging a GraphQL connection by ``updated_at`` without losing records that change while we read.

Within one read, pages follow ``pageInfo.endCursor``: Shopify's cursors are
keyset positions in (``updated_at``, id) order, so a record saved while we
read moves to the end of the order and is read again there, and nothing
shifts under the cursor. Between reads, the stored cursor is the newest
``updatedAt`` handed out (the anchor) and the ids handed out at exactly that
moment: the next read asks for ``updated_at:>='anchor'`` and drops those
ids, so records saved later in the anchor's second are still read.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field
from datetime import datetime

from connectors.base.paging import PagingLoopError

__all__ = ["UpdatedAtPaginator", "moment", "search_since"]


def moment(value: t.Any) -> datetime | None:
    """A Shopify ``DateTime`` (``2026-11-02T09:00:00Z``) as an aware datetime; None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def search_since(anchor: str) -> str:
    """The search of what changed at or after ``anchor``; the value is checked to be a timestamp (data is never code)."""
    if moment(anchor) is None:
        raise ValueError(f"not a Shopify timestamp: {anchor!r}")
    return f"updated_at:>='{anchor}'"


@dataclass
class UpdatedAtPaginator:
    """Pages of one connection in (``updatedAt``, id) order, from an anchor, skipping ids already read at it.

    >>> UpdatedAtPaginator(page_size=100, anchor="2026-11-02T09:00:00Z", seen={"7100000012"})

    After each page, ``anchor``/``seen`` are what the next read resumes from
    and ``fresh`` holds the page's records not handed out before.
    """

    page_size: int
    anchor: str | None = None
    seen: set[str] = field(default_factory=set)
    id_field: str = "legacyResourceId"
    has_next_page: bool = True
    fresh: list[dict[str, t.Any]] = field(default_factory=list)
    after: str | None = None
    _start: tuple[datetime | None, frozenset[str]] = (None, frozenset())
    _cursors: set[str] = field(default_factory=set)

    def init_request(self, params: dict[str, t.Any]) -> None:
        """The first page: from the anchor (everything when there is none)."""
        self._start = (moment(self.anchor), frozenset(self.seen))
        variables = params.setdefault("variables", {})
        variables["first"] = self.page_size
        variables["after"] = None
        variables["query"] = search_since(self.anchor) if self.anchor else None

    def update_state(self, body: t.Any, records: list[dict[str, t.Any]]) -> None:
        """Keep the records not read before; move the anchor to the newest ``updatedAt`` of the page."""
        start, start_seen = self._start
        self.fresh = [
            r for r in records if not (moment(r.get("updatedAt")) == start and str(r.get(self.id_field)) in start_seen)
        ]
        for record in records:
            when = moment(record.get("updatedAt"))
            if when is None:
                continue
            current = moment(self.anchor)
            if current is None or when > current:
                self.anchor, self.seen = record["updatedAt"], set()
            if when == moment(self.anchor):
                self.seen.add(str(record.get(self.id_field)))
        info = _page_info(body)
        self.has_next_page = bool(info.get("hasNextPage"))
        self.after = info.get("endCursor")
        if self.has_next_page:
            if not self.after or self.after in self._cursors:
                raise PagingLoopError(
                    f"Shopify answered the end cursor {self.after!r} twice (or none with more to read)"
                )
            self._cursors.add(self.after)

    def update_request(self, params: dict[str, t.Any]) -> None:
        """The next page: after the last cursor, same search."""
        params["variables"]["after"] = self.after


def _page_info(body: t.Any) -> dict[str, t.Any]:
    data = body.get("data") if isinstance(body, dict) else None
    connection = next(iter(data.values()), None) if isinstance(data, dict) and data else None
    info = connection.get("pageInfo") if isinstance(connection, dict) else None
    return info if isinstance(info, dict) else {}
