"""The flows' parameters are choices: the same names as the model's domains, and a name outside them fails at once."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest
from prefect.exceptions import ParameterTypeError

from datashare.model import DOMAINS
from flows.accounting import accounting
from flows.crm_sales import crm_sales
from flows.hr_payroll import hr_payroll
from flows.parameters import AccountingEntity, AnyEntity, CrmSalesEntity, Domain, HrPayrollEntity
from flows.reimport import reimport

pytestmark = [pytest.mark.prefect, pytest.mark.usefixtures("prefect_server")]


def test_the_choices_are_the_models_domains_and_entities() -> None:
    assert t.get_args(Domain) == tuple(DOMAINS)
    assert t.get_args(CrmSalesEntity) == DOMAINS["crm_sales"]
    assert t.get_args(AccountingEntity) == DOMAINS["accounting"]
    assert t.get_args(HrPayrollEntity) == DOMAINS["hr_payroll"]
    assert set(t.get_args(AnyEntity)) == {e for names in DOMAINS.values() for e in names}


@pytest.mark.parametrize(
    ("run", "entity", "first_choice"),
    [(crm_sales, "payments", "'company'"), (accounting, "customers", "'tax_codes'"), (hr_payroll, "x", "'work_")],
)
def test_a_domain_run_of_an_unknown_entity_fails_at_once_listing_the_choices(
    tmp_path: Path, run: t.Any, entity: str, first_choice: str
) -> None:
    # No config file: nothing is read before the parameters are checked.
    with pytest.raises(ParameterTypeError, match=f"Input should be {first_choice}"):
        run(tenant="demo-au", entities=[entity], config=str(tmp_path / "none.toml"))


def test_a_reimport_of_an_unknown_domain_fails_at_once_listing_the_domains(tmp_path: Path) -> None:
    with pytest.raises(ParameterTypeError, match="Input should be 'crm_sales', 'accounting' or 'hr_payroll'"):
        reimport(tenant="demo-au", domain="crm", config=str(tmp_path / "none.toml"))


def test_a_reimport_of_an_unknown_entity_fails_at_once_listing_the_entities(tmp_path: Path) -> None:
    # The silent no-op the issue found: entities=["customers"] completed in 0.1 s having done nothing.
    with pytest.raises(ParameterTypeError, match="Input should be 'company', 'organizations'"):
        reimport(tenant="demo-au", entities=["customers"], config=str(tmp_path / "none.toml"))


def test_the_deployment_forms_offer_the_entities_as_choices() -> None:
    schema = crm_sales.parameters.model_dump()["properties"]["entities"]
    assert "crm_sales" not in str(schema)  # the domain's own entities only
    assert "'company'" in str(schema)
    assert "organizations" in str(schema)
    assert schema.get("description", "").startswith("Only these entities")
