# Two commands do everything on a fresh Debian machine (root):
#   make demo   - build the venv, then run the embedded demo end to end
#   make test   - build the venv, lint, then run the test suite
VENV   ?= .venv
PY     := $(VENV)/bin/python
CORES  ?= 2
PYTEST_ARGS ?=

.PHONY: venv demo test test-fast lint docs format clean-demo

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-nodeps.txt pyproject.toml scripts/install-system-packages.sh
	scripts/install-system-packages.sh
	test -x $(PY) || python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -r requirements-nodeps.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@

SNAKEMAKE := $(VENV)/bin/snakemake --cores $(CORES) --workflow-profile workflow/profiles/default

demo: venv
	$(SNAKEMAKE)
	$(SNAKEMAKE) --report results/report.html
	@cat results/summary.md
	@echo "Report: $(CURDIR)/results/report.html (open it in a browser); figures: results/plots/"

test: venv lint
	scripts/install-slurm.sh
	$(VENV)/bin/pytest --durations=10 $(PYTEST_ARGS)

test-fast: venv
	$(VENV)/bin/pytest -m "not slow and not slurm" $(PYTEST_ARGS)

lint: venv docs
	$(VENV)/bin/ruff check src tests workflow benchmarks
	$(VENV)/bin/ruff format --check src tests workflow benchmarks
	$(VENV)/bin/snakefmt --check Snakefile workflow/Snakefile workflow/rules
	$(VENV)/bin/snakemake --lint

# The documentation site (mkdocs.yml) into site/: --strict fails on a broken link or
# anchor and on a page of docs/ missing from the nav. Part of lint, so of `make test`.
docs: venv
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

format: venv
	$(VENV)/bin/ruff format src tests workflow benchmarks
	$(VENV)/bin/snakefmt Snakefile workflow/Snakefile workflow/rules
