"""What every domain flow does: pull the domain's entities batch by batch, one tenant at a time, with artifacts.

A batch that fails (after its requests' retries) does not stop the run: its
summary row says "failed: <why>", the later batches and the pushes go on
(records that need what failed wait, as they do for any missing reference),
and the run ends Failed naming each failed batch.
"""

from __future__ import annotations

import contextlib
import typing as t
from datetime import date
from pathlib import Path

from prefect import get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.client.orchestration import get_client
from prefect.exceptions import ObjectNotFound
from prefect.runtime import flow_run

from datashare.config import Tenant, load_config
from datashare.dashboard import main_figures_markdown
from datashare.store import Hub
from flows import progress
from flows.attention import report_attention
from flows.snapshot import snapshot_hub
from flows.tenant_slot import slot_name, tenant_slot
from tasks.plan import plan_domain
from tasks.pull import BatchFailedError
from tasks.sync import batches_for, domain_entities, pull_collection, push_entity_to, pushes_for

__all__ = ["DEFAULT_CONFIG", "RunFailedError", "run_domain", "tenant_lock"]

DEFAULT_CONFIG = "datashare.toml"
SUMMARY_COLUMNS = (
    "app",
    "stream",
    "entity",
    "read",
    "mapped",
    "rejected",
    "created",
    "updated",
    "unchanged",
    "linked",
    "deleted",
    "waiting",
    "skipped",
    "attention",
    "conflicts",
    "notes",
)


