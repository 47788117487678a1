"""Pure mapping from Shopify's GraphQL nodes to the canonical model (what the shop gets back is ``sink``'s).

``customer_to_canonical``, ``product_to_canonical`` and
``order_to_canonical`` take one node as the connector's queries return it
(``streams``) and give the canonical records it makes. No I/O.

Conventions
-----------
* **Remote ids** are Shopify's numeric ids (``legacyResourceId``), as text:
  customer -> organization and person; variant -> item (the products stream
  gives one item per variant); order -> invoice; a sale or capture of it ->
  payment ``{order id}/payment/{transaction id}`` (the transaction's GID's
  number); refund -> credit note.
* **Items**: code and reference are the SKU (Xero item codes: at most 30
  characters); a variant without a SKU cannot be matched to a Xero item and
  its product is refused, naming the variant. The price goes in
  ``total_amount`` when the shop's prices include tax, else ``net_amount``.
* **Orders** become customer invoices numbered ``prefix + order number``,
  dated the shop's local date of ``processedAt``, INCLUSIVE when the order's
  prices include tax. Lines carry the variant's item, the original unit
  price and one tax code per distinct tax (several taxes on a line become
  one code named after all of them, at their summed rate). Shipping becomes a
  line ``Shipping: <title>`` without item; each discount application becomes
  a line ``Discount <code>`` of the negative amount it took off, per tax
  code (quantities are never negative). A cancelled order is VOIDED. A
  guest order (no customer) is refused: Xero needs a contact on every
  invoice.
* **Payments** as they happen: each successful SALE or CAPTURE transaction
  (a checkout's sale, a manual payment, a capture of an authorization, in
  part or in full) is a payment of its amount dated the shop's local date of
  its ``processedAt``; authorizations, voids and refunds are not money
  received. An order ``fullyPaid`` without any such transaction (marked paid
  by hand) is paid its total on its own date. A cancelled order has none.
* **Refunds** (inside their order) become credit notes ``<invoice
  number>-R<n>`` allocated to the order's invoice, with what was refunded.
* **Versions**: every record carries its order's (or node's) ``updatedAt``.

Money arrives as decimal strings and is parsed strictly: a value that is
not a plain decimal is a ``MappingError`` naming the record, the field and
the value.
"""

from __future__ import annotations

import re
import typing as t
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation

from pydantic import ValidationError

from connectors.base.record import JsonRecord, kept_decimal, shown
from connectors.base.shop import Receipt, ShopSettings, customer_records, order_payments, tax_code
from datashare.model import (
    Address,
    CreditNote,
    Invoice,
    Item,
    validate_record,
)
from datashare.model.base import CanonicalModel
from datashare.model.mapping import Mapped, MappingError, Refs

__all__ = ["MAX_CODE", "customer_to_canonical", "order_to_canonical", "product_to_canonical"]

MAX_CODE = 30
"""The longest Xero item code (a longer SKU cannot be one)."""

_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
# The moments any timezone can date: not within a day of the ends of time (0001-01-01T00:00+14:00 is in year 0).
_DATEABLE = (datetime.min.replace(tzinfo=UTC) + timedelta(days=1), datetime.max.replace(tzinfo=UTC) - timedelta(days=1))

M = t.TypeVar("M", bound=CanonicalModel)


