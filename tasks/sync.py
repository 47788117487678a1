"""Prefect tasks of the domain flows: one task run per (app, collection) batch, never per record.

Tasks take names and return counts: the records stay in the hub file.
Retries are for transient failures only (timeouts, 429, 5xx); a validation or
mapping problem is never retried (it is a reject, or a failed run with its reason).
"""

from __future__ import annotations

import typing as t
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import Task, task
from prefect.cache_policies import NO_CACHE

from connectors.base.retry import is_transient
from connectors.base.shop import ShopSettings
from connectors.deputy import STREAMS as DEPUTY_STREAMS
from connectors.deputy import DeputySource, deputy_mapper
from connectors.magento import STREAMS as MAGENTO_STREAMS
from connectors.magento import MagentoSink, MagentoSource, magento_mapper
from connectors.neto import STREAMS as NETO_STREAMS
from connectors.neto import NetoSink, NetoSource, neto_mapper
from connectors.neto.source import SITE_TZ as NETO_SITE_TZ
from connectors.salesforce import STREAMS as SALESFORCE_STREAMS
from connectors.salesforce import SalesforceSink, SalesforceSource, salesforce_mapper
from connectors.salesforce.streams import sobject_named
from connectors.shopify import STREAMS as SHOPIFY_STREAMS
from connectors.shopify import ShopifySink, ShopifySource, shopify_mapper
from connectors.vtiger import make_mapper
from connectors.vtiger.sink import VtigerSink
from connectors.vtiger.source import VtigerSource
from connectors.vtiger.streams import MODULES
from connectors.vtiger.tables import read_lookups
from connectors.xero.mapper import xero_mapper
from connectors.xero.payroll import payroll_stream, payroll_streams_for
from connectors.xero.payroll_mapping import payroll_mapper
from connectors.xero.sink import XeroSink
from connectors.xero.source import XeroSource
from connectors.xero.streams import STREAMS
from datashare.config import StockKeeper, Tenant, load_config
from datashare.model import DOMAINS, ENTITIES, UnknownEntityError, with_references
from datashare.store import Hub
from datashare.sync.extract import Source
from datashare.sync.mapping import Mapper
from datashare.sync.push import Sink
from tasks.pull import BatchFailedError, pull_batch, push_batch
from tasks.wiring import Clients, xero_client

__all__ = [
    "Batch",
    "app_task",
    "batches_for",
    "domain_entities",
    "pull_collection",
    "push_entity_to",
    "pushes_for",
    "retry_transient",
    "sink_for",
    "source_and_mapper",
]

# What each app takes from the hub, in reference order.
PUSHES: dict[str, tuple[str, ...]] = {
    "vtiger": ("company", "tax_codes", "organizations", "people", "items", "invoices", "purchase_orders"),
    "salesforce": ("organizations", "people", "items", "invoices"),
    "xero": (
        *("tax_codes", "organizations", "people", "items", "quotes", "invoices", "purchase_orders", "credit_notes"),
        "payments",
        "time_sheets",
    ),
    # The shops take Xero's items (price, and stock where Xero keeps it) on the products they sell.
    "shopify": ("items",),
    "magento": ("items",),
    "neto": ("items",),
}

SHOP_PREFIXES: dict[str, str] = {"shopify": "SHOP-", "magento": "MAG-", "neto": "NETO-"}
"""What goes before a shop's order number to make its Xero invoice number."""

_P = t.ParamSpec("_P")
_R = t.TypeVar("_R")

Batch = tuple[str, str]
"""An (app, collection) pair: what one task run pulls."""


def retry_transient(task: t.Any, task_run: t.Any, state: t.Any) -> bool:
    """Prefect's retry condition: only errors that may pass on their own, and whose request was not retried yet.

    A request is retried where it is sent (``RetryPolicy``: six tries with
    backoff, ``Retry-After`` honoured); an error that comes out of it has spent
    those tries (``attempts``), and running the whole task again would only
    multiply them. The run goes on with its other batches and the next run
    picks this one up from its cursor.
    """
    try:
        state.result()
    except BatchFailedError as failed:
        cause = failed.__cause__
        return cause is not None and is_transient(cause) and not getattr(cause, "attempts", 0)
    except Exception as error:
        return is_transient(error) and not getattr(error, "attempts", 0)
    return False


def app_task(run_name: str) -> t.Callable[[t.Callable[_P, _R]], Task[_P, _R]]:
    """The decorator of a task that calls the apps: retried twice (5 s, then 30 s) on errors that may pass.

    Errors whose requests were already retried by the connector's own policy are not retried again (``retry_transient``).
    """
    return task(
        retries=2,
        retry_delay_seconds=[5, 30],
        retry_condition_fn=retry_transient,
        cache_policy=NO_CACHE,
        task_run_name=run_name,
    )


