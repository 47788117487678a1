"""The sample businesses' staff: one roster per country, shared by the payroll and time-tracking emulators.

Xero Payroll and Deputy of one business employ the same people. Deriving both
from this roster makes them overlap the way real installs do: most people
carry the same email in both, some only the same name, and a few casuals are
only in the time tracker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from faker import Faker

__all__ = ["StaffMember", "staff_roster"]

_LOCALES = {"AU": "en_AU", "US": "en_US", "NZ": "en_NZ"}
_DOMAINS = {"AU": "southerncross.example.com.au", "US": "redwoodtrail.example.com", "NZ": "democompany.example.co.nz"}
_TITLES = ("Store Manager", "Sales Assistant", "Warehouse Hand", "Bookkeeper", "Buyer", "Mechanic", "Barista")


@dataclass(frozen=True)
class StaffMember:
    """One person on the payroll (and, mostly, in the time tracker)."""

    number: int
    first_name: str
    last_name: str
    email: str
    birth_date: date
    start_date: date
    job_title: str
    hourly: bool  # paid by the hour (casuals, part-timers) rather than an annual salary
    rate: str  # hourly rate, or annual salary, in the organisation's currency
    hours_per_week: str
    in_payroll: bool = True  # False: a casual known only to the time tracker
    other_email: str | None = None  # the address the time tracker holds, where it differs


def staff_roster(country: str, scale: int = 1, seed: int = 0) -> list[StaffMember]:
    """The staff of the sample business in ``country`` (AU, US, NZ): 8 per ``scale``, deterministic per seed.

    Every fourth person keeps another email in the time tracker (matched by
    name); every eighth (the last of each eight) is a casual the payroll does not know.
    """
    fake = Faker(_LOCALES.get(country.upper(), "en_US"))
    fake.seed_instance(f"staff-{country.upper()}-{seed}")
    domain = _DOMAINS.get(country.upper(), "example.com")
    roster: list[StaffMember] = []
    seen: set[str] = set()
    for n in range(1, 8 * scale + 1):
        first, last = fake.first_name(), fake.last_name()
        while f"{first} {last}" in seen:
            first, last = fake.first_name(), fake.last_name()
        seen.add(f"{first} {last}")
        hourly = n % 3 != 1
        email = f"{first}.{last}".lower().replace("'", "").replace(" ", "") + f"@{domain}"
        roster.append(
            StaffMember(
                number=n,
                first_name=first,
                last_name=last,
                email=email,
                birth_date=fake.date_between(date(1965, 1, 1), date(2004, 12, 31)),
                start_date=fake.date_between(date(2018, 1, 1), date(2025, 6, 30)),
                job_title=_TITLES[n % len(_TITLES)],
                hourly=hourly,
                rate=f"{fake.random_int(26, 42)}.{fake.random_int(0, 99):02d}"
                if hourly
                else f"{fake.random_int(62, 110)}000",
                hours_per_week="38" if not hourly else f"{fake.random_int(15, 38)}",
                in_payroll=n % 8 != 0,
                other_email=f"{first[0]}{last}".lower().replace("'", "").replace(" ", "") + "@mail.example.org"
                if n % 4 == 2
                else None,
            )
        )
    return roster
