"""vTiger emulator: listtypes, describe, create, retrieve, update, revise, delete and their errors."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from sandbox.vtiger import records

pytestmark = pytest.mark.anyio

TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def _account(client, **fields):
    return await client.create("Accounts", {"accountname": "Acme Pty Ltd", "assigned_user_id": "19x1", **fields})


async def test_listtypes_names_every_module_with_its_information(vtiger_admin):
    result = await vtiger_admin.ok(vtiger_admin.get("listtypes"))
    expected = {"Accounts", "Contacts", "Vendors", "Products", "Services", "Invoice", "SalesOrder", "PurchaseOrder",
                "Tax", "ProductTaxes", "Currency", "CompanyDetails"}  # fmt: skip
    assert set(result["types"]) == expected
    assert result["information"]["Accounts"] == {"isEntity": True, "label": "Organizations", "singular": "Organization"}
    assert result["information"]["Tax"]["isEntity"] is False


async def test_listtypes_filters_by_field_type(vtiger_admin):
    result = await vtiger_admin.ok(vtiger_admin.get("listtypes", fieldTypeList='["email"]'))
    assert set(result["types"]) == {"Accounts", "Contacts", "Vendors"}


async def test_describe_gives_id_prefix_and_typed_fields(vtiger_admin):
    result = await vtiger_admin.ok(vtiger_admin.get("describe", elementType="Contacts"))
    assert result["idPrefix"] == "12"
    assert result["name"] == "Contacts"
    assert result["isEntity"] is True
    assert result["labelFields"] == "firstname,lastname"
    fields = {f["name"]: f for f in result["fields"]}
    assert fields["lastname"]["mandatory"] is True
    assert fields["lastname"]["label"] == "Last Name"
    assert fields["firstname"]["mandatory"] is False
    assert fields["account_id"]["type"] == {"refersTo": ["Accounts"], "name": "reference"}
    assert fields["assigned_user_id"]["type"]["name"] == "owner"
    assert fields["modifiedtime"]["editable"] is False
    assert fields["email"]["type"]["name"] == "email"
    assert fields["birthday"]["type"] == {"format": "yyyy-mm-dd", "name": "date"}
    salutation = fields["salutationtype"]["type"]
    assert salutation["name"] == "picklist"
    assert {"label": "Dr.", "value": "Dr."} in salutation["picklistValues"]
    assert result["fields"][-1]["name"] == "id"


async def test_describe_products_has_no_purchase_price(vtiger_admin):
    result = await vtiger_admin.ok(vtiger_admin.get("describe", elementType="Products"))
    names = {f["name"] for f in result["fields"]}
    assert {"productname", "productcode", "unit_price", "qtyinstock"} <= names
    assert not any("purchase" in n or "cost" in n for n in names)


@pytest.mark.parametrize("name", ["Leads", "accounts"])
async def test_describe_unknown_or_miscased_module_is_access_denied(vtiger_admin, name):
    error = await vtiger_admin.error(vtiger_admin.get("describe", elementType=name))
    assert error["code"] == "ACCESS_DENIED"


async def test_create_answers_the_whole_record_as_strings(vtiger_admin, vtiger_clock):
    record = await _account(vtiger_admin, employees=12, annual_revenue=1500.5, bill_city="Sydney")
    assert re.fullmatch(r"11x\d+", record["id"])
    assert record["account_no"] == "ACC1"
    assert record["employees"] == "12"
    assert record["annual_revenue"] == "1500.50000000"
    assert record["createdtime"] == record["modifiedtime"] == vtiger_clock.now().strftime("%Y-%m-%d %H:%M:%S")
    assert TIME.match(record["createdtime"])
    assert record["assigned_user_id"] == "19x1"
    assert record["modifiedby"] == "19x1"
    assert record["source"] == "WEBSERVICE"
    assert record["website"] == ""
    assert all(isinstance(v, str) for v in record.values())


async def test_retrieve_gives_the_same_record(vtiger_admin):
    created = await _account(vtiger_admin, phone="02 9999 0000")
    assert await vtiger_admin.ok(vtiger_admin.get("retrieve", id=created["id"])) == created


async def test_references_between_records_are_ids(vtiger_admin):
    account = await _account(vtiger_admin)
    contact = await vtiger_admin.create(
        "Contacts", {"lastname": "Smith", "account_id": account["id"], "assigned_user_id": "19x1"}
    )
    assert contact["account_id"] == account["id"]
    assert contact["id"].startswith("12x")
    assert contact["contact_no"] == "CON1"


async def test_update_clears_fields_left_out(vtiger_admin):
    created = await _account(vtiger_admin, phone="02 9999 0000", email1="hello@acme.example", bill_city="Sydney")
    updated = await vtiger_admin.ok(
        vtiger_admin.post(
            "update",
            element={"id": created["id"], "accountname": "Acme Holdings", "assigned_user_id": "19x1", "phone": "1"},
        )
    )
    assert updated["accountname"] == "Acme Holdings"
    assert updated["phone"] == "1"
    assert updated["email1"] == ""
    assert updated["bill_city"] == ""
    assert updated["account_no"] == created["account_no"]
    assert updated["createdtime"] == created["createdtime"]


async def test_update_without_mandatory_fields_is_refused(vtiger_admin):
    created = await _account(vtiger_admin)
    error = await vtiger_admin.error(vtiger_admin.post("update", element={"id": created["id"], "accountname": "Acme"}))
    assert error == {"code": "MANDATORY_FIELDS_MISSING", "message": "assigned_user_id does not have a value"}


async def test_revise_changes_only_the_fields_sent(vtiger_admin, vtiger_clock):
    created = await _account(vtiger_admin, phone="02 9999 0000", email1="hello@acme.example")
    vtiger_clock.advance(65)
    revised = await vtiger_admin.ok(vtiger_admin.post("revise", element={"id": created["id"], "phone": "03 1111"}))
    assert revised["phone"] == "03 1111"
    assert revised["email1"] == "hello@acme.example"
    assert revised["accountname"] == "Acme Pty Ltd"
    assert revised["modifiedtime"] > created["modifiedtime"]


async def test_revise_cannot_empty_a_mandatory_field(vtiger_admin):
    created = await _account(vtiger_admin)
    error = await vtiger_admin.error(vtiger_admin.post("revise", element={"id": created["id"], "accountname": ""}))
    assert error == {"code": "MANDATORY_FIELDS_MISSING", "message": "accountname does not have a value"}


async def test_revise_ignores_empty_reference_but_null_clears_it(vtiger_admin):
    account = await _account(vtiger_admin)
    contact = await vtiger_admin.create(
        "Contacts", {"lastname": "Smith", "account_id": account["id"], "assigned_user_id": "19x1"}
    )
    kept = await vtiger_admin.ok(vtiger_admin.post("revise", element={"id": contact["id"], "account_id": ""}))
    assert kept["account_id"] == account["id"]
    cleared = await vtiger_admin.ok(vtiger_admin.post("revise", element={"id": contact["id"], "account_id": None}))
    assert cleared["account_id"] == ""


async def test_delete_then_retrieve_is_access_denied(vtiger_admin):
    created = await _account(vtiger_admin)
    assert await vtiger_admin.ok(vtiger_admin.post("delete", id=created["id"])) == {"status": "successful"}
    error = await vtiger_admin.error(vtiger_admin.get("retrieve", id=created["id"]))
    # vTiger looks the record's module up among live rows first, so a deleted record is not RECORD_NOT_FOUND.
    assert error == {"code": "ACCESS_DENIED", "message": "Permission to perform the operation is denied"}
    again = await vtiger_admin.error(vtiger_admin.post("delete", id=created["id"]))
    assert again["code"] == "ACCESS_DENIED"


async def test_id_of_another_module_is_invalid_id_attribute(vtiger_admin):
    created = await _account(vtiger_admin)
    crmid = created["id"].split("x")[1]
    for operation, params in [("retrieve", {"id": f"12x{crmid}"})]:
        error = await vtiger_admin.error(vtiger_admin.get(operation, **params))
        assert error == {"code": "INVALID_ID_ATTRIBUTE", "message": "Id specified is incorrect"}
    error = await vtiger_admin.error(vtiger_admin.post("revise", element={"id": f"12x{crmid}", "lastname": "X"}))
    assert error["code"] == "INVALID_ID_ATTRIBUTE"


@pytest.mark.parametrize("bad_id", ["999x1", "abc", ""])
async def test_unknown_id_prefix_is_access_denied_for_id(vtiger_admin, bad_id):
    error = await vtiger_admin.error(vtiger_admin.get("retrieve", id=bad_id))
    assert error == {"code": "ACCESS_DENIED", "message": "Permission to perform the operation is denied for id"}


async def test_create_without_mandatory_field_is_refused(vtiger_admin):
    error = await vtiger_admin.error(
        vtiger_admin.post("create", elementType="Contacts", element={"firstname": "Ann", "assigned_user_id": "19x1"})
    )
    assert error == {"code": "MANDATORY_FIELDS_MISSING", "message": "lastname does not have a value"}
    missing_owner = await vtiger_admin.error(
        vtiger_admin.post("create", elementType="Contacts", element={"lastname": "Lee"})
    )
    assert missing_owner["message"] == "assigned_user_id does not have a value"


async def test_create_in_unknown_module_is_access_denied(vtiger_admin):
    error = await vtiger_admin.error(vtiger_admin.post("create", elementType="Leads", element={"lastname": "X"}))
    assert error == {"code": "ACCESS_DENIED", "message": "Permission to perform the operation is denied"}


async def test_reference_to_the_wrong_module_is_reference_invalid(vtiger_admin):
    vendor = await vtiger_admin.create("Vendors", {"vendorname": "Supplies Co", "assigned_user_id": "19x1"})
    error = await vtiger_admin.error(
        vtiger_admin.post(
            "create",
            elementType="Contacts",
            element={"lastname": "Lee", "account_id": vendor["id"], "assigned_user_id": "19x1"},
        )
    )
    assert error == {"code": "REFERENCE_INVALID", "message": "Invalid reference specified for account_id"}
    unknown_prefix = await vtiger_admin.error(
        vtiger_admin.post(
            "create",
            elementType="Contacts",
            element={"lastname": "Lee", "account_id": "98x1", "assigned_user_id": "19x1"},
        )
    )
    assert unknown_prefix == {
        "code": "ACCESS_DENIED",
        "message": "Permission to perform the operation is denied for id",
    }


async def test_assigning_to_an_unknown_user_is_access_denied(vtiger_admin):
    error = await vtiger_admin.error(
        vtiger_admin.post("create", elementType="Accounts", element={"accountname": "X", "assigned_user_id": "19x77"})
    )
    assert error == {"code": "ACCESS_DENIED", "message": "Cannot assign record to the given user"}


async def test_undecodable_element_is_internal_server_error(vtiger_admin):
    response = await vtiger_admin.http.post(
        "/webservice.php",
        data={"operation": "create", "sessionName": vtiger_admin.session, "elementType": "Accounts", "element": "{no"},
    )
    assert response.status_code == 200
    assert response.json()["error"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "message": "Unknown Error while processing request",
    }


async def test_value_a_column_refuses_is_database_query_error(vtiger_admin):
    error = await vtiger_admin.error(
        vtiger_admin.post(
            "create",
            elementType="Accounts",
            element={"accountname": "X", "employees": "many", "assigned_user_id": "19x1"},
        )
    )
    assert error["code"] == "DATABASE_QUERY_ERROR"
    rows = await vtiger_admin.query("select count(*) from Accounts;")
    assert rows == [{"count": "0"}]


async def test_dangling_reference_comes_back_as_bare_crmid(vtiger_admin):
    parent = await _account(vtiger_admin, accountname="Head Office")
    branch = await _account(vtiger_admin, accountname="Branch", account_id=parent["id"])
    assert branch["account_id"] == parent["id"]
    await vtiger_admin.ok(vtiger_admin.post("delete", id=parent["id"]))
    after = await vtiger_admin.ok(vtiger_admin.get("retrieve", id=branch["id"]))
    assert after["account_id"] == parent["id"].split("x")[1]


async def test_deleting_an_account_unlinks_its_contacts_silently(vtiger_admin):
    account = await _account(vtiger_admin)
    contact = await vtiger_admin.create(
        "Contacts", {"lastname": "Smith", "account_id": account["id"], "assigned_user_id": "19x1"}
    )
    await vtiger_admin.ok(vtiger_admin.post("delete", id=account["id"]))
    after = await vtiger_admin.ok(vtiger_admin.get("retrieve", id=contact["id"]))
    assert after["account_id"] == ""
    assert after["modifiedtime"] == contact["modifiedtime"]


async def test_get_operation_reads_only_the_query_string(vtiger_admin):
    await _account(vtiger_admin)
    error = await vtiger_admin.error(vtiger_admin.post("query", query="select * from Accounts;"))
    assert error == {"code": "ACCESS_DENIED", "message": "Permission to perform the operation is denied for query"}


async def test_multipart_form_posts_work(vtiger_admin):
    response = await vtiger_admin.http.post(
        "/webservice.php",
        files={
            "operation": (None, "create"),
            "sessionName": (None, vtiger_admin.session),
            "elementType": (None, "Vendors"),
            "element": (None, '{"vendorname": "Multipart Ltd", "assigned_user_id": "19x1"}'),
        },
    )
    body = response.json()
    assert body["success"] is True, body
    assert body["result"]["vendorname"] == "Multipart Ltd"


async def test_json_escapes_slashes_as_php_does(vtiger_admin):
    created = await _account(vtiger_admin, website="https://acme.example/shop")
    response = await vtiger_admin.http.get(
        "/webservice.php", params={"operation": "retrieve", "sessionName": vtiger_admin.session, "id": created["id"]}
    )
    assert r'"website":"https:\/\/acme.example\/shop"' in response.text
    assert response.json()["result"]["website"] == "https://acme.example/shop"


def test_state_hands_out_unique_ids_under_concurrent_creates(vtiger_state):
    admin = vtiger_state.users[1]

    def make(n):
        return records.create(vtiger_state, admin, "Accounts", {"accountname": f"Org {n}", "assigned_user_id": "19x1"})

    with ThreadPoolExecutor(max_workers=8) as pool:
        created = list(pool.map(make, range(200)))
    assert len({c["id"] for c in created}) == 200
    assert {c["account_no"] for c in created} == {f"ACC{n}" for n in range(1, 201)}


async def test_describe_inventory_marks_computed_totals_read_only(vtiger_admin):
    result = await vtiger_admin.ok(vtiger_admin.get("describe", elementType="Invoice"))
    fields = {f["name"]: f for f in result["fields"]}
    assert result["idPrefix"] == "7"
    assert fields["hdnGrandTotal"]["editable"] is False
    assert fields["hdnSubTotal"]["editable"] is False
    assert fields["hdnTaxType"]["type"]["picklistValues"] == [
        {"label": "group", "value": "group"},
        {"label": "individual", "value": "individual"},
    ]
    assert fields["account_id"]["mandatory"] is True
    assert fields["currency_id"]["type"]["refersTo"] == ["Currency"]
