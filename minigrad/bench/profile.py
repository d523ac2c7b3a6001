"""Where minigrad's time goes: the anatomy of one tiny op, and of one MLP step beside the NumPy floor.

    minigrad bench profile
    minigrad bench profile --cprofile 15       # also the top functions of a 1,000-op chain by own time

(1) One op, layer by layer (thread CPU time, best of ``--repeat`` timeit runs, so that load from
elsewhere inflates nothing):
the NumPy kernel alone, ``Function.forward`` (node + kernel), ``Function.apply`` without and with graph
recording, and the operator as users write it; then, per node of a back-propagated chain, the node's own
``backward`` against what the engine spends around it. (2) One SGD step of the MLP 784-256-10: each
phase (forward, zero_grad, backward, update), the time spent inside each op's forward and backward
kernels, the rest (Python and engine bookkeeping), and the peak memory of a step beyond its inputs,
against the hand-written NumPy floor and its GEMMs alone.
"""
import cProfile
import io
import pstats
import sys
import time
import timeit

from . import chains, mlp
from .common import (CLOCKS, base_parser, measure, median, metadata, new_figure, print_conditions,
                     save_results, table, benchmark_main, xp)


# ------------------------------------------------------------------------------------------ one op
def _best(fn, number, repeat):
    """Microseconds of this thread's CPU time per call, the best of ``repeat`` timeit runs of ``number``
    calls. CPU time, not wall time: on a shared machine a descheduled thread is not charged, so the
    layers stay comparable to a tenth of a microsecond even under load."""
    return min(timeit.repeat(fn, number=number, repeat=repeat, timer=time.thread_time)) / number * 1e6


def op_anatomy(repeat=7, number=20000, n_ops=1000):
    """Rows ``{workload, layer, us}`` for ``y * c`` with a Python float (constants) and with a tensor
    that requires grad (params)."""
    import minigrad
    from minigrad.functions.elementwise import Add, Mul
    x = xp.full(4, 1.0, dtype=xp.float32)
    rows = []
    for workload in ('constants', 'params'):
        t = minigrad.tensor(x, requires_grad=True)
        plain = minigrad.tensor(x)
        c = 0.999 if workload == 'constants' else minigrad.tensor(x, requires_grad=True)
        c_arr = c if workload == 'constants' else c.array
        recorded = Mul.apply(t, c)
        g = xp.ones(4, dtype=xp.float32)
        layers = [
            ('NumPy kernel alone (x * c)', lambda: x * c_arr),
            ('Function.forward: node object + kernel', lambda: Mul.forward(Mul(), x, c_arr)),
            ('Function.apply, not recorded (+ Tensor)', lambda: Mul.apply(plain, c)),
            ('Function.apply, recorded (+ graph node)', lambda: Mul.apply(t, c)),
            ('t * c as written (+ operator, dtype rules)', lambda: t * c),
            ('Mul.backward alone (grad * b)', lambda: Mul.backward(recorded.grad_fn, g)),
            ('Add.backward alone', lambda: Add.backward(None, g)),
        ]
        for name, fn in layers:
            rows.append({'workload': workload, 'layer': name, 'us': _best(fn, number, repeat)})
        run = chains.build('minigrad', n_ops, params=workload == 'params', clock=time.thread_time)
        runs = [run() for _ in range(repeat)]
        for phase in ('forward', 'backward'):
            rows.append({'workload': workload, 'layer': f'chain of {n_ops}: {phase} per op',
                         'us': min(r[phase] for r in runs) / n_ops * 1e6})
    return rows


def chain_cprofile(top, n_ops=1000, runs=100):
    """The ``top`` functions by own time while building and back-propagating a chain, as text."""
    run = chains.build('minigrad', n_ops)
    run()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        run()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats('tottime').print_stats(top)
    return out.getvalue()


