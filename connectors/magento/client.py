"""The Magento client: bearer auth, ``searchCriteria`` paging, incremental reads by ``updated_at``.

Every call goes to ``{base_url}/rest/V1/...`` (or ``/rest/{store_code}/V1``;
the base URL comes from the tenant config only) through the shared
``RestClient``: errors classified once (401 fatal, 429 and 5xx retried with
``Retry-After`` honoured, by one ``RetryPolicy``), redirects refused, the one
paging loop. Magento sends no rate-limit headers, so there is nothing to pace
by; a ``Pacer`` can still be given. The only writes are ``put`` (a product's
price, its stock item: see ``sink``).

Incremental reads (``read``) page with ``KeysetPaginator``; each page's
records come with the cursor to store once they are. Two streams carry what
their mapping needs besides the record, under keys that start with ``_``
(never Magento's own):

- an order gets ``_invoices``: its invoices (id, number, state, total,
  created_at), each paid one a payment of the order (Magento takes money by
  invoicing, in one go or in parts);
- a credit memo gets ``_order`` (its order's number, customer, items and
  applied taxes) and ``_sequence`` (1 for the order's first credit memo, 2
  for the next…), which number the credit note.
"""

from __future__ import annotations

import math
import typing as t
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import httpx

from connectors.base.bodies import records_under
from connectors.base.client import OnRestClient, Pacer, RestClient
from connectors.base.paging import PageNumberPaginator
from connectors.base.retry import RetryPolicy
from connectors.base.tokens import utcnow
from connectors.magento.auth import MagentoAdminAuth, MagentoToken
from connectors.magento.criteria import Filter, search_params
from connectors.magento.errors import check_response
from connectors.magento.paging import KeysetPaginator, ReadCursor, parse_magento_time
from connectors.magento.streams import MAX_PAGE_SIZE, MagentoStream, rest_prefix

__all__ = ["MagentoClient", "MagentoPage"]

# An updated_at this close to the store's clock may still be shared by a save that lands after our read.
_SETTLING = timedelta(seconds=2)
_ORDER_KEEP = ("entity_id", "increment_id", "customer_id", "customer_is_guest", "customer_email", "created_at")
_ITEM_KEEP = ("item_id", "product_id", "product_type", "parent_item_id", "sku", "name", "tax_percent")


@dataclass(frozen=True)
class MagentoPage:
    """Records of one search page, and the cursor to store once they are stored."""

    stream: MagentoStream
    records: list[dict[str, t.Any]]
    cursor: str
    last: bool


def _items(body: t.Any) -> list[dict[str, t.Any]]:
    """A search answer's records: ``{"items": [...], "total_count": n}``."""
    return records_under(body, "items")


def _as_is(body: t.Any) -> t.Any:
    """Any JSON value (a resource, a stock item's id): only an answer that is not JSON is malformed."""
    return body


def _server_now(response: httpx.Response) -> datetime | None:
    """The store's clock from the ``Date`` header; with several (a proxy adding its own), the earliest."""
    found = []
    for value in response.headers.get_list("date"):
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            continue
        if when.tzinfo is not None:
            found.append(when)
    return min(found) if found else None


def _settled(anchor: ReadCursor, response: httpx.Response) -> ReadCursor:
    """The anchor as a stored cursor: the id tie-break is kept only once its second is closed on the store's clock."""
    when, now = parse_magento_time(anchor.updated_at), _server_now(response)
    if when is not None and now is not None and when + _SETTLING <= now:
        return anchor
    return ReadCursor(anchor.updated_at, None)


