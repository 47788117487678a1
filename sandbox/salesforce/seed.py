"""Seeded sample orgs: deterministic for a given ``seed``, ``scale`` and clock time.

Given the customers and item codes of the Xero sample organisation, the org partly
overlaps it, so matching has work to do: most customers appear as Accounts (some
spelled exactly, most slightly differently) with their contact person, plus Accounts
Xero does not know; a share of the item codes appear as ``ProductCode``. Every product
has an entry in the standard price book; some accounts have Orders with items, some
Activated, some Draft. Records are back-dated over the last 60 days and a few are
soft-deleted in the last days, so getUpdated/getDeleted and incremental queries have work.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sandbox.common.spelling import spelling_variant
from sandbox.salesforce.state import SalesforceState

_FIRST = ["Olivia", "Noah", "Mia", "Jack", "Ava", "Liam", "Chloe", "Lucas", "Grace", "Ethan", "Zoe", "Henry"]
_LAST = ["Nguyen", "Smith", "Patel", "Brown", "Wilson", "Taylor", "Martin", "Lee", "Walker", "King", "Wright", "Young"]
_COMPANIES = [
    "Harbour",
    "Summit",
    "Redgum",
    "Blue Wren",
    "Ironbark",
    "Coastal",
    "Granite",
    "Kestrel",
    "Willow",
    "Atlas",
]
_TRADES = ["Logistics", "Consulting", "Hospitality", "Builders", "Traders", "Health", "Studios", "Engineering"]
_PRODUCTS = [
    ("Ergonomic Office Chair", "Furniture", 349.0), ("Standing Desk", "Furniture", 799.0),
    ("LED Desk Lamp", "Lighting", 59.0), ("Wireless Keyboard", "Electronics", 89.0),
    ("27in Monitor", "Electronics", 429.0), ("USB-C Dock", "Electronics", 199.0),
    ("Noise Cancelling Headset", "Electronics", 279.0), ("Printer Paper A4 Ream", "Stationery", 7.5),
    ("Whiteboard 1200x900", "Stationery", 149.0), ("Filing Cabinet", "Furniture", 259.0),
    ("Arabica Coffee Beans 1kg", "Pantry", 42.0), ("Reusable Coffee Cup", "Pantry", 18.0),
]  # fmt: skip


@dataclass
class SeedSummary:
    """What ``seed_sample`` created, by object, and which names and codes overlap the Xero sample."""

    counts: dict[str, int] = field(default_factory=dict)
    overlapping_customers: list[str] = field(default_factory=list)
    overlapping_codes: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def seed_sample(
    state: SalesforceState,
    *,
    scale: int = 1,
    seed: int = 0,
    customers: Sequence[Mapping[str, str]] = (),
    item_codes: Sequence[str] = (),
    country: str = "AU",
) -> SeedSummary:
    """Fill ``state`` with a sample org; the same arguments (and clock time) give the same records."""
    scale = max(1, scale)
    rng = random.Random(f"salesforce/{country}/{seed}")
    summary = SeedSummary()
    now = state.now().replace(microsecond=0)
    total = 60 * scale + len(customers) + len(item_codes)
    step = timedelta(days=58) / max(1, total * 3)
    moment = [now - timedelta(days=60)]

    def tick() -> datetime:
        moment[0] += step
        return moment[0]

    # Accounts: most Xero customers (a third spelled exactly), and some only this org knows.
    accounts: list[tuple[str, Mapping[str, str]]] = []
    for customer in customers:
        if rng.random() >= 0.7:
            continue
        name = customer["name"] if rng.random() < 0.35 else spelling_variant(customer["name"], rng)
        summary.overlapping_customers.append(customer["name"])
        accounts.append((name, customer))
    for i in range(8 * scale):
        name = f"{rng.choice(_COMPANIES)} {rng.choice(_TRADES)} {i + 1}"
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        domain = name.lower().replace(" ", "")
        accounts.append(
            (name, {"first_name": first, "last_name": last, "email": f"{first.lower()}@{domain}.example", "phone": ""})
        )
    account_ids: list[str] = []
    contact_of: dict[str, str] = {}
    for number, (name, person) in enumerate(accounts, start=1):
        account_id = state.create(
            "Account",
            {
                "Name": name,
                "AccountNumber": f"CD{number:05d}",
                "Phone": person.get("phone", ""),
                "Type": "Customer - Direct",
                "BillingStreet": person.get("street"),
                "BillingCity": person.get("city"),
                "BillingState": person.get("region"),
                "BillingPostalCode": person.get("postcode"),
                "BillingCountry": country,
            },
            at=tick(),
        )
        account_ids.append(account_id)
        contact_of[account_id] = state.create(
            "Contact",
            {
                "AccountId": account_id,
                "FirstName": person.get("first_name") or None,
                "LastName": person.get("last_name") or name.split(" ")[0],
                "Email": person.get("email") or None,
                "Phone": person.get("phone") or None,
                "MailingCountry": country,
            },
            at=tick(),
        )
        for _ in range(rng.randint(0, 2)):
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            state.create(
                "Contact",
                {
                    "AccountId": account_id,
                    "FirstName": first,
                    "LastName": last,
                    "Email": f"{first}.{last}@example.com".lower(),
                },
                at=tick(),
            )

    # Products: a share of the Xero item codes, and the catalogue's own.
    products: list[str] = []
    standard = state.create("Pricebook2", {"Name": "Standard Price Book", "IsActive": True}, at=tick())
    state.records["Pricebook2"][standard]["IsStandard"] = True
    entries: list[tuple[str, float]] = []
    for code in item_codes:
        if rng.random() >= 0.6:
            continue
        summary.overlapping_codes.append(code)
        title, family, price = rng.choice(_PRODUCTS)
        products.append(
            state.create(
                "Product2",
                {"Name": f"{title} ({code})", "ProductCode": code, "Family": family, "IsActive": True},
                at=tick(),
            )
        )
        entries.append((products[-1], price))
    for i in range(6 * scale):
        title, family, price = _PRODUCTS[i % len(_PRODUCTS)]
        code = f"SF-{family[:3].upper()}-{i + 1:03d}"
        products.append(
            state.create(
                "Product2", {"Name": title, "ProductCode": code, "Family": family, "IsActive": True}, at=tick()
            )
        )
        entries.append((products[-1], price))
    entry_ids = [
        (
            state.create(
                "PricebookEntry",
                {"Pricebook2Id": standard, "Product2Id": p, "UnitPrice": price, "IsActive": True},
                at=tick(),
            ),
            price,
        )
        for p, price in entries
    ]

    # Orders: some accounts order, a few several times; most orders are Activated.
    for account_id in account_ids:
        if rng.random() >= 0.4 or not entry_ids:
            continue
        for _ in range(rng.randint(1, 2)):
            when = tick()
            order_id = state.create(
                "Order",
                {
                    "AccountId": account_id,
                    "EffectiveDate": when.date().isoformat(),
                    "Status": "Draft",
                    "Pricebook2Id": standard,
                    "BillToContactId": contact_of[account_id],
                },
                at=when,
            )
            for entry_id, price in rng.sample(entry_ids, k=min(len(entry_ids), rng.randint(1, 4))):
                state.create(
                    "OrderItem",
                    {
                        "OrderId": order_id,
                        "PricebookEntryId": entry_id,
                        "Quantity": rng.randint(1, 10),
                        "UnitPrice": price,
                    },
                    at=tick(),
                )
            if rng.random() < 0.7:
                state.update("Order", order_id, {"Status": "Activated"}, at=tick())

    # A few extra contacts deleted in the last days (getDeleted, queryAll).
    for i in range(2 * scale):
        gone = state.create(
            "Contact",
            {"LastName": f"Duplicate {i + 1}", "AccountId": account_ids[i % len(account_ids)] if account_ids else None},
            at=tick(),
        )
        state.delete("Contact", gone, at=now - timedelta(days=1, hours=i))
        summary.deleted.append(gone)

    summary.counts = {name: len(state.rows(name)) for name in state.records}
    return summary
