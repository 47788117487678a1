"""VTQL built from data: catalogue names only, values quoted by vTiger's rules."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from connectors.vtiger import Condition, module_named, quote, select
from connectors.vtiger.vtql import VtqlError

ACCOUNTS = module_named("Accounts")


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("plain", "'plain'"),
        ("O'Brien", "'O''Brien'"),
        ("a\\b", "'a\\\\b'"),
        ("\\'", "'\\\\'''"),
        (12, "'12'"),
        (Decimal("1.50"), "'1.50'"),
        (datetime(2025, 3, 1, 9, 5), "'2025-03-01 09:05:00'"),
        (True, "'1'"),
    ],
)
def test_values_are_quoted_with_quotes_and_backslashes_doubled(value, literal):
    assert quote(value) == literal


def test_a_value_of_an_unexpected_type_is_refused():
    with pytest.raises(VtqlError):
        quote(object())


def test_select_orders_by_id_and_limits_to_a_page():
    assert select(ACCOUNTS) == "SELECT * FROM Accounts ORDER BY id LIMIT 0,100;"
    assert select(ACCOUNTS, columns=["accountname", "email1"], offset=200) == (
        "SELECT accountname, email1 FROM Accounts ORDER BY id LIMIT 200,100;"
    )


def test_conditions_are_anded():
    text = select(
        ACCOUNTS,
        where=[
            Condition("accountname", "like", "Acme%"),
            Condition("modifiedtime", ">", "2025-01-01 00:00:00"),
            Condition("id", "in", ["11x1", "11x2"]),
        ],
    )
    assert text == (
        "SELECT * FROM Accounts WHERE accountname LIKE 'Acme%' AND modifiedtime > '2025-01-01 00:00:00' "
        "AND id IN ('11x1', '11x2') ORDER BY id LIMIT 0,100;"
    )


@pytest.mark.parametrize(
    "build",
    [
        lambda: select(ACCOUNTS, columns=["accountname FROM Contacts;--"]),
        lambda: select(ACCOUNTS, where={"nosuchfield": "x"}),
        lambda: select(ACCOUNTS, where=[Condition("accountname", "; DROP", "x")]),
        lambda: select(ACCOUNTS, where=[Condition("id", "in", "11x1")]),
        lambda: select(ACCOUNTS, where=[Condition("id", "in", [])]),
        lambda: select(ACCOUNTS, order_by=["accountname desc"]),
        lambda: select(ACCOUNTS, limit=101),
        lambda: select(ACCOUNTS, offset=-1),
    ],
)
def test_anything_outside_the_allowlist_is_refused(build):
    with pytest.raises(VtqlError):
        build()
