"""``/PayItems``: one object holding every list of pay items (AU: earnings rates, deduction, leave and
reimbursement types; US: earnings, benefit, deduction, reimbursement and time off types).

A GET answers ``{"PayItems": {"EarningsRates": [...], ...}}``; a POST takes the
same object (not an array) and creates, or updates by id, the items it
holds. Names are unique within a list. AU earnings rates and leave types
always say whether they are qualifying earnings (the spec requires it), and
an earnings rate exempt from super cannot be qualifying earnings.
"""

from __future__ import annotations

from typing import Any

from sandbox.xero.dates import to_second
from sandbox.xero.errors import Invalid
from sandbox.xero.payroll.base import FLAG, NUMBER, TEXT, Ctx, FieldSpec, Kind, ListQuery, Record, merged, read_fields
from sandbox.xero.payroll.catalogue import PayItemGroup
from sandbox.xero.resource import Reader
from sandbox.xero.wire import public

_EARNINGS_TYPES = (
    "FIXED", "ORDINARYTIMEEARNINGS", "OVERTIMEEARNINGS", "ALLOWANCE", "LUMPSUMD", "EMPLOYMENTTERMINATIONPAYMENT",
    "LUMPSUMA", "LUMPSUMB", "BONUSESANDCOMMISSIONS", "LUMPSUME", "LUMPSUMW", "DIRECTORSFEES", "PAIDPARENTALLEAVE",
    "WORKERSCOMPENSATION",
)  # fmt: skip
_RATE_TYPES = ("FIXEDAMOUNT", "MULTIPLE", "RATEPERUNIT")

# Per country and list: the fields a write may set.
FIELDS: dict[tuple[str, str], FieldSpec] = {
    ("AU", "EarningsRates"): {
        "Name": TEXT, "AccountCode": TEXT, "TypeOfUnits": TEXT, "IsExemptFromTax": FLAG, "IsExemptFromSuper": FLAG,
        "IsReportableAsW1": FLAG, "IsQualifyingEarnings": FLAG, "AllowanceContributesToAnnualLeaveRate": FLAG,
        "AllowanceContributesToOvertimeRate": FLAG, "EarningsType": _EARNINGS_TYPES, "RateType": _RATE_TYPES,
        "RatePerUnit": TEXT, "Multiplier": NUMBER, "AccrueLeave": FLAG, "Amount": NUMBER, "CurrentRecord": FLAG,
    },
    ("AU", "DeductionTypes"): {
        "Name": TEXT, "AccountCode": TEXT, "ReducesTax": FLAG, "ReducesSuper": FLAG, "IsExemptFromW1": FLAG,
        "DeductionCategory": ("NONE", "UNIONFEES", "WORKPLACEGIVING"), "CurrentRecord": FLAG,
    },
    ("AU", "LeaveTypes"): {
        "Name": TEXT, "TypeOfUnits": TEXT, "NormalEntitlement": NUMBER, "LeaveLoadingRate": NUMBER,
        "IsPaidLeave": FLAG, "ShowOnPayslip": FLAG, "CurrentRecord": FLAG, "LeaveCategoryCode": TEXT,
        "SGCExempt": FLAG, "IsQualifyingEarnings": FLAG,
    },
    ("AU", "ReimbursementTypes"): {"Name": TEXT, "AccountCode": TEXT, "CurrentRecord": FLAG},
    ("US", "EarningsTypes"): {
        "EarningsType": TEXT, "ExpenseAccountCode": TEXT, "EarningsCategory": TEXT, "RateType": TEXT,
        "TypeOfUnits": TEXT, "Rate": NUMBER, "Multiple": NUMBER, "CurrentRecord": FLAG,
    },
    ("US", "BenefitTypes"): {
        "BenefitType": TEXT, "BenefitCategory": TEXT, "LiabilityAccountCode": TEXT, "ExpenseAccountCode": TEXT,
        "StandardAmount": NUMBER, "CurrentRecord": FLAG,
    },
    ("US", "DeductionTypes"): {
        "DeductionType": TEXT, "DeductionCategory": TEXT, "LiabilityAccountCode": TEXT, "CurrentRecord": FLAG,
    },
    ("US", "ReimbursementTypes"): {
        "ReimbursementType": TEXT, "ExpenseOrLiabilityAccountCode": TEXT, "CurrentRecord": FLAG,
    },
    ("US", "TimeOffTypes"): {
        "TimeOffType": TEXT, "TimeOffCategory": TEXT, "LiabilityAccountCode": TEXT, "ExpenseAccountCode": TEXT,
        "CurrentRecord": FLAG,
    },
}  # fmt: skip
REQUIRED: dict[tuple[str, str], tuple[str, ...]] = {
    ("AU", "EarningsRates"): ("EarningsType", "RateType", "IsQualifyingEarnings"),
}
DEFAULTS: dict[tuple[str, str], Record] = {
    ("AU", "EarningsRates"): {"CurrentRecord": True},
    ("AU", "LeaveTypes"): {"IsQualifyingEarnings": False, "CurrentRecord": True},
    ("AU", "DeductionTypes"): {"CurrentRecord": True},
    ("AU", "ReimbursementTypes"): {"CurrentRecord": True},
}


