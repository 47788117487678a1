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

import re
import typing as t
from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

import pyarrow as pa

from datashare.model import ENTITIES, CanonicalModel
from datashare.model.mapping import Mapped
from datashare.store import Hub
from datashare.store.schema import quote
from datashare.sync.matching import KeyIndex
from datashare.sync.merge import NOT_MERGED, Policy, merge_fields, same_value
from datashare.sync.push import held_hash

__all__ = ["LoadCounts", "load_mapped"]

NEWEST = Policy()
# What Xero keeps of an entity: at a first link the app's record takes Xero's values of
# these fields (an item's price and stock); for the rest, linking is not a change.
XERO_KEEPS: dict[str, tuple[str, ...]] = {"items": ("sale_price", "quantity_on_hand")}
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


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
    linked: dict[UUID, UUID] = {}  # hub ids the map stage gave out -> the hub records they were linked to
    for entity in sorted(by_entity, key=list(ENTITIES).index):  # what is pointed at is loaded first
        items = _pointing_at(by_entity[entity], linked)
        linked |= _load_entity(hub, app, entity, items, (policies or {}).get(entity, NEWEST), run_id, counts)
    for entity, ids in (deleted or {}).items():
        counts.deleted += hub.mark_deleted(entity, ids, app=app)
    return counts


def _pointing_at(items: list[Mapped], linked: dict[UUID, UUID]) -> list[Mapped]:
    """``items`` with references to records just linked pointing at the hub records they were linked to.

    One app record can carry others (a shop order brings its taxes): when a
    tax is linked to the hub's record of it, the order's lines must name that
    record, not the id the map stage gave out before the link.
    """
    if not linked:
        return items
    to = {str(old): str(new) for old, new in linked.items()}
    out: list[Mapped] = []
    for item in items:
        text = item.record.model_dump_json()
        changed = _UUID.sub(lambda m: to.get(m.group(0), m.group(0)), text)
        if changed == text:
            out.append(item)
            continue
        record = type(item.record).model_validate_json(changed)
        out.append(Mapped(item.entity, item.remote_id, record, item.remote_version, item.remote_updated_at))
    return out


def _load_entity(
    hub: Hub, app: str, entity: str, items: list[Mapped], policy: Policy, run_id: str | None, counts: LoadCounts
) -> dict[UUID, UUID]:
    """Load one entity's records; the hub ids given out by the map stage that were linked, and to what."""
    current = hub.records(entity, [i.record.id for i in items if i.record.id is not None])
    bases = hub.snapshots(entity, app, list(current))
    steady = _in_step(hub, app, entity, list(current))
    index = KeyIndex(hub, entity)
    # A hub record already linked to another record of this app is that record's: never link a second.
    taken = {
        row[0]: str(row[1])
        for row in hub.query(
            "SELECT hub_id, remote_id FROM id_map WHERE app = ? AND entity = ? AND remote_id IS NOT NULL", app, entity
        )
    }
    relinks: list[tuple[str, UUID]] = []
    linked_to: dict[UUID, UUID] = {}
    in_step: list[UUID] = []  # records the app now holds as the hub does: nothing to push back to it
    snapshots: list[tuple[UUID, dict[str, object]]] = []
    conflicts: list[dict[str, object]] = []
    first_links: list[tuple[UUID, dict[str, t.Any]]] = []  # (hub record, app's values) linked where Xero keeps
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
            base = bases.get(record.id)
            if holds_all(incoming, result.record) or (
                record.id in steady and holds_since(base, incoming, result.record)
            ):
                in_step.append(record.id)
            if result.changed:
                to_write[type(record)].append(type(record).model_validate(result.record))
            else:
                counts.unchanged += 1
            continue
        match = index.find(record)
        if match is not None and match != record.id and taken.get(match, item.remote_id) == item.remote_id:
            if taken.get(match) == item.remote_id and match in linked_to.values():
                continue  # the same app record again in this batch (each of a customer's orders brings it)
            relinks.append((item.remote_id, match))
            if record.id is not None:
                linked_to[record.id] = match
            taken[match] = item.remote_id
            snapshots.append((match, {**incoming, "id": str(match)}))
            if entity in XERO_KEEPS:
                first_links.append((match, incoming))
            else:
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
    for record in _kept_by_xero(hub, app, entity, first_links, in_step):
        to_write[type(record)].append(record)
    for records in to_write.values():
        written = hub.upsert_records(records, source=app)
        counts.created += written.inserted
        counts.updated += written.updated
        counts.unchanged += written.unchanged
    hub.save_snapshots(entity, app, snapshots)
    counts.conflicts += hub.add_conflicts(conflicts, run_id=run_id)
    _app_holds(hub, app, entity, in_step)
    changed = [r.id for records in to_write.values() for r in records if r.id is not None]
    known = set(current) | {match for _, match in relinks}
    notes = [(match, "linked on its keys") for _, match in relinks]
    _note(hub, app, entity, run_id, notes + [(i, "read: changed" if i in known else "read: new") for i in changed])
    return linked_to


