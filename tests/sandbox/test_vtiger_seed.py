"""vTiger emulator: the seeded sample CRMs (determinism, shape, overlap with the Xero sample)."""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from datetime import timedelta

import pytest

from sandbox.common.clock import FakeClock
from sandbox.vtiger import VtigerState, seed_sample, spelling_variant

XERO_CUSTOMERS = [
    {"name": n, "email": f"accounts@{re.sub(r'[^a-z]', '', n.lower())}.com.au", "first_name": f, "last_name": ln}
    for n, f, ln in [
        ("Acme Pty Ltd", "Alice", "Archer"), ("Bayside Bakery Pty Ltd", "Ben", "Baker"),
        ("Coastal Cabinets & Joinery", "Cara", "Cole"), ("Dune Surf Co", "Dan", "Drake"),
        ("Eucalypt Consulting Limited", "Eve", "Ellis"), ("Ferntree Florists", "Finn", "Fox"),
        ("Gumleaf Graphics Pty Ltd", "Gina", "Grant"), ("Harbour Hardware and Tools", "Hugo", "Hill"),
        ("Ironbark Interiors Pty Ltd", "Ivy", "Irwin"), ("Jacaranda Joinery", "Jack", "Jones"),
        ("Koala Kids Clothing Pty Ltd", "Kate", "King"), ("Lorikeet Legal", "Liam", "Lee"),
        ("Mallee Motors Pty Ltd", "Mia", "Moss"), ("Numbat Nurseries", "Ned", "Nash"),
        ("Outback Outfitters Limited", "Olive", "Owen"), ("Platypus Plumbing Pty Ltd", "Paul", "Price"),
        ("Quokka Quilts", "Quinn", "Quade"), ("Rosella Roofing Pty Ltd", "Ruby", "Reed"),
        ("Saltbush Salons & Spa", "Sam", "Stone"), ("Tasman Tiles Pty Ltd", "Tess", "Todd"),
    ]
]  # fmt: skip
ITEM_CODES = [f"ITEM-{n:03}" for n in range(10)]


def _normalise(name):
    """How a matcher would compare company names: no case, dots, spaces or legal-form spelling."""
    text = name.casefold().replace(".", "").replace(" & ", " and ").replace("limited", "ltd")
    return " ".join(text.split())


def _seeded(seed=0, scale=1, customers=None, item_codes=None):
    state = VtigerState(clock=FakeClock())
    summary = seed_sample(state, scale=scale, seed=seed, customers=customers, item_codes=item_codes)
    return state, summary


def _snapshot(state):
    entities = {k: (r.module, r.values, r.line_items, r.deleted) for k, r in state.entities.items()}
    return entities, state.actors


def _live(state, module):
    return [r.values | {"crmid": r.crmid} for r in state.live(module)]


def test_same_seed_gives_the_same_crm():
    first, _ = _seeded(seed=3, customers=XERO_CUSTOMERS, item_codes=ITEM_CODES)
    second, _ = _seeded(seed=3, customers=XERO_CUSTOMERS, item_codes=ITEM_CODES)
    assert _snapshot(first) == _snapshot(second)


def test_another_seed_gives_another_crm():
    first, _ = _seeded(seed=1)
    second, _ = _seeded(seed=2)
    names = lambda state: [r["accountname"] for r in _live(state, "Accounts")]  # noqa: E731
    assert names(first) != names(second)


def test_sample_has_every_module_with_line_items():
    state, summary = _seeded()
    for module in ["Accounts", "Contacts", "Vendors", "Products", "Services", "Invoice", "SalesOrder", "PurchaseOrder",
                   "Tax", "ProductTaxes"]:  # fmt: skip
        assert summary.counts[module] > 0, module
    for record in state.entities.values():
        if record.module in {"Invoice", "SalesOrder", "PurchaseOrder"}:
            assert len(record.line_items) in range(1, 5)
            assert float(record.values["hdnGrandTotal"]) >= float(record.values["pre_tax_total"]) > 0
    assert summary.counts["Invoice"] == len(state.live("Invoice"))


