"""What every connector shares: error classes, one retry policy, paginators, the paging loop, mapping types.

Each app's package (``connectors/xero``, ``connectors/vtiger``…) declares its
endpoints as data and its mapping as pure functions; the HTTP mechanics live here.
"""

from connectors.base.errors import (
    AuthError,
    ConnectorError,
    FatalError,
    RateLimitError,
    RetriableError,
    classify_response,
)
from connectors.base.mapping import Mapped, MappingError, Refs
from connectors.base.paging import (
    NoPaginator,
    OffsetPaginator,
    PageNumberPaginator,
    Paginator,
)

__all__ = [
    "AuthError",
    "ConnectorError",
    "FatalError",
    "Mapped",
    "MappingError",
    "NoPaginator",
    "OffsetPaginator",
    "PageNumberPaginator",
    "Paginator",
    "RateLimitError",
    "Refs",
    "RetriableError",
    "classify_response",
]
