"""The notebooks in notebooks/ (one per part of the seed, plus autodiff internals).

- Each runs top to bottom in a fresh kernel, with ``MINIGRAD_NOTEBOOK_FAST=1`` (fewer epochs, smaller
  sizes), imports minigrad from this checkout, and writes no file in the folder it runs in.
- Each stored notebook carries the outputs of one full run (see ``problems`` in notebook_runner.py for
  the rule), so that it reads well on a code host; ``make notebooks`` refreshes them.

The MLP notebook needs Fashion-MNIST (found locally, downloaded, or Debian's dataset-fashion-mnist,
which `make test` installs when it can); without it, that notebook's run fails saying how to get it.
"""
import os

import nbformat
import pytest

import minigrad

from conftest import IN_CI
from notebook_runner import MAX_STORED_BYTES, NOTEBOOKS, ROOT, execute, problems

NAMES = ['01_linear_regression', '02_vectorization', '03_training_framework',
         '04_linear_regression_scratch', '05_generalization', '06_mlp', '07_modules_and_parameters',
         '08_autodiff_internals', '09_convolutions', '10_blind_deconvolution', '11_forward_mode']
WHERE_FROM = 'import minigrad; print(minigrad.__file__)'
NEEDS_LAYERS = {'10_blind_deconvolution': ('Conv2d', 'BatchNorm2d', 'ReflectionPad2d', 'Upsample')}


def path_of(name):
    return os.path.join(NOTEBOOKS, name + '.ipynb')


def test_one_notebook_per_part():
    assert sorted(f[:-len('.ipynb')] for f in os.listdir(NOTEBOOKS) if f.endswith('.ipynb')) == NAMES


@pytest.mark.parametrize('name', NAMES)
def test_stored_outputs_come_from_a_full_run(name):
    nb = nbformat.read(path_of(name), as_version=4)
    assert problems(nb) == []
    assert os.path.getsize(path_of(name)) <= MAX_STORED_BYTES


def test_the_stored_output_check_can_fail():
    nb = nbformat.read(path_of('07_modules_and_parameters'), as_version=4)
    code = [c for c in nb.cells if c.cell_type == 'code']
    code[0].outputs = []                                   # ends with `net(X).shape`: must show it
    code[2].execution_count = 7                            # out of order
    code[3].outputs = [nbformat.v4.new_output('error', ename='ValueError', evalue='bad', traceback=[])]
    found = problems(nb)
    assert len(found) == 3 and 'no stored output' in found[0] and 'execution count 7' in found[1]
    assert 'ValueError: bad' in found[2]


@pytest.mark.slow
@pytest.mark.parametrize('name', NAMES)
def test_runs_top_to_bottom_in_a_fresh_kernel(name, tmp_path):
    if not IN_CI:
        pytest.importorskip('nbclient', reason="the notebook extras are not installed (pip install -e '.[notebooks]')")
        pytest.importorskip('ipykernel', reason="the notebook extras are not installed (pip install -e '.[notebooks]')")
    missing = [layer for layer in NEEDS_LAYERS.get(name, ()) if not hasattr(minigrad.nn, layer)]
    if missing:
        pytest.skip(f"{name} needs minigrad.nn.{', '.join(missing)} (the convolutional layers)")
    nb = execute(path_of(name), fast=True, cwd=str(tmp_path), extra_code=WHERE_FROM)
    where_from = nb.cells[-1].outputs[0].text.strip()
    assert where_from == os.path.join(ROOT, 'minigrad', '__init__.py')
    assert problems(nb, allow_fast=True) == []
    assert sorted(os.listdir(tmp_path)) == []  # no file written where the notebook ran
