"""Execute the notebooks in notebooks/ in a fresh kernel, and check the outputs stored in them.

Used by tests/test_notebooks.py (fast settings, in a temporary folder) and by ``make notebooks``, which
re-executes them with their full settings and saves the outputs in place::

    python tests/notebook_runner.py notebooks/*.ipynb      # what `make notebooks` runs

The kernel imports minigrad from this checkout (its root is put first on PYTHONPATH), whatever else is
installed. ``MINIGRAD_NOTEBOOK_FAST=1`` in the kernel's environment makes the notebooks use fewer
epochs and smaller sizes; without it they run the seed's settings.
"""
import argparse
import ast
import os
import sys
import time

import nbformat

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOKS = os.path.join(ROOT, 'notebooks')
FAST_VARIABLE = 'MINIGRAD_NOTEBOOK_FAST'
MAX_STORED_BYTES = 1_500_000  # a stored notebook stays readable on a code host (PNG plots, short logs)


def kernel_env(fast):
    """The environment of the kernel: this checkout's minigrad first on the path, a plain matplotlib
    backend for anything outside the inline one, and the fast switch set or removed."""
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join([ROOT] + [p for p in env.get('PYTHONPATH', '').split(os.pathsep) if p])
    env.pop('MPLBACKEND', None)
    if fast:
        env[FAST_VARIABLE] = '1'
    else:
        env.pop(FAST_VARIABLE, None)
    return env


def execute(path, fast, cwd, timeout=900, extra_code=None):
    """Run the notebook at ``path`` top to bottom in a fresh kernel started in ``cwd``; returns the
    executed notebook (the file is not changed). A cell that raises raises
    ``nbclient.exceptions.CellExecutionError`` naming the cell and the error. ``extra_code`` is run as
    one more cell at the end (its outputs are in the last cell)."""
    from nbclient import NotebookClient
    nb = nbformat.read(path, as_version=4)
    if extra_code is not None:
        nb.cells.append(nbformat.v4.new_code_cell(extra_code))
    client = NotebookClient(nb, timeout=timeout, kernel_name='python3', record_timing=False,
                            resources={'metadata': {'path': cwd}})
    client.execute(env=kernel_env(fast))
    return nb


def ends_with_expression(source):
    """Whether a cell's last statement is an expression whose value Jupyter shows (not silenced
    with ``;``). Cells starting with a ``%`` magic are read without their magic lines."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(('%', '!'))]
    code = '\n'.join(lines).strip()
    if not code:
        return False
    tree = ast.parse(code)
    return bool(tree.body) and isinstance(tree.body[-1], ast.Expr) and not code.endswith(';')


def problems(nb, allow_fast=False):
    """What is wrong with a notebook's outputs, as a list of sentences (empty when fine): every code
    cell must have been executed, in order, in one run (execution counts 1, 2, 3, ...); no output may
    be an error; a cell whose last statement is an expression must show something; at least one figure
    must be there; and, unless ``allow_fast``, the run must not be the fast one (a notebook with a fast
    mode prints ``MINIGRAD_NOTEBOOK_FAST=1`` in its settings line when it runs in it)."""
    found = []
    code_cells = [c for c in nb.cells if c.cell_type == 'code']
    for k, cell in enumerate(code_cells, 1):
        head = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else '(empty)'
        where = f"code cell {k} ({head!r})"
        if cell.execution_count != k:
            found.append(f"{where} has execution count {cell.execution_count}, expected {k}: the notebook "
                         "was not run once from top to bottom")
        for out in cell.outputs:
            if out.output_type == 'error':
                found.append(f"{where} stored an error: {out.ename}: {out.evalue}")
            text = out.get('text', '') or ''.join(str(v) for v in out.get('data', {}).values()
                                                   if isinstance(v, str))
            if not allow_fast and f'{FAST_VARIABLE}=1' in text:
                found.append(f"{where} shows fast settings: store outputs of a full run (make notebooks)")
        if ends_with_expression(cell.source) and not cell.outputs:
            found.append(f"{where} ends with an expression but has no stored output")
    if not any('image/png' in out.get('data', {}) or 'image/svg+xml' in out.get('data', {})
               for cell in code_cells for out in cell.outputs):
        found.append("no figure is stored")
    return found


def save_executed(path):
    """Execute with full settings in the notebooks folder and write the outputs into the file."""
    start = time.perf_counter()
    nb = execute(path, fast=False, cwd=os.path.dirname(os.path.abspath(path)))
    nb.metadata.pop('widgets', None)
    found = problems(nb)
    if found:
        raise SystemExit(f"{path}: " + '; '.join(found))
    tmp = f'{path}.tmp'
    nbformat.write(nb, tmp)
    os.replace(tmp, path)
    size = os.path.getsize(path)
    print(f"{os.path.relpath(path)}: executed in {time.perf_counter() - start:.0f} s, {size / 1e3:.0f} kB")
    if size > MAX_STORED_BYTES:
        raise SystemExit(f"{path} is {size} bytes, more than {MAX_STORED_BYTES}: shrink its outputs")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('paths', nargs='+', help='notebooks to execute and save')
    args = parser.parse_args(argv)
    for path in args.paths:
        save_executed(path)


if __name__ == '__main__':
    sys.exit(main())