class _Node(JsonRecord):
    """One GraphQL node, read field by field; every error names the record, the field and the value."""

    @classmethod
    def open(cls, raw: object, kind: str) -> tuple[_Node, str]:
        """A top-level node and its numeric id (as text)."""
        node = cls(raw, f"Shopify {kind}")
        value = node.raw.get("legacyResourceId")
        if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip().isdecimal():
            raise node.fail("legacyResourceId", "missing" if value in (None, "") else "not a Shopify id")
        node.where = f"Shopify {kind} {value}"
        return node, str(value).strip()

    def fail(self, key: str, why: str) -> MappingError:
        return MappingError(f"{self.where}: {key} {shown(self.raw.get(key))}: {why}")

    def child(self, key: str) -> _Node | None:
        value = self.raw.get(key)
        return _Node(value, f"{self.where}: {key}") if value is not None else None

    def nodes(self, key: str) -> list[_Node]:
        """A connection's nodes (or a plain list's items); a connection read only in part is refused, never mapped short."""
        value = self.raw.get(key)
        if value is None:
            return []
        if isinstance(value, dict) and isinstance(value.get("pageInfo"), dict) and value["pageInfo"].get("hasNextPage"):
            raise MappingError(f"{self.where}: only part of its {key} were read (more than one page)")
        items = value.get("nodes") if isinstance(value, dict) else value
        if not isinstance(items, list):
            raise self.fail(key, "expected a list or a connection with nodes")
        return [_Node(item, f"{self.where}: {key}[{n}]") for n, item in enumerate(items)]

    def text(self, key: str) -> str | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(key, "expected text")
        return value.strip() or None

    def flag(self, key: str) -> bool:
        value = self.raw.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.fail(key, "expected true or false")
        return value

    def integer(self, key: str) -> int:
        value = self.raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, "expected a whole number")
        return value

    def decimal(self, key: str) -> Decimal:
        """A decimal string (``"12.50"``), strictly: no floats, no exponents, no thousands separators."""
        value = self.raw.get(key)
        if isinstance(value, bool) or not isinstance(value, str | int) or not _DECIMAL.match(str(value).strip()):
            raise self.fail(key, "not a decimal amount")
        try:
            return kept_decimal(Decimal(str(value).strip()))
        except ValueError as error:
            raise self.fail(key, str(error).removeprefix("is ")) from None

    def rate(self, key: str) -> Decimal:
        """A tax rate as a fraction (GraphQL ``Float``: 0.1) in percent (10)."""
        value = self.raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.fail(key, "not a rate")
        try:
            fraction = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
        except InvalidOperation:
            raise self.fail(key, "not a rate") from None
        if not fraction.is_finite() or fraction < 0:
            raise self.fail(key, "not a rate")
        return (fraction * 100).normalize()

    def money(self, key: str) -> Decimal:
        """The shop-currency amount of a ``MoneyBag`` (``{shopMoney: {amount}}``) or a ``MoneyV2``."""
        bag = self.child(key)
        if bag is None:
            raise self.fail(key, "missing")
        money = bag.child("shopMoney") or bag
        return money.decimal("amount")

    def moment(self, key: str) -> datetime | None:
        value = self.text(key)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise self.fail(key, "not a date and time") from None
        if parsed.tzinfo is None:
            raise self.fail(key, "no UTC offset")
        if not _DATEABLE[0] <= parsed <= _DATEABLE[1]:  # the shop's timezone could not date it
            raise self.fail(key, "out of range")
        return parsed

    def build(self, model: type[M], data: dict[str, t.Any]) -> M:
        built = validate_record(model, data)
        if isinstance(built, str):
            raise MappingError(f"{self.where}: {built}")
        return built


def _id_of(node: _Node | None) -> str | None:
    if node is None:
        return None
    value = node.raw.get("legacyResourceId")
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) and str(value) else None


def _address(node: _Node, data: dict[str, t.Any]) -> Address:
    try:
        return Address.model_validate(data)
    except ValidationError as error:
        reasons = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
        raise MappingError(f"{node.where}: {reasons}") from None


def customer_to_canonical(raw: dict[str, t.Any], refs: Refs) -> list[Mapped]:
    """A customer as an organization (its company, else the person) and its primary person."""
    f, remote_id = _Node.open(raw, "Customer")
    address = f.child("defaultAddress")
    billing = None
    if address is not None:
        billing = _address(
            address,
            {
                "line1": address.text("address1"),
                "line2": address.text("address2"),
                "city": address.text("city"),
                "region": address.text("provinceCode"),
                "postal_code": address.text("zip"),
                "country": address.text("countryCodeV2"),
            },
        )
    updated = f.moment("updatedAt")
    return customer_records(
        refs,
        remote_id,
        first_name=f.text("firstName"),
        last_name=f.text("lastName"),
        email=f.text("email"),
        company=address.text("company") if address else None,
        phone=f.text("phone") or (address.text("phone") if address else None),
        billing=billing,
        version=f.text("updatedAt"),
        updated_at=updated,
        where=f.where,
    )


