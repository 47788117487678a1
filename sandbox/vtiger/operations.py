"""The operations of ``/webservice.php`` and the dispatch webservice.php does around them.

Each operation is declared with its HTTP verb and whether it works before login,
as vtiger_ws_operation declares them. As on the real server, an operation reads its
parameters from the query string if it is a GET operation and from the form body if
it is a POST one (``operation`` and ``sessionName`` may come from either), so a
``query`` sent as a POST form finds no query.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sandbox.vtiger import auth, records
from sandbox.vtiger.errors import DENIED, UNKNOWN_ERROR, ErrorCode, VtigerError
from sandbox.vtiger.modules import describe, listtypes, module_by_name_ci
from sandbox.vtiger.query import execute, parse
from sandbox.vtiger.state import User, VtigerState
from sandbox.vtiger.sync import sync

log = logging.getLogger(__name__)

Params = Mapping[str, str]


@dataclass(frozen=True)
class Call:
    """One request as an operation sees it."""

    state: VtigerState
    user: User | None
    params: Params
    http_method: str
    session_name: str

    @property
    def caller(self) -> User:
        """The logged-in user (operations past login always have one)."""
        assert self.user is not None
        return self.user


@dataclass(frozen=True)
class Operation:
    """An entry of vtiger_ws_operation."""

    method: str
    prelogin: bool
    handler: Callable[[Call], object]


def _element(call: Call) -> dict[str, object]:
    """The ``element`` parameter decoded; undecodable JSON fails as Zend_Json's decoder makes it fail."""
    try:
        value = json.loads(call.params.get("element", ""))
    except ValueError:
        raise VtigerError(ErrorCode.INTERNAL_SERVER_ERROR, UNKNOWN_ERROR) from None
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        return {}
    raise VtigerError(ErrorCode.INTERNAL_SERVER_ERROR, UNKNOWN_ERROR)


def _logout(call: Call) -> object:
    if call.http_method != "POST":
        raise VtigerError(ErrorCode.OPERATION_NOT_SUPPORTED, DENIED)
    return auth.logout(call.state, call.session_name)


def _listtypes(call: Call) -> object:
    raw = call.params.get("fieldTypeList", "")
    try:
        wanted = json.loads(raw) if raw else None
    except ValueError:
        wanted = None
    return listtypes([str(t) for t in wanted] if isinstance(wanted, list) else None)


def _describe(call: Call) -> object:
    name = call.params.get("elementType", "")
    module = module_by_name_ci(name)
    if module.name != name:
        raise VtigerError(ErrorCode.ACCESS_DENIED, DENIED)
    return describe(module)


def _query(call: Call) -> object:
    module, query = parse(call.params.get("query", ""))
    with call.state.lock:
        if module.is_entity:
            ids = [r.crmid for r in call.state.live(module.name)]
        else:
            ids = sorted(call.state.actors[module.name])
        rows = [records.flat_row(call.state, module, row_id) for row_id in ids]
    return execute(module, query, rows)


OPERATIONS: dict[str, Operation] = {
    "getchallenge": Operation("GET", True, lambda c: auth.getchallenge(c.state, c.params.get("username", ""))),
    "login": Operation(
        "POST", True, lambda c: auth.login(c.state, c.params.get("username", ""), c.params.get("accessKey", ""))
    ),
    "logout": Operation("POST", False, _logout),
    "listtypes": Operation("GET", False, _listtypes),
    "describe": Operation("GET", False, _describe),
    "create": Operation(
        "POST", False, lambda c: records.create(c.state, c.caller, c.params.get("elementType", ""), _element(c))
    ),
    "retrieve": Operation("GET", False, lambda c: records.retrieve(c.state, c.params.get("id", ""))),
    "update": Operation("POST", False, lambda c: records.update(c.state, c.caller, _element(c))),
    "revise": Operation("POST", False, lambda c: records.revise(c.state, c.caller, _element(c))),
    "delete": Operation("POST", False, lambda c: records.delete(c.state, c.caller, c.params.get("id", ""))),
    "query": Operation("GET", False, _query),
    "sync": Operation(
        "GET",
        False,
        lambda c: sync(
            c.state,
            c.caller,
            c.params.get("modifiedTime", ""),
            c.params.get("elementType", ""),
            c.params.get("syncType", ""),
        ),
    ),
}


def dispatch(state: VtigerState, http_method: str, get: Params, post: Params) -> dict[str, object]:
    """Run one request and give the envelope vTiger answers (always sent with HTTP 200)."""
    request = {**get, **post}
    try:
        operation = OPERATIONS.get(request.get("operation", "").lower())
        if operation is None:
            raise VtigerError(ErrorCode.UNKNOWN_OPERATION, "Unknown operation requested")
        session_name = request.get("sessionName", "")
        if session_name.lower() == "null":
            session_name = ""
        user: User | None = None
        if session_name:
            user = auth.check_session(state, session_name)
        elif not operation.prelogin:
            # vTiger's spelling.
            raise VtigerError(ErrorCode.AUTHENTICATION_REQUIRED, "Authencation required")
        params = get if operation.method == "GET" else post
        result = operation.handler(Call(state, user, params, http_method.upper(), session_name))
        return {"success": True, "result": result}
    except VtigerError as error:
        return error.envelope()
    except Exception:
        # webservice.php turns any other failure into this; log it so emulator bugs stay visible.
        log.exception("vtiger emulator: unexpected failure")
        return VtigerError(ErrorCode.INTERNAL_SERVER_ERROR, UNKNOWN_ERROR).envelope()
