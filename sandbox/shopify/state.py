"""The emulator's memory: one shop's customers, products with variants, orders with refunds, its clock and buckets.

Records are kept as plain dataclasses with integer ids (Shopify's 64-bit ids,
counting up from a per-kind base) and ``Decimal`` money; the REST and GraphQL
layers render them in their own shapes. Every edit moves ``updated_at`` to
the clock's now (to the second, as Shopify shows it); a refund also moves its
order's. One re-entrant lock guards everything, so the app can serve several
threads at once.

The Python API here is what tests and the seeder use to make a shop:
``create_customer``, ``create_product``, ``create_order(..., paid=True)``,
``update_order``, ``mark_paid``, ``record_payment``, ``authorize`` and
``capture``, ``cancel_order`` and ``refund``; ``add_location`` and
``set_available`` for stock.

Stock is kept per variant and location, as Shopify keeps inventory levels:
every variant has an inventory item (tracked unless told otherwise) stocked
at the shop's primary location (the first one, made with the shop) with 0
available; ``inventory_quantity`` is what is available over all locations.
The sandbox keeps no committed units, so "on_hand" equals "available".
Setting a count does not move the variant's ``updated_at`` (an assumption).

Money arrives as Shopify records it, one transaction at a time: a SALE (a
checkout's payment, or a manual payment the staff record, in part or in
full, up to what is owed), or an AUTHORIZATION later taken by one or more
CAPTUREs (partial captures, as Shopify Plus shops make them). The order's
financial status follows what the successful sales and captures add up to:
PENDING, AUTHORIZED, PARTIALLY_PAID, then PAID (and the refund states).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from sandbox.common.clock import Clock, SystemClock

__all__ = [
    "API_VERSION",
    "SAMPLE_TOKEN",
    "Customer",
    "DiscountCode",
    "LineItem",
    "Location",
    "Order",
    "PaymentError",
    "Product",
    "Refund",
    "RefundLine",
    "ShippingLine",
    "ShopifyState",
    "TaxLine",
    "Transaction",
    "Variant",
    "money",
]

API_VERSION = "2025-07"
"""The Admin API version the sandbox serves (any other version answers 404)."""

SAMPLE_TOKEN = "shpat_sandboxdatashare0000000000000000"  # noqa: S105 - the sandbox's public sample credential
"""The Admin API access token every sample shop accepts (``X-Shopify-Access-Token``)."""

_CENT = Decimal("0.01")

# Id bases per kind, so ids look like Shopify's (large, and different between kinds).
_ID_BASES = {
    "customer": 7_100_000_000,
    "address": 8_200_000_000,
    "product": 8_800_000_000,
    "variant": 45_000_000_000,
    "order": 5_600_000_000,
    "line": 14_000_000_000,
    "shipping": 4_700_000_000,
    "refund": 930_000_000,
    "refund_line": 510_000_000,
    "transaction": 6_900_000_000,
    "location": 6_800_000_000,
    "inventory_item": 47_000_000_000,
    "inventory_adjustment": 99_000_000_000,
}


def money(value: Decimal | str | int) -> Decimal:
    """An amount to the cent, rounded half up (Shopify's rounding of tax)."""
    return Decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass
class Customer:
    """A shop customer (one person, maybe with a company on the address)."""

    id: int
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    company: str | None
    address1: str | None
    city: str | None
    province: str | None
    zip: str | None
    country_code: str | None
    created_at: datetime
    updated_at: datetime
    tags: list[str] = field(default_factory=list)
    note: str | None = None
    tax_exempt: bool = False
    state: str = "enabled"
    address_id: int = 0


@dataclass
class Variant:
    """One sellable variant of a product."""

    id: int
    product_id: int
    title: str
    sku: str | None
    price: Decimal
    created_at: datetime
    updated_at: datetime
    compare_at_price: Decimal | None = None
    barcode: str | None = None
    taxable: bool = True
    inventory_item_id: int = 0
    tracked: bool = True
    levels: dict[int, int] = field(default_factory=dict)  # location id -> available

    @property
    def inventory_quantity(self) -> int:
        """What is available over every location."""
        return sum(self.levels.values())


@dataclass
class Location:
    """A place the shop keeps stock at."""

    id: int
    name: str
    active: bool = True


@dataclass
class Product:
    """A product and its variants."""

    id: int
    title: str
    body_html: str
    vendor: str
    product_type: str
    handle: str
    status: str  # active, draft, archived (REST); GraphQL shows it upper case
    created_at: datetime
    updated_at: datetime
    variants: list[Variant] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


@dataclass
class TaxLine:
    """A tax charged on a line or on shipping."""

    title: str
    rate: Decimal  # a fraction: 0.1 is 10%
    price: Decimal


@dataclass
class DiscountCode:
    """A percentage discount code applied to every line of an order."""

    code: str
    percent: Decimal


@dataclass
class LineItem:
    """One order line: a variant (or a custom item), its price, discount and taxes."""

    id: int
    variant_id: int | None
    product_id: int | None
    title: str
    variant_title: str | None
    sku: str | None
    quantity: int
    price: Decimal
    taxable: bool
    discount: Decimal  # the order discount allocated to this line
    tax_lines: list[TaxLine]


@dataclass
class ShippingLine:
    """A shipping charge and its taxes."""

    id: int
    title: str
    code: str
    price: Decimal
    tax_lines: list[TaxLine]


@dataclass
class Transaction:
    """Money moving on an order: a sale, an authorization and its captures, or a refund."""

    id: int
    kind: str  # sale, authorization, capture, refund (REST lower case; GraphQL shows it upper case)
    status: str  # success
    amount: Decimal
    gateway: str
    processed_at: datetime
    parent_id: int | None = None  # a capture's authorization
    created_at: datetime | None = None  # when it was recorded (processed_at may be set in the past)


class PaymentError(ValueError):
    """A payment Shopify would not take, with its error code (``AMOUNT_EXCEEDS_BALANCE``...)."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


@dataclass
class RefundLine:
    """A quantity of one order line given back."""

    id: int
    line_item_id: int
    quantity: int
    subtotal: Decimal
    total_tax: Decimal


@dataclass
class Refund:
    """Money (and maybe goods) given back on an order."""

    id: int
    order_id: int
    created_at: datetime
    note: str | None
    lines: list[RefundLine]
    shipping: Decimal
    shipping_tax: Decimal
    transactions: list[Transaction]

    @property
    def total(self) -> Decimal:
        """What the refund paid back."""
        return sum((t.amount for t in self.transactions), Decimal(0))


@dataclass
class Order:
    """An order, its lines, charges, payments and refunds."""

    id: int
    number: int
    customer_id: int | None
    email: str | None
    currency: str
    taxes_included: bool
    created_at: datetime
    updated_at: datetime
    processed_at: datetime
    line_items: list[LineItem]
    shipping_lines: list[ShippingLine]
    discount_codes: list[DiscountCode]
    transactions: list[Transaction] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    closed_at: datetime | None = None
    note: str | None = None
    tags: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The order's name as the shop shows it (``#1001``)."""
        return f"#{self.number}"

    @property
    def subtotal(self) -> Decimal:
        """Lines after discounts, before shipping (tax included when the shop's prices include it)."""
        return sum((li.price * li.quantity - li.discount for li in self.line_items), Decimal(0))

    @property
    def total_discounts(self) -> Decimal:
        """Discounts on all lines."""
        return sum((li.discount for li in self.line_items), Decimal(0))

    @property
    def total_shipping(self) -> Decimal:
        """Shipping charged."""
        return sum((s.price for s in self.shipping_lines), Decimal(0))

    @property
    def total_tax(self) -> Decimal:
        """Tax on lines and shipping."""
        taxes = [t for li in self.line_items for t in li.tax_lines] + [
            t for s in self.shipping_lines for t in s.tax_lines
        ]
        return sum((t.price for t in taxes), Decimal(0))

    @property
    def total_price(self) -> Decimal:
        """What the customer pays."""
        extra_tax = Decimal(0) if self.taxes_included else self.total_tax
        return self.subtotal + self.total_shipping + extra_tax

    @property
    def paid(self) -> Decimal:
        """Money taken: successful sales and captures (refunds are not taken off)."""
        taken = [t for t in self.transactions if t.kind in ("sale", "capture") and t.status == "success"]
        return sum((t.amount for t in taken), Decimal(0))

    @property
    def outstanding(self) -> Decimal:
        """What the customer still owes (nothing once the order is paid, whatever was refunded since)."""
        return max(self.total_price - self.paid, Decimal(0))

    @property
    def fully_paid(self) -> bool:
        """Whether what was taken covers the order's total."""
        return self.paid >= self.total_price

    def authorized(self) -> Decimal:
        """What successful authorizations hold and captures have not yet taken."""
        held = sum(
            (t.amount for t in self.transactions if t.kind == "authorization" and t.status == "success"), Decimal(0)
        )
        taken = sum((t.amount for t in self.transactions if t.kind == "capture" and t.status == "success"), Decimal(0))
        return max(held - taken, Decimal(0))

    @property
    def received(self) -> Decimal:
        """Money taken less refunds paid back."""
        return self.paid - self.refunded

    @property
    def refunded(self) -> Decimal:
        """Money refunded."""
        return sum((r.total for r in self.refunds), Decimal(0))

    @property
    def financial_status(self) -> str:
        """Shopify's financial status (REST lower case; GraphQL shows it upper case)."""
        paid = self.paid
        if self.refunds:
            return "refunded" if self.refunded >= paid > 0 else "partially_refunded"
        if paid >= self.total_price:
            return "paid"
        if paid > 0:
            return "partially_paid"
        if self.cancelled_at:
            return "voided"
        return "authorized" if self.authorized() > 0 else "pending"


class ShopifyState:
    """The records, tokens and limits of one emulated shop; thread-safe through ``lock``.

    ``taxes_included``: whether prices include tax (Australian shops usually
    do). ``tax_title``/``tax_rate``: the one tax the shop charges (GST 10%).
    ``cost_max``/``cost_restore``: the GraphQL cost bucket (1000 points,
    refilled 100 a second, as on Shopify's Standard plan). ``rest_max``/``rest_leak``: the REST call bucket (40 calls leaking
    2 a second).
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        currency: str = "AUD",
        utc_offset: timedelta = timedelta(hours=10),
        taxes_included: bool = True,
        tax_title: str = "GST",
        tax_rate: Decimal = Decimal("0.1"),
        tokens: tuple[str, ...] = (SAMPLE_TOKEN,),
        cost_max: float = 1000.0,
        cost_restore: float = 100.0,
        rest_max: int = 40,
        rest_leak: float = 2.0,
        shop_name: str = "Sandbox Shop",
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.currency = currency.upper()
        self.tz = timezone(utc_offset)
        self.taxes_included = taxes_included
        self.tax_title = tax_title
        self.tax_rate = tax_rate
        self.tokens = set(tokens)
        self.cost_max = cost_max
        self.cost_restore = cost_restore
        self.rest_max = rest_max
        self.rest_leak = rest_leak
        self.shop_name = shop_name
        self.lock = threading.RLock()
        self.customers: dict[int, Customer] = {}
        self.products: dict[int, Product] = {}
        self.orders: dict[int, Order] = {}
        self.locations: dict[int, Location] = {}
        self._next = dict(_ID_BASES)
        self._next_number = 1001
        self.primary_location = self.add_location("Shop location")

    # -- ids and time ---------------------------------------------------------------------------

    def now(self) -> datetime:
        """The clock's time in UTC, to the second (Shopify's timestamps carry no fractions)."""
        return self.clock.now().astimezone(UTC).replace(microsecond=0)

    def new_id(self, kind: str) -> int:
        """The next id of a kind of record."""
        with self.lock:
            self._next[kind] += 1
            return self._next[kind]

    def variant(self, variant_id: int) -> Variant | None:
        """A variant by id, whatever its product."""
        with self.lock:
            for product in self.products.values():
                for variant in product.variants:
                    if variant.id == variant_id:
                        return variant
        return None

    def order(self, order_id: int) -> Order:
        """An order by id (KeyError when there is none)."""
        return self.orders[order_id]

    def inventory_item(self, item_id: int) -> Variant | None:
        """The variant whose inventory item this is, whatever its product."""
        with self.lock:
            for product in self.products.values():
                for variant in product.variants:
                    if variant.inventory_item_id == item_id:
                        return variant
        return None

    # -- stock ---------------------------------------------------------------------------------

    def add_location(self, name: str) -> Location:
        """Add a location (the first one made is the shop's primary location)."""
        with self.lock:
            location = Location(self.new_id("location"), name)
            self.locations[location.id] = location
            return location

    def set_available(self, variant_id: int, quantity: int, location_id: int | None = None) -> Variant:
        """Set what is available of a variant at a location (the primary one unless told), stocking it there."""
        with self.lock:
            variant = self.variant(variant_id)
            if variant is None:
                raise KeyError(variant_id)
            where = location_id if location_id is not None else self.primary_location.id
            if where not in self.locations:
                raise KeyError(f"no location {where}")
            variant.levels[where] = int(quantity)
            return variant

    # -- customers -----------------------------------------------------------------------------

    def email_taken(self, email: str, but: int | None = None) -> bool:
        """Whether another customer has this email (Shopify keeps emails unique per shop)."""
        wanted = email.strip().casefold()
        return any(c.email and c.email.casefold() == wanted and c.id != but for c in self.customers.values())

    def create_customer(
        self,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        company: str | None = None,
        address1: str | None = None,
        city: str | None = None,
        province: str | None = None,
        zip: str | None = None,
        country_code: str | None = "AU",
        tags: list[str] | None = None,
        note: str | None = None,
    ) -> Customer:
        """Add a customer (no checks: the API layers check what the API would refuse)."""
        with self.lock:
            now = self.now()
            customer = Customer(
                id=self.new_id("customer"),
                first_name=first_name,
                last_name=last_name,
                email=email,
                phone=phone,
                company=company,
                address1=address1,
                city=city,
                province=province,
                zip=zip,
                country_code=country_code,
                created_at=now,
                updated_at=now,
                tags=list(tags or []),
                note=note,
                address_id=self.new_id("address"),
            )
            self.customers[customer.id] = customer
            return customer

    def update_customer(self, customer_id: int, **fields: object) -> Customer:
        """Change a customer's fields (``first_name``, ``email``, ``note``…); ``updated_at`` moves."""
        with self.lock:
            customer = self.customers[customer_id]
            for name, value in fields.items():
                if not hasattr(customer, name) or name in ("id", "created_at", "updated_at"):
                    raise AttributeError(f"a customer has no editable field {name!r}")
                setattr(customer, name, value)
            customer.updated_at = self.now()
            return customer

    # -- products ------------------------------------------------------------------------------

    def create_product(
        self,
        title: str,
        variants: list[tuple[str | None, Decimal | str]] | None = None,
        *,
        body_html: str = "",
        vendor: str = "Sandbox",
        product_type: str = "",
        status: str = "active",
        variant_titles: list[str] | None = None,
    ) -> Product:
        """Add a product with variants given as (sku, price); one "Default Title" variant when none are given."""
        with self.lock:
            now = self.now()
            product = Product(
                id=self.new_id("product"),
                title=title,
                body_html=body_html,
                vendor=vendor,
                product_type=product_type,
                handle="-".join(title.lower().split()),
                status=status,
                created_at=now,
                updated_at=now,
            )
            for n, (sku, price) in enumerate(variants or [(None, "0.00")]):
                titles = variant_titles or []
                product.variants.append(
                    Variant(
                        id=self.new_id("variant"),
                        product_id=product.id,
                        title=titles[n] if n < len(titles) else ("Default Title" if not n else f"Option {n + 1}"),
                        sku=sku,
                        price=money(price),
                        created_at=now,
                        updated_at=now,
                        inventory_item_id=self.new_id("inventory_item"),
                        levels={self.primary_location.id: 0},
                    )
                )
            self.products[product.id] = product
            return product

    def update_product(self, product_id: int, **fields: object) -> Product:
        """Change a product's fields (``title``, ``status``…); ``updated_at`` moves."""
        with self.lock:
            product = self.products[product_id]
            for name, value in fields.items():
                if not hasattr(product, name) or name in ("id", "variants", "created_at", "updated_at"):
                    raise AttributeError(f"a product has no editable field {name!r}")
                setattr(product, name, value)
            product.updated_at = self.now()
            return product

    def update_variant(self, variant_id: int, **fields: object) -> Variant:
        """Change a variant (``price``, ``sku``…); the variant's and its product's ``updated_at`` move."""
        with self.lock:
            variant = self.variant(variant_id)
            if variant is None:
                raise KeyError(variant_id)
            for name, value in fields.items():
                if not hasattr(variant, name) or name in ("id", "product_id", "created_at", "updated_at"):
                    raise AttributeError(f"a variant has no editable field {name!r}")
                setattr(variant, name, money(str(value)) if name in ("price", "compare_at_price") else value)
            variant.updated_at = self.products[variant.product_id].updated_at = self.now()
            return variant

    # -- orders --------------------------------------------------------------------------------

    def _tax(self, amount: Decimal) -> Decimal:
        rate = self.tax_rate
        return money(amount * rate / (1 + rate)) if self.taxes_included else money(amount * rate)

    def create_order(
        self,
        customer_id: int | None,
        lines: list[tuple[int, int]],
        *,
        paid: bool = False,
        shipping: tuple[str, Decimal | str] | None = None,
        discount: tuple[str, Decimal | str] | None = None,
        custom_lines: list[tuple[str, int, Decimal | str]] | None = None,
        email: str | None = None,
        processed_at: datetime | None = None,
        note: str | None = None,
    ) -> Order:
        """Place an order for (variant id, quantity) lines; ``paid`` adds a successful sale of the total.

        ``shipping``: (title, price); ``discount``: (code, percent off every
        line); ``custom_lines``: (title, quantity, price) lines without a
        variant. Taxes are worked out per line at the shop's rate.
        """
        with self.lock:
            now = self.now()
            percent = Decimal(str(discount[1])) if discount else Decimal(0)
            items: list[LineItem] = []
            wanted: list[tuple[Variant | None, str, int, Decimal]] = []
            for variant_id, quantity in lines:
                variant = self.variant(variant_id)
                if variant is None:
                    raise KeyError(f"no variant {variant_id}")
                wanted.append((variant, self.products[variant.product_id].title, quantity, variant.price))
            for title, quantity, price in custom_lines or []:
                wanted.append((None, title, quantity, money(price)))
            for variant, title, quantity, price in wanted:
                share = money(price * quantity * percent / 100)
                taxable = variant.taxable if variant else True
                taxed = price * quantity - share
                items.append(
                    LineItem(
                        id=self.new_id("line"),
                        variant_id=variant.id if variant else None,
                        product_id=variant.product_id if variant else None,
                        title=title,
                        variant_title=variant.title if variant and variant.title != "Default Title" else None,
                        sku=variant.sku if variant else None,
                        quantity=quantity,
                        price=price,
                        taxable=taxable,
                        discount=share,
                        tax_lines=[TaxLine(self.tax_title, self.tax_rate, self._tax(taxed))] if taxable else [],
                    )
                )
            ships: list[ShippingLine] = []
            if shipping:
                price = money(shipping[1])
                ships.append(
                    ShippingLine(
                        id=self.new_id("shipping"),
                        title=shipping[0],
                        code=shipping[0].upper().replace(" ", "_"),
                        price=price,
                        tax_lines=[TaxLine(self.tax_title, self.tax_rate, self._tax(price))],
                    )
                )
            customer = self.customers.get(customer_id) if customer_id is not None else None
            if customer_id is not None and customer is None:
                raise KeyError(f"no customer {customer_id}")
            order = Order(
                id=self.new_id("order"),
                number=self._next_number,
                customer_id=customer_id,
                email=email or (customer.email if customer else None),
                currency=self.currency,
                taxes_included=self.taxes_included,
                created_at=now,
                updated_at=now,
                processed_at=processed_at.astimezone(UTC).replace(microsecond=0) if processed_at else now,
                line_items=items,
                shipping_lines=ships,
                discount_codes=[DiscountCode(discount[0], percent)] if discount else [],
                note=note,
            )
            self._next_number += 1
            self.orders[order.id] = order
            if paid:
                self.mark_paid(order.id)
                order.updated_at = now
            return order

    def _transaction(
        self,
        order: Order,
        kind: str,
        amount: Decimal,
        gateway: str,
        at: datetime | None = None,
        parent: int | None = None,
    ) -> Transaction:
        now = self.now()
        made = Transaction(self.new_id("transaction"), kind, "success", amount, gateway, at or now, parent, now)
        order.transactions.append(made)
        order.updated_at = now
        return made

    def mark_paid(self, order_id: int, *, gateway: str = "shopify_payments") -> Order:
        """Capture what is still owed as a successful sale; ``updated_at`` moves."""
        with self.lock:
            order = self.orders[order_id]
            if order.outstanding > 0:
                self._transaction(order, "sale", order.outstanding, gateway)
            order.updated_at = self.now()
            return order

    def record_payment(
        self,
        order_id: int,
        amount: Decimal | str | None = None,
        *,
        gateway: str = "manual",
        processed_at: datetime | None = None,
    ) -> Transaction:
        """Record money received outside checkout (cash, a bank transfer…) as a sale: Shopify's ``orderCreateManualPayment``.

        ``amount`` None pays all that is owed; a part of it leaves the order
        partially paid. Shopify refuses nothing or less, more than is still
        owed, and a ``processed_at`` in the future (``PaymentError`` with
        its code); ``processed_at`` may lie in the past, for a payment
        received earlier. ``updated_at`` moves.
        """
        with self.lock:
            order = self.orders[order_id]
            paying = order.outstanding if amount is None else money(amount)
            if paying <= 0:
                raise PaymentError("AMOUNT_NOT_POSITIVE", "Amount must be positive.", "amount")
            if paying > order.outstanding:
                raise PaymentError("AMOUNT_EXCEEDS_BALANCE", "Amount exceeds the remaining balance.", "amount")
            when = processed_at.astimezone(UTC).replace(microsecond=0) if processed_at else None
            if when is not None and when > self.now():
                raise PaymentError("PROCESSED_AT_INVALID", "Processed at can't be in the future.", "processedAt")
            return self._transaction(order, "sale", paying, gateway, when)

    def authorize(self, order_id: int, *, gateway: str = "shopify_payments") -> Transaction:
        """Hold the order's total on the customer's card (an authorization, nothing taken yet); ``updated_at`` moves."""
        with self.lock:
            order = self.orders[order_id]
            return self._transaction(order, "authorization", order.total_price, gateway)

    def capture(self, order_id: int, amount: Decimal | str | None = None) -> Transaction:
        """Take some (or, with None, all) of what the order's authorization holds, as a capture; ``updated_at`` moves.

        Several partial captures of one authorization add up, as on a
        multi-capturable Shopify Payments authorization; more than it still
        holds is refused.
        """
        with self.lock:
            order = self.orders[order_id]
            held = order.authorized()
            parent = next(
                (t for t in reversed(order.transactions) if t.kind == "authorization" and t.status == "success"), None
            )
            if parent is None or held <= 0:
                raise PaymentError("AUTHORIZATION_NOT_FOUND", "The order has no authorization to capture.")
            taking = held if amount is None else money(amount)
            if taking <= 0:
                raise PaymentError("AMOUNT_NOT_POSITIVE", "Amount must be positive.", "amount")
            if taking > held:
                raise PaymentError(
                    "AMOUNT_EXCEEDS_BALANCE",
                    "The capture amount can't be greater than the authorized amount.",
                    "amount",
                )
            return self._transaction(order, "capture", taking, parent.gateway, parent=parent.id)

    def update_order(self, order_id: int, **fields: object) -> Order:
        """Change an order's ``note``, ``tags``, ``email`` (what Shopify lets an order edit change); ``updated_at`` moves."""
        with self.lock:
            order = self.orders[order_id]
            for name, value in fields.items():
                if name not in ("note", "tags", "email"):
                    raise AttributeError(f"an order's {name!r} cannot be edited here")
                setattr(order, name, value)
            order.updated_at = self.now()
            return order

    def cancel_order(self, order_id: int, reason: str = "customer") -> Order:
        """Cancel an order; ``updated_at`` moves."""
        with self.lock:
            order = self.orders[order_id]
            order.cancelled_at = order.closed_at = order.updated_at = self.now()
            order.cancel_reason = reason
            return order

    def refund(
        self,
        order_id: int,
        lines: list[tuple[int, int]],
        *,
        shipping: bool = False,
        note: str | None = None,
    ) -> Refund:
        """Give back (line item id, quantity) and maybe the shipping, paying it back; the order's ``updated_at`` moves."""
        with self.lock:
            order = self.orders[order_id]
            now = self.now()
            by_id = {li.id: li for li in order.line_items}
            refund_lines: list[RefundLine] = []
            for line_id, quantity in lines:
                item = by_id[line_id]
                if not 0 < quantity <= item.quantity:
                    raise ValueError(f"cannot refund {quantity} of line {line_id} (ordered {item.quantity})")
                share = Decimal(quantity) / Decimal(item.quantity)
                subtotal = money((item.price * item.quantity - item.discount) * share)
                tax = money(sum((t.price for t in item.tax_lines), Decimal(0)) * share)
                refund_lines.append(RefundLine(self.new_id("refund_line"), line_id, quantity, subtotal, tax))
            ship = order.total_shipping if shipping else Decimal(0)
            ship_tax = (
                sum((t.price for s in order.shipping_lines for t in s.tax_lines), Decimal(0))
                if shipping
                else Decimal(0)
            )
            goods = sum((rl.subtotal for rl in refund_lines), Decimal(0)) + ship
            tax = sum((rl.total_tax for rl in refund_lines), Decimal(0)) + ship_tax
            amount = goods if order.taxes_included else goods + tax
            refund = Refund(
                id=self.new_id("refund"),
                order_id=order_id,
                created_at=now,
                note=note,
                lines=refund_lines,
                shipping=ship,
                shipping_tax=ship_tax,
                transactions=[
                    Transaction(self.new_id("transaction"), "refund", "success", amount, "shopify_payments", now)
                ],
            )
            order.refunds.append(refund)
            order.updated_at = now
            return refund
