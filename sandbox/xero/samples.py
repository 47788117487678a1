"""The sample organisations' profiles, people and things, without any state.

Three profiles: an Australian organisation (AUD) and a US one (USD), both
with payroll set up, and a New Zealand demo company (NZD, no payroll), each
with its country's tax rates. ``sample_directory`` lists an organisation's customers, suppliers and
items as ``seed_sample`` will create them, so another emulator's seeder
(vTiger's) can share customers: the same seed gives the same names, e-mails
and item codes, and a bigger scale only adds to the end of the lists.
Faker is drawn from once per locale and seed (it is slow) and its picks are
combined with a seeded random generator.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from faker import Faker

_POOL = 300


@dataclass(frozen=True)
class TaxSpec:
    """A tax rate of the organisation's country."""

    tax_type: str
    name: str
    report: str
    components: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class OrgProfile:
    """What makes one sample organisation."""

    key: str
    name: str
    legal_name: str
    country: str
    currency: str
    version: str
    timezone: str
    locale: str
    org_class: str
    demo: bool
    payroll: bool
    short_code: str
    year_end: tuple[int, int]
    foreign_currency: str
    regions: tuple[str, ...]
    tld: str
    taxes: tuple[TaxSpec, ...]
    tax_roles: dict[str, str]
    products: tuple[str, ...]
    styles: tuple[str, ...]
    item_prefix: str


PROFILES: tuple[OrgProfile, ...] = (
    OrgProfile(
        key="au", name="Southern Cross Outdoor Co", legal_name="Southern Cross Outdoor Co Pty Ltd", country="AU",
        currency="AUD", version="AU", timezone="AUSEASTERNSTANDARDTIME", locale="en_AU", org_class="STANDARD",
        demo=False, payroll=True, short_code="!SxQ7d", year_end=(30, 6), foreign_currency="NZD",
        regions=("NSW", "VIC", "QLD", "WA", "SA", "TAS", "ACT"), tld="com.au",
        taxes=(
            TaxSpec("OUTPUT", "GST on Income", "OUTPUT", (("GST", "10"),)),
            TaxSpec("INPUT", "GST on Expenses", "INPUT", (("GST", "10"),)),
            TaxSpec("EXEMPTOUTPUT", "GST Free Income", "EXEMPTOUTPUT", (("GST", "0"),)),
            TaxSpec("EXEMPTEXPENSES", "GST Free Expenses", "EXEMPTEXPENSES", (("GST", "0"),)),
            TaxSpec("BASEXCLUDED", "BAS Excluded", "BASEXCLUDED", (("GST", "0"),)),
            TaxSpec("INPUTTAXED", "Input Taxed", "INPUTTAXED", (("GST", "0"),)),
            TaxSpec("CAPEXINPUT", "GST on Capital", "CAPEXINPUT", (("GST", "10"),)),
        ),
        tax_roles={"sales": "OUTPUT", "purchases": "INPUT", "exempt": "BASEXCLUDED", "fees": "EXEMPTEXPENSES"},
        products=("Tent", "Sleeping Bag", "Backpack", "Hiking Boots", "Rain Jacket", "Headlamp", "Camp Stove",
                  "Water Filter", "Trekking Poles", "Dry Bag", "Swag", "Fly Net"),
        styles=("Alpine", "Coastal", "Summit", "Trail", "Ridge", "Outback", "Harbour", "Bush"),
        item_prefix="SCO",
    ),
    OrgProfile(
        key="us", name="Redwood Trail Bikes", legal_name="Redwood Trail Bikes Inc.", country="US", currency="USD",
        version="US", timezone="PACIFICSTANDARDTIME", locale="en_US", org_class="PREMIUM", demo=False,
        payroll=True, short_code="!RtB42", year_end=(31, 12), foreign_currency="CAD",
        regions=("CA", "OR", "WA", "NV", "AZ", "CO"), tld="com",
        taxes=(
            TaxSpec("NONE", "Tax Exempt", "NONE", (("No Tax", "0"),)),
            TaxSpec("INPUT", "Tax on Purchases", "INPUT", (("Purchases", "0"),)),
            TaxSpec("OUTPUT", "Tax on Sales", "OUTPUT", (("Sales", "0"),)),
            TaxSpec("TAX001", "California Sales Tax", "USSALESTAX",
                    (("State Tax", "6.0"), ("County Tax", "0.25"), ("District Tax", "1.0"))),
        ),
        tax_roles={"sales": "TAX001", "purchases": "INPUT", "exempt": "NONE", "fees": "NONE"},
        products=("Road Bike", "Gravel Bike", "Helmet", "Bike Light", "Inner Tube", "Chain", "Saddle", "Pedals",
                  "Jersey", "Gloves", "Pump", "Bottle Cage"),
        styles=("Sierra", "Redwood", "Canyon", "Coast", "Granite", "Mesa", "Bay", "Summit"),
        item_prefix="RTB",
    ),
    OrgProfile(
        key="nz", name="Demo Company (NZ)", legal_name="Demo Company (NZ) Limited", country="NZ", currency="NZD",
        version="NZ", timezone="NEWZEALANDSTANDARDTIME", locale="en_NZ", org_class="DEMO", demo=True,
        payroll=False, short_code="!Kp3Zn", year_end=(31, 3), foreign_currency="AUD",
        regions=("Auckland", "Wellington", "Canterbury", "Otago", "Waikato", "Bay of Plenty"), tld="co.nz",
        taxes=(
            TaxSpec("OUTPUT2", "15% GST on Income", "OUTPUT", (("GST", "15"),)),
            TaxSpec("INPUT2", "15% GST on Expenses", "INPUT", (("GST", "15"),)),
            TaxSpec("NONE", "No GST", "NONE", (("GST", "0"),)),
            TaxSpec("ZERORATED", "Zero Rated", "ZERORATEDOUTPUT", (("GST", "0"),)),
            TaxSpec("GSTONIMPORTS", "GST on Imports", "GSTONIMPORTS", (("GST", "0"),)),
        ),
        tax_roles={"sales": "OUTPUT2", "purchases": "INPUT2", "exempt": "NONE", "fees": "NONE"},
        products=("Business Cards", "Flyers", "Posters", "Banners", "Brochures", "Letterheads", "Stickers",
                  "Booklets", "Labels", "Envelopes", "Calendars", "Menus"),
        styles=("Matte", "Gloss", "Premium", "Recycled", "Linen", "Kraft", "Satin", "Classic"),
        item_prefix="DCN",
    ),
)  # fmt: skip


