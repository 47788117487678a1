"""Salesforce objects as extract sources: pages changed since a cursor, with getDeleted's ids on the last."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from connectors.base.source import CollectionSource
from connectors.salesforce.client import ReadState, SalesforceClient
from connectors.salesforce.soql import datetime_literal
from connectors.salesforce.streams import SObject
from datashare.model.mapping import SourcePage

__all__ = ["SalesforceSource"]


def SalesforceSource(client: SalesforceClient, stream: SObject) -> CollectionSource:  # noqa: N802 (reads as a type)
    """One Salesforce object read for its canonical entity.

    Product2 records come with their standard price book entry as
    ``StandardPrice``; Orders with their lines as ``OrderItems`` and the id of
    the product lines naming no item go on as ``StandInProductId`` (two more
    queries per page).
    """
    if stream.entity is None:
        raise ValueError(f"Salesforce {stream.name} is a helper table, not a stream")

    def read(cursor: str | None) -> Iterator[SourcePage]:
        for page in client.changes(stream.name, cursor):
            records = page.records
            ids = [str(r["Id"]) for r in records]
            if stream.name == "Product2" and records:
                prices = client.standard_prices(ids)
                records = [{**r, "StandardPrice": prices.get(str(r["Id"]))} for r in records]
            elif stream.name == "Order" and records:
                records = client.with_lines(records)
            yield SourcePage(records, page.cursor, deleted=page.deleted)

    def since(moment: datetime) -> str:
        stamp = datetime_literal(moment)
        return ReadState(modstamp=stamp, deleted_since=stamp).dump()

    return CollectionSource("salesforce", stream.entity, stream.name, "Id", read, since=since)