def _note(hub: Hub, app: str, entity: str, run_id: str | None, done: list[tuple[UUID, str]]) -> None:
    """What this load did to records, in their histories (a record read unchanged is not noted)."""
    hub.add_history(
        pa.table(
            {
                "entity": [entity] * len(done),
                "hub_id": [str(i) for i, _ in done],
                "app": [app] * len(done),
                "action": [a for _, a in done],
                "detail": pa.array([None] * len(done), pa.string()),
            }
        ),
        run_id=run_id,
    )


def _kept_by_xero(
    hub: Hub, app: str, entity: str, links: list[tuple[UUID, dict[str, t.Any]]], in_step: list[UUID]
) -> list[CanonicalModel]:
    """At first links of an entity Xero keeps, who takes whose values; the hub records to rewrite.

    Linked from Xero, the hub record takes Xero's values, and the other apps
    then get them. Linked from another app, the app is in step only where it
    already says what the hub says; otherwise the hub's values are due to it,
    so a shop or CRM product matched on its SKU gets Xero's price and stock at
    once, not at the item's next change in Xero.
    """
    if not links:
        return []
    held = hub.records(entity, [match for match, _ in links])
    rewrite: list[CanonicalModel] = []
    kept = XERO_KEEPS[entity]
    for match, incoming in links:
        record = held.get(match)
        now = record.model_dump(mode="json") if record is not None else {}
        says = {name: incoming[name] for name in kept if incoming.get(name) is not None}
        other = {name: value for name, value in says.items() if record and not same_value(value, now.get(name))}
        if app == "xero" and record is not None and other:
            rewrite.append(type(record).model_validate({**now, **other}))
        if app == "xero" or not other:
            in_step.append(match)
    return rewrite


def holds_all(incoming: dict[str, t.Any], merged: dict[str, t.Any]) -> bool:
    """Whether the app's record already says what the merged hub record says, on every field the app carries."""
    return all(
        value is None or same_value(value, merged.get(name))
        for name, value in incoming.items()
        if name not in NOT_MERGED
    )


def holds_since(base: dict[str, t.Any] | None, incoming: dict[str, t.Any], merged: dict[str, t.Any]) -> bool:
    """Whether each field the app carries says what the merged record says, or what the app said last time.

    For a record the app was in step with before this read: a field the app
    has not changed since (it equals the snapshot) may still be spelled its
    own way (Xero names its own tax rate where a shop's tax stands), and the
    hub has not changed it either, so it is nothing to send back.
    """
    if base is None:
        return False
    return all(
        value is None or same_value(value, merged.get(name)) or same_value(value, base.get(name))
        for name, value in incoming.items()
        if name not in NOT_MERGED
    )


def _in_step(hub: Hub, app: str, entity: str, ids: list[UUID]) -> set[UUID]:
    """Of ``ids``, the hub records ``app`` held as they stand, before this load changes them."""
    if not ids:
        return set()
    rows = hub.query(
        f"SELECT e.id FROM {quote(entity)} e JOIN id_map m ON m.hub_id = e.id AND m.entity = ? AND m.app = ? "
        f"WHERE m.pushed_hash = {held_hash(app, entity)} AND list_contains(CAST(? AS UUID[]), e.id)",
        entity,
        app,
        [str(i) for i in ids],
    )
    return {row[0] for row in rows}


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
