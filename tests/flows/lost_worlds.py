"""A sandbox where writes are applied and then their answers lost, and a hub whose records are pushed into it.

A sandbox of the test's own is served on a loopback port, with the demo-au
tenant on it (its Xero connected); every app we write to (Xero, vTiger,
Salesforce and the three shops, the AU ones) gets its real sink on a client
that retries at once. The hub is a real DuckDB file; records are pushed by the
engine's ``push_entity``, again and again until nothing is due, as the next
runs would.
"""

from __future__ import annotations

import typing as t
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from connectors.base.retry import RetryPolicy
from connectors.base.tokens import MemoryTokenStore, Token
from connectors.magento import MagentoClient
from connectors.magento.sink import MagentoSink
from connectors.neto import NetoClient
from connectors.neto.sink import NetoSink
from connectors.salesforce import DEFAULT_VERSION, SalesforceAuth, SalesforceClient
from connectors.salesforce.sink import SalesforceSink
from connectors.shopify import ShopifyClient
from connectors.shopify.sink import ShopifySink
from connectors.vtiger import VtigerClient
from connectors.vtiger.sink import VtigerSink
from connectors.xero.client import XeroClient, xero_pacer
from connectors.xero.mapper import xero_mapper
from connectors.xero.sink import XeroSink
from connectors.xero.source import XeroSource
from connectors.xero.streams import STREAMS as XERO_STREAMS
from datashare.config import Tenant, load_config
from datashare.model import (
    Address,
    Addresses,
    Amount,
    CanonicalModel,
    DocumentLine,
    DocumentStatus,
    Invoice,
    InvoiceType,
    Item,
    Organization,
)
from datashare.store import Hub
from datashare.sync.push import PushCounts, Retries, Sink, push_entity
from sandbox.common.faults import Fault, FaultPlan
from sandbox.common.serve import serve_in_thread
from sandbox.magento import SAMPLE_TOKEN as MAGENTO_TOKEN
from sandbox.neto import SAMPLE_KEY as NETO_KEY
from sandbox.neto import SAMPLE_USERNAME as NETO_USERNAME
from sandbox.salesforce import SAMPLE_CLIENT_ID as SALESFORCE_CLIENT_ID
from sandbox.salesforce import SAMPLE_CLIENT_SECRET as SALESFORCE_SECRET
from sandbox.salesforce import SAMPLE_REFRESH_TOKEN
from sandbox.server import Sandbox, build_sandbox
from sandbox.shopify import SAMPLE_TOKEN as SHOPIFY_TOKEN
from sandbox.vtiger import SAMPLE_ACCESS_KEY, SAMPLE_USERNAME
from tasks.pull import pull_batch
from tasks.wiring import xero_auth, xero_endpoints, xero_link
from tests.flows.conftest import ROOMY, connected_tenant_config
from tests.seed_moments import SEEDED_AT

__all__ = [
    "LOST",
    "LostWorld",
    "brought_in",
    "held_once",
    "invoices",
    "items",
    "lost_world",
    "organizations",
    "shop_items",
    "shop_stock",
    "writes_of",
]

LOST = 0.1
"""The share of writes applied whose answer is lost."""

# Retries at once: a test has no time to wait out back-offs (the pushes after a failure run at once too).
FAST = RetryPolicy(attempts=6, sleep=lambda _: None)
AT_ONCE = Retries(first=timedelta(0), longest=timedelta(0))
AUD = "AUD"


def writes_of(app: str, rate: float = LOST, status: int | None = None) -> list[Fault]:
    """Rules that lose the answers to ``rate`` of an app's writes (and to none of its reads or logins).

    ``status``: a gateway answers it after the write (None: the connection drops mid-answer).
    """
    lost: dict[str, t.Any] = {"lost_answer_rate": rate, "lost_answer_status": status}
    if app == "xero":
        return [Fault(path=r"/api\.xro/|/payroll\.xro/", method=m, **lost) for m in ("PUT", "POST")]
    if app == "vtiger":
        writes = r"operation=(create|revise|update|delete)\b"
        return [Fault(path=r"/webservice\.php$", method="POST", body=writes, **lost)]
    if app == "salesforce":
        return [Fault(path=r"/composite/sobjects", method=m, **lost) for m in ("POST", "PATCH", "DELETE")]
    if app == "shopify":
        return [Fault(path=r"/graphql\.json$", method="POST", body=r'"query":\s*"(?:\\n|\s)*mutation', **lost)]
    if app == "magento":
        return [Fault(path=r"/V1/", method=m, **lost) for m in ("PUT", "POST")]
    if app == "neto":
        return [Fault(path=r"/do/WS/NetoAPI$", method="POST", header=("NETOAPI_ACTION", r"^(Add|Update)"), **lost)]
    raise KeyError(app)


