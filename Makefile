# The two commands a newcomer needs: `make demo` and `make test`.
# Everything is built from nothing: a virtual environment from requirements.lock.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Prefect runs offline and keeps its state inside the project.
export PREFECT_HOME := $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT := false
export DO_NOT_TRACK := 1
# Our commands start their own server and wait for it; should anything still use Prefect's temporary server,
# give it the time a cold, busy machine needs rather than its default 20 s.
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 300

.PHONY: venv demo test soak dates lint typecheck bench ui ui-stop clean

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/datashare demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

# The end-to-end checks make test runs for one app, for the others too (a few minutes more).
soak: $(STAMP)
	$(BIN)/pytest -m soak

# The date-sensitive tests with the machine's date moved by faketime (Debian package `faketime`), then today.
dates: $(STAMP)
	scripts/dates.sh

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/store.py
	$(BIN)/python bench/xero_extract.py
	$(BIN)/python bench/sync.py
	$(BIN)/python bench/hr.py

# A local Prefect server and UI with the deployments, a worker and the sandbox apps (datashare/cli/ui.py).
ui: $(STAMP)
	$(BIN)/datashare ui up

# Stops exactly what `make ui` started, by the pids it recorded (SIGTERM, then SIGKILL after 20 s).
ui-stop: $(STAMP)
	$(BIN)/datashare ui down

clean:
	rm -rf $(VENV) .prefect data .mypy_cache .pytest_cache .ruff_cache
