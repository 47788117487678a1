"""The vTiger webservice client: sessions, VTQL paging, incremental ``sync`` with resumable cursors, writes.

Every call goes to ``{base_url}/webservice.php`` through the shared
``RestClient`` (one retry policy, one paging loop, pacing); every answer is
checked for vTiger's ``success`` flag (``connectors.vtiger.errors``); the
session lives in ``VtigerSession`` (``connectors.vtiger.auth``), which logs in
again when vTiger drops it.

Writes: ``revise`` (a partial update: the fields sent, nothing else),
``update`` (the whole record: a field not sent is cleared) and ``delete`` are
safe to send again and are retried like reads. ``create`` is
not: vTiger has no idempotency key. A create is resent at once only when the
request surely did not reach vTiger (connection refused, 503, 429). After any
other failure (the answer lost: a dropped connection, a gateway's 504) the
record may be saved, so before it is sent again it is looked up by its
markers, the natural key we wrote with it (``VtigerModule.markers``): found,
it is the record the create made, and is adopted. A module without markers
is not resent (``WriteOutcomeUnknownError``), and the next run matches the
record read back from vTiger instead of creating it twice.
"""

from __future__ import annotations

import json
import logging
import typing as t
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType

import httpx

from connectors.base.bodies import records_under, value_under
from connectors.base.client import Pacer, RestClient
from connectors.base.errors import ConnectorError, FatalError
from connectors.base.retry import RetryPolicy
from connectors.base.writes import send_once
from connectors.vtiger.auth import VtigerSession
from connectors.vtiger.errors import AccessDeniedError, check_vtiger_response, webservice_call
from connectors.vtiger.paging import SyncPaginator, VtqlPaginator
from connectors.vtiger.streams import OWNER_FIELD, VtigerModule, module_named
from connectors.vtiger.vtql import Where, select

__all__ = ["ENDPOINT", "SyncPage", "SyncState", "VtigerClient", "markers_of"]

log = logging.getLogger(__name__)

ENDPOINT = "webservice.php"
"""The one URL of the webservice, under the install's base URL."""


@dataclass(frozen=True)
class SyncState:
    """Where an incremental read of one module stands, stored as the (app, entity) cursor.

    ``modified_time``: Unix seconds; the next ``sync`` asks for changes after it.
    It only ever becomes the ``lastModifiedTime`` of a batch already handed
    out, so a read stopped halfway resumes at the next batch.
    """

    modified_time: int = 0

    @classmethod
    def parse(cls, cursor: str | None) -> SyncState:
        """Read a stored cursor (None: from the beginning)."""
        return cls(**json.loads(cursor)) if cursor else cls()

    def dump(self) -> str:
        """The cursor to store."""
        return json.dumps({"modified_time": self.modified_time})


@dataclass(frozen=True)
class SyncPage:
    """One ``sync`` batch: records changed, ids deleted, and the cursor to store once both are stored."""

    module: str
    updated: list[dict[str, t.Any]]
    deleted: list[str]
    cursor: str
    last: bool


def markers_of(module: VtigerModule, element: Mapping[str, t.Any]) -> dict[str, str]:
    """The conditions that find a record made from ``element`` again: its markers that have a value."""
    return {
        name: str(element[name])
        for name in module.markers
        if element.get(name) is not None and str(element[name]).strip()
    }


def _sequence(record_id: str) -> int:
    """The number in a vTiger id (``11x42`` -> 42): later records have larger ones."""
    number = record_id.partition("x")[2]
    return int(number) if number.isdigit() else 0


def _result(body: t.Any) -> t.Any:
    """The ``result`` of a successful envelope (``check_vtiger_response`` has seen ``success: true``)."""
    return value_under(body, "result")