def _collections(tenant: Tenant, app: str, wanted: set[str]) -> list[tuple[str, str]]:
    """(entity, collection) of what ``app`` can read; Xero's payroll ones only when HR entities are wanted."""
    if app == "xero":
        found = [(s.entities[0], s.name) for s in STREAMS.values()]
        if wanted & set(DOMAINS["hr_payroll"]):
            found += [(s.entities[0], s.name) for s in payroll_streams_for(_xero_country(tenant)).values()]
        return found
    if app == "vtiger":
        return [(m.entities[0], m.name) for m in MODULES.values() if m.entities]
    if app == "deputy":
        return [(s.entities[0], s.name) for s in DEPUTY_STREAMS.values()]
    if app == "salesforce":
        return [(entity, sobject.name) for entity, sobject in SALESFORCE_STREAMS.items()]
    if app == "shopify":
        return [(s.entity, s.name) for s in SHOPIFY_STREAMS.values()]
    if app == "magento":
        return [(s.entity, s.name) for s in MAGENTO_STREAMS.values()]
    if app == "neto":
        return [(s.entities[0], s.name) for s in NETO_STREAMS.values()]
    return []


def domain_entities(domain: str, entities: list[str] | None) -> tuple[list[str], list[str]]:
    """The entities a domain run syncs (``entities``, else the domain's) and those it reads and writes for them.

    What the wanted records point at is read and written too, so none waits
    for another flow's records. Payroll names accounts by code only and never
    a tax code: an HR run reads no lookups (and so no CRM).
    """
    wanted = entities or list(DOMAINS[domain])
    for entity in wanted:
        if entity not in DOMAINS[domain]:
            raise (
                UnknownEntityError(entity)
                if entity not in sum(DOMAINS.values(), ())
                else ValueError(f"{entity} is not part of the {domain} domain ({', '.join(DOMAINS[domain])})")
            )
    return wanted, with_references(wanted, lookups=domain != "hr_payroll")


def _xero_country(tenant: Tenant) -> str:
    """The country of the tenant's Xero organisation (asked once per process)."""
    return str(xero_client(tenant).organisation().get("CountryCode", ""))


def batches_for(tenant: Tenant, entities: t.Iterable[str]) -> list[Batch]:
    """The (app, collection) batches that read ``entities`` for a tenant, in reference order."""
    wanted = set(entities)
    found: list[tuple[int, Batch]] = []
    order = list(ENTITIES)
    for app, link in tenant.apps.items():
        for entity, name in _collections(tenant, app, wanted):
            if entity in wanted and link.direction(entity).to_hub:
                found.append((order.index(entity), (app, name)))
    return [batch for _, batch in sorted(found, key=lambda pair: pair[0])]


def source_and_mapper(tenant: Tenant, app: str, stream: str, clients: Clients | None = None) -> tuple[Source, Mapper]:
    """The reader of one (app, collection) and the mapper of what it reads (``clients``: whose HTTP to use)."""
    clients = clients or Clients(tenant)
    if app == "xero":
        client = clients.xero()
        currency = str(client.organisation()["BaseCurrency"])
        if stream in STREAMS:
            return XeroSource(client, STREAMS[stream]), xero_mapper(currency)
        country = _xero_country(tenant)
        return XeroSource(client, payroll_stream(country, stream)), payroll_mapper(country, currency)
    if app == "deputy":
        return DeputySource(clients.deputy(), DEPUTY_STREAMS[stream]), deputy_mapper()
    if app == "salesforce":
        currency = str(clients.xero().organisation()["BaseCurrency"])  # a single-currency org: the books'
        sobject = sobject_named(stream)
        return SalesforceSource(clients.salesforce(), sobject), salesforce_mapper(currency)
    if app in SHOP_PREFIXES:
        return _shop_source_and_mapper(tenant, app, stream, clients)
    crm = clients.vtiger()
    # Where Xero keeps the stock, vTiger's count is a copy it moves on its own: not read back.
    stock = tenant.apps["vtiger"].stock == StockKeeper.APP
    return VtigerSource(crm, MODULES[stream]), make_mapper(lookups=read_lookups(crm), stock=stock)


