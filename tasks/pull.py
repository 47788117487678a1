"""Pulling an app into a tenant's hub: extract, map and load each entity, in reference order.

Each step works on one (app, collection) batch; records never leave the step
that handles them. The Prefect tasks of the domain flows wrap these.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from connectors.base.errors import ConnectorError
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
from datashare.redact import redact_text
from datashare.store import Hub
from datashare.sync.extract import Source, extract
from datashare.sync.load import load_mapped
from datashare.sync.mapping import Mapper, map_staged
from datashare.sync.merge import Policy
from datashare.sync.push import RETRIES, Retries, Sink, push_entity

__all__ = [
    "BatchFailedError",
    "BatchSummary",
    "pull_batch",
    "pull_vtiger",
    "pull_xero",
    "push_batch",
    "retries_for",
]

_REASON_SHOWN = 400  # a reason fits a summary row and a log line


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


class BatchFailedError(RuntimeError):
    """One batch of a tenant's run failed: says which (app, collection or push, tenant), where, and why, in one line.

    ``reason``: what went wrong (the vendor's error names the app and the
    endpoint); ``endpoint``: the request it came from, when one did;
    ``attempts``: how often that request was sent before its retries were spent.
    """

    def __init__(
        self,
        message: str,
        *,
        app: str = "",
        stream: str = "",
        entity: str = "",
        tenant: str = "",
        reason: str = "",
        endpoint: str | None = None,
        attempts: int = 0,
    ) -> None:
        super().__init__(message)
        self.app, self.stream, self.entity, self.tenant = app, stream, entity, tenant
        self.reason, self.endpoint, self.attempts = reason or message, endpoint, attempts

    @classmethod
    def of(cls, error: BaseException, *, app: str, stream: str, tenant: str, entity: str = "") -> BatchFailedError:
        """The failure of a batch (``stream`` "push" for a push of ``entity``) that ``error`` ended."""
        endpoint = getattr(error, "endpoint", None)
        attempts = int(getattr(error, "attempts", 0) or 0)
        said = str(error).strip()
        # An app's error is a sentence naming app and endpoint; anything else needs its type (a KeyError says 'x').
        reason = said if isinstance(error, ConnectorError) and said else f"{type(error).__name__}: {said}".rstrip(": ")
        if endpoint and endpoint.partition(" ")[2] not in reason:  # the path, when the reason has no URL
            reason += f" (at {endpoint})"
        if attempts > 1:
            reason += f" (gave up after {attempts} attempts)"
        reason = redact_text(" ".join(reason.split()))
        if len(reason) > _REASON_SHOWN:
            reason = reason[: _REASON_SHOWN - 1] + "…"
        what = f"push {entity} to {app}" if stream == "push" else f"{app} {stream}"
        return cls(
            f"{what} for tenant {tenant}: {reason}",
            app=app,
            stream=stream,
            entity=entity,
            tenant=tenant,
            reason=reason,
            endpoint=endpoint,
            attempts=attempts,
        )

    def row(self) -> dict[str, object]:
        """The batch's row of the summary table: nothing counted, ``notes`` saying it failed and why."""
        return BatchSummary(self.app, self.stream, self.entity, notes=f"failed: {self.reason}").row()


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
