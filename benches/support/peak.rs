//! The peak resident memory of the running process, for the benches that measure it in
//! child processes (`benches/parallel.rs`, `benches/memory.rs`).

/// Peak resident set size of this process so far (`VmHWM`), in MiB; NaN where
/// `/proc/self/status` does not say.
pub fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}
