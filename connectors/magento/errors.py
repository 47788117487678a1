"""Magento's error answers, classified once, with their message templates filled in.

Magento answers ``{"message": "No such entity with %fieldName = %fieldValue",
"parameters": {"fieldName": "id", "fieldValue": 5}}`` (``parameters`` may be
a list for ``%1``-style templates). ``check_response`` fills the template so
the error reads as Magento meant it, then raises the class the status calls
for: 429 and 5xx (and 408) retriable, honouring ``Retry-After``; 401 an
``AuthError`` (the token or the admin user is refused: reconnect the store);
any other 4xx fatal. Messages pass through the shared redaction.
"""

from __future__ import annotations

import re
import typing as t
from http import HTTPStatus

import httpx

from connectors.base.errors import AuthError, FatalError, RateLimitError, RetriableError, retry_after_seconds

__all__ = ["check_response", "magento_message"]

_PLACEHOLDER = re.compile(r"%(\w+)")
_SHOWN = 300


def magento_message(body: t.Any) -> str | None:
    """The message of a Magento error body with its parameters filled in; None when the body is not one."""
    if not isinstance(body, dict) or not isinstance(body.get("message"), str):
        return None
    message: str = body["message"]
    parameters = body.get("parameters")
    if isinstance(parameters, list):
        values = {str(n): v for n, v in enumerate(parameters, start=1)}
    elif isinstance(parameters, dict):
        values = {str(k): v for k, v in parameters.items()}
    else:
        values = {}
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), message)


def check_response(response: httpx.Response) -> None:
    """Raise the right error for a failed Magento answer; return quietly for a success."""
    status = response.status_code
    if status < HTTPStatus.BAD_REQUEST:
        return
    try:
        detail = magento_message(response.json())
    except ValueError:
        detail = None
    if detail is None:
        detail = response.text[:_SHOWN]
    where = f"Magento {response.request.method} {response.request.url.path}"
    if status == HTTPStatus.TOO_MANY_REQUESTS:
        raise RateLimitError(f"{where}: {status} {detail}", status=status, retry_after=retry_after_seconds(response))
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR or status == HTTPStatus.REQUEST_TIMEOUT:
        raise RetriableError(f"{where}: {status} {detail}", status=status, retry_after=retry_after_seconds(response))
    if status == HTTPStatus.UNAUTHORIZED:
        raise AuthError(
            f"{where}: 401 {detail} (the access token or admin user is refused: reconnect the store)", status=status
        )
    raise FatalError(f"{where}: {status} {detail}", status=status)
