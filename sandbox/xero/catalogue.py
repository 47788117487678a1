"""The endpoint catalogue, as data: one entry per Accounting API collection.

Each entry says what the collection is called (path segment and JSON key),
how its records are identified, whether it pages (and whether the client
sets the page size), which timestamp
``If-Modified-Since`` reads, which scopes may read and write it (the legacy
broad scopes and the granular ones Xero requires of apps made from March
2026), which verbs it takes, which query parameters it honours and which
fields a ``where`` filter may name.
"""

from __future__ import annotations

from dataclasses import dataclass

_TX = "accounting.transactions"


def _read_write(granular: str) -> tuple[frozenset[str], frozenset[str]]:
    """Scopes for a transactions family: broad or granular, read or read-write."""
    read = frozenset({_TX, f"{_TX}.read", granular, f"{granular}.read"})
    write = frozenset({_TX, granular})
    return read, write


CONTACTS_READ = frozenset({"accounting.contacts", "accounting.contacts.read"})
CONTACTS_WRITE = frozenset({"accounting.contacts"})
SETTINGS_READ = frozenset({"accounting.settings", "accounting.settings.read"})
SETTINGS_WRITE = frozenset({"accounting.settings"})
INVOICES_READ, INVOICES_WRITE = _read_write("accounting.invoices")
PAYMENTS_READ, PAYMENTS_WRITE = _read_write("accounting.payments")
BANKING_READ, BANKING_WRITE = _read_write("accounting.banktransactions")
MANUAL_JOURNALS_READ, MANUAL_JOURNALS_WRITE = _read_write("accounting.manualjournals")
JOURNALS_READ = frozenset({"accounting.journals.read"})
# Items sit under settings in the published spec and under invoices in the granular set.
ITEMS_READ = SETTINGS_READ | frozenset({"accounting.invoices", "accounting.invoices.read"})
ITEMS_WRITE = SETTINGS_WRITE | frozenset({"accounting.invoices"})

# Verbs, by the shape of the call.
LIST, GET, PUT, POST, POST_ID, DELETE = "list", "get", "put", "post", "post_id", "delete"
READ_ONLY = frozenset({LIST, GET})
READ_WRITE = frozenset({LIST, GET, PUT, POST, POST_ID})

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
JOURNALS_PER_CALL = 100


@dataclass(frozen=True)
class Endpoint:
    """One collection of the Accounting API."""

    name: str
    id_field: str | None
    read_scopes: frozenset[str]
    write_scopes: frozenset[str] = frozenset()
    methods: frozenset[str] = READ_ONLY
    number_field: str | None = None
    paged: bool = False
    # Whether paging takes ``pageSize`` and answers with a ``pagination`` object; Quotes do neither.
    sized: bool = True
    modified_field: str | None = "UpdatedDateUTC"
    lines_only_when_paged: bool = False
    filters: tuple[str, ...] = ()
    where_fields: frozenset[str] = frozenset()
    collection_key: str | None = None

    @property
    def key(self) -> str:
        """The JSON key of the collection in answers and write bodies."""
        return self.collection_key or self.name


