"""The Neto client: API key headers, Get paging by ``Page``/``Limit``, incremental reads by ``DateUpdatedFrom``.

Every call is ``POST {base_url}/do/WS/NetoAPI`` (the site's URL, from the
tenant config only) with the action in ``NETOAPI_ACTION``, through the shared
``RestClient``: answers checked once (``errors.check_response``), transient
failures retried by one ``RetryPolicy`` (a 429 waits the minute Neto shuts a
key out for, then the same page is asked again), a ``WindowPacer`` keeping
under 500 calls a minute, redirects refused, the one paging loop. JSON is
always asked for (``Accept: application/json``). The only write is
``update`` (``UpdateItem``: prices and warehouse stock, see ``sink``).
"""

from __future__ import annotations

import json
import typing as t
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import timedelta

import httpx

from connectors.base.bodies import json_kind, object_of
from connectors.base.client import OnRestClient, Pacer, RestClient
from connectors.base.errors import MalformedResponseError
from connectors.base.pacing import WindowPacer
from connectors.base.retry import RetryPolicy
from connectors.neto.errors import check_response, neto_call
from connectors.neto.paging import UpdatedPaginator, neto_time
from connectors.neto.streams import API_PATH, PAGE_SIZE, NetoStream

__all__ = ["CALLS_PER_MINUTE", "NetoClient", "NetoCursor", "NetoKey", "NetoPage", "records_of"]

CALLS_PER_MINUTE = 500
"""Neto's limit per API key."""

# A DateUpdated this close to Neto's CurrentTime may still be shared by a save that lands after our read.
_SETTLING = timedelta(seconds=2)


class NetoKey(httpx.Auth):
    """``NETOAPI_KEY`` and ``NETOAPI_USERNAME`` on every request. ``repr`` hides the key."""

    def __init__(self, key: str, username: str) -> None:
        if not key or not username:
            raise ValueError("a Neto API key and the username it belongs to are needed")
        self._key = key
        self.username = username

    def __repr__(self) -> str:
        return f"NetoKey(username={self.username!r}, key=***)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the headers."""
        request.headers["NETOAPI_KEY"] = self._key
        request.headers["NETOAPI_USERNAME"] = self.username
        yield request


@dataclass(frozen=True)
class NetoCursor:
    """Where an incremental read of one stream stands, stored as the (app, entity) cursor.

    ``updated_from``: read what changed at or after this ``DateUpdated``
    (Neto's local time). ``seen``: ids already read inside the overlap and
    the ``DateUpdated`` they had, skipped if they come back unchanged; kept
    only once settled (a couple of seconds behind Neto's ``CurrentTime``).
    """

    updated_from: str | None = None
    seen: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, cursor: str | None) -> NetoCursor:
        """Read a stored cursor (None or empty: from the beginning)."""
        if not cursor:
            return cls()
        data = json.loads(cursor)
        return cls(data.get("updated_from"), tuple((str(k), str(v)) for k, v in data.get("seen") or ()))

    def dump(self) -> str:
        """The cursor to store: ``{"updated_from": "...", "seen": [[id, DateUpdated], ...]}``."""
        data: dict[str, t.Any] = {"updated_from": self.updated_from}
        if self.seen:
            data["seen"] = [list(pair) for pair in self.seen]
        return json.dumps(data, sort_keys=True)


@dataclass(frozen=True)
class NetoPage:
    """Records of one Get answer not read before, and the cursor to store once they are stored."""

    stream: NetoStream
    records: list[dict[str, t.Any]]
    cursor: str
    last: bool


def records_of(body: t.Any, key: str) -> list[dict[str, t.Any]]:
    """The records under ``key`` of a Get answer: a list, one object, or nothing (absent or empty)."""
    if not isinstance(body, dict):
        raise MalformedResponseError(f"expected an object, got {json_kind(body)}")
    found = body.get(key)
    if found in (None, "", []):
        return []
    rows = found if isinstance(found, list) else [found]
    odd = next((r for r in rows if not isinstance(r, dict)), None)
    if odd is not None:
        raise MalformedResponseError(f"expected records under {key!r}, found a {json_kind(odd)}")
    return rows


