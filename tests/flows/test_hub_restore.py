"""A hub deleted or damaged between runs is refused, restored from its snapshot, and nothing is written twice.

Real runs of ``crm_sales`` (customers and their people: Xero and vTiger) on the
test's Prefect server against the sandbox over loopback. The first run writes
records to both apps and leaves a snapshot of the hub. Then the hub is lost
(deleted; in make soak also overwritten with garbage): the next run is refused
before it touches any app, naming the snapshot and the command; ``datashare
store restore`` puts the snapshot back; the run after that remembers every
link and cursor (it links nothing afresh) and creates nothing, and each app
holds each record once.
"""

from __future__ import annotations

import typing as t
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datashare.cli.main import app
from datashare.config import load_config
from datashare.store import Hub, HubRefusedError, list_snapshots
from flows.crm_sales import crm_sales
from sandbox.server import Sandbox
from tests.flows.emulator_state import business_state

pytestmark = [pytest.mark.prefect, pytest.mark.e2e, pytest.mark.usefixtures("prefect_server")]

TENANT = "demo-au"
ENTITIES = ["organizations", "people"]  # one entity pair written both ways keeps the test within its budget
Collection = tuple[str, str]
WRITTEN: tuple[Collection, ...] = (("xero", "Contacts"), ("vtiger", "Accounts"), ("vtiger", "Contacts"))
runner = CliRunner()


def _held(sandbox: Sandbox) -> dict[Collection, list[str]]:
    """The ids of the live records of each collection the runs write to, as the apps hold them."""
    book, crm = sandbox.xero.org_named("AU"), sandbox.vtiger["au"]
    with sandbox.xero.lock:
        contacts = sorted(k for k, v in book.table("Contacts").items() if v.get("ContactStatus", "ACTIVE") == "ACTIVE")
    held = {("xero", "Contacts"): contacts}
    for _, module in WRITTEN[1:]:
        held["vtiger", module] = sorted(str(r.crmid) for r in crm.live(module))
    return held


def _names(sandbox: Sandbox) -> dict[Collection, list[str]]:
    """What tells a record from another in each collection (a copy made twice would show as a name twice)."""
    book, crm = sandbox.xero.org_named("AU"), sandbox.vtiger["au"]
    with sandbox.xero.lock:
        contacts = [
            str(v["Name"]).casefold()
            for v in book.table("Contacts").values()
            if v.get("ContactStatus", "ACTIVE") == "ACTIVE"  # an archived one may share a live one's name
        ]
    return {
        ("xero", "Contacts"): contacts,
        ("vtiger", "Accounts"): [r.values["accountname"].casefold() for r in crm.live("Accounts")],
        ("vtiger", "Contacts"): [
            "|".join(r.values.get(f, "") for f in ("firstname", "lastname", "email")) for r in crm.live("Contacts")
        ],
    }


def _remembered(path: Path) -> list[tuple[t.Any, ...]]:
    """What the hub knows of the apps: every link with its remote id, and every cursor."""
    with Hub.open(path, tenant=TENANT) as hub:
        links = hub.query("SELECT entity, hub_id, app, remote_id FROM id_map ORDER BY ALL")
        cursors = hub.query("SELECT app, entity, stream, cursor FROM cursors ORDER BY ALL")
    return [*links, *cursors]


def _total(rows: list[dict[str, t.Any]], column: str, stream: str | None = None) -> int:
    return sum(int(r[column]) for r in rows if stream is None or r["stream"] == stream)


def _damage(path: Path, how: str) -> None:
    if how == "deleted":
        path.unlink()
    else:
        path.write_bytes(b"\x00garbage where the hub was\xff" * 4096)


@pytest.mark.parametrize(
    "how",
    [
        "deleted",
        pytest.param(
            "garbage", marks=pytest.mark.soak
        ),  # 20 s more: make test has the damaged hub's refusal unit-tested
    ],
)
def test_a_hub_lost_between_runs_is_restored_from_its_snapshot_and_nothing_is_written_twice(
    own_sandbox: tuple[Sandbox, Path], how: str
) -> None:
    sandbox, config = own_sandbox
    path = load_config(config).tenant(TENANT).store_path()
    first = crm_sales(tenant=TENANT, entities=ENTITIES, config=str(config))
    assert _total(first, "created", "push") > 0  # the run wrote to the apps: there is something to write twice
    held = _held(sandbox)
    (snapshot,) = list_snapshots(path)
    remembered = _remembered(path)
    _damage(path, how)
    untouched = business_state(sandbox)

    with pytest.raises(HubRefusedError) as refused:
        crm_sales(tenant=TENANT, entities=ENTITIES, config=str(config))
    message = str(refused.value)
    assert f"its last snapshot is {snapshot.path}" in message
    assert f"restore it with `datashare store restore {TENANT}`" in message
    assert ("is missing" if how == "deleted" else "cannot be opened") in message
    assert business_state(sandbox) == untouched, "a refused run wrote to an app"

    restored = runner.invoke(app, ["store", "restore", TENANT, "--config", str(config)])
    assert restored.exit_code == 0, restored.output
    assert snapshot.name in " ".join(restored.output.split())
    assert _remembered(path) == remembered  # every link and cursor of the last run is back

    again = crm_sales(tenant=TENANT, entities=ENTITIES, config=str(config))
    assert _total(again, "linked") == 0, again  # nothing had to be matched afresh
    assert _total(again, "created", "push") == 0, again
    assert _held(sandbox) == held, "a record was made again"
    for collection, names in _names(sandbox).items():
        twice = {name: k for name, k in Counter(names).items() if k > 1}
        assert not twice, (collection, twice)
    assert len(list_snapshots(path)) == 2  # the run after the restore left its own
