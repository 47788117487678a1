"""Magento lists as extract sources: what changed since the cursor, by ``updated_at`` with an id tie-break."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from connectors.base.source import CollectionSource
from connectors.magento.client import MagentoClient
from connectors.magento.paging import ReadCursor, magento_time
from connectors.magento.streams import MagentoStream
from datashare.model.mapping import SourcePage

__all__ = ["MagentoSource"]


def MagentoSource(client: MagentoClient, stream: MagentoStream) -> CollectionSource:  # noqa: N802 (reads as a type)
    """One Magento list read for its canonical entity (customers -> organizations, orders -> invoices…).

    ``since(moment)`` gives the cursor of everything changed at or after
    ``moment``; a cursor of None reads everything (a re-import).
    """

    def read(cursor: str | None) -> Iterator[SourcePage]:
        for page in client.read(stream, cursor):
            yield SourcePage(page.records, page.cursor)

    def since(moment: datetime) -> str:
        return ReadCursor(updated_at=magento_time(moment)).dump()

    return CollectionSource("magento", stream.entity, stream.name, stream.id_field, read, since=since)
