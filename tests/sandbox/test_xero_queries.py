"""Xero emulator: reading lists as Xero does (paging, offset, If-Modified-Since, archived, where/order, filters)."""

from __future__ import annotations

from email.utils import format_datetime

import pytest
from xero_support import XERO_ROOMY_LIMITS, XeroTestClient

from sandbox.xero import create_app


def _contacts(client: XeroTestClient, count: int, prefix: str = "Customer") -> list[dict]:
    body = {"Contacts": [{"Name": f"{prefix} {i:04d}", "EmailAddress": f"c{i}@example.com"} for i in range(count)]}
    return client.ok(client.put("Contacts", body), "Contacts")


def _invoice(client: XeroTestClient, **fields) -> dict:
    element = {
        "Type": "ACCREC",
        "Contact": {"Name": "Query Customer"},
        "LineItems": [{"Description": "Widget", "Quantity": 2, "UnitAmount": 50, "AccountCode": "200"}],
        **fields,
    }
    return client.one(client.put("Invoices", {"Invoices": [element]}), "Invoices")


@pytest.fixture
def sample_client(xero_sample_state):
    """A client of the shared sample organisations (read only), pointed at the Australian one."""
    au = xero_sample_state.org_named("AU")
    token = xero_sample_state.issue_tokens(tenant_ids=[au.tenant_id])["access_token"]
    client = XeroTestClient(
        create_app(xero_sample_state, limits=XERO_ROOMY_LIMITS), token=token, tenant_id=au.tenant_id
    )
    yield client
    client.close()


def test_contacts_page_with_the_pagination_object(xero_client):
    _contacts(xero_client, 250)
    first = xero_client.get("Contacts", params={"page": 1}).json()
    assert len(first["Contacts"]) == 100
    assert first["pagination"] == {"page": 1, "pageSize": 100, "pageCount": 3, "itemCount": 250}
    third = xero_client.get("Contacts", params={"page": 3}).json()
    assert len(third["Contacts"]) == 50
    assert third["pagination"]["page"] == 3
    beyond = xero_client.get("Contacts", params={"page": 4}).json()
    assert beyond["Contacts"] == []
    small = xero_client.get("Contacts", params={"page": 2, "pageSize": 40}).json()
    assert [c["Name"] for c in small["Contacts"]] == [f"Customer {i:04d}" for i in range(40, 80)]
    assert small["pagination"] == {"page": 2, "pageSize": 40, "pageCount": 7, "itemCount": 250}
    everything = xero_client.get("Contacts").json()
    assert len(everything["Contacts"]) == 250
    assert "pagination" not in everything


def test_page_size_is_capped_at_a_thousand(xero_client):
    _contacts(xero_client, 1100)
    answer = xero_client.get("Contacts", params={"page": 1, "pageSize": 5000}).json()
    assert len(answer["Contacts"]) == 1000
    assert answer["pagination"] == {"page": 1, "pageSize": 1000, "pageCount": 2, "itemCount": 1100}


def test_bad_paging_numbers_are_a_query_error(xero_client):
    answer = xero_client.get("Contacts", params={"page": "two"})
    assert answer.status_code == 400
    assert answer.json()["Type"] == "QueryParseException"


def test_invoice_lines_only_come_when_paged_or_fetched_alone(xero_client):
    invoice = _invoice(xero_client)
    unpaged = xero_client.ok(xero_client.get("Invoices"), "Invoices")[0]
    assert "LineItems" not in unpaged
    paged = xero_client.ok(xero_client.get("Invoices", params={"page": 1}), "Invoices")[0]
    assert paged["LineItems"][0]["Description"] == "Widget"
    alone = xero_client.one(xero_client.get(f"Invoices/{invoice['InvoiceID']}"), "Invoices")
    assert alone["LineItems"][0]["LineAmount"] == 100.0


@pytest.mark.parametrize("path", ["Items", "Accounts", "TaxRates", "BankTransfers"])
def test_collections_without_paging_ignore_page(sample_client, path):
    answer = sample_client.get(path, params={"page": 1, "pageSize": 2}).json()
    assert "pagination" not in answer
    assert len(answer[path]) > 2


