"""Xero ⇄ Salesforce through the hub, end to end over loopback on a real Prefect server (issues #7 and #16).

Back to Salesforce (issue #16): a Salesforce Order Xero marks paid shows
Xero's status and amount paid on the same Order; a Xero invoice becomes an
Order with its lines; a second run writes nothing; with invoices shared only
towards the hub, no Order is written while the rest still is.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from connectors.salesforce.mapping import STAND_IN_CODE
from connectors.xero.streams import STREAMS as XERO_STREAMS
from datashare.cli.demo import DEMO_ENVIRONMENT
from datashare.config import load_config
from datashare.store import Hub
from flows.crm_sales import crm_sales
from sandbox.common.clock import SystemClock
from sandbox.common.serve import serve_in_thread
from sandbox.salesforce import SAMPLE_CLIENT_SECRET
from sandbox.server import Sandbox, build_sandbox
from tasks.wiring import xero_client
from tests.flows.conftest import ROOMY
from tests.flows.crm_worlds import salesforce_tenant
from tests.seed_moments import SEEDED_AT

pytestmark = pytest.mark.usefixtures("prefect_server")


@pytest.fixture
def sf_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Sandbox, Path]]:
    """A sandbox of the test's own, a tenant linking its AU Xero with the AU Salesforce org, both connected."""
    for name, value in DEMO_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SF_SECRET", SAMPLE_CLIENT_SECRET)
    monkeypatch.chdir(tmp_path)
    sandbox = build_sandbox(limits=ROOMY, seeded_at=SEEDED_AT)
    with serve_in_thread(sandbox.app) as url:
        yield sandbox, salesforce_tenant(tmp_path, url)


def _sf(sandbox: Sandbox, sobject: str) -> list[dict[str, t.Any]]:
    return list(sandbox.salesforce["au"].rows(sobject))


def test_an_activated_salesforce_order_becomes_a_xero_invoice(sf_world: tuple[Sandbox, Path]) -> None:
    sandbox, config = sf_world
    orders = [o for o in _sf(sandbox, "Order") if o["Status"] == "Activated"]

    crm_sales(tenant="sf-au", config=str(config))

    with Hub.open(load_config(config).tenant("sf-au").store_path()) as hub:
        linked = hub.query(
            "SELECT count(*) FROM id_map s JOIN id_map x ON x.hub_id = s.hub_id AND x.entity = s.entity "
            "WHERE s.entity = 'invoices' AND s.app = 'salesforce' AND x.app = 'xero' AND x.status = 'linked' "
            "AND list_contains(CAST(? AS VARCHAR[]), s.remote_id)",
            [o["Id"] for o in orders],
        )[0][0]
    assert orders
    assert linked == len(orders)


