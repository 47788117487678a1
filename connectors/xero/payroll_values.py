"""Reading Xero Payroll (AU and US) records field by field, for the payroll mapping.

Every error names the field's path and the value it found, so a reject reads
``TimesheetLines[0].NumberOfUnits: ... (got [4, 4])``. Dates go through
``connectors.xero.dates`` (MS JSON dates as the AU spec writes them, or ISO),
numbers are read into ``Decimal`` (floats through their shortest text, so 7.6
stays 7.6).
"""

from __future__ import annotations

from decimal import Decimal

from connectors.base.mapping import Mapped
from connectors.xero.fields import Fields, build
from datashare.model import CanonicalModel

__all__ = ["COUNTRIES", "PayrollFields", "build", "mapped", "number_out", "payroll_country"]

PayrollFields = Fields
"""Payroll records are read as the Accounting API's are."""

COUNTRIES = frozenset({"AU", "US"})
"""The organisations' countries Xero runs payroll for."""


def payroll_country(country: str) -> str:
    """``country`` as AU or US; any other country has no Xero payroll, and asking for it is a caller's mistake."""
    code = country.strip().upper()
    if code not in COUNTRIES:
        raise ValueError(f"Xero runs payroll for AU and US organisations only, not {country!r}")
    return code


def number_out(value: Decimal) -> int | float:
    """A ``Decimal`` as the JSON number Xero takes (whole numbers as integers)."""
    return int(value) if value == value.to_integral_value() else float(value)


def mapped(remote_id: str, record: CanonicalModel, f: PayrollFields) -> Mapped:
    """A canonical record with the id map's facts: its Xero id and UpdatedDateUTC (as written, and parsed)."""
    version = str(f.raw["UpdatedDateUTC"]) if f.has("UpdatedDateUTC") else None
    return Mapped(
        entity=record.entity,
        remote_id=remote_id,
        record=record,
        remote_version=version,
        remote_updated_at=f.stamp("UpdatedDateUTC"),
    )
