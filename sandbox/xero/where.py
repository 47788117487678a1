"""Xero's ``where`` and ``order`` query parameters: a small, safe parser and evaluator.

The ``where`` language is the subset of Xero's C#-like filters a connector
uses: comparisons (``==``, ``!=``, ``>``, ``>=``, ``<``, ``<=``) of a field
path with a string, number, boolean, ``null``, ``Guid("…")`` or
``DateTime(y, m, d[, h, mi, s])``; ``Field.Contains("…")``,
``.StartsWith`` and ``.EndsWith``; ``AND``/``&&``, ``OR``/``||`` and
parentheses. Anything else is a parse error (HTTP 400). Field names are
checked against the endpoint's allowlist. String comparisons ignore case, as
Xero's do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError

_GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr (_OR and_expr)*
?and_expr: atom (_AND atom)*
?atom: comparison
     | call
     | "(" or_expr ")"
comparison: path COMPARATOR value
call: path METHOD "(" STRING ")"
path: NAME (_DOT NAME)*
?value: STRING -> string
      | SIGNED_NUMBER -> number
      | TRUE -> true
      | FALSE -> false
      | NULL -> null
      | "Guid" "(" STRING ")" -> guid
      | "DateTime" "(" INT ("," INT)* ")" -> datetime

COMPARATOR: "==" | "!=" | ">=" | "<=" | ">" | "<"
METHOD.3: /\.(Contains|StartsWith|EndsWith)\b/
_DOT: "."
_AND.2: "&&" | /AND\b/i
_OR.2: "||" | /OR\b/i
TRUE.2: /true\b/i
FALSE.2: /false\b/i
NULL.2: /null\b/i
STRING: /"(?:[^"\\]|\\.)*"/
NAME: /[A-Za-z_][A-Za-z0-9_]*/

%import common.SIGNED_NUMBER
%import common.INT
%import common.WS
%ignore WS
"""

View = dict[str, Any]
T = TypeVar("T")
Predicate = Callable[[View], bool]


class WhereError(ValueError):
    """A ``where`` or ``order`` Xero would refuse."""


class _Guid(str):
    """A ``Guid("…")`` literal: compared case-insensitively as text."""

    __slots__ = ()


@dataclass(frozen=True)
class Filter:
    """A parsed ``where``: the fields it names, and the test it applies."""

    fields: frozenset[str]
    test: Predicate

    def __call__(self, view: View) -> bool:
        """Whether one record (as rendered) passes."""
        return self.test(view)


@cache
def _parser() -> Lark:
    return Lark(_GRAMMAR, parser="lalr", maybe_placeholders=False)


def _unquote(token: Token | str) -> str:
    return re.sub(r"\\(.)", r"\1", str(token)[1:-1])


def resolve(view: View, path: tuple[str, ...]) -> Any:
    """The value at a dotted field path (None where a step is missing)."""
    value: Any = view
    for step in path:
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    return value


def _as_datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return None


def _normalise(left: object, right: object) -> tuple[Any, Any]:
    """Bring a record value and a literal to comparable types, or raise WhereError."""
    if isinstance(right, datetime):
        moment = _as_datetime(left)
        if moment is None:
            raise WhereError("DateTime can only be compared with a date field")
        return moment, right
    if isinstance(right, bool) or isinstance(left, bool):
        return left, right
    if isinstance(right, Decimal):
        if isinstance(left, int | float | Decimal):
            return Decimal(str(left)), right
        raise WhereError("a number can only be compared with a numeric field")
    if isinstance(right, str):
        if isinstance(left, str):
            return left.casefold(), right.casefold()
        if isinstance(left, date):
            raise WhereError("compare dates with DateTime(…), not a string")
        return left, right
    return left, right


def _compare(op: str, left: object, right: object) -> bool:
    if right is None or left is None:
        if op == "==":
            return left is None and right is None
        if op == "!=":
            return (left is None) != (right is None)
        return False
    a, b = _normalise(left, right)
    if op == "==":
        return bool(a == b)
    if op == "!=":
        return bool(a != b)
    try:
        if op == ">":
            return bool(a > b)
        if op == ">=":
            return bool(a >= b)
        if op == "<":
            return bool(a < b)
        return bool(a <= b)
    except TypeError as exc:
        raise WhereError(f"operator {op} cannot compare these values") from exc


