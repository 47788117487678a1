"""VTQL, vTiger's query language: a lark grammar, and an evaluator over the records.

``select * | col, col | count(*) from Module [where cond [and|or cond]...]
[order by col[, col] [asc|desc]] [limit [offset,] n];``

What the real parser (include/Webservices/VTQL_Parser.php, VTQL_Lexer.php) does and
this one copies:

- the trailing ``;`` is required; anything the grammar does not accept is
  ``QUERY_SYNTAX_ERROR``;
- the module is looked up before parsing (``from\\s+(\\S+)``): no ``from`` or an unknown
  module is ``ACCESS_DENIED``; module names match case-insensitively (MySQL), columns
  case-sensitively (a PHP array);
- conditions: ``= != < > <= >=``, ``like`` (``%`` and ``_``), ``in (...)``; values are
  integers or single-quoted strings where ``''`` is a quote (and MySQL then reads
  backslash escapes); ``and`` binds tighter than ``or``; there are no parentheses;
- string comparisons are MySQL's: case- and accent-insensitive, and ``=`` ignores
  trailing spaces (PAD SPACE collation) while ``like`` does not;
- reference fields and ``id`` compare by the crmid after the ``x``; a value without
  ``x`` is ``INVALID_ID_ATTRIBUTE``;
- an unknown column in the select list or the where clause is ``ACCESS_DENIED``; an
  unknown column in ``order by`` breaks the SQL (``DATABASE_QUERY_ERROR``);
- ``asc``/``desc`` applies to the last ``order by`` column only (it is appended to the SQL);
- at most 100 rows: no ``limit`` means ``limit 100`` and a larger count is cut to 100,
  the offset is not capped; ``id`` is always added to an explicit column list.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cmp_to_key

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from sandbox.vtiger.errors import DATABASE_ERROR, INCORRECT_ID, ErrorCode, VtigerError
from sandbox.vtiger.modules import Field, Module, module_by_name_ci

MAX_ROWS = 100

GRAMMAR = r"""
start: SELECT columns FROM NAME where? order? limit? SEMICOLON

columns: STAR                              -> all_columns
       | COUNT LPAR STAR RPAR              -> count_columns
       | NAME (COMMA NAME)*                -> named_columns

where: WHERE disjunction
disjunction: conjunction (OR conjunction)*
conjunction: condition (AND condition)*
condition: NAME COMPARATOR value           -> compare
         | NAME LIKE value                 -> like
         | NAME IN LPAR value (COMMA value)* RPAR -> in_list
value: STRING | NUMBER

order: ORDER BY NAME (COMMA NAME)* DIRECTION?
limit: LIMIT INT (COMMA INT)?

SELECT.3: /select\b/i
FROM.3: /from\b/i
WHERE.3: /where\b/i
AND.3: /and\b/i
OR.3: /or\b/i
LIKE.3: /like\b/i
IN.3: /in\b/i
ORDER.3: /order\b/i
BY.3: /by\b/i
LIMIT.3: /limit\b/i
COUNT.3: /count\b/i
DIRECTION.3: /(asc|desc)\b/i
NAME: /[A-Za-z_][A-Za-z0-9_]*/
STRING: /'(?:[^']|'')*'/
NUMBER: /[+-]?\d+/
INT: /\d+/
COMPARATOR: "<=" | ">=" | "!=" | "=" | "<" | ">"
STAR: "*"
COMMA: ","
LPAR: "("
RPAR: ")"
SEMICOLON: ";"

