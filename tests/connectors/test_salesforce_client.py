"""The Salesforce client against a fake org behind ``httpx.MockTransport``.

The fake answers as app_apis.md section 2 describes Salesforce: query pages
with ``nextRecordsUrl``, errors as JSON arrays, 401 ``INVALID_SESSION_ID``,
403 ``REQUEST_LIMIT_EXCEEDED``, ``Sforce-Limit-Info``, getDeleted, and sObject
Collections upserts by external id with one result per record.
"""

from __future__ import annotations

import json
import typing as t
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs
from uuid import uuid4

import httpx
import pytest

from connectors.base.errors import FatalError, RetriableError
from connectors.base.retry import RetryPolicy
from connectors.base.tokens import MemoryTokenStore, Token
from connectors.salesforce import (
    EXTERNAL_ID,
    DeletionsOutOfReachError,
    ReadState,
    RequestLimitExceededError,
    SalesforceAuth,
    SalesforceClient,
    SalesforceSink,
    SalesforceSource,
    stream_for,
)
from connectors.salesforce.soql import literal, quote, select
from connectors.salesforce.streams import sobject_named
from datashare.model import Organization, Person
from datashare.model.mapping import DictRefs

INSTANCE = "https://acme.my.salesforce.com"
TOKEN_URL = "https://login.salesforce.com/services/oauth2/token"
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
API = "/services/data/v66.0"


def _error(status: int, code: str, message: str) -> httpx.Response:
    return httpx.Response(status, json=[{"message": message, "errorCode": code, "fields": []}])


