"""Pulling an app into a tenant's hub: extract, map and load each entity, in reference order.

Each step works on one (app, collection) batch; records never leave the step
that handles them. The Prefect tasks of the domain flows wrap these.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from connectors.vtiger import VtigerClient, make_mapper
from connectors.vtiger.source import VtigerSource
from connectors.vtiger.streams import MODULES
from connectors.vtiger.tables import read_lookups
from connectors.xero.client import XeroClient
from connectors.xero.mapper import xero_mapper
from connectors.xero.source import XeroSource
from connectors.xero.streams import STREAMS
from datashare.config import Tenant
from datashare.model import ENTITIES
from datashare.store import Hub
from datashare.sync.extract import Source, extract
from datashare.sync.load import load_mapped
from datashare.sync.mapping import Mapper, map_staged
from datashare.sync.merge import Policy
from datashare.sync.push import RETRIES, Retries, Sink, push_entity

__all__ = ["BatchSummary", "pull_batch", "pull_vtiger", "pull_xero", "push_batch", "retries_for"]


@dataclass
class BatchSummary:
    """What one (app, collection) batch did, for the run's summary table."""

    app: str
    stream: str
    entity: str
    read: int = 0
    mapped: int = 0
    rejected: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0
    deleted: int = 0
    waiting: int = 0
    skipped: int = 0
    conflicts: int = 0
    attention: int = 0  # records that failed too often: left alone until a person asks for a retry
    notes: str = ""  # the commonest reasons records were skipped, waited or failed

    def row(self) -> dict[str, object]:
        """As a row of the summary table."""
        return asdict(self)


def retries_for(tenant: Tenant) -> Retries:
    """How the tenant's refused records are tried again, as its config says."""
    return Retries(
        attempts=tenant.retries.attempts,
        first=timedelta(minutes=tenant.retries.first_wait_minutes),
        longest=timedelta(hours=tenant.retries.longest_wait_hours),
    )


def pull_batch(
    hub: Hub,
    source: Source,
    mapper: Mapper,
    run_id: str,
    *,
    full: bool = False,
    since: datetime | None = None,
    policies: dict[str, Policy] | None = None,
) -> BatchSummary:
    """Extract one collection (from ``since`` when it has no cursor), map what was staged, load it into the hub.

    ``policies`` settle conflicts per entity (the tenant's; newest wins where none is named).
    """
    summary = BatchSummary(source.app, source.stream, source.entity)
    extracted = extract(hub, source, run_id, full=full, since=since)
    read_until = hub.now()
    # Only this collection's records: an entity read from two collections (journals) is mapped per collection.
    mapped = map_staged(hub, source.app, source.entity, run_id, mapper, stream=source.stream)
    loaded = load_mapped(
        hub, source.app, mapped.mapped, {source.entity: mapped.deleted}, policies=policies, run_id=run_id
    )
    hub.mark_loaded(source.app, source.entity, read_until, stream=source.stream)
    summary.read = extracted.read + extracted.deleted
    summary.mapped = len(mapped.mapped)
    summary.rejected = extracted.rejected + mapped.rejected
    summary.created, summary.updated, summary.unchanged = loaded.created, loaded.updated, loaded.unchanged
    summary.linked, summary.deleted, summary.conflicts = loaded.linked, loaded.deleted, loaded.conflicts
    return summary


def _order(entity: str) -> int:
    return list(ENTITIES).index(entity)


def pull_xero(hub: Hub, client: XeroClient, run_id: str, *, full: bool = False) -> list[BatchSummary]:
    """Every Xero collection into the hub, in reference order."""
    currency = str(client.organisation()["BaseCurrency"])
    mapper = xero_mapper(currency)
    streams = sorted(STREAMS.values(), key=lambda s: _order(s.entities[0]))
    return [pull_batch(hub, XeroSource(client, s), mapper, run_id, full=full) for s in streams]


def pull_vtiger(hub: Hub, client: VtigerClient, run_id: str, *, full: bool = False) -> list[BatchSummary]:
    """Every vTiger module we map into the hub, in reference order."""
    mapper = make_mapper(lookups=read_lookups(client))
    modules = sorted((m for m in MODULES.values() if m.entities), key=lambda m: _order(m.entities[0]))
    return [pull_batch(hub, VtigerSource(client, m), mapper, run_id, full=full) for m in modules]


def push_batch(
    hub: Hub, sink: Sink, entity: str, run_id: str | None = None, tenant: Tenant | None = None
) -> BatchSummary:
    """Write the hub's due records of ``entity`` to the sink's app, by the tenant's settings when given.

    The tenant's settings: no record dated before its historical-data cutoff,
    and refused records tried again as its ``retries`` say.
    """
    history_from = tenant.historical_data_from if tenant is not None else None
    retries = retries_for(tenant) if tenant is not None else RETRIES
    counts = push_entity(hub, sink, entity, run_id, history_from=history_from, retries=retries)
    summary = BatchSummary(sink.app, "push", entity, read=counts.due)
    summary.created, summary.updated, summary.waiting = counts.created, counts.updated, counts.waiting
    summary.rejected, summary.skipped, summary.unchanged = counts.failed, counts.skipped, counts.unchanged
    notes = [f"{reason} ({n})" for reason, n in counts.reasons.most_common(3)]
    summary.attention = counts.attention
    if counts.attention:
        notes.insert(0, f"{counts.attention} need attention: failed too often, not sent again until `datashare retry`")
    summary.notes = "; ".join(notes)
    return summary
