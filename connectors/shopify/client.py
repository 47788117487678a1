"""The Shopify client: the access-token header, GraphQL over the shared paging loop, throttling honoured.

Every call goes to ``{shop_url}/admin/api/2025-07/graphql.json`` (the shop's
URL, from the tenant config only) through the shared ``RestClient``: errors
classified once (``throttle.graphql_check``: HTTP 429 with ``Retry-After``
and GraphQL ``THROTTLED`` are rate limits, 5xx and timeouts transient, 401
fatal), one retry policy that waits as the API says and asks for the same
page again (a page is never dropped), a ``CostPacer`` that waits before a
query the cost bucket cannot pay for yet, the one paging loop. ``graphql``
also runs the mutations ``sink`` sends (prices and stock counts).

A read (``read``) pages one stream's connection sorted by ``UPDATED_AT``
from a stored cursor (``ReadState``) and completes nested connections that
hold more than their first page (an order's line items, a product's
variants) with follow-up queries by the node's id.
"""

from __future__ import annotations

import json
import typing as t
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

from connectors.base.bodies import object_under, records_under
from connectors.base.client import OnRestClient, Pacer, RestClient
from connectors.base.errors import FatalError, MalformedResponseError
from connectors.base.paging import PagingLoopError
from connectors.base.retry import RetryPolicy
from connectors.shopify.paging import UpdatedAtPaginator, moment
from connectors.shopify.streams import GRAPHQL_PATH, ShopifyStream
from connectors.shopify.throttle import CostPacer, graphql_check

__all__ = ["ReadState", "ShopifyClient", "ShopifyPage", "ShopifyToken"]

# An updatedAt this close to the shop's clock may still be shared by a save that lands after our read.
_SETTLING = timedelta(seconds=2)


class ShopifyToken(httpx.Auth):
    """``X-Shopify-Access-Token: shpat_...`` on every request. ``repr`` hides it."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("a Shopify Admin API access token is needed")
        self._token = token

    def __repr__(self) -> str:
        return "ShopifyToken(***)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the header to every request."""
        request.headers["X-Shopify-Access-Token"] = self._token
        yield request


@dataclass(frozen=True)
class ReadState:
    """Where an incremental read of one stream stands, stored as the (app, entity) cursor.

    ``updated_at``: read what changed at or after this ``updatedAt`` (the
    newest read so far). ``seen``: ids already read at exactly that moment,
    skipped next time; kept only once the moment is a couple of seconds
    behind the shop's clock, so a save later in the same second is read
    again rather than missed.
    """

    updated_at: str | None = None
    seen: tuple[str, ...] = ()

    @classmethod
    def parse(cls, cursor: str | None) -> ReadState:
        """Read a stored cursor (None or empty: from the beginning)."""
        if not cursor:
            return cls()
        data = json.loads(cursor)
        return cls(data.get("updated_at"), tuple(str(i) for i in data.get("seen") or ()))

    def dump(self) -> str:
        """The cursor to store: ``{"updated_at": "...", "seen": [...]}``."""
        data: dict[str, t.Any] = {"updated_at": self.updated_at}
        if self.seen:
            data["seen"] = list(self.seen)
        return json.dumps(data, sort_keys=True)


@dataclass(frozen=True)
class ShopifyPage:
    """Records of one page not read before, and the cursor to store once they are stored."""

    stream: ShopifyStream
    records: list[dict[str, t.Any]]
    cursor: str
    last: bool


def _server_now(response: httpx.Response) -> datetime | None:
    """The shop's clock from the ``Date`` header; with several (a server stack adding its own), the earliest."""
    found = []
    for value in response.headers.get_list("date"):
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            continue
        if when.tzinfo is not None:
            found.append(when)
    return min(found) if found else None


def _data(body: t.Any, root: str) -> dict[str, t.Any]:
    return object_under(body, "data", root)


def _nodes(connection: t.Any, where: str) -> list[dict[str, t.Any]]:
    if not isinstance(connection, dict):
        raise MalformedResponseError(f"Shopify GraphQL: {where} is not a connection")
    return records_under(connection, "nodes")


