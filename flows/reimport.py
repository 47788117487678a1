"""Re-import: forget the cursors and read everything again; nothing is written twice."""

from __future__ import annotations

import typing as t
from datetime import date
from pathlib import Path

from prefect import flow

from datashare.config import load_config
from datashare.model import DOMAINS
from datashare.store import Hub
from flows.accounting import accounting
from flows.crm_sales import crm_sales
from flows.domain import DEFAULT_CONFIG
from flows.hr_payroll import hr_payroll
from flows.parameters import AnyEntity, Domain

__all__ = ["reimport"]

_FLOWS: dict[str, t.Any] = {"crm_sales": crm_sales, "accounting": accounting, "hr_payroll": hr_payroll}


@flow(name="reimport", flow_run_name="reimport-{tenant}", log_prints=True)
def reimport(
    tenant: str,
    domain: Domain | None = None,
    entities: list[AnyEntity] | None = None,
    since: date | None = None,
    config: str = DEFAULT_CONFIG,
    plan: bool = False,
) -> dict[str, list[dict[str, t.Any]]]:
    """Reset the cursors of a domain (or all, or some entities) and read everything again (or what changed since).

    Args:
        tenant: The tenant to re-import, by its name in the config (e.g. demo-au).
        domain: Only this domain; empty for every domain.
        entities: Only these entities; empty for all of the domain's (or every domain's).
        since: Only what changed after this day; empty for everything.
        config: The tenant config file (TOML), relative to the deployment's working directory.
        plan: Reset nothing and write nothing; each domain leaves the plan of its re-import as an artifact.
    """
    domains = [domain] if domain else list(_FLOWS)
    unknown = [d for d in domains if d not in _FLOWS]
    if unknown:
        raise ValueError(f"unknown domain {unknown[0]!r} (known: {', '.join(_FLOWS)})")
    known = [e for name in domains for e in DOMAINS[name]]
    strangers = [str(e) for e in entities or () if e not in known]
    if strangers:  # before anything is reset: a re-import of nothing must not look like one that went well
        where = f"the {domain} domain" if domain else "any domain"
        raise ValueError(f"unknown entity {strangers[0]!r} for {where} (known: {', '.join(known)})")
    settings = load_config(Path(config)).tenant(tenant)
    results: dict[str, list[dict[str, t.Any]]] = {}
    for name in domains:
        chosen = [e for e in (entities or DOMAINS[name]) if e in DOMAINS[name]]
        if not chosen:
            continue
        if not plan:  # a plan's full read ignores the cursors in its scratch hub: the real ones stay
            with Hub.open(settings.store_path(), tenant=tenant) as hub:
                hub.reset_cursors(entities=chosen)
        # A domain that ends Skipped (HR of an organisation without payroll) returns nothing.
        results[name] = (
            _FLOWS[name](tenant=tenant, entities=chosen, full=True, since=since, config=config, plan=plan) or []
        )
    return results
