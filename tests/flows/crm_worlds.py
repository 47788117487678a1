"""One tenant linking the AU Xero organisation with a CRM (vTiger or Salesforce), and what tests do in that CRM.

The product spec's CRM rules must hold for every CRM, so the rule tests take a
``CrmWorld`` and run once per CRM. Records are made in the CRM through each
sandbox's own state API (as a user would in the CRM's screens).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from connectors.base.tokens import Token
from datashare.cli.demo import _connect
from datashare.config import load_config
from sandbox.salesforce import SAMPLE_CLIENT_ID, SAMPLE_REFRESH_TOKEN
from sandbox.server import Sandbox
from sandbox.vtiger import records as vtiger_records
from tasks.wiring import token_store

__all__ = ["CRMS", "CrmWorld", "salesforce_tenant"]

CRMS = ("vtiger", "salesforce")

_SALESFORCE_TENANT = """[[tenants]]
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


def salesforce_tenant(tmp_path: Path, url: str) -> Path:
    """A config with tenant ``sf-au`` (AU Xero + the AU Salesforce org), both connected (needs ``SF_SECRET``)."""
    path = tmp_path / "tenants.toml"
    path.write_text(_SALESFORCE_TENANT.format(url=url, tmp=tmp_path, client_id=SAMPLE_CLIENT_ID), encoding="utf-8")
    tenant = load_config(path).tenant("sf-au")
    _connect(tenant, token_store(tenant, "xero"))
    # Connected as an admin would: the org's refresh token; the access token is got on first use.
    token_store(tenant, "salesforce").save(Token("not-yet", SAMPLE_REFRESH_TOKEN, datetime.now(UTC)))
    return path


@dataclass
class CrmWorld:
    """A sandbox, a tenant config linking its AU Xero with one CRM, and that CRM's records."""

    crm: str
    sandbox: Sandbox
    config: Path
    tenant: str

    def account_names(self) -> list[str]:
        """The names of the CRM's live organizations (Accounts)."""
        if self.crm == "vtiger":
            return [str(r.values["accountname"]) for r in self.sandbox.vtiger["au"].live("Accounts")]
        return [str(r["Name"]) for r in self.sandbox.salesforce["au"].rows("Account")]

    def add_organization(self, name: str, people: int) -> str:
        """An organization with ``people`` contacts (each with an email); its CRM id."""
        if self.crm == "vtiger":
            account = self._vtiger("Accounts", {"accountname": name, "bill_street": "1 Test St"})
            for n in range(people):
                self._vtiger(
                    "Contacts",
                    {"lastname": f"Person{n}", "firstname": "Crowd", "email": f"crowd{n}@rules.example",
                     "account_id": account["id"]},
                )  # fmt: skip
            return str(account["id"])
        org = self.sandbox.salesforce["au"]
        account_id = org.create("Account", {"Name": name, "BillingStreet": "1 Test St"})
        for n in range(people):
            org.create(
                "Contact",
                {"LastName": f"Person{n}", "FirstName": "Crowd", "Email": f"crowd{n}@rules.example",
                 "AccountId": account_id},
            )  # fmt: skip
        return account_id

    def add_product(self, code: str, name: str, price: Decimal) -> str:
        """A product sold at ``price``; its CRM id."""
        if self.crm == "vtiger":
            product = self._vtiger("Products", {"productname": name, "productcode": code, "unit_price": str(price)})
            return str(product["id"])
        org = self.sandbox.salesforce["au"]
        product_id = org.create("Product2", {"Name": name, "ProductCode": code, "IsActive": True})
        book = next(b for b in org.rows("Pricebook2") if b["IsStandard"])
        org.create("PricebookEntry", {"Pricebook2Id": book["Id"], "Product2Id": product_id, "UnitPrice": price})
        return product_id

    def add_order(self, account_id: str, product_id: str, quantity: int, price: Decimal) -> None:
        """A confirmed sale to the organization: a vTiger Invoice, an Activated Salesforce Order."""
        if self.crm == "vtiger":
            self._vtiger(
                "Invoice",
                {"subject": "Rules test sale", "account_id": account_id, "invoicestatus": "Approved",
                 "invoicedate": date.today().isoformat(), "bill_street": "1 Test St", "ship_street": "1 Test St",
                 "hdnTaxType": "individual",
                 "LineItems": [{"productid": product_id, "quantity": quantity, "listprice": str(price)}]},
            )  # fmt: skip
            return
        org = self.sandbox.salesforce["au"]
        book = next(b for b in org.rows("Pricebook2") if b["IsStandard"])
        entry = next(e for e in org.rows("PricebookEntry") if e["Product2Id"] == product_id)
        order = org.create(
            "Order",
            {"AccountId": account_id, "EffectiveDate": date.today().isoformat(), "Status": "Draft",
             "Pricebook2Id": book["Id"]},
        )  # fmt: skip
        org.create(
            "OrderItem", {"OrderId": order, "PricebookEntryId": entry["Id"], "Quantity": quantity, "UnitPrice": price}
        )
        org.update("Order", order, {"Status": "Activated"})

    def _vtiger(self, module: str, element: dict[str, t.Any]) -> dict[str, object]:
        state = self.sandbox.vtiger["au"]
        return vtiger_records.create(state, state.users[1], module, {"assigned_user_id": "19x1", **element})
