"""Which Xero tax rate a tax from another app becomes.

A CRM names its taxes its own way ("GST", 10%) where Xero has its own rates
("GST on Income", OUTPUT, 10%). The product spec asks that each line and item
carry its product's (first) tax, so a tax Xero does not know by id is looked up
among Xero's active rates of the same percentage on the same side (sales or
purchases), preferring the same name, then a name that starts with it. When
Xero has no such rate, one is created under the tax's own name.

Pure: the rates are read from Xero by the sink, once per push batch.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from datashare.model import TaxCode

__all__ = ["Side", "XeroTaxRate", "new_tax_rate", "pick_tax_rate"]

Side = t.Literal["sale", "purchase"]

# ReportTaxType words that mark a rate as one for sales or one for purchases (AU, NZ, UK, US codes).
_SALES_WORDS = ("OUTPUT", "SALES")
_PURCHASE_WORDS = ("INPUT", "EXPENSES", "PURCHASES", "IMPORTS")


@dataclass(frozen=True)
class XeroTaxRate:
    """What choosing a rate needs to know of one Xero tax rate."""

    tax_type: str
    name: str
    rate: Decimal
    report_type: str
    active: bool

    @classmethod
    def from_xero(cls, raw: t.Mapping[str, t.Any]) -> XeroTaxRate:
        """From a TaxRates element as Xero returns it."""
        try:
            rate = Decimal(str(raw.get("EffectiveRate", raw.get("DisplayTaxRate", 0))))
        except InvalidOperation:
            rate = Decimal(-1)  # never equal to a real percentage
        return cls(
            tax_type=str(raw["TaxType"]),
            name=str(raw.get("Name") or ""),
            rate=rate,
            report_type=str(raw.get("ReportTaxType") or ""),
            active=raw.get("Status", "ACTIVE") == "ACTIVE",
        )

    def names_side(self, side: Side) -> bool:
        """Whether the rate's report type says it is one for this side (not one for both, or none)."""
        report = self.report_type.upper()
        words = _SALES_WORDS if side == "sale" else _PURCHASE_WORDS
        return any(w in report for w in words)

    def serves(self, side: Side) -> bool:
        """Whether the rate is one for this side: a rate whose report type names neither side serves both."""
        report = self.report_type.upper()
        sales = any(w in report for w in _SALES_WORDS)
        purchases = any(w in report for w in _PURCHASE_WORDS)
        if not sales and not purchases:
            return True
        return sales if side == "sale" else purchases


def _percent(tax: TaxCode, side: Side) -> Decimal | None:
    rate = tax.sale_tax_rate if side == "sale" else tax.purchase_tax_rate
    return rate if rate is not None else (tax.sale_tax_rate or tax.purchase_tax_rate)


def pick_tax_rate(tax: TaxCode, side: Side, rates: t.Iterable[XeroTaxRate]) -> str | None:
    """The TaxType of the Xero rate that stands for ``tax`` on ``side``, or None when Xero has none."""
    percent = _percent(tax, side)
    if percent is None:
        return None
    name = (tax.name or "").strip().casefold()
    same_rate = [r for r in rates if r.active and r.rate == percent]
    # A rate for the side is preferred; failing one, a rate of the same percentage kept for the other side.
    candidates = [r for r in same_rate if r.serves(side)] or same_rate
    for same in (
        lambda r: r.name.casefold() == name,
        lambda r: bool(name) and r.name.casefold().startswith(name),
        lambda r: True,
    ):
        # A rate kept for this side (GST Free Income) before one for any (BAS Excluded).
        found = sorted((not r.names_side(side), r.tax_type) for r in candidates if same(r))
        if found:
            return found[0][1]
    return None


def new_tax_rate(tax: TaxCode, side: Side, country: str) -> dict[str, t.Any]:
    """A TaxRates element creating ``tax`` in Xero (a US organisation takes no ReportTaxType)."""
    percent = _percent(tax, side) or Decimal(0)
    name = tax.name or f"Tax {percent}%"
    element: dict[str, t.Any] = {
        "Name": name,
        "TaxComponents": [{"Name": name, "Rate": float(percent), "IsCompound": False}],
    }
    if country.upper() != "US":
        element["ReportTaxType"] = "OUTPUT" if side == "sale" else "INPUT"
    return element