class _Later:
    """The machine's clock moved forward by ``offset`` seconds (``advance`` moves it further)."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.real = SystemClock()

    def now(self) -> datetime:
        return self.real.now() + timedelta(seconds=self.offset)

    def monotonic(self) -> float:
        return self.real.monotonic() + self.offset

    def sleep(self, seconds: float) -> None:
        self.real.sleep(seconds)

    def advance(self, seconds: float) -> None:
        self.offset += seconds


def _writes(rows: list[dict[str, t.Any]]) -> dict[str, int]:
    return {
        f"{r['app']}/{r['entity']}": r["created"] + r["updated"] + r["deleted"]
        for r in rows
        if r["stream"] == "push" and r["created"] + r["updated"] + r["deleted"]
    }


def test_a_second_run_writes_nothing_and_a_salesforce_deletion_becomes_a_hub_tombstone(
    sf_world: tuple[Sandbox, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox, config = sf_world
    org = sandbox.salesforce["au"]
    clock = _Later()
    org.clock = clock
    monkeypatch.setattr("connectors.salesforce.client.utcnow", clock.now)
    crm_sales(tenant="sf-au", config=str(config))

    second = crm_sales(tenant="sf-au", config=str(config))

    assert _writes(second) == {}
    contact = next(c for c in org.rows("Contact") if c.get("Datashare_Id__c") is None)
    org.delete("Contact", contact["Id"])
    clock.advance(120)  # getDeleted reports whole minutes that have passed
    third = crm_sales(tenant="sf-au", config=str(config))
    with Hub.open(load_config(config).tenant("sf-au").store_path()) as hub:
        gone = hub.query(
            "SELECT p.deleted_at IS NOT NULL, m.status FROM people p JOIN id_map m ON m.hub_id = p.id "
            "AND m.entity = 'people' AND m.app = 'salesforce' WHERE m.remote_id = ?",
            contact["Id"],
        )
    assert gone == [(True, "deleted")]
    deleted = next(r for r in third if (r["app"], r["stream"], r["entity"]) == ("salesforce", "Contact", "people"))
    assert deleted["deleted"] == 1


def _standard_price(org: t.Any, product_id: str) -> Decimal | None:
    book = next(b for b in org.rows("Pricebook2") if b["IsStandard"])
    entries = [
        e for e in org.rows("PricebookEntry") if e["Product2Id"] == product_id and e["Pricebook2Id"] == book["Id"]
    ]
    assert len(entries) <= 1
    return Decimal(str(entries[0]["UnitPrice"])) if entries else None


def test_a_xero_items_sale_price_is_its_salesforce_standard_price_and_follows_changes(
    sf_world: tuple[Sandbox, Path],
) -> None:
    sandbox, config = sf_world
    org = sandbox.salesforce["au"]
    crm_sales(tenant="sf-au", config=str(config))
    book = sandbox.xero.org_named("AU")
    ours = {p["ProductCode"]: p for p in org.rows("Product2") if p.get("Datashare_Id__c")}
    item = next(
        i for i in book.table("Items").values() if i["Code"] in ours and i.get("SalesDetails", {}).get("UnitPrice")
    )
    assert _standard_price(org, ours[item["Code"]]["Id"]) == Decimal(str(item["SalesDetails"]["UnitPrice"]))

    tenant = load_config(config).tenant("sf-au")
    changed = xero_client(tenant).write(
        XERO_STREAMS["Items"], [{"ItemID": item["ItemID"], "Code": item["Code"], "SalesDetails": {"UnitPrice": 99.5}}]
    )
    assert changed[0].ok, changed[0].errors
    crm_sales(tenant="sf-au", config=str(config))

    assert _standard_price(org, ours[item["Code"]]["Id"]) == Decimal("99.5")
    assert _writes(crm_sales(tenant="sf-au", config=str(config))) == {}


TENANT = "sf-au"
DAY: date = SEEDED_AT.date()  # what the test's Xero documents are dated: never the day the test runs


def _run(config: Path) -> list[dict[str, t.Any]]:
    return list(crm_sales(tenant=TENANT, config=str(config)))


def _xero_write(config: Path, stream: str, element: dict[str, t.Any]) -> dict[str, t.Any]:
    [result] = xero_client(load_config(config).tenant(TENANT)).write(XERO_STREAMS[stream], [element])
    assert result.ok, result.errors
    return result.record


def _xero_sale(config: Path, customer: str, code: str) -> dict[str, t.Any]:
    """An AUTHORISED Xero invoice to a new customer: three of a new item at 40, and a delivery line naming no item."""
    contact = _xero_write(config, "Contacts", {"Name": customer, "EmailAddress": "accounts@example.com"})
    _xero_write(
        config,
        "Items",
        {"Code": code, "Name": "Harbour lantern", "SalesDetails": {"UnitPrice": 40, "AccountCode": "200"}},
    )
    return _xero_write(
        config,
        "Invoices",
        {
            "Type": "ACCREC",
            "Contact": {"ContactID": contact["ContactID"]},
            "Date": DAY.isoformat(),
            "DueDate": DAY.isoformat(),
            "Status": "AUTHORISED",
            "LineAmountTypes": "Exclusive",
            "LineItems": [
                {"ItemCode": code, "Quantity": 3, "UnitAmount": 40, "AccountCode": "200", "TaxType": "OUTPUT"},
                {
                    "Description": "Delivery",
                    "Quantity": 1,
                    "UnitAmount": 15.5,
                    "AccountCode": "200",
                    "TaxType": "OUTPUT",
                },
            ],
        },
    )


def _share(config: Path, **share: str) -> None:
    """The Salesforce link's ``share`` setting, written into the tenant config."""
    text = config.read_text(encoding="utf-8")
    wanted = ", ".join(f'{entity} = "{way}"' for entity, way in {"company": "off", **share}.items())
    assert 'share = { company = "off" }' in text
    config.write_text(text.replace('share = { company = "off" }', f"share = {{ {wanted} }}"), encoding="utf-8")
    assert load_config(config).tenant(TENANT).apps["salesforce"].share == {"company": "off", **share}


