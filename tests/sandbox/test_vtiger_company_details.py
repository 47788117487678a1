"""vTiger emulator: CompanyDetails, the install's one company (Settings > Company Details) through the webservice."""

from __future__ import annotations

import base64

import pytest

from sandbox.vtiger import SALES_ACCESS_KEY, SALES_USERNAME
from sandbox.vtiger.state import DEFAULT_COMPANY

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def test_describe_gives_the_actor_with_its_columns_none_mandatory(vtiger_admin):
    result = await vtiger_admin.ok(vtiger_admin.get("describe", elementType="CompanyDetails"))
    assert (result["idPrefix"], result["isEntity"], result["labelFields"]) == ("23", False, "organizationname")
    fields = {f["name"]: f for f in result["fields"]}
    assert set(fields) == {*DEFAULT_COMPANY, "id"}
    assert not any(f["mandatory"] for f in fields.values())
    kinds = {name: fields[name]["type"]["name"] for name in ("phone", "fax", "website", "logoname", "logo", "vatid")}
    assert kinds == {"phone": "phone", "fax": "phone", "website": "url", "logoname": "file", "logo": "text",
                     "vatid": "string"}  # fmt: skip


async def test_a_fresh_install_has_vtigers_default_company_retrieved_with_its_logo(vtiger_admin):
    [row] = await vtiger_admin.query("SELECT * FROM CompanyDetails;")
    assert row["id"] == "23x1"
    assert (row["organizationname"], row["city"], row["logoname"], row["logo"]) == (
        "vtiger",
        "Chennai",
        "vtiger-crm-logo.gif",
        "",  # query answers the column as stored
    )
    record = await vtiger_admin.ok(vtiger_admin.get("retrieve", id="23x1"))
    assert base64.b64decode(record["logo"]).startswith(b"GIF89a")  # retrieve encodes the logo file
    assert {k: v for k, v in record.items() if k != "logo"} == {k: v for k, v in row.items() if k != "logo"}


async def test_update_replaces_the_record_and_clears_what_it_is_not_sent(vtiger_admin):
    saved = await vtiger_admin.ok(
        vtiger_admin.post(
            "update", element={"id": "23x1", "organizationname": "Acme Pty Ltd", "vatid": "51 824 753 556"}
        )
    )
    assert (saved["organizationname"], saved["vatid"], saved["city"], saved["logoname"]) == (
        "Acme Pty Ltd",
        "51 824 753 556",
        "",
        "",
    )
    revised = await vtiger_admin.ok(vtiger_admin.post("revise", element={"id": "23x1", "city": "Sydney"}))
    assert (revised["organizationname"], revised["city"]) == ("Acme Pty Ltd", "Sydney")


async def test_create_revises_the_one_company_there_is(vtiger_admin):
    made = await vtiger_admin.create("CompanyDetails", {"organizationname": "Second Co"})
    assert made["id"] == "23x1"
    assert made["city"] == "Chennai"  # a revise: the rest stays
    assert len(await vtiger_admin.query("SELECT * FROM CompanyDetails;")) == 1


async def test_only_an_admin_may_write_it_others_may_read_it(vtiger_client):
    await vtiger_client.login(SALES_USERNAME, SALES_ACCESS_KEY)
    assert (await vtiger_client.ok(vtiger_client.get("retrieve", id="23x1")))["organizationname"] == "vtiger"
    for operation in ("update", "revise"):
        error = await vtiger_client.error(
            vtiger_client.post(operation, element={"id": "23x1", "organizationname": "Not mine"})
        )
        assert (error["code"], error["message"]) == ("ACCESS_DENIED", "Permission to read given object is denied")
    error = await vtiger_client.error(
        vtiger_client.post("create", elementType="CompanyDetails", element={"organizationname": "Not mine"})
    )
    assert (error["code"], error["message"]) == ("ACCESS_DENIED", "Permission to write is denied")
