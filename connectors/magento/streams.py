"""What the Magento connector reads, declared as data: one entry per list endpoint.

Customers, products, orders and credit memos come from Magento; what is
written to it (items' prices and stock) is ``sink``'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MAX_PAGE_SIZE", "STREAMS", "MagentoStream", "rest_prefix"]

MAX_PAGE_SIZE = 300
"""The largest ``pageSize`` a store with Magento's optional input limits accepts (off by default)."""

_STORE = re.compile(r"^[a-z0-9_]+$")


def rest_prefix(store_code: str | None) -> str:
    """``rest/V1`` or ``rest/{store_code}/V1``; the store code is checked, so nothing else reaches the path."""
    if store_code is None:
        return "rest/V1"
    if not _STORE.match(store_code):
        raise ValueError(f"not a Magento store code: {store_code!r}")
    return f"rest/{store_code}/V1"


@dataclass(frozen=True)
class MagentoStream:
    """One searchable list read for one canonical entity.

    ``path``: the list endpoint below ``rest/V1``; ``id_field``: the record's
    id (the tie-break of the incremental order); ``updated_field``: when it
    last changed.
    """

    name: str
    entity: str
    path: str
    id_field: str
    updated_field: str = "updated_at"


STREAMS: dict[str, MagentoStream] = {
    s.name: s
    for s in (
        MagentoStream("customers", "organizations", "customers/search", "id"),
        MagentoStream("products", "items", "products", "id"),
        MagentoStream("orders", "invoices", "orders", "entity_id"),
        MagentoStream("creditmemos", "credit_notes", "creditmemos", "entity_id"),
    )
}
"""Every list the connector reads, in reference order (orders name customers and products; memos name orders)."""
