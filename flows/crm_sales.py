"""CRM and sales: company, organizations and people, items, invoices, purchase orders."""

from __future__ import annotations

import typing as t
from datetime import date

from prefect import flow

from flows.domain import DEFAULT_CONFIG, run_domain
from flows.parameters import CrmSalesEntity

__all__ = ["crm_sales"]


@flow(name="crm_sales", flow_run_name="crm_sales-{tenant}", log_prints=True)
def crm_sales(
    tenant: str,
    entities: list[CrmSalesEntity] | None = None,
    full: bool = False,
    since: date | None = None,
    config: str = DEFAULT_CONFIG,
    plan: bool = False,
) -> list[dict[str, t.Any]]:
    """Sync the tenant's CRM and sales data between its apps and its hub.

    Args:
        tenant: The tenant to sync, by its name in the config (e.g. demo-au).
        entities: Only these entities (and what they refer to); empty for all of the domain's.
        full: Read everything again, not only what changed since the last run (a re-import).
        since: With full: only what changed after this day.
        config: The tenant config file (TOML), relative to the deployment's working directory.
        plan: Write nothing anywhere; leave what a run would write to each app, and why, as an artifact.
    """
    return run_domain(
        "crm_sales", tenant, list(entities or ()) or None, full=full, since=since, config=config, plan=plan
    )
