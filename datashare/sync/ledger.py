"""The record ledger: where each hub record stands in each app, why, and what runs did to it.

The id map holds one row per hub record and app: its status, the cause of a
skip or a wait (``datashare.sync.causes``), the record it waits on, failed
attempts and the back-off, and whether it needs attention. ``record_history``
keeps what each run did to it, a few dozen rows at most. This module reads
them as a person asks:

- ``entity_states``: per app and entity, how many records are in step, due,
  waiting, skipped (by cause), failed, needing attention, in conflict;
- ``explain``: one record's states in every app, with why and its history;
- ``needing_attention``: the records that failed too often and wait for a
  person, with the app's last error;
- ``clear_for_retry``: a person asks for records to be tried again (the
  attention flag, attempts and back-off cleared; the records made due).

A record's state in an app, first match wins: ``needs attention`` (failed
too often, left alone), ``deleted``, ``failed``, ``waiting``, ``skipped``,
``due`` (the app does not hold the hub's content yet), ``in step``. Conflicts
are counted beside the states: a conflict was settled by the policy, and is
listed until a person resolves it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from datashare.model import CanonicalModel, model_for
from datashare.redact import redact_text
from datashare.store import Hub
from datashare.store.schema import quote
from datashare.sync.causes import CAUSES, RULE
from datashare.sync.push import held_hash, never_sent

__all__ = [
    "STATES",
    "AppState",
    "Attention",
    "EntityStates",
    "HistoryLine",
    "RecordStory",
    "clear_for_retry",
    "entity_states",
    "explain",
    "label",
    "last_runs",
    "needing_attention",
]

STATES = ("in step", "due", "waiting", "skipped", "failed", "needs attention", "deleted")

_LABEL_FIELDS = ("transaction_number", "name", "code")
_LABEL_FALLBACKS = ("email", "reference", "title")


def label(record: CanonicalModel | None) -> str:
    """A record as a person knows it: its number, name or code, a person's name, else an email (or its hub id)."""
    if record is None:
        return "(not in the hub)"
    for name in _LABEL_FIELDS:
        value = getattr(record, name, None)
        if isinstance(value, str) and value.strip():
            return value
    first, last = getattr(record, "first_name", None), getattr(record, "last_name", None)
    if first or last:
        return " ".join(p for p in (first, last) if p)
    for name in _LABEL_FALLBACKS:
        value = getattr(record, name, None)
        if isinstance(value, str) and value.strip():
            return value
    return str(record.id)


def _state_sql(held: str) -> str:
    return (
        "CASE WHEN coalesce(m.attention, false) THEN 'needs attention' "
        "WHEN m.status = 'deleted' THEN 'deleted' WHEN m.status = 'error' THEN 'failed' "
        "WHEN m.status = 'waiting' THEN 'waiting' WHEN m.status = 'skipped' THEN 'skipped' "
        f"WHEN m.pushed_hash IS DISTINCT FROM {held} THEN 'due' ELSE 'in step' END"
    )


@dataclass
class EntityStates:
    """One app and entity: records by state, skips and waits by cause (a rule's by what it says), the oldest wait."""

    app: str
    entity: str
    states: Counter[str] = field(default_factory=Counter)
    causes: Counter[str] = field(default_factory=Counter)
    conflicts: int = 0
    oldest_wait: datetime | None = None
    oldest_wait_record: str | None = None


