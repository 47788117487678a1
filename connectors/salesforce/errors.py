"""Salesforce's answers, classified once.

Salesforce errors come as a JSON array ``[{"message", "errorCode", "fields"}]``:

- 401 ``INVALID_SESSION_ID``: the session is over; ``SalesforceAuth`` refreshes
  once and resends, so a 401 that reaches here is an ``AuthError`` (reconnect);
- 403 ``REQUEST_LIMIT_EXCEEDED``: the org's daily API allowance is spent (not
  a 429): ``RequestLimitExceededError``, fatal for the whole run;
- 429, 408 and 5xx (and timeouts, in ``RestClient``): retriable;
- 400 ``INVALID_REPLICATION_DATE``: getDeleted's window is passed:
  ``DeletionsOutOfReachError`` (a full read is needed);
- 300: an upsert's external id matched several records;
- any other 4xx: ``FatalError`` with the array's codes and messages.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass
from http import HTTPStatus

import httpx

from connectors.base.errors import AuthError, FatalError, classify_response

__all__ = [
    "ApiUsage",
    "DeletionsOutOfReachError",
    "RequestLimitExceededError",
    "check_salesforce_response",
    "error_text",
    "parse_limit_info",
]

_USAGE = re.compile(r"api-usage=(\d+)/(\d+)")


class RequestLimitExceededError(FatalError):
    """The org has used its daily API requests: stop the run, retrying only burns what is left tomorrow."""


class DeletionsOutOfReachError(FatalError):
    """The cursor is older than getDeleted's window (15 days): only a full read can find the deletions."""


@dataclass(frozen=True)
class ApiUsage:
    """``Sforce-Limit-Info: api-usage=18/5000``: requests used in the last 24 hours, of the allowance."""

    used: int
    limit: int

    @property
    def remaining(self) -> int:
        """Requests left."""
        return max(0, self.limit - self.used)


def parse_limit_info(value: str | None) -> ApiUsage | None:
    """The api-usage part of a ``Sforce-Limit-Info`` header (``; api-bursts=…`` is ignored)."""
    if not value:
        return None
    found = _USAGE.search(value)
    return ApiUsage(int(found.group(1)), int(found.group(2))) if found else None


def _errors(response: httpx.Response) -> list[dict[str, t.Any]]:
    try:
        body = response.json()
    except ValueError:
        return []
    if isinstance(body, dict):
        body = [body]
    return [e for e in body if isinstance(e, dict)] if isinstance(body, list) else []


def error_text(errors: list[dict[str, t.Any]]) -> str:
    """``CODE: message (fields)`` for each error of an array (``errorCode`` or, in collections, ``statusCode``)."""
    parts = []
    for error in errors:
        code = error.get("errorCode") or error.get("statusCode") or error.get("error") or "ERROR"
        message = error.get("message") or error.get("error_description") or ""
        fields = error.get("fields") or []
        parts.append(f"{code}: {message}" + (f" ({', '.join(map(str, fields))})" if fields else ""))
    return "; ".join(parts)


def check_salesforce_response(response: httpx.Response) -> None:
    """Raise the right error for a failed Salesforce answer; return quietly for a success."""
    status = response.status_code
    if status == HTTPStatus.MULTIPLE_CHOICES:
        raise FatalError(f"{_where(response)}: the external id matched several records", status=status)
    if status < HTTPStatus.BAD_REQUEST:
        return
    errors = _errors(response)
    codes = {str(e.get("errorCode")) for e in errors}
    if status == HTTPStatus.FORBIDDEN and "REQUEST_LIMIT_EXCEEDED" in codes:
        usage = parse_limit_info(response.headers.get("sforce-limit-info"))
        shown = f" ({usage.used}/{usage.limit} requests used)" if usage else ""
        raise RequestLimitExceededError(
            f"Salesforce: the org's daily API request limit is exceeded{shown}; "
            "the run stops here and can resume once Salesforce's 24-hour window frees requests",
            status=status,
        )
    if status == HTTPStatus.BAD_REQUEST and "INVALID_REPLICATION_DATE" in codes:
        raise DeletionsOutOfReachError(
            f"{_where(response)}: {error_text(errors)}; deletions that far back cannot be read: "
            "run a full re-import of this entity",
            status=status,
        )
    if status == HTTPStatus.TOO_MANY_REQUESTS or status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        classify_response(response)
    if status == HTTPStatus.REQUEST_TIMEOUT:
        classify_response(response)
    message = f"{_where(response)} -> {status}: {error_text(errors) or response.text[:300]}"
    if status == HTTPStatus.UNAUTHORIZED:
        raise AuthError(f"{message}; reconnect Salesforce", status=status)
    raise FatalError(message, status=status)


def _where(response: httpx.Response) -> str:
    request = response.request
    return f"Salesforce {request.method} {request.url.path}"
