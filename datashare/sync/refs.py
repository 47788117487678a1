"""``Refs`` backed by the hub: the id map for remote ids, the canonical tables for natural codes.

Lookups are loaded per entity in one query on first use, and the hub ids given
to records seen for the first time are written back in one upsert (``flush``),
so mapping a page costs a handful of queries, not one per record.

A key of the form ``"<entity>:<field>"`` (e.g. ``"items:code"``, as Xero names
items on invoice lines by code) looks the natural field up in the hub's
canonical table instead of the id map.
"""

from __future__ import annotations

from uuid import UUID, uuid4, uuid5

import pyarrow as pa

from datashare.model import model_for
from datashare.store import Hub
from datashare.store.schema import quote

__all__ = ["HubRefs"]

_PLACEHOLDERS = UUID("0d8f6b3e-5a7c-4e1d-9b2a-7c6e5d4f3a21")


class HubRefs:
    """Id lookups between one app and the hub."""

    def __init__(self, hub: Hub, app: str) -> None:
        self.hub = hub
        self.app = app
        self._to_hub: dict[str, dict[str, UUID]] = {}
        self._to_remote: dict[str, dict[UUID, str]] = {}
        self._new: list[tuple[str, UUID, str]] = []

    def _load(self, key: str) -> None:
        if key in self._to_hub:
            return
        entity, _, field = key.partition(":")
        model_for(entity)
        if field:
            if field not in model_for(entity).model_fields:
                raise KeyError(f"{entity} has no field {field!r} to look records up by")
            rows = self.hub.query(
                f"SELECT CAST({quote(field)} AS VARCHAR), id FROM {quote(entity)} "
                f"WHERE {quote(field)} IS NOT NULL AND deleted_at IS NULL"
            )
        else:
            rows = self.hub.query(
                "SELECT remote_id, hub_id FROM id_map WHERE app = ? AND entity = ? AND remote_id IS NOT NULL",
                self.app,
                entity,
            )
        self._to_hub[key] = {str(remote): hub_id for remote, hub_id in rows}
        self._to_remote[key] = {hub_id: str(remote) for remote, hub_id in rows}

    def hub_id(self, entity: str, remote_id: str) -> UUID:
        """The hub id of a remote record; a record never seen gets a new id, remembered for ``flush``."""
        self._load(entity)
        known = self._to_hub[entity].get(remote_id)
        if known is not None:
            return known
        # A code the hub does not hold yet gets a stable placeholder, so mapping the same record
        # twice gives the same content (and no spurious update) until the coded record arrives.
        new = uuid5(_PLACEHOLDERS, f"{self.app}/{entity}/{remote_id}") if ":" in entity else uuid4()
        self._to_hub[entity][remote_id] = new
        self._to_remote[entity][new] = remote_id
        if ":" not in entity:
            self._new.append((entity, new, remote_id))
        return new

    def remote_known(self, entity: str, remote_id: str) -> UUID | None:
        """The hub id of a remote record already in the id map, without giving out a new one."""
        self._load(entity)
        return self._to_hub[entity].get(remote_id)

    def remote_id(self, entity: str, hub_id: UUID) -> str | None:
        """The app's id (or natural code) of a hub record, or None when the app does not have it yet."""
        self._load(entity)
        return self._to_remote[entity].get(hub_id)

    def flush(self) -> int:
        """Write the ids given out since the last flush into the id map, in one upsert."""
        if not self._new:
            return 0
        table = pa.table(
            {
                "entity": [e for e, _, _ in self._new],
                "hub_id": [str(h) for _, h, _ in self._new],
                "app": [self.app] * len(self._new),
                "remote_id": [r for _, _, r in self._new],
            }
        )
        self._new.clear()
        return self.hub.upsert_id_map(table).inserted
