"""Neto streams as extract sources: what changed since the cursor, by ``DateUpdated``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from connectors.base.source import CollectionSource
from connectors.neto.client import NetoClient, NetoCursor
from connectors.neto.paging import DATE_FORMAT
from connectors.neto.streams import NetoStream
from datashare.model.mapping import SourcePage

__all__ = ["SITE_TZ", "NetoSource"]

SITE_TZ = timezone(timedelta(hours=10))
"""The sample site's local time (AEST), in which Neto writes every date."""


def NetoSource(client: NetoClient, stream: NetoStream, *, site_tz: tzinfo = SITE_TZ) -> CollectionSource:  # noqa: N802 (reads as a type)
    """One Neto stream read for its first canonical entity (customers -> organizations, orders -> invoices...).

    ``site_tz``: the site's timezone, to turn a ``since`` moment into Neto's local time.
    """

    def read(cursor: str | None) -> Iterator[SourcePage]:
        for page in client.read(stream, cursor):
            yield SourcePage(page.records, page.cursor)

    def since(moment: datetime) -> str:
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        return NetoCursor(updated_from=aware.astimezone(site_tz).strftime(DATE_FORMAT)).dump()

    return CollectionSource("neto", stream.entities[0], stream.name, stream.id_field, read, since=since)
