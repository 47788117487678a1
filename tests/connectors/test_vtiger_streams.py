"""The module catalogue agrees with what vTiger describes."""

from __future__ import annotations

import pytest

from connectors.vtiger import MODULES, module_named, modules_for_entity
from connectors.vtiger.streams import OWNER_FIELD, UnknownModuleError


@pytest.mark.parametrize("name", list(MODULES))
def test_the_catalogue_matches_describe(name, vtiger_client):
    entry = MODULES[name]
    described = vtiger_client.describe(name)
    fields = {f["name"]: f for f in described["fields"]}
    assert described["idPrefix"] == entry.id_prefix
    assert set(entry.fields) <= set(fields), set(entry.fields) - set(fields)
    mandatory = {n for n, f in fields.items() if f["mandatory"]} - {OWNER_FIELD}
    if entry.name == "Currency":
        mandatory = set()  # never written, so its mandatory fields do not matter
    assert set(entry.mandatory) == mandatory
    assert entry.incremental == described["isEntity"]


def test_entities_map_to_their_modules():
    assert [m.name for m in modules_for_entity("organizations")] == ["Accounts", "Vendors"]
    assert [m.name for m in modules_for_entity("invoices")] == ["Invoice"]
    assert [m.name for m in modules_for_entity("quotes")] == ["SalesOrder"]
    assert [m.name for m in modules_for_entity("items") if m.writable] == ["Products", "Services"]


def test_an_unknown_module_is_named_in_the_error():
    with pytest.raises(UnknownModuleError, match="Users"):
        module_named("Users")
