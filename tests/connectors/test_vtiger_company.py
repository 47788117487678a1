"""The Company (Xero's Organisation) to vTiger's company details (issue #16): mapping, sink over loopback, direction.

vTiger keeps the business's own details in one CompanyDetails record
(Settings > Company Details). The hub's Company is written there, field by
field as Xero has it, and only when a field differs; it is never read back
(Xero is where the Company comes from).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from connectors.base.mapping import DictRefs, MappingError
from connectors.base.retry import RetryPolicy
from connectors.vtiger import VtigerClient, make_mapper
from connectors.vtiger.mapping import COMPANY_CURRENCY, write_company
from connectors.vtiger.sink import COMPANY_ADMIN_ONLY, VtigerSink
from datashare.config import AppLink, Share, Tenant
from datashare.model import Address, Addresses, Company, Phone
from datashare.store import Hub
from datashare.sync.push import push_entity
from sandbox.common.serve import serve_in_thread
from sandbox.vtiger import SALES_ACCESS_KEY, SALES_USERNAME, SAMPLE_ACCESS_KEY, SAMPLE_USERNAME, VtigerState, create_app
from sandbox.vtiger.state import DEFAULT_COMPANY
from tasks.sync import batches_for, pushes_for

FAST = RetryPolicy(attempts=3, sleep=lambda _: None)
POSTAL = Address(line1="PO Box 42", line2="Haymarket", city="Sydney", region="NSW", postal_code="1240", country="AU")
STREET = Address(line1="1 Sample Street", city="Parramatta", country="AU")


def _company(**fields: object) -> Company:
    values: dict[str, object] = {
        "id": uuid4(),
        "name": "Southern Cross Outdoor Co",
        "legal_name": "Southern Cross Outdoor Co Pty Ltd",
        "country": "AU",
        "currency": "AUD",
        "tax_number": "51 824 753 556",
        "website": "https://southerncross.example",
        "phone": Phone(landline="02 9000 0100", mobile="0400 000 100", fax="02 9000 0199"),
        "address": Addresses(billing=POSTAL, shipping=STREET),
    }
    return Company.model_validate({**values, **fields})


# -- mapping ---------------------------------------------------------------------------------------


def test_the_company_maps_to_every_field_of_vtigers_company_details_it_sets() -> None:
    assert write_company(_company()) == {
        "organizationname": "Southern Cross Outdoor Co",
        "address": "PO Box 42\nHaymarket",
        "city": "Sydney",
        "state": "NSW",
        "code": "1240",
        "country": "Australia",
        "phone": "02 9000 0100",
        "fax": "02 9000 0199",
        "website": "https://southerncross.example",
        "vatid": "51 824 753 556",
    }


def test_the_street_address_stands_in_for_a_missing_postal_one_and_the_company_country_for_its_country() -> None:
    element = write_company(_company(address=Addresses(shipping=STREET.model_copy(update={"country": None}))))
    assert (element["address"], element["city"], element["country"]) == ("1 Sample Street", "Parramatta", "Australia")
    mobile_only = write_company(_company(phone=Phone(mobile="0400 000 100")))
    assert (mobile_only["phone"], mobile_only["fax"]) == ("0400 000 100", "")


def test_what_the_company_lacks_is_written_empty_and_its_currency_not_at_all() -> None:
    element = write_company(Company(id=uuid4(), name="Bare Co", currency="NZD"))
    assert element == {**dict.fromkeys(element, ""), "organizationname": "Bare Co"}
    assert not any("curr" in name for name in element)
    assert "base currency" in COMPANY_CURRENCY


def test_values_longer_than_vtigers_columns_are_cut_to_what_vtiger_keeps() -> None:
    element = write_company(_company(name="N" * 80, tax_number="7" * 120))
    assert (len(element["organizationname"]), len(element["vatid"])) == (60, 100)


def test_vtigers_company_details_are_never_read_into_the_hub() -> None:
    with pytest.raises(MappingError, match="CompanyDetails"):
        make_mapper()("CompanyDetails", {"id": "23x1", "organizationname": "vtiger"}, DictRefs())


# -- direction -------------------------------------------------------------------------------------


def _tenant(share: dict[str, str] | None = None) -> Tenant:
    vtiger = AppLink(base_url="http://crm.example", secrets={"access_key": "env:K"}, share=share or {})  # type: ignore[arg-type]
    xero = AppLink(base_url="http://xero.example", secrets={"client_secret": "env:S", "token_store": "file:t.json"})  # type: ignore[arg-type]
    return Tenant(name="acme", xero_organisation="Acme", apps={"xero": xero, "vtiger": vtiger})


@pytest.mark.parametrize(("share", "written"), [(None, True), ("both", True), ("hub_to_app", True),
                                                ("app_to_hub", False), ("off", False)])  # fmt: skip
def test_the_company_goes_to_vtiger_first_unless_its_direction_says_not(share: str | None, written: bool) -> None:
    tenant = _tenant({"company": share} if share else None)
    assert (tenant.apps["vtiger"].direction("company").to_app) is written
    pushes = [entity for app, entity in pushes_for(tenant, ["company", "organizations"]) if app == "vtiger"]
    assert pushes == (["company"] if written else []) + ["organizations"]
    assert tenant.apps["vtiger"].direction("company") == Share(share or "both")
    # Whichever way it is shared, vTiger's company details are not a source of the hub's Company.
    assert not [app for app, _ in batches_for(tenant, ["company"]) if app == "vtiger"]


# -- the sink over loopback ------------------------------------------------------------------------


class Calls:
    """The webservice operations the connector sent."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def __call__(self, request: httpx.Request) -> None:
        operation = request.url.params.get("operation") or httpx.QueryParams(request.content.decode()).get("operation")
        self.sent.append(str(operation))


