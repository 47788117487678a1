"""Pure mapping of Magento customers and products to the canonical model (what Magento gets back is ``sink``'s).

* **Customers** become an ``Organization`` (named after the billing
  address's company, or the person) and its primary ``Person``, both known by
  the customer's id (``connectors.base.shop.customer_records``). Addresses
  come from the customer's default billing and shipping addresses; the
  phone from the billing one.
* **Products** become one ``Item`` per sellable product, known by the
  product's id (what order lines name in ``product_id``): code and reference
  are the SKU, the name is cut to 50 characters, the sale price is
  ``price`` as entered (excluding tax, Magento's default), status 1 is
  ACTIVE and 2 INACTIVE; virtual and downloadable products are services. A
  configurable or grouped product is not sold itself (its simple children
  are), so it maps to nothing. A product without a SKU, or with one longer
  than Xero's 30-character item codes, is refused with the reason.
* ``updated_at`` is every record's remote version and update time.
"""

from __future__ import annotations

import typing as t
from decimal import Decimal

from pydantic import ValidationError

from connectors.base.shop import ShopSettings, customer_records
from connectors.magento.fields import Raw
from datashare.model import Address, Item, ItemStatus, ItemType
from datashare.model.mapping import Mapped, MappingError, Refs

__all__ = [
    "CONTAINER_TYPES",
    "MAX_CODE",
    "address_of",
    "customer_to_canonical",
    "plain",
    "product_to_canonical",
    "tax_rate_of",
    "versioned",
]

MAX_CODE = 30
"""The longest Xero item code."""

CONTAINER_TYPES = frozenset({"configurable", "grouped"})
"""Product types that are not sold themselves: their children are."""

_SERVICES = frozenset({"virtual", "downloadable"})


def versioned(raw: Raw, records: list[Mapped]) -> list[Mapped]:
    """The records with the raw record's ``updated_at`` as their remote version and update time."""
    updated = raw.stamp("updated_at")
    version = raw.text("updated_at") if updated else None
    return [Mapped(m.entity, m.remote_id, m.record, version, updated) for m in records]


def address_of(raw: Raw | None) -> Address | None:
    """A Magento address (customer or order) as an ``Address``; None when it holds nothing."""
    if raw is None:
        return None
    street = raw.raw.get("street") or []
    if isinstance(street, str):
        street = [street]
    if not isinstance(street, list):
        raise raw.fail("street", "expected a list of lines")
    lines = [str(s).strip() for s in street if s is not None and str(s).strip()]
    region = raw.raw.get("region")
    if isinstance(region, dict):
        region_text = region.get("region_code") or region.get("region")
    else:
        region_text = raw.text("region_code") or (str(region) if region else None)
    data = {
        "line1": lines[0] if lines else None,
        "line2": ", ".join(lines[1:]) or None,
        "city": raw.text("city"),
        "region": str(region_text).strip() if region_text else None,
        "postal_code": raw.text("postcode"),
        "country": raw.text("country_id"),
    }
    if not any(data.values()):
        return None
    try:
        return Address.model_validate(data)
    except ValidationError as error:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise MappingError(f"{raw.where}: {reasons}") from None


def _address_by_id(customer: Raw, which: str) -> Raw | None:
    addresses = customer.rows("addresses")
    wanted = customer.text(which)
    for address in addresses:
        if wanted is not None and address.text("id") == wanted:
            return address
    flag = which  # each address also says whether it is the default billing/shipping one
    return next((a for a in addresses if a.raw.get(flag) is True), addresses[0] if addresses else None)


def customer_to_canonical(raw: dict[str, t.Any], refs: Refs) -> list[Mapped]:
    """A Magento customer as an organization and its primary person."""
    record = Raw(raw, "Magento Customer")
    customer_id = record.integer("id")
    if customer_id is None:
        raise record.fail("id", "missing")
    record.where = f"Magento Customer {customer_id}"
    billing = _address_by_id(record, "default_billing")
    shipping = _address_by_id(record, "default_shipping")
    mapped = customer_records(
        refs,
        str(customer_id),
        first_name=record.text("firstname"),
        last_name=record.text("lastname"),
        email=record.text("email"),
        company=billing.text("company") if billing else None,
        phone=billing.text("telephone") if billing else None,
        billing=address_of(billing),
        shipping=address_of(shipping),
        where=record.where,
    )
    return versioned(record, mapped)


def _attribute(record: Raw, code: str) -> t.Any:
    for attribute in record.rows("custom_attributes"):
        if attribute.raw.get("attribute_code") == code:
            return attribute.raw.get("value")
    return None


def product_to_canonical(raw: dict[str, t.Any], refs: Refs, settings: ShopSettings) -> list[Mapped]:
    """A sellable Magento product as an ``Item``; a configurable (or grouped) parent as nothing."""
    record = Raw(raw, "Magento Product")
    product_id = record.integer("id")
    if product_id is None:
        raise record.fail("id", "missing")
    record.where = f"Magento Product {product_id}"
    kind = record.text("type_id") or "simple"
    if kind in CONTAINER_TYPES:
        return []
    sku = record.text("sku")
    if sku is None:
        raise MappingError(f"{record.where}: no SKU: Xero items are matched by code")
    if len(sku) > MAX_CODE:
        raise record.fail("sku", f"{len(sku)} characters: a Xero item code holds at most {MAX_CODE}")
    name = record.text("name")
    description = _attribute(record, "description")
    price = record.money("price")
    status = record.integer("status")
    if status not in (None, 1, 2):
        raise record.fail("status", "expected 1 (enabled) or 2 (disabled)")
    item = record.build(
        Item,
        {
            "code": sku,
            "reference": sku,
            "name": name[:50] if name else None,
            "description": str(description).strip() if description else name,
            "type": ItemType.SERVICE if kind in _SERVICES else ItemType.PURCHASED,
            "status": ItemStatus.INACTIVE if status == 2 else ItemStatus.ACTIVE,
            "is_sold": True,
            "is_purchased": False,
            "sale_price": {"currency": settings.currency, "net_amount": price} if price is not None else None,
        },
    )
    return versioned(record, [Mapped("items", str(product_id), item)])


def plain(number: Decimal) -> Decimal:
    """A Decimal without trailing zeros or an exponent (``10.00`` and ``1E+1`` are ``10``)."""
    return Decimal(format(number.normalize(), "f"))


def tax_rate_of(amount: Decimal, tax: Decimal, known: t.Iterable[Decimal]) -> Decimal:
    """The rate a tax amount is of an amount, snapped to a known rate when cent rounding blurs it.

    Shipping and credit memo rows carry a tax amount but no percent: 1.00 on
    9.95 is 10.05%, which is the store's 10% rounded to the cent.
    """
    if amount == 0 or tax == 0:
        return Decimal(0)
    rate = tax / amount * 100
    for candidate in sorted({plain(k) for k in known}):
        if abs(candidate - rate) <= Decimal("0.5"):
            return candidate
    return plain(rate.quantize(Decimal("0.01")))