@dataclass
class LostWorld:
    """A sandbox of the test's own on loopback, a tenant on it, a hub, and each app's sink."""

    sandbox: Sandbox
    url: str
    tenant: Tenant
    hub: Hub

    def plan(self, app: str) -> FaultPlan:
        """The fault plan of an app's emulator (the AU one)."""
        return self.sandbox.faults["xero" if app == "xero" else f"{app}/au"]

    def lose_answers(self, app: str, *, seed: int, rate: float = LOST, status: int | None = None) -> FaultPlan:
        """From now on, ``rate`` of the app's writes are applied and their answers lost (seeded; see ``writes_of``)."""
        plan = self.plan(app)
        plan.reseed(seed)
        plan.set(*writes_of(app, rate, status))
        return plan

    def sink(self, app: str) -> Sink:
        """The app's real sink, on clients that retry at once."""
        if app == "xero":
            link = xero_link(self.tenant)
            pacer = xero_pacer(limit_per_minute=100_000)  # the sandbox's limits are roomy: no waiting
            client = XeroClient(xero_endpoints(link), xero_auth(self.tenant), retry=FAST, pacer=pacer)
            return XeroSink(client, self.hub)
        if app == "vtiger":
            client = VtigerClient(f"{self.url}/vtiger/au", SAMPLE_USERNAME, SAMPLE_ACCESS_KEY, retry=FAST)
            return VtigerSink(client, hub=self.hub)
        if app == "salesforce":
            # Connected as an admin would: the org's refresh token; the access token is got on first use.
            tokens = MemoryTokenStore(Token("not-yet", SAMPLE_REFRESH_TOKEN, now()))
            auth = SalesforceAuth(
                tokens,
                client_id=SALESFORCE_CLIENT_ID,
                client_secret=SALESFORCE_SECRET,
                token_url=f"{self.url}/salesforce/au/services/oauth2/token",
                tenant=self.tenant.name,
            )
            base = f"{self.url}/salesforce/au"
            client = SalesforceClient(auth, instance_url=base, version=DEFAULT_VERSION, retry=FAST)
            return SalesforceSink(client, currency=AUD, hub=self.hub)
        if app == "shopify":
            return ShopifySink(ShopifyClient(f"{self.url}/shopify/au", SHOPIFY_TOKEN, retry=FAST), hub=self.hub)
        if app == "magento":
            return MagentoSink(MagentoClient(f"{self.url}/magento/au", token=MAGENTO_TOKEN, retry=FAST), hub=self.hub)
        if app == "neto":
            client = NetoClient(f"{self.url}/neto/au", NETO_KEY, NETO_USERNAME, retry=FAST)
            return NetoSink(client, hub=self.hub)
        raise KeyError(app)

    def pull_xero(self, *names: str) -> None:
        """Read some Xero collections into the hub, as a run does before it pushes."""
        client = t.cast(XeroSink, self.sink("xero")).client
        mapper = xero_mapper(AUD)
        for name in names:
            pull_batch(self.hub, XeroSource(client, XERO_STREAMS[name]), mapper, "pull")

    def settle(self, sink: Sink, *entities: str, rounds: int = 6) -> dict[str, list[PushCounts]]:
        """Push each entity again and again (as the next runs would) until nothing is due; what each push did."""
        done: dict[str, list[PushCounts]] = {}
        for entity in entities:
            done[entity] = []
            for _ in range(rounds):
                counts = push_entity(self.hub, sink, entity, "lost", retries=AT_ONCE)
                done[entity].append(counts)
                if counts.due == 0:
                    break
        return done

    def remote_ids(self, app: str, entity: str, ids: Iterable[UUID | None]) -> dict[UUID, str]:
        """The app's ids the hub's id map holds for these hub records."""
        rows = self.hub.query(
            "SELECT hub_id, remote_id FROM id_map WHERE app = ? AND entity = ? AND remote_id IS NOT NULL "
            "AND list_contains(CAST(? AS UUID[]), hub_id)",
            app,
            entity,
            [str(i) for i in ids],
        )
        return {hub_id: str(remote) for hub_id, remote in rows}


