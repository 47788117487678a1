"""SOQL, the subset clients use for extracts: a lark grammar and an evaluator over the records.

``SELECT f, f FROM Object [WHERE cond] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]``

Conditions: ``= != <> < <= > >=``, ``LIKE`` (``%``/``_``, case-insensitive), ``IN``/``NOT IN (...)``,
``AND``/``OR``/``NOT`` with parentheses. Literals: 'strings' with backslash escapes, numbers,
``true``/``false``, ``null``, unquoted dates (``2024-01-01``) and datetimes (``2024-01-01T00:00:00Z``).
String comparisons ignore case, as Salesforce's do. A query the grammar rejects is
``MALFORMED_QUERY``; an unknown object ``INVALID_TYPE``; an unknown field, or a literal of the
wrong type for its field, ``INVALID_FIELD``. ASC sorts nulls first, DESC nulls last.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from sandbox.salesforce.errors import SalesforceError
from sandbox.salesforce.schema import BOOL, DATE, DATETIME, ID, NUMBER, REF, object_named
from sandbox.salesforce.state import Record, SalesforceState, parse_datetime

GRAMMAR = r"""
start: SELECT field_list FROM NAME where? order? limit? offset?

field_list: NAME ("," NAME)*
where: WHERE expr
?expr: disjunction
?disjunction: conjunction (OR conjunction)*   -> any_of
?conjunction: negation (AND negation)*        -> all_of
?negation: NOT negation                       -> negate
         | "(" expr ")"
         | condition
condition: NAME OPERATOR value                -> compare
         | NAME LIKE value                    -> like
         | NAME IN "(" value ("," value)* ")" -> in_list
         | NAME NOT IN "(" value ("," value)* ")" -> not_in_list
value: STRING | DATETIME | DATE | NUMBER | TRUE | FALSE | NULL

order: ORDER BY order_key ("," order_key)*
order_key: NAME DIRECTION? nulls?
nulls: NULLS FIRSTLAST
limit: LIMIT INT
offset: OFFSET INT

SELECT.3: /select\b/i
FROM.3: /from\b/i
WHERE.3: /where\b/i
AND.3: /and\b/i
OR.3: /or\b/i
NOT.3: /not\b/i
LIKE.3: /like\b/i
IN.3: /in\b/i
ORDER.3: /order\b/i
BY.3: /by\b/i
LIMIT.3: /limit\b/i
OFFSET.3: /offset\b/i
NULLS.3: /nulls\b/i
FIRSTLAST.3: /(first|last)\b/i
DIRECTION.3: /(asc|desc)\b/i
TRUE.3: /true\b/i
FALSE.3: /false\b/i
NULL.3: /null\b/i
DATETIME.4: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})/
DATE.3: /\d{4}-\d{2}-\d{2}(?![\dT])/
NAME: /[A-Za-z_][A-Za-z0-9_]*/
STRING: /'(?:[^'\\]|\\.)*'/
NUMBER: /[+-]?\d+(\.\d+)?/
INT: /\d+/
OPERATOR: "<=" | ">=" | "!=" | "<>" | "=" | "<" | ">"

%import common.WS
%ignore WS
"""

_PARSER = Lark(GRAMMAR, parser="lalr", maybe_placeholders=False)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def malformed(message: str) -> SalesforceError:
    """400 MALFORMED_QUERY."""
    return SalesforceError(400, "MALFORMED_QUERY", message)


@dataclass
class Query:
    """A parsed, checked query: what to select, how to filter, sort and cut."""

    sobject: str
    fields: list[str]
    predicate: Callable[[Record], bool]
    order: list[tuple[str, bool, bool]]  # field, descending, nulls first
    limit: int | None
    offset: int

    def run(self, state: SalesforceState, *, include_deleted: bool = False) -> list[Record]:
        """The matching records, sorted and cut, in full (the caller picks the fields)."""
        rows = [r for r in state.rows(self.sobject, include_deleted=include_deleted) if self.predicate(r)]
        for name, descending, nulls_first in reversed(self.order):
            present = sorted(
                (r for r in rows if r.get(name) is not None), key=lambda r: _key(r[name]), reverse=descending
            )
            empty = [r for r in rows if r.get(name) is None]
            rows = empty + present if nulls_first else present + empty
        rows = rows[self.offset :]
        return rows if self.limit is None else rows[: self.limit]


def _key(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def parse(text: str, state: SalesforceState) -> Query:
    """Parse and check ``text`` against the org's schema."""
    try:
        tree = _PARSER.parse(text)
    except (UnexpectedToken, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput) as exc:
        column = getattr(exc, "column", "?")
        token = getattr(exc, "token", None)
        found = (
            str(token)
            if token is not None and str(token)
            else "<EOF>"
            if isinstance(exc, UnexpectedEOF)
            else text[getattr(exc, "pos_in_stream", 0) or 0 : (getattr(exc, "pos_in_stream", 0) or 0) + 1]
        )
        raise malformed(f"\n{text}\n^\nERROR at Row:1:Column:{column}\nunexpected token: '{found}'") from exc
    return _Checker(text, state).query(tree)


