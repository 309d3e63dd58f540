"""Counts the distinct RC11-consistent execution graphs (events, rf, mo) of the litmus
programs of `tests/litmus.rs`: what an optimal explorer (TruSt, POPL 2022) runs, next to
the executions weft runs (the `EXECUTIONS` table there, the README's table). The
consistency check is `rc11.check`.

Main's final loads after the joins are not modelled as events: hb forces them to read the
mo-maximal store, so they add no choice; the outcome projection reads the mo-last value.

    python3 tools/rc11/graphs.py WEFT_COUNTS.tsv [OUT.tsv]

WEFT_COUNTS.tsv has lines `COUNT<TAB>label<TAB>executions<TAB>outcomes` (what the litmus
tests print); each label is parsed back into its program (`program`). Per-label counts go
to stderr; OUT.tsv (if given) gets `label, weft_executions, rc11_graphs, outcomes`.
"""
import sys
from rc11 import W, R, U, F, Cas, graphs


def count(progs, locs, proj, na=(), domain=None):
    """Returns (number of consistent graphs, set of outcomes, number of racy graphs,
    per-outcome graph counts). `proj(results, finals by loc)` is the outcome."""
    n = 0
    outcomes = {}
    racy = 0
    for combo, _, moc, race in graphs(progs, locs, na, domain):
        n += 1
        racy += bool(race)
        results = tuple(res for (_, res) in combo)
        final = tuple(order[-1].wval for order in moc)
        o = proj(results, dict(zip(locs, final)))
        outcomes[o] = outcomes.get(o, 0) + 1
    return n, set(outcomes), racy, outcomes


# ---------------------------------------------------------------------------------------
# Programs, transcribed from litmus.rs. Orderings: rlx, rel, acq, sc.
O = {'Relaxed': 'rlx', 'Release': 'rel', 'Acquire': 'acq', 'AcqRel': 'acqrel', 'SeqCst': 'sc',
     None: None}


def fence_if(f):
    return [F(O[f])] if f else []


def sb_prog(s1, l1, s2, l2, fences):
    def t1():
        yield W('x', 1, O[s1])
        for f in fence_if(fences[0]): yield f
        a = yield R('y', O[l1]); return a
    def t2():
        yield W('y', 1, O[s2])
        for f in fence_if(fences[1]): yield f
        b = yield R('x', O[l2]); return b
    return [t1, t2], ['x', 'y'], lambda r, fin: (r[0], r[1])


def mp_prog(sx, sy, ly, lx, fences):
    def writer():
        yield W('x', 1, O[sx])
        for f in fence_if(fences[0]): yield f
        yield W('y', 1, O[sy])
    def reader():
        a = yield R('y', O[ly])
        for f in fence_if(fences[1]): yield f
        b = yield R('x', O[lx]); return (a, b)
    return [writer, reader], ['x', 'y'], lambda r, fin: r[1]


def lb_prog(load, store):
    def t1():
        a = yield R('x', O[load]); yield W('y', 1, O[store]); return a
    def t2():
        b = yield R('y', O[load]); yield W('x', 1, O[store]); return b
    return [t1, t2], ['x', 'y'], lambda r, fin: (r[0], r[1])


def iriw_prog(store, load, fence):
    def w1(): yield W('x', 1, O[store])
    def w2(): yield W('y', 1, O[store])
    def r1():
        a = yield R('x', O[load])
        for f in fence_if(fence): yield f
        b = yield R('y', O[load]); return (a, b)
    def r2():
        c = yield R('y', O[load])
        for f in fence_if(fence): yield f
        d = yield R('x', O[load]); return (c, d)
    return [w1, w2, r1, r2], ['x', 'y'], lambda r, fin: r[2] + r[3]


def w22_prog(store, fence):
    def t1():
        yield W('x', 1, O[store])
        for f in fence_if(fence): yield f
        yield W('y', 2, O[store])
    def t2():
        yield W('y', 1, O[store])
        for f in fence_if(fence): yield f
        yield W('x', 2, O[store])
    return [t1, t2], ['x', 'y'], lambda r, fin: (fin['x'], fin['y'])


def corr_prog(store, load):
    def writer(): yield W('x', 1, O[store]); yield W('x', 2, O[store])
    def reader():
        a = yield R('x', O[load]); b = yield R('x', O[load]); return (a, b)
    return [writer, reader], ['x'], lambda r, fin: r[1]


def corr3_prog():
    def w1(): yield W('x', 1, 'rlx')
    def w2(): yield W('x', 2, 'rlx')
    def reader():
        a = yield R('x', 'rlx'); b = yield R('x', 'rlx'); return (a, b)
    return [w1, w2, reader], ['x'], lambda r, fin: r[2] + (fin['x'],)


def corw_prog():
    def t1():
        a = yield R('x', 'rlx'); yield W('x', 1, 'rlx'); return a
    def t2(): yield W('x', 2, 'rlx')
    return [t1, t2], ['x'], lambda r, fin: (r[0], fin['x'])


def cowr_prog():
    def t1():
        yield W('x', 1, 'rlx'); a = yield R('x', 'rlx'); return a
    def t2(): yield W('x', 2, 'rlx')
    return [t1, t2], ['x'], lambda r, fin: (r[0], fin['x'])


def coww_prog():
    def t1(): yield W('x', 1, 'rlx'); yield W('x', 2, 'rlx')
    def t2(): yield W('x', 3, 'rlx')
    return [t1, t2], ['x'], lambda r, fin: fin['x']


