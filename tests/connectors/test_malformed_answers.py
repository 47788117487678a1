"""A 200 whose body is not the JSON expected, classified once in the shared client, for every app.

Cut short, an HTML page, empty, ``{}``, ``[]``, or a value of the wrong type
where the records should be: each is a ``MalformedResponseError``, sent again
like a 503 within the same retry policy, then raised in one line naming the
app, the endpoint (method and path, no query string) and what was wrong.
"""

from __future__ import annotations

import typing as t
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from connectors.base.bodies import records_under
from connectors.base.client import RestClient
from connectors.base.errors import MalformedResponseError, RetriableError
from connectors.base.paging import PageNumberPaginator
from connectors.base.retry import RetryPolicy, is_transient
from connectors.base.tokens import MemoryTokenStore, Token
from connectors.deputy import STREAMS as DEPUTY_STREAMS
from connectors.deputy import DeputyClient
from connectors.magento import STREAMS as MAGENTO_STREAMS
from connectors.magento import MagentoClient
from connectors.neto import STREAMS as NETO_STREAMS
from connectors.neto import NetoClient
from connectors.salesforce import SalesforceAuth, SalesforceClient
from connectors.shopify import STREAMS as SHOPIFY_STREAMS
from connectors.shopify import ShopifyClient
from connectors.vtiger import VtigerClient
from connectors.xero.auth import XeroEndpoints
from connectors.xero.client import XeroClient
from connectors.xero.streams import STREAMS as XERO_STREAMS

ATTEMPTS = 3
Handler = t.Callable[[httpx.Request], httpx.Response]


class Sent:
    """Counts what reached the app, and answers from a list (the last answer repeats)."""

    def __init__(self, *answers: httpx.Response) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answers[min(len(self.requests), len(self.answers)) - 1]


def _client(handler: Handler, **options: t.Any) -> RestClient:
    return RestClient(
        "http://app.test/api",
        http=httpx.Client(transport=httpx.MockTransport(handler)),
        retry=RetryPolicy(attempts=ATTEMPTS, sleep=lambda _: None),
        app="Xero",
        **options,
    )


def _answer(content: bytes, content_type: str = "application/json") -> httpx.Response:
    return httpx.Response(200, content=content, headers={"content-type": content_type})


def _organisations(body: t.Any) -> list[dict[str, t.Any]]:
    return records_under(body, "Organisations")


GOOD = _answer(b'{"Organisations": [{"Name": "Southern Cross Outdoor Co"}]}')
HTML = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (_answer(b'{"Organisations": [{"Name": "Sou'), """body is not JSON: '{"Organisations": [{"Name": "Sou'"""),
        (_answer(HTML, "text/html"), "body is not JSON (text/html): '<html><head><title>502 Bad Gateway</title>"),
        (_answer(b""), "body is empty"),
        (_answer(b"{}"), "expected 'Organisations' in the answer, found none"),
        (_answer(b"[]"), "expected an object, got list"),
        (_answer(b'{"Organisations": "none"}'), "expected a list under 'Organisations', got string"),
        (_answer(b'{"Organisations": [1]}'), "expected a list of records under 'Organisations', found a number in it"),
    ],
    ids=["cut short", "html page", "empty", "empty object", "list", "string for a list", "number for a record"],
)
def test_a_malformed_200_is_retried_like_a_503_then_named_with_app_endpoint_and_what_was_wrong(
    answer: httpx.Response, said: str
) -> None:
    sent = Sent(answer)
    client = _client(sent)

    with pytest.raises(MalformedResponseError) as caught:
        client.call("GET", "Organisation", _organisations, params={"where": 'Name=="x"'})

    assert len(sent.requests) == ATTEMPTS
    error = caught.value
    assert str(error).startswith(f"Xero GET /api/Organisation: {said}")
    assert "\n" not in str(error)
    assert (error.endpoint, error.attempts, error.status) == ("GET /api/Organisation", ATTEMPTS, 200)
    assert is_transient(error)


