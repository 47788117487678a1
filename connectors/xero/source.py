"""Xero collections as extract sources: pages of raw records with the cursor to store after each."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator
from dataclasses import dataclass

from connectors.xero.client import XeroClient
from connectors.xero.streams import XeroStream
from datashare.model.mapping import SourcePage

__all__ = ["XeroSource"]


@dataclass
class XeroSource:
    """One Xero collection read for its first canonical entity (Contacts for organizations and people)."""

    client: XeroClient
    collection: XeroStream
    app: str = "xero"

    @property
    def entity(self) -> str:
        """The canonical entity the raw records are staged under."""
        return self.collection.entities[0]

    @property
    def stream(self) -> str:
        """The Xero collection's name."""
        return self.collection.name

    def pages(self, cursor: str | None) -> Iterator[SourcePage]:
        """Pages changed since the cursor."""
        for page in self.client.read(self.collection, cursor):
            yield SourcePage(page.records, page.cursor)

    def remote_id(self, record: dict[str, t.Any]) -> str | None:
        """The record's Xero id (GUID, or TaxType for tax rates)."""
        value = record.get(self.collection.id_field)
        return str(value) if value not in (None, "") else None
