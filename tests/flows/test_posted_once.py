"""Every sale is posted to Xero once: after two runs, Xero's receivable invoices are its own plus the apps' sales.

The apps' sales are read from the apps themselves (the sandboxes' own
records), not from the hub: a vTiger Invoice, a Salesforce Order, a shop
order not cancelled and with a customer. A vTiger SalesOrder is no sale of its own (its invoice is),
so no Xero invoice carries a sales order's number.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from datashare.cli.demo import DEMO_ENVIRONMENT
from flows.accounting import accounting
from flows.crm_sales import crm_sales
from sandbox.common.serve import serve_in_thread
from sandbox.salesforce import SAMPLE_CLIENT_SECRET
from sandbox.server import Sandbox, build_sandbox
from tests.flows.conftest import ROOMY, connected_tenant_config
from tests.flows.crm_worlds import salesforce_tenant
from tests.flows.shop_worlds import SHOPS, ShopWorld, shop_tenant
from tests.seed_moments import SEEDED_AT

pytestmark = [pytest.mark.prefect, pytest.mark.e2e, pytest.mark.usefixtures("prefect_server")]

_CENT = Decimal("0.01")


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Sandbox, str]]:
    """A sandbox of the test's own, on a loopback port."""
    for name, value in DEMO_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    built = build_sandbox(limits=ROOMY, seeded_at=SEEDED_AT)
    with serve_in_thread(built.app) as url:
        yield built, url


def _receivables(sandbox: Sandbox, figure: str = "Total") -> dict[str, Decimal]:
    """Xero's posted customer invoices (not voided or deleted), ``figure`` (Total, SubTotal) by invoice id."""
    return {
        str(i["InvoiceID"]): Decimal(str(i[figure]))
        for i in sandbox.xero.org_named("AU").table("Invoices").values()
        if i["Type"] == "ACCREC" and i["Status"] not in ("VOIDED", "DELETED")
    }


def _numbers(sandbox: Sandbox, ids: t.Iterable[str]) -> list[str]:
    invoices = sandbox.xero.org_named("AU").table("Invoices")
    return sorted(str(invoices[i].get("InvoiceNumber")) for i in ids)


def _twice(config: Path, tenant: str) -> None:
    for _ in range(2):
        crm_sales(tenant=tenant, config=str(config))
        accounting(tenant=tenant, config=str(config))


def _posted_once(
    sandbox: Sandbox, before: dict[str, Decimal], sales: dict[str, Decimal], figure: str = "Total"
) -> None:
    """Xero gained one invoice per sale, numbered as the sale, for its amount (to a few cents of rounding).

    ``figure`` is what the sales' amounts are: Total, or SubTotal (before tax) where the app's tax and
    Xero's differ by rule (a CRM product's first tax only reaches Xero).
    """
    after = _receivables(sandbox, figure)
    new = {i: total for i, total in after.items() if i not in before}
    assert _numbers(sandbox, new) == sorted(sales)
    assert {i: after[i] for i in before} == before  # Xero's own sales are not touched
    # Xero works tax out on the lines it is sent, an app on its own: a cent or so per sale may differ.
    assert abs(sum(new.values()) - sum(sales.values())) <= _CENT * 3 * len(sales)
    assert sum(after.values()) - sum(before.values()) == sum(new.values())


def test_a_crms_invoices_are_posted_once_and_its_sales_orders_never(
    sandbox: tuple[Sandbox, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built, url = sandbox
    config = connected_tenant_config(tmp_path, url, monkeypatch)
    crm = built.vtiger["au"]
    sales = {
        r.values["invoice_no"]: Decimal(r.values["pre_tax_total"])
        for r in crm.live("Invoice")
        if r.values.get("invoicestatus") != "Cancelled"
    }
    orders = {r.values["salesorder_no"] for r in crm.live("SalesOrder")}
    assert any(r.values.get("salesorder_id") for r in crm.live("Invoice"))  # some invoices were made from orders
    before = _receivables(built, "SubTotal")

    _twice(config, "demo-au")

    _posted_once(built, before, sales, "SubTotal")
    assert not orders & set(_numbers(built, _receivables(built)))


def test_a_salesforce_orgs_orders_are_posted_once_each_and_the_orders_made_from_xero_come_back_never(
    sandbox: tuple[Sandbox, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built, url = sandbox
    monkeypatch.setenv("SF_SECRET", SAMPLE_CLIENT_SECRET)
    config = salesforce_tenant(tmp_path, url)
    org = built.salesforce["au"]
    # A Salesforce Order carries no tax: its TotalAmount is what Xero's SubTotal is, tax going on top in Xero.
    sales = {str(o["OrderNumber"]): Decimal(str(o["TotalAmount"])) for o in org.rows("Order")}
    before = _receivables(built, "SubTotal")

    _twice(config, "sf-au")

    _posted_once(built, before, sales, "SubTotal")
    assert len(org.rows("Order")) > len(sales)  # Xero's own invoices went to Salesforce as Orders, and stayed there


def _shop_sales(world: ShopWorld) -> dict[str, Decimal]:
    """The shop's orders that are sales Xero takes: not cancelled, with a customer; total by invoice number."""
    state = world.refs()
    if world.shop == "shopify":
        found = {
            o.name: o.total_price for o in state.orders.values() if o.cancelled_at is None and o.customer_id is not None
        }
    elif world.shop == "magento":
        found = {
            str(o["increment_id"]): Decimal(str(o["grand_total"]))
            for o in state.tables["orders"].values()
            if o["state"] != "canceled" and not o["customer_is_guest"]
        }
    else:
        found = {
            str(o["OrderID"]): Decimal(str(o["GrandTotal"]))
            for o in state.tables["Order"].values()
            if o["OrderStatus"] != "Cancelled" and o["Username"]
        }
    return {world.invoice_number(number): total for number, total in found.items()}


# One shop in make test (the Xero sink posts every shop's orders the same way), the others in make soak.
@pytest.mark.parametrize("shop", [SHOPS[0], *(pytest.param(shop, marks=pytest.mark.soak) for shop in SHOPS[1:])])
def test_a_shops_orders_are_posted_once_each(sandbox: tuple[Sandbox, str], tmp_path: Path, shop: str) -> None:
    built, url = sandbox
    world = ShopWorld(shop, built, shop_tenant(tmp_path, url, shop), url)
    sales = _shop_sales(world)
    before = _receivables(built)

    _twice(world.config, world.tenant)

    _posted_once(built, before, sales)
