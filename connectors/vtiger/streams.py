"""What the vTiger connector reads and writes, declared as data: one entry per vTiger module.

The catalogue is also the allowlist of VTQL: a module or column that is not
here never reaches a query (``connectors.vtiger.vtql``). Id prefixes are the
defaults of a stock vTiger 7; an install may differ, and ``describe`` tells
the real one (ids are globally unique ``<prefix>x<n>``, so mapping never needs
the prefix to know which record an id names).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "COMMON_FIELDS",
    "MAX_ROWS",
    "MODULES",
    "OWNER_FIELD",
    "UnknownModuleError",
    "VtigerModule",
    "module_named",
    "modules_for_entity",
]

MAX_ROWS = 100
"""vTiger answers at most 100 rows per query and per sync batch."""

OWNER_FIELD = "assigned_user_id"
"""Mandatory on every entity module; the client fills it with the logged-in user when a write leaves it out."""

COMMON_FIELDS = ("id", OWNER_FIELD, "createdtime", "modifiedtime", "description")
"""Fields every entity record carries (vtiger_crmentity)."""

_ADDRESS = ("street", "pobox", "city", "state", "code", "country")
_BILL = tuple(f"bill_{part}" for part in _ADDRESS)
_SHIP = tuple(f"ship_{part}" for part in _ADDRESS)
_TOTALS = (
    "hdnTaxType",
    "currency_id",
    "conversion_rate",
    "hdnSubTotal",
    "hdnDiscountAmount",
    "hdnDiscountPercent",
    "hdnS_H_Amount",
    "txtAdjustment",
    "pre_tax_total",
    "hdnGrandTotal",
    "terms_conditions",
)


@dataclass(frozen=True)
class VtigerModule:
    """One vTiger module (an ``elementType``): what it maps to and how it is read and written.

    ``fields``: the fields we read, and the only ones a VTQL query may name.
    ``mandatory``: what vTiger refuses a create without (``assigned_user_id``
    aside: the client fills it). ``incremental``: entity modules are read with
    ``sync``; actor tables (Tax, Currency, ProductTaxes, CompanyDetails) have
    no modified time and are read whole. ``inventory``: records carry
    ``LineItems``, which only ``retrieve`` returns (``query`` and ``sync``
    leave them out). ``markers``: the fields of what we write that find a record we
    created again when vTiger's answer to the create was lost (vTiger has no
    idempotency key or external id): its natural key, as written.
    """

    name: str
    entities: tuple[str, ...]
    id_prefix: str
    fields: tuple[str, ...]
    mandatory: tuple[str, ...] = ()
    writable: bool = False
    incremental: bool = True
    inventory: bool = False
    number_field: str | None = None
    markers: tuple[str, ...] = ()

    def has_field(self, name: str) -> bool:
        """Whether ``name`` is a column we may read or filter on (``id`` always is)."""
        return name == "id" or name in self.fields


_MODULES = (
    VtigerModule(
        "Accounts",
        ("organizations",),
        "11",
        (
            *COMMON_FIELDS,
            "accountname",
            "account_no",
            "website",
            "phone",
            "otherphone",
            "fax",
            "email1",
            "industry",
            "employees",
            *_BILL,
            *_SHIP,
        ),
        mandatory=("accountname",),
        writable=True,
        number_field="account_no",
        markers=("accountname",),
    ),
    VtigerModule(
        "Contacts",
        ("people",),
        "12",
        (
            *COMMON_FIELDS,
            "salutationtype",
            "firstname",
            "lastname",
            "contact_no",
            "email",
            "phone",
            "mobile",
            "account_id",
            "title",
            "birthday",
            "leadsource",
            "mailingstreet",
            "mailingpobox",
            "mailingcity",
            "mailingstate",
            "mailingzip",
            "mailingcountry",
        ),
        mandatory=("lastname",),
        writable=True,
        number_field="contact_no",
        markers=("lastname", "firstname", "email"),
    ),
    # Written only for a supplier a purchase order goes to (the CRM holds customers): the id map keeps
    # one vTiger id per organization, so a customer that is also a supplier stays an account.
    VtigerModule(
        "Vendors",
        ("organizations",),
        "2",
        (
            *COMMON_FIELDS,
            "vendorname",
            "vendor_no",
            "email",
            "phone",
            "website",
            "street",
            "pobox",
            "city",
            "state",
            "postalcode",
            "country",
        ),
        mandatory=("vendorname",),
        writable=True,
        number_field="vendor_no",
        markers=("vendorname",),
    ),
    VtigerModule(
        "Products",
        ("items",),
        "14",
        (
            *COMMON_FIELDS,
            "productname",
            "product_no",
            "productcode",
            "discontinued",
            "unit_price",
            "taxclass",
            "usageunit",
            "qtyinstock",
            "vendor_id",
        ),
        mandatory=("productname",),
        writable=True,
        number_field="product_no",
        markers=("productname", "productcode"),
    ),
    VtigerModule(
        "Services",
        ("items",),
        "24",
        (
            *COMMON_FIELDS,
            "servicename",
            "service_no",
            "discontinued",
            "service_usageunit",
            "unit_price",
            "taxclass",
        ),
        mandatory=("servicename",),
        writable=True,
        number_field="service_no",
        markers=("servicename",),
    ),
    VtigerModule(
        "Invoice",
        ("invoices",),
        "7",
        (
            *COMMON_FIELDS,
            "subject",
            "invoice_no",
            "customerno",
            "salesorder_id",
            "contact_id",
            "account_id",
            "invoicedate",
            "duedate",
            "purchaseorder",
            "invoicestatus",
            "received",
            "balance",
            *_BILL,
            *_SHIP,
            *_TOTALS,
        ),
        mandatory=("subject", "account_id", "bill_street", "ship_street"),
        writable=True,
        inventory=True,
        number_field="invoice_no",
        markers=("subject", "customerno"),
    ),
    # Read only: a sales order is not a sale (its invoice is), so it reaches the hub as a quote, never an invoice.
    VtigerModule(
        "SalesOrder",
        ("quotes",),
        "6",
        (
            *COMMON_FIELDS,
            "subject",
            "salesorder_no",
            "customerno",
            "contact_id",
            "account_id",
            "duedate",
            "sostatus",
            *_BILL,
            *_SHIP,
            *_TOTALS,
        ),
        mandatory=("subject", "sostatus", "account_id", "bill_street", "ship_street"),
        inventory=True,
        number_field="salesorder_no",
    ),
    VtigerModule(
        "PurchaseOrder",
        ("purchase_orders",),
        "5",
        (
            *COMMON_FIELDS,
            "subject",
            "purchaseorder_no",
            "vendor_id",
            "requisition_no",
            "contact_id",
            "duedate",
            "postatus",
            *_BILL,
            *_SHIP,
            *_TOTALS,
        ),
        mandatory=("subject", "vendor_id", "postatus", "bill_street", "ship_street"),
        writable=True,
        inventory=True,
        number_field="purchaseorder_no",
        markers=("subject", "requisition_no"),
    ),
    VtigerModule(
        "Tax",
        ("tax_codes",),
        "34",
        ("id", "taxname", "taxlabel", "percentage", "method", "deleted"),
        mandatory=("taxlabel", "percentage"),
        writable=True,  # a Xero rate vTiger has no tax of the same percentage for
        incremental=False,
        markers=("taxlabel",),
    ),
    # Which taxes each product or service carries, in the order they were selected.
    VtigerModule(
        "ProductTaxes",
        (),
        "35",
        ("id", "productid", "taxid", "taxpercentage"),
        mandatory=("productid", "taxid"),
        writable=True,
        incremental=False,
        markers=("productid", "taxid"),
    ),
    VtigerModule(
        "Currency",
        (),
        "21",
        ("id", "currency_name", "currency_code", "conversion_rate", "currency_status", "defaultid", "deleted"),
        incremental=False,
    ),
    # Settings > Company Details: written from the hub's Company (Xero's Organisation), never read into
    # the hub (no entity here): Xero is where the Company comes from. ``logo`` is not read (retrieve
    # fills it with the logo file).
    VtigerModule(
        "CompanyDetails",
        (),
        "23",
        (
            "id",
            "organizationname",
            "address",
            "city",
            "state",
            "country",
            "code",
            "phone",
            "fax",
            "website",
            "logoname",
            "vatid",
        ),
        writable=True,
        incremental=False,
    ),
)

MODULES: dict[str, VtigerModule] = {m.name: m for m in _MODULES}
"""Every module the connector knows, in reference order (parties, items, documents, lookup tables)."""


class UnknownModuleError(KeyError):
    """A module name that is not in the catalogue (so it never reaches a query)."""

    def __str__(self) -> str:
        return f"unknown vTiger module {self.args[0]!r} (known: {', '.join(MODULES)})"


def module_named(name: str) -> VtigerModule:
    """The catalogue entry of a module, or ``UnknownModuleError``."""
    try:
        return MODULES[name]
    except KeyError:
        raise UnknownModuleError(name) from None


def modules_for_entity(entity: str) -> list[VtigerModule]:
    """The modules holding a canonical entity (organizations come from Accounts and Vendors)."""
    return [m for m in MODULES.values() if entity in m.entities]
