"""What a run leaves a person about the records it cannot settle alone: where to look further, and who needs attention.

After each run: a markdown artifact with the ledger commands for the tenant
(status, why, retry, conflicts) and its dashboard file, and a table artifact
listing every record that needs attention (or one row saying none). When some
do, the run emits ``datashare.records.needs-attention``, the event the
``prefect.yaml`` notifications react to (see ``flows.notifications``).
"""

from __future__ import annotations

from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.events import emit_event
from prefect.runtime import flow_run

from datashare.config import Tenant
from datashare.dashboard import ATTENTION_LISTED, dashboard_path, look_further_markdown
from datashare.store import Hub
from datashare.sync.ledger import needing_attention

__all__ = ["ATTENTION_COLUMNS", "NEEDS_ATTENTION", "report_attention"]

NEEDS_ATTENTION = "datashare.records.needs-attention"
"""The event a run emits when records of its tenant need attention."""

ATTENTION_COLUMNS = ("app", "entity", "record", "remote_id", "attempts", "last_error")


def artifact_key(text: str) -> str:
    """An artifact key made of ``text``: lowercase letters, digits and dashes only, as Prefect wants."""
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def report_attention(settings: Tenant, config: str, key: str, what: str) -> int:
    """Leave the look-further and needs-attention artifacts (``key`` prefixes their keys); returns how many need it.

    ``what`` says which run it is (``crm_sales for demo-au``), in the artifacts' descriptions.
    """
    with Hub.open(settings.store_path(), tenant=settings.name) as hub:
        waiting = needing_attention(hub)
    create_markdown_artifact(
        look_further_markdown(settings.name, config, dashboard_path(settings.store_path(), settings.name), waiting),
        key=f"{key}-look-further",
        description=f"{what}: where to look further (ledger commands and the dashboard)",
    )
    rows = [
        dict(
            zip(
                ATTENTION_COLUMNS,
                (a.app, a.entity, a.label, a.remote_id or "", a.attempts, a.last_error or ""),
                strict=True,
            )
        )
        for a in waiting[:ATTENTION_LISTED]
    ]
    create_table_artifact(
        rows or [{**dict.fromkeys(ATTENTION_COLUMNS, ""), "record": "none: no record needs attention"}],
        key=f"{key}-needs-attention",
        description=f"{what}: records that failed too often, left alone until retried ({len(waiting):,})",
    )
    if waiting:
        _tell(settings.name, what, len(waiting))
    return len(waiting)


def _tell(tenant: str, what: str, count: int) -> None:
    """Emit the needs-attention event, about the tenant and this run (which the notification names)."""
    run = flow_run.get_id()
    emit_event(
        event=NEEDS_ATTENTION,
        resource={"prefect.resource.id": f"datashare.tenant.{tenant}", "prefect.resource.name": tenant},
        related=[{"prefect.resource.id": f"prefect.flow-run.{run}", "prefect.resource.role": "flow-run"}]
        if run
        else [],
        payload={"tenant": tenant, "run": what, "attention": count},
    )
