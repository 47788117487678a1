"""The vTiger CRM connector: webservice client, module catalogue, mapping and vTiger's own rules.

- ``client``: ``VtigerClient`` (challenge/login sessions, VTQL paging, ``sync``
  with resumable cursors, create/revise/delete) over the shared ``RestClient``;
- ``streams``: the module catalogue, declared as data (also VTQL's allowlist);
- ``mapping``: pure functions vTiger <-> canonical, both ways;
- ``rules``: vTiger's business rules as pure checks;
- ``sink``: writing hub records back to vTiger (``VtigerSink``);
- ``tables``: vTiger's reference tables read into the mapping's ``Lookups``;
- ``errors``: vTiger's error codes as the connector layer's error classes.

It is written against vTiger's documented webservice; the sandbox in
``sandbox/vtiger`` emulates it for tests and the demo.
"""

from connectors.vtiger.client import SyncPage, SyncState, VtigerClient
from connectors.vtiger.errors import (
    AccessDeniedError,
    DatabaseQueryError,
    InternalServerError,
    InvalidIdError,
    MandatoryFieldsMissingError,
    QuerySyntaxError,
    RecordNotFoundError,
    ReferenceInvalidError,
    SessionError,
    UnknownOperationError,
    VtigerAuthError,
    VtigerError,
    WriteOutcomeUnknownError,
)
from connectors.vtiger.mapping import (
    READERS,
    STAND_IN_SERVICE,
    WRITERS,
    ItemTax,
    Lookups,
    MappedItem,
    NotTaken,
    WaitingForReference,
    make_mapper,
)
from connectors.vtiger.rules import check_element
from connectors.vtiger.streams import MODULES, VtigerModule, module_named, modules_for_entity
from connectors.vtiger.vtql import Condition, quote, select

__all__ = [
    "MODULES",
    "READERS",
    "STAND_IN_SERVICE",
    "WRITERS",
    "AccessDeniedError",
    "Condition",
    "DatabaseQueryError",
    "InternalServerError",
    "InvalidIdError",
    "ItemTax",
    "Lookups",
    "MandatoryFieldsMissingError",
    "MappedItem",
    "NotTaken",
    "QuerySyntaxError",
    "RecordNotFoundError",
    "ReferenceInvalidError",
    "SessionError",
    "SyncPage",
    "SyncState",
    "UnknownOperationError",
    "VtigerAuthError",
    "VtigerClient",
    "VtigerError",
    "VtigerModule",
    "WaitingForReference",
    "WriteOutcomeUnknownError",
    "check_element",
    "make_mapper",
    "module_named",
    "modules_for_entity",
    "quote",
    "select",
]
