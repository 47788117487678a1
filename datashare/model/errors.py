"""Validation errors a person can read: which field, what is wrong, what was given."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import ValidationError

from datashare.model.base import CanonicalModel

__all__ = ["describe_errors", "validate_record"]

_MAX_SHOWN = 60

M = TypeVar("M", bound=CanonicalModel)


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif "[" in part or "." in part or part.startswith("function-"):
            continue  # pydantic's internal step names (e.g. "function-after[...]") say nothing to a reader
        else:
            text += f".{part}" if text else part
    return text


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def describe_errors(error: ValidationError, entity: str | None = None) -> str:
    """One line per problem, e.g. ``invoices.lines[0].quantity: must be >= 0 (got -2)``."""
    lines = []
    for problem in error.errors(include_url=False):
        where = _path(tuple(problem["loc"]))
        where = f"{entity}.{where}" if entity and where else (entity or where or "record")
        message = problem["msg"].removeprefix("Value error, ")
        message = message.replace("Input should be greater than or equal to", "must be >=")
        message = message.replace("Input should be", "must be")
        given = "" if problem["type"] == "missing" else f" (got {_shown(problem.get('input'))})"
        lines.append(f"{where}: {message}{given}")
    return "; ".join(lines)


def validate_record(model: type[M], data: Mapping[str, Any]) -> M | str:
    """Build ``model`` from ``data``; a readable reason instead of an exception when it is invalid."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        return describe_errors(error, model.entity)
