"""Tenant configuration: which businesses, which apps they linked, what is shared which way.

A TOML file lists tenants::

    [[tenants]]
    name = "acme-au"
    xero_organisation = "Acme Pty Ltd"        # the Xero organisation (name or tenant id)
    historical_data_from = 2024-07-01         # records older than this are not synced
    payroll_access = true
    store = "data/acme-au.duckdb"             # optional; default data/<name>.duckdb
    snapshots_kept = 3                        # snapshots of the hub kept after successful runs (default 3)

    [tenants.apps.xero]
    base_url = "http://127.0.0.1:8750/xero"
    client_id = "sample-client"
    secrets = { client_secret = "env:ACME_XERO_SECRET", token_store = "prefect:acme-xero-token" }
    # auth_url = "https://identity.xero.com"; login_url = "https://login.xero.com" for the real Xero

    [tenants.apps.vtiger]
    base_url = "http://127.0.0.1:8750/vtiger"
    username = "admin"
    secrets = { access_key = "env:ACME_VTIGER_KEY" }
    share = { organizations = "both", items = "app_to_hub" }
    stock = "xero"                            # who keeps the stock count: "xero" (default) or "app"

A tenant may also say who wins where an app and the hub both changed the same
field of a record since the last run, per entity: a linked app's name (that
app's value wins) or ``"newest"`` (the later change wins; the default)::

    policy = { organizations = "xero", items = "newest" }   # in [[tenants]], before its apps

Secrets are references by name, never values: ``env:NAME`` (an environment
variable) or ``prefect:NAME`` (a Prefect Secret block). A bad file fails at
load with one message naming the file, the tenant and the field.
"""

from __future__ import annotations

import os
import tomllib
import typing as t
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from datashare.apps import APPS
from datashare.model import ENTITIES
from datashare.store.snapshots import SNAPSHOTS_KEPT
from datashare.sync.merge import NEWEST_WINS, Policy

__all__ = [
    "AppLink",
    "Config",
    "ConfigError",
    "SecretRef",
    "Share",
    "StockKeeper",
    "Tenant",
    "load_config",
]

DEFAULT_STORE_DIR = Path("data")


class ConfigError(ValueError):
    """The tenant config cannot be used; the message says where and why."""


class Share(StrEnum):
    """Which way an entity flows between an app and the hub."""

    BOTH = "both"
    APP_TO_HUB = "app_to_hub"
    HUB_TO_APP = "hub_to_app"
    OFF = "off"

    @property
    def to_hub(self) -> bool:
        """Records of the app are read into the hub."""
        return self in (Share.BOTH, Share.APP_TO_HUB)

    @property
    def to_app(self) -> bool:
        """Hub records are written to the app."""
        return self in (Share.BOTH, Share.HUB_TO_APP)


class StockKeeper(StrEnum):
    """Which app keeps the count of an item's stock on hand, for a linked app that holds one.

    The apps that hold one: vTiger (a product's Qty In Stock) and the shops
    (Shopify's "available" at the primary location, a Magento stock item's
    qty, a Neto item's first warehouse).

    ``xero`` (the default): Xero is the inventory app for the items it tracks
    (the product spec: "you use Xero as your main inventory tracking
    application ... edit your item in Xero to track inventory"). Their
    quantity on hand is written to the app and follows every change; the
    app's own count is never read back (it is a copy, and the app moves it on
    its own when it saves an invoice). Items Xero does not track keep the
    app's count, untouched.
    ``app``: the app keeps its own stock. Xero's quantity is never written to
    it; vTiger's count is read into the hub (a shop's is not read at all).
    """

    XERO = "xero"
    APP = "app"


