//! Concurrency coverage of one execution, as a signal for coverage-guided fuzzers: one hash
//! per dependence edge between threads, that is, per pair (thread A's access at site X,
//! then another thread's conflicting access at site Y) on one object: a store and the later
//! load that reads it, two stores in coherence order, a load and the store that overwrites
//! what it read, an unlock and the next lock.
//!
//! Code coverage hardly moves when a fuzzer changes only the schedule; these edges do, and
//! they are what DPOR distinguishes executions by (the Mazurkiewicz trace), abstracted from
//! events to source sites so that the set stays small and comparable across executions.
//!
//! Invariant: the result depends only on the execution's events, not on addresses or on the
//! process (sites hash by file, line and column), and lists each edge once per occurrence
//! so that counters can bucket how often an order was seen.

use crate::runtime::execution::Execution;
use crate::runtime::op::{Site, ThreadId};

/// The last write to an object and the reads of it since.
#[derive(Default)]
struct Object {
    write: Option<(ThreadId, Site)>,
    reads: Vec<(ThreadId, Site)>,
}

/// The dependence edges between threads in `execution`, as hashes.
pub(crate) fn edges(execution: &Execution) -> Vec<u32> {
    let mut objects: Vec<Object> = Vec::new();
    let mut out = Vec::new();
    for event in &execution.events {
        let Some(access) = event.access() else {
            continue;
        };
        let index = access.object as usize;
        if objects.len() <= index {
            objects.resize_with(index + 1, Object::default);
        }
        let object = &mut objects[index];
        let me = (event.thread, event.site);
        let writes = access.modifies();
        if let Some((thread, site)) = object.write {
            if thread != event.thread {
                out.push(edge(site, event.site, writes));
            }
        }
        if writes {
            for &(thread, site) in &object.reads {
                if thread != event.thread {
                    out.push(edge(site, event.site, true));
                }
            }
            object.write = Some(me);
            object.reads.clear();
        } else {
            object.reads.push(me);
        }
    }
    out
}

/// FNV-1a of both sites and the later access's kind.
fn edge(from: Site, to: Site, to_writes: bool) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    let mut eat = |bytes: &[u8]| {
        for &byte in bytes {
            hash ^= u32::from(byte);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    };
    for site in [from, to] {
        eat(site.file().as_bytes());
        eat(&site.line().to_le_bytes());
        eat(&site.column().to_le_bytes());
    }
    eat(&[u8::from(to_writes)]);
    hash
}
