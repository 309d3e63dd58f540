//! A checkpoint file changed in any way is refused with an `InvalidCheckpoint` failure
//! that says what is wrong, or resumed from: never a panic of weft's own, a hang or an
//! abort. Accidental damage (cut short anywhere, a byte changed) breaks the file's `sum`
//! line and is refused; a file edited with its sum made to match (huge counts, units that
//! do not exist) gets past the sum, and must still be handled.
#![cfg(feature = "permute")]

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use weft::{Builder, Failure, FailureKind, Stats};

/// Explores lastzero(4) with the checkpoint at `path`, always from this one call site (a
/// checkpoint belongs to the place a model is explored from).
fn explore_with(path: &Path, max_executions: Option<u64>) -> Result<Stats, Failure> {
    let mut builder = Builder::new().jobs(1).progress(false).checkpoint(path);
    if let Some(max) = max_executions {
        builder = builder.max_executions(max);
    }
    builder.explore(common::lastzero(4))
}

/// Every cut of `bytes`, and every byte replaced by a few others.
fn damaged(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = (0..bytes.len()).map(|cut| bytes[..cut].to_vec()).collect();
    for at in 0..bytes.len() {
        for replacement in [b'0', b'9', b' ', b'\n', b'.', b'-', b'x', 0xff] {
            if bytes[at] != replacement {
                let mut copy = bytes.to_vec();
                copy[at] = replacement;
                out.push(copy);
            }
        }
    }
    out
}

/// `text` (a checkpoint without its `sum` line) with the sum line it needs: FNV-1a of every
/// byte before it, as weft writes it.
fn summed(text: &str) -> Vec<u8> {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in text.as_bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{text}sum {hash:016x}\n").into_bytes()
}

/// Edits that keep the sum right: each number replaced by extreme ones, a unit that does
/// not exist, a unit listed twice.
fn edited(text: &str) -> Vec<Vec<u8>> {
    let (body, _sum) = text
        .trim_end()
        .rsplit_once('\n')
        .expect("a sum line after the body");
    let body = format!("{body}\n");
    let numbers: Vec<&str> = (body.lines().skip(1))
        .flat_map(|line| line.split(|c: char| !c.is_ascii_digit()))
        .filter(|n| !n.is_empty())
        .collect();
    let mut out = vec![summed(&body)];
    for number in numbers {
        for extreme in [
            "18446744073709551615",
            "99999999999999999999999",
            "4294967295",
        ] {
            out.push(summed(&body.replacen(number, extreme, 1)));
        }
    }
    out.push(summed(&format!("{body}done 4294967295.4294967295.7\n")));
    let first_done = body.lines().find(|l| l.starts_with("done ")).unwrap();
    out.push(summed(&format!("{body}{first_done}\n")));
    out
}

/// Explores with `bytes` as the checkpoint: whether it was resumed (true) or refused.
fn resumes(path: &Path, bytes: &[u8]) -> bool {
    std::fs::write(path, bytes).unwrap();
    let shown = String::from_utf8_lossy(bytes).into_owned();
    match catch_unwind(AssertUnwindSafe(|| explore_with(path, None))) {
        Ok(Ok(stats)) => {
            assert!(stats.complete, "{shown:?}");
            true
        }
        Ok(Err(failure)) => {
            assert_eq!(failure.kind(), FailureKind::InvalidCheckpoint, "{shown:?}");
            let text = failure.to_string();
            assert!(text.contains("weft: checkpoint "), "{text}");
            assert!(text.contains("delete the file"), "{text}");
            false
        }
        Err(payload) => panic!(
            "weft panicked on checkpoint {shown:?}: {}",
            common::panic_text(payload.as_ref())
        ),
    }
}

#[test]
fn a_damaged_checkpoint_is_refused_and_an_edited_one_never_panics() {
    let path = std::env::temp_dir().join(format!("weft-{}-damage", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let whole = explore_with(&path, None)
        .expect("a correct program")
        .executions;
    let stopped = explore_with(&path, Some(whole / 2)).expect("a correct program");
    assert!(!stopped.complete);
    let original = std::fs::read_to_string(&path).expect("the checkpoint was written");
    assert!(original.contains("\ndone "), "{original}");

    let damage = damaged(original.as_bytes());
    let resumed = damage.iter().filter(|bytes| resumes(&path, bytes)).count();
    assert_eq!(
        resumed,
        0,
        "every damaged file of {} is refused",
        damage.len()
    );

    let edits = edited(&original);
    assert_eq!(edits[0], original.as_bytes(), "the test sums as weft does");
    let resumed = edits.iter().filter(|bytes| resumes(&path, bytes)).count();
    assert!(
        resumed > 1,
        "the unchanged file and harmless edits resume: {resumed}"
    );

    std::fs::write(&path, &original).unwrap();
    let stats = explore_with(&path, None).expect("the original resumes");
    assert_eq!(
        stats.executions, whole,
        "and ends with the whole run's count"
    );
    let _ = std::fs::remove_file(&path);
}
