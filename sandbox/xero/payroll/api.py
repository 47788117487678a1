"""The payroll front door: ``/payroll.xro/1.0/{Collection}[/{key}]``, AU or US by the organisation's country.

A call passes the accounting API's gate first (bearer token 401, tenant 403,
the same per-tenant rate limits 429; see ``sandbox.xero.api.serve_call``),
then payroll's, in this order:

1. the organisation's country has no payroll API (not AU, not US): 403;
2. no such collection in that country (WorkLocations in AU, LeaveApplications
   in the US) 404, or not with that verb 405;
3. the token lacks the collection's payroll scope (read scopes for a GET,
   write scopes for a POST): 401 AuthorizationUnsuccessful;
4. payroll not set up for the organisation (``book.payroll_enabled`` False):
   a list answers empty, a GET by id 404, a write 400 ValidationException.

Writes are POST with a bare JSON array (a bare object or ``{"<Collection>":
[...]}`` are taken too); ``POST /{Collection}/{id}`` updates one record. A
write succeeds or fails as a whole: one bad element answers 400
``{"ErrorNumber": 10, "Type": "ValidationException", "Message": ...}`` with the
bad elements and their ValidationErrors, and changes nothing.
``Idempotency-Key`` replays a write's first answer, as in accounting.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.xero.api import MAX_BODY_BYTES, MAX_IDEMPOTENCY_KEY, Call, serve_call
from sandbox.xero.dates import parse_if_modified_since, to_envelope_msdate
from sandbox.xero.errors import (
    VALIDATION_ERROR_NUMBER,
    Invalid,
    XeroError,
    bad_body,
    method_not_allowed,
    not_found,
    problem,
    unauthorized,
)
from sandbox.xero.limits import RateLimiter
from sandbox.xero.payroll.au import LeaveApplications, Settings
from sandbox.xero.payroll.base import Ctx, Kind, ListQuery
from sandbox.xero.payroll.catalogue import COUNTRIES, GET, LIST, POST, POST_ID, Country, country_of
from sandbox.xero.payroll.employees import Employees
from sandbox.xero.payroll.payitems import PayItems
from sandbox.xero.payroll.payruns import PayRuns
from sandbox.xero.payroll.schedules import Calendars
from sandbox.xero.payroll.timesheets import Timesheets
from sandbox.xero.payroll.us import WorkLocations
from sandbox.xero.store import IDEMPOTENCY_TTL, IdempotentAnswer, XeroState
from sandbox.xero.wire import dumps, loads

PAYROLL_ROOT = "/payroll.xro/1.0"
NOT_AVAILABLE = "Payroll is not available for this organisation's country"
NOT_SET_UP = "Payroll is not set up for this organisation"

Answer = tuple[int, object, dict[str, str]]

_KINDS: dict[str, type[Kind]] = {
    "Employees": Employees,
    "PayItems": PayItems,
    "PayrollCalendars": Calendars,
    "PaySchedules": Calendars,
    "PayRuns": PayRuns,
    "Payslip": Kind,
    "Timesheets": Timesheets,
    "LeaveApplications": LeaveApplications,
    "Settings": Settings,
    "WorkLocations": WorkLocations,
}


def build_kinds(country: Country) -> dict[str, Kind]:
    """Every collection a country's payroll API serves, by lower-case name."""
    return {c.name.lower(): _KINDS[c.name](c) for c in country.collections}


def validation_error(
    message: str, key: str | None = None, failures: list[tuple[Any, list[str]]] | None = None
) -> XeroError:
    """400 ValidationException: ``message``, and the refused elements with their ValidationErrors."""
    body: dict[str, Any] = {"ErrorNumber": VALIDATION_ERROR_NUMBER, "Type": "ValidationException", "Message": message}
    if key is not None and failures:
        body[key] = [
            {**element, "ValidationErrors": [{"Message": m} for m in messages]} for element, messages in failures
        ]
    return XeroError(400, body)


