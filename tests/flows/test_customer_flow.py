"""The product's first promise, end to end over loopback: a customer created in Xero appears in the CRM, with every update."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.xero.streams import STREAMS
from datashare.config import Tenant, load_config
from datashare.store import Hub
from flows.crm_sales import crm_sales
from sandbox.server import Sandbox
from tasks.wiring import vtiger_client, xero_client

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


def _synced_once(config: Path) -> tuple[Tenant, list[tuple[str, str, str]]]:
    """Run crm_sales once; the tenant and its organizations in both apps: (name, Xero id, vTiger id)."""
    tenant = load_config(config).tenant("demo-au")
    crm_sales(tenant="demo-au", config=str(config))
    with Hub.open(tenant.store_path()) as hub:
        rows = hub.query(
            "SELECT o.name, x.remote_id, v.remote_id FROM organizations o "
            "JOIN id_map x ON x.hub_id = o.id AND x.app = 'xero' AND x.entity = 'organizations' "
            "JOIN id_map v ON v.hub_id = o.id AND v.app = 'vtiger' AND v.entity = 'organizations' "
            "WHERE o.deleted_at IS NULL AND x.remote_id IS NOT NULL AND v.remote_id IS NOT NULL ORDER BY o.name"
        )
    return tenant, [(str(name), str(x), str(v)) for name, x, v in rows]


def test_a_contact_person_whose_email_is_edited_in_xero_becomes_a_new_person_in_the_hub_and_the_crm(
    own_sandbox: tuple[Sandbox, Path],
) -> None:
    sandbox, config = own_sandbox
    tenant, shared = _synced_once(config)
    book = sandbox.xero.org_named("AU")
    linked = {xero_id: name for name, xero_id, _ in shared}
    in_crm = {xero_id: crm_id for _, xero_id, crm_id in shared}
    contact = next(
        c
        for c in book.table("Contacts").values()
        if c["ContactID"] in linked and any(p.get("EmailAddress") for p in c.get("ContactPersons") or [])
    )
    persons = [dict(p) for p in contact["ContactPersons"]]
    edited = next(p for p in persons if p.get("EmailAddress"))
    old_email = edited["EmailAddress"]
    edited["EmailAddress"] = "renamed.person@new-mailbox.example"
    xero = xero_client(tenant)
    result = xero.write(STREAMS["Contacts"], [{"ContactID": contact["ContactID"], "ContactPersons": persons}])
    assert result[0].ok, result[0].errors

    crm_sales(tenant="demo-au", config=str(config))

    with Hub.open(tenant.store_path()) as hub:
        rows = hub.query(
            "SELECT p.email, o.name FROM people p JOIN organizations o ON o.id = p.organization_id "
            "WHERE lower(p.email) IN (?, ?)",
            old_email.lower(),
            "renamed.person@new-mailbox.example",
        )
    assert sorted(email.lower() for email, _ in rows) == sorted(
        [old_email.lower(), "renamed.person@new-mailbox.example"]
    )  # a new person, and the one before it is still there
    assert {name for _, name in rows} == {linked[contact["ContactID"]]}
    crm = sandbox.vtiger["au"]
    [new_person] = [
        r.values
        for r in crm.entities.values()
        if r.module == "Contacts" and not r.deleted and r.values.get("email") == "renamed.person@new-mailbox.example"
    ]
    assert new_person["account_id"] == in_crm[contact["ContactID"]]  # under the same organization
    assert new_person["lastname"] == edited.get("LastName")


def test_a_deletion_in_one_app_archives_or_deletes_the_record_in_the_other_and_goes_no_further(
    own_sandbox: tuple[Sandbox, Path],
) -> None:
    sandbox, config = own_sandbox
    tenant, shared = _synced_once(config)
    (_, archived_in_xero, its_account), (_, its_contact, deleted_in_crm) = shared[:2]
    xero = xero_client(tenant)
    assert xero.write(STREAMS["Contacts"], [{"ContactID": archived_in_xero, "ContactStatus": "ARCHIVED"}])[0].ok
    vtiger_client(tenant).delete(deleted_in_crm)

    rows = crm_sales(tenant="demo-au", config=str(config))

    book = sandbox.xero.org_named("AU")
    assert book.table("Contacts")[its_contact]["ContactStatus"] == "ARCHIVED"
    crm = sandbox.vtiger["au"]
    assert crm.entities[int(its_account.split("x")[1])].deleted
    assert _pushed(rows, "organizations", "updated") == 2  # one each way
    again = crm_sales(tenant="demo-au", config=str(config))
    notes = [r["notes"] for r in again if r["notes"]]
    assert _pushed(again, "organizations", "updated") == _pushed(again, "organizations", "rejected") == 0, notes
