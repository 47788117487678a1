"""A run SIGKILLed between extract and load strands nothing: the next run loads every record it staged.

The run is a real process: it reads the sandbox's vTiger Accounts over
loopback into a real DuckDB hub (its cursor moved past every page), and kills
itself at once, before any load. The next run reads nothing new from vTiger,
and still loads every account the dead run staged.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.base.retry import RetryPolicy
from connectors.vtiger import VtigerClient, make_mapper
from connectors.vtiger.source import VtigerSource
from connectors.vtiger.streams import module_named
from connectors.vtiger.tables import read_lookups
from datashare.store import Hub
from datashare.store.hub import raw_table_name
from sandbox.vtiger import SAMPLE_ACCESS_KEY, SAMPLE_USERNAME, VtigerState
from tasks.pull import pull_batch
from tests.sample_crm import served_sample_crm

pytestmark = pytest.mark.e2e

# The dying run: extract, then SIGKILL itself (no load, no clean exit, no closing of the hub).
DIES_AFTER_EXTRACT = """
import os, signal, sys
from connectors.base.retry import RetryPolicy
from connectors.vtiger import VtigerClient
from connectors.vtiger.source import VtigerSource
from connectors.vtiger.streams import module_named
from datashare.store import Hub
from datashare.sync.extract import extract

base, key, user, path = sys.argv[1:5]
with VtigerClient(base, user, key, retry=RetryPolicy(attempts=2)) as client:
    hub = Hub.open(path, tenant="acme")
    counts = extract(hub, VtigerSource(client, module_named("Accounts")), "run-A")
    print(counts, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.fixture
def crm() -> Iterator[tuple[VtigerState, str]]:
    """The sample CRM, served under /vtiger on a loopback port."""
    with served_sample_crm() as served:
        yield served


def test_a_run_killed_after_extract_and_before_load_strands_nothing(
    crm: tuple[VtigerState, str], tmp_path: Path
) -> None:
    state, base = crm
    path = tmp_path / "acme.duckdb"
    accounts = {f"11x{record.crmid}" for record in state.live("Accounts")}
    root = Path(__file__).parents[2]
    dying = subprocess.run(  # noqa: S603 (this interpreter, our own code)
        [sys.executable, "-c", DIES_AFTER_EXTRACT, base, SAMPLE_ACCESS_KEY, SAMPLE_USERNAME, str(path)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert dying.returncode == -9, dying.stdout + dying.stderr  # killed, after staging every page
    table = raw_table_name("vtiger", "organizations")
    with Hub.open(path, tenant="acme") as hub:
        [(staged, unloaded)] = hub.query(f"SELECT count(*), count(*) FILTER (WHERE NOT loaded) FROM {table}")
        assert staged == unloaded == len(accounts)  # staged, cursor moved, nothing loaded
        assert hub.query("SELECT count(*) FROM organizations") == [(0,)]

        with VtigerClient(base, SAMPLE_USERNAME, SAMPLE_ACCESS_KEY, retry=RetryPolicy(attempts=2)) as client:
            source = VtigerSource(client, module_named("Accounts"))
            summary = pull_batch(hub, source, make_mapper(lookups=read_lookups(client)), "run-B")

        loaded = {str(r[0]) for r in hub.query("SELECT remote_id FROM id_map WHERE entity = 'organizations'")}
        [(left,)] = hub.query(f"SELECT count(*) FILTER (WHERE NOT loaded) FROM {table}")
    assert summary.created == len(accounts)
    assert loaded >= accounts  # every account the dead run staged is in the hub
    assert left == 0  # and none is left unloaded in staging