def product_to_canonical(
    raw: dict[str, t.Any], refs: Refs, settings: ShopSettings, *, taxes_included: bool
) -> list[Mapped]:
    """A product as one item per variant, known by the variant's id and matched by its SKU."""
    f, _ = _Node.open(raw, "Product")
    title = f.text("title") or ""
    active = (f.text("status") or "").upper() == "ACTIVE"
    version, updated = f.text("updatedAt"), f.moment("updatedAt")
    found: list[Mapped] = []
    for variant in f.nodes("variants"):
        variant_id = _id_of(variant)
        if variant_id is None:
            raise variant.fail("legacyResourceId", "missing")
        variant.where = f"{f.where}: ProductVariant {variant_id}"
        sku = variant.text("sku")
        if sku is None:
            raise MappingError(f"{variant.where}: no SKU: Xero items are matched by code")
        if len(sku) > MAX_CODE:
            raise variant.fail("sku", f"longer than {MAX_CODE} characters, the most a Xero item code holds")
        option = variant.text("title")
        name = f"{title} - {option}" if option and option != "Default Title" else title
        price = variant.decimal("price")
        money = {"currency": settings.currency, "total_amount" if taxes_included else "net_amount": price}
        item = variant.build(
            Item,
            {
                "code": sku,
                "reference": sku,
                "name": name[:50] or sku,
                "description": f.text("description") or name,
                "is_sold": True,
                "is_purchased": False,
                "status": "ACTIVE" if active else "INACTIVE",
                "sale_price": money,
            },
        )
        found.append(Mapped("items", variant_id, item, version, updated))
    if not found:
        raise MappingError(f"{f.where}: no variants: nothing to sell")
    return found


@dataclass
class _Taxes:
    """The tax codes an order's lines use, each once, in the order met."""

    refs: Refs
    codes: dict[str, Mapped]

    def of(self, node: _Node) -> t.Any:
        """The hub id of the tax code for a line's (or shipping line's) tax lines."""
        taxes = node.nodes("taxLines")
        if taxes:
            name = " + ".join(tax.text("title") or "Tax" for tax in taxes)
            rate = sum((tax.rate("rate") for tax in taxes), Decimal(0))
        else:
            name, rate = "No tax", Decimal(0)
        code = tax_code(name, rate)
        self.codes.setdefault(code.remote_id, code)
        return self.refs.hub_id("tax_codes", code.remote_id)


def _local_date(moment: datetime | None, zone: tzinfo) -> date | None:
    return moment.astimezone(zone).date() if moment else None


def _money(currency: str, inclusive: bool, value: Decimal) -> dict[str, t.Any]:
    return {"currency": currency, "total_amount" if inclusive else "net_amount": value}


def _discount_lines(
    order: _Node, lines: list[_Node], taxes: _Taxes, currency: str, inclusive: bool
) -> list[dict[str, t.Any]]:
    """One negative line per discount application and tax code: what the discount took off those lines."""
    names: dict[int, str] = {}
    for application in order.nodes("discountApplications"):
        index = application.integer("index")
        names[index] = f"Discount {application.text('code')}" if application.text("code") else "Discount"
    totals: dict[tuple[int, t.Any], Decimal] = {}
    for line in lines:
        for allocation in line.nodes("discountAllocations"):
            applied = allocation.child("discountApplication")
            index = applied.integer("index") if applied else -1
            key = (index, taxes.of(line))
            totals[key] = totals.get(key, Decimal(0)) + allocation.money("allocatedAmountSet")
    return [
        {
            "description": names.get(index, "Discount"),
            "quantity": Decimal(1),
            "unit_price": _money(currency, inclusive, -amount),
            "tax_code_id": tax_id,
        }
        for (index, tax_id), amount in totals.items()
        if amount
    ]


