"""Long commands keep the screen for progress and summaries: log lines go to a file, watchers never fail a run."""

from __future__ import annotations

import logging
import sys
import typing as t
from pathlib import Path

import pytest

from datashare.cli.demo import DemoBusyError, _only_demo
from datashare.cli.log_file import logs_to_file
from flows import progress


def test_prefect_console_handlers_are_swapped_for_the_file_and_put_back(tmp_path: Path) -> None:
    root = logging.getLogger()
    console = logging.StreamHandler(sys.__stderr__)
    root.addHandler(console)
    try:
        with logs_to_file(tmp_path / "run.log") as path:
            assert console not in root.handlers
            logging.getLogger("tests.quiet").warning("Task run 'pull' - Finished in state Completed()")
        assert console in root.handlers
    finally:
        root.removeHandler(console)

    assert "Finished in state Completed()" in path.read_text(encoding="utf-8")


class _Broken:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def planned(self, tenant: str, domain: str, steps: int) -> None:
        self.seen.append(f"{tenant} {domain} {steps}")
        raise RuntimeError("the display broke")

    def began(self, tenant: str, domain: str, step: str) -> None:
        raise RuntimeError("the display broke")

    def done(self, tenant: str, domain: str, row: dict[str, t.Any]) -> None:
        raise RuntimeError("the display broke")


def test_a_watcher_that_fails_never_fails_the_run_and_is_told_nothing_after_its_block() -> None:
    watcher = _Broken()
    with progress.watching(watcher):
        progress.planned("demo-au", "accounting", 12)
        progress.began("demo-au", "accounting", "pull xero Contacts")
        progress.done("demo-au", "accounting", {"read": 3})
    progress.planned("demo-au", "crm_sales", 4)

    assert watcher.seen == ["demo-au accounting 12"]


def test_a_second_demo_in_the_same_folder_is_refused_in_one_line(tmp_path: Path) -> None:
    with (
        _only_demo(tmp_path),
        pytest.raises(DemoBusyError, match="another demo is running from this folder"),
        _only_demo(tmp_path),
    ):
        pass
