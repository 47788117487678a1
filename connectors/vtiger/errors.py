"""vTiger's error envelope, classified into the connector layer's error classes.

vTiger answers failures with HTTP 200 and ``{"success": false, "error": {"code",
"message"}}``, so every answer is checked for ``success``. The vTiger code stays
on the exception (``.code``)::

    ConnectorError
     ├── RetriableError                   5xx pages (Apache's HTML)
     │    └── MalformedResponseError       a 200 without the JSON envelope (cut short, a proxy's page, empty)
     └── FatalError
          ├── VtigerError                 any vTiger code, ``.code`` kept
          │    ├── AccessDeniedError         ACCESS_DENIED
          │    ├── MandatoryFieldsMissingError  MANDATORY_FIELDS_MISSING
          │    ├── QuerySyntaxError          QUERY_SYNTAX_ERROR
          │    ├── InvalidIdError            INVALID_ID_ATTRIBUTE
          │    ├── RecordNotFoundError       RECORD_NOT_FOUND
          │    ├── ReferenceInvalidError     REFERENCE_INVALID
          │    ├── UnknownOperationError     UNKNOWN_OPERATION, OPERATION_NOT_SUPPORTED
          │    ├── DatabaseQueryError        DATABASE_QUERY_ERROR (a value the database refused)
          │    └── InternalServerError       INTERNAL_SERVER_ERROR (an envelope, not a 5xx)
          ├── WriteOutcomeUnknownError    a create whose answer was lost and whose record was not found
          │                               (``connectors.base.writes``)
          └── AuthError
               └── VtigerAuthError        INVALID_USER_CREDENTIALS, INVALID_AUTH_TOKEN, AUTHENTICATION_REQUIRED
                    └── SessionError      INVALID_SESSIONID, SESSION_EXPIRED, SESSION_LEFT_IDLE
                                          (handled by logging in again; raised only if that did not help)
"""

from __future__ import annotations

import typing as t
from http import HTTPStatus

import httpx

from connectors.base.bodies import json_body, json_kind
from connectors.base.errors import AuthError, FatalError, MalformedResponseError, classify_response
from connectors.base.writes import WriteOutcomeUnknownError

__all__ = [
    "SESSION_CODES",
    "AccessDeniedError",
    "DatabaseQueryError",
    "InternalServerError",
    "InvalidIdError",
    "MandatoryFieldsMissingError",
    "QuerySyntaxError",
    "RecordNotFoundError",
    "ReferenceInvalidError",
    "SessionError",
    "UnknownOperationError",
    "VtigerAuthError",
    "VtigerError",
    "WriteOutcomeUnknownError",
    "check_vtiger_response",
    "error_for",
    "operation_of",
    "session_error_code",
    "webservice_call",
]

SESSION_CODES = frozenset({"INVALID_SESSIONID", "SESSION_EXPIRED", "SESSION_LEFT_IDLE"})
"""Codes that mean the session is gone (not the credentials): log in again and resend."""


