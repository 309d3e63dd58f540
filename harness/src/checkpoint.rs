//! Resumable explorations: the checkpoint file of a split exploration (`WEFT_CHECKPOINT`).
//!
//! The file lists the units explored to their end (see `explore::split`) and their runs, so
//! a resumed run skips them and its counters end where an uninterrupted run's would. It is
//! small (one line per finished unit), plain text, versioned and summed:
//!
//! ```text
//! weft checkpoint 12
//! test tests/my_test.rs:12:5
//! fingerprint 9c1e02d43a7f6b10
//! split 9 1 0/1 -
//! runs 120400 3
//! done 0.0.1.0.2.0.0.0.0
//! done 0.0.1.0.2.0.0.0.1
//! sum 1fa2e754ffd9b057
//! ```
//!
//! `test` is where the model was explored from, `fingerprint` hashes the operations of the
//! program's first execution, `split` is the cut's depth and position weight (`Split::depth`,
//! `Split::position_weight`), the shard and the preemption bound. A resumed run takes the file's
//! cut (`load`) unless one is set (`Builder::split_depth`), since the cut follows the number of
//! workers, which may differ on the machine that resumes; it must match the rest: otherwise the
//! units would name other executions, and loading fails with an `InvalidCheckpoint` report saying
//! what differs. `sum` hashes every byte before it (FNV-1a): a file cut short or changed by
//! accident is refused, where a changed `done` line would otherwise skip a unit never explored, or
//! a changed count end the run with wrong figures. Version 12 deals units to shards by estimates
//! that look past the threads' next steps (`split::balance`), so a shard takes other units, and
//! roots one unit at a node where a sleeper has nobody left to wake it (`Dpor::above_cut`), which
//! renames units; version 11 records the cut's position weight, which 3 or more workers set too
//! (`parallel/cut.rs`); version 10 lets SeqCst reads skip older stores and keep their past as other
//! reads do, and keeps a store with no store to another location in its past from going before a
//! store that was read or that it does not commute with; version 9 lets a read whose past holds
//! stores to its own location alone skip as one with none did, and SeqCst fences add no store to a
//! past (`runtime::store_past`), which removes value choices and so renames units; version 8 lets a
//! load with no store in its past skip older stores with none in theirs, likewise; version 7 lets
//! stores that are not SeqCst commute (`AccessKind::Placed`), which names other units in programs
//! with several such stores to one location; version 6 adds the sum; version 5 tries a node's
//! branches in that order on several shards too, and estimates a unit by the threads asleep at its
//! root (`split::balance`); version 4 runs a join that can run above the cut at once, as a start,
//! instead of branching on it, and on one shard tries a node's branches in another order
//! (`AboveCut::late`); version 3 makes the branches of a node above the cut that look uncontended
//! one unit rooted at the node (`dpor::RestUnit`); version 2 cut later branches less deep than
//! first ones and gave units to shards by estimated work (`split::balance`), version 1 used a
//! uniform cut and hashed units to shards. Files of earlier versions name other units and are
//! refused.
//!
//! Invariant: the file on disk is always a whole checkpoint (written beside, then renamed).

use std::fmt::Write as _;
use std::path::Path;

use crate::explore::split::{fnv1a, UnitKey, FNV_START};
use crate::failure::{Failure, FailureKind};

const MAGIC: &str = "weft checkpoint 12";

/// What a checkpoint must agree on with the run that loads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    pub test: String,
    pub fingerprint: u64,
    pub depth: usize,
    pub weight: usize,
    pub shard: (u32, u32),
    pub bound: Option<usize>,
}

/// A loaded checkpoint: the units done and their complete and blocked executions.
#[derive(Debug, Default)]
pub(crate) struct Resumed {
    pub runs: (u64, u64),
    pub done: Vec<UnitKey>,
}

