"""Xero Payroll in the Xero emulator: Payroll AU (``payroll.xro/1.0``, per Xero's spec) and the retired US API.

One organisation speaks the payroll API of its country: Australian ones
Payroll AU, US ones the US payroll API as Xero documented it; any other
country answers 403. Each ``OrgBook`` carries its ``PayrollState`` (``book.payroll``);
``book.activate_payroll()`` / ``book.deactivate_payroll()`` play someone
opening (or closing) Payroll settings. Modules: ``state`` (tables),
``calendars`` (pay periods), ``catalogue`` (collections as data), ``fields``,
``timesheets``, ``payruns``, ``au``, ``us`` (the rules), ``api`` (the front
door), ``seed`` (the sample payroll) and ``spec`` (checks against the AU spec).

This module imports only ``state``: ``sandbox.xero.store`` needs it, and the
rest of the package needs the store.
"""

from sandbox.xero.payroll.state import PayrollState

__all__ = ["PayrollState"]
