"""A stateful emulator of Magento 2 / Adobe Commerce's REST API (``/rest/V1/...``) for one store.

It behaves as a Magento store does as far as a client can see: admin tokens
from ``POST /rest/V1/integration/admin/token`` (four hours) or an integration
token as ``Authorization: Bearer``; ``searchCriteria`` filter groups, sort
orders and pages with ``total_count`` (a page past the end repeats the last
one, Magento's quirk); customers, products (configurable ones with simple
children), orders (a configurable line gives a parent and a child item),
invoices (of all the order or of some of its items: capture takes each
one's total, so an order is paid in parts, ``total_paid``/``total_due``
following) and credit memos; a product's price (``PUT products/{sku}``) and
its stock item (``PUT products/{sku}/stockItems/{itemId}``: ``qty``,
``is_in_stock``; the single-source stock, no MSI); the store's currency
(``GET directory/currency``); Magento's
``{"message", "parameters"}`` errors; UTC ``YYYY-MM-DD HH:MM:SS`` stamps
that move on every write; faults on demand. Magento has no rate-limit
headers, so neither has the emulator; its optional input limits (page size
at most 300, 20 by default) can be switched on.

Assumptions (not checked against a live store): one store view, prices
excluding tax, one tax rate for taxable goods and shipping, the messages of
errors Magento answers with a database error (unknown search fields).

    state = MagentoState(clock=FakeClock())
    seed_sample(state)
    app = create_app(state)          # serves /rest/V1/... and /rest/default/V1/...
    # call it with Authorization: Bearer SAMPLE_TOKEN
"""

from sandbox.magento.app import STORE_CODES, create_app
from sandbox.magento.errors import API_PATH, MagentoError, error_body, magento_fault
from sandbox.magento.search import CONDITIONS, SEARCHABLE
from sandbox.magento.seed import HISTORY_DAYS, SeedSummary, seed_sample
from sandbox.magento.state import (
    ADMIN_TOKEN_LIFETIME,
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    SAMPLE_PASSWORD,
    SAMPLE_TOKEN,
    SAMPLE_USERNAME,
    TAXABLE,
    MagentoState,
)
from sandbox.magento.values import parse_stamp, stamp

__all__ = [
    "ADMIN_TOKEN_LIFETIME",
    "API_PATH",
    "CONDITIONS",
    "DEFAULT_PAGE_SIZE",
    "HISTORY_DAYS",
    "MAX_PAGE_SIZE",
    "SAMPLE_PASSWORD",
    "SAMPLE_TOKEN",
    "SAMPLE_USERNAME",
    "SEARCHABLE",
    "STORE_CODES",
    "TAXABLE",
    "MagentoError",
    "MagentoState",
    "SeedSummary",
    "create_app",
    "error_body",
    "magento_fault",
    "parse_stamp",
    "seed_sample",
    "stamp",
]
