"""The Xero emulator as one ASGI app, with paths relative to its own root.

``/identity/connect/authorize``, ``/connect/token``, ``/connections``,
``/api.xro/2.0/...`` (with ``/CreditNotes/{id}/Allocations`` below a
record) and ``/payroll.xro/1.0/...`` (Payroll AU, or the US payroll API for
a US organisation): mount it anywhere (the combined sandbox server puts it
at ``/xero``). The whole app sits inside the fault middleware, so injected
errors, timeouts and slow answers reach every endpoint, dressed as Xero's.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route
from starlette.types import ASGIApp

from sandbox.common.clock import Clock
from sandbox.common.date_header import DateHeaderMiddleware
from sandbox.common.faults import FaultMiddleware, FaultPlan
from sandbox.xero.api import AccountingAPI
from sandbox.xero.faults import XeroFaultBodies
from sandbox.xero.identity import Identity
from sandbox.xero.limits import RateLimiter, RateLimits
from sandbox.xero.payroll.api import PAYROLL_ROOT, PayrollAPI
from sandbox.xero.seed import seed_sample
from sandbox.xero.store import XeroState

API_ROOT = "/api.xro/2.0"


def create_app(
    state: XeroState | None = None,
    *,
    clock: Clock | None = None,
    faults: FaultPlan | None = None,
    limits: RateLimits | None = None,
) -> ASGIApp:
    """Build the emulator over ``state`` (a new one seeded with the sample organisations if None).

    ``clock`` drives token expiry and rate-limit windows; it must be the
    state's clock when both are given. ``faults`` can be changed while the
    app runs; ``limits`` defaults to Xero's published figures.
    """
    if state is None:
        state = XeroState(clock=clock) if clock is not None else XeroState()
        seed_sample(state)
    elif clock is not None and clock is not state.clock:
        raise ValueError("give the clock to XeroState, or the same clock to both")
    # One limiter for both APIs: Xero counts payroll calls against the same per-tenant limits.
    limiter = RateLimiter(limits or RateLimits(), state.clock)
    api = AccountingAPI(state, limiter)
    payroll = PayrollAPI(state, limiter)
    identity = Identity(state)
    routes = [
        Route("/identity/connect/authorize", identity.authorize, methods=["GET"]),
        Route("/connect/token", identity.token, methods=["POST"]),
        Route("/connections", identity.connections, methods=["GET"]),
        Route("/Connections", identity.connections, methods=["GET"]),
        Route("/connections/{connection_id}", identity.disconnect, methods=["DELETE"]),
        Route("/Connections/{connection_id}", identity.disconnect, methods=["DELETE"]),
        Route(API_ROOT + "/{collection}", api.collection, methods=["GET", "PUT", "POST", "DELETE"]),
        Route(API_ROOT + "/{collection}/{key}", api.record, methods=["GET", "PUT", "POST", "DELETE"]),
        Route(API_ROOT + "/{collection}/{key}/{part}", api.below_record, methods=["GET", "PUT", "POST", "DELETE"]),
        Route(
            API_ROOT + "/{collection}/{key}/{part}/{part_key}",
            api.below_record,
            methods=["GET", "PUT", "POST", "DELETE"],
        ),
        Route(PAYROLL_ROOT + "/{collection}", payroll.collection, methods=["GET", "POST"]),
        Route(PAYROLL_ROOT + "/{collection}/{key}", payroll.record, methods=["GET", "POST"]),
    ]
    app = Starlette(routes=routes)
    return DateHeaderMiddleware(XeroFaultBodies(FaultMiddleware(app, faults or FaultPlan())), state.clock)
