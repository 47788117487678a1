"""A dashboard hub with a record ledger: runs, and vTiger states of every kind, at fixed moments (never today)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from datashare.store import Hub
from datashare.sync.push import held_hash


@dataclass(frozen=True)
class LedgerHub:
    """A copy of the dashboard hub whose ledger has runs and vTiger states of every kind, at fixed moments."""

    path: Path
    in_step: str
    attention: str
    waiting: str
    skipped: str
    organizations: int
    pushes: tuple[tuple[str, str], ...] = (("vtiger", "organizations"),)


FAILED_AT = datetime(2026, 3, 2, 10, 1, tzinfo=UTC)
WAITING_SINCE = datetime(2026, 2, 27, 8, 0, tzinfo=UTC)
ERROR = "Validation failed: accountname is too long"
RUNS = (  # run id, flow, status, started, finished
    (
        "run-1",
        "crm_sales",
        "COMPLETED",
        datetime(2026, 3, 1, 10, 0, tzinfo=UTC),
        datetime(2026, 3, 1, 10, 5, tzinfo=UTC),
    ),
    ("run-2", "crm_sales", "FAILED", datetime(2026, 3, 2, 10, 0, tzinfo=UTC), datetime(2026, 3, 2, 10, 2, tzinfo=UTC)),
    (
        "run-3",
        "accounting",
        "COMPLETED",
        datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        datetime(2026, 3, 2, 9, 3, tzinfo=UTC),
    ),
)


def make_ledger_hub(hub_path: Path, path: Path) -> LedgerHub:
    """A copy of the dashboard hub at ``path`` as a tenant writing organizations to vTiger sees it after a few runs.

    Four organizations have a vTiger row each: one in step, one that needs
    attention (failed 5 times), one waiting, one skipped; the others were never sent (due).
    """
    shutil.copy(hub_path, path)
    with Hub.open(path) as hub:
        for run_id, flow, status, started, finished in RUNS:
            hub.query(
                "INSERT INTO runs (run_id, flow, parameters, status, summary, started_at, finished_at) "
                "VALUES (?, ?, '{}', ?, '[]', ?, ?)",
                run_id,
                flow,
                status,
                started,
                finished,
            )
        held = held_hash("vtiger", "organizations", "o")  # what vTiger holds of a record: in step when it matches
        chosen = hub.query(
            f"SELECT id, name, {held} FROM organizations o WHERE deleted_at IS NULL ORDER BY name LIMIT 4"
        )
        (step, step_name, step_hash), (bad, bad_name, _), (wait, wait_name, _), (skip, skip_name, _) = chosen
        rows = (  # hub id, remote id, pushed hash, status, cause, attempts, attention, error, changed
            (step, "11x1", step_hash, "linked", None, 0, False, None, FAILED_AT),
            (bad, None, None, "error", None, 5, True, f"{ERROR} (Bearer sEcReT.tOkEn)", FAILED_AT),
            (wait, None, None, "waiting", "waiting_for_record", 0, False, None, WAITING_SINCE),
            (skip, None, None, "skipped", "rule", 0, False, "the CRM takes no such record", FAILED_AT),
        )
        for hub_id, remote, pushed, status, cause, attempts, attention, error, changed in rows:
            hub.query(
                "INSERT INTO id_map (entity, hub_id, app, remote_id, pushed_hash, status, cause, attempts, attention, "
                "last_error, updated_at) VALUES ('organizations', ?, 'vtiger', ?, ?, ?, ?, ?, ?, ?, ?)",
                hub_id,
                remote,
                pushed,
                status,
                cause,
                attempts,
                attention,
                error,
                changed,
            )
        [(live,)] = hub.query("SELECT count(*) FROM organizations WHERE deleted_at IS NULL")
    return LedgerHub(path, step_name, bad_name, wait_name, skip_name, int(live))