def test_journals_page_by_offset_a_hundred_at_a_time(sample_client, xero_sample_state):
    total = xero_sample_state.org_named("AU").counters["journal"]
    assert total > 100
    first = sample_client.ok(sample_client.get("Journals"), "Journals")
    assert [j["JournalNumber"] for j in first] == list(range(1, 101))
    # Journals ignore page: only offset moves on (JournalNumber greater than offset).
    assert sample_client.ok(sample_client.get("Journals", params={"page": 2}), "Journals") == first
    rest = sample_client.ok(sample_client.get("Journals", params={"offset": 100}), "Journals")
    assert [j["JournalNumber"] for j in rest] == list(range(101, min(total, 200) + 1))
    assert sample_client.ok(sample_client.get("Journals", params={"offset": total}), "Journals") == []
    cash = sample_client.ok(sample_client.get("Journals", params={"paymentsOnly": "true"}), "Journals")
    assert cash
    assert {j["SourceType"] for j in cash} <= {"ACCRECPAYMENT", "ACCPAYPAYMENT", "ARCREDITPAYMENT",
                                               "APCREDITPAYMENT", "TRANSFER"}  # fmt: skip


def test_journals_balance_and_have_lines(sample_client):
    for journal in sample_client.ok(sample_client.get("Journals"), "Journals"):
        assert journal["JournalLines"], journal
        assert abs(sum(line["NetAmount"] for line in journal["JournalLines"])) < 0.005, journal


def test_if_modified_since_filters_on_updated_date_to_the_second(xero_client, xero_clock):
    old = _contacts(xero_client, 1, "Old")[0]
    xero_clock.advance(10.4)
    cutoff = xero_clock.now()
    new = _contacts(xero_client, 1, "New")[0]
    xero_clock.advance(5)
    iso = cutoff.strftime("%Y-%m-%dT%H:%M:%S")
    names = [
        c["Name"] for c in xero_client.ok(xero_client.get("Contacts", headers={"If-Modified-Since": iso}), "Contacts")
    ]
    assert names == [new["Name"]]
    # Compared to the second: a cutoff later in the same second still includes the record.
    same_second = cutoff.replace(microsecond=900_000).isoformat()
    found = xero_client.ok(xero_client.get("Contacts", headers={"If-Modified-Since": same_second}), "Contacts")
    assert [c["Name"] for c in found] == [new["Name"]]
    http_date = format_datetime(cutoff, usegmt=True)
    found = xero_client.ok(xero_client.get("Contacts", headers={"If-Modified-Since": http_date}), "Contacts")
    assert [c["Name"] for c in found] == [new["Name"]]
    # An update moves a record back into the window.
    xero_client.post(f"Contacts/{old['ContactID']}", {"Contacts": [{"EmailAddress": "changed@example.com"}]})
    found = xero_client.ok(xero_client.get("Contacts", headers={"If-Modified-Since": iso}), "Contacts")
    assert {c["Name"] for c in found} == {old["Name"], new["Name"]}
    xero_clock.advance(1)
    later = xero_clock.now().isoformat()
    assert xero_client.ok(xero_client.get("Contacts", headers={"If-Modified-Since": later}), "Contacts") == []


def test_if_modified_since_on_journals_reads_created_date(xero_client, xero_clock):
    _invoice(xero_client, Status="AUTHORISED")
    xero_clock.advance(60)
    cutoff = xero_clock.now().isoformat()
    _invoice(xero_client, Status="AUTHORISED")
    journals = xero_client.ok(xero_client.get("Journals", headers={"If-Modified-Since": cutoff}), "Journals")
    assert [j["JournalNumber"] for j in journals] == [2]


def test_archived_contacts_hide_unless_asked_for(xero_client):
    keep, gone = _contacts(xero_client, 2)
    archived = xero_client.post(f"Contacts/{gone['ContactID']}", {"Contacts": [{"ContactStatus": "ARCHIVED"}]})
    assert xero_client.one(archived, "Contacts")["ContactStatus"] == "ARCHIVED"
    names = [c["Name"] for c in xero_client.ok(xero_client.get("Contacts"), "Contacts")]
    assert names == [keep["Name"]]
    with_archived = xero_client.get("Contacts", params={"includeArchived": "true"})
    assert {c["Name"] for c in xero_client.ok(with_archived, "Contacts")} == {keep["Name"], gone["Name"]}
    # Fetched by id, an archived contact is still there.
    assert xero_client.get(f"Contacts/{gone['ContactID']}").status_code == 200


