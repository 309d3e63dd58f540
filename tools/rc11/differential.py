"""Differential test of weft's weak memory against RC11 on random small programs.

Generates N random straight-line programs from a seed (2-3 threads of 1-3 operations on
two atomic locations: load, store, fetch_add, compare_exchange (strong, and with --weak
also weak), fence, under the orderings each allows), writes them as JSON, runs weft on them
(the ignored test `tests/rc11_differential.rs`), computes each program's RC11 outcome set
with the brute-force checker (`rc11.py`), and prints every mismatch: outcomes RC11 allows
that weft never produced (missing: weft is incomplete), and outcomes weft produced that
RC11 forbids (extra: false alarms).

An outcome is each thread's returned values in order (a load's value, a fetch_add's old
value, a compare-exchange's old value on success and 100 + the value it read on failure),
then the final value of each location (main reads them after joining every thread: the
mo-last stores). Main spawns all program threads, so every thread starts after the
initial values and main's final loads follow everything.

    python3 tools/rc11/differential.py --seed 1 --count 300

Options: --seqcst fences|none (SeqCst only on fences, or nowhere), --weights (how often
each kind of op is drawn), --weak (also weak compare-exchanges: they may fail spuriously,
except a thread's next weak one after a spurious failure, in weft and in the checker),
--rs c++20 (release sequences without the writer's later plain stores, as C++20 and Rust
define them; default: RC11 as published, which keeps them), --max-ops (total operations
per program), --programs FILE (run
these instead, e.g. a mismatch's `json:` line in a
list), --shrink (shrink each mismatch greedily: a thread or op less, an ordering
weaker, while the same kind of mismatch persists), --reuse (skip running weft on the
programs: read its previous outcomes), --jobs (Python processes for the checker),
--weft-only (run weft alone: how many executions it ran for how many distinct execution
graphs, `Builder::count_graphs`, without checking outcomes). The summary line gives those
two counts either way. --threads N (N threads per program instead of 2 or 3) with
--unreduced (compare with weft's own unreduced search, program by program, outcomes and
graph counts, instead of the checker, which is too slow past 3 threads).
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time
from multiprocessing import Pool

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rc11  # noqa: E402
from rc11 import W, R, U, F, Cas  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODE = {'Relaxed': 'rlx', 'Acquire': 'acq', 'Release': 'rel', 'AcqRel': 'acqrel',
        'SeqCst': 'sc'}
LOCS = ['x', 'y']

# ---------------------------------------------------------------------------------------
# Random programs


KINDS = ['load', 'store', 'fetch_add', 'cas', 'fence']
WEIGHTS = [3, 3, 1, 1, 1]


def random_op(rng, weak, seqcst='all', weights=WEIGHTS):
    """One random op; `seqcst`: where SeqCst may appear ('all', 'fences', 'none')."""
    op = _random_op(rng, weak, weights)
    if seqcst != 'all' and not (seqcst == 'fences' and op['op'] == 'fence'):
        weaker = {'load': 'Acquire', 'store': 'Release', 'fence': 'AcqRel'}.get(op['op'])
        for key in ('order', 'success'):
            if op.get(key) == 'SeqCst':
                op[key] = weaker or 'AcqRel'
        if op.get('failure') == 'SeqCst':
            op['failure'] = 'Acquire'
    return op


def _random_op(rng, weak, weights):
    loc = rng.randrange(2)
    kind = rng.choices(KINDS, weights)[0]
    if kind == 'load':
        return {'op': 'load', 'loc': loc, 'order': rng.choice(['Relaxed', 'Acquire', 'SeqCst'])}
    if kind == 'store':
        return {'op': 'store', 'loc': loc, 'value': rng.choice([1, 2]),
                'order': rng.choice(['Relaxed', 'Release', 'SeqCst'])}
    if kind == 'fetch_add':
        return {'op': 'fetch_add', 'loc': loc, 'value': 1,
                'order': rng.choice(['Relaxed', 'Acquire', 'Release', 'AcqRel', 'SeqCst'])}
    if kind == 'cas':
        success = rng.choice(['Relaxed', 'Acquire', 'Release', 'AcqRel', 'SeqCst'])
        # Usually the failure ordering std's compare_exchange pairs with it; sometimes any
        # allowed one (Relaxed, Acquire, SeqCst), independent of success (Rust >= 1.64).
        usual = {'Relaxed': 'Relaxed', 'Release': 'Relaxed', 'Acquire': 'Acquire',
                 'AcqRel': 'Acquire', 'SeqCst': 'SeqCst'}[success]
        failure = usual if rng.random() < 0.7 else rng.choice(['Relaxed', 'Acquire', 'SeqCst'])
        return {'op': 'cas', 'loc': loc, 'expected': rng.choice([0, 1, 2]), 'new': 3,
                'success': success, 'failure': failure,
                'weak': weak and rng.random() < 0.5}
    return {'op': 'fence', 'order': rng.choice(['Acquire', 'Release', 'AcqRel', 'SeqCst'])}


def random_program(rng, weak, max_ops, seqcst='all', weights=WEIGHTS, threads=None):
    """2 or 3 threads (or `threads`) of 1 to 3 ops, at most `max_ops` in all."""
    count = threads
    while True:
        threads = [[random_op(rng, weak, seqcst, weights) for _ in range(rng.randint(1, 3))]
                   for _ in range(count or rng.randint(2, 3))]
        if sum(map(len, threads)) <= max_ops:
            return {'threads': threads}


def show(program):
    """One line per thread, Rust-like."""
    def op(o):
        loc = LOCS[o.get('loc', 0)]
        if o['op'] == 'load':
            return f"{loc}.load({o['order']})"
        if o['op'] == 'store':
            return f"{loc}.store({o['value']}, {o['order']})"
        if o['op'] == 'fetch_add':
            return f"{loc}.fetch_add({o['value']}, {o['order']})"
        if o['op'] == 'cas':
            name = 'compare_exchange_weak' if o['weak'] else 'compare_exchange'
            return f"{loc}.{name}({o['expected']}, {o['new']}, {o['success']}, {o['failure']})"
        return f"fence({o['order']})"
    return '\n'.join(f"  T{t}: " + '; '.join(map(op, ops))
                     for t, ops in enumerate(program['threads']))


# ---------------------------------------------------------------------------------------
# RC11 side


def thread_of(ops):
    def thread():
        seen = []
        for o in ops:
            loc = LOCS[o.get('loc', 0)]
            if o['op'] == 'load':
                seen.append((yield R(loc, MODE[o['order']])))
            elif o['op'] == 'store':
                yield W(loc, o['value'], MODE[o['order']])
            elif o['op'] == 'fetch_add':
                seen.append((yield U(loc, lambda v, d=o['value']: v + d, MODE[o['order']])))
            elif o['op'] == 'cas':
                status, v = yield Cas(loc, o['expected'], o['new'], MODE[o['success']],
                                      o['weak'], MODE[o['failure']])
                seen.append(v if status == 'Ok' else 100 + v)
            else:
                yield F(MODE[o['order']])
        return tuple(seen)
    return thread


def domains(program):
    """Per location, every value it may hold: 0 and the stored and exchanged values, each
    plus the increments of any subset of the fetch_adds (what a read may return)."""
    dom = {}
    for li, loc in enumerate(LOCS):
        ops = [o for t in program['threads'] for o in t if o.get('loc') == li]
        base = {0}
        for o in ops:
            if o['op'] == 'store':
                base.add(o['value'])
            if o['op'] == 'cas':
                base.add(o['new'])
        adds = [o['value'] for o in ops if o['op'] == 'fetch_add']
        values = set(base)
        for d in adds:
            values |= {v + d for v in values}
        dom[loc] = sorted(values)
    return dom


def rc11_outcomes(program):
    progs = [thread_of(ops) for ops in program['threads']]
    dom = domains(program)
    outs = set()
    for combo, rf_of, moc, _ in rc11.graphs(progs, LOCS, domain=dom.__getitem__):
        flat = tuple(v for (_, res) in combo for v in res)
        outs.add(flat + tuple(order[-1].wval for order in moc))
    return outs


# ---------------------------------------------------------------------------------------
# weft side


def run_weft(programs_path, out_path, unreduced=False):
    env = dict(os.environ, WEFT_RC11_PROGRAMS=programs_path, WEFT_RC11_OUT=out_path)
    if unreduced:
        env['WEFT_RC11_UNREDUCED'] = '1'
    env.setdefault('CARGO_TARGET_DIR', os.path.join(REPO, 'target'))
    cmd = ['cargo', 'test', '--release', '--features', 'permute', '--test',
           'rc11_differential', '--', '--ignored', '--nocapture']
    print('$', ' '.join(cmd), file=sys.stderr)
    subprocess.run(cmd, cwd=REPO, env=env, check=True)


def outcome_sets(programs, args, name):
    """(RC11's, weft's) outcome sets of each program, the seconds each side took, and weft's
    executions and distinct execution graphs over all programs (with --weft-only, RC11's
    sets are weft's: the checker does not run)."""
    programs_path = os.path.join(args.dir, f'{name}.json')
    out_path = os.path.join(args.dir, f'{name}.weft.json')
    with open(programs_path, 'w') as f:
        json.dump(programs, f)
    t0 = time.time()
    if not args.reuse:
        run_weft(programs_path, out_path)
    t1 = time.time()
    with open(out_path) as f:
        runs = json.load(f)
    weft = [{tuple(o) for o in got['outcomes']} for got in runs]
    assert len(weft) == len(programs), 'weft outcomes are for other programs (--reuse?)'
    totals = (sum(got['executions'] for got in runs), sum(got['graphs'] for got in runs))
    if args.weft_only:
        return list(zip(weft, weft)), (t1 - t0, 0.0), totals
    with Pool(args.jobs, initializer=_init, initargs=(args.rs,)) as pool:
        expected = pool.map(rc11_outcomes, programs, chunksize=1)
    return list(zip(expected, weft)), (t1 - t0, time.time() - t1), totals


WEAKER = {'SeqCst': ['AcqRel', 'Acquire', 'Release'], 'AcqRel': ['Acquire', 'Release'],
          'Acquire': ['Relaxed'], 'Release': ['Relaxed'], 'Relaxed': []}


def simpler(program):
    """Programs one step simpler: a thread or an op less, an ordering weaker, a weak CAS
    strong, a smaller value."""
    threads = program['threads']

    def with_threads(ts):
        return {'threads': [t for t in ts if t]}
    for t in range(len(threads)):
        if len(threads) > 1:
            yield with_threads(threads[:t] + threads[t + 1:])
        for i in range(len(threads[t])):
            ts = json.loads(json.dumps(threads))
            del ts[t][i]
            if any(ts):
                yield with_threads(ts)
    for t in range(len(threads)):
        for i, o in enumerate(threads[t]):
            changes = []
            for key in ('order', 'success', 'failure'):
                if key in o:
                    for weaker in WEAKER[o[key]]:
                        ok = not (o['op'] == 'load' and weaker in ('Release', 'AcqRel'))
                        ok &= not (o['op'] == 'store' and weaker in ('Acquire', 'AcqRel'))
                        ok &= not (o['op'] == 'fence' and weaker == 'Relaxed')
                        ok &= not (key == 'failure' and weaker in ('Release', 'AcqRel'))
                        if ok:
                            changes.append({key: weaker})
            if o.get('weak'):
                changes.append({'weak': False})
            if o['op'] == 'store' and o['value'] != 1:
                changes.append({'value': 1})
            if o['op'] == 'cas' and o['expected'] != 0:
                changes.append({'expected': 0})
            for change in changes:
                ts = json.loads(json.dumps(threads))
                ts[t][i].update(change)
                yield with_threads(ts)


def shrink(program, kind, args):
    """Greedily simplifies `program` while it keeps a mismatch of `kind` ('missing' or
    'extra'); returns the last one that did, with its (RC11, weft) outcome sets."""
    def keeps(pair):
        want, got = pair
        return bool(want - got if kind == 'missing' else got - want)
    current, sets = program, None
    while True:
        batch = list(simpler(current))
        if not batch:
            return current, sets
        results, _, _ = outcome_sets(batch, args, 'shrink')
        for candidate, pair in zip(batch, results):
            if keeps(pair):
                current, sets = candidate, pair
                break
        else:
            return current, sets


def report(program, want, got, label):
    missing, extra = want - got, got - want
    print(f"{label}:\n{show(program)}")
    print(f"  RC11 {len(want)} outcomes, weft {len(got)}")
    if missing:
        print(f"  missing (RC11 allows, weft never produced): {sorted(missing)}")
    if extra:
        print(f"  extra (weft produced, RC11 forbids): {sorted(extra)}")
    print(f"  json: {json.dumps(program)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--count', type=int, default=300)
    ap.add_argument('--weak', action='store_true')
    ap.add_argument('--rs', choices=['rc11', 'c++20'], default='rc11')
    ap.add_argument('--max-ops', type=int, default=9)
    ap.add_argument('--seqcst', choices=['all', 'fences', 'none'], default='all',
                    help='where SeqCst may appear (else the next weaker ordering)')
    ap.add_argument('--weights', default=','.join(map(str, WEIGHTS)),
                    help='relative frequencies of ' + ', '.join(KINDS))
    ap.add_argument('--dir', default='/tmp/weft-rc11')
    ap.add_argument('--programs', help='a JSON file of programs to run instead of random ones')
    ap.add_argument('--reuse', action='store_true')
    ap.add_argument('--shrink', action='store_true',
                    help='also shrink each mismatch greedily (runs weft once per step)')
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 1)
    ap.add_argument('--threads', type=int,
                    help='threads per program (default: 2 or 3; the checker is slow past 3)')
    ap.add_argument('--unreduced', action='store_true',
                    help="compare with weft's unreduced search instead of the checker")
    ap.add_argument('--weft-only', action='store_true',
                    help='run weft alone, for its executions and graphs (no outcome check)')
    args = ap.parse_args()

    _init(args.rs)
    os.makedirs(args.dir, exist_ok=True)
    rng = random.Random(args.seed)
    weights = [int(w) for w in args.weights.split(',')]
    if args.programs:
        with open(args.programs) as f:
            programs = json.load(f)
    else:
        programs = [random_program(rng, args.weak, args.max_ops, args.seqcst, weights,
                                   args.threads)
                    for _ in range(args.count)]
    if args.unreduced:
        return against_unreduced(programs, args)
    results, (weft_s, rc11_s), (executions, graphs) = outcome_sets(programs, args, 'programs')
    args.reuse = False
    mismatches = missing_total = extra_total = 0
    for i, (program, (want, got)) in enumerate(zip(programs, results)):
        missing, extra = want - got, got - want
        if not (missing or extra):
            continue
        mismatches += 1
        missing_total += len(missing)
        extra_total += len(extra)
        report(program, want, got, f"program {i}")
        if args.shrink:
            for kind in ('extra', 'missing'):
                if (extra if kind == 'extra' else missing):
                    small, sets = shrink(program, kind, args)
                    if sets is None:
                        sets = (want, got)
                    report(small, *sets, f"program {i} shrunk ({kind})")
    source = args.programs or f"seed {args.seed}"
    settings = (f"{len(programs)} programs ({source}, weak CAS {args.weak}, "
                f"release sequences {args.rs}, SeqCst {args.seqcst}, "
                f"weights {args.weights}, <= {args.max_ops} ops)")
    if args.weft_only:
        print(f"{settings}: weft ran {executions} executions for {graphs} distinct graphs "
              f"in {weft_s:.0f} s (outcomes not checked)")
        return 0
    print(f"{settings}: "
          f"{mismatches} mismatched; "
          f"{missing_total} outcomes missing in weft, {extra_total} extra in weft; "
          f"weft {weft_s:.0f} s, RC11 checker {rc11_s:.0f} s; "
          f"weft ran {executions} executions for {graphs} distinct graphs")
    return 1 if mismatches else 0


def against_unreduced(programs, args):
    """Compares weft with its own unreduced search (a preemption bound no execution reaches,
    alone: no cone skip, though the older-store skip applies) program by program: the outcomes
    and the number of distinct execution graphs must be the same. Needs no checker, so it
    takes programs of any number of threads."""
    programs_path = os.path.join(args.dir, 'programs.json')
    with open(programs_path, 'w') as f:
        json.dump(programs, f)
    runs = []
    for unreduced in (False, True):
        out_path = os.path.join(args.dir, f'programs.{"unreduced" if unreduced else "weft"}.json')
        run_weft(programs_path, out_path, unreduced)
        with open(out_path) as f:
            runs.append(json.load(f))
    mismatches = 0
    for i, (program, got, want) in enumerate(zip(programs, *runs)):
        missing = {tuple(o) for o in want['outcomes']} - {tuple(o) for o in got['outcomes']}
        if got['graphs'] == want['graphs'] and not missing:
            continue
        mismatches += 1
        print(f"program {i}: {got['graphs']} graphs, unreduced {want['graphs']}; "
              f"outcomes missing: {sorted(missing)}")
        print(show(program))
        print(f"  json: {json.dumps(program)}")
    totals = [(sum(r['executions'] for r in run), sum(r['graphs'] for r in run)) for run in runs]
    source = args.programs or f"seed {args.seed}"
    print(f"{len(programs)} programs ({source}, threads {args.threads or '2-3'}): "
          f"{mismatches} with fewer graphs or outcomes than the unreduced search; "
          f"weft {totals[0][0]} executions for {totals[0][1]} graphs, "
          f"unreduced {totals[1][0]} for {totals[1][1]}")
    return 1 if mismatches else 0


def _init(rs):
    rc11.CXX20_RELEASE_SEQUENCES = rs == 'c++20'


if __name__ == '__main__':
    sys.exit(main())
