"""Conflicts a person can see and settle: list the open ones, resolve one by keeping either side.

The merge settles every conflict at once by the entity's policy
(``datashare.sync.merge``) and records it in the hub's ``conflicts`` table.
That decision stands until a person says otherwise: ``resolve`` keeps the
hub's side (the value the hub held when the app's change came in) or the
app's side, and closes the conflict.

Keeping the side that lost changes the field of the hub record. Its content
hash changes with it, so the record is due to every app that holds it
(``datashare.sync.push.due``) and the next run writes the kept value out. The
apps' snapshots, the base of the next merge, are left as they are: each says
what its app last held, so the next read of an app that has not changed the
record finds no change of its own, the hub's edit stands, and the same
conflict is not raised again. A field both sides changed again since is a new
conflict, as it should be.

Only the latest conflict on a field of a record is open: an older one on the
same field was overtaken by it and is closed with it (``superseded``).
"""

from __future__ import annotations

import json
import typing as t
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from uuid import UUID

from datashare.model import CanonicalModel
from datashare.store import Hub
from datashare.sync.merge import same_value

__all__ = ["SUPERSEDED", "Conflict", "ConflictError", "Keep", "Resolved", "list_conflicts", "record_label", "resolve"]

SUPERSEDED = "superseded"
"""The resolution of a conflict a later one on the same field of the same record overtook."""

# The fields that name a record for a person, in the order tried.
_LABEL_FIELDS = (("transaction_number",), ("code", "name"), ("name",), ("first_name", "last_name"), ("email",))


class ConflictError(ValueError):
    """A conflict cannot be resolved as asked; the message says why."""


class Keep(StrEnum):
    """Which side of a conflict a person keeps."""

    HUB = "hub"  # the value the hub held when the app's change came in
    APP = "app"  # the app's value


@dataclass(frozen=True)
class Conflict:
    """One recorded conflict: a field of a hub record that an app and the hub both changed, and who won."""

    id: int
    entity: str
    hub_id: UUID
    record: str  # the record's name or number, for people
    field: str
    hub_value: t.Any
    app: str
    app_value: t.Any
    policy: str
    winner: str
    decided_at: datetime
    resolved_at: datetime | None = None
    resolution: str | None = None  # "hub" or "app" (the side kept), or "superseded"

    def value(self, keep: Keep) -> t.Any:
        """The value of the side ``keep`` names."""
        return self.hub_value if keep == Keep.HUB else self.app_value


@dataclass(frozen=True)
class Resolved:
    """What resolving one conflict did: the value kept, and whether the hub record changed (and goes out)."""

    conflict: Conflict
    keep: Keep
    changed: bool


def record_label(record: dict[str, t.Any] | None) -> str:
    """A record's name or number as a person knows it (an invoice number, an item's code and name, a name)."""
    if record is None:
        return "(no longer in the hub)"
    for fields in _LABEL_FIELDS:
        parts = [str(record[name]) for name in fields if record.get(name)]
        if parts:
            return " ".join(parts)
    return str(record.get("id", ""))[:8]


def list_conflicts(
    hub: Hub,
    *,
    entity: str | None = None,
    hub_id: UUID | None = None,
    ids: Sequence[int] | None = None,
    include_closed: bool = False,
) -> list[Conflict]:
    """The open conflicts (or every one, with ``include_closed``), oldest first; of one entity, record or ``ids``."""
    record = None if hub_id is None else str(hub_id)
    rows = hub.query(
        "SELECT * FROM (SELECT id, entity, hub_id, field, hub_value, app, app_value, policy, winner, decided_at, "
        "resolved_at, CASE WHEN resolved_at IS NULL AND id < max(id) OVER (PARTITION BY entity, hub_id, field) "
        f"THEN '{SUPERSEDED}' ELSE resolution END AS state "
        "FROM conflicts WHERE (? IS NULL OR entity = ?) AND (? IS NULL OR hub_id = CAST(? AS UUID))) "
        "WHERE (? OR state IS NULL) AND (? IS NULL OR list_contains(CAST(? AS BIGINT[]), id)) ORDER BY id",
        entity,
        entity,
        record,
        record,
        include_closed,
        ids,
        ids,
    )
    labels = _labels(hub, {(str(r[1]), r[2]) for r in rows})
    return [
        Conflict(
            id=int(cid),
            entity=str(name),
            hub_id=record_id,
            record=labels.get((str(name), record_id), record_label(None)),
            field=str(field),
            hub_value=_json(hub_value),
            app=str(app),
            app_value=_json(app_value),
            policy=str(policy),
            winner=str(winner),
            decided_at=decided_at,
            resolved_at=resolved_at,
            resolution=resolution,
        )
        for cid, name, record_id, field, hub_value, app, app_value, policy, winner, decided_at, resolved_at, resolution in rows
    ]


