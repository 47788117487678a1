"""The record ledger on real runs (issue #17), end to end over loopback on a real Prefect server.

A CRM account Xero refuses on every call (its email has two @, which vTiger
keeps and Xero will not) fails, backs off and, after the tenant's cap, needs
attention: the run says so, and later runs stop calling Xero for it while the
rest goes on. (A retry asked for sends it again: tests/flows/test_retry_flow.py.)
"""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from datashare.config import load_config
from datashare.store import Hub
from flows.crm_sales import crm_sales
from sandbox.server import Sandbox
from sandbox.vtiger import records as vtiger_records

pytestmark = [pytest.mark.prefect, pytest.mark.e2e, pytest.mark.usefixtures("prefect_server")]

TENANT = "demo-au"
REFUSED = "Two At Signs Pty Ltd"


def _with_retries(config: Path, attempts: int) -> None:
    """The tenant tries a refused record ``attempts`` times, with no wait between runs."""
    text = config.read_text(encoding="utf-8")
    line = f'name = "{TENANT}"\n'
    assert line in text
    config.write_text(
        text.replace(line, f"{line}retries = {{ attempts = {attempts}, first_wait_minutes = 0 }}\n", 1),
        encoding="utf-8",
    )
    assert load_config(config).tenant(TENANT).retries.attempts == attempts


def _sent(config: Path) -> int:
    """How many times the refused account was sent to Xero: every send leaves a line in its history."""
    with Hub.open(load_config(config).tenant(TENANT).store_path()) as hub:
        [(count,)] = hub.query(
            "SELECT count(*) FROM record_history h JOIN organizations o ON o.id = h.hub_id "
            "WHERE h.app = 'xero' AND h.entity = 'organizations' AND h.action = 'failed' AND o.name = ?",
            REFUSED,
        )
    return int(count)


def _organizations_push(rows: list[dict[str, t.Any]]) -> dict[str, t.Any]:
    [row] = [r for r in rows if (r["app"], r["stream"], r["entity"]) == ("xero", "push", "organizations")]
    return row


def _state(config: Path) -> tuple[str, int, bool]:
    with Hub.open(load_config(config).tenant(TENANT).store_path()) as hub:
        [row] = hub.query(
            "SELECT m.status, m.attempts, m.attention FROM id_map m JOIN organizations o ON o.id = m.hub_id "
            "WHERE m.app = 'xero' AND m.entity = 'organizations' AND o.name = ?",
            REFUSED,
        )
    return str(row[0]), int(row[1]), bool(row[2])


def test_a_record_xero_refuses_on_every_call_needs_attention_after_the_cap_and_is_not_sent_again(
    own_sandbox: tuple[Sandbox, Path],
) -> None:
    sandbox, config = own_sandbox
    _with_retries(config, attempts=2)
    crm = sandbox.vtiger["au"]
    vtiger_records.create(
        crm,
        crm.users[1],
        "Accounts",
        {"accountname": REFUSED, "email1": "sales@office@two-ats.example", "assigned_user_id": "19x1"},
    )

    first = _organizations_push(list(crm_sales(tenant=TENANT, config=str(config))))
    assert first["rejected"] >= 1
    assert "Email address must be valid" in first["notes"]
    assert _state(config) == ("error", 1, False)

    second = _organizations_push(list(crm_sales(tenant=TENANT, config=str(config))))
    assert _state(config) == ("error", 2, True)
    assert second["attention"] == 1
    assert "1 need attention" in second["notes"]

    third = _organizations_push(list(crm_sales(tenant=TENANT, config=str(config))))
    assert _state(config) == ("error", 2, True)  # not tried: no third attempt
    assert third["attention"] == 1
    assert "1 need attention" in third["notes"]
    assert _sent(config) == 2
