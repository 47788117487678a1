"""What the emulator remembers: organisations, their records, tokens and idempotent answers.

``XeroState`` holds everything behind one re-entrant lock for the records
(the token store and the rate limiter keep their own). Each organisation is
an ``OrgBook``: one table per collection (id -> record, in creation order),
unique indexes kept up to date on every write, the generated journals, and
counters for auto-numbering. A write batch runs inside ``transaction()``,
which keeps an undo log, so a batch that fails as a whole (Xero's default
``summarizeErrors=true``) leaves nothing behind and a single bad element
can be rolled back to its savepoint.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sandbox.common.clock import Clock, SystemClock
from sandbox.xero.auth import DEFAULT_SCOPES, SAMPLE_CLIENT_ID, AuthStore
from sandbox.xero.payroll.state import PayrollState

Record = dict[str, Any]
KeyFn = Callable[[Record], str | None]

IDEMPOTENCY_TTL = timedelta(hours=24)


def _folded(field_name: str) -> KeyFn:
    def key(rec: Record) -> str | None:
        value = rec.get(field_name)
        return value.casefold() if isinstance(value, str) and value else None

    return key


def _active_contact_name(rec: Record) -> str | None:
    # Names must be unique among ACTIVE contacts only: an archived name may be reused.
    if rec.get("ContactStatus", "ACTIVE") != "ACTIVE":
        return None
    return _folded("Name")(rec)


def _sales_number(number_field: str, sales_type: str) -> KeyFn:
    # Only sales documents have unique numbers; a bill's number is the supplier's reference.
    def key(rec: Record) -> str | None:
        if rec.get("Type") != sales_type:
            return None
        return _folded(number_field)(rec)

    return key


# Unique lookups per collection: index name -> key of a record (None: not indexed).
INDEXES: dict[str, dict[str, KeyFn]] = {
    "Contacts": {"contact_name": _active_contact_name, "contact_number": _folded("ContactNumber")},
    "Items": {"item_code": _folded("Code")},
    "Invoices": {"invoice_number": _sales_number("InvoiceNumber", "ACCREC")},
    "CreditNotes": {"credit_note_number": _sales_number("CreditNoteNumber", "ACCRECCREDIT")},
    "PurchaseOrders": {"purchase_order_number": _folded("PurchaseOrderNumber")},
    "Quotes": {"quote_number": _folded("QuoteNumber")},
    "Accounts": {
        "account_code": _folded("Code"),
        "account_name": _folded("Name"),
        "system_account": _folded("SystemAccount"),
    },
    "TaxRates": {"tax_name": _folded("Name")},
    "Journals": {"journal_number": lambda rec: str(rec["JournalNumber"])},
}


@dataclass
class IdempotentAnswer:
    """A write's first answer, replayed verbatim for a repeated ``Idempotency-Key``."""

    at: datetime
    status: int
    body: bytes


