"""Shopify in a plan: GraphQL queries are sent, mutations answered (each field with no ``userErrors``)."""

from __future__ import annotations

import re

import httpx

from connectors.base.dry_run import WriteBook, json_of

__all__ = ["ShopifyRehearsal", "top_fields"]

_NAME = re.compile(r"(\w+)\s*(?::\s*\w+)?")


def _document(request: httpx.Request) -> str:
    body = json_of(request)
    return str(body.get("query") or "") if isinstance(body, dict) else ""


def _is_mutation(document: str) -> bool:
    lines = (line.split("#", 1)[0] for line in document.splitlines())
    return " ".join(lines).lstrip().startswith("mutation")


def top_fields(document: str) -> list[str]:
    """The keys an operation's answer has: its top-level fields, by alias where one is given."""
    depth, parens, outer = 0, 0, []
    for char in document:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "(":
            parens += 1
        elif char == ")":
            parens -= 1
        elif depth == 1 and parens == 0:
            outer.append(char)
    return _NAME.findall("".join(outer))


class ShopifyRehearsal:
    """Reads are queries (GraphQL) and GETs; a mutation is answered with every field free of ``userErrors``."""

    app = "shopify"

    def reads(self, request: httpx.Request, book: WriteBook) -> bool:
        """GETs, and GraphQL documents that are not mutations."""
        if request.method in ("GET", "HEAD"):
            return True
        return (
            request.method == "POST"
            and request.url.path.endswith("/graphql.json")
            and not _is_mutation(_document(request))
        )

    def answer(self, request: httpx.Request, book: WriteBook) -> httpx.Response:
        """``{"data": {field: {"userErrors": []}}}`` for each top-level field of the mutation."""
        document = _document(request)
        if not _is_mutation(document):
            raise ValueError("not a GraphQL mutation")
        fields = top_fields(document)
        book.keep(self.app, request, ", ".join(sorted(set(fields))))
        return httpx.Response(200, json={"data": {name: {"userErrors": []} for name in fields}})
