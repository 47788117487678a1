"""Line items and totals of the inventory modules (Invoice, SalesOrder, PurchaseOrder).

As include/Webservices/LineItem/VtigerLineItemOperation.php does it:

- a line needs ``productid`` (a Products or Services id) and ``quantity``; a missing
  ``listprice`` is the product's ``unit_price``;
- line total = quantity x list price, less ``discount_amount`` and ``discount_percent``;
- ``hdnTaxType`` "individual": each line carries the taxes of its product (ProductTaxes;
  a line may override a percentage with ``tax1``... for a tax the product has) and
  ``hdnSubTotal`` includes them; "group": lines carry the group's percentages (the ones
  given on the first line, else every active tax) and the tax is added to the whole;
- ``hdnGrandTotal`` = sub total - overall discount + group tax + S&H (+ its tax) + adjustment.

Stock (include/utils/InventoryUtils.php ``updateInventoryProductRel``, which the
webservice's ``setLineItems`` and the save events run): an invoice takes its lines'
quantities out of the products' Qty In Stock when it is saved, unless it is
cancelled ("Cancel"); cancelling it puts them back, as does deleting it or
replacing its lines (the new ones are then taken out). A purchase order puts its
quantities in when its status becomes "Received Shipment", and takes them out
again when it is then cancelled. Sales orders and quotes leave stock alone, and
services hold none. vTiger moves the count with plain SQL (``updateProductQty``),
so the product's ``modifiedtime`` does not change.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from decimal import Decimal

from sandbox.vtiger.errors import ErrorCode, VtigerError
from sandbox.vtiger.ids import check_reference, live_target, split_id
from sandbox.vtiger.modules import LINE_ITEM_FIELDS, LINE_ITEM_PREFIX, MODULES, Module
from sandbox.vtiger.state import EntityRecord, VtigerState
from sandbox.vtiger.values import as_text, format_decimal, money, normalise, to_decimal

_LINE_FIELDS = {f.name: f for f in LINE_ITEM_FIELDS}
ZERO = Decimal(0)


@dataclass(frozen=True)
class TaxInfo:
    """A row of vtiger_inventorytaxinfo."""

    taxname: str
    taxlabel: str
    percentage: Decimal
    deleted: bool


def taxes(state: VtigerState) -> list[TaxInfo]:
    """Every tax defined, active or not, in id order."""
    with state.lock:
        rows = [state.actors["Tax"][k] for k in sorted(state.actors["Tax"])]
    return [
        TaxInfo(r["taxname"], r["taxlabel"], to_decimal(r["percentage"]) or ZERO, r.get("deleted") == "1") for r in rows
    ]


def _rows_by_product(state: VtigerState) -> dict[str, list[int]]:
    """ProductTaxes row keys by product, rebuilt when rows come or go (a scan per lookup made big CRMs crawl)."""
    rows = state.actors["ProductTaxes"]
    version = (len(rows), max(rows, default=0))
    cached = state.indexes.get("product_taxes")
    if cached is None or cached[0] != version:
        index: dict[str, list[int]] = {}
        for key, row in rows.items():
            index.setdefault(split_id(row["productid"])[1], []).append(key)
        cached = (version, index)
        state.indexes["product_taxes"] = cached
    return t.cast(dict[str, list[int]], cached[1])


def product_taxes(state: VtigerState, product_id: int) -> dict[str, Decimal]:
    """The taxes a product carries (ProductTaxes rows), by taxname."""
    with state.lock:
        tax_rows = state.actors["Tax"]
        rows = state.actors["ProductTaxes"]
        found: dict[str, Decimal] = {}
        for key in _rows_by_product(state).get(str(product_id), ()):
            row = rows[key]
            _, product = split_id(row["productid"])
            _, tax = split_id(row["taxid"])
            if product == str(product_id) and tax.isdigit() and int(tax) in tax_rows:
                tax_row = tax_rows[int(tax)]
                if tax_row.get("deleted") != "1":
                    found[tax_row["taxname"]] = to_decimal(row.get("taxpercentage")) or ZERO
    return found


def _line_total(line: dict[str, str]) -> Decimal:
    """Quantity x price less the line's discounts."""
    gross = (to_decimal(line["quantity"]) or ZERO) * (to_decimal(line["listprice"]) or ZERO)
    net = gross - (to_decimal(line["discount_amount"]) or ZERO)
    return net - gross * (to_decimal(line["discount_percent"]) or ZERO) / 100


