"""The Salesforce connector: REST API client, SOQL paging, incremental reads, upserts by external id.

- ``SalesforceAuth``: OAuth2 bearer with refresh on 401, token and instance_url from a ``TokenStore``;
- ``SalesforceClient``: queries (nextRecordsUrl paging), ``changes`` by SystemModstamp with getDeleted,
  sObject Collections upserts by ``Datashare_Id__c``;
- ``SalesforceSource`` / ``SalesforceSink`` / ``salesforce_mapper``: what the pipeline calls;
- ``streams``: the objects and fields (the SOQL allowlist); ``mapping``: pure functions both ways.
"""

from connectors.salesforce.auth import SalesforceAuth
from connectors.salesforce.client import DEFAULT_VERSION, ChangePage, ReadState, SalesforceClient, SaveResult
from connectors.salesforce.errors import ApiUsage, DeletionsOutOfReachError, RequestLimitExceededError
from connectors.salesforce.mapper import salesforce_mapper
from connectors.salesforce.sink import SalesforceSink
from connectors.salesforce.source import SalesforceSource
from connectors.salesforce.streams import EXTERNAL_ID, SOBJECTS, STREAMS, SObject, stream_for

__all__ = [
    "DEFAULT_VERSION",
    "EXTERNAL_ID",
    "SOBJECTS",
    "STREAMS",
    "ApiUsage",
    "ChangePage",
    "DeletionsOutOfReachError",
    "ReadState",
    "RequestLimitExceededError",
    "SObject",
    "SalesforceAuth",
    "SalesforceClient",
    "SalesforceSink",
    "SalesforceSource",
    "SaveResult",
    "salesforce_mapper",
    "stream_for",
]
