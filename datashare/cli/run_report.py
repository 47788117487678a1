"""What one tenant's runs did, for a person at a terminal: a table by entity, a line per run, the reasons.

Pure functions over the summary rows the domain flows return (one row per
pulled collection or push: app, stream, entity, read, created, updated…), so
they are tested without running anything. A pull row's counts are about the
hub (created: new hub records); a push row's (``stream`` "push") about the app
it wrote to.
"""

from __future__ import annotations

import typing as t
from collections import defaultdict

from rich.table import Table

__all__ = ["entity_table", "new_notes", "notes", "written", "written_line"]

Row = dict[str, t.Any]
_PUSH = "push"
_COUNTS = ("read", "created", "updated", "deleted", "linked", "rejected", "waiting", "skipped")


def _n(row: Row, column: str) -> int:
    return int(row.get(column) or 0)


def written(row: Row) -> int:
    """How many records a push row wrote to its app (created, updated or deleted); 0 for a pull row."""
    return sum(_n(row, c) for c in ("created", "updated", "deleted")) if row.get("stream") == _PUSH else 0


def _per_app(parts: dict[str, dict[str, int]]) -> str:
    """``vtiger 12 new · xero 27 new, 26 updated`` from counts per app (zeros left out)."""
    shown = []
    for app, counts in parts.items():
        said = ", ".join(f"{n:,} {word}" for word, n in counts.items() if n)
        if said:
            shown.append(f"{app} {said}")
    return " · ".join(shown)


def entity_table(title: str, rows: t.Iterable[Row]) -> Table:
    """One line per entity: read from each app, new and changed in the hub, matched, written to each app, left out.

    Entities nothing happened to are left out, so the table shows what moved.
    """
    read: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    pushed: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        entity, app = str(row["entity"]), str(row["app"])
        if row.get("stream") == _PUSH:
            for column, word in (("created", "new"), ("updated", "updated"), ("deleted", "deleted")):
                pushed[entity][app][word] += _n(row, column)
        else:
            read[entity][app] += _n(row, "read")
            for column in ("created", "updated", "linked"):
                totals[entity][column] += _n(row, column)
        for column in ("rejected", "waiting", "skipped"):
            totals[entity][column] += _n(row, column)
    table = Table(title=title, title_justify="left")
    for column in ("entity", "read", "new in hub", "changed", "matched", "written to apps", "rejected", "waiting"):
        table.add_column(column, justify="left" if column in ("entity", "read", "written to apps") else "right")
    table.add_column("not sent", justify="right")
    for entity in dict.fromkeys([*read, *pushed, *totals]):
        got = totals[entity]
        reads = " · ".join(f"{app} {n:,}" for app, n in read[entity].items() if n)
        writes = _per_app(pushed[entity])
        if not (reads or writes or any(got.values())):
            continue
        table.add_row(
            entity,
            reads,
            *(f"{got[c]:,}" if got[c] else "" for c in ("created", "updated", "linked")),
            writes,
            *(f"{got[c]:,}" if got[c] else "" for c in ("rejected", "waiting", "skipped")),
        )
    return table


def written_line(rows: t.Iterable[Row]) -> str:
    """One line on what a run did: read, new and changed in the hub, written to each app, rejected."""
    rows = list(rows)
    pulls = [r for r in rows if r.get("stream") != _PUSH]
    read = sum(_n(r, "read") for r in pulls)
    new = sum(_n(r, "created") for r in pulls)
    changed = sum(_n(r, "updated") for r in pulls)
    rejected = sum(_n(r, "rejected") for r in rows)
    writes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        if written(row):
            for column, word in (("created", "new"), ("updated", "updated"), ("deleted", "deleted")):
                writes[f"{row['app']} {row['entity']}"][word] += _n(row, column)
    said = _per_app(writes)
    return (
        f"{read:,} read, {new:,} new and {changed:,} changed in the hub; "
        + (f"written: {said}" if said else "nothing written to any app")
        + (f"; {rejected:,} rejected" if rejected else "")
    )


def notes(rows: t.Iterable[Row]) -> list[str]:
    """The reasons the rows carry (records left out, rules applied), one line per app and entity."""
    return [f"{row['app']} {row['entity']}: {row['notes']}" for row in rows if row.get("notes")]


def new_notes(rows: t.Iterable[Row], said: t.Iterable[str]) -> list[str]:
    """The reasons in ``rows`` that were not ``said`` already (a second run's skips repeat the first's)."""
    before = set(said)
    return [line for line in notes(rows) if line not in before]
