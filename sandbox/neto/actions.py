"""The actions served at ``/do/WS/NetoAPI``, picked by the ``NETOAPI_ACTION`` header.

Get actions take ``{"Filter": {<filters>..., "Page": 0, "Limit": 100,
"OutputSelector": [...]}}``: at least one filter and an OutputSelector are
required. List filters (``SKU``, ``OrderID``, ``Username``...) take one value or
a list; ``*From``/``*To`` date filters are inclusive. ``Page`` counts from 0.
Only the fields the OutputSelector names come back, plus the record's id; a
name selects a whole group (``OrderLine``, ``BillingAddress``) and
``OrderLine.SKU`` one field of each line. An unknown name is skipped with an
``Ack: Warning``, as Neto does for fields a call does not know.

Assumptions (Neto documents neither): records come in (``DateUpdated``, id)
order, oldest change first, so a reader can re-anchor ``DateUpdatedFrom``; the
largest ``Limit`` is 1000.

Add and Update actions take ``{"Customer"|"Item"|"Order": [{...}]}`` and echo
the keys of what they wrote (``{"Item": {"InventoryID", "SKU"}}``), one
object for one record and a list for several. ``UpdateItem`` also takes
``WarehouseQuantity`` (one ``{WarehouseID, Quantity, Action}`` or a list;
``Action`` is ``increment``, ``decrement`` or ``set``, the default here:
Neto documents none; Neto's own example writes ``Set``, so case does not
matter), with a whole ``Quantity``.

``GetCurrencySettings`` takes an empty body and answers the site's
``CurrencySettings`` (``DEFAULTCOUNTRY``, ``DEFAULTCURRENCY``, ``GST_AMT``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sandbox.neto.errors import NetoError
from sandbox.neto.state import NetoState
from sandbox.neto.values import parse_date, parse_money

__all__ = ["GETS", "MAX_LIMIT", "WRITES", "GetAction", "currency_settings", "run_get", "run_write"]

MAX_LIMIT = 1000


@dataclass(frozen=True)
class GetAction:
    """One Get action: its table, the answer's key, the ids always shown, and its filters by name -> field."""

    table: str
    key: str
    ids: tuple[str, ...]
    updated: str
    lists: dict[str, str] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)
    flags: dict[str, str] = field(default_factory=dict)


GETS: dict[str, GetAction] = {
    "GetCustomer": GetAction(
        "Customer",
        "Customer",
        ("ID",),
        "DateUpdated",
        lists={"Username": "Username", "ID": "ID", "Email": "EmailAddress", "UserGroup": "UserGroup"},
        dates={"DateAdded": "DateAdded", "DateUpdated": "DateUpdated"},
        flags={"Active": "Active"},
    ),
    "GetItem": GetAction(
        "Item",
        "Item",
        ("ID", "InventoryID"),
        "DateUpdated",
        lists={"SKU": "SKU", "InventoryID": "InventoryID", "ParentSKU": "ParentSKU"},
        dates={"DateAdded": "DateAdded", "DateUpdated": "DateUpdated"},
        flags={"IsActive": "IsActive"},
    ),
    "GetOrder": GetAction(
        "Order",
        "Order",
        ("OrderID",),
        "DateUpdated",
        lists={"OrderID": "OrderID", "OrderStatus": "OrderStatus", "Username": "Username"},
        dates={
            "DateUpdated": "DateUpdated",
            "DatePlaced": "DatePlaced",
            "DateInvoiced": "DateInvoiced",
            "DatePaid": "DatePaid",
        },
    ),
    "GetPayment": GetAction(
        "Payment",
        "Payment",
        ("ID",),
        "DatePaid",
        lists={"PaymentID": "ID", "OrderID": "OrderID"},
        dates={"DatePaid": "DatePaid"},
    ),
    "GetRma": GetAction(
        "Rma",
        "Rma",
        ("RmaID",),
        "DateUpdated",
        lists={"RmaID": "RmaID", "OrderID": "OrderID", "RmaStatus": "RmaStatus", "Username": "Username"},
        dates={"DateUpdated": "DateUpdated", "DateIssued": "DateIssued"},
    ),
}
"""Every Get action served."""


