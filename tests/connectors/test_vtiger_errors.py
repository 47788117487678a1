"""vTiger's answers classified: every error code to its class, 5xx pages retried, writes never doubled."""

from __future__ import annotations

import typing as t
import warnings

import httpx
import pytest

from connectors.base.errors import AuthError, FatalError, MalformedResponseError, RetriableError
from connectors.base.retry import RetryPolicy
from connectors.vtiger import (
    AccessDeniedError,
    DatabaseQueryError,
    InternalServerError,
    InvalidIdError,
    MandatoryFieldsMissingError,
    QuerySyntaxError,
    RecordNotFoundError,
    ReferenceInvalidError,
    SessionError,
    UnknownOperationError,
    VtigerAuthError,
    VtigerError,
    WriteOutcomeUnknownError,
)
from connectors.vtiger.errors import check_vtiger_response
from sandbox.vtiger import create_app, webservice_fault

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

CODES = [
    ("ACCESS_DENIED", AccessDeniedError),
    ("MANDATORY_FIELDS_MISSING", MandatoryFieldsMissingError),
    ("QUERY_SYNTAX_ERROR", QuerySyntaxError),
    ("INVALID_ID_ATTRIBUTE", InvalidIdError),
    ("RECORD_NOT_FOUND", RecordNotFoundError),
    ("REFERENCE_INVALID", ReferenceInvalidError),
    ("UNKNOWN_OPERATION", UnknownOperationError),
    ("OPERATION_NOT_SUPPORTED", UnknownOperationError),
    ("DATABASE_QUERY_ERROR", DatabaseQueryError),
    ("INTERNAL_SERVER_ERROR", InternalServerError),
    ("INVALID_USER_CREDENTIALS", VtigerAuthError),
    ("INVALID_AUTH_TOKEN", VtigerAuthError),
    ("AUTHENTICATION_REQUIRED", VtigerAuthError),
    ("INVALID_SESSIONID", SessionError),
    ("SESSION_EXPIRED", SessionError),
    ("SESSION_LEFT_IDLE", SessionError),
    ("SOMETHING_NEW", VtigerError),
]


def _answer(body: bytes, status: int = 200, content_type: str = "application/json") -> httpx.Response:
    request = httpx.Request("GET", "http://vtiger.test/webservice.php?operation=query&sessionName=s3cr3t")
    return httpx.Response(status, content=body, headers={"content-type": content_type}, request=request)


@pytest.mark.parametrize(("code", "kind"), CODES)
def test_each_error_code_raises_its_class_and_keeps_the_code(code, kind):
    body = b'{"success":false,"error":{"code":"%s","message":"it went wrong"}}' % code.encode()
    with pytest.raises(kind) as caught:
        check_vtiger_response(_answer(body))
    assert type(caught.value) is kind
    assert caught.value.code == code
    assert caught.value.vtiger_message == "it went wrong"
    assert "vTiger query" in str(caught.value)


@pytest.mark.parametrize(("code", "kind"), CODES)
def test_no_error_code_is_retried(code, kind):
    assert issubclass(kind, FatalError)
    assert not issubclass(kind, RetriableError)
    assert issubclass(kind, AuthError) == (kind in {VtigerAuthError, SessionError})


def test_success_passes_quietly():
    check_vtiger_response(_answer(b'{"success":true,"result":[]}'))


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_an_apache_error_page_is_retriable(status):
    with pytest.raises(RetriableError) as caught:
        check_vtiger_response(_answer(b"<html><h1>Service Unavailable</h1></html>", status, "text/html"))
    assert caught.value.status == status
    assert "s3cr3t" not in str(caught.value)


def test_a_200_that_is_not_the_json_envelope_is_retriable():
    with pytest.raises(MalformedResponseError, match="body is not JSON"):
        check_vtiger_response(_answer(b"<br /><b>Fatal error</b>: Allowed memory size exhausted", 200, "text/html"))


