# Two entry points for a newcomer: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The dashboard's browser test drives Debian's Chromium (Playwright's own browser
# download is not available everywhere, CI included).
CHROMIUM := /usr/bin/chromium

.PHONY: demo test lint bench screenshots clean

# pip runs quietly, so each phase says what it is doing before it starts.
$(STAMP): pyproject.toml setup.py
	@echo "[1/3] creating a virtual environment in $(VENV)/"
	@$(PYTHON) -m venv $(VENV)
	@echo "[2/3] upgrading pip in it"
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "[3/3] installing rollout-sim and its dependencies (NumPy, pandas, Mesa, matplotlib, Solara, ...; a few minutes the first time)"
	@$(BIN)/python -m pip install --quiet -e '.[dev,dashboard]'
	@touch $(STAMP)
	@echo "installed: run commands as $(BIN)/sim ..., or 'source $(BIN)/activate' first"

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then APT=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then APT="sudo"; \
	else echo "make test needs Chromium at $(CHROMIUM) for the dashboard's browser test: install Debian's 'chromium' package (e.g. sudo apt-get install chromium)" >&2; exit 1; fi; \
	$$APT env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	$$APT env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

demo: $(STAMP)
	@echo "running the demo: $(BIN)/sim demo"
	@$(BIN)/sim demo

test: $(STAMP) $(CHROMIUM)
	$(BIN)/ruff check sim tests benchmarks experiments tools
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

# The dashboard's screenshots in docs/images, taken by its browser test.
screenshots: $(STAMP) $(CHROMIUM)
	SIM_SCREENSHOTS=docs/images $(BIN)/python -m pytest -q tests/test_dashboard_browser.py

lint: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks experiments tools
	$(BIN)/ruff format --check sim tests benchmarks experiments tools

bench: $(STAMP) $(CHROMIUM)
	$(BIN)/python benchmarks/bench_cli.py
	$(BIN)/python benchmarks/bench_model.py
	$(BIN)/python benchmarks/bench_sweep.py
	$(BIN)/python benchmarks/bench_dashboard.py --browser
	$(BIN)/python benchmarks/bench_worlds.py
	$(BIN)/python benchmarks/bench_sensitivity.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
