# Two commands set everything up: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-slow lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: install
	@echo '$$ cronoslot availability samples/requests/slots.json --calendars samples/calendars --now 2027-04-01T00:00:00Z --format table'
	@$(BIN)/cronoslot availability samples/requests/slots.json --calendars samples/calendars --now 2027-04-01T00:00:00Z --format table
	@echo
	@echo '$$ cronoslot availability samples/requests/periods.json --calendars samples/calendars --now 2027-04-01T00:00:00Z'
	@$(BIN)/cronoslot availability samples/requests/periods.json --calendars samples/calendars --now 2027-04-01T00:00:00Z
	@echo
	@echo '$$ cronoslot sequence samples/requests/interview-loop.json --calendars samples/calendars --now 2027-04-01T00:00:00Z --format table --tz Europe/London'
	@$(BIN)/cronoslot sequence samples/requests/interview-loop.json --calendars samples/calendars --now 2027-04-01T00:00:00Z --format table --tz Europe/London
	@echo
	@echo '$$ cronoslot find --with priya,lena --any 1:thames,severn --for 45m --on tue,wed --tz Europe/London --calendars samples/calendars --now 2027-04-19T08:00:00Z --format grid'
	@$(BIN)/cronoslot find --with priya,lena --any 1:thames,severn --for 45m --on tue,wed --tz Europe/London --calendars samples/calendars --now 2027-04-19T08:00:00Z --format grid

test: install
	$(BIN)/pytest -m "not slow"

test-slow: install
	$(BIN)/pytest -m slow

lint: install
	$(BIN)/ruff check cronoslot tests bench
	$(BIN)/ruff format --check cronoslot tests bench
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/bench_server.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
