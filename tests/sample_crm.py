"""The sandbox's sample vTiger CRM, served under /vtiger on a loopback port, for the tests that pull from it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from starlette.applications import Starlette
from starlette.routing import Mount

from sandbox.common.clock import FakeClock
from sandbox.common.serve import serve_in_thread
from sandbox.vtiger import VtigerState, create_app, seed_sample


@contextmanager
def served_sample_crm(seed: int = 11) -> Iterator[tuple[VtigerState, str]]:
    """The seeded sample CRM (its clock a minute past the seed) and its base URL, served while the block runs."""
    clock = FakeClock()
    state = VtigerState(clock=clock)
    seed_sample(state, seed=seed)
    clock.advance(60)
    with serve_in_thread(Starlette(routes=[Mount("/vtiger", app=create_app(state))])) as base:
        yield state, f"{base}/vtiger"
