"""A Xero sandbox organisation and a real XeroClient wired to it, for the connector's tests."""

from __future__ import annotations

import math
import typing as t
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from connectors.base.client import Pacer
from connectors.base.retry import RetryPolicy
from connectors.base.tokens import MemoryTokenStore, Token
from connectors.xero.auth import XeroAuth, XeroEndpoints
from connectors.xero.client import XeroClient
from connectors.xero.source import XeroSource
from connectors.xero.streams import JOURNALS_PER_CALL, STREAMS, Paging, XeroStream
from datashare.store import Hub
from datashare.sync.extract import ExtractCounts, extract
from sandbox.common.clock import FakeClock
from sandbox.common.faults import FaultPlan
from sandbox.common.transport import InProcessTransport
from sandbox.xero import SAMPLE_CLIENT_ID, SAMPLE_CLIENT_SECRET, OrgBook, RateLimits, XeroState, create_app, seed_sample
from sandbox.xero.auth import ACCOUNTING_SCOPES

ROOMY = RateLimits(per_minute=100_000, per_day=1_000_000, concurrent=50, app_per_minute=1_000_000)
SCOPES = frozenset(ACCOUNTING_SCOPES | {"offline_access", "openid"})
READ_STREAMS = [s for s in STREAMS.values() if s.name != "Organisation"]


@dataclass
class Exchange:
    """One request the connector sent and the answer it got."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    request_body: bytes
    status: int
    response_body: bytes


@dataclass
class Recording(httpx.BaseTransport):
    """A transport that keeps every exchange, for contract checks."""

    inner: httpx.BaseTransport
    exchanges: list[Exchange] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        response = self.inner.handle_request(request)
        content = response.read()
        self.exchanges.append(
            Exchange(
                request.method,
                request.url.path,
                request.url.query.decode(),
                dict(request.headers),
                body,
                response.status_code,
                content,
            )
        )
        return httpx.Response(response.status_code, headers=response.headers, content=content, request=request)


@dataclass
class XeroWorld:
    """A sandbox organisation, the connector pointed at it, and a hub to extract into."""

    state: XeroState
    org: OrgBook
    clock: FakeClock
    faults: FaultPlan
    recording: Recording
    client: XeroClient
    store: MemoryTokenStore

    def count(self, stream: XeroStream) -> int:
        """How many records the sandbox holds in a collection."""
        return len(self.org.table(stream.name))

    def minimum_calls(self, stream: XeroStream, records: int | None = None) -> int:
        """The fewest calls a full read of a collection can take."""
        n = self.count(stream) if records is None else records
        if stream.paging == Paging.NONE:
            return 1
        if stream.paging == Paging.OFFSET:
            return n // JOURNALS_PER_CALL + 1  # only a short page says it is the last
        return max(1, math.ceil(n / self.client.page_size))

    def extract_all(self, hub: Hub, run_id: str, *, full: bool = False) -> dict[str, ExtractCounts]:
        """Extract every collection into the hub's raw staging."""
        return {s.name: extract(hub, XeroSource(self.client, s), run_id, full=full) for s in READ_STREAMS}


def make_world(
    *,
    scale: int = 1,
    limits: RateLimits = ROOMY,
    page_size: int = 1000,
    pacer: Pacer | None = None,
    retry: RetryPolicy | None = None,
    http: httpx.Client | None = None,
    state: XeroState | None = None,
    faults: FaultPlan | None = None,
    scopes: frozenset[str] = SCOPES,
) -> XeroWorld:
    """A seeded Australian organisation and a connected client (in-process unless ``http`` is given)."""
    clock = FakeClock()
    if state is None:
        state = XeroState(clock=clock)
        seed_sample(state, scale=scale, orgs=("au",))
    else:
        clock = t.cast(FakeClock, state.clock)
    org = state.org_named("AU")
    faults = faults or FaultPlan(seed=3)
    recording = Recording(InProcessTransport(create_app(state, faults=faults, limits=limits)))
    answer = state.issue_tokens(tenant_ids=[org.tenant_id], scopes=scopes)
    store = MemoryTokenStore(Token.from_response(answer, clock.now()).with_extra(tenant_id=org.tenant_id))
    endpoints = XeroEndpoints.from_base("http://xero.test")
    auth = XeroAuth(
        store,
        client_id=SAMPLE_CLIENT_ID,
        client_secret=SAMPLE_CLIENT_SECRET,
        token_url=endpoints.token_url,
        now=clock.now,
    )
    client = XeroClient(
        endpoints,
        auth,
        http=http or httpx.Client(transport=recording, follow_redirects=False),
        pacer=pacer if pacer is not None else _no_pacing(),
        retry=retry or RetryPolicy(attempts=8, sleep=lambda seconds: None),
        page_size=page_size,
    )
    return XeroWorld(state, org, clock, faults, recording, client, store)


class _NoPacer:
    def before(self) -> None:
        return None

    def after(self, response: httpx.Response) -> None:
        return None


def _no_pacing() -> Pacer:
    return _NoPacer()


def hub_at(path: Path) -> Iterator[Hub]:
    """A hub file for a test."""
    with Hub.open(path / "tenant.duckdb") as hub:
        yield hub
