"""CRM and sales: company, organizations and people, items, invoices, purchase orders."""

from __future__ import annotations

import typing as t
from datetime import date

from prefect import flow

from flows.domain import DEFAULT_CONFIG, run_domain
from flows.parameters import CrmSalesEntity, with_domain_flow_args

__all__ = ["crm_sales"]


@flow(name="crm_sales", flow_run_name="crm_sales-{tenant}", log_prints=True)
@with_domain_flow_args
def crm_sales(
    tenant: str,
    entities: list[CrmSalesEntity] | None = None,
    full: bool = False,
    since: date | None = None,
    config: str = DEFAULT_CONFIG,
    plan: bool = False,
) -> list[dict[str, t.Any]]:
    """Sync the tenant's CRM and sales data between its apps and its hub."""
    return run_domain("crm_sales", tenant, entities, full=full, since=since, config=config, plan=plan)
