"""The emulator's memory: users with access keys, challenges, sessions, records.

Everything lives in one ``VtigerState`` guarded by one re-entrant lock, so the app
can serve requests from several threads (uvicorn's thread pool, tests hitting it
concurrently). Entity records share one id sequence, as vtiger_crmentity does, and
are never removed: a delete marks them deleted, which is the tombstone ``sync``
reports. Actor tables (Currency, Tax, ProductTaxes, CompanyDetails) have their own sequences.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from sandbox.common.clock import Clock, SystemClock
from sandbox.vtiger.values import format_time

SAMPLE_USERNAME = "admin"
SAMPLE_ACCESS_KEY = "dsVtigerAdmin26k"
SALES_USERNAME = "sales"
SALES_ACCESS_KEY = "dsVtigerSales26k"

DEFAULT_COMPANY = {
    "organizationname": "vtiger",
    "address": " 40-41-42, Sivasundar Apartments, Flat D-II, Shastri Street, Velachery",
    "city": "Chennai",
    "state": "Tamil Nadu",
    "country": "India",
    "code": "600 042",
    "phone": "+91-44-5202-1990",
    "fax": "+91-44-5202-1990",
    "website": "www.vtiger.com",
    "logoname": "vtiger-crm-logo.gif",
    "logo": "",
    "vatid": "",
}
"""The company details a fresh install has (modules/Users/DefaultDataPopulator.php), before Settings > Company Details."""

# A 1x1 GIF: the logo file of the default company (the install's test/logo/ folder).
_LOGO = bytes.fromhex("47494638396101000100800000ffffff00000021f90401000000002c00000000010001000002024401003b")


@dataclass
class User:
    """A CRM user: webservice login name, access key (from "My Preferences"), admin flag."""

    id: int
    user_name: str
    access_key: str
    is_admin: bool = False
    active: bool = True
    first_name: str = ""
    last_name: str = ""


@dataclass
class Challenge:
    """The one live token ``getchallenge`` handed a user (a new challenge replaces it)."""

    token: str
    expires: float


@dataclass
class Session:
    """A logged-in session; expires after ``lifetime`` or after ``idle`` without a request."""

    user_id: int
    started: float
    last_seen: float


@dataclass
class EntityRecord:
    """A CRM record (a vtiger_crmentity row plus its module's columns), stored as strings."""

    module: str
    crmid: int
    values: dict[str, str]
    deleted: bool = False
    line_items: list[dict[str, str]] = field(default_factory=list)
    # Whether the lines have moved the products' stock (vtiger_inventoryproductrel.incrementondel):
    # an invoice's are taken out, a purchase order's put in once its shipment is received.
    stock_moved: bool = False

    @property
    def modified(self) -> str:
        """``modifiedtime`` as stored (sorts chronologically)."""
        return self.values.get("modifiedtime", "")


class VtigerState:
    """Users, sessions and records of one emulated vTiger install; thread-safe through ``lock``.

    ``session_idle_seconds`` and ``session_lifetime_seconds`` default to vTiger's
    ($maxWebServiceSessionIdleTime = 1800, $maxWebServiceSessionLifeSpan = 86400);
    ``challenge_seconds`` is the life of a ``getchallenge`` token (5 minutes).
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        session_idle_seconds: float = 1800,
        session_lifetime_seconds: float = 86400,
        challenge_seconds: float = 300,
        vtiger_version: str = "7.5.0",
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.session_idle_seconds = session_idle_seconds
        self.session_lifetime_seconds = session_lifetime_seconds
        self.challenge_seconds = challenge_seconds
        self.vtiger_version = vtiger_version
        self.api_version = "0.22"
        self.lock = threading.RLock()
        self.users: dict[int, User] = {}
        self.challenges: dict[int, Challenge] = {}
        self.sessions: dict[str, Session] = {}
        self.entities: dict[int, EntityRecord] = {}
        self.indexes: dict[str, tuple[object, object]] = {}  # lookups derived from the tables, with their version
        self.actors: dict[str, dict[int, dict[str, str]]] = {
            "Currency": {},
            "Tax": {},
            "ProductTaxes": {},
            "CompanyDetails": {1: dict(DEFAULT_COMPANY)},
        }
        self.logo_files: dict[str, bytes] = {DEFAULT_COMPANY["logoname"]: _LOGO}  # test/logo/, by file name
        self._next_crmid = 1
        self._next_actor_id: dict[str, int] = {}
        self._next_line_item_id = 1
        self._numbers: dict[str, int] = {}
        self.add_user(
            SAMPLE_USERNAME, SAMPLE_ACCESS_KEY, is_admin=True, user_id=1, first_name="", last_name="Administrator"
        )
        self.add_user(SALES_USERNAME, SALES_ACCESS_KEY, user_id=5, first_name="Sam", last_name="Sales")
        self.actors["Currency"][1] = {
            "currency_name": "Australia, Dollars",
            "currency_code": "AUD",
            "currency_symbol": "$",
            "conversion_rate": "1.00000",
            "currency_status": "Active",
            "defaultid": "-11",
            "deleted": "0",
        }
        self._next_actor_id["Currency"] = 2
        self._next_actor_id["CompanyDetails"] = 2

    @property
    def base_currency(self) -> str:
        """The install's base currency code (the Currency row marked default)."""
        return self.actors["Currency"][1]["currency_code"]

    def set_base_currency(self, code: str, name: str) -> None:
        """Make ``code`` the base currency (what an install is set up with before its first record)."""
        self.actors["Currency"][1] = {**self.actors["Currency"][1], "currency_code": code, "currency_name": name}

    def add_user(
        self,
        user_name: str,
        access_key: str,
        *,
        is_admin: bool = False,
        user_id: int | None = None,
        first_name: str = "",
        last_name: str = "",
    ) -> User:
        """Add a user who can log in with ``access_key``; returns it (its ws id is ``19x<id>``)."""
        with self.lock:
            new_id = user_id if user_id is not None else max(self.users, default=0) + 1
            user = User(new_id, user_name, access_key, is_admin, True, first_name, last_name)
            self.users[new_id] = user
            return user

    def user_named(self, user_name: str) -> User | None:
        """The user with this login name (vTiger matches it case-insensitively), or None."""
        with self.lock:
            for user in self.users.values():
                if user.user_name.lower() == user_name.lower():
                    return user
            return None

    def now(self) -> datetime:
        """The clock's time, to the second (vTiger's timestamps have no fractions)."""
        return self.clock.now().replace(microsecond=0)

    def now_text(self) -> str:
        """Now as ``YYYY-MM-DD HH:MM:SS``."""
        return format_time(self.now())

    def epoch(self) -> float:
        """Now in Unix seconds (for challenges and sessions)."""
        return self.clock.now().timestamp()

    def new_crmid(self) -> int:
        """The next id of vtiger_crmentity_seq (shared by all entity modules)."""
        with self.lock:
            crmid = self._next_crmid
            self._next_crmid += 1
            return crmid

    def new_actor_id(self, module: str) -> int:
        """The next row id of an actor table."""
        with self.lock:
            row_id = self._next_actor_id.get(module, 1)
            self._next_actor_id[module] = row_id + 1
            return row_id

    def new_line_item_id(self) -> int:
        """The next lineitem_id of vtiger_inventoryproductrel."""
        with self.lock:
            line_id = self._next_line_item_id
            self._next_line_item_id += 1
            return line_id

    def next_number(self, module: str, prefix: str) -> str:
        """The next record number of a module (``ACC1``, ``INV12``...)."""
        with self.lock:
            number = self._numbers.get(module, 0) + 1
            self._numbers[module] = number
            return f"{prefix}{number}"

    def live(self, module: str) -> list[EntityRecord]:
        """The module's records that are not deleted, in id order."""
        with self.lock:
            return [r for r in self.entities.values() if r.module == module and not r.deleted]

    def entity(self, crmid: int) -> EntityRecord | None:
        """The record with this crmid, deleted or not, whatever its module."""
        with self.lock:
            return self.entities.get(crmid)
