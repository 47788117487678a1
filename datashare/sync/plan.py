"""A plan: what a run would do to every app, per app, entity and record, and why, without writing to any app.

How a plan is made (``tasks.plan`` wires it; ``datashare plan`` and the domain
flows' ``plan`` flag run it):

1. the tenant's hub file is copied to a scratch directory (``scratch_hub``),
   or a fresh scratch hub is made when the tenant has none: the real hub, its
   cursors and its id map are never touched;
2. the run's pulls go into the scratch hub as in a run (the reads are real),
   and each app record the pull matched to a record another app holds is a
   *link* (``before_pull`` / ``linked_since``);
3. the run's pushes go through the real sinks, whose clients talk to the
   apps through a dry-run transport (``connectors.base.dry_run``): reads
   reach the app, every write is answered with the success the vendor would
   give and never sent. So each sink's own rules (what it skips, what waits
   for a reference, what it refuses to edit) decide as in the run, and the
   results are recorded in the scratch id map as in the run: a record the
   plan creates gets a made-up remote id there, and the records that refer
   to it see it as existing, as they would after the real write;
4. each push result is one ``PlannedRecord`` (``outcome_of``), and the plan
   counts them per app and entity (create, update, link, skip, wait, fail,
   and unchanged: due, but the app already holds it) with the reasons grouped.

What a plan cannot know is whether a vendor refuses a well-formed write
(a check only the vendor makes); it predicts such a write as done.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import typing as t
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from uuid import UUID

from datashare.model import CanonicalModel
from datashare.store import Hub, raw_table_name
from datashare.store.schema import quote
from datashare.sync.push import PushResult

__all__ = [
    "OUTCOMES",
    "LinkState",
    "Plan",
    "PlannedRecord",
    "before_pull",
    "describe",
    "linked_since",
    "outcome_of",
    "scratch_hub",
]

OUTCOMES = ("create", "update", "link", "skip", "wait", "fail", "unchanged")
"""What a run does to one record in one app, in the order a plan shows them."""


@dataclass(frozen=True)
class PlannedRecord:
    """What the run would do to one hub record in one app, and why (``reason``: the sink's words, if any).

    ``label``: the record's number, code or name, for people; ``source``: the
    app and id it was first read from (``xero:…``), which stays the same
    from one hub to another where the hub id does not. ``carried_by``: the
    entity whose write carried this record along (people written with their
    Xero contact, a vTiger vendor made for a purchase order): a run's summary
    counts it under neither.
    """

    app: str
    entity: str
    hub_id: str
    outcome: str
    reason: str | None = None
    label: str = ""
    source: str | None = None
    carried_by: str | None = None


def outcome_of(result: PushResult) -> str:
    """A push result as a plan's outcome: create, update, unchanged, skip, wait or fail."""
    if result.skipped:
        return "skip"
    if result.ok:
        return "unchanged" if result.unchanged else "create" if result.created else "update"
    return "wait" if result.waiting else "fail"


@dataclass
class Plan:
    """What a run would do for one tenant: each record's outcome in each app, and what was not planned, and why."""

    tenant: str
    domains: list[str]
    records: list[PlannedRecord] = field(default_factory=list)
    skipped_domains: dict[str, str] = field(default_factory=dict)  # domains a run would skip, with why
    writes_kept: dict[str, int] = field(default_factory=dict)  # per app, the write calls answered and not sent

    def counts(self) -> list[dict[str, t.Any]]:
        """Per (app, entity), in the order the run meets them: how many records get each outcome."""
        rows: dict[tuple[str, str], Counter[str]] = {}
        for record in self.records:
            rows.setdefault((record.app, record.entity), Counter())[record.outcome] += 1
        return [{"app": app, "entity": entity, **{o: n[o] for o in OUTCOMES}} for (app, entity), n in rows.items()]

    def reasons(self) -> list[dict[str, t.Any]]:
        """The reasons given, grouped per (app, entity, outcome) with how many records each covers, commonest first."""
        grouped = Counter((r.app, r.entity, r.outcome, r.reason) for r in self.records if r.reason)
        keys = sorted(grouped, key=lambda k: (k[0], k[1], OUTCOMES.index(k[2]), -grouped[k], str(k[3])))
        return [
            {"app": a, "entity": e, "outcome": o, "reason": why, "records": grouped[a, e, o, why]}
            for a, e, o, why in keys
        ]

    def as_dict(self) -> dict[str, t.Any]:
        """The plan as JSON-ready data: counts, reasons, every record, skipped domains and the writes kept back."""
        return {
            "tenant": self.tenant,
            "domains": self.domains,
            "counts": self.counts(),
            "reasons": self.reasons(),
            "records": [asdict(r) for r in self.records],
            "skipped_domains": self.skipped_domains,
            "writes_kept": self.writes_kept,
        }

    def markdown(self) -> str:
        """The plan as a Markdown page (the flows' artifact): the counts table, then the reasons."""
        lines = [f"# Plan for `{self.tenant}` ({', '.join(self.domains)})", ""]
        lines += ["Nothing was written to any app; this is what a run would do.", ""]
        counts = self.counts()
        if counts:
            lines += ["| app | entity | " + " | ".join(OUTCOMES) + " |", "|---|---|" + "---:|" * len(OUTCOMES)]
            lines += [
                f"| {r['app']} | {r['entity']} | " + " | ".join(str(r[o]) for o in OUTCOMES) + " |" for r in counts
            ]
        else:
            lines.append("Nothing to write: every app holds what the hub would give it.")
        reasons = self.reasons()
        if reasons:
            lines += ["", "## Why", ""]
            lines += [f"- **{r['app']} {r['entity']}**, {r['outcome']} ×{r['records']}: {r['reason']}" for r in reasons]
        for domain, why in self.skipped_domains.items():
            lines += ["", f"**{domain}** would be skipped: {why}"]
        return "\n".join(lines) + "\n"


@contextlib.contextmanager
def scratch_hub(path: Path, keep: Path | None = None) -> Iterator[Path]:
    """A copy of the hub file at ``path`` (a fresh one where there is none), removed afterwards unless in ``keep``.

    DuckDB keeps a file's pending writes in ``<file>.wal``: it is copied too.
    """
    where = keep if keep is not None else Path(tempfile.mkdtemp(prefix="datashare-plan-"))
    where.mkdir(parents=True, exist_ok=True)
    scratch = where / path.name
    for suffix in ("", ".wal"):
        source, target = Path(f"{path}{suffix}"), Path(f"{scratch}{suffix}")
        target.unlink(missing_ok=True)
        if source.exists():
            shutil.copyfile(source, target)
    try:
        yield scratch
    finally:
        if keep is None:
            shutil.rmtree(where, ignore_errors=True)


@dataclass(frozen=True)
class LinkState:
    """What the hub held of one (app, entity) before a pull: its records' ids, and the app's ids mapped."""

    hub_ids: frozenset[UUID]
    mapped: dict[str, UUID]


def before_pull(hub: Hub, app: str, entity: str) -> LinkState:
    """The hub's records of ``entity`` and the id map of ``app`` for it, before ``app``'s pull of it."""
    ids = frozenset(row[0] for row in hub.query(f"SELECT id FROM {quote(entity)}"))
    rows = hub.query(
        "SELECT remote_id, hub_id FROM id_map WHERE app = ? AND entity = ? AND remote_id IS NOT NULL", app, entity
    )
    return LinkState(ids, {str(remote): hub_id for remote, hub_id in rows})


def linked_since(hub: Hub, app: str, entity: str, before: LinkState) -> list[tuple[UUID, str]]:
    """The app's records the pull linked to a record the hub already held (from another app): (hub id, remote id)."""
    rows = hub.query(
        "SELECT hub_id, remote_id FROM id_map WHERE app = ? AND entity = ? AND remote_id IS NOT NULL", app, entity
    )
    return [
        (hub_id, str(remote))
        for hub_id, remote in rows
        if hub_id in before.hub_ids and before.mapped.get(str(remote)) != hub_id
    ]


_LABELS = ("transaction_number", "code", "name", "email")


def _label(record: CanonicalModel) -> str:
    values = record.model_dump()
    for name in _LABELS:
        if values.get(name):
            return str(values[name])
    names = " ".join(str(values[n]) for n in ("first_name", "last_name") if values.get(n))
    dates = " to ".join(str(values[n]) for n in ("start_date", "end_date") if values.get(n))
    return names or dates or str(record.id)


def describe(hub: Hub, entity: str, ids: Sequence[UUID]) -> dict[UUID, tuple[str, str | None]]:
    """Each record's label (number, code, name…) and source (``app:remote id`` of the first app it was read from)."""
    records = hub.records(entity, list(ids))
    sources: dict[UUID, list[str]] = {}
    tables = set(hub.tables())
    for (app,) in hub.query("SELECT DISTINCT app FROM id_map WHERE entity = ?", entity):
        raw = raw_table_name(str(app), entity)
        if raw not in tables:
            continue
        rows = hub.query(
            f"SELECT DISTINCT m.hub_id, m.remote_id FROM id_map m JOIN {quote(raw)} r ON r.remote_id = m.remote_id "
            "WHERE m.app = ? AND m.entity = ? AND list_contains(CAST(? AS UUID[]), m.hub_id)",
            app,
            entity,
            [str(i) for i in ids],
        )
        for hub_id, remote in rows:
            sources.setdefault(hub_id, []).append(f"{app}:{remote}")
    return {
        hub_id: (
            _label(records[hub_id]) if hub_id in records else str(hub_id),
            min(sources[hub_id]) if hub_id in sources else None,
        )
        for hub_id in ids
    }
