# Two commands set everything up: `make up` (the system, on SQLite) and `make test`.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: up down test test-quick lint constraints bench pictures check-fresh

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
		|| { echo "Python 3.11 of nieuwer nodig als '$(PYTHON)' (of: make PYTHON=python3.12 …)" >&2; exit 1; }
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null \
		|| { echo "venv ontbreekt: installeer het met: apt-get install python3-venv" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip 2>/dev/null || true
	$(VENV)/bin/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

up: $(STAMP)
	bash scripts/system-packages.sh run
	bash scripts/up.sh

down:
	bash scripts/down.sh

# The checks in order; the run ends with how long they took (pass or fail). The tests run on
# TEST_WORKERS parallel processes, a file to a worker (pytest-xdist): the end-to-end files,
# which mostly wait for the system each starts, go first (not reordered by size), one to a
# worker, and the sixth worker takes the rest beside them (then each worker whose e2e file is
# done): the two cores stay busy; eight workers took longer (README, Tests).
TEST_WORKERS ?= 6
test: $(STAMP)
	@start=$$(date +%s); status=0; \
	bash scripts/system-packages.sh test && \
	$(VENV)/bin/ruff check . && \
	$(VENV)/bin/lint-imports --no-cache && \
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(VENV)/bin/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS) \
	|| status=$$?; \
	elapsed=$$(( $$(date +%s) - start )); \
	echo "make test: $$(( elapsed / 60 )) min $$(( elapsed % 60 )) s (exit $$status)"; \
	exit $$status

# The inner loop, under a minute: ruff, the import rules, the unit tests and the fast
# integration tests (SQLite and PostgreSQL; the files marked slow, the flows, documents,
# reliability and end-to-end tests are left to make test).
test-quick: $(STAMP)
	@start=$$(date +%s); status=0; \
	$(VENV)/bin/ruff check . && \
	$(VENV)/bin/lint-imports --no-cache && \
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(VENV)/bin/python -m pytest -n 2 --dist loadfile \
		-m "not slow and not e2e" --durations=5 tests/unit tests/integration $(PYTEST_ARGS) \
	|| status=$$?; \
	elapsed=$$(( $$(date +%s) - start )); \
	echo "make test-quick: $$elapsed s (exit $$status)"; \
	exit $$status

lint: $(STAMP)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/lint-imports --no-cache

# Regenerate the pinned set after changing dependencies in pyproject.toml.
constraints: $(STAMP)
	$(VENV)/bin/python -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --python-version 3.11 \
		--no-header --no-annotate --quiet -o constraints.txt

bench: $(STAMP)
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(VENV)/bin/python bench/run_all.py

# Pictures of one document of each kind for docs/documenten.md (LibreOffice and Poppler).
pictures: $(STAMP)
	bash scripts/system-packages.sh test
	$(VENV)/bin/python -m admin.pictures

# The README's two commands on a bare Debian root (debootstrap, chroot; root only; about an
# hour). Not part of make test. Report: test-output/check-fresh.txt.
check-fresh:
	bash scripts/check-fresh.sh
