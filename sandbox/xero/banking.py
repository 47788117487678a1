"""Money moving: Payments against invoices and credit notes, and BankTransfers.

Payment rules, as Xero's: the document must be AUTHORISED; the account must
be of Type BANK or have EnablePaymentsToAccount; the amount must be above
zero and no more than what is outstanding. A payment that settles the
document makes it PAID. Payments are never edited, only deleted (Status
DELETED), which puts the document back to AUTHORISED. Transfers go between
two different bank accounts; they are created with PUT and deleted (soft)
with POST, and deleted ones show only with ``includeDeleted=true``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sandbox.xero.catalogue import Endpoint, entry
from sandbox.xero.contacts import contact_summary
from sandbox.xero.documents import Documents
from sandbox.xero.errors import Invalid
from sandbox.xero.invoicing import apply_payment
from sandbox.xero.ledger import Posting, balanced, post_journal, reverse_journal
from sandbox.xero.money import ONE, ZERO, day_rate, money
from sandbox.xero.resource import Reader, Resource, WriteContext, is_guid
from sandbox.xero.settings import account_ref, system_account
from sandbox.xero.store import OrgBook
from sandbox.xero.wire import public

Record = dict[str, Any]

PAYMENT_TYPES = {
    "ACCREC": "ACCRECPAYMENT",
    "ACCPAY": "ACCPAYPAYMENT",
    "ACCRECCREDIT": "ARCREDITPAYMENT",
    "ACCPAYCREDIT": "APCREDITPAYMENT",
}
# Money comes in (+1) on sales payments and supplier refunds, goes out (−1) otherwise.
_BANK_SIGN = {"ACCRECPAYMENT": 1, "APCREDITPAYMENT": 1, "ACCPAYPAYMENT": -1, "ARCREDITPAYMENT": -1}


def _account_summary(account: Record) -> Record:
    summary: Record = {"AccountID": account["AccountID"], "Name": account["Name"]}
    if account.get("Code"):
        summary["Code"] = account["Code"]
    return summary


class Payments(Resource):
    """The Payments collection."""

    def __init__(self, endpoint: Endpoint, invoices: Documents, credit_notes: Documents) -> None:
        super().__init__(endpoint)
        self.documents = {"Invoices": invoices, "CreditNotes": credit_notes}

    def view(self, book: OrgBook, record: Record, *, lines: bool = True, summary: bool = False) -> Record:
        """The payment, with the document it pays and the account it went through."""
        shown = public(record)
        entity, document_id = record["_document"]
        document = book.get(entity, document_id)
        if document is not None:
            contact = book.get("Contacts", document["_contact"])
            if entity == "Invoices":
                shown["Invoice"] = {
                    "Type": document["Type"],
                    "InvoiceID": document["InvoiceID"],
                    "InvoiceNumber": document.get("InvoiceNumber", ""),
                    "CurrencyCode": document["CurrencyCode"],
                    **({"Contact": contact_summary(contact)} if contact else {}),
                }
            else:
                shown["CreditNote"] = {
                    "Type": document["Type"],
                    "CreditNoteID": document["CreditNoteID"],
                    "CreditNoteNumber": document.get("CreditNoteNumber", ""),
                    "CurrencyCode": document["CurrencyCode"],
                    **({"Contact": contact_summary(contact)} if contact else {}),
                }
        account = book.get("Accounts", record["_account"])
        if account is not None:
            shown["Account"] = _account_summary(account)
        return shown

    def write(self, book: OrgBook, element: Mapping[str, Any], ctx: WriteContext) -> Record:
        """Create a payment, or delete one (the only change Xero allows)."""
        reader = Reader(element)
        existing = self.located(book, reader, ctx)
        status = reader.choice("Status", ("AUTHORISED", "DELETED"))
        reader.check()
        if existing is not None:
            if status != "DELETED":
                raise Invalid("A payment can only be deleted (Status DELETED); to change one, delete it and pay again.")
            return self._delete(book, existing, ctx)
        if status == "DELETED":
            raise Invalid("A payment cannot be created with status DELETED.")
        resource, document = self._document(book, reader)
        account = self._account(book, reader)
        amount = reader.number("Amount")
        day = reader.day("Date") or ctx.today
        rate = reader.number("CurrencyRate")
        reference = reader.text("Reference", max_len=255)
        reconciled = reader.flag("IsReconciled")
        if amount is None or amount <= 0:
            reader.fail("Payment amount must be greater than zero.")
        if resource is None or document is None:
            reader.check()
            raise Invalid("An Invoice or CreditNote must be specified for the payment.")
        if document["Status"] != "AUTHORISED":
            reader.fail(f"Payments can only be made against AUTHORISED documents; this one is {document['Status']}.")
        owed = document["RemainingCredit"] if "RemainingCredit" in document else document.get("AmountDue", ZERO)
        if amount is not None and amount > owed:
            reader.fail("Payment amount exceeds the amount outstanding on this document")
        reader.check()
        if account is None or amount is None:  # reader.check() has refused these already
            raise Invalid("The payment needs an Account and an Amount.")
        amount = money(amount)
        currency_rate = rate if rate is not None and rate > 0 else document["CurrencyRate"]
        payment_type = PAYMENT_TYPES[document["Type"]]
        bank_currency = account.get("CurrencyCode", book.base_currency)
        record: Record = {
            "PaymentID": self.new_id(book),
            "Date": day,
            "Amount": amount,
            "BankAmount": amount if bank_currency == document["CurrencyCode"] else money(amount / currency_rate),
            "CurrencyRate": currency_rate,
            "PaymentType": payment_type,
            "Status": "AUTHORISED",
            "IsReconciled": bool(reconciled),
            "HasAccount": True,
            "HasValidationErrors": False,
            "UpdatedDateUTC": ctx.now,
            "_document": (resource.name, document[resource.id_field]),
            "_account": account["AccountID"],
        }
        if reference:
            record["Reference"] = reference
        record["_journals"] = (self._post(book, record, account, document, ctx.now),)
        book.put(self.name, self.id_field, record)
        apply_payment(book, resource, document, record, undo=False)
        return record

    def _document(self, book: OrgBook, reader: Reader) -> tuple[Documents | None, Record | None]:
        for entity, key, number_key in (
            ("Invoices", "Invoice", "InvoiceNumber"),
            ("CreditNotes", "CreditNote", "CreditNoteNumber"),
        ):
            resource = self.documents[entity]
            ref = reader.obj(key) or {}
            number = ref.get(number_key) or reader.element.get(number_key)
            document_id = ref.get(resource.id_field)
            if document_id is None and number is None:
                continue
            found = resource.find(book, str(document_id if document_id is not None else number))
            if found is None:
                reader.fail(f"The {resource.label().lower()} for this payment could not be found.")
            return resource, found
        return None, None

    @staticmethod
    def _account(book: OrgBook, reader: Reader) -> Record | None:
        ref = dict(reader.obj("Account") or {})
        if not ref and reader.has("Code"):
            ref = {"Code": reader.element["Code"]}
        if not ref:
            reader.fail("An Account (AccountID or Code) must be given for the payment.")
            return None
        account = account_ref(book, ref)
        if account is None or account.get("Status") != "ACTIVE":
            reader.fail(f"The account {ref.get('Code') or ref.get('AccountID')} could not be found.")
            return None
        if account["Type"] != "BANK" and not account.get("EnablePaymentsToAccount"):
            reader.fail(
                f"Account {account.get('Code') or account['Name']} cannot take payments: payments can only be made "
                "to or from accounts of Type BANK or with EnablePaymentsToAccount set to true."
            )
        return account

    def _post(self, book: OrgBook, record: Record, account: Record, document: Record, now: datetime) -> str:
        base = money(record["Amount"] / record["CurrencyRate"])
        sign = _BANK_SIGN[record["PaymentType"]]
        control = system_account(book, "DEBTORS" if document["Type"] in {"ACCREC", "ACCRECCREDIT"} else "CREDITORS")
        return post_journal(
            book,
            source_id=record["PaymentID"],
            source_type=record["PaymentType"],
            day=record["Date"],
            created=now,
            reference=record.get("Reference"),
            postings=balanced([Posting(account, sign * base)], control),
        )

    def _delete(self, book: OrgBook, existing: Record, ctx: WriteContext) -> Record:
        if existing["Status"] == "DELETED":
            raise Invalid("This payment has already been deleted.")
        journals = tuple(existing.get("_journals", ()))
        if journals:
            journals += (reverse_journal(book, journals[-1], day=ctx.today, created=ctx.now),)
        record = {**existing, "Status": "DELETED", "UpdatedDateUTC": ctx.now, "_journals": journals}
        book.put(self.name, self.id_field, record)
        entity, document_id = existing["_document"]
        document = book.get(entity, document_id)
        if document is not None:
            apply_payment(book, self.documents[entity], document, record, undo=True)
        return record


class BankTransfers(Resource):
    """The BankTransfers collection: PUT creates, POST deletes."""

    def visible(self, record: Record, params: Mapping[str, str]) -> bool:
        """Deleted transfers only with ``includeDeleted=true``."""
        if record.get("Status") == "DELETED":
            return params.get("includeDeleted", "").lower() == "true"
        return True

    def modified(self, record: Record) -> datetime | None:
        """Created, or deleted later: either is a change a sync must see."""
        value = record.get("_modified") or record.get("CreatedDateUTC")
        return value if isinstance(value, datetime) else None

    def write(self, book: OrgBook, element: Mapping[str, Any], ctx: WriteContext) -> Record:
        """PUT: a new transfer; POST: delete one (``{"BankTransferID": …, "Status": "DELETED"}``)."""
        reader = Reader(element)
        existing = self.located(book, reader, ctx)
        if existing is not None or ctx.method == "POST":
            if existing is None:
                raise Invalid("POST only deletes bank transfers (give BankTransferID); create them with PUT.")
            if reader.choice("Status", ("AUTHORISED", "DELETED")) != "DELETED":
                reader.check()
                raise Invalid("A bank transfer can only be deleted (Status DELETED).")
            if existing["Status"] == "DELETED":
                raise Invalid("This bank transfer has already been deleted.")
            journals = tuple(existing.get("_journals", ()))
            if journals:
                journals += (reverse_journal(book, journals[-1], day=ctx.today, created=ctx.now),)
            deleted = {**existing, "Status": "DELETED", "_modified": ctx.now, "_journals": journals}
            book.put(self.name, self.id_field, deleted)
            return deleted
        source = self._bank(book, reader, "FromBankAccount")
        target = self._bank(book, reader, "ToBankAccount")
        amount = reader.number("Amount")
        day = reader.day("Date") or ctx.today
        reference = reader.text("Reference", max_len=255)
        if source is not None and target is not None and source["AccountID"] == target["AccountID"]:
            reader.fail("The From and To bank accounts must be different.")
        if amount is None or amount <= 0:
            reader.fail("Amount must be greater than zero.")
        reader.check()
        if source is None or target is None or amount is None:  # reader.check() has refused these already
            raise Invalid("A bank transfer needs FromBankAccount, ToBankAccount and Amount.")
        amount = money(amount)
        from_currency = source.get("CurrencyCode", book.base_currency)
        to_currency = target.get("CurrencyCode", book.base_currency)
        record: Record = {
            "BankTransferID": self.new_id(book),
            "FromBankAccount": _account_summary(source),
            "ToBankAccount": _account_summary(target),
            "Amount": amount,
            "Date": day,
            "CurrencyRate": day_rate(from_currency, to_currency, day) if from_currency != to_currency else ONE,
            "FromBankTransactionID": book.new_id(),
            "ToBankTransactionID": book.new_id(),
            "FromIsReconciled": bool(reader.flag("FromIsReconciled")),
            "ToIsReconciled": bool(reader.flag("ToIsReconciled")),
            "HasAttachments": False,
            "CreatedDateUTC": ctx.now,
            "Status": "AUTHORISED",
        }
        if reference:
            record["Reference"] = reference
        base = (
            amount
            if from_currency == book.base_currency
            else money(amount / day_rate(book.base_currency, from_currency, day))
        )
        record["_journals"] = (
            post_journal(
                book,
                source_id=record["BankTransferID"],
                source_type="TRANSFER",
                day=day,
                created=ctx.now,
                reference=reference,
                postings=[Posting(target, base), Posting(source, -base)],
            ),
        )
        book.put(self.name, self.id_field, record)
        return record

    @staticmethod
    def _bank(book: OrgBook, reader: Reader, key: str) -> Record | None:
        ref = reader.obj(key)
        if ref is None:
            reader.fail(f"{key} is required.")
            return None
        if ref.get("AccountID") is not None and not is_guid(ref.get("AccountID")):
            reader.fail(f"{key}.AccountID is not a valid identifier.")
            return None
        account = account_ref(book, ref)
        if account is None or account["Type"] != "BANK" or account.get("Status") != "ACTIVE":
            reader.fail(f"The {key} must be an active bank account.")
            return None
        return account


def resources(invoices: Documents, credit_notes: Documents) -> list[Resource]:
    """The banking family's resources."""
    return [Payments(entry("Payments"), invoices, credit_notes), BankTransfers(entry("BankTransfers"))]