def _whole(value: Any, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit():
        raise NetoError(f"Invalid {name}", f"{name} must be a whole number, not {value!r}")
    return int(text)


def _values(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _select(
    record: dict[str, Any], action: GetAction, selector: list[str], warnings: list[tuple[str, str]]
) -> dict[str, Any]:
    shown = {name: record[name] for name in action.ids if name in record}
    for name in selector:
        group, _, part = name.partition(".")
        if group not in record or (part and not isinstance(record[group], list | dict)):
            if all(w[0] != f"Unknown OutputSelector {name}" for w in warnings):
                warnings.append((f"Unknown OutputSelector {name}", f"{action.key} has no field {name}; it is skipped"))
            continue
        value = record[group]
        if not part:
            shown[group] = value
        elif isinstance(value, list):
            rows = shown.setdefault(group, [{} for _ in value])
            for row, line in zip(rows, value, strict=True):
                if part in line:
                    row[part] = line[part]
        elif part in value:
            shown.setdefault(group, {})[part] = value[part]
    return shown


def run_get(state: NetoState, name: str, body: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The answer of a Get action (without Ack) and its warnings; the caller holds the state's lock."""
    action = GETS[name]
    query = body.get("Filter") if isinstance(body, dict) else None
    if not isinstance(query, dict):
        raise NetoError("Filter is required", f'{name} needs {{"Filter": {{...}}}}')
    selector = query.get("OutputSelector")
    if isinstance(selector, str):
        selector = [selector]
    if not isinstance(selector, list) or not selector or not all(isinstance(s, str) for s in selector):
        raise NetoError("OutputSelector is required", f"{name} needs an OutputSelector naming the fields to return")
    tests: list[Callable[[dict[str, Any]], bool]] = []
    warnings: list[tuple[str, str]] = []
    for key, value in query.items():
        if key in ("Page", "Limit", "OutputSelector"):
            continue
        if key in action.lists:
            wanted, column = set(_values(value)), action.lists[key]
            tests.append(lambda r, w=wanted, c=column: r.get(c) in w)  # type: ignore[misc]
        elif key.endswith(("From", "To")) and key.removesuffix("From").removesuffix("To") in action.dates:
            column = action.dates[key.removesuffix("From").removesuffix("To")]
            try:
                bound = parse_date(value, key)
            except ValueError as error:
                raise NetoError(f"Invalid {key}", str(error)) from None
            if key.endswith("From"):
                tests.append(lambda r, b=bound, c=column: r.get(c, "") != "" and r[c] >= b)  # type: ignore[misc]
            else:
                tests.append(lambda r, b=bound, c=column: r.get(c, "") != "" and r[c] <= b)  # type: ignore[misc]
        elif key in action.flags:
            wanted_flag = "True" if str(value).strip().lower() in ("true", "1", "yes") else "False"
            column = action.flags[key]
            tests.append(lambda r, w=wanted_flag, c=column: r.get(c) == w)  # type: ignore[misc]
        else:
            warnings.append((f"Unknown filter {key}", f"{name} has no filter {key}; it is ignored"))
    if not tests:
        raise NetoError(
            "At least one filter is required", f"{name} needs a filter besides Page, Limit and OutputSelector"
        )
    page = _whole(query.get("Page"), "Page", 0)
    limit = min(_whole(query.get("Limit"), "Limit", 100) or 100, MAX_LIMIT)
    rows = [r for r in state.tables[action.table].values() if all(test(r) for test in tests)]
    rows.sort(key=lambda r: (r.get(action.updated, ""), _id_order(r[action.ids[0]])))
    chosen = rows[page * limit : (page + 1) * limit]
    return {action.key: [_select(r, action, selector, warnings) for r in chosen]}, warnings


def _id_order(value: str) -> tuple[int, str]:
    digits = value.lstrip("N")
    return (int(digits), value) if digits.isdigit() else (0, value)


# -- writes ------------------------------------------------------------------------------------------

_CUSTOMER_ARGS = {
    "EmailAddress": "email",
    "BillFirstName": "first_name",
    "BillLastName": "last_name",
    "BillCompany": "company",
    "BillPhone": "phone",
    "BillStreetLine1": "street",
    "BillCity": "city",
    "BillState": "region",
    "BillPostCode": "postcode",
    "BillCountry": "country",
}


def _rows(body: Any, key: str) -> list[dict[str, Any]]:
    rows = body.get(key) if isinstance(body, dict) else None
    if isinstance(rows, dict):
        rows = [rows]
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise NetoError(f"{key} is required", f'the body must be {{"{key}": [{{...}}]}}')
    return rows


def _flatten(row: dict[str, Any]) -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in row.items():
        if isinstance(value, dict):
            flat.update({k: str(v) for k, v in value.items()})
        elif not isinstance(value, list):
            flat[name] = str(value)
    return flat


def _add_customer(state: NetoState, row: dict[str, Any]) -> dict[str, str]:
    flat = _flatten(row)
    username = flat.pop("Username", "")
    kwargs: dict[str, Any] = {_CUSTOMER_ARGS[k]: v for k, v in flat.items() if k in _CUSTOMER_ARGS}
    if "email" not in kwargs:
        raise NetoError("EmailAddress is required", "A customer needs an EmailAddress")
    record = state.add_customer(username, **kwargs)
    return {"Username": record["Username"], "ID": record["ID"]}


def _update_customer(state: NetoState, row: dict[str, Any]) -> dict[str, str]:
    flat = _flatten(row)
    username = flat.pop("Username", "")
    if username not in state.tables["Customer"]:
        raise NetoError("Invalid Username", f"No customer with Username {username}")
    try:
        record = state.update_customer(username, **flat)
    except KeyError as error:
        raise NetoError("Invalid field", str(error)) from None
    return {"Username": record["Username"], "ID": record["ID"]}


def _add_item(state: NetoState, row: dict[str, Any]) -> dict[str, str]:
    flat = _flatten(row)
    for needed in ("SKU", "Name"):
        if not flat.get(needed):
            raise NetoError(f"{needed} is required", f"An item needs a {needed}")
    try:
        price = parse_money(flat.get("DefaultPrice", "0"), "DefaultPrice")
        cost = parse_money(flat["CostPrice"], "CostPrice") if "CostPrice" in flat else None
    except ValueError as error:
        raise NetoError("Invalid price", str(error)) from None
    record = state.add_item(
        flat["SKU"],
        flat["Name"],
        price,
        description=flat.get("Description", ""),
        cost=cost,
        active=flat.get("IsActive", "True").lower() in ("true", "1", "yes"),
        tax_free=flat.get("TaxFreeItem", "False").lower() in ("true", "1", "yes"),
        parent_sku=flat.get("ParentSKU", ""),
    )
    return {"InventoryID": record["InventoryID"], "SKU": record["SKU"]}


def _stock_rows(value: Any) -> list[tuple[str, int, str]]:
    rows = value if isinstance(value, list) else [value]
    found: list[tuple[str, int, str]] = []
    for row in rows:
        if not isinstance(row, dict) or "WarehouseID" not in row or "Quantity" not in row:
            raise NetoError("Invalid WarehouseQuantity", "WarehouseQuantity needs a WarehouseID and a Quantity")
        quantity = str(row["Quantity"]).strip()
        if not quantity.lstrip("-").isdigit():
            raise NetoError("Invalid Quantity", f"WarehouseQuantity Quantity must be a whole number, not {quantity!r}")
        found.append((str(row["WarehouseID"]).strip(), int(quantity), str(row.get("Action") or "set")))
    return found


def _update_item(state: NetoState, row: dict[str, Any]) -> dict[str, str]:
    row = dict(row)
    stock = _stock_rows(row.pop("WarehouseQuantity")) if "WarehouseQuantity" in row else []
    flat = _flatten(row)
    sku = flat.pop("SKU", "")
    if sku not in state.tables["Item"]:
        raise NetoError("Invalid SKU", f"No item with SKU {sku}")
    for warehouse, _, _ in stock:
        if warehouse not in state.warehouses:
            raise NetoError("Invalid WarehouseID", f"No warehouse with WarehouseID {warehouse}")
    changes: dict[str, str | Decimal] = {}
    for name, value in flat.items():
        if name in ("DefaultPrice", "CostPrice", "RRP"):
            try:
                changes[name] = parse_money(value, name)
            except ValueError as error:
                raise NetoError(f"Invalid {name}", str(error)) from None
        else:
            changes[name] = value
    try:
        record = state.update_item(sku, **changes) if changes else state.tables["Item"][sku]
    except KeyError as error:
        raise NetoError("Invalid field", str(error)) from None
    for warehouse, quantity, action in stock:
        record = state.set_stock(sku, warehouse, quantity, action)
    return {"InventoryID": record["InventoryID"], "SKU": record["SKU"]}


def _update_order(state: NetoState, row: dict[str, Any]) -> dict[str, str]:
    flat: dict[str, Any] = _flatten(row)
    order_id = flat.pop("OrderID", "")
    if order_id not in state.tables["Order"]:
        raise NetoError("Invalid OrderID", f"No order {order_id}")
    try:
        record = state.update_order(order_id, **flat)
    except KeyError as error:
        raise NetoError("Invalid field", str(error)) from None
    return {"OrderID": record["OrderID"]}


WRITES: dict[str, tuple[str, Callable[[NetoState, dict[str, Any]], dict[str, str]]]] = {
    "AddCustomer": ("Customer", _add_customer),
    "UpdateCustomer": ("Customer", _update_customer),
    "AddItem": ("Item", _add_item),
    "UpdateItem": ("Item", _update_item),
    "UpdateOrder": ("Order", _update_order),
}
"""Every Add/Update action served: the body's key and what writes one record."""


def currency_settings(state: NetoState) -> dict[str, Any]:
    """The answer of ``GetCurrencySettings``: the site's country, currency and GST rate."""
    country = {"AUD": "AU", "NZD": "NZ", "USD": "US"}.get(state.currency.upper(), "")
    return {"CurrencySettings": [{"DEFAULTCOUNTRY": country, "DEFAULTCURRENCY": state.currency, "GST_AMT": "10"}]}


def run_write(state: NetoState, name: str, body: Any) -> dict[str, Any]:
    """Write every record of an Add/Update body; echo their keys (one object for one, a list for several).

    Records are checked and written one by one: a bad one stops the call with
    ``Ack: Error`` and the ones before it stay written, as Neto's bulk writes do.
    """
    key, write = WRITES[name]
    echoed = [write(state, row) for row in _rows(body, key)]
    return {key: echoed[0] if len(echoed) == 1 else echoed}