class RunFailedError(RuntimeError):
    """Some batches of a domain run failed (the others completed): the message names each, one per line.

    ``failures``: one line per failed batch; ``rows``: the run's summary rows, the failed ones included.
    """

    def __init__(
        self, message: str, *, failures: list[str] | None = None, rows: list[dict[str, t.Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.failures = failures or []
        self.rows = rows or []


def tenant_lock(settings: Tenant) -> t.ContextManager[None]:
    """Hold the tenant's place: its runs never overlap, and one that died frees it at once (``flows.tenant_slot``)."""
    return tenant_slot(settings.name, settings.store_path())


def free_tenant_lock(tenant: str) -> None:
    """Drop the tenant's slot, for a caller that knows none of its runs is going on (the demo, starting afresh).

    A slot taken by some other means than ``tenant_lock`` (by hand, or by an
    older datashare) is kept until the server revokes its lease, which a
    temporary local server never does; the next run would wait.
    """
    with get_client(sync_client=True) as client, contextlib.suppress(ObjectNotFound):  # none yet: nothing held
        client.delete_global_concurrency_limit_by_name(slot_name(tenant))


def _plan(
    domain: str, tenant: str, entities: list[str] | None, *, full: bool, since: date | None, config: str
) -> list[dict[str, t.Any]]:
    """The run's plan as an artifact; its counts. The tenant's slot is held so the hub is copied whole."""
    with tenant_lock(load_config(Path(config)).tenant(tenant)):
        made = plan_domain(config, tenant, domain, entities, full, since)
    create_markdown_artifact(
        made["markdown"],
        key=f"{_slug(f'{domain}-{tenant}')}-plan",
        description=f"{domain} for {tenant}: what a run would write to each app (nothing was written)",
    )
    get_run_logger().info("plan of %s for %s: %s", domain, tenant, made["writes_kept"] or "nothing to write")
    return t.cast(list[dict[str, t.Any]], made["counts"])


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def run_domain(
    domain: str,
    tenant: str,
    entities: t.Sequence[str] | None,
    *,
    full: bool = False,
    since: date | None = None,
    config: str = DEFAULT_CONFIG,
    before_push: t.Callable[[str, str, str], dict[str, t.Any]] | None = None,
    plan: bool = False,
) -> list[dict[str, t.Any]]:
    """Sync a domain's entities (or the ``entities`` given) for one tenant; leaves summary and rejects artifacts.

    ``full`` reads everything again (``since``: everything changed after that day).
    ``before_push`` (a task taking config, tenant and run id) runs between the
    pulls and the pushes, and adds its row to the summary. ``plan``: write
    nothing anywhere; leave the plan of the run (``tasks.plan``) as a Markdown
    artifact, and return its counts per app and entity.
    """
    logger = get_run_logger()
    settings = load_config(Path(config)).tenant(tenant)
    entities = list(entities or ()) or None  # the flows' choices, as plain names
    wanted, needed = domain_entities(domain, entities)
    if plan:
        return _plan(domain, tenant, entities, full=full, since=since, config=config)
    run_id = str(flow_run.get_id() or f"{domain}-{tenant}")
    batches = batches_for(settings, needed)
    rows: list[dict[str, t.Any]] = []
    failures: list[str] = []
    with tenant_lock(settings):
        with Hub.open(settings.store_path(), tenant=tenant) as hub:
            hub.start_run(
                run_id, domain, {"tenant": tenant, "entities": wanted, "full": full, "since": str(since or "")}
            )
        try:
            pushes = pushes_for(settings, needed)
            progress.planned(tenant, domain, len(batches) + len(pushes) + (before_push is not None))

            def step(name: str, run: t.Callable[..., dict[str, t.Any]], *args: t.Any) -> None:
                progress.began(tenant, domain, name)
                try:
                    row = run(config, tenant, *args)
                except BatchFailedError as failed:  # this batch only: the run goes on with the others
                    logger.error("%s", failed)
                    failures.append(str(failed))
                    row = failed.row()
                rows.append(row)
                progress.done(tenant, domain, row)

            for app, stream in batches:
                step(f"pull {app} {stream}", pull_collection, app, stream, run_id, full, since)
            if before_push is not None:
                step("before the pushes", before_push, run_id)
            for app, entity in pushes:
                step(f"push {entity} to {app}", push_entity_to, app, entity, run_id)
        except Exception as error:
            with Hub.open(settings.store_path(), tenant=tenant) as hub:
                hub.finish_run(run_id, "FAILED", {"error": str(error), "failed": failures, "batches": rows})
            raise
        with Hub.open(settings.store_path(), tenant=tenant) as hub:
            if failures:
                hub.finish_run(run_id, "FAILED", {"failed": failures, "batches": rows})
            else:
                hub.finish_run(run_id, "COMPLETED", rows)
            rejects = hub.query(
                "SELECT app, entity, remote_id, stage, reason FROM rejects WHERE run_id = ? ORDER BY app, entity",
                run_id,
            )
            if not failures:  # a snapshot is of a run that went well only
                snapshot_hub(hub, settings, run_id)  # the slot still held: no one writes the hub meanwhile
    key = _slug(f"{domain}-{tenant}")
    create_table_artifact(
        [{c: row[c] for c in SUMMARY_COLUMNS} for row in rows],
        key=f"{key}-summary",
        description=f"{domain} for {tenant}: per app and collection",
    )
    create_table_artifact(
        [dict(zip(("app", "entity", "remote_id", "stage", "reason"), r, strict=True)) for r in rejects]
        or [{"app": "", "entity": "", "remote_id": "", "stage": "", "reason": "no rejects"}],
        key=f"{key}-rejects",
        description=f"{domain} for {tenant}: records not taken, and why",
    )
    create_markdown_artifact(
        main_figures_markdown(settings.store_path()),
        key=f"{key}-figures",
        description=f"{domain} for {tenant}: the hub's main figures after the run",
    )
    report_attention(settings, config, key, f"{domain} for {tenant}")
    totals = {c: sum(int(r[c]) for r in rows) for c in SUMMARY_COLUMNS[3:-1]}
    logger.info("%s for %s: %s", domain, tenant, ", ".join(f"{k} {v}" for k, v in totals.items()))
    if failures:
        listed = "\n".join(f"- {failure}" for failure in failures)
        raise RunFailedError(
            f"{domain} for {tenant}: {len(failures)} of {len(rows)} steps failed, the others completed:\n{listed}",
            failures=failures,
            rows=rows,
        )
    return rows
