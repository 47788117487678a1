"""The Xero Accounting API client: incremental reads with resumable cursors, batched idempotent writes."""

from __future__ import annotations

import hashlib
import json
import typing as t
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

from connectors.base.bodies import object_under, records_under
from connectors.base.client import Pacer, RestClient
from connectors.base.errors import FatalError, MalformedResponseError, classify_response
from connectors.base.pacing import WindowPacer
from connectors.base.paging import NoPaginator, OffsetPaginator, PageNumberPaginator, Paginator
from connectors.base.retry import RetryPolicy
from connectors.xero.auth import XeroEndpoints
from connectors.xero.streams import (
    JOURNALS_PER_CALL,
    MAX_PAGE_SIZE,
    STREAMS,
    WRITE_BATCH,
    Paging,
    WriteStyle,
    XeroStream,
)

__all__ = [
    "DailyLimitError",
    "ReadState",
    "WriteResult",
    "XeroClient",
    "XeroPage",
    "XeroValidationError",
    "xero_pacer",
]

# Xero's limits per tenant: 60 calls a minute (and 5,000 a day, 5 at once).
MINUTE_LIMIT = 60


class DailyLimitError(FatalError):
    """The tenant's 5,000 calls for the day are spent: waiting hours inside a run helps nobody."""


class XeroValidationError(FatalError):
    """Xero refused the request's content (Payroll's 400 ``ValidationException``); ``messages`` say why."""

    def __init__(self, message: str, messages: list[str]) -> None:
        super().__init__(message, status=400)
        self.messages = messages


def _validation_messages(response: httpx.Response) -> list[str] | None:
    """The reasons of a Payroll 400 (``ApiException``), or None when the answer is not one."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict) or body.get("Type") != "ValidationException":
        return None
    found = [str(e.get("Message")) for e in body.get("Elements", []) for e in e.get("ValidationErrors") or []]
    found += [str(e.get("Message")) for e in body.get("ValidationErrors") or []]
    return found or [str(body.get("Message") or "refused by Xero")]


def check_xero_response(response: httpx.Response) -> None:
    """Xero's answers classified: a day-limit 429 is fatal for this run, the rest as usual."""
    if response.status_code == 400:
        messages = _validation_messages(response)
        if messages is not None:
            raise XeroValidationError(f"Xero refused: {'; '.join(messages)}", messages)
    if response.status_code == 429 and response.headers.get("x-rate-limit-problem", "").lower() == "day":
        raise DailyLimitError(
            f"Xero's daily call limit for this organisation is spent (retry after "
            f"{response.headers.get('retry-after', '?')} s)",
            status=429,
        )
    classify_response(response)


def xero_pacer(limit_per_minute: int = MINUTE_LIMIT, window: float = 60.0) -> WindowPacer:
    """A pacer for one Xero tenant, trusting Xero's ``X-MinLimit-Remaining``."""
    return WindowPacer(limit=limit_per_minute, window=window, remaining_header="x-minlimit-remaining")


@dataclass(frozen=True)
class ReadState:
    """Where an extract of one collection stands, stored as the (app, entity) cursor.

    ``since``: the ``If-Modified-Since`` of the read. ``page``/``offset``: the
    next page when a read stopped halfway. ``started``: the server's time when
    the read began, which becomes the next read's ``since`` once it completes,
    so a record changed while we were reading is read again next time.
    """

    since: str | None = None
    page: int | None = None
    offset: int | None = None
    started: str | None = None

    @classmethod
    def parse(cls, cursor: str | None) -> ReadState:
        """Read a stored cursor (None: from the beginning)."""
        return cls(**json.loads(cursor)) if cursor else cls()

    def dump(self) -> str:
        """The cursor to store."""
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None}, sort_keys=True)


@dataclass(frozen=True)
class XeroPage:
    """Records of one answer, and the cursor to store once they are stored."""

    stream: XeroStream
    records: list[dict[str, t.Any]]
    cursor: str
    last: bool


@dataclass(frozen=True)
class WriteResult:
    """What Xero said about one element of a batch."""

    index: int
    ok: bool
    remote_id: str | None
    errors: tuple[str, ...]
    record: dict[str, t.Any]


def _server_time(response: httpx.Response) -> datetime:
    """The server's clock from the ``Date`` header (ours if it has none)."""
    header = response.headers.get("date")
    if header:
        try:
            return parsedate_to_datetime(header).astimezone(UTC)
        except (TypeError, ValueError):
            pass
    return datetime.now(UTC)