class FakeOrg:
    """A small stateful Salesforce: accounts keyed by external id, paged queries, a token endpoint."""

    def __init__(self, *, page_size: int = 2) -> None:
        self.page_size = page_size
        self.rows: list[dict[str, t.Any]] = []
        self.accounts: dict[str, dict[str, t.Any]] = {}  # Datashare_Id__c -> record
        self.access_token = "live-token"
        self.requests: list[httpx.Request] = []
        self.queries: list[str] = []
        self.deleted_records: list[dict[str, str]] = []
        self.fail_next: list[httpx.Response] = []
        self.used = 17
        self.refresh_forms: list[dict[str, list[str]]] = []
        self.seen_tokens: list[str] = []  # as sent: httpx resends the same request object, re-signed
        self.sessions_die = False  # every access token is refused, even a fresh one
        self._cursors: dict[str, list[dict[str, t.Any]]] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if str(request.url) == TOKEN_URL:
            form = parse_qs(request.content.decode())
            self.refresh_forms.append(form)
            if form.get("refresh_token") != ["refresh-1"]:
                return httpx.Response(400, json={"error": "invalid_grant", "error_description": "expired"})
            self.access_token = "fresh-token"
            return httpx.Response(200, json={"access_token": "fresh-token", "instance_url": INSTANCE, "id": "x"})
        self.seen_tokens.append(request.headers.get("authorization", ""))
        if self.sessions_die or request.headers.get("authorization") != f"Bearer {self.access_token}":
            return _error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        if self.fail_next:
            return self.fail_next.pop(0)
        self.used += 1
        response = self._route(request)
        response.headers["Sforce-Limit-Info"] = f"api-usage={self.used}/5000"
        return response

    def _page(self, rows: list[dict[str, t.Any]], start: int) -> httpx.Response:
        chunk = rows[start : start + self.page_size]
        done = start + self.page_size >= len(rows)
        body: dict[str, t.Any] = {"totalSize": len(rows), "done": done, "records": chunk}
        if not done:
            locator = f"01gFAKE{len(self._cursors)}-{start + self.page_size}"
            self._cursors[locator] = rows
            body["nextRecordsUrl"] = f"{API}/query/{locator}"
        return httpx.Response(200, json=body)

    def _route(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/services/data/":
            return httpx.Response(200, json=[{"label": "Spring '26", "url": API, "version": "66.0"}])
        if path == f"{API}/query":
            self.queries.append(request.url.params["q"])
            return self._page(self.rows, 0)
        if path.startswith(f"{API}/query/"):
            locator = path.rsplit("/", 1)[1]
            return self._page(self._cursors[locator], int(locator.rsplit("-", 1)[1]))
        if path.endswith("/deleted/"):
            return httpx.Response(
                200,
                json={
                    "deletedRecords": self.deleted_records,
                    "earliestDateAvailable": "2026-11-11T00:00:00.000+0000",
                    "latestDateCovered": "2026-11-26T01:59:00.000+0000",
                },
            )
        if path == f"{API}/composite/sobjects/Account/{EXTERNAL_ID}" and request.method == "PATCH":
            return httpx.Response(200, json=[self._upsert(r) for r in json.loads(request.content)["records"]])
        if path == f"{API}/composite/sobjects" and request.method == "DELETE":
            ids = request.url.params["ids"].split(",")
            return httpx.Response(200, json=[{"id": i, "success": True, "errors": []} for i in ids])
        return _error(404, "NOT_FOUND", "The requested resource does not exist")

    def _upsert(self, record: dict[str, t.Any]) -> dict[str, t.Any]:
        if not record.get("Name"):
            return {
                "id": None,
                "success": False,
                "errors": [{"statusCode": "REQUIRED_FIELD_MISSING", "message": "Required fields are missing: [Name]",
                            "fields": ["Name"]}],
            }  # fmt: skip
        key = record[EXTERNAL_ID]
        created = key not in self.accounts
        if created:
            self.accounts[key] = {"Id": f"001{len(self.accounts):015d}"}
        self.accounts[key].update({k: v for k, v in record.items() if k != "attributes"})
        return {"id": self.accounts[key]["Id"], "success": True, "errors": [], "created": created}


def _client(org: FakeOrg, *, store: MemoryTokenStore | None = None) -> SalesforceClient:
    store = store or MemoryTokenStore(
        Token("live-token", "refresh-1", NOW + timedelta(hours=2), extra={"instance_url": INSTANCE})
    )
    auth = SalesforceAuth(store, client_id="cid", client_secret="shh", token_url=TOKEN_URL, tenant="acme")
    http = httpx.Client(transport=httpx.MockTransport(org))
    return SalesforceClient(auth, http=http, retry=RetryPolicy(attempts=3, sleep=lambda _: None), now=lambda: NOW)


def _account(n: int, stamp: str) -> dict[str, t.Any]:
    return {"Id": f"001{n:015d}", "Name": f"Account {n}", "SystemModstamp": stamp}


# --- reading ------------------------------------------------------------------------------------


def test_versions_and_the_pinned_base_from_the_tokens_instance_url() -> None:
    org = FakeOrg()
    client = _client(org)
    assert client.versions()[0]["version"] == "66.0"
    assert str(org.requests[0].url) == f"{INSTANCE}/services/data/"
    assert client.usage is not None
    assert (client.usage.used, client.usage.limit, client.usage.remaining) == (
        18,
        5000,
        4982,
    )


def test_query_follows_next_records_url_until_done() -> None:
    org = FakeOrg(page_size=2)
    org.rows = [_account(n, "2026-11-20T10:00:00.000+0000") for n in range(5)]
    client = _client(org)
    rows = list(client.rows("Account"))
    assert [r["Id"] for r in rows] == [r["Id"] for r in org.rows]
    paths = [r.url.path for r in org.requests]
    assert paths == [f"{API}/query", f"{API}/query/01gFAKE0-2", f"{API}/query/01gFAKE1-4"]
    assert org.queries == [select(sobject_named("Account"), order_by=("Id",))]


class _StrayOrg(FakeOrg):
    """An org whose next page points at another host."""

    def _page(self, rows: list[dict[str, t.Any]], start: int) -> httpx.Response:
        return httpx.Response(200, json={"done": False, "nextRecordsUrl": "https://evil.example/x", "records": []})


def test_a_next_page_outside_the_api_is_refused() -> None:
    org = _StrayOrg()
    with pytest.raises(FatalError, match="outside the API"):
        list(_client(org).rows("Account"))
    assert len(org.requests) == 1


def test_values_are_escaped_by_soqls_rules_and_names_come_from_the_allowlist() -> None:
    assert quote("O'Brien \\ Co") == "'O\\'Brien \\\\ Co'"
    assert quote('say "hi"\nnow') == "'say \\\"hi\\\"\\nnow'"
    assert literal(datetime(2026, 1, 2, 3, 4, 5, 999, tzinfo=UTC)) == "2026-01-02T03:04:05Z"
    assert literal(["a'", True, None]) == "('a\\'',true,null)"
    org = FakeOrg()
    client = _client(org)
    list(client.rows("Account", where=[("Name", "=", "O'Brien \\ Co' OR Name != '")]))
    (sent,) = org.queries
    assert sent.endswith("FROM Account WHERE Name = 'O\\'Brien \\\\ Co\\' OR Name != \\'' ORDER BY Id ASC")
    with pytest.raises(ValueError, match="allowlist"):
        list(client.rows("Account", where=[("Name = 'x' OR Id", "!=", "")]))
    with pytest.raises(ValueError, match="catalogue"):
        list(client.rows("User"))
    with pytest.raises(ValueError, match="operator"):
        select(sobject_named("Account"), where=[("Name", "LIKE", "%")])


def test_incremental_read_by_modstamp_with_a_cursor_per_page_and_deletions_on_the_last() -> None:
    org = FakeOrg(page_size=2)
    org.rows = [
        _account(1, "2026-11-20T10:00:00.000+0000"),
        _account(2, "2026-11-21T10:00:00.000+0000"),
        _account(3, "2026-11-22T10:00:00.000+0000"),
    ]
    org.deleted_records = [{"id": "001000000000000099", "deletedDate": "2026-11-21T00:00:00.000+0000"}]
    client = _client(org)
    cursor = ReadState(modstamp="2026-11-19T00:00:00.000+0000").dump()
    pages = list(client.changes("Account", cursor))
    assert org.queries == [
        "SELECT Id, IsDeleted, CreatedDate, LastModifiedDate, SystemModstamp, Name, AccountNumber, Phone, "
        "Website, BillingStreet, BillingCity, BillingState, "
        "BillingPostalCode, BillingCountry, ShippingStreet, ShippingCity, ShippingState, ShippingPostalCode, "
        "ShippingCountry FROM Account WHERE SystemModstamp >= 2026-11-19T00:00:00Z "
        "ORDER BY SystemModstamp ASC, Id ASC"
    ]
    deleted_call = org.requests[0]
    assert deleted_call.url.path == f"{API}/sobjects/Account/deleted/"
    assert deleted_call.url.params["start"] == "2026-11-19T00:00:00Z"
    assert deleted_call.url.params["end"] == "2026-11-26T02:00:00Z"
    first, last = pages
    assert (first.deleted, first.last, last.deleted, last.last) == ([], False, ["001000000000000099"], True)
    assert ReadState.parse(first.cursor).modstamp == "2026-11-21T10:00:00.000+0000"
    assert ReadState.parse(last.cursor) == ReadState("2026-11-22T10:00:00.000+0000", "2026-11-26T01:59:00Z")
    # Resuming from a page's cursor asks for what changed at or after its newest stamp.
    list(client.changes("Account", first.cursor))
    assert "WHERE SystemModstamp >= 2026-11-21T10:00:00Z" in org.queries[-1]


def test_a_full_read_asks_no_deletions_and_starts_the_deletion_window_at_the_read() -> None:
    org = FakeOrg()
    client = _client(org)
    (page,) = list(client.changes("Account", None))
    assert "WHERE" not in org.queries[0]
    assert not any(r.url.path.endswith("/deleted/") for r in org.requests)
    assert ReadState.parse(page.cursor) == ReadState("2026-11-26T02:00:00Z", "2026-11-26T02:00:00Z")


def test_a_cursor_older_than_getdeleteds_window_needs_a_full_read() -> None:
    org = FakeOrg()
    old = ReadState(modstamp="2026-11-01T00:00:00.000+0000").dump()
    with pytest.raises(DeletionsOutOfReachError, match="full re-import"):
        list(_client(org).changes("Account", old))
    assert org.requests == []
    # Salesforce's own refusal says the same.
    org.fail_next = [_error(400, "INVALID_REPLICATION_DATE", "startDate can not be more than 15 days ago")]
    recent = ReadState(modstamp="2026-11-20T00:00:00.000+0000").dump()
    with pytest.raises(DeletionsOutOfReachError, match="INVALID_REPLICATION_DATE"):
        list(_client(org).changes("Account", recent))


def test_source_pages_carry_records_cursor_and_deleted_ids_and_support_since() -> None:
    org = FakeOrg()
    org.rows = [_account(1, "2026-11-25T10:00:00.000+0000")]
    org.deleted_records = [{"id": "001000000000000077", "deletedDate": "2026-11-25T00:00:00.000+0000"}]
    source = SalesforceSource(_client(org), stream_for("organizations"))
    assert (source.app, source.entity, source.stream, source.id_field) == (
        "salesforce",
        "organizations",
        "Account",
        "Id",
    )
    cursor = source.cursor_since(datetime(2026, 11, 24, tzinfo=UTC))
    assert cursor is not None
    (page,) = list(source.pages(cursor))
    assert [r["Id"] for r in page.records] == ["001000000000000001"]
    assert page.deleted == ["001000000000000077"]
    assert "SystemModstamp >= 2026-11-24T00:00:00Z" in org.queries[0]


# --- errors, auth, limits -----------------------------------------------------------------------


def test_an_expired_session_is_refreshed_once_saved_and_the_request_resent() -> None:
    org = FakeOrg()
    store = MemoryTokenStore(
        Token("stale-token", "refresh-1", NOW + timedelta(hours=2), extra={"instance_url": INSTANCE})
    )
    client = _client(org, store=store)
    assert client.versions()[0]["version"] == "66.0"
    (form,) = org.refresh_forms
    assert form == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["refresh-1"],
        "client_id": ["cid"],
        "client_secret": ["shh"],
    }
    assert store.saves == 1
    assert store.token is not None
    assert store.token.access_token == "fresh-token"
    assert store.token.refresh_token == "refresh-1"
    assert store.token.extra["instance_url"] == INSTANCE
    client.versions()
    assert len(org.refresh_forms) == 1  # the saved token is used from now on


