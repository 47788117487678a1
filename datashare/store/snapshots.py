"""Snapshots of a tenant's hub: a consistent copy after every successful run, and putting one back.

A hub ``data/acme.duckdb`` keeps its snapshots beside it, in
``data/acme.duckdb.snapshots/<UTC time>-<run id>.duckdb``, the newest few.
A snapshot is taken while no one writes the hub (inside a run, the tenant's
slot still held): the hub is checkpointed (DuckDB folds its pending writes
into the file), copied under a temporary name, checked to open as the
tenant's hub, and renamed into place, so a snapshot is whole or absent.

Restoring copies a snapshot back the same way. Whatever stood at the hub's
place is set aside as ``<hub>.damaged-<time>`` (or ``.replaced-<time>`` when
it was a sound hub of the tenant), its ``.wal`` with it: never deleted, and
no stale write-ahead log is ever replayed into the restored file.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from datashare.store.migrations import hub_tenant

__all__ = [
    "SNAPSHOTS_KEPT",
    "Restored",
    "Snapshot",
    "SnapshotError",
    "choose_snapshot",
    "discard_hub",
    "first_line",
    "is_in_use",
    "last_snapshot",
    "list_snapshots",
    "restore_snapshot",
    "set_aside",
    "snapshot_folder",
    "take_snapshot",
]

SNAPSHOTS_KEPT = 3
_STAMP = "%Y%m%dT%H%M%S.%fZ"
_NAME = re.compile(r"^(?P<stamp>\d{8}T\d{6}\.\d{6}Z)-(?P<run>[A-Za-z0-9_-]+)\.duckdb$")


class SnapshotError(RuntimeError):
    """A snapshot cannot be taken, found or put back; the message says which and why, in one line."""


@dataclass(frozen=True)
class Snapshot:
    """One snapshot file of a hub: when it was taken, after which run."""

    path: Path
    taken_at: datetime
    run_id: str

    @property
    def name(self) -> str:
        """The file's name (what ``datashare store restore --at`` takes)."""
        return self.path.name

    def described(self) -> str:
        """The snapshot in a few words: its file (which names its run) and when it was taken."""
        return f"{self.path} (taken {self.taken_at:%Y-%m-%d %H:%M:%S} UTC)"


@dataclass(frozen=True)
class Restored:
    """What ``restore_snapshot`` did: the snapshot put back, and the files set aside to make room."""

    snapshot: Snapshot
    set_aside: list[Path]


def first_line(error: BaseException) -> str:
    """The first line of an error's message (DuckDB's run on), or its type's name when it has none."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def is_in_use(error: BaseException) -> bool:
    """The DuckDB error says another connection holds the file (another process, or this one differently)."""
    text = str(error)
    return "Could not set lock" in text or "different configuration" in text


def snapshot_folder(hub: str | Path) -> Path:
    """The folder beside the hub file that holds its snapshots."""
    hub = Path(hub)
    return hub.with_name(f"{hub.name}.snapshots")


def list_snapshots(hub: str | Path) -> list[Snapshot]:
    """The hub's snapshots, oldest first (files of other names in the folder are left out)."""
    folder = snapshot_folder(hub)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match is None or not path.is_file():
            continue
        taken = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
        found.append(Snapshot(path, taken, match["run"]))
    return sorted(found, key=lambda s: (s.taken_at, s.name))


def last_snapshot(hub: str | Path) -> Snapshot | None:
    """The hub's newest snapshot, if it has one."""
    found = list_snapshots(hub)
    return found[-1] if found else None


def take_snapshot(
    con: duckdb.DuckDBPyConnection,
    hub: str | Path,
    run_id: str,
    *,
    keep: int = SNAPSHOTS_KEPT,
    now: datetime | None = None,
) -> Snapshot:
    """Copy the hub file into its snapshot folder, whole or not at all; keep the ``keep`` newest snapshots.

    ``con`` is an open connection to the hub file at ``hub`` (``Hub.snapshot``
    passes its own). Call it while no one else writes the hub: a run does, at
    its end, holding its tenant's slot. ``now`` names the snapshot (default:
    the clock).
    """
    hub = Path(hub)
    if keep < 1:
        raise ValueError("keep at least one snapshot")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    con.execute("CHECKPOINT").fetchall()  # every committed write is in the file itself now, and nothing pending
    wal = Path(f"{hub}.wal")
    if wal.exists() and wal.stat().st_size:
        raise SnapshotError(f"hub {hub} still has pending writes in {wal.name}: someone else writes it; no snapshot")
    folder = snapshot_folder(hub)
    folder.mkdir(parents=True, exist_ok=True)
    run = re.sub(r"[^A-Za-z0-9_-]", "-", run_id)[:64] or "run"
    target = folder / f"{moment.strftime(_STAMP)}-{run}.duckdb"
    # The hub opens (it is open) and is idle: a copy equal to it byte for byte opens and holds what it holds.
    _copy_checked(hub, target, lambda copy: _same_bytes(hub, copy))
    for old in list_snapshots(hub)[:-keep]:
        old.path.unlink(missing_ok=True)
    return Snapshot(target, moment, run)


