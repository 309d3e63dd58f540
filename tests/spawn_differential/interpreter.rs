//! The brute-force side of `spawn_differential.rs`: every interleaving of a program, cut
//! into steps as weft cuts them (see that file's docs), with its outcome and its trace.
//! Interleavings that differ only in the order of commuting steps reach one state, whose
//! continuations are explored once.

use std::collections::{BTreeSet, HashSet};
use std::hash::{DefaultHasher, Hasher};

use super::{Item, Observation};

/// One step of the interpreter: the operation (none: a start that only spawns, or the
/// mutex's lock or unlock) and the children spawned right after it.
struct Step {
    op: Option<(usize, Item)>,
    /// `Some(true)`: the step locks the mutex (it waits while the mutex is held);
    /// `Some(false)`: it unlocks it.
    mutex: Option<bool>,
    spawns: Vec<usize>,
}

impl Step {
    fn new(op: Option<(usize, Item)>, mutex: Option<bool>) -> Step {
        Step {
            op,
            mutex,
            spawns: Vec::new(),
        }
    }
}

/// A thread of the interpreter: its name and steps; children are threads too.
struct Thread {
    name: Vec<usize>,
    steps: Vec<Step>,
}

/// Cuts `items` into steps, appending the thread and its descendants to `threads`; returns
/// the thread's index.
fn cut(items: &[Item], name: Vec<usize>, threads: &mut Vec<Thread>) -> usize {
    let me = threads.len();
    threads.push(Thread {
        name: name.clone(),
        steps: Vec::new(),
    });
    let mut steps = vec![Step::new(None, None)];
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Spawn(body) => {
                let mut child = name.clone();
                child.push(i);
                let index = cut(body, child, threads);
                steps.last_mut().expect("a start step").spawns.push(index);
            }
            Item::Locked(x) => steps.extend([
                Step::new(None, Some(true)),
                Step::new(Some((i, Item::Add(*x))), None),
                Step::new(None, Some(false)),
            ]),
            op => steps.push(Step::new(Some((i, op.clone())), None)),
        }
    }
    // A start that spawns nothing commutes with everything and shows nothing: left out.
    if steps[0].spawns.is_empty() {
        steps.remove(0);
    }
    threads[me].steps = steps;
    me
}

/// The brute-force search's state along one interleaving.
struct Search<'a> {
    threads: &'a [Thread],
    /// Next step of each thread; `None`: not spawned yet.
    next: Vec<Option<usize>>,
    values: [u64; 2],
    observation: Observation,
    /// Whether the mutex is held, and its acquisitions in order.
    held: bool,
    acquisitions: Vec<(Vec<usize>, usize)>,
    /// The trace so far per location: its events (a write's thread name and step, or a
    /// read's). Spawns commute with everything but their children's steps.
    accesses: [Vec<(bool, Vec<usize>, usize)>; 2],
    outcomes: BTreeSet<Observation>,
    /// The traces of the complete interleavings, and the states reached so far (`state`),
    /// by 128-bit fingerprints (the texts of large programs would not fit in memory).
    traces: HashSet<(u64, u64)>,
    seen: HashSet<(u64, u64)>,
}

/// A 128-bit fingerprint of `text`: two 64-bit hashes, salted apart.
fn fingerprint(text: &str) -> (u64, u64) {
    let hash = |salt: u8| {
        let mut hasher = DefaultHasher::new();
        hasher.write_u8(salt);
        hasher.write(text.as_bytes());
        hasher.finish()
    };
    (hash(0), hash(1))
}

/// States past which the interpreter gives up on a program (`brute_force`).
pub(super) const STATES: usize = 2_000_000;

