"""A run killed midway and run again leaves no duplicate in any app: every record is counted and compared.

The runs killed are real ones: ``crm_sales`` in a child process on the test's
Prefect server, SIGKILLed as soon as the sandbox shows its first write to a
given app collection, before the hub records it (the failure message says how
much of it the hub had). Each next run picks up where the last one stopped and
is killed at a later write (vTiger accounts, vTiger contacts, Xero contacts,
Xero invoices); then the flow runs to completion in this process, and once more
to show everything settled, and the apps and the hub are compared record by
record.

A kill leaves the tenant's Prefect slot taken (its lease would run 60 s and
more; Prefect's test server never takes it back): each next run gives it back
at once, having found the dead run's lease beside the hub (``flows.tenant_slot``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import typing as t
from collections import Counter
from pathlib import Path

import prefect.settings
import pytest
from prefect.client.orchestration import get_client

from datashare.config import load_config
from datashare.store import Hub
from flows.crm_sales import crm_sales
from sandbox.server import Sandbox
from sandbox.vtiger.ids import ws_id
from sandbox.vtiger.modules import ACCOUNTS, CONTACTS, Module

pytestmark = [pytest.mark.prefect, pytest.mark.e2e, pytest.mark.usefixtures("prefect_server")]

TENANT = "demo-au"
LOCK = f"tenant-{TENANT}"  # flows.tenant_slot's limit
Collection = tuple[str, str]  # (app, collection)
# Each app collection the sync writes to, with the hub entity its records stand for.
WRITTEN: dict[Collection, str] = {
    ("vtiger", "Accounts"): "organizations",
    ("vtiger", "Contacts"): "people",
    ("xero", "Contacts"): "organizations",
    ("xero", "Items"): "items",
    ("xero", "Invoices"): "invoices",
    ("xero", "PurchaseOrders"): "purchase_orders",
}
MODULES: dict[str, Module] = {"Accounts": ACCOUNTS, "Contacts": CONTACTS}
# Where the runs are killed, one run each, in the order a run writes: vTiger one record a call, Xero 50 a call.
KILLS: list[Collection] = [("vtiger", "Accounts"), ("vtiger", "Contacts"), ("xero", "Contacts"), ("xero", "Invoices")]


class Apps:
    """What the sandbox apps hold, read under their locks (the server thread writes them meanwhile)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.book = sandbox.xero.org_named("AU")
        self.crm = sandbox.vtiger["au"]

    def records(self, app: str, collection: str) -> dict[str, dict[str, t.Any]]:
        """The collection's live records by the id the hub maps them with (vTiger's is ``11x42``)."""
        if app == "xero":
            with self.sandbox.xero.lock:
                return {k: dict(v) for k, v in self.book.table(collection).items()}
        return {ws_id(MODULES[collection], r.crmid): dict(r.values) for r in self.crm.live(collection)}

    def count(self, app: str, collection: str) -> int:
        if app == "xero":
            with self.sandbox.xero.lock:
                return len(self.book.table(collection))
        return len(self.crm.live(collection))

    def ids(self) -> dict[Collection, set[str]]:
        return {key: set(self.records(*key)) for key in WRITTEN}


def _linked(hub: Hub, app: str, collection: str) -> list[str]:
    """The collection's ids the hub's live records are linked to, one per link (so a repeat shows)."""
    entity = WRITTEN[app, collection]
    rows = hub.query(
        f"SELECT m.remote_id FROM id_map m JOIN {entity} e ON e.id = m.hub_id "
        "WHERE m.entity = ? AND m.app = ? AND m.remote_id IS NOT NULL AND e.deleted_at IS NULL",
        entity,
        app,
    )
    ids = [str(r[0]) for r in rows]
    # vTiger ids start with their module's prefix: the hub's organizations are Vendors too.
    return ids if app == "xero" else [i for i in ids if i.startswith(f"{MODULES[collection].id_prefix}x")]


@pytest.fixture(autouse=True)
def _slot_given_back() -> t.Iterator[None]:
    """Should the test stop between a kill and the next run, the session's other runs of the tenant still need it."""
    yield
    if held := _slots_held():
        with get_client(sync_client=True) as client:
            client.release_concurrency_slots([LOCK], slots=held, occupancy_seconds=1.0)