class OrgBook:
    """One organisation (tenant): its Organisation record and all its collections."""

    def __init__(self, organisation: Record, *, payroll_enabled: bool = False) -> None:
        self.organisation = organisation
        self.tenant_id: str = organisation["OrganisationID"]
        # Payroll records live apart from the accounting tables; payroll_enabled says whether
        # someone has set payroll up (until then the payroll API shows nothing and takes nothing).
        self.payroll_enabled = payroll_enabled
        self.payroll = PayrollState()
        self.tables: dict[str, dict[str, Record]] = {}
        self.indexes: dict[str, dict[str, str]] = {}
        self.counters: dict[str, int] = {}
        self.idempotency: dict[tuple[str, str, str], IdempotentAnswer] = {}
        self.new_id: Callable[[], str] = lambda: str(uuid.uuid4())
        self._undo: list[Callable[[], None]] | None = None

    @property
    def name(self) -> str:
        """The organisation's name."""
        return str(self.organisation["Name"])

    @property
    def base_currency(self) -> str:
        """The organisation's base currency code."""
        return str(self.organisation["BaseCurrency"])

    @property
    def country(self) -> str:
        """The organisation's country code."""
        return str(self.organisation["CountryCode"])

    def activate_payroll(self) -> None:
        """Set payroll up (someone opened Payroll settings): its records show, with their old UpdatedDateUTC."""
        self.payroll_enabled = True

    def deactivate_payroll(self) -> None:
        """Take payroll away again: lists answer empty and writes are refused."""
        self.payroll_enabled = False

    def table(self, entity: str) -> dict[str, Record]:
        """All records of a collection, id -> record, in creation order."""
        return self.tables.setdefault(entity, {})

    def get(self, entity: str, record_id: str) -> Record | None:
        """One record by id."""
        return self.tables.get(entity, {}).get(record_id)

    def find(self, index: str, key: str) -> str | None:
        """The id a unique index holds for ``key`` (compared case-insensitively)."""
        return self.indexes.get(index, {}).get(key.casefold())

    def put(self, entity: str, id_field: str, record: Record) -> None:
        """Insert or replace a record and keep its indexes in step (undoable inside a transaction)."""
        record_id = record[id_field]
        table = self.table(entity)
        old = table.get(record_id)
        self._reindex(entity, record_id, old, record)
        table[record_id] = record
        if self._undo is not None:
            self._undo.append(lambda: self._restore(entity, id_field, record_id, record, old))

    def remove(self, entity: str, id_field: str, record_id: str) -> None:
        """Delete a record outright (Items are deleted, not archived)."""
        table = self.table(entity)
        old = table.pop(record_id, None)
        if old is None:
            return
        self._reindex(entity, record_id, old, None)
        if self._undo is not None:
            self._undo.append(lambda: self.put(entity, id_field, old))

    def next_counter(self, name: str) -> int:
        """Advance and return a counter (journal numbers, invoice numbers)."""
        value = self.counters.get(name, 0) + 1
        self.set_counter(name, value)
        return value

    def set_counter(self, name: str, value: int) -> None:
        """Set a counter (undoable inside a transaction)."""
        old = self.counters.get(name, 0)
        self.counters[name] = value
        if self._undo is not None:
            self._undo.append(lambda: self.counters.__setitem__(name, old))

    def _restore(self, entity: str, id_field: str, record_id: str, new: Record, old: Record | None) -> None:
        table = self.table(entity)
        self._reindex(entity, record_id, new, old)
        if old is None:
            table.pop(record_id, None)
        else:
            table[record_id] = old

    def _reindex(self, entity: str, record_id: str, old: Record | None, new: Record | None) -> None:
        for index_name, key_fn in INDEXES.get(entity, {}).items():
            index = self.indexes.setdefault(index_name, {})
            old_key = key_fn(old) if old is not None else None
            new_key = key_fn(new) if new is not None else None
            if old_key == new_key:
                continue
            if old_key is not None and index.get(old_key) == record_id:
                del index[old_key]
            if new_key is not None:
                index[new_key] = record_id

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Collect undo steps; roll everything back if the block raises."""
        if self._undo is not None:
            raise RuntimeError("transactions do not nest")
        self._undo = []
        tx = Transaction(self)
        try:
            yield tx
        except BaseException:
            tx.rollback_to(0)
            raise
        finally:
            self._undo = None


class Transaction:
    """Savepoints within one ``OrgBook.transaction()``."""

    def __init__(self, book: OrgBook) -> None:
        self._book = book

    def savepoint(self) -> int:
        """A mark to roll back to."""
        return len(self._book._undo or [])

    def rollback_to(self, mark: int) -> None:
        """Undo every change made after ``mark``, newest first."""
        undo = self._book._undo
        if undo is None:
            return
        steps = undo[mark:]
        del undo[mark:]
        saved, self._book._undo = self._book._undo, None
        try:
            for step in reversed(steps):
                step()
        finally:
            self._book._undo = saved


@dataclass(eq=False)
class XeroState:
    """Everything the emulator knows: organisations, apps and tokens, records.

    Record reads and writes happen under ``lock``; the token store has its own
    lock so that authentication never waits on a long write.
    """

    clock: Clock = field(default_factory=SystemClock)

    def __post_init__(self) -> None:
        self.lock = threading.RLock()
        self.orgs: dict[str, OrgBook] = {}
        self.auth = AuthStore(self.clock)

    def add_org(self, organisation: Record, *, payroll_enabled: bool = False) -> OrgBook:
        """Register an organisation (its record must carry OrganisationID, Name, BaseCurrency, CountryCode)."""
        with self.lock:
            book = OrgBook(organisation, payroll_enabled=payroll_enabled)
            self.orgs[book.tenant_id] = book
            return book

    def org(self, tenant_id: str) -> OrgBook | None:
        """An organisation by tenant id (case-insensitive GUID)."""
        return self.orgs.get(tenant_id.lower())

    def org_named(self, name_or_country: str) -> OrgBook:
        """An organisation by name, short code or country code (handy in tests and the demo)."""
        wanted = name_or_country.casefold()
        for book in self.orgs.values():
            org = book.organisation
            if wanted in {book.name.casefold(), str(org.get("ShortCode", "")).casefold(), book.country.casefold()}:
                return book
        raise KeyError(name_or_country)

    def issue_tokens(
        self,
        client_id: str = SAMPLE_CLIENT_ID,
        tenant_ids: list[str] | None = None,
        scopes: frozenset[str] | set[str] | list[str] | tuple[str, ...] = DEFAULT_SCOPES,
    ) -> dict[str, Any]:
        """Mint a token set directly, as if a user had authorised ``client_id`` for these tenants.

        Returns what ``/connect/token`` returns (``access_token``,
        ``refresh_token`` when ``offline_access`` is among the scopes,
        ``expires_in``, ``token_type``, ``scope``). ``tenant_ids`` defaults to
        every organisation.
        """
        tenants = [t.lower() for t in (tenant_ids if tenant_ids is not None else list(self.orgs))]
        unknown = [t for t in tenants if t not in self.orgs]
        if unknown:
            raise KeyError(f"no such organisation: {', '.join(unknown)}")
        names = {t: self.orgs[t].name for t in tenants}
        return self.auth.grant(client_id, names, frozenset(scopes))