impl Search<'_> {
    fn explore(&mut self) {
        let runnable: Vec<usize> = (0..self.threads.len())
            .filter(|&t| {
                let steps = &self.threads[t].steps;
                self.next[t].is_some_and(|s| {
                    s < steps.len() && !(self.held && steps[s].mutex == Some(true))
                })
            })
            .collect();
        // Interleavings that differ only in the order of commuting steps reach the same
        // state with the same trace so far: their continuations are explored once.
        if self.seen.len() > STATES || !self.seen.insert(fingerprint(&self.state())) {
            return;
        }
        if runnable.is_empty() {
            let mut observation = self.observation.clone();
            observation.sort();
            observation.push((Vec::new(), 0, self.values[0]));
            observation.push((Vec::new(), 1, self.values[1]));
            self.outcomes.insert(observation);
            self.traces.insert(fingerprint(&self.trace()));
            return;
        }
        for t in runnable {
            let thread = &self.threads[t];
            let s = self.next[t].expect("runnable");
            let step = &thread.steps[s];
            let saved = (self.values, self.observation.len());
            let saved_accesses = [self.accesses[0].len(), self.accesses[1].len()];
            let saved_lock = (self.held, self.acquisitions.len());
            if let Some(lock) = step.mutex {
                self.held = lock;
                if lock {
                    self.acquisitions.push((thread.name.clone(), s));
                }
            }
            if let Some((i, op)) = &step.op {
                let (x, write, seen) = match *op {
                    Item::Load(x) => (x, false, Some(self.values[x])),
                    Item::Store(x, v) => {
                        self.values[x] = v;
                        (x, true, None)
                    }
                    Item::Add(x) => {
                        let old = self.values[x];
                        self.values[x] += 10;
                        (x, true, Some(old))
                    }
                    Item::Spawn(_) | Item::Locked(_) => unreachable!("not one step"),
                };
                if let Some(seen) = seen {
                    self.observation.push((thread.name.clone(), *i, seen));
                }
                self.accesses[x].push((write, thread.name.clone(), s));
            }
            for &child in &step.spawns {
                self.next[child] = Some(0);
            }
            self.next[t] = Some(s + 1);
            self.explore();
            self.next[t] = Some(s);
            for &child in &step.spawns {
                self.next[child] = None;
            }
            self.values = saved.0;
            self.observation.truncate(saved.1);
            self.held = saved_lock.0;
            self.acquisitions.truncate(saved_lock.1);
            self.accesses[0].truncate(saved_accesses[0]);
            self.accesses[1].truncate(saved_accesses[1]);
        }
    }

    /// Where the interleaving stands, up to the order of commuting steps: what is left to
    /// run, the values, and the trace and observations so far.
    fn state(&self) -> String {
        let mut observation = self.observation.clone();
        observation.sort();
        format!(
            "{:?} {:?} {} {observation:?} {}",
            self.next,
            self.values,
            self.held,
            self.trace()
        )
    }

    /// The Mazurkiewicz trace of the current interleaving, as text.
    fn trace(&self) -> String {
        let mut text = format!("locks {:?}", self.acquisitions);
        for events in &self.accesses {
            let mut writes = 0;
            let mut reads: Vec<(usize, &Vec<usize>, usize)> = Vec::new();
            let mut order = Vec::new();
            for (write, name, step) in events {
                match write {
                    true => {
                        writes += 1;
                        order.push((name, *step));
                    }
                    false => reads.push((writes, name, *step)),
                }
            }
            reads.sort();
            text += &format!("; writes {order:?} reads {reads:?}");
        }
        text
    }
}

/// Every interleaving's outcome, and the number of traces; `None` past `STATES` states.
pub(super) fn brute_force(program: &[Vec<Item>]) -> Option<(BTreeSet<Observation>, usize)> {
    let mut threads = Vec::new();
    let tops: Vec<usize> = (program.iter().enumerate())
        .map(|(t, items)| cut(items, vec![t], &mut threads))
        .collect();
    let mut next = vec![None; threads.len()];
    for top in tops {
        next[top] = Some(0);
    }
    let mut search = Search {
        threads: &threads,
        next,
        values: [0, 0],
        observation: Vec::new(),
        held: false,
        acquisitions: Vec::new(),
        accesses: [Vec::new(), Vec::new()],
        outcomes: BTreeSet::new(),
        traces: HashSet::new(),
        seen: HashSet::new(),
    };
    search.explore();
    (search.seen.len() <= STATES).then_some((search.outcomes, search.traces.len()))
}
