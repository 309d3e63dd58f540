//! Reading and checking the `WEFT_*` variables: each parser returns `None` for a malformed
//! value, and `env_parsed` turns that into a panic naming the variable.
//!
//! The variables are read from the process environment once, by the first `Builder::new()`
//! (or exploration) of the process, and kept: looking them all up again cost every
//! exploration more than a small model's whole execution (14 scans of the environment). A
//! variable set from inside the process after that is not seen.
//!
//! Invariant: an unset or blank variable is `None`; a malformed one is never ignored.

use std::ffi::OsString;
use std::sync::OnceLock;
use std::time::Duration;

/// The `WEFT_*` variables weft reads.
#[derive(Clone, Copy)]
pub(crate) enum Var {
    SplitDepth,
    Seed,
    Jobs,
    Shard,
    Checkpoint,
    MaxPreemptions,
    StrictBound,
    MaxExecutions,
    MaxSteps,
    MaxDuration,
    Log,
    Progress,
    TraceFile,
    /// Read by the runner, once, when a report is first shortened (`runner::abandoned`).
    #[cfg_attr(not(feature = "engine"), allow(dead_code))]
    MaxLeakedStacks,
    /// Read when an exploration starts, which only the engine does.
    #[cfg_attr(not(feature = "engine"), allow(dead_code))]
    Replay,
    WakeupMemory,
    /// Read by the stall watchdog, which only the engine runs (`observe::stall`).
    #[cfg_attr(not(feature = "engine"), allow(dead_code))]
    Stall,
    CountGraphs,
}

/// Each `Var`'s name, in the order of its variants.
const NAMES: [&str; 18] = [
    "WEFT_SPLIT_DEPTH",
    "WEFT_SEED",
    "WEFT_JOBS",
    "WEFT_SHARD",
    "WEFT_CHECKPOINT",
    "WEFT_MAX_PREEMPTIONS",
    "WEFT_STRICT_BOUND",
    "WEFT_MAX_EXECUTIONS",
    "WEFT_MAX_STEPS",
    "WEFT_MAX_DURATION",
    "WEFT_LOG",
    "WEFT_PROGRESS",
    "WEFT_TRACE_FILE",
    "WEFT_MAX_LEAKED_STACKS",
    "WEFT_REPLAY",
    "WEFT_WAKEUP_MEMORY",
    "WEFT_STALL",
    "WEFT_COUNT_GRAPHS",
];

impl Var {
    fn name(self) -> &'static str {
        NAMES[self as usize]
    }

    /// The variable's value when the process first asked for one (`None`: unset).
    pub(super) fn value(self) -> Option<&'static OsString> {
        static VALUES: OnceLock<[Option<OsString>; 18]> = OnceLock::new();
        let values = VALUES.get_or_init(|| NAMES.map(std::env::var_os));
        values[self as usize].as_ref()
    }
}

/// `WEFT_MAX_PREEMPTIONS=n` as set (`None`: unset or empty), for a replay command: a
/// preemption bound changes which stale stores a load may read (`runtime::early_reads`),
/// and so what a schedule's value choices name.
#[cfg(feature = "engine")]
pub(crate) fn preemption_bound_setting() -> Option<String> {
    let value = Var::MaxPreemptions.value()?.to_str()?.trim();
    (!value.is_empty()).then(|| format!("{}={value}", Var::MaxPreemptions.name()))
}

pub(crate) fn env_parsed<T>(var: Var, parse: fn(&str) -> Option<T>) -> Option<T> {
    // Not Unicode: as unset, like `std::env::var`.
    let value = var.value()?.to_str()?.trim();
    if value.is_empty() {
        return None;
    }
    let name = var.name();
    match parse(value) {
        Some(v) => Some(v),
        None => panic!(
            "weft: environment variable {name}={value:?} is not valid (expected {})",
            match var {
                Var::MaxDuration | Var::Stall => "a duration such as 30s, 500ms or 2m",
                Var::Shard => "k/n with 0 <= k < n, such as 0/4",
                Var::WakeupMemory => "bytes, or a size such as 512M or 2G",
                Var::Log | Var::Progress | Var::StrictBound | Var::CountGraphs =>
                    "1, true, on, yes, 0, false, off or no",
                _ => "a non-negative integer (decimal, or hex after 0x)",
            }
        ),
    }
}

pub(super) fn parse_switch(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "1" | "true" | "on" | "yes" | "trace" | "debug" => Some(true),
        "0" | "false" | "off" | "no" => Some(false),
        _ => None,
    }
}

/// `k/n` with `k < n`.
pub(super) fn parse_shard(s: &str) -> Option<(u32, u32)> {
    let (index, count) = s.split_once('/')?;
    let index: u32 = index.trim().parse().ok()?;
    let count: u32 = count.trim().parse().ok()?;
    (index < count).then_some((index, count))
}

/// Decimal, or hexadecimal after `0x`; `_` separators allowed.
pub(crate) fn parse_number(s: &str) -> Option<u64> {
    let s = s.replace('_', "");
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

/// A number of bytes, or of KiB, MiB or GiB after `K`, `M` or `G` (`512M`, `2GiB`).
pub(super) fn parse_bytes(s: &str) -> Option<usize> {
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '_')
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let shift = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        _ => return None,
    };
    let number = usize::try_from(parse_number(number)?).ok()?;
    number.checked_mul(1 << shift)
}

/// `90`, `90s`, `1500ms`, `2m`, `1h`: a plain number means seconds.
pub(crate) fn parse_duration(s: &str) -> Option<Duration> {
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let number: f64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "" | "s" => number,
        "ms" => number / 1000.0,
        "m" | "min" => number * 60.0,
        "h" => number * 3600.0,
        _ => return None,
    };
    // `try_`: past `u64::MAX` seconds (or negative, or not finite), `from_secs_f64` panics.
    Duration::try_from_secs_f64(seconds).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("90"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("1500ms"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("ten"), None);
        assert_eq!(parse_duration("5 parsecs"), None);
        assert_eq!(parse_duration("99999999999999999999999h"), None);
        assert_eq!(parse_duration("1.5.2"), None);
    }

    #[test]
    fn numbers_parse_in_decimal_and_hex() {
        assert_eq!(parse_number("1_000"), Some(1000));
        assert_eq!(parse_number("0xff"), Some(255));
        assert_eq!(parse_number("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_number("-1"), None);
        assert_eq!(parse_number("0xg"), None);
    }

    #[test]
    fn sizes_parse_in_bytes_and_binary_units() {
        assert_eq!(parse_bytes("4096"), Some(4096));
        assert_eq!(parse_bytes("64K"), Some(64 << 10));
        assert_eq!(parse_bytes("512M"), Some(512 << 20));
        assert_eq!(parse_bytes("2 GiB"), Some(2 << 30));
        assert_eq!(parse_bytes("1_000mb"), Some(1000 << 20));
        assert_eq!(parse_bytes("G"), None);
        assert_eq!(parse_bytes("5T"), None);
        assert_eq!(parse_bytes("-1"), None);
        assert_eq!(parse_bytes("99999999999999999999G"), None);
    }

    #[test]
    fn shards_parse_as_k_of_n() {
        assert_eq!(parse_shard("0/4"), Some((0, 4)));
        assert_eq!(parse_shard(" 3 / 4 "), Some((3, 4)));
        assert_eq!(parse_shard("4/4"), None);
        assert_eq!(parse_shard("1"), None);
        assert_eq!(parse_shard("a/b"), None);
    }
}
