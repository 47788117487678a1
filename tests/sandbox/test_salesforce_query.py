"""Salesforce emulator: SOQL (grammar, filters, ordering, errors), paging and incremental queries."""

from __future__ import annotations

import pytest
from test_salesforce_support import API, org


def _names(sf, soql):
    return [r["Name"] for r in sf.records(soql)]


def _accounts(sf, *names):
    return [sf.state.create("Account", {"Name": n}) for n in names]


def test_record_shape_and_datetime_format():
    with org() as sf:
        (account_id,) = _accounts(sf, "Acme Pty Ltd")
        body = sf.query("SELECT Id, Name, CreatedDate, IsDeleted FROM Account").json()
        assert body["totalSize"] == 1
        assert body["done"] is True
        assert "nextRecordsUrl" not in body
        record = body["records"][0]
        assert record["attributes"] == {"type": "Account", "url": f"{API}/sobjects/Account/{account_id}"}
        assert record["Id"] == account_id
        assert len(account_id) == 18
        assert account_id.startswith("001")
        assert record["CreatedDate"] == "2026-01-01T00:00:00.000+0000"
        assert record["IsDeleted"] is False
        assert list(record) == ["attributes", "Id", "Name", "CreatedDate", "IsDeleted"]


def test_where_and_or_not_parentheses_in_like():
    with org() as sf:
        _accounts(sf, "Alpha", "Beta", "Gamma", "Delta")
        sf.state.update("Account", sf.state.rows("Account")[1]["Id"], {"Phone": "555"})
        assert _names(sf, "SELECT Name FROM Account WHERE Name = 'alpha' OR Name = 'GAMMA' ORDER BY Name") == [
            "Alpha",
            "Gamma",
        ]
        assert _names(
            sf, "select name from account where not (name = 'Alpha' or name = 'Beta') order by name desc"
        ) == [
            "Gamma",
            "Delta",
        ]
        assert _names(sf, "SELECT Name FROM Account WHERE Name LIKE '%ta' AND Phone = null") == ["Delta"]
        assert _names(sf, "SELECT Name FROM Account WHERE Phone != null") == ["Beta"]
        assert _names(sf, "SELECT Name FROM Account WHERE Name IN ('Beta', 'delta') ORDER BY Name") == ["Beta", "Delta"]
        assert _names(sf, "SELECT Name FROM Account WHERE Name NOT IN ('Beta') ORDER BY Name LIMIT 2") == [
            "Alpha",
            "Delta",
        ]
        assert _names(sf, "SELECT Name FROM Account WHERE Name > 'b' AND Name <= 'Delta' ORDER BY Name") == [
            "Beta",
            "Delta",
        ]


def test_numbers_booleans_dates_and_multi_key_order():
    with org() as sf:
        pb = sf.state.create("Pricebook2", {"Name": "Std", "IsActive": True})
        for name, price in [("A", 10), ("B", 25.5), ("C", 25.5)]:
            product = sf.state.create("Product2", {"Name": name, "IsActive": name != "C"})
            sf.state.create("PricebookEntry", {"Pricebook2Id": pb, "Product2Id": product, "UnitPrice": price})
        rows = sf.records(
            "SELECT Name, UnitPrice FROM PricebookEntry WHERE UnitPrice >= 20 ORDER BY UnitPrice DESC, Name DESC"
        )
        assert [(r["Name"], r["UnitPrice"]) for r in rows] == [("C", 25.5), ("B", 25.5)]
        assert _names(sf, "SELECT Name FROM Product2 WHERE IsActive = false") == ["C"]
        account = _accounts(sf, "Buyer")[0]
        sf.state.create("Order", {"AccountId": account, "EffectiveDate": "2024-03-01", "Status": "Draft"})
        assert len(sf.records("SELECT Id FROM Order WHERE EffectiveDate > 2024-02-29")) == 1
        assert sf.records("SELECT Id FROM Order WHERE EffectiveDate < 2024-03-01") == []


def test_string_escapes_and_injection_looking_values_are_data():
    with org() as sf:
        _accounts(sf, "O'Brien & Sons", "x' OR Name != '", "Back\\slash", "50% off")
        assert _names(sf, r"SELECT Name FROM Account WHERE Name = 'O\'Brien & Sons'") == ["O'Brien & Sons"]
        assert _names(sf, r"SELECT Name FROM Account WHERE Name = 'x\' OR Name != \''") == ["x' OR Name != '"]
        assert _names(sf, r"SELECT Name FROM Account WHERE Name = 'Back\\slash'") == ["Back\\slash"]
        assert _names(sf, r"SELECT Name FROM Account WHERE Name LIKE '50\% %'") == ["50% off"]
        doubled = sf.query("SELECT Name FROM Account WHERE Name = 'nobody'' OR ''1''=''1'")  # SQL's '' is no escape
        assert doubled.json()[0]["errorCode"] == "MALFORMED_QUERY"
        answer = sf.query("SELECT Name FROM Account WHERE Name = 'a' OR 1=1")
        assert answer.status_code == 400
        assert answer.json()[0]["errorCode"] == "MALFORMED_QUERY"


