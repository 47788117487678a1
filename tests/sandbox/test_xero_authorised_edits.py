"""Xero emulator: approved invoices and credit notes take edits while nothing is applied to them, as in Xero.

Xero accepts updates to DRAFT, SUBMITTED and AUTHORISED documents while no
payment, credit note, prepayment or overpayment is applied; with one applied
(or once PAID) it refuses with "This document cannot be edited as it has a
payment or credit note allocated to it." (XeroAPI/Xero-NetStandard#84).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from xero_support import XeroTestClient

from sandbox.xero.spec import XeroSpec

NOT_VALID = "Invoice not of valid status for modification"
APPLIED = "This document cannot be edited as it has a payment or credit note allocated to it."


def _line(amount: float = 100, account: str = "200", **extra: Any) -> dict[str, Any]:
    return {"Description": "Service", "Quantity": 1, "UnitAmount": amount, "AccountCode": account, **extra}


def _invoice(client: XeroTestClient, **fields: Any) -> dict[str, Any]:
    element = {"Type": "ACCREC", "Contact": {"Name": "Edit Customer"}, "Status": "AUTHORISED", "LineItems": [_line()]}
    return client.one(client.put("Invoices", {"Invoices": [{**element, **fields}]}), "Invoices")


def _credit_note(client: XeroTestClient, **fields: Any) -> dict[str, Any]:
    element = {"Type": "ACCRECCREDIT", "Contact": {"Name": "Edit Customer"}, "Status": "AUTHORISED",
               "LineItems": [_line(20)]}  # fmt: skip
    return client.one(client.put("CreditNotes", {"CreditNotes": [{**element, **fields}]}), "CreditNotes")


def _edit(client: XeroTestClient, invoice: dict[str, Any], **fields: Any) -> Any:
    return client.post(f"Invoices/{invoice['InvoiceID']}", {"Invoices": [fields]})


def _get(client: XeroTestClient, invoice: dict[str, Any]) -> dict[str, Any]:
    return client.one(client.get(f"Invoices/{invoice['InvoiceID']}"), "Invoices")


def _errors(response: Any) -> list[str]:
    """The messages of a refused write (400 ValidationException)."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["Type"] == "ValidationException"
    return [m["Message"] for e in body["Elements"] for m in e["ValidationErrors"]]


def _pay(client: XeroTestClient, invoice: dict[str, Any], amount: float) -> dict[str, Any]:
    payment = {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Account": {"Code": "090"}, "Amount": amount,
               "Date": "2025-12-20"}  # fmt: skip
    return client.one(client.put("Payments", {"Payments": [payment]}), "Payments")


