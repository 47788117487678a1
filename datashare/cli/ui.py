"""``datashare ui up|down`` (``make ui`` / ``make ui-stop``): the Prefect UI as the control room, on the sandbox apps.

``up`` starts, each in a process group of its own whose leader's pid it
records in ``$PREFECT_HOME/<name>.pid``: a Prefect server on port 4200, the
sandbox apps on 8750 and a worker of the ``datashare-process`` pool; between
them it connects every demo tenant's apps through their consent flows,
deploys ``prefect.yaml`` and makes the notification automations. One line per
step. Should a step fail, it stops what it started and says which step and
where its log is. ``down`` stops exactly what ``up`` started: each recorded
group, SIGTERM and then, after a grace period, SIGKILL; a pid that no longer
runs what was recorded is left alone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import typing as t
from dataclasses import dataclass
from pathlib import Path

import httpx
import typer
from prefect.settings import PREFECT_HOME

from datashare.cli.demo import DEMO_ENVIRONMENT, connect_demo_apps
from datashare.cli.options import ConfigOption
from datashare.cli.prefect_server import START_TIMEOUT, PrefectServerError, wait_healthy
from datashare.cli.screen import say, shown
from datashare.config import ConfigError, load_config

__all__ = ["ui_app"]

ui_app = typer.Typer(help="The Prefect UI on the sandbox apps: start it (up) and stop it (down).", no_args_is_help=True)

SERVER_PORT = 4200
SANDBOX_PORT = 8750
POOL = "datashare-process"
STOP_GRACE = 20.0  # seconds a process group has to end after SIGTERM before it is SIGKILLed
DEMO_UI_CONFIG = "config/demo.toml"  # what prefect.yaml's deployments run with


class StepError(RuntimeError):
    """A step of ``up`` failed; the message is one line naming the step and where to look."""


@dataclass(frozen=True)
class Started:
    """A process group ``up`` started: its name (the pid file's) and the word its command line must hold."""

    name: str
    marker: str


SERVER = Started("server", "prefect")
SANDBOX = Started("sandbox", "datashare")
WORKER = Started("worker", "prefect")
ALL = (WORKER, SANDBOX, SERVER)  # stopped in this order: nothing new starts while the rest goes


def _home() -> Path:
    return Path(PREFECT_HOME.value())


def _pid_file(started: Started) -> Path:
    return _home() / f"{started.name}.pid"


def _running(pid: int, marker: str) -> bool:
    """Whether ``pid`` still runs a command with ``marker`` in it (a recycled pid runs something else)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False
    return marker in command


def _recorded(started: Started) -> int | None:
    try:
        return int(_pid_file(started).read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


def _alive(started: Started) -> bool:
    pid = _recorded(started)
    return pid is not None and _running(pid, started.marker)


def _stop(started: Started) -> str:
    """Stop one recorded process group; what happened, in a few words."""
    pid = _recorded(started)
    _pid_file(started).unlink(missing_ok=True)
    if pid is None:
        return "not started"
    if not _running(pid, started.marker):
        return "had already stopped"
    for sig, grace in ((signal.SIGTERM, STOP_GRACE), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if not _running(pid, started.marker):
                return "stopped" if sig == signal.SIGTERM else "killed after SIGTERM was not enough"
            time.sleep(0.2)
    return f"still running as pid {pid}"


def _spawn(started: Started, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start a command as the leader of its own process group, its output in a log; record its pid."""
    log = _home() / "logs" / f"{started.name}.log"
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and tools, fixed arguments)
            command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True
        )
    _pid_file(started).write_text(str(process.pid), encoding="utf-8")
    return process


def _port_free(port: int) -> None:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do: old connections don't count
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            raise StepError(
                f"port {port} is taken (an earlier `make ui` or a demo?): `make ui-stop`, or free port {port}"
            ) from None


