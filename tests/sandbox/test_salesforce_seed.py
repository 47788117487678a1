"""Salesforce emulator: the seeded sample orgs and their overlap with the Xero sample."""

from __future__ import annotations

import re

from sandbox.common.clock import FakeClock
from sandbox.salesforce import SalesforceState, seed_sample
from sandbox.xero import sample_directory


def _seeded(org="au", seed=0, scale=1):
    directory = sample_directory(org, scale=scale, seed=seed)
    state = SalesforceState(clock=FakeClock())
    summary = seed_sample(
        state,
        scale=scale,
        seed=seed,
        customers=directory.crm_customers(),
        item_codes=directory.item_codes(),
        country=org.upper(),
    )
    return state, summary, directory


def _plain(name):
    return re.sub(r"[^a-z0-9]", "", name.lower().replace(" and ", "&").replace("limited", "ltd"))


def test_deterministic():
    one, summary_one, _ = _seeded(seed=4)
    two, summary_two, _ = _seeded(seed=4)
    assert summary_one == summary_two
    assert one.records == two.records
    other, _, _ = _seeded(seed=5)
    assert [r["Name"] for r in other.rows("Account")] != [r["Name"] for r in one.rows("Account")]


def test_counts_and_shapes():
    state, summary, _ = _seeded()
    counts = summary.counts
    assert counts["Account"] >= 10
    assert counts["Contact"] >= counts["Account"]
    assert counts["Pricebook2"] == 1
    assert counts["PricebookEntry"] == counts["Product2"]
    assert counts["Order"] > 0
    assert counts["OrderItem"] >= counts["Order"]
    statuses = {o["Status"] for o in state.rows("Order")}
    assert statuses == {"Draft", "Activated"}
    for order in state.rows("Order"):
        items = [i for i in state.rows("OrderItem") if i["OrderId"] == order["Id"]]
        assert order["TotalAmount"] == round(sum(i["TotalPrice"] for i in items), 2)
    assert state.rows("Pricebook2")[0]["IsStandard"] is True
    assert all(c["AccountId"] in state.records["Account"] for c in state.rows("Contact") if c["AccountId"])
    assert len(state.rows("Contact", include_deleted=True)) > len(state.rows("Contact"))


def test_overlap_with_xero_customers_and_item_codes():
    state, summary, directory = _seeded()
    xero_names = {_plain(c["name"]): c["name"] for c in directory.crm_customers()}
    account_names = [a["Name"] for a in state.rows("Account")]
    matched = [n for n in account_names if _plain(n) in xero_names]
    assert len(matched) >= len(directory.crm_customers()) // 3
    assert any(n not in xero_names.values() for n in matched), "some spelled differently"
    assert any(n in xero_names.values() for n in matched), "some spelled exactly"
    assert len(matched) < len(account_names), "some accounts Xero does not know"
    codes = {p["ProductCode"] for p in state.rows("Product2")}
    assert set(summary.overlapping_codes) <= codes
    assert set(summary.overlapping_codes) <= set(directory.item_codes())
    assert summary.overlapping_codes
    assert codes - set(directory.item_codes())


def test_us_org_and_scale():
    state, summary, _ = _seeded("us", scale=2)
    assert {a["BillingCountry"] for a in state.rows("Account")} == {"US"}
    small, _, _ = _seeded("us", scale=1)
    assert summary.counts["Account"] > len(small.rows("Account"))
