"""What the Xero connector reads and writes, declared as data: one entry per Accounting API collection."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["API_PREFIX", "PAYROLL_PREFIX", "STREAMS", "Paging", "WriteStyle", "XeroStream", "stream_for_entity"]

API_PREFIX = "/api.xro/2.0"
PAYROLL_PREFIX = "/payroll.xro/1.0"  # Payroll AU, and the US payroll API as it was
MAX_PAGE_SIZE = 1000
JOURNALS_PER_CALL = 100
WRITE_BATCH = 50  # Xero's advice: at most 50 elements per request


class Paging(StrEnum):
    """How a collection pages, as Xero does it."""

    PAGE = "page"  # page=1,2,… with pageSize, and a pagination object
    OFFSET = "offset"  # Journals: offset = the last JournalNumber read
    NONE = "none"  # everything in one answer


@dataclass(frozen=True)
class WriteStyle:
    """How Xero takes a create or an update of one collection (its spec differs per collection)."""

    method: str = "POST"
    batch: bool = True  # many elements in one ``{"Collection": [...]}`` body; else one bare element per call
    by_id: bool = False  # the element's id goes in the path (``POST /Accounts/{AccountID}``)
    bare: bool = False  # the body is a bare array of elements (Payroll), not ``{"Collection": [...]}``


BATCH_POST = WriteStyle()
BATCH_PUT = WriteStyle("PUT")


@dataclass(frozen=True)
class XeroStream:
    """One collection: where it is, how it pages and filters, what it maps to."""

    name: str
    id_field: str
    entities: tuple[str, ...]
    paging: Paging = Paging.PAGE
    modified_since: bool = True
    include_archived: bool = False
    include_deleted: bool = False
    create: WriteStyle | None = BATCH_POST
    update: WriteStyle | None = BATCH_POST
    # A stable order so records never shift between pages while we read them.
    order: str | None = None
    key: str | None = None  # the answer's JSON key, where it is not the collection's name
    prefix: str = API_PREFIX
    page_size: int | None = None  # a page size the API fixes (Payroll: 100), sent as no parameter
    # An answer holding one object of lists (Payroll PayItems): (list key, kind, id field) of each list.
    groups: tuple[tuple[str, str, str], ...] = ()

    @property
    def writable(self) -> bool:
        """Whether records can be created or updated through the API."""
        return self.create is not None or self.update is not None

    @property
    def path(self) -> str:
        """The collection's path under the API base."""
        return f"{self.prefix}/{self.name}"

    @property
    def collection_key(self) -> str:
        """The JSON key holding the records (the collection's name, but for ``Organisations``)."""
        return self.key or self.name


STREAMS: dict[str, XeroStream] = {
    s.name: s
    for s in (
        XeroStream(
            "Organisation",
            "OrganisationID",
            ("company",),
            Paging.NONE,
            modified_since=False,
            create=None,
            update=None,
            key="Organisations",
        ),
        XeroStream("TaxRates", "TaxType", ("tax_codes",), Paging.NONE, modified_since=False, create=BATCH_PUT),
        XeroStream(
            "Accounts",
            "AccountID",
            ("accounts",),
            Paging.NONE,
            create=WriteStyle("PUT", batch=False),
            update=WriteStyle("POST", by_id=True),
        ),
        XeroStream("Contacts", "ContactID", ("organizations", "people"), include_archived=True, order="ContactID ASC"),
        XeroStream("Items", "ItemID", ("items",), Paging.NONE),
        # Xero pages quotes by 100 whatever pageSize says, and gives no pagination object.
        XeroStream("Quotes", "QuoteID", ("quotes",), order="QuoteID ASC", page_size=100),
        XeroStream("Invoices", "InvoiceID", ("invoices",), order="InvoiceID ASC"),
        XeroStream("PurchaseOrders", "PurchaseOrderID", ("purchase_orders",), order="PurchaseOrderID ASC"),
        XeroStream("CreditNotes", "CreditNoteID", ("credit_notes",), order="CreditNoteID ASC"),
        # A payment is never edited, only deleted: POST /Payments/{PaymentID} with Status DELETED.
        XeroStream(
            "Payments",
            "PaymentID",
            ("payments",),
            order="PaymentID ASC",
            create=BATCH_PUT,
            update=WriteStyle(by_id=True, batch=False),
        ),
        XeroStream("ManualJournals", "ManualJournalID", ("journals",), order="ManualJournalID ASC"),
        XeroStream("Journals", "JournalID", ("journals",), Paging.OFFSET, create=None, update=None),
        XeroStream(
            "BankTransfers", "BankTransferID", ("transfers",), Paging.NONE, include_deleted=True, create=BATCH_PUT
        ),
    )
}
"""Every collection the connector uses, in reference order."""


def stream_for_entity(entity: str) -> list[XeroStream]:
    """The collections that hold a canonical entity (journals come from two)."""
    return [s for s in STREAMS.values() if entity in s.entities]
