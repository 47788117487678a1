"""The Deputy client: bearer token, QUERY paging, incremental reads by ``Modified`` with resumable cursors.

Every call goes to ``{base_url}/api/v1/...`` (the install's URL, from the
tenant config only) through the shared ``RestClient``: one retry policy for
transient failures (timeouts, 429 with ``Retry-After``, 5xx), errors
classified once, redirects refused, the one paging loop. Deputy is read
only for this connector.

Deputy's QUERY is always a POST whose JSON body carries search, sort, join,
``start`` and ``max``; pages are at most 500 records and a short page is the
last. A full read (``query``) pages with ``start += max``; an incremental
read (``read``) anchors each page at the newest ``Modified`` read so far
(``connectors.deputy.paging``), so records saved while it reads are not skipped.
"""

from __future__ import annotations

import json
import typing as t
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

from connectors.base.bodies import object_of, records_under
from connectors.base.client import OnRestClient, Pacer, RestClient
from connectors.base.paging import OffsetPaginator
from connectors.base.retry import RetryPolicy
from connectors.deputy.paging import ModifiedPaginator, moment
from connectors.deputy.streams import MAX_RECORDS, OPERATORS, DeputyStream, resource_path

__all__ = ["Condition", "DeputyClient", "DeputyPage", "DeputyToken", "QueryState", "search"]

Condition = tuple[str, str, t.Any]
"""One search condition: (field, operator, data), e.g. ``("Modified", "ge", "2026-01-01T00:00:00+10:00")``."""

# A Modified this close to the server's clock may still be shared by a save that lands after our read.
_SETTLING = timedelta(seconds=2)


class DeputyToken(httpx.Auth):
    """``Authorization: Bearer <token>``: a permanent token or an OAuth access token. ``repr`` hides it."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("a Deputy access token is needed")
        self._token = token

    def __repr__(self) -> str:
        return "DeputyToken(***)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the header to every request."""
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


@dataclass(frozen=True)
class QueryState:
    """Where an incremental read of one object stands, stored as the (app, entity) cursor.

    ``modified``: read what changed at or after this ``Modified`` (Deputy's own
    text, the newest read so far). ``seen``: ids already read at exactly that
    moment, skipped next time; kept only once the moment is a couple of seconds
    behind Deputy's clock, so a save later in the same second is read again
    rather than missed.
    """

    modified: str | None = None
    seen: tuple[int | str, ...] = ()

    @classmethod
    def parse(cls, cursor: str | None) -> QueryState:
        """Read a stored cursor (None or empty: from the beginning)."""
        if not cursor:
            return cls()
        data = json.loads(cursor)
        return cls(data.get("modified"), tuple(data.get("seen") or ()))

    def dump(self) -> str:
        """The cursor to store: ``{"modified": "...", "seen": [...]}``."""
        data: dict[str, t.Any] = {"modified": self.modified}
        if self.seen:
            data["seen"] = list(self.seen)
        return json.dumps(data, sort_keys=True)


@dataclass(frozen=True)
class DeputyPage:
    """Records of one QUERY answer not read before, and the cursor to store once they are stored."""

    stream: DeputyStream
    records: list[dict[str, t.Any]]
    cursor: str
    last: bool


def _records(body: t.Any) -> list[dict[str, t.Any]]:
    """A QUERY answer's records (a JSON array of objects)."""
    return records_under(body)


def search(conditions: Iterable[Condition]) -> dict[str, dict[str, t.Any]]:
    """A QUERY ``search`` object from (field, operator, data) triples; fields and operators are checked."""
    found: dict[str, dict[str, t.Any]] = {}
    for n, (name, op, data) in enumerate(conditions, start=1):
        if not name.isidentifier():
            raise ValueError(f"not a Deputy field name: {name!r}")
        if op not in OPERATORS:
            raise ValueError(f"not a Deputy search operator: {op!r} (use one of {', '.join(sorted(OPERATORS))})")
        found[f"s{n}"] = {"field": name, "type": op, "data": data}
    return found


