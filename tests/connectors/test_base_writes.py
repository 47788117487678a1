"""``send_once``: a write a resend would apply twice is sent again only when it surely did not happen."""

from __future__ import annotations

import httpx
import pytest

from connectors.base.errors import RateLimitError, RetriableError
from connectors.base.retry import RetryPolicy
from connectors.base.writes import WriteOutcomeUnknownError, not_sent, send_once

AT_ONCE = RetryPolicy(attempts=4, sleep=lambda _: None)


def _dropped() -> RetriableError:
    """What the client raises when the connection dropped mid-answer."""
    try:
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")
    except httpx.RemoteProtocolError as cause:
        error = RetriableError("POST /things: RemoteProtocolError")
        error.__cause__ = cause
        return error


def _refused_to_connect() -> RetriableError:
    try:
        raise httpx.ConnectError("connection refused")
    except httpx.ConnectError as cause:
        error = RetriableError("POST /things: ConnectError")
        error.__cause__ = cause
        return error


class App:
    """An app that applies each write it gets, and a script of what happens to the answers."""

    def __init__(self, *fates: RetriableError | None) -> None:
        self.fates = list(fates)
        self.made: list[str] = []
        self.looked = 0

    def send(self) -> str:
        fate = self.fates.pop(0) if self.fates else None
        if fate is not None and not not_sent(fate):
            self.made.append(f"r{len(self.made) + 1}")  # applied, then the answer was lost
        if fate is not None:
            raise fate
        self.made.append(f"r{len(self.made) + 1}")
        return self.made[-1]

    def find(self) -> str | None:
        self.looked += 1
        return self.made[-1] if self.made else None


def test_a_write_whose_answer_was_lost_is_found_by_its_marker_and_not_sent_again() -> None:
    app = App(_dropped())
    assert send_once(app.send, app.find, AT_ONCE, what="create") == "r1"
    assert (app.made, app.looked) == (["r1"], 1)


def test_a_write_that_surely_never_reached_the_app_is_sent_again_without_looking() -> None:
    app = App(_refused_to_connect(), RateLimitError("429", status=429), RetriableError("503", status=503))
    assert send_once(app.send, app.find, AT_ONCE, what="create") == "r1"
    assert (app.made, app.looked) == (["r1"], 0)


def test_a_write_not_found_after_an_unclear_failure_is_sent_again_and_made_once() -> None:
    made: list[str] = []
    looked: list[str | None] = []

    def send() -> str:
        if not looked:
            raise RetriableError("502 bad gateway", status=502)  # the gateway failed before the app saw it
        made.append("r1")
        return "r1"

    def find() -> str | None:
        looked.append(made[-1] if made else None)
        return looked[-1]

    assert send_once(send, find, AT_ONCE, what="create") == "r1"
    assert (made, looked) == (["r1"], [None])


def test_a_write_nothing_can_find_is_not_sent_again_after_a_lost_answer() -> None:
    app = App(_dropped())
    with pytest.raises(WriteOutcomeUnknownError, match="not sent again"):
        send_once(app.send, None, AT_ONCE, what="create CompanyDetails")
    assert app.made == ["r1"]


def test_a_write_whose_answers_keep_being_lost_and_is_never_found_ends_with_its_outcome_unknown() -> None:
    calls = {"sent": 0}

    def send() -> str:
        calls["sent"] += 1
        raise RetriableError("504 gateway timeout", status=504)

    with pytest.raises(WriteOutcomeUnknownError, match="create Accounts: 504 gateway timeout; the write may have"):
        send_once(send, lambda: None, AT_ONCE, what="create Accounts")
    assert calls["sent"] == AT_ONCE.attempts