def test_a_refused_refresh_says_to_reconnect() -> None:
    org = FakeOrg()
    store = MemoryTokenStore(Token("stale", "dead-refresh", NOW, extra={"instance_url": INSTANCE}))
    with pytest.raises(FatalError, match="reconnect Salesforce"):
        _client(org, store=store).versions()


def test_request_limit_exceeded_is_fatal_for_the_run_and_not_retried() -> None:
    org = FakeOrg()
    limit = _error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
    limit.headers["Sforce-Limit-Info"] = "api-usage=5001/5000"
    org.fail_next = [limit]
    client = _client(org)
    with pytest.raises(RequestLimitExceededError, match=r"daily API request limit is exceeded \(5001/5000"):
        client.versions()
    assert len(org.requests) == 1


def test_server_errors_are_retried_and_bad_requests_carry_salesforces_message() -> None:
    org = FakeOrg()
    org.fail_next = [_error(503, "SERVER_UNAVAILABLE", "down"), httpx.Response(500)]
    client = _client(org)
    assert client.versions()
    assert len(org.requests) == 3
    org.fail_next = [_error(400, "MALFORMED_QUERY", "unexpected token: 'OR'")]
    with pytest.raises(FatalError, match="MALFORMED_QUERY: unexpected token: 'OR'") as failure:
        list(client.rows("Account"))
    assert not isinstance(failure.value, RetriableError)


