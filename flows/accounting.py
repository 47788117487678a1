"""Accounting: tax codes, accounts, credit notes, payments, journals (manual and generated), transfers."""

from __future__ import annotations

import typing as t
from datetime import date

from prefect import flow

from flows.domain import DEFAULT_CONFIG, run_domain
from flows.parameters import AccountingEntity

__all__ = ["accounting"]


@flow(name="accounting", flow_run_name="accounting-{tenant}", log_prints=True)
def accounting(
    tenant: str,
    entities: list[AccountingEntity] | None = None,
    full: bool = False,
    since: date | None = None,
    config: str = DEFAULT_CONFIG,
    plan: bool = False,
) -> list[dict[str, t.Any]]:
    """Sync the tenant's accounting data from Xero into its hub (and on to the apps that take it).

    Args:
        tenant: The tenant to sync, by its name in the config (e.g. demo-au).
        entities: Only these entities (and what they refer to); empty for all of the domain's.
        full: Read everything again, not only what changed since the last run (a re-import).
        since: With full: only what changed after this day.
        config: The tenant config file (TOML), relative to the deployment's working directory.
        plan: Write nothing anywhere; leave what a run would write to each app, and why, as an artifact.
    """
    return run_domain(
        "accounting", tenant, list(entities or ()) or None, full=full, since=since, config=config, plan=plan
    )
