"""Writes that must not happen twice, when the app's answer may be lost.

The worst write fault: the app applied the write, then its answer never
arrived (the connection dropped mid-answer, a gateway answered 504 after the
fact). A create sent again then makes a second record. Apps with an
idempotency key (Xero's ``Idempotency-Key``) or an upsert by our external id
(Salesforce) make a resend harmless; for the rest, ``send_once`` looks for
what the first send made, by a marker we wrote with it (the natural key, an
external id), before it sends again::

    send_once(send, find, retry, what="vTiger create Accounts")

``send`` makes one attempt (no retries of its own). After a failure that
surely happened before the app saw the request (connection refused, 429,
503), it is sent again at once. After any other failure, ``find`` runs before
the next attempt: what it returns is the write's answer; None means the write
did not happen, and it is sent again. With no ``find``, such a write is not
sent again: ``WriteOutcomeUnknownError``, and the next run reads the app and
matches the record instead of creating it twice.
"""

from __future__ import annotations

import typing as t
from http import HTTPStatus

import httpx

from connectors.base.errors import FatalError, RateLimitError, RetriableError
from connectors.base.retry import RetryPolicy

__all__ = ["WriteOutcomeUnknownError", "not_sent", "send_once"]

T = t.TypeVar("T")

# Failures after which a request surely did not reach the app, so sending it again cannot apply it twice.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class WriteOutcomeUnknownError(FatalError):
    """A write failed in a way that may have followed its effect, and cannot be safely sent again now.

    The next run reads the app first and matches the record instead of creating a second.
    """


def not_sent(error: RetriableError) -> bool:
    """Whether a failed request surely never reached the app (so a resend cannot apply it twice)."""
    return (
        isinstance(error, RateLimitError)
        or error.status == HTTPStatus.SERVICE_UNAVAILABLE
        or isinstance(error.__cause__, _NOT_SENT)
    )


def send_once(
    send: t.Callable[[], T],
    find: t.Callable[[], T | None] | None,
    retry: RetryPolicy,
    *,
    what: str,
) -> T:
    """Send a write a resend would apply twice; after a lost answer, ``find`` what it made before sending again.

    ``what`` names the write in the error raised when its outcome stays unknown.
    """
    lost: list[RetriableError] = []

    def attempt() -> T:
        if lost and find is not None:
            found = find()
            if found is not None:
                return found
        try:
            return send()
        except RetriableError as error:
            if not_sent(error):
                raise
            lost.append(error)
            if find is None:
                raise _unknown(what, error, looked=False) from error
            raise  # the next attempt looks for the record first

    try:
        return retry.call(attempt)
    except RetriableError as error:
        if lost:
            raise _unknown(what, error, looked=True) from error
        raise


def _unknown(what: str, error: RetriableError, *, looked: bool) -> WriteOutcomeUnknownError:
    why = "and what it made was not found" if looked else "and is not sent again (nothing finds what it made)"
    return WriteOutcomeUnknownError(f"{what}: {error}; the write may have been applied, {why}", status=error.status)
