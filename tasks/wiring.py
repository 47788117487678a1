"""Building connectors from a tenant's config: base URLs from the config only, secrets resolved by name."""

from __future__ import annotations

import threading
from functools import cached_property

import httpx

from connectors.base.dry_run import DryRunTransport, Rehearsal, WriteBook
from connectors.base.tokens import TokenStore, token_store_for
from connectors.deputy import DeputyClient
from connectors.deputy.dry_run import DeputyRehearsal
from connectors.magento import MagentoClient
from connectors.magento.dry_run import MagentoRehearsal
from connectors.neto import NetoClient
from connectors.neto.dry_run import NetoRehearsal
from connectors.salesforce import DEFAULT_VERSION, SalesforceAuth, SalesforceClient
from connectors.salesforce.dry_run import SalesforceRehearsal
from connectors.shopify import ShopifyClient
from connectors.shopify.dry_run import ShopifyRehearsal
from connectors.vtiger import VtigerClient
from connectors.vtiger.dry_run import VtigerRehearsal
from connectors.xero.auth import XeroAuth, XeroEndpoints
from connectors.xero.client import XeroClient
from connectors.xero.dry_run import XeroRehearsal
from datashare.config import AppLink, ConfigError, Tenant

__all__ = [
    "REHEARSALS",
    "Clients",
    "deputy_client",
    "magento_client",
    "neto_client",
    "salesforce_client",
    "shopify_client",
    "token_store",
    "vtiger_client",
    "xero_auth",
    "xero_client",
    "xero_endpoints",
    "xero_link",
]


def xero_link(tenant: Tenant) -> AppLink:
    """The tenant's Xero settings."""
    return tenant.apps["xero"]


def xero_endpoints(link: AppLink) -> XeroEndpoints:
    """Where the tenant's Xero (or the sandbox) answers."""
    return XeroEndpoints.from_base(link.base_url, link.auth_url, link.login_url)


def token_store(tenant: Tenant, app: str) -> TokenStore:
    """The store holding the app's OAuth tokens for this tenant."""
    ref = tenant.apps[app].secrets["token_store"]
    return token_store_for(ref.kind, ref.name)


def xero_auth(tenant: Tenant) -> XeroAuth:
    """Signing and token refresh for the tenant's Xero organisation."""
    link = xero_link(tenant)
    if not link.client_id:
        raise ConfigError(f"tenant {tenant.name!r}: apps.xero.client_id: missing (the Xero app's client id)")
    return XeroAuth(
        token_store(tenant, "xero"),
        client_id=link.client_id,
        client_secret=link.secrets["client_secret"].resolve(),
        token_url=xero_endpoints(link).token_url,
        tenant=tenant.name,
    )


# One Xero client per tenant and process: the tasks of a run share its pacer (Xero's limits are per
# organisation, so pacing per task would let a run overrun them) and the organisation it asked for once.
_XERO_CLIENTS: dict[tuple[str, ...], XeroClient] = {}
_LOCK = threading.Lock()


def xero_client(tenant: Tenant, *, http: httpx.Client | None = None) -> XeroClient:
    """The Xero client for the tenant's organisation (shared within the process unless ``http`` is given)."""
    link = xero_link(tenant)
    if http is not None:
        return XeroClient(xero_endpoints(link), xero_auth(tenant), http=http)
    key = (tenant.name, link.base_url, str(link.client_id), repr(link.secrets.get("token_store")))
    with _LOCK:
        if key not in _XERO_CLIENTS:
            _XERO_CLIENTS[key] = XeroClient(xero_endpoints(link), xero_auth(tenant))
        return _XERO_CLIENTS[key]


def vtiger_client(tenant: Tenant, *, http: httpx.Client | None = None) -> VtigerClient:
    """A vTiger client for the tenant's CRM, logged in as the configured user."""
    link = tenant.apps["vtiger"]
    if not link.username:
        raise ConfigError(f"tenant {tenant.name!r}: apps.vtiger.username: missing (the CRM user to sync as)")
    return VtigerClient(link.base_url, link.username, link.secrets["access_key"].resolve(), http=http)


def deputy_client(tenant: Tenant, *, http: httpx.Client | None = None) -> DeputyClient:
    """A Deputy client for the tenant's install, with its access token."""
    link = tenant.apps["deputy"]
    return DeputyClient(link.base_url, link.secrets["access_token"].resolve(), http=http)


