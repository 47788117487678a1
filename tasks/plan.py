"""Plans: a tenant's domain runs played in a scratch copy of its hub, every write answered and none sent.

The steps are a run's own (``batches_for`` and ``pull_batch``, the domain's
step before the pushes, ``pushes_for`` and ``push_entity`` through
``sink_for``'s sinks), in the same order; only the hub (a scratch copy) and
the clients' HTTP (``Clients`` with a ``WriteBook``: reads reach the apps,
writes are answered) differ. ``datashare.sync.plan`` says what the plan
holds and why it is exact.
"""

from __future__ import annotations

import typing as t
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from uuid import UUID

from connectors.base.dry_run import WriteBook
from datashare.config import Tenant, load_config
from datashare.store import Hub
from datashare.sync.plan import Plan, PlannedRecord, before_pull, describe, linked_since, outcome_of, scratch_hub
from datashare.sync.push import PushResult, push_entity
from datashare.sync.timesheets import roll_up_time
from tasks.hr import read_payroll_gate
from tasks.pull import pull_batch
from tasks.sync import app_task, batches_for, domain_entities, pushes_for, sink_for, source_and_mapper
from tasks.wiring import Clients

__all__ = ["DOMAIN_ORDER", "make_plan", "plan_domain"]

DOMAIN_ORDER = ("crm_sales", "accounting", "hr_payroll")
"""The domains in the order ``sync_all`` runs them for a tenant (a plan of all of them follows it)."""

# What a domain's run does between its pulls and its pushes (the HR flow's ``roll_up_shifts``, on the hub).
_BEFORE_PUSH: dict[str, Callable[[Hub, str], object]] = {"hr_payroll": roll_up_time}


def make_plan(
    config: str,
    tenant: str,
    domains: Sequence[str] = DOMAIN_ORDER,
    *,
    entities: list[str] | None = None,
    full: bool = False,
    since: date | None = None,
    keep: Path | None = None,
) -> Plan:
    """What runs of ``domains`` (one after another) would do for ``tenant`` now; nothing is written to any app.

    ``entities`` narrows each domain to those of its entities (as a flow's
    ``entities``); ``full`` and ``since`` are a re-import's. ``keep``: a
    directory to leave the scratch hub in (else it is removed).
    """
    settings = load_config(Path(config)).tenant(tenant)
    book = WriteBook()
    clients = Clients(settings, book)
    plan = Plan(tenant, list(domains))
    Hub.refuse_if_lost(settings.store_path(), tenant)  # a lost hub is restored first, not planned for afresh
    with scratch_hub(settings.store_path(), keep) as path:
        for domain in domains:
            chosen = [e for e in entities if e in domain_entities(domain, None)[0]] if entities else None
            if entities and not chosen:
                continue
            _plan_domain(plan, settings, clients, path, domain, chosen, full=full, since=since)
    plan.writes_kept = dict(Counter(w.app for w in book.writes))
    return plan


def _plan_domain(
    plan: Plan,
    tenant: Tenant,
    clients: Clients,
    path: Path,
    domain: str,
    entities: list[str] | None,
    *,
    full: bool,
    since: date | None,
) -> None:
    """One domain's run in the scratch hub at ``path``, its outcomes added to ``plan``."""
    if domain == "hr_payroll":
        gate = read_payroll_gate(tenant, clients.xero())
        if not gate.open:
            plan.skipped_domains[domain] = gate.reason
            return
    _, needed = domain_entities(domain, entities)
    run_id = f"plan-{domain}-{tenant.name}"
    start = since or tenant.historical_data_from
    moment = datetime.combine(start, time(), tzinfo=UTC) if start else None
    with Hub.open(path) as hub:
        for app, stream in batches_for(tenant, needed):
            source, mapper = source_and_mapper(tenant, app, stream, clients)
            # A collection may load records of other entities too (the customers on a shop's orders).
            before = {entity: before_pull(hub, app, entity) for entity in needed}
            pull_batch(hub, source, mapper, run_id, full=full, since=moment)
            links = [
                (entity, PushResult(hub_id, True, remote))
                for entity, state in before.items()
                for hub_id, remote in linked_since(hub, app, entity, state)
            ]
            plan.records += _planned(hub, app, links, outcome="link")
        if domain in _BEFORE_PUSH:
            _BEFORE_PUSH[domain](hub, run_id)
        for app, entity in pushes_for(tenant, needed):
            counts = push_entity(
                hub, sink_for(tenant, app, hub, clients), entity, run_id, history_from=tenant.historical_data_from
            )
            plan.records += _planned(hub, app, counts.results, pushed=entity)


def _planned(
    hub: Hub, app: str, results: list[tuple[str, PushResult]], *, outcome: str | None = None, pushed: str = ""
) -> list[PlannedRecord]:
    """The results as planned records (``outcome``: the same for all, else each result's), labelled from the hub.

    ``pushed``: the entity pushed; a result of another entity was carried along by its write.
    """
    by_entity: dict[str, list[UUID]] = {}
    for entity, result in results:
        by_entity.setdefault(entity, []).append(result.hub_id)
    labels = {entity: describe(hub, entity, ids) for entity, ids in by_entity.items()}
    out = []
    for entity, result in results:
        label, source = labels[entity][result.hub_id]
        reason = None if outcome else result.error
        out.append(
            PlannedRecord(
                app,
                entity,
                str(result.hub_id),
                outcome or outcome_of(result),
                reason,
                label=label,
                source=source,
                carried_by=pushed if pushed and entity != pushed else None,
            )
        )
    return out


@app_task("plan {domain} ({tenant})")
def plan_domain(
    config: str, tenant: str, domain: str, entities: list[str] | None, full: bool, since: date | None
) -> dict[str, t.Any]:
    """A domain run's plan for one tenant (nothing written to any app): ``Plan.as_dict`` and its Markdown page."""
    plan = make_plan(config, tenant, [domain], entities=entities, full=full, since=since)
    return {**plan.as_dict(), "markdown": plan.markdown()}
