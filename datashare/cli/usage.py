"""Usage errors (an unknown option, a value of the wrong kind, a missing argument) in one line, like every error."""

from __future__ import annotations

import typing as t

import typer
from typer._click.core import Context  # typer vendors click from 0.26 on and re-exports none of these
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from datashare.cli.screen import say, shown

__all__ = ["OneLineUsageErrors"]


class OneLineUsageErrors(TyperGroup):
    """The command group for ``datashare``: click's boxed usage errors become one line and exit 2.

    A command typed with nothing after it still shows its help, as ``no_args_is_help`` asks.
    """

    def make_context(
        self, info_name: str | None, args: list[str], parent: Context | None = None, **extra: t.Any
    ) -> Context:
        """Parse the group's own options; a usage error there is one line."""
        try:
            return super().make_context(info_name, args, parent, **extra)
        except UsageError as error:
            _one_line(error)

    def invoke(self, ctx: Context) -> t.Any:
        """Run the command asked for; a usage error in any sub-command is one line."""
        try:
            return super().invoke(ctx)
        except UsageError as error:
            _one_line(error)


def _one_line(error: UsageError) -> t.NoReturn:
    if isinstance(error, NoArgsIsHelpError):
        raise error
    where = error.ctx.command_path if error.ctx else "datashare"
    message = " ".join(error.format_message().split())
    say(f"[red]{shown(where)}:[/red] {shown(message)} (see {shown(where)} --help)", highlight=False)
    raise typer.Exit(2)
