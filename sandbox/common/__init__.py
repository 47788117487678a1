"""Pieces every emulator uses: an injectable clock and fault injection."""

from sandbox.common.clock import Clock, FakeClock, SeedingClock, SystemClock
from sandbox.common.faults import Fault, FaultMiddleware, FaultPlan

__all__ = ["Clock", "FakeClock", "Fault", "FaultMiddleware", "FaultPlan", "SeedingClock", "SystemClock"]
