"""The Accounting API's front door: ``/api.xro/2.0/{Collection}[/{key}]``.

Every call goes through the same gate, in Xero's order: a bearer token
(401 if missing, unknown or expired), the ``xero-tenant-id`` header (403 if
missing, unknown or not connected to the token), the rate limits (429),
the collection and verb (404, 405), the scope (401). Then the call runs in
a worker thread under the state lock, and its answer carries the
remaining-calls headers. Writes honour ``Idempotency-Key``: the same key on
the same endpoint of the same tenant replays the first answer verbatim.
Below a record, only ``/CreditNotes/{id}/Allocations`` is served (PUT to
allocate, DELETE ``…/Allocations/{AllocationID}`` to take one off).
``serve_call`` is the gate up to the rate limits; the payroll API
(``sandbox.xero.payroll.api``) goes through it too.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sandbox.xero import banking, contacts, invoicing, items, ledger, quotes, settings
from sandbox.xero.auth import AccessToken
from sandbox.xero.catalogue import DELETE, GET, LIST, POST, POST_ID, PUT
from sandbox.xero.dates import parse_if_modified_since
from sandbox.xero.documents import Documents
from sandbox.xero.errors import (
    Invalid,
    XeroError,
    bad_body,
    forbidden,
    invalid_single,
    method_not_allowed,
    not_found,
    problem,
    unauthorized,
)
from sandbox.xero.invoicing import CreditNoteAllocations
from sandbox.xero.limits import RateLimited, RateLimiter
from sandbox.xero.listing import ListQuery, list_journals, list_records
from sandbox.xero.resource import Resource, WriteContext
from sandbox.xero.store import IDEMPOTENCY_TTL, IdempotentAnswer, OrgBook, XeroState
from sandbox.xero.wire import dumps, elements, envelope, loads
from sandbox.xero.writes import run_batch

Record = dict[str, Any]

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 3_500_000
MAX_IDEMPOTENCY_KEY = 128
JSON = "application/json; charset=utf-8"


def build_resources() -> dict[str, Resource]:
    """Every collection the emulator serves, by lower-case name."""
    people = contacts.resources()
    docs = invoicing.resources(people[0])
    found: list[Resource] = [*settings.resources(), *people, *items.resources(), *docs, *quotes.resources(people[0])]
    found += ledger.resources()
    found += banking.resources(docs[0], docs[1])
    return {r.name.lower(): r for r in found}


@dataclass(frozen=True)
class Call:
    """One API call, read off the request before it goes to a worker thread."""

    method: str
    collection: str
    key: str | None
    params: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes
    token: AccessToken
    book: OrgBook


def json_response(status: int, body: object, headers: Mapping[str, str] | None = None) -> Response:
    """A JSON answer (a 204 has no body)."""
    extra = {"Xero-Correlation-Id": str(uuid.uuid4()), **(headers or {})}
    if status == 204:
        return Response(status_code=204, headers=extra)
    content = body if isinstance(body, bytes) else dumps(body)
    return Response(content, status_code=status, media_type=JSON, headers=extra)


Dispatch = Callable[[Call], tuple[int, object, dict[str, str]]]


def authenticate(state: XeroState, request: Request) -> AccessToken:
    """The request's bearer token, or the 401 Xero gives for a missing, unknown or expired one."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized()
    held, reason = state.auth.access(token.strip())
    if held is None:
        raise unauthorized(reason)
    return held


def tenant_of(state: XeroState, request: Request, token: AccessToken) -> OrgBook:
    """The organisation the ``xero-tenant-id`` header names, or 403 when it is missing or not the token's."""
    # Starlette's headers are case-insensitive: xero-tenant-id, Xero-Tenant-Id, XERO-TENANT-ID all match.
    tenant_id = request.headers.get("xero-tenant-id", "").strip()
    if not tenant_id:
        raise forbidden("AuthenticationUnsuccessful")
    book = state.org(tenant_id)
    if book is None or not state.auth.may_access(token, book.tenant_id):
        raise forbidden("AuthorizationUnsuccessful")
    return book