def _since_header(since: str) -> str:
    """RFC 3339 in UTC, to the second, as Xero's spec types the header (``format: date-time``)."""
    return datetime.fromisoformat(since).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def idempotency_key(stream: XeroStream, elements: list[dict[str, t.Any]], marks: t.Sequence[str] = ()) -> str:
    """The key of one write: the same records (``marks``, their hub ids) with the same content get the same key.

    So a batch sent again, by the client's retry after a lost answer or by the
    next run while Xero still keeps the key (a day), replays the first answer
    and creates nothing new. The records' ids are part of it: two records that
    happen to say the same (two equal payments on one day) are two writes,
    and the second must not be answered with the first's record.
    """
    content = (
        json.dumps([list(marks), elements], sort_keys=True, default=str)
        if marks
        else json.dumps(elements, sort_keys=True, default=str)
    )
    return hashlib.sha256(stream.name.encode() + content.encode()).hexdigest()


class XeroClient:
    """Reads and writes one Xero organisation (tenant) through the Accounting API."""

    def __init__(
        self,
        endpoints: XeroEndpoints,
        auth: httpx.Auth,
        *,
        http: httpx.Client | None = None,
        pacer: Pacer | None = None,
        retry: RetryPolicy | None = None,
        page_size: int = MAX_PAGE_SIZE,
    ) -> None:
        self.endpoints = endpoints
        self.page_size = min(page_size, MAX_PAGE_SIZE)
        self._organisation: dict[str, t.Any] | None = None
        self.rest = RestClient(
            endpoints.api,
            auth=auth,
            http=http,
            pacer=pacer if pacer is not None else xero_pacer(),
            retry=retry,
            headers={"Accept": "application/json"},
            check=check_xero_response,
            app="Xero",
        )

    @property
    def calls(self) -> int:
        """API calls sent so far (retries included)."""
        return self.rest.calls

    def close(self) -> None:
        """Close connections."""
        self.rest.close()

    def organisation(self) -> dict[str, t.Any]:
        """The organisation (country, base currency, class…), asked once per client."""
        if self._organisation is None:
            self._organisation = self.rest.call("GET", STREAMS["Organisation"].path, _only_organisation)
        return self._organisation

    def _paginator(self, stream: XeroStream, state: ReadState) -> Paginator:
        if stream.paging == Paging.OFFSET:
            return OffsetPaginator(
                JOURNALS_PER_CALL, offset_of=lambda r: int(r["JournalNumber"]), offset=state.offset or 0
            )
        if stream.paging == Paging.PAGE and stream.page_size:
            # Payroll fixes its page size: no parameter, and a short page is the last.
            return PageNumberPaginator(page_size=stream.page_size, size_param=None, start_page=state.page or 1)
        if stream.paging == Paging.PAGE:
            return PageNumberPaginator(
                page_size=self.page_size,
                page_count=lambda body: (body.get("pagination") or {}).get("pageCount"),
                start_page=state.page or 1,
            )
        return NoPaginator()

    def read(self, stream: XeroStream, cursor: str | None = None) -> Iterator[XeroPage]:
        """Every record of ``stream`` changed since the cursor, page by page, each with the cursor to store after it."""
        state = ReadState.parse(cursor)
        params: dict[str, t.Any] = {}
        if stream.order and stream.paging == Paging.PAGE:
            params["order"] = stream.order
        if stream.include_archived:
            params["includeArchived"] = "true"
        if stream.include_deleted:
            params["includeDeleted"] = "true"
        headers = {}
        if stream.modified_since and state.since:
            headers["If-Modified-Since"] = _since_header(state.since)
        paginator = self._paginator(stream, state)
        started = state.started
        for page in self.rest.paginate(
            stream.path,
            paginator=paginator,
            select=lambda body: _records(stream, body),
            params=params,
            headers=headers,
        ):
            if started is None:
                # A second's margin: Xero's filter works to the second.
                started = (_server_time(page.response) - timedelta(seconds=1)).isoformat()
            if stream.paging == Paging.OFFSET:
                after = ReadState(offset=t.cast(OffsetPaginator, paginator).offset)
            elif paginator.has_next_page:
                after = ReadState(
                    since=state.since, page=t.cast(PageNumberPaginator, paginator).page + 1, started=started
                )
            else:
                after = ReadState(since=started)
            yield XeroPage(stream, page.records, after.dump(), last=not paginator.has_next_page)

    def read_all(self, stream: XeroStream) -> list[dict[str, t.Any]]:
        """Every record of a small collection (tax rates, accounts), read whole."""
        return [record for page in self.read(stream) for record in page.records]

    def write(
        self, stream: XeroStream, elements: list[dict[str, t.Any]], marks: t.Sequence[str] | None = None
    ) -> list[WriteResult]:
        """Create or update ``elements`` (an element with its id is an update), one result per element.

        Batches hold at most 50 elements and carry an ``Idempotency-Key`` made
        from their content and ``marks`` (the elements' hub ids, one each), so
        a batch sent again (a retry, a re-run) creates nothing new (see
        ``idempotency_key``). ``summarizeErrors=false`` gives a result per element.
        """
        if marks is not None and len(marks) != len(elements):
            raise ValueError(f"Xero {stream.name}: {len(marks)} marks for {len(elements)} elements")
        if not stream.writable:
            raise FatalError(f"Xero {stream.name} cannot be written")
        results: dict[int, WriteResult] = {}
        creates = [(i, e) for i, e in enumerate(elements) if not e.get(stream.id_field)]
        updates = [(i, e) for i, e in enumerate(elements) if e.get(stream.id_field)]
        for kind, style, group in (("create", stream.create, creates), ("update", stream.update, updates)):
            if not group:
                continue
            if style is None:
                for index, element in group:
                    results[index] = WriteResult(index, False, None, (f"Xero does not {kind} {stream.name}",), element)
                continue
            size = WRITE_BATCH if style.batch and not style.by_id else 1
            for start in range(0, len(group), size):
                chunk = group[start : start + size]
                keyed = [marks[i] for i, _ in chunk] if marks is not None else []
                answers = self._send(stream, style, [e for _, e in chunk], keyed)
                for (index, sent), answer in zip(chunk, answers, strict=True):
                    results[index] = _result(stream, index, sent, answer)
        return [results[i] for i in range(len(elements))]

    def _send(
        self, stream: XeroStream, style: WriteStyle, batch: list[dict[str, t.Any]], marks: t.Sequence[str] = ()
    ) -> list[dict[str, t.Any]]:
        """One call; the answer's elements, one per element sent (empty dicts where Xero said nothing)."""
        path = stream.path
        if style.by_id:
            path = f"{path}/{batch[0][stream.id_field]}"
        body: t.Any = (
            batch if style.bare else {stream.collection_key: batch} if style.batch or style.by_id else batch[0]
        )
        try:
            # The Idempotency-Key makes a resend after a garbled answer safe: Xero replays the first answer.
            answered = self.rest.call(
                style.method,
                path,
                lambda answer: records_under(answer, stream.collection_key),
                params={} if style.bare else {"summarizeErrors": "false"},
                json=body,
                headers={"Idempotency-Key": idempotency_key(stream, batch, marks)},
            )
        except XeroValidationError as refused:
            if not style.bare:
                raise
            # Payroll refuses a whole request with one 400: with one element per call, it is that element's.
            return [{"ValidationErrors": [{"Message": m} for m in refused.messages], "StatusAttributeString": "ERROR"}]
        return [answered[i] if i < len(answered) else {} for i in range(len(batch))]


