"""Push: hub records an app does not have yet (or has in an older version) are written to it.

Each id-map row keeps ``pushed_hash``: the content the app is known to hold,
set when the record is read from the app and when it is written to it. A hub
record whose content hash differs is due (for an entity an app holds only in
part, the hash of the fields it holds: ``held_hash``); one the app already holds is not
(echo suppression: what we wrote and read back is not written again). Results
are recorded per record: the app's new id, the hash pushed, or why it waits or
failed.
"""

from __future__ import annotations

import typing as t
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

import pyarrow as pa

from datashare.apps import APPS
from datashare.model import CanonicalModel, model_for
from datashare.model.mapping import Refs, WaitingForReference
from datashare.store import Hub, Reject
from datashare.store.schema import quote
from datashare.sync.causes import CAUSES, REFERENCE_NOT_TAKEN, RULE, WAITING_FOR_RECORD, Cause
from datashare.sync.refs import HubRefs

__all__ = [
    "RETRIES",
    "PushCounts",
    "PushResult",
    "Retries",
    "Sink",
    "due",
    "held_hash",
    "never_sent",
    "push_entity",
    "reopen_healed",
]


@dataclass(frozen=True)
class PushResult:
    """What the app said about one record: written (with its id), waiting for a reference, or refused.

    ``error`` on a written record is a note the run shows (e.g. people Xero had no room for).
    """

    hub_id: UUID
    ok: bool
    remote_id: str | None = None
    waiting: bool = False
    error: str | None = None
    created: bool = False
    skipped: bool = False  # the app does not take this record (and need not be asked again until it changes)
    snapshot: dict[str, t.Any] | None = None  # the record as the app now holds it, in canonical form
    waiting_for: tuple[str, UUID] | None = None  # the (entity, hub id) a waiting record needs in the app first
    entity: str | None = None  # set when the record is of another entity than the one pushed (carried along)
    unchanged: bool = False  # the app already held what would be written: nothing was sent
    cause: str | None = None  # why it is skipped or waits, as data (``datashare.sync.causes``)

    @classmethod
    def wait(
        cls, hub_id: UUID, waiting: WaitingForReference, remote_id: str | None = None, cause: Cause | None = None
    ) -> PushResult:
        """A record that waits for the record ``waiting`` names."""
        why = (cause or WAITING_FOR_RECORD).name
        return cls(hub_id, False, remote_id, waiting=True, error=str(waiting), waiting_for=waiting.target, cause=why)

    @classmethod
    def skip(
        cls, hub_id: UUID, reason: str, cause: Cause = RULE, remote_id: str | None = None, entity: str | None = None
    ) -> PushResult:
        """A record the app does not take now, with why (``reason``) and the cause that may lift it."""
        return cls(hub_id, False, remote_id, skipped=True, error=reason, entity=entity, cause=cause.name)


@dataclass(frozen=True)
class Retries:
    """How failed sends back off: after ``attempts`` failures in a row a record needs attention.

    The wait after the n-th failure is ``first`` doubled n-1 times, at most
    ``longest``; a record needing attention is not sent again until a person
    asks (``datashare retry``), so a record the app always refuses stops
    costing calls on every run.
    """

    attempts: int = 5
    first: timedelta = timedelta(minutes=5)
    longest: timedelta = timedelta(hours=6)


RETRIES = Retries()


class Sink(t.Protocol):
    """What a connector offers for writing one entity to its app."""

    @property
    def app(self) -> str:
        """The app's name."""
        ...

    def push(self, entity: str, records: list[CanonicalModel], refs: Refs) -> list[PushResult]:
        """Map and write ``records`` (creates where ``refs`` knows no remote id, updates otherwise)."""
        ...


@dataclass
class PushCounts:
    """What pushing one (app, entity) batch did."""

    due: int = 0
    created: int = 0
    updated: int = 0
    waiting: int = 0
    failed: int = 0
    skipped: int = 0
    unchanged: int = 0
    attention: int = 0  # records that need attention (failed too often): not sent again until retried
    reasons: Counter[str] = field(default_factory=Counter)  # why records were skipped, waited or failed
    # Each record's result as recorded, with its entity (records carried along under theirs): what a plan reports.
    results: list[tuple[str, PushResult]] = field(default_factory=list)


