"""Brute-force RC11 checker (Lahav, Vafeiadis, Kang, Hur, Dreyer, "Repairing sequential
consistency in C/C++11", PLDI 2017) for tiny straight-line programs.

A program is a list of threads; a thread is a Python generator function that yields events
(`W`, `R`, `U` for a read-modify-write, `F`, `Cas`) and is sent back what each one read.
Every candidate execution graph (each thread's read values, reads-from `rf`, modification
order `mo`) is enumerated and kept when it is RC11-consistent:

- coherence: `hb ; eco?` irreflexive;
- atomicity: an RMW's write comes right after the write it read in `mo`;
- `psc` acyclic (SC accesses and SC fences);
- `sb ∪ rf` acyclic (no load buffering / out-of-thin-air).

An RMW is one event (its read and its write); `rb = rf⁻¹ ; mo` minus identity. Locations
start at 0 with an initialisation write that happens before every event. Modes: 'rlx',
'acq', 'rel', 'acqrel', 'sc' (and 'na' for the initial writes and the `na` locations).

Relations are bit sets (`rows[i]` has bit `j` when `(i, j)` is in the relation). Candidate
`mo`s are generated per location as the linear extensions of the order coherence forces
through `sb` alone (CoWW, CoWR, CoRW, CoRR) with each RMW right after the write it read;
that only skips candidates `check` would reject, which then decides.

Entry points: `graphs` (every consistent graph), `explore` (the outcomes: thread results,
final values, racy?). `graphs.py` counts graphs; `differential.py` compares with weft.
"""
import itertools

ACQ = {'acq', 'acqrel', 'sc'}
REL = {'rel', 'acqrel', 'sc'}

# Release sequences as C++20 (and Rust) define them: a release write and the RMWs reading
# from it, transitively. False: as RC11 (PLDI 2017) and C++11 do, also the writer's later
# writes to the location (`[W] ; (sb|loc)? ; [W] ; (rf ; rmw)*`).
CXX20_RELEASE_SEQUENCES = False


class Ev:
    def __init__(self, kind, loc=None, mode='rlx', wval=None, f=None):
        self.kind, self.loc, self.mode, self.wval, self.f = kind, loc, mode, wval, f
        self.rval = None
        self.cas = None   # the `Cas` this event is the outcome of
        self.tid = None
        self.id = None

    def is_r(self):
        return self.kind in 'RU'

    def is_w(self):
        return self.kind in 'WUI'

    def __repr__(self):
        return f"{self.kind}{self.mode}({self.loc},{self.rval},{self.wval})@{self.tid}"


def W(loc, v, mode='rlx'):
    return Ev('W', loc, mode, wval=v)


def R(loc, mode='rlx'):
    return Ev('R', loc, mode)


def U(loc, f, mode='rlx'):
    """A read-modify-write that writes `f(old)`; the thread is sent `old`."""
    return Ev('U', loc, mode, f=f)


def F(mode):
    return Ev('F', None, mode)


class Cas:
    """compare_exchange(_weak) of `loc`: reads; if it reads `expected` it writes `new` (an
    RMW with `mode`), else it is a read with `failure` (default: `mode`). A weak one may
    also fail on reading `expected`. The thread is sent ('Ok', old) or ('Err', actual)."""

    def __init__(self, loc, expected, new, mode='rlx', weak=False, failure=None):
        self.loc, self.expected, self.new, self.mode, self.weak = loc, expected, new, mode, weak
        self.failure = mode if failure is None else failure


# The values a read may return when no per-location domain is given. Keep program values
# inside it (or pass `domain`): a read of a value outside it is never tried.
DOMAIN = range(0, 5)