# -- the people and things, without a state -----------------------------------------------


@dataclass(frozen=True)
class SampleContact:
    """A customer or supplier: its organisation and the person to talk to."""

    Name: str
    FirstName: str
    LastName: str
    EmailAddress: str
    Phone: str
    AddressLine1: str
    City: str
    Region: str
    PostalCode: str
    Country: str
    ContactNumber: str


@dataclass(frozen=True)
class SampleItem:
    """A product or service the organisation sells."""

    Code: str
    Name: str
    Description: str
    UnitPrice: Decimal
    PurchasePrice: Decimal
    tracked: bool


@dataclass(frozen=True)
class SampleDirectory:
    """An organisation's customers, suppliers and items."""

    org_key: str
    organisation: str
    customers: list[SampleContact] = field(default_factory=list)
    suppliers: list[SampleContact] = field(default_factory=list)
    items: list[SampleItem] = field(default_factory=list)

    def crm_customers(self) -> list[dict[str, str]]:
        """The customers as plain dicts (``name``, ``email``, ``first_name``, ``last_name``, …) for another seeder."""
        return [
            {
                "name": c.Name,
                "email": c.EmailAddress,
                "first_name": c.FirstName,
                "last_name": c.LastName,
                "phone": c.Phone,
                "street": c.AddressLine1,
                "city": c.City,
                "region": c.Region,
                "postcode": c.PostalCode,
                "country": c.Country,
                "number": c.ContactNumber,
            }
            for c in self.customers
        ]

    def item_codes(self) -> list[str]:
        """The item codes, in order."""
        return [item.Code for item in self.items]


@dataclass(frozen=True)
class _Pools:
    companies: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    cities: tuple[str, ...]
    postcodes: tuple[str, ...]
    phones: tuple[str, ...]