def build_lines(state: VtigerState, header: dict[str, str], raw: object) -> list[dict[str, str]]:
    """Validate the ``LineItems`` a client sent and store them with their taxes.

    Empty or missing ``LineItems`` is ``MANDATORY_FIELDS_MISSING``, as vTiger's
    inventory create answers it.
    """
    if not isinstance(raw, list) or not raw:
        raise VtigerError(ErrorCode.MANDATORY_FIELDS_MISSING, "Mandatory Fields Missing..")
    all_taxes = taxes(state)
    individual = header.get("hdnTaxType", "").lower() == "individual"
    group_rates: dict[str, Decimal] | None = None
    lines: list[dict[str, str]] = []
    for sequence, item in enumerate(raw, start=1):
        item = item if isinstance(item, dict) else {}
        for name in ("productid", "quantity"):
            if as_text(item.get(name)).strip() == "":
                raise VtigerError(ErrorCode.MANDATORY_FIELDS_MISSING, f"{name} does not have a value")
        product_ref = check_reference(_LINE_FIELDS["productid"], item["productid"])
        _, number = split_id(product_ref)
        if live_target(state, ("Products", "Services"), number) is None:
            raise VtigerError(ErrorCode.REFERENCE_INVALID, "Invalid reference specified for productid")
        product = state.entities[int(number)]
        line = {name: normalise(field, item.get(name)) for name, field in _LINE_FIELDS.items()}
        line["productid"] = f"{MODULES[product.module].id_prefix}x{number}"
        line["sequence_no"] = str(sequence)
        if line["listprice"] == "":
            line["listprice"] = normalise(_LINE_FIELDS["listprice"], product.values.get("unit_price") or "0")
        if individual:
            rates = product_taxes(state, int(number))
            for name in rates:
                if as_text(item.get(name)) != "":
                    rates[name] = to_decimal(item[name]) or ZERO
        else:
            if group_rates is None:
                given = {t.taxname: to_decimal(item[t.taxname]) or ZERO for t in all_taxes if t.taxname in item}
                group_rates = given or {t.taxname: t.percentage for t in all_taxes if not t.deleted}
            rates = group_rates
        for tax in all_taxes:
            line[tax.taxname] = format_decimal(rates[tax.taxname], 3) if tax.taxname in rates else ""
        line["lineitem_id"] = ""
        lines.append(line)
    return lines


def number_lines(state: VtigerState, lines: list[dict[str, str]]) -> None:
    """Give freshly built lines their lineitem ids (only once the save is sure to happen)."""
    for line in lines:
        line["lineitem_id"] = str(state.new_line_item_id())


