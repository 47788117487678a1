"""The Deputy connector (time tracking): staff and shifts, read only.

- ``client``: ``DeputyClient`` (bearer token, QUERY paging 500 a page,
  incremental reads by ``Modified`` with resumable cursors) over the shared
  ``RestClient``;
- ``streams``: the objects read, declared as data (``STREAMS``);
- ``source``: ``DeputySource``, an object as an extract source;
- ``mapping``/``mapper``: pure functions Deputy -> canonical
  (Employee -> ``Employee``, Timesheet -> ``WorkedTime``).

It is written against Deputy's documented resource API; the sandbox in
``sandbox/deputy`` emulates it for tests and the demo.
"""

from connectors.deputy.client import Condition, DeputyClient, DeputyPage, DeputyToken, QueryState
from connectors.deputy.mapper import deputy_mapper
from connectors.deputy.mapping import READERS, employee_to_canonical, timesheet_to_canonical
from connectors.deputy.paging import ModifiedPaginator
from connectors.deputy.source import DeputySource
from connectors.deputy.streams import MAX_RECORDS, STREAMS, DeputyStream

__all__ = [
    "MAX_RECORDS",
    "READERS",
    "STREAMS",
    "Condition",
    "DeputyClient",
    "DeputyPage",
    "DeputySource",
    "DeputyStream",
    "DeputyToken",
    "ModifiedPaginator",
    "QueryState",
    "deputy_mapper",
    "employee_to_canonical",
    "timesheet_to_canonical",
]
