"""Salesforce emulator: Orders as Salesforce has them (Draft on insert, activation, what an activated order locks).

- an order is inserted in the Draft category only, and activated afterwards;
- activating is a change of Status alone, and needs an order product;
- an activated order's products cannot be added or removed, nor the order
  deleted, nor its account changed; its other fields can (the integration
  user has Edit Activated Orders), and it can be set back to Draft;
- the custom fields datashare's set-up adds to Order are there, with their kinds.
"""

from __future__ import annotations

from typing import Any

from test_salesforce_support import API, Org, org


def _order(sf: Org, **values: Any) -> tuple[str, str, str]:
    """A Draft order for a new account in the standard price book: (order, price entry, account)."""
    account = sf.state.create("Account", {"Name": "Buyer"})
    book = sf.state.create("Pricebook2", {"Name": "Standard", "IsActive": True})
    product = sf.state.create("Product2", {"Name": "Chair", "ProductCode": "CH-1", "IsActive": True})
    entry = sf.state.create("PricebookEntry", {"Pricebook2Id": book, "Product2Id": product, "UnitPrice": 120})
    order = sf.state.create(
        "Order",
        {"AccountId": account, "EffectiveDate": "2026-03-01", "Status": "Draft", "Pricebook2Id": book, **values},
    )
    return order, entry, account


def _line(order: str, entry: str) -> dict[str, Any]:
    return {"attributes": {"type": "OrderItem"}, "OrderId": order, "PricebookEntryId": entry, "Quantity": 1,
            "UnitPrice": 120}  # fmt: skip


def _error(answer: Any) -> str:
    body = answer.json()
    return str(body[0]["errorCode"] if "errorCode" in body[0] else body[0]["errors"][0]["statusCode"])


def test_an_order_is_inserted_as_a_draft_and_activated_afterwards() -> None:
    with org() as sf:
        order, entry, account = _order(sf)
        activated = sf.http.post(
            f"{API}/sobjects/Order", json={"AccountId": account, "EffectiveDate": "2026-03-01", "Status": "Activated"}
        )
        assert activated.status_code == 400
        assert _error(activated) == "FIELD_INTEGRITY_EXCEPTION"
        assert sf.http.post(f"{API}/sobjects/OrderItem", json=_line(order, entry)).status_code == 201
        assert sf.http.patch(f"{API}/sobjects/Order/{order}", json={"Status": "Activated"}).status_code == 204
        assert sf.state.get("Order", order)["Status"] == "Activated"


def test_activating_needs_an_order_product_and_is_a_change_of_status_alone() -> None:
    with org() as sf:
        order, entry, _ = _order(sf)
        empty = sf.http.patch(f"{API}/sobjects/Order/{order}", json={"Status": "Activated"})
        assert _error(empty) == "FIELD_INTEGRITY_EXCEPTION"
        sf.state.create("OrderItem", _line(order, entry))
        with_more = sf.http.patch(f"{API}/sobjects/Order/{order}", json={"Status": "Activated", "Description": "x"})
        assert _error(with_more) == "FIELD_INTEGRITY_EXCEPTION"
        assert with_more.json()[0]["fields"] == ["Description"]
        assert sf.state.get("Order", order)["Status"] == "Draft"
        same = sf.http.patch(f"{API}/sobjects/Order/{order}", json={"Status": "Activated", "Description": None})
        assert same.status_code == 204  # a field sent as it already is is no change


def test_an_activated_order_locks_its_products_itself_and_its_account_not_its_other_fields() -> None:
    with org() as sf:
        order, entry, _ = _order(sf)
        item = sf.state.create("OrderItem", _line(order, entry))
        sf.state.update("Order", order, {"Status": "Activated"})
        added = sf.http.post(f"{API}/composite/sobjects", json={"allOrNone": False, "records": [_line(order, entry)]})
        assert added.json()[0]["errors"][0]["statusCode"] == "ENTITY_IS_LOCKED"
        assert _error(sf.http.delete(f"{API}/sobjects/OrderItem/{item}")) == "ENTITY_IS_LOCKED"
        assert _error(sf.http.delete(f"{API}/sobjects/Order/{order}")) == "ENTITY_IS_LOCKED"
        other = sf.state.create("Account", {"Name": "Someone else"})
        moved = sf.http.patch(f"{API}/sobjects/Order/{order}", json={"AccountId": other})
        assert _error(moved) == "FIELD_INTEGRITY_EXCEPTION"
        paid = sf.http.patch(
            f"{API}/sobjects/Order/{order}",
            json={"Datashare_Status__c": "PAID", "Datashare_Amount_Paid__c": 120, "Datashare_Amount_Due__c": 0},
        )
        assert paid.status_code == 204
        held = sf.state.get("Order", order)
        assert (held["Datashare_Status__c"], held["Datashare_Amount_Paid__c"]) == ("PAID", 120.0)
        assert sf.http.patch(f"{API}/sobjects/Order/{order}", json={"Status": "Draft"}).status_code == 204
        assert sf.http.delete(f"{API}/sobjects/OrderItem/{item}").status_code == 204


def test_the_custom_fields_of_the_set_up_are_on_order_and_queryable() -> None:
    with org() as sf:
        order, _, _ = _order(sf, Datashare_Status__c="AUTHORISED", Datashare_Amount_Due__c="99.5")
        [row] = sf.records(
            "SELECT Id, OrderReferenceNumber, Datashare_Status__c, Datashare_Amount_Paid__c, Datashare_Amount_Due__c "
            "FROM Order"
        )
        assert row["Id"] == order
        assert (row["Datashare_Status__c"], row["Datashare_Amount_Paid__c"], row["Datashare_Amount_Due__c"]) == (
            "AUTHORISED",
            None,
            99.5,
        )
        wrong = sf.http.patch(f"{API}/sobjects/Order/{order}", json={"Datashare_Amount_Paid__c": "a lot"})
        assert _error(wrong) == "JSON_PARSER_ERROR"