def resolve(hub: Hub, ids: Sequence[int], keep: Keep) -> list[Resolved]:
    """Resolve the conflicts ``ids`` by keeping one side; the hub records whose field changes are rewritten.

    A rewritten record is due to the apps: the next run writes the kept value
    to them. Every id must be an open conflict (asked for twice, it counts once).
    """
    wanted = sorted(set(ids))
    every = {c.id: c for c in list_conflicts(hub, ids=wanted, include_closed=True)}
    for cid in wanted:
        found = every.get(cid)
        if found is None:
            raise ConflictError(f"no conflict {cid}")
        if found.resolution == SUPERSEDED:
            raise ConflictError(f"conflict {cid} was overtaken by a later one on the same field: resolve that one")
        if found.resolution is not None:
            raise ConflictError(f"conflict {cid} was resolved already (kept {found.resolution})")
    chosen = [every[cid] for cid in wanted]
    changed = _rewrite(hub, chosen, keep)
    _close(hub, chosen, keep)
    return [Resolved(c, keep, c.id in changed) for c in chosen]


def _rewrite(hub: Hub, conflicts: list[Conflict], keep: Keep) -> set[int]:
    """Set each conflict's field to the side kept, one upsert per entity; the conflicts whose field changed."""
    by_entity: dict[str, list[Conflict]] = defaultdict(list)
    for conflict in conflicts:
        by_entity[conflict.entity].append(conflict)
    changed: set[int] = set()
    now = datetime.now(UTC).isoformat()
    for entity, those in by_entity.items():
        held = hub.records(entity, [c.hub_id for c in those])
        edited: dict[UUID, dict[str, t.Any]] = {}
        for conflict in those:
            record = held.get(conflict.hub_id)
            if record is None:
                continue  # the record is gone from the hub: there is nothing left to write
            data = edited.get(conflict.hub_id) or record.model_dump(mode="json")
            if same_value(data.get(conflict.field), conflict.value(keep)):
                continue
            data[conflict.field] = conflict.value(keep)
            data["updated_at"] = now  # a person changed it now: a later change in an app is newer
            edited[conflict.hub_id] = data
            changed.add(conflict.id)
        rewritten: list[CanonicalModel] = [type(held[i]).model_validate(data) for i, data in edited.items()]
        hub.upsert_records(rewritten, source="hub")
    return changed


def _close(hub: Hub, conflicts: list[Conflict], keep: Keep) -> None:
    """Mark the conflicts resolved, and the older open ones on the same fields superseded."""
    at = datetime.now(UTC)
    hub.query(
        "UPDATE conflicts SET resolved_at = ?, resolution = ? WHERE list_contains(CAST(? AS BIGINT[]), id)",
        at,
        keep.value,
        [c.id for c in conflicts],
    )
    hub.query(
        "UPDATE conflicts SET resolved_at = ?, resolution = ? WHERE resolved_at IS NULL "
        "AND list_contains(CAST(? AS VARCHAR[]), entity || '/' || CAST(hub_id AS VARCHAR) || '/' || field)",
        at,
        SUPERSEDED,
        [f"{c.entity}/{c.hub_id}/{c.field}" for c in conflicts],
    )


def _labels(hub: Hub, keys: set[tuple[str, UUID]]) -> dict[tuple[str, UUID], str]:
    """Each (entity, hub id)'s label, one read per entity."""
    ids: dict[str, list[UUID]] = defaultdict(list)
    for entity, hub_id in keys:
        ids[entity].append(hub_id)
    labels: dict[tuple[str, UUID], str] = {}
    for entity, some in ids.items():
        for hub_id, record in hub.records(entity, some).items():
            labels[(entity, hub_id)] = record_label(record.model_dump(mode="json"))
    return labels


def _json(text: str | None) -> t.Any:
    return None if text is None else json.loads(text)
