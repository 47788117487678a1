"""A seeded sample shop that overlaps the Xero sample organisation (AU, AUD, prices include GST).

Customers: every other Xero sample customer shops here too, as the person
Xero holds for it (same first and last name and email, the company on the
address); the rest of the shop's customers are its own. Products: one per
Xero sample item whose SKU is that item's code (so items match by code),
a T-shirt with three size variants, and a gift card without a SKU (which
the connector must refuse: Xero items are matched by code). Orders over the
30 days before the clock's now: most paid, some with shipping, one with a
discount code, one refunded in part, one cancelled, one placed by a guest
(no customer), one paid in two parts (its card authorized at checkout, then
captured half two hours later and the rest two days later: PAID) and one
paid in part (a manual deposit of 30%: PARTIALLY_PAID). The same seed,
scale and clock time give the same shop.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sandbox.shopify.state import Order, ShopifyState, Transaction, money
from sandbox.xero.samples import sample_directory

__all__ = ["HISTORY_DAYS", "SeedSummary", "seed_sample"]

HISTORY_DAYS = 30
_OWN_NAMES = (
    ("Mia", "Nguyen"),
    ("Oliver", "Smith"),
    ("Charlotte", "Brown"),
    ("Jack", "Wilson"),
    ("Isla", "Taylor"),
    ("Noah", "Martin"),
    ("Amelia", "Kelly"),
    ("Leo", "Walker"),
)
_SHIPPING = (("Standard", "9.95"), ("Express", "14.95"))


@dataclass
class SeedSummary:
    """What ``seed_sample`` made: counts, the ids worth a test's attention, and the Xero overlaps."""

    counts: dict[str, int] = field(default_factory=dict)
    shared_customer_emails: list[str] = field(default_factory=list)
    shared_skus: list[str] = field(default_factory=list)
    paid_orders: list[int] = field(default_factory=list)
    refunded_order: int | None = None
    cancelled_order: int | None = None
    guest_order: int | None = None
    discounted_order: int | None = None
    no_sku_product: int | None = None
    two_part_orders: list[int] = field(default_factory=list)
    part_paid_orders: list[int] = field(default_factory=list)


def _at(order: Order, moment: datetime) -> None:
    order.created_at = order.processed_at = order.updated_at = moment
    for tx in order.transactions:
        tx.processed_at = tx.created_at = moment


def _taken_at(order: Order, *moments: tuple[Transaction, datetime]) -> None:
    """Date each transaction when its money moved; the last one is when the order last changed."""
    for tx, moment in moments:
        tx.processed_at = tx.created_at = order.updated_at = moment


