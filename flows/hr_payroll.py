"""HR and payroll: employees, salaries, pay items, schedules and runs from Xero; approved time into Xero.

Only for organisations in Australia and the United States, over a connection
with payroll access: any other run ends in a ``Skipped`` state saying why,
without a call to the payroll API. Work locations are US payroll's, leave
applications AU payroll's (the other country's API has none, so none is read).
"""

from __future__ import annotations

import typing as t
from datetime import date
from uuid import UUID

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import State
from prefect.runtime import flow_run
from prefect.states import Completed

from flows.domain import DEFAULT_CONFIG, run_domain
from flows.parameters import HrPayrollEntity, with_domain_flow_args
from tasks.hr import payroll_gate, roll_up_shifts

__all__ = ["SKIPPED_TAG", "hr_payroll"]


SKIPPED_TAG = "skipped"


def mark_skipped() -> None:
    """Tag the run ``skipped``: the UI's run lists filter by tag, and a Skipped state alone reads as Completed there."""
    run_id = flow_run.get_id()
    if run_id is None:
        return
    with get_client(sync_client=True) as client:
        tags = client.read_flow_run(UUID(run_id)).tags
        client.update_flow_run(UUID(run_id), tags=[*tags, SKIPPED_TAG])


@flow(name="hr_payroll", flow_run_name="hr_payroll-{tenant}", log_prints=True)
@with_domain_flow_args
def hr_payroll(
    tenant: str,
    entities: list[HrPayrollEntity] | None = None,
    full: bool = False,
    since: date | None = None,
    config: str = DEFAULT_CONFIG,
    plan: bool = False,
) -> list[dict[str, t.Any]] | State:
    """Sync the tenant's HR and payroll data, or end Skipped when its organisation or connection has none."""
    gate = payroll_gate(config, tenant)
    if not gate.open:
        get_run_logger().warning("HR and payroll skipped for %s: %s", tenant, gate.reason)
        create_markdown_artifact(
            f"**HR and payroll skipped** for `{tenant}`: {gate.reason}",
            key=f"hr-payroll-{tenant}".lower().replace("_", "-"),
            description="why this run shared no HR data",
        )
        mark_skipped()
        return Completed(message=gate.reason, name="Skipped")
    return run_domain(
        "hr_payroll",
        tenant,
        entities,
        full=full,
        since=since,
        config=config,
        before_push=roll_up_shifts,
        plan=plan,
    )