class VtigerError(FatalError):
    """vTiger refused the request; ``code`` is vTiger's error code, ``vtiger_message`` its message."""

    def __init__(self, message: str, *, code: str, vtiger_message: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.vtiger_message = vtiger_message


class AccessDeniedError(VtigerError):
    """ACCESS_DENIED: an unknown module or column, a deleted record, or a right the user lacks."""


class MandatoryFieldsMissingError(VtigerError):
    """MANDATORY_FIELDS_MISSING: a mandatory field (or an inventory record's LineItems) is empty."""


class QuerySyntaxError(VtigerError):
    """QUERY_SYNTAX_ERROR: VTQL the parser does not accept."""


class InvalidIdError(VtigerError):
    """INVALID_ID_ATTRIBUTE: an id that is not ``<prefix>x<n>`` or names another module."""


class RecordNotFoundError(VtigerError):
    """RECORD_NOT_FOUND."""


class ReferenceInvalidError(VtigerError):
    """REFERENCE_INVALID: a reference field names a record of a module it cannot point at."""


class UnknownOperationError(VtigerError):
    """UNKNOWN_OPERATION or OPERATION_NOT_SUPPORTED."""


class DatabaseQueryError(VtigerError):
    """DATABASE_QUERY_ERROR: the database refused a value (a word in a number field) or the SQL."""


class InternalServerError(VtigerError):
    """INTERNAL_SERVER_ERROR in an envelope: vTiger could not process the request (e.g. undecodable JSON)."""


class VtigerAuthError(AuthError):
    """vTiger refused the credentials: check the username and access key."""

    def __init__(self, message: str, *, code: str, vtiger_message: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.vtiger_message = vtiger_message


class SessionError(VtigerAuthError):
    """The session died and logging in again did not bring it back."""


_BY_CODE: dict[str, type[VtigerError] | type[VtigerAuthError]] = {
    "ACCESS_DENIED": AccessDeniedError,
    "MANDATORY_FIELDS_MISSING": MandatoryFieldsMissingError,
    "QUERY_SYNTAX_ERROR": QuerySyntaxError,
    "INVALID_ID_ATTRIBUTE": InvalidIdError,
    "RECORD_NOT_FOUND": RecordNotFoundError,
    "REFERENCE_INVALID": ReferenceInvalidError,
    "UNKNOWN_OPERATION": UnknownOperationError,
    "OPERATION_NOT_SUPPORTED": UnknownOperationError,
    "DATABASE_QUERY_ERROR": DatabaseQueryError,
    "INTERNAL_SERVER_ERROR": InternalServerError,
    "INVALID_USER_CREDENTIALS": VtigerAuthError,
    "INVALID_AUTH_TOKEN": VtigerAuthError,
    "AUTHENTICATION_REQUIRED": VtigerAuthError,
    **dict.fromkeys(SESSION_CODES, SessionError),
}


def error_for(code: str, message: str, operation: str = "?") -> VtigerError | VtigerAuthError:
    """The exception for a vTiger error code (an unknown code is a plain ``VtigerError``)."""
    kind = _BY_CODE.get(code, VtigerError)
    return kind(f"vTiger {operation}: {code}: {message}", code=code, vtiger_message=message)


def operation_of(request: httpx.Request) -> str:
    """The ``operation`` a webservice request asks for (query string or form body)."""
    operation = request.url.params.get("operation")
    if operation is None and request.method == "POST":
        try:
            operation = httpx.QueryParams(request.content.decode("utf-8", "replace")).get("operation")
        except httpx.RequestNotRead:
            operation = None
    return str(operation or "?")


def webservice_call(request: httpx.Request) -> str:
    """A webservice request as errors name it: method, path and operation (``GET /webservice.php (query)``)."""
    return f"{request.method} {request.url.path} ({operation_of(request)})"


def _envelope(response: httpx.Response) -> dict[str, t.Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) and "success" in body else None


def session_error_code(response: httpx.Response) -> str | None:
    """The code of an answer saying the session is gone, or None for any other answer."""
    if response.status_code != HTTPStatus.OK:
        return None
    body = _envelope(response)
    if body is None or body.get("success") is not False:
        return None
    code = (body.get("error") or {}).get("code")
    return code if code in SESSION_CODES else None


def check_vtiger_response(response: httpx.Response) -> None:
    """Raise the right error for a failed answer; return quietly when ``success`` is true.

    HTTP failures are classified as everywhere else (a 5xx page is retriable);
    a 200 that is not vTiger's JSON envelope is retriable too (a proxy's page or
    an answer cut short); an envelope with ``success: false`` raises the class
    of its code.
    """
    classify_response(response)
    body = json_body(response)  # empty or not JSON: MalformedResponseError
    if not isinstance(body, dict) or "success" not in body:
        shown = "an object without 'success'" if isinstance(body, dict) else json_kind(body)
        raise MalformedResponseError(f"expected vTiger's envelope, got {shown}", status=response.status_code)
    operation = operation_of(response.request)
    if body["success"] is True:
        return
    error = body.get("error")
    error = error if isinstance(error, dict) else {}
    raise error_for(str(error.get("code") or "UNKNOWN"), str(error.get("message") or ""), operation)