class PayItems(Kind):
    """``/PayItems``: one object of lists, read whole and written by list."""

    def empty(self, ctx: Ctx) -> object:
        """Every list of the country, empty."""
        return {group.key: [] for group in ctx.country.pay_items}

    def listing(self, ctx: Ctx, query: ListQuery) -> object:
        """Every list of the country, each item changed since If-Modified-Since."""
        bound = to_second(query.since) if query.since is not None else None
        shown: Record = {}
        for group in ctx.country.pay_items:
            items = ctx.payroll.table(group.key).values()
            shown[group.key] = [public(i) for i in items if bound is None or to_second(i["UpdatedDateUTC"]) >= bound]
        return shown

    def write_object(self, ctx: Ctx, body: Any) -> Record:
        """POST /PayItems: create or update the items of every list the body holds."""
        if not isinstance(body, dict):
            raise Invalid("PayItems takes an object of lists (EarningsRates, DeductionTypes, ...)")
        groups = {g.key: g for g in ctx.country.pay_items}
        unknown = sorted(set(body) - set(groups))
        if unknown:
            raise Invalid(f"PayItems has no list {unknown[0]}")
        written: Record = {}
        for key, items in body.items():
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise Invalid(f"{key} must be a list of objects")
            written[key] = [public(self._write_item(ctx, groups[key], item)) for item in items]
        return written

    def _write_item(self, ctx: Ctx, group: PayItemGroup, element: Record) -> Record:
        code = ctx.country.code
        old = ctx.get(group.key, element.get(group.id_field)) if group.id_field in element else None
        if group.id_field in element and old is None:
            raise Invalid(f"The {group.label} {element[group.id_field]} was not found")
        reader = Reader(element)
        record = merged(
            DEFAULTS.get((code, group.key), {}) if old is None else old, read_fields(reader, FIELDS[code, group.key])
        )
        for name in (group.name_field, *REQUIRED.get((code, group.key), ())):
            if record.get(name) in (None, ""):
                reader.fail(f"{name} is required")
        if record.get("IsQualifyingEarnings") and record.get("IsExemptFromSuper"):
            reader.fail("IsQualifyingEarnings cannot be true when IsExemptFromSuper is true")
        reader.check()
        name = str(record[group.name_field]).casefold()
        for other in ctx.payroll.table(group.key).values():
            if str(other[group.name_field]).casefold() == name and other is not old:
                raise Invalid(f"A {group.label} named '{record[group.name_field]}' already exists")
        record_id = old[group.id_field] if old is not None else ctx.payroll.new_id()
        stored = {group.id_field: record_id, **record, "UpdatedDateUTC": ctx.now}
        return ctx.payroll.put(group.key, group.id_field, stored)