_DOC_FIELDS = frozenset(
    {"Type", "Status", "Reference", "Contact", "Date", "DueDate", "CurrencyCode", "CurrencyRate", "LineAmountTypes"}
    | {"SubTotal", "TotalTax", "Total", "UpdatedDateUTC", "HasAttachments", "SentToContact"}
)

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("Organisation", None, SETTINGS_READ, modified_field=None, collection_key="Organisations"),
    Endpoint(
        "Contacts",
        "ContactID",
        CONTACTS_READ,
        CONTACTS_WRITE,
        READ_WRITE,
        number_field="ContactNumber",
        paged=True,
        filters=("IDs", "includeArchived", "searchTerm", "summaryOnly"),
        where_fields=frozenset(
            {"ContactID", "ContactNumber", "AccountNumber", "ContactStatus", "Name", "FirstName", "LastName"}
            | {"EmailAddress", "IsSupplier", "IsCustomer", "DefaultCurrency", "UpdatedDateUTC", "TaxNumber"}
            | {"CompanyNumber"}
        ),
    ),
    Endpoint(
        "Items",
        "ItemID",
        ITEMS_READ,
        ITEMS_WRITE,
        READ_WRITE | {DELETE},
        number_field="Code",
        where_fields=frozenset(
            {"ItemID", "Code", "Name", "Description", "IsSold", "IsPurchased", "IsTrackedAsInventory"}
            | {"QuantityOnHand", "UpdatedDateUTC"}
        ),
    ),
    Endpoint(
        "Invoices",
        "InvoiceID",
        INVOICES_READ,
        INVOICES_WRITE,
        READ_WRITE,
        number_field="InvoiceNumber",
        paged=True,
        lines_only_when_paged=True,
        filters=("IDs", "InvoiceNumbers", "ContactIDs", "Statuses", "createdByMyApp", "searchTerm", "summaryOnly"),
        where_fields=_DOC_FIELDS
        | {"InvoiceID", "InvoiceNumber", "AmountDue", "AmountPaid", "AmountCredited", "FullyPaidOnDate"},
    ),
    Endpoint(
        "PurchaseOrders",
        "PurchaseOrderID",
        INVOICES_READ,
        INVOICES_WRITE,
        READ_WRITE,
        number_field="PurchaseOrderNumber",
        paged=True,
        filters=("Status", "DateFrom", "DateTo"),
    ),
    # GET /Quotes/{key} takes the QuoteID only, no number (Xero-OpenAPI#287): no number_field. The spec gives
    # Quotes `page` alone ("Up to 100 Quotes will be returned in a single API call"), no pageSize and no
    # pagination object, unlike the collections Xero-OpenAPI#597 gave them to; integrators see the same
    # (the Invio Xero MCP's list_xero_quotes: "Xero does NOT report a total page or item count for this
    # endpoint"). No `where` either: the spec lists none, as for PurchaseOrders.
    Endpoint(
        "Quotes",
        "QuoteID",
        INVOICES_READ,
        INVOICES_WRITE,
        READ_WRITE,
        paged=True,
        sized=False,
        filters=("DateFrom", "DateTo", "ExpiryDateFrom", "ExpiryDateTo", "ContactID", "Status", "QuoteNumber"),
    ),
    Endpoint(
        "Accounts",
        "AccountID",
        SETTINGS_READ,
        SETTINGS_WRITE,
        frozenset({LIST, GET, PUT, POST_ID, DELETE}),
        where_fields=frozenset(
            {"AccountID", "Code", "Name", "Type", "Status", "Class", "TaxType", "EnablePaymentsToAccount"}
            | {"BankAccountNumber", "BankAccountType", "CurrencyCode", "SystemAccount", "ReportingCode"}
            | {"UpdatedDateUTC"}
        ),
    ),
    Endpoint(
        "CreditNotes",
        "CreditNoteID",
        INVOICES_READ,
        INVOICES_WRITE,
        READ_WRITE,
        number_field="CreditNoteNumber",
        paged=True,
        where_fields=_DOC_FIELDS | {"CreditNoteID", "CreditNoteNumber", "RemainingCredit", "FullyPaidOnDate"},
    ),
    Endpoint(
        "ManualJournals",
        "ManualJournalID",
        MANUAL_JOURNALS_READ,
        MANUAL_JOURNALS_WRITE,
        READ_WRITE,
        paged=True,
        where_fields=frozenset(
            {"ManualJournalID", "Narration", "Date", "Status", "LineAmountTypes", "ShowOnCashBasisReports"}
            | {"UpdatedDateUTC"}
        ),
    ),
    Endpoint(
        "Journals",
        "JournalID",
        JOURNALS_READ,
        number_field="JournalNumber",
        modified_field="CreatedDateUTC",
        filters=("offset", "paymentsOnly"),
    ),
    Endpoint(
        "Payments",
        "PaymentID",
        PAYMENTS_READ,
        PAYMENTS_WRITE,
        READ_WRITE,
        paged=True,
        where_fields=frozenset(
            {"PaymentID", "Date", "Amount", "Reference", "Status", "PaymentType", "IsReconciled", "CurrencyRate"}
            | {"Invoice", "CreditNote", "Account", "UpdatedDateUTC", "BankAmount"}
        ),
    ),
    Endpoint(
        "TaxRates",
        "TaxType",
        SETTINGS_READ,
        SETTINGS_WRITE,
        frozenset({LIST, GET, PUT, POST}),
        modified_field=None,
        where_fields=frozenset(
            {"TaxType", "Name", "Status", "ReportTaxType", "EffectiveRate", "DisplayTaxRate"}
            | {"CanApplyToAssets", "CanApplyToEquity", "CanApplyToExpenses", "CanApplyToLiabilities"}
            | {"CanApplyToRevenue"}
        ),
    ),
    Endpoint(
        "BankTransfers",
        "BankTransferID",
        BANKING_READ,
        BANKING_WRITE,
        READ_WRITE,
        modified_field="CreatedDateUTC",
        filters=("includeDeleted",),
        where_fields=frozenset(
            {"BankTransferID", "Amount", "Date", "Reference", "CurrencyRate", "FromBankAccount", "ToBankAccount"}
            | {"Status", "CreatedDateUTC", "FromIsReconciled", "ToIsReconciled"}
        ),
    ),
)

BY_NAME: dict[str, Endpoint] = {e.name.lower(): e for e in ENDPOINTS}


def endpoint(name: str) -> Endpoint | None:
    """The catalogue entry for a path segment; Xero's paths are case-insensitive."""
    return BY_NAME.get(name.lower())


def entry(name: str) -> Endpoint:
    """The catalogue entry for a collection that must exist."""
    found = endpoint(name)
    if found is None:
        raise LookupError(name)
    return found
