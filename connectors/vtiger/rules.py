"""vTiger's own business rules, as pure checks made before a record is pushed.

Each ``check_*`` returns None when the push may go ahead, or a reason a person
can read (it lands in the run's rejects or warnings). None of them talks to
vTiger. The rules:

- a create needs every mandatory field of its module (from the catalogue;
  ``assigned_user_id`` aside, which the client fills with the logged-in user);
- an inventory record (Invoice, SalesOrder, PurchaseOrder) needs at least one
  line item, each naming a product or service and a quantity;
- vTiger products have no purchase price: it is never written, and the check
  says so when an item had one (a warning, not a reject);
- a product may carry several taxes where Xero takes one: the first goes on
  (a warning when there are more).
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping, Sequence

from connectors.vtiger.mapping import ItemTax
from connectors.vtiger.streams import module_named
from datashare.model import Item

__all__ = [
    "check_element",
    "check_item_taxes",
    "check_line_items",
    "check_mandatory",
    "check_purchase_price",
]


def _empty(value: object) -> bool:
    return value is None or str(value).strip() == ""


def check_mandatory(module: str, element: Mapping[str, t.Any], *, partial: bool = False) -> str | None:
    """A reason when a mandatory field is empty; for a ``revise`` (``partial``), only among the fields sent."""
    entry = module_named(module)
    missing = [name for name in entry.mandatory if not (partial and name not in element) and _empty(element.get(name))]
    if not missing:
        return None
    return f"vTiger {entry.name} needs {', '.join(missing)}: {'it is' if len(missing) == 1 else 'they are'} empty"


def check_line_items(module: str, element: Mapping[str, t.Any], *, partial: bool = False) -> str | None:
    """A reason when an inventory record has no line item, or a line lacks its product or quantity.

    A ``revise`` that sends no ``LineItems`` keeps the record's lines, which is fine.
    """
    entry = module_named(module)
    if not entry.inventory or (partial and "LineItems" not in element):
        return None
    lines = element.get("LineItems")
    if not isinstance(lines, Sequence) or isinstance(lines, str) or not lines:
        return f"vTiger {entry.name} needs at least one line item"
    for number, line in enumerate(lines, start=1):
        if not isinstance(line, Mapping) or _empty(line.get("productid")):
            return f"vTiger {entry.name} line {number} names no product or service: vTiger lines must have one"
        if _empty(line.get("quantity")):
            return f"vTiger {entry.name} line {number} has no quantity"
    return None


def check_element(module: str, element: Mapping[str, t.Any], *, partial: bool = False) -> str | None:
    """Every rule that applies to an element about to be created (or revised, with ``partial``)."""
    return check_line_items(module, element, partial=partial) or check_mandatory(module, element, partial=partial)


def check_purchase_price(item: Item) -> str | None:
    """A warning when an item has a purchase price: vTiger products have none, so it is not written."""
    if item.purchase_price is None or item.purchase_price.net_amount is None:
        return None
    return (
        f"item {item.code}: purchase price {item.purchase_price.net_amount} {item.purchase_price.currency} "
        "is not written: vTiger products have no purchase price"
    )


def check_item_taxes(code: str, taxes: Sequence[ItemTax]) -> str | None:
    """A warning when a vTiger product carries several taxes: only the first selected one is shared."""
    if len(taxes) <= 1:
        return None
    others = ", ".join(tax.label for tax in taxes[1:])
    return (
        f"item {code} carries {len(taxes)} taxes in vTiger; only the first, {taxes[0].label}, "
        f"is shared (Xero takes one tax per item): {others} left out"
    )
