"""Every emulator as one server on loopback: one path prefix per app, the vendor's own paths below it.

::

    /xero/...            Xero: identity (/connect/token, /identity/connect/authorize,
                         /connections) and the Accounting API (/api.xro/2.0/...),
                         with the sample organisations AU, US and NZ
    /vtiger/au/...       the AU organisation's vTiger CRM (/webservice.php)
    /vtiger/us/...       the US organisation's vTiger CRM
    /salesforce/au/...   the AU organisation's Salesforce org (/services/oauth2/token,
                         /services/data/vXX.X/...)
    /salesforce/us/...   the US organisation's Salesforce org
    /deputy/au/...       the AU organisation's Deputy install (/api/v1/resource/...)
    /deputy/us/...       the US organisation's Deputy install
    /shopify/au/...      the AU organisation's Shopify shop (/admin/api/2025-07/graphql.json, REST)
    /magento/au/...      the AU organisation's Magento 2 store (/rest/V1/...)
    /neto/au/...         the AU organisation's Neto site (/do/WS/NetoAPI)
    /hooks/inbox         a webhook inbox: the demo's Prefect notifications post here (GET lists them)

Each CRM shares part of its customers and product codes with its Xero
organisation (spelled a little differently), so matching has real work to do;
so does each shop (customers, and SKUs that are Xero item codes).
Each Deputy install employs its organisation's staff (``sandbox.common.staff``),
as Xero Payroll does: most with the same email, some under another one, a few
casuals only in Deputy.

Every emulator seeds as of one moment (``seeded_at``, the machine's now by
default) and then serves on the machine's clock, so tests can have the same
sample data on any day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.types import ASGIApp

from sandbox.common.clock import SeedingClock, SystemClock
from sandbox.common.faults import FaultPlan
from sandbox.deputy import SAMPLE_TOKEN as DEPUTY_SAMPLE_TOKEN
from sandbox.deputy import DeputyState
from sandbox.deputy import create_app as create_deputy
from sandbox.deputy import seed_sample as seed_deputy
from sandbox.hooks import HookInbox
from sandbox.hooks import create_app as create_hooks
from sandbox.magento import SAMPLE_TOKEN as MAGENTO_TOKEN
from sandbox.magento import MagentoState
from sandbox.magento import create_app as create_magento
from sandbox.magento import seed_sample as seed_magento
from sandbox.neto import SAMPLE_KEY as NETO_KEY
from sandbox.neto import SAMPLE_USERNAME as NETO_USERNAME
from sandbox.neto import NetoState
from sandbox.neto import create_app as create_neto
from sandbox.neto import seed_sample as seed_neto
from sandbox.salesforce import SAMPLE_CLIENT_ID as SALESFORCE_CLIENT_ID
from sandbox.salesforce import SAMPLE_CLIENT_SECRET as SALESFORCE_CLIENT_SECRET
from sandbox.salesforce import SalesforceState
from sandbox.salesforce import create_app as create_salesforce
from sandbox.salesforce import seed_sample as seed_salesforce
from sandbox.shopify import SAMPLE_TOKEN as SHOPIFY_TOKEN
from sandbox.shopify import ShopifyState
from sandbox.shopify import create_app as create_shopify
from sandbox.shopify import seed_sample as seed_shopify
from sandbox.vtiger import SAMPLE_ACCESS_KEY, SAMPLE_USERNAME, VtigerState
from sandbox.vtiger import create_app as create_vtiger
from sandbox.vtiger import seed_sample as seed_vtiger
from sandbox.xero import SAMPLE_CLIENT_ID, SAMPLE_CLIENT_SECRET, RateLimits, XeroState, sample_directory
from sandbox.xero import create_app as create_xero
from sandbox.xero import seed_sample as seed_xero

__all__ = ["CRM_ORGS", "DEFAULT_HOST", "DEFAULT_PORT", "DEPUTY_ORGS", "Sandbox", "build_sandbox"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8750
CRM_ORGS = ("au", "us")
DEPUTY_ORGS = ("au", "us")  # Deputy feeds payroll, which Xero offers in AU and US only


@dataclass
class Sandbox:
    """The emulators' states (for tests and the demo to look into) and the one ASGI app serving them."""

    app: ASGIApp
    xero: XeroState
    vtiger: dict[str, VtigerState]
    deputy: dict[str, DeputyState] = field(default_factory=dict)
    faults: dict[str, FaultPlan] = field(default_factory=dict)
    salesforce: dict[str, SalesforceState] = field(default_factory=dict)
    shopify: dict[str, ShopifyState] = field(default_factory=dict)
    magento: dict[str, MagentoState] = field(default_factory=dict)
    neto: dict[str, NetoState] = field(default_factory=dict)
    seeded_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    """The moment the sample data was made as of (UTC)."""
    hooks: HookInbox = field(default_factory=HookInbox)
    """What was posted to ``/hooks/inbox`` (the demo's notifications)."""

    def describe(self, base_url: str) -> list[tuple[str, str, str]]:
        """``(app, base URL, sample credentials)`` for each emulator."""
        rows = [
            (
                "xero",
                f"{base_url}/xero",
                f"client id {SAMPLE_CLIENT_ID}, secret {SAMPLE_CLIENT_SECRET}; "
                f"organisations {', '.join(book.name for book in self.xero.orgs.values())}",
            )
        ]
        for org in self.vtiger:
            rows.append(
                ("vtiger", f"{base_url}/vtiger/{org}", f"user {SAMPLE_USERNAME}, access key {SAMPLE_ACCESS_KEY}")
            )
        for org in self.salesforce:
            rows.append(
                (
                    "salesforce",
                    f"{base_url}/salesforce/{org}",
                    f"client id {SALESFORCE_CLIENT_ID}, secret {SALESFORCE_CLIENT_SECRET} "
                    f"(POST /services/oauth2/token, grant_type client_credentials)",
                )
            )
        for org in self.deputy:
            rows.append(("deputy", f"{base_url}/deputy/{org}", f"bearer token {DEPUTY_SAMPLE_TOKEN}"))
        for org in self.shopify:
            rows.append(("shopify", f"{base_url}/shopify/{org}", f"X-Shopify-Access-Token {SHOPIFY_TOKEN}"))
        for org in self.magento:
            rows.append(("magento", f"{base_url}/magento/{org}", f"bearer token {MAGENTO_TOKEN}"))
        for org in self.neto:
            rows.append(("neto", f"{base_url}/neto/{org}", f"NETOAPI_KEY {NETO_KEY}, NETOAPI_USERNAME {NETO_USERNAME}"))
        rows.append(("hooks", f"{base_url}/hooks/inbox", "none: POST a webhook, GET lists what came"))
        return rows


