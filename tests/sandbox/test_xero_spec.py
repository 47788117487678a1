"""Xero emulator answers (and requests) checked against Xero's published OpenAPI specs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openapi_core.validation.request.exceptions import InvalidRequestBody
from openapi_core.validation.response.exceptions import InvalidData
from xero_support import XERO_ROOMY_LIMITS, XeroTestClient

from sandbox.xero import create_app
from sandbox.xero.spec import XeroSpec

API = "/api.xro/2.0"
# collection -> the field holding the key a single GET takes
SINGLE_KEYS = {
    "Contacts": "ContactID",
    "Items": "ItemID",
    "Invoices": "InvoiceID",
    "PurchaseOrders": "PurchaseOrderID",
    "Quotes": "QuoteID",
    "Accounts": "AccountID",
    "CreditNotes": "CreditNoteID",
    "ManualJournals": "ManualJournalID",
    "Journals": "JournalID",
    "Payments": "PaymentID",
    "TaxRates": "TaxType",
    "BankTransfers": "BankTransferID",
}
PAGED = {"Contacts", "Invoices", "PurchaseOrders", "Quotes", "CreditNotes", "ManualJournals", "Payments"}


@pytest.fixture(scope="module")
def sample(xero_sample_state):
    """A client of the shared sample organisations (read only)."""
    au = xero_sample_state.org_named("AU")
    token = xero_sample_state.issue_tokens(tenant_ids=[au.tenant_id])["access_token"]
    client = XeroTestClient(
        create_app(xero_sample_state, limits=XERO_ROOMY_LIMITS), token=token, tenant_id=au.tenant_id
    )
    yield client
    client.close()


def _check(spec: XeroSpec, response: Any, request_body: bytes | None = None) -> None:
    request = response.request
    spec.validate_response(
        request.method, request.url.path, response.status_code, response.content, query=request.url.query.decode()
    )
    if request_body is not None:
        spec.validate_request_body(request.method, request.url.path, request_body, query=request.url.query.decode())


@pytest.mark.parametrize("collection", ["Organisation", *SINGLE_KEYS])
def test_list_answers_fit_the_spec(sample, xero_spec_checker, collection):
    params = {"page": 1} if collection in PAGED else {}
    if collection == "BankTransfers":
        params = {"includeDeleted": "true"}
    response = sample.get(collection, params=params)
    assert response.status_code == 200
    key = "Organisations" if collection == "Organisation" else collection
    assert response.json()[key], "the sample has records of every kind"
    _check(xero_spec_checker, response)
    if collection in PAGED:
        _check(xero_spec_checker, sample.get(collection))  # unpaged (invoices without lines)


@pytest.mark.parametrize("collection", list(SINGLE_KEYS))
def test_single_answers_fit_the_spec(sample, xero_spec_checker, collection):
    first = sample.get(collection, params={"includeDeleted": "true"}).json()[collection][0]
    response = sample.get(f"{collection}/{first[SINGLE_KEYS[collection]]}")
    assert response.status_code == 200
    _check(xero_spec_checker, response)


def _write(client: XeroTestClient, spec: XeroSpec, method: str, path: str, body: Any, **kwargs: Any) -> dict[str, Any]:
    raw = json.dumps(body).encode()
    response = client.request(method, path, content=raw, headers={"Content-Type": "application/json"}, **kwargs)
    assert response.status_code == 200, response.text
    _check(spec, response, raw)
    return response.json()


def test_write_answers_and_requests_fit_the_spec(xero_client, xero_spec_checker):
    spec, client = xero_spec_checker, xero_client
    contact = _write(client, spec, "PUT", "Contacts", {"Contacts": [{
        "Name": "Spec Pty Ltd", "EmailAddress": "spec@example.com", "ContactNumber": "SPEC-1",
        "ContactPersons": [{"FirstName": "Ada", "LastName": "Lovelace", "EmailAddress": "ada@example.com",
                            "IncludeInEmails": True}],
        "Addresses": [{"AddressType": "STREET", "AddressLine1": "1 Spec St", "City": "Sydney", "PostalCode": "2000"}],
        "Phones": [{"PhoneType": "MOBILE", "PhoneNumber": "0400 000 000"}]}]})["Contacts"][0]  # fmt: skip
    contact_id = contact["ContactID"]
    _write(client, spec, "POST", f"Contacts/{contact_id}", {"Contacts": [{"FirstName": "Ada"}]})
    _write(client, spec, "POST", "Contacts", {"Contacts": [{"ContactID": contact_id, "LastName": "L"}]},
           params={"summarizeErrors": "false"})  # fmt: skip
    item = _write(client, spec, "PUT", "Items", {"Items": [{
        "Code": "SPEC-ITEM", "Name": "Spec item", "SalesDetails": {"UnitPrice": 12.5, "AccountCode": "200"},
        "PurchaseDetails": {"UnitPrice": 7, "COGSAccountCode": "310"}, "InventoryAssetAccountCode": "630"}]})["Items"][0]  # fmt: skip
    _write(client, spec, "POST", f"Items/{item['ItemID']}", {"Items": [{"Code": "SPEC-ITEM", "Name": "Spec item 2"}]})
    _write(client, spec, "PUT", "Invoices", {"Invoices": [{
        "Type": "ACCPAY", "Contact": {"ContactID": contact_id}, "Date": "2025-10-30", "Status": "AUTHORISED",
        "LineItems": [{"ItemCode": "SPEC-ITEM", "Quantity": 5}]}]})  # fmt: skip
    invoice = _write(client, spec, "PUT", "Invoices", {"Invoices": [{
        "Type": "ACCREC", "Contact": {"ContactID": contact_id}, "Date": "2025-11-01", "DueDate": "2025-11-30",
        "LineAmountTypes": "Exclusive", "Status": "AUTHORISED", "CurrencyCode": "NZD", "Reference": "Spec",
        "LineItems": [{"Description": "Spec work", "Quantity": 2, "UnitAmount": 40, "AccountCode": "200",
                       "TaxType": "OUTPUT"}, {"ItemCode": "SPEC-ITEM", "Quantity": 1}]}]})["Invoices"][0]  # fmt: skip
    _write(client, spec, "POST", "Invoices", {"Invoices": [{"InvoiceID": invoice["InvoiceID"], "SentToContact": True}]})
    _write(client, spec, "PUT", "Payments", {"Payments": [{
        "Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Account": {"Code": "090"}, "Date": "2025-11-15",
        "Amount": 10}]})  # fmt: skip
    payment = _write(client, spec, "POST", "Payments", {
        "Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Account": {"Code": "090"}, "Amount": 5})["Payments"][0]  # fmt: skip
    _write(client, spec, "POST", f"Payments/{payment['PaymentID']}", {"Status": "DELETED"})
    _write(client, spec, "PUT", "CreditNotes", {"CreditNotes": [{
        "Type": "ACCRECCREDIT", "Contact": {"ContactID": contact_id}, "Date": "2025-11-02", "Status": "AUTHORISED",
        "LineItems": [{"Description": "Refund", "Quantity": 1, "UnitAmount": 5, "AccountCode": "200"}]}]})  # fmt: skip
    order = _write(client, spec, "PUT", "PurchaseOrders", {"PurchaseOrders": [{
        "Contact": {"ContactID": contact_id}, "Date": "2025-11-03", "DeliveryDate": "2025-11-20",
        "LineItems": [{"Description": "Stock", "Quantity": 3, "UnitAmount": 8, "AccountCode": "310"}]}]})  # fmt: skip
    _write(client, spec, "POST", f"PurchaseOrders/{order['PurchaseOrders'][0]['PurchaseOrderID']}",
           {"PurchaseOrders": [{"Status": "AUTHORISED"}]})  # fmt: skip
    _write(client, spec, "PUT", "ManualJournals", {"ManualJournals": [{
        "Narration": "Spec journal", "Date": "2025-11-04", "Status": "POSTED",
        "JournalLines": [{"LineAmount": 20, "AccountCode": "429"}, {"LineAmount": -20, "AccountCode": "881"}]}]})  # fmt: skip
    account = _write(client, spec, "PUT", "Accounts", {"Code": "478", "Name": "Spec Expenses", "Type": "EXPENSE"})
    _write(client, spec, "POST", f"Accounts/{account['Accounts'][0]['AccountID']}",
           {"Accounts": [{"Description": "For the spec test"}]})  # fmt: skip
    _write(client, spec, "PUT", "TaxRates", {"TaxRates": [{
        "Name": "Spec Tax", "ReportTaxType": "OUTPUT", "TaxComponents": [{"Name": "Spec", "Rate": 2.5}]}]})  # fmt: skip
    _write(client, spec, "POST", "TaxRates", {"TaxRates": [{"TaxType": "TAX001", "Name": "Spec Tax 2"}]})
    transfer = _write(client, spec, "PUT", "BankTransfers", {"BankTransfers": [{
        "FromBankAccount": {"Code": "090"}, "ToBankAccount": {"Code": "091"}, "Amount": 12, "Date": "2025-11-05"}]})  # fmt: skip
    transfer_id = transfer["BankTransfers"][0]["BankTransferID"]
    _write(client, spec, "POST", f"BankTransfers/{transfer_id}", {"Status": "DELETED"})


def test_validation_error_answers_fit_the_spec(xero_client, xero_spec_checker):
    response = xero_client.put("Contacts", {"Contacts": [{"Name": "Bad", "EmailAddress": "nope"}]})
    assert response.status_code == 400
    _check(xero_spec_checker, response)


def test_connections_answer_fits_the_identity_spec(xero_client, xero_spec_checker):
    response = xero_client.get("/connections", tenant=False)
    assert response.status_code == 200
    _check(xero_spec_checker, response)


def test_the_checker_catches_answers_xero_would_not_give(xero_spec_checker):
    iso_date = {"Invoices": [{"InvoiceID": "0f5d7e1a-0000-4000-8000-000000000000", "Date": "2025-01-01"}]}
    with pytest.raises(InvalidData):
        xero_spec_checker.validate_response("GET", f"{API}/Invoices", 200, json.dumps(iso_date).encode())
    bad_enum = {"Invoices": [{"Status": "OPEN"}]}
    with pytest.raises(InvalidData):
        xero_spec_checker.validate_response("GET", f"{API}/Invoices", 200, json.dumps(bad_enum).encode())
    good = {"Invoices": [{"Status": "PAID", "Date": "/Date(1552262400000+0000)/"}]}
    xero_spec_checker.validate_response("GET", f"{API}/Invoices", 200, json.dumps(good).encode())


def test_the_checker_catches_requests_xero_would_refuse(xero_spec_checker):
    no_code = json.dumps({"Items": [{"Name": "No code"}]}).encode()
    with pytest.raises(InvalidRequestBody):
        xero_spec_checker.validate_request_body("PUT", f"{API}/Items", no_code)
    wrong_date = json.dumps({"Invoices": [{"Type": "ACCREC", "Date": "1st of May"}]}).encode()
    with pytest.raises(InvalidRequestBody):
        xero_spec_checker.validate_request_body("PUT", f"{API}/Invoices", wrong_date)
    ok = json.dumps({"Invoices": [{"Type": "ACCREC", "Date": "2025-05-01"}]}).encode()
    xero_spec_checker.validate_request_body("PUT", f"{API}/Invoices", ok)


def test_specs_directory_comes_from_the_environment_or_beside_the_repo(monkeypatch, tmp_path):
    from sandbox.xero.spec import specs_dir

    monkeypatch.delenv("DATASHARE_SPECS_DIR", raising=False)
    assert (specs_dir() / "xero_accounting.yaml").is_file()
    (tmp_path / "xero").mkdir()
    monkeypatch.setenv("DATASHARE_SPECS_DIR", str(tmp_path))
    assert specs_dir() == tmp_path / "xero"
    monkeypatch.setenv("DATASHARE_SPECS_DIR", str(tmp_path / "xero"))
    assert specs_dir() == tmp_path / "xero"
