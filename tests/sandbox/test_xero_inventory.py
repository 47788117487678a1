"""Xero emulator: tracked inventory never goes below zero on hand, as in Xero.

Xero won't let a tracked item's quantity on hand go negative: a sales invoice
(or supplier credit note) that would take it there cannot be approved, while
a DRAFT or SUBMITTED one is accepted. Untracked items are never counted.
Invoices, bills and credit notes move stock when approved, by the difference
when an approved one is edited, and back when voided.
"""

from __future__ import annotations

from typing import Any

from xero_support import XeroTestClient


def _item(client: XeroTestClient, code: str = "BOOT", *, tracked: bool = True) -> dict[str, Any]:
    element: dict[str, Any] = {"Code": code, "Name": f"{code.title()}s",
                               "SalesDetails": {"UnitPrice": 100, "AccountCode": "200"},
                               "PurchaseDetails": {"UnitPrice": 40, "COGSAccountCode": "310"}}  # fmt: skip
    if tracked:
        element["InventoryAssetAccountCode"] = "630"
    else:
        element["PurchaseDetails"] = {"UnitPrice": 40, "AccountCode": "310"}
    return client.one(client.put("Items", {"Items": [element]}), "Items")


def _document(client: XeroTestClient, kind: str, quantity: float, status: str = "AUTHORISED", **extra: Any) -> Any:
    collection = "CreditNotes" if kind.endswith("CREDIT") else "Invoices"
    contact = "Boot Maker" if kind.startswith("ACCPAY") else "Boot Buyer"
    element = {"Type": kind, "Contact": {"Name": contact}, "Status": status,
               "LineItems": [{"ItemCode": "BOOT", "Quantity": quantity}], **extra}  # fmt: skip
    return client.put(collection, {collection: [element]})


def _on_hand(client: XeroTestClient, code: str = "BOOT") -> tuple[float, float]:
    item = client.one(client.get(f"Items/{code}"), "Items")
    return item["QuantityOnHand"], item["TotalCostPool"]


def _errors(response: Any) -> list[str]:
    """The messages of a refused write (400 ValidationException)."""
    assert response.status_code == 400, response.text
    return [m["Message"] for e in response.json()["Elements"] for m in e["ValidationErrors"]]


def _short(code: str, on_hand: int, needed: int) -> str:
    return (
        f"No item available to sell: item '{code}' has {on_hand} on hand, {needed} needed; "
        "the quantity on hand of a tracked item cannot go below zero."
    )


def test_a_tracked_item_sold_beyond_stock_cannot_be_approved_and_the_refusal_names_it(xero_client):
    _item(xero_client)
    xero_client.ok(_document(xero_client, "ACCPAY", 5), "Invoices")

    refused = _document(xero_client, "ACCREC", 6)

    assert _errors(refused) == [_short("BOOT", 5, 6)]
    assert _on_hand(xero_client) == (5, 200)
    assert [j["SourceType"] for j in xero_client.ok(xero_client.get("Journals"), "Journals")] == ["ACCPAY"]
    xero_client.ok(_document(xero_client, "ACCREC", 5), "Invoices")  # all of it is fine
    assert _on_hand(xero_client) == (0, 0)


def test_a_sale_beyond_stock_is_accepted_as_draft_and_approved_once_stock_arrives(xero_client):
    _item(xero_client)
    draft = xero_client.one(_document(xero_client, "ACCREC", 6, "DRAFT"), "Invoices")
    submitted = xero_client.one(_document(xero_client, "ACCREC", 1, "SUBMITTED"), "Invoices")
    path = f"Invoices/{draft['InvoiceID']}"
    assert _errors(xero_client.post(path, {"Invoices": [{"Status": "AUTHORISED"}]})) == [_short("BOOT", 0, 6)]
    assert xero_client.one(xero_client.get(path), "Invoices")["Status"] == "DRAFT"

    xero_client.ok(_document(xero_client, "ACCPAY", 10), "Invoices")  # the stock arrives with the bill

    approved = xero_client.one(xero_client.post(path, {"Invoices": [{"Status": "AUTHORISED"}]}), "Invoices")
    assert approved["Status"] == "AUTHORISED"
    assert _on_hand(xero_client) == (4, 160)
    approve = {"Invoices": [{"Status": "AUTHORISED"}]}
    xero_client.ok(xero_client.post(f"Invoices/{submitted['InvoiceID']}", approve), "Invoices")
    assert _on_hand(xero_client) == (3, 120)


