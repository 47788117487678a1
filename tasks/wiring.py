"""Building connectors from a tenant's config: base URLs from the config only, secrets resolved by name."""

from __future__ import annotations

import threading

import httpx

from connectors.base.tokens import TokenStore, token_store_for
from connectors.deputy import DeputyClient
from connectors.magento import MagentoClient
from connectors.neto import NetoClient
from connectors.salesforce import DEFAULT_VERSION, SalesforceAuth, SalesforceClient
from connectors.shopify import ShopifyClient
from connectors.vtiger import VtigerClient
from connectors.xero.auth import XeroAuth, XeroEndpoints
from connectors.xero.client import XeroClient
from datashare.config import AppLink, ConfigError, Tenant

__all__ = [
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
