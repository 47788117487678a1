"""Every bad input to the command line gets one clear line, never a traceback, and user text is printed, not obeyed."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from datashare.cli.main import DEMO_CONFIG, app

runner = CliRunner()

XERO = """
[tenants.apps.xero]
base_url = "{url}"
client_id = "cid"
secrets = {{ client_secret = "env:T_XERO_SECRET", token_store = "file:tokens/acme.json" }}
"""


def _config(tmp_path: Path, body: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def _tenant(
    url: str = "http://127.0.0.1:8750/xero", extra: str = "", name: str = "acme", keys_from: str = "acme"
) -> str:
    block = XERO.format(url=url).replace("tokens/acme.json", f"tokens/{keys_from}.json")
    return f'[[tenants]]\nname = "{name}"\nxero_organisation = "Acme"\n{extra}' + block


TWO_ON_ONE_STORE = _tenant(extra='store = "data/x.duckdb"\n') + _tenant(
    extra='store = "data/x.duckdb"\n', name="beta", keys_from="beta"
)
TWO_ON_ONE_TOKEN = _tenant() + _tenant(name="beta")
STORE_ON_ANOTHERS_DEFAULT = _tenant() + _tenant(extra='store = "data/acme.duckdb"\n', name="beta", keys_from="beta")


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setenv("T_XERO_SECRET", "x")
    monkeypatch.delenv("DATASHARE_CONFIG", raising=False)
    return tmp_path


def _damaged_hub(tmp_path: Path) -> Path:
    config = _config(tmp_path, _tenant())
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "acme.duckdb").write_bytes(b"this is not a DuckDB file" * 200)
    return config


CASES = [
    # (arguments, with {tmp} for the test's folder; how the config is made; exit code; what the line says)
    (["tenants", "--config", "{tmp}"], None, 2, "is a folder, not a config file"),
    (["tenants", "--config", "{tmp}/missing.toml"], None, 2, "no such config file"),
    (["tenants", "--config", "{tmp}/latin1.toml"], "latin1", 2, "not UTF-8 text"),
    (["tenants", "--config", "{tmp}/bad.toml"], "[[tenants]\nname=", 2, "not valid TOML"),
    (["tenants", "--config", "{tmp}/bad.toml"], "[settings]\nx = 1\n", 2, "(expected [[tenants]])"),
    (["tenants", "--config", "{tmp}/bad.toml"], '[[tenants]]\nname = "acme"\nxero_organisation = "A"\n', 2,
     "apps: missing"),
    (["tenants", "--config", "{tmp}/bad.toml"], '[[tenants]]\nname = "acme"\nxero_organisation = "A"\n'
     '[tenants.apps.vtiger]\nbase_url = "http://v"\nusername = "u"\nsecrets = { access_key = "env:T_XERO_SECRET" }\n',
     2, "apps: every tenant links Xero ([tenants.apps.xero] is missing)"),
    (["tenants", "--config", "{tmp}/bad.toml"], _tenant("http://h/[/bold]x"), 0, "http://h/[/bold]x"),
    (["tenants", "--config", "{tmp}/bad.toml"], _tenant("ftp://[red]x"), 2, "must be an http:// or https:// URL"),
    (["tenants", "--config", "{tmp}/bad.toml"], _tenant(extra='store = "/dev/null"\n'), 2,
     "store: must be a .duckdb file"),
    (["store", "stats", "nope", "--config", "{tmp}/bad.toml"], _tenant(), 2, "no tenant 'nope' (known: acme)"),
    (["store", "stats", "acme", "--config", "{tmp}/bad.toml"], _tenant(), 1, "no hub store yet"),
    (["store", "stats", "acme", "--config", "{tmp}/bad.toml"], "damaged", 2, "cannot be opened"),
    (["status", "acme", "--config", "{tmp}/bad.toml"], "damaged", 2, "cannot be opened"),
    (["status", "nope", "--config", "{tmp}/bad.toml"], _tenant(), 2, "no tenant 'nope'"),
    (["status", "acme", "--config", "{tmp}/bad.toml"], _tenant(), 1, "no hub store yet"),
    (["why", "acme", "x", "--config", "{tmp}/bad.toml"], _tenant(), 1, "no hub store yet"),
    (["why", "nope", "x", "--config", "{tmp}/bad.toml"], _tenant(), 2, "no tenant 'nope'"),
    (["retry", "acme", "--entity", "[bold]gizmos", "--config", "{tmp}/bad.toml"], _tenant(), 2,
     "unknown entity '[bold]gizmos'"),
    (["retry", "nope", "--config", "{tmp}/bad.toml"], _tenant(), 2, "no tenant 'nope'"),
    (["conflicts", "nope", "--config", "{tmp}/bad.toml"], _tenant(), 2, "no tenant 'nope'"),
    (["tenants", "--config", "{tmp}/bad.toml"], TWO_ON_ONE_STORE, 2,
     "tenants 'acme' and 'beta' share the store data/x.duckdb"),
    (["tenants", "--config", "{tmp}/bad.toml"], STORE_ON_ANOTHERS_DEFAULT, 2,
     "tenants 'acme' and 'beta' share the store data/acme.duckdb"),
    (["tenants", "--config", "{tmp}/bad.toml"], TWO_ON_ONE_TOKEN, 2,
     "acme/xero and beta/xero share the token store file:tokens/acme.json"),
    (["tenants", "--config", "{tmp}/bad.toml"], _tenant(extra='store = ""\n'), 2, "store: is empty"),
    (["tenants", "--config", "{tmp}/bad.toml"], _tenant(extra='store = "../../etc/evil.duckdb"\n'), 2,
     "store: must stay inside the working folder: no '..'"),
    (["tenants", "--config", "{tmp}/bad.toml"], _tenant() + _tenant(keys_from="other"), 2,
     "tenant 'acme': duplicate tenant"),
    (["tenants", "--config", "{tmp}/bad.toml"], _tenant(name="Acme [b]Corp"), 2, "tenant 'Acme [b]Corp': name:"),
    (["tenants", "--config", "{tmp}/bad.toml"], _tenant(extra='historical_data_from = "soon"\n'), 2,
     "historical_data_from: must be a valid date"),
    (["tenants", "--config", "{tmp}/bad.toml"], _tenant(extra="retries = { attempts = 0 }\n"), 2,
     "retries.attempts: must be greater than or equal to 1"),
    (["tenants", "--config", "{tmp}/bad.toml"], _tenant(extra='policy = { gizmos = "xero" }\n'), 2,
     "policy: unknown entity 'gizmos'"),
    (["tenants", "--config", "{tmp}/bad.toml"], _tenant() + '[tenants.apps.hubspot]\nbase_url = "http://h"\n', 2,
     "apps.hubspot: unknown app 'hubspot'"),
    (["dashboard", "nope", "--config", "{tmp}/bad.toml"], _tenant(), 2, "no tenant 'nope'"),
    (["plan", "nope", "--config", "{tmp}/bad.toml"], _tenant(), 2, "no tenant 'nope'"),
    (["plan", "acme", "--domain", "nothing", "--config", "{tmp}/bad.toml"], _tenant(), 2,
     "datashare plan: Invalid value for '--domain'"),
    (["connect", "xero", "nope", "--config", "{tmp}/bad.toml"], _tenant(), 2, "no tenant 'nope'"),
    (["why", "acme", "x", "--config", "{tmp}/bad.toml"], "damaged", 2, "cannot be opened"),
    (["frobnicate"], None, 2, "datashare: No such command 'frobnicate'"),
    (["tenants", "--bogus"], None, 2, "datashare tenants: No such option: --bogus"),
    (["store", "stats"], None, 2, "datashare store stats: Missing argument 'tenant'"),
    (["status", "acme", "extra"], None, 2, "datashare status: Got unexpected extra argument(s) (extra)"),
    (["sandbox", "serve", "--port", "[red]abc"], None, 2, "datashare sandbox serve: Invalid value for '--port'"),
    (["tenants", "--config", str(DEMO_CONFIG)], None, 0, "demo-au"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "made", "code", "says"), CASES, ids=[" ".join(c[0][:2]) + f"-{i}" for i, c in
                                                                          enumerate(CASES)])  # fmt: skip
def test_a_bad_input_gets_one_clear_line(
    tmp_path: Path, args: list[str], made: str | None, code: int, says: str
) -> None:
    if made == "latin1":
        (tmp_path / "latin1.toml").write_bytes('[[tenants]]\nname = "café"\n'.encode("latin-1"))
    elif made == "damaged":
        _damaged_hub(tmp_path)
    elif made is not None:
        _config(tmp_path, made)

    result = runner.invoke(app, [a.replace("{tmp}", str(tmp_path)) for a in args], prog_name="datashare")

    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert says in " ".join(result.output.split()), result.output
    if code:
        assert len(result.output.strip().splitlines()) == 1, result.output
