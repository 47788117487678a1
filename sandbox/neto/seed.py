"""A seeded sample site: customers, items, orders (paid, unpaid, cancelled, one guest's) and two RMAs.

Per twelve orders, one is paid in two parts (a 40% deposit at checkout, the
balance by bank deposit a day after the last order: two ``OrderPayment``
entries, ``DatePaid`` set by the second) and one in part only (a 30% deposit
at checkout: no ``DatePaid``).

The site overlaps the AU Xero sandbox the way one business's shop and books
do: the first half of the customers carry the names and emails of Xero's
sample customers (``sandbox.xero.samples``), and the first items' SKUs are
Xero's item codes with their names and prices. Everything is dated over the
30 days before the clock's now, a few minutes apart, so ``DateUpdated`` is
spread out; the same seed, scale and clock give the same site.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sandbox.common.clock import Clock
from sandbox.neto.state import LineSpec, NetoState
from sandbox.xero.samples import sample_directory

__all__ = ["SeedSummary", "seed_sample"]

_FIRST = ("Olivia", "Jack", "Mia", "Noah", "Isla", "Liam", "Chloe", "Ethan", "Ruby", "Lucas")
_LAST = ("Nguyen", "Smith", "Walker", "Brown", "Taylor", "Wilson", "Martin", "Kelly", "Harris", "Ryan")
_CITIES = (
    ("Sydney", "NSW", "2000"),
    ("Melbourne", "VIC", "3000"),
    ("Brisbane", "QLD", "4000"),
    ("Perth", "WA", "6000"),
)
_GEAR = ("Camp Chair", "Tarp", "Cooler Bag", "Billy Can", "Gaiters", "Compass", "First Aid Kit", "Hammock")


@dataclass
class SeedSummary:
    """What ``seed_sample`` made: records per table, and the ids of the notable orders."""

    counts: dict[str, int] = field(default_factory=dict)
    paid: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    guest: list[str] = field(default_factory=list)
    two_part: list[str] = field(default_factory=list)
    part_paid: list[str] = field(default_factory=list)


class _At:
    """A clock stopped at a moment the seeder chooses (monotonic time passes through)."""

    def __init__(self, inner: Clock, moment: datetime) -> None:
        self.inner = inner
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def monotonic(self) -> float:
        return self.inner.monotonic()

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def _username(first: str, last: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]", "", f"{first[0]}{last}".lower()) or "customer"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    taken.add(name)
    return name


def seed_sample(state: NetoState, *, scale: int = 1, seed: int = 0) -> SeedSummary:
    """Fill ``state`` with 8 customers, 12 items and 12 orders per ``scale``; returns what it made."""
    scale = max(1, scale)
    rng = random.Random(f"neto-{seed}")
    xero = sample_directory("au", scale=scale, seed=seed)
    real_clock = state.clock
    start = real_clock.now() - timedelta(days=30)
    at = _At(real_clock, start)
    summary = SeedSummary()
    taken: set[str] = set()

    def tick(minutes: int = 7) -> None:
        at.moment += timedelta(minutes=minutes, seconds=rng.randint(0, 59))

    state.clock = at
    try:
        with state.lock:
            usernames: list[str] = []
            for n in range(8 * scale):
                city, region, postcode = rng.choice(_CITIES)
                if n < 4 * scale and n < len(xero.customers):
                    c = xero.customers[n]
                    first, last, email, company = c.FirstName, c.LastName, c.EmailAddress, c.Name
                    street, city, region, postcode, phone = c.AddressLine1, c.City, c.Region, c.PostalCode, c.Phone
                else:
                    first, last, company = rng.choice(_FIRST), rng.choice(_LAST), ""
                    email = f"{first}.{last}{n}@mail.example.com.au".lower()
                    street, phone = f"{rng.randint(1, 200)} George Street", f"04{rng.randint(10000000, 99999999)}"
                username = _username(first, last, taken)
                state.add_customer(
                    username, email=email, first_name=first, last_name=last, company=company, phone=phone,
                    street=street, city=city, region=region, postcode=postcode,
                )  # fmt: skip
                usernames.append(username)
                tick()
            skus: list[str] = []
            for n in range(12 * scale):
                if n < 8 * scale and n < len(xero.items):
                    item = xero.items[n]
                    state.add_item(
                        item.Code, item.Name, item.UnitPrice, description=item.Description, cost=item.PurchasePrice
                    )
                    skus.append(item.Code)
                else:
                    sku = f"NT-{n + 1:04d}"
                    price = Decimal(rng.randrange(900, 9_000)) / 100
                    state.add_item(sku, f"{_GEAR[n % len(_GEAR)]}", price, tax_free=n % 6 == 5, cost=price / 2)
                    skus.append(sku)
                tick()
            for n in range(12 * scale):
                lines = [
                    LineSpec(
                        sku, rng.randint(1, 3), percent_discount=Decimal(10) if rng.random() < 0.15 else Decimal(0)
                    )
                    for sku in rng.sample(skus, rng.randint(1, 3))
                ]
                guest = n == 5
                two_parts, deposit = n % 12 == 9, n % 12 == 10
                order = state.add_order(
                    "" if guest else rng.choice(usernames),
                    lines,
                    shipping=rng.choice(("0", "9.95", "14.95")),
                    coupon=("WELCOME10", "10.00") if n % 7 == 3 else None,
                    paid=not guest and n % 5 != 2 and not (two_parts or deposit),
                    email="walk.in@mail.example.com.au" if guest else None,
                )
                order_id = order["OrderID"]
                if guest:
                    summary.guest.append(order_id)
                if two_parts or deposit:
                    share = Decimal("0.4") if two_parts else Decimal("0.3")
                    state.pay_order(order_id, (Decimal(order["GrandTotal"]) * share).quantize(Decimal("0.01")))
                    (summary.two_part if two_parts else summary.part_paid).append(order_id)
                tick(30)
                if n % 4 == 0 and order["DatePaid"]:
                    state.update_order(order_id, OrderStatus="Dispatched")
                if n == 7:
                    state.update_order(order_id, OrderStatus="Cancelled")
                    summary.cancelled.append(order_id)
                if order["DatePaid"] and order["OrderStatus"] != "Cancelled":
                    summary.paid.append(order_id)
                tick()
            if summary.two_part:
                tick(24 * 60)  # the balances arrive the next day
            for order_id in summary.two_part:
                state.pay_order(order_id, payment_type="Bank Deposit")
                summary.paid.append(order_id)
                tick()
            for order_id in summary.paid[1:3]:
                first_line = state.tables["Order"][order_id]["OrderLine"][0]
                state.add_rma(order_id, [(first_line["SKU"], 1)], refund_shipping=order_id == summary.paid[2])
                tick()
            summary.counts = {name: len(table) for name, table in state.tables.items()}
    finally:
        state.clock = real_clock
    return summary
