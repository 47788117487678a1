"""One set-based upsert: stage an Arrow table, classify each row, write only what changed.

Every write to the hub goes through here; nothing loops over rows in Python.
Each incoming row is classified once, by a join against the target, as new,
changed or the same; new rows are inserted, changed rows are replaced (whole
rows) or updated (when only some columns are given), the same are left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from datashare.store.schema import quote

__all__ = ["UpsertCounts", "merge_arrow"]


@dataclass(frozen=True)
class UpsertCounts:
    """What an upsert did."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        """Rows written or found unchanged."""
        return self.inserted + self.updated + self.unchanged


_INCOMING = "__incoming"
_STAGED = "__staged"


def merge_arrow(
    con: duckdb.DuckDBPyConnection,
    target: str,
    table: pa.Table,
    *,
    keys: Sequence[str],
    select: dict[str, str],
    compare: Sequence[str],
    whole_rows: bool,
) -> UpsertCounts:
    """Upsert ``table`` into ``target`` by ``keys``; rows whose ``compare`` columns are unchanged stay as they are.

    ``select`` maps each target column to the SQL expression (over the incoming
    Arrow table, aliased ``i``) that produces it. With ``whole_rows`` a changed
    row is replaced (fast for nested columns); otherwise only the selected
    columns are updated and the others keep their values. When the table holds
    the same key twice, the last row wins.
    """
    if table.num_rows == 0:
        return UpsertCounts()
    incoming = table.append_column("__ord", pa.array(range(table.num_rows), pa.int64()))
    columns = list(select)
    on = " AND ".join(f"t.{quote(k)} = s.{quote(k)}" for k in keys)
    changed = " OR ".join(f"t.{quote(c)} IS DISTINCT FROM s.{quote(c)}" for c in compare) or "false"
    key_list = ", ".join(quote(k) for k in keys)
    projected = ", ".join(f"{expr} AS {quote(col)}" for col, expr in select.items())
    con.register(_INCOMING, incoming)
    try:
        con.execute("BEGIN TRANSACTION").fetchall()
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {_STAGED} AS SELECT s.*, "
            f"CASE WHEN t.{quote(keys[0])} IS NULL THEN 'insert' WHEN {changed} THEN 'update' ELSE 'same' END "
            f"AS __action FROM (SELECT {projected}, i.__ord FROM {_INCOMING} i) s "
            f"LEFT JOIN {quote(target)} t ON {on}"
        ).fetchall()
        # Equal keys hash equal, so a hash collision can only cause a needless dedupe, never a missed one.
        repeated = con.execute(f"SELECT count(*) - count(DISTINCT hash({key_list})) FROM {_STAGED}").fetchall()[0][0]
        if repeated:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {_STAGED} AS SELECT * FROM {_STAGED} "
                f"QUALIFY row_number() OVER (PARTITION BY {key_list} ORDER BY __ord DESC) = 1"
            ).fetchall()
        counts = dict(con.execute(f"SELECT __action, count(*) FROM {_STAGED} GROUP BY ALL").fetchall())
        names = ", ".join(quote(c) for c in columns)
        if whole_rows:
            if counts.get("update"):
                con.execute(
                    f"DELETE FROM {quote(target)} t USING {_STAGED} s WHERE {on} AND s.__action = 'update'"
                ).fetchall()
            written = "('insert', 'update')"
        else:
            if counts.get("update"):
                sets = ", ".join(f"{quote(c)} = s.{quote(c)}" for c in columns if c not in keys)
                con.execute(
                    f"UPDATE {quote(target)} t SET {sets} FROM {_STAGED} s WHERE {on} AND s.__action = 'update'"
                ).fetchall()
            written = "('insert')"
        con.execute(
            f"INSERT INTO {quote(target)} ({names}) SELECT {names} FROM {_STAGED} WHERE __action IN {written}"
        ).fetchall()
        con.execute(f"DROP TABLE {_STAGED}").fetchall()
        con.execute("COMMIT").fetchall()
    except Exception:
        con.execute("ROLLBACK").fetchall()
        raise
    finally:
        con.unregister(_INCOMING)
    return UpsertCounts(int(counts.get("insert", 0)), int(counts.get("update", 0)), int(counts.get("same", 0)))
