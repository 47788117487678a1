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
