"""Paging an incremental search by ``updated_at`` with an id tie-break, so no record is lost or looped on.

``currentPage`` paging over ``updated_at >= cursor`` loses records: one
saved while we read jumps to the end of the order and everything after its
old place shifts one forward, so the record at a page boundary is never
returned. And Magento answers a page past the end with the last page again,
so a loop that counts pages can spin. ``KeysetPaginator`` always asks for
page 1, anchored after the last record read, ``(updated_at, id)``, as two
filter groups (groups are ANDed, filters in a group ORed)::

    updated_at >= T   AND   (updated_at > T  OR  id > last id)

sorted by ``updated_at`` then id. A record saved during the read moves to
a later ``updated_at`` and is read again further on; nothing is skipped. It
stops on a short page or when ``total_count`` says the page held the rest.
"""

from __future__ import annotations

import json
import typing as t
from dataclasses import dataclass
from datetime import UTC, datetime

from connectors.base.errors import FatalError
from connectors.base.paging import PagingLoopError
from connectors.magento.criteria import Filter, drop_filters, search_params

__all__ = ["KeysetPaginator", "ReadCursor", "magento_time", "parse_magento_time"]

_FORMAT = "%Y-%m-%d %H:%M:%S"


def magento_time(moment: datetime) -> str:
    """A moment as Magento writes it: ``YYYY-MM-DD HH:MM:SS`` in UTC."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime(_FORMAT)


def parse_magento_time(value: t.Any) -> datetime | None:
    """A Magento timestamp as an aware UTC datetime; None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip(), _FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


@dataclass(frozen=True)
class ReadCursor:
    """Where an incremental read stands: after ``(updated_at, after_id)``; stored as the (app, entity) cursor.

    ``after_id`` None means "everything at ``updated_at`` again" (kept while
    that second is too recent to be closed: a save in the same second may
    still come).
    """

    updated_at: str | None = None
    after_id: int | None = None

    @classmethod
    def parse(cls, cursor: str | None) -> ReadCursor:
        """Read a stored cursor (None or empty: from the beginning)."""
        if not cursor:
            return cls()
        data = json.loads(cursor)
        after = data.get("after_id")
        return cls(data.get("updated_at"), int(after) if after is not None else None)

    def dump(self) -> str:
        """The cursor to store."""
        return json.dumps({"updated_at": self.updated_at, "after_id": self.after_id}, sort_keys=True)


def _record_id(record: dict[str, t.Any], field: str) -> int | None:
    value = record.get(field)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdecimal():
        return int(value)
    return None


@dataclass
class KeysetPaginator:
    """Pages of one search in (``updated_at``, id) order, each anchored after the last record read.

    >>> KeysetPaginator(page_size=100, id_field="entity_id", anchor=ReadCursor("2026-11-01 00:00:00", 41))
    """

    page_size: int
    id_field: str
    updated_field: str = "updated_at"
    anchor: ReadCursor = ReadCursor()
    has_next_page: bool = True
    total_seen: int = 0

    def _groups(self) -> list[list[Filter]]:
        stamp, after = self.anchor.updated_at, self.anchor.after_id
        if stamp is None:
            return []
        groups = [[Filter(self.updated_field, stamp, "gteq")]]
        if after is not None:
            groups.append([Filter(self.updated_field, stamp, "gt"), Filter(self.id_field, str(after), "gt")])
        return groups

    def init_request(self, params: dict[str, t.Any]) -> None:
        """Oldest change first, ties by id, page 1 of ``page_size``, from the anchor."""
        params.update(
            search_params(
                self._groups(),
                [(self.updated_field, "ASC"), (self.id_field, "ASC")],
                page_size=self.page_size,
                current_page=1,
            )
        )

    def update_state(self, body: t.Any, records: list[dict[str, t.Any]]) -> None:
        """Move the anchor to the page's last record; stop on a short page or when ``total_count`` is reached."""
        total = body.get("total_count") if isinstance(body, dict) else None
        if not isinstance(total, int) or isinstance(total, bool):
            raise FatalError(f"Magento's search answer has no total_count (got {total!r})")
        self.has_next_page = len(records) >= self.page_size and total > len(records)
        if not records:
            return
        last = records[-1]
        stamp, key = last.get(self.updated_field), _record_id(last, self.id_field)
        if parse_magento_time(stamp) is None or key is None:
            raise PagingLoopError(
                f"Magento record without a readable {self.updated_field} and {self.id_field} ends a page: "
                f"{self.updated_field}={stamp!r}, {self.id_field}={last.get(self.id_field)!r}"
            )
        moved = ReadCursor(str(stamp), key)
        if self.has_next_page and moved == self.anchor:
            raise PagingLoopError(f"Magento answered the same page twice after {moved.dump()}")
        self.anchor = moved
        self.total_seen += len(records)

    def update_request(self, params: dict[str, t.Any]) -> None:
        """Re-anchor the filters after the last record read; the page stays 1."""
        drop_filters(params)
        groups = self._groups()
        if groups:
            params.update(search_params(groups))