def build_sandbox(
    *, scale: int = 1, seed: int = 0, limits: RateLimits | None = None, seeded_at: datetime | None = None
) -> Sandbox:
    """Seed every emulator as of ``seeded_at`` (None: the machine's now) and mount them under one app.

    The emulators then run on the machine's clock. ``seeded_at`` must not lie
    in the future: what clients write later would be older than the samples.
    """
    machine = SystemClock()
    clock = SeedingClock(seeded_at, after=machine)
    if clock.moment > machine.now():
        raise ValueError(f"seeded_at {clock.moment.isoformat()} lies in the future; seed as of a past moment")
    xero = XeroState(clock=clock)
    seed_xero(xero, scale=scale, seed=seed)
    faults = {"xero": FaultPlan(seed=seed)}
    routes = [Mount("/xero", app=create_xero(xero, faults=faults["xero"], limits=limits))]
    crms: dict[str, VtigerState] = {}
    orgs: dict[str, SalesforceState] = {}
    for org in CRM_ORGS:
        directory = sample_directory(org, scale=scale, seed=seed)
        crm = VtigerState(clock=clock)
        seed_vtiger(
            crm,
            scale=scale,
            seed=seed,
            customers=directory.crm_customers(),
            item_codes=directory.item_codes(),
            country=org.upper(),
        )
        crms[org] = crm
        faults[f"vtiger/{org}"] = FaultPlan(seed=seed)
        routes.append(Mount(f"/vtiger/{org}", app=create_vtiger(crm, faults=faults[f"vtiger/{org}"])))
        salesforce_org = SalesforceState(clock=clock)
        seed_salesforce(
            salesforce_org,
            scale=scale,
            seed=seed,
            customers=directory.crm_customers(),
            item_codes=directory.item_codes(),
            country=org.upper(),
        )
        orgs[org] = salesforce_org
        faults[f"salesforce/{org}"] = FaultPlan(seed=seed)
        routes.append(
            Mount(f"/salesforce/{org}", app=create_salesforce(salesforce_org, faults=faults[f"salesforce/{org}"]))
        )
    installs: dict[str, DeputyState] = {}
    for org in DEPUTY_ORGS:
        install = DeputyState(clock=clock, country=org.upper())
        seed_deputy(install, scale=scale, seed=seed)
        installs[org] = install
        faults[f"deputy/{org}"] = FaultPlan(seed=seed)
        routes.append(Mount(f"/deputy/{org}", app=create_deputy(install, faults=faults[f"deputy/{org}"])))
    # One shop of each kind, for the AU organisation: their orders become its invoices.
    shopify, magento, neto = ShopifyState(clock=clock), MagentoState(clock=clock), NetoState(clock=clock)
    hooks = HookInbox()
    seed_shopify(shopify, scale=scale, seed=seed)
    seed_magento(magento, scale=scale, seed=seed)
    seed_neto(neto, scale=scale, seed=seed)
    clock.seeded()
    for name in ("shopify", "magento", "neto"):
        faults[f"{name}/au"] = FaultPlan(seed=seed)
    routes += [
        Mount("/shopify/au", app=create_shopify(shopify, faults=faults["shopify/au"])),
        Mount("/magento/au", app=create_magento(magento, faults=faults["magento/au"])),
        Mount("/neto/au", app=create_neto(neto, faults=faults["neto/au"])),
        Mount("/hooks", app=create_hooks(hooks)),
    ]
    return Sandbox(
        Starlette(routes=routes),
        xero,
        crms,
        installs,
        faults,
        orgs,
        shopify={"au": shopify},
        magento={"au": magento},
        neto={"au": neto},
        seeded_at=clock.moment,
        hooks=hooks,
    )