/// Writes the checkpoint atomically: a whole file beside `path`, then renamed over it.
pub(crate) fn save(
    path: &Path,
    header: &Header,
    runs: (u64, u64),
    done: &[UnitKey],
) -> std::io::Result<()> {
    let mut text = String::new();
    let bound = header.bound.map_or("-".to_string(), |b| b.to_string());
    let (k, n) = header.shard;
    let _ = writeln!(text, "{MAGIC}\ntest {}", header.test);
    let _ = writeln!(text, "fingerprint {:016x}", header.fingerprint);
    let _ = writeln!(
        text,
        "split {} {} {k}/{n} {bound}",
        header.depth, header.weight
    );
    let _ = writeln!(text, "runs {} {}", runs.0, runs.1);
    for key in done {
        let positions: Vec<String> = key.iter().map(u32::to_string).collect();
        let shown = if key.is_empty() {
            "-".to_string()
        } else {
            positions.join(".")
        };
        let _ = writeln!(text, "done {shown}");
    }
    let _ = writeln!(text, "sum {:016x}", fnv1a(FNV_START, text.as_bytes()));
    let mut beside = path.as_os_str().to_owned();
    beside.push(".tmp");
    std::fs::write(&beside, text)?;
    std::fs::rename(&beside, path)
}

/// The checkpoint at `path` and what it names: `Ok(None)` when there is none yet, an
/// `InvalidCheckpoint` failure when it is damaged. Read once, before the run knows its
/// cut: a resumed run takes the file's (see the module docs), then `check`s the rest.
pub(crate) fn load(path: &Path) -> Result<Option<(Header, Resumed)>, Failure> {
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(invalid(path, &format!("cannot be read: {e}"))),
    };
    let text = String::from_utf8(text).map_err(|_| invalid(path, "is not text"))?;
    let loaded = parse(&text).map_err(|reason| invalid(path, &reason))?;
    Ok(Some(loaded))
}

/// An `InvalidCheckpoint` failure when the checkpoint at `path`, whose header is `found`,
/// does not belong to this test and these settings (`expected`).
pub(crate) fn check(path: &Path, found: &Header, expected: &Header) -> Result<(), Failure> {
    match found == expected {
        true => Ok(()),
        false => Err(invalid(path, &mismatch(found, expected))),
    }
}

fn parse(text: &str) -> Result<(Header, Resumed), String> {
    let mut lines = text.lines().enumerate();
    let mut field = |name: &str| -> Result<(usize, &str), String> {
        match lines.next() {
            Some((n, line)) => match line.strip_prefix(name).and_then(|r| r.strip_prefix(' ')) {
                Some(rest) => Ok((n + 1, rest)),
                None => Err(format!(
                    "line {}: expected `{name} ...`, found {line:?}",
                    n + 1
                )),
            },
            None => Err(format!("ends before its `{name}` line")),
        }
    };
    let (_, magic) = field("weft")?;
    if format!("weft {magic}") != MAGIC {
        return Err(format!(
            "starts with {magic:?}, not {MAGIC:?} (another version?)"
        ));
    }
    check_sum(text)?;
    let (_, test) = field("test")?;
    let (n, fingerprint) = field("fingerprint")?;
    let fingerprint = u64::from_str_radix(fingerprint, 16)
        .map_err(|_| format!("line {n}: bad fingerprint {fingerprint:?}"))?;
    let (n, split) = field("split")?;
    let bad_split =
        || format!("line {n}: expected `split DEPTH WEIGHT K/N BOUND`, found {split:?}");
    let parts: Vec<&str> = split.split(' ').collect();
    let [depth, weight, shard, bound] = parts[..] else {
        return Err(bad_split());
    };
    let (k, count) = shard.split_once('/').ok_or_else(bad_split)?;
    let header = Header {
        test: test.to_string(),
        fingerprint,
        depth: depth.parse().map_err(|_| bad_split())?,
        weight: weight.parse().map_err(|_| bad_split())?,
        shard: (
            k.parse().map_err(|_| bad_split())?,
            count.parse().map_err(|_| bad_split())?,
        ),
        bound: match bound {
            "-" => None,
            b => Some(b.parse().map_err(|_| bad_split())?),
        },
    };
    let (n, runs) = field("runs")?;
    let bad_runs = || format!("line {n}: expected `runs COMPLETE BLOCKED`, found {runs:?}");
    let (complete, blocked) = runs.split_once(' ').ok_or_else(bad_runs)?;
    let mut resumed = Resumed {
        runs: (
            complete.parse().map_err(|_| bad_runs())?,
            blocked.parse().map_err(|_| bad_runs())?,
        ),
        done: Vec::new(),
    };
    while let Ok((n, key)) = field("done") {
        let positions = match key {
            "-" => Ok(Vec::new()),
            key => key.split('.').map(str::parse).collect(),
        };
        resumed
            .done
            .push(positions.map_err(|_| format!("line {n}: bad unit {key:?}"))?);
    }
    // The line after the last `done` is the `sum` line, which `check_sum` found last.
    match text.lines().count() == 6 + resumed.done.len() {
        true => Ok((header, resumed)),
        false => Err(format!(
            "line {}: expected `done ...` or `sum ...`",
            6 + resumed.done.len()
        )),
    }
}

