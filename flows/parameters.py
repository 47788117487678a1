"""The flows' parameters as choices: the forms in Prefect's UI offer them, and a name outside them fails at once.

Each ``Literal`` spells out a domain's entities (``datashare.model.DOMAINS``);
``tests/flows/test_parameters.py`` keeps the two in step.
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable

__all__ = ["AccountingEntity", "AnyEntity", "CrmSalesEntity", "Domain", "HrPayrollEntity", "with_domain_flow_args"]

Domain = t.Literal["crm_sales", "accounting", "hr_payroll"]
CrmSalesEntity = t.Literal["company", "organizations", "people", "items", "quotes", "invoices", "purchase_orders"]
AccountingEntity = t.Literal["tax_codes", "accounts", "credit_notes", "payments", "journals", "transfers"]
HrPayrollEntity = t.Literal[
    "work_locations",
    "pay_items",
    "pay_schedules",
    "employees",
    "employee_salaries",
    "time_activities",
    "time_sheets",
    "leave_applications",
    "pay_runs",
]
AnyEntity = t.Literal[CrmSalesEntity, AccountingEntity, HrPayrollEntity]

DOMAIN_FLOW_ARGS = """
    Args:
        tenant: The tenant to sync, by its name in the config (e.g. demo-au).
        entities: Only these entities (and what they refer to); empty for all of the domain's.
        full: Read everything again, not only what changed since the last run (a re-import).
        since: With full: only what changed after this day.
        config: The tenant config file (TOML), relative to the deployment's working directory.
        plan: Write nothing anywhere; leave what a run would write to each app, and why, as an artifact.
"""

F = t.TypeVar("F", bound=Callable[..., t.Any])


def with_domain_flow_args(function: F) -> F:
    """Add to a domain flow's docstring the parameters every domain flow shares: the UI's form describes them.

    Put it under ``@flow``: Prefect reads the descriptions when the flow is made.
    """
    function.__doc__ = f"{(function.__doc__ or '').strip()}\n{DOMAIN_FLOW_ARGS}"
    return function
