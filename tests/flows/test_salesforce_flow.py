"""Xero ⇄ Salesforce through the hub, end to end over loopback on a real Prefect server (part of issue #7)."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.base.tokens import Token
from datashare.cli.demo import DEMO_ENVIRONMENT, _connect
from datashare.config import load_config
from datashare.store import Hub
from flows.crm_sales import crm_sales
from sandbox.common.serve import serve_in_thread
from sandbox.salesforce import SAMPLE_CLIENT_ID, SAMPLE_CLIENT_SECRET, SAMPLE_REFRESH_TOKEN
from sandbox.server import Sandbox, build_sandbox
from tasks.wiring import token_store
from tests.flows.conftest import ROOMY

pytestmark = pytest.mark.usefixtures("prefect_server")

_TENANT = """[[tenants]]
name = "sf-au"
xero_organisation = "Southern Cross Outdoor Co"

[tenants.apps.xero]
base_url = "{url}/xero"
client_id = "6F1D3C6A2B8E4B0C9A7D5E3F1B2C4D6E"
secrets = {{ client_secret = "env:DEMO_XERO_CLIENT_SECRET", token_store = "file:{tmp}/xero.json" }}

[tenants.apps.salesforce]
base_url = "{url}/salesforce/au"
client_id = "{client_id}"
secrets = {{ client_secret = "env:SF_SECRET", token_store = "file:{tmp}/salesforce.json" }}
share = {{ company = "off" }}
"""


@pytest.fixture
def sf_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Sandbox, Path]]:
    """A sandbox of the test's own, a tenant linking its AU Xero with the AU Salesforce org, both connected."""
    for name, value in DEMO_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SF_SECRET", SAMPLE_CLIENT_SECRET)
    monkeypatch.chdir(tmp_path)
    sandbox = build_sandbox(limits=ROOMY)
    with serve_in_thread(sandbox.app) as url:
        path = tmp_path / "tenants.toml"
        path.write_text(_TENANT.format(url=url, tmp=tmp_path, client_id=SAMPLE_CLIENT_ID), encoding="utf-8")
        tenant = load_config(path).tenant("sf-au")
        _connect(tenant, token_store(tenant, "xero"))
        # Connected as an admin would: the org's refresh token, the access token got on first use.
        token_store(tenant, "salesforce").save(Token("not-yet", SAMPLE_REFRESH_TOKEN, datetime.now(UTC)))
        yield sandbox, path


def _sf(sandbox: Sandbox, sobject: str) -> list[dict[str, t.Any]]:
    return list(sandbox.salesforce["au"].rows(sobject))


def test_a_xero_customer_reaches_salesforce_and_suppliers_do_not(
    sf_world: tuple[Sandbox, Path],
) -> None:
    sandbox, config = sf_world
    book = sandbox.xero.org_named("AU")
    accounts_before = len(_sf(sandbox, "Account"))

    first = crm_sales(tenant="sf-au", config=str(config))

    names = {a["Name"] for a in _sf(sandbox, "Account")}
    customers = [c for c in book.table("Contacts").values() if c.get("IsCustomer") or not c.get("IsSupplier")]
    assert len(_sf(sandbox, "Account")) > accounts_before
    assert any(c["Name"] in names for c in customers)
    sent = next(r for r in first if (r["app"], r["stream"], r["entity"]) == ("salesforce", "push", "organizations"))
    assert sent["created"] > 0
    assert sent["skipped"] > 0  # suppliers: the CRM holds customers


def test_an_activated_salesforce_order_becomes_a_xero_invoice(sf_world: tuple[Sandbox, Path]) -> None:
    sandbox, config = sf_world
    orders = [o for o in _sf(sandbox, "Order") if o["Status"] == "Activated"]

    crm_sales(tenant="sf-au", config=str(config))

    with Hub.open(load_config(config).tenant("sf-au").store_path()) as hub:
        linked = hub.query(
            "SELECT count(*) FROM id_map s JOIN id_map x ON x.hub_id = s.hub_id AND x.entity = s.entity "
            "WHERE s.entity = 'invoices' AND s.app = 'salesforce' AND x.app = 'xero' AND x.status = 'linked' "
            "AND list_contains(CAST(? AS VARCHAR[]), s.remote_id)",
            [o["Id"] for o in orders],
        )[0][0]
    assert orders
    assert linked == len(orders)
