"""Reading an answer's JSON body, and saying exactly what is wrong when it is not what was expected.

A 200 can still be useless: cut short, a proxy's HTML page, empty, or valid
JSON of the wrong shape (``{}`` where a page of records was due). Each helper
here raises ``MalformedResponseError`` with what was wrong ("body is not
JSON: '<html>…'", "expected a list under 'Organisations', got string");
``RestClient`` adds the app and the endpoint and retries it like a 503.

>>> records_under({"Contacts": [{"ContactID": "1"}]}, "Contacts")
[{'ContactID': '1'}]
"""

from __future__ import annotations

import typing as t

import httpx

from connectors.base.errors import MalformedResponseError

__all__ = [
    "SHOWN",
    "json_answer",
    "json_body",
    "json_kind",
    "object_of",
    "object_under",
    "records_under",
    "token_answer",
    "value_under",
]

SHOWN = 80
"""How much of a body that is not JSON an error shows."""


def json_kind(value: t.Any) -> str:
    """A value's kind as JSON names it (object, list, string, number, boolean, null)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def json_body(response: httpx.Response) -> t.Any:
    """The response's JSON body; ``MalformedResponseError`` when it is empty or not JSON."""
    if not response.content.strip():
        raise MalformedResponseError("body is empty", status=response.status_code)
    try:
        return response.json()
    except ValueError:
        # repr keeps the snippet on one line whatever the body holds (newlines, control characters).
        snippet = response.content[:SHOWN].decode("utf-8", "replace")
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        said = f" ({kind})" if kind and kind != "application/json" else ""
        raise MalformedResponseError(f"body is not JSON{said}: {snippet!r}", status=response.status_code) from None


def _under(body: t.Any, path: tuple[str, ...]) -> t.Any:
    """The value at ``path`` (keys of nested objects); a step that is not an object raises."""
    value = body
    for depth, key in enumerate(path):
        if not isinstance(value, dict):
            where = f" under {'.'.join(path[:depth])!r}" if depth else ""
            raise MalformedResponseError(f"expected an object{where}, got {json_kind(value)}")
        if key not in value:
            raise MalformedResponseError(f"expected {'.'.join(path[: depth + 1])!r} in the answer, found none")
        value = value[key]
    return value


def value_under(body: t.Any, *path: str) -> t.Any:
    """Whatever is at ``path`` of ``body`` (each step an object holding the key)."""
    return _under(body, path)


def object_under(body: t.Any, *path: str) -> dict[str, t.Any]:
    """The object at ``path`` of ``body`` (``body`` itself when no path is given)."""
    value = _under(body, path)
    if not isinstance(value, dict):
        where = f" under {'.'.join(path)!r}" if path else ""
        raise MalformedResponseError(f"expected an object{where}, got {json_kind(value)}")
    return value


def object_of(body: t.Any) -> dict[str, t.Any]:
    """``body`` itself, which must be a JSON object."""
    return object_under(body)


def records_under(body: t.Any, *path: str) -> list[dict[str, t.Any]]:
    """The list of records (objects) at ``path`` of ``body`` (``body`` itself when no path is given)."""
    value = _under(body, path)
    where = f" under {'.'.join(path)!r}" if path else ""
    if not isinstance(value, list):
        raise MalformedResponseError(f"expected a list{where}, got {json_kind(value)}")
    odd = next((v for v in value if not isinstance(v, dict)), None)
    if odd is not None:
        raise MalformedResponseError(f"expected a list of records{where}, found a {json_kind(odd)} in it")
    return value


def json_answer(response: httpx.Response, who: str) -> t.Any:
    """``json_body`` for a call made outside ``RestClient`` (a token endpoint); its error names ``who``."""
    try:
        return json_body(response)
    except MalformedResponseError as error:
        raise MalformedResponseError(f"{who}: {error}", status=response.status_code) from None


def token_answer(response: httpx.Response, who: str) -> dict[str, t.Any]:
    """A token endpoint's answer: the token of a 200, or the error object of a refusal (``{}`` if it has none).

    A 200 that holds no ``access_token`` was garbled on its way (a proxy's page): a
    ``MalformedResponseError``, retried, never read as a refusal.
    """
    if response.status_code == 200:
        body = json_answer(response, who)
        if not isinstance(body, dict) or "access_token" not in body:
            got = "an object without one" if isinstance(body, dict) else json_kind(body)
            raise MalformedResponseError(f"{who}: expected an access_token, got {got}", status=200)
        return body
    try:
        refused = response.json()
    except ValueError:
        return {}
    return refused if isinstance(refused, dict) else {}
