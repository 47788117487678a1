"""No record poisons a batch: every connector's mapper, fed damaged real records, refuses them with a reason.

Each stream a connector reads gets a thousand damaged records in ``make
test`` (ten thousand in ``make soak``): real sandbox records with values
dropped, reshaped or replaced by what a bad day sends (``tests.fuzz.mutations``).
A mapper must either map a record to what the hub can hold or refuse it with
a ``MappingError`` naming the field; any other exception, or a mapped record
load would fail on, is a crash (``tests.fuzz.check``). Hypothesis draws the
damage, derandomized and without a database, so every run maps the same
records and none depends on luck.
"""

from __future__ import annotations

import typing as t
from decimal import Decimal, InvalidOperation

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from connectors.deputy import STREAMS as DEPUTY_STREAMS
from connectors.magento import STREAMS as MAGENTO_STREAMS
from connectors.neto import STREAMS as NETO_STREAMS
from connectors.salesforce import STREAMS as SALESFORCE_STREAMS
from connectors.shopify import STREAMS as SHOPIFY_STREAMS
from connectors.vtiger.streams import MODULES
from connectors.xero.payroll import PAYROLL_STREAMS
from connectors.xero.streams import STREAMS as XERO_STREAMS
from datashare.model import Organization
from datashare.model.mapping import DictRefs, Mapped, MappingError, Refs
from tests.fuzz.check import crashes
from tests.fuzz.mutations import NASTY, damaged, damaged_batches
from tests.fuzz.targets import Target, targets

BATCH = 50  # records a Hypothesis example maps: one draw of bytes for all of them keeps drawing cheap
RECORDS = 1_000  # per stream in make test
SOAK_RECORDS = 10_000  # per stream in make soak


def _target(name: str) -> Target:
    return next(target for target in targets() if target.name == name)


def _fuzz(target: Target, records: int) -> int:
    """Map ``records`` damaged records of the target; fails on the first batch with a crash. How many were mapped."""
    mapped = 0

    @settings(
        max_examples=records // BATCH,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],  # no explaining: it maps a failing batch again and again
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(damaged_batches(BATCH))
    def a_batch_maps_without_a_crash(data: bytes) -> None:
        nonlocal mapped
        batch = damaged(target, data)
        found = crashes((target.seeds[index].mapper, target.stream, record) for index, record in batch)
        mapped += len(batch)
        assert not found, f"{target.name}: {len(found)} of {len(batch)} records crashed its mapper:\n" + "\n".join(
            str(crash) for crash in found[:3]
        )

    a_batch_maps_without_a_crash()
    return mapped


@pytest.mark.parametrize("target", targets(), ids=lambda target: target.name)
def test_no_damaged_record_crashes_its_mapper(target: Target) -> None:
    assert _fuzz(target, RECORDS) >= RECORDS


@pytest.mark.soak
@pytest.mark.parametrize("target", targets(), ids=lambda target: target.name)
def test_no_damaged_record_crashes_its_mapper_over_ten_thousand(target: Target) -> None:
    assert _fuzz(target, SOAK_RECORDS) >= SOAK_RECORDS


def test_every_stream_a_connector_reads_is_fuzzed() -> None:
    declared = {
        *(f"xero/{name}" for name in XERO_STREAMS),
        *(f"xero-payroll-{country.lower()}/{name}" for country, streams in PAYROLL_STREAMS.items() for name in streams),
        *(f"vtiger/{name}" for name, module in MODULES.items() if module.entities),
        *(f"salesforce/{sobject.name}" for sobject in SALESFORCE_STREAMS.values()),
        *(f"deputy/{name}" for name in DEPUTY_STREAMS),
        *(f"shopify/{name}" for name in SHOPIFY_STREAMS),
        *(f"magento/{name}" for name in MAGENTO_STREAMS),
        *(f"neto/{name}" for name in NETO_STREAMS),
    }
    fuzzed = {target.name for target in targets()}
    assert declared - fuzzed == set(), "streams without seeds: run `python -m tests.fuzz.capture`"
    assert fuzzed - declared == set()
    assert all(len(target.seeds) >= 1 for target in targets())


def test_a_damaged_record_differs_from_its_seed_and_the_same_bytes_damage_it_the_same_way() -> None:
    target = _target("xero/Invoices")
    data = bytes(range(256)) * (BATCH * 64 // 256)
    first, again = damaged(target, data), damaged(target, data)
    assert first == again
    assert sum(record != target.seeds[index].record for index, record in first) >= BATCH * 0.9


# The crashes the issue found, one per connector: each is now a reject whose reason names the field.
ISSUE_CRASHES = [
    pytest.param("vtiger/Accounts", {"employees": str(10**30)}, "employees", id="vtiger-employees-10**30"),
    pytest.param("salesforce/Order", {"OrderItems": " "}, "OrderItems", id="salesforce-order-items-blank"),
    pytest.param("magento/orders", {"order_currency_code": 0}, "currency", id="magento-currency-0"),
    pytest.param("magento/orders", {"grand_total": 1e30}, "grand_total", id="magento-total-1e30"),
    pytest.param("magento/products", {"price": 1e30}, "price", id="magento-price-1e30"),
    pytest.param("neto/orders", {"GrandTotal": "1" * 39}, "GrandTotal", id="neto-total-39-digits"),
    pytest.param("deputy/Timesheet", {"TotalTime": "²"}, "TotalTime", id="deputy-superscript-two"),
    pytest.param("xero/Invoices", {"Total": "1E+400"}, "Total", id="xero-total-1e400"),
]


@pytest.mark.parametrize(("name", "change", "field"), ISSUE_CRASHES)
def test_a_value_that_crashed_a_mapper_is_refused_naming_its_field(
    name: str, change: dict[str, t.Any], field: str
) -> None:
    target = _target(name)
    seed = next(s for s in target.seeds if s.mapper(target.stream, s.record, DictRefs()))  # one that maps to records
    with pytest.raises(MappingError, match=field):
        seed.mapper(target.stream, {**seed.record, **change}, DictRefs())


def test_the_nasty_values_include_the_issues() -> None:
    assert {10**30, 1e30, "1" * 39, " ", 0} <= {v for v in NASTY if not isinstance(v, list | dict)}


def _raises(stream: str, raw: dict[str, t.Any], refs: Refs) -> list[Mapped]:
    return [Mapped("organizations", "1", Organization(name=str(Decimal(10**30).quantize(Decimal("0.01")))))]


def _overflows(stream: str, raw: dict[str, t.Any], refs: Refs) -> list[Mapped]:
    # model_construct skips validation, as a mapper that built a record by hand would
    organization = Organization.model_construct(
        id=refs.hub_id("organizations", "1"), name="A", number_of_employees=10**30
    )
    return [Mapped("organizations", "1", organization)]


def _refuses(stream: str, raw: dict[str, t.Any], refs: Refs) -> list[Mapped]:
    raise MappingError("organizations.name: missing")


def test_the_check_counts_an_unexpected_error_and_an_unloadable_record_as_crashes_and_a_reason_as_none() -> None:
    found = crashes([(_raises, "s", {"n": 1}), (_overflows, "s", {"n": 2}), (_refuses, "s", {"n": 3})])
    assert [(crash.record, crash.how.split(":")[0]) for crash in found] == [
        ({"n": 1}, InvalidOperation.__name__),
        ({"n": 2}, "mapped to a row the hub cannot hold"),
    ]