def test_garbled_answers_are_sent_again_until_a_good_one_comes() -> None:
    sent = Sent(_answer(HTML, "text/html"), _answer(b""), GOOD)
    organisations = _client(sent).call("GET", "Organisation", _organisations)
    assert organisations == [{"Name": "Southern Cross Outdoor Co"}]
    assert len(sent.requests) == 3


def test_a_long_body_shows_only_its_first_eighty_characters() -> None:
    page = b"<html>" + b"x" * 500
    with pytest.raises(MalformedResponseError) as caught:
        _client(Sent(_answer(page, "text/html"))).call("GET", "Organisation", _organisations)
    assert str(caught.value).endswith(repr(page[:80].decode()))


def test_the_endpoint_named_carries_no_query_string_so_no_session_or_data() -> None:
    with pytest.raises(MalformedResponseError) as caught:
        _client(Sent(_answer(b"{"))).call("GET", "webservice.php", _organisations, params={"sessionName": "s3cr3t"})
    assert "s3cr3t" not in str(caught.value)
    assert caught.value.endpoint == "GET /api/webservice.php"


def test_a_select_that_trips_over_an_unexpected_shape_is_a_malformed_answer() -> None:
    with pytest.raises(MalformedResponseError, match=r"unexpected shape \(KeyError: 'records'\)"):
        _client(Sent(_answer(b'{"totalSize": 3}'))).call("GET", "query", lambda body: list(body["records"]))


def test_the_answer_of_a_write_that_must_not_be_sent_twice_is_checked_but_never_resent() -> None:
    sent = Sent(_answer(HTML, "text/html"))
    client = _client(sent)
    response = client.request("POST", "composite/sobjects", json={"records": []})
    with pytest.raises(MalformedResponseError, match=r"^Xero POST /api/composite/sobjects: body is not JSON"):
        client.body(response, records_under)
    assert len(sent.requests) == 1


def test_a_garbled_page_is_read_again_and_no_record_is_lost_or_doubled() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        calls.append(page)
        if page == 2 and calls.count(2) == 1:
            return _answer(b"[]")
        return httpx.Response(200, json={"Items": [{"n": (page - 1) * 3 + i} for i in range(3 if page < 3 else 1)]})

    paginator = PageNumberPaginator(page_size=3)
    pages = list(_client(handler).paginate("Items", paginator=paginator, select=lambda b: records_under(b, "Items")))

    assert calls == [1, 2, 2, 3]
    assert [r["n"] for page in pages for r in page.records] == list(range(7))


# --- every app's reads ---------------------------------------------------------------------------

NOW = datetime(2026, 11, 2, tzinfo=UTC)
FAST = RetryPolicy(attempts=ATTEMPTS, sleep=lambda _: None)


def _vtiger_login(garbled: Handler) -> Handler:
    """vTiger's handshake answered properly (so the read itself meets the garbled answer)."""

    def handler(request: httpx.Request) -> httpx.Response:
        operation = request.url.params.get("operation") or httpx.QueryParams(request.content.decode()).get("operation")
        if operation == "getchallenge":
            return httpx.Response(200, json={"success": True, "result": {"token": "t", "serverTime": 1}})
        if operation == "login":
            return httpx.Response(200, json={"success": True, "result": {"sessionName": "s", "userId": "19x1"}})
        return garbled(request)

    return handler


def _read(app: str, handler: Handler) -> t.Any:
    """Read the app's first page of one collection through its client, over ``handler``."""
    http = httpx.Client(transport=httpx.MockTransport(handler))
    if app == "xero":
        xero = XeroClient(XeroEndpoints.from_base("http://xero.test"), httpx.Auth(), http=http, retry=FAST)
        return next(xero.read(XERO_STREAMS["Contacts"]))
    if app == "vtiger":
        crm = VtigerClient("http://vtiger.test", "admin", "key", http=http, retry=FAST)
        return next(crm.sync("Accounts"))
    if app == "salesforce":
        token = Token("live", "refresh", NOW + timedelta(hours=2), extra={"instance_url": "http://sf.test"})
        auth = SalesforceAuth(MemoryTokenStore(token), client_id="c", client_secret="s", token_url="http://sf.test/t")
        return next(SalesforceClient(auth, http=http, retry=FAST, now=lambda: NOW).changes("Account"))
    if app == "shopify":
        return next(ShopifyClient("http://shop.test", "shpat_x", http=http, retry=FAST).read(SHOPIFY_STREAMS["orders"]))
    if app == "magento":
        store = MagentoClient("http://magento.test", token="t", http=http, retry=FAST)
        return next(store.read(MAGENTO_STREAMS["orders"]))
    if app == "neto":
        return next(NetoClient("http://neto.test", "key", "user", http=http, retry=FAST).read(NETO_STREAMS["products"]))
    return next(DeputyClient("http://deputy.test", "token", http=http, retry=FAST).read(DEPUTY_STREAMS["Employee"]))


