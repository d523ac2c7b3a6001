"""Data-parallel training on MPI: all-reduce overhead against raw mpi4py; DDP examples/s and scaling.

Runs its measurements under ``mpiexec`` (found beside the Python, as the ``mpich`` wheel installs it,
or on PATH), in worker processes:

1. all-reduce: ``minigrad.distributed.all_reduce`` of a float32 tensor against mpi4py's
   ``comm.Allreduce(MPI.IN_PLACE, array)`` on the same array, message sizes 4 KB .. 64 MB, on ``--ranks``
   processes, interleaved (minigrad, raw, minigrad, ...); the slowest rank's time per call counts, and
   the best repetition is reported (the one least disturbed by other load; the medians are in the
   JSON). Also the non-blocking form (``async_op=True`` then ``wait()``), and on ONE process, where MPI
   has nothing to send, what minigrad's Python layer costs per call.
2. training: MLPs wrapped in ``DistributedDataParallel`` (ReLU, cross-entropy, SGD): the seed's
   784-256-10 (its 0.8 MB of gradients fit one bucket: nothing can overlap) and a deeper 784-1024-1024-
   1024-10 (8.5 MB, several 1 MB buckets with ``--bucket-mb 1``: the first ones travel while the backward
   computes the rest), and a small conv net when this build has ``nn.Conv2d``; ``--batch`` examples per
   rank per step, on 1 and on ``--ranks`` processes: examples per second (all ranks together), the scaling efficiency
   (``throughput(N) / (N * throughput(1))``), and how much of the gradient communication was hidden
   behind the backward: ``1 - exposed / blocking``, where ``exposed`` is the time from the end of the
   LAST rank's backward to the averaged gradients being there (the median over steps; waiting for a
   slower rank is imbalance, not communication) and ``blocking`` is the time the same buckets take
   all-reduced one after another with nothing to overlap. (The ranks' clocks are compared, so this
   figure needs the ranks on one machine.)

    minigrad bench distributed
    minigrad bench distributed --ranks 4 --batch 128 --steps 100

On a machine with fewer free cores than ranks the ranks share cores and the scaling says so: the
numbers are those of this machine, under its load (printed).
"""
import json
import os
import shutil
import subprocess
import sys
import time

from .. import backend
from .common import (base_parser, benchmark_main, metadata, new_figure, print_conditions, save_results, table,
                     worker_env)

SIZES = [4 << 10, 64 << 10, 1 << 20, 16 << 20, 64 << 20]


def _mpiexec():
    beside = os.path.join(os.path.dirname(sys.executable), 'mpiexec')
    return beside if os.path.exists(beside) else shutil.which('mpiexec')


def _launch(ranks, argv, timeout):
    exe = _mpiexec()
    if exe is None:
        return {'status': 'failed', 'reason': "no mpiexec: pip install 'minigrad[distributed]'"}
    env = worker_env()
    env.update(OMP_NUM_THREADS='1', OPENBLAS_NUM_THREADS='1', MKL_NUM_THREADS='1')
    try:
        proc = subprocess.run([exe, '-n', str(ranks), sys.executable, '-m', 'minigrad.bench.distributed',
                               *argv], capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {'status': 'failed', 'reason': f'timed out after {timeout} s'}
    lines = [line for line in (proc.stdout or '').splitlines() if line.startswith('{')]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or '').strip().splitlines()[-3:]
        return {'status': 'failed', 'reason': f'exit code {proc.returncode}: ' + ' | '.join(tail)[:400]}
    return json.loads(lines[-1])


