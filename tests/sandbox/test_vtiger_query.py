"""vTiger emulator: the VTQL query language, its limits and its errors."""

from __future__ import annotations

import pytest

from sandbox.vtiger import records

pytestmark = pytest.mark.anyio

OWNER = {"assigned_user_id": "19x1"}
ACCOUNTS = [
    {"accountname": "Acme Pty Ltd", "industry": "Retail", "employees": 10, "annual_revenue": 1000},
    {"accountname": "ACME Pty. Ltd  ", "industry": "Retail", "employees": 5, "annual_revenue": 90},
    {"accountname": "Beta Café", "industry": "Hospitality", "employees": 50, "annual_revenue": 250000},
    {"accountname": "Gamma & Sons", "industry": "Construction", "employees": 9, "annual_revenue": 9000},
    {"accountname": "O'Brien Plumbing", "industry": "Construction", "employees": 7, "annual_revenue": 700},
]


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def accounts(vtiger_state):
    """Five organizations, created straight into the state; their ids in creation order."""
    admin = vtiger_state.users[1]
    return [str(records.create(vtiger_state, admin, "Accounts", {**a, **OWNER})["id"]) for a in ACCOUNTS]


def _names(rows):
    return [r["accountname"] for r in rows]


async def test_select_star_gives_every_field_and_id(vtiger_admin, accounts):
    rows = await vtiger_admin.query("select * from Accounts;")
    assert [r["id"] for r in rows] == accounts
    assert list(rows[0])[-1] == "id"
    assert {"accountname", "email1", "bill_city", "assigned_user_id", "modifiedtime"} <= set(rows[0])
    assert all(isinstance(v, str) for r in rows for v in r.values())


async def test_select_columns_always_adds_id(vtiger_admin, accounts):
    rows = await vtiger_admin.query("select accountname, industry from Accounts limit 1;")
    assert rows == [{"accountname": "Acme Pty Ltd", "industry": "Retail", "id": accounts[0]}]
    with_id = await vtiger_admin.query("select id, accountname from Accounts limit 1;")
    assert list(with_id[0]) == ["id", "accountname"]


async def test_count_star(vtiger_admin, accounts):
    assert await vtiger_admin.query("select count(*) from Accounts;") == [{"count": "5"}]
    assert await vtiger_admin.query("SELECT COUNT(*) FROM Accounts WHERE industry = 'Retail';") == [{"count": "2"}]


async def test_equals_ignores_case_accents_and_trailing_spaces(vtiger_admin, accounts):
    assert _names(await vtiger_admin.query("select * from Accounts where accountname = 'beta cafe';")) == ["Beta Café"]
    rows = await vtiger_admin.query("select * from Accounts where accountname = 'acme pty. ltd';")
    assert _names(rows) == ["ACME Pty. Ltd  "]


async def test_like_matches_patterns_but_not_trailing_spaces(vtiger_admin, accounts):
    rows = await vtiger_admin.query("select * from Accounts where accountname like '%acme%';")
    assert _names(rows) == ["Acme Pty Ltd", "ACME Pty. Ltd  "]
    assert await vtiger_admin.query("select * from Accounts where accountname like 'ACME Pty. Ltd';") == []
    rows = await vtiger_admin.query("select * from Accounts where accountname like 'B_ta%';")
    assert _names(rows) == ["Beta Café"]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("employees = 9", ["Gamma & Sons"]),
        ("employees != 9", ["Acme Pty Ltd", "ACME Pty. Ltd  ", "Beta Café", "O'Brien Plumbing"]),
        ("employees > 9", ["Acme Pty Ltd", "Beta Café"]),
        ("employees >= 9", ["Acme Pty Ltd", "Beta Café", "Gamma & Sons"]),
        ("employees < 7", ["ACME Pty. Ltd  "]),
        ("employees <= 7", ["ACME Pty. Ltd  ", "O'Brien Plumbing"]),
        ("annual_revenue > '1000'", ["Beta Café", "Gamma & Sons"]),
        ("industry in ('Retail', 'Hospitality')", ["Acme Pty Ltd", "ACME Pty. Ltd  ", "Beta Café"]),
        ("accountname = 'O''Brien Plumbing'", ["O'Brien Plumbing"]),
    ],
)
async def test_comparisons(vtiger_admin, accounts, condition, expected):
    assert _names(await vtiger_admin.query(f"select * from Accounts where {condition};")) == expected