# -------------------------------------------------------------------------------------- MLP step
class OpTimers:
    """Wrap every Function's forward and backward with timers (restored on exit). ``totals`` maps
    ``(op, phase)`` to seconds spent in outermost calls: an op called inside another op's backward
    (``Expand`` inside ``Mean.backward``) is counted as part of the outer one, never twice."""

    def __init__(self, clock=time.perf_counter):
        self.totals = {}
        self.clock = clock
        self._saved = []
        self._depth = 0

    def __enter__(self):
        from minigrad.autograd.function import Function
        stack, classes = [Function], []
        while stack:
            cls = stack.pop()
            stack.extend(cls.__subclasses__())
            classes.append(cls)
        for cls in classes:
            for phase in ('forward', 'backward'):
                if phase in vars(cls) and cls is not Function:
                    original = vars(cls)[phase]
                    self._saved.append((cls, phase, original))
                    setattr(cls, phase, staticmethod(self._timed(cls.__name__, phase, original.__func__)))
        return self

    def _timed(self, name, phase, fn):
        key = (name, phase)

        def timed(*args, **kwargs):
            self._depth += 1
            start = self.clock()
            try:
                return fn(*args, **kwargs)
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self.totals[key] = self.totals.get(key, 0.0) + self.clock() - start
        return timed

    def __exit__(self, *exc):
        for cls, phase, original in reversed(self._saved):
            setattr(cls, phase, original)
        return False


PHASES = ('forward', 'zero_grad', 'backward', 'update')


def mlp_anatomy(batch=256, steps=30, clock='wall'):
    """Per-step medians (ms): each phase of minigrad's step, the part of it inside op kernels (by op),
    the rest; and, measured interleaved, the whole step beside the NumPy floor and its GEMMs."""
    params, X, y = mlp.make_problem(batch)
    model = mlp.MinigradMLP(params)
    Xb, yb = model.prepare(X, y)
    floor, _ = mlp.numpy_step(params)
    gemms, _ = mlp.gemms_only(params)
    for _ in range(3):
        model.step(Xb, yb)
        floor(X, y)
    actions = dict(zip(PHASES, (lambda: model.loss(Xb, yb), model.zero_grad, None, model.update)))
    now = CLOCKS[clock]
    wall = {p: [] for p in PHASES}
    inside = {p: [] for p in PHASES}
    by_op = []
    with OpTimers(now) as timers:
        for _ in range(steps):
            loss, ops_in_step = None, {}
            for phase in PHASES:
                timers.totals.clear()
                start = now()
                if phase == 'backward':
                    loss.backward()
                elif phase == 'forward':
                    loss = actions[phase]()
                else:
                    actions[phase]()
                wall[phase].append(now() - start)
                inside[phase].append(sum(timers.totals.values()))
                ops_in_step.update({(phase,) + key: v for key, v in timers.totals.items()})
            by_op.append(ops_in_step)
    keys = sorted({key for sample in by_op for key in sample})
    samples = measure({'minigrad': lambda: model.step(Xb, yb), 'numpy (floor)': lambda: floor(X, y),
                       'numpy GEMMs only': lambda: gemms(X, y)}, repeat=steps, warmup=1, clock=clock)
    ms = 1e3
    return {'phases': [{'phase': p, 'ms': median(wall[p]) * ms, 'in_ops_ms': median(inside[p]) * ms,
                        'outside_ms': median([w - i for w, i in zip(wall[p], inside[p])]) * ms}
                       for p in PHASES],
            'ops_ms': [{'during': d, 'op': op, 'phase': ph, 'ms': median([s.get((d, op, ph), 0.0)
                                                                          for s in by_op]) * ms}
                       for d, op, ph in keys],
            'step_ms': {name: median(s['total']) * ms for name, s in samples.items()},
            'memory_mb': _step_memory(model, Xb, yb, floor, X, y)}


def _step_memory(model, Xb, yb, floor, X, y):
    """Peak memory (tracemalloc) of one step beyond what was allocated before it, in MiB."""
    import tracemalloc
    out = {}
    for name, fn in (('minigrad', lambda: model.step(Xb, yb)), ('numpy (floor)', lambda: floor(X, y))):
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        fn()
        out[name] = (tracemalloc.get_traced_memory()[1] - base) / 2 ** 20
        tracemalloc.stop()
    return out