# The app's name in the error, and the endpoint its read goes to (vTiger and Neto name the operation too).
APPS = {
    "xero": ("Xero", "GET /api.xro/2.0/Contacts"),
    "vtiger": ("vTiger", "GET /webservice.php (sync)"),
    "salesforce": ("Salesforce", "GET /services/data/v66.0/query"),
    "shopify": ("Shopify", "POST /admin/api/2025-07/graphql.json"),
    "magento": ("Magento", "GET /rest/V1/orders"),
    "neto": ("Neto", "POST /do/WS/NetoAPI (GetItem)"),
    "deputy": ("Deputy", "POST /api/v1/resource/Employee/QUERY"),
}


@pytest.mark.parametrize("garbled", [HTML, b"", b"{}", b"[]"], ids=["html page", "empty", "empty object", "list"])
@pytest.mark.parametrize("app", list(APPS))
def test_every_apps_read_retries_a_garbled_answer_then_names_app_and_endpoint(app: str, garbled: bytes) -> None:
    if app == "deputy" and garbled == b"[]":
        garbled = b"{}"  # Deputy answers a QUERY with a list: ``[]`` is its true empty page, ``{}`` the wrong shape
    sent = Sent(_answer(garbled, "text/html" if garbled == HTML else "application/json"))
    handler: Handler = _vtiger_login(sent) if app == "vtiger" else sent

    with pytest.raises(MalformedResponseError) as caught:
        _read(app, handler)

    name, endpoint = APPS[app]
    assert str(caught.value).startswith(f"{name} {endpoint}: ")
    assert caught.value.endpoint == endpoint
    assert "\n" not in str(caught.value)
    assert len(sent.requests) == ATTEMPTS  # sent again like a 503, within the one retry policy
    assert isinstance(caught.value, RetriableError)


def test_a_token_endpoint_answering_200_without_a_token_is_retried_not_taken_for_a_refusal() -> None:
    stale = Token("old", "refresh", NOW + timedelta(hours=2), extra={"instance_url": "http://sf.test"})
    auth = SalesforceAuth(
        MemoryTokenStore(stale), client_id="c", client_secret="s", token_url="http://sf.test/t", now=lambda: NOW
    )
    answers = {"token": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/t":
            answers["token"] += 1
            if answers["token"] == 1:
                return _answer(HTML, "text/html")
            body = {"access_token": "new", "instance_url": "http://sf.test", "issued_at": "1"}
            return httpx.Response(200, json=body)
        if request.headers["authorization"] == "Bearer old":
            return httpx.Response(401, json=[{"errorCode": "INVALID_SESSION_ID", "message": "Session expired"}])
        return httpx.Response(200, json=[{"version": "66.0", "label": "Winter '26", "url": "/services/data/v66.0"}])

    http = httpx.Client(transport=httpx.MockTransport(handler))
    client = SalesforceClient(auth, http=http, retry=FAST, now=lambda: NOW)

    assert client.versions()[0]["version"] == "66.0"
    assert answers["token"] == 2


def test_a_garbled_body_with_line_breaks_still_makes_a_one_line_error() -> None:
    with pytest.raises(MalformedResponseError) as caught:
        _client(Sent(_answer(b'{"Organisations": [\r\n  {"Name": "Line\nBreak'))).call("GET", "x", _organisations)
    assert "\n" not in str(caught.value)
    assert "\r" not in str(caught.value)
