# Two commands do everything on a fresh machine:
#   make run    install into .venv, index knowledge/, start the bot (or the terminal chat)
#   make test   install, lint, type-check and run the whole test suite
VENV ?= .venv
PY := $(VENV)/bin/python
# The CPU build of PyTorch lies on this machine's disk; a plain "torch" would pull a CUDA build.
TORCH_SPEC ?= torch==2.13.0
EXTRAS ?= dev

.PHONY: run install test lint typecheck unit format eval bench clean

run: install
	$(VENV)/bin/cxbot start

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "$(TORCH_SPEC)"
	$(PY) -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $@

test: install lint typecheck
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

unit: install
	$(PY) -m pytest tests/unit

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

eval: install
	$(VENV)/bin/cxbot eval eval/golden.jsonl
	$(VENV)/bin/cxbot eval ../shared/datasets/jsquad/valid-v1.3.json

clean:
	rm -rf .data .pytest_cache .mypy_cache .ruff_cache

# Every benchmark, then benchmarks/results/report.md (about half an hour on 2 cores).
bench: install
	$(PY) -m benchmarks
