"""Xero emulator: the seeded sample organisations (deterministic, realistic, scalable)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sandbox.common.clock import FakeClock
from sandbox.xero import XeroState, sample_directory, seed_sample
from sandbox.xero.api import build_resources
from sandbox.xero.wire import dumps


def _snapshot(state: XeroState) -> bytes:
    """Every record of every organisation as the API would show it."""
    resources = build_resources()
    shown = {}
    for book in state.orgs.values():
        for name, table in sorted(book.tables.items()):
            resource = resources[name.lower()]
            shown[f"{book.tenant_id}/{name}"] = [resource.view(book, r) for r in table.values()]
    return dumps(shown)


def test_seeding_is_deterministic():
    first, second, other = (XeroState(clock=FakeClock()) for _ in range(3))
    seed_sample(first, seed=11)
    seed_sample(second, seed=11)
    seed_sample(other, seed=12)
    assert _snapshot(first) == _snapshot(second)
    assert _snapshot(first) != _snapshot(other)
    assert list(first.orgs) == list(second.orgs)


def test_sample_organisations_are_the_au_us_and_nz_ones(xero_sample_state):
    au, us, nz = (xero_sample_state.org_named(code) for code in ("AU", "US", "NZ"))
    assert (au.base_currency, au.country, au.organisation["Version"], au.payroll_enabled) == ("AUD", "AU", "AU", True)
    assert (us.base_currency, us.country, us.payroll_enabled) == ("USD", "US", True)
    assert (nz.base_currency, nz.country, nz.organisation["Class"], nz.organisation["IsDemoCompany"]) == (
        "NZD", "NZ", "DEMO", True,
    )  # fmt: skip
    assert au.organisation["Class"] == "STANDARD"
    assert au.organisation["Timezone"] == "AUSEASTERNSTANDARDTIME"
    assert nz.organisation["ShortCode"].startswith("!")
    assert au.table("TaxRates")["OUTPUT"]["EffectiveRate"] == 10
    assert nz.table("TaxRates")["OUTPUT2"]["EffectiveRate"] == 15
    assert us.table("TaxRates")["TAX001"]["EffectiveRate"] == 7.25


def test_each_sample_organisation_has_a_full_history(xero_sample_state):
    for book in xero_sample_state.orgs.values():
        tables = book.tables
        assert any(a["Type"] == "BANK" for a in tables["Accounts"].values())
        contacts = list(tables["Contacts"].values())
        assert len(contacts) == 40
        assert all(1 <= len(c["ContactPersons"]) <= 5 for c in contacts)
        assert Counter(c["ContactStatus"] for c in contacts)["ARCHIVED"] >= 1
        assert any(c["IsCustomer"] for c in contacts)
        assert any(c["IsSupplier"] for c in contacts)
        assert any(i["IsTrackedAsInventory"] for i in tables["Items"].values())
        invoices = list(tables["Invoices"].values())
        assert len(invoices) == 100 + 1  # the year's documents and the bill for the opening stock
        assert {i["Type"] for i in invoices} == {"ACCREC", "ACCPAY"}
        assert {"DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED"} <= {i["Status"] for i in invoices}
        year = [i for i in invoices if i.get("Reference") != "Opening stock"]
        assert {len(i["LineItems"]) for i in year} == {1, 2, 3}
        assert any(i["CurrencyCode"] != book.base_currency and i["CurrencyRate"] != 1 for i in invoices)
        assert all(i["AmountDue"] == 0 for i in invoices if i["Status"] == "PAID")
        for name in ("Payments", "CreditNotes", "ManualJournals", "PurchaseOrders", "BankTransfers", "Journals"):
            assert tables[name], name
        quotes = list(tables["Quotes"].values())
        assert Counter(q["Status"] for q in quotes) == {
            "DRAFT": 2,
            "SENT": 2,
            "ACCEPTED": 2,
            "DECLINED": 1,
            "INVOICED": 1,
        }
        assert sorted(q["QuoteNumber"] for q in quotes) == [f"QU-{n:04d}" for n in range(1, 9)]
        assert all(q["LineItems"] and q["Total"] > 0 for q in quotes)
        assert len({i["InvoiceNumber"] for i in invoices if i["Type"] == "ACCREC"}) == sum(
            1 for i in invoices if i["Type"] == "ACCREC"
        )


def test_seeded_journals_balance_and_are_numbered(xero_sample_state):
    for book in xero_sample_state.orgs.values():
        journals = list(book.table("Journals").values())
        assert [j["JournalNumber"] for j in journals] == list(range(1, len(journals) + 1))
        for journal in journals:
            assert sum(net for _, _, net, _, _ in journal["_lines"]) == 0, journal


def test_seeded_history_lies_before_the_clock(xero_sample_state):
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for book in xero_sample_state.orgs.values():
        for table in ("Contacts", "Invoices", "Payments", "Quotes"):
            assert all(r["UpdatedDateUTC"] < now for r in book.table(table).values())


def test_scale_multiplies_the_counts():
    state = XeroState(clock=FakeClock())
    (au,) = seed_sample(state, scale=3, orgs=("au",))
    counts = {name: len(table) for name, table in au.tables.items()}
    assert counts["Invoices"] == 300 + 1  # one opening stock bill per organisation
    assert counts["Contacts"] == 120
    assert counts["Items"] == 60
    assert counts["PurchaseOrders"] == 24
    assert counts["Quotes"] == 24


def test_sample_directory_matches_the_seeded_people_and_grows_at_the_end(xero_sample_state):
    small = sample_directory("au")
    big = sample_directory("au", scale=2)
    assert big.customers[: len(small.customers)] == small.customers
    assert big.items[: len(small.items)] == small.items
    au = xero_sample_state.org_named("AU")
    seeded = {c["Name"]: c for c in au.table("Contacts").values()}
    for customer in small.customers:
        contact = seeded[customer.Name]
        assert contact["EmailAddress"] == customer.EmailAddress
        assert contact["ContactNumber"] == customer.ContactNumber
    assert {i.Code for i in small.items} == {i["Code"] for i in au.table("Items").values()}
    emails = [c.EmailAddress for c in big.customers]
    assert len(set(emails)) == len(emails)
    assert len({c.Name.casefold() for c in big.customers + big.suppliers}) == len(big.customers) + len(big.suppliers)
    assert sample_directory("au", seed=1).customers != small.customers


def test_the_directory_feeds_another_emulators_seeder():
    from sandbox.vtiger import VtigerState
    from sandbox.vtiger import seed_sample as seed_vtiger

    directory = sample_directory("au")
    customers = directory.crm_customers()
    assert {"name", "email", "first_name", "last_name"} <= set(customers[0])
    assert customers[0]["name"] == directory.customers[0].Name
    assert directory.item_codes() == [i.Code for i in directory.items]
    summary = seed_vtiger(VtigerState(), customers=customers, item_codes=directory.item_codes())
    assert set(summary.overlapping_customers) <= {c["name"] for c in customers}
    assert summary.overlapping_customers
