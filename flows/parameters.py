"""The flows' parameters as choices: the forms in Prefect's UI offer them, and a name outside them fails at once.

Each ``Literal`` spells out a domain's entities (``datashare.model.DOMAINS``);
``tests/flows/test_parameters.py`` keeps the two in step.
"""

from __future__ import annotations

import typing as t

__all__ = ["AccountingEntity", "AnyEntity", "CrmSalesEntity", "Domain", "HrPayrollEntity"]

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
