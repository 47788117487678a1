"""CRM and sales: company, organizations and people, items, invoices, purchase orders."""

from __future__ import annotations

import typing as t
from datetime import date

from prefect import flow

from flows.domain import DEFAULT_CONFIG, run_domain

__all__ = ["crm_sales"]


@flow(name="crm_sales", flow_run_name="crm_sales-{tenant}", log_prints=True)
def crm_sales(
    tenant: str,
    entities: list[str] | None = None,
    full: bool = False,
    since: date | None = None,
    config: str = DEFAULT_CONFIG,
    plan: bool = False,
) -> list[dict[str, t.Any]]:
    """Sync the tenant's CRM and sales data between its apps and its hub.

    ``plan``: write nothing; leave what a run would write to each app, and why, as an artifact.
    """
    return run_domain("crm_sales", tenant, entities, full=full, since=since, config=config, plan=plan)
