"""prefect.yaml: every deployment points at a real flow, with parameters that flow takes."""

from __future__ import annotations

import importlib
import inspect
import tomllib
import typing as t
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[1]


def _deployments() -> list[dict[str, t.Any]]:
    return list(yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"])


def test_every_deployment_names_a_flow_and_only_parameters_it_takes() -> None:
    for deployment in _deployments():
        path, name = deployment["entrypoint"].split(":")
        flow = getattr(importlib.import_module(path.removesuffix(".py").replace("/", ".")), name)
        accepted = set(inspect.signature(flow.fn).parameters)
        given = set(deployment.get("parameters") or {})
        for schedule in deployment.get("schedules") or []:
            given |= set(schedule.get("parameters") or {})
        assert given <= accepted, (deployment["name"], given - accepted)


def test_the_hr_deployment_is_scheduled_for_the_demo_tenants_with_payroll_and_one_that_shows_skipped() -> None:
    [hr] = [d for d in _deployments() if d["name"] == "hr-payroll"]
    demo = tomllib.loads((ROOT / "config" / "demo.toml").read_text(encoding="utf-8"))
    with_payroll = {tenant["name"] for tenant in demo["tenants"] if tenant.get("payroll_access")}
    # Not the tenants whose config turns payroll off (every run would be a Skipped saying so); demo-nz stays,
    # so the UI shows what a run of an organisation outside Australia and the US does: it ends Skipped, saying why.
    assert {s["parameters"]["tenant"] for s in hr["schedules"]} == with_payroll | {"demo-nz"}
    assert with_payroll == {"demo-au", "demo-us"}


def test_the_retry_deployment_offers_every_parameter_of_its_flow_each_described_for_the_ui_form() -> None:
    from prefect.utilities.callables import parameter_schema

    from flows.retry import retry_records

    [retry] = [d for d in _deployments() if d["name"] == "retry-records"]
    assert retry["entrypoint"] == "flows/retry.py:retry_records"
    assert "schedules" not in retry  # started by a person, from the UI or the CLI
    assert set(retry["parameters"]) == set(inspect.signature(retry_records.fn).parameters)
    schema = parameter_schema(retry_records.fn).properties
    assert {name for name, spec in schema.items() if spec.get("description")} == set(retry["parameters"])
