"""The challenge/login handshake and sessions, as include/Webservices/{AuthToken,Login,SessionManager}.php do them.

1. ``getchallenge(username)`` hands out a token valid for 5 minutes (a new one
   replaces the old).
2. ``login(username, accessKey)`` wants ``accessKey == md5(token + userAccessKey)``
   in lowercase hex and opens a session whose id is the ``sessionName``.
3. Every later call names the session; it dies after 30 minutes without a request
   (``SESSION_LEFT_IDLE``) or a day after login (``SESSION_EXPIRED``), and a dead or
   unknown id is ``INVALID_SESSIONID``.
"""

from __future__ import annotations

import hashlib
import secrets

from sandbox.vtiger.errors import ErrorCode, VtigerError
from sandbox.vtiger.modules import USERS_PREFIX
from sandbox.vtiger.state import Challenge, Session, User, VtigerState


def access_key_for(token: str, user_access_key: str) -> str:
    """What a client sends as ``accessKey``: md5 of the challenge token followed by the user's access key."""
    return hashlib.md5((token + user_access_key).encode(), usedforsecurity=False).hexdigest()


def getchallenge(state: VtigerState, username: str) -> dict[str, object]:
    """Issue a challenge token for ``username`` (``{token, serverTime, expireTime}``, times in Unix seconds)."""
    if not username:
        raise VtigerError(ErrorCode.ACCESS_DENIED, "No username given")
    with state.lock:
        user = state.user_named(username)
        if user is None:
            raise VtigerError(ErrorCode.ACCESS_DENIED, "username does not exists")
        now = state.epoch()
        # uniqid(): 13 hex digits.
        token = secrets.token_hex(7)[:13]
        expires = int(now + state.challenge_seconds)
        state.challenges[user.id] = Challenge(token, expires)
        return {"token": token, "serverTime": int(now), "expireTime": expires}


def login(state: VtigerState, username: str, access_key: str) -> dict[str, object]:
    """Check the access key against the live challenge and open a session."""
    with state.lock:
        user = state.user_named(username) if username else None
        challenge = state.challenges.get(user.id) if user else None
        if user is None or challenge is None or challenge.expires < int(state.epoch()):
            raise VtigerError(ErrorCode.INVALID_AUTH_TOKEN, "Specified token is invalid or expired")
        # strcmp: the comparison is exact, so an uppercase hex digest fails.
        if access_key != access_key_for(challenge.token, user.access_key):
            raise VtigerError(ErrorCode.INVALID_USER_CREDENTIALS, "Invalid username or password")
        if not user.active:
            raise VtigerError(ErrorCode.AUTHENTICATION_REQUIRED, "Given user is inactive")
        session_name = secrets.token_hex(13)
        now = state.epoch()
        state.sessions[session_name] = Session(user.id, now, now)
        return {
            "sessionName": session_name,
            "userId": f"{USERS_PREFIX}x{user.id}",
            "version": state.api_version,
            "vtigerVersion": state.vtiger_version,
        }


def check_session(state: VtigerState, session_name: str) -> User:
    """The user of a live session, touching it; raises the error vTiger gives for a dead or unknown one.

    An expired session is destroyed when it is found expired, so asking again with
    the same id gives ``INVALID_SESSIONID``, as on a real server.
    """
    with state.lock:
        session = state.sessions.get(session_name)
        if session is None:
            raise VtigerError(ErrorCode.INVALID_SESSIONID, "Session Identifier provided is Invalid")
        now = state.epoch()
        if now - session.started > state.session_lifetime_seconds:
            del state.sessions[session_name]
            raise VtigerError(ErrorCode.SESSION_EXPIRED, "Session has life span over please login again")
        if now - session.last_seen > state.session_idle_seconds:
            del state.sessions[session_name]
            raise VtigerError(ErrorCode.SESSION_LEFT_IDLE, "Session has been invalidated to due lack activity")
        session.last_seen = now
        return state.users[session.user_id]


def logout(state: VtigerState, session_name: str) -> dict[str, object]:
    """End a session (``{"message": "successfull"}``, vTiger's spelling)."""
    with state.lock:
        state.sessions.pop(session_name, None)
    return {"message": "successfull"}