class SecretRef(BaseModel):
    """A secret named by where it lives: ``env:ACME_VTIGER_KEY``, ``prefect:acme-xero-token`` or ``file:path``."""

    model_config = ConfigDict(frozen=True)

    kind: str
    name: str

    @classmethod
    def parse(cls, text: str) -> SecretRef:
        """Read ``kind:name``; anything else is refused (a value pasted in by mistake is not echoed back)."""
        kind, sep, name = text.partition(":")
        if not sep or kind not in ("env", "prefect", "file") or not name.strip():
            raise ValueError(
                "must be a reference 'env:VARIABLE', 'prefect:block-name' or 'file:path', not a secret value"
            )
        return cls(kind=kind, name=name.strip())

    def resolve(self) -> str:
        """The secret's value (never log it)."""
        if self.kind == "env":
            value = os.environ.get(self.name)
            if value is None:
                raise ConfigError(f"secret {self}: environment variable {self.name} is not set")
            return value
        if self.kind == "file":
            try:
                return Path(self.name).read_text(encoding="utf-8").strip()
            except FileNotFoundError:
                raise ConfigError(f"secret {self}: no such file") from None
        from prefect.blocks.system import Secret  # imported here: reading the config needs no Prefect

        block = t.cast(Secret[str], Secret.load(self.name))  # sync call: Prefect's loader returns the block
        return str(block.get())

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


def _parse_ref(value: Any) -> Any:
    return SecretRef.parse(value) if isinstance(value, str) else value


SecretRefText = Annotated[SecretRef, BeforeValidator(_parse_ref)]
"""A secret reference written as text in the file."""


class AppLink(BaseModel):
    """One app a tenant linked: where it is, how to log in, what is shared which way."""

    model_config = ConfigDict(extra="forbid")

    base_url: str
    auth_url: str | None = None
    login_url: str | None = None
    client_id: str | None = None
    username: str | None = None
    api_version: str | None = None
    timezone: str | None = None  # an IANA zone (a shop's), where the app's API does not say which it keeps
    secrets: dict[str, SecretRefText] = Field(default_factory=dict)
    share: dict[str, Share] = Field(default_factory=dict)
    stock: StockKeeper = StockKeeper.XERO  # who keeps the stock count of items, for an app that holds one

    @model_validator(mode="before")
    @classmethod
    def _no_policy_here(cls, data: Any) -> Any:
        # In TOML a key written after [tenants.apps.X] belongs to that app: say where it goes instead.
        if isinstance(data, dict) and "policy" in data:
            raise ValueError("policy: belongs to the tenant, not to an app: write it before the [tenants.apps…] tables")
        return data

    @field_validator("base_url", "auth_url", "login_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"must be an http:// or https:// URL, not {value!r}")
        return value.rstrip("/")

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"not an IANA timezone: {value!r} (e.g. Australia/Sydney)") from None
        return value

    @field_validator("share")
    @classmethod
    def _known_entities(cls, value: dict[str, Share]) -> dict[str, Share]:
        unknown = sorted(set(value) - set(ENTITIES))
        if unknown:
            raise ValueError(f"unknown entity {unknown[0]!r} (known: {', '.join(ENTITIES)})")
        return value

    def direction(self, entity: str) -> Share:
        """How ``entity`` is shared with this app (both ways unless the config says otherwise)."""
        return self.share.get(entity, Share.BOTH)