/// Checks that `text` ends with its `sum` line and that the line holds the hash of every
/// byte before it.
fn check_sum(text: &str) -> Result<(), String> {
    let cut_short = || "ends before its `sum` line (cut short?)".to_string();
    let lines = text.strip_suffix('\n').ok_or_else(cut_short)?;
    let start = lines.rfind('\n').map_or(0, |newline| newline + 1);
    let sum = lines[start..].strip_prefix("sum ").ok_or_else(cut_short)?;
    let actual = fnv1a(FNV_START, &text.as_bytes()[..start]);
    match sum == format!("{actual:016x}") {
        true => Ok(()),
        false => Err(format!(
            "does not match its sum (`sum {sum}`, its contents hash to {actual:016x}): it \
             was damaged"
        )),
    }
}

fn mismatch(found: &Header, expected: &Header) -> String {
    let what = if found.test != expected.test {
        format!("the test at {}, not {}", found.test, expected.test)
    } else if found.fingerprint != expected.fingerprint {
        "another version of this test (its first execution differs)".to_string()
    } else {
        format!(
            "other settings (cut depth {} weighted {}, shard {}/{}, preemption bound {:?}; this \
             run: {} weighted {}, {}/{}, {:?})",
            found.depth,
            found.weight,
            found.shard.0,
            found.shard.1,
            found.bound,
            expected.depth,
            expected.weight,
            expected.shard.0,
            expected.shard.1,
            expected.bound
        )
    };
    format!("was written for {what}")
}

fn invalid(path: &Path, reason: &str) -> Failure {
    let report = format!(
        "weft: checkpoint {} {reason}\n  (delete the file to start the exploration over, or \
         point WEFT_CHECKPOINT elsewhere)\n",
        path.display()
    );
    Failure::new(FailureKind::InvalidCheckpoint, report, String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            test: "tests/a.rs:1:2".into(),
            fingerprint: 0x1234,
            depth: 3,
            weight: 1,
            shard: (1, 4),
            bound: Some(2),
        }
    }

    fn text(name: &str, done: &[UnitKey]) -> String {
        let file = format!("weft-unit-{}-{name}", std::process::id());
        let path = std::env::temp_dir().join(file);
        save(&path, &header(), (10, 2), done).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        text
    }

    #[test]
    fn a_saved_checkpoint_loads_back() {
        let done = vec![vec![0, 1, 2], vec![], vec![3]];
        let (loaded, resumed) = parse(&text("loads", &done)).unwrap();
        assert_eq!(loaded, header());
        assert_eq!(resumed.runs, (10, 2));
        assert_eq!(resumed.done, done);
    }

    #[test]
    fn any_damage_is_an_error_or_a_checkpoint_never_a_panic() {
        let original = text("damage", &[vec![0, 1], vec![2]]).into_bytes();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let (mut changed, mut errors) = (0, 0);
        for _ in 0..2000 {
            let mut bytes = original.clone();
            for _ in 0..1 + next(3) {
                let at = next(bytes.len());
                match next(3) {
                    0 => bytes[at] = next(256) as u8,
                    1 => drop(bytes.remove(at)),
                    _ => bytes.insert(at, b"0.-/ \n9x"[next(8)]),
                }
            }
            if bytes == original {
                continue;
            }
            if let Ok(text) = String::from_utf8(bytes) {
                changed += 1;
                errors += usize::from(parse(&text).is_err());
            }
        }
        assert!(changed > 1000);
        assert_eq!(errors, changed, "the sum notices every change");
    }
}
