"""A seeded sample store (AUD, GST 10%) whose customers and SKUs overlap the Xero AU sample organisation.

Per ``scale``: 8 customers are the contact people of the Xero AU sample's
customers (6 with the email Xero holds, 2 with another one, matched by name),
4 are shop-only; 10 simple products carry Xero item codes as SKUs (same name
and price); besides them a configurable tee (sizes S, M, L), a gift card
without tax, a disabled product and one whose SKU is too long for a Xero item
code (its mapping is rejected with the reason). 24 orders over the 30 days
before the clock's now: two in three paid (invoiced with capture), some with
a 10% coupon, one canceled, one from a guest (no customer: rejected by the
mapping), two refunded (one in full, one in part), one paid in two parts (its
gift card and the shipping invoiced half an hour after the order, the rest
two days later) and one paid in part (only its gift card and shipping
invoiced: ``total_due`` left).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from faker import Faker

from sandbox.magento.state import MagentoState
from sandbox.xero.samples import sample_directory

__all__ = ["HISTORY_DAYS", "SeedSummary", "seed_sample"]

HISTORY_DAYS = 30
"""How far back the sample orders go."""

TEE_SIZES = ("S", "M", "L")


@dataclass
class SeedSummary:
    """What ``seed_sample`` made: counts per table, and the ids of the orders tests care about."""

    counts: dict[str, int] = field(default_factory=dict)
    paid: list[int] = field(default_factory=list)
    guest_order: int = 0
    canceled_order: int = 0
    refunded: list[int] = field(default_factory=list)
    long_sku: str = ""
    two_part: list[int] = field(default_factory=list)
    part_paid: list[int] = field(default_factory=list)


def seed_sample(state: MagentoState, *, scale: int = 1, seed: int = 0) -> SeedSummary:
    """Fill ``state`` with the sample store (see the module docstring); returns what it made."""
    scale = max(1, scale)
    rng = random.Random(f"magento-{seed}")
    directory = sample_directory("au", scale=scale, seed=seed)
    summary = SeedSummary()
    now = state.now()
    start = now - timedelta(days=HISTORY_DAYS + 10)
    with state.lock, state.backdated(start):
        customers: list[int] = []
        for index, contact in enumerate(directory.customers[: 8 * scale]):
            # Two in eight shop under a private address: only their names match Xero's contact person.
            email = (
                contact.EmailAddress
                if index % 8 < 6
                else f"{contact.FirstName}.{contact.LastName}{index}@mail.example.org".lower()
            )
            customer = state.add_customer(
                contact.FirstName,
                contact.LastName,
                email,
                company=contact.Name,
                street=contact.AddressLine1,
                city=contact.City,
                region=contact.Region,
                postcode=contact.PostalCode,
                telephone=contact.Phone,
            )
            customers.append(customer["id"])
        fake = Faker("en_AU")
        fake.seed_instance(f"magento-{seed}")
        for index in range(4 * scale):
            first, last = fake.first_name(), fake.last_name()
            customer = state.add_customer(
                first,
                last,
                f"{first}.{last}.{index}@shopper.example.com".lower().replace("'", ""),
                street=fake.street_address(),
                city=fake.city(),
                region=rng.choice(("NSW", "VIC", "QLD", "WA", "SA", "TAS", "ACT")),
                postcode=fake.postcode(),
                telephone=fake.phone_number(),
            )
            customers.append(customer["id"])
        skus = []
        for item in directory.items[: 10 * scale]:
            state.add_product(item.Code, item.Name, item.UnitPrice, description=item.Description)
            skus.append(item.Code)
        state.add_configurable(
            "MAG-TEE", "Southern Cross Tee", Decimal("34.95"), TEE_SIZES, description="Organic cotton tee"
        )
        skus.extend(f"MAG-TEE-{size}" for size in TEE_SIZES)
        state.add_product("MAG-GIFT-50", "Gift Card $50", 50, tax_class_id=0, description="A gift card; no GST")
        state.add_product("MAG-OLD-LANTERN", "Old Lantern", Decimal("19.00"), status=2)
        summary.long_sku = "MAG-EXPEDITION-TENT-4P-ULTRALIGHT-GREEN"
        state.add_product(summary.long_sku, "Expedition Tent 4P Ultralight", Decimal("899.00"))
    orders = 24 * scale
    for n in range(orders):
        placed = (
            now
            - timedelta(days=HISTORY_DAYS)
            + timedelta(minutes=int(HISTORY_DAYS * 24 * 60 * n / orders) + rng.randint(0, 59))
        )
        lines = [(rng.choice(skus), rng.randint(1, 3)) for _ in range(rng.randint(1, 3))]
        in_parts = n % 24 in (8, 14)  # 8: paid in two parts, 14: in part only
        if n % 24 == 5 or in_parts:
            lines.append(("MAG-GIFT-50", 1))
        with state.backdated(placed):
            guest = n % 24 == 7
            order = state.place_order(
                None if guest else rng.choice(customers),
                lines,
                guest={"email": "walk.in@example.com", "firstname": "Walk", "lastname": "In"} if guest else None,
                discount_percent=10 if n % 6 == 3 else 0,
                coupon_code="WINTER10" if n % 6 == 3 else None,
            )
        if guest:
            summary.guest_order = order["entity_id"]
        if n % 24 == 11:
            with state.backdated(placed + timedelta(hours=2)):
                state.cancel_order(order["entity_id"])
            summary.canceled_order = order["entity_id"]
            continue
        if in_parts and placed + timedelta(hours=1) <= now:
            with state.backdated(placed + timedelta(minutes=30)):
                state.invoice_order(order["entity_id"], {"MAG-GIFT-50": 1})
            if n % 24 == 8:
                with state.backdated(min(placed + timedelta(days=2), now)):
                    state.invoice_order(order["entity_id"])
                summary.two_part.append(order["entity_id"])
                summary.paid.append(order["entity_id"])
            else:
                summary.part_paid.append(order["entity_id"])
            continue
        if n % 3 == 2 or placed + timedelta(hours=1) > now:
            continue
        with state.backdated(placed + timedelta(minutes=rng.randint(2, 50))):
            state.invoice_order(order["entity_id"])
        summary.paid.append(order["entity_id"])
        refund_at = placed + timedelta(days=2)
        if n % 24 in (4, 16) and refund_at < now:
            with state.backdated(refund_at):
                first_sku = order["items"][0]["sku"]
                state.refund_order(order["entity_id"], None if n % 24 == 4 else {first_sku: 1})
            summary.refunded.append(order["entity_id"])
    summary.counts = {name: len(table) for name, table in state.tables.items()}
    return summary