def wrc_prog(store, load):
    def t1(): yield W('x', 1, O[store])
    def t2():
        a = yield R('x', O[load]); yield W('y', 1, O[store]); return a
    def t3():
        b = yield R('y', O[load]); c = yield R('x', O[load]); return (b, c)
    return [t1, t2, t3], ['x', 'y'], lambda r, fin: (r[1],) + r[2]


def isa2_prog(xo, store, load):
    def t1(): yield W('x', 1, O[xo]); yield W('y', 1, O[store])
    def t2():
        a = yield R('y', O[load]); yield W('z', 1, O[store]); return a
    def t3():
        b = yield R('z', O[load]); c = yield R('x', O[xo]); return (b, c)
    return [t1, t2, t3], ['x', 'y', 'z'], lambda r, fin: (r[1],) + r[2]


def r_prog(store, load, fence):
    def t1():
        yield W('x', 1, O[store])
        for f in fence_if(fence): yield f
        yield W('y', 1, O[store])
    def t2():
        yield W('y', 2, O[store])
        for f in fence_if(fence): yield f
        a = yield R('x', O[load]); return a
    return [t1, t2], ['x', 'y'], lambda r, fin: (fin['y'], r[1])


def s_prog(sx2, sy, ly, sx1, fence):
    def t1():
        yield W('x', 2, O[sx2])
        for f in fence_if(fence): yield f
        yield W('y', 1, O[sy])
    def t2():
        a = yield R('y', O[ly])
        for f in fence_if(fence): yield f
        yield W('x', 1, O[sx1]); return a
    return [t1, t2], ['x', 'y'], lambda r, fin: (r[1], fin['x'])


def fetch_add_prog():
    def t():
        v = yield U('x', lambda o: o + 1, 'rlx'); return v
    return [t, t], ['x'], lambda r, fin: (r[0], r[1], fin['x'])


def cas_prog(weak):
    def t():
        v = yield Cas('x', 0, 1, 'rlx', weak); return v
    return [t], ['x'], lambda r, fin: r[0]


def relseq_prog(flag_store, atomic_data):
    # Locations: flag 'f', data 'd' (cell: non-atomic, or the Relaxed atomic). The unused
    # one of cell/atomic_data has no accesses and is left out (no choices).
    dmode = 'rlx' if atomic_data else 'na'
    def writer():
        yield W('d', 1, dmode); yield W('f', 1, O[flag_store])
    def rmw():
        v = yield U('f', lambda o: o + 1, 'rlx'); return v
    def reader():
        flag = yield R('f', 'acq')
        data = None
        if flag == 2:
            data = yield R('d', dmode)
        return (flag, data)
    na = () if atomic_data else ('d',)
    return [writer, rmw, reader], ['d', 'f'], lambda r, fin: r[2], na


def program(label):
    import re
    m = re.match(r'(.*?) \((.*)\)$', label)
    if label == 'compare_exchange':
        return cas_prog(False)
    if label == 'compare_exchange_weak':
        return cas_prog(True)
    if label == 'fetch_add Relaxed':
        return fetch_add_prog()
    if label == 'CoRR two writers Relaxed':
        return corr3_prog()
    if label == 'CoRW Relaxed':
        return corw_prog()
    if label == 'CoWR Relaxed':
        return cowr_prog()
    if label == 'CoWW Relaxed':
        return coww_prog()
    shape, args = m.group(1), m.group(2)
    args = re.sub(r'Some\((\w+)\)', r'\1', args)
    fences = None
    fm = re.search(r'\[(.*)\]', args)
    if fm:
        fences = [None if f.strip() == 'None' else f.strip() for f in fm.group(1).split(',')]
        args = args[:fm.start()]
    parts = [p.strip() for p in args.split(',') if p.strip()]
    parts = [None if p == 'None' else p for p in parts]
    if shape == 'SB':
        return sb_prog(*parts, fences)
    if shape == 'MP':
        return mp_prog(*parts, fences)
    if shape == 'LB':
        return lb_prog(*parts)
    if shape == 'IRIW':
        return iriw_prog(*parts)
    if shape == '2+2W':
        return w22_prog(*parts)
    if shape == 'CoRR':
        return corr_prog(*parts)
    if shape == 'WRC':
        return wrc_prog(*parts)
    if shape == 'ISA2':
        return isa2_prog(*parts)
    if shape == 'R':
        return r_prog(*parts)
    if shape == 'S':
        return s_prog(*parts)
    if shape == 'release sequence':
        return relseq_prog(parts[0], parts[1] == 'true')
    raise ValueError(label)


if __name__ == '__main__':
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    rows = []
    for line in open(sys.argv[1]):
        _, label, execs, outs = line.rstrip('\n').split('\t')
        p = program(label)
        progs, locs, proj = p[:3]
        na = p[3] if len(p) > 3 else ()
        n, os, racy, per = count(progs, locs, proj, na)
        rows.append((label, int(execs), n, int(outs), len(os), racy, per))
        print(label, execs, n, outs, len(os), racy, sorted(per.items(), key=str), file=sys.stderr)
    if len(sys.argv) == 3:
        with open(sys.argv[2], 'w') as f:
            f.write('label\tweft_executions\trc11_graphs\toutcomes\n')
            for label, e, n, o, *_ in rows:
                f.write(f'{label}\t{e}\t{n}\t{o}\n')