# --------------------------------------------------------------------------------- worker: all-reduce
def _worker_allreduce(sizes, repeat):
    host = backend.host
    from mpi4py import MPI

    import minigrad
    import minigrad.distributed as dist
    dist.init_process_group('mpi')
    comm = MPI.COMM_WORLD
    rows = []
    for nbytes in sizes:
        t = minigrad.zeros(nbytes // 4, dtype=minigrad.float32)
        array = t.array
        number = max(2, min(200, (8 << 20) // nbytes))

        def ours():
            dist.all_reduce(t)

        def ours_async():
            dist.all_reduce(t, async_op=True).wait()

        def raw():
            comm.Allreduce(MPI.IN_PLACE, array, op=MPI.SUM)

        cases = {'minigrad': ours, 'minigrad async': ours_async, 'mpi4py': raw}
        samples = {name: [] for name in cases}
        for fn in cases.values():
            fn()
        for r in range(repeat):
            names = list(cases)
            names = names[r % len(names):] + names[:r % len(names)]
            for name in names:
                comm.Barrier()
                start = time.perf_counter()
                for _ in range(number):
                    cases[name]()
                elapsed = (time.perf_counter() - start) / number
                samples[name].append(comm.allreduce(elapsed, op=MPI.MAX))
        best = {name: min(v) for name, v in samples.items()}
        rows.append({'bytes': nbytes, 'calls': number, **{f'{k}_s': v for k, v in best.items()},
                     **{f'{k}_median_s': float(host.median(v)) for k, v in samples.items()},
                     'overhead': best['minigrad'] / best['mpi4py'] - 1,
                     'overhead_async': best['minigrad async'] / best['mpi4py'] - 1})
    if comm.Get_rank() == 0:
        print(json.dumps({'status': 'ok', 'ranks': comm.Get_size(), 'rows': rows}))


# ----------------------------------------------------------------------------------- worker: training
def _worker_train(batch, steps, hidden, bucket_mb):
    host = backend.host
    from mpi4py import MPI

    import minigrad
    import minigrad.distributed as dist
    from minigrad import nn, optim
    from minigrad.nn.parallel import DistributedDataParallel
    dist.init_process_group('mpi')
    comm = MPI.COMM_WORLD
    rank, world = comm.Get_rank(), comm.Get_size()
    minigrad.manual_seed(0)
    shape = (784,)
    if hidden == 'conv':
        if not hasattr(nn, 'Conv2d'):
            if rank == 0:
                print(json.dumps({'status': 'skipped', 'reason': 'this build has no nn.Conv2d'}))
            return
        shape = (1, 28, 28)
        net = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1),
                            nn.ReLU(), nn.Flatten(), nn.Linear(16 * 28 * 28, 10))
    else:
        sizes = [784] + [int(h) for h in hidden.split('x')]
        layers = []
        for a, b in zip(sizes, sizes[1:]):
            layers += [nn.Linear(a, b), nn.ReLU()]
        net = nn.Sequential(*layers, nn.Linear(sizes[-1], 10))
    model = DistributedDataParallel(net, bucket_cap_mb=bucket_mb)
    opt = optim.SGD(model.parameters(), lr=0.1)
    loss_fn = nn.CrossEntropyLoss()
    rng = host.random.default_rng(rank)
    X = minigrad.from_numpy(rng.random((batch * 8,) + shape, dtype=host.float32))
    y = minigrad.from_numpy(rng.integers(0, 10, batch * 8))

    def step(i):
        rows = slice((i % 8) * batch, (i % 8 + 1) * batch)
        loss = loss_fn(model(X[rows]), y[rows])
        opt.zero_grad()
        loss.backward()
        opt.step()

    for i in range(3):
        step(i)
    comm.Barrier()
    start = time.perf_counter()
    for i in range(steps):
        step(i)
    elapsed = comm.allreduce(time.perf_counter() - start, op=MPI.MAX)
    # Exposed communication: from the moment the LAST rank finished its backward to the moment the
    # averaged gradients were there (waiting for a slower rank is load imbalance, not communication).
    # Timed steps apart from the throughput ones: one extra small all-reduce per step. perf_counter is
    # CLOCK_MONOTONIC, shared by the processes of one machine.
    exposed = []
    for i in range(steps):
        step(i)
        stats = model.reducer.stats
        last_end = comm.allreduce(stats['backward_end'], op=MPI.MAX)
        exposed.append(comm.allreduce(max(0.0, stats['reduced'] - last_end), op=MPI.MAX))
    exposed = float(host.median(exposed))
    # the same buckets all-reduced one after another, nothing to overlap with
    buckets = [b.flat for b in model.reducer.buckets]
    samples = []
    for _ in range(max(5, steps // 4)):
        comm.Barrier()
        t0 = time.perf_counter()
        for buf in buckets:
            model.reducer.comm.Allreduce(MPI.IN_PLACE, buf, op=MPI.SUM)
        samples.append(comm.allreduce(time.perf_counter() - t0, op=MPI.MAX))
    blocking = float(host.median(samples))
    if rank == 0:
        print(json.dumps({'status': 'ok', 'ranks': world, 'batch_per_rank': batch, 'steps': steps,
                          'buckets': len(buckets), 'gradient_bytes': int(sum(b.nbytes for b in buckets)),
                          'examples_per_s': world * batch * steps / elapsed, 'step_s': elapsed / steps,
                          'exposed_wait_s': exposed, 'blocking_allreduce_s': blocking,
                          'hidden_fraction': (max(0.0, 1 - exposed / blocking) if world > 1 and blocking
                                              else None)}))


# ---------------------------------------------------------------------------------------------- main
def _mb(n):
    return f'{n / 2 ** 20:g} MB' if n >= 1 << 20 else f'{n >> 10} KB'


def run(args, command='minigrad bench distributed'):
    sizes = SIZES[:3] if args.quick else SIZES
    repeat = 2 if args.quick else args.repeat
    steps = 10 if args.quick else args.steps
    print_conditions()
    record = dict(metadata(command, args), ranks=args.ranks)
    ar = _launch(args.ranks, ['--worker', 'allreduce', '--sizes', ','.join(map(str, sizes)),
                              '--repeat', str(repeat)], args.timeout)
    record['allreduce'] = ar
    alone = _launch(1, ['--worker', 'allreduce', '--sizes', str(4 << 10), '--repeat', str(repeat)],
                    args.timeout)
    record['allreduce_one_process'] = alone
    if alone['status'] == 'ok':
        r = alone['rows'][0]
        print(f"\nminigrad's own cost per all_reduce call (one process, 4 KB, nothing to send): "
              f"{(r['minigrad_s'] - r['mpi4py_s']) * 1e6:.1f} us (mpi4py alone {r['mpi4py_s'] * 1e6:.1f} us)")
    print(f"\nall-reduce of float32 on {args.ranks} ranks (best repetition, per call, slowest rank):")
    if ar['status'] != 'ok':
        print(f"  failed: {ar['reason']}")
    else:
        print(table(['size', 'mpi4py', 'minigrad', 'overhead', 'minigrad async', 'overhead'],
                    [[_mb(r['bytes']), f"{r['mpi4py_s'] * 1e6:.1f} us", f"{r['minigrad_s'] * 1e6:.1f} us",
                      f"{r['overhead']:+.1%}", f"{r['minigrad async_s'] * 1e6:.1f} us",
                      f"{r['overhead_async']:+.1%}"] for r in ar['rows']]))
    record['train'] = {}
    for hidden in args.models.split(','):
        train = {}
        for ranks in sorted({1, args.ranks}):
            train[ranks] = _launch(ranks, ['--worker', 'train', '--batch', str(args.batch), '--steps',
                                           str(steps), '--hidden', hidden, '--bucket-mb', str(args.bucket_mb)],
                                   args.timeout)
        record['train'][hidden] = {str(k): v for k, v in train.items()}
        what = ('conv net 1x28x28-conv3x3(16)-conv3x3(16)-linear(10)' if hidden == 'conv' else
                f"MLP 784-{hidden.replace('x', '-')}-10")
        print(f"\nDistributedDataParallel {what}, batch {args.batch} per rank, {steps} steps, "
              f"bucket_cap_mb {args.bucket_mb}:")
        rows = []
        one = train.get(1, {})
        for ranks, r in train.items():
            if r['status'] != 'ok':
                rows.append([ranks, f"{r['status']}: " + r['reason'][:60], '', '', '', ''])
                continue
            eff = (r['examples_per_s'] / (ranks * one['examples_per_s'])
                   if one.get('status') == 'ok' else None)
            r['scaling_efficiency'] = eff
            hid = r['hidden_fraction']
            if hid is None:
                hidden_text = ''
            else:
                hidden_text = (f"{hid:.0%} ({r['exposed_wait_s'] * 1e3:.2f} ms exposed of "
                               f"{r['blocking_allreduce_s'] * 1e3:.2f} ms)")
                if r['buckets'] == 1:  # launched at the backward's end: nothing to hide it behind
                    hidden_text = 'none possible (one bucket); ' + hidden_text.split(' ', 1)[1]
            rows.append([ranks, r['buckets'], f"{r['examples_per_s']:,.0f}", f"{r['step_s'] * 1e3:.2f} ms",
                         '' if eff is None else f'{eff:.0%}', hidden_text])
        print(table(['ranks', 'buckets', 'examples/s', 'step', 'scaling efficiency', 'communication hidden'],
                    rows))
    save_results(args, 'distributed', record, plot(record))
    return record


def plot(record):
    """Left: all-reduce time per call against message size; right: examples/s per model and ranks."""
    fig = new_figure(10, 4)
    ax_ar, ax_tr = fig.subplots(1, 2)
    ar = record['allreduce']
    if ar.get('status') == 'ok':
        sizes = [r['bytes'] for r in ar['rows']]
        for key, label in (('mpi4py_s', 'mpi4py'), ('minigrad_s', 'minigrad'),
                           ('minigrad async_s', 'minigrad async_op')):
            ax_ar.loglog(sizes, [r[key] for r in ar['rows']], 'o-', label=label)
        ax_ar.set_xlabel('bytes')
        ax_ar.set_ylabel('seconds per all-reduce')
        ax_ar.legend()
    labels, values = [], []
    for model, runs in record['train'].items():
        for ranks, r in runs.items():
            if r.get('status') == 'ok':
                labels.append(f"{model}\n{ranks} rank{'s' if ranks != '1' else ''}")
                values.append(r['examples_per_s'])
    ax_tr.bar(range(len(values)), values)
    ax_tr.set_xticks(range(len(values)), labels, fontsize=7)
    ax_tr.set_ylabel('examples / s')
    fig.suptitle(f"minigrad.distributed on {record['ranks']} ranks")
    return fig


def parser():
    p = base_parser('minigrad bench distributed', __doc__)
    p.set_defaults(repeat=9, threads=1)
    p.add_argument('--ranks', type=int, default=2, help='processes for the multi-rank runs')
    p.add_argument('--batch', type=int, default=256, help='examples per rank per step')
    p.add_argument('--steps', type=int, default=60, help='timed training steps')
    p.add_argument('--models', default='256,1024x1024x1024,conv',
                   help="the models, comma-separated: an MLP's hidden layers ('x' between them), or 'conv' "
                   "(two 3x3 convolutions and a linear layer, when this build has nn.Conv2d)")
    p.add_argument('--bucket-mb', type=float, default=1, help="DDP's bucket_cap_mb")
    p.add_argument('--timeout', type=float, default=300, help='seconds before a worker job is given up')
    p.add_argument('--worker', choices=('allreduce', 'train'), help='internal: run as an MPI rank')
    p.add_argument('--sizes', default='', help='internal: message sizes in bytes')
    p.add_argument('--hidden', default='256', help="internal: one model's hidden layers")
    return p


def _worker(args):
    """A rank of an ``mpiexec`` job; rank 0 prints the result itself (nothing returned)."""
    if args.worker == 'allreduce':
        _worker_allreduce([int(s) for s in args.sizes.split(',')], args.repeat)
    elif args.worker == 'train':
        _worker_train(args.batch, args.steps, args.hidden, args.bucket_mb)
    else:
        raise SystemExit(f"unknown --worker {args.worker!r}: 'allreduce' or 'train'")


main = benchmark_main(parser, run, _worker)


if __name__ == '__main__':
    sys.exit(main())