def thread_traces(prog, domain=None):
    """All (events, result) of one thread, branching over the value each read returns
    (`domain(loc)`, default `DOMAIN`) and over a weak CAS's spurious failure. As in weft
    (so that a retry loop ends), the thread's next weak CAS after a spurious failure does
    not fail spuriously (whatever ran in between); RC11 says nothing about them."""
    values_of = domain or (lambda loc: DOMAIN)
    out = []

    def run(choices):
        # choices: (value, spurious?) per read
        g = prog()
        evs = []
        ci = 0
        after_spurious = False
        try:
            ev = next(g)
            while True:
                if isinstance(ev, Cas):
                    if ci == len(choices):
                        return ('more', (ev, after_spurious))
                    v, spur = choices[ci]
                    ci += 1
                    if ev.weak:
                        after_spurious = spur
                    if v == ev.expected and not spur:
                        e = Ev('U', ev.loc, ev.mode, f=lambda o, n=ev.new: n)
                        e.rval, e.wval = v, ev.new
                        res = ('Ok', v)
                    else:
                        e = Ev('R', ev.loc, ev.failure)
                        e.rval = v
                        res = ('Err', v)
                    e.cas = ev
                    evs.append(e)
                    ev = g.send(res)
                    continue
                e = Ev(ev.kind, ev.loc, ev.mode, ev.wval, ev.f)
                evs.append(e)
                if e.is_r():
                    if ci == len(choices):
                        return ('more', (ev, after_spurious))
                    v, _ = choices[ci]
                    ci += 1
                    e.rval = v
                    if e.kind == 'U':
                        e.wval = e.f(v)
                    ev = g.send(v)
                else:
                    ev = g.send(None)
        except StopIteration as s:
            return ('done', (evs, s.value))

    def dfs(choices):
        st, res = run(choices)
        if st == 'done':
            out.append(res)
            return
        ev, after_spurious = res
        for v in values_of(ev.loc):
            dfs(choices + [(v, False)])
            if isinstance(ev, Cas) and ev.weak and v == ev.expected and not after_spurious:
                dfs(choices + [(v, True)])

    dfs([])
    return out


# ---------------------------------------------------------------------------------------
# Bit-set relations

def bits(s):
    """The indices of the bits set in `s`."""
    while s:
        low = s & -s
        yield low.bit_length() - 1
        s ^= low


def closure(rows):
    """Transitive closure (Warshall) of a relation given as bit rows; a new list."""
    m = list(rows)
    n = len(m)
    for k in range(n):
        bk, mk = 1 << k, m[k]
        for i in range(n):
            if m[i] & bk:
                m[i] |= mk
    return m


def acyclic(rows):
    m = closure(rows)
    return not any(m[i] >> i & 1 for i in range(len(m)))


def transpose(rows):
    cols = [0] * len(rows)
    for i, r in enumerate(rows):
        for j in bits(r):
            cols[j] |= 1 << i
    return cols


# ---------------------------------------------------------------------------------------
# Consistency

def check(evs, sb, rf_of, moc, na=()):
    """RC11 consistency of one candidate graph: None when inconsistent, else whether two
    accesses to a non-atomic location (`na`) race. `sb`: strict, transitive bit rows;
    `rf_of`: read id -> write id; `moc`: per location, its writes in `mo` (initial first)."""
    n = len(evs)
    mo = [0] * n
    mopos = {}
    for order in moc:
        later = 0
        for i in range(len(order) - 1, -1, -1):
            a = order[i].id
            mopos[a] = i
            mo[a] = later
            later |= 1 << a
    # atomicity: an RMW's write immediately follows the write it reads in mo
    for e in evs:
        if e.kind == 'U' and mopos[e.id] != mopos[rf_of[e.id]] + 1:
            return None
    rf = [0] * n
    rb = [0] * n
    readers = {}
    for r, w in rf_of.items():
        rf[w] |= 1 << r
        rb[r] = mo[w] & ~(1 << r)
        readers.setdefault(w, []).append(r)

    def atomic(e):
        return e.kind != 'I' and e.loc not in na

    # release sequences: a write, its thread's later writes to the location (unless C++20),
    # then RMWs reading from the sequence, transitively
    def rs(h):
        s = 1 << h.id
        for e in () if CXX20_RELEASE_SEQUENCES else evs:
            if e.is_w() and atomic(e) and e.loc == h.loc and sb[h.id] >> e.id & 1:
                s |= 1 << e.id
        changed = True
        while changed:
            changed = False
            for e in evs:
                if e.kind == 'U' and not s >> e.id & 1 and s >> rf_of[e.id] & 1:
                    s |= 1 << e.id
                    changed = True
        return s

    acq_fences = 0
    for e in evs:
        if e.kind == 'F' and e.mode in ACQ:
            acq_fences |= 1 << e.id
    sw = [0] * n
    for a in evs:
        if a.mode not in REL or a.kind == 'I':
            continue
        if a.kind in 'WU':
            heads = [a]
        elif a.kind == 'F':
            heads = [w for w in evs if w.is_w() and atomic(w) and sb[a.id] >> w.id & 1]
        else:
            continue
        for h in heads:
            for w in bits(rs(h)):
                for r in readers.get(w, ()):
                    rr = evs[r]
                    if not atomic(rr):
                        continue
                    if rr.mode in ACQ:
                        sw[a.id] |= 1 << r
                    sw[a.id] |= sb[r] & acq_fences
    hb = closure([sb[i] | sw[i] for i in range(n)])
    eco = closure([rf[i] | mo[i] | rb[i] for i in range(n)])
    eco_into = transpose(eco)
    # coherence: hb irreflexive, hb ; eco irreflexive
    for i in range(n):
        if hb[i] >> i & 1 or hb[i] & eco_into[i]:
            return None
    # psc
    sc = 0
    scf = 0
    for e in evs:
        if e.mode == 'sc':
            sc |= 1 << e.id
            if e.kind == 'F':
                scf |= 1 << e.id
    same_loc = []
    for e in evs:
        m = 0
        if e.loc is not None:
            for f in evs:
                if f.loc == e.loc:
                    m |= 1 << f.id
        same_loc.append(m)
    sbl = [sb[i] & ~same_loc[i] for i in range(n)]
    scb = []
    for a in range(n):
        mid = sbl[a]
        for b in bits(sbl[a]):
            mid |= hb[b]
        sb_hb_sb = 0
        for c in bits(mid):
            sb_hb_sb |= sbl[c]
        scb.append(sb[a] | sb_hb_sb | (hb[a] & same_loc[a]) | mo[a] | rb[a])
    # psc_base = ([E_sc] ∪ [F_sc] ; hb?) ; scb ; ([E_sc] ∪ hb? ; [F_sc])
    right = [(sc & (1 << b)) | ((hb[b] | 1 << b) & scf) for b in range(n)]
    hb_into = transpose(hb)
    psc = [0] * n
    for a in range(n):
        targets = 0
        for b in bits(scb[a]):
            targets |= right[b]
        if not targets:
            continue
        for x in bits((sc & (1 << a)) | ((hb_into[a] | 1 << a) & scf)):
            psc[x] |= targets
    # psc_F = [F_sc] ; (hb ∪ hb ; eco ; hb) ; [F_sc]
    for x in bits(scf):
        through = 0
        for a in bits(hb[x]):
            through |= eco[a]
        after = hb[x]
        for b in bits(through):
            after |= hb[b]
        psc[x] |= after & scf
    if not acyclic(psc):
        return None
    # races on non-atomic locations
    for a in evs:
        for b in evs:
            if a.id < b.id and a.loc in na and a.loc == b.loc and (a.is_w() or b.is_w()):
                if not (hb[a.id] >> b.id & 1 or hb[b.id] >> a.id & 1):
                    return True
    return False


# ---------------------------------------------------------------------------------------
# Enumeration

def mo_candidates(ws, before, rmw_reads):
    """Linear extensions of the writes `ws` (initial first) under `before` (id -> ids that
    must precede it), each RMW right after the write it read (`rmw_reads`: RMW id -> write
    id); lists of events."""
    out = []
    by_id = {w.id: w for w in ws}
    readers = {}
    for u, w in rmw_reads.items():
        if w in readers:   # two RMWs read one write: atomicity fails
            return out
        readers[w] = u

    def go(placed, left):
        if not left:
            out.append([by_id[i] for i in placed])
            return
        last = placed[-1]
        if last in readers:
            nexts = [readers[last]] if readers[last] in left else []
        else:
            nexts = [i for i in left if i not in rmw_reads]
        for i in nexts:
            if before.get(i, set()) <= set(placed):
                go(placed + [i], left - {i})

    go([ws[0].id], {w.id for w in ws[1:]})
    return out