%import common.WS
%ignore WS
"""

_PARSER = Lark(GRAMMAR, parser="lalr", lexer="contextual")
_FROM = re.compile(r"[fF][rR][Oo][Mm]\s+([^\s;]+)")


@dataclass(frozen=True)
class Literal:
    """A value in a condition: the text as the client meant it, and whether it was quoted."""

    text: str
    quoted: bool


@dataclass(frozen=True)
class Condition:
    """``column op value`` (``values`` has several entries only for ``in``)."""

    column: str
    op: str
    values: tuple[Literal, ...]


@dataclass
class Query:
    """A parsed VTQL statement."""

    module: str
    columns: list[str] | None = None  # None: select *
    count: bool = False
    where: list[list[Condition]] = field(default_factory=list)  # OR of ANDs
    order_by: list[str] = field(default_factory=list)
    descending: bool = False
    offset: int = 0
    limit: int = MAX_ROWS


def _unquote(token: str) -> str:
    """A quoted VTQL string as MySQL reads it: ``''`` is a quote, backslash escapes apply."""
    body = token[1:-1].replace("''", "'")
    escapes = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "Z": "\x1a"}
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            following = body[i + 1]
            # LIKE keeps \% and \_ escaped so they match literally.
            out.append(escapes.get(following, "\\" + following if following in "%_" else following))
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


class _ToQuery(Transformer[Token, Query]):
    """Turns the parse tree into a ``Query``."""

    def start(self, items: list[object]) -> Query:
        query = Query(module=str(items[3]))
        for item in items[1:]:
            if isinstance(item, tuple) and item and item[0] == "columns":
                query.columns, query.count = item[1], item[2]
            elif isinstance(item, tuple) and item and item[0] == "where":
                query.where = item[1]
            elif isinstance(item, tuple) and item and item[0] == "order":
                query.order_by, query.descending = item[1], item[2]
            elif isinstance(item, tuple) and item and item[0] == "limit":
                query.offset, query.limit = item[1], item[2]
        return query

    def all_columns(self, _items: list[Token]) -> tuple[str, None, bool]:
        return ("columns", None, False)

    def count_columns(self, _items: list[Token]) -> tuple[str, None, bool]:
        return ("columns", None, True)

    def named_columns(self, items: list[Token]) -> tuple[str, list[str], bool]:
        return ("columns", [str(t) for t in items if t.type == "NAME"], False)

    def where(self, items: list[object]) -> tuple[str, object]:
        return ("where", items[1])

    def disjunction(self, items: list[object]) -> list[object]:
        return [item for item in items if not isinstance(item, Token)]

    def conjunction(self, items: list[object]) -> list[object]:
        return [item for item in items if not isinstance(item, Token)]

    def compare(self, items: list[object]) -> Condition:
        column, op, value = items
        assert isinstance(value, Literal)
        return Condition(str(column), str(op), (value,))

    def like(self, items: list[object]) -> Condition:
        value = items[2]
        assert isinstance(value, Literal)
        return Condition(str(items[0]), "like", (value,))

    def in_list(self, items: list[object]) -> Condition:
        return Condition(str(items[0]), "in", tuple(i for i in items if isinstance(i, Literal)))

    def value(self, items: list[Token]) -> Literal:
        token = items[0]
        if token.type == "STRING":
            return Literal(_unquote(str(token)), True)
        return Literal(str(token), False)

    def order(self, items: list[Token]) -> tuple[str, list[str], bool]:
        names = [str(t) for t in items if t.type == "NAME"]
        descending = any(t.type == "DIRECTION" and str(t).lower() == "desc" for t in items)
        return ("order", names, descending)

    def limit(self, items: list[Token]) -> tuple[str, int, int]:
        numbers = [int(t) for t in items if t.type == "INT"]
        if len(numbers) == 1:
            return ("limit", 0, min(numbers[0], MAX_ROWS))
        return ("limit", numbers[0], min(numbers[1], MAX_ROWS))


def _syntax_message(error: UnexpectedInput) -> str:
    """vTiger's wording: ``Syntax Error on line 1: token 'x' Unexpected X(x), expected one of: ...``."""
    if isinstance(error, UnexpectedToken):
        value = "" if error.token.type == "$END" else str(error.token)
        expected = ",".join(sorted(error.expected))
        return f"Syntax Error on line {error.line if error.line > 0 else 1}: token '{value}' Unexpected " + (
            f"{error.token.type}({value}), expected one of: {expected}"
        )
    if isinstance(error, UnexpectedCharacters):
        return (
            f"Syntax Error on line {error.line}: token '{error.char}' Unexpected input, expected one of: "
            + ",".join(sorted(error.allowed or ()))
        )
    if isinstance(error, UnexpectedEOF):
        return "Syntax Error on line 1: token '' Unexpected $(), expected one of: " + ",".join(sorted(error.expected))
    return "There is an syntax error in query"


def parse(text: str) -> tuple[Module, Query]:
    """Look the module up and parse ``text``; raises the errors vTiger gives for a bad query."""
    found = _FROM.search(text)
    if found is None:
        raise VtigerError(ErrorCode.ACCESS_DENIED, "Permission to perform the operation is denied for query")
    module = module_by_name_ci(found.group(1))
    try:
        query = _ToQuery().transform(_PARSER.parse(text))
    except UnexpectedInput as error:
        raise VtigerError(ErrorCode.QUERY_SYNTAX_ERROR, _syntax_message(error)) from None
    except VisitError as error:  # pragma: no cover - the transformer has no failing paths
        raise VtigerError(ErrorCode.QUERY_SYNTAX_ERROR, "There is an syntax error in query") from error
    if query.module.lower() != module.name.lower():
        module = module_by_name_ci(query.module)
    query.module = module.name
    return module, query


def _fold(text: str) -> str:
    """MySQL's utf8_general_ci view of a string: no case, no accents."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip()) if text.strip() else None
    except InvalidOperation:
        return None


def _crmid(text: str) -> str:
    return text.split("x")[1] if "x" in text else text


def _like(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "%_":
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        i += 1
    return re.compile("".join(parts), re.DOTALL)


def _by_crmid(name: str, field: Field | None) -> bool:
    """Whether a column holds ids, which the SQL compares as crmid numbers."""
    return name == "id" or (field is not None and field.type in {"reference", "owner"})


def _compare(numeric: bool, left: str, right: str) -> int:
    """-1, 0 or 1, comparing two values as MySQL would for the column's type."""
    if numeric:
        a, b = _number(left), _number(right)
        if a is not None and b is not None:
            return (a > b) - (a < b)
        if a is None and b is not None:
            return -1
    a_text, b_text = _fold(left).rstrip(" "), _fold(right).rstrip(" ")
    return (a_text > b_text) - (a_text < b_text)


_OPS: dict[str, Callable[[int], bool]] = {
    "=": lambda c: c == 0,
    "!=": lambda c: c != 0,
    "<": lambda c: c < 0,
    ">": lambda c: c > 0,
    "<=": lambda c: c <= 0,
    ">=": lambda c: c >= 0,
}
# Empty values of these types are NULL in the database: no condition holds for them.
_NULLABLE = {"currency", "double", "integer", "date", "datetime"}


@dataclass(frozen=True)
class _Test:
    """A condition made ready to run over rows."""

    column: str
    op: str
    values: tuple[str, ...]
    numeric: bool
    by_id: bool
    nullable: bool

    def __call__(self, row: dict[str, str]) -> bool:
        stored = row.get(self.column, "")
        if stored == "" and self.nullable:
            return False
        if self.by_id:
            stored = _crmid(stored)
        if self.op == "like":
            return _like(_fold(self.values[0])).fullmatch(_fold(stored)) is not None
        if self.op == "in":
            return any(_compare(self.numeric, stored, v) == 0 for v in self.values)
        return _OPS[self.op](_compare(self.numeric, stored, self.values[0]))


def _prepare(module: Module, condition: Condition) -> _Test:
    field = module.field(condition.column)
    if field is None and condition.column != "id":
        raise VtigerError(ErrorCode.ACCESS_DENIED, f"Permission to access {condition.column} attribute denied.")
    by_id = _by_crmid(condition.column, field)
    values: list[str] = []
    for literal in condition.values:
        if by_id:
            if "x" not in literal.text:
                raise VtigerError(ErrorCode.INVALID_ID_ATTRIBUTE, INCORRECT_ID)
            values.append(_crmid(literal.text))
        else:
            values.append(literal.text)
    numeric = by_id or (field is not None and field.is_numeric)
    nullable = field is not None and field.type in _NULLABLE
    return _Test(condition.column, condition.op.lower(), tuple(values), numeric, by_id, nullable)


def _sort(module: Module, rows: list[dict[str, str]], query: Query) -> list[dict[str, str]]:
    columns: list[tuple[str, bool, bool]] = []  # name, holds ids, numeric
    for name in query.order_by:
        field = module.field(name)
        if name != "id" and field is None:
            raise VtigerError(ErrorCode.DATABASE_QUERY_ERROR, DATABASE_ERROR)
        by_id = _by_crmid(name, field)
        columns.append((name, by_id, by_id or (field is not None and field.is_numeric)))

    def order(a: dict[str, str], b: dict[str, str]) -> int:
        for position, (name, by_id, numeric) in enumerate(columns):
            left, right = a.get(name, ""), b.get(name, "")
            if by_id:
                left, right = _crmid(left), _crmid(right)
            result = _compare(numeric, left, right)
            if position == len(columns) - 1 and query.descending:
                result = -result
            if result:
                return result
        return 0

    return sorted(rows, key=cmp_to_key(order)) if columns else rows


def execute(module: Module, query: Query, rows: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """Run a parsed query over a module's rows (as ``query`` answers them, in id order)."""
    if query.columns is not None:
        for name in query.columns:
            if name != "id" and module.field(name) is None:
                # vTiger's message really has the quotes and dots around the name.
                raise VtigerError(ErrorCode.ACCESS_DENIED, f"Permission to access '.{name}.' attribute denied.")
    tests = [[_prepare(module, c) for c in group] for group in query.where]
    matched = [row for row in rows if not tests or any(all(t(row) for t in group) for group in tests)]
    if query.count:
        return [{"count": str(len(matched))}]
    ordered = _sort(module, matched, query)
    window = ordered[query.offset : query.offset + query.limit]
    if query.columns is None:
        return [dict(row) for row in window]
    names = [*query.columns, *([] if "id" in query.columns else ["id"])]
    return [{name: row.get(name, "") for name in names} for row in window]
