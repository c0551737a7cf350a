# Set-up and test entry points. VENV: the environment to create or complete
# (point it at an existing one, e.g. with a CUDA torch, to keep its torch);
# PYTHON: the interpreter that creates it.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
OUT ?= work_dirs/demo
RETRAIN ?= 0
# make demo's training precision: auto (bf16 where the CPU has it), 1, 0
AMP ?= auto
CONFIG ?=  # make demo's toy config; empty: tools/toy_demo.sh's default
# make demo's toy set: small, or tiny (a quick check)
PRESET ?= small
LINT_PATHS := mmpr configs tools tests setup.py

.PHONY: setup test coverage lint docs demo

setup:
	@VENV="$(VENV)" PYTHON="$(PYTHON)" bash tools/setup_env.sh

# in TEST_WORKERS processes (pytest-xdist; 2 for a 2-core machine), one torch
# thread each unless OMP_NUM_THREADS says otherwise, printing the 25 slowest
# tests (CI shows where the time goes)
TEST_WORKERS ?= 2
test: setup
	OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1} $(PY) -m pytest tests \
		-n $(TEST_WORKERS) --durations=25

# line coverage of mmpr/ and tools/, subprocesses (the tools' command lines)
# included; the tests run about 1.5x slower under it
coverage: setup
	COVERAGE_FILE=$(CURDIR)/.coverage $(PY) -m pytest tests --durations=25 \
		--cov=$(CURDIR)/mmpr --cov=$(CURDIR)/tools --cov-report=term

lint: setup
	$(PY) -m flake8 $(LINT_PATHS)
	$(PY) -m isort --check-only --diff $(LINT_PATHS)
	$(PY) -m yapf --diff --recursive $(LINT_PATHS)

# the documentation site into site/ (strict: a broken link, a missing page or
# a path to a file that does not exist fails the build)
docs: setup
	$(PY) -m mkdocs build --strict

# the toy set, a CPU-trained toy model, its AP/AR and a rendered video
# under OUT (RETRAIN=1: train again); see README, Quickstart
demo: setup
	@VENV="$(VENV)" OUT="$(OUT)" RETRAIN="$(RETRAIN)" CONFIG="$(CONFIG)" \
		AMP="$(AMP)" PRESET="$(PRESET)" bash tools/toy_demo.sh