def held_hash(app: str, entity: str, alias: str = "e") -> str:
    """SQL for the hash of what ``app`` holds of a hub record (``alias`` names the entity's table).

    It is the record's content hash, or for an entity the app holds in part
    (``AppInfo.carries``) the hash of those fields and the tombstone mark, so a
    hub change the app cannot hold does not make the record due to it.
    """
    model = model_for(entity)
    fields = APPS[app].carries.get(entity) if app in APPS else None
    if not fields:
        return f"{alias}.hub_hash"
    unknown = sorted(set(fields) - set(model.model_fields))
    if unknown:
        raise KeyError(f"{app} carries {entity} fields the model lacks: {', '.join(unknown)}")
    parts = ", ".join(f"{quote(f)} := {alias}.{quote(f)}" for f in (*fields, "deleted_at"))
    return f"md5(CAST(struct_pack({parts}) AS VARCHAR))"


def due(hub: Hub, app: str, entity: str, history_from: date | None = None) -> list[tuple[CanonicalModel, str]]:
    """Live hub records whose content the app does not hold yet, with their content hash.

    A tombstone is due to the apps that hold the record (they archive, void
    or delete it, as each allows), never to one that does not have it or has
    deleted it already (id map status ``deleted``). Dated records
    (documents, payments…) from before ``history_from``, the tenant's
    historical-data cutoff, are never due.
    """
    model = model_for(entity)
    names = list(model.model_fields)
    dated = history_from is not None and "transaction_date" in names
    held = held_hash(app, entity)
    rows = hub.query(
        f"SELECT {', '.join('e.' + quote(n) for n in names)}, {held} FROM {quote(entity)} e "
        "LEFT JOIN id_map m ON m.entity = ? AND m.app = ? AND m.hub_id = e.id "
        "WHERE (e.deleted_at IS NULL OR (m.remote_id IS NOT NULL AND m.status <> 'deleted')) "
        f"AND (m.pushed_hash IS DISTINCT FROM {held}) "
        # A failed record backs off, and one that needs attention waits for a person: neither is due now.
        "AND NOT coalesce(m.attention, false) AND (m.retry_at IS NULL OR m.retry_at <= now()) "
        + ("AND (e.transaction_date IS NULL OR e.transaction_date >= ?) " if dated else "")
        + "ORDER BY e.hub_loaded_at, e.id",
        entity,
        app,
        *([history_from] if dated else []),
    )
    return [(model.model_validate(dict(zip(names, row[:-1], strict=True))), str(row[-1])) for row in rows]


def never_sent(hub: Hub, app: str, entity: str, history_from: date | None = None) -> int:
    """How many live hub records of ``entity`` the app has never had, and that are due to it."""
    dated = history_from is not None and "transaction_date" in model_for(entity).model_fields
    rows = hub.query(
        f"SELECT count(*) FROM {quote(entity)} e WHERE e.deleted_at IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM id_map m WHERE m.entity = ? AND m.app = ? AND m.hub_id = e.id) "
        + ("AND (e.transaction_date IS NULL OR e.transaction_date >= ?)" if dated else ""),
        entity,
        app,
        *([history_from] if dated else []),
    )
    return int(rows[0][0])


def push_entity(
    hub: Hub,
    sink: Sink,
    entity: str,
    run_id: str | None = None,
    *,
    history_from: date | None = None,
    retries: Retries = RETRIES,
) -> PushCounts:
    """Write every due record of ``entity`` to the sink's app; record each result in the id map.

    Skips whose cause may have been lifted since are re-checked first
    (``reopen_healed``). A sink may also report on records of another entity
    that the same write carried (the people sent with their Xero contact):
    those are recorded too, so they are not sent again on their own.
    """
    reopen_healed(hub, sink.app, entity)
    pending = due(hub, sink.app, entity, history_from)
    counts = PushCounts(due=len(pending))
    counts.attention = _needing_attention(hub, sink.app, entity)
    if not pending:
        return counts
    hashes = {record.id: digest for record, digest in pending}
    tombstones = {record.id for record, _ in pending if record.deleted_at is not None}
    results = _never_coming(hub, sink.app, sink.push(entity, [record for record, _ in pending], HubRefs(hub, sink.app)))
    own = [r for r in results if r.entity in (None, entity)]
    for result in own:
        if result.error and not result.ok:
            counts.reasons[result.error] += 1
        if result.skipped:
            counts.skipped += 1
        elif result.ok and result.unchanged:
            counts.unchanged += 1
        elif result.ok:
            counts.created += result.created
            counts.updated += not result.created
        else:
            counts.waiting += result.waiting
            counts.failed += not result.waiting
    _record(hub, sink.app, entity, own, hashes, tombstones, run_id, retries)
    counts.attention = _needing_attention(hub, sink.app, entity)
    counts.results = [(str(r.entity or entity), r) for r in results]
    carried: dict[str, list[PushResult]] = {}
    for result in results:
        if result.entity not in (None, entity):
            carried.setdefault(str(result.entity), []).append(result)
    for other, also in carried.items():
        current = hub.query(
            f"SELECT e.id, {held_hash(sink.app, other)}, e.deleted_at IS NOT NULL FROM {quote(other)} e "
            "WHERE list_contains(CAST(? AS UUID[]), e.id)",
            [str(r.hub_id) for r in also],
        )
        _record(
            hub,
            sink.app,
            other,
            also,
            {hub_id: digest for hub_id, digest, _ in current},
            {hub_id for hub_id, _, gone in current if gone},
            run_id,
            retries,
        )
    return counts