def _receipts(order: _Node, zone: tzinfo) -> list[Receipt]:
    """Each successful sale or capture: money the shop took, for its amount, on the shop's local date."""
    found: list[Receipt] = []
    for tx in order.nodes("transactions"):
        kind, status = (tx.text("kind") or "").upper(), (tx.text("status") or "").upper()
        if kind not in ("SALE", "CAPTURE") or status != "SUCCESS":
            continue
        key = (tx.text("id") or "").rpartition("/")[2]
        if not key.isdecimal():
            raise tx.fail("id", "not a Shopify transaction id")
        tx.where = f"{order.where}: OrderTransaction {key}"
        moment = tx.moment("processedAt") or tx.moment("createdAt")
        if moment is None:
            raise tx.fail("processedAt", "missing")
        found.append(Receipt(moment.astimezone(zone).date(), tx.money("amountSet"), key))
    return found


def _credit_notes(
    order: _Node,
    order_id: str,
    number: str,
    customer_id: str,
    refs: Refs,
    taxes: _Taxes,
    zone: tzinfo,
    mapped: Callable[[str, str, CanonicalModel], Mapped],
) -> list[Mapped]:
    currency = order.text("currencyCode") or ""
    inclusive = order.flag("taxesIncluded")
    refunds = sorted(order.nodes("refunds"), key=lambda r: (r.text("createdAt") or "", _id_of(r) or ""))
    found: list[Mapped] = []
    for n, refund in enumerate(refunds, start=1):
        refund_id = _id_of(refund)
        if refund_id is None:
            raise refund.fail("legacyResourceId", "missing")
        refund.where = f"{order.where}: Refund {refund_id}"
        lines: list[dict[str, t.Any]] = []
        tax_total = Decimal(0)
        for refunded in refund.nodes("refundLineItems"):
            sold = refunded.child("lineItem") or _Node({}, f"{refunded.where}: lineItem")
            quantity = refunded.integer("quantity")
            subtotal = refunded.money("subtotalSet")
            tax_total += refunded.money("totalTaxSet")
            even = quantity > 0 and (subtotal / quantity).quantize(Decimal("0.0001")) * quantity == subtotal
            variant = _id_of(sold.child("variant"))
            lines.append(
                {
                    "item_id": refs.hub_id("items", variant) if variant else None,
                    "description": sold.text("name") if even else f"{sold.text('name')} x {quantity}",
                    "quantity": Decimal(quantity) if even else Decimal(1),
                    "unit_price": _money(currency, inclusive, subtotal / quantity if even else subtotal),
                    "tax_code_id": taxes.of(sold),
                }
            )
        for shipped in refund.nodes("refundShippingLines"):
            charge = shipped.child("shippingLine") or _Node({}, f"{shipped.where}: shippingLine")
            amount = shipped.money("subtotalAmountSet")
            tax_total += shipped.money("taxAmountSet")
            lines.append(
                {
                    "description": f"Shipping refund: {charge.text('title') or 'shipping'}",
                    "unit_price": _money(currency, inclusive, amount),
                    "tax_code_id": taxes.of(charge),
                }
            )
        total = refund.money("totalRefundedSet")
        if not lines:
            lines.append({"description": refund.text("note") or "Refund", "unit_price": _money(currency, True, total)})
        note = refund.build(
            CreditNote,
            {
                "type": "CUSTOMER",
                "transaction_number": f"{number}-R{n}",
                "reference": order.text("name"),
                "transaction_date": _local_date(refund.moment("createdAt"), zone),
                "currency": currency,
                "organization_id": refs.hub_id("organizations", customer_id),
                "person_id": refs.hub_id("people", customer_id),
                "line_amount_type": "INCLUSIVE" if inclusive else "EXCLUSIVE",
                "lines": lines,
                "amount": {
                    "currency": currency,
                    "total_amount": total,
                    "tax_amount": tax_total,
                    "net_amount": total - tax_total,
                },
                "status": "AUTHORISED",
                "private_note": refund.text("note"),
                "allocations": [{"invoice_id": refs.hub_id("invoices", order_id), "amount": total}],
            },
        )
        found.append(mapped("credit_notes", refund_id, note))
    return found


