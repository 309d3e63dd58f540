//! The progress line of a long exploration, on stderr: executions done, executions per
//! second, blocked runs, elapsed time, and what the wakeup trees take once that is a MiB
//! or more (or that they outgrew their budget, `Builder::wakeup_memory`). Shown once an exploration has run for `QUIET`; an
//! `indicatif` spinner line when stderr is a terminal, else a plain line every `PLAIN_EVERY`.
//!
//! Invariant: at most one clock read per `CHECK_EVERY` executions, and nothing at all is
//! printed for explorations shorter than `QUIET` or when progress is off (`WEFT_PROGRESS=0`).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::failure::Stats;

const QUIET: Duration = Duration::from_secs(2);
const PLAIN_EVERY: Duration = Duration::from_secs(10);
const CHECK_EVERY: u64 = 64;

pub(crate) struct Progress {
    enabled: bool,
    started: Instant,
    runs: u64,
    bar: Option<ProgressBar>,
    last_plain: Option<Instant>,
}

impl Progress {
    pub(crate) fn new(enabled: bool) -> Progress {
        Progress {
            enabled,
            started: Instant::now(),
            runs: 0,
            bar: None,
            last_plain: None,
        }
    }

    /// Called after each execution.
    pub(crate) fn tick(&mut self, stats: &Stats) {
        self.runs += 1;
        if !self.enabled || self.runs % CHECK_EVERY != 0 {
            return;
        }
        let elapsed = self.started.elapsed();
        if elapsed < QUIET {
            return;
        }
        let line = line(stats, elapsed);
        if let Some(bar) = &self.bar {
            bar.set_message(line);
        } else if self.last_plain.is_none() && std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(ProgressStyle::with_template("{spinner} {msg}").expect("valid"));
            bar.enable_steady_tick(Duration::from_millis(200));
            bar.set_message(line);
            self.bar = Some(bar);
        } else if self.last_plain.is_none_or(|t| t.elapsed() >= PLAIN_EVERY) {
            eprintln!("{line}");
            self.last_plain = Some(Instant::now());
        }
    }

    /// Called once when the exploration ends.
    pub(crate) fn finish(&mut self, stats: &Stats) {
        let shown = self.bar.is_some() || self.last_plain.is_some();
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        if shown {
            eprintln!("{} (done)", line(stats, self.started.elapsed()));
        }
    }
}

/// `weft: 120000 executions (41000/s), 3000 blocked, 2.9s`, then `, wakeup trees 9.1 MiB`
/// once they take a MiB or more, or a note once they outgrew their budget.
fn line(stats: &Stats, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    let rate = (stats.executions + stats.blocked) as f64 / seconds.max(1e-9);
    let mut line = format!(
        "weft: {} executions ({:.0}/s), {} blocked, {:.1}s",
        stats.executions, rate, stats.blocked, seconds
    );
    const MIB: usize = 1 << 20;
    if stats.wakeup_over_budget {
        line.push_str(", wakeup trees at WEFT_WAKEUP_MEMORY");
    } else if stats.wakeup_bytes >= MIB {
        let mib = stats.wakeup_bytes as f64 / MIB as f64;
        line.push_str(&format!(", wakeup trees {mib:.1} MiB"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_shows_counts_rate_and_time() {
        let stats = Stats {
            executions: 9_000,
            blocked: 1_000,
            ..Stats::default()
        };
        assert_eq!(
            line(&stats, Duration::from_millis(2_500)),
            "weft: 9000 executions (4000/s), 1000 blocked, 2.5s"
        );
    }

    #[test]
    fn line_shows_large_wakeup_trees_and_the_fall_back() {
        let second = Duration::from_secs(1);
        let mut stats = Stats {
            executions: 10,
            wakeup_bytes: 3 << 19,
            ..Stats::default()
        };
        assert_eq!(
            line(&stats, second),
            "weft: 10 executions (10/s), 0 blocked, 1.0s, wakeup trees 1.5 MiB"
        );
        stats.wakeup_over_budget = true;
        let over = line(&stats, second);
        assert!(over.ends_with("1.0s, wakeup trees at WEFT_WAKEUP_MEMORY"));
        stats.wakeup_over_budget = false;
        stats.wakeup_bytes = 1000;
        assert!(line(&stats, second).ends_with("1.0s"));
    }

    #[test]
    fn nothing_is_shown_for_short_or_disabled_explorations() {
        let stats = Stats::default();
        let mut quiet = Progress::new(true);
        for _ in 0..1_000 {
            quiet.tick(&stats);
        }
        assert!(quiet.bar.is_none() && quiet.last_plain.is_none());
        let mut off = Progress::new(false);
        off.started -= Duration::from_secs(60);
        for _ in 0..1_000 {
            off.tick(&stats);
        }
        assert!(off.bar.is_none() && off.last_plain.is_none());
    }
}
