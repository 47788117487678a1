"""The Salesforce REST client: SOQL paging, incremental reads by SystemModstamp, getDeleted, upserts.

Every call goes to the org's ``instance_url`` (from the token, or the tenant
config) under ``/services/data/v{version}/`` through the shared ``RestClient``
(one retry policy, one paging loop, pacing); answers are classified once by
``check_salesforce_response``, and ``usage`` keeps the last ``Sforce-Limit-Info``.

Reads: ``changes`` gives pages of records changed since a cursor, ordered
``SystemModstamp ASC, Id ASC``; each page carries the cursor to store after it
(its newest SystemModstamp, read again with ``>=``, so a stopped read resumes
without a gap: a record may come twice, never not at all). The last page
carries the ids getDeleted reports for the same span. getDeleted reaches 15 days
back: an older cursor raises ``DeletionsOutOfReachError`` (a full read is needed).

Writes: sObject Collections, at most 200 records a call, ``allOrNone`` false,
one result per record. Creates and updates are both upserts by
``Datashare_Id__c`` (the hub id), so a write sent again, after a lost answer or
a crash, updates the record it created the first time instead of making another;
``create`` inserts (OrderItems, whose order and price entry are set on insert
only: the caller leaves out what a first send made). An insert is never sent
again blindly: after a failure that may have followed it (the answer lost),
its records are looked up by their ``Datashare_Id__c`` first, and only those
Salesforce does not have are sent again (``connectors.base.writes``).
"""

from __future__ import annotations

import json
import typing as t
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from connectors.base.bodies import object_of, records_under
from connectors.base.client import Pacer, RestClient
from connectors.base.errors import FatalError
from connectors.base.retry import RetryPolicy
from connectors.base.tokens import utcnow
from connectors.base.writes import send_once
from connectors.salesforce.auth import SalesforceAuth
from connectors.salesforce.errors import (
    ApiUsage,
    DeletionsOutOfReachError,
    check_salesforce_response,
    error_text,
    parse_limit_info,
)
from connectors.salesforce.paging import NextRecordsPaginator
from connectors.salesforce.soql import Condition, parse_datetime, select
from connectors.salesforce.streams import EXTERNAL_ID, MODSTAMP, STAND_IN_CODE, SObject, sobject_named

__all__ = [
    "DEFAULT_VERSION",
    "DELETED_WINDOW",
    "MAX_BATCH",
    "ChangePage",
    "ReadState",
    "SalesforceClient",
    "SaveResult",
]

DEFAULT_VERSION = "66.0"
MAX_BATCH = 200
"""sObject Collections take at most 200 records a call."""
DELETED_WINDOW = timedelta(days=15)
"""How far back getDeleted reaches."""
_IN_CHUNK = 200
_ISO = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class ReadState:
    """Where an incremental read of one object stands, stored as the (app, entity) cursor.

    ``modstamp``: the newest SystemModstamp handed out (as Salesforce wrote it);
    ``deleted_since``: where the next getDeleted starts (ISO, UTC).
    """

    modstamp: str | None = None
    deleted_since: str | None = None

    @classmethod
    def parse(cls, cursor: str | None) -> ReadState:
        """Read a stored cursor (None or empty: from the beginning)."""
        return cls(**json.loads(cursor)) if cursor else cls()

    def dump(self) -> str:
        """The cursor to store."""
        return json.dumps({"modstamp": self.modstamp, "deleted_since": self.deleted_since})


@dataclass(frozen=True)
class ChangePage:
    """Records changed (oldest first), ids deleted (on the last page), and the cursor to store after both."""

    sobject: str
    records: list[dict[str, t.Any]]
    deleted: list[str]
    cursor: str
    last: bool


@dataclass(frozen=True)
class SaveResult:
    """One record's result in a collection call."""

    id: str | None
    success: bool
    error: str | None = None
    created: bool = False


