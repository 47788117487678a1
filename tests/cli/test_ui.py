"""``datashare ui up|down`` (``make ui``, ``make ui-stop``): started in steps, stopped by the pids recorded, nothing else."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.settings import PREFECT_HOME, temporary_settings
from typer.testing import CliRunner

from datashare.cli import ui
from datashare.cli.main import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setattr(ui, "STOP_GRACE", 1.0)
    with temporary_settings(updates={PREFECT_HOME: tmp_path}):
        yield tmp_path


def started_group(*argv: str, ignore_term: bool = False) -> subprocess.Popen[bytes]:
    """A process leading its own group, whose command line holds ``argv`` (so it passes for ours)."""
    body = "import signal, time\n" + ("signal.signal(signal.SIGTERM, signal.SIG_IGN)\n" if ignore_term else "")
    body += "print('ready', flush=True)\ntime.sleep(120)\n"
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", body, *argv], start_new_session=True, stdout=subprocess.PIPE
    )
    assert process.stdout is not None
    assert process.stdout.readline() == b"ready\n"  # its SIGTERM handler is in place
    return process


def gone(process: subprocess.Popen[bytes]) -> bool:
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        return False
    return True


def test_down_stops_each_recorded_group_and_kills_one_that_ignores_sigterm(home: Path) -> None:
    server = started_group("prefect", "server")
    worker = started_group("prefect", "worker", ignore_term=True)
    (home / "server.pid").write_text(str(server.pid))
    (home / "worker.pid").write_text(str(worker.pid))

    result = runner.invoke(app, ["ui", "down"])

    assert result.exit_code == 0, result.output
    assert "worker: killed after SIGTERM was not enough" in result.output
    assert "server: stopped" in result.output
    assert "sandbox: not started" in result.output
    assert gone(server)
    assert gone(worker)
    assert not list(home.glob("*.pid"))


def test_down_leaves_alone_a_pid_that_now_runs_something_else(home: Path) -> None:
    stranger = started_group("someone-elses-program")  # the recorded pid was reused by another program
    (home / "sandbox.pid").write_text(str(stranger.pid))
    try:
        result = runner.invoke(app, ["ui", "down"])
        assert "sandbox: had already stopped" in result.output
        assert stranger.poll() is None, "a process ui up did not start was stopped"
    finally:
        os.killpg(stranger.pid, signal.SIGKILL)
        stranger.wait()


def test_up_on_a_taken_port_stops_at_once_with_one_line_and_starts_nothing(home: Path) -> None:
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        with contextlib.suppress(OSError):  # taken already by something else: the same answer is due
            taken.bind(("127.0.0.1", ui.SERVER_PORT))
        taken.listen()
        result = runner.invoke(app, ["ui", "up"])

    assert result.exit_code == 1, result.output
    assert f"make ui stopped at step 1 (ports free): port {ui.SERVER_PORT} is taken" in result.output
    assert "Traceback" not in result.output
    assert not list(home.glob("*.pid"))


@pytest.mark.soak  # a Prefect server, the sandbox, deployments and a worker: over a minute
def test_up_starts_the_control_room_and_down_leaves_nothing_of_it(home: Path) -> None:
    began = time.monotonic()
    up = subprocess.run(  # noqa: S603 (our own command)
        [str(Path(sys.executable).parent / "datashare"), "ui", "up"],
        env={**os.environ, "PREFECT_HOME": str(home), "COLUMNS": "250"},
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    pids = {p.stem: int(p.read_text()) for p in home.glob("*.pid")}
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        assert "[6/6] worker" in up.stdout
        assert "demo-au, demo-us, demo-sf, demo-shop, demo-nz" in up.stdout
        assert set(pids) == {"server", "sandbox", "worker"}
        print(f"make ui took {time.monotonic() - began:.0f} s")
    finally:
        down = subprocess.run(  # noqa: S603
            [str(Path(sys.executable).parent / "datashare"), "ui", "down"],
            env={**os.environ, "PREFECT_HOME": str(home)},
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    assert down.returncode == 0, down.stdout + down.stderr
    for name, pid in pids.items():
        assert not Path(f"/proc/{pid}").exists() or b"zombie" in Path(f"/proc/{pid}/status").read_bytes(), name
