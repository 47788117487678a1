"""Write ``seeds.json``: a few raw records of every stream each connector reads, as the sandbox serves them.

The mapper fuzz tests start from these records and mutate them. They are read
once, by the connectors themselves, from the seeded sandbox over loopback (the
demo's tenants: Xero AU and US with payroll, both vTiger CRMs and Deputy
installs, Salesforce, and the three shops), and kept in the repository so the
fuzz tests need no server and always start from the same records.

Run again when a sandbox's records change shape::

    .venv/bin/python -m tests.fuzz.capture
"""

from __future__ import annotations

import json
import os
import tempfile
import typing as t
from pathlib import Path
from urllib.parse import urlencode

import httpx

from connectors.salesforce.connect import connect as connect_salesforce
from connectors.vtiger.tables import find_stand_in
from connectors.xero.connect import connect as connect_xero
from datashare.cli.demo import DEMO_ENVIRONMENT
from datashare.config import Tenant, load_config
from datashare.model import DOMAINS, ENTITIES
from datashare.store import Hub
from datashare.sync.extract import extract
from sandbox.common.serve import serve_in_thread
from sandbox.server import build_sandbox
from tasks.sync import batches_for, source_and_mapper
from tasks.wiring import Clients, token_store, vtiger_client, xero_endpoints, xero_link
from tests.seed_moments import SEEDED_AT

SEEDS = Path(__file__).with_name("seeds.json")
TENANTS = ("demo-au", "demo-us", "demo-sf", "demo-shop")
XERO_TENANTS = ("demo-au", "demo-us")
PER_STREAM = 6  # the three longest records of a stream (the most fields), and three from across the rest
_NOT_HR = [e for e in ENTITIES if e not in DOMAINS["hr_payroll"]]
_DEMO = Path(__file__).parents[2] / "config" / "demo.toml"


def _chosen(records: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """Up to ``PER_STREAM`` records: the richest first, then some spread over the others."""
    ranked = sorted(records, key=lambda r: len(json.dumps(r, sort_keys=True)), reverse=True)
    rest = ranked[3:]
    step = max(1, len(rest) // 3)
    return ranked[:3] + rest[::step][: PER_STREAM - 3]


def _connect(tenant: Tenant) -> None:
    """Connect the tenant's Xero (and Salesforce) as the demo does: the sandbox's consent pages approve at once."""
    link = xero_link(tenant)
    choice = urlencode({"payroll": "1" if tenant.payroll_access else "0", "tenants": tenant.xero_organisation})
    connect_xero(
        xero_endpoints(link),
        client_id=link.client_id or "",
        client_secret=link.secrets["client_secret"].resolve(),
        organisation=tenant.xero_organisation,
        store=token_store(tenant, "xero"),
        payroll=tenant.payroll_access,
        open_url=lambda url: httpx.get(f"{url}&{choice}", follow_redirects=True, timeout=30),
    )
    if "salesforce" in tenant.apps:
        crm = tenant.apps["salesforce"]
        connect_salesforce(
            crm.auth_url or crm.base_url,
            client_id=crm.client_id or "",
            client_secret=crm.secrets["client_secret"].resolve(),
            store=token_store(tenant, "salesforce"),
            open_url=lambda url: httpx.get(url, follow_redirects=True, timeout=30),
        )


def _lookups(tenant: Tenant) -> dict[str, t.Any]:
    """The vTiger tables a run reads before mapping (currencies, taxes, the stand-in service)."""
    crm = vtiger_client(tenant)
    return {
        "currencies": list(crm.query_all("Currency")),
        "taxes": list(crm.query_all("Tax")),
        "product_taxes": list(crm.query_all("ProductTaxes")),
        "stand_in": find_stand_in(crm),
    }


def capture() -> dict[str, t.Any]:
    """Every stream's chosen raw records, per tenant and app (``"demo-au/xero"``), and the vTiger lookups."""
    sandbox = build_sandbox(seeded_at=SEEDED_AT)
    found: dict[str, t.Any] = {"records": {}, "vtiger_lookups": {}}
    with serve_in_thread(sandbox.app) as url, tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        os.environ.update(DEMO_ENVIRONMENT)
        config = Path(folder) / "tenants.toml"
        config.write_text(_DEMO.read_text(encoding="utf-8").replace("http://127.0.0.1:8750", url), encoding="utf-8")
        tenants = load_config(config)
        for name in TENANTS:
            tenant = tenants.tenant(name)
            _connect(tenant)
            if "vtiger" in tenant.apps:
                found["vtiger_lookups"][name] = _lookups(tenant)
            clients = Clients(tenant)
            with Hub.open(Path(folder) / f"{name}.duckdb") as hub:
                for app, stream in batches_for(tenant, ENTITIES if tenant.payroll_access else _NOT_HR):
                    if app == "xero" and name not in XERO_TENANTS:
                        continue  # the same organisations as demo-au's and demo-us's
                    source, _ = source_and_mapper(tenant, app, stream, clients)
                    extract(hub, source, "capture")
                    staged = hub.staged(app, source.entity, "capture", stream)
                    records = [payload for _, _, payload in staged if payload is not None]
                    found["records"].setdefault(f"{name}/{app}", {})[stream] = _chosen(records)
    return found


if __name__ == "__main__":
    SEEDS.write_text(json.dumps(capture(), indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {SEEDS}")
