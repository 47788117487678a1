"""Spelling the same name a little differently, as the same customer ends up typed in two apps (for the seeds)."""

from __future__ import annotations

import random
from collections.abc import Callable

__all__ = ["spelling_variant"]


def spelling_variant(name: str, rng: random.Random) -> str:
    """``name`` spelled slightly differently, the way the same customer ends up typed in two apps."""
    variants: list[Callable[[str], str]] = [
        lambda n: n.upper(),
        lambda n: n.replace("Pty Ltd", "Pty. Ltd") if "Pty Ltd" in n else n + ".",
        lambda n: n + "  ",
        lambda n: n.lower(),
        lambda n: " ".join([n.split(" ")[0].upper(), *n.split(" ")[1:]]).replace("Pty Ltd", "Pty. Ltd"),
        lambda n: n.replace(" & ", " and ") if " & " in n else n.replace(" and ", " & ") if " and " in n else n + " ",
        lambda n: n.replace("Limited", "Ltd") if "Limited" in n else n.replace("Ltd", "Limited"),
    ]
    variant = rng.choice(variants)(name)
    return variant if variant != name else name + " "
