"""Every tenant, every domain: tenants side by side, each tenant's domains one after another."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, wait
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from datashare.config import load_config
from flows.accounting import accounting
from flows.crm_sales import crm_sales
from flows.domain import DEFAULT_CONFIG
from flows.hr_payroll import hr_payroll

__all__ = ["sync_all"]


@task(name="sync tenant", task_run_name="sync {tenant}", cache_policy=NO_CACHE)
def sync_tenant(tenant: str, config: str) -> None:
    """One tenant's domains, in order (its runs never overlap: each flow holds the tenant's slot).

    A domain run that fails does not stop the next: each domain's records are its own. The failures are
    raised together once all three ran.
    """
    failed: list[str] = []
    for domain in (crm_sales, accounting, hr_payroll):  # hr ends Skipped where the organisation has no payroll
        try:
            domain(tenant=tenant, config=config)
        except Exception as error:  # named in the error raised below, once every domain ran
            failed.append(f"{domain.name}: {error}")
    if failed:
        raise RuntimeError(f"{tenant}: {len(failed)} of 3 domain runs failed:\n" + "\n".join(failed))


# Tenants are independent (one hub file each), so several sync at once; the pool is bounded on purpose.
# (Prefect's own annotations make its thread runner a TaskRunner of a narrower future type.)
_TENANTS_AT_ONCE: TaskRunner[PrefectFuture[Any]] = ThreadPoolTaskRunner(max_workers=4)  # type: ignore[assignment]


@flow(name="sync_all", flow_run_name="sync_all", task_runner=_TENANTS_AT_ONCE)
def sync_all(config: str = DEFAULT_CONFIG) -> list[str]:
    """Run the domain flows for every tenant in the config, tenants in parallel; returns the tenants synced.

    Args:
        config: The tenant config file (TOML), relative to the deployment's working directory.
    """
    tenants = [t.name for t in load_config(Path(config)).tenants]
    futures = [sync_tenant.submit(name, config) for name in tenants]
    wait(futures)
    for future in futures:
        future.result()  # a tenant that failed fails the whole run, after the others finished
    return tenants
