"""A fresh process's training steps: no page fault per steady-state step (minigrad/_malloc.py).

Before minigrad set glibc's malloc thresholds, a fresh process training the MLP 784-256-10 at batch
256 gave its gradients' memory back to the kernel at every step and faulted it in again at the next:
~400 minor page faults and ~1.4x the NumPy floor's time per step. The timing is in
`minigrad bench fresh-process`; here, the faults, which do not depend on the machine's load.
"""
import subprocess
import sys

import pytest

from minigrad import _malloc
from minigrad.bench import fresh_process


@pytest.mark.skipif(not sys.platform.startswith('linux'), reason='glibc malloc thresholds: Linux only')
def test_no_page_faults_per_step_in_a_fresh_process():
    rows = fresh_process.measure(['minigrad nn', 'minigrad'], repeat=1, batch=256, steps=30, warmup=10)
    for row in rows:
        assert row['status'] == 'ok', row
        assert row['faults_per_step'] == 0, row


def test_the_thresholds_are_set_on_import_unless_asked_not_to():
    if sys.platform.startswith('linux'):
        assert _malloc.applied, _malloc.reason
    code = 'import minigrad._malloc as m; print(m.applied, m.reason)'
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         env={'MINIGRAD_MALLOC': 'default', 'PATH': '/usr/bin:/bin'},
                         cwd=fresh_process.__file__.rsplit('/minigrad/', 1)[0])
    assert out.stdout.strip() == 'False MINIGRAD_MALLOC=default', out.stderr