@pytest.mark.parametrize(
    "soql",
    [
        "SELECT FROM Account",
        "SELECT Id Account",
        "SELECT Id FROM Account WHERE",
        "SELECT Id FROM Account WHERE Name = 'open",
        "SELECT Id FROM Account LIMIT x",
        "SELECT Id FROM Account; DELETE",
        "DROP TABLE Account",
    ],
)
def test_malformed_queries(soql):
    with org() as sf:
        answer = sf.query(soql)
        assert answer.status_code == 400
        (error,) = answer.json()
        assert error["errorCode"] == "MALFORMED_QUERY"
        assert error["message"]


def test_unknown_field_object_and_wrong_literal_type():
    with org() as sf:
        bad_field = sf.query("SELECT Id, Nope FROM Account")
        assert bad_field.status_code == 400
        assert bad_field.json()[0]["errorCode"] == "INVALID_FIELD"
        assert "No such column 'Nope'" in bad_field.json()[0]["message"]
        assert sf.query("SELECT Id FROM Account WHERE Nope = 1").json()[0]["errorCode"] == "INVALID_FIELD"
        assert sf.query("SELECT Id FROM Account ORDER BY Nope").json()[0]["errorCode"] == "INVALID_FIELD"
        assert sf.query("SELECT Id FROM Widget").json()[0]["errorCode"] == "INVALID_TYPE"
        quoted_date = sf.query("SELECT Id FROM Account WHERE SystemModstamp > '2024-01-01T00:00:00Z'")
        assert quoted_date.status_code == 400
        assert quoted_date.json()[0]["errorCode"] == "INVALID_FIELD"
        assert "should not be enclosed in quotes" in quoted_date.json()[0]["message"]


def test_custom_fields_are_queryable():
    with org() as sf:
        sf.state.create("Account", {"Name": "A", "Datashare_Id__c": "xero-1", "Region__c": "North"})
        rows = sf.records("SELECT Name, Datashare_Id__c, Region__c FROM Account WHERE Region__c = 'North'")
        assert rows[0]["Datashare_Id__c"] == "xero-1"


def test_paging_with_next_records_url_and_batch_size():
    with org() as sf:
        for i in range(2450):
            sf.state.create("Contact", {"LastName": f"Person {i:04d}"})
        first = sf.query("SELECT Id, LastName FROM Contact ORDER BY LastName").json()
        assert first["totalSize"] == 2450
        assert len(first["records"]) == 2000
        assert first["done"] is False
        assert first["nextRecordsUrl"].startswith(f"{API}/query/01g")
        assert first["nextRecordsUrl"].endswith("-2000")
        second = sf.http.get(first["nextRecordsUrl"]).json()
        assert len(second["records"]) == 450
        assert second["done"] is True
        assert second["records"][-1]["LastName"] == "Person 2449"

        small = sf.query("SELECT Id FROM Contact", **{"Sforce-Query-Options": "batchSize=300"}).json()
        assert len(small["records"]) == 300
        rows = sf.records("SELECT Id FROM Contact")
        assert len({r["Id"] for r in rows}) == 2450
        tiny = sf.query("SELECT Id FROM Contact", **{"Sforce-Query-Options": "batchSize=10"}).json()
        assert len(tiny["records"]) == 200  # below the minimum: 200
        limited = sf.query("SELECT Id FROM Contact LIMIT 5").json()
        assert limited["totalSize"] == 5
        assert limited["done"] is True
        assert sf.http.get(f"{API}/query/01gbogus-2000").json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_incremental_system_modstamp_query():
    with org() as sf:
        old = sf.state.create("Account", {"Name": "Old"})
        sf.clock.advance(1800)
        new = sf.state.create("Account", {"Name": "New"})
        sf.clock.advance(1800)
        sf.state.update("Account", old, {"Phone": "1"})
        soql = "SELECT Id, SystemModstamp FROM Account WHERE SystemModstamp > 2026-01-01T00:15:00Z ORDER BY SystemModstamp ASC"
        rows = sf.records(soql)
        assert [r["Id"] for r in rows] == [new, old]
        assert rows[1]["SystemModstamp"] == "2026-01-01T01:00:00.000+0000"
        plus = sf.records("SELECT Id FROM Account WHERE SystemModstamp >= 2026-01-01T02:30:00.000+02:00")
        assert {r["Id"] for r in plus} == {new, old}


def test_query_all_includes_deleted():
    with org() as sf:
        keep, gone = _accounts(sf, "Keep", "Gone")
        sf.state.delete("Account", gone)
        assert [r["Id"] for r in sf.records("SELECT Id FROM Account")] == [keep]
        rows = sf.records("SELECT Id, IsDeleted FROM Account ORDER BY Name", resource="queryAll")
        assert [(r["Id"], r["IsDeleted"]) for r in rows] == [(gone, True), (keep, False)]
        assert sf.records("SELECT Id FROM Account WHERE IsDeleted = true", resource="queryAll")[0]["Id"] == gone
