"""Prefect tasks over the record ledger: a person's retry, as a task that calls the core."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from datashare.config import load_config
from datashare.model import ENTITIES, UnknownEntityError
from datashare.store import Hub
from datashare.sync.ledger import clear_for_retry
from tasks.sync import Batch, pushes_for

__all__ = ["clear_records"]


@task(cache_policy=NO_CACHE, task_run_name="clear records for retry ({tenant})")
def clear_records(
    config: str, tenant: str, app: str | None = None, entity: str | None = None, record: str | None = None
) -> list[Batch]:
    """Make records due again (``clear_for_retry``); the (app, entity) pushes that now have some, in reference order.

    Without ``record``: those that failed or need attention (of ``app`` and
    ``entity`` when given); with it, that record whatever its state.
    """
    settings = load_config(Path(config)).tenant(tenant)
    if entity is not None and entity not in ENTITIES:
        raise UnknownEntityError(entity)
    if app is not None and app not in settings.apps:
        raise ValueError(f"tenant {tenant!r} links no app {app!r} (it links {', '.join(settings.apps)})")
    with Hub.open(settings.store_path(), tenant=tenant) as hub:
        cleared = {(a, e) for a, e, _ in clear_for_retry(hub, app=app, entity=entity, record=record)}
    # Only what the tenant writes: a record cleared in an app it only reads from has nothing to send.
    return [pair for pair in pushes_for(settings, ENTITIES) if pair in cleared]
