"""sync_all: a tenant's failed domain run does not keep its other domains from running."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

import pytest

import flows.sync_all as sync_all_module


@dataclass
class Domain:
    """Stands for a domain flow: its name, whether it fails, and the tenants it ran for."""

    name: str
    fails: bool = False
    ran: list[str] = field(default_factory=list)

    def __call__(self, *, tenant: str, config: str) -> None:
        self.ran.append(tenant)
        if self.fails:
            raise RuntimeError(f"{self.name} for {tenant}: 1 of 9 steps failed")


def test_a_failed_domain_run_does_not_stop_the_tenants_next_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    domains = {
        "crm_sales": Domain("crm_sales", fails=True),
        "accounting": Domain("accounting"),
        "hr_payroll": Domain("hr_payroll"),
    }
    for name, domain in domains.items():
        monkeypatch.setattr(sync_all_module, name, domain)

    with pytest.raises(RuntimeError) as raised:
        t.cast(t.Any, sync_all_module.sync_tenant).fn("demo-au", "tenants.toml")

    assert all(domain.ran == ["demo-au"] for domain in domains.values())
    assert (
        str(raised.value)
        == "demo-au: 1 of 3 domain runs failed:\ncrm_sales: crm_sales for demo-au: 1 of 9 steps failed"
    )
