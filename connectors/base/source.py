"""One collection of an app, read for one canonical entity: what the extract stage needs of a connector."""

from __future__ import annotations

import typing as t
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from datashare.model.mapping import SourcePage

__all__ = ["CollectionSource"]


@dataclass
class CollectionSource:
    """Pages of raw records (and deleted ids) of one collection, with the cursor to store after each."""

    app: str
    entity: str
    stream: str
    id_field: str
    read: Callable[[str | None], Iterator[SourcePage]]
    since: Callable[[datetime], str] | None = None  # the cursor of "changed after this moment", if the app can

    def cursor_since(self, moment: datetime) -> str | None:
        """The cursor that reads what changed after ``moment`` (None: the app can only read everything)."""
        return self.since(moment) if self.since is not None else None

    def pages(self, cursor: str | None) -> Iterator[SourcePage]:
        """Everything changed since ``cursor`` (all of it when None)."""
        yield from self.read(cursor)

    def remote_id(self, record: dict[str, t.Any]) -> str | None:
        """The record's id in the app, or None when it has none."""
        value = record.get(self.id_field)
        return str(value) if value not in (None, "") else None