@cache
def _pools(locale: str, seed: int) -> _Pools:
    # Faker is slow (~0.1 ms a call): draw a few hundred of each once, then combine.
    fake = Faker(locale)
    fake.seed_instance(seed)
    return _Pools(
        companies=tuple(fake.company() for _ in range(_POOL)),
        first_names=tuple(fake.first_name() for _ in range(_POOL)),
        last_names=tuple(fake.last_name() for _ in range(_POOL)),
        streets=tuple(fake.street_address() for _ in range(_POOL)),
        cities=tuple(fake.city() for _ in range(_POOL)),
        postcodes=tuple(fake.postcode() for _ in range(_POOL)),
        phones=tuple(fake.phone_number() for _ in range(_POOL)),
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())[:24] or "mail"


def _contacts(profile: OrgProfile, seed: int, role: str, count: int, taken: set[str]) -> list[SampleContact]:
    pools = _pools(profile.locale, seed)
    rng = random.Random(f"{seed}:{profile.key}:{role}")
    trades = ("Supplies", "Traders", "Holdings", "Services", "Partners", "Works", "Collective", "Agency")
    found: list[SampleContact] = []
    for index in range(count):
        first = rng.choice(pools.first_names)
        last = rng.choice(pools.last_names)
        name = rng.choice(pools.companies) if index < _POOL // 2 else f"{last} {rng.choice(trades)}"
        while name.casefold() in taken:
            name = f"{name} {rng.choice(pools.cities)}" if len(name) < 200 else f"{name}{index}"
        taken.add(name.casefold())
        domain = f"{_slug(name)}.example.com"
        found.append(
            SampleContact(
                Name=name,
                FirstName=first,
                LastName=last,
                EmailAddress=f"{_slug(first)}.{_slug(last)}@{domain}",
                Phone=rng.choice(pools.phones),
                AddressLine1=rng.choice(pools.streets),
                City=rng.choice(pools.cities),
                Region=rng.choice(profile.regions),
                PostalCode=rng.choice(pools.postcodes),
                Country=profile.country,
                ContactNumber=f"{'CUST' if role == 'customers' else 'SUPP'}-{index + 1:05d}",
            )
        )
    return found


def _items(profile: OrgProfile, seed: int, count: int) -> list[SampleItem]:
    rng = random.Random(f"{seed}:{profile.key}:items")
    found: list[SampleItem] = []
    for index in range(count):
        product = profile.products[index % len(profile.products)]
        style = profile.styles[(index // len(profile.products)) % len(profile.styles)]
        series = index // (len(profile.products) * len(profile.styles))
        name = f"{style} {product}" + (f" Mk {series + 1}" if series else "")
        price = Decimal(rng.randrange(500, 50_000)) / 100
        found.append(
            SampleItem(
                Code=f"{profile.item_prefix}-{index + 1:04d}",
                Name=name[:50],
                Description=f"{name} – {rng.choice(('standard', 'deluxe', 'value', 'pro'))} range",
                UnitPrice=price,
                PurchasePrice=(price * Decimal(rng.randrange(50, 72)) / 100).quantize(Decimal("0.01")),
                tracked=index % 4 == 0,
            )
        )
    return found


def org_profile(org_key: str) -> OrgProfile:
    """The profile of sample organisation ``org_key`` (au, us or nz)."""
    for candidate in PROFILES:
        if candidate.key == org_key:
            return candidate
    raise KeyError(f"no sample organisation {org_key!r}; choose from {[p.key for p in PROFILES]}")


def sample_directory(org_key: str, *, scale: int = 1, seed: int = 0) -> SampleDirectory:
    """The customers, suppliers and items ``seed_sample`` gives organisation ``org_key`` (au, us, nz)."""
    found = org_profile(org_key)
    counts = SampleCounts.of(scale)
    taken: set[str] = set()
    customers = _contacts(found, seed, "customers", counts.customers, taken)
    suppliers = _contacts(found, seed, "suppliers", counts.suppliers, taken)
    return SampleDirectory(found.key, found.name, customers, suppliers, _items(found, seed, counts.items))


@dataclass(frozen=True)
class SampleCounts:
    """How many of each thing an organisation gets at a scale."""

    customers: int
    suppliers: int
    items: int
    invoices: int
    credit_notes: int
    manual_journals: int
    purchase_orders: int
    transfers: int
    quotes: int

    @staticmethod
    def of(scale: int) -> SampleCounts:
        """The counts at ``scale`` (1 or more)."""
        if scale < 1:
            raise ValueError("scale must be at least 1")
        return SampleCounts(
            30 * scale, 10 * scale, 20 * scale, 100 * scale, 8 * scale, 5 * scale, 8 * scale, 5 * scale, 8 * scale
        )
