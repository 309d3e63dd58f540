//! Judging an execution that stopped: passed, or which failure, with its report.
//!
//! Invariant: a panic that no `join` received is a failure even when every thread finished;
//! the first panic in execution order is the one the headline names.

use crate::failure::{Failure, FailureKind};
use crate::report::{self, Context};
use crate::runtime::execution::Execution;
use crate::runtime::objects::ObjectState;
use crate::runtime::op::{Event, EventKind, OpKind, ThreadId};
use crate::runtime::race::Race;

/// Why the step loop of an execution stopped.
pub(crate) enum Ending {
    /// No thread can run.
    Quiescent,
    /// The main thread panicked.
    MainPanicked,
    /// A cell access raced (`Execution::race`).
    DataRace,
    /// More than `max_steps` scheduling points.
    Livelock { max_steps: usize },
    /// The program left the recorded schedule.
    Diverged(String),
    /// The engine could not go on (a stack could not be allocated).
    Internal(String),
}

pub(crate) fn judge(ending: Ending, cx: &Context<'_>) -> Option<Failure> {
    let e = cx.execution;
    match ending {
        Ending::Quiescent => {
            let blocked: Vec<ThreadId> = (0..e.threads.len())
                .filter(|&t| !e.threads[t].finished)
                .collect();
            if blocked.is_empty() {
                unjoined_panic(cx).or_else(|| leak(cx))
            } else {
                Some(stuck(&blocked, cx))
            }
        }
        Ending::MainPanicked => unjoined_panic(cx).or_else(|| panic_failure(0, cx)),
        Ending::DataRace => e.race.map(|race| data_race(race, cx)),
        Ending::Livelock { max_steps } => {
            let mut details: Vec<String> = (0..e.threads.len())
                .filter(|&t| !e.threads[t].finished)
                .map(|t| crate::explore::describe_pending(e, t))
                .collect();
            details.push(
                "a thread that waits in a loop must call weft::thread::yield_now() or \
                 weft::hint::spin_loop() in it, so that weft runs the others; if the model is \
                 just long, raise Builder::max_steps or WEFT_MAX_STEPS"
                    .to_string(),
            );
            let headline =
                format!("livelock: the execution took more than {max_steps} scheduling points");
            Some(report::failure(
                FailureKind::Livelock,
                &headline,
                &details,
                cx,
            ))
        }
        Ending::Diverged(message) => {
            let details = vec![
                "the model must do the same thing every time it runs the same schedule: it must not \
                 depend on time, randomness, HashMap iteration order, or state kept between \
                 executions (statics, values captured by the model closure)"
                    .to_string(),
            ];
            let headline = format!("nondeterminism: {message}");
            Some(report::failure(
                FailureKind::Nondeterminism,
                &headline,
                &details,
                cx,
            ))
        }
        Ending::Internal(message) => Some(report::failure(FailureKind::Panic, &message, &[], cx)),
    }
}

/// The first thread (in execution order) that panicked and whose panic no `join` took.
fn unjoined_panic(cx: &Context<'_>) -> Option<Failure> {
    let e = cx.execution;
    let first = e.events.iter().find_map(|event| match event.kind {
        EventKind::Finish { panicked: true }
            if !e.threads[event.thread].joined || event.thread == 0 =>
        {
            Some(event.thread)
        }
        _ => None,
    })?;
    panic_failure(first, cx)
}

fn panic_failure(thread: ThreadId, cx: &Context<'_>) -> Option<Failure> {
    let e = cx.execution;
    let record = e.threads[thread].panic.as_ref()?;
    let at = record
        .site
        .as_deref()
        .map(|s| format!(" at {s}"))
        .unwrap_or_default();
    let headline = format!(
        "{} panicked{at}: {}",
        e.thread_label(thread),
        record.message
    );
    let details: Vec<String> = e
        .events
        .iter()
        .filter(|ev| matches!(ev.kind, EventKind::Finish { panicked: true }) && ev.thread != thread)
        .filter_map(|ev| {
            let other = e.threads[ev.thread].panic.as_ref()?;
            let at = other
                .site
                .as_deref()
                .map(|s| format!(" at {s}"))
                .unwrap_or_default();
            Some(format!(
                "{} also panicked{at}: {}",
                e.thread_label(ev.thread),
                other.message
            ))
        })
        .collect();
    Some(report::failure(FailureKind::Panic, &headline, &details, cx))
}

/// ThreadSanitizer's report with source lines: both accesses, each thread's creation chain,
/// the cell's creation site.
fn data_race(race: Race, cx: &Context<'_>) -> Failure {
    let e = cx.execution;
    let object = e.objects.info(race.object);
    let headline = format!(
        "data race on {} #{} created at {}",
        object.type_name, race.object, object.created_at
    );
    let access = &e.events[race.access];
    let previous = &e.events[race.previous];
    let what = |event: &Event| match event.kind {
        EventKind::CellWrite => "write",
        EventKind::Store { .. } | EventKind::Rmw { .. } => "atomic write",
        EventKind::UnsyncLoad { .. } => "non-atomic read",
        _ => "read",
    };
    let mut details = vec![
        format!(
            "{} at {} by {}",
            what(access),
            access.site,
            e.thread_label(access.thread)
        ),
        format!(
            "previous {} at {} by {}",
            what(previous),
            previous.site,
            e.thread_label(previous.thread)
        ),
    ];
    for thread in [access.thread, previous.thread] {
        if thread != 0 {
            details.push(creation_chain(e, thread));
        }
    }
    details.push(
        "the two accesses are not ordered by happens-before: no spawn, join, lock, channel, \
         or Release/Acquire pair of atomics orders one before the other"
            .to_string(),
    );
    report::failure(FailureKind::DataRace, &headline, &details, cx)
}

