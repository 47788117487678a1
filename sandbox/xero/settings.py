"""Organisation settings: the Organisation record, the chart of Accounts and TaxRates.

Also the lookups every other family needs: an account by code or id, the
system accounts (debtors, creditors, tax) journals post to, and a tax rate's
effective percentage.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sandbox.xero.catalogue import entry
from sandbox.xero.errors import Invalid
from sandbox.xero.money import ONE, UNITS_PER_USD, ZERO, quantity
from sandbox.xero.resource import Reader, Resource, WriteContext, is_guid
from sandbox.xero.store import OrgBook
from sandbox.xero.wire import public

Record = dict[str, Any]

ACCOUNT_TYPES = (
    "BANK", "CURRENT", "CURRLIAB", "DEPRECIATN", "DIRECTCOSTS", "EQUITY", "EXPENSE", "FIXED", "INVENTORY",
    "LIABILITY", "NONCURRENT", "OTHERINCOME", "OVERHEADS", "PREPAYMENT", "REVENUE", "SALES", "TERMLIAB", "PAYG",
)  # fmt: skip
ACCOUNT_CLASS = {
    **dict.fromkeys(("BANK", "CURRENT", "FIXED", "INVENTORY", "NONCURRENT", "PREPAYMENT"), "ASSET"),
    **dict.fromkeys(("CURRLIAB", "LIABILITY", "TERMLIAB", "PAYG"), "LIABILITY"),
    **dict.fromkeys(("EQUITY",), "EQUITY"),
    **dict.fromkeys(("REVENUE", "SALES", "OTHERINCOME"), "REVENUE"),
    **dict.fromkeys(("EXPENSE", "OVERHEADS", "DIRECTCOSTS", "DEPRECIATN"), "EXPENSE"),
}
_REPORTING = {
    "ASSET": ("ASS", "Assets"),
    "LIABILITY": ("LIA", "Liabilities"),
    "EQUITY": ("EQU", "Equity"),
    "REVENUE": ("REV", "Revenue"),
    "EXPENSE": ("EXP", "Expense"),
}
ACCOUNT_STATUSES = ("ACTIVE", "ARCHIVED")
TAX_STATUSES = ("ACTIVE", "DELETED", "ARCHIVED", "PENDING")


# -- lookups used across families ------------------------------------------------------


def account_by_code(book: OrgBook, code: str) -> Record | None:
    """An account by its code."""
    record_id = book.find("account_code", code)
    return book.get("Accounts", record_id) if record_id else None


def account_ref(book: OrgBook, ref: Mapping[str, Any]) -> Record | None:
    """The account an ``{AccountID}`` or ``{Code}`` reference names."""
    account_id = ref.get("AccountID")
    if is_guid(account_id):
        return book.get("Accounts", str(account_id).lower())
    code = ref.get("Code")
    if code is not None:
        return account_by_code(book, str(code))
    return None


def system_account(book: OrgBook, kind: str) -> Record:
    """A system account (DEBTORS, CREDITORS, GST, …) that journals post to."""
    record_id = book.find("system_account", kind)
    found = book.get("Accounts", record_id) if record_id else None
    if found is None:
        raise LookupError(f"organisation has no {kind} account")
    return found


def tax_rate(book: OrgBook, tax_type: str) -> Record | None:
    """A tax rate by its TaxType code."""
    return book.get("TaxRates", tax_type.upper())


def effective_rate(components: list[Record]) -> Decimal:
    """The rate a set of components charges: simple ones add up, compound ones apply on top."""
    simple = sum((Decimal(str(c["Rate"])) for c in components if not c.get("IsCompound")), ZERO)
    rate = simple
    for component in components:
        if component.get("IsCompound"):
            rate = (ONE + rate / 100) * (ONE + Decimal(str(component["Rate"])) / 100) * 100 - 100
    return quantity(rate)


def subscribed_currencies(book: OrgBook) -> frozenset[str]:
    """Currencies the organisation may use (the sandbox subscribes every one it knows)."""
    return frozenset(UNITS_PER_USD)


# -- Organisation ----------------------------------------------------------------------


class Organisations(Resource):
    """GET /Organisation: one organisation, the tenant's own."""

    def records(self, book: OrgBook) -> list[Record]:
        """The organisation itself, as a one-element list."""
        return [book.organisation]