class MagentoClient(OnRestClient):
    """Reads one Magento store through its REST API.

    Give either ``token`` (an integration access token) or ``username`` and
    ``password`` (an admin user: tokens are fetched and renewed as needed).
    ``store_code`` None uses ``rest/V1`` (the default store view).
    ``page_size`` is capped at 300, the limit stores may switch on.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        store_code: str | None = None,
        http: httpx.Client | None = None,
        retry: RetryPolicy | None = None,
        pacer: Pacer | None = None,
        timeout: float = 30.0,
        page_size: int = 100,
        now: t.Callable[[], datetime] = utcnow,
    ) -> None:
        self.prefix = rest_prefix(store_code)
        auth: httpx.Auth
        if token:
            auth = MagentoToken(token)
        elif username and password:
            url = f"{base_url.rstrip('/')}/rest/V1/integration/admin/token"
            auth = MagentoAdminAuth(url, username, password, now=now)
        else:
            raise ValueError("Magento needs an integration token, or an admin username and password")
        self.auth = auth
        self.page_size = max(1, min(page_size, MAX_PAGE_SIZE))
        self.rest = RestClient(
            base_url,
            auth=auth,
            http=http,
            pacer=pacer,
            retry=retry,
            timeout=timeout,
            check=check_response,
            app="Magento",
        )

    def path(self, *parts: str) -> str:
        """A path below the REST prefix; each part is one path segment, escaped (a SKU may hold ``/`` or ``?``)."""
        return "/".join((self.prefix, *(quote(str(part), safe="") for part in parts)))

    def get(self, *parts: str) -> t.Any:
        """``GET`` one resource (``get("orders", "5")``, ``get("products", sku)``) and return its JSON."""
        return self.rest.call("GET", self.path(*parts), _as_is)

    def put(self, *parts: str, body: t.Any) -> t.Any:
        """``PUT`` one resource (``put("products", sku, body={"product": {...}})``) and return its JSON answer."""
        return self.rest.call("PUT", self.path(*parts), _as_is, json=body)  # a PUT sets values: safe to resend

    def search(
        self, path: str, groups: Sequence[Sequence[Filter]] = (), sort: Sequence[tuple[str, str]] = ()
    ) -> Iterator[dict[str, t.Any]]:
        """Every record a search selects, page after page until ``total_count`` is reached (never past it)."""
        size = self.page_size
        paginator = PageNumberPaginator(
            page_size=size,
            page_param="searchCriteria[currentPage]",
            size_param="searchCriteria[pageSize]",
            page_count=lambda body: math.ceil(body.get("total_count", 0) / size) if isinstance(body, dict) else None,
        )
        params = search_params(groups, sort)
        params.pop("searchCriteria", None)
        for page in self.rest.paginate(self.path(*path.split("/")), paginator=paginator, select=_items, params=params):
            yield from page.records

    def read(self, stream: MagentoStream, cursor: str | None = None) -> Iterator[MagentoPage]:
        """Every record of ``stream`` changed since the cursor, oldest change first, page by page with its cursor."""
        paginator = KeysetPaginator(
            page_size=self.page_size,
            id_field=stream.id_field,
            updated_field=stream.updated_field,
            anchor=ReadCursor.parse(cursor),
        )
        for page in self.rest.paginate(self.path(*stream.path.split("/")), paginator=paginator, select=_items):
            records = page.records
            if records and stream.name == "orders":
                self._attach_invoices(records)
            elif records and stream.name == "creditmemos":
                self._attach_orders(records)
            after = _settled(paginator.anchor, page.response)
            yield MagentoPage(stream, records, after.dump(), last=not paginator.has_next_page)

    def _ids_filter(self, field: str, ids: Iterable[t.Any]) -> list[list[Filter]]:
        wanted = sorted({int(i) for i in ids if isinstance(i, int) and not isinstance(i, bool)})
        return [[Filter(field, ",".join(map(str, wanted)), "in")]] if wanted else []

    def _attach_invoices(self, orders: list[dict[str, t.Any]]) -> None:
        groups = self._ids_filter("order_id", (o.get("entity_id") for o in orders))
        found: dict[t.Any, list[dict[str, t.Any]]] = {}
        if groups:
            for invoice in self.search("invoices", groups, [("entity_id", "ASC")]):
                summary = {
                    k: invoice.get(k) for k in ("entity_id", "increment_id", "state", "grand_total", "created_at")
                }
                found.setdefault(invoice.get("order_id"), []).append(summary)
        for order in orders:
            order["_invoices"] = found.get(order.get("entity_id"), [])

    def _attach_orders(self, memos: list[dict[str, t.Any]]) -> None:
        groups = self._ids_filter("entity_id", (m.get("order_id") for m in memos))
        orders: dict[t.Any, dict[str, t.Any]] = {}
        siblings: dict[t.Any, list[t.Any]] = {}
        if groups:
            for order in self.search("orders", groups):
                summary = {k: order.get(k) for k in _ORDER_KEEP}
                summary["items"] = [
                    {k: i.get(k) for k in _ITEM_KEEP} for i in order.get("items") or [] if isinstance(i, dict)
                ]
                extension = order.get("extension_attributes")
                summary["applied_taxes"] = extension.get("applied_taxes", []) if isinstance(extension, dict) else []
                orders[order.get("entity_id")] = summary
            memo_groups = self._ids_filter("order_id", orders)
            for memo in self.search("creditmemos", memo_groups, [("entity_id", "ASC")]) if memo_groups else ():
                siblings.setdefault(memo.get("order_id"), []).append(memo.get("entity_id"))
        for memo in memos:
            order_id = memo.get("order_id")
            memo["_order"] = orders.get(order_id)
            ids = siblings.get(order_id, [])
            memo["_sequence"] = ids.index(memo.get("entity_id")) + 1 if memo.get("entity_id") in ids else None
