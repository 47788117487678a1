"""Map many damaged records through every mapper and print each kind of crash once, with where it was raised.

The fuzz tests stop at a stream's first failing batch; this walks them all,
for fixing in one go::

    .venv/bin/python -m tests.fuzz.survey [records per stream] [name filter]
"""

from __future__ import annotations

import sys
import traceback
from collections import Counter

from hypothesis import given, settings

from datashare.model.mapping import DictRefs
from tests.fuzz.check import crashes
from tests.fuzz.mutations import damaged, damaged_batches
from tests.fuzz.targets import Target, targets

BATCH = 50


def _where(target: Target, index: int, record: dict[str, object]) -> str:
    """The innermost frame of the project's code that raised, or '(load)' when the mapped record was the problem."""
    try:
        target.seeds[index].mapper(target.stream, record, DictRefs())
    except Exception as error:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if "/site-packages/" not in f.filename]
        return f"{frames[-1].filename.rsplit('/', 2)[-2]}/{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}"
    return "(load)"


def survey(target: Target, records: int) -> int:
    """Print the kinds of crash (type, where) over ``records`` damaged records of the target; how many crashed."""
    found: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], str] = {}

    @settings(max_examples=max(1, records // BATCH), derandomize=True, deadline=None, database=None)
    @given(damaged_batches(BATCH))
    def run(data: bytes) -> None:
        batch = damaged(target, data)
        for crash in crashes((target.seeds[i].mapper, target.stream, record) for i, record in batch):
            index = next(i for i, record in batch if record is crash.record)
            key = (crash.how.split(":")[0], _where(target, index, crash.record))
            found[key] += 1
            examples.setdefault(key, crash.how[:200].replace("\n", " "))

    run()
    for (kind, where), n in found.most_common():
        print(f"  {n:5} {kind[:40]:40} {where:36} {examples[kind, where]}")
    return sum(found.values())


if __name__ == "__main__":
    per_stream = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    wanted = sys.argv[2] if len(sys.argv) > 2 else ""
    total = 0
    for target in targets():
        if wanted in target.name:
            print(target.name)
            total += survey(target, per_stream)
    print(f"{total} crashes")
