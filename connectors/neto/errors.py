"""Neto's answers, checked once: HTTP status first, then the ``Ack`` of the envelope.

Neto refuses most requests with HTTP 200 and ``Ack: Error``; its
``Messages.Error`` (one object or a list) says why. The messages are
classified by what they say: a refused key or user is an ``AuthError`` (fatal:
reconnect the app), "try again later"/"too many requests" kinds are
retriable, anything else is fatal. ``Ack: Warning`` keeps the records and
logs the warnings. A 200 that is not JSON, or has no ``Ack``, is a ``MalformedResponseError``
(retried like a 503). HTTP 429 (past 500 calls a minute, then shut out for a
minute) is a ``RateLimitError`` that waits the minute unless the answer says
otherwise (Neto sends no ``Retry-After``).
"""

from __future__ import annotations

import logging
import re
import typing as t
from http import HTTPStatus

import httpx

from connectors.base.bodies import json_body, json_kind
from connectors.base.errors import (
    AuthError,
    FatalError,
    MalformedResponseError,
    RateLimitError,
    RetriableError,
    classify_response,
    retry_after_seconds,
)
from datashare.redact import redact_text

__all__ = ["SHUT_OUT_SECONDS", "check_response", "message_list", "neto_call"]

log = logging.getLogger("connectors.neto")

SHUT_OUT_SECONDS = 60.0
"""How long Neto refuses a key that went past its calls per minute."""

_AUTH = re.compile(r"authenticat|api ?key|unauthori[sz]ed|access denied|not authori[sz]ed|permission", re.I)
_RATE = re.compile(r"too many|rate limit|limit exceeded", re.I)
_TRANSIENT = re.compile(r"try again|temporar|unavailable|timed? ?out|busy|internal error", re.I)


def message_list(messages: t.Any, kind: str) -> list[str]:
    """The texts of ``Messages[kind]``, which Neto sends as one object or a list of them."""
    if not isinstance(messages, dict):
        return []
    found = messages.get(kind)
    items = found if isinstance(found, list) else [found] if found else []
    texts = []
    for item in items:
        if isinstance(item, dict):
            parts = [str(item.get(k, "")).strip() for k in ("Message", "Description")]
            texts.append(": ".join(dict.fromkeys(p for p in parts if p)))
        else:
            texts.append(str(item))
    return texts


def neto_call(request: httpx.Request) -> str:
    """A Neto request as errors name it: every call is one URL, the action says what it is."""
    return f"{request.method} {request.url.path} ({request.headers.get('netoapi_action', '?')})"


def check_response(response: httpx.Response) -> None:
    """Raise the right error for a refused call; log the warnings of an accepted one."""
    action = response.request.headers.get("netoapi_action", "?")
    if response.status_code == HTTPStatus.TOO_MANY_REQUESTS:
        wait = retry_after_seconds(response)
        raise RateLimitError(
            f"Neto {action}: 429, more than the calls a minute allowed",
            status=429,
            retry_after=wait if wait is not None else SHUT_OUT_SECONDS,
        )
    classify_response(response)
    body = json_body(response)  # cut short, a proxy's page, empty: MalformedResponseError, retried
    ack = body.get("Ack") if isinstance(body, dict) else None
    if ack == "Success":
        return
    if ack == "Warning":
        for text in message_list(body.get("Messages"), "Warning"):
            log.warning("Neto %s warned: %s", action, redact_text(text))
        return
    if ack != "Error":
        shown = "an object without one" if isinstance(body, dict) else json_kind(body)
        raise MalformedResponseError(f"expected an Ack in the answer, got {shown}", status=response.status_code)
    texts = message_list(body.get("Messages"), "Error") or ["no message"]
    said = redact_text(f"Neto {action}: " + "; ".join(texts))
    if any(_AUTH.search(text) for text in texts):
        raise AuthError(said, status=response.status_code)
    if any(_RATE.search(text) for text in texts):
        raise RateLimitError(said, status=response.status_code, retry_after=SHUT_OUT_SECONDS)
    if any(_TRANSIENT.search(text) for text in texts):
        raise RetriableError(said, status=response.status_code)
    raise FatalError(said, status=response.status_code)
