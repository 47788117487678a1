"""Salesforce emulator: sObject CRUD, validation, orders with items, and upsert by external id."""

from __future__ import annotations

from test_salesforce_support import API, org


def test_create_get_update_delete():
    with org() as sf:
        created = sf.http.post(f"{API}/sobjects/Account", json={"Name": "Acme", "Phone": "02 9999 0000"})
        assert created.status_code == 201
        body = created.json()
        assert body["success"] is True
        assert body["errors"] == []
        account_id = body["id"]
        assert account_id.startswith("001")
        assert len(account_id) == 18
        got = sf.http.get(f"{API}/sobjects/Account/{account_id}").json()
        assert got["Name"] == "Acme"
        assert got["IsDeleted"] is False
        assert got["attributes"]["type"] == "Account"
        assert got["CreatedDate"].endswith(".000+0000")
        assert sf.http.get(f"{API}/sobjects/Account/{account_id[:15]}").status_code == 200  # 15-char ids work too
        few = sf.http.get(f"{API}/sobjects/Account/{account_id}", params={"fields": "Name,Phone"}).json()
        assert set(few) == {"attributes", "Name", "Phone"}

        sf.clock.advance(60)
        patched = sf.http.patch(f"{API}/sobjects/Account/{account_id}", json={"Phone": "1"})
        assert patched.status_code == 204
        assert patched.content == b""
        record = sf.state.get("Account", account_id)
        assert record["Phone"] == "1"
        assert record["SystemModstamp"] > record["CreatedDate"]

        assert sf.http.delete(f"{API}/sobjects/Account/{account_id}").status_code == 204
        missing = sf.http.get(f"{API}/sobjects/Account/{account_id}")
        assert missing.status_code == 404
        assert missing.json()[0]["errorCode"] == "NOT_FOUND"
        assert sf.state.records["Account"][account_id]["IsDeleted"] is True


def test_validation_errors():
    with org() as sf:
        missing = sf.http.post(f"{API}/sobjects/Contact", json={"FirstName": "Ann"})
        assert missing.status_code == 400
        assert missing.json() == [
            {
                "message": "Required fields are missing: [LastName]",
                "errorCode": "REQUIRED_FIELD_MISSING",
                "fields": ["LastName"],
            }
        ]
        dangling = sf.http.post(f"{API}/sobjects/Contact", json={"LastName": "Lee", "AccountId": "001000000000000AAA"})
        assert dangling.json()[0]["errorCode"] == "INVALID_CROSS_REFERENCE_KEY"
        unknown = sf.http.post(f"{API}/sobjects/Account", json={"Name": "A", "Bogus": 1})
        assert unknown.json()[0]["errorCode"] == "INVALID_FIELD"
        read_only = sf.http.post(f"{API}/sobjects/Account", json={"Name": "A", "CreatedDate": "2020-01-01T00:00:00Z"})
        assert read_only.json()[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
        with_id = sf.http.post(f"{API}/sobjects/Account", json={"Name": "A", "Id": "001000000000001AAA"})
        assert with_id.status_code == 400
        assert sf.http.post(f"{API}/sobjects/Widget", json={}).status_code == 404
        no_order_fields = sf.http.post(f"{API}/sobjects/Order", json={"Status": "Draft"}).json()[0]
        assert no_order_fields["errorCode"] == "REQUIRED_FIELD_MISSING"
        assert set(no_order_fields["fields"]) == {"AccountId", "EffectiveDate"}


def test_order_with_items_totals():
    with org() as sf:
        account = sf.http.post(f"{API}/sobjects/Account", json={"Name": "Buyer"}).json()["id"]
        book = sf.state.create("Pricebook2", {"Name": "Standard", "IsActive": True})
        product = sf.http.post(f"{API}/sobjects/Product2", json={"Name": "Chair", "ProductCode": "CH-1"}).json()["id"]
        entry = sf.http.post(
            f"{API}/sobjects/PricebookEntry", json={"Pricebook2Id": book, "Product2Id": product, "UnitPrice": 120}
        ).json()["id"]
        assert entry.startswith("01u")
        assert product.startswith("01t")
        assert book.startswith("01s")
        order = sf.http.post(
            f"{API}/sobjects/Order", json={"AccountId": account, "EffectiveDate": "2026-01-01", "Status": "Draft"}
        ).json()["id"]
        assert order.startswith("801")
        bad_status = sf.http.patch(f"{API}/sobjects/Order/{order}", json={"Status": "Shipped"})
        assert bad_status.json()[0]["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
        item = sf.http.post(
            f"{API}/sobjects/OrderItem",
            json={"OrderId": order, "PricebookEntryId": entry, "Quantity": 3, "UnitPrice": 100, "Description": "x"},
        ).json()["id"]
        assert item.startswith("802")
        got_item = sf.http.get(f"{API}/sobjects/OrderItem/{item}").json()
        assert got_item["TotalPrice"] == 300.0
        assert got_item["Product2Id"] == product
        got_order = sf.http.get(f"{API}/sobjects/Order/{order}").json()
        assert got_order["TotalAmount"] == 300.0
        assert got_order["Pricebook2Id"] == book
        assert got_order["OrderNumber"] == "00000001"
        assert got_order["EffectiveDate"] == "2026-01-01"
        assert sf.http.patch(f"{API}/sobjects/Order/{order}", json={"Status": "Activated"}).status_code == 204
        locked = sf.http.delete(f"{API}/sobjects/OrderItem/{item}")
        assert locked.json()[0]["errorCode"] == "ENTITY_IS_LOCKED"
        assert sf.http.patch(f"{API}/sobjects/Order/{order}", json={"Status": "Draft"}).status_code == 204
        assert sf.http.delete(f"{API}/sobjects/OrderItem/{item}").status_code == 204
        assert sf.state.get("Order", order)["TotalAmount"] == 0


def test_upsert_created_updated_and_multiple():
    with org() as sf:
        url = f"{API}/sobjects/Account/Datashare_Id__c/xero-42"
        created = sf.http.patch(url, json={"Name": "First"})
        assert created.status_code == 201
        assert created.json()["created"] is True
        assert created.json()["success"] is True
        account_id = created.json()["id"]
        assert sf.state.get("Account", account_id)["Datashare_Id__c"] == "xero-42"
        updated = sf.http.patch(url, json={"Name": "Second"})
        assert updated.status_code == 200
        assert updated.json() == {"id": account_id, "success": True, "errors": [], "created": False}
        assert sf.state.get("Account", account_id)["Name"] == "Second"
        sf.state.create("Account", {"Name": "Dup", "Datashare_Id__c": "xero-42"})
        several = sf.http.patch(url, json={"Name": "Third"})
        assert several.status_code == 300
        assert len(several.json()) == 2
        assert all(u.startswith(f"{API}/sobjects/Account/") for u in several.json())
        not_external = sf.http.patch(f"{API}/sobjects/Account/Name/x", json={"Phone": "1"})
        assert not_external.status_code == 404


def test_declared_external_id_field():
    with org() as sf:
        sf.state.declare_field("Product2", "Xero_Code__c", external_id=True)
        url = f"{API}/sobjects/Product2/Xero_Code__c/SCO-0001"
        assert sf.http.patch(url, json={"Name": "Widget"}).status_code == 201
        assert sf.http.patch(url, json={"Name": "Widget 2"}).status_code == 200
        assert sf.state.rows("Product2")[0]["Name"] == "Widget 2"
