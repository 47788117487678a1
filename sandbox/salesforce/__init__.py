"""A stateful emulator of the Salesforce REST API (one org per app).

It behaves as an org does as far as a client can see: the OAuth2 token endpoint
(refresh_token and client_credentials grants, 2-hour access tokens), version
discovery, SOQL ``query``/``queryAll`` with ``nextRecordsUrl`` paging, sObject
CRUD with soft delete, upsert by external id, sObject Collections with
``allOrNone``, getUpdated/getDeleted, the ``Sforce-Limit-Info`` header and the
daily request limit, and Salesforce's JSON-array errors.

    state = SalesforceState()
    seed_sample(state)
    app = create_app(state)   # serves /services/oauth2/token and /services/data/...
    # POST /services/oauth2/token grant_type=client_credentials
    #      client_id=SAMPLE_CLIENT_ID client_secret=SAMPLE_CLIENT_SECRET
"""

from sandbox.common.spelling import spelling_variant
from sandbox.salesforce.app import VERSIONS, create_app, rest_fault, rest_fault_body
from sandbox.salesforce.errors import SalesforceError
from sandbox.salesforce.seed import SeedSummary, seed_sample
from sandbox.salesforce.state import (
    EXTERNAL_ID_FIELD,
    SAMPLE_CLIENT_ID,
    SAMPLE_CLIENT_SECRET,
    SAMPLE_REFRESH_TOKEN,
    TOKEN_LIFETIME,
    SalesforceState,
)

__all__ = [
    "EXTERNAL_ID_FIELD",
    "SAMPLE_CLIENT_ID",
    "SAMPLE_CLIENT_SECRET",
    "SAMPLE_REFRESH_TOKEN",
    "TOKEN_LIFETIME",
    "VERSIONS",
    "SalesforceError",
    "SalesforceState",
    "SeedSummary",
    "create_app",
    "rest_fault",
    "rest_fault_body",
    "seed_sample",
    "spelling_variant",
]
