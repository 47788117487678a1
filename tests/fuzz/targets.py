"""What the mapper fuzz tests map: every stream each connector reads, its mapper, and real records to start from.

The records are the sandbox's, as the connectors read them (``seeds.json``,
written by ``tests.fuzz.capture``). A stream read from two organisations
(Xero's accounting, vTiger, Deputy) pools the records of both, each mapped
with its own organisation's mapper; the two payrolls are different APIs and
so different targets.
"""

from __future__ import annotations

import json
import typing as t
from dataclasses import dataclass
from datetime import UTC
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from connectors.base.shop import ShopSettings
from connectors.deputy import deputy_mapper
from connectors.magento import magento_mapper
from connectors.neto import neto_mapper
from connectors.neto.source import SITE_TZ as NETO_SITE_TZ
from connectors.salesforce import salesforce_mapper
from connectors.shopify import shopify_mapper
from connectors.vtiger import make_mapper
from connectors.vtiger.mapping import Lookups
from connectors.xero.mapper import xero_mapper
from connectors.xero.payroll import PAYROLL_STREAMS
from connectors.xero.payroll_mapping import payroll_mapper
from datashare.sync.mapping import Mapper
from tests.seed_moments import SEEDED_AT

__all__ = ["Seed", "Target", "targets"]

SEEDS = Path(__file__).with_name("seeds.json")
SYDNEY = ZoneInfo("Australia/Sydney")


@dataclass(frozen=True)
class Seed:
    """One real record of a stream and the mapper of the organisation it came from."""

    mapper: Mapper
    record: dict[str, t.Any]


@dataclass(frozen=True, eq=False)
class Target:
    """One stream of one connector: its name in test ids (``vtiger/Accounts``), the stream and its seeds."""

    name: str
    stream: str
    seeds: tuple[Seed, ...]

    def __repr__(self) -> str:
        return f"Target({self.name})"  # Hypothesis shows it in reports: the name, not every seed


def _mappers(feed: str, lookups: dict[str, t.Any]) -> t.Callable[[str], tuple[str, Mapper]]:
    """For one ``tenant/app`` of the seeds: stream -> (target prefix, the mapper a run would use)."""
    tenant, app = feed.split("/")
    country, currency = ("US", "USD") if tenant in ("demo-us", "demo-sf") else ("AU", "AUD")
    if app == "xero":
        accounting = xero_mapper(currency)
        payroll = payroll_mapper(country, currency)
        return lambda stream: (
            (f"xero-payroll-{country.lower()}", payroll) if stream in PAYROLL_STREAMS[country] else ("xero", accounting)
        )
    shop: dict[str, Mapper] = {
        "shopify": shopify_mapper(ShopSettings("AUD", "SHOP-"), taxes_included=True, zone=SYDNEY),
        "magento": magento_mapper(ShopSettings("AUD", "MAG-"), timezone=SYDNEY),
        "neto": neto_mapper(ShopSettings("AUD", "NETO-"), site_tz=NETO_SITE_TZ),
    }
    if app in shop:
        return lambda stream: (app, shop[app])
    if app == "vtiger":
        crm = make_mapper(tz=UTC, lookups=Lookups.from_rows(**lookups[tenant]))
        return lambda stream: ("vtiger", crm)
    if app == "deputy":
        staff = deputy_mapper(clock=lambda: SEEDED_AT)
        return lambda stream: ("deputy", staff)
    if app == "salesforce":
        org = salesforce_mapper(currency)
        return lambda stream: ("salesforce", org)
    raise ValueError(f"no mapper for {feed}")


@cache
def targets() -> tuple[Target, ...]:
    """Every (connector, stream) with its seeds, sorted by name."""
    captured = json.loads(SEEDS.read_text(encoding="utf-8"))
    pooled: dict[tuple[str, str], list[Seed]] = {}
    for feed, streams in captured["records"].items():
        mapper_of = _mappers(feed, captured["vtiger_lookups"])
        for stream, records in streams.items():
            prefix, mapper = mapper_of(stream)
            pooled.setdefault((prefix, stream), []).extend(Seed(mapper, record) for record in records)
    return tuple(
        Target(f"{prefix}/{stream}", stream, tuple(seeds)) for (prefix, stream), seeds in sorted(pooled.items())
    )
