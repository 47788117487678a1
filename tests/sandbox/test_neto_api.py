"""The Neto emulator as a client sees it: envelope, filters, OutputSelector, formats, writes, budget, faults."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import pytest

from sandbox.common.clock import FakeClock
from sandbox.common.faults import FaultPlan
from sandbox.common.transport import InProcessTransport
from sandbox.neto import SAMPLE_KEY, SAMPLE_USERNAME, NetoState, create_app, neto_fault, seed_sample

T0 = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)
EVER = "2000-01-01 00:00:00"


class Site:
    """An in-process sandbox and a way to call it."""

    def __init__(self, state: NetoState, faults: FaultPlan | None = None) -> None:
        self.state = state
        self.http = httpx.Client(transport=InProcessTransport(create_app(state, faults=faults)), base_url="http://neto")

    def post(self, action: str, body: Any, *, json_answer: bool = True, key: str = SAMPLE_KEY) -> httpx.Response:
        headers = {"NETOAPI_ACTION": action, "NETOAPI_KEY": key, "NETOAPI_USERNAME": SAMPLE_USERNAME}
        if json_answer:
            headers["Accept"] = "application/json"
        return self.http.post("/do/WS/NetoAPI", json=body, headers=headers)

    def ok(self, action: str, body: Any) -> dict[str, Any]:
        response = self.post(action, body)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        assert answer["Ack"] == "Success", answer
        return answer


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def site(clock: FakeClock) -> Site:
    state = NetoState(clock=clock)
    seed_sample(state)
    return Site(state)


def test_a_wrong_key_is_an_ack_error_with_one_message_object(site: Site) -> None:
    answer = site.post("GetItem", {"Filter": {"SKU": "x", "OutputSelector": ["Name"]}}, key="nope").json()
    assert answer["Ack"] == "Error"
    assert answer["Messages"]["Error"]["Message"] == "Authentication failure"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"OutputSelector": ["Name"]}, "At least one filter is required"),
        ({"Page": 0, "Limit": 5, "OutputSelector": ["Name"]}, "At least one filter is required"),
        ({"SKU": "SCO-0001"}, "OutputSelector is required"),
        ({"SKU": "SCO-0001", "OutputSelector": []}, "OutputSelector is required"),
        ({"DateUpdatedFrom": "last week", "OutputSelector": ["Name"]}, "Invalid DateUpdatedFrom"),
        ({"SKU": "SCO-0001", "Page": "first", "OutputSelector": ["Name"]}, "Invalid Page"),
    ],
)
def test_a_get_without_a_filter_or_output_selector_is_refused(site: Site, query: dict[str, Any], message: str) -> None:
    answer = site.post("GetItem", {"Filter": query}).json()
    assert answer["Ack"] == "Error"
    assert answer["Messages"]["Error"]["Message"] == message


def test_only_the_selected_fields_and_the_id_come_back_all_as_strings(site: Site) -> None:
    answer = site.ok("GetItem", {"Filter": {"SKU": ["SCO-0001"], "OutputSelector": ["DefaultPrice", "IsActive"]}})
    [item] = answer["Item"]
    assert set(item) == {"ID", "InventoryID", "DefaultPrice", "IsActive"}
    assert item["IsActive"] == "True"
    assert all(isinstance(v, str) for v in item.values())
    assert item["DefaultPrice"].count(".") == 1
    assert len(item["DefaultPrice"].split(".")[1]) == 2


def test_a_line_field_selector_picks_that_field_of_every_line(site: Site) -> None:
    answer = site.ok("GetOrder", {"Filter": {"OrderID": "N10001", "OutputSelector": ["OrderLine.SKU"]}})
    [order] = answer["Order"]
    assert order["OrderLine"]
    assert all(set(line) == {"SKU"} for line in order["OrderLine"])


def test_unknown_selectors_warn_one_as_an_object_several_as_a_list(site: Site) -> None:
    one = site.post("GetItem", {"Filter": {"SKU": "SCO-0001", "OutputSelector": ["Name", "Colour"]}}).json()
    assert one["Ack"] == "Warning"
    assert one["Item"][0]["Name"]
    assert one["Messages"]["Warning"]["Message"] == "Unknown OutputSelector Colour"
    two = site.post("GetItem", {"Filter": {"SKU": "SCO-0001", "OutputSelector": ["Colour", "Size"]}}).json()
    assert [w["Message"] for w in two["Messages"]["Warning"]] == [
        "Unknown OutputSelector Colour",
        "Unknown OutputSelector Size",
    ]


def test_json_only_when_asked_for_xml_otherwise(site: Site) -> None:
    response = site.post("GetItem", {"Filter": {"SKU": "SCO-0001", "OutputSelector": ["Name"]}}, json_answer=False)
    assert response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own sandbox's answer
    assert root.findtext("Ack") == "Success"
    assert root.findtext("Item/SKU") is None
    assert root.findtext("Item/Name")


def test_pages_count_from_zero_in_date_updated_order(site: Site, clock: FakeClock) -> None:
    clock.advance(60)
    site.state.update_item("SCO-0001", Name="Alpine Tent II")
    pages = [
        site.ok(
            "GetItem",
            {"Filter": {"DateUpdatedFrom": EVER, "Page": n, "Limit": 5, "OutputSelector": ["SKU", "DateUpdated"]}},
        )["Item"]
        for n in range(4)
    ]
    assert [len(p) for p in pages] == [5, 5, 2, 0]
    stamps = [i["DateUpdated"] for p in pages for i in p]
    assert stamps == sorted(stamps)
    assert pages[2][-1]["SKU"] == "SCO-0001"  # edited last, so read last
    recent = site.ok(
        "GetItem", {"Filter": {"DateUpdatedFrom": pages[2][-1]["DateUpdated"], "OutputSelector": ["SKU"]}}
    )["Item"]
    assert [i["SKU"] for i in recent] == ["SCO-0001"]


def test_add_and_update_echo_one_object_for_one_record_and_a_list_for_several(site: Site, clock: FakeClock) -> None:
    one = site.ok("AddItem", {"Item": [{"SKU": "NEW-1", "Name": "Tarp", "DefaultPrice": "19.95"}]})
    assert set(one["Item"]) == {"InventoryID", "SKU"}
    two = site.ok("AddItem", {"Item": [{"SKU": "NEW-2", "Name": "Peg"}, {"SKU": "NEW-3", "Name": "Rope"}]})
    assert [i["SKU"] for i in two["Item"]] == ["NEW-2", "NEW-3"]
    before = site.state.tables["Item"]["NEW-1"]["DateUpdated"]
    clock.advance(5)
    site.ok("UpdateItem", {"Item": [{"SKU": "NEW-1", "DefaultPrice": "21"}]})
    assert site.state.tables["Item"]["NEW-1"]["DefaultPrice"] == "21.00"
    assert site.state.tables["Item"]["NEW-1"]["DateUpdated"] > before
    again = site.post("AddItem", {"Item": [{"SKU": "NEW-1", "Name": "Tarp"}]}).json()
    assert again["Ack"] == "Error"
    assert again["Messages"]["Error"]["Message"] == "SKU already exists"
    added = site.ok("AddCustomer", {"Customer": {"Username": "zed", "EmailAddress": "zed@example.com"}})
    assert added["Customer"]["Username"] == "zed"
    site.ok("UpdateOrder", {"Order": [{"OrderID": "N10002", "OrderStatus": "Pick"}]})
    assert site.state.tables["Order"]["N10002"]["OrderStatus"] == "Pick"


def test_an_unknown_action_is_an_ack_error(site: Site) -> None:
    answer = site.post("DeleteEverything", {}).json()
    assert answer["Ack"] == "Error"
    assert answer["Messages"]["Error"]["Message"] == "Invalid action"


def test_past_the_budget_a_key_gets_429_for_a_whole_minute(clock: FakeClock) -> None:
    site = Site(NetoState(clock=clock, per_minute=3))
    site.state.add_item("A-1", "Thing", "5")
    ask = {"Filter": {"SKU": "A-1", "OutputSelector": ["Name"]}}
    assert [site.post("GetItem", ask).status_code for _ in range(4)] == [200, 200, 200, 429]
    clock.advance(59)
    assert site.post("GetItem", ask).status_code == 429
    clock.advance(1)
    assert site.post("GetItem", ask).status_code == 200


def test_injected_faults_answer_in_netos_shape(clock: FakeClock) -> None:
    plan = FaultPlan()
    site = Site(NetoState(clock=clock), plan)
    plan.set(neto_fault(error_rate=1.0, error_status=503))
    response = site.post("GetItem", {"Filter": {"SKU": "x", "OutputSelector": ["Name"]}})
    assert response.status_code == 503
    assert response.json()["Ack"] == "Error"
    plan.clear()
    assert site.post("GetItem", {"Filter": {"SKU": "x", "OutputSelector": ["Name"]}}).json()["Item"] == []


def test_payments_rmas_and_customers_are_read_by_their_own_filters(site: Site, clock: FakeClock) -> None:
    clock.advance(60)
    site.state.add_customer("newbie", email="newbie@example.com", first_name="New", last_name="Bie")
    order = site.state.add_order("newbie", [("SCO-0001", 1)], paid=True)
    rma = site.state.add_rma(order["OrderID"])
    [payment] = site.ok("GetPayment", {"Filter": {"OrderID": [order["OrderID"]], "OutputSelector": ["AmountPaid"]}})[
        "Payment"
    ]
    assert payment["AmountPaid"] == order["GrandTotal"]
    [returned] = site.ok(
        "GetRma", {"Filter": {"OrderID": order["OrderID"], "OutputSelector": ["RefundTotal", "RmaLine"]}}
    )["Rma"]
    assert returned["RmaID"] == rma["RmaID"]
    assert returned["RefundTotal"] == order["GrandTotal"]
    assert returned["RmaLine"][0]["ItemNumber"] == "SCO-0001"
    [customer] = site.ok("GetCustomer", {"Filter": {"Username": "newbie", "OutputSelector": ["BillingAddress"]}})[
        "Customer"
    ]
    assert customer["BillingAddress"]["BillFirstName"] == "New"
    assert set(customer) == {"ID", "BillingAddress"}


def test_update_item_sets_warehouse_stock_and_get_item_shows_it(site: Site) -> None:
    sku = next(iter(site.state.tables["Item"]))
    stock = {"WarehouseID": "1", "Quantity": "12", "Action": "Set"}  # Neto's own example writes "Set"
    site.ok("UpdateItem", {"Item": [{"SKU": sku, "DefaultPrice": "30.00", "WarehouseQuantity": stock}]})
    site.ok(
        "UpdateItem",
        {"Item": [{"SKU": sku, "WarehouseQuantity": {"WarehouseID": 1, "Quantity": 2, "Action": "decrement"}}]},
    )

    [item] = site.ok(
        "GetItem",
        {"Filter": {"SKU": [sku], "OutputSelector": ["DefaultPrice", "WarehouseQuantity", "AvailableSellQuantity"]}},
    )["Item"]
    assert item["DefaultPrice"] == "30.00"
    assert item["WarehouseQuantity"] == [{"WarehouseID": "1", "Quantity": "10"}]
    assert item["AvailableSellQuantity"] == "10"

    unknown = site.post(
        "UpdateItem", {"Item": [{"SKU": sku, "WarehouseQuantity": {"WarehouseID": "9", "Quantity": "1"}}]}
    )
    assert unknown.json()["Ack"] == "Error"
    fractional = site.post(
        "UpdateItem", {"Item": [{"SKU": sku, "WarehouseQuantity": {"WarehouseID": "1", "Quantity": "1.5"}}]}
    )
    assert fractional.json()["Ack"] == "Error"


def test_currency_settings_name_the_sites_currency(site: Site) -> None:
    [settings] = site.ok("GetCurrencySettings", {})["CurrencySettings"]
    assert settings["DEFAULTCURRENCY"] == "AUD"
