"""vTiger's reference tables, read once per run (or per push) into the ``Lookups`` mapping needs."""

from __future__ import annotations

from connectors.vtiger.client import VtigerClient
from connectors.vtiger.mapping import STAND_IN_SERVICE, Lookups

__all__ = ["find_stand_in", "read_lookups"]


def find_stand_in(client: VtigerClient) -> str | None:
    """The id of the connector's stand-in service (lines without an item go on it), if vTiger has it."""
    for row in client.query_all("Services", where={"servicename": STAND_IN_SERVICE}, columns=["id", "servicename"]):
        return str(row["id"])
    return None


def read_lookups(client: VtigerClient) -> Lookups:
    """Currencies, taxes, the taxes each product carries, and the stand-in service, as vTiger holds them now."""
    return Lookups.from_rows(
        currencies=client.query_all("Currency"),
        taxes=client.query_all("Tax"),
        product_taxes=client.query_all("ProductTaxes"),
        stand_in=find_stand_in(client),
    )
