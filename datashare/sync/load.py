"""Load: merge mapped records into the hub, link first sightings to matching hub records, record tombstones."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

import pyarrow as pa

from datashare.model import CanonicalModel
from datashare.model.mapping import Mapped
from datashare.store import Hub
from datashare.store.schema import quote
from datashare.sync.matching import KeyIndex

__all__ = ["LoadCounts", "load_mapped"]


@dataclass
class LoadCounts:
    """What loading one (app, entity) batch did to the hub."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0
    deleted: int = 0


def _known(hub: Hub, entity: str, ids: list[UUID]) -> set[UUID]:
    """Which of ``ids`` the hub already holds for ``entity``."""
    if not ids:
        return set()
    rows = hub.query(
        f"SELECT id FROM {quote(entity)} WHERE list_contains(CAST(? AS UUID[]), id)", [str(i) for i in ids]
    )
    return {row[0] for row in rows}


def load_mapped(hub: Hub, app: str, mapped: list[Mapped], deleted: dict[str, list[UUID]] | None = None) -> LoadCounts:
    """Merge ``mapped`` (from one app) into the hub; ``deleted`` are tombstones per entity.

    A record the hub has never seen is first matched on its natural keys
    against the hub's live records: when one matches, the app's id is linked to
    it (the id map is re-pointed) and nothing new is created, so linking two
    apps that already share customers makes no duplicates.
    """
    counts = LoadCounts()
    by_entity: dict[str, list[Mapped]] = defaultdict(list)
    for item in mapped:
        by_entity[item.entity].append(item)
    for entity, items in by_entity.items():
        known = _known(hub, entity, [i.record.id for i in items if i.record.id is not None])
        index = KeyIndex(hub, entity)
        # A hub record already linked to another record of this app is that record's: never link a second.
        taken = {
            row[0]: str(row[1])
            for row in hub.query(
                "SELECT hub_id, remote_id FROM id_map WHERE app = ? AND entity = ? AND remote_id IS NOT NULL",
                app,
                entity,
            )
        }
        relinks: list[tuple[str, UUID]] = []
        to_load: dict[type[CanonicalModel], list[CanonicalModel]] = defaultdict(list)
        for item in items:
            record = item.record
            if record.id not in known:
                match = index.find(record)
                if match is not None and match != record.id and taken.get(match, item.remote_id) == item.remote_id:
                    relinks.append((item.remote_id, match))
                    taken[match] = item.remote_id
                    counts.linked += 1
                    continue
                index.add(record)
            to_load[type(record)].append(record)
        if relinks:
            _relink(hub, app, entity, relinks)
        for records in to_load.values():
            result = hub.upsert_records(records, source=app)
            counts.created += result.inserted
            counts.updated += result.updated
            counts.unchanged += result.unchanged
    for entity, ids in (deleted or {}).items():
        counts.deleted += hub.mark_deleted(entity, ids)
    return counts


def _relink(hub: Hub, app: str, entity: str, relinks: list[tuple[str, UUID]]) -> None:
    """Point the app's records at the hub records they matched, in one write."""
    table = pa.table({"remote_id": [r for r, _ in relinks], "hub_id": [str(h) for _, h in relinks]})
    hub.con.register("__relinks", table)
    try:
        hub.query(
            "UPDATE id_map SET hub_id = CAST(r.hub_id AS UUID), status = 'linked', updated_at = now() "
            "FROM __relinks r WHERE id_map.app = ? AND id_map.entity = ? AND id_map.remote_id = r.remote_id",
            app,
            entity,
        )
    finally:
        hub.con.unregister("__relinks")
