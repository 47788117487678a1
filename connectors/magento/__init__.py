"""The Magento 2 / Adobe Commerce connector (a shop): customers, products, orders and credit memos read; Xero items' prices and stock written.

- ``client``: ``MagentoClient`` (an integration token, or an admin user whose
  four-hour tokens it renews; ``searchCriteria`` paging; incremental reads
  by ``updated_at`` with an id tie-break and resumable cursors) over the
  shared ``RestClient``;
- ``streams``: the lists read, declared as data (``STREAMS``);
- ``source``: ``MagentoSource``, a list as an extract source;
- ``mapping``/``documents``/``mapper``: pure functions Magento -> canonical
  (customer -> ``Organization`` + ``Person``, product -> ``Item``, order ->
  tax codes + ``Invoice`` + a ``Payment`` per paid invoice, credit memo ->
  ``CreditNote`` allocated to the order's invoice), ``magento_mapper``;
- ``sink``: ``MagentoSink``, Xero items to the products with their SKU
  (price, and the stock item's qty where Xero keeps the stock; products are
  never made: see ``connectors.base.shop_items``).

It is written against Magento's documented REST API; the sandbox in
``sandbox/magento`` emulates it for tests and the demo.
"""

from connectors.magento.auth import ADMIN_TOKEN_LIFETIME, MagentoAdminAuth, MagentoToken
from connectors.magento.client import MagentoClient, MagentoPage
from connectors.magento.criteria import CONDITIONS, Filter, search_params
from connectors.magento.documents import creditmemo_to_canonical, order_to_canonical
from connectors.magento.errors import check_response, magento_message
from connectors.magento.mapper import magento_mapper
from connectors.magento.mapping import customer_to_canonical, product_to_canonical
from connectors.magento.paging import KeysetPaginator, ReadCursor, magento_time, parse_magento_time
from connectors.magento.sink import MagentoSink
from connectors.magento.source import MagentoSource
from connectors.magento.streams import MAX_PAGE_SIZE, STREAMS, MagentoStream, rest_prefix

__all__ = [
    "ADMIN_TOKEN_LIFETIME",
    "CONDITIONS",
    "MAX_PAGE_SIZE",
    "STREAMS",
    "Filter",
    "KeysetPaginator",
    "MagentoAdminAuth",
    "MagentoClient",
    "MagentoPage",
    "MagentoSink",
    "MagentoSource",
    "MagentoStream",
    "MagentoToken",
    "ReadCursor",
    "check_response",
    "creditmemo_to_canonical",
    "customer_to_canonical",
    "magento_mapper",
    "magento_message",
    "magento_time",
    "order_to_canonical",
    "parse_magento_time",
    "product_to_canonical",
    "rest_prefix",
    "search_params",
]
