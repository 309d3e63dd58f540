//! The `WEFT_*` environment. One test in its own binary, because it changes the process
//! environment that every `Builder::new()` reads.
#![cfg(feature = "permute")]

mod common;

use std::panic::catch_unwind;

use weft::{Builder, FailureKind, Strategy};

/// The panic message of `Builder::new()` with `name` set to a malformed `value`.
fn malformed(name: &str, value: &str) -> String {
    with_env(name, value, || {
        let payload = catch_unwind(Builder::new).unwrap_err();
        payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default()
    })
}

fn with_env<R>(name: &str, value: &str, f: impl FnOnce() -> R) -> R {
    std::env::set_var(name, value);
    let result = f();
    std::env::remove_var(name);
    result
}

#[test]
fn environment_configures_every_builder() {
    let stats = with_env("WEFT_MAX_EXECUTIONS", "3", || {
        Builder::new().explore(common::ainc(4)).unwrap()
    });
    assert_eq!((stats.executions, stats.complete), (3, false));

    let stats = with_env("WEFT_MAX_PREEMPTIONS", "0", || {
        Builder::new().explore(common::lost_update).unwrap()
    });
    assert!(stats.complete, "the lost update needs a preemption");

    let failure = with_env("WEFT_MAX_STEPS", "4", || {
        Builder::new().explore(common::lost_update).unwrap_err()
    });
    assert_eq!(failure.kind(), FailureKind::Livelock);

    let stats = with_env("WEFT_MAX_DURATION", "0s", || {
        Builder::new().explore(common::ainc(4)).unwrap()
    });
    assert_eq!((stats.executions, stats.complete), (1, false));

    let failure = Builder::new().explore(common::lost_update).unwrap_err();
    let replayed = with_env("WEFT_REPLAY", failure.schedule(), || {
        Builder::new().explore(common::lost_update).unwrap_err()
    });
    assert_eq!(replayed.schedule(), failure.schedule());
    assert!(replayed.to_string().contains("lost update"));

    // WEFT_SEED replaces the seed of a sampler chosen in code, and only that.
    let random = |seed| Strategy::Random {
        seed,
        executions: 100,
    };
    let direct = Builder::new()
        .strategy(random(77))
        .explore(common::lost_update)
        .unwrap_err();
    let overridden = with_env("WEFT_SEED", "77", || {
        Builder::new()
            .strategy(random(1))
            .explore(common::lost_update)
            .unwrap_err()
    });
    assert_eq!(overridden.to_string(), direct.to_string());
    assert!(
        overridden
            .to_string()
            .contains("strategy: random walk, seed 77, execution "),
        "{overridden}"
    );
    let pct = with_env("WEFT_SEED", "0x4d", || {
        Builder::new()
            .strategy(Strategy::Pct {
                seed: 1,
                depth: 2,
                executions: 100,
            })
            .explore(common::lost_update)
            .unwrap_err()
    });
    assert!(
        pct.to_string().contains("strategy: PCT, seed 77, depth 2"),
        "{pct}"
    );
    let exhaustive = with_env("WEFT_SEED", "77", || {
        Builder::new().explore(common::ainc(3)).unwrap()
    });
    assert_eq!((exhaustive.executions, exhaustive.complete), (6, true));
    let message = malformed("WEFT_SEED", "lucky");
    assert!(
        message.contains("WEFT_SEED=\"lucky\" is not valid"),
        "{message}"
    );

    let path = std::env::temp_dir().join(format!("weft-env-trace-{}.json", std::process::id()));
    let failure = with_env("WEFT_TRACE_FILE", path.to_str().unwrap(), || {
        Builder::new().explore(common::lost_update).unwrap_err()
    });
    assert!(failure.to_string().contains("trace: "), "{failure}");
    let trace = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(trace.starts_with("{\"displayTimeUnit\""), "{trace}");

    let message = malformed("WEFT_LOG", "loud");
    assert!(
        message.contains("WEFT_LOG=\"loud\" is not valid"),
        "{message}"
    );

    let message = malformed("WEFT_MAX_DURATION", "soon");
    assert!(
        message.contains("WEFT_MAX_DURATION=\"soon\" is not valid"),
        "{message}"
    );

    // WEFT_JOBS and WEFT_SHARD split the exploration: the same executions in all.
    let whole = Builder::new().jobs(1).explore(common::lastzero(3)).unwrap();
    let parallel = with_env("WEFT_JOBS", "2", || {
        Builder::new().explore(common::lastzero(3)).unwrap()
    });
    assert_eq!(parallel.executions, whole.executions);
    let shards: u64 = (0..3)
        .map(|k| {
            with_env("WEFT_SHARD", &format!("{k}/3"), || {
                Builder::new().explore(common::lastzero(3)).unwrap()
            })
            .executions
        })
        .sum();
    assert_eq!(shards, whole.executions);
    let message = malformed("WEFT_SHARD", "3/3");
    assert!(
        message.contains("WEFT_SHARD=\"3/3\" is not valid (expected k/n with 0 <= k < n"),
        "{message}"
    );
}