def _wait_for(url: str, process: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StepError(f"{what} stopped at once (exit {process.returncode}); see {log}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=5).status_code < 500:
                return
        time.sleep(1)
    raise StepError(f"{what} did not answer on {url} within {START_TIMEOUT:.0f} s; see {log}")


def _run(command: list[str], env: dict[str, str], log: Path, what: str) -> None:
    with log.open("ab") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=env, check=False)  # noqa: S603
    if done.returncode:
        raise StepError(f"{what} failed (exit {done.returncode}); see {log}")


@ui_app.command()
def up(config: ConfigOption = Path(DEMO_UI_CONFIG)) -> None:
    """Start the Prefect server and UI, the sandbox apps, every demo tenant connected, the deployments and a worker."""
    if any(_alive(started) for started in ALL):
        say("[red]make ui already runs from this folder:[/red] `make ui-stop` first", highlight=False)
        raise typer.Exit(1)
    home = _home()
    (home / "logs").mkdir(parents=True, exist_ok=True)
    bin_dir = Path(sys.executable).parent
    api = f"http://127.0.0.1:{SERVER_PORT}/api"
    env = {**os.environ, **DEMO_ENVIRONMENT, "DATASHARE_HOME": str(Path.cwd()), "PREFECT_API_URL": api}
    env.update({k: os.environ[k] for k in DEMO_ENVIRONMENT if k in os.environ})  # the user's own secrets win
    os.environ.update(env)
    logs = home / "logs"

    def ports() -> str:
        _port_free(SERVER_PORT)
        _port_free(SANDBOX_PORT)
        return f"{SERVER_PORT} and {SANDBOX_PORT}"

    def server() -> str:
        process = _spawn(SERVER, [str(bin_dir / "prefect"), "server", "start", "--host", "127.0.0.1",
                                  "--port", str(SERVER_PORT)], env)  # fmt: skip
        try:
            wait_healthy(api, START_TIMEOUT, process=process, log=logs / "server.log")
        except PrefectServerError as error:
            raise StepError(str(error)) from None
        return f"http://127.0.0.1:{SERVER_PORT}"

    def sandbox() -> str:
        process = _spawn(SANDBOX, [str(bin_dir / "datashare"), "sandbox", "serve", "--port", str(SANDBOX_PORT)], env)
        _wait_for(
            f"http://127.0.0.1:{SANDBOX_PORT}/xero/connections", process, "the sandbox apps", logs / "sandbox.log"
        )
        return f"http://127.0.0.1:{SANDBOX_PORT}"

    def connect() -> str:
        try:
            tenants = load_config(config).tenants
        except ConfigError as error:
            raise StepError(f"config error: {error}") from None
        for tenant in tenants:
            connect_demo_apps(tenant)
        return ", ".join(tenant.name for tenant in tenants)

    def deploy() -> str:
        pool = [str(bin_dir / "prefect"), "work-pool", "create", POOL, "--type", "process", "--overwrite"]
        _run(pool, env, logs / "deploy.log", "making the work pool")
        _run([str(bin_dir / "prefect"), "--no-prompt", "deploy", "--all"], env, logs / "deploy.log", "prefect deploy")
        _run([sys.executable, "-m", "flows.notifications"], env, logs / "deploy.log", "making the notifications")
        return "crm-sales, accounting, hr-payroll, reimport, retry-records, sync-all; notifications on"

    def worker() -> str:
        process = _spawn(WORKER, [str(bin_dir / "prefect"), "worker", "start", "--pool", POOL], env)
        time.sleep(2)
        if process.poll() is not None:
            raise StepError(f"the worker stopped at once (exit {process.returncode}); see {logs / 'worker.log'}")
        return f"pool {POOL}"

    steps: list[tuple[str, t.Callable[[], str]]] = [
        ("ports free", ports),
        ("Prefect server (a cold machine can take a minute)", server),
        ("sandbox apps", sandbox),
        ("every demo tenant's apps connected", connect),
        ("work pool, deployments and notifications", deploy),
        ("worker", worker),
    ]
    for number, (what, step) in enumerate(steps, 1):
        began = time.monotonic()
        say(f"[{number}/{len(steps)}] {shown(what)}…", highlight=False)
        try:
            said = step()
        except StepError as error:
            say(f"[red]make ui stopped at step {number} ({shown(what)}):[/red] {shown(error)}", highlight=False)
            for started in ALL:
                _stop(started)
            raise typer.Exit(1) from None
        say(f"      {shown(said)} ({time.monotonic() - began:.0f} s)", highlight=False)
    say(f"Prefect UI: http://127.0.0.1:{SERVER_PORT}  (logs in {shown(logs)})", highlight=False)
    say("Start a re-import: Deployments > reimport > Run > Custom run", highlight=False)
    say(f"Notifications of failed runs and records needing attention: http://127.0.0.1:{SANDBOX_PORT}/hooks/inbox")
    say("Stop everything with: make ui-stop", highlight=False)


@ui_app.command()
def down() -> None:
    """Stop what ``up`` started (by the pids it recorded): the worker, the sandbox apps, the Prefect server."""
    for started in ALL:
        say(f"{started.name}: {_stop(started)}", highlight=False)
