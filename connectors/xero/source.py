"""Xero collections as extract sources."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from connectors.base.source import CollectionSource
from connectors.xero.client import ReadState, XeroClient
from connectors.xero.streams import XeroStream
from datashare.model.mapping import SourcePage

__all__ = ["XeroSource"]


def XeroSource(client: XeroClient, collection: XeroStream) -> CollectionSource:  # noqa: N802 (reads as a type)
    """A Xero collection read for its first canonical entity (Contacts for organizations and people)."""

    def read(cursor: str | None) -> Iterator[SourcePage]:
        for page in client.read(collection, cursor):
            yield SourcePage(page.records, page.cursor)

    def since(moment: datetime) -> str:
        return ReadState(since=moment.isoformat()).dump()

    return CollectionSource(
        "xero",
        collection.entities[0],
        collection.name,
        collection.id_field,
        read,
        since=since if collection.modified_since else None,
    )
