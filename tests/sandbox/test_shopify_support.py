"""Helpers for the Shopify sandbox tests (no tests here): a seeded shop on a fake clock, a sync client over it in process."""

from __future__ import annotations

import typing as t
from datetime import UTC, datetime

import httpx

from sandbox.common.clock import FakeClock
from sandbox.common.transport import InProcessTransport
from sandbox.shopify import SAMPLE_TOKEN, ShopifyState, create_app

T0 = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
ROOT = "/admin/api/2025-07"


def shop_client(state: ShopifyState, token: str | None = SAMPLE_TOKEN) -> httpx.Client:
    """A client of the shop's app (no sockets), sending the token unless None."""
    headers = {"X-Shopify-Access-Token": token} if token else {}
    transport = InProcessTransport(create_app(state), raise_app_exceptions=True)
    return httpx.Client(transport=transport, base_url="http://shop.test", headers=headers)


def gql(http: httpx.Client, document: str, /, **variables: t.Any) -> dict[str, t.Any]:
    """POST a GraphQL query; the answer's JSON (asserting HTTP 200)."""
    response = http.post(f"{ROOT}/graphql.json", json={"query": document, "variables": variables})
    assert response.status_code == 200, response.text
    return t.cast(dict[str, t.Any], response.json())


def fresh_state(**settings: t.Any) -> tuple[ShopifyState, FakeClock]:
    """An empty shop on a fake clock at ``T0``."""
    clock = FakeClock(T0)
    return ShopifyState(clock=clock, **settings), clock