# --- the codes as the sandbox gives them --------------------------------------------------


def _create(module: str, element: dict[str, t.Any]) -> t.Callable[[t.Any, t.Any], t.Any]:
    return lambda client, add: client.create(module, element)


REACHABLE: list[tuple[str, type[Exception], t.Callable[[t.Any, t.Any], t.Any]]] = [
    ("ACCESS_DENIED", AccessDeniedError, lambda c, add: c.retrieve("11x424242")),
    ("ACCESS_DENIED", AccessDeniedError, lambda c, add: c.query("SELECT nosuchfield FROM Accounts;")),
    ("MANDATORY_FIELDS_MISSING", MandatoryFieldsMissingError, _create("Contacts", {"firstname": "No Lastname"})),
    ("QUERY_SYNTAX_ERROR", QuerySyntaxError, lambda c, add: c.query("SELECT * FROM Accounts WHERE;")),
    ("QUERY_SYNTAX_ERROR", QuerySyntaxError, lambda c, add: c.query("SELECT * FROM Accounts")),
    ("INVALID_ID_ATTRIBUTE", InvalidIdError, lambda c, add: c.retrieve("12x" + add()["id"].split("x")[1])),
    ("REFERENCE_INVALID", ReferenceInvalidError, _create("Contacts", {"lastname": "Lee", "account_id": "14x1"})),
    ("DATABASE_QUERY_ERROR", DatabaseQueryError, _create("Products", {"productname": "P", "unit_price": "12,5x"})),
    ("UNKNOWN_OPERATION", UnknownOperationError, lambda c, add: c._get("frobnicate")),
    ("OPERATION_NOT_SUPPORTED", UnknownOperationError, lambda c, add: c._get("logout")),
    ("INTERNAL_SERVER_ERROR", InternalServerError, lambda c, add: c._post("revise", element="{not json")),
]


@pytest.mark.parametrize(
    ("code", "kind", "action"), REACHABLE, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(REACHABLE)]
)
def test_the_sandbox_errors_reach_the_caller_as_their_class(code, kind, action, vtiger_client, vtiger_add):
    def add() -> dict[str, t.Any]:
        return vtiger_add("Accounts", {"accountname": "Target Pty Ltd"})

    with pytest.raises(kind) as caught:
        action(vtiger_client, add)
    assert caught.value.code == code  # type: ignore[attr-defined]


def test_a_session_that_dies_again_right_after_login_is_a_session_error(vtiger_client, vtiger_http, vtiger_state):
    def kill_session(request: httpx.Request) -> None:
        if request.url.params.get("operation") == "listtypes":
            vtiger_state.sessions.clear()

    vtiger_http.event_hooks["request"].append(kill_session)
    with pytest.raises(SessionError) as caught:
        vtiger_client.types()
    assert caught.value.code == "INVALID_SESSIONID"
    assert vtiger_client.session.logins == 2  # one new login, not a loop


# --- faults -------------------------------------------------------------------------------


def test_a_share_of_5xx_answers_is_absorbed_by_retries(vtiger_seeded, vtiger_client, vtiger_faults):
    expected = sum(1 for r in vtiger_seeded.entities.values() if r.module == "Contacts" and not r.deleted)
    vtiger_faults.set(webservice_fault(error_rate=0.3, error_status=503))
    contacts = [r["id"] for p in vtiger_client.sync("Contacts") for r in p.updated]
    invoices = [r for p in vtiger_client.sync("Invoice") for r in p.updated]
    created = vtiger_client.create("Accounts", {"accountname": "Through The Storm Pty Ltd"})
    vtiger_client.revise({"id": created["id"], "website": "https://storm.example"})
    assert len(contacts) == len(set(contacts)) == expected
    assert all(invoice["LineItems"] for invoice in invoices)
    assert vtiger_faults.injected > 5
    names = [r.values["accountname"] for r in vtiger_seeded.entities.values() if r.module == "Accounts"]
    assert names.count("Through The Storm Pty Ltd") == 1


