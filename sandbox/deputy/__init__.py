"""A stateful emulator of Deputy's resource API (``/api/v1/resource/...``) for one install.

It behaves as a Deputy install does as far as a client can see: a bearer
token on every call, ``QUERY`` with search, sort, joins and at most 500
records an answer, ``INFO``, reads by id, creates and updates that move
``Modified``, timesheet approval, timestamps in the install's UTC offset,
an optional per-minute budget (429 + ``Retry-After``) and faults on demand.

    state = DeputyState(country="AU")
    seed_sample(state)
    app = create_app(state)          # serves /api/v1/...
    # call it with Authorization: Bearer SAMPLE_TOKEN
"""

from sandbox.deputy.app import API_ROOT, create_app
from sandbox.deputy.errors import DeputyError, deputy_fault, error_body
from sandbox.deputy.objects import OBJECTS, DeputyObject, FieldType
from sandbox.deputy.query import MAX_RECORDS
from sandbox.deputy.seed import HISTORY_DAYS, SeedSummary, seed_sample
from sandbox.deputy.state import SAMPLE_TOKEN, UTC_OFFSETS, DeputyState

__all__ = [
    "API_ROOT",
    "HISTORY_DAYS",
    "MAX_RECORDS",
    "OBJECTS",
    "SAMPLE_TOKEN",
    "UTC_OFFSETS",
    "DeputyError",
    "DeputyObject",
    "DeputyState",
    "FieldType",
    "SeedSummary",
    "create_app",
    "deputy_fault",
    "error_body",
    "seed_sample",
]
