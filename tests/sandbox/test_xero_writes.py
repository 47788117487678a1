"""Xero emulator: write batches (summarizeErrors both ways), updates, idempotency keys, body errors."""

from __future__ import annotations

from sandbox.xero.dates import is_msdate

GOOD = {"Name": "Good Customer Ltd"}
BAD = {"Name": "Too Many People", "ContactPersons": [{"FirstName": f"P{i}"} for i in range(6)]}


def test_batch_creates_many_elements_in_one_call(xero_client):
    body = {"Contacts": [{"Name": f"Batch {i}"} for i in range(60)]}
    created = xero_client.ok(xero_client.put("Contacts", body), "Contacts")
    assert len(created) == 60
    assert all(c["StatusAttributeString"] == "OK" for c in created)
    assert len({c["ContactID"] for c in created}) == 60
    assert len(xero_client.ok(xero_client.get("Contacts"), "Contacts")) == 60


def test_the_envelope_is_xeros(xero_client):
    answer = xero_client.put("Contacts", {"Contacts": [GOOD]}).json()
    assert set(answer) == {"Id", "Status", "ProviderName", "DateTimeUTC", "Contacts"}
    assert answer["Status"] == "OK"
    assert answer["ProviderName"] == "datashare sandbox"
    assert answer["DateTimeUTC"].startswith("/Date(")
    assert "+" not in answer["DateTimeUTC"]
    assert is_msdate(answer["Contacts"][0]["UpdatedDateUTC"])


def test_one_bad_element_fails_the_whole_batch_by_default(xero_client):
    answer = xero_client.put("Contacts", {"Contacts": [GOOD, BAD]})
    assert answer.status_code == 400
    body = answer.json()
    assert body["ErrorNumber"] == 10
    assert body["Type"] == "ValidationException"
    assert body["Message"] == "A validation exception occurred"
    good, bad = body["Elements"]
    assert good["ValidationErrors"] == []
    assert bad["Name"] == "Too Many People"
    assert "at most 5 contact persons" in bad["ValidationErrors"][0]["Message"]
    assert xero_client.ok(xero_client.get("Contacts"), "Contacts") == []  # nothing was written


def test_summarize_errors_false_keeps_the_good_elements(xero_client):
    answer = xero_client.put("Contacts", {"Contacts": [GOOD, BAD]}, params={"summarizeErrors": "false"})
    assert answer.status_code == 200
    good, bad = answer.json()["Contacts"]
    assert good["StatusAttributeString"] == "OK"
    assert "ContactID" in good
    assert bad["StatusAttributeString"] == "ERROR"
    assert bad["HasErrors"] is True
    assert bad["ValidationErrors"][0]["Message"].startswith("A contact can have at most 5")
    assert [c["Name"] for c in xero_client.ok(xero_client.get("Contacts"), "Contacts")] == ["Good Customer Ltd"]


