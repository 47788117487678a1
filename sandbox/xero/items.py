"""Items (Xero's price list / inventory): no paging, upsert by Code, DELETE removes.

Rules: Code is required, at most 30 characters and unique; a POST with a
known Code updates that item, a PUT with one is refused. QuantityOnHand and
TotalCostPool are read-only: Xero computes them from approved bills and
customer credit notes (stock in) and sales invoices and supplier credit
notes (stock out) of tracked items, and ignores them on write. An item is
tracked when it has an INVENTORY asset account and a COGS account. Xero
never lets a tracked item's quantity on hand go below zero
(``short_of_stock`` says which item would).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sandbox.xero.catalogue import entry
from sandbox.xero.errors import Invalid
from sandbox.xero.money import ZERO, money, quantity
from sandbox.xero.resource import Reader, Resource, WriteContext
from sandbox.xero.settings import account_by_code, tax_rate
from sandbox.xero.store import OrgBook
from sandbox.xero.wire import public

Record = dict[str, Any]

_READ_ONLY = ("QuantityOnHand", "TotalCostPool", "IsTrackedAsInventory")


def item_by_code(book: OrgBook, code: str) -> Record | None:
    """An item by its Code."""
    record_id = book.find("item_code", code)
    return book.get("Items", record_id) if record_id else None


def adjust_stock(book: OrgBook, code: str, units: Decimal, cost: Decimal | None, now: datetime) -> Decimal | None:
    """Move a tracked item's QuantityOnHand by ``units`` and its TotalCostPool by ``cost``.

    ``cost`` None moves stock at the item's average cost. Returns the cost
    moved, or None when the code is not a tracked item (nothing moves).
    """
    item = item_by_code(book, code)
    if item is None or not item.get("IsTrackedAsInventory"):
        return None
    on_hand = item.get("QuantityOnHand", ZERO)
    pool = item.get("TotalCostPool", ZERO)
    if cost is None:
        cost = money(pool / on_hand * units) if on_hand > 0 else ZERO
    book.put(
        "Items",
        "ItemID",
        {
            **item,
            "QuantityOnHand": quantity(on_hand + units),
            "TotalCostPool": money(pool + cost),
            "UpdatedDateUTC": now,
        },
    )
    return cost


def short_of_stock(book: OrgBook, changes: Mapping[str, Decimal]) -> list[str]:
    """Xero's refusal for each tracked item that ``changes`` (units by item code) would take below zero on hand.

    Xero won't let a tracked item's quantity on hand go negative
    (https://help.xero.com/us/InventoryTracked: "Xero won't let you have a
    negative inventory balance"). Integrators quote its refusal of such a sale
    as "No item available to sell":
    https://synctools.io/blog/docs/linnworks-xero-integration/inventory-item-creation
    and support.xeroom.com article 77000564956. No public source gives the
    rest of the wording, so the item and the quantities follow in our own
    words, for the client to see which line is short.
    """
    messages: list[str] = []
    for code, change in changes.items():
        item = item_by_code(book, code)
        if change >= 0 or item is None or not item.get("IsTrackedAsInventory"):
            continue
        on_hand = item.get("QuantityOnHand", ZERO)
        if on_hand + change < 0:
            messages.append(
                f"No item available to sell: item '{item['Code']}' has {_units(on_hand)} on hand, "
                f"{_units(-change)} needed; the quantity on hand of a tracked item cannot go below zero."
            )
    return messages


def _units(value: Decimal) -> str:
    """A quantity without trailing zeros (Xero keeps four places)."""
    return f"{value.normalize():f}"


class Items(Resource):
    """The Items collection."""

    def number_lookup(self, book: OrgBook, key: str) -> str | None:
        """GET /Items/{Code}."""
        return book.find("item_code", key)

    def view(self, book: OrgBook, record: Record, *, lines: bool = True, summary: bool = False) -> Record:
        """The item (stock figures only on tracked items)."""
        return public(record)

    def located(self, book: OrgBook, reader: Reader, ctx: WriteContext) -> Record | None:
        """By path or ItemID; a POST without ItemID matches on Code."""
        found = super().located(book, reader, ctx)
        if found is None and ctx.path_key is None and reader.element.get("ItemID") is None:
            code = reader.element.get("Code")
            existing = item_by_code(book, str(code)) if code is not None else None
            if existing is not None:
                if ctx.method == "PUT":
                    raise Invalid(f"Price List Item with Code '{code}' already exists")
                return existing
        return found

    def write(self, book: OrgBook, element: Mapping[str, Any], ctx: WriteContext) -> Record:
        """Create or update one item."""
        reader = Reader(element)
        existing = self.located(book, reader, ctx)
        record: Record = (
            dict(existing) if existing else {"ItemID": self.new_id(book), "IsSold": True, "IsPurchased": True}
        )
        code = reader.text("Code", max_len=30)
        if code is not None:
            other = book.find("item_code", code)
            if other and other != record["ItemID"]:
                reader.fail(f"Price List Item with Code '{code}' already exists")
            record["Code"] = code
        if not record.get("Code"):
            reader.fail("Item Code is required.")
        for key, limit in (("Name", 50), ("Description", 4000), ("PurchaseDescription", 4000)):
            value = reader.text(key, max_len=limit)
            if value is not None:
                record[key] = value
        for key in ("IsSold", "IsPurchased"):
            switch = reader.flag(key)
            if switch is not None:
                record[key] = switch
        places = 4 if ctx.unitdp == 4 else 2
        for key, with_cogs in (("SalesDetails", False), ("PurchaseDetails", True)):
            raw = reader.obj(key)
            if raw is not None:
                record[key] = self._details(book, reader, raw, with_cogs, places)
        # Setting IsSold/IsPurchased to false clears that side's details, as in Xero.
        if not record.get("IsSold"):
            record.pop("SalesDetails", None)
        if not record.get("IsPurchased"):
            record.pop("PurchaseDetails", None)
        inventory = reader.text("InventoryAssetAccountCode")
        if inventory is not None:
            account = account_by_code(book, inventory)
            if account is None or account.get("Type") != "INVENTORY":
                reader.fail(f"Inventory asset account code '{inventory}' must be an account of type INVENTORY.")
            record["InventoryAssetAccountCode"] = inventory
        tracked = bool(record.get("InventoryAssetAccountCode"))
        if tracked and not record.get("PurchaseDetails", {}).get("COGSAccountCode"):
            reader.fail("A tracked inventory item needs PurchaseDetails.COGSAccountCode.")
        reader.check()
        record["IsTrackedAsInventory"] = tracked
        if tracked:
            record.setdefault("QuantityOnHand", ZERO)
            record.setdefault("TotalCostPool", ZERO)
        record["UpdatedDateUTC"] = ctx.now
        book.put(self.name, self.id_field, record)
        return record

    def delete(self, book: OrgBook, record: Record, ctx: WriteContext) -> Record | None:
        """DELETE /Items/{id}: the item is removed (204)."""
        book.remove(self.name, self.id_field, record["ItemID"])
        return None

    @staticmethod
    def _details(book: OrgBook, reader: Reader, raw: Mapping[str, Any], with_cogs: bool, places: int) -> Record:
        part = Reader(raw)
        details: Record = {}
        price = part.number("UnitPrice")
        if price is not None:
            details["UnitPrice"] = quantity(price) if places == 4 else money(price)
        for key in ("AccountCode", "COGSAccountCode") if with_cogs else ("AccountCode",):
            code = part.text(key)
            if code is not None:
                if account_by_code(book, code) is None:
                    reader.fail(f"Account code '{code}' is not a valid code for this item.")
                details[key] = code
        tax_type = part.text("TaxType")
        if tax_type is not None:
            if tax_rate(book, tax_type) is None:
                reader.fail(f"The TaxType code '{tax_type}' does not exist or cannot be used for this item.")
            details["TaxType"] = tax_type.upper()
        for message in part.errors:
            reader.fail(message)
        return details


def resources() -> list[Resource]:
    """The items family's resources."""
    return [Items(entry("Items"))]
