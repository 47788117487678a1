"""A tenant's run that dies frees its place at once; a live one is never run beside.

The runs here are real flow runs in child processes, on the test session's
Prefect server and, in the soak variant, on a server started with
``prefect server start``; each holds the tenant's place the way every domain
flow does (``flows.tenant_slot``) and is SIGKILLed while holding it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import typing as t
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import prefect.settings
import pytest
from prefect import flow
from prefect.client.orchestration import get_client

from datashare.cli.prefect_server import prefect_server
from datashare.store.run_lock import HubBusyError
from flows.tenant_slot import slot_name, tenant_slot

pytestmark = [pytest.mark.prefect]

TENANT = "slot-test"
# A flow run that takes the tenant's place, says so in a file, and sleeps until it is killed.
HOLDER = """
import sys, time
from pathlib import Path
from prefect import flow
from flows.tenant_slot import tenant_slot

@flow(name="hold_tenant")
def hold(tenant: str, store: str, ready: str) -> None:
    with tenant_slot(tenant, Path(store)):
        Path(ready).write_text("held", encoding="utf-8")
        time.sleep(600)

hold(sys.argv[1], sys.argv[2], sys.argv[3])
"""


@flow(name="next_run_of_tenant")
def next_run(tenant: str, store: str, wait_seconds: float) -> float:
    """Take the tenant's place as a domain flow does; how long it waited, in seconds."""
    began = time.monotonic()
    with tenant_slot(tenant, Path(store), wait_seconds=wait_seconds):
        with get_client(sync_client=True) as client:
            assert client.read_global_concurrency_limit_by_name(slot_name(tenant)).active_slots == 1
        return time.monotonic() - began


@contextmanager
def holder(store: Path, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A child process whose flow run holds the tenant's place; yielded once it holds it."""
    ready = tmp_path / "ready"
    ready.unlink(missing_ok=True)
    env = {**os.environ, "PREFECT_API_URL": str(prefect.settings.PREFECT_API_URL.value())}
    log = (tmp_path / "holder.log").open("wb")
    root = Path(__file__).parents[2]
    child = subprocess.Popen(  # noqa: S603 (this interpreter, our own code)
        [sys.executable, "-c", HOLDER, TENANT, str(store), str(ready)], cwd=root, env=env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert child.poll() is None, (tmp_path / "holder.log").read_text()
            assert time.monotonic() < deadline, "the holder did not take the tenant's place in 120 s"
            time.sleep(0.1)
        yield child
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        log.close()


def held_slots() -> int:
    """Slots of the tenant's Prefect limit taken now."""
    with get_client(sync_client=True) as client:
        return int(client.read_global_concurrency_limit_by_name(slot_name(TENANT)).active_slots)


def kill_holder_then_run_again(tmp_path: Path) -> float:
    """SIGKILL a run holding the tenant, check it left its slot taken, run again; the wait of the next run."""
    store = tmp_path / "data" / f"{TENANT}.duckdb"
    with holder(store, tmp_path) as child:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL
    assert held_slots() == 1, "the killed run should have died holding its slot"
    waited = next_run(TENANT, str(store), wait_seconds=30)
    assert held_slots() == 0, "the next run gave its slot back when it ended"
    return t.cast(float, waited)


@pytest.mark.usefixtures("prefect_server")
def test_the_next_run_after_a_killed_one_starts_without_waiting_for_its_lease(tmp_path: Path) -> None:
    waited = kill_holder_then_run_again(tmp_path)
    print(f"next run waited {waited:.2f} s")
    assert waited < 30  # the lease alone would have kept it 60 s, and Prefect's test server never frees it


@pytest.mark.usefixtures("prefect_server")
def test_a_live_run_of_the_tenant_is_waited_for_not_run_beside(tmp_path: Path) -> None:
    store = tmp_path / "data" / f"{TENANT}.duckdb"
    with holder(store, tmp_path):
        with pytest.raises(HubBusyError, match=f"tenant {TENANT}: another run still holds"):
            next_run(TENANT, str(store), wait_seconds=3)
        assert held_slots() == 1
    assert next_run(TENANT, str(store), wait_seconds=30) < 30


@pytest.mark.soak  # a server of its own takes 10-40 s to start: in make soak
def test_on_prefect_server_start_the_next_run_after_a_kill_starts_within_30_seconds(tmp_path: Path) -> None:
    home = tmp_path / "prefect-home"
    no_server = {prefect.settings.PREFECT_API_URL: None}  # so prefect_server starts one of its own
    with (
        prefect.settings.temporary_settings(updates=no_server),
        prefect_server(home, database=home / "prefect.db", log=tmp_path / "server.log"),
    ):
        waited = kill_holder_then_run_again(tmp_path)
    print(f"next run waited {waited:.2f} s on prefect server start")
    assert waited < 30


@pytest.mark.usefixtures("prefect_server")
def test_a_run_renews_its_slot_on_the_server_its_command_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("flows.tenant_slot.RENEW_EVERY", 0.05)
    seen: list[str | None] = []

    def client_noting_its_server(**options: t.Any) -> t.Any:
        seen.append(prefect.settings.PREFECT_API_URL.value())
        return get_client(**options)

    monkeypatch.setattr("flows.tenant_slot.get_client", client_noting_its_server)
    # As a command that starts its own server sets it: in a context variable, which threads do not inherit by default.
    own = f"{prefect.settings.PREFECT_API_URL.value()}/"
    with (
        prefect.settings.temporary_settings(updates={prefect.settings.PREFECT_API_URL: own}),
        tenant_slot(TENANT, tmp_path / "data" / f"{TENANT}.duckdb"),
    ):
        time.sleep(0.5)
        assert held_slots() == 1
    assert held_slots() == 0
    assert len(seen) > 3, "the lease was renewed several times"
    assert set(seen) == {own}, "every call, the renewals' too, went to the server the command set"
    assert not [r for r in caplog.records if "could not renew" in r.getMessage()]