class RetrySettings(BaseModel):
    """How records an app refuses are tried again: a wait that doubles, and a cap on attempts.

    After ``attempts`` failures in a row a record needs attention: it is
    listed and not sent again until a person asks (``datashare retry``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    attempts: int = Field(default=5, ge=1, le=100)
    first_wait_minutes: float = Field(default=5, ge=0)
    longest_wait_hours: float = Field(default=6, ge=0)


class Tenant(BaseModel):
    """One business: its Xero organisation and the apps it linked."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    xero_organisation: str
    historical_data_from: date | None = None
    payroll_access: bool = False
    store: Path | None = None
    snapshots_kept: int = Field(
        default=SNAPSHOTS_KEPT, ge=1, le=100
    )  # the newest snapshots of the hub kept, one per successful run
    retries: RetrySettings = RetrySettings()
    policy: dict[str, str] = Field(default_factory=dict)  # per entity: the app that wins a conflict, or "newest"
    apps: dict[str, AppLink]

    @field_validator("store", mode="before")
    @classmethod
    def _store_is_not_blank(cls, store: object) -> object:
        if isinstance(store, str) and not store.strip():
            raise ValueError("is empty: leave it out for data/NAME.duckdb, or name a .duckdb file")
        return store

    @field_validator("store")
    @classmethod
    def _store_is_a_hub_file(cls, store: Path | None) -> Path | None:
        if store is None:
            return None
        if store.suffix != ".duckdb":
            raise ValueError(f"must be a .duckdb file, like data/NAME.duckdb (got {str(store)!r})")
        if not store.is_absolute() and ".." in store.parts:
            raise ValueError(f"must stay inside the working folder: no '..' (got {str(store)!r})")
        if store.is_absolute() and store.parts[1:2] in (("dev",), ("proc",), ("sys",)):
            raise ValueError(f"{str(store)!r} is no place for a hub file")
        return store

    @model_validator(mode="after")
    def _apps_known_and_complete(self) -> Tenant:
        for app, link in self.apps.items():
            if app not in APPS:
                raise ValueError(f"apps.{app}: unknown app {app!r} (known: {', '.join(APPS)})")
            missing = [s for s in APPS[app].secrets if s not in link.secrets]
            if missing:
                raise ValueError(f"apps.{app}.secrets: missing secret {missing[0]!r}")
            store = link.secrets.get("token_store")
            if store is not None and store.kind == "env":
                # A rotating token is written back on every refresh: an environment variable cannot be.
                raise ValueError(f"apps.{app}.secrets.token_store: must be 'prefect:NAME' or 'file:PATH'")
        if "xero" not in self.apps:
            raise ValueError("apps: every tenant links Xero ([tenants.apps.xero] is missing)")
        self._policy_known()
        return self

    def _policy_known(self) -> None:
        """Each policy names a known entity, and ``newest`` or a linked app that sends that entity to the hub."""
        for entity, winner in self.policy.items():
            if entity not in ENTITIES:
                raise ValueError(f"policy: unknown entity {entity!r} (known: {', '.join(ENTITIES)})")
            if winner == NEWEST_WINS:
                continue
            linked = ", ".join(self.apps)
            if winner not in APPS:
                raise ValueError(f"policy.{entity}: must be {NEWEST_WINS!r} or a linked app ({linked}), not {winner!r}")
            if winner not in self.apps:
                raise ValueError(f"policy.{entity}: {winner!r} is not linked to this tenant (linked: {linked})")
            share = self.apps[winner].direction(entity)
            if not share.to_hub:
                # Its records never reach the merge, so it could never win there.
                raise ValueError(
                    f"policy.{entity}: {winner} does not send {entity} to the hub (share = {share.value!r})"
                )

    def policies(self) -> dict[str, Policy]:
        """The conflict policy of each entity the config names, as the merge takes it (others: newest wins)."""
        return {entity: Policy.named(winner) for entity, winner in self.policy.items()}

    def store_path(self, root: Path | None = None) -> Path:
        """Where this tenant's hub file is (relative paths from ``root``, default the working directory)."""
        path = self.store or DEFAULT_STORE_DIR / f"{self.name}.duckdb"
        return path if path.is_absolute() or root is None else root / path


class Config(BaseModel):
    """Every tenant of one datashare installation."""

    model_config = ConfigDict(extra="forbid")

    path: Path
    tenants: list[Tenant]

    def tenant(self, name: str) -> Tenant:
        """A tenant by name, or a ConfigError listing the known ones."""
        for tenant in self.tenants:
            if tenant.name == name:
                return tenant
        known = ", ".join(t.name for t in self.tenants) or "none"
        raise ConfigError(f"{self.path}: no tenant {name!r} (known: {known})")


