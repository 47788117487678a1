"""Building connectors from a tenant's config: base URLs from the config only, secrets resolved by name."""

from __future__ import annotations

import httpx

from connectors.base.tokens import TokenStore, token_store_for
from connectors.vtiger import VtigerClient
from connectors.xero.auth import XeroAuth, XeroEndpoints
from connectors.xero.client import XeroClient
from datashare.config import AppLink, ConfigError, Tenant

__all__ = ["token_store", "vtiger_client", "xero_auth", "xero_client", "xero_endpoints", "xero_link"]


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


def xero_client(tenant: Tenant, *, http: httpx.Client | None = None) -> XeroClient:
    """A Xero client for the tenant's organisation."""
    return XeroClient(xero_endpoints(xero_link(tenant)), xero_auth(tenant), http=http)


def vtiger_client(tenant: Tenant, *, http: httpx.Client | None = None) -> VtigerClient:
    """A vTiger client for the tenant's CRM, logged in as the configured user."""
    link = tenant.apps["vtiger"]
    if not link.username:
        raise ConfigError(f"tenant {tenant.name!r}: apps.vtiger.username: missing (the CRM user to sync as)")
    return VtigerClient(link.base_url, link.username, link.secrets["access_key"].resolve(), http=http)
