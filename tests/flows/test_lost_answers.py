"""Lost answers (issue 18): the app applied the write, then its answer never came back.

With a tenth of every app's writes applied and their answers lost (the
connection dropped mid-answer), records are pushed through the real sinks over
loopback, and pushed again until nothing is due (as the next runs would): each
app holds each record exactly once, and the hub's id map points at that one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.flows.lost_worlds import (
    brought_in,
    held_once,
    invoices,
    items,
    lost_world,
    organizations,
    shop_items,
    shop_stock,
)


def test_xero_and_vtiger_hold_each_record_once_when_a_tenth_of_the_answers_are_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with lost_world(tmp_path, monkeypatch) as world:
        world.pull_xero("TaxRates", "Accounts")
        customers, goods = organizations(20), items(10)
        bills = invoices(customers, goods, 10)
        brought_in(world.hub, customers, goods, bills)
        entities = ("organizations", "items", "invoices")

        vtiger_faults = world.lose_answers("vtiger", seed=1)
        vtiger = world.settle(world.sink("vtiger"), *entities)
        xero_faults = world.lose_answers("xero", seed=57)
        xero = world.settle(world.sink("xero"), *entities)

        assert vtiger_faults.injected >= 3  # answers were lost, on both sides
        assert xero_faults.injected >= 2
        for pushed in (vtiger, xero):
            assert {e: sum(c.created for c in counts) for e, counts in pushed.items()} == {
                "organizations": 20,
                "items": 10,
                "invoices": 10,
            }
        crm = world.sandbox.vtiger["au"]
        accounts = {str(r.values["accountname"]): f"11x{r.crmid}" for r in crm.live("Accounts")}
        assert held_once((r.values["accountname"] for r in crm.live("Accounts")), (c.name for c in customers)) == {}
        assert held_once((r.values["productcode"] for r in crm.live("Products")), (i.code for i in goods)) == {}
        numbers = [str(b.transaction_number) for b in bills]
        assert held_once((r.values["customerno"] for r in crm.live("Invoice")), numbers) == {}
        assert world.remote_ids("vtiger", "organizations", (c.id for c in customers)) == {
            c.id: accounts[c.name] for c in customers
        }
        book = world.sandbox.xero.org_named("AU")
        contacts = {str(c["Name"]): str(c["ContactID"]) for c in book.table("Contacts").values()}
        assert held_once((c["Name"] for c in book.table("Contacts").values()), (c.name for c in customers)) == {}
        assert held_once((i["Code"] for i in book.table("Items").values()), (i.code for i in goods)) == {}
        assert held_once((i.get("InvoiceNumber") for i in book.table("Invoices").values()), numbers) == {}
        assert world.remote_ids("xero", "organizations", (c.id for c in customers)) == {
            c.id: contacts[c.name] for c in customers
        }


def test_salesforce_holds_each_record_once_when_a_tenth_of_the_answers_are_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with lost_world(tmp_path, monkeypatch) as world:
        world.pull_xero("TaxRates", "Accounts")
        customers, goods = organizations(20), items(10)
        bills = invoices(customers, goods, 12, approved=True)  # the approved ones are activated orders
        brought_in(world.hub, customers, goods, bills, app="vtiger")
        # Seeded so that the answers to the order lines' insert and to the orders' activation are lost.
        faults = world.lose_answers("salesforce", seed=3)
        pushed = world.settle(world.sink("salesforce"), "organizations", "items", "invoices")

        assert faults.injected >= 2
        assert [sum(c.created + c.updated for c in counts) for counts in pushed.values()] == [20, 10, 12]
        org = world.sandbox.salesforce["au"]
        accounts = {str(r["Name"]): str(r["Id"]) for r in org.rows("Account")}
        assert held_once((r["Name"] for r in org.rows("Account")), (c.name for c in customers)) == {}
        assert held_once((r["ProductCode"] for r in org.rows("Product2")), (i.code for i in goods)) == {}
        assert held_once((r["Datashare_Id__c"] for r in org.rows("Order")), (str(b.id) for b in bills)) == {}
        lines = (r["Datashare_Id__c"] for r in org.rows("OrderItem"))
        assert held_once(lines, (f"{b.id}/1" for b in bills)) == {}
        assert world.remote_ids("salesforce", "organizations", (c.id for c in customers)) == {
            c.id: accounts[c.name] for c in customers
        }


# Seeded so that the answer to a count is lost (Shopify: its one call for all counts; Neto: its one
# UpdateItem) as well as others (Magento: several of its price and stock calls).
@pytest.mark.parametrize(("shop", "seed"), [("shopify", 15), ("magento", 1), ("neto", 31)])
def test_a_shop_takes_each_price_and_count_once_when_a_tenth_of_the_answers_are_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shop: str, seed: int
) -> None:
    with lost_world(tmp_path, monkeypatch) as world:
        before = shop_stock(world.sandbox, shop)
        goods = shop_items(world.sandbox, shop)
        brought_in(world.hub, goods, app="xero")
        faults = world.lose_answers(shop, seed=seed)
        pushed = world.settle(world.sink(shop), "items")

        assert faults.injected >= 1
        assert pushed["items"][-1].due == 0
        after = shop_stock(world.sandbox, shop)
        assert sorted(after) == sorted(before)  # the shops' products are only ever changed, never made
        assert {i.code: after[i.code] for i in goods} == {
            i.code: (i.sale_price.net_amount if i.sale_price else None, i.quantity_on_hand) for i in goods
        }


@pytest.mark.soak
@pytest.mark.parametrize("gateway", [None, 504], ids=["dropped", "gateway-504"])
@pytest.mark.parametrize("seed", [2, 3, 4])
def test_every_app_holds_each_record_once_over_many_lost_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, gateway: int | None
) -> None:
    with lost_world(tmp_path, monkeypatch) as world:
        world.pull_xero("TaxRates", "Accounts")
        customers, goods = organizations(60), items(30)
        bills = invoices(customers, goods, 40, approved=True)
        brought_in(world.hub, customers, goods, bills, app="magento")
        entities = ("organizations", "items", "invoices")
        for app in ("vtiger", "salesforce", "xero"):
            # Xero and Salesforce take 50 and 200 records a call: a higher share, so that their few calls lose some.
            rate = 0.1 if app == "vtiger" else 0.4
            plan = world.lose_answers(app, seed=seed, rate=rate, status=gateway)
            world.settle(world.sink(app), *entities)
            assert plan.injected >= 1, app

        crm, org = world.sandbox.vtiger["au"], world.sandbox.salesforce["au"]
        book = world.sandbox.xero.org_named("AU")
        names, codes = [c.name for c in customers], [i.code for i in goods]
        numbers = [str(b.transaction_number) for b in bills]
        assert held_once((r.values["accountname"] for r in crm.live("Accounts")), names) == {}
        assert held_once((r.values["productcode"] for r in crm.live("Products")), codes) == {}
        assert held_once((r.values["customerno"] for r in crm.live("Invoice")), numbers) == {}
        assert held_once((r["Name"] for r in org.rows("Account")), names) == {}
        assert held_once((r["ProductCode"] for r in org.rows("Product2")), codes) == {}
        assert held_once((r["Datashare_Id__c"] for r in org.rows("OrderItem")), (f"{b.id}/1" for b in bills)) == {}
        assert held_once((c["Name"] for c in book.table("Contacts").values()), names) == {}
        assert held_once((i["Code"] for i in book.table("Items").values()), codes) == {}
        assert held_once((i.get("InvoiceNumber") for i in book.table("Invoices").values()), numbers) == {}
        for app in ("vtiger", "salesforce", "xero"):
            for entity, records in (("organizations", customers), ("items", goods), ("invoices", bills)):
                assert len(world.remote_ids(app, entity, (r.id for r in records))) == len(records), (app, entity)