# -- Accounts --------------------------------------------------------------------------


class Accounts(Resource):
    """The chart of accounts: no paging; DELETE marks an account deleted."""

    def visible(self, record: Record, params: Mapping[str, str]) -> bool:
        """Deleted accounts are gone from lists."""
        return record.get("Status") != "DELETED"

    def view(self, book: OrgBook, record: Record, *, lines: bool = True, summary: bool = False) -> Record:
        """The account, with its class and reporting code spelt out."""
        return public(record)

    def write(self, book: OrgBook, element: Mapping[str, Any], ctx: WriteContext) -> Record:
        """PUT /Accounts (one account) or POST /Accounts/{id}."""
        reader = Reader(element)
        existing = self.located(book, reader, ctx)
        record: Record = dict(existing) if existing else {"AccountID": self.new_id(book), "Status": "ACTIVE"}
        code = reader.text("Code", max_len=10)
        name = reader.text("Name", max_len=150)
        kind = reader.choice("Type", ACCOUNT_TYPES)
        status = reader.choice("Status", ACCOUNT_STATUSES)
        if existing is None:
            if not name:
                reader.fail("Please enter a Name.")
            if kind is None and not reader.has("Type"):
                reader.fail("Please select an account Type.")
        if kind and existing and existing.get("SystemAccount") and kind != existing["Type"]:
            reader.fail("The type of a system account cannot be changed.")
        final_kind = kind or record.get("Type")
        if code is not None:
            record["Code"] = code
        if not record.get("Code") and final_kind != "BANK":
            reader.fail("Please enter a Code.")
        if record.get("Code"):
            other = book.find("account_code", record["Code"])
            if other and other != record["AccountID"]:
                reader.fail("Please enter a unique Code.")
        if name is not None:
            record["Name"] = name
            other = book.find("account_name", name)
            if other and other != record["AccountID"]:
                reader.fail("Please enter a unique Name.")
        if final_kind:
            record["Type"] = final_kind
            record["Class"] = ACCOUNT_CLASS[final_kind]
            reporting = _REPORTING[record["Class"]]
            record.setdefault("ReportingCode", reporting[0])
            record["ReportingCodeName"] = reporting[1]
        for key in ("Description", "BankAccountNumber", "ReportingCode"):
            value = reader.text(key)
            if value is not None:
                record[key] = value
        tax_type = reader.text("TaxType")
        if tax_type is not None:
            if tax_rate(book, tax_type) is None:
                reader.fail(f"The TaxType code '{tax_type}' does not exist or cannot be used for this account.")
            record["TaxType"] = tax_type.upper()
        currency = reader.text("CurrencyCode")
        if currency is not None:
            if currency.upper() not in subscribed_currencies(book):
                reader.fail(f"Organisation is not subscribed to currency {currency}")
            record["CurrencyCode"] = currency.upper()
        if final_kind == "BANK":
            record["BankAccountType"] = reader.choice(
                "BankAccountType", ("BANK", "CREDITCARD", "PAYPAL")
            ) or record.get("BankAccountType", "BANK")
            record.setdefault("CurrencyCode", book.base_currency)
            if not record.get("BankAccountNumber"):
                reader.fail("Bank Account Number is required for bank accounts.")
        for key in ("EnablePaymentsToAccount", "ShowInExpenseClaims", "AddToWatchlist"):
            switch = reader.flag(key)
            if switch is not None:
                record[key] = switch
            else:
                record.setdefault(key, False)
        if status is not None:
            if status == "ARCHIVED" and record.get("SystemAccount"):
                reader.fail("System accounts cannot be archived.")
            record["Status"] = status
        record.setdefault("HasAttachments", False)
        reader.check()
        record["UpdatedDateUTC"] = ctx.now
        book.put(self.name, self.id_field, record)
        return record

    def delete(self, book: OrgBook, record: Record, ctx: WriteContext) -> Record | None:
        """DELETE /Accounts/{id}: system accounts stay; others are marked DELETED."""
        if record.get("SystemAccount"):
            raise Invalid("System accounts cannot be deleted.")
        deleted = {**record, "Status": "DELETED", "UpdatedDateUTC": ctx.now}
        book.put(self.name, self.id_field, deleted)
        return deleted