def graphs(progs, locs, na=(), domain=None):
    """Every RC11-consistent graph: yields (combo, rf_of, moc, race), where combo is each
    thread's (events, result) and moc each location's writes in mo (initial first)."""
    per_thread = [thread_traces(p, domain) for p in progs]
    for combo in itertools.product(*per_thread):
        evs = []
        for loc in locs:
            e = Ev('I', loc, 'na', wval=0)
            e.tid = -1
            e.id = len(evs)
            evs.append(e)
        ninit = len(evs)
        for tid, (tevs, _) in enumerate(combo):
            for e in tevs:
                e.tid = tid
                e.id = len(evs)
                evs.append(e)
        n = len(evs)
        all_mask = (1 << n) - 1
        sb = [0] * n
        for a in evs:
            if a.tid == -1:
                sb[a.id] = all_mask & ~((1 << ninit) - 1)
            else:
                for b in evs:
                    if b.tid == a.tid and b.id > a.id:
                        sb[a.id] |= 1 << b.id
        reads = [e for e in evs if e.is_r()]
        writes = {loc: [e for e in evs if e.is_w() and e.loc == loc] for loc in locs}
        rf_cands = []
        for r in reads:
            c = [w for w in writes[r.loc] if w.wval == r.rval and w is not r]
            if not c:
                break
            rf_cands.append(c)
        else:
            for rfc in itertools.product(*rf_cands):
                rf_of = {r.id: w.id for w, r in zip(rfc, reads)}
                rows = list(sb)
                for r, w in rf_of.items():
                    rows[w] |= 1 << r
                if not acyclic(rows):
                    continue
                per_loc = []
                for loc in locs:
                    per_loc.append(_mo_for(evs, sb, rf_of, writes[loc], loc))
                    if not per_loc[-1]:
                        break
                else:
                    for moc in itertools.product(*per_loc):
                        race = check(evs, sb, rf_of, moc, na)
                        if race is not None:
                            yield combo, rf_of, moc, race


def _mo_for(evs, sb, rf_of, ws, loc):
    """The candidate mos of `loc`: coherence through sb alone, RMW atomicity."""
    wids = {w.id for w in ws}
    before = {}

    def need(a, b):   # a before b in mo
        if a != b:
            before.setdefault(b, set()).add(a)

    acc = [e for e in evs if e.loc == loc and e.kind != 'I']
    for a in acc:
        for b in acc:
            if not sb[a.id] >> b.id & 1:
                continue
            wa = a.id if a.id in wids else None
            wb = b.id if b.id in wids else None
            ra = rf_of.get(a.id) if a.is_r() else None
            rb = rf_of.get(b.id) if b.is_r() else None
            if wa is not None and wb is not None:
                need(wa, wb)                      # CoWW
            if wa is not None and rb is not None:
                need(wa, rb)                      # CoWR
            if ra is not None and wb is not None:
                if ra == wb:
                    return []
                need(ra, wb)                      # CoRW
            if ra is not None and rb is not None:
                need(ra, rb)                      # CoRR
    for w in ws[1:]:
        need(ws[0].id, w.id)
    rmw_reads = {e.id: rf_of[e.id] for e in ws if e.kind == 'U'}
    return mo_candidates(ws, before, rmw_reads)


def explore(progs, locs, na=(), domain=None):
    """Outcomes: (tuple of thread results, final values by loc, race?)."""
    outcomes = set()
    for combo, _, moc, race in graphs(progs, locs, na, domain):
        results = tuple(res for (_, res) in combo)
        final = tuple(order[-1].wval for order in moc)
        outcomes.add((results, final, race))
    return outcomes
