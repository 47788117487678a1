"""The emulator's memory: one Neto site's customers, items, orders, payments and RMAs, and its Python API.

Records are kept as the API shows them (every scalar a string, see
``values``). Tests and the seed change them through the methods here, and
every change moves the record's ``DateUpdated`` to the clock's now, which is
what ``DateUpdatedFrom`` picks up. One re-entrant lock guards everything.

Stock is kept per warehouse (``warehouses``: one, "1", unless told
otherwise): an item's ``WarehouseQuantity`` lists each warehouse's count and
``AvailableSellQuantity`` is their sum (the sandbox commits no stock to
orders). ``set_stock`` changes one warehouse's count by ``set``,
``increment`` or ``decrement``.

Money follows the site's tax setting (``tax_inclusive``, True for the sample
AU site): ``UnitPrice``, ``ShippingTotal``, ``CouponDiscount`` and RMA line
``Amount`` are tax-inclusive on such a site and exclusive otherwise. GST is
10% (``TaxCode`` ``GST``); a tax-free item's lines carry ``FRE`` (0%).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta, timezone
from decimal import Decimal
from typing import Any

from sandbox.common.clock import Clock, SystemClock
from sandbox.neto.errors import NetoError
from sandbox.neto.values import flag, money, stamp

__all__ = [
    "GST_RATE",
    "SAMPLE_KEY",
    "SAMPLE_USERNAME",
    "TABLES",
    "TAX_RATES",
    "LineSpec",
    "NetoState",
]

SAMPLE_KEY = "netoSandboxKey0000"
"""The API key every sample site accepts (``NETOAPI_KEY``)."""
SAMPLE_USERNAME = "datashare"
"""The API user the sample key belongs to (``NETOAPI_USERNAME``)."""

GST_RATE = Decimal(10)
TAX_RATES = {"GST": GST_RATE, "FRE": Decimal(0)}
"""Neto's tax codes on order lines and their percentages (an assumption: Neto names them per site)."""

TABLES = ("Customer", "Item", "Order", "Payment", "Rma")
_BILL = (
    "FirstName",
    "LastName",
    "Company",
    "StreetLine1",
    "StreetLine2",
    "City",
    "State",
    "PostCode",
    "Country",
    "Phone",
)
ORDER_STATUSES = ("New", "New Backorder", "Pick", "Pack", "Dispatched", "On Hold", "Uncommitted", "Cancelled")


@dataclass(frozen=True)
class LineSpec:
    """One order line as a test asks for it: the SKU, how many, and optionally a price or a percent off."""

    sku: str
    quantity: int = 1
    unit_price: Decimal | None = None
    percent_discount: Decimal = Decimal(0)


def _split_tax(amount: Decimal, rate: Decimal, inclusive: bool) -> Decimal:
    """The tax in (inclusive) or on (exclusive) an amount, to the cent."""
    tax = amount * rate / (100 + rate) if inclusive else amount * rate / 100
    return Decimal(money(tax))


