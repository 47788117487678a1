"""Seeded sample CRMs: deterministic for a given ``seed``, ``scale`` and clock time.

A sample holds its region's taxes (AU: GST, wine equalisation tax, import duty; US: sales tax…), vendors, products
(several carrying two taxes) and services, organizations with contacts (some with
more than five, and contacts without an organization), and invoices, sales orders
and purchase orders with line items.

Given the customers and item codes of the Xero sample, the CRM partly overlaps it, so
matching has work to do: a share of the customers appear as organizations (some
spelled exactly, most spelled slightly differently: case, ``Pty. Ltd``, trailing
spaces, ``&``/``and``) with their contact person, and a share of the item codes appear
as product codes.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from faker import Faker

from sandbox.common.spelling import spelling_variant
from sandbox.vtiger import records
from sandbox.vtiger.state import User, VtigerState

OWNER = "19x1"

_PRODUCTS = [
    ("Shiraz 750ml", "wine"), ("Chardonnay 750ml", "wine"), ("Sparkling Brut 750ml", "wine"),
    ("Pinot Noir 750ml", "wine"), ("Arabica Coffee Beans 1kg", "plain"), ("Espresso Machine", "imported"),
    ("Ergonomic Office Chair", "plain"), ("Standing Desk", "plain"), ("LED Desk Lamp", "plain"),
    ("Wireless Keyboard", "imported"), ("27in Monitor", "imported"), ("Printer Paper A4 Ream", "plain"),
    ("Whiteboard 1200x900", "plain"), ("Filing Cabinet", "plain"), ("First Aid Kit", "free"),
    ("Hand Sanitiser 500ml", "free"), ("Noise Cancelling Headset", "imported"), ("USB-C Dock", "imported"),
    ("Bamboo Cutlery Set", "plain"), ("Reusable Coffee Cup", "plain"), ("Tasmanian Honey 500g", "free"),
    ("Macadamia Nuts 1kg", "free"), ("Italian Olive Oil 1L", "imported"), ("Shiraz Magnum 1.5L", "wine"),
]  # fmt: skip
_SERVICES = [
    "On-site Installation", "Remote Support (hour)", "Onboarding Workshop", "Data Migration",
    "Annual Maintenance", "Custom Report Design", "Staff Training Day", "Consulting (hour)",
]  # fmt: skip


@dataclass
class SeedSummary:
    """What ``seed_sample`` created, by module, and which names and codes overlap the Xero sample."""

    counts: dict[str, int] = field(default_factory=dict)
    overlapping_customers: list[str] = field(default_factory=list)
    overlapping_codes: list[str] = field(default_factory=list)


def _email_variant(email: str, rng: random.Random) -> str:
    if not email:
        return email
    return rng.choice([email, email.upper(), email.capitalize(), " " + email])


@dataclass(frozen=True)
class Region:
    """Where a sample CRM does business: its people's locale, its country, base currency and taxes."""

    locale: str
    country: str
    currency: tuple[str, str]  # code, vTiger's currency name
    taxes: dict[str, tuple[str, str]]  # role (main, luxury, import) -> label, percentage


REGIONS: dict[str, Region] = {
    "AU": Region(
        "en_AU",
        "Australia",
        ("AUD", "Australia, Dollars"),
        {"main": ("GST", "10"), "luxury": ("WET", "29"), "import": ("Import Duty", "5")},
    ),
    "US": Region(
        "en_US",
        "United States",
        ("USD", "USA, Dollars"),
        {"main": ("Sales Tax", "7.25"), "luxury": ("Luxury Tax", "10"), "import": ("Import Duty", "5")},
    ),
}