def test_a_server_that_stays_down_fails_after_the_policy_gives_up(vtiger_connect, vtiger_faults, vtiger_requests):
    vtiger_faults.set(webservice_fault(error_rate=1.0, error_status=502))
    client = vtiger_connect(retry=RetryPolicy(attempts=3, sleep=lambda _: None))
    with pytest.raises(RetriableError) as caught:
        client.types()
    assert caught.value.status == 502
    assert vtiger_requests.count("getchallenge") == 3


class LoseAnswer:
    """Wraps the sandbox app: the first request for ``operation`` is processed, then its answer is lost (502)."""

    def __init__(self, app: t.Any, operation: str) -> None:
        self.app = app
        self.operation = operation
        self.lost = 0

    async def __call__(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)

        async def replay() -> dict[str, t.Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        if self.lost or f"operation={self.operation}".encode() not in body:
            await self.app(scope, replay, send)
            return

        async def swallow(message: dict[str, t.Any]) -> None:
            return None

        await self.app(scope, replay, swallow)
        self.lost += 1
        await send({"type": "http.response.start", "status": 502, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": b"<h1>Bad Gateway</h1>"})


@pytest.fixture
def vtiger_lossy(vtiger_state: t.Any, vtiger_connect: t.Any) -> t.Callable[[str], tuple[t.Any, LoseAnswer]]:
    def build(operation: str) -> tuple[t.Any, LoseAnswer]:
        app = LoseAnswer(create_app(vtiger_state), operation)
        return vtiger_connect(http=TestClient(app, base_url="http://vtiger.test")), app

    return build


def test_a_create_whose_answer_was_lost_finds_the_record_it_made_by_its_name_and_is_not_sent_again(
    vtiger_lossy, vtiger_state
):
    client, app = vtiger_lossy("create")
    made = client.create("Accounts", {"accountname": "Only Once Pty Ltd"})
    assert app.lost == 1
    assert [(f"11x{r.crmid}", r.values["accountname"]) for r in vtiger_state.entities.values()] == [
        (made["id"], "Only Once Pty Ltd")
    ]
    assert made["accountname"] == "Only Once Pty Ltd"


def test_a_create_whose_answer_was_lost_and_that_nothing_finds_is_not_sent_again(vtiger_lossy, vtiger_state):
    client, app = vtiger_lossy("create")
    # The company details carry no marker to find them by: the outcome stays unknown for this run.
    with pytest.raises(WriteOutcomeUnknownError, match="not sent again"):
        client.create("CompanyDetails", {"organizationname": "Only Once Pty Ltd"})
    assert app.lost == 1


def test_a_create_refused_with_503_is_sent_again_and_made_once(vtiger_client, vtiger_faults, vtiger_state):
    vtiger_client.login()
    vtiger_faults.set(webservice_fault(error_rate=1.0, error_status=503, method="POST"))
    attempts = {"n": 0}

    def heal(_: float) -> None:
        attempts["n"] += 1
        vtiger_faults.clear()

    vtiger_client.retry = RetryPolicy(attempts=3, sleep=heal)
    vtiger_client.create("Accounts", {"accountname": "Second Try Pty Ltd"})
    assert attempts["n"] == 1
    assert [r.values["accountname"] for r in vtiger_state.entities.values()] == ["Second Try Pty Ltd"]


def test_a_delete_whose_answer_was_lost_counts_as_done_when_resent(vtiger_lossy, vtiger_add, vtiger_state):
    target = vtiger_add("Accounts", {"accountname": "Doomed Pty Ltd"})
    client, app = vtiger_lossy("delete")
    client.delete(target["id"])
    assert app.lost == 1
    assert all(r.deleted for r in vtiger_state.entities.values())


def test_deleting_a_record_that_is_not_there_is_still_an_error(vtiger_client):
    with pytest.raises(AccessDeniedError):
        vtiger_client.delete("11x999999")
