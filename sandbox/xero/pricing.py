"""Pricing a document's lines as Xero does.

Each line: an item's defaults (description, unit price, account, tax code)
where the line names an ItemCode; LineAmount = Quantity × UnitAmount less
DiscountRate; tax from the line's TaxType (else the account's, else the
organisation's default) under LineAmountTypes Exclusive (tax on top),
Inclusive (tax inside) or NoTax. Totals: SubTotal, TotalTax and Total from
the lines, rounded per line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sandbox.xero.items import item_by_code
from sandbox.xero.money import ONE, ZERO, money, quantity
from sandbox.xero.resource import Reader, is_guid
from sandbox.xero.settings import account_by_code, tax_rate
from sandbox.xero.store import OrgBook

Record = dict[str, Any]

LINE_AMOUNT_TYPES = ("Exclusive", "Inclusive", "NoTax")


@dataclass
class Priced:
    """Lines with their tax worked out, and the document totals."""

    lines: list[Record]
    sub_total: Decimal
    total_tax: Decimal
    total: Decimal


def price_lines(
    book: OrgBook,
    reader: Reader,
    raw_lines: list[Mapping[str, Any]],
    *,
    amounts: str,
    purchase: bool,
    places: int,
    known_ids: set[str],
) -> Priced:
    """Work out each line (item defaults, account, tax) and the totals, as Xero does."""
    lines: list[Record] = []
    sub_total = total_tax = gross_total = ZERO
    for position, raw in enumerate(raw_lines, start=1):
        part = Reader(raw)
        line: Record = {}
        given_id = raw.get("LineItemID")
        line["LineItemID"] = str(given_id).lower() if is_guid(given_id) and str(given_id).lower() in known_ids else ""
        if not line["LineItemID"]:
            line["LineItemID"] = book.new_id()
        description = part.text("Description", max_len=4000)
        item_code = part.text("ItemCode")
        item = item_by_code(book, item_code) if item_code else None
        if item_code and item is None:
            reader.fail(f"Item code '{item_code}' is not valid.")
        details: Mapping[str, Any] = (item or {}).get("PurchaseDetails" if purchase else "SalesDetails", {})
        if item is not None:
            line["ItemCode"] = item["Code"]
            line["Item"] = {"ItemID": item["ItemID"], "Code": item["Code"], "Name": item.get("Name", item["Code"])}
            if description is None:
                description = item.get("PurchaseDescription" if purchase else "Description") or item.get("Name")
        if description is None and not item_code and not part.has("AccountCode"):
            reader.fail(f"Line {position}: a Description or an ItemCode is required.")
        line["Description"] = description or ""
        qty = part.number("Quantity")
        qty = quantity(qty if qty is not None else ONE)
        unit = part.number("UnitAmount")
        given_amount = part.number("LineAmount")
        discount = part.number("DiscountRate")
        if unit is None and "UnitPrice" in details:
            unit = Decimal(str(details["UnitPrice"]))
        if unit is None and given_amount is not None:
            unit = given_amount / qty if qty else ZERO
        unit = unit if unit is not None else ZERO
        unit = quantity(unit) if places == 4 else money(unit)
        amount = money(qty * unit * (ONE - (discount or ZERO) / 100))
        if given_amount is not None and abs(money(given_amount) - amount) > Decimal("0.01"):
            reader.fail(f"Line {position}: the line amount {money(given_amount)} does not equal {amount}.")
        code = part.text("AccountCode") or details.get("AccountCode")
        if code is None and purchase and item is not None and item.get("IsTrackedAsInventory"):
            # Tracked stock bought goes to the item's inventory asset account.
            code = item.get("InventoryAssetAccountCode")
        account = account_by_code(book, str(code)) if code else None
        if code and (account is None or account.get("Status") != "ACTIVE"):
            reader.fail(f"Account code '{code}' is not a valid code for this document.")
        tax_type = part.text("TaxType") or details.get("TaxType") or (account or {}).get("TaxType")
        if tax_type is None:
            # The organisation's default tax codes (private: Xero's DefaultSalesTax is a line amount type).
            tax_type = book.organisation.get("_purchases_tax_type" if purchase else "_sales_tax_type")
        rate_record = tax_rate(book, str(tax_type)) if tax_type else None
        if tax_type and rate_record is None:
            reader.fail(f"The TaxType code '{tax_type}' does not exist or cannot be used for this type of transaction.")
        tax = ZERO
        if rate_record is not None and amounts != "NoTax":
            rate = Decimal(rate_record["EffectiveRate"])
            tax = money(amount * rate / 100) if amounts == "Exclusive" else money(amount * rate / (100 + rate))
        line.update({"Quantity": qty, "UnitAmount": unit, "LineAmount": amount, "TaxAmount": tax, "Tracking": []})
        if tax_type:
            line["TaxType"] = str(tax_type).upper()
        if account is not None:
            line["AccountCode"] = account["Code"]
            line["AccountID"] = account["AccountID"]
        if discount is not None:
            line["DiscountRate"] = discount
        tracking = raw.get("Tracking")
        if isinstance(tracking, list):
            line["Tracking"] = [dict(t) for t in tracking if isinstance(t, dict)][:2]
        for message in part.errors:
            reader.fail(f"Line {position}: {message}")
        lines.append(line)
        total_tax += tax
        gross_total += amount
        sub_total += amount if amounts != "Inclusive" else amount - tax
    total = gross_total if amounts == "Inclusive" else sub_total + total_tax
    return Priced(lines, sub_total, total_tax, total)
