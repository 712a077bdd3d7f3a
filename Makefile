# Two entry points for a newcomer: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean

# pip runs quietly, so each phase says what it is doing before it starts.
$(STAMP): pyproject.toml setup.py
	@echo "[1/3] creating a virtual environment in $(VENV)/"
	@$(PYTHON) -m venv $(VENV)
	@echo "[2/3] upgrading pip in it"
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "[3/3] installing rollout-sim and its dependencies (NumPy, pandas, Mesa, matplotlib, ...; a few minutes the first time)"
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)
	@echo "installed: run commands as $(BIN)/sim ..., or 'source $(BIN)/activate' first"

demo: $(STAMP)
	@echo "running the demo: $(BIN)/sim demo"
	@$(BIN)/sim demo

test: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks experiments tools
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

lint: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks experiments tools
	$(BIN)/ruff format --check sim tests benchmarks experiments tools

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_cli.py
	$(BIN)/python benchmarks/bench_model.py
	$(BIN)/python benchmarks/bench_sweep.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
