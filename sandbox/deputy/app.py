"""The ASGI app of one Deputy install: ``/api/v1/...`` relative to its root, behind token, budget and faults.

::

    GET  /api/v1/resource/{Object}            the first 500 records, by Id
    GET  /api/v1/resource/{Object}/INFO       fields, joins, count
    POST /api/v1/resource/{Object}/QUERY      search, sort, join, start/max (see ``query``)
    GET  /api/v1/resource/{Object}/{Id}       one record
    POST /api/v1/resource/{Object}            create
    POST /api/v1/resource/{Object}/{Id}       update
    POST /api/v1/supervise/timesheet/approve  {"intTimesheetId": n}

Every call needs ``Authorization: Bearer <token>`` (Deputy also takes
``OAuth <token>``); a missing or unknown token is 401. An unknown object is
404. Errors carry ``{"error": {"code", "message"}}`` (an unverified shape,
see ``errors``). With a per-minute budget set on the state, a call past it is
429 with ``Retry-After``. Injected faults and the ``Date`` header (from the
install's clock) wrap everything.
"""

from __future__ import annotations

import json
import math
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from sandbox.common.clock import Clock
from sandbox.common.date_header import DateHeaderMiddleware
from sandbox.common.faults import FaultMiddleware, FaultPlan
from sandbox.deputy import records
from sandbox.deputy.errors import DeputyError
from sandbox.deputy.objects import OBJECTS, DeputyObject
from sandbox.deputy.query import MAX_RECORDS, render, run_query
from sandbox.deputy.state import DeputyState

__all__ = ["API_ROOT", "create_app"]

API_ROOT = "/api/v1"

Handler = Callable[[Request], Awaitable[Any]]


class _Budget:
    """The install's calls-per-minute budget, over the clock's monotonic seconds."""

    def __init__(self, state: DeputyState) -> None:
        self.state = state
        self.calls: deque[float] = deque()

    def spend(self) -> None:
        """Count a call in, or refuse it with 429 and how long until one fits."""
        limit = self.state.per_minute
        if limit is None:
            return
        with self.state.lock:
            now = self.state.clock.monotonic()
            while self.calls and self.calls[0] <= now - 60:
                self.calls.popleft()
            if len(self.calls) >= limit:
                wait = max(1, math.ceil(self.calls[0] + 60 - now))
                raise DeputyError(429, "API rate limit exceeded, try again later", {"Retry-After": str(wait)})
            self.calls.append(now)


def _object(name: str) -> DeputyObject:
    obj = OBJECTS.get(name)
    if obj is None:
        raise DeputyError(404, f"Object {name} not found")
    return obj


async def _json(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise DeputyError(400, "The request body is not valid JSON") from None


def _record_id(key: str) -> int:
    if not key.isdigit():
        raise DeputyError(404, f"No such resource: {key}")
    return int(key)


def create_app(
    state: DeputyState | None = None, *, clock: Clock | None = None, faults: FaultPlan | None = None
) -> ASGIApp:
    """The emulator over ``state`` (an empty AU install if None; seed it with ``seed_sample``).

    ``clock``, when given, becomes the state's clock. ``faults`` can be changed
    while the app serves (tests flip them on and off).
    """
    if state is None:
        state = DeputyState(clock=clock)
    elif clock is not None:
        state.clock = clock
    install = state
    budget = _Budget(install)

    def guarded(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                _authorise(install, request.headers.get("authorization", ""))
                budget.spend()
                return JSONResponse(await handler(request))
            except DeputyError as error:
                return JSONResponse(error.body(), status_code=error.status, headers=error.headers)

        return endpoint

    async def listing(request: Request) -> Any:
        obj = _object(request.path_params["object"])
        with install.lock:
            return run_query(install.tables, obj, {"max": MAX_RECORDS}, install.tz)

    async def create(request: Request) -> Any:
        obj = _object(request.path_params["object"])
        body = await _json(request)
        with install.lock:
            return render(install.tables, obj, records.create(install, obj, body), [])

    async def read(request: Request) -> Any:
        obj = _object(request.path_params["object"])
        key = request.path_params["key"]
        with install.lock:
            if key == "INFO":
                return obj.info(len(install.tables[obj.name]))
            record = install.record(obj.name, _record_id(key))
            if record is None:
                raise DeputyError(404, f"{obj.name} {key} not found")
            return render(install.tables, obj, record, [])

    async def write(request: Request) -> Any:
        obj = _object(request.path_params["object"])
        key = request.path_params["key"]
        body = await _json(request)
        with install.lock:
            if key == "QUERY":
                return run_query(install.tables, obj, body, install.tz)
            if key == "INFO":
                raise DeputyError(405, "INFO is read with GET")
            return render(install.tables, obj, records.update(install, obj, _record_id(key), body), [])

    async def approve(request: Request) -> Any:
        body = await _json(request)
        with install.lock:
            return render(install.tables, OBJECTS["Timesheet"], records.approve_timesheet(install, body), [])

    resource = API_ROOT + "/resource/{object}"
    routes = [
        Route(resource, guarded(listing), methods=["GET"]),
        Route(resource, guarded(create), methods=["POST"]),
        Route(resource + "/{key}", guarded(read), methods=["GET"]),
        Route(resource + "/{key}", guarded(write), methods=["POST"]),
        Route(API_ROOT + "/supervise/timesheet/approve", guarded(approve), methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    return DateHeaderMiddleware(FaultMiddleware(app, faults if faults is not None else FaultPlan()), install.clock)


def _authorise(state: DeputyState, header: str) -> None:
    """Let a known token through (``Bearer`` or Deputy's older ``OAuth`` scheme); anything else is 401."""
    scheme, _, token = header.strip().partition(" ")
    if not header.strip():
        raise DeputyError(401, "Authorization required: send Authorization: Bearer <token>")
    if scheme.lower() not in ("bearer", "oauth") or token.strip() not in state.tokens:
        raise DeputyError(401, "The access token is invalid or has expired")
