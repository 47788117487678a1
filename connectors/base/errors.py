"""Errors, classified once: retriable (try again later) or fatal (do not).

::

    ConnectorError
     ├── RetriableError          timeouts, connection drops, 5xx
     │    ├── RateLimitError        429 (and vendors' own "slow down" answers), with retry_after
     │    └── MalformedResponseError  a 200 whose body is not the JSON expected (cut short, HTML,
     │                                empty, wrong shape): retried like a 503
     └── FatalError              4xx other than 429: the request itself is wrong
          └── AuthError          the connection is dead: the user must reconnect the app

Messages never carry secrets: URLs and bodies pass through ``redact_text``.
``RestClient`` names the request an error came from (``endpoint``: method and
path, no query string) and, once its retry policy gives up, how many times it
was sent (``attempts``).
"""

from __future__ import annotations

from http import HTTPStatus

import httpx

from datashare.redact import redact_text

__all__ = [
    "AuthError",
    "ConnectorError",
    "FatalError",
    "MalformedResponseError",
    "RateLimitError",
    "RetriableError",
    "classify_response",
    "retry_after_seconds",
]

_BODY_SHOWN = 500


class ConnectorError(Exception):
    """Something went wrong talking to an app."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(redact_text(message))
        self.status = status
        self.endpoint: str | None = None  # "GET /api.xro/2.0/Contacts", set by the client that sent it
        self.attempts = 0  # how often the request was sent, once a retry policy gave up on it


class RetriableError(ConnectorError):
    """A transient failure: the same request may succeed later."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class RateLimitError(RetriableError):
    """The app asked us to slow down."""


class MalformedResponseError(RetriableError):
    """A 200 whose body is not the JSON expected: cut short, a proxy's HTML page, empty, or of the wrong shape.

    Retried like a 503 (a proxy or the vendor's gateway garbled one answer);
    the message says what was wrong, and ``RestClient`` adds the app and the endpoint.
    """


class FatalError(ConnectorError):
    """The request is wrong; sending it again will not help."""


class AuthError(FatalError):
    """Credentials are refused or expired beyond refresh: reconnect the app."""


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The ``Retry-After`` header in seconds (HTTP dates are not used by our vendors), or None."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _describe(response: httpx.Response) -> str:
    body = response.text[:_BODY_SHOWN] if response.content else ""
    return f"{response.request.method} {response.request.url} -> {response.status_code}: {body}".strip()


def classify_response(response: httpx.Response) -> None:
    """Raise the right error for a failed response; return quietly for a success."""
    status = response.status_code
    if status < HTTPStatus.BAD_REQUEST:
        return
    if status == HTTPStatus.TOO_MANY_REQUESTS:
        raise RateLimitError(_describe(response), status=status, retry_after=retry_after_seconds(response))
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR or status == HTTPStatus.REQUEST_TIMEOUT:
        raise RetriableError(_describe(response), status=status, retry_after=retry_after_seconds(response))
    if status == HTTPStatus.UNAUTHORIZED:
        raise AuthError(_describe(response), status=status)
    raise FatalError(_describe(response), status=status)
