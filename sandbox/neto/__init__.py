"""A stateful emulator of Neto by Maropost's API (``POST /do/WS/NetoAPI``) for one site.

It behaves as a Neto site does as far as a client can see: the action in
``NETOAPI_ACTION``, the key in ``NETOAPI_KEY``/``NETOAPI_USERNAME``, Get
calls with a ``Filter`` (at least one filter, an ``OutputSelector``,
``DateUpdatedFrom``/``To``, ``Page`` from 0 and ``Limit``), answers with
``Ack`` Success/Warning/Error and ``Messages`` whose ``Error``/``Warning`` is
one object or a list, every scalar a string, dates ``YYYY-MM-DD HH:MM:SS`` in
the site's local time, an order's payments as ``OrderPayment`` entries (a
deposit, a part payment, the balance: ``DatePaid`` set once they cover
``GrandTotal``), JSON only with ``Accept: application/json`` (XML
otherwise), 500 calls a minute per key then HTTP 429 and nothing for a
minute, and faults on demand.

Emulated: GetCustomer/AddCustomer/UpdateCustomer, GetItem/AddItem/UpdateItem
(with ``WarehouseQuantity`` per warehouse: set, increment, decrement),
GetOrder/UpdateOrder, GetPayment, GetRma, GetCurrencySettings. Assumptions (Neto does not document
them): the order of Get results (by DateUpdated, then id), the largest Limit
(1000), the wording of messages, the RMA's fields (``RmaID``, ``OrderID``,
``Username``, ``RmaStatus``, ``DateIssued``, ``DateUpdated``, ``TaxInclusive``,
``RefundSubtotal``, ``RefundTaxTotal``, ``ShippingRefundAmount``,
``RefundTotal``, ``RmaLine[{RmaLineID, OrderLineID, ItemNumber (the SKU),
ProductName, Quantity, Amount (per unit, as the site shows prices), Tax (of
the line), TaxCode}]``) and the order line's tax codes (``GST`` 10%, ``FRE`` 0%).

    state = NetoState(currency="AUD")
    seed_sample(state)
    app = create_app(state)     # serves POST /do/WS/NetoAPI
    # call it with NETOAPI_KEY: SAMPLE_KEY, NETOAPI_USERNAME: SAMPLE_USERNAME
"""

from sandbox.neto.actions import GETS, MAX_LIMIT, WRITES
from sandbox.neto.app import API_PATH, create_app
from sandbox.neto.errors import AUTH_FAILURE, NetoError, neto_fault
from sandbox.neto.seed import SeedSummary, seed_sample
from sandbox.neto.state import GST_RATE, SAMPLE_KEY, SAMPLE_USERNAME, TAX_RATES, LineSpec, NetoState

__all__ = [
    "API_PATH",
    "AUTH_FAILURE",
    "GETS",
    "GST_RATE",
    "MAX_LIMIT",
    "SAMPLE_KEY",
    "SAMPLE_USERNAME",
    "TAX_RATES",
    "WRITES",
    "LineSpec",
    "NetoError",
    "NetoState",
    "SeedSummary",
    "create_app",
    "neto_fault",
    "seed_sample",
]
