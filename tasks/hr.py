"""Prefect tasks of the HR and payroll flow: the payroll gate, and the roll-up of approved time."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from connectors.xero.client import XeroClient
from connectors.xero.payroll import PAYROLL_COUNTRIES
from datashare.config import Tenant, load_config
from datashare.store import Hub
from datashare.sync.timesheets import roll_up_time
from tasks.pull import BatchSummary
from tasks.sync import app_task
from tasks.wiring import token_store, xero_client

__all__ = [
    "NO_PAYROLL_ACCESS",
    "PAYROLL_OFF",
    "PayrollGate",
    "check_payroll_gate",
    "payroll_gate",
    "read_payroll_gate",
    "roll_up_shifts",
]

NO_PAYROLL_ACCESS = "payroll access not granted: reconnect Xero with payroll access"
PAYROLL_OFF = "payroll is off for this tenant in its config (payroll_access = false)"


@dataclass(frozen=True)
class PayrollGate:
    """Whether a tenant's HR data may be shared, and if not, why."""

    open: bool
    reason: str
    country: str


def check_payroll_gate(country: str, organisation: str, payroll_access: bool, scopes: set[str]) -> PayrollGate:
    """The rules: an organisation in AU or the US, and a connection the user allowed payroll access (pure)."""
    if country.upper() not in PAYROLL_COUNTRIES:
        reason = (
            f"{organisation} is in {country or 'an unknown country'}: HR and payroll data are shared only for "
            "organisations in Australia and the United States"
        )
        return PayrollGate(False, reason, country)
    if not payroll_access:
        return PayrollGate(False, PAYROLL_OFF, country)
    if not any(s.startswith("payroll.") for s in scopes):
        return PayrollGate(False, NO_PAYROLL_ACCESS, country)
    return PayrollGate(True, "", country)


@app_task("payroll gate ({tenant})")
def payroll_gate(config: str, tenant: str) -> PayrollGate:
    """Read the organisation (one Accounting API call, never a payroll one) and the connection's scopes."""
    settings = load_config(Path(config)).tenant(tenant)
    return read_payroll_gate(settings, xero_client(settings))


def read_payroll_gate(tenant: Tenant, client: XeroClient) -> PayrollGate:
    """The gate of a tenant, from its organisation (read with ``client``) and its Xero connection's scopes."""
    organisation = client.organisation()
    token = token_store(tenant, "xero").load()
    return check_payroll_gate(
        str(organisation.get("CountryCode", "")),
        str(organisation.get("Name", tenant.name)),
        tenant.payroll_access,
        token.scopes if token is not None else set(),
    )


@task(cache_policy=NO_CACHE, task_run_name="roll up approved time ({tenant})")
def roll_up_shifts(config: str, tenant: str, run_id: str) -> dict[str, t.Any]:
    """Approved shifts into the hub's time sheets (per employee and pay period); returns a summary row."""
    settings = load_config(Path(config)).tenant(tenant)
    with Hub.open(settings.store_path(), tenant=tenant) as hub:
        done = roll_up_time(hub, run_id)
    summary = BatchSummary("hub", "roll-up", "time_sheets")
    summary.created, summary.updated, summary.unchanged = done.created, done.updated, done.unchanged
    summary.skipped = len(done.notes)
    summary.notes = "; ".join(done.notes[:3]) + (f" (+{len(done.notes) - 3} more)" if len(done.notes) > 3 else "")
    return summary.row()
