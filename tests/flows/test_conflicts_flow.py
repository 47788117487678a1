"""A customer's name changed in Xero and in vTiger between two runs, end to end over loopback.

- with ``policy = { organizations = "vtiger" }`` vTiger's value wins, in both apps, though Xero's change is later;
- with ``"newest"`` the later change (Xero's) wins, in both apps;
- a conflict resolved by hand to the side that lost is written to both apps on the next run, and not raised again.

One test, one sandbox: four runs of organizations alone (the first links the apps).
"""

from __future__ import annotations

import time
import typing as t
from pathlib import Path

import pytest
from typer.testing import CliRunner

from connectors.xero.streams import STREAMS
from datashare.cli.main import app
from datashare.config import load_config
from datashare.store import Hub
from flows.crm_sales import crm_sales
from sandbox.server import Sandbox
from sandbox.vtiger import records as vtiger_records
from tasks.wiring import xero_client

pytestmark = [pytest.mark.prefect, pytest.mark.e2e, pytest.mark.usefixtures("prefect_server")]

TENANT = "demo-au"
ORGANISATION = 'xero_organisation = "Southern Cross Outdoor Co"\n'


def _set_policy(config: Path, policy: str) -> None:
    """Write ``policy`` into the tenant's config (in place of the one it had)."""
    lines = [line for line in config.read_text(encoding="utf-8").splitlines(keepends=True) if "policy" not in line]
    config.write_text("".join(lines).replace(ORGANISATION, f"{ORGANISATION}{policy}\n"), encoding="utf-8")


def _linked(config: Path) -> list[tuple[str, str]]:
    """Customers linked in both apps: (Xero contact id, vTiger account id)."""
    with Hub.open(load_config(config).tenant(TENANT).store_path()) as hub:
        rows = hub.query(
            "SELECT x.remote_id, v.remote_id FROM organizations o "
            "JOIN id_map x ON x.hub_id = o.id AND x.app = 'xero' AND x.entity = 'organizations' "
            "JOIN id_map v ON v.hub_id = o.id AND v.app = 'vtiger' AND v.entity = 'organizations' "
            "WHERE o.deleted_at IS NULL AND x.remote_id IS NOT NULL AND v.remote_id LIKE '11x%' ORDER BY o.name"
        )
    return [(str(x), str(v)) for x, v in rows]


def _rename_in_both(sandbox: Sandbox, config: Path, ids: tuple[str, str], crm_name: str, xero_name: str) -> None:
    """The customer renamed in vTiger, then (a second later, so it is the newer change) in Xero."""
    crm = sandbox.vtiger["au"]
    vtiger_records.revise(crm, crm.users[1], {"id": ids[1], "accountname": crm_name})
    time.sleep(1.1)  # vTiger keeps whole seconds: Xero's change must be later by more than that
    written = xero_client(load_config(config).tenant(TENANT)).write(
        STREAMS["Contacts"], [{"ContactID": ids[0], "Name": xero_name}]
    )
    assert written[0].ok, written[0].errors


def _names(sandbox: Sandbox, ids: tuple[str, str]) -> tuple[str, str]:
    """The customer's name in Xero and in vTiger."""
    contact = sandbox.xero.org_named("AU").table("Contacts")[ids[0]]
    account = sandbox.vtiger["au"].entities[int(ids[1].split("x")[1])]
    return str(contact["Name"]), str(account.values["accountname"])


def _conflicts(config: Path) -> list[tuple[t.Any, ...]]:
    with Hub.open(load_config(config).tenant(TENANT).store_path()) as hub:
        return hub.query(
            "SELECT id, app, app_value ->> '$', hub_value ->> '$', policy, winner FROM conflicts ORDER BY id"
        )


def test_a_conflict_is_settled_by_the_configured_policy_or_the_newest_change_and_resolved_by_hand(
    own_sandbox: tuple[Sandbox, Path],
) -> None:
    sandbox, config = own_sandbox
    _set_policy(config, 'policy = { organizations = "vtiger" }')
    crm_sales(tenant=TENANT, entities=["organizations"], config=str(config))
    first, second = (tuple(pair) for pair in _linked(config)[:2])

    # vTiger is the source of truth for organizations: its value wins though Xero's is the later change.
    _rename_in_both(sandbox, config, first, "Conflict Test First (vTiger)", "Conflict Test First (Xero)")
    crm_sales(tenant=TENANT, entities=["organizations"], config=str(config))
    assert _names(sandbox, first) == ("Conflict Test First (vTiger)",) * 2
    [(first_id, *decided)] = _conflicts(config)
    assert decided == [
        "vtiger",
        "Conflict Test First (vTiger)",
        "Conflict Test First (Xero)",
        "source:vtiger",
        "vtiger",
    ]

    # Newest wins: Xero's later change. And the first conflict, resolved by hand to Xero's side, goes out.
    _set_policy(config, 'policy = { organizations = "newest" }')
    _rename_in_both(sandbox, config, second, "Conflict Test Second (vTiger)", "Conflict Test Second (Xero)")
    resolved = CliRunner().invoke(
        app, ["conflicts", "resolve", TENANT, str(first_id), "--keep", "hub", "--config", str(config)]
    )
    assert resolved.exit_code == 0, resolved.output
    crm_sales(tenant=TENANT, entities=["organizations"], config=str(config))
    assert _names(sandbox, second) == ("Conflict Test Second (Xero)",) * 2
    assert _names(sandbox, first) == ("Conflict Test First (Xero)",) * 2
    assert [row[1:] for row in _conflicts(config)[1:]] == [
        ("vtiger", "Conflict Test Second (vTiger)", "Conflict Test Second (Xero)", "newest", "hub")
    ]  # the one resolved by hand is not raised again

    again = crm_sales(tenant=TENANT, entities=["organizations"], config=str(config))
    assert [r for r in again if r["stream"] == "push" and r["created"] + r["updated"]] == []  # nothing goes back
    assert len(_conflicts(config)) == 2