def salesforce_client(tenant: Tenant, *, http: httpx.Client | None = None) -> SalesforceClient:
    """A Salesforce client for the tenant's org: tokens from its token store, refreshed at ``auth_url``."""
    link = tenant.apps["salesforce"]
    if not link.client_id:
        raise ConfigError(f"tenant {tenant.name!r}: apps.salesforce.client_id: missing (the connected app's key)")
    auth = SalesforceAuth(
        token_store(tenant, "salesforce"),
        client_id=link.client_id,
        client_secret=link.secrets["client_secret"].resolve(),
        token_url=f"{link.auth_url or link.base_url}/services/oauth2/token",
        tenant=tenant.name,
    )
    return SalesforceClient(auth, instance_url=link.base_url, version=link.api_version or DEFAULT_VERSION, http=http)


def shopify_client(tenant: Tenant, *, http: httpx.Client | None = None) -> ShopifyClient:
    """A Shopify client for the tenant's shop, with its custom app's access token."""
    link = tenant.apps["shopify"]
    return ShopifyClient(link.base_url, link.secrets["access_token"].resolve(), http=http)


def magento_client(tenant: Tenant, *, http: httpx.Client | None = None) -> MagentoClient:
    """A Magento client for the tenant's store, with its integration's access token."""
    link = tenant.apps["magento"]
    return MagentoClient(link.base_url, token=link.secrets["access_token"].resolve(), http=http)


def neto_client(tenant: Tenant, *, http: httpx.Client | None = None) -> NetoClient:
    """A Neto client for the tenant's site: its API key, and the user the key belongs to."""
    link = tenant.apps["neto"]
    if not link.username:
        raise ConfigError(f"tenant {tenant.name!r}: apps.neto.username: missing (the user the API key belongs to)")
    return NetoClient(link.base_url, link.secrets["api_key"].resolve(), link.username, http=http)


REHEARSALS: dict[str, Rehearsal] = {
    r.app: r
    for r in (
        XeroRehearsal(),
        VtigerRehearsal(),
        SalesforceRehearsal(),
        ShopifyRehearsal(),
        MagentoRehearsal(),
        NetoRehearsal(),
        DeputyRehearsal(),
    )
}
"""Each app's side of a plan: which of its requests only read, and its answer to a write."""


class Clients:
    """A tenant's app clients, made on first use: talking to the apps, or (``book`` given) rehearsed for a plan.

    Rehearsed, every client's HTTP goes through a ``DryRunTransport``: reads
    reach the app, writes are answered from ``book`` and never sent.
    """

    def __init__(self, tenant: Tenant, book: WriteBook | None = None) -> None:
        self.tenant = tenant
        self.book = book

    def http(self, app: str) -> httpx.Client | None:
        """The HTTP client for an app's connector (None: the connector's own, to the app)."""
        if self.book is None:
            return None
        transport = DryRunTransport(REHEARSALS[app], self.book)
        return httpx.Client(transport=transport, timeout=30.0, follow_redirects=False)

    def xero(self) -> XeroClient:
        """The tenant's Xero client."""
        return xero_client(self.tenant) if self.book is None else self._xero

    @cached_property
    def _xero(self) -> XeroClient:
        return xero_client(self.tenant, http=self.http("xero"))

    def vtiger(self) -> VtigerClient:
        """A vTiger client for the tenant's CRM."""
        return vtiger_client(self.tenant, http=self.http("vtiger"))

    def deputy(self) -> DeputyClient:
        """A Deputy client for the tenant's install."""
        return deputy_client(self.tenant, http=self.http("deputy"))

    def salesforce(self) -> SalesforceClient:
        """A Salesforce client for the tenant's org."""
        return salesforce_client(self.tenant, http=self.http("salesforce"))

    def shopify(self) -> ShopifyClient:
        """A Shopify client for the tenant's shop."""
        return shopify_client(self.tenant, http=self.http("shopify"))

    def magento(self) -> MagentoClient:
        """A Magento client for the tenant's store."""
        return magento_client(self.tenant, http=self.http("magento"))

    def neto(self) -> NetoClient:
        """A Neto client for the tenant's site."""
        return neto_client(self.tenant, http=self.http("neto"))
