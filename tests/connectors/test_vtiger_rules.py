"""vTiger's own rules, checked before a push, and how they agree with what the sandbox refuses."""

from __future__ import annotations

import pytest

from connectors.vtiger import MandatoryFieldsMissingError
from connectors.vtiger.rules import check_element, check_item_taxes, check_line_items, check_mandatory

LINE = {"productid": "14x1", "quantity": "2"}
INVOICE = {"subject": "S", "account_id": "11x1", "bill_street": "1 A St", "ship_street": "1 A St", "LineItems": [LINE]}


def test_a_complete_invoice_passes():
    assert check_element("Invoice", INVOICE) is None


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (None, "vTiger Invoice needs at least one line item"),
        ([], "vTiger Invoice needs at least one line item"),
        ([LINE, {"quantity": "1"}], "vTiger Invoice line 2 names no product or service: vTiger lines must have one"),
        ([{"productid": "14x1", "quantity": ""}], "vTiger Invoice line 1 has no quantity"),
    ],
)
def test_an_inventory_record_needs_line_items_with_product_and_quantity(lines, reason):
    element = {**INVOICE, "LineItems": lines}
    assert check_line_items("Invoice", element) == reason
    assert check_element("Invoice", element) == reason


def test_a_revise_without_line_items_keeps_the_lines_it_has():
    assert check_element("Invoice", {"id": "7x1", "invoicestatus": "Paid"}, partial=True) is None


def test_mandatory_fields_come_from_the_catalogue():
    assert (
        check_mandatory("Contacts", {"firstname": "Ann", "lastname": " "})
        == "vTiger Contacts needs lastname: it is empty"
    )
    assert check_mandatory("PurchaseOrder", {"subject": "S", "postatus": "Created"}) == (
        "vTiger PurchaseOrder needs vendor_id, bill_street, ship_street: they are empty"
    )


def test_a_revise_is_checked_only_on_the_fields_it_sends():
    assert check_mandatory("Contacts", {"id": "12x1", "email": "a@b.example"}, partial=True) is None
    assert check_mandatory("Contacts", {"id": "12x1", "lastname": ""}, partial=True) is not None


def test_modules_without_line_items_have_no_line_rule():
    assert check_line_items("Accounts", {"accountname": "A"}) is None


def test_one_tax_needs_no_warning():
    assert check_item_taxes("W-1", []) is None


@pytest.mark.parametrize(
    ("module", "element"),
    [
        ("Contacts", {"firstname": "Ann"}),
        ("Accounts", {"accountname": ""}),
        ("Invoice", {**INVOICE, "LineItems": []}),
        ("Invoice", {**INVOICE, "bill_street": ""}),
    ],
)
def test_what_the_rules_refuse_vtiger_refuses_too(module, element, vtiger_client, vtiger_add):
    element = dict(element)
    if "LineItems" in element:
        element["account_id"] = vtiger_add("Accounts", {"accountname": "Buyer"})["id"]
        element["LineItems"] = [
            {**line, "productid": vtiger_add("Products", {"productname": "P"})["id"]} for line in element["LineItems"]
        ]
    assert check_element(module, element) is not None
    with pytest.raises(MandatoryFieldsMissingError):
        vtiger_client.create(module, element)


def test_what_the_rules_pass_vtiger_accepts(vtiger_client, vtiger_add):
    account = vtiger_add("Accounts", {"accountname": "Buyer"})["id"]
    product = vtiger_add("Products", {"productname": "P"})["id"]
    element = {**INVOICE, "account_id": account, "LineItems": [{**LINE, "productid": product}]}
    assert check_element("Invoice", element) is None
    assert vtiger_client.create("Invoice", element)["invoice_no"] == "INV1"