# -- TaxRates --------------------------------------------------------------------------


class TaxRates(Resource):
    """Tax rates, keyed by TaxType; PUT creates (TAX001, TAX002, …), POST updates."""

    def find(self, book: OrgBook, key: str) -> Record | None:
        """A tax rate by TaxType."""
        return tax_rate(book, key)

    def write(self, book: OrgBook, element: Mapping[str, Any], ctx: WriteContext) -> Record:
        """Create (PUT) or update (POST, matched by TaxType or Name) a tax rate."""
        reader = Reader(element)
        tax_type = reader.text("TaxType")
        name = reader.text("Name")
        existing = tax_rate(book, tax_type) if tax_type else None
        if existing is None and name and tax_type is None:
            record_id = book.find("tax_name", name)
            existing = book.get(self.name, record_id) if record_id else None
        if tax_type and existing is None and ctx.method == "POST":
            raise Invalid(f"The TaxType code '{tax_type}' does not exist")
        if existing is not None and ctx.method == "PUT":
            raise Invalid("Please enter a unique Name.")
        record: Record = dict(existing) if existing else {"Status": "ACTIVE"}
        if existing is None:
            if not name:
                reader.fail("Please enter a Name.")
            record["TaxType"] = f"TAX{book.next_counter('tax_type'):03d}"
            while tax_rate(book, record["TaxType"]) is not None:
                record["TaxType"] = f"TAX{book.next_counter('tax_type'):03d}"
            for key in ("CanApplyToAssets", "CanApplyToEquity", "CanApplyToExpenses"):
                record[key] = True
            record["CanApplyToLiabilities"] = True
            record["CanApplyToRevenue"] = True
        if name is not None:
            other = book.find("tax_name", name)
            if other and other != record["TaxType"]:
                reader.fail("Please enter a unique Name.")
            record["Name"] = name
        report = reader.text("ReportTaxType")
        if report is not None:
            record["ReportTaxType"] = report.upper()
        status = reader.choice("Status", TAX_STATUSES)
        if status is not None:
            if status != "ACTIVE" and existing is not None and existing.get("_system"):
                reader.fail("System tax rates cannot be deleted or archived.")
            record["Status"] = status
        components = reader.objs("TaxComponents")
        if components is not None:
            record["TaxComponents"] = self._components(reader, components)
        elif existing is None:
            reader.fail("At least one tax component is required.")
        reader.check()
        rate = effective_rate(record["TaxComponents"])
        record["EffectiveRate"] = rate
        record["DisplayTaxRate"] = rate
        book.put(self.name, self.id_field, record)
        return record

    @staticmethod
    def _components(reader: Reader, raw: list[Mapping[str, Any]]) -> list[Record]:
        components: list[Record] = []
        for item in raw:
            part = Reader(item)
            rate = part.number("Rate")
            name = part.text("Name")
            if rate is None or not name:
                reader.fail("Each tax component needs a Name and a Rate.")
                continue
            components.append(
                {
                    "Name": name,
                    "Rate": quantity(rate),
                    "IsCompound": bool(part.flag("IsCompound")),
                    "IsNonRecoverable": bool(part.flag("IsNonRecoverable")),
                }
            )
        return components


def resources() -> list[Resource]:
    """The settings family's resources."""
    return [Organisations(entry("Organisation")), Accounts(entry("Accounts")), TaxRates(entry("TaxRates"))]
