"""The module catalogue, declared as data: what ``listtypes`` and ``describe`` report.

Each module has vTiger's name, its webservice id prefix (``idPrefix``), labels and
fields (name, label, type name, mandatory, editable, what a reference refers to,
picklist values, stored number format). Prefixes are the defaults of a stock vTiger 7
install. Entity modules (``isEntity``) carry ``assigned_user_id``, ``createdtime`` and
``modifiedtime`` and take part in ``sync``; actor modules (Currency, Tax,
ProductTaxes, CompanyDetails) are plain tables. Inventory modules need ``LineItems``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.vtiger.errors import ErrorCode, VtigerError, denied_for_name

USERS_PREFIX = 19
LINE_ITEM_PREFIX = 33


@dataclass(frozen=True)
class Field:
    """One field of a module as ``describe`` shows it.

    ``decimals`` is how many decimals the database column keeps (vTiger answers
    currency values as ``"12.50000000"`` and quantities as ``"2.000"``).
    """

    name: str
    label: str
    type: str = "string"
    mandatory: bool = False
    editable: bool = True
    refers_to: tuple[str, ...] = ()
    picklist: tuple[str, ...] = ()
    default: str = ""
    decimals: int | None = None

    @property
    def is_reference(self) -> bool:
        """Whether the value is the webservice id of another record."""
        return self.type == "reference"

    @property
    def is_numeric(self) -> bool:
        """Whether values compare and sort as numbers."""
        return self.type in {"currency", "double", "integer"}


@dataclass(frozen=True)
class Module:
    """A module (vTiger's "element type")."""

    name: str
    id_prefix: int
    label: str
    singular: str
    fields: tuple[Field, ...]
    is_entity: bool = True
    inventory: bool = False
    label_fields: str = ""
    number_field: str = ""
    number_prefix: str = ""

    def field(self, name: str) -> Field | None:
        """The field called ``name`` (case-sensitive, as vTiger's field map is), or None."""
        return _FIELD_INDEX[self.name].get(name)

    @property
    def mandatory(self) -> list[str]:
        """Names of the mandatory fields."""
        return [f.name for f in self.fields if f.mandatory]

    @property
    def references(self) -> list[Field]:
        """The editable reference fields (the ones create/update validate)."""
        return [f for f in self.fields if f.is_reference and f.editable]


def _text(name: str, label: str, mandatory: bool = False) -> Field:
    return Field(name, label, "text", mandatory=mandatory)


def _money(name: str, label: str) -> Field:
    return Field(name, label, "currency", decimals=8)


def _pick(name: str, label: str, values: tuple[str, ...], *, mandatory: bool = False, default: str = "") -> Field:
    return Field(name, label, "picklist", mandatory=mandatory, picklist=values, default=default)


def _ref(name: str, label: str, *targets: str, mandatory: bool = False, default: str = "") -> Field:
    return Field(name, label, "reference", mandatory=mandatory, refers_to=targets, default=default)


def _readonly(name: str, label: str, type_: str = "string") -> Field:
    return Field(name, label, type_, editable=False)


def _address(prefix: str, label: str, street_mandatory: bool = False) -> tuple[Field, ...]:
    return (
        _text(f"{prefix}_street", f"{label} Address", mandatory=street_mandatory),
        Field(f"{prefix}_pobox", f"{label} PO Box"),
        Field(f"{prefix}_city", f"{label} City"),
        Field(f"{prefix}_state", f"{label} State"),
        Field(f"{prefix}_code", f"{label} Postal Code"),
        Field(f"{prefix}_country", f"{label} Country"),
    )


def _entity_tail() -> tuple[Field, ...]:
    """Fields every CRM record has (vtiger_crmentity columns)."""
    return (
        _text("description", "Description"),
        Field("assigned_user_id", "Assigned To", "owner", mandatory=True),
        _readonly("createdtime", "Created Time", "datetime"),
        _readonly("modifiedtime", "Modified Time", "datetime"),
        Field("modifiedby", "Last Modified By", "reference", editable=False, refers_to=("Users",)),
        _readonly("source", "Source"),
    )


# fmt: off
INDUSTRIES = (
    "Apparel", "Banking", "Biotechnology", "Chemicals", "Communications", "Construction", "Consulting",
    "Education", "Electronics", "Energy", "Engineering", "Entertainment", "Environmental", "Finance",
    "Food & Beverage", "Government", "Healthcare", "Hospitality", "Insurance", "Machinery", "Manufacturing",
    "Media", "Not For Profit", "Recreation", "Retail", "Shipping", "Technology", "Telecommunications",
    "Transportation", "Utilities", "Other",
)
ACCOUNT_TYPES = ("Analyst", "Competitor", "Customer", "Integrator", "Investor", "Partner", "Press", "Prospect",
                 "Reseller", "Other")
LEAD_SOURCES = ("Cold Call", "Existing Customer", "Self Generated", "Employee", "Partner", "Public Relations",
                "Direct Mail", "Conference", "Trade Show", "Web Site", "Word of mouth", "Other")
GL_ACCOUNTS = ("300-Sales-Software", "301-Sales-Hardware", "302-Rental-Income", "303-Interest-Income",
               "304-Sales-Software-Support", "305-Sales Other", "306-Internet Sales", "307-Service-Hardware Labor",
               "308-Sales-Books")
USAGE_UNITS = ("Box", "Carton", "Dozen", "Each", "Hours", "Impressions", "Lb", "M", "Pack", "Pages", "Pieces",
               "Quantity", "Reams", "Sheet", "Spiral Binder", "Sq Ft")
CARRIERS = ("FedEx", "UPS", "USPS", "DHL", "BlueDart")
TAX_TYPES = ("group", "individual")


ACCOUNTS = Module(
    "Accounts", 11, "Organizations", "Organization",
    fields=(
        Field("accountname", "Organization Name", mandatory=True),
        _readonly("account_no", "Organization No"),
        Field("website", "Website", "url"),
        Field("phone", "Primary Phone", "phone"),
        Field("otherphone", "Secondary Phone", "phone"),
        Field("fax", "Fax", "phone"),
        Field("email1", "Primary Email", "email"),
        Field("email2", "Secondary Email", "email"),
        _ref("account_id", "Member Of", "Accounts"),
        _pick("industry", "Industry", INDUSTRIES),
        _pick("accounttype", "Type", ACCOUNT_TYPES),
        _money("annual_revenue", "Annual Revenue"),
        Field("employees", "Employees", "integer"),
        Field("siccode", "SIC Code"),
        Field("tickersymbol", "Ticker Symbol"),
        *_address("bill", "Billing"),
        *_address("ship", "Shipping"),
        *_entity_tail(),
    ),
    label_fields="accountname", number_field="account_no", number_prefix="ACC",
)

CONTACTS = Module(
    "Contacts", 12, "Contacts", "Contact",
    fields=(
        _pick("salutationtype", "Salutation", ("Mr.", "Ms.", "Mrs.", "Dr.", "Prof.")),
        Field("firstname", "First Name"),
        Field("lastname", "Last Name", mandatory=True),
        _readonly("contact_no", "Contact Id"),
        Field("email", "Primary Email", "email"),
        Field("secondaryemail", "Secondary Email", "email"),
        Field("phone", "Office Phone", "phone"),
        Field("mobile", "Mobile Phone", "phone"),
        Field("homephone", "Home Phone", "phone"),
        _ref("account_id", "Organization Name", "Accounts"),
        _ref("contact_id", "Reports To", "Contacts"),
        Field("title", "Title"),
        Field("department", "Department"),
        Field("birthday", "Date of Birth", "date"),
        _pick("leadsource", "Lead Source", LEAD_SOURCES),
        Field("emailoptout", "Email Opt Out", "boolean", default="0"),
        _text("mailingstreet", "Mailing Street"),
        Field("mailingpobox", "Mailing PO Box"),
        Field("mailingcity", "Mailing City"),
        Field("mailingstate", "Mailing State"),
        Field("mailingzip", "Mailing Zip"),
        Field("mailingcountry", "Mailing Country"),
        _text("otherstreet", "Other Street"),
        Field("othercity", "Other City"),
        Field("otherstate", "Other State"),
        Field("otherzip", "Other Zip"),
        Field("othercountry", "Other Country"),
        *_entity_tail(),
    ),
    label_fields="firstname,lastname", number_field="contact_no", number_prefix="CON",
)

VENDORS = Module(
    "Vendors", 2, "Vendors", "Vendor",
    fields=(
        Field("vendorname", "Vendor Name", mandatory=True),
        _readonly("vendor_no", "Vendor No"),
        Field("email", "Email", "email"),
        Field("phone", "Phone", "phone"),
        Field("website", "Website", "url"),
        _pick("glacct", "GL Account", GL_ACCOUNTS),
        Field("category", "Category"),
        _text("street", "Street"),
        Field("pobox", "PO Box"),
        Field("city", "City"),
        Field("state", "State"),
        Field("postalcode", "Postal Code"),
        Field("country", "Country"),
        *_entity_tail(),
    ),
    label_fields="vendorname", number_field="vendor_no", number_prefix="VEN",
)

# vTiger has no purchase price on products (only the unit price it sells at).
PRODUCTS = Module(
    "Products", 14, "Products", "Product",
    fields=(
        Field("productname", "Product Name", mandatory=True),
        _readonly("product_no", "Product No"),
        Field("productcode", "Part Number"),
        Field("discontinued", "Product Active", "boolean", default="1"),
        Field("manufacturer", "Manufacturer"),
        _pick("productcategory", "Product Category", ("Hardware", "Software", "CRM Applications")),
        Field("sales_start_date", "Sales Start Date", "date"),
        Field("sales_end_date", "Sales End Date", "date"),
        _ref("vendor_id", "Vendor Name", "Vendors"),
        Field("vendor_part_no", "Vendor PartNo"),
        Field("mfr_part_no", "Mfr PartNo"),
        Field("serial_no", "Serial No"),
        Field("website", "Website", "url"),
        _pick("glacct", "GL Account", GL_ACCOUNTS),
        _money("unit_price", "Unit Price"),
        Field("commissionrate", "Commission Rate", "double", decimals=3),
        _readonly("taxclass", "Tax Class"),
        _pick("usageunit", "Usage Unit", USAGE_UNITS),
        Field("qty_per_unit", "Qty/Unit", "double", decimals=2),
        Field("qtyinstock", "Qty In Stock", "double", decimals=3),
        Field("reorderlevel", "Reorder Level", "integer"),
        Field("qtyindemand", "Qty In Demand", "integer"),
        *_entity_tail(),
    ),
    label_fields="productname", number_field="product_no", number_prefix="PRO",
)

SERVICES = Module(
    "Services", 24, "Services", "Service",
    fields=(
        Field("servicename", "Service Name", mandatory=True),
        _readonly("service_no", "Service No"),
        Field("discontinued", "Service Active", "boolean", default="1"),
        _pick("service_usageunit", "Usage Unit", ("Hours", "Days", "Incidents")),
        _pick("servicecategory", "Service Category",
              ("Support", "Installation", "Migration", "Customization", "Training")),
        Field("qty_per_unit", "No of Units", "double", decimals=2),
        _money("unit_price", "Price"),
        Field("commissionrate", "Commission Rate", "double", decimals=3),
        _readonly("taxclass", "Tax Class"),
        Field("sales_start_date", "Sales Start Date", "date"),
        Field("sales_end_date", "Sales End Date", "date"),
        Field("website", "Website", "url"),
        *_entity_tail(),
    ),
    label_fields="servicename", number_field="service_no", number_prefix="SER",
)


def _inventory_tail(received: bool) -> tuple[Field, ...]:
    """Address, currency, tax mode and the totals the server recomputes."""
    totals = (
        _readonly("hdnSubTotal", "Sub Total", "currency"),
        _money("hdnDiscountAmount", "Discount Amount"),
        Field("hdnDiscountPercent", "Discount Percent", "double", decimals=3),
        _money("hdnS_H_Amount", "S&H Amount"),
        Field("hdnS_H_Percent", "S&H Percent", "double", decimals=3),
        _money("txtAdjustment", "Adjustment"),
        _readonly("pre_tax_total", "Pre Tax Total", "currency"),
        _readonly("hdnGrandTotal", "Total", "currency"),
    )
    paid = (_money("received", "Received"), _readonly("balance", "Balance", "currency")) if received else ()
    return (
        *_address("bill", "Billing", street_mandatory=True),
        *_address("ship", "Shipping", street_mandatory=True),
        _pick("hdnTaxType", "Tax Type", TAX_TYPES, default="group"),
        _ref("currency_id", "Currency", "Currency", default="21x1"),
        Field("conversion_rate", "Conversion Rate", "double", decimals=3, default="1.000"),
        *totals,
        *paid,
        _text("terms_conditions", "Terms & Conditions"),
        *_entity_tail(),
    )


INVOICE = Module(
    "Invoice", 7, "Invoices", "Invoice",
    fields=(
        Field("subject", "Subject", mandatory=True),
        _readonly("invoice_no", "Invoice No"),
        _ref("salesorder_id", "Sales Order", "SalesOrder"),
        Field("customerno", "Customer No"),
        _ref("contact_id", "Contact Name", "Contacts"),
        Field("invoicedate", "Invoice Date", "date"),
        Field("duedate", "Due Date", "date"),
        Field("purchaseorder", "Purchase Order"),
        _ref("account_id", "Organization Name", "Accounts", mandatory=True),
        _pick("invoicestatus", "Status",
              ("AutoCreated", "Created", "Approved", "Sent", "Credit Invoice", "Paid", "Cancel"), default="Created"),
        *_inventory_tail(received=True),
    ),
    inventory=True, label_fields="subject", number_field="invoice_no", number_prefix="INV",
)

SALES_ORDER = Module(
    "SalesOrder", 6, "Sales Orders", "Sales Order",
    fields=(
        Field("subject", "Subject", mandatory=True),
        _readonly("salesorder_no", "SalesOrder No"),
        Field("customerno", "Customer No"),
        _ref("contact_id", "Contact Name", "Contacts"),
        Field("duedate", "Due Date", "date"),
        _pick("carrier", "Carrier", CARRIERS),
        Field("pending", "Pending"),
        _pick("sostatus", "Status", ("Created", "Approved", "Delivered", "Cancelled"), mandatory=True,
              default="Created"),
        _ref("account_id", "Organization Name", "Accounts", mandatory=True),
        *_inventory_tail(received=False),
    ),
    inventory=True, label_fields="subject", number_field="salesorder_no", number_prefix="SO",
)

PURCHASE_ORDER = Module(
    "PurchaseOrder", 5, "Purchase Orders", "Purchase Order",
    fields=(
        Field("subject", "Subject", mandatory=True),
        _readonly("purchaseorder_no", "PurchaseOrder No"),
        _ref("vendor_id", "Vendor Name", "Vendors", mandatory=True),
        Field("requisition_no", "Requisition No"),
        Field("tracking_no", "Tracking Number"),
        _ref("contact_id", "Contact Name", "Contacts"),
        Field("duedate", "Due Date", "date"),
        _pick("carrier", "Carrier", CARRIERS),
        _pick("postatus", "Status", ("Created", "Approved", "Delivered", "Cancelled", "Received Shipment"),
              mandatory=True, default="Created"),
        *_inventory_tail(received=False),
    ),
    inventory=True, label_fields="subject", number_field="purchaseorder_no", number_prefix="PO",
)

CURRENCY = Module(
    "Currency", 21, "Currency", "Currency", is_entity=False, label_fields="currency_name",
    fields=(
        Field("currency_name", "Currency Name", mandatory=True),
        Field("currency_code", "Currency Code", mandatory=True),
        Field("currency_symbol", "Symbol", mandatory=True),
        Field("conversion_rate", "Conversion Rate", "double", decimals=5, default="1.00000"),
        _pick("currency_status", "Status", ("Active", "Inactive"), default="Active"),
        Field("defaultid", "Default", default="0"),
        Field("deleted", "Deleted", "boolean", default="0"),
    ),
)

# vtiger_inventorytaxinfo: taxname (tax1, tax2...) is assigned by the server.
TAX = Module(
    "Tax", 34, "Tax", "Tax", is_entity=False, label_fields="taxlabel",
    fields=(
        _readonly("taxname", "Tax Name"),
        Field("taxlabel", "Tax Label", mandatory=True),
        Field("percentage", "Percentage", "double", mandatory=True, decimals=3),
        _pick("method", "Method", ("Simple", "Compound", "Deducted"), default="Simple"),
        _pick("type", "Type", ("Fixed", "Variable"), default="Fixed"),
        Field("deleted", "Deleted", "boolean", default="0"),
    ),
)

# vtiger_producttaxrel: one row per (product, tax); a product may carry several taxes.
PRODUCT_TAXES = Module(
    "ProductTaxes", 35, "ProductTaxes", "ProductTaxes", is_entity=False,
    fields=(
        _ref("productid", "Product", "Products", "Services", mandatory=True),
        _ref("taxid", "Tax", "Tax", mandatory=True),
        Field("taxpercentage", "Tax Percentage", "double", decimals=3),
    ),
)

# vtiger_organizationdetails, the one row of Settings > Company Details (include/Webservices/Custom/
# VtigerCompanyDetails.php). An actor's fields are its table's columns, labelled by their names; none
# is mandatory (every column is nullable and has no unique key), types come from vtiger_ws_entity_fieldtype
# (phone, fax, website, logoname) or the column type (``logo`` is a TEXT column).
COMPANY_DETAILS = Module(
    "CompanyDetails", 23, "CompanyDetails", "CompanyDetails", is_entity=False, label_fields="organizationname",
    fields=(
        Field("organizationname", "organizationname"),
        Field("address", "address"),
        Field("city", "city"),
        Field("state", "state"),
        Field("country", "country"),
        Field("code", "code"),
        Field("phone", "phone", "phone"),
        Field("fax", "fax", "phone"),
        Field("website", "website", "url"),
        Field("logoname", "logoname", "file"),
        Field("logo", "logo", "text"),
        Field("vatid", "vatid"),
    ),
)

# Fields of one line item, as Invoice/SalesOrder/PurchaseOrder carry them in ``LineItems``.
LINE_ITEM_FIELDS = (
    _ref("productid", "Item Name", "Products", "Services", mandatory=True),
    Field("sequence_no", "Sequence No", "integer"),
    Field("quantity", "Quantity", "double", mandatory=True, decimals=3),
    Field("listprice", "List Price", "currency", decimals=8),
    Field("discount_percent", "Discount Percent", "double", decimals=3),
    Field("discount_amount", "Discount Amount", "currency", decimals=8),
    _text("comment", "Comments"),
    _text("description", "Description"),
)

MODULES: dict[str, Module] = {
    m.name: m
    for m in (
        ACCOUNTS, CONTACTS, VENDORS, PRODUCTS, SERVICES, INVOICE, SALES_ORDER, PURCHASE_ORDER,
        CURRENCY, TAX, PRODUCT_TAXES, COMPANY_DETAILS,
    )
}
BY_PREFIX: dict[int, Module] = {m.id_prefix: m for m in MODULES.values()}
ENTITY_MODULES = [m.name for m in MODULES.values() if m.is_entity]
INVENTORY_MODULES = [m.name for m in MODULES.values() if m.inventory]
_FIELD_INDEX: dict[str, dict[str, Field]] = {m.name: {f.name: f for f in m.fields} for m in MODULES.values()}

# fmt: on


def module_named(name: str) -> Module:
    """The module with exactly this name, or ACCESS_DENIED as ``listtypes`` membership checks give."""
    module = MODULES.get(name)
    if module is None:
        raise VtigerError(ErrorCode.ACCESS_DENIED, "Permission to perform the operation is denied")
    return module


def module_by_name_ci(name: str) -> Module:
    """Look a module up as vtiger_ws_entity does (MySQL compares names case-insensitively)."""
    for module in MODULES.values():
        if module.name.lower() == name.strip().lower():
            return module
    raise denied_for_name(name)


def _type_details(field: Field) -> dict[str, object]:
    details: dict[str, object] = {}
    if field.type == "picklist":
        details["picklistValues"] = [{"label": v, "value": v} for v in field.picklist]
        details["defaultValue"] = field.default or (field.picklist[0] if field.picklist else "")
    elif field.is_reference:
        details["refersTo"] = list(field.refers_to)
    elif field.type == "date":
        details["format"] = "yyyy-mm-dd"
    details["name"] = field.type
    return details


def describe(module: Module) -> dict[str, object]:
    """What ``describe`` answers for a module: labels, flags, ``idPrefix`` and every field."""
    fields: list[dict[str, object]] = []
    for field in module.fields:
        entry: dict[str, object] = {
            "name": field.name,
            "label": field.label,
            "mandatory": field.mandatory,
            "type": _type_details(field),
            "isunique": False,
            "nullable": not field.mandatory,
            "editable": field.editable,
        }
        if field.default:
            entry["default"] = field.default
        fields.append(entry)
    fields.append(
        {
            "name": "id",
            "label": "id",
            "mandatory": False,
            "type": {"name": "autogenerated"},
            "editable": False,
            "nullable": False,
            "default": "",
        }
    )
    return {
        "label": module.label,
        "name": module.name,
        "createable": True,
        "updateable": True,
        "deleteable": True,
        "retrieveable": True,
        "fields": fields,
        "idPrefix": str(module.id_prefix),
        "isEntity": module.is_entity,
        "allowDuplicates": True,
        "labelFields": module.label_fields,
    }


def listtypes(field_types: list[str] | None = None) -> dict[str, object]:
    """What ``listtypes`` answers: module names and, per module, ``{isEntity, label, singular}``.

    ``field_types`` keeps only modules with a field of one of those types.
    """
    wanted = [m for m in MODULES.values() if not field_types or any(f.type in field_types for f in m.fields)]
    # vTiger lists entity modules first, then the actor ones.
    ordered = [m for m in wanted if m.is_entity] + [m for m in wanted if not m.is_entity]
    return {
        "types": [m.name for m in ordered],
        "information": {m.name: {"isEntity": m.is_entity, "label": m.label, "singular": m.singular} for m in ordered},
    }