def seed_sample(state: ShopifyState, scale: int = 1, seed: int = 0) -> SeedSummary:
    """Fill ``state`` with the sample shop (``scale`` multiplies customers, products and orders)."""
    rng = random.Random(f"shopify-{seed}")
    directory = sample_directory("au", scale=scale, seed=seed)
    summary = SeedSummary()
    now = state.now()
    start = now - timedelta(days=HISTORY_DAYS)
    with state.lock:
        customers = []
        for n, contact in enumerate(directory.customers):
            if n % 2:
                continue
            made = state.create_customer(
                first_name=contact.FirstName,
                last_name=contact.LastName,
                email=contact.EmailAddress,
                phone=contact.Phone,
                company=contact.Name,
                address1=contact.AddressLine1,
                city=contact.City,
                province=contact.Region,
                zip=contact.PostalCode,
                country_code=contact.Country,
            )
            summary.shared_customer_emails.append(contact.EmailAddress)
            customers.append(made)
        for n in range(len(_OWN_NAMES) * scale):
            first, last = _OWN_NAMES[n % len(_OWN_NAMES)]
            suffix = f"{n // len(_OWN_NAMES) + 1}" if n >= len(_OWN_NAMES) else ""
            customers.append(
                state.create_customer(
                    first_name=first,
                    last_name=last,
                    email=f"{first}.{last}{suffix}@shopper.example.com".lower(),
                    city=rng.choice(("Sydney", "Melbourne", "Brisbane", "Perth")),
                    address1=f"{rng.randrange(1, 200)} {rng.choice(('George', 'King', 'Queen'))} Street",
                    province=rng.choice(("NSW", "VIC", "QLD", "WA")),
                    zip=str(rng.randrange(2000, 6999)),
                )
            )
        variants = []
        for item in directory.items[: 6 * scale]:
            product = state.create_product(
                item.Name, [(item.Code, item.UnitPrice)], body_html=f"<p>{item.Description}</p>", product_type="Goods"
            )
            summary.shared_skus.append(item.Code)
            variants.extend(product.variants)
        tee = state.create_product(
            "Shop Logo T-Shirt",
            [("SHOP-TEE-S", "29.95"), ("SHOP-TEE-M", "29.95"), ("SHOP-TEE-L", "32.95")],
            variant_titles=["S", "M", "L"],
            product_type="Apparel",
        )
        variants.extend(tee.variants)
        gift = state.create_product("Gift Card", [(None, "50.00")], product_type="Gift Card")
        summary.no_sku_product = gift.id
        for product in state.products.values():
            product.created_at = product.updated_at = start
            for variant in product.variants:
                variant.created_at = variant.updated_at = start
        for n, customer in enumerate(customers):
            customer.created_at = customer.updated_at = start + timedelta(minutes=n)

        count = 10 * scale
        step = timedelta(days=HISTORY_DAYS - 1) / count
        orders: list[Order] = []
        for n in range(count):
            guest = n == 3
            lines = [(v.id, rng.randrange(1, 4)) for v in rng.sample(variants, rng.randrange(1, 4))]
            two_parts, deposit = n % 10 == 5, n % 10 == 6
            order = state.create_order(
                None if guest else customers[n % len(customers)].id,
                lines,
                paid=n % 4 != 1 and not (two_parts or deposit),
                shipping=_SHIPPING[n % 2] if n % 3 else None,
                discount=("WELCOME10", Decimal(10)) if n == 2 else None,
                email="walk.in@guest.example.com" if guest else None,
            )
            placed = start + step * (n + 1) + timedelta(seconds=n)
            _at(order, placed)
            if two_parts:
                held = state.authorize(order.id)
                half = state.capture(order.id, money(order.total_price / 2))
                rest = state.capture(order.id)
                later = min(placed + timedelta(days=2), now)
                _taken_at(order, (held, placed), (half, placed + timedelta(hours=2)), (rest, later))
                summary.two_part_orders.append(order.id)
            if deposit:
                paid = state.record_payment(order.id, money(order.total_price * Decimal("0.3")))
                _taken_at(order, (paid, placed + timedelta(minutes=5)))
                summary.part_paid_orders.append(order.id)
            orders.append(order)
            if guest:
                summary.guest_order = order.id
            if n == 2:
                summary.discounted_order = order.id
        refunded = next(o for o in orders if o.financial_status == "paid" and o.customer_id)
        state.refund(refunded.id, [(refunded.line_items[0].id, 1)], note="Damaged in transit")
        refunded.updated_at = refunded.refunds[0].created_at = now - timedelta(days=2)
        summary.refunded_order = refunded.id
        cancelled = next(o for o in orders if o.financial_status == "pending" and o.customer_id)
        state.cancel_order(cancelled.id)
        cancelled.updated_at = cancelled.cancelled_at = cancelled.closed_at = now - timedelta(days=1)
        summary.cancelled_order = cancelled.id
        summary.paid_orders = [o.id for o in orders if o.financial_status == "paid"]
        summary.counts = {
            "customers": len(state.customers),
            "products": len(state.products),
            "variants": sum(len(p.variants) for p in state.products.values()),
            "orders": len(state.orders),
        }
    return summary