class _Seeder:
    """Creates the records through the same code the operations use, back-dated along a timeline."""

    def __init__(self, state: VtigerState, scale: int, seed: int, region: Region) -> None:
        self.state = state
        self.region = region
        self.scale = max(1, scale)
        self.rng = random.Random(seed)
        self.fake = Faker(region.locale)
        self.fake.seed_instance(seed)
        self.admin: User = state.users[1]
        self.now = state.now()
        self.moment = self.now - timedelta(days=400)
        # About 170 records per unit of scale, spread evenly over the 400 days.
        self.step = timedelta(days=390) / (170 * self.scale)
        self.summary = SeedSummary()

    def _tick(self) -> datetime:
        """The next creation time: records appear in order over the last 400 days."""
        self.moment += self.step * self.rng.uniform(0.5, 1.5)
        self.moment = self.moment.replace(microsecond=0)
        return min(self.moment, self.now)

    def create(self, module: str, element: dict[str, object]) -> dict[str, object]:
        """Create one record; a fifth of them are edited again later (a later ``modifiedtime``)."""
        at = self._tick() if module not in {"Tax", "ProductTaxes", "Currency"} else None
        created = records.create(self.state, self.admin, module, element, source="CRM", at=at)
        self.summary.counts[module] = self.summary.counts.get(module, 0) + 1
        if at is not None and self.rng.random() < 0.2:
            crmid = int(str(created["id"]).split("x")[1])
            later = min(at + timedelta(days=self.rng.randint(1, 60), seconds=self.rng.randint(0, 86399)), self.now)
            self.state.entities[crmid].values["modifiedtime"] = later.strftime("%Y-%m-%d %H:%M:%S")
        return created

    def address(self, prefix: str) -> dict[str, object]:
        """A street address in the field names of one address block."""
        return {
            f"{prefix}_street": self.fake.street_address(),
            f"{prefix}_city": self.fake.city(),
            f"{prefix}_state": self.fake.state_abbr(),
            f"{prefix}_code": self.fake.postcode(),
            f"{prefix}_country": self.region.country,
        }

    def taxes(self) -> dict[str, dict[str, str]]:
        """The region's taxes (unless the install has them): role -> ``{id, taxname, percentage}``."""
        wanted = list(self.region.taxes.values())
        known = {row["taxlabel"] for row in self.state.actors["Tax"].values()}
        for label, percentage in wanted:
            if label not in known:
                self.create("Tax", {"taxlabel": label, "percentage": percentage})
        by_label = {
            row["taxlabel"]: {"id": f"34x{row_id}", "taxname": row["taxname"], "percentage": row["percentage"]}
            for row_id, row in self.state.actors["Tax"].items()
        }
        return {role: by_label[label] for role, (label, _) in self.region.taxes.items()}

    def carry(self, item: dict[str, object], tax: dict[str, str]) -> None:
        """Let a product or service carry a tax at the tax's own rate."""
        self.create("ProductTaxes", {"productid": item["id"], "taxid": tax["id"], "taxpercentage": tax["percentage"]})

    def product_code(self, name: str) -> str:
        """A part number like the ones small shops invent (``SHIR-750``)."""
        letters = "".join(c for c in name.upper() if c.isalpha())[:4]
        return f"{letters}-{self.rng.randint(100, 999)}"


