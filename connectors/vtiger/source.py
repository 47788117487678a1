"""vTiger modules as extract sources: ``sync`` batches (changes and deletions), or whole tables without a modified time."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator
from dataclasses import dataclass

from connectors.vtiger.client import VtigerClient
from connectors.vtiger.streams import VtigerModule
from datashare.model.mapping import SourcePage

__all__ = ["VtigerSource"]


@dataclass
class VtigerSource:
    """One vTiger module read for its canonical entity."""

    client: VtigerClient
    module: VtigerModule
    app: str = "vtiger"

    @property
    def entity(self) -> str:
        """The canonical entity the records are staged under."""
        return self.module.entities[0]

    @property
    def stream(self) -> str:
        """The module's name (Products and Services both give items)."""
        return self.module.name

    def pages(self, cursor: str | None) -> Iterator[SourcePage]:
        """Changes and deletions since the cursor; a module without a modified time is read whole each time."""
        if self.module.incremental:
            for page in self.client.sync(self.module.name, cursor):
                yield SourcePage(page.updated, page.cursor, deleted=page.deleted)
        else:
            yield SourcePage(list(self.client.query_all(self.module.name)), cursor or "")

    def remote_id(self, record: dict[str, t.Any]) -> str | None:
        """The record's vTiger id (``<prefix>x<n>``)."""
        value = record.get("id")
        return str(value) if value not in (None, "") else None
