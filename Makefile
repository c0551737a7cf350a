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
LINT_PATHS := mmpr configs tools tests setup.py

.PHONY: setup test lint demo

setup:
	@VENV="$(VENV)" PYTHON="$(PYTHON)" bash tools/setup_env.sh

test: setup
	$(PY) -m pytest tests

lint: setup
	$(PY) -m flake8 $(LINT_PATHS)
	$(PY) -m isort --check-only --diff $(LINT_PATHS)
	$(PY) -m yapf --diff --recursive $(LINT_PATHS)

# the toy set, a CPU-trained toy model, its AP/AR and a rendered video
# under OUT (RETRAIN=1: train again); see README, Quickstart
demo: setup
	@VENV="$(VENV)" OUT="$(OUT)" RETRAIN="$(RETRAIN)" CONFIG="$(CONFIG)" \
		AMP="$(AMP)" bash tools/toy_demo.sh