class VtigerClient:
    """Reads and writes one vTiger install through its webservice, as one CRM user.

    ``sync_type`` is vTiger's ``syncType``: ``application`` (every record, the
    default; needs an admin user) or ``user`` (only records assigned to the user).
    """

    def __init__(
        self,
        base_url: str,
        username: str,
        access_key: str,
        *,
        http: httpx.Client | None = None,
        retry: RetryPolicy | None = None,
        pacer: Pacer | None = None,
        sync_type: str = "application",
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.sync_type = sync_type
        self.username = username
        self.session = VtigerSession(f"{base_url.rstrip('/')}/{ENDPOINT}", username, access_key)
        self.rest = RestClient(
            base_url,
            auth=self.session,
            http=http,
            pacer=pacer,
            retry=self.retry,
            check=check_vtiger_response,
            app="vTiger",
            describe=webservice_call,
        )
        # Creates go through a client that never retries by itself: the create decides what may be resent.
        self._once = RestClient(
            base_url,
            auth=self.session,
            http=self.rest.http,
            pacer=pacer,
            retry=RetryPolicy(attempts=1),
            check=check_vtiger_response,
            app="vTiger",
            describe=webservice_call,
        )

    def __repr__(self) -> str:
        return f"VtigerClient({self.rest.base_url!r}, username={self.username!r})"

    def __enter__(self) -> VtigerClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            self.logout()
        except ConnectorError as failure:
            log.warning("vTiger logout failed: %s", failure)
        self.close()

    @property
    def calls(self) -> int:
        """Requests sent through the client so far (retries included, the login handshake not)."""
        return self.rest.calls + self._once.calls

    @property
    def user_id(self) -> str | None:
        """The logged-in user's webservice id (``19x1``), once logged in."""
        return self.session.user_id

    def close(self) -> None:
        """Close connections."""
        self.rest.close()

    # --- plumbing -----------------------------------------------------------------------------

    def _get(self, operation: str, **params: t.Any) -> t.Any:
        return self.rest.call("GET", ENDPOINT, _result, params={"operation": operation, **params})

    def _post(self, operation: str, *, rest: RestClient | None = None, **form: t.Any) -> t.Any:
        # A create goes through ``_once``: a garbled answer is not resent there (see ``create``).
        return (rest or self.rest).call("POST", ENDPOINT, _result, data={"operation": operation, **form})

    def login(self) -> str:
        """Open a session now (calls log in by themselves when needed); returns the user's id."""
        if not self.session.logged_in:
            self.types()
        assert self.session.user_id is not None
        return self.session.user_id

    def logout(self) -> None:
        """End the session, if one is open."""
        if not self.session.logged_in:
            return
        try:
            self._post("logout")
        finally:
            self.session.forget()

    def server_time(self) -> int:
        """vTiger's clock in Unix seconds (``getchallenge`` tells it without a session)."""
        return int(self._get("getchallenge", username=self.username)["serverTime"])

    # --- reading ------------------------------------------------------------------------------

    def types(self) -> list[str]:
        """The modules the user may use (``listtypes``)."""
        return [str(name) for name in self._get("listtypes")["types"]]

    def describe(self, module: str) -> dict[str, t.Any]:
        """A catalogued module's description: fields, mandatory flags, ``idPrefix``."""
        return t.cast(dict[str, t.Any], self._get("describe", elementType=module_named(module).name))

    def query(self, vtql: str) -> list[dict[str, t.Any]]:
        """The rows of one VTQL statement (at most 100); build it with ``connectors.vtiger.vtql.select``."""
        return [dict(row) for row in self._get("query", query=vtql)]

    def query_all(
        self, module: str, where: Where | None = None, columns: Sequence[str] | None = None
    ) -> Iterator[dict[str, t.Any]]:
        """Every row of a module matching ``where``, paging ``LIMIT offset,100`` in id order.

        Names are checked against the catalogue before anything is sent. Rows
        deleted while the pages are read shift later pages; incremental reads
        use ``sync``, which does not have that problem.
        """
        entry = module_named(module)
        # Conditions are copied once, so a generator of them is not used up by the first page.
        where_: Where | None = None
        if isinstance(where, Mapping):
            where_ = dict(where)
        elif where is not None:
            where_ = list(where)
        select(entry, columns=columns, where=where_)  # fail now, not at the first page

        def statement(offset: int) -> str:
            return select(entry, columns=columns, where=where_, offset=offset)

        return self._rows(VtqlPaginator(statement))

    def _rows(self, paginator: VtqlPaginator) -> Iterator[dict[str, t.Any]]:
        for page in self.rest.paginate(
            ENDPOINT,
            paginator=paginator,
            select=lambda body: records_under(body, "result"),
            params={"operation": "query"},
        ):
            yield from page.records

    def retrieve(self, record_id: str) -> dict[str, t.Any]:
        """One record by id; inventory records come with their ``LineItems``."""
        return t.cast(dict[str, t.Any], self._get("retrieve", id=record_id))

    def with_line_items(self, records: Iterable[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
        """Inventory records as ``retrieve`` gives them (``query`` and ``sync`` leave ``LineItems`` out).

        A record deleted since it was listed is left out: its deletion comes
        with the next ``sync``.
        """
        complete: list[dict[str, t.Any]] = []
        for record in records:
            try:
                complete.append(self.retrieve(str(record["id"])))
            except AccessDeniedError:
                log.info("vTiger record %s is gone since it was listed; its deletion comes next sync", record["id"])
        return complete

    def sync(self, module: str, since: str | None = None) -> Iterator[SyncPage]:
        """Every change of a module after the cursor, batch by batch, each with the cursor to store after it.

        Follows ``more`` until vTiger has nothing newer. Inventory records are
        retrieved for their line items. The cursor of the last batch stays one
        second back when that second is still running on vTiger's clock, so a
        change saved later in the same second is read next time, not lost.
        """
        entry = module_named(module)
        if not entry.incremental:
            raise FatalError(f"vTiger {entry.name} has no modified time to sync on; read it with query_all")
        return self._sync(entry, SyncState.parse(since))

    def _sync(self, entry: VtigerModule, state: SyncState) -> Iterator[SyncPage]:
        paginator = SyncPaginator(modified_time=state.modified_time)
        params = {"operation": "sync", "elementType": entry.name, "syncType": self.sync_type}
        for page in self.rest.paginate(
            ENDPOINT, paginator=paginator, select=lambda body: records_under(body, "result", "updated"), params=params
        ):
            deleted = [str(i) for i in page.body["result"].get("deleted") or []]
            updated = self.with_line_items(page.records) if entry.inventory else page.records
            cursor = paginator.modified_time
            if not paginator.has_next_page and (page.records or deleted) and cursor >= self.server_time():
                cursor -= 1
            yield SyncPage(entry.name, updated, deleted, SyncState(cursor).dump(), last=not paginator.has_next_page)

    # --- writing ------------------------------------------------------------------------------

    def _writable(self, module: str) -> VtigerModule:
        entry = module_named(module)
        if not entry.writable:
            raise FatalError(f"vTiger {entry.name} is read only for this connector")
        return entry

    def create(self, module: str, element: dict[str, t.Any]) -> dict[str, t.Any]:
        """Create a record; returns it as vTiger saved it (with its ``id``).

        ``assigned_user_id`` defaults to the logged-in user. After a failure
        that may have followed the save, the record is looked up by its markers
        before it is sent again, and adopted when found (see the module docstring).
        """
        entry = self._writable(module)
        payload = dict(element)
        if entry.incremental and not payload.get(OWNER_FIELD):
            payload[OWNER_FIELD] = self.login()
        form = {"elementType": entry.name, "element": json.dumps(payload)}
        marker = markers_of(entry, payload)

        def send() -> dict[str, t.Any]:
            return t.cast(dict[str, t.Any], self._post("create", rest=self._once, **form))

        def find() -> dict[str, t.Any] | None:
            found = self.find_made(entry.name, marker)
            if found is not None:
                log.info("vTiger create %s: its answer was lost; the record it made is %s", entry.name, found["id"])
            return found

        return send_once(send, find if marker else None, self.retry, what=f"vTiger create {entry.name}")

    def find_made(self, module: str, marker: Mapping[str, str]) -> dict[str, t.Any] | None:
        """The newest record of ``module`` whose fields say ``marker`` (None: there is none), whole.

        How a create whose answer was lost finds the record it made.
        """
        if not marker:
            return None
        entry = module_named(module)
        rows = list(self.query_all(entry.name, where=dict(marker)))
        if not rows:
            return None
        newest = max(rows, key=lambda row: _sequence(str(row["id"])))
        # Query rows leave the lines out: an inventory record is retrieved whole, as create answers it.
        return self.retrieve(str(newest["id"])) if entry.inventory else newest

    def revise(self, element: dict[str, t.Any]) -> dict[str, t.Any]:
        """Change only the fields sent (``element`` carries the ``id``); returns the whole record."""
        if not element.get("id"):
            raise FatalError("vTiger revise needs the record's id")
        return t.cast(dict[str, t.Any], self._post("revise", element=json.dumps(element)))

    def update(self, element: dict[str, t.Any]) -> dict[str, t.Any]:
        """Replace a record with ``element`` (which carries the ``id``): vTiger clears every field not sent.

        Send the whole record, as ``retrieve`` gave it, with the changes over it
        (CompanyDetails: the company's one record).
        """
        if not element.get("id"):
            raise FatalError("vTiger update needs the record's id")
        return t.cast(dict[str, t.Any], self._post("update", element=json.dumps(element)))

    def delete(self, record_id: str) -> None:
        """Delete a record. A resend after a lost answer finds it gone, which counts as done."""
        attempts = 0

        def once() -> t.Any:
            nonlocal attempts
            attempts += 1
            return self._post("delete", rest=self._once, id=record_id)

        try:
            self.retry.call(once)
        except AccessDeniedError:
            if attempts == 1:
                raise
            log.info("vTiger %s was already deleted by an earlier attempt whose answer was lost", record_id)