def _tenant_error(path: Path, raw: dict[str, Any], error: ValidationError) -> ConfigError:
    problems = []
    for problem in error.errors(include_url=False):
        loc = list(problem["loc"])
        tenant = "?"
        if len(loc) >= 2 and loc[0] == "tenants" and isinstance(loc[1], int):
            entry = raw.get("tenants", [])[loc[1]]
            tenant = str(entry.get("name", f"#{loc[1] + 1}")) if isinstance(entry, dict) else f"#{loc[1] + 1}"
            loc = loc[2:]
        field = ".".join(str(p) for p in loc if not str(p).startswith("function-"))
        message = problem["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
        if problem["type"] == "missing":
            message = "missing"
        if message.startswith(("apps.", "apps:", "policy.", "policy:")):  # the tenant-level check names its own field
            field, _, message = message.partition(": ")
        problems.append(f"tenant {tenant!r}: {field}: {message}" if field else f"tenant {tenant!r}: {message}")
    return ConfigError(f"{path}: " + "; ".join(problems))


def load_config(path: str | Path, *, check_env: bool = True) -> Config:
    """Read and check a tenant config file.

    With ``check_env``, every ``env:`` secret must be set in the environment now,
    so a missing secret is found at load and not halfway through a run.
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a config file") from None
    except PermissionError:
        raise ConfigError(f"{path}: cannot be read (permission denied)") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text (byte {error.start}): save the config as UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    unknown = sorted(set(raw) - {"tenants"})
    if unknown:
        raise ConfigError(f"{path}: unknown top-level key {unknown[0]!r} (expected [[tenants]])")
    seen: set[str] = set()
    for entry in raw.get("tenants", []):
        name = entry.get("name") if isinstance(entry, dict) else None
        if name in seen:
            raise ConfigError(f"{path}: tenant {name!r}: duplicate tenant (each name once)")
        seen.add(str(name))
    try:
        config = Config.model_validate({"path": path, "tenants": raw.get("tenants", [])})
    except ValidationError as error:
        raise _tenant_error(path, raw, error) from None
    _check_apart(path, config.tenants)
    if check_env:
        for tenant in config.tenants:
            for app, link in tenant.apps.items():
                for secret_name, ref in link.secrets.items():
                    if ref.kind == "env" and ref.name not in os.environ:
                        raise ConfigError(
                            f"{path}: tenant {tenant.name!r}: apps.{app}.secrets.{secret_name}: "
                            f"missing secret: environment variable {ref.name} is not set"
                        )
    return config


def _check_apart(path: Path, tenants: list[Tenant]) -> None:
    """Refuse tenants that would share a hub file or a token store: one business's data must never mix with another's.

    Two tenants on one hub read each other's cursors and id maps (a run ends
    "Completed" having synced nothing of the second business); two links on
    one token store overwrite each other's rotating refresh token.
    """
    stores: dict[str, str] = {}
    for tenant in tenants:
        where = os.path.normpath(tenant.store_path())
        if where in stores:
            raise ConfigError(
                f"{path}: tenants {stores[where]!r} and {tenant.name!r} share the store {where}: "
                "each tenant needs a hub file of its own"
            )
        stores[where] = tenant.name
    tokens: dict[str, str] = {}
    for tenant in tenants:
        for app, link in tenant.apps.items():
            ref = link.secrets.get("token_store")
            if ref is None:
                continue
            key = f"file:{os.path.normpath(ref.name)}" if ref.kind == "file" else str(ref)
            owner = f"{tenant.name}/{app}"
            if key in tokens:
                raise ConfigError(
                    f"{path}: {tokens[key]} and {owner} share the token store {key}: each link needs its own "
                    "(a rotating refresh token written by one would lock the other out)"
                )
            tokens[key] = owner