def test_where_filters_with_and_or_guid_and_datetime(xero_client):
    alpha = xero_client.one(xero_client.put("Contacts", {"Contacts": [{"Name": "Alpha Ltd"}]}), "Contacts")
    _invoice(xero_client, Contact={"ContactID": alpha["ContactID"]}, Date="2025-03-01", Status="AUTHORISED")
    _invoice(xero_client, Contact={"ContactID": alpha["ContactID"]}, Date="2025-06-01")
    _invoice(xero_client, Contact={"Name": "Beta Ltd"}, Date="2025-06-02", Status="AUTHORISED")

    def numbers(where: str) -> list[str]:
        answer = xero_client.get("Invoices", params={"where": where, "order": "InvoiceNumber ASC"})
        return [i["InvoiceNumber"] for i in xero_client.ok(answer, "Invoices")]

    assert numbers('Status=="AUTHORISED"') == ["INV-0001", "INV-0003"]
    assert numbers('Status!="AUTHORISED"') == ["INV-0002"]
    assert numbers(f'Contact.ContactID==Guid("{alpha["ContactID"].upper()}")') == ["INV-0001", "INV-0002"]
    assert numbers("Date>=DateTime(2025, 06, 01) AND Date<DateTime(2025,06,02)") == ["INV-0002"]
    assert numbers('Status=="DRAFT" OR Contact.Name=="Beta Ltd"') == ["INV-0002", "INV-0003"]
    assert numbers('Status=="AUTHORISED" && (Total>=100 || Reference==null)') == ["INV-0001", "INV-0003"]
    assert numbers('Contact.Name.StartsWith("alp")') == ["INV-0001", "INV-0002"]
    descending = xero_client.get("Invoices", params={"order": "Date DESC"})
    assert [i["InvoiceNumber"] for i in xero_client.ok(descending, "Invoices")] == ["INV-0003", "INV-0002", "INV-0001"]


def test_order_by_name_descending(xero_client):
    _contacts(xero_client, 3)
    answer = xero_client.get("Contacts", params={"order": "Name DESC"})
    assert [c["Name"] for c in xero_client.ok(answer, "Contacts")] == [
        "Customer 0002",
        "Customer 0001",
        "Customer 0000",
    ]


@pytest.mark.parametrize(
    "where",
    [
        'Status="DRAFT"',
        "Status==DRAFT",
        'Status=="DRAFT"; DELETE',
        'NoSuchField=="x"',
        'Name.ToUpper()=="X"',
        "Date>=DateTime(2025,13,1)",
        'Date>="2025-01-01"',
        'Total>="lots"',
        '(Status=="DRAFT"',
    ],
)
def test_unreadable_where_is_a_400(xero_client, where):
    _invoice(xero_client)
    answer = xero_client.get("Invoices", params={"where": where})
    assert answer.status_code == 400, where
    assert answer.json()["Type"] == "QueryParseException"
    assert answer.json()["ErrorNumber"] == 16


def test_bad_order_is_a_400(xero_client):
    assert xero_client.get("Contacts", params={"order": "Name; DROP"}).status_code == 400
    assert xero_client.get("Contacts", params={"order": "Nope ASC"}).status_code == 400


def test_invoice_query_parameters(xero_client, xero_state):
    one = _invoice(xero_client, Status="AUTHORISED")
    two = _invoice(xero_client, Contact={"Name": "Other Customer"})
    three = _invoice(xero_client, Status="SUBMITTED")

    def ids(params: dict) -> set[str]:
        return {i["InvoiceID"] for i in xero_client.ok(xero_client.get("Invoices", params=params), "Invoices")}

    assert ids({"Statuses": "AUTHORISED,SUBMITTED"}) == {one["InvoiceID"], three["InvoiceID"]}
    assert ids({"IDs": f"{one['InvoiceID']},{two['InvoiceID']}"}) == {one["InvoiceID"], two["InvoiceID"]}
    assert ids({"InvoiceNumbers": "INV-0002,INV-0003"}) == {two["InvoiceID"], three["InvoiceID"]}
    assert ids({"ContactIDs": two["Contact"]["ContactID"]}) == {two["InvoiceID"]}
    assert ids({"searchTerm": "inv-0003"}) == {three["InvoiceID"]}
    assert ids({"createdByMyApp": "true"}) == {one["InvoiceID"], two["InvoiceID"], three["InvoiceID"]}
    other_token = xero_state.issue_tokens(client_id=_other_app(xero_state))["access_token"]
    mine = xero_client.get(
        "Invoices", params={"createdByMyApp": "true"}, headers={"Authorization": f"Bearer {other_token}"}
    )
    assert xero_client.ok(mine, "Invoices") == []
    summary = xero_client.ok(xero_client.get("Invoices", params={"summaryOnly": "true", "page": 1}), "Invoices")
    assert all("LineItems" not in i for i in summary)


def _other_app(state) -> str:
    state.auth.register_client("SECONDAPP", "second-secret", "Second app")
    return "SECONDAPP"


