"""Accounting: tax codes, accounts, credit notes, payments, journals (manual and generated), transfers."""

from __future__ import annotations

import typing as t
from datetime import date

from prefect import flow

from flows.domain import DEFAULT_CONFIG, run_domain

__all__ = ["accounting"]


@flow(name="accounting", flow_run_name="accounting-{tenant}", log_prints=True)
def accounting(
    tenant: str,
    entities: list[str] | None = None,
    full: bool = False,
    since: date | None = None,
    config: str = DEFAULT_CONFIG,
    plan: bool = False,
) -> list[dict[str, t.Any]]:
    """Sync the tenant's accounting data from Xero into its hub (and on to the apps that take it).

    ``plan``: write nothing; leave what a run would write to each app, and why, as an artifact.
    """
    return run_domain("accounting", tenant, entities, full=full, since=since, config=config, plan=plan)
