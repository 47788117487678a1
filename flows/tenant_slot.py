"""One run of a tenant at a time; a run that dies gives its place up at once, however it died.

Two locks, taken in this order:

1. **The hub's run lock** (``datashare.store.run_lock``), an OS file lock on
   ``<hub>.run-lock`` beside the tenant's DuckDB file. The kernel drops it the moment its process
   ends, SIGKILL included, so it can never outlive a run; and nobody else can
   take it while the run lives.
2. **The tenant's Prefect slot**, a global concurrency limit of 1 named
   ``tenant-<name>`` (shown in the UI, and shared by every machine that talks to
   the server). Prefect takes a slot with a lease its holder renews; a dead
   holder's lease only runs out after ``lease_duration`` (60 s at the least)
   plus one pass of the server's repossessor, and Prefect's temporary server
   runs no repossessor at all. So the lease id is written beside the hub: the
   next run, once it holds the run lock (proof that the writer of that file is
   gone), gives that lease back and takes the slot without waiting.

A run on another machine holding the slot is alive by the rules of its own
lease, and is waited for; no run ever goes on beside a live one.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
import time
import typing as t
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import httpx
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import ConcurrencyLeaseHolder
from prefect.exceptions import ObjectNotFound
from prefect.runtime import flow_run

from datashare.store.run_lock import HubBusyError, hold_run_lock

__all__ = ["LEASE_SECONDS", "TenantBusyError", "slot_name", "tenant_slot"]

LEASE_SECONDS = 60.0  # the least Prefect's server allows
RENEW_EVERY = 15.0  # well inside the lease, so a slow machine still renews in time
WAIT_SECONDS = 3600.0  # how long a run waits for the tenant's live run to end
POLL_SECONDS = 1.0
LOCKED = 423  # Prefect's answer while the slot is taken

log = logging.getLogger(__name__)


class TenantBusyError(HubBusyError):
    """Another run of the tenant held its place for longer than a run waits."""


def slot_name(tenant: str) -> str:
    """The name of the tenant's global concurrency limit in Prefect."""
    return f"tenant-{tenant}"


@contextlib.contextmanager
def tenant_slot(tenant: str, store: Path, *, wait_seconds: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the tenant's place for the block: its run lock, then its Prefect slot (see the module docstring)."""
    deadline = time.monotonic() + wait_seconds
    lease_path = store.with_name(store.name + ".lease")
    with (
        hold_run_lock(store, wait_seconds=wait_seconds, who=f"tenant {tenant}"),
        get_client(sync_client=True) as client,
    ):
        name = slot_name(tenant)
        client.upsert_global_concurrency_limit_by_name(name, 1)
        _give_back_left_lease(client, lease_path, tenant)
        lease = _take_slot(client, name, tenant, deadline)
        lease_path.write_text(str(lease), encoding="utf-8")
        stop = threading.Event()
        # The thread sees this one's settings (a command's own server is set in a context variable).
        here = contextvars.copy_context()
        renewer = threading.Thread(target=here.run, args=(_renew, lease, stop), name=f"{name}-lease", daemon=True)
        renewer.start()
        try:
            yield
        finally:
            stop.set()
            renewer.join()
            with contextlib.suppress(httpx.HTTPError, ObjectNotFound):  # already gone: nothing to give back
                client.release_concurrency_slots_with_lease(lease)
            lease_path.unlink(missing_ok=True)


def _give_back_left_lease(client: t.Any, path: Path, tenant: str) -> None:
    """Give back the slot of a run that died holding it: its lease id is still beside the hub."""
    try:
        left = UUID(path.read_text(encoding="utf-8").strip())
    except (FileNotFoundError, ValueError):
        return
    with contextlib.suppress(httpx.HTTPError, ObjectNotFound):  # expired and taken back by the server already
        client.release_concurrency_slots_with_lease(left)
        log.warning("tenant %s: gave back the slot its last run held when it died", tenant)
    path.unlink(missing_ok=True)


def _take_slot(client: t.Any, name: str, tenant: str, deadline: float) -> UUID:
    """Take the tenant's Prefect slot, waiting while a live run elsewhere holds it; the lease's id."""
    run = flow_run.get_id()
    holder = ConcurrencyLeaseHolder(type="flow_run", id=UUID(str(run))) if run else None
    while True:
        try:
            answer = client.increment_concurrency_slots_with_lease(
                names=[name], slots=1, mode="concurrency", lease_duration=LEASE_SECONDS, holder=holder
            )
            return UUID(answer.json()["lease_id"])
        except httpx.HTTPStatusError as error:
            if error.response.status_code != LOCKED:
                raise
            if time.monotonic() >= deadline:
                raise TenantBusyError(f"tenant {tenant}: its Prefect slot {name} stayed taken") from None
            time.sleep(POLL_SECONDS)


def _renew(lease: UUID, stop: threading.Event) -> None:
    """Keep the lease alive until told to stop; a failed renewal is logged, the run lock still holds."""
    while not stop.wait(RENEW_EVERY):
        try:
            with get_client(sync_client=True) as client:
                client.renew_concurrency_lease(lease, lease_duration=LEASE_SECONDS)
        except Exception as error:  # the run goes on: its run lock keeps the tenant whatever happens here
            log.warning("could not renew the tenant's Prefect slot (%s: %s)", type(error).__name__, error)