@pytest.fixture
def crm() -> Iterator[tuple[VtigerState, str]]:
    """A fresh vTiger install (its default company) served on a loopback port."""
    state = VtigerState()
    with serve_in_thread(Starlette(routes=[Mount("/vtiger", app=create_app(state))])) as base:
        yield state, f"{base}/vtiger"


def _client(base: str, calls: Calls, username: str = SAMPLE_USERNAME, key: str = SAMPLE_ACCESS_KEY) -> VtigerClient:
    http = httpx.Client(event_hooks={"request": [calls]}, timeout=10)
    return VtigerClient(base, username, key, http=http, retry=FAST)


def test_the_company_is_written_once_linked_and_a_rename_in_xero_follows(
    crm: tuple[VtigerState, str], tmp_path: Path
) -> None:
    state, base = crm
    calls = Calls()
    company = _company()
    with _client(base, calls) as client, Hub.open(tmp_path / "hub.duckdb") as hub:
        sink = VtigerSink(client, hub=hub)
        hub.upsert_records([company], source="xero")

        first = push_entity(hub, sink, "company")

        assert (first.due, first.updated, first.created) == (1, 1, 0)  # vTiger's one record, made the company's
        held = state.actors["CompanyDetails"][1]
        assert {k: held[k] for k in write_company(company)} == write_company(company)
        assert (held["logoname"], held["logo"]) == (DEFAULT_COMPANY["logoname"], "")  # the logo left as it was
        assert hub.query("SELECT remote_id, status FROM id_map WHERE entity = 'company' AND app = 'vtiger'") == [
            ("23x1", "linked")
        ]
        assert push_entity(hub, sink, "company").due == 0  # a second run has nothing to send

        # Only a field vTiger holds makes it due again: Xero's currency or year end are nothing to vTiger.
        hub.upsert_records([company.model_copy(update={"financial_year_end": "06-30"})], source="xero")
        assert push_entity(hub, sink, "company").due == 0

        calls.sent.clear()
        renamed = company.model_copy(update={"name": "Southern Cross Adventure Co", "financial_year_end": "06-30"})
        hub.upsert_records([renamed], source="xero")
        again = push_entity(hub, sink, "company")

        assert (again.updated, again.unchanged) == (1, 0)
        assert calls.sent == ["retrieve", "update"]  # linked: retrieved by id, updated whole
        assert state.actors["CompanyDetails"][1]["organizationname"] == "Southern Cross Adventure Co"
        assert state.actors["CompanyDetails"][1]["vatid"] == "51 824 753 556"


def test_a_company_vtiger_already_holds_is_not_written(crm: tuple[VtigerState, str]) -> None:
    state, base = crm
    company = _company()
    state.actors["CompanyDetails"][1].update(write_company(company))
    calls = Calls()
    with _client(base, calls) as client:
        [result] = VtigerSink(client).push("company", [company], DictRefs())
    assert (result.ok, result.unchanged, result.remote_id) == (True, True, "23x1")
    assert "update" not in calls.sent


def test_a_crm_user_who_is_not_an_admin_cannot_change_it_and_is_told_why(crm: tuple[VtigerState, str]) -> None:
    state, base = crm
    with _client(base, Calls(), SALES_USERNAME, SALES_ACCESS_KEY) as client:
        [result] = VtigerSink(client).push("company", [_company()], DictRefs())
    assert (result.ok, result.skipped, result.error) == (False, True, COMPANY_ADMIN_ONLY)
    assert state.actors["CompanyDetails"][1]["organizationname"] == "vtiger"
