"""A Prefect server for a command's whole run: the one ``PREFECT_API_URL`` names, or one started for it.

Prefect's temporary server gives itself 20 seconds to answer; on a cold machine
(first imports, a new database) with another process busy it can take longer,
and the command then dies halfway. So a command that runs flows starts one
server itself, waits on its health endpoint as long as a cold start needs, and
stops it (by the pid it recorded) when done. Its log goes to a file.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from prefect.events.worker import EventsWorker
from prefect.logging.handlers import APILogWorker
from prefect.settings import PREFECT_API_URL, temporary_settings

__all__ = ["START_TIMEOUT", "PrefectServerError", "free_port", "prefect_server", "wait_healthy"]

# A cold start on a busy 2-core machine was measured at over 20 s; leave it ample room.
START_TIMEOUT = float(os.environ.get("DATASHARE_PREFECT_START_TIMEOUT", "300"))


class PrefectServerError(RuntimeError):
    """The Prefect server did not start or does not answer; the message is one line naming what to look at."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on at the moment of asking."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(api_url: str) -> bool:
    try:
        return httpx.get(f"{api_url.rstrip('/')}/health", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def wait_healthy(
    api_url: str,
    timeout: float = START_TIMEOUT,
    *,
    process: subprocess.Popen[bytes] | None = None,
    log: Path | None = None,
) -> None:
    """Wait until ``api_url``'s health endpoint answers 200; one-line ``PrefectServerError`` if it never does.

    With ``process``, a server that exits while we wait fails at once.
    """
    where = f"; its log is {log}" if log else ""
    deadline = time.monotonic() + timeout
    while not _healthy(api_url):
        if process is not None and process.poll() is not None:
            raise PrefectServerError(
                f"the Prefect server stopped (exit code {process.returncode}) before it answered{where}"
            )
        if time.monotonic() > deadline:
            raise PrefectServerError(f"the Prefect server at {api_url} did not answer within {timeout:.0f} s{where}")
        time.sleep(0.5)


def _drain() -> None:
    """Send the run logs and events Prefect still holds, before their server goes away."""
    with contextlib.suppress(RuntimeError):  # never started: no logs were sent from this process
        APILogWorker.instance().drain()
    EventsWorker.drain_all()


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group (it was started as its leader), then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, 20.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def prefect_server(home: Path, *, database: Path, log: Path, timeout: float = START_TIMEOUT) -> Iterator[str]:
    """Yield the API URL of a healthy Prefect server, set as ``PREFECT_API_URL`` for the block.

    If ``PREFECT_API_URL`` is set, that server is used (and waited for).
    Otherwise one is started on a free loopback port, offline, with
    ``PREFECT_HOME`` at ``home``, its state in the SQLite file ``database``
    and its output in ``log``, and stopped when the block ends.
    """
    configured = PREFECT_API_URL.value()
    if configured:
        wait_healthy(configured, timeout)
        yield configured
        return
    log.parent.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{database.resolve()}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
        "DO_NOT_TRACK": "1",
    }
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--no-scheduler", "--no-late-runs"]  # nothing is scheduled on a command's own server
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
            command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True
        )
    try:
        api_url = f"http://127.0.0.1:{port}/api"
        wait_healthy(api_url, timeout, process=process, log=log)
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            try:
                yield api_url
            finally:
                _drain()
    finally:
        _stop(process)
