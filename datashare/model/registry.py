"""Every canonical entity, in reference order, and the domains they belong to."""

from __future__ import annotations

import typing as t

from datashare.model.accounting import Account, Journal, Payment, TaxCode, Transfer
from datashare.model.base import CanonicalModel
from datashare.model.crm import Company, Item, Organization, Person
from datashare.model.documents import CreditNote, Invoice, PurchaseOrder, Quote
from datashare.model.hr import (
    Employee,
    EmployeeSalary,
    LeaveApplication,
    PayItem,
    PayRun,
    PaySchedule,
    TimeSheet,
    WorkedTime,
    WorkLocation,
)

__all__ = ["DOMAINS", "ENTITIES", "UnknownEntityError", "model_for", "with_references"]

# Reference order: a record comes after every entity it may point at.
_IN_ORDER: tuple[type[CanonicalModel], ...] = (
    Company,
    TaxCode,
    Account,
    Organization,
    Person,
    Item,
    Quote,
    Invoice,
    PurchaseOrder,
    CreditNote,
    Payment,
    Journal,
    Transfer,
    WorkLocation,
    PayItem,
    PaySchedule,
    Employee,
    EmployeeSalary,
    WorkedTime,
    TimeSheet,
    LeaveApplication,
    PayRun,
)

ENTITIES: dict[str, type[CanonicalModel]] = {model.entity: model for model in _IN_ORDER}
"""Entity name (the hub table) -> model, in reference order."""

DOMAINS: dict[str, tuple[str, ...]] = {
    "crm_sales": ("company", "organizations", "people", "items", "quotes", "invoices", "purchase_orders"),
    "accounting": ("tax_codes", "accounts", "credit_notes", "payments", "journals", "transfers"),
    "hr_payroll": (
        "work_locations",
        "pay_items",
        "pay_schedules",
        "employees",
        "employee_salaries",
        "time_activities",
        "time_sheets",
        "leave_applications",
        "pay_runs",
    ),
}
"""Which entities each domain flow syncs."""


class UnknownEntityError(KeyError):
    """An entity name that is not part of the canonical model."""

    def __str__(self) -> str:
        return f"unknown entity {self.args[0]!r} (known: {', '.join(ENTITIES)})"


def model_for(entity: str) -> type[CanonicalModel]:
    """The model of an entity name, or ``UnknownEntityError``."""
    try:
        return ENTITIES[entity]
    except KeyError:
        raise UnknownEntityError(entity) from None


LOOKUPS: tuple[str, ...] = ("tax_codes", "accounts")
"""Entities nearly every record points at (lines name a tax code and an account), whatever its domain."""


def with_references(entities: t.Iterable[str], *, lookups: bool = True) -> list[str]:
    """``entities`` and the lookups (tax codes, accounts) they point at, directly or not, in reference order.

    A flow that syncs items also reads and writes the tax codes and accounts
    items name, so a record never waits for a lookup another flow brings in.
    Records of other domains (an invoice a payment is for) are that domain's
    flow's: the record waits for it, and says so. ``lookups=False`` gives
    ``entities`` alone, in reference order.
    """
    wanted = set(entities)
    if not lookups:
        return [e for e in ENTITIES if e in wanted]
    found: set[str] = set()
    todo = list(wanted)
    while todo:
        entity = todo.pop()
        if entity in found:
            continue
        found.add(entity)
        todo.extend(model_for(entity).references().values())
    return [e for e in ENTITIES if e in wanted or (e in found and e in LOOKUPS)]
