"""The plan's own logic without a vendor: outcomes, counts and reasons, the scratch hub, the dry-run transport."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import uuid4

import httpx
import pytest

from connectors.base.dry_run import DryRunTransport, WriteBook
from connectors.base.errors import FatalError
from connectors.neto.dry_run import NetoRehearsal
from connectors.salesforce.dry_run import SalesforceRehearsal
from connectors.shopify.dry_run import ShopifyRehearsal, top_fields
from connectors.vtiger.dry_run import VtigerRehearsal
from connectors.xero.dry_run import XeroRehearsal
from datashare.model.mapping import WaitingForReference
from datashare.store import Hub
from datashare.sync.plan import Plan, PlannedRecord, outcome_of, scratch_hub
from datashare.sync.push import PushResult


def test_each_push_result_is_one_outcome() -> None:
    hub_id = uuid4()
    waiting = WaitingForReference("organizations", uuid4(), "vtiger", "waiting for its organization")
    assert outcome_of(PushResult(hub_id, True, "1", created=True)) == "create"
    assert outcome_of(PushResult(hub_id, True, "1")) == "update"
    assert outcome_of(PushResult(hub_id, True, "1", unchanged=True)) == "unchanged"
    assert outcome_of(PushResult(hub_id, False, skipped=True, error="suppliers are not written")) == "skip"
    assert outcome_of(PushResult.wait(hub_id, waiting)) == "wait"
    assert outcome_of(PushResult(hub_id, False, error="refused")) == "fail"


def test_a_plan_counts_per_app_and_entity_and_groups_its_reasons() -> None:
    plan = Plan("t", ["crm_sales"])
    plan.records = [
        PlannedRecord("vtiger", "organizations", "1", "create"),
        PlannedRecord("vtiger", "organizations", "2", "skip", "suppliers are not written to vTiger"),
        PlannedRecord("vtiger", "organizations", "3", "skip", "suppliers are not written to vTiger"),
        PlannedRecord("vtiger", "people", "4", "wait", "waiting for organizations X"),
        PlannedRecord("xero", "organizations", "1", "link"),
    ]
    assert plan.counts() == [
        {"app": "vtiger", "entity": "organizations", **dict.fromkeys(("update", "link", "wait", "fail", "unchanged"), 0),
         "create": 1, "skip": 2},
        {"app": "vtiger", "entity": "people", **dict.fromkeys(("create", "update", "link", "skip", "fail", "unchanged"), 0),
         "wait": 1},
        {"app": "xero", "entity": "organizations", **dict.fromkeys(("create", "update", "skip", "wait", "fail", "unchanged"), 0),
         "link": 1},
    ]  # fmt: skip
    assert plan.reasons()[0] == {
        "app": "vtiger",
        "entity": "organizations",
        "outcome": "skip",
        "reason": "suppliers are not written to vTiger",
        "records": 2,
    }
    page = plan.markdown()
    assert "| vtiger | organizations | 1 | 0 | 0 | 2 |" in page
    assert "waiting for organizations X" in page
    assert json.loads(json.dumps(plan.as_dict()))["counts"] == plan.counts()


def test_the_scratch_hub_is_a_copy_and_goes_away(tmp_path: Path) -> None:
    real = tmp_path / "t.duckdb"
    with Hub.open(real) as hub:
        hub.set_cursor("xero", "organizations", "cursor-1")
    before = real.read_bytes()
    with scratch_hub(real) as scratch:
        with Hub.open(scratch) as hub:
            assert hub.get_cursor("xero", "organizations") == "cursor-1"
            hub.set_cursor("xero", "organizations", "cursor-2")
        kept = scratch
    assert not kept.exists()
    assert real.read_bytes() == before
    with scratch_hub(tmp_path / "none.duckdb") as fresh:
        assert not fresh.exists()  # no hub yet: the plan makes a fresh one there
    assert not (tmp_path / "none.duckdb").exists()


def _through(rehearsal: object, request: httpx.Request) -> tuple[httpx.Response, list[httpx.Request], WriteBook]:
    sent: list[httpx.Request] = []

    def app(r: httpx.Request) -> httpx.Response:
        sent.append(r)
        return httpx.Response(200, json={"read": True})

    book = WriteBook()
    transport = DryRunTransport(rehearsal, book, inner=httpx.MockTransport(app))  # type: ignore[arg-type]
    return transport.handle_request(request), sent, book


def test_reads_reach_the_app_and_writes_do_not() -> None:
    response, sent, _ = _through(XeroRehearsal(), httpx.Request("GET", "http://x/api.xro/2.0/Contacts"))
    assert response.json() == {"read": True}
    assert len(sent) == 1
    body = {"Contacts": [{"Name": "A"}, {"ContactID": "c-1", "Name": "B"}]}
    response, sent, book = _through(XeroRehearsal(), httpx.Request("POST", "http://x/api.xro/2.0/Contacts", json=body))
    assert not sent
    answered = response.json()["Contacts"]
    assert answered[0]["ContactID"].startswith("plan-")
    assert answered[1]["ContactID"] == "c-1"
    assert {a["StatusAttributeString"] for a in answered} == {"OK"}
    assert [w.what for w in book.writes] == ["2 Contacts"]


def test_a_write_the_rehearsal_cannot_answer_is_refused_not_sent() -> None:
    with pytest.raises(FatalError, match="not sent"):
        _through(XeroRehearsal(), httpx.Request("POST", "http://x/api.xro/2.0/NoSuchThing", json={}))
    with pytest.raises(FatalError, match="not sent"):
        _through(NetoRehearsal(), httpx.Request("POST", "http://n/do/WS/NetoAPI", headers={"NETOAPI_ACTION": "Do-It"}))


def test_vtiger_creates_get_an_id_of_their_module_and_can_be_read_back() -> None:
    form = {"operation": "create", "elementType": "Accounts", "element": json.dumps({"accountname": "A"})}
    response, sent, book = _through(VtigerRehearsal(), httpx.Request("POST", "http://v/webservice.php", data=form))
    made = response.json()["result"]
    assert not sent
    assert made["accountname"] == "A"
    assert made["id"].startswith("11x")
    login = httpx.Request("POST", "http://v/webservice.php", data={"operation": "login", "username": "u"})
    assert VtigerRehearsal().reads(login, book)
    again = httpx.Request("GET", "http://v/webservice.php", params={"operation": "retrieve", "id": made["id"]})
    assert not VtigerRehearsal().reads(again, book)  # a record the plan made up is not asked of vTiger


def test_shopify_queries_read_and_mutations_are_answered_field_by_field() -> None:
    query = httpx.Request("POST", "http://s/admin/api/2024-10/graphql.json", json={"query": "{ shop { name } }"})
    assert ShopifyRehearsal().reads(query, WriteBook())
    document = "mutation Prices($p0: ID!) {\n  p0: productVariantsBulkUpdate(productId: $p0) { userErrors { code } }\n}"
    assert top_fields(document) == ["p0"]
    mutation = httpx.Request("POST", "http://s/admin/api/2024-10/graphql.json", json={"query": document})
    response, sent, _ = _through(ShopifyRehearsal(), mutation)
    assert not sent
    assert response.json() == {"data": {"p0": {"userErrors": []}}}


def test_salesforce_upserts_create_and_updates_keep_their_ids() -> None:
    upsert = httpx.Request(
        "PATCH",
        "http://f/services/data/v60.0/composite/sobjects/Account/Datashare_Id__c",
        json={"allOrNone": False, "records": [{"attributes": {"type": "Account"}, "Name": "A"}]},
    )
    response, sent, _ = _through(SalesforceRehearsal(), upsert)
    [saved] = response.json()
    assert not sent
    assert saved["created"]
    assert saved["id"].startswith("001PLAN")
    assert len(saved["id"]) == 15
    update = httpx.Request(
        "PATCH",
        "http://f/services/data/v60.0/composite/sobjects",
        json={"allOrNone": False, "records": [{"attributes": {"type": "Account"}, "id": "001A", "Name": "B"}]},
    )
    assert _through(SalesforceRehearsal(), update)[0].json() == [
        {"id": "001A", "success": True, "created": False, "errors": []}
    ]
