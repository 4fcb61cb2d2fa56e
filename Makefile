# The course's commands. `make help` lists them.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
NB    ?=
HUB_PREFIX := $(or $(DL_HUB_PREFIX),/opt/dlcourse)

.PHONY: help setup lab student-edition image hub-image image-test hub hub-test hub-homework test test-java test-notebooks notebook-figures seed-study run bench bench-performance bench-peer release grade bench-grading clean

help:
	@echo "make setup            set up everything (Python env, Java library, kernel, data); idempotent"
	@echo "make lab              set up, then open the course in JupyterLab (LAB_ARGS=\"--no-browser --port=8890\" for options)"
	@echo "make student-edition OUT=<dir>   what students get: notebooks, library, released assignments, no answer (checked)"
	@echo "make image            the course image (podman or docker) from the student edition; make hub-image: the hub's single-user image on it"
	@echo "make image-test       every smoke notebook, a student's docker run and the single-user image, all with no network"
	@echo "make hub              (root) install the class server in /opt/dlcourse and run JupyterHub on 127.0.0.1:8000 (docs/class.md)"
	@echo "make hub-homework DO=\"release rnn\"   (root) release | collect | grade an assignment through nbgrader's exchange"
	@echo "make hub-test N=10    (root) the class server under N simulated students, with faults -> build/hub/report.md"
	@echo "make test             library unit tests + every notebook executed headless (smoke profile)"
	@echo "make notebook-figures PROFILE=laptop   every notebook in one profile -> docs/notebooks-<profile>.md (what each prints about the lecture's claims)"
	@echo "make seed-study NB=notebooks/04-resnet.ipynb PROFILE=laptop SEEDS=3   one notebook over seeds -> docs/seeds-<notebook>-<profile>.md (mean ± sd of what it prints)"
	@echo "make run NB=notebooks/01-alexnet.ipynb   execute one notebook headless -> build/notebooks/ (.ipynb + .html)"
	@echo "make bench            training-speed benchmark (images/s, time per epoch) -> docs/benchmarks.md (AlexNet, smoke/laptop and full settings)"
	@echo "make release          student versions of the assignments -> assignments/release/ (docs/grading.md)"
	@echo "make grade A=lstm SUB=<folder or .ipynb>   grade submissions -> build/grading/ (report.json/.xml/.md)"
	@echo "make bench-performance  roofline fraction, loop overhead, memory over epochs and cell re-runs, start-up (docs/performance.md)"
	@echo "make bench-grading    time to grade 30 submissions, serial and parallel -> docs/grading.md"
	@echo "make bench-peer       the course's training against PyTorch-Python 2.7.1, same machine, same data -> docs/performance.md (LABEL=now, PEER_ARGS=\"--models lstm,dcgan\")"
	@echo "Profiles: DL_PROFILE=smoke|laptop|full (default: full with a GPU, laptop without)"

setup:
	@bash tools/setup.sh

lab: setup
	@bash tools/lab.sh $(LAB_ARGS)

student-edition: setup
	@test -n "$(OUT)" || { echo "usage: make student-edition OUT=<new folder, or a clone of the class's repository>"; exit 2; }
	$(PY) tools/edition.py write $(OUT)

image: setup
	$(PY) tools/edition.py write build/edition
	bash tools/image/build.sh course

hub-image:
	bash tools/image/build.sh hub

image-test:
	bash tools/image/test.sh

hub: setup
	@bash tools/hub/hub.sh

hub-homework:
	@test -n "$(DO)" || { echo "usage: make hub-homework DO=\"release|collect|grade <assignment>\""; exit 2; }
	$(HUB_PREFIX)/venv/bin/python tools/hub/homework.py $(DO) --prefix $(HUB_PREFIX)

hub-test: setup
	$(PY) tools/hub/load_test.py --students $(or $(N),10)

test: export DL_TEST_T0 := $(shell date +%s.%N)
test: setup
	@bash tools/test.sh

test-java:
	mvn -B -q test

test-notebooks:
	DL_PROFILE=smoke $(PY) -m pytest -q tools/tests

notebook-figures: setup
	DL_TEST_PROFILES=$(or $(PROFILE),laptop) DL_PROFILE=smoke $(PY) -m pytest -q tools/tests/test_notebooks.py
	$(PY) tools/notebook_figures.py $(or $(PROFILE),laptop)

seed-study: setup
	@test -n "$(NB)" || { echo "usage: make seed-study NB=notebooks/<name>.ipynb [PROFILE=laptop] [SEEDS=3]"; exit 2; }
	$(PY) tools/seed_study.py $(NB) --profile $(or $(PROFILE),laptop) --seeds $(or $(SEEDS),3)

run: setup
	@test -n "$(NB)" || { echo "usage: make run NB=notebooks/<name>.ipynb [DL_PROFILE=smoke|laptop|full]"; exit 2; }
	$(PY) tools/run_notebook.py $(NB)

bench: setup
	mvn -B -q test-compile exec:java -Dexec.mainClass=dlcourse.bench.AlexNetBenchmark

release: setup
	@for src in assignments/source/*/*.ipynb; do $(PY) tools/grade.py release $$src || exit 1; done

grade: setup
	@test -n "$(A)" -a -n "$(SUB)" || { echo "usage: make grade A=<assignment> SUB=<folder or notebook> [PASS=60] [JOBS=1]"; exit 2; }
	$(PY) tools/grade.py grade assignments/source/$(A)/$(A).ipynb $(SUB) --pass-mark $(or $(PASS),60) --jobs $(or $(JOBS),1)

bench-performance: setup
	mvn -B -q test-compile exec:java -Dexec.mainClass=dlcourse.bench.PerformanceBench
	mvn -B -q test -Dtest=TrainingOverheadTest
	DL_PROFILE=smoke $(PY) -m pytest -q -s tools/tests/test_kernel_memory.py

bench-peer: setup
	@bash tools/peer/venv.sh
	.venv-peer/bin/python tools/peer/bench_peer.py --label $(or $(LABEL),now) --docs docs/performance.md $(PEER_ARGS)

bench-grading: setup
	$(PY) tools/bench_grading.py --assignment lstm -n 30 --jobs 1 2

clean:
	rm -rf target build
