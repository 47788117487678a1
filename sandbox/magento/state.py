"""The emulator's memory: one Magento store's records, admin users, tokens, tax rate, clock and ids.

Records are kept as Magento's REST API shows them (snake_case fields,
``YYYY-MM-DD HH:MM:SS`` UTC timestamps), money as ``Decimal`` until it goes
on the wire. Every write moves the record's ``updated_at`` to the clock's
now. One re-entrant lock guards everything, so the app can serve several
threads at once. Sales live in ``orders`` and ``billing`` (invoices, credit memos);
the methods here that touch them delegate to it.

Assumptions: one website, one store view (``default``, id 1); prices are
entered excluding tax (Magento's default); products of tax class 2
("Taxable Goods") and shipping carry the store's one tax rate, class 0 none.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sandbox.common.clock import Clock, SystemClock
from sandbox.magento import billing, orders
from sandbox.magento.errors import MagentoError, no_such_entity
from sandbox.magento.values import cents, stamp

__all__ = [
    "ADMIN_TOKEN_LIFETIME",
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "SAMPLE_PASSWORD",
    "SAMPLE_TOKEN",
    "SAMPLE_USERNAME",
    "TABLES",
    "TAXABLE",
    "MagentoState",
]

SAMPLE_TOKEN = "dsMagentoIntegration4a7c"  # noqa: S105 - the sandbox's public sample credential
"""The integration access token every sample store accepts as ``Authorization: Bearer <token>`` (never expires)."""
SAMPLE_USERNAME = "datashare"
"""The sample store's admin user, for ``POST /rest/V1/integration/admin/token``."""
SAMPLE_PASSWORD = "sandbox-admin-123"  # noqa: S105 - the sandbox's public sample credential
"""The sample admin's password."""

ADMIN_TOKEN_LIFETIME = timedelta(hours=4)
"""How long an admin token lives (Magento's default ``oauth/access_token_lifetime/admin``)."""

TAXABLE = 2
"""The ``tax_class_id`` of Magento's "Taxable Goods"; 0 is none."""

TABLES = ("customers", "products", "orders", "invoices", "creditmemos")

MAX_PAGE_SIZE = 300
"""With input limits on (Magento 2.4.3+, off by default): the largest ``pageSize`` a search takes."""
DEFAULT_PAGE_SIZE = 20
"""With input limits on: the page size of a search that names none."""

_REGIONS = {"NSW": 570, "VIC": 576, "QLD": 573, "WA": 577, "SA": 574, "TAS": 575, "ACT": 569, "NT": 572}
_REGION_NAMES = {
    "NSW": "New South Wales",
    "VIC": "Victoria",
    "QLD": "Queensland",
    "WA": "Western Australia",
    "SA": "South Australia",
    "TAS": "Tasmania",
    "ACT": "Australian Capital Territory",
    "NT": "Northern Territory",
}


