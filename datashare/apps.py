"""The apps datashare links to, and what each needs to connect, declared as data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["APPS", "AppInfo"]


@dataclass(frozen=True)
class AppInfo:
    """What the config must say about an app: its secrets by name."""

    name: str
    label: str
    secrets: tuple[str, ...]
    # Per entity, the canonical fields the app holds where it holds fewer than all of them. A hub
    # change to any other field (Xero's stock on hand, say) is nothing to the app: it is not pushed.
    carries: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


_SHOP_ITEM = ("code", "type", "sale_price", "is_inventoried", "quantity_on_hand")

APPS: dict[str, AppInfo] = {
    app.name: app
    for app in (
        # The Xero token store holds the rotating refresh token; it is written back on every refresh.
        AppInfo("xero", "Xero", ("client_secret", "token_store")),
        AppInfo(
            "vtiger",
            "vTiger CRM",
            ("access_key",),
            # What a Product or Service holds: a change to an item's accounts or purchase price is nothing to it;
            # what its company details hold: a change to the company's currency or year end is nothing to them.
            carries={
                "company": ("name", "country", "tax_number", "website", "phone", "address"),
                "items": (
                    "code",
                    "name",
                    "description",
                    "type",
                    "status",
                    "unit",
                    "sale_price",
                    "sale_tax_code_id",
                    "is_inventoried",
                    "quantity_on_hand",
                ),
            },
        ),
        AppInfo(
            "salesforce",
            "Salesforce",
            ("client_secret", "token_store"),
            carries={
                "organizations": ("name", "code", "website", "phone", "address", "is_customer", "is_supplier"),
                "people": (
                    "organization_id",
                    "first_name",
                    "last_name",
                    "job_title",
                    "email",
                    "phone_work",
                    "address_work",
                ),
                "items": ("code", "reference", "name", "description", "status", "sale_price"),
            },
        ),
        # A shop's product takes an item's price and, where Xero keeps the stock, its count: nothing else.
        AppInfo("shopify", "Shopify", ("access_token",), carries={"items": _SHOP_ITEM}),
        AppInfo("magento", "Magento 2", ("access_token",), carries={"items": _SHOP_ITEM}),
        AppInfo("neto", "Neto", ("api_key",), carries={"items": _SHOP_ITEM}),
        AppInfo("deputy", "Deputy", ("access_token",)),
    )
}
"""Every app a tenant can link, by the name the config uses."""