def test_a_failed_element_leaves_no_side_effects(xero_client):
    # The invoice names a new contact (which Xero creates) but has a bad account: neither survives.
    bad = {"Type": "ACCREC", "Contact": {"Name": "Brand New Pty Ltd"},
           "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 5, "AccountCode": "NOPE"}]}  # fmt: skip
    answer = xero_client.put("Invoices", {"Invoices": [bad]}, params={"summarizeErrors": "false"})
    assert answer.json()["Invoices"][0]["StatusAttributeString"] == "ERROR"
    assert xero_client.ok(xero_client.get("Contacts"), "Contacts") == []
    assert xero_client.ok(xero_client.get("Invoices"), "Invoices") == []


def test_post_updates_by_id_in_body_or_url(xero_client):
    contact = xero_client.one(xero_client.put("Contacts", {"Contacts": [GOOD]}), "Contacts")
    by_body = xero_client.post("Contacts", {"Contacts": [{"ContactID": contact["ContactID"], "FirstName": "Ann"}]})
    assert xero_client.one(by_body, "Contacts")["FirstName"] == "Ann"
    by_url = xero_client.post(f"Contacts/{contact['ContactID']}", {"Contacts": [{"LastName": "Lee"}]})
    updated = xero_client.one(by_url, "Contacts")
    assert (updated["FirstName"], updated["LastName"], updated["Name"]) == ("Ann", "Lee", "Good Customer Ltd")
    bare = xero_client.post(f"Contacts/{contact['ContactID']}", {"EmailAddress": "ann@example.com"})
    assert xero_client.one(bare, "Contacts")["EmailAddress"] == "ann@example.com"


def test_post_without_id_matches_contact_number(xero_client):
    created = xero_client.one(
        xero_client.put("Contacts", {"Contacts": [{"Name": "Numbered", "ContactNumber": "EXT-1"}]}), "Contacts"
    )
    again = xero_client.post("Contacts", {"Contacts": [{"ContactNumber": "EXT-1", "EmailAddress": "n@example.com"}]})
    assert xero_client.one(again, "Contacts")["ContactID"] == created["ContactID"]
    assert len(xero_client.ok(xero_client.get("Contacts"), "Contacts")) == 1


def test_put_with_an_existing_id_is_refused_and_unknown_ids_are_reported(xero_client):
    contact = xero_client.one(xero_client.put("Contacts", {"Contacts": [GOOD]}), "Contacts")
    again = xero_client.put("Contacts", {"Contacts": [{"ContactID": contact["ContactID"], "Name": "X"}]})
    assert again.status_code == 400
    assert "use POST" in again.json()["Elements"][0]["ValidationErrors"][0]["Message"]
    ghost = xero_client.post("Contacts", {"Contacts": [{"ContactID": "7d9a3c2e-0000-4000-8000-000000000000"}]})
    assert ghost.status_code == 400
    assert "could not be found" in ghost.json()["Elements"][0]["ValidationErrors"][0]["Message"]
    missing = xero_client.post("Contacts/7d9a3c2e-0000-4000-8000-000000000000", {"Contacts": [{"Name": "X"}]})
    assert missing.status_code == 400


def test_idempotency_key_replays_the_first_answer_and_creates_nothing_new(xero_client):
    key = {"Idempotency-Key": "create-invoice-42"}
    body = {"Invoices": [{"Type": "ACCREC", "Contact": {"Name": "Once Only Ltd"},
                          "LineItems": [{"Description": "Thing", "Quantity": 1, "UnitAmount": 10, "AccountCode": "200"}]}]}  # fmt: skip
    first = xero_client.put("Invoices", body, headers=key)
    second = xero_client.put("Invoices", body, headers=key)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second.headers.get("idempotent-replayed") == "true"
    assert len(xero_client.ok(xero_client.get("Invoices"), "Invoices")) == 1
    assert len(xero_client.ok(xero_client.get("Contacts"), "Contacts")) == 1
    # A different key, or the same key on another endpoint, is a new request.
    xero_client.put("Invoices", body, headers={"Idempotency-Key": "create-invoice-43"})
    assert len(xero_client.ok(xero_client.get("Invoices"), "Invoices")) == 2
    other = xero_client.put("Contacts", {"Contacts": [{"Name": "Keyed Contact"}]}, headers=key)
    assert xero_client.one(other, "Contacts")["Name"] == "Keyed Contact"


def test_idempotency_key_is_per_tenant(xero_state, xero_app):
    from xero_support import XeroTestClient

    from sandbox.xero import seed_sample

    (nz,) = seed_sample(xero_state, orgs=("nz",), history=False)
    au = xero_state.org_named("AU")
    token = xero_state.issue_tokens(tenant_ids=[au.tenant_id, nz.tenant_id])["access_token"]
    client = XeroTestClient(xero_app, token=token)
    try:
        body = {"Contacts": [{"Name": "Same Key Co"}]}
        key = {"Idempotency-Key": "k-1"}
        in_au = client.put("Contacts", body, headers={**key, "xero-tenant-id": au.tenant_id})
        in_nz = client.put("Contacts", body, headers={**key, "xero-tenant-id": nz.tenant_id})
        assert in_au.json()["Contacts"][0]["ContactID"] != in_nz.json()["Contacts"][0]["ContactID"]
    finally:
        client.close()


def test_idempotency_key_longer_than_128_characters_is_refused(xero_client):
    answer = xero_client.put("Contacts", {"Contacts": [GOOD]}, headers={"Idempotency-Key": "k" * 129})
    assert answer.status_code == 400


def test_a_failed_write_is_not_replayed(xero_client):
    key = {"Idempotency-Key": "retry-me"}
    assert xero_client.put("Contacts", {"Contacts": [BAD]}, headers=key).status_code == 400
    fixed = xero_client.put("Contacts", {"Contacts": [GOOD]}, headers=key)
    assert fixed.status_code == 200


def test_body_that_is_not_json_is_a_400(xero_client):
    answer = xero_client.request("PUT", "Contacts", content=b"{not json", headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["Type"] == "PostDataInvalidException"
    wrong_shape = xero_client.put("Contacts", {"Contacts": "nope"})
    assert wrong_shape.status_code == 400


def test_single_object_endpoints_fail_with_400_even_without_summarize(xero_client):
    answer = xero_client.put("Accounts", {"Code": "200", "Name": "Duplicate Sales", "Type": "REVENUE"},
                             params={"summarizeErrors": "false"})  # fmt: skip
    assert answer.status_code == 400
    assert answer.json()["Elements"][0]["ValidationErrors"][0]["Message"] == "Please enter a unique Code."


def test_accounts_are_created_updated_and_deleted(xero_client):
    created = xero_client.one(
        xero_client.put("Accounts", {"Code": "477", "Name": "Salaries", "Type": "EXPENSE"}), "Accounts"
    )
    assert (created["Class"], created["Status"]) == ("EXPENSE", "ACTIVE")
    renamed = xero_client.post(f"Accounts/{created['AccountID']}", {"Accounts": [{"Name": "Wages and Salaries"}]})
    assert xero_client.one(renamed, "Accounts")["Name"] == "Wages and Salaries"
    deleted = xero_client.request("DELETE", f"Accounts/{created['AccountID']}")
    assert xero_client.one(deleted, "Accounts")["Status"] == "DELETED"
    assert "477" not in {a.get("Code") for a in xero_client.ok(xero_client.get("Accounts"), "Accounts")}
    debtors = [
        a for a in xero_client.ok(xero_client.get("Accounts"), "Accounts") if a.get("SystemAccount") == "DEBTORS"
    ]
    refused = xero_client.request("DELETE", f"Accounts/{debtors[0]['AccountID']}")
    assert refused.status_code == 400
    assert refused.json()["Elements"][0]["ValidationErrors"][0]["Message"] == "System accounts cannot be deleted."


def test_bank_account_needs_a_number(xero_client):
    answer = xero_client.put("Accounts", {"Name": "Credit Card", "Type": "BANK"})
    assert answer.status_code == 400
    ok = xero_client.put("Accounts", {"Name": "Credit Card", "Type": "BANK", "BankAccountNumber": "4111"})
    assert xero_client.one(ok, "Accounts")["BankAccountType"] == "BANK"


def test_tax_rates_are_created_with_tax_codes_and_updated(xero_client):
    body = {"TaxRates": [{"Name": "Wine Equalisation Tax", "ReportTaxType": "OUTPUT",
                          "TaxComponents": [{"Name": "GST", "Rate": 10}, {"Name": "WET", "Rate": 29, "IsCompound": True}]}]}  # fmt: skip
    rate = xero_client.one(xero_client.put("TaxRates", body), "TaxRates")
    assert rate["TaxType"] == "TAX001"
    assert rate["EffectiveRate"] == 41.9  # 29% compounded on top of 10%
    updated = xero_client.post("TaxRates", {"TaxRates": [{"TaxType": "TAX001", "Status": "ARCHIVED"}]})
    assert xero_client.one(updated, "TaxRates")["Status"] == "ARCHIVED"
    duplicate = xero_client.put(
        "TaxRates", {"TaxRates": [{"Name": "GST on Income", "TaxComponents": [{"Name": "G", "Rate": 1}]}]}
    )
    assert duplicate.status_code == 400
    system = xero_client.post("TaxRates", {"TaxRates": [{"TaxType": "OUTPUT", "Status": "DELETED"}]})
    assert system.status_code == 400


def test_odd_values_are_validation_errors_not_crashes(xero_client):
    odd = [
        {"Type": "ACCREC", "Contact": {"Name": "X"}, "LineItems": [{"Quantity": "1e400", "Description": "d"}]},
        {"Type": "ACCREC", "Contact": "X"},
        {"Type": 123, "Contact": {"Name": ["x"]}},
        {"Type": "ACCREC", "Contact": {"Name": "X"}, "LineItems": ["a", 1]},
        {"Type": "ACCREC", "Contact": {"ContactID": "not-a-guid"}},
        {"Type": "ACCREC", "Contact": {"Name": "X"}, "Date": "2025-02-30"},
        {"Type": "ACCREC", "Contact": {"Name": "X"}, "CurrencyCode": "NZD", "CurrencyRate": "abc"},
    ]
    answer = xero_client.put("Invoices", {"Invoices": odd}, params={"summarizeErrors": "false"})
    assert answer.status_code == 200
    assert [i["StatusAttributeString"] for i in answer.json()["Invoices"]] == ["ERROR"] * len(odd)
