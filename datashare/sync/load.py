"""Load: merge mapped records into the hub.

- A record the hub has never seen is first matched on its natural keys against
  the hub's live records: when one matches, the app's id is linked to it (the id
  map is re-pointed) and nothing new is created, so linking two apps that
  already share customers makes no duplicates.
- A record the hub already holds is merged field by field against the app's
  last snapshot (``datashare.sync.merge``); conflicts are settled by the
  entity's policy and recorded.
- Tombstones mark hub records deleted.
"""

from __future__ import annotations

import typing as t
from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

import pyarrow as pa

from datashare.model import CanonicalModel
from datashare.model.mapping import Mapped
from datashare.store import Hub
from datashare.store.schema import quote
from datashare.sync.matching import KeyIndex
from datashare.sync.merge import NOT_MERGED, Policy, merge_fields, same_value
from datashare.sync.push import held_hash

__all__ = ["LoadCounts", "load_mapped"]

NEWEST = Policy()


@dataclass
class LoadCounts:
    """What loading one (app, entity) batch did to the hub."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0
    deleted: int = 0
    conflicts: int = 0


def load_mapped(
    hub: Hub,
    app: str,
    mapped: list[Mapped],
    deleted: dict[str, list[UUID]] | None = None,
    *,
    policies: dict[str, Policy] | None = None,
    run_id: str | None = None,
) -> LoadCounts:
    """Merge ``mapped`` (records of one app) into the hub; ``deleted`` are tombstones per entity."""
    counts = LoadCounts()
    by_entity: dict[str, list[Mapped]] = defaultdict(list)
    for item in mapped:
        by_entity[item.entity].append(item)
    for entity, items in by_entity.items():
        _load_entity(hub, app, entity, items, (policies or {}).get(entity, NEWEST), run_id, counts)
    for entity, ids in (deleted or {}).items():
        counts.deleted += hub.mark_deleted(entity, ids, app=app)
    return counts


def _load_entity(
    hub: Hub, app: str, entity: str, items: list[Mapped], policy: Policy, run_id: str | None, counts: LoadCounts
) -> None:
    current = hub.records(entity, [i.record.id for i in items if i.record.id is not None])
    bases = hub.snapshots(entity, app, list(current))
    index = KeyIndex(hub, entity)
    # A hub record already linked to another record of this app is that record's: never link a second.
    taken = {
        row[0]: str(row[1])
        for row in hub.query(
            "SELECT hub_id, remote_id FROM id_map WHERE app = ? AND entity = ? AND remote_id IS NOT NULL", app, entity
        )
    }
    relinks: list[tuple[str, UUID]] = []
    in_step: list[UUID] = []  # records the app now holds as the hub does: nothing to push back to it
    snapshots: list[tuple[UUID, dict[str, object]]] = []
    conflicts: list[dict[str, object]] = []
    to_write: dict[type[CanonicalModel], list[CanonicalModel]] = defaultdict(list)
    for item in items:
        record = item.record
        incoming = record.model_dump(mode="json")
        if record.id in current:
            hub_record = current[record.id]
            result = merge_fields(
                bases.get(record.id), hub_record.model_dump(mode="json"), incoming, app=app, policy=policy
            )
            conflicts += [
                {
                    "entity": entity,
                    "hub_id": record.id,
                    "field": c.field,
                    "base": c.base,
                    "hub": c.hub,
                    "app": app,
                    "app_value": c.app,
                    "policy": policy.name,
                    "winner": c.winner,
                }
                for c in result.conflicts
            ]
            snapshots.append((record.id, incoming))
            if holds_all(incoming, result.record):
                in_step.append(record.id)
            if result.changed:
                to_write[type(record)].append(type(record).model_validate(result.record))
            else:
                counts.unchanged += 1
            continue
        match = index.find(record)
        if match is not None and match != record.id and taken.get(match, item.remote_id) == item.remote_id:
            relinks.append((item.remote_id, match))
            taken[match] = item.remote_id
            snapshots.append((match, {**incoming, "id": str(match)}))
            in_step.append(match)  # linking is not a change: the app keeps its spelling until the hub changes
            counts.linked += 1
            continue
        index.add(record)
        assert record.id is not None  # the map stage gave every record its hub id
        snapshots.append((record.id, incoming))
        in_step.append(record.id)
        to_write[type(record)].append(record)
    if relinks:
        _relink(hub, app, entity, relinks)
    for records in to_write.values():
        written = hub.upsert_records(records, source=app)
        counts.created += written.inserted
        counts.updated += written.updated
        counts.unchanged += written.unchanged
    hub.save_snapshots(entity, app, snapshots)
    counts.conflicts += hub.add_conflicts(conflicts, run_id=run_id)
    _app_holds(hub, app, entity, in_step)


def holds_all(incoming: dict[str, t.Any], merged: dict[str, t.Any]) -> bool:
    """Whether the app's record already says what the merged hub record says, on every field the app carries."""
    return all(
        value is None or same_value(value, merged.get(name))
        for name, value in incoming.items()
        if name not in NOT_MERGED
    )


def _app_holds(hub: Hub, app: str, entity: str, ids: list[UUID]) -> None:
    """The app is in step with these records as they now stand in the hub: nothing to push back to it."""
    if not ids:
        return
    hub.query(
        f"UPDATE id_map SET pushed_hash = {held_hash(app, entity)} FROM {quote(entity)} e "
        "WHERE id_map.entity = ? AND id_map.app = ? AND id_map.hub_id = e.id "
        "AND list_contains(CAST(? AS UUID[]), e.id)",
        entity,
        app,
        [str(i) for i in ids],
    )


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
