//! The seed's goroutine-lifetime programs — a service hidden in a background thread while
//! main waits forever, two servers where one exiting must stop the other, a request handler
//! that leaks a blocked thread, reporters that must flush before exit — each reported by
//! weft, each followed by its fix passing every interleaving.
//!
//! `cargo run --example goroutine_lifetimes --features permute` (or `-- <n>` for one case)

#[path = "seed/cases.rs"]
mod cases;
#[path = "seed/lifetimes.rs"]
mod lifetimes;

use cases::Case;

fn main() {
    cases::main(&[
        Case {
            title: "case 1: a service hidden in a background thread, main in `select {}`",
            buggy: lifetimes::hidden_background_service,
            fix: "fixed by serving in the foreground and handling the error",
            fixed: || lifetimes::service_in_the_foreground().unwrap_or(()),
        },
        Case {
            title: "case 2: app and debug servers, one exits, nothing stops the other",
            buggy: lifetimes::server_pair_without_stop,
            fix: "fixed with a shared stop signal and graceful shutdown",
            fixed: lifetimes::server_pair_with_stop,
        },
        Case {
            title: "case 3: a request handler leaks a thread blocked on a channel",
            buggy: || {
                lifetimes::handler_leaks_a_blocked_thread();
            },
            fix: "fixed by the handler owning its thread's lifetime",
            fixed: || {
                lifetimes::handler_owns_its_thread();
            },
        },
        Case {
            title: "case 4: reporters still in flight when the process exits",
            buggy: lifetimes::reporters_not_flushed,
            fix: "fixed with one tracker that drains its queue before exit",
            fixed: lifetimes::tracker_drains_before_exit,
        },
    ]);
}