class _Checker:
    def __init__(self, text: str, state: SalesforceState) -> None:
        self.text = text
        self.state = state
        self.sobject_name = ""

    def field(self, token: Token) -> tuple[str, str]:
        kind = self.state.sobject(self.sobject_name)
        found = self.state.field_kind(kind, str(token))
        if found is None:
            raise SalesforceError(
                400,
                "INVALID_FIELD",
                f"\n{self.text}\n^\nERROR at Row:1:Column:{token.column}\nNo such column '{token}' on entity "
                f"'{kind.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the "
                "custom field name. Please reference your WSDL or the describe call for the appropriate names.",
            )
        return found

    def query(self, tree: Tree[Token]) -> Query:
        parts = {child.data: child for child in tree.children if isinstance(child, Tree)}
        name = next(t for t in tree.children if isinstance(t, Token) and t.type == "NAME")
        found = object_named(str(name))
        if found is None:
            raise SalesforceError(
                400,
                "INVALID_TYPE",
                f"\n{self.text}\n^\nERROR at Row:1:Column:{name.column}\nsObject type '{name}' is not supported.",
            )
        self.sobject_name = found.name
        fields = [self.field(t)[0] for t in parts["field_list"].children if isinstance(t, Token)]
        predicate: Callable[[Record], bool] = lambda _r: True  # noqa: E731
        if "where" in parts:
            predicate = self.condition(parts["where"].children[1])
        order: list[tuple[str, bool, bool]] = []
        if "order" in parts:
            for key in parts["order"].children:
                if not isinstance(key, Tree):
                    continue
                field_name = self.field(key.children[0])[0]  # type: ignore[arg-type]
                descending = any(
                    isinstance(t, Token) and t.type == "DIRECTION" and t.lower() == "desc" for t in key.children
                )
                nulls_first = not descending
                for sub in key.children:
                    if isinstance(sub, Tree):
                        nulls_first = str(sub.children[1]).lower() == "first"
                order.append((field_name, descending, nulls_first))
        limit = int(str(parts["limit"].children[1])) if "limit" in parts else None
        offset = int(str(parts["offset"].children[1])) if "offset" in parts else 0
        return Query(found.name, list(dict.fromkeys(fields)), predicate, order, limit, offset)

    def condition(self, node: Tree[Token] | Token) -> Callable[[Record], bool]:
        assert isinstance(node, Tree)
        kids = node.children
        if node.data == "any_of":
            parts = [self.condition(k) for k in kids if isinstance(k, Tree)]
            return lambda r: any(p(r) for p in parts)
        if node.data == "all_of":
            parts = [self.condition(k) for k in kids if isinstance(k, Tree)]
            return lambda r: all(p(r) for p in parts)
        if node.data == "negate":
            inner = self.condition(kids[1])
            return lambda r: not inner(r)
        name, kind = self.field(kids[0])  # type: ignore[arg-type]
        values = [self.literal(name, kind, v) for v in kids if isinstance(v, Tree)]
        if node.data == "compare":
            return _comparison(name, str(kids[1]), values[0])
        if node.data == "like":
            raw = kids[2]
            assert isinstance(raw, Tree)
            token = raw.children[0]
            if not isinstance(token, Token) or token.type != "STRING":
                raise malformed(f"\n{self.text}\n^\nLIKE needs a string: '{token}'")
            pattern = _like_regex(str(token)[1:-1])
            return lambda r: r.get(name) is not None and pattern.fullmatch(str(r[name])) is not None
        wanted = [_key(v) for v in values]
        if node.data == "in_list":
            return lambda r: _key(r.get(name)) in wanted
        return lambda r: _key(r.get(name)) not in wanted

    def literal(self, name: str, kind: str, node: Tree[Token]) -> Any:
        token = node.children[0]
        assert isinstance(token, Token)
        kinds = {
            DATETIME: "DATETIME",
            DATE: "DATE",
            BOOL: "TRUE FALSE",
            NUMBER: "NUMBER",
        }
        if token.type == "NULL":
            return None
        expected = kinds.get(kind, "STRING")
        if token.type not in expected.split():
            described = {DATETIME: "dateTime", DATE: "date", BOOL: "boolean", NUMBER: "number"}.get(kind, "string")
            quoted = "should not be enclosed in quotes" if token.type == "STRING" else "should be enclosed in quotes"
            if kind in (ID, REF, "string"):
                quoted = "should be enclosed in quotes"
            raise SalesforceError(
                400,
                "INVALID_FIELD",
                f"\n{self.text}\n^\nERROR at Row:1:Column:{token.column}\nvalue of filter criterion for field "
                f"'{name}' must be of type {described} and {quoted}",
            )
        if token.type == "STRING":
            return _unescape(str(token)[1:-1])
        if token.type == "NUMBER":
            return float(token)
        if token.type in ("TRUE", "FALSE"):
            return token.type == "TRUE"
        if token.type == "DATE":
            return date.fromisoformat(str(token))
        return parse_datetime(str(token))


def _unescape(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), body)


def _like_regex(body: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out += re.escape(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out += ".*" if char == "%" else "." if char == "_" else re.escape(char)
        i += 1
    return re.compile(out, re.IGNORECASE | re.DOTALL)


def _comparison(name: str, operator: str, value: Any) -> Callable[[Record], bool]:
    wanted = _key(value)
    if operator in ("=", "!=", "<>"):
        equal = operator == "="
        return lambda r: (_key(r.get(name)) == wanted) is equal

    def ordered(record: Record) -> bool:
        have = record.get(name)
        if have is None or wanted is None:
            return False
        mine = _key(have)
        if isinstance(mine, datetime) and isinstance(wanted, datetime):
            pass
        result: bool = {
            "<": mine < wanted,
            "<=": mine <= wanted,
            ">": mine > wanted,
            ">=": mine >= wanted,
        }[operator]
        return result

    return ordered
