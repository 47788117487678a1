"""The apps datashare links to, and what each needs to connect, declared as data."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["APPS", "AppInfo"]


@dataclass(frozen=True)
class AppInfo:
    """What the config must say about an app: its secrets by name."""

    name: str
    label: str
    secrets: tuple[str, ...]


APPS: dict[str, AppInfo] = {
    app.name: app
    for app in (
        # The Xero token store holds the rotating refresh token; it is written back on every refresh.
        AppInfo("xero", "Xero", ("client_secret", "token_store")),
        AppInfo("vtiger", "vTiger CRM", ("access_key",)),
        AppInfo("salesforce", "Salesforce", ("client_secret", "token_store")),
        AppInfo("shopify", "Shopify", ("access_token",)),
        AppInfo("magento", "Magento 2", ("access_token",)),
        AppInfo("neto", "Neto", ("api_key",)),
        AppInfo("deputy", "Deputy", ("access_token",)),
    )
}
"""Every app a tenant can link, by the name the config uses."""
