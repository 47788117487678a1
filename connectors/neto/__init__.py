"""The Neto (Maropost) connector (e-commerce): customers, items, orders and RMAs read; Xero items' prices and stock written.

- ``client``: ``NetoClient`` (``NETOAPI_KEY``/``NETOAPI_USERNAME`` headers,
  one ``POST /do/WS/NetoAPI`` per call with the action in ``NETOAPI_ACTION``,
  ``Page``/``Limit`` paging, incremental reads by ``DateUpdatedFrom`` with
  an overlap and dedup by id, 429 waited out a minute) over the shared
  ``RestClient``; ``errors``: ``Ack`` checked once;
- ``streams``: the Get actions read, declared as data (``STREAMS``:
  customers, products, orders, refunds);
- ``source``: ``NetoSource``, a stream as an extract source;
- ``mapping``/``mapper``: pure functions Neto -> canonical (customers ->
  organizations + people, items -> items by SKU, orders -> invoices with tax
  codes and payments, RMAs -> credit notes);
- ``sink``: ``NetoSink``, Xero items to the Neto items with their SKU
  (``DefaultPrice``, and the first warehouse's quantity where Xero keeps the
  stock; items are never added: see ``connectors.base.shop_items``).

It is written against Neto's documented API; the sandbox in
``sandbox/neto`` emulates it for tests and the demo.
"""

from connectors.neto.client import CALLS_PER_MINUTE, NetoClient, NetoCursor, NetoKey, NetoPage, records_of
from connectors.neto.errors import SHUT_OUT_SECONDS, check_response, message_list
from connectors.neto.mapper import neto_mapper
from connectors.neto.mapping import (
    TAX_RATES,
    customer_to_canonical,
    item_to_canonical,
    order_to_canonical,
    rma_to_canonical,
)
from connectors.neto.paging import UpdatedPaginator
from connectors.neto.sink import NetoSink
from connectors.neto.source import SITE_TZ, NetoSource
from connectors.neto.streams import PAGE_SIZE, STREAMS, NetoStream

__all__ = [
    "CALLS_PER_MINUTE",
    "PAGE_SIZE",
    "SHUT_OUT_SECONDS",
    "SITE_TZ",
    "STREAMS",
    "TAX_RATES",
    "NetoClient",
    "NetoCursor",
    "NetoKey",
    "NetoPage",
    "NetoSink",
    "NetoSource",
    "NetoStream",
    "UpdatedPaginator",
    "check_response",
    "customer_to_canonical",
    "item_to_canonical",
    "message_list",
    "neto_mapper",
    "order_to_canonical",
    "records_of",
    "rma_to_canonical",
]
