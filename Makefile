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

.PHONY: test demo venv deps-test deps-demo test-notebooks bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

venv: $(PY)

deps-demo: $(PY)
	$(PIP) install --quiet -e .

deps-test: $(PY)
	$(PIP) install --quiet -e '.[test,notebooks]' threadpoolctl
	@if [ -n "$(WANT_TORCH)" ]; then echo "installing $(TORCH_SPEC) for the cross-checks"; \
	  $(PIP) install --quiet '$(TORCH_SPEC)'; fi

test: deps-test
	$(PY) -m pytest $(PYTEST_ARGS)

demo: deps-demo
	@$(PY) -m minigrad.data.fashion_mnist --ensure || \
	  { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	      echo "Fashion-MNIST not found and no download possible: installing Debian's dataset-fashion-mnist"; \
	      apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist; \
	    else echo "Fashion-MNIST is not available; see README (Data) for the three ways to get it"; exit 1; fi; }
	$(PY) -m minigrad demo

bench: deps-test
	$(PIP) install --quiet -e '.[bench]'
	$(PY) -m minigrad bench all

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis
