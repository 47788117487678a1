"""A hub filled from the Xero sandbox (accounting and AU payroll), in-process, for the dashboard tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from connectors.xero.payroll import payroll_streams_for
from connectors.xero.payroll_mapping import payroll_mapper
from connectors.xero.source import XeroSource
from datashare.store import Hub
from sandbox.xero import OrgBook
from sandbox.xero.auth import PAYROLL_SCOPES
from tasks.pull import pull_batch, pull_xero
from tests.connectors.xero_world import SCOPES, XeroWorld, make_world
from tests.dashboard.ledger import LedgerHub, make_ledger_hub


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: opens pages in headless Chromium (/usr/bin/chromium)")


@pytest.fixture(scope="session")
def world() -> XeroWorld:
    """The seeded Australian organisation, payroll included, and a client connected to it."""
    return make_world(scopes=SCOPES | PAYROLL_SCOPES)


@pytest.fixture(scope="session")
def book(world: XeroWorld) -> OrgBook:
    """The sandbox's own records: what the expected figures are computed from."""
    return world.org


@pytest.fixture(scope="session")
def as_of(world: XeroWorld) -> date:
    """The sandbox's today: every seeded record is dated before it."""
    return world.clock.now().date()


@pytest.fixture(scope="session")
def hub_path(tmp_path_factory: pytest.TempPathFactory, world: XeroWorld) -> Path:
    """A hub that pulled every Xero collection and the AU payroll ones (tests that change it take a copy)."""
    path = tmp_path_factory.mktemp("dashboard") / "demo-au.duckdb"
    with Hub.open(path) as hub:
        summaries = pull_xero(hub, world.client, "seed")
        mapper = payroll_mapper("AU", "AUD")
        summaries += [
            pull_batch(hub, XeroSource(world.client, s), mapper, "seed") for s in payroll_streams_for("AU").values()
        ]
    assert sum(s.rejected for s in summaries) == 0
    return path


@pytest.fixture
def ledger_hub(hub_path: Path, tmp_path: Path) -> LedgerHub:
    """The dashboard hub (a copy) with a ledger of runs and vTiger states of every kind (``tests.dashboard.ledger``)."""
    return make_ledger_hub(hub_path, tmp_path / "ledger.duckdb")