class NetoState:
    """The records, API keys and settings of one emulated Neto site; thread-safe through ``lock``.

    ``per_minute``: the calls one key may make in a minute (Neto: 500); past
    it the key gets 429 and nothing for a minute (``app``). ``tz``: the
    site's local time, in which every date is written (AEST by default).
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        currency: str = "AUD",
        tax_inclusive: bool = True,
        keys: Mapping[str, str] | None = None,
        per_minute: int = 500,
        tz: timezone = timezone(timedelta(hours=10)),
        warehouses: Mapping[str, str] | None = None,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.warehouses = dict(warehouses or {"1": "Main Warehouse"})
        self.currency = currency
        self.tax_inclusive = tax_inclusive
        self.keys = dict(keys or {SAMPLE_USERNAME: SAMPLE_KEY})
        self.per_minute = per_minute
        self.tz = tz
        self.lock = threading.RLock()
        self.tables: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in TABLES}
        self._next: dict[str, int] = {"Customer": 1, "Item": 1, "Order": 10001, "Payment": 1, "Rma": 1}

    # -- time and ids -------------------------------------------------------------------------

    def now_stamp(self) -> str:
        """Now as Neto writes dates."""
        return stamp(self.clock.now(), self.tz)

    def _new_id(self, table: str) -> int:
        number = self._next[table]
        self._next[table] = number + 1
        return number

    def _get(self, table: str, key: str) -> dict[str, Any]:
        record = self.tables[table].get(key)
        if record is None:
            raise KeyError(f"no {table} {key!r}")
        return record

    # -- customers ------------------------------------------------------------------------------

    def add_customer(
        self,
        username: str,
        *,
        email: str,
        first_name: str = "",
        last_name: str = "",
        company: str = "",
        phone: str = "",
        street: str = "",
        city: str = "",
        region: str = "",
        postcode: str = "",
        country: str = "AU",
        active: bool = True,
        user_group: str = "Retail",
    ) -> dict[str, Any]:
        """Add a customer known by ``username``; its shipping address is its billing one."""
        with self.lock:
            if not username.strip():
                raise NetoError("Username is required", "A customer needs a Username")
            if username in self.tables["Customer"]:
                raise NetoError("Username already exists", f"A customer with Username {username} already exists")
            values = dict(
                zip(
                    _BILL,
                    (first_name, last_name, company, street, "", city, region, postcode, country, phone),
                    strict=True,
                )
            )
            now = self.now_stamp()
            record = {
                "ID": str(self._new_id("Customer")),
                "Username": username,
                "Type": "Customer",
                "EmailAddress": email,
                "Active": flag(active),
                "UserGroup": user_group,
                "ABN": "",
                "CreditLimit": "0.00",
                "AccountBalance": "0.00",
                "DateAdded": now,
                "DateUpdated": now,
                "BillingAddress": {f"Bill{k}": v for k, v in values.items()},
                "ShippingAddress": {f"Ship{k}": v for k, v in values.items()},
            }
            self.tables["Customer"][username] = record
            return record

    def update_customer(self, username: str, **fields: str) -> dict[str, Any]:
        """Change fields by their Neto names (``EmailAddress``, ``BillCity``, ``ShipPhone``...); DateUpdated moves."""
        with self.lock:
            record = self._get("Customer", username)
            for name, value in fields.items():
                group = (
                    "BillingAddress"
                    if name.startswith("Bill")
                    else "ShippingAddress"
                    if name.startswith("Ship")
                    else None
                )
                if group:
                    if name not in record[group]:
                        raise KeyError(f"no customer field {name}")
                    record[group][name] = str(value)
                elif name in record and name not in ("ID", "Username", "DateAdded", "DateUpdated"):
                    record[name] = str(value)
                else:
                    raise KeyError(f"customer field {name} cannot be set")
            record["DateUpdated"] = self.now_stamp()
            return record

    # -- items ------------------------------------------------------------------------------------

    def add_item(
        self,
        sku: str,
        name: str,
        price: Decimal | str,
        *,
        description: str = "",
        cost: Decimal | str | None = None,
        active: bool = True,
        tax_free: bool = False,
        parent_sku: str = "",
        quantity: int = 0,
    ) -> dict[str, Any]:
        """Add an item (its ``DefaultPrice`` as the site's tax setting shows prices)."""
        with self.lock:
            if sku in self.tables["Item"]:
                raise NetoError("SKU already exists", f"An item with SKU {sku} already exists")
            number = str(self._new_id("Item"))
            now = self.now_stamp()
            record = {
                "ID": number,
                "InventoryID": number,
                "SKU": sku,
                "ParentSKU": parent_sku,
                "Name": name,
                "Description": description,
                "IsActive": flag(active),
                "DefaultPrice": money(Decimal(price)),
                "CostPrice": money(Decimal(cost)) if cost is not None else "0.00",
                "RRP": money(Decimal(price)),
                "TaxFreeItem": flag(tax_free),
                "TaxInclusive": flag(self.tax_inclusive),
                "TaxCategory": "",
                "AvailableSellQuantity": str(quantity),
                "WarehouseQuantity": [
                    {"WarehouseID": warehouse, "Quantity": str(quantity if n == 0 else 0)}
                    for n, warehouse in enumerate(self.warehouses)
                ],
                "DateAdded": now,
                "DateUpdated": now,
            }
            self.tables["Item"][sku] = record
            return record

    def update_item(self, sku: str, **fields: str | Decimal) -> dict[str, Any]:
        """Change fields by their Neto names (``Name``, ``DefaultPrice``, ``IsActive``...); DateUpdated moves."""
        with self.lock:
            record = self._get("Item", sku)
            for name, value in fields.items():
                if name not in record or name in ("ID", "InventoryID", "SKU", "DateAdded", "DateUpdated"):
                    raise KeyError(f"item field {name} cannot be set")
                record[name] = money(value) if isinstance(value, Decimal) else str(value)
            record["DateUpdated"] = self.now_stamp()
            return record

    def set_stock(self, sku: str, warehouse: str, quantity: int, action: str = "set") -> dict[str, Any]:
        """Set (or increment, decrement) an item's count in a warehouse; DateUpdated moves."""
        with self.lock:
            record = self._get("Item", sku)
            if warehouse not in self.warehouses:
                raise NetoError("Invalid WarehouseID", f"No warehouse with WarehouseID {warehouse}")
            rows: list[dict[str, str]] = record["WarehouseQuantity"]
            row = next((r for r in rows if r["WarehouseID"] == warehouse), None)
            if row is None:
                row = {"WarehouseID": warehouse, "Quantity": "0"}
                rows.append(row)
            held = int(row["Quantity"])
            kind = action.strip().lower()
            if kind not in ("set", "increment", "decrement"):
                raise NetoError(
                    "Invalid Action", f"WarehouseQuantity Action must be increment, decrement or set, not {action}"
                )
            row["Quantity"] = str(
                quantity if kind == "set" else held + quantity if kind == "increment" else held - quantity
            )
            record["AvailableSellQuantity"] = str(sum(int(r["Quantity"]) for r in rows))
            record["DateUpdated"] = self.now_stamp()
            return record

    # -- orders -------------------------------------------------------------------------------------

    def _line(self, order_id: str, number: int, spec: LineSpec) -> dict[str, str]:
        item = self.tables["Item"].get(spec.sku)
        if item is None:
            raise NetoError("Invalid SKU", f"No item with SKU {spec.sku}")
        if spec.quantity <= 0:
            raise NetoError("Invalid Quantity", f"Quantity of {spec.sku} must be positive")
        unit = Decimal(spec.unit_price) if spec.unit_price is not None else Decimal(item["DefaultPrice"])
        code = "FRE" if item["TaxFreeItem"] == "True" else "GST"
        total = unit * spec.quantity * (100 - Decimal(spec.percent_discount)) / 100
        return {
            "OrderLineID": f"{order_id}-{number}",
            "SKU": spec.sku,
            "ProductName": item["Name"],
            "Quantity": str(spec.quantity),
            "UnitPrice": money(unit),
            "Tax": money(_split_tax(total, TAX_RATES[code], self.tax_inclusive)),
            "TaxCode": code,
            "CostPrice": item["CostPrice"],
            "ProductDiscount": "0.00",
            "PercentDiscount": money(spec.percent_discount),
        }

    def _totals(self, order: dict[str, Any]) -> None:
        """Work out ProductSubtotal, ShippingTax, OrderTax and GrandTotal from the lines, shipping and coupon."""
        lines = order["OrderLine"]
        subtotal = sum(
            (
                Decimal(li["UnitPrice"]) * int(li["Quantity"]) * (100 - Decimal(li["PercentDiscount"])) / 100
                for li in lines
            ),
            Decimal(0),
        )
        subtotal = Decimal(money(subtotal))
        shipping = Decimal(order["ShippingTotal"])
        coupon = Decimal(order["CouponDiscount"])
        shipping_tax = _split_tax(shipping, GST_RATE, self.tax_inclusive)
        coupon_tax = _split_tax(coupon, GST_RATE, self.tax_inclusive)
        tax = sum((Decimal(li["Tax"]) for li in lines), Decimal(0)) + shipping_tax - coupon_tax
        grand = subtotal + shipping - coupon + (Decimal(0) if self.tax_inclusive else tax)
        order.update(
            ProductSubtotal=money(subtotal),
            ShippingTax=money(shipping_tax),
            OrderTax=money(tax),
            GrandTotal=money(grand),
        )

    def add_order(
        self,
        username: str,
        lines: Iterable[LineSpec | tuple[str, int]],
        *,
        shipping: Decimal | str = "0",
        shipping_option: str = "Standard Delivery",
        coupon: tuple[str, Decimal | str] | None = None,
        status: str = "New",
        paid: bool = False,
        email: str | None = None,
    ) -> dict[str, Any]:
        """Place an order for a customer (``username`` "" for a guest, then ``email`` is the buyer's).

        ``paid``: pay it in full at once (``pay_order``). Addresses are the customer's.
        """
        with self.lock:
            customer = self.tables["Customer"].get(username) if username else None
            if username and customer is None:
                raise NetoError("Invalid Username", f"No customer with Username {username}")
            if status not in ORDER_STATUSES:
                raise NetoError(
                    "Invalid OrderStatus", f"OrderStatus {status} is not one of {', '.join(ORDER_STATUSES)}"
                )
            order_id = f"N{self._new_id('Order')}"
            now = self.now_stamp()
            bill = customer["BillingAddress"] if customer else {f"Bill{k}": "" for k in _BILL}
            ship = customer["ShippingAddress"] if customer else {f"Ship{k}": "" for k in _BILL}
            specs = [s if isinstance(s, LineSpec) else LineSpec(s[0], s[1]) for s in lines]
            order: dict[str, Any] = {
                "OrderID": order_id,
                "ID": order_id[1:],
                "OrderStatus": status,
                "DatePlaced": now,
                "DateUpdated": now,
                "DateInvoiced": now,
                "DatePaid": "",
                "Email": customer["EmailAddress"] if customer else (email or ""),
                "Username": username,
                **bill,
                **ship,
                "ShippingOption": shipping_option,
                "ShippingTotal": money(Decimal(shipping)),
                "CouponCode": coupon[0] if coupon else "",
                "CouponDiscount": money(Decimal(coupon[1])) if coupon else "0.00",
                "TaxInclusive": flag(self.tax_inclusive),
                "SalesChannel": "Website",
                "OrderPayment": [],
                "OrderLine": [self._line(order_id, n, spec) for n, spec in enumerate(specs, start=1)],
            }
            if not order["OrderLine"]:
                raise NetoError("OrderLine is required", "An order needs at least one line")
            self._totals(order)
            self.tables["Order"][order_id] = order
            if paid:
                self.pay_order(order_id)
            return order

    def update_order(
        self, order_id: str, *, lines: Iterable[LineSpec | tuple[str, int]] | None = None, **fields: str
    ) -> dict[str, Any]:
        """Change an order: its lines (totals are worked out again) and fields by Neto name (``OrderStatus``...)."""
        with self.lock:
            order = self._get("Order", order_id)
            for name, value in fields.items():
                if name == "OrderStatus" and value not in ORDER_STATUSES:
                    raise NetoError(
                        "Invalid OrderStatus", f"OrderStatus {value} is not one of {', '.join(ORDER_STATUSES)}"
                    )
                if name not in order or isinstance(order[name], list) or name in ("OrderID", "ID", "DateUpdated"):
                    raise KeyError(f"order field {name} cannot be set")
                order[name] = str(value)
            if lines is not None:
                specs = [s if isinstance(s, LineSpec) else LineSpec(s[0], s[1]) for s in lines]
                order["OrderLine"] = [self._line(order_id, n, spec) for n, spec in enumerate(specs, start=1)]
            self._totals(order)
            order["DateUpdated"] = self.now_stamp()
            return order

    def pay_order(
        self, order_id: str, amount: Decimal | str | None = None, *, payment_type: str = "Credit Card"
    ) -> dict[str, Any]:
        """Record a payment on an order (what is still owed, by default); the order is paid once it is covered."""
        with self.lock:
            order = self._get("Order", order_id)
            owed = Decimal(order["GrandTotal"]) - sum((Decimal(p["Amount"]) for p in order["OrderPayment"]), Decimal(0))
            paying = Decimal(amount) if amount is not None else owed
            if paying <= 0:
                raise NetoError("Invalid Amount", f"Nothing to pay on {order_id}")
            now = self.now_stamp()
            number = str(self._new_id("Payment"))
            self.tables["Payment"][number] = {
                "ID": number,
                "OrderID": order_id,
                "PaymentType": payment_type,
                "AmountPaid": money(paying),
                "DatePaid": now,
            }
            order["OrderPayment"].append(
                {"Id": number, "PaymentType": payment_type, "Amount": money(paying), "DatePaid": now}
            )
            if paying >= owed:
                order["DatePaid"] = now
            order["DateUpdated"] = now
            return order

    # -- returns and refunds ------------------------------------------------------------------------

    def add_rma(
        self,
        order_id: str,
        lines: Iterable[tuple[str, int]] | None = None,
        *,
        refund_shipping: bool = False,
        status: str = "Open",
    ) -> dict[str, Any]:
        """Return (some of) an order's lines and refund them: ``(sku, quantity)`` pairs, every line when None.

        The refund per unit is what the line was sold for (after its percent off).
        """
        with self.lock:
            order = self._get("Order", order_id)
            by_sku = {li["SKU"]: li for li in order["OrderLine"]}
            wanted = (
                list(lines) if lines is not None else [(li["SKU"], int(li["Quantity"])) for li in order["OrderLine"]]
            )
            number = str(self._new_id("Rma"))
            rma_lines = []
            for n, (sku, quantity) in enumerate(wanted, start=1):
                sold = by_sku.get(sku)
                if sold is None:
                    raise NetoError("Invalid SKU", f"{order_id} has no line with SKU {sku}")
                if not 0 < quantity <= int(sold["Quantity"]):
                    raise NetoError("Invalid Quantity", f"Cannot return {quantity} of {sku}")
                unit = Decimal(sold["UnitPrice"]) * (100 - Decimal(sold["PercentDiscount"])) / 100
                rma_lines.append(
                    {
                        "RmaLineID": f"{number}-{n}",
                        "OrderLineID": sold["OrderLineID"],
                        "ItemNumber": sku,
                        "ProductName": sold["ProductName"],
                        "Quantity": str(quantity),
                        "Amount": money(unit),
                        "Tax": money(
                            _split_tax(Decimal(money(unit)) * quantity, TAX_RATES[sold["TaxCode"]], self.tax_inclusive)
                        ),
                        "TaxCode": sold["TaxCode"],
                    }
                )
            shipping = Decimal(order["ShippingTotal"]) if refund_shipping else Decimal(0)
            goods = sum((Decimal(li["Amount"]) * int(li["Quantity"]) for li in rma_lines), Decimal(0))
            tax = sum((Decimal(li["Tax"]) for li in rma_lines), Decimal(0)) + _split_tax(
                shipping, GST_RATE, self.tax_inclusive
            )
            now = self.now_stamp()
            rma = {
                "RmaID": number,
                "OrderID": order_id,
                "Username": order["Username"],
                "RmaStatus": status,
                "DateIssued": now,
                "DateUpdated": now,
                "TaxInclusive": order["TaxInclusive"],
                "ShippingRefundAmount": money(shipping),
                "RefundSubtotal": money(goods),
                "RefundTaxTotal": money(tax),
                "RefundTotal": money(goods + shipping + (Decimal(0) if self.tax_inclusive else tax)),
                "RmaLine": rma_lines,
            }
            self.tables["Rma"][number] = rma
            order["DateUpdated"] = now
            return rma

    def update_rma(self, rma_id: str, **fields: str) -> dict[str, Any]:
        """Change an RMA's fields by Neto name (``RmaStatus``); DateUpdated moves."""
        with self.lock:
            rma = self._get("Rma", rma_id)
            for name, value in fields.items():
                if name not in rma or isinstance(rma[name], list) or name in ("RmaID", "OrderID", "DateUpdated"):
                    raise KeyError(f"RMA field {name} cannot be set")
                rma[name] = str(value)
            rma["DateUpdated"] = self.now_stamp()
            return rma