def order_to_canonical(
    raw: dict[str, t.Any], refs: Refs, settings: ShopSettings, *, zone: tzinfo = UTC
) -> list[Mapped]:
    """An order as its tax codes, a customer invoice, a payment per sale or capture, and a credit note per refund."""
    f, order_id = _Node.open(raw, "Order")
    name = f.text("name")
    if name:
        f.where = f"Shopify Order {name} ({order_id})"
    customer_id = _id_of(f.child("customer"))
    if customer_id is None:
        raise MappingError(f"{f.where}: a guest order (no customer): Xero needs a contact on every invoice")
    number = settings.invoice_number(name or "")
    currency = f.text("currencyCode")
    if currency is None:
        raise f.fail("currencyCode", "missing")
    inclusive = f.flag("taxesIncluded")
    version, updated = f.text("updatedAt"), f.moment("updatedAt")
    day = _local_date(f.moment("processedAt") or f.moment("createdAt"), zone)
    taxes = _Taxes(refs, {})

    lines: list[dict[str, t.Any]] = []
    items = f.nodes("lineItems")
    for line in items:
        variant = _id_of(line.child("variant"))
        lines.append(
            {
                "item_id": refs.hub_id("items", variant) if variant else None,
                "description": line.text("name") or line.text("title"),
                "quantity": Decimal(line.integer("quantity")),
                "unit_price": _money(currency, inclusive, line.money("originalUnitPriceSet")),
                "tax_code_id": taxes.of(line),
            }
        )
    for shipping in f.nodes("shippingLines"):
        lines.append(
            {
                "description": f"Shipping: {shipping.text('title') or 'shipping'}",
                "quantity": Decimal(1),
                "unit_price": _money(currency, inclusive, shipping.money("discountedPriceSet")),
                "tax_code_id": taxes.of(shipping),
            }
        )
    lines.extend(_discount_lines(f, items, taxes, currency, inclusive))
    for n, entry in enumerate(lines, start=1):
        entry["line_number"] = n
    total, tax = f.money("totalPriceSet"), f.money("totalTaxSet")
    cancelled = f.moment("cancelledAt") is not None
    invoice = f.build(
        Invoice,
        {
            "type": "CUSTOMER",
            "transaction_number": number,
            "reference": name,
            "transaction_date": day,
            "due_date": day,
            "currency": currency,
            "organization_id": refs.hub_id("organizations", customer_id),
            "person_id": refs.hub_id("people", customer_id),
            "line_amount_type": "INCLUSIVE" if inclusive else "EXCLUSIVE",
            "lines": lines,
            "amount": {"currency": currency, "total_amount": total, "tax_amount": tax, "net_amount": total - tax},
            "status": "VOIDED" if cancelled else "AUTHORISED",
        },
    )

    def mapped(entity: str, remote_id: str, record: CanonicalModel) -> Mapped:
        return Mapped(entity, remote_id, record, version, updated)

    found = [Mapped(c.entity, c.remote_id, c.record, version, updated) for c in taxes.codes.values()]
    found.append(mapped("invoices", order_id, invoice))
    found += order_payments(
        refs,
        _receipts(f, zone),
        invoice_remote_id=order_id,
        number=number,
        currency=currency,
        organization_remote_id=customer_id,
        # Marked paid by hand, with no transaction read: the order's total was received, on its own date.
        paid_in_full=Receipt(day, total) if f.flag("fullyPaid") and day is not None else None,
        cancelled=cancelled,
        version=version,
        updated_at=updated,
    )
    notes = _credit_notes(f, order_id, number, customer_id, refs, taxes, zone, mapped)
    # Refunds may name taxes the order's own lines did not (a refunded shipping line): add their codes too.
    known = {m.remote_id for m in found if m.entity == "tax_codes"}
    extra = [
        Mapped(c.entity, c.remote_id, c.record, version, updated) for k, c in taxes.codes.items() if k not in known
    ]
    return extra + found + notes