def _slots_held() -> int:
    """The tenant's Prefect slots taken now."""
    with get_client(sync_client=True) as client:
        return int(client.read_global_concurrency_limit_by_name(LOCK).active_slots)


def _kill_midway(config: Path, apps: Apps, at: Collection, log: Path) -> str:
    """Run crm_sales in a child process, SIGKILL it once its first write to ``at`` landed; says what it left."""
    before = apps.ids()
    code = f"from flows.crm_sales import crm_sales; crm_sales(tenant={TENANT!r}, config={str(config)!r})"
    with log.open("wb") as out:
        child = subprocess.Popen(  # noqa: S603 (this interpreter, our own code)
            [sys.executable, "-c", code], cwd=config.parent, env=_child_env(), stdout=out, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 60
            while apps.count(*at) == len(before[at]):
                assert child.poll() is None, f"the run ended before writing to {at}:\n{log.read_text()}"
                assert time.monotonic() < deadline, f"no write to {at} in 60 s:\n{log.read_text()}"
                time.sleep(0.001)
            child.send_signal(signal.SIGKILL)
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL, f"the run was not killed midway:\n{log.read_text()}"
    assert _slots_held() == 1, "the killed run died holding the tenant's slot (the next run gives it back)"
    written = {key: len(ids - before[key]) for key, ids in apps.ids().items() if ids != before[key]}
    with Hub.open(load_config(config).tenant(TENANT).store_path()) as hub:
        unknown = apps.ids()[at] - before[at] - set(_linked(hub, *at))
    return f"killed at {at} having written {written}, {len(unknown)} of {at} not in the hub yet"


def _child_env() -> dict[str, str]:
    env = dict(os.environ)  # PREFECT_HOME, the sample secrets the fixtures set, PATH...
    env["PREFECT_API_URL"] = str(prefect.settings.PREFECT_API_URL.value())  # the harness's server
    return env


def _doubles(keys: t.Iterable[object]) -> dict[object, int]:
    return {key: n for key, n in Counter(keys).items() if n > 1}


@pytest.mark.soak  # 40 s of real kills: in make soak, to keep make test within its 20 minutes
def test_runs_killed_midway_and_run_again_leave_no_duplicate_in_any_app(
    own_sandbox: tuple[Sandbox, Path], tmp_path: Path
) -> None:
    sandbox, config = own_sandbox
    apps = Apps(sandbox)
    seeded = apps.ids()
    context = "; ".join(_kill_midway(config, apps, at, tmp_path / f"killed-{n}.log") for n, at in enumerate(KILLS))

    crm_sales(tenant=TENANT, config=str(config))
    settled = crm_sales(tenant=TENANT, config=str(config))
    pushed = [r for r in settled if r["stream"] == "push"]
    assert sum(int(r["created"]) + int(r["rejected"]) + int(r["waiting"]) for r in pushed) == 0, (context, pushed)

    # Each record the sync made in an app stands for one live hub record, and no two hub records for one app record.
    with Hub.open(load_config(config).tenant(TENANT).store_path()) as hub:
        links = {key: _linked(hub, *key) for key in WRITTEN}
    for key, ids in apps.ids().items():
        made, linked = ids - seeded[key], set(links[key]) - seeded[key]
        assert not _doubles(links[key]), f"{key}: linked to two live hub records: {_doubles(links[key])} ({context})"
        assert made == linked, f"{key}: made but not in the hub {made - linked}, gone {linked - made} ({context})"
        assert len(ids) == len(seeded[key]) + len(linked), f"{key} ({context})"

    # Nor does any app hold a record twice under two ids.
    contacts = [c for c in apps.records("xero", "Contacts").values() if c.get("ContactStatus", "ACTIVE") == "ACTIVE"]
    assert not _doubles(str(c["Name"]).casefold() for c in contacts), context
    invoices = apps.records("xero", "Invoices")
    synced = [i for k, i in invoices.items() if k not in seeded["xero", "Invoices"]]
    assert not _doubles(str(i.get("InvoiceNumber")) for i in synced), context
    assert not _doubles(a["accountname"].casefold() for a in apps.records("vtiger", "Accounts").values()), context
    people = apps.records("vtiger", "Contacts").values()
    assert not _doubles((p.get("firstname"), p.get("lastname"), p.get("email")) for p in people), context