@contextmanager
def lost_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LostWorld]:
    """A sandbox of the test's own on loopback, the demo-au tenant on it with Xero connected, and an empty hub."""
    sandbox = build_sandbox(limits=ROOMY, seeded_at=SEEDED_AT)
    with serve_in_thread(sandbox.app) as url:
        config = connected_tenant_config(tmp_path, url, monkeypatch)
        tenant = load_config(config).tenant("demo-au")
        with Hub.open(tmp_path / "lost.duckdb") as hub:
            yield LostWorld(sandbox, url, tenant, hub)


def organizations(count: int, prefix: str = "Lost Answer Traders") -> list[Organization]:
    """New customers, each with a billing street (vTiger wants one on their invoices)."""
    return [
        Organization(
            id=uuid4(),
            name=f"{prefix} {n:02d}",
            is_customer=True,
            email=f"accounts{n:02d}@lost.example",
            address=Addresses(billing=Address(line1=f"{n} Wire St", city="Sydney", country="AU")),
        )
        for n in range(count)
    ]


def items(count: int, prefix: str = "LOST") -> list[Item]:
    """New items with a sale price."""
    return [
        Item(
            id=uuid4(),
            code=f"{prefix}-{n:03d}",
            name=f"Lost answer gadget {n:02d}",
            sale_price=Amount(currency=AUD, net_amount=Decimal(10 + n)),
        )
        for n in range(count)
    ]


def invoices(customers: list[Organization], goods: list[Item], count: int, *, approved: bool = False) -> list[Invoice]:
    """Customer invoices, each for one customer and one item: drafts, or every other one AUTHORISED."""
    return [
        Invoice(
            id=uuid4(),
            type=InvoiceType.CUSTOMER,
            transaction_number=f"LOST-{n:04d}",
            transaction_date=date(2026, 3, 1),
            due_date=date(2026, 3, 31),
            organization_id=customers[n % len(customers)].id,
            currency=AUD,
            status=DocumentStatus.AUTHORISED if approved and n % 2 == 0 else DocumentStatus.DRAFT,
            lines=[
                DocumentLine(
                    item_id=goods[n % len(goods)].id,
                    description=f"line of {n}",
                    quantity=Decimal(1 + n % 3),
                    unit_price=Amount(currency=AUD, net_amount=Decimal(10 + n % len(goods))),
                )
            ],
        )
        for n in range(count)
    ]


def held_once(names: Iterable[str], wanted: Iterable[str]) -> dict[str, int]:
    """Of the ``wanted`` natural keys, those the app does not hold exactly once, with how often it holds them."""
    counted = Counter(names)
    return {key: counted[key] for key in wanted if counted[key] != 1}


def brought_in(hub: Hub, *batches: Sequence[CanonicalModel], app: str = "salesforce") -> None:
    """Records another app brought into the hub, a batch per entity (they are due to every other app)."""
    for batch in batches:
        hub.upsert_records(list(batch), source=app)


def now() -> datetime:
    """The machine's clock (the sandbox runs on it after its seeding moment)."""
    return datetime.now(UTC)


def shop_stock(sandbox: Sandbox, shop: str) -> dict[str, tuple[Decimal, Decimal | None]]:
    """Each product the shop sells on its own: SKU -> (price, count on hand), as the shop holds them."""
    if shop == "shopify":
        state = sandbox.shopify["au"]
        return {
            str(v.sku): (Decimal(v.price), Decimal(sum(v.levels.values())) if v.tracked else None)
            for p in state.products.values()
            for v in p.variants
            if v.sku
        }
    if shop == "magento":
        rows = sandbox.magento["au"].tables["products"].values()
        return {
            str(r["sku"]): (Decimal(r["price"]), Decimal(str(r["extension_attributes"]["stock_item"]["qty"])))
            for r in rows
            if r["type_id"] == "simple"
        }
    rows = sandbox.neto["au"].tables["Item"].values()
    return {
        str(r["SKU"]): (Decimal(r["DefaultPrice"]), sum(Decimal(w["Quantity"]) for w in r["WarehouseQuantity"]))
        for r in rows
    }


def shop_items(sandbox: Sandbox, shop: str) -> list[Item]:
    """Xero items for every product the shop sells, each with a new price and a new count (Xero keeps the stock)."""
    return [
        Item(
            id=uuid4(),
            code=sku,
            name=f"Item {sku}",
            sale_price=Amount(currency=AUD, net_amount=price + 1),
            is_inventoried=True,
            quantity_on_hand=Decimal(7),
        )
        for sku, (price, _) in sorted(shop_stock(sandbox, shop).items())
        if len(sku) <= 30  # what Xero's item codes can hold
    ]
