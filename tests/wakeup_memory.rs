//! The wakeup trees' memory budget (`Builder::wakeup_memory`): an exploration whose trees
//! outgrow it goes on in part as source-DPOR, exploring the same executions with its trees
//! kept near the budget, and still finds a bug.
#![cfg(feature = "permute")]

mod common;

use common::explore_passing as explore;
use weft::{Builder, FailureKind};

/// lastzero's trees grow with the exploration (see `explore/dpor/memory.rs`). With a
/// budget of half their peak, the nodes on the stack when it is reached go on as
/// source-DPOR and those below stay optimal: the same 704 executions, trees kept under the
/// peak, and 228 blocked runs. (1,068 when every node went on as source-DPOR.)
#[test]
fn trees_over_the_budget_go_on_in_part_as_source_dpor_with_the_same_executions() {
    let free = explore(Builder::new().jobs(1), common::lastzero(8));
    assert_eq!((free.executions, free.blocked), (704, 0));
    assert!(!free.wakeup_over_budget);
    let budget = free.wakeup_bytes / 2;
    let limited = explore(
        Builder::new().jobs(1).wakeup_memory(budget),
        common::lastzero(8),
    );
    assert!(limited.wakeup_over_budget);
    assert_eq!(limited.executions, 704, "each trace once, as before");
    assert!(
        limited.blocked > 0 && 2 * limited.blocked < limited.executions,
        "{} blocked runs",
        limited.blocked
    );
    assert!(
        limited.wakeup_bytes < free.wakeup_bytes,
        "trees of at most {} bytes with a budget of {budget}, {} without",
        limited.wakeup_bytes,
        free.wakeup_bytes
    );
    // Each worker of a split exploration gets its share of the budget.
    let split = explore(
        Builder::new().jobs(2).wakeup_memory(budget),
        common::lastzero(8),
    );
    assert!(split.wakeup_over_budget);
    assert_eq!(split.executions, 704);
}

#[test]
fn a_bug_is_found_after_the_trees_outgrow_the_budget() {
    let failure = Builder::new()
        .jobs(1)
        .wakeup_memory(1)
        .progress(false)
        .explore(common::lost_update)
        .expect_err("the lost update is found");
    assert_eq!(failure.kind(), FailureKind::Panic);
    assert!(failure.to_string().contains("lost update"), "{failure}");
}

/// A bounded exploration races an unbounded one (see `Builder::preemption_bound`), whose
/// trees are reported too.
#[test]
fn the_unbounded_side_of_a_bounded_exploration_reports_its_trees() {
    let builder = Builder::new().jobs(1).preemption_bound(1);
    let stats = explore(builder.clone(), common::lastzero(5));
    assert!(
        stats.wakeup_bytes > 0 && !stats.wakeup_over_budget,
        "{stats:?}"
    );
    let stats = explore(builder.wakeup_memory(1), common::lastzero(5));
    assert!(stats.wakeup_over_budget, "{stats:?}");
}

/// Small budgets, reached again and again: every trace is still explored. Below a node
/// that went on as source-DPOR, a thread asleep since it stands for a reversal only when it
/// would run first in it; taken for a plain sleeper, it hid traces (lastzero(3) with a
/// 2 KiB budget ran 5 of its 12 executions).
#[test]
fn small_budgets_keep_every_trace() {
    for n in 3..=6 {
        let free = explore(Builder::new().jobs(1), common::lastzero(n)).executions;
        for budget in [1, 2 << 10, 4 << 10, 8 << 10] {
            let builder = Builder::new().jobs(1).wakeup_memory(budget);
            let limited = explore(builder, common::lastzero(n));
            let what = format!("lastzero({n}) with {budget} bytes");
            // (One byte is reached after every execution; the others, on the way.)
            assert!(limited.wakeup_over_budget || budget > 1, "{what}");
            assert_eq!(limited.executions, free, "{what}");
        }
    }
}