def apply_totals(state: VtigerState, module: Module, header: dict[str, str], lines: list[dict[str, str]]) -> None:
    """Recompute the header totals from the lines, as the server does on every save."""
    tax_names = [t.taxname for t in taxes(state)]
    individual = header.get("hdnTaxType", "").lower() == "individual"
    items = ZERO
    line_taxes = ZERO
    for line in lines:
        total = _line_total(line)
        items += total
        if individual:
            line_taxes += total * sum((to_decimal(line.get(n)) or ZERO for n in tax_names), ZERO) / 100
    subtotal = items + line_taxes
    discount = to_decimal(header.get("hdnDiscountAmount")) or ZERO
    if discount == 0:
        discount = subtotal * (to_decimal(header.get("hdnDiscountPercent")) or ZERO) / 100
    group_tax = ZERO
    if not individual and lines:
        rate = sum((to_decimal(lines[0].get(n)) or ZERO for n in tax_names), ZERO)
        group_tax = (subtotal - discount) * rate / 100
    shipping = to_decimal(header.get("hdnS_H_Amount")) or ZERO
    shipping_tax = shipping * (to_decimal(header.get("hdnS_H_Percent")) or ZERO) / 100
    adjustment = to_decimal(header.get("txtAdjustment")) or ZERO
    grand = subtotal - discount + group_tax + shipping + shipping_tax + adjustment
    header["hdnSubTotal"] = money(subtotal)
    header["pre_tax_total"] = money(items - discount + shipping)
    header["hdnGrandTotal"] = money(grand)
    if module.field("balance") is not None:
        header["balance"] = money(grand - (to_decimal(header.get("received")) or ZERO))


def present_lines(state: VtigerState, parent_id: str, lines: list[dict[str, str]]) -> list[dict[str, object]]:
    """The ``LineItems`` array of a retrieved inventory record."""
    tax_names = [t.taxname for t in taxes(state)]
    shown: list[dict[str, object]] = []
    for line in lines:
        _, number = split_id(line["productid"])
        with state.lock:
            product = state.entities.get(int(number))
        alive = product is not None and not product.deleted
        name_field = "productname" if product is not None and product.module == "Products" else "servicename"
        item: dict[str, object] = {"parent_id": parent_id}
        item.update({name: line.get(name, "") for name in _LINE_FIELDS})
        item["productid"] = line["productid"] if alive else number
        item["incrementondel"] = "1"
        item.update({name: line.get(name, "") for name in tax_names})
        item["product_name"] = product.values.get(name_field, "") if product is not None else ""
        item["entity_type"] = product.module if product is not None else ""
        item["id"] = f"{LINE_ITEM_PREFIX}x{line['lineitem_id']}"
        item["deleted"] = "0" if alive else "1"
        shown.append(item)
    return shown


def _counts_stock(module: str, status: str, moved: bool) -> bool:
    """Whether a record with this status has its lines' quantities in (or out of) stock."""
    if module == "Invoice":
        return status != "Cancel"
    if module == "PurchaseOrder":
        # Received once, the goods stay in stock until the order is cancelled.
        return status == "Received Shipment" or (moved and status != "Cancelled")
    return False


def _move_stock(state: VtigerState, module: str, lines: list[dict[str, str]], *, undo: bool) -> None:
    """Take an invoice's quantities out of stock (put a purchase order's in); ``undo`` reverses it."""
    sign = -1 if module == "Invoice" else 1
    if undo:
        sign = -sign
    for line in lines:
        _, number = split_id(line.get("productid", ""))
        product = state.entities.get(int(number)) if number.isdigit() else None
        if product is None or product.module != "Products":
            continue  # services keep no stock
        held = to_decimal(product.values.get("qtyinstock")) or ZERO
        moved = sign * (to_decimal(line.get("quantity")) or ZERO)
        product.values["qtyinstock"] = format_decimal(held + moved, 3)


def update_stock(
    state: VtigerState,
    record: EntityRecord,
    status: str,
    old_lines: list[dict[str, str]],
    new_lines: list[dict[str, str]],
    *,
    deleted: bool = False,
) -> None:
    """Move stock for a save (or a delete) of an inventory record, as vTiger does after the save."""
    wanted = not deleted and _counts_stock(record.module, status, record.stock_moved)
    with state.lock:
        if record.stock_moved and (not wanted or new_lines is not old_lines):
            _move_stock(state, record.module, old_lines, undo=True)
            record.stock_moved = False
        if wanted and not record.stock_moved:
            _move_stock(state, record.module, new_lines, undo=False)
            record.stock_moved = True