def reopen_healed(hub: Hub, app: str, entity: str) -> int:
    """Make due again the skips of ``entity`` whose cause may have been lifted since; how many.

    A cause names the hub entities whose change may lift it (a bank account
    set up in Xero lifts "no bank account"); a skip for a record the app does
    not take is re-checked once that record's own state in the app changes.
    Each skip is re-checked once per change, not on every run.
    """
    watched = [(name, cause.heals_on) for name, cause in CAUSES.items() if cause.heals_on]
    since = " OR ".join(
        f"(id_map.cause = '{name}' AND ("
        + " OR ".join(f"EXISTS (SELECT 1 FROM {quote(e)} w WHERE w.hub_loaded_at > id_map.updated_at)" for e in heals)
        + "))"
        for name, heals in watched
    )
    referred = (
        f"(id_map.cause = '{REFERENCE_NOT_TAKEN.name}' AND EXISTS (SELECT 1 FROM id_map r WHERE r.app = id_map.app "
        "AND r.entity || '/' || CAST(r.hub_id AS VARCHAR) = id_map.waiting_on AND r.updated_at > id_map.updated_at))"
    )
    rows = hub.query(
        "UPDATE id_map SET pushed_hash = NULL WHERE app = ? AND entity = ? AND status = 'skipped' "
        f"AND pushed_hash IS NOT NULL AND ({since} OR {referred}) RETURNING hub_id",
        app,
        entity,
    )
    return len(rows)


def _needing_attention(hub: Hub, app: str, entity: str) -> int:
    return int(hub.query("SELECT count(*) FROM id_map WHERE app = ? AND entity = ? AND attention", app, entity)[0][0])