async def test_and_binds_tighter_than_or(vtiger_admin, accounts):
    rows = await vtiger_admin.query(
        "select * from Accounts where industry = 'Construction' or industry = 'Retail' and employees > 6;"
    )
    assert _names(rows) == ["Acme Pty Ltd", "Gamma & Sons", "O'Brien Plumbing"]


async def test_references_and_id_compare_by_crmid(vtiger_admin, accounts, vtiger_state):
    admin = vtiger_state.users[1]
    contact = records.create(vtiger_state, admin, "Contacts", {"lastname": "Lee", "account_id": accounts[2], **OWNER})
    rows = await vtiger_admin.query(f"select lastname from Contacts where account_id = '{accounts[2]}';")
    assert rows == [{"lastname": "Lee", "id": contact["id"]}]
    rows = await vtiger_admin.query(f"select accountname from Accounts where id in ('{accounts[0]}', '{accounts[4]}');")
    assert _names(rows) == ["Acme Pty Ltd", "O'Brien Plumbing"]


async def test_reference_value_without_x_is_invalid_id_attribute(vtiger_admin, accounts):
    crmid = accounts[0].split("x")[1]
    error = await vtiger_admin.error(
        vtiger_admin.get("query", query=f"select * from Contacts where account_id = '{crmid}';")
    )
    assert error == {"code": "INVALID_ID_ATTRIBUTE", "message": "Id specified is incorrect"}


async def test_order_by_ascending_and_descending(vtiger_admin, accounts):
    ascending = await vtiger_admin.query("select accountname from Accounts order by accountname;")
    assert _names(ascending) == ["Acme Pty Ltd", "ACME Pty. Ltd  ", "Beta Café", "Gamma & Sons", "O'Brien Plumbing"]
    descending = await vtiger_admin.query("select accountname from Accounts order by employees desc;")
    assert _names(descending) == ["Beta Café", "Acme Pty Ltd", "Gamma & Sons", "O'Brien Plumbing", "ACME Pty. Ltd  "]


async def test_direction_applies_to_the_last_order_column_only(vtiger_admin, accounts):
    rows = await vtiger_admin.query("select accountname from Accounts order by industry, employees desc;")
    assert _names(rows) == ["Gamma & Sons", "O'Brien Plumbing", "Beta Café", "Acme Pty Ltd", "ACME Pty. Ltd  "]


async def test_limit_and_offset_page_through(vtiger_admin, accounts):
    first = await vtiger_admin.query("select accountname from Accounts order by accountname limit 2;")
    second = await vtiger_admin.query("select accountname from Accounts order by accountname limit 2, 2;")
    third = await vtiger_admin.query("select accountname from Accounts order by accountname limit 4, 2;")
    assert _names(first + second + third) == _names(
        await vtiger_admin.query("select accountname from Accounts order by accountname;")
    )
    assert len(third) == 1


async def test_at_most_100_rows_per_query(vtiger_admin, vtiger_state):
    admin = vtiger_state.users[1]
    for n in range(130):
        records.create(vtiger_state, admin, "Vendors", {"vendorname": f"Vendor {n:03}", **OWNER})
    assert len(await vtiger_admin.query("select * from Vendors;")) == 100
    assert len(await vtiger_admin.query("select * from Vendors limit 150;")) == 100
    assert len(await vtiger_admin.query("select * from Vendors limit 100, 500;")) == 30
    page = await vtiger_admin.query("select vendorname from Vendors limit 120, 5;")
    assert [r["vendorname"] for r in page] == [f"Vendor {n}" for n in range(120, 125)]
    assert await vtiger_admin.query("select count(*) from Vendors;") == [{"count": "130"}]


async def test_deleted_records_are_not_queried(vtiger_admin, accounts):
    await vtiger_admin.ok(vtiger_admin.post("delete", id=accounts[0]))
    rows = await vtiger_admin.query("select * from Accounts;")
    assert accounts[0] not in [r["id"] for r in rows]


async def test_keywords_and_module_names_ignore_case(vtiger_admin, accounts):
    rows = await vtiger_admin.query(
        "SELECT accountname FROM accounts WHERE industry LIKE 'retail' ORDER BY accountname DESC LIMIT 1;"
    )
    assert _names(rows) == ["ACME Pty. Ltd  "]


