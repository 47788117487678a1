"""A rehearsal of an app's API: reads go to the app, writes are answered here and never sent.

A plan (``datashare plan``) runs the real sinks against the real apps with
one change: the HTTP transport under every client is a ``DryRunTransport``.
It sends a request on only when the app's ``Rehearsal`` says it reads (a GET,
or a POST that only reads: a login, a GraphQL query, Neto's ``Get*``);
anything else is answered with the success the vendor would give, made up
from what was sent (the record echoed, with an id from the ``WriteBook``), and
noted in the book. So the sink decides exactly as it does in a run (its rules
that skip or hold records, the references it waits for), and nothing reaches
the app. It fails closed: a request the rehearsal does not know is refused
(``FatalError``), never sent.

What a made-up answer cannot know is what the vendor would refuse of a
well-formed write (a validation error only the vendor checks): a plan
predicts that write as a success.
"""

from __future__ import annotations

import json
import typing as t
from dataclasses import dataclass, field

import httpx

from connectors.base.errors import FatalError

__all__ = ["PLANNED", "DryRunTransport", "Rehearsal", "WriteBook", "form_of", "json_of"]

PLANNED = "plan"
"""What every id the book gives out starts with (or carries, where the app's ids have a set form)."""


@dataclass(frozen=True)
class Write:
    """One write the plan kept from the app: what would have been sent, and where."""

    app: str
    method: str
    path: str
    what: str


@dataclass
class WriteBook:
    """The writes a plan answered instead of sending, and the ids it gave out (remembered with the record)."""

    writes: list[Write] = field(default_factory=list)
    records: dict[str, dict[str, t.Any]] = field(default_factory=dict)
    _count: int = 0

    def next_number(self) -> int:
        """A number for the next id given out (unique within the plan)."""
        self._count += 1
        return self._count

    def keep(self, app: str, request: httpx.Request, what: str) -> None:
        """Note a write answered here."""
        self.writes.append(Write(app, request.method, request.url.path, what))

    def remember(self, remote_id: str, record: dict[str, t.Any]) -> None:
        """A record the plan made up, by the id it gave it (a later read of that id gets it back)."""
        self.records[remote_id] = record


class Rehearsal(t.Protocol):
    """An app's side of a plan: which requests only read, and the vendor's answer to a write."""

    app: str

    def reads(self, request: httpx.Request, book: WriteBook) -> bool:
        """Whether ``request`` only reads (it is sent to the app; not a read of a record ``book`` made up)."""
        ...

    def answer(self, request: httpx.Request, book: WriteBook) -> httpx.Response:
        """The answer the app would give to a write (or to a read of a record the plan made up)."""
        ...


class DryRunTransport(httpx.BaseTransport):
    """Sends what reads, answers what writes (see the module docstring)."""

    def __init__(self, rehearsal: Rehearsal, book: WriteBook, inner: httpx.BaseTransport | None = None) -> None:
        self.rehearsal = rehearsal
        self.book = book
        self.inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send a read on; answer a write without sending it."""
        if self.rehearsal.reads(request, self.book):
            return self.inner.handle_request(request)
        request.read()
        try:
            response = self.rehearsal.answer(request, self.book)
        except (KeyError, ValueError, TypeError) as error:
            # Fail closed: what the rehearsal cannot answer is not sent either.
            raise FatalError(
                f"plan: {request.method} {request.url.path} is a write the plan cannot answer ({error}); not sent"
            ) from error
        response.request = request
        return response

    def close(self) -> None:
        """Close the inner transport."""
        self.inner.close()


def json_of(request: httpx.Request) -> t.Any:
    """The JSON body of a request (None when it has none)."""
    content = request.content
    return json.loads(content) if content else None


def form_of(request: httpx.Request) -> dict[str, str]:
    """The form fields of a ``application/x-www-form-urlencoded`` request."""
    parsed = httpx.QueryParams(request.content.decode())
    return {key: parsed[key] for key in parsed}
