"""Accounting: tax codes, accounts, credit notes, payments, journals (manual and generated), transfers."""

from __future__ import annotations

import typing as t
from datetime import date

from prefect import flow

from flows.domain import DEFAULT_CONFIG, run_domain
from flows.parameters import AccountingEntity, with_domain_flow_args

__all__ = ["accounting"]


@flow(name="accounting", flow_run_name="accounting-{tenant}", log_prints=True)
@with_domain_flow_args
def accounting(
    tenant: str,
    entities: list[AccountingEntity] | None = None,
    full: bool = False,
    since: date | None = None,
    config: str = DEFAULT_CONFIG,
    plan: bool = False,
) -> list[dict[str, t.Any]]:
    """Sync the tenant's accounting data from Xero into its hub (and on to the apps that take it)."""
    return run_domain("accounting", tenant, entities, full=full, since=since, config=config, plan=plan)