async def test_query_on_timestamps(vtiger_admin, accounts, vtiger_clock, vtiger_state):
    vtiger_clock.advance(600)
    later = records.create(vtiger_state, vtiger_state.users[1], "Accounts", {"accountname": "Late Co", **OWNER})
    stamp = vtiger_clock.now().replace(microsecond=0).strftime("%Y-%m-%d %H:%M:%S")
    rows = await vtiger_admin.query(f"select accountname from Accounts where modifiedtime >= '{stamp}';")
    assert rows == [{"accountname": "Late Co", "id": later["id"]}]


async def test_actor_modules_can_be_queried(vtiger_admin):
    await vtiger_admin.create("Tax", {"taxlabel": "GST", "percentage": 10})
    await vtiger_admin.create("Tax", {"taxlabel": "WET", "percentage": 29})
    rows = await vtiger_admin.query("select taxlabel from Tax where percentage > 15;")
    assert [r["taxlabel"] for r in rows] == ["WET"]


@pytest.mark.parametrize(
    "text",
    [
        "select * from Accounts",
        "select * from Accounts;;",
        "selec * from Accounts;",
        "select * from Accounts where;",
        "select * from Accounts where accountname = ;",
        "select * from Accounts where employees > 1.5;",
        "select * from Accounts where accountname = 'open;",
        "select * from Accounts where accountname = 'a\\'b';",
        "select * from Accounts limit;",
        "select * from Accounts order accountname;",
        "select * from Accounts where accountname <> 'x';",
        "select accountname, from Accounts;",
    ],
)
async def test_syntax_errors(vtiger_admin, accounts, text):
    error = await vtiger_admin.error(vtiger_admin.get("query", query=text))
    assert error["code"] == "QUERY_SYNTAX_ERROR", text
    assert error["message"].startswith("Syntax Error on line 1")


async def test_missing_from_or_unknown_module_is_access_denied(vtiger_admin):
    no_from = await vtiger_admin.error(vtiger_admin.get("query", query="select * Accounts;"))
    assert no_from == {"code": "ACCESS_DENIED", "message": "Permission to perform the operation is denied for query"}
    unknown = await vtiger_admin.error(vtiger_admin.get("query", query="select * from Leads;"))
    assert unknown == {
        "code": "ACCESS_DENIED",
        "message": "Permission to perform the operation is denied for name : Leads",
    }


async def test_unknown_columns(vtiger_admin, accounts):
    select = await vtiger_admin.error(vtiger_admin.get("query", query="select nickname from Accounts;"))
    assert select == {"code": "ACCESS_DENIED", "message": "Permission to access '.nickname.' attribute denied."}
    where = await vtiger_admin.error(vtiger_admin.get("query", query="select * from Accounts where nickname = 'x';"))
    assert where == {"code": "ACCESS_DENIED", "message": "Permission to access nickname attribute denied."}
    case = await vtiger_admin.error(vtiger_admin.get("query", query="select AccountName from Accounts;"))
    assert case["code"] == "ACCESS_DENIED"
    order = await vtiger_admin.error(vtiger_admin.get("query", query="select * from Accounts order by nickname;"))
    assert order["code"] == "DATABASE_QUERY_ERROR"


async def test_empty_numbers_are_null_and_match_no_condition(vtiger_admin, accounts, vtiger_state):
    records.create(vtiger_state, vtiger_state.users[1], "Accounts", {"accountname": "Unknown Size", **OWNER})
    for condition in ["employees < 100", "employees != 5", "employees in (0, 5)"]:
        rows = await vtiger_admin.query(f"select accountname from Accounts where {condition};")
        assert "Unknown Size" not in _names(rows), condition
    assert "Unknown Size" in _names(
        await vtiger_admin.query("select * from Accounts where accountname like 'Unknown%';")
    )


async def test_ids_compare_and_sort_as_numbers(vtiger_admin, vtiger_state):
    admin = vtiger_state.users[1]
    ids = [records.create(vtiger_state, admin, "Vendors", {"vendorname": f"V{n}", **OWNER})["id"] for n in range(12)]
    rows = await vtiger_admin.query(f"select vendorname from Vendors where id > '{ids[8]}';")
    assert [r["id"] for r in rows] == ids[9:]
    newest_first = await vtiger_admin.query("select vendorname from Vendors order by id desc limit 3;")
    assert [r["id"] for r in newest_first] == ids[:-4:-1]