def test_contacts_ids_and_search_term(xero_client):
    first, second, _third = _contacts(xero_client, 3)
    answer = xero_client.get("Contacts", params={"IDs": f"{first['ContactID']},{second['ContactID']}"})
    assert {c["ContactID"] for c in xero_client.ok(answer, "Contacts")} == {first["ContactID"], second["ContactID"]}
    answer = xero_client.get("Contacts", params={"searchTerm": "c2@example"})
    assert [c["Name"] for c in xero_client.ok(answer, "Contacts")] == ["Customer 0002"]
    summary = xero_client.ok(xero_client.get("Contacts", params={"summaryOnly": "true"}), "Contacts")
    assert all("Addresses" not in c and "ContactPersons" not in c for c in summary)


def test_purchase_orders_filter_by_status_and_dates(xero_client):
    def order(day: str, status: str) -> dict:
        element = {"Contact": {"Name": "Supplier Co"}, "Date": day, "Status": status,
                   "LineItems": [{"Description": "Stock", "Quantity": 1, "UnitAmount": 10, "AccountCode": "310"}]}  # fmt: skip
        return xero_client.one(xero_client.put("PurchaseOrders", {"PurchaseOrders": [element]}), "PurchaseOrders")

    order("2025-01-10", "DRAFT")
    march = order("2025-03-10", "AUTHORISED")
    may = order("2025-05-10", "AUTHORISED")
    answer = xero_client.get(
        "PurchaseOrders", params={"Status": "AUTHORISED", "DateFrom": "2025-03-01", "DateTo": "2025-04-01"}
    )
    assert [p["PurchaseOrderNumber"] for p in xero_client.ok(answer, "PurchaseOrders")] == [
        march["PurchaseOrderNumber"]
    ]
    by_number = xero_client.get(f"PurchaseOrders/{may['PurchaseOrderNumber']}")
    assert xero_client.one(by_number, "PurchaseOrders")["PurchaseOrderID"] == may["PurchaseOrderID"]


def test_deleted_bank_transfers_show_only_with_include_deleted(xero_client):
    body = {"BankTransfers": [{"FromBankAccount": {"Code": "090"}, "ToBankAccount": {"Code": "091"}, "Amount": 25}]}
    transfer = xero_client.one(xero_client.put("BankTransfers", body), "BankTransfers")
    deleted = xero_client.post(f"BankTransfers/{transfer['BankTransferID']}", {"Status": "DELETED"})
    assert xero_client.one(deleted, "BankTransfers")["Status"] == "DELETED"
    assert xero_client.ok(xero_client.get("BankTransfers"), "BankTransfers") == []
    shown = xero_client.ok(xero_client.get("BankTransfers", params={"includeDeleted": "true"}), "BankTransfers")
    assert [t["Status"] for t in shown] == ["DELETED"]


def test_records_are_found_by_number_or_code(xero_client):
    invoice = _invoice(xero_client, Status="AUTHORISED")
    contact = xero_client.one(
        xero_client.put("Contacts", {"Contacts": [{"Name": "Num", "ContactNumber": "C-77"}]}), "Contacts"
    )
    xero_client.put("Items", {"Items": [{"Code": "WID-1", "Name": "Widget"}]})
    assert xero_client.one(xero_client.get("Invoices/INV-0001"), "Invoices")["InvoiceID"] == invoice["InvoiceID"]
    assert xero_client.one(xero_client.get("Contacts/C-77"), "Contacts")["ContactID"] == contact["ContactID"]
    assert xero_client.one(xero_client.get("Items/WID-1"), "Items")["Name"] == "Widget"
    assert xero_client.one(xero_client.get("TaxRates/OUTPUT"), "TaxRates")["Name"] == "GST on Income"
    journal = xero_client.one(xero_client.get("Journals/1"), "Journals")
    assert journal["SourceID"] == invoice["InvoiceID"]
    assert xero_client.one(xero_client.get(f"Journals/{journal['JournalID']}"), "Journals")["JournalNumber"] == 1


def test_unknown_things_are_404_and_wrong_verbs_405(xero_client):
    assert xero_client.get("Invoices/6b3f9f1e-0000-4000-8000-000000000000").status_code == 404
    assert xero_client.get("Widgets").status_code == 404
    assert xero_client.request("DELETE", "Invoices/INV-9999").status_code in {404, 405}
    assert xero_client.request("DELETE", "Contacts/whatever").status_code == 405
    assert xero_client.put("Journals", {"Journals": []}).status_code == 405
    assert xero_client.put("Organisation", {}).status_code == 405


def test_collection_paths_are_case_insensitive(xero_client):
    _invoice(xero_client)
    assert len(xero_client.ok(xero_client.get("invoices"), "Invoices")) == 1
    assert xero_client.get("CONTACTS").status_code == 200


def test_purchase_order_dates_must_be_dates(xero_client):
    answer = xero_client.get("PurchaseOrders", params={"DateFrom": "last week"})
    assert answer.status_code == 400
    assert answer.json()["Type"] == "QueryParseException"