def test_some_accounts_have_more_than_five_contacts_and_some_contacts_none():
    state, _ = _seeded()
    per_account = Counter(r["account_id"] for r in _live(state, "Contacts"))
    assert per_account[""] >= 5
    assert sum(1 for account, n in per_account.items() if account and n > 5) >= 2


def test_several_products_carry_two_taxes():
    state, _ = _seeded()
    per_product = Counter(row["productid"] for row in state.actors["ProductTaxes"].values())
    product_ids = {f"14x{r['crmid']}" for r in _live(state, "Products")}
    two = [p for p, n in per_product.items() if n == 2 and p in product_ids]
    assert len(two) >= 3
    labels = {row["taxlabel"] for row in state.actors["Tax"].values()}
    assert labels == {"GST", "WET", "Import Duty"}


def test_seeded_records_are_spread_over_the_past():
    state, _ = _seeded()
    now = state.now()
    created = sorted(r.values["createdtime"] for r in state.entities.values())
    assert created[-1] <= now.strftime("%Y-%m-%d %H:%M:%S")
    assert created[0] <= (now - timedelta(days=300)).strftime("%Y-%m-%d %H:%M:%S")
    assert len(set(created)) > len(created) * 0.95
    edited = [r for r in state.entities.values() if r.values["modifiedtime"] > r.values["createdtime"]]
    assert edited


def test_scale_multiplies_the_sample():
    _, small = _seeded(scale=1)
    _, big = _seeded(scale=3)
    assert big.counts["Accounts"] == 3 * small.counts["Accounts"]
    assert big.counts["Invoice"] == 3 * small.counts["Invoice"]


def test_xero_customers_reappear_mostly_misspelled():
    state, summary = _seeded(customers=XERO_CUSTOMERS, item_codes=ITEM_CODES)
    assert len(summary.overlapping_customers) == math.ceil(0.6 * len(XERO_CUSTOMERS))
    accounts = [r["accountname"] for r in _live(state, "Accounts")]
    exact, variants = 0, 0
    for original in summary.overlapping_customers:
        matches = [a for a in accounts if _normalise(a) == _normalise(original)]
        assert len(matches) == 1, original
        exact += matches[0] == original
        variants += matches[0] != original
    assert exact >= 1
    assert variants >= exact
    assert any(a != a.rstrip() for a in accounts) or any("Pty. Ltd" in a for a in accounts)
    contacts = {(r["firstname"], r["lastname"]) for r in _live(state, "Contacts")}
    by_name = {c["name"]: c for c in XERO_CUSTOMERS}
    for original in summary.overlapping_customers:
        assert (by_name[original]["first_name"], by_name[original]["last_name"]) in contacts


def test_xero_item_codes_reappear_as_product_codes():
    state, summary = _seeded(customers=XERO_CUSTOMERS, item_codes=ITEM_CODES)
    codes = {r["productcode"] for r in _live(state, "Products")}
    assert len(summary.overlapping_codes) == math.ceil(0.7 * len(ITEM_CODES))
    assert set(summary.overlapping_codes) <= codes
    assert set(ITEM_CODES) - set(summary.overlapping_codes) == set(ITEM_CODES) - codes


def test_without_xero_sample_the_crm_has_its_own_customers():
    state, summary = _seeded()
    assert summary.overlapping_customers == []
    assert summary.counts["Accounts"] == 20
    codes = [r["productcode"] for r in _live(state, "Products")]
    assert all(re.fullmatch(r"[A-Z]{1,4}-\d{3}", code) for code in codes)


@pytest.mark.parametrize(
    "name",
    ["Acme Pty Ltd", "Coastal Cabinets & Joinery", "Harbour Hardware and Tools", "Eucalypt Consulting Limited", "Solo"],
)
def test_spelling_variants_differ_but_stay_recognisable(name):
    rng = random.Random(0)
    for _ in range(20):
        variant = spelling_variant(name, rng)
        assert variant != name
        assert _normalise(variant) == _normalise(name)
