//! Panics inside model threads: recorded on the thread (message and location) for the report,
//! not printed, since most of them are expected consequences of the interleaving under test.
//!
//! Invariant: the process-wide hook only intercepts panics raised while a model thread runs
//! on this OS thread; every other panic (the final report of `check`, other tests) goes to
//! the hook that was installed before weft's.

use std::panic::{self, PanicHookInfo};
use std::sync::Once;

use super::execution;
use super::model_thread::PanicRecord;

type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Send + Sync + 'static>;

/// Installs weft's hook once per process, chaining to the previous one.
pub(crate) fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous: Hook = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !capture(info) {
                previous(info);
            }
        }));
    });
}

fn capture(info: &PanicHookInfo<'_>) -> bool {
    execution::try_with(|e| {
        if !e.running {
            return false;
        }
        let message = crate::panic_message(info.payload());
        let thread = &mut e.threads[e.current];
        thread.unwinding = true;
        thread.panic = Some(PanicRecord {
            message,
            site: info.location().map(|l| l.to_string()),
        });
        true
    })
    .unwrap_or(false)
}
