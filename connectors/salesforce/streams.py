"""Salesforce objects this connector reads and writes, declared as data: the allowlist of SOQL names.

Every field name that goes into a SOQL statement comes from here; a name not
listed is refused before anything is sent (``SObject.check``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AMOUNT_DUE",
    "AMOUNT_PAID",
    "AUDIT_FIELDS",
    "EXTERNAL_ID",
    "MODSTAMP",
    "SOBJECTS",
    "STAND_IN_CODE",
    "STREAMS",
    "XERO_STATUS",
    "SObject",
    "sobject_named",
    "stream_for",
]

EXTERNAL_ID = "Datashare_Id__c"
"""The external id field that holds the hub id: upserts by it create nothing twice."""

# Custom fields the set-up adds to Order (a standard Order has no paid amount, and knows only Draft and
# Activated): the status of its invoice in Xero (text), and what is paid and what is due on it (currency).
XERO_STATUS = "Datashare_Status__c"
AMOUNT_PAID = "Datashare_Amount_Paid__c"
AMOUNT_DUE = "Datashare_Amount_Due__c"

STAND_IN_CODE = "DATASHARE-NO-ITEM"
"""The ProductCode of the connector's own product that order lines naming no item go on (an OrderItem needs a
price book entry): never read as an item, and lines on it read back as lines without an item."""

MODSTAMP = "SystemModstamp"
"""What incremental reads order and filter on (changes by the system too, unlike LastModifiedDate)."""

AUDIT_FIELDS = ("Id", "IsDeleted", "CreatedDate", "LastModifiedDate", MODSTAMP)


def _address(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{part}" for part in ("Street", "City", "State", "PostalCode", "Country"))


@dataclass(frozen=True)
class SObject:
    """One Salesforce object: the fields read, the canonical entity it gives (None: a helper table)."""

    name: str
    fields: tuple[str, ...]
    entity: str | None = None
    writable: bool = False
    incremental: bool = True

    def check(self, *names: str) -> None:
        """Raise ``ValueError`` for a field name outside the allowlist (never put one in SOQL)."""
        unknown = [n for n in names if n not in self.fields]
        if unknown:
            raise ValueError(f"Salesforce {self.name} has no field {', '.join(unknown)} in the connector's allowlist")


ACCOUNT = SObject(
    "Account",
    (
        *AUDIT_FIELDS,
        "Name",
        "AccountNumber",
        "Phone",
        "Website",
        *_address("Billing"),
        *_address("Shipping"),
    ),
    entity="organizations",
    writable=True,
)
CONTACT = SObject(
    "Contact",
    (
        *AUDIT_FIELDS,
        "AccountId",
        "FirstName",
        "LastName",
        "Title",
        "Email",
        "Phone",
        *_address("Mailing"),
    ),
    entity="people",
    writable=True,
)
PRODUCT = SObject(
    "Product2",
    (*AUDIT_FIELDS, "Name", "ProductCode", "Description", "IsActive", "Family", "StockKeepingUnit"),
    entity="items",
    writable=True,
)
ORDER = SObject(
    "Order",
    (
        *AUDIT_FIELDS,
        "AccountId",
        "Status",
        "EffectiveDate",
        "OrderNumber",
        "TotalAmount",
        "OrderReferenceNumber",
        "Description",
        "Pricebook2Id",
        *_address("Billing"),
        XERO_STATUS,
        AMOUNT_PAID,
        AMOUNT_DUE,
    ),
    entity="invoices",
    writable=True,  # Xero's invoices, with their status and what is paid, as Orders
)
ORDER_ITEM = SObject(
    "OrderItem",
    (
        "Id",
        "OrderId",
        "Product2Id",
        "PricebookEntryId",
        "Quantity",
        "UnitPrice",
        "TotalPrice",
        "Description",
        EXTERNAL_ID,
    ),
    incremental=False,
    writable=True,  # the lines of the Orders made for Xero's invoices
)
PRICEBOOK = SObject("Pricebook2", ("Id", "Name", "IsStandard", "IsActive"), incremental=False)
PRICEBOOK_ENTRY = SObject(
    "PricebookEntry",
    ("Id", "Pricebook2Id", "Product2Id", "UnitPrice", "IsActive", "UseStandardPrice"),
    incremental=False,
    writable=True,  # an item's sale price is its standard price book entry
)

SOBJECTS: dict[str, SObject] = {
    o.name: o for o in (ACCOUNT, CONTACT, PRODUCT, ORDER, ORDER_ITEM, PRICEBOOK, PRICEBOOK_ENTRY)
}
STREAMS: dict[str, SObject] = {o.entity: o for o in SOBJECTS.values() if o.entity is not None}
"""Canonical entity -> the object read for it."""


def sobject_named(name: str) -> SObject:
    """The catalogued object of that name; ``ValueError`` for any other (no free-form names in SOQL)."""
    try:
        return SOBJECTS[name]
    except KeyError:
        raise ValueError(f"Salesforce object {name!r} is not in the connector's catalogue") from None


def stream_for(entity: str) -> SObject:
    """The object read and written for a canonical entity."""
    try:
        return STREAMS[entity]
    except KeyError:
        raise ValueError(f"the Salesforce connector has no stream for {entity!r}") from None
