"""Log lines to a file instead of the terminal, for commands whose screen shows progress and summaries.

Prefect logs every task run to the console; a long command would scroll its
own tables away. Inside ``logs_to_file`` whatever a console handler would have
printed goes to the file (Prefect still sends run logs to its server, so the
UI shows them as usual).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["logs_to_file"]

# The loggers Prefect's logging config gives a console handler of their own (the rest reach the root's).
_CONSOLE_LOGGERS = ("", "uvicorn", "fastapi", "prefect._internal")


def _to_console(handler: logging.Handler) -> bool:
    if type(handler).__name__ == "PrefectConsoleHandler":
        return True
    stream = getattr(handler, "stream", None)
    return not isinstance(handler, logging.FileHandler) and getattr(stream, "name", "") in ("<stderr>", "<stdout>")


@contextmanager
def logs_to_file(path: Path) -> Iterator[Path]:
    """Within the block, console log handlers write to ``path`` (appended) instead; yields ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    file_handler = logging.FileHandler(path, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter("%(asctime)s | %(levelname)-7s | %(name)s - %(message)s"))
    swapped: list[tuple[logging.Logger, logging.Handler]] = []
    for name in _CONSOLE_LOGGERS:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if _to_console(handler):
                logger.removeHandler(handler)
                swapped.append((logger, handler))
                if file_handler not in logger.handlers:
                    logger.addHandler(file_handler)
    try:
        yield path
    finally:
        for logger, handler in swapped:
            logger.removeHandler(file_handler)
            logger.addHandler(handler)
        file_handler.close()