def test_untracked_items_are_never_blocked(xero_client):
    item = _item(xero_client, tracked=False)
    assert item["IsTrackedAsInventory"] is False
    sale = xero_client.one(_document(xero_client, "ACCREC", 1000), "Invoices")
    assert (sale["Status"], sale["Total"]) == ("AUTHORISED", 110000.0)
    edited = xero_client.post(f"Invoices/{sale['InvoiceID']}", {"Invoices": [{"LineItems": [
        {"ItemCode": "BOOT", "Quantity": 5000}]}]})  # fmt: skip
    assert xero_client.one(edited, "Invoices")["Total"] == 550000.0
    assert "QuantityOnHand" not in xero_client.one(xero_client.get("Items/BOOT"), "Items")


def test_lines_of_one_item_are_counted_together(xero_client):
    _item(xero_client)
    xero_client.ok(_document(xero_client, "ACCPAY", 5), "Invoices")
    two_lines = [{"ItemCode": "BOOT", "Quantity": 3}, {"ItemCode": "BOOT", "Quantity": 3}]
    assert _errors(_document(xero_client, "ACCREC", 1, LineItems=two_lines)) == [_short("BOOT", 5, 6)]


def test_editing_an_approved_sale_moves_stock_by_the_difference_and_never_below_zero(xero_client):
    _item(xero_client)
    xero_client.ok(_document(xero_client, "ACCPAY", 10), "Invoices")
    sale = xero_client.one(_document(xero_client, "ACCREC", 4), "Invoices")
    assert _on_hand(xero_client) == (6, 240)
    path = f"Invoices/{sale['InvoiceID']}"

    def quantity(units: int) -> Any:
        return xero_client.post(path, {"Invoices": [{"LineItems": [{"ItemCode": "BOOT", "Quantity": units}]}]})

    assert _errors(quantity(11)) == [_short("BOOT", 6, 7)]
    assert _on_hand(xero_client) == (6, 240)
    assert xero_client.one(xero_client.get(path), "Invoices")["Total"] == 440.0
    assert xero_client.one(quantity(10), "Invoices")["Total"] == 1100.0
    assert _on_hand(xero_client) == (0, 0)
    xero_client.ok(quantity(2), "Invoices")
    assert _on_hand(xero_client) == (8, 320)


def test_customer_credit_notes_return_stock_and_supplier_credit_notes_take_it(xero_client):
    _item(xero_client)
    xero_client.ok(_document(xero_client, "ACCPAY", 10), "Invoices")
    xero_client.ok(_document(xero_client, "ACCREC", 4), "Invoices")
    xero_client.ok(_document(xero_client, "ACCRECCREDIT", 1), "CreditNotes")  # a customer returns one
    assert _on_hand(xero_client) == (7, 280)

    assert _errors(_document(xero_client, "ACCPAYCREDIT", 8)) == [_short("BOOT", 7, 8)]
    draft_return = xero_client.one(_document(xero_client, "ACCPAYCREDIT", 8, "DRAFT"), "CreditNotes")
    assert draft_return["Status"] == "DRAFT"
    xero_client.ok(_document(xero_client, "ACCPAYCREDIT", 2), "CreditNotes")  # two go back to the supplier
    assert _on_hand(xero_client) == (5, 200)


def test_voiding_moves_stock_back_and_cannot_take_it_below_zero(xero_client):
    _item(xero_client)
    bill = xero_client.one(_document(xero_client, "ACCPAY", 5), "Invoices")
    sale = xero_client.one(_document(xero_client, "ACCREC", 4), "Invoices")
    void = {"Invoices": [{"Status": "VOIDED"}]}

    assert _errors(xero_client.post(f"Invoices/{bill['InvoiceID']}", void)) == [_short("BOOT", 1, 5)]
    assert _on_hand(xero_client) == (1, 40)

    xero_client.ok(xero_client.post(f"Invoices/{sale['InvoiceID']}", void), "Invoices")
    assert _on_hand(xero_client) == (5, 200)
    xero_client.ok(xero_client.post(f"Invoices/{bill['InvoiceID']}", void), "Invoices")
    assert _on_hand(xero_client) == (0, 0)


def test_the_sample_organisations_hold_their_tracked_stock(xero_sample_state):
    for book in xero_sample_state.orgs.values():
        tracked = [i for i in book.table("Items").values() if i["IsTrackedAsInventory"]]
        assert tracked
        assert all(i["QuantityOnHand"] >= 0 for i in tracked), [(i["Code"], i["QuantityOnHand"]) for i in tracked]
        (opening,) = (i for i in book.table("Invoices").values() if i.get("Reference") == "Opening stock")
        assert (opening["Type"], opening["Status"]) == ("ACCPAY", "PAID")
        assert {line["ItemCode"] for line in opening["LineItems"]} == {i["Code"] for i in tracked}