class ShopifyClient(OnRestClient):
    """Reads one shop through the Admin GraphQL API with one access token.

    ``shop_url`` is the shop's admin URL (``https://{shop}.myshopify.com``,
    or the sandbox's ``.../shopify``); paths below it are Shopify's own.
    ``pacer``: defaults to a ``CostPacer`` over ``clock``/``sleep``;
    ``retry``: the retry policy for transient failures and throttling.
    """

    def __init__(
        self,
        shop_url: str,
        token: str,
        *,
        http: httpx.Client | None = None,
        retry: RetryPolicy | None = None,
        pacer: Pacer | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.pacer = pacer if pacer is not None else CostPacer()
        self.rest = RestClient(
            shop_url,
            auth=ShopifyToken(token),
            http=http,
            pacer=self.pacer,
            retry=retry,
            timeout=timeout,
            check=graphql_check,
            app="Shopify",
        )

    def graphql(self, query: str, variables: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        """Run one query (retried when throttled or failing transiently) and return its ``data``."""
        # Queries, and mutations that set values (prices, counts): safe to send again after a garbled answer.
        return self.rest.call(
            "POST",
            GRAPHQL_PATH,
            lambda body: object_under(body, "data"),
            json={"query": query, "variables": variables or {}},
        )

    def shop(self) -> dict[str, t.Any]:
        """The shop's name, currency, whether its prices include tax, and its timezone."""
        data = self.graphql("{ shop { name currencyCode taxesIncluded ianaTimezone } }")
        return t.cast(dict[str, t.Any], data["shop"])

    def read(self, stream: ShopifyStream, cursor: str | None = None) -> Iterator[ShopifyPage]:
        """Every record of ``stream`` changed since the cursor, oldest change first, page by page with its cursor."""
        state = ReadState.parse(cursor)
        paginator = UpdatedAtPaginator(
            page_size=stream.page_size, anchor=state.updated_at, seen=set(state.seen), id_field=stream.id_field
        )
        params: dict[str, t.Any] = {"query": stream.document}

        def select(body: t.Any) -> list[dict[str, t.Any]]:
            return _nodes(_data(body, stream.name), stream.name)

        for page in self.rest.paginate(GRAPHQL_PATH, paginator=paginator, select=select, params=params, in_body=True):
            records = [self._complete(stream, record) for record in paginator.fresh]
            settled = (when := moment(paginator.anchor)) is not None and (
                (now := _server_now(page.response)) is not None and when + _SETTLING <= now
            )
            after = ReadState(paginator.anchor, tuple(sorted(paginator.seen)) if settled else ())
            yield ShopifyPage(stream, records, after.dump(), last=not paginator.has_next_page)

    def _complete(self, stream: ShopifyStream, record: dict[str, t.Any]) -> dict[str, t.Any]:
        """The record with every nested connection read to its end (follow-up queries by the node's id)."""
        for nested in stream.nested:
            connection = record.get(nested.field)
            if not isinstance(connection, dict):
                continue
            info = connection.get("pageInfo") or {}
            seen_cursors: set[str] = set()
            while info.get("hasNextPage"):
                after = info.get("endCursor")
                if not after or after in seen_cursors:
                    raise PagingLoopError(
                        f"Shopify {stream.node_type} {record.get('id')}: {nested.field} cursor repeats"
                    )
                seen_cursors.add(after)
                root = stream.node_type[0].lower() + stream.node_type[1:]
                data = self.graphql(stream.rest_of(nested), {"id": record.get("id"), "after": after})
                node = data.get(root)
                if not isinstance(node, dict):
                    raise FatalError(
                        f"Shopify {stream.node_type} {record.get('id')} vanished while its {nested.field} were read"
                    )
                more = node.get(nested.field) or {}
                connection["nodes"] = [*connection.get("nodes", []), *_nodes(more, nested.field)]
                info = more.get("pageInfo") or {}
            connection["pageInfo"] = {"hasNextPage": False, "endCursor": info.get("endCursor")}
        return record