/// `thread 2 created at a.rs:10:5 by thread 1, created at a.rs:4:5 by main`.
fn creation_chain(e: &Execution, thread: ThreadId) -> String {
    let mut text = e.thread_label(thread);
    let mut current = thread;
    let mut first = true;
    while let Some(parent) = e.threads[current].parent {
        let created = if first { " created" } else { ", created" };
        text += &format!(
            "{created} at {} by {}",
            e.threads[current].start_site,
            e.thread_label(parent)
        );
        first = false;
        current = parent;
    }
    text
}

/// Deadlock (main cannot finish) or leaked threads (main finished, others never will).
fn stuck(blocked: &[ThreadId], cx: &Context<'_>) -> Failure {
    let e = cx.execution;
    let mut details: Vec<String> = blocked.iter().map(|&t| waiting_on(e, t)).collect();
    // A thread that died may be the one the others wait for.
    for (t, thread) in e.threads.iter().enumerate() {
        if let (Some(record), false) = (&thread.panic, thread.joined) {
            let at = record
                .site
                .as_deref()
                .map(|s| format!(" at {s}"))
                .unwrap_or_default();
            details.push(format!(
                "{} panicked{at}: {}",
                e.thread_label(t),
                record.message
            ));
        }
    }
    if e.threads[0].finished {
        let names: Vec<String> = blocked.iter().map(|&t| e.thread_label(t)).collect();
        let headline = format!(
            "leaked thread: main returned while {} stay{} blocked forever",
            names.join(", "),
            if names.len() == 1 { "s" } else { "" }
        );
        report::failure(FailureKind::LeakedThread, &headline, &details, cx)
    } else {
        let headline = "deadlock: no thread can run and main has not finished";
        report::failure(FailureKind::Deadlock, headline, &details, cx)
    }
}

/// `main is blocked at lock of #1 Mutex created at ... (src/x.rs:12:9); held by thread 2, which locked it at ...`.
fn waiting_on(e: &Execution, thread: ThreadId) -> String {
    let label = e.thread_label(thread);
    let Some(op) = e.threads[thread].pending else {
        return format!("{label} is blocked");
    };
    let mut text = format!("{label} is blocked at {} ({})", op.describe(), op.site);
    match (op.kind, op.object) {
        (OpKind::Lock, Some(object)) => {
            text += &format!(" of {}", e.objects.info(object).describe(object as usize));
            match e.mutex_owner(object) {
                Some((owner, site)) if owner == thread => {
                    text += &format!(
                        "; held by {label} itself, which locked it at {site}: a thread that \
                         locks what it holds waits forever (re-entrant locking or \
                         initialization)"
                    );
                }
                Some((owner, site)) => {
                    text += &format!(
                        "; held by {}, which locked it at {site}",
                        e.thread_label(owner)
                    );
                }
                None => {}
            }
        }
        (OpKind::Join(target), _) if !e.threads[target].finished => {
            text += &format!("; {} has not finished", e.thread_label(target));
        }
        (_, Some(object)) => {
            let state = match e.objects.state(object) {
                ObjectState::Condvar(_) => Some(e.condvar_describe(object)),
                ObjectState::Channel(_) => Some(e.channel_describe(object)),
                ObjectState::RwLock(_) => Some(e.rwlock_describe(object)),
                ObjectState::Barrier(_) => Some(e.barrier_describe(object)),
                ObjectState::Park(_) => Some("nobody unparks it".to_string()),
                _ => None,
            };
            if let Some(state) = state {
                let described = e.objects.info(object).describe(object as usize);
                text += &format!(" of {described}: {state}");
            }
        }
        _ => {}
    }
    text
}

/// Values the model left behind when every thread has finished: an `Arc` allocation still
/// referenced, or messages still queued on a channel whose receiver is alive.
fn leak(cx: &Context<'_>) -> Option<Failure> {
    arc_leak(cx).or_else(|| channel_leak(cx))
}

fn arc_leak(cx: &Context<'_>) -> Option<Failure> {
    let e = cx.execution;
    let (object, strong) = e
        .objects
        .leak_candidates()
        .find_map(|(i, state)| match state {
            ObjectState::RefCount(_) => e.refcount_leftover(i).map(|n| (i, n)),
            _ => None,
        })?;
    let headline = format!(
        "leak: {} is never freed",
        e.objects.info(object).describe(object as usize)
    );
    let details = vec![
        format!(
            "{strong} strong reference{} remain{} when every thread has finished",
            if strong == 1 { "" } else { "s" },
            if strong == 1 { "s" } else { "" }
        ),
        "an Arc that (through its contents) points back to itself is never dropped: break \
         the cycle with a Weak, or drop the handle kept in a static or forgotten"
            .to_string(),
    ];
    Some(report::failure(FailureKind::Leak, &headline, &details, cx))
}

fn channel_leak(cx: &Context<'_>) -> Option<Failure> {
    let e = cx.execution;
    let (object, count, first) =
        e.objects
            .leak_candidates()
            .find_map(|(i, state)| match state {
                ObjectState::Channel(_) => e.channel_leftover(i).map(|(n, s)| (i, n, s)),
                _ => None,
            })?;
    let headline = format!(
        "leak: {count} message{} never received on {}",
        if count == 1 { "" } else { "s" },
        e.objects.info(object).describe(object as usize)
    );
    let details = vec![
        format!("the oldest was sent at {first}"),
        "every thread has finished, but the channel's Receiver was never dropped (kept in a \
         reference cycle, a static, or forgotten), so its messages are never freed"
            .to_string(),
    ];
    Some(report::failure(FailureKind::Leak, &headline, &details, cx))
}