async def serve_call(
    state: XeroState, limiter: RateLimiter, request: Request, collection: str, key: str | None, dispatch: Dispatch
) -> Response:
    """The gate every API (accounting, payroll) shares: token, tenant, rate limits, then ``dispatch``.

    ``dispatch`` runs in a worker thread; its answer (or XeroError) gets the
    correlation id and the remaining-calls headers, and an unexpected failure
    becomes Xero's 500.
    """
    try:
        token = authenticate(state, request)
        book = tenant_of(state, request, token)
        admission = limiter.acquire(token.grant.client_id, book.tenant_id)
    except XeroError as exc:
        return json_response(exc.status, exc.body, exc.headers)
    except RateLimited as exc:
        refusal = problem(429, "Too Many Requests", f"Rate limit exceeded: {exc.problem}")
        headers = {**exc.remaining, "Retry-After": str(exc.retry_after), "X-Rate-Limit-Problem": exc.problem}
        return json_response(429, refusal, headers)
    status: int
    body: object
    extra: dict[str, str]
    try:
        raw = await request.body()
        call = Call(
            request.method, collection, key, dict(request.query_params), dict(request.headers), raw, token, book
        )
        status, body, extra = await run_in_threadpool(dispatch, call)
    except XeroError as exc:
        status, body, extra = exc.status, exc.body, dict(exc.headers)
    except Exception:
        # A fault of the emulator itself: answer as Xero's gateway would, and keep the traceback.
        log.exception("Xero emulator failed on %s %s", request.method, request.url.path)
        status, body, extra = 500, problem(500, "An error occurred", "An error occurred in Xero."), {}
    finally:
        limiter.release(admission)
    return json_response(status, body, {**extra, **admission.headers()})


