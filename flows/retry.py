"""Retry: send again, now, the records that failed or need attention, at a person's request (from the UI)."""

from __future__ import annotations

import typing as t
from pathlib import Path

from prefect import flow
from prefect.artifacts import create_table_artifact
from prefect.runtime import flow_run

from datashare.config import load_config
from datashare.store import Hub
from flows.attention import artifact_key, report_attention
from flows.domain import DEFAULT_CONFIG, SUMMARY_COLUMNS, tenant_lock
from flows.snapshot import snapshot_hub
from tasks.ledger import clear_records
from tasks.sync import push_entity_to

__all__ = ["retry_records"]


@flow(name="retry_records", flow_run_name="retry_records-{tenant}", log_prints=True)
def retry_records(
    tenant: str,
    app: str | None = None,
    entity: str | None = None,
    record: str | None = None,
    config: str = DEFAULT_CONFIG,
) -> list[dict[str, t.Any]]:
    """Send again, now, the records that failed or need attention (or one named record, whatever its state).

    Args:
        tenant: The tenant whose records are sent again, by its name in the config (e.g. demo-au).
        app: Only this app's records (e.g. vtiger, xero); empty for every app the tenant writes.
        entity: Only this entity's records (e.g. organizations, invoices); empty for every entity.
        record: One record, by its hub id or its id in an app, sent again whatever its state (skipped included).
        config: The tenant config file (TOML), relative to the deployment's working directory.
    """
    settings = load_config(Path(config)).tenant(tenant)
    run_id = str(flow_run.get_id() or f"retry_records-{tenant}")
    with tenant_lock(settings):  # never beside a domain run of the tenant: one writer per hub
        pushes = clear_records(config, tenant, app, entity, record)
        rows = [push_entity_to(config, tenant, name, kind, run_id) for name, kind in pushes]
        if rows:  # it wrote to the apps: the hub's snapshot knows what, should the hub be lost
            with Hub.open(settings.store_path(), tenant=tenant) as hub:
                snapshot_hub(hub, settings, run_id)
    key = artifact_key(f"retry-records-{tenant}")
    create_table_artifact(
        [{c: row[c] for c in SUMMARY_COLUMNS} for row in rows]
        or [{**dict.fromkeys(SUMMARY_COLUMNS, ""), "notes": "nothing to retry"}],
        key=f"{key}-summary",
        description=f"retry for {tenant}: what was sent again, per app and entity",
    )
    report_attention(settings, config, key, f"retry for {tenant}")
    return rows
