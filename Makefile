# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install venv bytecode browser run test lint typecheck pytest bench bench-quick lock clean

# Idempotent and self-healing: an interrupted install leaves no stamp, so the next one runs
# again, on a virtual environment made anew if the last was left without a working pip.
install: venv
	@$(MAKE) --no-print-directory $(STAMP)

venv:
	@$(BIN)/python -m pip --version >/dev/null 2>&1 || { \
		echo "creating $(VENV)"; rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }

$(STAMP): requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# The browser tests (tests/web/test_browser_e2e.py) drive Debian's Chromium through
# Playwright, which downloads no browser: installed with apt-get when missing, as root or
# through sudo, without questions.
CHROMIUM := /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { \
		echo "installing chromium"; \
		sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

# The package is installed editable, so pip compiles none of its modules, and where
# PYTHONDONTWRITEBYTECODE is set (as on the reference machine) Python never caches them:
# every command compiled its 300 modules anew, a third of a second of its start. Only
# modules changed since the last compile are compiled again.
bytecode: install
	$(BIN)/python -m compileall -q src

run: bytecode
	$(BIN)/timeledger demo
	$(BIN)/timeledger serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

pytest: install browser
	$(BIN)/pytest -n 2 --dist worksteal -q

# The type check (one core) runs beside the tests (two workers).
test: lint
	@$(MAKE) --no-print-directory -j2 typecheck pytest

# The benchmark of issue #9 (docs/performance.md): default dataset, SQLite and PostgreSQL,
# TimeTagger beside it; rewrites docs/performance.md. Under 20 minutes.
bench: bytecode
	$(BIN)/python -m bench

# The same on 20 employees x 1 year with short runs: a smoke check under 2 minutes (its
# numbers mean nothing); the report goes to bench/results/performance-quick.md.
bench-quick: bytecode
	$(BIN)/python -m bench --quick

# Re-pin every dependency (runtime and dev) after changing pyproject.toml.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
	.lock-venv/bin/pip freeze --exclude-editable > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