def entity_states(hub: Hub, pushes: Iterable[tuple[str, str]], history_from: date | None = None) -> list[EntityStates]:
    """Per app and entity the hub knows of, the records by state.

    ``pushes`` are the (app, entity) pairs the tenant writes: only there can a
    record be due (including the hub records the app does not have yet).
    Elsewhere the app is read, never written, and its records are in step.
    """
    written = set(pushes)
    pairs = {(str(a), str(e)) for a, e in hub.query("SELECT DISTINCT app, entity FROM id_map")} | written
    out: list[EntityStates] = []
    for app, entity in sorted(pairs):
        row = EntityStates(app, entity)
        held = held_hash(app, entity) if (app, entity) in written else "m.pushed_hash"
        for state, cause, rule, count in hub.query(
            f"SELECT {_state_sql(held)} AS state, m.cause, CASE WHEN m.cause = '{RULE.name}' THEN m.last_error END, "
            f"count(*) FROM id_map m LEFT JOIN {quote(entity)} e ON e.id = m.hub_id "
            "WHERE m.app = ? AND m.entity = ? GROUP BY ALL",
            app,
            entity,
        ):
            row.states[str(state)] += int(count)
            if state in ("skipped", "waiting") and cause:
                # A rule says itself: "suppliers are not written to vTiger" tells more than "rule".
                row.causes[str(rule or cause)] += int(count)
        if (app, entity) in written:
            row.states["due"] += never_sent(hub, app, entity, history_from)
            row.states = +row.states  # no zero counts: a state with none is left out
        row.conflicts = _open_conflicts(hub, app, entity)
        oldest = hub.query(
            "SELECT hub_id, updated_at FROM id_map WHERE app = ? AND entity = ? AND status = 'waiting' "
            "ORDER BY updated_at LIMIT 1",
            app,
            entity,
        )
        if oldest:
            hub_id, since = oldest[0]
            row.oldest_wait = since
            row.oldest_wait_record = label(hub.records(entity, [hub_id]).get(hub_id))
        out.append(row)
    return out


def _open_conflicts(hub: Hub, app: str, entity: str) -> int:
    sql = "SELECT count(*) FROM conflicts WHERE app = ? AND entity = ? AND resolved_at IS NULL"
    return int(hub.query(sql, app, entity)[0][0])


def last_runs(hub: Hub) -> dict[str, tuple[datetime | None, datetime | None, str | None]]:
    """Per flow (domain): the last successful run's end, the last run's start, and that run's status."""
    rows = hub.query(
        "SELECT flow, max(finished_at) FILTER (WHERE status = 'COMPLETED'), max(started_at), "
        "arg_max(status, started_at) FROM runs GROUP BY flow ORDER BY flow"
    )
    return {str(flow): (ok, last, status) for flow, ok, last, status in rows}


@dataclass(frozen=True)
class Attention:
    """A record that failed too often in an app and is left alone until a person asks for a retry."""

    app: str
    entity: str
    hub_id: UUID
    label: str
    remote_id: str | None
    attempts: int
    last_error: str | None
    since: datetime | None  # when it last changed: the last failed attempt


def needing_attention(hub: Hub, limit: int | None = None) -> list[Attention]:
    """The records that need attention, oldest first (at most ``limit``), each with the app's last error.

    The error is the vendor's message, secrets masked: it goes on to artifacts and the dashboard.
    """
    rows = hub.query(
        "SELECT app, entity, hub_id, remote_id, coalesce(attempts, 0), last_error, updated_at FROM id_map "
        "WHERE coalesce(attention, false) ORDER BY updated_at, app, entity, hub_id"
        + (" LIMIT ?" if limit is not None else ""),
        *([limit] if limit is not None else []),
    )
    found: dict[str, dict[UUID, CanonicalModel]] = {}
    for entity in {str(r[1]) for r in rows}:
        found[entity] = hub.records(entity, [r[2] for r in rows if r[1] == entity])
    return [
        Attention(
            str(app),
            str(entity),
            hub_id,
            label(found[entity].get(hub_id)),
            remote,
            int(n),
            redact_text(error) if error else None,
            since,
        )
        for app, entity, hub_id, remote, n, error, since in rows
    ]


@dataclass
class HistoryLine:
    """One thing a run did to a record in an app."""

    at: datetime
    run_id: str | None
    action: str
    detail: str | None


@dataclass
class AppState:
    """A record in one app: its id there, its state, why, and its history."""

    app: str
    remote_id: str | None
    state: str
    cause: str | None
    cause_says: str | None
    last_error: str | None
    attempts: int
    retry_at: datetime | None
    waiting_on: str | None
    changed_at: datetime | None
    history: list[HistoryLine]


@dataclass
class RecordStory:
    """One hub record as the ledger knows it, in every app."""

    entity: str
    hub_id: UUID
    label: str
    apps: list[AppState]
    conflicts: int