def _deleted_answer(body: t.Any) -> dict[str, t.Any]:
    """A getDeleted answer: ``deletedRecords`` (a list, maybe empty) and ``latestDateCovered``."""
    records_under(body, "deletedRecords")
    return object_of(body)


def _save_results(body: t.Any) -> list[dict[str, t.Any]]:
    """A collection call's answer: one result object per record sent."""
    return records_under(body)


def _chunks(items: Sequence[t.Any], size: int) -> Iterator[Sequence[t.Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SalesforceClient:
    """Reads and writes one Salesforce org through the REST API, pinned to one API version."""

    def __init__(
        self,
        auth: SalesforceAuth,
        *,
        instance_url: str | None = None,
        version: str = DEFAULT_VERSION,
        http: httpx.Client | None = None,
        retry: RetryPolicy | None = None,
        pacer: Pacer | None = None,
        batch_size: int | None = None,
        now: t.Callable[[], datetime] | None = None,
    ) -> None:
        base = instance_url or auth.instance_url
        if not base:
            raise FatalError("Salesforce: no instance_url in the tenant config or the stored token")
        self.auth = auth
        self.version = version.removeprefix("v")
        self.now = now or (lambda: utcnow())  # looked up on each call, so a test can move the time
        self.usage: ApiUsage | None = None
        headers = {"Accept": "application/json"}
        if batch_size is not None:
            headers["Sforce-Query-Options"] = f"batchSize={max(200, min(2000, batch_size))}"
        self.retry = retry or RetryPolicy()
        self.rest = RestClient(
            base,
            auth=auth,
            http=http,
            pacer=pacer,
            retry=self.retry,
            headers=headers,
            check=self._check,
            app="Salesforce",
        )
        # Inserts go through a client that never retries by itself: ``send_once`` decides what may be sent again.
        self._once = RestClient(
            base,
            auth=auth,
            http=self.rest.http,
            pacer=pacer,
            retry=RetryPolicy(attempts=1),
            headers=headers,
            check=self._check,
            app="Salesforce",
        )

    def __repr__(self) -> str:
        return f"SalesforceClient({self.rest.base_url!r}, version={self.version!r})"

    def close(self) -> None:
        """Close connections."""
        self.rest.close()

    @property
    def calls(self) -> int:
        """Requests sent so far (retries included, token refreshes not)."""
        return self.rest.calls + self._once.calls

    def _check(self, response: httpx.Response) -> None:
        usage = parse_limit_info(response.headers.get("sforce-limit-info"))
        if usage is not None:
            self.usage = usage
        check_salesforce_response(response)

    def api(self, path: str) -> str:
        """A path under the pinned version: ``services/data/v66.0/{path}``."""
        return f"services/data/v{self.version}/{path.lstrip('/')}"

    # --- reading ------------------------------------------------------------------------------

    def versions(self) -> list[dict[str, t.Any]]:
        """The API versions the org serves (``GET /services/data/``): ``[{version, label, url}]``."""
        return self.rest.call("GET", "services/data/", records_under)

    def query(self, soql: str) -> Iterator[list[dict[str, t.Any]]]:
        """Pages of one SOQL statement, following ``nextRecordsUrl``; build it with ``soql.select``."""
        for records, _ in self._query(soql):
            yield records

    def _query(self, soql: str) -> Iterator[tuple[list[dict[str, t.Any]], bool]]:
        """Pages with whether each is the last (``done``)."""
        paginator = NextRecordsPaginator(soql)
        for page in self.rest.paginate(
            self.api("query"), paginator=paginator, select=lambda body: records_under(body, "records")
        ):
            yield page.records, not paginator.has_next_page

    def rows(
        self, sobject: str, where: Sequence[Condition] = (), order_by: Sequence[str] = ("Id",)
    ) -> Iterator[dict[str, t.Any]]:
        """Every row of a catalogued object matching ``where`` (names checked, values escaped)."""
        statement = select(sobject_named(sobject), where=where, order_by=order_by)
        for records in self.query(statement):
            yield from records

    def changes(self, sobject: str, cursor: str | None = None) -> Iterator[ChangePage]:
        """Pages of records changed since ``cursor`` (all when None), each with the cursor to store after it."""
        entry = sobject_named(sobject)
        if not entry.incremental:
            raise FatalError(f"Salesforce {entry.name} is read whole, not by SystemModstamp")
        state = ReadState.parse(cursor)
        started = self.now()
        deleted: list[str] = []
        deleted_since = started.strftime(_ISO)
        if state.modstamp is not None:
            since = parse_datetime(state.deleted_since or state.modstamp)
            deleted, covered = self.deleted(entry.name, since, started)
            deleted_since = covered.strftime(_ISO)
        where: list[Condition] = [(MODSTAMP, ">=", parse_datetime(state.modstamp))] if state.modstamp else []
        statement = select(entry, where=where, order_by=(MODSTAMP, "Id"))
        modstamp = state.modstamp
        for records, last in self._query(statement):
            for record in records:
                stamp = record.get(MODSTAMP)
                if stamp and (modstamp is None or parse_datetime(str(stamp)) > parse_datetime(modstamp)):
                    modstamp = str(stamp)
            if last and modstamp is None:
                modstamp = deleted_since  # nothing there yet: next time, what changed from the start of this read
            state = ReadState(modstamp, deleted_since if last else state.deleted_since)
            yield ChangePage(entry.name, records, deleted if last else [], state.dump(), last)

    def deleted(self, sobject: str, start: datetime, end: datetime) -> tuple[list[str], datetime]:
        """Ids deleted between ``start`` and ``end`` (getDeleted), and the moment covered up to.

        ``DeletionsOutOfReachError`` when ``start`` is past getDeleted's 15 days
        (checked before asking, and Salesforce's own ``INVALID_REPLICATION_DATE``):
        deletions older than that can only be found by a full read.
        """
        entry = sobject_named(sobject)
        if end - start > DELETED_WINDOW:
            raise DeletionsOutOfReachError(
                f"Salesforce {entry.name}: the cursor ({start:%Y-%m-%d %H:%M}) is older than getDeleted's "
                "15 days; deletions since then cannot be read: run a full re-import of this entity"
            )
        if end - start < timedelta(minutes=1):
            return [], start  # getDeleted counts in whole minutes: nothing to ask yet
        body = self.rest.call(
            "GET",
            self.api(f"sobjects/{entry.name}/deleted/"),
            _deleted_answer,
            params={"start": start.strftime(_ISO), "end": end.strftime(_ISO)},
        )
        ids = [str(row["id"]) for row in body["deletedRecords"]]
        covered = body.get("latestDateCovered")
        return ids, parse_datetime(str(covered)) if covered else end

    def standard_pricebook(self) -> str | None:
        """The id of the org's standard price book (None when it has none)."""
        books = list(self.rows("Pricebook2", where=[("IsStandard", "=", True)]))
        return str(books[0]["Id"]) if books else None

    def standard_prices(self, product_ids: Iterable[str], book: str | None = None) -> dict[str, dict[str, t.Any]]:
        """Product2 id -> its standard price book entry (products without one are left out).

        ``book``: the standard price book's id, when the caller has it already.
        """
        ids = list(dict.fromkeys(product_ids))
        if not ids:
            return {}
        book = book or self.standard_pricebook()
        if book is None:
            return {}
        prices: dict[str, dict[str, t.Any]] = {}
        for chunk in _chunks(ids, _IN_CHUNK):
            where: list[Condition] = [("Pricebook2Id", "=", book), ("Product2Id", "IN", list(chunk))]
            for entry in self.rows("PricebookEntry", where=where):
                prices[str(entry["Product2Id"])] = entry
        return prices

    def order_items(self, order_ids: Iterable[str]) -> dict[str, list[dict[str, t.Any]]]:
        """Order id -> its OrderItems, in id order (one query per 200 orders, no subquery)."""
        ids = list(dict.fromkeys(order_ids))
        lines: dict[str, list[dict[str, t.Any]]] = {i: [] for i in ids}
        for chunk in _chunks(ids, _IN_CHUNK):
            for item in self.rows("OrderItem", where=[("OrderId", "IN", list(chunk))], order_by=("OrderId", "Id")):
                lines.setdefault(str(item["OrderId"]), []).append(item)
        return lines

    def stand_in_product(self) -> str | None:
        """The id of the connector's own product for order lines naming no item (None until one is made)."""
        found = list(self.rows("Product2", where=[("ProductCode", "=", STAND_IN_CODE)]))
        return str(found[0]["Id"]) if found else None

    def with_lines(self, orders: Sequence[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
        """Orders as the mapping reads them: each with its ``OrderItems`` and the ``StandInProductId``."""
        if not orders:
            return []
        lines = self.order_items(str(o["Id"]) for o in orders)
        stand_in = self.stand_in_product()
        return [{**o, "OrderItems": lines.get(str(o["Id"]), []), "StandInProductId": stand_in} for o in orders]

    def orders(self, ids: Iterable[str]) -> list[dict[str, t.Any]]:
        """Live Orders by id, with their lines (``with_lines``), in id order."""
        wanted = list(dict.fromkeys(ids))
        found: list[dict[str, t.Any]] = []
        for chunk in _chunks(wanted, _IN_CHUNK):
            found.extend(self.rows("Order", where=[("Id", "IN", list(chunk))]))
        return self.with_lines(found)

    # --- writing ------------------------------------------------------------------------------

    def _writable(self, sobject: str) -> SObject:
        entry = sobject_named(sobject)
        if not entry.writable:
            raise FatalError(f"Salesforce {entry.name} is read only for this connector")
        return entry

    @staticmethod
    def _results(body: t.Any, expected: int, what: str) -> list[SaveResult]:
        if not isinstance(body, list) or len(body) != expected:
            raise FatalError(f"Salesforce {what}: expected {expected} results, got {body!r:.200}")
        return [
            SaveResult(
                id=str(row["id"]) if row.get("id") else None,
                success=bool(row.get("success")),
                error=error_text(list(row.get("errors") or [])) or None,
                created=bool(row.get("created")),
            )
            for row in body
        ]

    def upsert(self, sobject: str, records: Sequence[dict[str, t.Any]]) -> list[SaveResult]:
        """Upsert by ``Datashare_Id__c`` in calls of 200 (allOrNone false): one result per record, in order.

        Safe to send again: the external id finds the record the first call made.
        """
        entry = self._writable(sobject)
        results: list[SaveResult] = []
        for chunk in _chunks(list(records), MAX_BATCH):
            for record in chunk:
                if not record.get(EXTERNAL_ID) or "Id" in record:
                    raise FatalError(f"Salesforce upsert of {entry.name}: each record needs {EXTERNAL_ID} and no Id")
            payload = {"allOrNone": False, "records": [{"attributes": {"type": entry.name}, **r} for r in chunk]}
            # An upsert by external id is safe to send again: a garbled answer is retried.
            answered = self.rest.call(
                "PATCH", self.api(f"composite/sobjects/{entry.name}/{EXTERNAL_ID}"), _save_results, json=payload
            )
            results.extend(self._results(answered, len(chunk), f"upsert {entry.name}"))
        return results

    def create(self, sobject: str, records: Sequence[dict[str, t.Any]]) -> list[SaveResult]:
        """Insert records in calls of 200 (allOrNone false): one result per record, in order.

        For rows a resend must not make twice the caller checks first (an
        OrderItem's order and price book entry can be set only on insert, so it
        is never upserted). Each record carries ``Datashare_Id__c``: after a
        lost answer the records found by it are not sent again.
        """
        entry = self._writable(sobject)
        results: list[SaveResult] = []
        for chunk in _chunks(list(records), MAX_BATCH):
            if any("Id" in r for r in chunk):
                raise FatalError(f"Salesforce insert of {entry.name}: a new record has no Id")
            if any(not r.get(EXTERNAL_ID) for r in chunk):
                raise FatalError(f"Salesforce insert of {entry.name}: each record needs {EXTERNAL_ID} to be found by")
            results.extend(self._insert(entry, list(chunk)))
        return results

    def _insert(self, entry: SObject, chunk: list[dict[str, t.Any]]) -> list[SaveResult]:
        """One insert call, sent again after a lost answer only for the records Salesforce does not have."""
        done: dict[int, SaveResult] = {}

        def left() -> list[int]:
            return [i for i in range(len(chunk)) if i not in done]

        def send() -> list[SaveResult]:
            todo = left()
            sent = [{"attributes": {"type": entry.name}, **chunk[i]} for i in todo]
            response = self._once.request(
                "POST", self.api("composite/sobjects"), json={"allOrNone": False, "records": sent}
            )
            done.update(
                zip(
                    todo,
                    self._results(self._once.body(response, _save_results), len(todo), f"insert {entry.name}"),
                    strict=True,
                )
            )
            return [done[i] for i in range(len(chunk))]

        def find() -> list[SaveResult] | None:
            todo = left()
            there = self.external_ids(entry.name, [str(chunk[i][EXTERNAL_ID]) for i in todo])
            for i in todo:
                found = there.get(str(chunk[i][EXTERNAL_ID]))
                if found is not None:
                    done[i] = SaveResult(id=found, success=True, error=None, created=True)
            return None if left() else [done[i] for i in range(len(chunk))]

        return send_once(send, find, self.retry, what=f"Salesforce insert of {entry.name}")

    def external_ids(self, sobject: str, values: Iterable[str]) -> dict[str, str]:
        """``Datashare_Id__c`` -> Id of the live rows of ``sobject`` that carry these external ids."""
        wanted = list(dict.fromkeys(values))
        found: dict[str, str] = {}
        for chunk in _chunks(wanted, _IN_CHUNK):
            for row in self.rows(sobject, where=[(EXTERNAL_ID, "IN", list(chunk))]):
                found[str(row[EXTERNAL_ID])] = str(row["Id"])
        return found

    def update(self, sobject: str, records: Sequence[dict[str, t.Any]]) -> list[SaveResult]:
        """Update records by their ``Id`` in calls of 200 (allOrNone false): one result per record, in order.

        For records linked by matching, which Salesforce knows by Id but not yet
        by ``Datashare_Id__c``: the update stamps the external id on them, so
        later upserts find them instead of creating another.
        """
        entry = self._writable(sobject)
        results: list[SaveResult] = []
        for chunk in _chunks(list(records), MAX_BATCH):
            if any(not r.get("Id") for r in chunk):
                raise FatalError(f"Salesforce update of {entry.name}: each record needs its Id")
            sent = [{"attributes": {"type": entry.name}, "id": r["Id"], **{k: v for k, v in r.items() if k != "Id"}}
                    for r in chunk]  # fmt: skip
            answered = self.rest.call(
                "PATCH", self.api("composite/sobjects"), _save_results, json={"allOrNone": False, "records": sent}
            )
            results.extend(self._results(answered, len(chunk), f"update {entry.name}"))
        return results

    def delete(self, ids: Sequence[str]) -> list[SaveResult]:
        """Delete records by id in calls of 200 (allOrNone false); Salesforce keeps them in its recycle bin."""
        results: list[SaveResult] = []
        for chunk in _chunks(list(ids), MAX_BATCH):
            answered = self.rest.call(
                "DELETE",
                self.api("composite/sobjects"),
                _save_results,
                params={"ids": ",".join(chunk), "allOrNone": "false"},
            )
            results.extend(self._results(answered, len(chunk), "delete"))
        return results