@v_args(inline=True)
class _Compile(Transformer[Token, Any]):
    """Turn the parse tree into (fields named, predicate)."""

    def path(self, *names: Token) -> tuple[str, ...]:
        return tuple(str(n) for n in names)

    def string(self, token: Token) -> str:
        return _unquote(token)

    def number(self, token: Token) -> Decimal:
        return Decimal(str(token))

    def true(self, _token: Token) -> bool:
        return True

    def false(self, _token: Token) -> bool:
        return False

    def null(self, _token: Token) -> None:
        return None

    def guid(self, token: Token) -> _Guid:
        return _Guid(_unquote(token))

    def datetime(self, *parts: Token) -> datetime:
        numbers = [int(p) for p in parts]
        if not 3 <= len(numbers) <= 6:
            raise WhereError("DateTime takes year, month, day and optionally hour, minute, second")
        try:
            year, month, day, hour, minute, second = (*numbers, 0, 0, 0)[:6]
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        except ValueError as exc:
            raise WhereError(f"invalid DateTime: {exc}") from exc

    def comparison(self, path: tuple[str, ...], op: Token, value: object) -> tuple[frozenset[str], Predicate]:
        operator = str(op)

        def test(view: View) -> bool:
            return _compare(operator, resolve(view, path), value)

        return frozenset({path[0]}), test

    def call(self, path: tuple[str, ...], method: Token, literal: Token) -> tuple[frozenset[str], Predicate]:
        needle = _unquote(literal).casefold()
        name = str(method)[1:]

        def test(view: View) -> bool:
            value = resolve(view, path)
            if not isinstance(value, str):
                return False
            text = value.casefold()
            if name == "Contains":
                return needle in text
            if name == "StartsWith":
                return text.startswith(needle)
            return text.endswith(needle)

        return frozenset({path[0]}), test

    def and_expr(self, *parts: tuple[frozenset[str], Predicate]) -> tuple[frozenset[str], Predicate]:
        tests = [p[1] for p in parts]
        return frozenset().union(*(p[0] for p in parts)), lambda view: all(t(view) for t in tests)

    def or_expr(self, *parts: tuple[frozenset[str], Predicate]) -> tuple[frozenset[str], Predicate]:
        tests = [p[1] for p in parts]
        return frozenset().union(*(p[0] for p in parts)), lambda view: any(t(view) for t in tests)


def parse_where(text: str, allowed_fields: Iterable[str]) -> Filter:
    """Parse a ``where`` against an endpoint's field allowlist; raise WhereError if Xero would refuse it."""
    allowed = frozenset(allowed_fields)
    if not allowed:
        raise WhereError("this endpoint does not take a where filter")
    try:
        tree = _parser().parse(text)
        compiled = _Compile().transform(tree)
    except WhereError:
        raise
    except LarkError as exc:
        cause = exc.orig_exc if hasattr(exc, "orig_exc") else exc
        if isinstance(cause, WhereError):
            raise cause from exc
        raise WhereError(f"could not parse where clause: {text!r}") from exc
    fields, test = compiled
    unknown = sorted(fields - allowed)
    if unknown:
        raise WhereError(f"No property or field '{unknown[0]}' exists in this collection")
    return Filter(fields, test)


_ORDER_TERM = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*(?:\s(ASC|DESC))?\s*$", re.I)


@dataclass(frozen=True)
class OrderTerm:
    """One ``order`` term: a field path and its direction."""

    path: tuple[str, ...]
    descending: bool


def parse_order(text: str, allowed_fields: Iterable[str] | None = None) -> list[OrderTerm]:
    """Parse ``order=Field [ASC|DESC][, …]``; raise WhereError on anything else."""
    allowed = frozenset(allowed_fields) if allowed_fields else None
    terms: list[OrderTerm] = []
    for raw in text.split(","):
        match = _ORDER_TERM.match(raw)
        if match is None:
            raise WhereError(f"could not parse order clause: {text!r}")
        path = tuple(match.group(1).split("."))
        if allowed is not None and path[0] not in allowed:
            raise WhereError(f"No property or field '{path[0]}' exists in this collection")
        terms.append(OrderTerm(path, (match.group(2) or "ASC").upper() == "DESC"))
    return terms


def _sort_key(value: object) -> tuple[int, Any]:
    # None first, then by type family so mixed values never raise.
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, value)
    if isinstance(value, int | float | Decimal):
        return (2, Decimal(str(value)))
    moment = _as_datetime(value)
    if moment is not None:
        return (3, moment)
    return (4, str(value).casefold())


def sort_by(items: list[T], terms: list[OrderTerm], view_of: Callable[[T], View]) -> list[T]:
    """Sort items by the order terms applied to their rendered views (stable, last term first)."""
    ordered = list(items)
    for term in reversed(terms):
        path = term.path
        ordered.sort(key=lambda item: _sort_key(resolve(view_of(item), path)), reverse=term.descending)
    return ordered