class PayrollAPI:
    """Serves Payroll AU and the US payroll API for every organisation in the state."""

    def __init__(self, state: XeroState, limiter: RateLimiter) -> None:
        self.state = state
        self.limiter = limiter
        self.kinds = {code: build_kinds(country) for code, country in COUNTRIES.items()}

    async def collection(self, request: Request) -> Response:
        """``/payroll.xro/1.0/{collection}``."""
        return await serve_call(
            self.state, self.limiter, request, request.path_params["collection"], None, self._dispatch
        )

    async def record(self, request: Request) -> Response:
        """``/payroll.xro/1.0/{collection}/{key}``."""
        collection, key = request.path_params["collection"], request.path_params["key"]
        return await serve_call(self.state, self.limiter, request, collection, key, self._dispatch)

    def _dispatch(self, call: Call) -> Answer:
        country = country_of(call.book.country)
        if country is None:
            raise XeroError(403, problem(403, "Forbidden", NOT_AVAILABLE))
        kind = self.kinds[country.code].get(call.collection.lower())
        if kind is None:
            raise not_found()
        verb = {("GET", False): LIST, ("GET", True): GET, ("POST", False): POST, ("POST", True): POST_ID}.get(
            (call.method.upper(), call.key is not None)
        )
        if verb is None or verb not in kind.collection.methods:
            raise method_not_allowed()
        reading = verb in {LIST, GET}
        if not call.token.grant.scopes & (kind.collection.read_scopes if reading else kind.collection.write_scopes):
            raise unauthorized("AuthorizationUnsuccessful")
        with self.state.lock:
            ctx = Ctx(call.book, country, self.state.clock.now())
            if verb == LIST:
                return 200, self._list(kind, ctx, call), {}
            if verb == GET:
                return 200, self._get(kind, ctx, call), {}
            return self._write(kind, ctx, call, verb)

    def _envelope(self, ctx: Ctx, call: Call, key: str, value: object) -> dict[str, Any]:
        return {
            "Id": str(uuid.uuid4()),
            "Status": "OK",
            "ProviderName": self.state.auth.app_name(call.token.grant.client_id),
            "DateTimeUTC": to_envelope_msdate(ctx.now),
            key: value,
        }

    def _list(self, kind: Kind, ctx: Ctx, call: Call) -> dict[str, Any]:
        if not ctx.book.payroll_enabled:
            return self._envelope(ctx, call, kind.collection.name, kind.empty(ctx))
        query = ListQuery(call.params, parse_if_modified_since(call.headers.get("if-modified-since")))
        return self._envelope(ctx, call, kind.collection.name, kind.listing(ctx, query))

    def _get(self, kind: Kind, ctx: Ctx, call: Call) -> dict[str, Any]:
        record = kind.find(ctx, call.key or "") if ctx.book.payroll_enabled else None
        if record is None:
            raise not_found()
        shown = kind.view(ctx, record, single=True)
        single = kind.collection.single_key
        return self._envelope(ctx, call, single or kind.collection.name, shown if single else [shown])

    def _write(self, kind: Kind, ctx: Ctx, call: Call, verb: str) -> Answer:
        if not ctx.book.payroll_enabled:
            raise validation_error(NOT_SET_UP)
        if len(call.body) > MAX_BODY_BYTES:
            raise XeroError(413, problem(413, "Request Entity Too Large", "The request body exceeds 3.5 MB"))
        if verb == POST_ID and kind.find(ctx, call.key or "") is None:
            raise not_found()
        idempotency_key = call.headers.get("idempotency-key")
        slot = ("payroll", f"{kind.collection.name}/{call.key or ''}".lower(), idempotency_key or "")
        if idempotency_key is not None:
            if len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
                raise bad_body(f"Idempotency-Key must be at most {MAX_IDEMPOTENCY_KEY} characters")
            replay = ctx.book.idempotency.get(slot)
            if replay is not None and ctx.now - replay.at < IDEMPOTENCY_TTL:
                return replay.status, replay.body, {"Idempotent-Replayed": "true"}
        parsed = loads(call.body)
        name = kind.collection.name
        with ctx.payroll.transaction():
            if isinstance(kind, PayItems):
                try:
                    value: object = kind.write_object(ctx, parsed)
                except Invalid as exc:
                    raise validation_error("; ".join(exc.messages)) from exc
            else:
                value = self._write_elements(kind, ctx, _elements(parsed, name), call.key)
        body = self._envelope(ctx, call, name, value)
        if idempotency_key is not None:
            ctx.book.idempotency[slot] = IdempotentAnswer(ctx.now, 200, dumps(body))
        return 200, body, {}

    def _write_elements(self, kind: Kind, ctx: Ctx, elements: list[dict[str, Any]], key: str | None) -> list[Any]:
        if key is not None and len(elements) != 1:
            raise bad_body(f"POST {kind.collection.name}/{{id}} takes one element")
        written: list[Any] = []
        failures: list[tuple[Any, list[str]]] = []
        for element in elements:
            try:
                written.append(kind.view(ctx, kind.write(ctx, element, key), single=True))
            except Invalid as exc:
                failures.append((element, exc.messages))
        if failures:
            # Raised inside the transaction: every element written before is undone.
            message = "; ".join(m for _, messages in failures for m in messages)
            raise validation_error(message, kind.collection.name, failures)
        return written


def _elements(body: Any, key: str) -> list[dict[str, Any]]:
    """A write body's elements: a bare array (payroll's way), one bare object, or ``{"<key>": [...]}``."""
    if isinstance(body, dict):
        body = body.get(key, [body])
    if not isinstance(body, list) or not body or not all(isinstance(e, dict) for e in body):
        raise bad_body(f"Expected a JSON array of {key}")
    return body
