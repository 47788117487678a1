"""The domain flows on a real Prefect server against the sandbox apps over loopback."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

from datashare.config import load_config
from datashare.store import Hub
from datashare.store.snapshots import discard_hub
from flows.accounting import accounting
from flows.crm_sales import crm_sales
from flows.reimport import reimport
from sandbox.common.serve import serve_in_thread
from sandbox.server import Sandbox, build_sandbox
from tests.flows.conftest import ROOMY, connected_tenant_config
from tests.seed_moments import SEEDED_AT

pytestmark = [pytest.mark.prefect, pytest.mark.e2e, pytest.mark.usefixtures("prefect_server")]


def _total(rows: list[dict[str, object]], column: str, app: str | None = None) -> int:
    return sum(int(str(r[column])) for r in rows if app is None or r["app"] == app)


def test_crm_sales_pulls_both_apps_links_shared_customers_and_leaves_artifacts(tenant_config: Path) -> None:
    rows = crm_sales(tenant="demo-au", config=str(tenant_config))
    assert {r["app"] for r in rows} == {"xero", "vtiger"}
    assert _total(rows, "created", "xero") > 0
    assert _total(rows, "linked", "vtiger") > 0  # customers both apps had are one hub record
    tenant = load_config(tenant_config).tenant("demo-au")
    with Hub.open(tenant.store_path()) as hub:
        reasons = hub.query("SELECT app, entity, stage, reason FROM rejects WHERE stage <> 'push'")
    assert _total([r for r in rows if r["stream"] != "push"], "rejected") == 0, reasons
    with get_client(sync_client=True) as client:
        keys = {a.key for a in client.read_artifacts()}
    assert {"crm-sales-demo-au-summary", "crm-sales-demo-au-rejects"} <= keys
    with Hub.open(tenant.store_path()) as hub:
        assert hub.query("SELECT flow, status FROM runs") == [("crm_sales", "COMPLETED")]

    again = crm_sales(tenant="demo-au", config=str(tenant_config))
    pushed = [r for r in again if r["stream"] == "push"]
    # No app is written to twice: the hub only takes what Xero itself changed since (stock moved by the
    # invoices the first run sent, the quotes they were made from marked INVOICED), and vTiger's stock follows.
    assert _total(pushed, "created") == 0
    assert {(r["app"], r["stream"], r["entity"]) for r in again if r["created"] or r["updated"]} <= {
        ("xero", "Items", "items"),
        ("xero", "Quotes", "quotes"),
        ("vtiger", "push", "items"),
    }
    assert _total(again, "created") == 0
    quiet = crm_sales(tenant="demo-au", config=str(tenant_config))
    assert _total(quiet, "created") == _total(quiet, "updated") == 0


def test_reimport_reads_everything_again_and_writes_nothing_twice(tenant_config: Path) -> None:
    first = accounting(tenant="demo-au", config=str(tenant_config))
    assert _total(first, "created") > 0
    results = reimport(tenant="demo-au", domain="accounting", config=str(tenant_config))
    rows = results["accounting"]
    pulled = [r for r in first if r["stream"] != "push"]
    assert _total([r for r in rows if r["stream"] != "push"], "read") >= _total(pulled, "read")
    assert _total(rows, "created") == _total(rows, "updated") == 0


@pytest.mark.soak  # 50 s: in make soak, to keep make test within its 20 minutes
def test_reimport_since_a_day_reads_only_what_changed_after_it(tenant_config: Path) -> None:
    accounting(tenant="demo-au", config=str(tenant_config))
    everything = reimport(tenant="demo-au", domain="accounting", config=str(tenant_config))["accounting"]
    recent = reimport(
        tenant="demo-au", domain="accounting", since=SEEDED_AT.date() - timedelta(days=30), config=str(tenant_config)
    )["accounting"]

    def read(rows: list[dict[str, object]]) -> dict[str, int]:
        return {str(r["stream"]): int(str(r["read"])) for r in rows if r["stream"] != "push" and r["app"] == "xero"}

    assert 0 < read(recent)["Payments"] < read(everything)["Payments"]  # the sample's payments span 400 days
    assert read(recent)["TaxRates"] == read(everything)["TaxRates"]  # Xero cannot filter tax rates by date
    assert _total(recent, "created") == _total(recent, "updated") == 0


def test_linking_apps_that_already_share_records_writes_no_duplicate_to_either(
    own_sandbox: tuple[Sandbox, Path],
) -> None:
    sandbox, config = own_sandbox
    crm_sales(tenant="demo-au", config=str(config))
    book = sandbox.xero.org_named("AU")
    contacts, invoices = len(book.table("Contacts")), len(book.table("Invoices"))
    crm_records = sum(1 for r in sandbox.vtiger["au"].entities.values() if not r.deleted)
    # A new installation meets two apps that already hold the same customers, products and invoices.
    discard_hub(load_config(config).tenant("demo-au").store_path())

    rows = crm_sales(tenant="demo-au", config=str(config))

    pushed = [r for r in rows if r["stream"] == "push"]
    assert _total(pushed, "created") == _total(pushed, "updated") == _total(pushed, "rejected") == 0
    assert _total(rows, "linked") > 0
    assert (len(book.table("Contacts")), len(book.table("Invoices"))) == (contacts, invoices)
    assert sum(1 for r in sandbox.vtiger["au"].entities.values() if not r.deleted) == crm_records


def _task_runs(tenant_config: Path) -> tuple[int, int]:
    """(task runs, records read) of one crm_sales run."""
    state = crm_sales(tenant="demo-au", config=str(tenant_config), return_state=True)
    rows = state.result()
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))
        )
    return len(runs), _total(rows, "read")


@pytest.mark.soak  # two full runs of a larger organisation (24 s): in make soak, to keep make test within 20 minutes
def test_task_runs_per_flow_run_do_not_grow_with_the_number_of_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = []
    for scale in (1, 3):
        sandbox = build_sandbox(scale=scale, limits=ROOMY, seeded_at=SEEDED_AT)
        with serve_in_thread(sandbox.app) as url:
            home = tmp_path / f"scale-{scale}"
            home.mkdir()
            counts.append(_task_runs(connected_tenant_config(home, url, monkeypatch)))
    (small_tasks, small_read), (large_tasks, large_read) = counts
    assert large_read > 2 * small_read
    assert large_tasks == small_tasks  # one task per (app, collection) batch, whatever the batch holds


def test_a_reimport_of_an_entity_of_another_domain_fails_at_once_naming_the_domains_own(tmp_path: Path) -> None:
    # No config file is needed: the names are checked before anything is read or reset.
    with pytest.raises(ValueError, match="unknown entity") as raised:
        reimport(tenant="demo-au", domain="crm_sales", entities=["employees"], config=str(tmp_path / "none.toml"))
    assert "unknown entity 'employees' for the crm_sales domain (known: company, organizations" in str(raised.value)