class MagentoState:
    """The records, users, tokens and settings of one emulated Magento store; thread-safe through ``lock``.

    ``currency``: the store's base and display currency. ``tax_title`` and
    ``tax_rate``: the one tax applied to taxable goods and shipping.
    ``input_limits``: Magento's optional web API input limits (2.4.3+, off by
    default): searches get at most ``MAX_PAGE_SIZE`` records a page, and
    ``DEFAULT_PAGE_SIZE`` when they name no page size.
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        currency: str = "AUD",
        tax_title: str = "GST",
        tax_rate: Decimal = Decimal("10"),
        admins: Mapping[str, str] | None = None,
        tokens: Sequence[str] = (SAMPLE_TOKEN,),
        input_limits: bool = False,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.currency = currency.upper()
        self.tax_title = tax_title
        self.tax_rate = Decimal(tax_rate)
        self.admins = dict(admins if admins is not None else {SAMPLE_USERNAME: SAMPLE_PASSWORD})
        self.integration_tokens = set(tokens)
        self.input_limits = input_limits
        self.admin_tokens: dict[str, datetime] = {}  # token -> expiry
        self.lock = threading.RLock()
        self.tables: dict[str, dict[int, dict[str, Any]]] = {name: {} for name in TABLES}
        self.parent_of: dict[int, int] = {}  # a configurable's child product id -> the parent's id
        self._ids: dict[str, int] = dict.fromkeys((*TABLES, "order_items", "addresses", "entity_items"), 1)
        self._at: datetime | None = None

    # -- time and ids -----------------------------------------------------------------------

    def now(self) -> datetime:
        """The clock's time (or the backdated moment a seeder set), to the second."""
        return (self._at or self.clock.now()).replace(microsecond=0)

    def now_stamp(self) -> str:
        """Now as Magento writes timestamps."""
        return stamp(self.now())

    @contextmanager
    def backdated(self, moment: datetime) -> Iterator[None]:
        """Writes inside the block are stamped ``moment`` (the seeder builds a history this way)."""
        with self.lock:
            self._at = moment
            try:
                yield
            finally:
                self._at = None

    def new_id(self, sequence: str) -> int:
        """The next id of a table (or of order items, addresses, document items)."""
        with self.lock:
            value = self._ids[sequence]
            self._ids[sequence] = value + 1
            return value

    def increment_id(self, table: str) -> str:
        """The next human number of orders, invoices or credit memos (``000000001``), as Magento's sequences give."""
        return f"{len(self.tables[table]) + 1:09d}"

    def record(self, table: str, record_id: int) -> dict[str, Any] | None:
        """The stored record (not a copy), or None."""
        with self.lock:
            return self.tables[table].get(record_id)

    # -- auth -------------------------------------------------------------------------------

    def issue_admin_token(self, username: Any, password: Any) -> str:
        """``POST /integration/admin/token``: a new bearer token for an admin, valid four hours."""
        if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
            raise MagentoError(400, '"%fieldName" is required. Enter and try again.', {"fieldName": "username"})
        known = self.admins.get(username)
        if known is None or not secrets.compare_digest(known, password):
            raise MagentoError(
                401,
                "The account sign-in was incorrect or your account is disabled temporarily. "
                "Please wait and try again later.",
            )
        token = secrets.token_hex(16)
        with self.lock:
            self.admin_tokens[token] = self.clock.now() + ADMIN_TOKEN_LIFETIME
        return token

    def token_valid(self, token: str) -> bool:
        """Whether a bearer token opens the API: the integration token, or an admin token not yet expired."""
        if token in self.integration_tokens:
            return True
        with self.lock:
            expiry = self.admin_tokens.get(token)
            return expiry is not None and self.clock.now() < expiry

    # -- customers --------------------------------------------------------------------------

    def add_customer(
        self,
        firstname: str,
        lastname: str,
        email: str,
        *,
        company: str | None = None,
        street: str = "1 George Street",
        city: str = "Sydney",
        region: str = "NSW",
        postcode: str = "2000",
        country_id: str = "AU",
        telephone: str | None = None,
    ) -> dict[str, Any]:
        """Create a customer with one address (default billing and shipping); returns it as stored."""
        with self.lock:
            if any(c["email"].casefold() == email.casefold() for c in self.tables["customers"].values()):
                raise MagentoError(
                    400, "A customer with the same email address already exists in an associated website."
                )
            customer_id = self.new_id("customers")
            address_id = self.new_id("addresses")
            region_code = region.upper()
            address: dict[str, Any] = {
                "id": address_id,
                "customer_id": customer_id,
                "region": {
                    "region_code": region_code,
                    "region": _REGION_NAMES.get(region_code, region),
                    "region_id": _REGIONS.get(region_code, 0),
                },
                "region_id": _REGIONS.get(region_code, 0),
                "country_id": country_id,
                "street": [street],
                "telephone": telephone or "",
                "postcode": postcode,
                "city": city,
                "firstname": firstname,
                "lastname": lastname,
                "default_shipping": True,
                "default_billing": True,
            }
            if company:
                address["company"] = company
            now = self.now_stamp()
            customer: dict[str, Any] = {
                "id": customer_id,
                "group_id": 1,
                "default_billing": str(address_id),
                "default_shipping": str(address_id),
                "created_at": now,
                "updated_at": now,
                "created_in": "Default Store View",
                "email": email,
                "firstname": firstname,
                "lastname": lastname,
                "store_id": 1,
                "website_id": 1,
                "addresses": [address],
                "disable_auto_group_change": 0,
                "extension_attributes": {"is_subscribed": False},
            }
            self.tables["customers"][customer_id] = customer
            return customer

    def customer(self, customer_id: int) -> dict[str, Any]:
        """A stored customer, or Magento's 404."""
        found = self.record("customers", customer_id)
        if found is None:
            raise no_such_entity("customerId", customer_id)
        return found

    def edit_customer(self, customer_id: int, **fields: Any) -> dict[str, Any]:
        """Change a customer's top-level fields (``email``, ``firstname``…); ``updated_at`` moves to now."""
        with self.lock:
            customer = self.customer(customer_id)
            _edit(customer, fields, frozenset({"id", "created_at", "updated_at", "addresses"}), "customer")
            customer["updated_at"] = self.now_stamp()
            return customer

    # -- products ---------------------------------------------------------------------------

    def add_product(
        self,
        sku: str,
        name: str,
        price: Decimal | str | int,
        *,
        type_id: str = "simple",
        status: int = 1,
        visibility: int = 4,
        tax_class_id: int = TAXABLE,
        description: str | None = None,
        qty: int = 100,
    ) -> dict[str, Any]:
        """Create a product (enabled, visible, taxable, in stock by default); returns it as stored."""
        with self.lock:
            if not sku.strip():
                raise MagentoError(400, 'The "%1" attribute value is empty. Set the attribute and try again.', ["sku"])
            if self.find_product(sku) is not None:
                raise MagentoError(400, "The product was unable to be saved. Please try again.")
            product_id = self.new_id("products")
            now = self.now_stamp()
            attributes: list[dict[str, Any]] = [
                {"attribute_code": "tax_class_id", "value": str(tax_class_id)},
                {"attribute_code": "url_key", "value": sku.lower().replace(" ", "-")},
            ]
            if description is not None:
                attributes.insert(0, {"attribute_code": "description", "value": description})
            product: dict[str, Any] = {
                "id": product_id,
                "sku": sku,
                "name": name,
                "attribute_set_id": 4,
                "price": cents(price),
                "status": status,
                "visibility": visibility,
                "type_id": type_id,
                "created_at": now,
                "updated_at": now,
                "weight": 1,
                "extension_attributes": {
                    "website_ids": [1],
                    "stock_item": {
                        "item_id": product_id,
                        "product_id": product_id,
                        "stock_id": 1,
                        "qty": qty,
                        "is_in_stock": qty > 0,
                    },
                },
                "product_links": [],
                "options": [],
                "tier_prices": [],
                "custom_attributes": attributes,
            }
            self.tables["products"][product_id] = product
            return product

    def add_configurable(
        self, sku: str, name: str, price: Decimal | str | int, options: Sequence[str], **extra: Any
    ) -> dict[str, Any]:
        """A configurable product and one simple child per option (``{sku}-{option}``, not visible alone).

        The parent's own price is 0, as in Magento: the children carry it.
        """
        with self.lock:
            parent = self.add_product(sku, name, 0, type_id="configurable", **extra)
            children = []
            for option in options:
                child = self.add_product(f"{sku}-{option}", f"{name}-{option}", price, visibility=1, **extra)
                self.parent_of[child["id"]] = parent["id"]
                children.append(child["id"])
            parent["extension_attributes"]["configurable_product_links"] = children
            return parent

    def find_product(self, sku: str) -> dict[str, Any] | None:
        """The stored product with this SKU (Magento's SKUs are case-insensitive), or None."""
        with self.lock:
            folded = sku.casefold()
            return next((p for p in self.tables["products"].values() if p["sku"].casefold() == folded), None)

    def product(self, sku: str) -> dict[str, Any]:
        """A stored product by SKU, or Magento's 404."""
        found = self.find_product(sku)
        if found is None:
            raise MagentoError(404, "The product that was requested doesn't exist. Verify the product and try again.")
        return found

    def edit_product(self, sku: str, **fields: Any) -> dict[str, Any]:
        """Change a product's top-level fields (``name``, ``price``, ``status``…); ``updated_at`` moves to now."""
        with self.lock:
            product = self.product(sku)
            if "price" in fields:
                fields["price"] = cents(fields["price"])
            _edit(product, fields, frozenset({"id", "sku", "created_at", "updated_at", "type_id"}), "product")
            product["updated_at"] = self.now_stamp()
            return product

    def set_stock(self, sku: str, **fields: Any) -> dict[str, Any]:
        """Change a product's stock item (``qty``, ``is_in_stock``, ``manage_stock``); returns the stock item.

        Saving a stock item does not touch the product's ``updated_at`` (Magento keeps stock apart).
        """
        with self.lock:
            product = self.find_product(sku)
            if product is None:
                raise MagentoError(404, 'The Product with the "%1" SKU doesn\'t exist.', [sku])
            stock: dict[str, Any] = product["extension_attributes"]["stock_item"]
            for name, value in fields.items():
                if name not in ("qty", "is_in_stock", "manage_stock"):
                    raise MagentoError(400, '"%fieldName" is not a stock item field.', {"fieldName": name})
                stock[name] = value
            return stock

    def tax_percent(self, product: Mapping[str, Any]) -> Decimal:
        """The tax rate a product's tax class carries in this store."""
        for attribute in product.get("custom_attributes", []):
            if attribute.get("attribute_code") == "tax_class_id":
                return self.tax_rate if str(attribute.get("value")) == str(TAXABLE) else Decimal(0)
        return Decimal(0)

    # -- sales (see ``orders`` and ``billing``) -----------------------------------------------

    def order(self, order_id: int) -> dict[str, Any]:
        """A stored order, or Magento's 404."""
        found = self.record("orders", order_id)
        if found is None:
            raise no_such_entity("orderId", order_id)
        return found

    def place_order(
        self, customer_id: int | None, lines: Sequence[tuple[str, int]], *, paid: bool = False, **options: Any
    ) -> dict[str, Any]:
        """Place an order of ``(sku, qty)`` lines; ``paid=True`` invoices and captures it. See ``orders.place_order``."""
        with self.lock:
            order = orders.place_order(self, customer_id, lines, **options)
            if paid:
                billing.invoice_order(self, order["entity_id"], capture=True)
            return order

    def invoice_order(
        self, order_id: int, items: Mapping[str, int] | None = None, *, capture: bool = True
    ) -> dict[str, Any]:
        """Invoice ``{sku: qty}`` of an order (None: all that is left); capturing takes its total. See ``billing``."""
        return billing.invoice_order(self, order_id, capture=capture, items=items)

    def edit_order(self, order_id: int, **changes: Any) -> dict[str, Any]:
        """Change an order's fields (or its ``lines`` while unpaid); ``updated_at`` moves. See ``orders.edit_order``."""
        return orders.edit_order(self, order_id, **changes)

    def cancel_order(self, order_id: int) -> dict[str, Any]:
        """Cancel an order not invoiced yet. See ``orders.cancel_order``."""
        return orders.cancel_order(self, order_id)

    def refund_order(self, order_id: int, items: Mapping[str, int] | None = None, **options: Any) -> dict[str, Any]:
        """Refund an invoiced order (all of it, or ``{sku: qty}``) as a credit memo. See ``billing.refund_order``."""
        return billing.refund_order(self, order_id, items, **options)


def _edit(record: dict[str, Any], fields: Mapping[str, Any], fixed: frozenset[str], what: str) -> None:
    for name, value in fields.items():
        if name in fixed:
            raise MagentoError(400, f"The {what} field %fieldName cannot be changed.", {"fieldName": name})
        if name not in record:
            raise MagentoError(400, f'"%fieldName" is not a {what} field.', {"fieldName": name})
        record[name] = value
