"""Damaging real records the way a bad day at a vendor would, driven by bytes Hypothesis draws.

A damaged record is a real one (a seed) with one to three of its values,
anywhere in it, dropped, reshaped (a list where an object was, an object
where a list was, text where a number was) or replaced: by a value from
``NASTY`` (the figures and text that broke readers before: ``10**30``,
``1e30``, 39 digits, ``NaN``, NUL, right-to-left marks, a currency code of
``0``), or by an integer, a float, text or a small nested value built from
the bytes. Values stay what JSON can carry, as a staged record's do.

Why bytes: a Hypothesis draw costs about a tenth of a millisecond, and a
record takes ten or so; a thousand records for each of 51 streams would spend
most of the suite's time drawing. One ``binary`` draw per batch of records,
read by ``Entropy``, costs a few milliseconds and keeps what matters:
Hypothesis explores and replays the same bytes on every run
(``derandomize``), and shrinks a failing batch towards zero bytes, which read
as the first seed, one change, at the first path, to the first nasty value.

Only the containers on the path to a change are copied, so a change costs
little whatever the record's size.
"""

from __future__ import annotations

import struct
import typing as t
from functools import cache

from hypothesis import strategies as st

from tests.fuzz.targets import Target

__all__ = ["BYTES_PER_RECORD", "NASTY", "Entropy", "damage", "damaged", "damaged_batches", "paths"]

Path = tuple[str | int, ...]
Json = t.Any

NASTY: tuple[Json, ...] = (
    None,
    "",
    " ",
    "\u00a0",
    "\t\n",
    0,
    -1,
    10**30,
    -(10**30),
    2**63,
    2**64 + 1,
    1e30,
    -1e30,
    1e-30,
    1e308,
    -0.0,
    float("nan"),
    float("inf"),
    float("-inf"),
    "NaN",
    "sNaN",
    "inf",
    "-Infinity",
    "1e30",
    "1E+400",
    "1e-400",
    "1" * 39,
    "-" + "9" * 39,
    "9" * 39 + ".99",
    "0.00000001",
    "12.345678901",
    "1,234.00",
    "$10",
    "²",
    "١٢",
    "0x10",
    "-0",
    True,
    False,
    [],
    {},
    [None],
    [[]],
    [{}],
    {"": None},
    {"records": " "},
    "\x00",
    "a\x00b",
    "\u202eevil\u202c",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "x" * 5000,
    "2025-13-45",
    "2025-02-30",
    "0000-00-00",
    "0000-00-00 00:00:00",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00+14:00",
    "/Date(253402300800000+0000)/",
    "/Date(-62135596800000)/",
    "/Date(99999999999999999)/",
    "2013-05-20T20:49:32.000+9999",
    "XXX",
    "aud",
    "0",
    "ZZ",
    "None",
    "null",
    "true",
)
"""Values that broke, or might break, a reader: the issue's, and their neighbours."""

BYTES_PER_RECORD = 64
"""Each record's own bytes (so shrinking one leaves the others be): a seed, up to three changes and their values."""

_OPS = ("nasty", "drop", "reshape", "nasty", "integer", "float", "text", "nested")


