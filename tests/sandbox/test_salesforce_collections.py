"""Salesforce emulator: sObject Collections (create, update, delete, upsert) with allOrNone."""

from __future__ import annotations

from test_salesforce_support import API, org


def _account(name, **extra):
    return {"attributes": {"type": "Account"}, "Name": name, **extra}


def test_create_partial_success():
    with org() as sf:
        answer = sf.http.post(
            f"{API}/composite/sobjects",
            json={
                "allOrNone": False,
                "records": [_account("A"), {"attributes": {"type": "Contact"}, "FirstName": "x"}, _account("C")],
            },
        )
        assert answer.status_code == 200
        results = answer.json()
        assert [r["success"] for r in results] == [True, False, True]
        assert results[1] == {
            "id": None,
            "success": False,
            "errors": [
                {
                    "statusCode": "REQUIRED_FIELD_MISSING",
                    "message": "Required fields are missing: [LastName]",
                    "fields": ["LastName"],
                }
            ],
        }
        assert len(sf.state.rows("Account")) == 2


def test_create_all_or_none_rolls_back():
    with org() as sf:
        answer = sf.http.post(
            f"{API}/composite/sobjects",
            json={"allOrNone": True, "records": [_account("A"), _account("B", Id="001000000000001AAA")]},
        ).json()
        assert answer[0]["success"] is False
        assert answer[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
        assert answer[1]["errors"][0]["statusCode"] == "INVALID_FIELD"
        assert sf.state.rows("Account") == []


def test_two_hundred_cap():
    with org() as sf:
        too_many = sf.http.post(f"{API}/composite/sobjects", json={"records": [_account(str(i)) for i in range(201)]})
        assert too_many.status_code == 400
        assert too_many.json()[0]["errorCode"] == "EXCEEDED_ID_LIMIT"
        just_right = sf.http.post(f"{API}/composite/sobjects", json={"records": [_account(str(i)) for i in range(200)]})
        assert just_right.status_code == 200
        assert all(r["success"] for r in just_right.json())


def test_update_and_delete():
    with org() as sf:
        a = sf.state.create("Account", {"Name": "A"})
        b = sf.state.create("Account", {"Name": "B"})
        updated = sf.http.patch(
            f"{API}/composite/sobjects",
            json={"allOrNone": False, "records": [_account("A2", id=a), _account("no id"), _account("B2", id=b)]},
        ).json()
        assert [r["success"] for r in updated] == [True, False, True]
        assert updated[1]["errors"][0]["statusCode"] == "MISSING_ARGUMENT"
        assert sf.state.get("Account", a)["Name"] == "A2"
        rolled = sf.http.patch(
            f"{API}/composite/sobjects",
            json={"allOrNone": True, "records": [_account("A3", id=a), _account("", id=b)]},
        ).json()
        assert [r["success"] for r in rolled] == [False, False]
        assert sf.state.get("Account", a)["Name"] == "A2"

        deleted = sf.http.delete(
            f"{API}/composite/sobjects", params={"ids": f"{a},001000000000009AAA", "allOrNone": "true"}
        )
        assert [r["success"] for r in deleted.json()] == [False, False]
        assert sf.state.get("Account", a)["IsDeleted"] is False
        deleted = sf.http.delete(f"{API}/composite/sobjects", params={"ids": f"{a},{b}", "allOrNone": "false"}).json()
        assert deleted == [{"id": a, "success": True, "errors": []}, {"id": b, "success": True, "errors": []}]
        assert sf.state.rows("Account") == []


def test_upsert_collection():
    with org() as sf:
        sf.state.create("Account", {"Name": "Existing", "Datashare_Id__c": "x-1"})
        results = sf.http.patch(
            f"{API}/composite/sobjects/Account/Datashare_Id__c",
            json={
                "allOrNone": False,
                "records": [_account("Renamed", Datashare_Id__c="x-1"), _account("New", Datashare_Id__c="x-2")],
            },
        ).json()
        assert [(r["success"], r["created"]) for r in results] == [(True, False), (True, True)]
        assert sorted(r["Name"] for r in sf.state.rows("Account")) == ["New", "Renamed"]
