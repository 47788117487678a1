"""Xero ⇄ Salesforce through the hub, end to end over loopback on a real Prefect server (part of issue #7)."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

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
