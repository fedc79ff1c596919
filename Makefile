# Seminarium: `make demo` serves the demo, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
ADDR ?= 127.0.0.1:8000

.PHONY: demo test lint format messages translations bench clean

$(BIN)/seminarium: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/seminarium
	$(BIN)/seminarium demo --addr $(ADDR)

lint: $(BIN)/seminarium
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

test: lint
	$(BIN)/seminarium check --fail-level WARNING
	$(BIN)/seminarium makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

format: $(BIN)/seminarium
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

# Extract strings (needs GNU gettext), then compile with Babel (pure Python).
translations: $(BIN)/seminarium
	cd src/seminarium && ../../$(BIN)/seminarium makemessages -l zh_Hans -l ru --no-obsolete --add-location file --ignore 'static/*'
	$(MAKE) messages

messages: $(BIN)/seminarium
	$(BIN)/pybabel compile --domain django --directory src/seminarium/locale --statistics

# Each benchmark prints one JSON line; see docs/performance.md. They take minutes.
bench: $(BIN)/seminarium
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	for b in programme_page nominations attendance certificates join_surge timetable; do \
		$(BIN)/python bench/$$b.py || exit 1; done

clean:
	rm -rf $(VENV) var build *.egg-info
