# The course's commands. `make lab` and `make test` are the quick start; every target
# creates .venv and installs the pinned requirements first if that has not been done.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
SUBMISSIONS ?=
GRADE_TIMEOUT ?= 300
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
SHARD ?= 1/1
OUT ?= grading
UNSAFE ?=
NOTEBOOK ?=
ALSO ?=
FORCE ?=
MEMORY_MB ?=
SHOW_TESTS ?=

.PHONY: setup lab test data notebooks student grade merge check feedback benchmarks book clean-generated

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP) ## create .venv and install everything (pinned)

# the learner's JupyterLab opens learner/: the student versions (solutions out of view), written
# on demand by the code of `make student`, never over the learner's edits; it hides nbgrader's
# teacher tools (tools/learner_lab). TEACHER=1 opens notebooks/ (the solutions) with every tool.
# As root (containers, Binder-style images, classroom VMs) JupyterLab needs --allow-root.
LAB_CONFIG := $(if $(TEACHER),,JUPYTER_CONFIG_PATH="$(abspath tools/learner_lab)")
LAB_ROOT := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)

lab: setup ## open JupyterLab on your copies of the student versions in learner/ (TEACHER=1: notebooks/, every tool)
	$(if $(TEACHER),,PATH="$(abspath $(BIN)):$$PATH" $(PY) -m tools.grading learner)
	$(LAB_CONFIG) $(BIN)/jupyter lab $(LAB_ROOT) $(if $(TEACHER),notebooks/,learner/)

# Two workers on two cores, each with one compute thread (torch, OpenMP and BLAS): with
# two threads each, four threads spin for two cores and a slow machine slows many times over.
# Notebook 07 trains three PyTorch networks with the learner's two threads, alone, after the rest.
SOLO_NOTEBOOKS := notebooks/07_text_generation.ipynb
ONE_THREAD := RNN_COURSE_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

test: setup ## unit tests, notebook contract, nbval on every notebook, grading and browser tests
	PATH="$(abspath $(BIN)):$$PATH" $(ONE_THREAD) $(PY) -m pytest -n 2 --dist loadfile \
		--durations=15 $(addprefix --ignore=,$(SOLO_NOTEBOOKS))
	PATH="$(abspath $(BIN)):$$PATH" $(PY) -m pytest $(SOLO_NOTEBOOKS)

data: setup ## fetch and verify every dataset into data/ (for offline classrooms)
	$(PY) -m helpers.data.files

notebooks: setup ## re-execute every notebook in place and store its outputs
	$(PY) -m tools.notebooks execute

student: setup ## write student versions (solutions and hidden tests removed) to release/ [FORCE=1: replace edited ones]
	PATH="$(abspath $(BIN)):$$PATH" $(PY) -m tools.grading student $(if $(FORCE),--force,)

grade: setup ## autograde SUBMISSIONS=<folder> [JOBS=N] [SHARD=i/n] [OUT=folder] [MEMORY_MB=M] [UNSAFE=1] into OUT/grades.csv
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=<folder> [JOBS=N] [SHARD=i/n] [OUT=folder]"; exit 2; }
	PATH="$(abspath $(BIN)):$$PATH" $(PY) -m tools.grading grade "$(SUBMISSIONS)" --timeout $(GRADE_TIMEOUT) \
		--jobs $(JOBS) --shard $(SHARD) --out "$(OUT)" $(if $(MEMORY_MB),--memory-mb $(MEMORY_MB),) \
		$(if $(UNSAFE),--unsafe,)

merge: setup ## merge shard tables: make merge OUT=<folder> SHARDS="<shard folder> ..."
	@test -n "$(SHARDS)" || { echo "usage: make merge OUT=<folder> SHARDS=\"<shard folder> ...\""; exit 2; }
	$(PY) -m tools.grading merge "$(OUT)" $(SHARDS)

check: setup ## run every test of one notebook as the grader would: make check NOTEBOOK=<file>
	@test -n "$(NOTEBOOK)" || { echo "usage: make check NOTEBOOK=<file>"; exit 2; }
	PATH="$(abspath $(BIN)):$$PATH" $(PY) -m tools.grading check "$(NOTEBOOK)"

feedback: setup ## per-student HTML feedback from the last grading run into OUT/feedback/ [SHOW_TESTS=1]
	$(PY) -m tools.grading feedback --out "$(OUT)" $(if $(SHOW_TESTS),--show-tests,)

benchmarks: setup ## print the speed figures (see benchmarks/)
	for script in benchmarks/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

book: setup ## build the course website from the stored notebooks into _build/book/html (see README)
	$(PY) -m tools.book

clean-generated: setup ## delete generated files; grades, checkpoints, edited student versions only if asked: [ALSO=grades,checkpoints] [FORCE=1]
	$(PY) -m tools.grading clean $(if $(ALSO),--also "$(ALSO)",) $(if $(FORCE),--force,)