class Entropy:
    """Bytes read as small choices; past the end every read is zero."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def take(self, size: int) -> int:
        """The next ``size`` bytes as an unsigned integer."""
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return int.from_bytes(chunk.ljust(size, b"\0"), "big")

    def pick(self, count: int) -> int:
        """An index below ``count`` (a count above 255 takes two bytes)."""
        return self.take(1 if count <= 256 else 2) % count


def _integer(bits: Entropy) -> int:
    """Any size from zero to 39 digits, either sign."""
    digits = bits.pick(40)
    magnitude = bits.take(8) % (10 ** min(digits, 19)) * 10 ** max(0, digits - 19)
    return -magnitude if bits.take(1) & 1 else magnitude


def _float(bits: Entropy) -> float:
    """Any IEEE double, NaN, infinities and subnormals included."""
    value: float = struct.unpack(">d", bits.take(8).to_bytes(8, "big"))[0]
    return value


def _text(bits: Entropy) -> str:
    """Up to seven characters from anywhere in Unicode but the surrogates (JSON text cannot hold them alone)."""
    chars = []
    for _ in range(bits.pick(8)):
        point = bits.take(3) % 0x110000
        chars.append(chr(point if not 0xD800 <= point < 0xE000 else point - 0x800))
    return "".join(chars)


def _value(op: str, bits: Entropy) -> Json:
    if op == "integer":
        return _integer(bits)
    if op == "float":
        return _float(bits)
    if op == "text":
        return _text(bits)
    if op == "nested":
        inner = NASTY[bits.pick(len(NASTY))]
        return [inner, {"value": inner}] if bits.take(1) & 1 else {"value": [inner]}
    return NASTY[bits.pick(len(NASTY))]


def _reshaped(value: Json) -> Json:
    """The same content in another shape: a list where an object was, an object where a list was, text, a list."""
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return {str(n): item for n, item in enumerate(value)}
    if isinstance(value, str):
        return [value]
    return str(value)


def paths(record: Json, prefix: Path = ()) -> list[Path]:
    """The path of every value inside ``record`` (keys of objects, indexes of lists), outermost first."""
    found: list[Path] = []
    items: t.Iterable[tuple[str | int, Json]] = (
        record.items() if isinstance(record, dict) else enumerate(record) if isinstance(record, list) else ()
    )
    for key, value in items:
        found.append((*prefix, key))
        found.extend(paths(value, (*prefix, key)))
    return found


def _changed(container: Json, path: Path, change: t.Callable[[Json], tuple[Json] | None]) -> Json:
    """``container`` with the value at ``path`` changed (None from ``change``: removed); copies only the path.

    A path an earlier change already broke leaves the container as it is.
    """
    key, rest = path[0], path[1:]
    copy: Json
    if isinstance(container, dict) and isinstance(key, str) and key in container:
        copy = dict(container)
    elif isinstance(container, list) and isinstance(key, int) and key < len(container):
        copy = list(container)
    else:
        return container
    if rest:
        copy[key] = _changed(copy[key], rest, change)
        return copy
    new = change(copy[key])
    if new is None:
        del copy[key]
    else:
        copy[key] = new[0]
    return copy


@cache
def _paths_of(target: Target) -> tuple[tuple[Path, ...], ...]:
    return tuple(tuple(paths(seed.record)) for seed in target.seeds)


def damage(target: Target, bits: Entropy) -> tuple[int, Json]:
    """One damaged record of ``target``: which seed it was, and the record."""
    index = bits.pick(len(target.seeds))
    record = target.seeds[index].record
    where = _paths_of(target)[index]
    for _ in range(1 + bits.pick(3)):
        path = where[bits.pick(len(where))]
        op = _OPS[bits.pick(len(_OPS))]
        if op == "drop":
            record = _changed(record, path, lambda _: None)
        elif op == "reshape":
            record = _changed(record, path, lambda old: (_reshaped(old),))
        else:
            value = _value(op, bits)
            record = _changed(record, path, lambda _, value=value: (value,))
    return index, record


def damaged(target: Target, data: bytes) -> list[tuple[int, Json]]:
    """The damaged records of ``target`` the bytes of a batch make, one per ``BYTES_PER_RECORD``."""
    slices = range(0, len(data), BYTES_PER_RECORD)
    return [damage(target, Entropy(data[at : at + BYTES_PER_RECORD])) for at in slices]


def damaged_batches(size: int) -> st.SearchStrategy[bytes]:
    """The bytes of a batch of ``size`` damaged records (``damaged`` reads them)."""
    return st.binary(min_size=size * BYTES_PER_RECORD, max_size=size * BYTES_PER_RECORD)
