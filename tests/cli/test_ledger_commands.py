"""``datashare status``, ``why`` and ``retry`` on a demo tenant's hub, built in the test."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from typer.testing import CliRunner

from datashare.cli.main import DEMO_CONFIG, app
from datashare.config import load_config
from datashare.model import CanonicalModel, Organization
from datashare.store import Hub
from datashare.sync.push import Retries, push_entity
from tests.stub_apps import RefusingSink

runner = CliRunner()
TENANT = "demo-au"
NOW = Retries(attempts=2, first=timedelta(0), longest=timedelta(0))


@pytest.fixture
def ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, UUID]:
    """The demo tenant's hub, in the test's directory, after two pushes: one record needs attention."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "250")
    path = load_config(DEMO_CONFIG, check_env=False).tenant(TENANT).store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    made = {name: Organization(id=uuid4(), name=name) for name in ("Refused Co", "Crowded Co", "Fine Co")}
    with Hub.open(path) as hub:
        hub.upsert_records(list(made.values()), source="xero")
        sink = RefusingSink(
            {_id_of(made["Refused Co"])}, {_id_of(made["Crowded Co"])}, refusal="accountname: value too long"
        )
        for run in ("run-1", "run-2"):
            push_entity(hub, sink, "organizations", run, retries=NOW)
    return {name: _id_of(record) for name, record in made.items()}


def _id_of(record: CanonicalModel) -> UUID:
    assert record.id is not None
    return record.id


def _invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--config", str(DEMO_CONFIG)])
    return result.exit_code, result.output


def test_status_counts_records_by_state_and_names_the_causes(ids: dict[str, UUID]) -> None:
    code, output = _invoke("status", TENANT)
    assert code == 0, output
    [line] = [row for row in output.splitlines() if "vtiger" in row and "organizations" in row and "│" in row]
    cells = [c.strip() for c in line.split("│")[1:-1]]
    # app, entity, in step, due, waiting, skipped, failed, needs attention, deleted, conflicts
    assert cells[:8] == ["vtiger", "organizations", "1", "", "", "1", "", "1"]
    assert "no_room: Xero takes at most 5 contact persons" in output
    assert "1 records need attention" in output


def test_status_as_json_is_what_machines_read(ids: dict[str, UUID]) -> None:
    code, output = _invoke("status", TENANT, "--json")
    assert code == 0, output
    [row] = [r for r in json.loads(output)["entities"] if (r["app"], r["entity"]) == ("vtiger", "organizations")]
    assert row["states"] == {"in step": 1, "skipped": 1, "needs attention": 1}


def test_why_tells_a_records_state_cause_and_history(ids: dict[str, UUID]) -> None:
    code, output = _invoke("why", TENANT, str(ids["Refused Co"]))
    assert code == 0, output
    assert "organizations Refused Co" in output
    assert "vtiger (no id there yet): needs attention" in output
    assert "accountname: value too long" in output
    assert output.count("failed: accountname: value too long (run-") == 2


def test_why_a_record_the_hub_does_not_know_says_so(ids: dict[str, UUID]) -> None:
    code, output = _invoke("why", TENANT, "11x404")
    assert code == 1
    assert "no record '11x404'" in output


def test_retry_makes_the_record_needing_attention_due_again(ids: dict[str, UUID]) -> None:
    code, output = _invoke("retry", TENANT, "--app", "vtiger")
    assert code == 0, output
    assert "1 organizations made due again for vtiger" in output
    _, after = _invoke("status", TENANT, "--json")
    [row] = [r for r in json.loads(after)["entities"] if (r["app"], r["entity"]) == ("vtiger", "organizations")]
    assert row["states"] == {"in step": 1, "skipped": 1, "failed": 1}  # failed, no longer left alone


def test_retry_of_an_unknown_entity_is_a_clear_error(ids: dict[str, UUID]) -> None:
    code, output = _invoke("retry", TENANT, "--entity", "widgets")
    assert code == 2
    assert "unknown entity 'widgets'" in output


def test_status_without_a_hub_says_to_run_a_sync_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = _invoke("status", TENANT)
    assert code == 1
    assert "no hub store yet" in output