# ------------------------------------------------------------------------------------------ report
def format_mlp(result):
    step = result['step_ms']
    lines = [[r['phase'], f"{r['ms']:.3f}", f"{r['in_ops_ms']:.3f}", f"{r['outside_ms']:.3f}"]
             for r in result['phases']]
    lines += [[name + ' step', f'{step[name]:.3f}', '', ''] for name in step]
    text = table(['phase', 'ms (median)', 'inside op kernels', 'outside (engine, Python)'], lines)
    ops = table(['during', 'op', 'kernel', 'ms per step'],
                [[r['during'], r['op'], r['phase'], f"{r['ms']:.3f}"]
                 for r in sorted(result['ops_ms'], key=lambda r: -r['ms'])])
    mem = result['memory_mb']
    return (f"{text}\n\nper op (time inside its forward/backward, nested ops included):\n{ops}\n\n"
            f"peak memory of one step beyond its inputs: minigrad {mem['minigrad']:.2f} MiB, NumPy floor "
            f"{mem['numpy (floor)']:.2f} MiB")


def plot(op_rows, result):
    fig = new_figure(11, 4.2)
    ax_op, ax_mlp = fig.subplots(1, 2)
    for k, workload in enumerate(('constants', 'params')):
        sel = [r for r in op_rows if r['workload'] == workload]
        ax_op.barh([i + 0.4 * k for i in range(len(sel))], [r['us'] for r in sel], height=0.4, label=workload)
    labels = [r['layer'] for r in op_rows if r['workload'] == 'constants']
    ax_op.set_yticks([i + 0.2 for i in range(len(labels))], labels, fontsize=7)
    ax_op.invert_yaxis()
    ax_op.set_xlabel('microseconds (best of repeats)')
    ax_op.legend()
    ax_op.set_title('one tiny op, layer by layer')
    ops = sorted(result['ops_ms'], key=lambda r: -r['ms'])
    ax_mlp.barh([f"{r['op']}.{r['phase']} ({r['during']})" for r in ops], [r['ms'] for r in ops])
    ax_mlp.invert_yaxis()
    ax_mlp.tick_params(axis='y', labelsize=7)
    ax_mlp.set_xlabel('ms per step inside the op')
    ax_mlp.set_title(f"MLP step {result['step_ms']['minigrad']:.2f} ms vs floor "
                     f"{result['step_ms']['numpy (floor)']:.2f} ms")
    return fig


def parser():
    p = base_parser('minigrad bench profile', __doc__)
    p.add_argument('--cprofile', type=int, default=0, help='print the top N functions of a chain (0: none)')
    p.add_argument('--steps', type=int, default=30, help='MLP steps profiled')
    return p


def run(args, command='minigrad bench profile'):
    number, steps = (2000, 5) if args.quick else (20000, args.steps)
    repeat = 2 if args.quick else args.repeat
    print_conditions()
    op_rows = op_anatomy(repeat, number)
    print('\none op on a 4-element float32 tensor, layer by layer (microseconds, best of repeats)')
    print(table(['layer', 'constants us', 'params us'],
                [[a['layer'], f"{a['us']:.2f}", f"{b['us']:.2f}"]
                 for a, b in zip(op_rows[:len(op_rows) // 2], op_rows[len(op_rows) // 2:])]))
    result = mlp_anatomy(steps=steps, clock=args.clock)
    print(f'\nMLP 784-256-10 SGD step, batch 256 ({args.clock} clock, medians over steps; op kernels timed '
          'by wrappers)')
    print(format_mlp(result))
    if args.cprofile:
        print('\ncProfile of a 1,000-op chain (forward + backward), top functions by own time')
        print(chain_cprofile(args.cprofile))
    record = dict(metadata(command, args), op=op_rows, mlp=result)
    save_results(args, 'profile', record, plot(op_rows, result))
    return record


main = benchmark_main(parser, run)


if __name__ == '__main__':
    sys.exit(main())