# --- writing ------------------------------------------------------------------------------------


def test_collections_give_one_result_per_record_in_calls_of_200() -> None:
    org = FakeOrg()
    client = _client(org)
    records: list[dict[str, t.Any]] = [{EXTERNAL_ID: str(uuid4()), "Name": f"Org {n}"} for n in range(250)]
    records[3]["Name"] = None
    results = client.upsert("Account", records)
    assert len(results) == 250
    calls = [json.loads(r.content) for r in org.requests]
    assert [len(c["records"]) for c in calls] == [200, 50]
    assert all(c["allOrNone"] is False for c in calls)
    assert calls[0]["records"][0]["attributes"] == {"type": "Account"}
    assert not results[3].success
    assert results[3].error == "REQUIRED_FIELD_MISSING: Required fields are missing: [Name] (Name)"
    assert all(r.success and r.created for i, r in enumerate(results) if i != 3)
    with pytest.raises(FatalError, match="read only"):
        client.upsert("Pricebook2", [{EXTERNAL_ID: "x"}])


def test_a_replayed_upsert_creates_nothing_twice() -> None:
    org = FakeOrg()
    client = _client(org)
    record = {EXTERNAL_ID: str(uuid4()), "Name": "Once Only"}
    first = client.upsert("Account", [record])
    again = client.upsert("Account", [{**record, "Name": "Once Only Ltd"}])
    assert len(org.accounts) == 1
    assert first[0].created
    assert not again[0].created
    assert first[0].id == again[0].id
    assert org.accounts[record[EXTERNAL_ID]]["Name"] == "Once Only Ltd"


