"""The options the commands share, and loading the tenant a command names."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from datashare.cli.screen import say, shown
from datashare.config import ConfigError, Tenant, load_config

__all__ = ["DEFAULT_CONFIG", "ConfigOption", "JsonOption", "load_tenant"]

ConfigOption = Annotated[
    Path, typer.Option("--config", "-c", envvar="DATASHARE_CONFIG", help="Tenant config file (TOML).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines instead of tables.")]
DEFAULT_CONFIG = Path("datashare.toml")


def load_tenant(config: Path, name: str, *, check_env: bool = False) -> Tenant:
    """The tenant ``name`` of the config, or one line saying what is wrong (exit 2)."""
    try:
        return load_config(config, check_env=check_env).tenant(name)
    except ConfigError as error:
        say(f"[red]config error:[/red] {shown(error)}", highlight=False)
        raise typer.Exit(2) from None