def explain(hub: Hub, record: str, pushes: Iterable[tuple[str, str]] = (), app: str | None = None) -> list[RecordStory]:
    """The records ``record`` names (a hub id, or an app's id of it, of ``app`` when given) and their stories.

    ``pushes`` are the (app, entity) pairs the tenant writes, as for ``entity_states``.
    """
    written = set(pushes)
    found = hub.query(
        "SELECT DISTINCT entity, hub_id FROM id_map WHERE CAST(hub_id AS VARCHAR) = ? "
        "OR (remote_id = ? AND (? IS NULL OR app = ?)) ORDER BY entity",
        record,
        record,
        app,
        app,
    )
    return [_story(hub, str(entity), hub_id, written) for entity, hub_id in found]


def _story(hub: Hub, entity: str, hub_id: UUID, written: set[tuple[str, str]]) -> RecordStory:
    held = hub.records(entity, [hub_id]).get(hub_id)
    apps = []
    for (name,) in hub.query("SELECT app FROM id_map WHERE entity = ? AND hub_id = ? ORDER BY app", entity, hub_id):
        hashed = held_hash(name, entity) if (name, entity) in written else "m.pushed_hash"
        [(remote, state, cause, error, attempts, retry_at, waiting_on, changed)] = hub.query(
            f"SELECT m.remote_id, {_state_sql(hashed)}, m.cause, m.last_error, coalesce(m.attempts, 0), m.retry_at, "
            f"m.waiting_on, m.updated_at FROM id_map m LEFT JOIN {quote(entity)} e ON e.id = m.hub_id "
            "WHERE m.entity = ? AND m.hub_id = ? AND m.app = ?",
            entity,
            hub_id,
            name,
        )
        history = [
            HistoryLine(at, run, action, detail)
            for at, run, action, detail in hub.query(
                "SELECT happened_at, run_id, action, detail FROM record_history WHERE entity = ? AND hub_id = ? "
                "AND app = ? ORDER BY happened_at DESC, rowid DESC",
                entity,
                hub_id,
                name,
            )
        ]
        known = CAUSES.get(str(cause)) if cause else None
        apps.append(
            AppState(
                str(name),
                remote,
                str(state),
                cause,
                known.says if known else None,
                error,
                int(attempts),
                retry_at,
                _waiting_on_label(hub, waiting_on),
                changed,
                history,
            )
        )
    conflicts = int(
        hub.query(
            "SELECT count(*) FROM conflicts WHERE entity = ? AND hub_id = ? AND resolved_at IS NULL", entity, hub_id
        )[0][0]
    )
    return RecordStory(entity, hub_id, label(held), apps, conflicts)


def _waiting_on_label(hub: Hub, waiting_on: str | None) -> str | None:
    if not waiting_on:
        return None
    entity, _, hub_id = waiting_on.partition("/")
    try:
        model_for(entity)
        record = hub.records(entity, [UUID(hub_id)]).get(UUID(hub_id))
    except (KeyError, ValueError):
        return waiting_on
    return f"{entity} {label(record)}"


def clear_for_retry(
    hub: Hub, *, app: str | None = None, entity: str | None = None, record: str | None = None
) -> list[tuple[str, str, int]]:
    """Make records due again at a person's request; per (app, entity), how many.

    Without ``record``: the records that failed or need attention (of ``app``
    and ``entity`` when given). With ``record`` (a hub id or an app's id of
    it): that record, whatever its state, skipped included. Their attempts,
    back-off and attention flag are cleared.
    """
    named = (
        "(CAST(hub_id AS VARCHAR) = $record OR (entity, hub_id) IN (SELECT entity, hub_id FROM id_map "
        "WHERE remote_id = $record))"
        if record is not None
        else "(status = 'error' OR coalesce(attention, false))"
    )
    rows = hub.con.execute(
        "UPDATE id_map SET attention = false, attempts = 0, retry_at = NULL, pushed_hash = NULL "
        f"WHERE ($app IS NULL OR app = $app) AND ($entity IS NULL OR entity = $entity) AND {named} "
        "RETURNING app, entity",
        {"app": app, "entity": entity, **({"record": record} if record is not None else {})},
    ).fetchall()
    counts = Counter((str(a), str(e)) for a, e in rows)
    return [(a, e, n) for (a, e), n in sorted(counts.items())]
