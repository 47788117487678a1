"""Xero's error envelopes, and the exceptions that carry them to the HTTP layer.

Xero answers in two shapes. The identity and gateway layers (401, 403, 404,
429, 5xx) use a problem document ``{Type, Title, Status, Detail, Instance,
Extensions}``; the Accounting API proper (400) uses ``{ErrorNumber, Type,
Message}``, plus ``Elements`` for validation errors.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

Record = dict[str, Any]

VALIDATION_ERROR_NUMBER = 10
POST_DATA_INVALID_NUMBER = 14
QUERY_PARSE_NUMBER = 16


def problem(status: int, title: str, detail: str) -> Record:
    """The gateway's problem document."""
    return {
        "Type": None,
        "Title": title,
        "Status": status,
        "Detail": detail,
        "Instance": str(uuid.uuid4()),
        "Extensions": {},
    }


def api_exception(number: int, kind: str, message: str) -> Record:
    """The Accounting API's own error body."""
    return {"ErrorNumber": number, "Type": kind, "Message": message}


def validation_exception(elements: Sequence[Record]) -> Record:
    """The 400 body of a write with ``summarizeErrors=true`` and at least one bad element."""
    return {
        "ErrorNumber": VALIDATION_ERROR_NUMBER,
        "Type": "ValidationException",
        "Message": "A validation exception occurred",
        "Elements": list(elements),
    }


class XeroError(Exception):
    """An answer other than success: status, JSON body and extra headers."""

    def __init__(self, status: int, body: Record, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}


class Invalid(Exception):  # noqa: N818 - reads as "raise Invalid(...)", like Xero's validation failure
    """One element failed Xero's rules; carries the ValidationErrors messages."""

    def __init__(self, *messages: str) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


def unauthorized(detail: str = "AuthenticationUnsuccessful") -> XeroError:
    """401: missing, unknown or expired access token (or a scope it lacks)."""
    headers = {"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{detail}"'}
    return XeroError(401, problem(401, "Unauthorized", detail), headers)


def forbidden(detail: str) -> XeroError:
    """403: the tenant header is missing, or names an organisation the token may not see."""
    return XeroError(403, problem(403, "Forbidden", detail))


def not_found() -> XeroError:
    """404: no such resource or record."""
    return XeroError(404, problem(404, "Not Found", "The resource you're looking for cannot be found"))


def method_not_allowed() -> XeroError:
    """405: the endpoint exists but not with this verb."""
    return XeroError(405, problem(405, "Method Not Allowed", "The requested method is not supported by this endpoint"))


def bad_body(message: str) -> XeroError:
    """400: the body is not JSON or not the shape this endpoint takes."""
    return XeroError(400, api_exception(POST_DATA_INVALID_NUMBER, "PostDataInvalidException", message))


def bad_query(message: str) -> XeroError:
    """400: a ``where``, ``order`` or paging parameter Xero cannot read."""
    return XeroError(400, api_exception(QUERY_PARSE_NUMBER, "QueryParseException", message))


def invalid_single(element: Record, messages: Sequence[str]) -> XeroError:
    """400 ValidationException for a one-element write."""
    echoed = {**element, "ValidationErrors": [{"Message": m} for m in messages]}
    return XeroError(400, validation_exception([echoed]))