def test_sink_pushes_organizations_and_people_with_a_result_each() -> None:
    org = FakeOrg()
    sink = SalesforceSink(_client(org))
    refs = DictRefs()
    acme = Organization(id=uuid4(), name="Acme")
    nameless = Organization.model_construct(id=uuid4(), name="", deleted_at=None)
    results = sink.push("organizations", [acme, nameless], refs)
    assert results[0].ok
    assert results[0].created
    assert results[0].remote_id == org.accounts[str(acme.id)]["Id"]
    assert not results[1].ok
    assert "REQUIRED_FIELD_MISSING" in (results[1].error or "")
    again = sink.push("organizations", [acme], refs)
    assert again[0].ok
    assert not again[0].created
    assert len(org.accounts) == 1
    waiting = sink.push("people", [Person(id=uuid4(), last_name="Lee", organization_id=uuid4())], refs)
    assert waiting[0].waiting
    assert waiting[0].waiting_for is not None
    assert waiting[0].waiting_for[0] == "organizations"


def test_sink_deletes_tombstones_it_has_and_skips_ones_it_never_had() -> None:
    org = FakeOrg()
    sink = SalesforceSink(_client(org))
    gone, never = uuid4(), uuid4()
    refs = DictRefs(to_remote={("organizations", gone): "001000000000000005"})
    results = sink.push(
        "organizations",
        [Organization(id=gone, name="Gone", deleted_at=NOW), Organization(id=never, name="Never", deleted_at=NOW)],
        refs,
    )
    assert results[0].ok
    assert results[0].remote_id == "001000000000000005"
    assert results[1].skipped
    assert not results[1].ok
    (delete,) = org.requests
    assert delete.method == "DELETE"
    assert delete.url.params["ids"] == "001000000000000005"


class _RacedStore(MemoryTokenStore):
    """A store another process refreshes right after our first read: the first load is stale."""

    def __init__(self) -> None:
        super().__init__(Token("live-token", "refresh-1", NOW + timedelta(hours=2), extra={"instance_url": INSTANCE}))
        self.loads = 0

    def load(self) -> Token | None:
        self.loads += 1
        if self.loads == 2:  # the request is signed with a token that is already replaced
            return Token("stale-token", "refresh-1", NOW, extra={"instance_url": INSTANCE})
        return super().load()


def test_a_token_refreshed_by_another_process_is_used_without_refreshing_again() -> None:
    org = FakeOrg()
    client = _client(org, store=_RacedStore())
    assert client.versions()
    assert org.refresh_forms == []
    assert org.seen_tokens == ["Bearer stale-token", "Bearer live-token"]


def test_a_session_refused_after_the_refresh_says_to_reconnect() -> None:
    org = FakeOrg()
    org.sessions_die = True
    client = _client(org)
    with pytest.raises(FatalError, match=r"INVALID_SESSION_ID.*reconnect Salesforce"):
        client.versions()
    assert len(org.refresh_forms) == 1
