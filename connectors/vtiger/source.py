"""vTiger modules as extract sources: ``sync`` batches (changes and deletions), or whole tables without a modified time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from connectors.base.source import CollectionSource
from connectors.vtiger.client import SyncState, VtigerClient
from connectors.vtiger.streams import VtigerModule
from datashare.model.mapping import SourcePage

__all__ = ["VtigerSource"]


def VtigerSource(client: VtigerClient, module: VtigerModule) -> CollectionSource:  # noqa: N802 (reads as a type)
    """One vTiger module read for its canonical entity (Products and Services both give items)."""

    def read(cursor: str | None) -> Iterator[SourcePage]:
        if module.incremental:
            for page in client.sync(module.name, cursor):
                yield SourcePage(page.updated, page.cursor, deleted=page.deleted)
        else:
            # Tax and the like have no modified time: read whole each time (they are small).
            yield SourcePage(list(client.query_all(module.name)), cursor or "")

    def since(moment: datetime) -> str:
        return SyncState(int(moment.timestamp())).dump()

    return CollectionSource(
        "vtiger", module.entities[0], module.name, "id", read, since=since if module.incremental else None
    )
