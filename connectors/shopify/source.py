"""Shopify streams as extract sources: what changed since the cursor, by ``updatedAt``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from connectors.base.source import CollectionSource
from connectors.shopify.client import ReadState, ShopifyClient
from connectors.shopify.streams import ShopifyStream
from datashare.model.mapping import SourcePage

__all__ = ["ShopifySource"]


def ShopifySource(client: ShopifyClient, stream: ShopifyStream) -> CollectionSource:  # noqa: N802 (reads as a type)
    """One stream read for its canonical entity (customers -> organizations, products -> items, orders -> invoices)."""

    def read(cursor: str | None) -> Iterator[SourcePage]:
        for page in client.read(stream, cursor):
            yield SourcePage(page.records, page.cursor)

    def since(moment: datetime) -> str:
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        stamp = aware.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        return ReadState(updated_at=stamp).dump()

    return CollectionSource("shopify", stream.entity, stream.name, stream.id_field, read, since=since)