def seed_sample(
    state: VtigerState,
    scale: int = 1,
    seed: int = 0,
    customers: Sequence[Mapping[str, str]] | None = None,
    item_codes: Sequence[str] | None = None,
    country: str = "AU",
) -> SeedSummary:
    """Fill ``state`` with a sample CRM; ``scale`` multiplies its size.

    ``customers`` (dicts with ``name``, ``email``, ``first_name``, ``last_name``) and
    ``item_codes`` come from the Xero sample: about 60% of the customers and 70% of the
    codes reappear here, a third of those customers spelled exactly as in Xero and the
    rest slightly differently.
    Without them the CRM makes up its own. The same arguments and clock time give the
    same records.
    """
    region = REGIONS[country]
    if state.base_currency != region.currency[0]:
        state.set_base_currency(*region.currency)
    s = _Seeder(state, scale, seed, region)
    rng, fake = s.rng, s.fake
    # The CRM's own companies never take the name of a Xero customer (in Xero a name is one contact).
    taken = {c["name"] for c in customers or ()}

    def new_company() -> str:
        name = str(fake.unique.company())
        while name in taken:
            name = str(fake.unique.company())
        return name

    with state.lock:
        taxes = s.taxes()
        # Group-taxed documents charge the main tax (GST, sales tax) only.
        group_rates = {t["taxname"]: (t["percentage"] if role == "main" else "0") for role, t in taxes.items()}
        vendors = [
            s.create(
                "Vendors",
                {
                    "vendorname": new_company(),
                    "email": fake.company_email(),
                    "phone": fake.phone_number(),
                    "street": fake.street_address(),
                    "city": fake.city(),
                    "state": fake.state_abbr(),
                    "postalcode": fake.postcode(),
                    "country": s.region.country,
                    "glacct": rng.choice(["300-Sales-Software", "301-Sales-Hardware", "305-Sales Other"]),
                    "assigned_user_id": OWNER,
                },
            )
            for _ in range(6 * s.scale)
        ]
        codes = list(item_codes or [])
        shared_codes = [codes[i] for i in sorted(rng.sample(range(len(codes)), k=math.ceil(len(codes) * 0.7)))]
        products: list[dict[str, object]] = []
        for index in range(24 * s.scale):
            name, kind = _PRODUCTS[index % len(_PRODUCTS)]
            name = name if index < len(_PRODUCTS) else f"{name} ({index // len(_PRODUCTS) + 1})"
            code = shared_codes[index] if index < len(shared_codes) else s.product_code(name)
            price = Decimal(rng.randint(300, 90000)) / 100
            product = s.create(
                "Products",
                {
                    "productname": name,
                    "productcode": code,
                    "unit_price": str(price),
                    "qtyinstock": rng.randint(0, 500),
                    "usageunit": rng.choice(["Each", "Box", "Pack"]),
                    "vendor_id": rng.choice(vendors)["id"],
                    "productcategory": rng.choice(["Hardware", "Software", "CRM Applications"]),
                    "manufacturer": fake.company(),
                    "assigned_user_id": OWNER,
                },
            )
            if index < len(shared_codes):
                s.summary.overlapping_codes.append(code)
            carried = {"wine": ["main", "luxury"], "imported": ["main", "import"], "plain": ["main"], "free": []}[kind]
            for role in carried:
                s.carry(product, taxes[role])
            products.append(product)
        services: list[dict[str, object]] = []
        for index in range(8 * s.scale):
            name = _SERVICES[index % len(_SERVICES)]
            service = s.create(
                "Services",
                {
                    "servicename": name if index < len(_SERVICES) else f"{name} ({index // len(_SERVICES) + 1})",
                    "unit_price": str(Decimal(rng.randint(8000, 250000)) / 100),
                    "service_usageunit": rng.choice(["Hours", "Days", "Incidents"]),
                    "servicecategory": rng.choice(["Support", "Installation", "Training"]),
                    "assigned_user_id": OWNER,
                },
            )
            s.carry(service, taxes["main"])
            services.append(service)

        # Organizations: some of Xero's customers (mostly misspelled), then the CRM's own.
        people: list[tuple[str, str, str, str, bool]] = []  # account name, first, last, email, from Xero
        known = list(customers or [])
        chosen = sorted(rng.sample(range(len(known)), k=math.ceil(len(known) * 0.6)))
        for index, position in enumerate(chosen):
            customer = known[position]
            # Every third one is spelled exactly as in Xero; the rest slightly differently.
            exact = index % 3 == 1
            name = customer.get("name", "") if exact else spelling_variant(customer.get("name", ""), rng)
            people.append(
                (name, customer.get("first_name", ""), customer.get("last_name", ""), customer.get("email", ""), True)
            )
            s.summary.overlapping_customers.append(customer.get("name", ""))
        for _ in range(20 * s.scale):
            first, last = fake.first_name(), fake.last_name()
            name = new_company()
            domain = "".join(c for c in name.lower() if c.isalnum())[:18] + ".com.au"
            people.append((name, first, last, f"{first}.{last}@{domain}".lower(), False))
        accounts: list[tuple[dict[str, object], list[dict[str, object]]]] = []
        for number, (company, first, last, email, shared) in enumerate(people):
            address = s.address("bill")
            account = s.create(
                "Accounts",
                {
                    "accountname": company,
                    "email1": _email_variant(email, rng) if email else "",
                    "phone": fake.phone_number(),
                    "website": f"https://www.{email.split('@')[1]}" if "@" in email else "",
                    "industry": rng.choice(["Retail", "Hospitality", "Consulting", "Construction", "Technology"]),
                    "accounttype": rng.choice(["Customer", "Customer", "Prospect", "Partner"]),
                    **address,
                    **{k.replace("bill_", "ship_"): v for k, v in address.items()},
                    "assigned_user_id": OWNER,
                },
            )
            contacts: list[dict[str, object]] = []
            # The first few organizations are big ones, with more than five people.
            headcount = rng.randint(6, 8) if number < 2 * s.scale else rng.randint(0, 3)
            # A Xero customer always comes with its contact person.
            headcount = max(headcount, 1) if shared and first else headcount
            for position in range(headcount):
                given, family = (first, last) if position == 0 and first else (fake.first_name(), fake.last_name())
                mail = email if position == 0 and email else f"{given}.{family}@example.com.au".lower()
                contacts.append(
                    s.create(
                        "Contacts",
                        {
                            "firstname": given,
                            "lastname": family or "Unknown",
                            "email": _email_variant(mail, rng) if position == 0 else mail,
                            "phone": fake.phone_number(),
                            "mobile": fake.phone_number(),
                            "title": fake.job()[:50],
                            "account_id": account["id"],
                            "mailingstreet": address["bill_street"],
                            "mailingcity": address["bill_city"],
                            "mailingstate": address["bill_state"],
                            "mailingzip": address["bill_code"],
                            "mailingcountry": s.region.country,
                            "assigned_user_id": OWNER,
                        },
                    )
                )
            accounts.append((account, contacts))
        for _ in range(8 * s.scale):
            given, family = fake.first_name(), fake.last_name()
            s.create(
                "Contacts",
                {
                    "firstname": given,
                    "lastname": family,
                    "email": f"{given}.{family}@{fake.free_email_domain()}".lower(),
                    "mobile": fake.phone_number(),
                    "leadsource": rng.choice(["Web Site", "Trade Show", "Word of mouth"]),
                    "assigned_user_id": OWNER,
                },
            )

        items = products + services

        def lines(pool: Sequence[dict[str, object]], group: bool) -> list[dict[str, object]]:
            picked = rng.sample(list(pool), k=min(len(pool), rng.randint(1, 4)))
            result: list[dict[str, object]] = []
            for item in picked:
                line: dict[str, object] = {"productid": item["id"], "quantity": rng.randint(1, 12)}
                if rng.random() < 0.2:
                    line["discount_percent"] = rng.choice([5, 10, 15])
                if group:
                    line.update(group_rates)
                result.append(line)
            return result

        def document(account: dict[str, object], contacts: list[dict[str, object]]) -> dict[str, object]:
            when = s.moment.date()
            group = rng.random() < 0.2
            return {
                "account_id": account["id"],
                "contact_id": rng.choice(contacts)["id"] if contacts else "",
                "bill_street": account["bill_street"],
                "bill_city": account["bill_city"],
                "bill_state": account["bill_state"],
                "bill_code": account["bill_code"],
                "bill_country": account["bill_country"],
                "ship_street": account["ship_street"],
                "ship_city": account["ship_city"],
                "ship_state": account["ship_state"],
                "ship_code": account["ship_code"],
                "ship_country": account["ship_country"],
                "hdnTaxType": "group" if group else "individual",
                "duedate": (when + timedelta(days=30)).isoformat(),
                "LineItems": lines(items, group),
                "assigned_user_id": OWNER,
            }

        orders: list[dict[str, object]] = []
        for _ in range(15 * s.scale):
            account, contacts = rng.choice(accounts)
            order = document(account, contacts)
            order.update(
                subject=f"Order {fake.bothify('??-####').upper()}",
                sostatus=rng.choice(["Created", "Approved", "Delivered"]),
            )
            orders.append(s.create("SalesOrder", order))
        for _ in range(30 * s.scale):
            account, contacts = rng.choice(accounts)
            invoice = document(account, contacts)
            invoice.update(
                subject=f"Invoice for {str(account['accountname']).strip()}",
                invoicedate=s.moment.date().isoformat(),
                invoicestatus=rng.choice(["Created", "Approved", "Sent", "Paid"]),
            )
            if orders and rng.random() < 0.3:
                invoice["salesorder_id"] = rng.choice(orders)["id"]
            s.create("Invoice", invoice)
        for _ in range(8 * s.scale):
            vendor = rng.choice(vendors)
            purchase = {
                "subject": f"Restock from {vendor['vendorname']}",
                "vendor_id": vendor["id"],
                "postatus": rng.choice(["Created", "Approved", "Received Shipment"]),
                **s.address("bill"),
                **{k.replace("bill_", "ship_"): v for k, v in s.address("bill").items()},
                "hdnTaxType": "individual",
                "duedate": (s.moment.date() + timedelta(days=14)).isoformat(),
                "LineItems": lines(products, False),
                "assigned_user_id": OWNER,
            }
            s.create("PurchaseOrder", purchase)
    return s.summary
