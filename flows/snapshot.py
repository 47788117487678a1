"""The snapshot a run leaves of its tenant's hub once it completed (``datashare store restore`` puts one back)."""

from __future__ import annotations

import time

import duckdb
from prefect import get_run_logger

from datashare.config import Tenant
from datashare.store import Hub, SnapshotError
from datashare.store.snapshots import first_line

__all__ = ["snapshot_hub"]


def snapshot_hub(hub: Hub, settings: Tenant, run_id: str) -> None:
    """Keep a snapshot of the tenant's (open) hub after a successful run; call it holding the tenant's slot.

    A snapshot that cannot be made is a warning in the run's log, not a failed
    run: the run's work is done and stays done.
    """
    logger = get_run_logger()
    began = time.monotonic()
    try:
        made = hub.snapshot(run_id, keep=settings.snapshots_kept)
    except (OSError, duckdb.Error, SnapshotError) as error:
        logger.warning("no snapshot of %s's hub after run %s: %s", settings.name, run_id, first_line(error))
        return
    logger.info("snapshot of %s's hub: %s in %.2f s", settings.name, made.path, time.monotonic() - began)