def _money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_a_salesforce_order_xero_marks_paid_is_paid_in_salesforce_not_copied(sf_world: tuple[Sandbox, Path]) -> None:
    sandbox, config = sf_world
    org = sandbox.salesforce["au"]
    _run(config)
    order = next(o for o in org.rows("Order") if o["Status"] == "Activated" and not o["Datashare_Id__c"])
    with Hub.open(load_config(config).tenant(TENANT).store_path()) as hub:
        [(invoice_id,)] = hub.query(
            "SELECT x.remote_id FROM id_map s JOIN id_map x ON x.hub_id = s.hub_id AND x.entity = s.entity "
            "AND x.app = 'xero' WHERE s.app = 'salesforce' AND s.entity = 'invoices' AND s.remote_id = ?",
            order["Id"],
        )
    in_xero = sandbox.xero.org_named("AU").table("Invoices")[invoice_id]
    orders = len(org.rows("Order"))
    _xero_write(
        config,
        "Payments",
        {"Invoice": {"InvoiceID": invoice_id}, "Account": {"Code": "090"}, "Date": DAY.isoformat(),
         "Amount": float(in_xero["AmountDue"])},
    )  # fmt: skip

    paid = _run(config)

    assert _writes(paid) == {"salesforce/invoices": 1}
    after = org.get("Order", order["Id"])
    assert (after["Status"], after["Datashare_Status__c"]) == ("Activated", "PAID")
    assert _money(after["Datashare_Amount_Paid__c"]) == _money(in_xero["Total"])
    assert _money(after["Datashare_Amount_Due__c"]) == 0
    assert len(org.rows("Order")) == orders  # the same Order, not a copy
    assert _writes(_run(config)) == {}


def test_a_xero_invoice_becomes_a_salesforce_order_with_its_lines_and_a_second_run_writes_nothing(
    sf_world: tuple[Sandbox, Path],
) -> None:
    sandbox, config = sf_world
    org = sandbox.salesforce["au"]
    sale = _xero_sale(config, "Back To Salesforce Pty Ltd", "SFBACK-1")
    total = sandbox.xero.org_named("AU").table("Invoices")[sale["InvoiceID"]]["Total"]

    first = _run(config)

    assert _writes(first)["salesforce/invoices"] > 0
    [order] = [o for o in org.rows("Order") if o["OrderReferenceNumber"] == sale["InvoiceNumber"]]
    [account] = [a for a in org.rows("Account") if a["Name"] == "Back To Salesforce Pty Ltd"]
    assert (order["AccountId"], order["EffectiveDate"], order["Status"]) == (account["Id"], DAY, "Activated")
    assert order["Datashare_Status__c"] == "AUTHORISED"
    assert (_money(order["Datashare_Amount_Paid__c"]), _money(order["Datashare_Amount_Due__c"])) == (0, _money(total))
    products = {p["Id"]: p["ProductCode"] for p in org.rows("Product2")}
    lines = [i for i in org.rows("OrderItem") if i["OrderId"] == order["Id"]]
    assert [(products[i["Product2Id"]], i["Quantity"], i["UnitPrice"], i["Description"]) for i in lines] == [
        ("SFBACK-1", 3.0, 40.0, "Harbour lantern"),
        (STAND_IN_CODE, 1.0, 15.5, "Delivery"),  # no item in Xero: on the stand-in product
    ]
    assert _money(order["TotalAmount"]) == Decimal("135.50")  # Salesforce's total is before tax
    assert _writes(_run(config)) == {}


def test_with_invoices_shared_only_towards_the_hub_no_order_is_written_while_the_rest_is(
    sf_world: tuple[Sandbox, Path],
) -> None:
    sandbox, config = sf_world
    org = sandbox.salesforce["au"]
    _share(config, invoices="app_to_hub")
    _xero_sale(config, "One Way Invoices Pty Ltd", "ONEWAY-1")

    rows = _run(config)

    pushes = {r["entity"] for r in rows if (r["app"], r["stream"]) == ("salesforce", "push")}
    assert "invoices" not in pushes
    assert not [o for o in org.rows("Order") if o["Datashare_Id__c"]]  # no Order written at all
    assert [a for a in org.rows("Account") if a["Name"] == "One Way Invoices Pty Ltd"]  # the rest still is
    assert [p for p in org.rows("Product2") if p["ProductCode"] == "ONEWAY-1"]
    assert any(r["entity"] == "invoices" and r["app"] == "salesforce" and r["read"] for r in rows)  # still read