class NetoClient(OnRestClient):
    """Reads one Neto site with one API key.

    ``base_url`` is the site's URL (``https://{site}``, or the sandbox's
    ``.../neto``); the API path below it is Neto's own. ``overlap``: how far
    back each page and the next read start before the newest ``DateUpdated``
    read. ``calls_per_minute``: the pacing (Neto allows 500 per key).
    """

    def __init__(
        self,
        base_url: str,
        key: str,
        username: str,
        *,
        http: httpx.Client | None = None,
        retry: RetryPolicy | None = None,
        pacer: Pacer | None = None,
        timeout: float = 30.0,
        page_size: int = PAGE_SIZE,
        overlap: timedelta = timedelta(seconds=5),
        calls_per_minute: int = CALLS_PER_MINUTE,
    ) -> None:
        self.rest = RestClient(
            base_url,
            auth=NetoKey(key, username),
            http=http,
            pacer=pacer if pacer is not None else WindowPacer(limit=calls_per_minute, window=60.0),
            retry=retry,
            timeout=timeout,
            headers={"Accept": "application/json", "Content-Type": "application/json"},
            check=check_response,
            app="Neto",
            describe=neto_call,
        )
        self.page_size = page_size
        self.overlap = overlap

    def call(self, action: str, body: dict[str, t.Any]) -> dict[str, t.Any]:
        """One checked Get call (``{"Filter": {...}}``); the answer's envelope. Writes go through ``update``."""
        if not (action.isalnum() and action.startswith("Get")):
            raise ValueError(f"not a Neto Get action: {action!r} (writes go through update)")
        return self.rest.call("POST", API_PATH, object_of, json=body, headers={"NETOAPI_ACTION": action})

    def update(self, action: str, body: dict[str, t.Any]) -> dict[str, t.Any]:
        """One checked Update call (``UpdateItem``: ``{"Item": [{...}, ...]}``); the answer's envelope.

        Neto writes the records one by one and stops at the first it refuses
        (``Ack: Error``, raised here): the ones before it stay written.
        """
        if not (action.isalnum() and action.startswith("Update")):
            raise ValueError(f"not a Neto Update action: {action!r}")
        # UpdateItem sets prices and counts: sending it again after a garbled answer changes nothing more.
        return self.rest.call("POST", API_PATH, object_of, json=body, headers={"NETOAPI_ACTION": action})

    def read(self, stream: NetoStream, cursor: str | None = None) -> Iterator[NetoPage]:
        """Every record of ``stream`` changed since the cursor, oldest change first, page by page with its cursor.

        The cursor after a page is the newest ``DateUpdated`` read less the
        overlap (and the settled ids read inside it), so a read stopped
        halfway resumes after the last stored page.
        """
        state = NetoCursor.parse(cursor)
        paginator = UpdatedPaginator(
            page_size=self.page_size,
            updated_from=state.updated_from,
            seen=dict(state.seen),
            overlap=self.overlap,
            id_field=stream.id_field,
            updated_field=stream.updated_field,
        )
        body: dict[str, t.Any] = {"Filter": {"OutputSelector": list(stream.output)}}
        for page in self.rest.paginate(
            API_PATH,
            paginator=paginator,
            select=lambda answer: records_of(answer, stream.key),
            params=body,
            headers={"NETOAPI_ACTION": stream.action},
            in_body=True,
        ):
            server_now = neto_time(page.body.get("CurrentTime")) if isinstance(page.body, dict) else None
            settled = tuple(
                sorted(
                    (key, updated)
                    for key, updated in paginator.seen.items()
                    if server_now is not None
                    and (when := neto_time(updated)) is not None
                    and when + _SETTLING <= server_now
                )
            )
            after = NetoCursor(paginator.updated_from, settled)
            yield NetoPage(stream, paginator.fresh, after.dump(), last=not paginator.has_next_page)
