"""The demo's report of a tenant's runs: a table by entity, one line per run, the reasons."""

from __future__ import annotations

import typing as t

from rich.console import Console

from datashare.cli.run_report import entity_table, new_notes, notes, written, written_line


def _row(app: str, stream: str, entity: str, **counts: t.Any) -> dict[str, t.Any]:
    base = dict.fromkeys(("read", "created", "updated", "deleted", "linked", "rejected", "waiting", "skipped"), 0)
    return {"app": app, "stream": stream, "entity": entity, **base, "notes": "", **counts}


ROWS = [
    _row("xero", "Contacts", "organizations", read=40, created=94),
    _row("vtiger", "Accounts", "organizations", read=38, created=21, linked=17),
    _row("xero", "Journals", "journals", read=0),
    _row("vtiger", "push", "organizations", read=22, created=12, skipped=10, notes="suppliers are not written (10)"),
    _row("xero", "push", "people", read=36, updated=26, rejected=1),
]


def _text(table: t.Any) -> str:
    console = Console(width=200, record=True)
    console.print(table)
    return console.export_text()


def test_the_entity_table_sums_each_entity_over_apps_and_leaves_out_entities_nothing_happened_to() -> None:
    text = _text(entity_table("demo-au", ROWS))

    rows = {
        cells[0]: cells for cells in ([c.strip() for c in line.split("│")[1:-1]] for line in text.splitlines()) if cells
    }
    # entity, read, new in hub, changed, matched, written to apps, rejected, waiting, not sent
    assert rows["organizations"] == [
        "organizations",
        "xero 40 · vtiger 38",
        "115",
        "",
        "17",
        "vtiger 12 new",
        "",
        "",
        "10",
    ]
    assert rows["people"] == ["people", "", "", "", "", "xero 26 updated", "1", "", ""]
    assert "journals" not in text


def test_a_push_row_counts_what_it_wrote_and_a_pull_row_nothing() -> None:
    assert written(ROWS[3]) == 12
    assert written(ROWS[4]) == 26
    assert written(ROWS[0]) == 0


def test_the_run_line_names_what_was_written_to_which_app_or_says_nothing_was() -> None:
    line = written_line(ROWS)

    assert line.startswith("78 read, 115 new and 0 changed in the hub; written: ")
    assert "vtiger organizations 12 new" in line
    assert "xero people 26 updated" in line
    assert line.endswith("; 1 rejected")
    assert written_line(ROWS[:3]).endswith("nothing written to any app")


def test_a_second_run_repeats_no_reason_the_first_gave() -> None:
    first = notes(ROWS)
    again = [*ROWS, _row("xero", "push", "items", notes="no stock")]

    assert first == ["vtiger organizations: suppliers are not written (10)"]
    assert new_notes(again, first) == ["xero items: no stock"]
