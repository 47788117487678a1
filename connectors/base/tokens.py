"""OAuth2 tokens and where they are kept.

Xero rotates its refresh token on every refresh, and the old one dies after a
grace period; two processes refreshing with the same token burn it. So a
refresh happens under the store's lock: re-read the stored token, refresh only
if nobody else did, save the new one atomically, then use it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import threading
import typing as t
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

__all__ = ["FileTokenStore", "MemoryTokenStore", "PrefectTokenStore", "Token", "TokenStore", "token_store_for"]


@dataclass(frozen=True)
class Token:
    """An OAuth2 token set. ``repr`` never shows the secrets."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: datetime
    scope: str = ""
    extra: dict[str, t.Any] = field(default_factory=dict)

    def expiring(self, now: datetime, margin: timedelta = timedelta(seconds=60)) -> bool:
        """Whether the access token is expired or about to be."""
        return now >= self.expires_at - margin

    @property
    def scopes(self) -> set[str]:
        """The granted scopes."""
        return set(self.scope.split())

    @classmethod
    def from_response(cls, body: dict[str, t.Any], now: datetime, previous: Token | None = None) -> Token:
        """Build a token from a token endpoint's JSON answer."""
        refresh = body.get("refresh_token") or (previous.refresh_token if previous else None)
        known = {"access_token", "refresh_token", "expires_in", "scope", "token_type"}
        return cls(
            access_token=str(body["access_token"]),
            refresh_token=refresh,
            expires_at=now + timedelta(seconds=int(body.get("expires_in", 1800))),
            scope=str(body.get("scope", previous.scope if previous else "")),
            # What we noted beside the token (e.g. the chosen tenant) survives a refresh.
            extra={**(previous.extra if previous else {}), **{k: v for k, v in body.items() if k not in known}},
        )

    def to_json(self) -> str:
        """Serialise for a token store."""
        return json.dumps(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_at": self.expires_at.isoformat(),
                "scope": self.scope,
                "extra": self.extra,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Token:
        """Read what ``to_json`` wrote."""
        data = json.loads(text)
        return cls(
            access_token=data["access_token"],
            refresh_token=data.get("refresh_token"),
            expires_at=datetime.fromisoformat(data["expires_at"]),
            scope=data.get("scope", ""),
            extra=data.get("extra", {}),
        )

    def with_extra(self, **extra: t.Any) -> Token:
        """A copy with more extra fields (e.g. the chosen Xero tenant id)."""
        return replace(self, extra={**self.extra, **extra})


class TokenStore(t.Protocol):
    """Where a tenant's token lives; ``lock`` serialises refreshes across threads and processes."""

    def load(self) -> Token | None:
        """The stored token, or None if the app was never connected."""
        ...

    def save(self, token: Token) -> None:
        """Replace the stored token atomically."""
        ...

    def lock(self) -> contextlib.AbstractContextManager[None]:
        """Hold the store for a read-refresh-save."""
        ...


class MemoryTokenStore:
    """A token store in memory (tests, and one-process use)."""

    def __init__(self, token: Token | None = None) -> None:
        self.token = token
        self.saves = 0
        self._lock = threading.RLock()

    def load(self) -> Token | None:
        """The token held."""
        return self.token

    def save(self, token: Token) -> None:
        """Hold a new token."""
        self.token = token
        self.saves += 1

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """A re-entrant thread lock."""
        with self._lock:
            yield


def _file_lock(path: Path) -> contextlib.AbstractContextManager[None]:
    @contextlib.contextmanager
    def held() -> Iterator[None]:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    return held()


class FileTokenStore:
    """A token in a JSON file readable only by its owner, replaced atomically, locked with ``flock``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def load(self) -> Token | None:
        """The token in the file, or None if there is no file."""
        try:
            return Token.from_json(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def save(self, token: Token) -> None:
        """Write to a temporary file beside the target, then rename it over: readers never see half a token."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(token.to_json())
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def lock(self) -> contextlib.AbstractContextManager[None]:
        """An exclusive lock on a sibling ``.lock`` file, shared by every process on this machine."""
        return _file_lock(self.path.with_name(self.path.name + ".lock"))


class PrefectTokenStore:
    """A token in a Prefect ``Secret`` block (encrypted by the Prefect server).

    The lock is a file lock under ``PREFECT_HOME``: it serialises refreshes of
    every process on this machine. Workers on several machines need a Prefect
    global concurrency limit named after the block instead.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def load(self) -> Token | None:
        """The token in the block, or None if there is no block."""
        from prefect.blocks.system import Secret

        try:
            block = t.cast(Secret[str], Secret.load(self.name))
        except ValueError:
            return None
        return Token.from_json(str(block.get()))

    def save(self, token: Token) -> None:
        """Overwrite the block in one API call."""
        from prefect.blocks.system import Secret

        Secret(value=token.to_json()).save(self.name, overwrite=True)

    def lock(self) -> contextlib.AbstractContextManager[None]:
        """A machine-wide file lock named after the block."""
        home = Path(os.environ.get("PREFECT_HOME", Path.home() / ".prefect"))
        return _file_lock(home / "locks" / f"token-{self.name}.lock")


def token_store_for(kind: str, name: str) -> TokenStore:
    """The store a config reference names: ``prefect:NAME`` or ``file:PATH``."""
    if kind == "prefect":
        return PrefectTokenStore(name)
    if kind == "file":
        return FileTokenStore(name)
    raise ValueError(f"a token store must be 'prefect:NAME' or 'file:PATH', not {kind}:")


def utcnow() -> datetime:
    """The current UTC time (a seam for tests)."""
    return datetime.now(UTC)
