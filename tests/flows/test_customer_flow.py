"""The product's first promise, end to end over loopback: a customer created in Xero appears in the CRM, with every update."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.xero.streams import STREAMS
from datashare.config import load_config
from datashare.store import Hub
from flows.crm_sales import crm_sales
from sandbox.server import Sandbox
from tasks.wiring import xero_client

pytestmark = [pytest.mark.prefect, pytest.mark.e2e, pytest.mark.usefixtures("prefect_server")]

NAME = "Brand New Outfitters Pty Ltd"


def _accounts(sandbox: Sandbox, name: str) -> list[dict[str, str]]:
    crm = sandbox.vtiger["au"]
    return [
        r.values
        for r in crm.entities.values()
        if r.module == "Accounts" and not r.deleted and r.values.get("accountname") == name
    ]


def _pushed(rows: list[dict[str, object]], entity: str, column: str) -> int:
    return sum(int(str(r[column])) for r in rows if r["stream"] == "push" and r["entity"] == entity)


def test_a_customer_created_in_xero_reaches_the_crm_and_its_update_follows(
    tenant_config: Path, sandbox: Sandbox
) -> None:
    tenant = load_config(tenant_config).tenant("demo-au")
    crm_sales(tenant="demo-au", config=str(tenant_config))
    xero = xero_client(tenant)
    created = xero.write(
        STREAMS["Contacts"],
        [{"Name": NAME, "EmailAddress": "hello@brandnew.example"}],
    )
    assert created[0].ok, created[0].errors

    rows = crm_sales(tenant="demo-au", config=str(tenant_config))
    assert _pushed(rows, "organizations", "created") == 1
    [account] = _accounts(sandbox, NAME)
    assert account["email1"] == "hello@brandnew.example"

    updated = xero.write(
        STREAMS["Contacts"], [{"ContactID": created[0].remote_id, "EmailAddress": "accounts@brandnew.example"}]
    )
    assert updated[0].ok, updated[0].errors
    rows = crm_sales(tenant="demo-au", config=str(tenant_config))
    assert _pushed(rows, "organizations", "updated") == 1
    [account] = _accounts(sandbox, NAME)
    assert account["email1"] == "accounts@brandnew.example"

    again = crm_sales(tenant="demo-au", config=str(tenant_config))
    assert sum(int(str(r["created"])) + int(str(r["updated"])) for r in again) == 0
    assert len(_accounts(sandbox, NAME)) == 1


def test_crm_organizations_reach_xero_as_contacts_with_at_most_five_people(
    tenant_config: Path, sandbox: Sandbox
) -> None:
    crm_sales(tenant="demo-au", config=str(tenant_config))
    tenant = load_config(tenant_config).tenant("demo-au")
    with Hub.open(tenant.store_path()) as hub:
        crowded = hub.query(
            "SELECT o.name, count(*) FROM people p JOIN organizations o ON o.id = p.organization_id "
            "JOIN id_map m ON m.hub_id = o.id AND m.app = 'xero' AND m.entity = 'organizations' "
            "GROUP BY o.name HAVING count(*) > 6"
        )
        reasons = [str(r[0]) for r in hub.query("SELECT reason FROM rejects WHERE app = 'xero' AND stage = 'push'")]
    assert crowded, "the sample CRM has organizations with more than six people"
    book = sandbox.xero.org_named("AU")
    contacts = {c["Name"]: c for c in book.table("Contacts").values()}
    for name, _ in crowded:
        contact = contacts[name]
        assert len(contact.get("ContactPersons") or []) <= 5
    assert any(reason.startswith("left out: Xero takes at most 5 contact persons") for reason in reasons), set(reasons)
    assert any(reason == "a person without an organization is not sent to Xero" for reason in reasons), set(reasons)
