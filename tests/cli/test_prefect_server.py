"""The Prefect server a command runs its flows on: waited for on its health endpoint, one-line errors, stopped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from datashare.cli.prefect_server import PrefectServerError, free_port, prefect_server, wait_healthy
from sandbox.common.serve import serve_in_thread


def _healthy_app() -> Starlette:
    return Starlette(routes=[Route("/api/health", lambda _: JSONResponse(True))])


def test_a_server_that_never_answers_fails_in_one_line_naming_its_log(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/api"

    with pytest.raises(PrefectServerError) as failed:
        wait_healthy(url, timeout=1, log=tmp_path / "server.log")

    assert (
        str(failed.value) == f"the Prefect server at {url} did not answer within 1 s; its log is {tmp_path}/server.log"
    )


def test_a_server_that_exits_while_starting_fails_at_once_with_its_exit_code(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    process.wait()

    with pytest.raises(PrefectServerError, match=r"stopped \(exit code 3\) before it answered; its log is "):
        wait_healthy(f"http://127.0.0.1:{free_port()}/api", timeout=60, process=process, log=tmp_path / "x.log")


def test_the_server_prefect_api_url_names_is_used_and_none_is_started(tmp_path: Path) -> None:
    with (
        serve_in_thread(_healthy_app()) as base,
        temporary_settings(updates={PREFECT_API_URL: f"{base}/api"}),
        prefect_server(tmp_path, database=tmp_path / "x.db", log=tmp_path / "x.log") as url,
    ):
        assert url == f"{base}/api"

    assert not (tmp_path / "x.log").exists()


@pytest.mark.prefect
@pytest.mark.soak  # a cold server start (about 20 s); make test's demo test starts one the same way
def test_a_started_server_answers_until_the_block_ends_and_then_its_process_is_gone(tmp_path: Path) -> None:
    with temporary_settings(updates={PREFECT_API_URL: None}):
        with prefect_server(tmp_path, database=tmp_path / "own.db", log=tmp_path / "logs" / "own.log") as url:
            wait_healthy(url, timeout=5)
            assert PREFECT_API_URL.value() == url
        with pytest.raises(PrefectServerError):
            wait_healthy(url, timeout=1)

    assert (tmp_path / "own.db").exists()
    assert "prefect config set PREFECT_API_URL" in (tmp_path / "logs" / "own.log").read_text()