def choose_snapshot(hub: str | Path, at: str | None = None) -> Snapshot:
    """The snapshot to restore: the newest, or the one ``at`` names (a name, or its start, or a time).

    A time (``2026-12-07T10:15``, UTC unless it says otherwise) picks the
    newest snapshot taken at or before it.
    """
    found = list_snapshots(hub)
    if not found:
        raise SnapshotError(f"hub {hub} has no snapshot (none in {snapshot_folder(hub)})")
    if at is None:
        return found[-1]
    named = [s for s in found if s.name.startswith(at)]
    if named:
        return named[-1]
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        raise SnapshotError(
            f"--at {at!r}: no snapshot of {hub} is named so, and it is not a time such as 2026-12-07T10:15"
        ) from None
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    before = [s for s in found if s.taken_at <= moment]
    if not before:
        raise SnapshotError(f"--at {at!r}: no snapshot of {hub} was taken by then (the oldest is {found[0].name})")
    return before[-1]


def restore_snapshot(hub: str | Path, tenant: str, *, at: str | None = None, now: datetime | None = None) -> Restored:
    """Put a snapshot (the newest, or the one ``at`` names) back at the hub's place.

    What stood there is set aside first (``set_aside``); the snapshot itself
    stays where it is. Refused while the hub is in use, or when the snapshot
    does not open as ``tenant``'s hub.
    """
    hub = Path(hub)
    snapshot = choose_snapshot(hub, at)
    _check_hub_file(snapshot.path, tenant)
    aside = set_aside(hub, tenant, now=now)
    _copy_checked(snapshot.path, hub, lambda copy: _check_hub_file(copy, tenant))
    return Restored(snapshot, aside)


def set_aside(hub: str | Path, tenant: str, *, now: datetime | None = None) -> list[Path]:
    """Move the hub file and its ``.wal`` out of the way (renamed, never deleted); the new names.

    ``<hub>.replaced-<time>`` when it opens as ``tenant``'s hub, else
    ``<hub>.damaged-<time>``. Refused while another connection holds it, or
    when it is another tenant's hub.
    """
    hub = Path(hub)
    wal = Path(f"{hub}.wal")
    if not hub.exists() and not wal.exists():
        return []
    label = "replaced" if hub.exists() and _what_is_wrong(hub, tenant) is None else "damaged"
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime(_STAMP)
    moved = []
    for source in (hub, wal):
        if source.exists():
            # DuckDB finds a file's log by its name plus ".wal": keep the pair together under the new name.
            target = Path(f"{hub}.{label}-{stamp}" + source.name.removeprefix(hub.name))
            os.replace(source, target)
            moved.append(target)
    return moved


def discard_hub(hub: str | Path) -> None:
    """Delete the hub file, its log and its snapshots: for a demo that starts its apps afresh too."""
    hub = Path(hub)
    hub.unlink(missing_ok=True)
    Path(f"{hub}.wal").unlink(missing_ok=True)
    shutil.rmtree(snapshot_folder(hub), ignore_errors=True)


def _check_hub_file(path: Path, tenant: str | None) -> None:
    """``path`` opens as a hub (of ``tenant``, or of none yet), or a SnapshotError says why not."""
    wrong = _what_is_wrong(path, tenant)
    if wrong is not None:
        raise SnapshotError(f"{path} {wrong}")


def _what_is_wrong(path: Path, tenant: str | None) -> str | None:
    """Why ``path`` is no hub (None: it is one, of ``tenant`` or of none yet); raises while in use or another's."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        if is_in_use(error):
            raise SnapshotError(f"{path} is in use ({first_line(error)}): wait for the run to end") from None
        return f"does not open as a DuckDB file: {first_line(error)}"
    try:
        tables = {str(r[0]) for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if "schema_migrations" not in tables:
            return "is not a hub (no migrations recorded)"
        owner = hub_tenant(con)
    except duckdb.Error as error:
        return f"does not read as a hub: {first_line(error)}"
    finally:
        con.close()
    if tenant is not None and owner is not None and owner != tenant:
        raise SnapshotError(f"{path} belongs to tenant {owner}, not {tenant}")
    return None


def _same_bytes(source: Path, copy: Path) -> None:
    """The copy holds exactly the source's bytes, or a SnapshotError says the source changed meanwhile."""
    with source.open("rb") as one, copy.open("rb") as other:
        while True:
            block = one.read(1 << 20)
            if block != other.read(1 << 20):
                raise SnapshotError(f"hub {source} changed while it was copied: someone else writes it; no snapshot")
            if not block:
                return


def _copy_checked(source: Path, target: Path, check: Callable[[Path], None]) -> None:
    """Copy ``source`` to ``target`` under a temporary name, on disk and ``check``-ed, then rename it into place."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        shutil.copyfile(source, partial)
        with partial.open("rb") as copied:
            os.fsync(copied.fileno())
        if partial.stat().st_size != source.stat().st_size:
            raise SnapshotError(f"copying {source} to {target} came out short: no room left on the disk?")
        check(partial)
        os.replace(partial, target)
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)  # the rename itself survives a crash
        finally:
            os.close(folder)
    finally:
        partial.unlink(missing_ok=True)
