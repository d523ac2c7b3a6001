# Two entry points, each doing its own set-up on a fresh machine:
#   make demo   the main job (linear regression + MLP on Fashion-MNIST)
#   make test   the whole test suite (unit, property-based, torch cross-checks, notebooks)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
# torch==2.13.0 is the CPU build this project pins for its cross-checks (any other spec may pull a
# multi-GB CUDA build); installed when MINIGRAD_TEST_TORCH=1 or in CI (CI=true).
TORCH_SPEC ?= torch==2.13.0
WANT_TORCH := $(if $(filter 1 true yes,$(MINIGRAD_TEST_TORCH) $(CI)),1,)
PYTEST_ARGS ?=

.PHONY: test demo fashion-mnist-apt venv deps-test deps-demo test-notebooks notebooks notebook-data bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

venv: $(PY)

deps-demo: $(PY)
	$(PIP) install --quiet -e .

deps-test: $(PY)
	$(PIP) install --quiet -e '.[test,notebooks,distributed,deconv]' threadpoolctl
	@if [ -n "$(WANT_TORCH)" ]; then echo "installing $(TORCH_SPEC) for the cross-checks"; \
	  $(PIP) install --quiet '$(TORCH_SPEC)'; fi

test: deps-test notebook-data
	$(PY) -m pytest $(PYTEST_ARGS)

# The notebooks run in `make test` (tests/test_notebooks.py: each in a fresh kernel, fast settings).
# notebooks/06_mlp.ipynb trains on Fashion-MNIST, fetched as for the demo; if that fails, the notebook's
# test fails and says how to get the data.
notebook-data: deps-test
	@$(PY) -m minigrad.data.fashion_mnist --ensure || $(MAKE) --no-print-directory fashion-mnist-apt || \
	  echo "Fashion-MNIST is not available: the test of notebooks/06_mlp.ipynb will fail (see docs/data.md)"

test-notebooks: deps-test notebook-data
	$(PY) -m pytest tests/test_notebooks.py $(PYTEST_ARGS)

# Re-execute every notebook with its full settings (the seed's: 10 epochs of the MLP, minutes) and store
# the outputs in the files, as they are committed.
notebooks: deps-test notebook-data
	$(PY) tests/notebook_runner.py notebooks/*.ipynb

# The demo needs Fashion-MNIST: found locally or downloaded (verified), else -- no network -- Debian's
# dataset-fashion-mnist package is installed when apt is there and we are root (or have sudo without
# a password). DEMO_ARGS passes options on, e.g. `make demo DEMO_ARGS="--out runs/mine"`.
DEMO_ARGS ?=
demo: deps-demo
	@$(PY) -m minigrad.data.fashion_mnist --ensure || $(MAKE) --no-print-directory fashion-mnist-apt
	$(PY) -m minigrad demo $(DEMO_ARGS)

fashion-mnist-apt:
	@if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "Fashion-MNIST is not available and this machine has no apt-get: see README (Data) for the" \
	       "three ways to get it"; exit 1; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO=sudo; else \
	  echo "Fashion-MNIST is not available; run 'sudo apt-get install dataset-fashion-mnist' (or see" \
	       "README, Data) and then 'make demo' again"; exit 1; fi; \
	echo "Fashion-MNIST not found and not downloadable: installing Debian's dataset-fashion-mnist"; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq || true; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist || exit 1; \
	$(PY) -m minigrad.data.fashion_mnist --ensure --no-download

# The benchmarks write into a new run folder, runs/bench-<date>-<time>/; BENCH_ARGS=--publish refreshes
# the published figures in benchmarks/results/ (README, docs/performance.md).
BENCH_ARGS ?=
bench: deps-test
	$(PIP) install --quiet -e '.[bench]'
	$(PY) -m minigrad bench all $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis
