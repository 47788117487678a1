"""A real Prefect server for the flow tests (Prefect's test harness), and sample tenants on the sandbox apps."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from datashare.cli.demo import DEMO_ENVIRONMENT, _connect
from datashare.config import load_config
from sandbox.common.serve import serve_in_thread
from sandbox.server import Sandbox, build_sandbox
from sandbox.xero import RateLimits
from tasks.wiring import token_store
from tests.seed_moments import SEEDED_AT

# Several flow runs a minute against one organisation: Xero's 60 calls a minute would only make the tests wait.
ROOMY = RateLimits(per_minute=100_000, per_day=1_000_000, concurrent=50, app_per_minute=1_000_000)


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """One temporary Prefect server (SQLite in a temp dir) for the whole session, offline."""
    home = tempfile.mkdtemp(prefix="prefect-home-")
    os.environ.update(
        PREFECT_HOME=home, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1", PREFECT_LOGGING_LEVEL="WARNING"
    )
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def sandbox() -> Sandbox:
    """The sandbox apps' states (Xero AU/US/NZ, a vTiger CRM for AU and US)."""
    return build_sandbox(limits=ROOMY, seeded_at=SEEDED_AT)


@pytest.fixture(scope="session")
def sandbox_url(sandbox: Sandbox) -> Iterator[str]:
    """The sandbox apps on a loopback port."""
    with serve_in_thread(sandbox.app) as url:
        yield url


def connected_tenant_config(
    tmp_path: Path, url: str, monkeypatch: pytest.MonkeyPatch, tenants: tuple[str, ...] = ("demo-au",)
) -> Path:
    """A config in ``tmp_path`` with demo tenants (demo-au unless told) on the sandbox at ``url``, their Xero connected."""
    for name, value in DEMO_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    demo = (Path(__file__).parents[2] / "config" / "demo.toml").read_text(encoding="utf-8")
    blocks = {block.split('"')[1]: block for block in demo.split("[[tenants]]")[1:]}
    path = tmp_path / "tenants.toml"
    chosen = "".join("[[tenants]]" + blocks[name] for name in tenants)
    path.write_text(chosen.replace("http://127.0.0.1:8750", url), encoding="utf-8")
    config = load_config(path)
    for name in tenants:
        tenant = config.tenant(name)
        _connect(tenant, token_store(tenant, "xero"))
    return path


@pytest.fixture
def tenant_config(tmp_path: Path, sandbox_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config with one tenant (Xero AU + its vTiger CRM) on the shared sandbox, Xero connected."""
    return connected_tenant_config(tmp_path, sandbox_url, monkeypatch)


@pytest.fixture
def own_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Sandbox, Path]]:
    """A sandbox of the test's own (nothing another test wrote) and a connected tenant on it."""
    sandbox = build_sandbox(limits=ROOMY, seeded_at=SEEDED_AT)
    with serve_in_thread(sandbox.app) as url:
        yield sandbox, connected_tenant_config(tmp_path, url, monkeypatch)
