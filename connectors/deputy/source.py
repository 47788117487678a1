"""Deputy objects as extract sources: what changed since the cursor, by ``Modified``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from connectors.base.source import CollectionSource
from connectors.deputy.client import DeputyClient, QueryState
from connectors.deputy.streams import DeputyStream
from datashare.model.mapping import SourcePage

__all__ = ["DeputySource"]


def DeputySource(client: DeputyClient, stream: DeputyStream) -> CollectionSource:  # noqa: N802 (reads as a type)
    """One Deputy object read for its canonical entity (Employee -> employees, Timesheet -> time_activities)."""

    def read(cursor: str | None) -> Iterator[SourcePage]:
        for page in client.read(stream, cursor):
            yield SourcePage(page.records, page.cursor)

    def since(moment: datetime) -> str:
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        return QueryState(modified=aware.isoformat(timespec="seconds")).dump()

    return CollectionSource("deputy", stream.entities[0], stream.name, stream.id_field, read, since=since)