def _server_now(response: httpx.Response) -> datetime | None:
    """Deputy's clock from the answer's ``Date`` header; with several (a server stack adding its own), the earliest."""
    found = []
    for value in response.headers.get_list("date"):
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            continue
        if when.tzinfo is not None:
            found.append(when)
    return min(found) if found else None


def _settled(modified: str | None, response: httpx.Response) -> bool:
    """Whether no save can share ``modified`` any more: it is a couple of seconds behind Deputy's clock."""
    when, server_now = moment(modified), _server_now(response)
    return when is not None and server_now is not None and when + _SETTLING <= server_now


def _in_order(ids: Iterable[int | str]) -> tuple[int | str, ...]:
    """Ids in a stable order for the cursor (numbers first, by value)."""
    return tuple(sorted(ids, key=lambda i: (isinstance(i, str), i if isinstance(i, int) else 0, str(i))))


class DeputyClient(OnRestClient):
    """Reads one Deputy install through its resource API with one access token.

    ``base_url`` is the install's URL (``https://{install}.{geo}.deputy.com``,
    or the sandbox's ``.../deputy/au``); paths below it are Deputy's own.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        http: httpx.Client | None = None,
        retry: RetryPolicy | None = None,
        pacer: Pacer | None = None,
        timeout: float = 30.0,
    ) -> None:
        auth = DeputyToken(token)
        self.rest = RestClient(base_url, auth=auth, http=http, pacer=pacer, retry=retry, timeout=timeout, app="Deputy")

    def info(self, object_name: str) -> dict[str, t.Any]:
        """``GET /resource/{Object}/INFO``: the object's fields and their types, and its joins."""
        return self.rest.call("GET", resource_path(object_name, "INFO"), object_of)

    def get(self, object_name: str, record_id: int) -> dict[str, t.Any]:
        """One record by its Id."""
        path = resource_path(object_name, str(int(record_id)))
        return self.rest.call("GET", path, object_of)

    def query(
        self,
        object_name: str,
        conditions: Iterable[Condition] = (),
        *,
        sort: dict[str, str] | None = None,
        join: Sequence[str] = (),
    ) -> Iterator[dict[str, t.Any]]:
        """Every record matching all ``conditions``, 500 a page (``start += max``) until a short page.

        The order always ends with Id, so pages neither overlap nor skip while
        nothing changes; for reads of what changed, use ``read``.
        """
        body: dict[str, t.Any] = {"sort": {**(sort or {}), "Id": (sort or {}).get("Id", "asc")}, "max": MAX_RECORDS}
        found = search(conditions)
        if found:
            body["search"] = found
        if join:
            body["join"] = list(join)
        paginator = OffsetPaginator(page_size=MAX_RECORDS, offset_param="start")
        path = resource_path(object_name, "QUERY")
        for page in self.rest.paginate(path, paginator=paginator, select=_records, params=body, in_body=True):
            yield from page.records

    def read(self, stream: DeputyStream, cursor: str | None = None) -> Iterator[DeputyPage]:
        """Every record of ``stream`` changed since the cursor, oldest change first, page by page with its cursor.

        The cursor after a page is the newest ``Modified`` read (and the ids
        read at it), so a read stopped halfway resumes after the last stored page.
        """
        state = QueryState.parse(cursor)
        paginator = ModifiedPaginator(
            modified=state.modified, seen=set(state.seen), modified_field=stream.modified_field
        )
        body: dict[str, t.Any] = {"join": list(stream.joins)} if stream.joins else {}
        for page in self.rest.paginate(
            stream.query_path, paginator=paginator, select=_records, params=body, in_body=True
        ):
            seen = _in_order(paginator.seen) if _settled(paginator.modified, page.response) else ()
            after = QueryState(paginator.modified, seen)
            yield DeputyPage(stream, paginator.fresh, after.dump(), last=not paginator.has_next_page)
