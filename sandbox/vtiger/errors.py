"""vTiger's webservice error codes and the exception that carries them.

Codes and messages are the ones vTiger 7 sends (include/Webservices/WebServiceErrorCode.php
and the ``throw`` sites around it), typos included: clients match on them.
"""

from __future__ import annotations


class ErrorCode:
    """The error codes of include/Webservices/WebServiceErrorCode.php that this emulator sends."""

    SESSION_EXPIRED = "SESSION_EXPIRED"
    SESSION_LEFT_IDLE = "SESSION_LEFT_IDLE"
    INVALID_SESSIONID = "INVALID_SESSIONID"
    INVALID_USER_CREDENTIALS = "INVALID_USER_CREDENTIALS"
    AUTHENTICATION_REQUIRED = "AUTHENTICATION_REQUIRED"
    ACCESS_DENIED = "ACCESS_DENIED"
    DATABASE_QUERY_ERROR = "DATABASE_QUERY_ERROR"
    MANDATORY_FIELDS_MISSING = "MANDATORY_FIELDS_MISSING"
    INVALID_ID_ATTRIBUTE = "INVALID_ID_ATTRIBUTE"
    QUERY_SYNTAX_ERROR = "QUERY_SYNTAX_ERROR"
    INVALID_AUTH_TOKEN = "INVALID_AUTH_TOKEN"  # noqa: S105 - an error code, not a secret
    RECORD_NOT_FOUND = "RECORD_NOT_FOUND"
    REFERENCE_INVALID = "REFERENCE_INVALID"
    UNKNOWN_OPERATION = "UNKNOWN_OPERATION"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
    OPERATION_NOT_SUPPORTED = "OPERATION_NOT_SUPPORTED"


# Messages used from more than one place.
DENIED = "Permission to perform the operation is denied"
DENIED_FOR_ID = "Permission to perform the operation is denied for id"
INCORRECT_ID = "Id specified is incorrect"
DATABASE_ERROR = "Database error while performing requested operation"
UNKNOWN_ERROR = "Unknown Error while processing request"


class VtigerError(Exception):
    """An error vTiger reports in its envelope: ``{"success": false, "error": {code, message}}``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    def envelope(self) -> dict[str, object]:
        """The JSON body vTiger answers with (always with HTTP 200)."""
        return {"success": False, "error": {"code": self.code, "message": self.message}}


def denied_for_name(name: str) -> VtigerError:
    """What ``VtigerWebserviceObject::fromName`` throws for a module it does not know."""
    return VtigerError(ErrorCode.ACCESS_DENIED, f"Permission to perform the operation is denied for name : {name}")