def _shop_source_and_mapper(tenant: Tenant, app: str, stream: str, clients: Clients) -> tuple[Source, Mapper]:
    """A shop's stream and mapper: invoices numbered with the shop's prefix, dated in the shop's timezone."""
    link = tenant.apps[app]
    books = str(clients.xero().organisation()["BaseCurrency"])
    zone = ZoneInfo(link.timezone) if link.timezone else None
    if app == "shopify":
        shop = clients.shopify()
        facts = shop.shop()  # the shop says its currency, its timezone and whether prices include tax
        settings = ShopSettings(str(facts.get("currencyCode") or books), SHOP_PREFIXES[app])
        where = zone or ZoneInfo(str(facts.get("ianaTimezone") or "UTC"))
        mapper = shopify_mapper(settings, taxes_included=bool(facts.get("taxesIncluded", True)), zone=where)
        return ShopifySource(shop, SHOPIFY_STREAMS[stream]), mapper
    settings = ShopSettings(books, SHOP_PREFIXES[app])
    if app == "magento":
        store = clients.magento()
        return MagentoSource(store, MAGENTO_STREAMS[stream]), magento_mapper(settings, timezone=zone or UTC)
    site = clients.neto()
    site_tz = zone or NETO_SITE_TZ
    return NetoSource(site, NETO_STREAMS[stream], site_tz=site_tz), neto_mapper(settings, site_tz=site_tz)


@app_task("pull {app} {stream} ({tenant})")
def pull_collection(
    config: str, tenant: str, app: str, stream: str, run_id: str, full: bool = False, since: date | None = None
) -> dict[str, t.Any]:
    """Extract, map and load one (app, collection) batch into the tenant's hub; returns its counts.

    A read without a cursor (the first, or a re-import) starts at ``since``,
    else at the tenant's historical-data cutoff, else at the beginning.
    Any failure is raised as a ``BatchFailedError`` naming app, tenant, collection and endpoint.
    """
    entity = ""
    try:
        settings = load_config(Path(config)).tenant(tenant)
        source, mapper = source_and_mapper(settings, app, stream)
        entity = source.entity
        start = since or settings.historical_data_from
        moment = datetime.combine(start, time(), tzinfo=UTC) if start else None
        with Hub.open(settings.store_path(), tenant=tenant) as hub:
            summary = pull_batch(hub, source, mapper, run_id, full=full, since=moment, policies=settings.policies())
    except Exception as error:
        raise BatchFailedError.of(error, app=app, stream=stream, tenant=tenant, entity=entity) from error
    return summary.row()


def pushes_for(tenant: Tenant, entities: t.Iterable[str]) -> list[Batch]:
    """The (app, entity) pushes a tenant's config allows for ``entities``, in reference order."""
    wanted = set(entities)
    return [
        (app, entity)
        for app, taken in PUSHES.items()
        if app in tenant.apps
        for entity in taken
        if entity in wanted and tenant.apps[app].direction(entity).to_app
    ]


@app_task("push {entity} to {app} ({tenant})")
def push_entity_to(config: str, tenant: str, app: str, entity: str, run_id: str | None = None) -> dict[str, t.Any]:
    """Write the hub's due records of one entity to one app; returns its counts.

    Any failure is raised as a ``BatchFailedError`` naming app, tenant, entity and endpoint.
    """
    try:
        settings = load_config(Path(config)).tenant(tenant)
        with Hub.open(settings.store_path(), tenant=tenant) as hub:
            sink = sink_for(settings, app, hub)
            summary = push_batch(hub, sink, entity, run_id, settings)
    except Exception as error:
        raise BatchFailedError.of(error, app=app, stream="push", tenant=tenant, entity=entity) from error
    return summary.row()


def sink_for(tenant: Tenant, app: str, hub: Hub, clients: Clients | None = None) -> Sink:
    """The writer of an app, with what it needs to know of the hub (``clients``: whose HTTP to use)."""
    clients = clients or Clients(tenant)
    if app == "vtiger":
        keeper = tenant.apps["vtiger"].stock
        return VtigerSink(clients.vtiger(), hub=hub, xero_keeps_stock=keeper == StockKeeper.XERO)
    if app == "salesforce":
        currency = str(clients.xero().organisation()["BaseCurrency"])
        return SalesforceSink(clients.salesforce(), currency=currency, hub=hub)
    if app in SHOP_PREFIXES:
        # Xero keeps the count unless the tenant chose the shop as its inventory app.
        keeps = tenant.apps[app].stock == StockKeeper.XERO
        if app == "shopify":
            return ShopifySink(clients.shopify(), xero_keeps_stock=keeps, hub=hub)
        if app == "magento":
            return MagentoSink(clients.magento(), xero_keeps_stock=keeps, hub=hub)
        return NetoSink(clients.neto(), xero_keeps_stock=keeps, hub=hub)
    return XeroSink(clients.xero(), hub)
