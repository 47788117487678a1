"""Xero emulator: Xero's business rules, each refused with a readable ValidationErrors message."""

from __future__ import annotations

from typing import Any

import pytest
from xero_support import XeroTestClient


def _line(amount: float = 100, account: str = "200", **extra: Any) -> dict[str, Any]:
    return {"Description": "Service", "Quantity": 1, "UnitAmount": amount, "AccountCode": account, **extra}


def _invoice(client: XeroTestClient, **fields: Any) -> dict[str, Any]:
    element = {"Type": "ACCREC", "Contact": {"Name": "Rules Customer"}, "LineItems": [_line()], **fields}
    return client.one(client.put("Invoices", {"Invoices": [element]}), "Invoices")


def _errors(response: Any) -> list[str]:
    """The messages of a refused one-element write (400 ValidationException)."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["Type"] == "ValidationException"
    return [m["Message"] for e in body["Elements"] for m in e["ValidationErrors"]]


def _pay(client: XeroTestClient, invoice: dict[str, Any], amount: float, account: str = "090") -> Any:
    return client.put(
        "Payments",
        {"Payments": [{"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Account": {"Code": account}, "Amount": amount,
                       "Date": "2025-12-20"}]},
    )  # fmt: skip


def _get(client: XeroTestClient, invoice: dict[str, Any]) -> dict[str, Any]:
    return client.one(client.get(f"Invoices/{invoice['InvoiceID']}"), "Invoices")


# -- invoice status rules -----------------------------------------------------------------------


def test_a_paid_invoice_cannot_be_edited(xero_client):
    invoice = _invoice(xero_client, Status="AUTHORISED")
    assert _pay(xero_client, invoice, 110).status_code == 200
    assert _get(xero_client, invoice)["Status"] == "PAID"
    for change in ({"Reference": "changed"}, {"Status": "VOIDED"}, {"LineItems": [_line(5)]}, {"Status": "DELETED"}):
        messages = _errors(xero_client.post(f"Invoices/{invoice['InvoiceID']}", {"Invoices": [change]}))
        assert messages == [
            "Invoice not of valid status for modification",
            "This document cannot be edited as it has a payment or credit note allocated to it.",
        ]
    assert _get(xero_client, invoice)["Status"] == "PAID"


def test_an_authorised_invoice_is_voided_not_deleted(xero_client):
    invoice = _invoice(xero_client, Status="AUTHORISED", Reference="Original")
    path = f"Invoices/{invoice['InvoiceID']}"
    assert "void it instead" in _errors(xero_client.post(path, {"Invoices": [{"Status": "DELETED"}]}))[0]
    assert "cannot go back to DRAFT" in _errors(xero_client.post(path, {"Invoices": [{"Status": "DRAFT"}]}))[0]
    # Sending it back unchanged is not an edit; marking it sent is allowed.
    echoed = {k: invoice[k] for k in ("InvoiceID", "Type", "Reference", "InvoiceNumber", "Status")}
    assert xero_client.post("Invoices", {"Invoices": [echoed]}).status_code == 200
    sent = xero_client.one(xero_client.post(path, {"Invoices": [{"SentToContact": True}]}), "Invoices")
    assert sent["SentToContact"] is True
    voided = xero_client.one(xero_client.post(path, {"Invoices": [{"Status": "VOIDED"}]}), "Invoices")
    assert voided["Status"] == "VOIDED"
    assert voided["AmountDue"] == 0
    assert "cannot be changed" in _errors(xero_client.post(path, {"Invoices": [{"Status": "AUTHORISED"}]}))[0]
    journals = xero_client.ok(xero_client.get("Journals"), "Journals")
    assert [j["SourceID"] for j in journals] == [invoice["InvoiceID"]] * 2
    original, reversal = journals
    for a, b in zip(original["JournalLines"], reversal["JournalLines"], strict=True):
        assert (a["AccountCode"], a["NetAmount"]) == (b["AccountCode"], -b["NetAmount"])


def test_an_invoice_with_payments_cannot_be_voided(xero_client):
    invoice = _invoice(xero_client, Status="AUTHORISED")
    _pay(xero_client, invoice, 10)
    messages = _errors(xero_client.post(f"Invoices/{invoice['InvoiceID']}", {"Invoices": [{"Status": "VOIDED"}]}))
    assert "has payments allocated" in messages[0]


def test_draft_and_submitted_invoices_are_editable_and_deletable(xero_client):
    draft = _invoice(xero_client)
    assert draft["Status"] == "DRAFT"
    path = f"Invoices/{draft['InvoiceID']}"
    edited = xero_client.one(
        xero_client.post(path, {"Invoices": [{"Reference": "Edited", "LineItems": [_line(40), _line(60)]}]}), "Invoices"
    )
    assert (edited["Reference"], edited["SubTotal"], edited["Status"]) == ("Edited", 100.0, "DRAFT")
    submitted = xero_client.one(
        xero_client.post(path, {"Invoices": [{"Status": "SUBMITTED", "LineItems": [_line(70)]}]}), "Invoices"
    )
    assert (submitted["Status"], submitted["Total"]) == ("SUBMITTED", 77.0)
    assert (
        "a DRAFT or SUBMITTED one is deleted instead"
        in _errors(xero_client.post(path, {"Invoices": [{"Status": "VOIDED"}]}))[0]
    )
    deleted = xero_client.one(xero_client.post(path, {"Invoices": [{"Status": "DELETED"}]}), "Invoices")
    assert deleted["Status"] == "DELETED"
    assert xero_client.ok(xero_client.get("Journals"), "Journals") == []  # drafts never post


def test_invoices_cannot_be_created_paid_voided_or_deleted(xero_client):
    for status in ("PAID", "VOIDED", "DELETED"):
        element = {"Type": "ACCREC", "Contact": {"Name": "X"}, "Status": status, "LineItems": [_line()]}
        assert _errors(xero_client.put("Invoices", element))


def test_approving_needs_lines_with_accounts(xero_client):
    element = {"Type": "ACCREC", "Contact": {"Name": "X"}, "Status": "AUTHORISED", "LineItems": []}
    assert "at least one line item" in _errors(xero_client.put("Invoices", element))[0]
    element["LineItems"] = [{"Description": "No account", "Quantity": 1, "UnitAmount": 5}]
    assert "account code must be given" in _errors(xero_client.put("Invoices", element))[0]
    element["Status"] = "DRAFT"
    assert xero_client.put("Invoices", element).status_code == 200


# -- contacts -----------------------------------------------------------------------------------


def test_a_contact_has_at_most_five_contact_persons(xero_client):
    five = [{"FirstName": f"P{i}", "EmailAddress": f"p{i}@example.com"} for i in range(5)]
    created = xero_client.one(
        xero_client.put("Contacts", {"Contacts": [{"Name": "Five", "ContactPersons": five}]}), "Contacts"
    )
    assert len(created["ContactPersons"]) == 5
    messages = _errors(
        xero_client.post(
            f"Contacts/{created['ContactID']}", {"Contacts": [{"ContactPersons": [*five, {"FirstName": "Six"}]}]}
        )
    )
    assert messages == ["A contact can have at most 5 contact persons; 6 were given."]


def test_contact_name_is_unique_among_active_contacts(xero_client):
    first = xero_client.one(xero_client.put("Contacts", {"Contacts": [{"Name": "Acme Ltd"}]}), "Contacts")
    messages = _errors(xero_client.put("Contacts", {"Contacts": [{"Name": "ACME LTD"}]}))
    assert messages == [
        "The contact name ACME LTD is already assigned to another contact. "
        "The contact name must be unique across all active contacts."
    ]
    within_batch = xero_client.put("Contacts", {"Contacts": [{"Name": "Twin"}, {"Name": "Twin"}]})
    assert within_batch.status_code == 400
    xero_client.post(f"Contacts/{first['ContactID']}", {"Contacts": [{"ContactStatus": "ARCHIVED"}]})
    assert xero_client.put("Contacts", {"Contacts": [{"Name": "Acme Ltd"}]}).status_code == 200
    # Restoring the archived one would now clash.
    assert _errors(xero_client.post(f"Contacts/{first['ContactID']}", {"Contacts": [{"ContactStatus": "ACTIVE"}]}))


def test_contact_needs_a_name_and_a_valid_email(xero_client):
    assert _errors(xero_client.put("Contacts", {"Contacts": [{"EmailAddress": "x@example.com"}]})) == [
        "A contact Name is required."
    ]
    assert _errors(
        xero_client.put("Contacts", {"Contacts": [{"Name": "Bad Mail", "EmailAddress": "not-an-email"}]})
    ) == ["Email address must be valid."]


def test_is_customer_and_is_supplier_are_read_only_and_set_by_documents(xero_client, xero_clock):
    contact = xero_client.one(
        xero_client.put("Contacts", {"Contacts": [{"Name": "Role Co", "IsCustomer": True, "IsSupplier": True}]}),
        "Contacts",
    )
    assert (contact["IsCustomer"], contact["IsSupplier"]) == (False, False)
    xero_clock.advance(60)
    _invoice(xero_client, Contact={"ContactID": contact["ContactID"]})
    after_sale = xero_client.one(xero_client.get(f"Contacts/{contact['ContactID']}"), "Contacts")
    assert (after_sale["IsCustomer"], after_sale["IsSupplier"]) == (True, False)
    # As in Xero, this does not move UpdatedDateUTC.
    assert after_sale["UpdatedDateUTC"] == contact["UpdatedDateUTC"]
    _invoice(xero_client, Type="ACCPAY", Contact={"ContactID": contact["ContactID"]}, LineItems=[_line(10, "429")])
    after_bill = xero_client.one(xero_client.get(f"Contacts/{contact['ContactID']}"), "Contacts")
    assert (after_bill["IsCustomer"], after_bill["IsSupplier"]) == (True, True)


# -- invoices and their contacts and numbers ----------------------------------------------------------


def test_an_invoice_needs_a_contact(xero_client):
    no_contact = {"Type": "ACCREC", "LineItems": [_line()]}
    assert _errors(xero_client.put("Invoices", no_contact)) == [
        "A Contact must be specified for this type of transaction"
    ]
    empty = {**no_contact, "Contact": {}}
    assert _errors(xero_client.put("Invoices", empty)) == [
        "The Contact must contain at least 1 of the following elements to identify the contact: "
        "Name, ContactID, ContactNumber"
    ]
    unknown = {**no_contact, "Contact": {"ContactID": "0d3c9a51-0000-4000-8000-000000000000"}}
    assert "could not be found" in _errors(xero_client.put("Invoices", unknown))[0]


def test_an_invoice_naming_an_unknown_contact_creates_it(xero_client):
    invoice = _invoice(xero_client, Contact={"Name": "Walk-in Customer"})
    contacts = xero_client.ok(xero_client.get("Contacts"), "Contacts")
    assert [c["Name"] for c in contacts] == ["Walk-in Customer"]
    assert invoice["Contact"]["ContactID"] == contacts[0]["ContactID"]
    again = _invoice(xero_client, Contact={"Name": "walk-in customer"})
    assert again["Contact"]["ContactID"] == contacts[0]["ContactID"]


def test_sales_invoice_numbers_are_generated_and_unique(xero_client):
    assert _invoice(xero_client)["InvoiceNumber"] == "INV-0001"
    assert _invoice(xero_client, InvoiceNumber="INV-0002")["InvoiceNumber"] == "INV-0002"
    assert _invoice(xero_client)["InvoiceNumber"] == "INV-0003"  # skips the number taken by hand
    assert _errors(
        xero_client.put("Invoices", {"Type": "ACCREC", "Contact": {"Name": "X"}, "InvoiceNumber": "inv-0001"})
    ) == ["Invoice # must be unique."]
    # Bills carry the supplier's number, which need not be unique.
    bill = {
        "Type": "ACCPAY",
        "Contact": {"Name": "Supplier"},
        "InvoiceNumber": "INV-0001",
        "LineItems": [_line(10, "429")],
    }
    assert xero_client.put("Invoices", bill).status_code == 200
    assert "InvoiceNumber" not in _invoice(xero_client, Type="ACCPAY", LineItems=[_line(1, "429")])


def test_invoice_type_is_required_and_fixed(xero_client):
    assert "Type must be specified" in _errors(xero_client.put("Invoices", {"Contact": {"Name": "X"}}))[0]
    invoice = _invoice(xero_client)
    assert (
        "cannot be changed"
        in _errors(xero_client.post(f"Invoices/{invoice['InvoiceID']}", {"Invoices": [{"Type": "ACCPAY"}]}))[0]
    )


# -- totals, tax and currencies ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amounts", "sub_total", "tax", "total"),
    [("Exclusive", 300.0, 30.0, 330.0), ("Inclusive", 272.73, 27.27, 300.0), ("NoTax", 300.0, 0.0, 300.0)],
)
def test_totals_come_from_the_lines_and_the_tax_rates(xero_client, amounts, sub_total, tax, total):
    lines = [_line(100, Quantity=2), _line(100, TaxType="OUTPUT")]
    invoice = _invoice(xero_client, LineAmountTypes=amounts, LineItems=lines)
    assert (invoice["SubTotal"], invoice["TotalTax"], invoice["Total"]) == (sub_total, tax, total)
    assert invoice["AmountDue"] == total
    assert [line["LineAmount"] for line in invoice["LineItems"]] == [200.0, 100.0]


def test_discount_and_exempt_tax(xero_client):
    lines = [_line(100, Quantity=2, DiscountRate=10), _line(50, TaxType="EXEMPTOUTPUT")]
    invoice = _invoice(xero_client, LineItems=lines)
    assert [line["LineAmount"] for line in invoice["LineItems"]] == [180.0, 50.0]
    assert (invoice["SubTotal"], invoice["TotalTax"], invoice["Total"]) == (230.0, 18.0, 248.0)


def test_line_amount_that_does_not_add_up_is_refused(xero_client):
    element = {"Type": "ACCREC", "Contact": {"Name": "X"}, "LineItems": [_line(10, LineAmount=99)]}
    assert "does not equal" in _errors(xero_client.put("Invoices", element))[0]


def test_unknown_tax_type_and_account_are_refused(xero_client):
    element = {"Type": "ACCREC", "Contact": {"Name": "X"}, "LineItems": [_line(10, "999", TaxType="NOPE")]}
    messages = _errors(xero_client.put("Invoices", element))
    assert "Account code '999' is not a valid code for this document." in messages
    assert "The TaxType code 'NOPE' does not exist or cannot be used for this type of transaction." in messages


def test_currency_code_and_rate_are_kept(xero_client):
    base = _invoice(xero_client)
    assert (base["CurrencyCode"], base["CurrencyRate"]) == ("AUD", 1.0)
    given = _invoice(xero_client, CurrencyCode="NZD", CurrencyRate=1.0834)
    assert (given["CurrencyCode"], given["CurrencyRate"]) == ("NZD", 1.0834)
    made_up = _invoice(xero_client, CurrencyCode="USD", Date="2025-07-01")
    assert made_up["CurrencyCode"] == "USD"
    assert made_up["CurrencyRate"] not in (1.0, 0.0)
    assert 0.5 < made_up["CurrencyRate"] < 0.8  # roughly USD per AUD
    same_day = _invoice(xero_client, CurrencyCode="USD", Date="2025-07-01")
    assert same_day["CurrencyRate"] == made_up["CurrencyRate"]
    refused = xero_client.put("Invoices", {"Type": "ACCREC", "Contact": {"Name": "X"}, "CurrencyCode": "XYZ"})
    assert _errors(refused) == ["Organisation is not subscribed to currency XYZ"]


def test_foreign_invoice_journal_is_in_base_currency(xero_client):
    _invoice(xero_client, CurrencyCode="NZD", CurrencyRate=2, Status="AUTHORISED", LineItems=[_line(200)])
    (journal,) = xero_client.ok(xero_client.get("Journals"), "Journals")
    amounts = {line["AccountCode"]: line["NetAmount"] for line in journal["JournalLines"]}
    assert amounts == {"610": 110.0, "200": -100.0, "820": -10.0}


def test_authorising_a_sale_posts_debtors_revenue_and_tax(xero_client):
    invoice = _invoice(xero_client, Status="AUTHORISED", LineItems=[_line(100), _line(50, "260")])
    (journal,) = xero_client.ok(xero_client.get("Journals"), "Journals")
    assert (journal["SourceType"], journal["SourceID"], journal["JournalNumber"]) == ("ACCREC", invoice["InvoiceID"], 1)
    lines = {(line["AccountCode"], line["NetAmount"], line["TaxAmount"]) for line in journal["JournalLines"]}
    assert lines == {("610", 165.0, 0.0), ("200", -100.0, -10.0), ("260", -50.0, -5.0), ("820", -15.0, 0.0)}


# -- items and stock ------------------------------------------------------------------------------------


def test_item_code_is_required_and_unique(xero_client):
    assert _errors(xero_client.put("Items", {"Items": [{"Name": "No code"}]})) == ["Item Code is required."]
    assert xero_client.put("Items", {"Items": [{"Code": "TENT-1", "Name": "Tent"}]}).status_code == 200
    assert _errors(xero_client.put("Items", {"Items": [{"Code": "tent-1", "Name": "Other"}]})) == [
        "Price List Item with Code 'tent-1' already exists"
    ]
    assert "30 characters" in _errors(xero_client.put("Items", {"Items": [{"Code": "X" * 31}]}))[0]
    updated = xero_client.one(xero_client.post("Items", {"Items": [{"Code": "TENT-1", "Name": "Big Tent"}]}), "Items")
    assert updated["Name"] == "Big Tent"
    assert len(xero_client.ok(xero_client.get("Items"), "Items")) == 1
    assert xero_client.request("DELETE", f"Items/{updated['ItemID']}").status_code == 204
    assert xero_client.ok(xero_client.get("Items"), "Items") == []


def test_quantity_on_hand_is_read_only_and_computed_from_documents(xero_client):
    item = {"Code": "BOOT-1", "Name": "Boots", "InventoryAssetAccountCode": "630", "QuantityOnHand": 500,
            "TotalCostPool": 9999, "PurchaseDetails": {"UnitPrice": 40, "COGSAccountCode": "310"},
            "SalesDetails": {"UnitPrice": 100, "AccountCode": "200"}}  # fmt: skip
    created = xero_client.one(xero_client.put("Items", {"Items": [item]}), "Items")
    assert (created["IsTrackedAsInventory"], created["QuantityOnHand"], created["TotalCostPool"]) == (True, 0, 0)
    bill = {"Type": "ACCPAY", "Contact": {"Name": "Boot Maker"}, "Status": "AUTHORISED",
            "LineItems": [{"ItemCode": "BOOT-1", "Quantity": 10}]}  # fmt: skip
    xero_client.put("Invoices", {"Invoices": [bill]})
    stocked = xero_client.one(xero_client.get("Items/BOOT-1"), "Items")
    assert (stocked["QuantityOnHand"], stocked["TotalCostPool"]) == (10, 400)
    sale = _invoice(xero_client, Status="AUTHORISED", LineItems=[{"ItemCode": "BOOT-1", "Quantity": 3}])
    assert sale["LineItems"][0]["UnitAmount"] == 100  # price from the item
    assert sale["LineItems"][0]["AccountCode"] == "200"
    assert sale["LineItems"][0]["Description"] == "Boots"
    assert xero_client.one(xero_client.get("Items/BOOT-1"), "Items")["QuantityOnHand"] == 7
    ignored = xero_client.post("Items", {"Items": [{"Code": "BOOT-1", "QuantityOnHand": 1000}]})
    assert xero_client.one(ignored, "Items")["QuantityOnHand"] == 7
    xero_client.post(f"Invoices/{sale['InvoiceID']}", {"Invoices": [{"Status": "VOIDED"}]})
    assert xero_client.one(xero_client.get("Items/BOOT-1"), "Items")["QuantityOnHand"] == 10


def test_tracked_item_needs_an_inventory_account_and_cogs(xero_client):
    item = {"Code": "T1", "InventoryAssetAccountCode": "200"}
    messages = _errors(xero_client.put("Items", {"Items": [item]}))
    assert "must be an account of type INVENTORY" in messages[0]
    assert "COGSAccountCode" in messages[1]


def test_an_unknown_item_code_on_a_line_is_refused(xero_client):
    element = {"Type": "ACCREC", "Contact": {"Name": "X"}, "LineItems": [{"ItemCode": "NOPE", "Quantity": 1}]}
    assert _errors(xero_client.put("Invoices", element)) == ["Item code 'NOPE' is not valid."]


# -- payments ----------------------------------------------------------------------------------------------


def test_payment_needs_a_bank_account_or_payments_enabled(xero_client):
    invoice = _invoice(xero_client, Status="AUTHORISED")
    messages = _errors(_pay(xero_client, invoice, 50, account="200"))
    assert messages == [
        "Account 200 cannot take payments: payments can only be made to or from accounts of Type BANK "
        "or with EnablePaymentsToAccount set to true."
    ]
    assert _get(xero_client, invoice)["Status"] == "AUTHORISED"
    assert xero_client.ok(xero_client.get("Payments"), "Payments") == []
    enabled = _pay(xero_client, invoice, 50, account="881")  # equity account with payments enabled
    assert enabled.status_code == 200


def test_payment_only_on_authorised_invoices_and_not_more_than_due(xero_client):
    draft = _invoice(xero_client)
    assert "only be made against AUTHORISED documents; this one is DRAFT" in _errors(_pay(xero_client, draft, 10))[0]
    invoice = _invoice(xero_client, Status="AUTHORISED")
    assert _errors(_pay(xero_client, invoice, 110.01)) == [
        "Payment amount exceeds the amount outstanding on this document"
    ]
    assert _errors(_pay(xero_client, invoice, 0)) == ["Payment amount must be greater than zero."]
    missing = xero_client.put("Payments", {"Payments": [{"Account": {"Code": "090"}, "Amount": 5}]})
    assert "An Invoice or CreditNote must be specified" in _errors(missing)[0]


def test_payments_settle_the_invoice_and_can_be_deleted(xero_client):
    invoice = _invoice(xero_client, Status="AUTHORISED")
    first = xero_client.one(_pay(xero_client, invoice, 60), "Payments")
    part = _get(xero_client, invoice)
    assert (part["Status"], part["AmountPaid"], part["AmountDue"]) == ("AUTHORISED", 60.0, 50.0)
    assert [p["PaymentID"] for p in part["Payments"]] == [first["PaymentID"]]
    single = xero_client.post("Payments", {"Invoice": {"InvoiceNumber": invoice["InvoiceNumber"]},
                                           "Account": {"Code": "090"}, "Amount": 50, "Date": "2025-12-21"})  # fmt: skip
    second = xero_client.one(single, "Payments")
    assert (second["PaymentType"], second["Status"], second["Invoice"]["InvoiceID"]) == (
        "ACCRECPAYMENT", "AUTHORISED", invoice["InvoiceID"],
    )  # fmt: skip
    paid = _get(xero_client, invoice)
    assert (paid["Status"], paid["AmountDue"], paid["AmountPaid"]) == ("PAID", 0.0, 110.0)
    assert paid["FullyPaidOnDate"] == second["Date"]
    deleted = xero_client.one(xero_client.post(f"Payments/{second['PaymentID']}", {"Status": "DELETED"}), "Payments")
    assert deleted["Status"] == "DELETED"
    reopened = _get(xero_client, invoice)
    assert (reopened["Status"], reopened["AmountDue"]) == ("AUTHORISED", 50.0)
    assert "FullyPaidOnDate" not in reopened
    assert "only be deleted" in _errors(xero_client.post(f"Payments/{first['PaymentID']}", {"Status": "AUTHORISED"}))[0]
    kinds = [j["SourceType"] for j in xero_client.ok(xero_client.get("Journals"), "Journals")]
    assert kinds == ["ACCREC", "ACCRECPAYMENT", "ACCRECPAYMENT", "ACCRECPAYMENT"]  # the last one reverses


def test_paying_a_bill_moves_money_out(xero_client):
    bill = _invoice(xero_client, Type="ACCPAY", Status="AUTHORISED", LineItems=[_line(100, "429")])
    payment = xero_client.one(_pay(xero_client, bill, 110), "Payments")
    assert payment["PaymentType"] == "ACCPAYPAYMENT"
    journal = xero_client.ok(xero_client.get("Journals"), "Journals")[-1]
    assert {line["AccountCode"]: line["NetAmount"] for line in journal["JournalLines"]} == {"090": -110.0, "800": 110.0}


# -- credit notes, purchase orders, manual journals, transfers ----------------------------------------------


def test_credit_notes_number_post_and_refund(xero_client):
    element = {
        "Type": "ACCRECCREDIT",
        "Contact": {"Name": "Refund Me"},
        "Status": "AUTHORISED",
        "LineItems": [_line(20)],
    }
    note = xero_client.one(xero_client.put("CreditNotes", {"CreditNotes": [element]}), "CreditNotes")
    assert (note["CreditNoteNumber"], note["RemainingCredit"], note["Total"]) == ("CN-0001", 22.0, 22.0)
    refund = {"CreditNote": {"CreditNoteID": note["CreditNoteID"]}, "Account": {"Code": "090"}, "Amount": 22}
    assert (
        xero_client.one(xero_client.put("Payments", {"Payments": [refund]}), "Payments")["PaymentType"]
        == "ARCREDITPAYMENT"
    )
    settled = xero_client.one(xero_client.get(f"CreditNotes/{note['CreditNoteID']}"), "CreditNotes")
    assert (settled["Status"], settled["RemainingCredit"]) == ("PAID", 0.0)
    assert _errors(xero_client.post(f"CreditNotes/{note['CreditNoteID']}", {"CreditNotes": [{"Reference": "x"}]}))


def test_purchase_order_numbers_are_unique_and_billed_orders_take_no_edit(xero_client):
    def order(**fields: Any) -> Any:
        element = {"Contact": {"Name": "Supplier"}, "LineItems": [_line(10, "310")], **fields}
        return xero_client.put("PurchaseOrders", {"PurchaseOrders": [element]})

    first = xero_client.one(order(Status="AUTHORISED"), "PurchaseOrders")
    assert first["PurchaseOrderNumber"] == "PO-0001"
    assert _errors(order(PurchaseOrderNumber="PO-0001")) == ["Order number must be unique"]
    path = f"PurchaseOrders/{first['PurchaseOrderID']}"
    edited = xero_client.post(path, {"PurchaseOrders": [{"DeliveryInstructions": "Back door"}]})
    assert xero_client.one(edited, "PurchaseOrders")["DeliveryInstructions"] == "Back door"
    xero_client.post(path, {"PurchaseOrders": [{"Status": "BILLED"}]})
    assert _errors(xero_client.post(path, {"PurchaseOrders": [{"Reference": "late"}]})) == [
        "A purchase order with status BILLED cannot be edited."
    ]
    assert xero_client.ok(xero_client.get("Journals"), "Journals") == []  # orders never post


def test_manual_journals_must_balance_and_posted_ones_can_only_be_voided(xero_client):
    def journal(*amounts: float, **fields: Any) -> Any:
        lines = [
            {"LineAmount": a, "AccountCode": code} for a, code in zip(amounts, ("429", "881", "453"), strict=False)
        ]
        element = {"Narration": "Month-end", "JournalLines": lines, **fields}
        return xero_client.put("ManualJournals", {"ManualJournals": [element]})

    assert _errors(journal(100, -10)) == ["The total debits (100.00) must equal total credits (-10.00)"]
    assert _errors(xero_client.put("ManualJournals", {"ManualJournals": [{"JournalLines": []}]})) == [
        "Narration is required."
    ]
    posted = xero_client.one(journal(100, -100, Status="POSTED"), "ManualJournals")
    (entry,) = xero_client.ok(xero_client.get("Journals"), "Journals")
    assert (entry["SourceType"], entry["SourceID"]) == ("MANJOURNAL", posted["ManualJournalID"])
    path = f"ManualJournals/{posted['ManualJournalID']}"
    assert "can only be voided" in _errors(xero_client.post(path, {"ManualJournals": [{"Narration": "Edited"}]}))[0]
    voided = xero_client.one(xero_client.post(path, {"ManualJournals": [{"Status": "VOIDED"}]}), "ManualJournals")
    assert voided["Status"] == "VOIDED"
    assert len(xero_client.ok(xero_client.get("Journals"), "Journals")) == 2
    draft = xero_client.one(journal(50, -50), "ManualJournals")
    deleted = xero_client.post(
        f"ManualJournals/{draft['ManualJournalID']}", {"ManualJournals": [{"Status": "DELETED"}]}
    )
    assert xero_client.one(deleted, "ManualJournals")["Status"] == "DELETED"


def test_bank_transfers_need_two_different_bank_accounts(xero_client):
    def transfer(source: str, target: str, amount: float = 100) -> Any:
        element = {"FromBankAccount": {"Code": source}, "ToBankAccount": {"Code": target}, "Amount": amount}
        return xero_client.put("BankTransfers", {"BankTransfers": [element]})

    assert _errors(transfer("090", "090")) == ["The From and To bank accounts must be different."]
    assert _errors(transfer("090", "200")) == ["The ToBankAccount must be an active bank account."]
    assert _errors(transfer("090", "091", -5)) == ["Amount must be greater than zero."]
    made = xero_client.one(transfer("090", "091"), "BankTransfers")
    assert (made["Status"], made["CurrencyRate"], made["FromBankAccount"]["Code"]) == ("AUTHORISED", 1.0, "090")
    (journal,) = xero_client.ok(xero_client.get("Journals"), "Journals")
    assert journal["SourceType"] == "TRANSFER"
    assert {line["AccountCode"]: line["NetAmount"] for line in journal["JournalLines"]} == {"091": 100.0, "090": -100.0}
    assert "create them with PUT" in _errors(xero_client.post("BankTransfers", {"BankTransfers": [{"Amount": 1}]}))[0]
