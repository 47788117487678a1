"""Salesforce objects this connector reads and writes, declared as data: the allowlist of SOQL names.

Every field name that goes into a SOQL statement comes from here; a name not
listed is refused before anything is sent (``SObject.check``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AUDIT_FIELDS",
    "EXTERNAL_ID",
    "MODSTAMP",
    "SOBJECTS",
    "STREAMS",
    "SObject",
    "sobject_named",
    "stream_for",
]

EXTERNAL_ID = "Datashare_Id__c"
"""The external id field that holds the hub id: upserts by it create nothing twice."""

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
        "Description",
        "Pricebook2Id",
        *_address("Billing"),
    ),
    entity="invoices",
)
ORDER_ITEM = SObject(
    "OrderItem",
    ("Id", "OrderId", "Product2Id", "PricebookEntryId", "Quantity", "UnitPrice", "TotalPrice", "Description"),
    incremental=False,
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