def _only_organisation(body: t.Any) -> dict[str, t.Any]:
    """The one organisation of an ``Organisation`` answer."""
    found = records_under(body, "Organisations")
    if not found:
        raise MalformedResponseError("expected an organisation under 'Organisations', got an empty list")
    return found[0]


def _records(stream: XeroStream, body: t.Any) -> list[dict[str, t.Any]]:
    """The records of one answer; an answer of grouped lists (Payroll PayItems) flattened, each with its kind.

    Xero always names the collection, empty or not: an answer without it is
    malformed (``{}`` from a proxy), never an empty page.
    """
    if not stream.groups:
        return records_under(body, stream.collection_key)
    held = object_under(body, stream.collection_key)
    out: list[dict[str, t.Any]] = []
    for key, kind, id_field in stream.groups:
        for item in records_under(held, key) if held.get(key) is not None else []:
            out.append({**item, "PayItemType": kind, stream.id_field: item.get(id_field)})
    return out


def _result(stream: XeroStream, index: int, sent: dict[str, t.Any], element: dict[str, t.Any]) -> WriteResult:
    """What one answered element says."""
    if not element:
        return WriteResult(index, False, None, ("Xero did not answer for this element",), sent)
    errors = tuple(str(e.get("Message", e)) for e in element.get("ValidationErrors") or [])
    ok = element.get("StatusAttributeString", "OK") != "ERROR" and not errors
    return WriteResult(index, ok, element.get(stream.id_field) if ok else None, errors, element)
