"""``datashare sandbox``: the built-in stand-ins for the vendors' servers."""

from __future__ import annotations

import typer
import uvicorn
from rich.console import Console
from rich.table import Table

from sandbox.server import DEFAULT_HOST, DEFAULT_PORT, build_sandbox

__all__ = ["sandbox_app"]

sandbox_app = typer.Typer(help="Run the built-in sandbox apps (Xero, vTiger…) on loopback.", no_args_is_help=True)


@sandbox_app.command("serve")
def serve(
    host: str = typer.Option(DEFAULT_HOST, help="Address to listen on (loopback only)."),
    port: int = typer.Option(DEFAULT_PORT, help="Port to listen on."),
    scale: int = typer.Option(1, min=1, help="Multiply the sample organisations' size."),
    seed: int = typer.Option(0, help="Seed of the sample data."),
) -> None:
    """Serve every emulator as one server, seeded with the sample organisations, until stopped."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise typer.BadParameter("the sandbox listens on loopback only", param_hint="--host")
    sandbox = build_sandbox(scale=scale, seed=seed)
    table = Table(title=f"datashare sandbox on http://{host}:{port}", title_justify="left")
    for column in ("app", "base URL", "sample credentials"):
        table.add_column(column)
    for row in sandbox.describe(f"http://{host}:{port}"):
        table.add_row(*row)
    Console().print(table)
    uvicorn.run(sandbox.app, host=host, port=port, log_level="warning")
