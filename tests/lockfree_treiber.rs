//! The Treiber stack of `examples/lockfree/treiber.rs`: weft finds its ABA bug exhaustively
//! and by sampling, and proves the tagged version correct in every interleaving.
#![cfg(feature = "permute")]

#[path = "../examples/lockfree/treiber.rs"]
mod treiber;

use weft::{Builder, FailureKind, Strategy};

#[test]
fn dpor_finds_aba_and_passes_the_tagged_stack() {
    let failure = Builder::new()
        .explore(treiber::aba_model(false))
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic);
    let report = failure.to_string();
    assert!(
        report.contains("ABA: a node is both on the stack"),
        "{report}"
    );
    // Thread 2 pushes A back (head 3 -> 1) before thread 1's stale compare-exchange.
    assert!(report.contains("rmw #0 3->1"), "{report}");
    let stats = Builder::new().explore(treiber::aba_model(true)).unwrap();
    assert!(stats.complete);
    assert!(stats.executions > 10, "{stats:?}");
}

#[test]
fn pct_and_random_find_aba() {
    for strategy in [
        Strategy::Pct {
            seed: 1,
            depth: 3,
            executions: 500,
        },
        Strategy::Random {
            seed: 1,
            executions: 500,
        },
    ] {
        let failure = Builder::new()
            .strategy(strategy.clone())
            .explore(treiber::aba_model(false))
            .expect_err(&format!("{strategy:?} finds ABA"));
        assert!(failure.to_string().contains("ABA"), "{failure}");
    }
}
