"""vTiger emulator: sync (changes since a moment, tombstones, batches of 100 and the ``more`` flag)."""

from __future__ import annotations

import pytest

from sandbox.vtiger import SALES_ACCESS_KEY, SALES_USERNAME, records

pytestmark = pytest.mark.anyio

OWNER = {"assigned_user_id": "19x1"}


@pytest.fixture
def anyio_backend():
    return "asyncio"


def _add(state, module="Accounts", **fields):
    element = {"accountname": "Acme", **OWNER, **fields} if module == "Accounts" else {**OWNER, **fields}
    return records.create(state, state.users[1], module, element)


def _epoch(clock):
    return int(clock.now().timestamp())


async def _sync(client, since, module="Accounts", **params):
    return await client.ok(client.get("sync", modifiedTime=str(since), elementType=module, **params))


async def test_sync_returns_records_changed_since(vtiger_admin, vtiger_state, vtiger_clock):
    created = [_add(vtiger_state, accountname=f"Org {n}") for n in range(3)]
    result = await _sync(vtiger_admin, 0)
    assert [r["id"] for r in result["updated"]] == [c["id"] for c in created]
    assert (
        result["updated"][0]
        == (await vtiger_admin.query(f"select * from Accounts where id = '{created[0]['id']}';"))[0]
    )
    assert result["deleted"] == []
    assert result["lastModifiedTime"] == _epoch(vtiger_clock)
    assert result["more"] is False


async def test_sync_reports_edits_and_deletes_after_the_cursor(vtiger_admin, vtiger_state, vtiger_clock):
    first, second, third = (_add(vtiger_state, accountname=f"Org {n}") for n in range(3))
    cursor = (await _sync(vtiger_admin, 0))["lastModifiedTime"]
    vtiger_clock.advance(10)
    await vtiger_admin.ok(vtiger_admin.post("revise", element={"id": first["id"], "phone": "1"}))
    await vtiger_admin.ok(vtiger_admin.post("delete", id=second["id"]))
    fourth = _add(vtiger_state, accountname="Org 3")
    result = await _sync(vtiger_admin, cursor)
    assert sorted(r["id"] for r in result["updated"]) == sorted([first["id"], fourth["id"]])
    assert result["deleted"] == [second["id"]]
    assert result["lastModifiedTime"] == cursor + 10
    assert third["id"] not in [r["id"] for r in result["updated"]]
    nothing = await _sync(vtiger_admin, result["lastModifiedTime"])
    assert nothing == {"updated": [], "deleted": [], "lastModifiedTime": result["lastModifiedTime"], "more": False}


async def test_sync_pages_through_more_than_100_changes(vtiger_admin, vtiger_state, vtiger_clock):
    ids = []
    for n in range(250):
        ids.append(_add(vtiger_state, accountname=f"Org {n}")["id"])
        vtiger_clock.advance(1)
    for victim in ids[:20]:
        await vtiger_admin.ok(vtiger_admin.post("delete", id=victim))
    seen_updated, seen_deleted, batches, cursor = [], [], [], 0
    while True:
        result = await _sync(vtiger_admin, cursor)
        batches.append((len(result["updated"]) + len(result["deleted"]), result["more"]))
        seen_updated += [r["id"] for r in result["updated"]]
        seen_deleted += result["deleted"]
        cursor = result["lastModifiedTime"]
        if not result["more"]:
            break
    assert batches == [(100, True), (100, True), (50, False)]
    assert sorted(seen_updated) == sorted(ids[20:])
    assert sorted(seen_deleted) == sorted(ids[:20])
    assert len(seen_updated) == len(set(seen_updated))


async def test_sync_never_splits_a_second(vtiger_admin, vtiger_state, vtiger_clock):
    for n in range(90):
        _add(vtiger_state, accountname=f"Early {n}")
    vtiger_clock.advance(1)
    for n in range(30):
        _add(vtiger_state, accountname=f"Late {n}")
    vtiger_clock.advance(1)
    _add(vtiger_state, accountname="Last")
    result = await _sync(vtiger_admin, 0)
    # The first 100 changes end in the second of the "Late" ones: all 30 of them come along.
    assert len(result["updated"]) == 120
    assert result["more"] is True
    rest = await _sync(vtiger_admin, result["lastModifiedTime"])
    assert [r["accountname"] for r in rest["updated"]] == ["Last"]
    assert rest["more"] is False


async def test_sync_without_element_type_covers_every_entity_module(vtiger_admin, vtiger_state):
    account = _add(vtiger_state)
    contact = _add(vtiger_state, "Contacts", lastname="Lee", account_id=account["id"])
    result = await vtiger_admin.ok(vtiger_admin.get("sync", modifiedTime="0"))
    assert [r["id"] for r in result["updated"]] == [account["id"], contact["id"]]


async def test_sync_only_entity_modules(vtiger_admin):
    for module in ["Tax", "Leads", "ProductTaxes"]:
        error = await vtiger_admin.error(vtiger_admin.get("sync", modifiedTime="0", elementType=module))
        assert error == {"code": "ACCESS_DENIED", "message": "Permission to perform the operation is denied"}


async def test_user_sync_sees_own_records_application_sync_sees_all(vtiger_admin, vtiger_state):
    mine = _add(vtiger_state, accountname="Mine")
    theirs = _add(vtiger_state, accountname="Theirs", assigned_user_id="19x5")
    user = await _sync(vtiger_admin, 0)
    assert [r["id"] for r in user["updated"]] == [mine["id"]]
    application = await _sync(vtiger_admin, 0, syncType="application")
    assert [r["id"] for r in application["updated"]] == [mine["id"], theirs["id"]]


async def test_application_sync_needs_an_admin(vtiger_client):
    await vtiger_client.login(SALES_USERNAME, SALES_ACCESS_KEY)
    error = await vtiger_client.error(
        vtiger_client.get("sync", modifiedTime="0", elementType="Accounts", syncType="application")
    )
    assert error == {"code": "ACCESS_DENIED", "message": "Only admin users can perform application sync"}


async def test_sync_of_inventory_gives_header_rows(vtiger_admin, vtiger_state):
    product = _add(vtiger_state, "Products", productname="Widget", unit_price=5)
    account = _add(vtiger_state)
    invoice = _add(
        vtiger_state,
        "Invoice",
        subject="Inv",
        account_id=account["id"],
        bill_street="1 St",
        ship_street="1 St",
        LineItems=[{"productid": product["id"], "quantity": 2}],
    )
    result = await _sync(vtiger_admin, 0, "Invoice")
    (row,) = result["updated"]
    assert row["id"] == invoice["id"]
    assert "LineItems" not in row
    assert row["hdnSubTotal"] == "10.00000000"


async def test_sync_reads_an_unparsable_time_as_zero(vtiger_admin, vtiger_state):
    _add(vtiger_state)
    result = await vtiger_admin.ok(vtiger_admin.get("sync", modifiedTime="yesterday", elementType="Accounts"))
    assert len(result["updated"]) == 1