def _allocate(client: XeroTestClient, note: dict[str, Any], invoice: dict[str, Any], amount: float) -> Any:
    allocation = {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": amount, "Date": "2025-12-21"}
    return client.put(f"CreditNotes/{note['CreditNoteID']}/Allocations", {"Allocations": [allocation]})


def _fits_spec(spec: XeroSpec, response: Any) -> None:
    """The answer, and the body of the request it answers, are as Xero's spec describes them."""
    request = response.request
    spec.validate_response(request.method, request.url.path, response.status_code, response.content)
    if request.content:
        spec.validate_request_body(request.method, request.url.path, request.content)


def _balances(client: XeroTestClient) -> dict[str, Decimal]:
    """Net amount by account code over every journal (the trial balance)."""
    totals: dict[str, Decimal] = {}
    for journal in client.ok(client.get("Journals"), "Journals"):
        for line in journal["JournalLines"]:
            code = line["AccountCode"]
            totals[code] = totals.get(code, Decimal(0)) + Decimal(str(line["NetAmount"]))
    return {code: net for code, net in totals.items() if net}


# -- invoices ------------------------------------------------------------------------------------------------


def test_an_authorised_invoice_with_nothing_applied_takes_new_lines_and_reposts_its_journal(xero_client, xero_clock):
    invoice = _invoice(xero_client, Reference="Original")
    assert (invoice["Total"], invoice["AmountDue"]) == (110.0, 110.0)
    xero_clock.advance(60)

    edited = xero_client.one(_edit(xero_client, invoice, LineItems=[_line(200), _line(50)]), "Invoices")

    assert (edited["Status"], edited["SubTotal"], edited["TotalTax"], edited["Total"]) == ("AUTHORISED", 250, 25, 275)
    assert edited["AmountDue"] == 275.0
    assert edited["UpdatedDateUTC"] != invoice["UpdatedDateUTC"]
    assert edited["InvoiceNumber"] == invoice["InvoiceNumber"]
    journals = xero_client.ok(xero_client.get("Journals"), "Journals")
    assert [j["SourceID"] for j in journals] == [invoice["InvoiceID"]] * 3  # original, its reversal, the new one
    original, reversal, _ = journals
    assert sorted((a["AccountCode"], a["NetAmount"]) for a in original["JournalLines"]) == sorted(
        (b["AccountCode"], -b["NetAmount"]) for b in reversal["JournalLines"]
    )
    balances = _balances(xero_client)
    assert sum(balances.values()) == 0  # the trial balance still balances
    assert balances == {"610": Decimal("275.00"), "200": Decimal("-250.00"), "820": Decimal("-25.00")}


def test_an_edit_that_changes_nothing_posted_writes_no_journal(xero_client):
    invoice = _invoice(xero_client)
    edited = xero_client.one(_edit(xero_client, invoice, DueDate="2026-02-28"), "Invoices")
    assert edited["DueDateString"].startswith("2026-02-28")
    assert len(xero_client.ok(xero_client.get("Journals"), "Journals")) == 1


def test_sending_an_authorised_invoice_back_unchanged_is_not_an_edit(xero_client, xero_clock):
    invoice = _invoice(xero_client, Reference="Same")
    xero_clock.advance(60)
    echoed = {k: invoice[k] for k in ("InvoiceID", "Type", "Reference", "InvoiceNumber", "Status", "LineItems")}
    again = xero_client.one(xero_client.post("Invoices", {"Invoices": [echoed]}), "Invoices")
    assert again["UpdatedDateUTC"] == invoice["UpdatedDateUTC"]
    assert len(xero_client.ok(xero_client.get("Journals"), "Journals")) == 1


def test_an_edited_authorised_invoice_keeps_its_number_unique(xero_client):
    first, second = _invoice(xero_client), _invoice(xero_client)
    assert _errors(_edit(xero_client, second, InvoiceNumber=first["InvoiceNumber"])) == ["Invoice # must be unique."]
    renamed = xero_client.one(_edit(xero_client, second, InvoiceNumber="INV-SPECIAL"), "Invoices")
    assert renamed["InvoiceNumber"] == "INV-SPECIAL"


def test_an_authorised_invoice_cannot_go_back_to_draft_or_be_deleted(xero_client):
    invoice = _invoice(xero_client)
    assert "cannot go back to DRAFT" in _errors(_edit(xero_client, invoice, Status="DRAFT", Reference="x"))[0]
    assert "void it instead" in _errors(_edit(xero_client, invoice, Status="DELETED"))[0]
    assert _get(xero_client, invoice)["Status"] == "AUTHORISED"


@pytest.mark.parametrize("applied", ["part payment", "full payment", "credit note allocated"])
def test_an_invoice_with_something_applied_takes_no_edit(xero_client, applied):
    invoice = _invoice(xero_client, Reference="Original")
    if applied == "part payment":
        _pay(xero_client, invoice, 10)
    elif applied == "full payment":
        _pay(xero_client, invoice, 110)
    else:
        assert _allocate(xero_client, _credit_note(xero_client), invoice, 5).status_code == 200
    before = _get(xero_client, invoice)
    journals = len(xero_client.ok(xero_client.get("Journals"), "Journals"))

    for change in ({"LineItems": [_line(500)]}, {"Reference": "Edited"}, {"Contact": {"Name": "Someone Else"}}):
        assert _errors(_edit(xero_client, invoice, **change)) == [NOT_VALID, APPLIED]

    assert _get(xero_client, invoice) == before
    assert len(xero_client.ok(xero_client.get("Journals"), "Journals")) == journals


def test_an_invoice_takes_edits_again_once_its_payment_is_deleted(xero_client):
    invoice = _invoice(xero_client)
    payment = _pay(xero_client, invoice, 10)
    assert _errors(_edit(xero_client, invoice, Reference="Edited")) == [NOT_VALID, APPLIED]
    # Marking it sent, or sending it back unchanged, is still fine with a payment applied.
    assert xero_client.one(_edit(xero_client, invoice, SentToContact=True), "Invoices")["SentToContact"] is True
    assert _edit(xero_client, invoice, Reference=invoice.get("Reference")).status_code == 200
    xero_client.post(f"Payments/{payment['PaymentID']}", {"Status": "DELETED"})
    edited = xero_client.one(_edit(xero_client, invoice, Reference="Edited", LineItems=[_line(80)]), "Invoices")
    assert (edited["Reference"], edited["Total"], edited["AmountDue"]) == ("Edited", 88.0, 88.0)


def test_an_invoice_with_credit_allocated_cannot_be_voided(xero_client):
    invoice = _invoice(xero_client)
    _allocate(xero_client, _credit_note(xero_client), invoice, 5)
    assert "credit allocated" in _errors(_edit(xero_client, invoice, Status="VOIDED"))[0]


def test_a_summary_of_a_refused_batch_names_the_element(xero_client):
    paid = _invoice(xero_client)
    _pay(xero_client, paid, 110)
    fresh = _invoice(xero_client)
    batch = {"Invoices": [{"InvoiceID": fresh["InvoiceID"], "Reference": "ok"},
                          {"InvoiceID": paid["InvoiceID"], "Reference": "refused"}]}  # fmt: skip
    answer = xero_client.post("Invoices", batch, params={"summarizeErrors": "false"})
    first, second = xero_client.ok(answer, "Invoices")
    assert (first["StatusAttributeString"], first["Reference"]) == ("OK", "ok")
    assert second["StatusAttributeString"] == "ERROR"
    assert [m["Message"] for m in second["ValidationErrors"]] == [NOT_VALID, APPLIED]


# -- credit notes --------------------------------------------------------------------------------------------


def test_an_authorised_credit_note_with_nothing_applied_takes_edits(xero_client):
    note = _credit_note(xero_client)
    assert note["RemainingCredit"] == 22.0
    path = f"CreditNotes/{note['CreditNoteID']}"
    edited = xero_client.one(xero_client.post(path, {"CreditNotes": [{"LineItems": [_line(40)]}]}), "CreditNotes")
    assert (edited["Status"], edited["Total"], edited["RemainingCredit"]) == ("AUTHORISED", 44.0, 44.0)
    assert _balances(xero_client) == {"610": Decimal("-44.00"), "200": Decimal("40.00"), "820": Decimal("4.00")}


def test_an_allocated_credit_note_takes_no_edit_until_the_allocation_is_deleted(xero_client, xero_spec_checker):
    note, invoice = _credit_note(xero_client), _invoice(xero_client)
    allocation = xero_client.one(_allocate(xero_client, note, invoice, 10), "Allocations")
    path = f"CreditNotes/{note['CreditNoteID']}"
    messages = _errors(xero_client.post(path, {"CreditNotes": [{"LineItems": [_line(40)]}]}))
    assert messages == ["Credit Note not of valid status for modification", APPLIED]

    removed = xero_client.request("DELETE", f"{path}/Allocations/{allocation['AllocationID']}")

    assert removed.status_code == 200, removed.text
    _fits_spec(xero_spec_checker, removed)
    assert removed.json()["IsDeleted"] is True
    edited = xero_client.one(xero_client.post(path, {"CreditNotes": [{"LineItems": [_line(40)]}]}), "CreditNotes")
    assert edited["RemainingCredit"] == 44.0
    assert _get(xero_client, invoice)["AmountDue"] == 110.0


# -- allocations ---------------------------------------------------------------------------------------------


def test_allocating_a_credit_note_counts_down_both_documents(xero_client, xero_spec_checker):
    note, invoice = _credit_note(xero_client, LineItems=[_line(200)]), _invoice(xero_client)
    response = _allocate(xero_client, note, invoice, 30)
    _fits_spec(xero_spec_checker, response)
    allocation = xero_client.one(response, "Allocations")
    assert (allocation["Amount"], allocation["Invoice"]["InvoiceID"]) == (30.0, invoice["InvoiceID"])

    shown = xero_client.get(f"Invoices/{invoice['InvoiceID']}")
    _fits_spec(xero_spec_checker, shown)
    part = xero_client.one(shown, "Invoices")
    assert (part["Status"], part["AmountCredited"], part["AmountDue"]) == ("AUTHORISED", 30.0, 80.0)
    assert [(c["CreditNoteID"], c["AppliedAmount"]) for c in part["CreditNotes"]] == [(note["CreditNoteID"], 30.0)]
    shown = xero_client.get(f"CreditNotes/{note['CreditNoteID']}")
    _fits_spec(xero_spec_checker, shown)
    credited = xero_client.one(shown, "CreditNotes")
    assert (credited["Status"], credited["RemainingCredit"]) == ("AUTHORISED", 190.0)
    assert [a["Amount"] for a in credited["Allocations"]] == [30.0]

    xero_client.one(_allocate(xero_client, note, invoice, 80), "Allocations")
    paid = _get(xero_client, invoice)
    assert (paid["Status"], paid["AmountDue"]) == ("PAID", 0.0)
    assert len(xero_client.ok(xero_client.get("Journals"), "Journals")) == 2  # allocations post nothing


def test_a_fully_allocated_credit_note_is_paid(xero_client):
    note, invoice = _credit_note(xero_client), _invoice(xero_client)
    xero_client.one(_allocate(xero_client, note, invoice, 22), "Allocations")
    settled = xero_client.one(xero_client.get(f"CreditNotes/{note['CreditNoteID']}"), "CreditNotes")
    assert (settled["Status"], settled["RemainingCredit"]) == ("PAID", 0.0)
    assert _get(xero_client, invoice)["AmountDue"] == 88.0


def test_allocations_xero_refuses(xero_client):
    note, invoice = _credit_note(xero_client), _invoice(xero_client)
    assert _errors(_allocate(xero_client, note, invoice, 23)) == [
        "Credit Note cannot be allocated as amount is greater than amount outstanding"
    ]
    bill = _invoice(xero_client, Type="ACCPAY", LineItems=[_line(100, "429")])
    assert "Credit Note cannot be allocated to an incorrect invoice type" in _errors(
        _allocate(xero_client, note, bill, 5)
    )
    paid = _invoice(xero_client)
    _pay(xero_client, paid, 110)
    assert "The invoice you are trying to allocate to has already been paid off" in _errors(
        _allocate(xero_client, note, paid, 5)
    )
    assert _errors(_allocate(xero_client, note, invoice, 0)) == ["Allocation amount must be greater than zero."]
    missing = xero_client.put("CreditNotes/0d3c9a51-0000-4000-8000-000000000000/Allocations", {"Allocations": []})
    assert missing.status_code == 404
    assert xero_client.get(f"CreditNotes/{note['CreditNoteID']}/Allocations").status_code == 405
    assert xero_client.put(f"Invoices/{invoice['InvoiceID']}/Allocations", {"Allocations": []}).status_code == 404


# -- purchase orders -----------------------------------------------------------------------------------------


def test_an_authorised_purchase_order_takes_edits_and_a_billed_one_goes_back_to_authorised(xero_client):
    element = {"Contact": {"Name": "Supplier"}, "Status": "AUTHORISED", "LineItems": [_line(10, "310")]}
    order = xero_client.one(xero_client.put("PurchaseOrders", {"PurchaseOrders": [element]}), "PurchaseOrders")
    path = f"PurchaseOrders/{order['PurchaseOrderID']}"
    edited = xero_client.post(path, {"PurchaseOrders": [{"LineItems": [_line(30, "310")]}]})
    assert xero_client.one(edited, "PurchaseOrders")["Total"] == 33.0
    xero_client.post(path, {"PurchaseOrders": [{"Status": "BILLED"}]})
    assert _errors(xero_client.post(path, {"PurchaseOrders": [{"Reference": "late"}]})) == [
        "A purchase order with status BILLED cannot be edited."
    ]
    assert xero_client.post(path, {"PurchaseOrders": [{"Status": "BILLED"}]}).status_code == 200  # unchanged
    unbilled = xero_client.one(xero_client.post(path, {"PurchaseOrders": [{"Status": "AUTHORISED"}]}), "PurchaseOrders")
    assert unbilled["Status"] == "AUTHORISED"
    assert xero_client.ok(xero_client.get("Journals"), "Journals") == []
