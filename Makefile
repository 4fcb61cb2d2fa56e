# The course's commands. `make help` lists them.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
NB    ?=

.PHONY: help setup lab test test-java test-notebooks run bench clean

help:
	@echo "make setup            set up everything (Python env, Java library, kernel, data); idempotent"
	@echo "make lab              set up, then open the course in JupyterLab"
	@echo "make test             library unit tests + every notebook executed headless (smoke profile)"
	@echo "make run NB=notebooks/01-alexnet.ipynb   execute one notebook headless -> build/notebooks/ (.ipynb + .html)"
	@echo "make bench            training-speed benchmark (images/s, time per epoch) -> docs/benchmarks.md"
	@echo "Profiles: DL_PROFILE=smoke|laptop|full (default: full with a GPU, laptop without)"

setup:
	@bash tools/setup.sh

lab: setup
	$(VENV)/bin/jupyter lab notebooks/

test: export DL_TEST_T0 := $(shell date +%s.%N)
test: setup
	@bash tools/test.sh

test-java:
	mvn -B -q test

test-notebooks:
	DL_PROFILE=smoke $(PY) -m pytest -q tools/tests

run: setup
	@test -n "$(NB)" || { echo "usage: make run NB=notebooks/<name>.ipynb [DL_PROFILE=smoke|laptop|full]"; exit 2; }
	$(PY) tools/run_notebook.py $(NB)

bench: setup
	mvn -B -q exec:java -Dexec.mainClass=dlcourse.bench.TrainingBenchmark -Dexec.classpathScope=runtime

clean:
	rm -rf target build