def _record(
    hub: Hub,
    app: str,
    entity: str,
    results: list[PushResult],
    hashes: t.Mapping[UUID | None, str | None],
    tombstones: set[UUID | None],
    run_id: str | None,
    retries: Retries,
) -> None:
    """Each result in the id map, the records' histories (and notes in the rejects), in a few set-based writes."""
    columns = ("hub_id", "remote_id", "pushed_hash", "status", "last_error", "cause", "waiting_on")
    rows: dict[str, list[t.Any]] = {k: [] for k in columns}
    for result in results:
        rows["hub_id"].append(str(result.hub_id))
        rows["remote_id"].append(result.remote_id)
        rows["pushed_hash"].append(hashes.get(result.hub_id) if result.ok or result.skipped else None)
        rows["status"].append(_status(result, tombstones))
        rows["last_error"].append(result.error)
        rows["cause"].append(None if result.ok else result.cause or (RULE.name if result.skipped else None))
        target = result.waiting_for
        rows["waiting_on"].append(f"{target[0]}/{target[1]}" if target is not None and not result.ok else None)
    ok = [i for i, r in enumerate(results) if r.ok]
    waiting = [i for i, r in enumerate(results) if r.waiting and not r.ok]
    failed = [i for i, r in enumerate(results) if not r.ok and not r.skipped and not r.waiting]
    skipped = [i for i, r in enumerate(results) if r.skipped]
    snapshots = [(r.hub_id, r.snapshot) for r in results if r.ok and r.snapshot is not None]
    hub.save_snapshots(entity, app, snapshots)  # the base of the next merge: reading it back is no change
    notes = [r for r in results if r.skipped or (r.ok and r.error)]
    hub.add_rejects(
        [Reject(app, entity, "push", r.error or "not sent", r.remote_id, {"hub_id": str(r.hub_id)}) for r in notes],
        run_id=run_id,
    )
    for chosen, names, fresh in (
        (ok, columns, True),
        # A record that did not get through keeps whatever remote id it had: only its state changes.
        (waiting, ("hub_id", "status", "last_error", "cause", "waiting_on"), False),
        (failed, ("hub_id", "status", "last_error", "cause", "waiting_on"), False),
        (skipped, ("hub_id", "status", "last_error", "pushed_hash", "cause", "waiting_on"), True),
    ):
        if not chosen:
            continue
        table = pa.table({k: [rows[k][i] for i in chosen] for k in names})
        if fresh:  # sent, or not to be sent: the failures before it no longer count
            table = table.append_column("attempts", pa.array([0] * len(chosen), pa.int32()))
            table = table.append_column("attention", pa.array([False] * len(chosen)))
            table = table.append_column("retry_at", pa.array([None] * len(chosen), pa.timestamp("us", tz="UTC")))
        table = table.append_column("entity", pa.array([entity] * len(chosen)))
        hub.upsert_id_map(table.append_column("app", pa.array([app] * len(chosen))))
    if failed:
        _back_off(hub, app, entity, [rows["hub_id"][i] for i in failed], retries)
    hub.add_history(
        pa.table(
            {
                "entity": [r.entity or entity for r in results],
                "hub_id": [str(r.hub_id) for r in results],
                "app": [app] * len(results),
                "action": [_action(r, tombstones) for r in results],
                "detail": pa.array([r.error for r in results], pa.string()),
            }
        ),
        run_id=run_id,
    )


def _status(result: PushResult, tombstones: set[UUID | None]) -> str:
    if result.ok:
        return "deleted" if result.hub_id in tombstones else "linked"
    return "skipped" if result.skipped else "waiting" if result.waiting else "error"


def _action(result: PushResult, tombstones: set[UUID | None]) -> str:
    """What the push did to the record, as its history says it."""
    if result.ok:
        done = "deleted" if result.hub_id in tombstones else "created" if result.created else "updated"
        return "unchanged" if result.unchanged else f"{done} in app"
    return "skipped" if result.skipped else "waiting" if result.waiting else "failed"


def _back_off(hub: Hub, app: str, entity: str, hub_ids: list[str], retries: Retries) -> None:
    """One more failed attempt for each record: when it may be tried again, and whether it now needs attention."""
    first, longest = retries.first.total_seconds(), retries.longest.total_seconds()
    hub.query(
        "UPDATE id_map SET attempts = coalesce(attempts, 0) + 1, "
        "retry_at = now() + to_microseconds(CAST(1e6 * least(? * pow(2, coalesce(attempts, 0)), ?) AS BIGINT)), "
        "attention = coalesce(attempts, 0) + 1 >= ? "
        "WHERE app = ? AND entity = ? AND list_contains(CAST(? AS UUID[]), hub_id)",
        first,
        longest,
        retries.attempts,
        app,
        entity,
        hub_ids,
    )


def _never_coming(hub: Hub, app: str, results: list[PushResult]) -> list[PushResult]:
    """Waiting records whose reference the app does not take (it was skipped) are skipped too, with why."""
    needed = {r.waiting_for for r in results if r.waiting_for is not None}
    if not needed:
        return results
    skipped = {
        (entity, hub_id): reason
        for entity, hub_id, reason in hub.query(
            "SELECT entity, hub_id, last_error FROM id_map WHERE app = ? AND status = 'skipped' "
            "AND list_contains(CAST(? AS VARCHAR[]), entity || '/' || CAST(hub_id AS VARCHAR))",
            app,
            [f"{e}/{h}" for e, h in needed],
        )
    }
    out = []
    for result in results:
        reason = skipped.get(result.waiting_for) if result.waiting_for is not None else None
        if reason is None:
            out.append(result)
            continue
        entity = result.waiting_for[0] if result.waiting_for else ""
        note = f"not sent: the {entity} record it refers to is not taken by {app} ({reason})"
        out.append(
            PushResult(
                result.hub_id,
                False,
                result.remote_id,
                skipped=True,
                error=note,
                entity=result.entity,
                waiting_for=result.waiting_for,
                cause=REFERENCE_NOT_TAKEN.name,
            )
        )
    return out
