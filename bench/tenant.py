"""The one-tenant config the benches write: the sandbox's AU organisation and the apps a bench links to it."""

from __future__ import annotations

from pathlib import Path

from sandbox.xero import SAMPLE_CLIENT_ID

__all__ = ["write_config"]

_TENANT = """[[tenants]]
name = "bench"
xero_organisation = "{organisation}"
payroll_access = {payroll}
store = "{store}"

[tenants.apps.xero]
base_url = "{base}/xero"
client_id = "{client_id}"
secrets = {{ client_secret = "env:DEMO_XERO_CLIENT_SECRET", token_store = "file:{tokens}" }}
"""


def write_config(directory: Path, base: str, organisation: str, apps: str, *, payroll: bool = False) -> Path:
    """``bench.toml`` in ``directory`` (with the hub and tokens there): Xero, then ``apps`` (``{base}`` filled in)."""
    path = directory / "bench.toml"
    tenant = _TENANT.format(
        organisation=organisation,
        payroll="true" if payroll else "false",
        store=directory / "bench.duckdb",
        base=base,
        client_id=SAMPLE_CLIENT_ID,
        tokens=directory / "xero-token.json",
    )
    path.write_text(tenant + "\n" + apps.replace("{base}", base), encoding="utf-8")
    return path
