"""The sObjects the emulator knows: their key prefixes, fields and field kinds, 18-character ids."""

from __future__ import annotations

from dataclasses import dataclass, field

# Field kinds: how a value is stored, compared in SOQL and written on the wire.
STRING = "string"
BOOL = "boolean"
NUMBER = "double"
DATE = "date"
DATETIME = "datetime"
REF = "reference"
ID = "id"

AUDIT_FIELDS = {
    "Id": ID,
    "IsDeleted": BOOL,
    "CreatedDate": DATETIME,
    "LastModifiedDate": DATETIME,
    "SystemModstamp": DATETIME,
}
READ_ONLY = frozenset(AUDIT_FIELDS)


@dataclass(frozen=True)
class SObject:
    """One object type: its name, key prefix, fields and rules."""

    name: str
    prefix: str
    fields: dict[str, str]
    required: tuple[str, ...] = ()
    references: dict[str, str] = field(default_factory=dict)  # field -> referenced object
    computed: frozenset[str] = frozenset()  # read-only fields the emulator fills in
    picklists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    defaults: dict[str, object] = field(default_factory=dict)

    def kind(self, name: str) -> str | None:
        """The kind of field ``name`` (case-insensitive), None when the object has no such field."""
        real = self.field_name(name)
        return self.fields[real] if real else None

    def field_name(self, name: str) -> str | None:
        """The field's spelling in the schema (SOQL and the REST API ignore case)."""
        lower = name.lower()
        for known in self.fields:
            if known.lower() == lower:
                return known
        return None


def _object(name: str, prefix: str, fields: dict[str, str], **rules: object) -> SObject:
    every = {**AUDIT_FIELDS, **fields}
    refs = {k: v for k, v in dict(rules.pop("references", {})).items()}  # type: ignore[call-overload]
    for ref in refs:
        every[ref] = REF
    return SObject(name, prefix, every, references=refs, **rules)  # type: ignore[arg-type]


_ADDRESS = ("Street", "City", "State", "PostalCode", "Country")

OBJECTS: dict[str, SObject] = {
    o.name: o
    for o in [
        _object(
            "Account",
            "001",
            {
                "Name": STRING,
                "AccountNumber": STRING,
                "Phone": STRING,
                "Website": STRING,
                "Type": STRING,
                "OwnerId": STRING,
                **{f"Billing{p}": STRING for p in _ADDRESS},
                **{f"Shipping{p}": STRING for p in _ADDRESS},
            },
            required=("Name",),
        ),
        _object(
            "Contact",
            "003",
            {
                "FirstName": STRING,
                "LastName": STRING,
                "Email": STRING,
                "Phone": STRING,
                "Title": STRING,
                **{f"Mailing{p}": STRING for p in _ADDRESS},
            },
            required=("LastName",),
            references={"AccountId": "Account"},
        ),
        _object(
            "Product2",
            "01t",
            {
                "Name": STRING,
                "ProductCode": STRING,
                "Description": STRING,
                "IsActive": BOOL,
                "Family": STRING,
                "StockKeepingUnit": STRING,
            },
            required=("Name",),
            defaults={"IsActive": False},
        ),
        _object(
            "Pricebook2",
            "01s",
            {"Name": STRING, "IsStandard": BOOL, "IsActive": BOOL, "Description": STRING},
            required=("Name",),
            computed=frozenset({"IsStandard"}),
            defaults={"IsActive": False, "IsStandard": False},
        ),
        _object(
            "PricebookEntry",
            "01u",
            {"UnitPrice": NUMBER, "IsActive": BOOL, "UseStandardPrice": BOOL, "Name": STRING, "ProductCode": STRING},
            required=("Pricebook2Id", "Product2Id", "UnitPrice"),
            references={"Pricebook2Id": "Pricebook2", "Product2Id": "Product2"},
            computed=frozenset({"Name", "ProductCode"}),
            defaults={"IsActive": False, "UseStandardPrice": False},
        ),
        _object(
            "Order",
            "801",
            {
                "Status": STRING,
                "EffectiveDate": DATE,
                "OrderNumber": STRING,
                "OrderReferenceNumber": STRING,
                "TotalAmount": NUMBER,
                "Description": STRING,
                **{f"Billing{p}": STRING for p in _ADDRESS},
            },
            required=("AccountId", "EffectiveDate", "Status"),
            references={"AccountId": "Account", "Pricebook2Id": "Pricebook2", "BillToContactId": "Contact"},
            computed=frozenset({"OrderNumber", "TotalAmount"}),
            picklists={"Status": ("Draft", "Activated")},
        ),
        _object(
            "OrderItem",
            "802",
            {"Quantity": NUMBER, "UnitPrice": NUMBER, "TotalPrice": NUMBER, "Description": STRING},
            required=("OrderId", "PricebookEntryId", "Quantity", "UnitPrice"),
            references={"OrderId": "Order", "PricebookEntryId": "PricebookEntry", "Product2Id": "Product2"},
            computed=frozenset({"TotalPrice", "Product2Id"}),
        ),
    ]
}

PREFIXES = {o.prefix: o.name for o in OBJECTS.values()}

INSTALLED_FIELDS: dict[str, dict[str, str]] = {
    "Order": {"Datashare_Status__c": STRING, "Datashare_Amount_Paid__c": NUMBER, "Datashare_Amount_Due__c": NUMBER},
}
"""Custom fields the org's admin adds for datashare besides the external id (on every object): on Order, the
status its Xero invoice has (text) and what is paid and due on it (currency)."""

DRAFT_STATUSES = frozenset({"Draft"})
"""Order Status values in the Draft category (StatusCode); the others are Activated."""


def object_named(name: str) -> SObject | None:
    """The object type called ``name`` (case-insensitive)."""
    lower = name.lower()
    for known in OBJECTS.values():
        if known.name.lower() == lower:
            return known
    return None


_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def checksum(id15: str) -> str:
    """The three characters that make a 15-character id case-insensitively unique (Salesforce's algorithm)."""
    out = ""
    for chunk in range(3):
        bits = 0
        for i, char in enumerate(id15[chunk * 5 : chunk * 5 + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << i
        out += _SUFFIX[bits]
    return out


def make_id(prefix: str, number: int, pod: str = "5g") -> str:
    """An 18-character id: key prefix, pod, a base-62 serial padded to 15, and the checksum."""
    digits = ""
    n = number
    while n:
        n, rest = divmod(n, 62)
        digits = _BASE62[rest] + digits
    id15 = prefix + pod + "0" * 0 + digits.rjust(10, "0")
    return id15 + checksum(id15)


def to_id18(value: str) -> str:
    """A 15- or 18-character id as the 18-character form (anything else unchanged)."""
    return value + checksum(value) if len(value) == 15 else value