class AccountingAPI:
    """Serves the Accounting API collections for every organisation in the state."""

    def __init__(self, state: XeroState, limiter: RateLimiter) -> None:
        self.state = state
        self.limiter = limiter
        self.resources = build_resources()
        documents = {r.name: r for r in self.resources.values() if isinstance(r, Documents)}
        self.allocations = CreditNoteAllocations(documents["Invoices"], documents["CreditNotes"])

    async def collection(self, request: Request) -> Response:
        """``/api.xro/2.0/{collection}``."""
        return await self._serve(request, request.path_params["collection"], None)

    async def record(self, request: Request) -> Response:
        """``/api.xro/2.0/{collection}/{key}``."""
        return await self._serve(request, request.path_params["collection"], request.path_params["key"])

    async def below_record(self, request: Request) -> Response:
        """``/api.xro/2.0/{collection}/{key}/{part}[/{part_key}]``: a credit note's allocations."""
        params = request.path_params
        dispatch = partial(self._dispatch_below, params["part"], params.get("part_key"))
        return await serve_call(self.state, self.limiter, request, params["collection"], params["key"], dispatch)

    async def _serve(self, request: Request, collection: str, key: str | None) -> Response:
        return await serve_call(self.state, self.limiter, request, collection, key, self._dispatch)

    def _dispatch_below(self, part: str, part_key: str | None, call: Call) -> tuple[int, object, dict[str, str]]:
        owner = self.resources.get(call.collection.lower())
        if owner is None or owner is not self.allocations.credit_notes or part.lower() != "allocations":
            raise not_found()
        verb = (call.method.upper(), part_key is not None)
        if verb not in {("PUT", False), ("DELETE", True)}:
            raise method_not_allowed()
        if not call.token.grant.scopes & owner.endpoint.write_scopes:
            raise unauthorized("AuthorizationUnsuccessful")
        with self.state.lock:
            note = owner.find(call.book, call.key or "")
            if note is None:
                raise not_found()
            if part_key is None:
                # The credit note's id rides in the write context's path key, as for POST /X/{id}.
                noted = Call(call.method, call.collection, note["CreditNoteID"], call.params, call.headers, call.body,
                             call.token, call.book)  # fmt: skip
                return self._write(self.allocations, noted, PUT)
            return self._delete_allocation(note, part_key, call)

    def _delete_allocation(self, note: Record, allocation_id: str, call: Call) -> tuple[int, object, dict[str, str]]:
        record = self.allocations.find(call.book, allocation_id)
        if record is None or record["_credit_note"] != note["CreditNoteID"]:
            raise not_found()
        ctx = self._context(call, DELETE)
        try:
            with call.book.transaction():
                removed = self.allocations.delete(call.book, record, ctx)
        except Invalid as exc:
            raise invalid_single(self.allocations.view(call.book, record), exc.messages) from exc
        # The spec answers with the bare Allocation, flagged IsDeleted.
        shown = self.allocations.view(call.book, removed or record)
        return 200, {**shown, "IsDeleted": True}, {}

    def _dispatch(self, call: Call) -> tuple[int, object, dict[str, str]]:
        resource = self.resources.get(call.collection.lower())
        if resource is None:
            raise not_found()
        verb = _verb(call.method, call.key)
        endpoint = resource.endpoint
        if verb is None or verb not in endpoint.methods:
            raise method_not_allowed()
        scopes = endpoint.read_scopes if verb in {LIST, GET} else endpoint.write_scopes
        if not call.token.grant.scopes & scopes:
            raise unauthorized("AuthorizationUnsuccessful")
        with self.state.lock:
            if verb == LIST:
                return 200, self._list(resource, call), {}
            if verb == GET:
                return 200, self._get(resource, call), {}
            if verb == DELETE:
                return self._delete(resource, call)
            return self._write(resource, call, verb)

    def _provider(self, call: Call) -> str:
        return self.state.auth.app_name(call.token.grant.client_id)

    def _list(self, resource: Resource, call: Call) -> Record:
        since = parse_if_modified_since(call.headers.get("if-modified-since"))
        query = ListQuery(call.params, since, call.token.grant.client_id)
        pagination = None
        if isinstance(resource, ledger.Journals):
            found = list_journals(resource, call.book, query)
        else:
            found, pagination = list_records(resource, call.book, query)
        return envelope(
            resource.endpoint.key,
            found,
            now=self.state.clock.now(),
            provider=self._provider(call),
            pagination=pagination,
        )

    def _get(self, resource: Resource, call: Call) -> Record:
        record = resource.find(call.book, call.key or "")
        if record is None:
            raise not_found()
        return envelope(
            resource.endpoint.key,
            [resource.view(call.book, record)],
            now=self.state.clock.now(),
            provider=self._provider(call),
            pagination=None,
        )

    def _context(self, call: Call, verb: str) -> WriteContext:
        unitdp = 4 if call.params.get("unitdp") == "4" else 2
        method = "PUT" if verb == PUT else "POST"
        return WriteContext(self.state.clock.now(), call.token.grant.client_id, method, call.key, unitdp)

    def _write(self, resource: Resource, call: Call, verb: str) -> tuple[int, object, dict[str, str]]:
        if len(call.body) > MAX_BODY_BYTES:
            raise XeroError(413, problem(413, "Request Entity Too Large", "The request body exceeds 3.5 MB"))
        idempotency_key = call.headers.get("idempotency-key")
        slot = (verb, f"{resource.name}/{call.key or ''}".lower(), idempotency_key or "")
        if idempotency_key is not None:
            if len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
                raise bad_body(f"Idempotency-Key must be at most {MAX_IDEMPOTENCY_KEY} characters")
            replay = call.book.idempotency.get(slot)
            if replay is not None and self.state.clock.now() - replay.at < IDEMPOTENCY_TTL:
                return replay.status, replay.body, {"Idempotent-Replayed": "true"}
        parsed = loads(call.body)
        items_ = elements(parsed, resource.endpoint.key)
        ctx = self._context(call, verb)
        # A bare object (PUT /Accounts, POST /Payments, POST /X/{id}) is one element: its errors are a 400.
        single = verb == POST_ID or (isinstance(parsed, dict) and resource.endpoint.key not in parsed)
        summarize = call.params.get("summarizeErrors", "true").lower() != "false"
        if single and len(items_) != 1:
            raise bad_body(f"This endpoint takes one {resource.label()}")
        status, result = run_batch(call.book, resource, items_, ctx, summarize=summarize or single)
        body: object = result
        if status == 200 and isinstance(result, list):
            body = envelope(resource.endpoint.key, result, now=ctx.now, provider=self._provider(call), pagination=None)
        if idempotency_key is not None and status == 200:
            call.book.idempotency[slot] = IdempotentAnswer(ctx.now, status, dumps(body))
        return status, body, {}

    def _delete(self, resource: Resource, call: Call) -> tuple[int, object, dict[str, str]]:
        record = resource.find(call.book, call.key or "")
        if record is None:
            raise not_found()
        ctx = self._context(call, DELETE)
        try:
            with call.book.transaction():
                shown = resource.delete(call.book, record, ctx)
        except Invalid as exc:
            raise invalid_single(resource.view(call.book, record), exc.messages) from exc
        if shown is None:
            return 204, None, {}
        body = envelope(
            resource.endpoint.key, [resource.view(call.book, shown)], now=ctx.now, provider=self._provider(call),
            pagination=None,
        )  # fmt: skip
        return 200, body, {}


def _verb(method: str, key: str | None) -> str | None:
    table = {
        ("GET", False): LIST,
        ("GET", True): GET,
        ("PUT", False): PUT,
        ("POST", False): POST,
        ("POST", True): POST_ID,
        ("DELETE", True): DELETE,
    }
    return table.get((method.upper(), key is not None))
