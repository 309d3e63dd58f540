//! The choices of one execution and their text form, which a report prints and
//! `weft::replay` / `WEFT_REPLAY` read back.
//!
//! Format (version 1): `w1:` RUNS `:` CHECK, where RUNS is `.`-separated runs `T` or `T-N`
//! (thread `T` chosen `N` times in a row, decimal), or `T~K` (thread `T` chosen once, its
//! operation taking value choice `K` ≥ 1: a load reading an older store, see
//! `runtime::value_choice`; every other step takes choice 0), and CHECK is four hex digits of
//! a hash of RUNS, so a truncated or edited string is rejected instead of replaying
//! something else. Only characters that need no shell quoting are used.
//!
//! Invariant: `decode(encode(s)) == s`, and `decode` returns an error (never panics, never
//! allocates beyond `MAX_DECODED_STEPS`) for any other input.

use std::fmt::Write;

/// Longest schedule `decode` accepts, in steps.
pub(crate) const MAX_DECODED_STEPS: usize = 10_000_000;
const PREFIX: &str = "w1:";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Schedule {
    /// The thread chosen at each scheduling point.
    pub threads: Vec<u32>,
    /// The steps whose value choice is not 0, in step order: (step, choice).
    pub values: Vec<(u32, u32)>,
}

impl Schedule {
    /// The value choice of `step`.
    pub(crate) fn value(&self, step: usize) -> u32 {
        match self
            .values
            .binary_search_by_key(&(step as u32), |&(s, _)| s)
        {
            Ok(i) => self.values[i].1,
            Err(_) => 0,
        }
    }

    /// Each step's (thread, value choice).
    pub(crate) fn steps(&self) -> Vec<(u32, u32)> {
        let mut steps: Vec<(u32, u32)> = self.threads.iter().map(|&t| (t, 0)).collect();
        for &(step, value) in &self.values {
            steps[step as usize].1 = value;
        }
        steps
    }

    pub(crate) fn encode(&self) -> String {
        let mut runs = String::new();
        let mut values = self.values.iter().peekable();
        let mut i = 0;
        while i < self.threads.len() {
            let thread = self.threads[i];
            if !runs.is_empty() {
                runs.push('.');
            }
            if let Some(&(_, value)) = values.next_if(|&&(step, _)| step as usize == i) {
                let _ = write!(runs, "{thread}~{value}");
                i += 1;
                continue;
            }
            let next_value = values
                .peek()
                .map_or(usize::MAX, |&&(step, _)| step as usize);
            let len = self.threads[i..next_value.min(self.threads.len())]
                .iter()
                .take_while(|t| **t == thread)
                .count();
            let _ = write!(runs, "{thread}");
            if len > 1 {
                let _ = write!(runs, "-{len}");
            }
            i += len;
        }
        format!("{PREFIX}{runs}:{:04x}", checksum(&runs))
    }

    pub(crate) fn decode(text: &str) -> Result<Schedule, String> {
        let text = text.trim();
        let body = text.strip_prefix(PREFIX).ok_or_else(|| {
            format!(
                "it does not start with `{PREFIX}` (a weft schedule looks like w1:0-3.1.0-2:5e1c)"
            )
        })?;
        let (runs, check) = body
            .rsplit_once(':')
            .ok_or("it has no `:CHECK` ending: it was probably cut short")?;
        let expected = format!("{:04x}", checksum(runs));
        if check != expected {
            return Err(
                "its check digits do not match: it was cut short or altered; copy the whole \
                        string from the report"
                    .to_string(),
            );
        }
        let mut threads = Vec::new();
        let mut values = Vec::new();
        if runs.is_empty() {
            return Ok(Schedule { threads, values });
        }
        for run in runs.split('.') {
            if let Some((thread, value)) = run.split_once('~') {
                let thread: u32 =
                    parse_decimal(thread).ok_or_else(|| format!("bad thread number in `{run}`"))?;
                let value: u32 = parse_decimal(value)
                    .filter(|v| *v >= 1)
                    .ok_or_else(|| format!("bad value choice in `{run}`"))?;
                if threads.len() >= MAX_DECODED_STEPS {
                    return Err(format!("it is longer than {MAX_DECODED_STEPS} steps"));
                }
                values.push((threads.len() as u32, value));
                threads.push(thread);
                continue;
            }
            let (thread, count) = match run.split_once('-') {
                Some((thread, count)) => (thread, count),
                None => (run, "1"),
            };
            let thread: u32 =
                parse_decimal(thread).ok_or_else(|| format!("bad thread number in `{run}`"))?;
            let count: usize = parse_decimal(count)
                .filter(|c| *c >= 1)
                .ok_or_else(|| format!("bad repeat count in `{run}`"))?;
            if count > MAX_DECODED_STEPS - threads.len() {
                return Err(format!("it is longer than {MAX_DECODED_STEPS} steps"));
            }
            threads.extend(std::iter::repeat_n(thread, count));
        }
        Ok(Schedule { threads, values })
    }
}

fn parse_decimal<T: std::str::FromStr>(s: &str) -> Option<T> {
    if s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// FNV-1a, folded to 16 bits.
fn checksum(text: &str) -> u16 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in text.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    (hash ^ (hash >> 16)) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_runs() {
        let s = Schedule {
            threads: vec![0, 0, 0, 1, 2, 2, 0, 17],
            values: Vec::new(),
        };
        let text = s.encode();
        assert!(text.starts_with("w1:0-3.1.2-2.0.17:"), "{text}");
        assert_eq!(Schedule::decode(&text), Ok(s));
    }

    #[test]
    fn round_trips_value_choices() {
        let s = Schedule {
            threads: vec![0, 0, 0, 1, 1, 2, 2],
            values: vec![(1, 2), (3, 1), (6, 12)],
        };
        let text = s.encode();
        assert!(text.starts_with("w1:0.0~2.0.1~1.1.2.2~12:"), "{text}");
        assert_eq!(Schedule::decode(&text), Ok(s.clone()));
        assert_eq!(s.steps()[..4], [(0, 0), (0, 2), (0, 0), (1, 1)]);
        assert_eq!((s.value(1), s.value(2), s.value(6)), (2, 0, 12));
        for bad in ["0~0", "0~", "0~x", "~1", "0~1-2"] {
            let text = format!("w1:{bad}:{:04x}", checksum(bad));
            assert!(Schedule::decode(&text).is_err(), "{bad}");
        }
    }

    #[test]
    fn rejects_damaged_strings_with_reasons() {
        let good = Schedule {
            threads: vec![0, 1, 1],
            values: Vec::new(),
        }
        .encode();
        let cut = &good[..good.len() - 2];
        assert!(Schedule::decode(cut).unwrap_err().contains("check digits"));
        let edited = good.replace("1-2", "1-3");
        assert!(Schedule::decode(&edited)
            .unwrap_err()
            .contains("check digits"));
        assert!(Schedule::decode("hello")
            .unwrap_err()
            .contains("does not start"));
        assert!(Schedule::decode("w1:0.1")
            .unwrap_err()
            .contains("cut short"));
    }

    #[test]
    fn rejects_huge_counts_without_allocating() {
        let runs = "0-9999999999";
        let text = format!("w1:{runs}:{:04x}", checksum(runs));
        assert!(Schedule::decode(&text).is_err());
        let runs = "0-9000000.1-9000000";
        let text = format!("w1:{runs}:{:04x}", checksum(runs));
        assert!(Schedule::decode(&text).unwrap_err().contains("longer than"));
    }

    #[test]
    fn never_panics_on_arbitrary_text() {
        for text in [
            "w1:",
            "w1::",
            "w1:-:0000",
            "w1:.:1234",
            "w1:a-b:ffff",
            "w1:\u{1F600}:zz",
            ":::",
        ] {
            let _ = Schedule::decode(text);
        }
    }

    /// Random run lists with valid check digits get past the checksum, so the run parser
    /// itself meets arbitrary text: it must answer, never panic.
    #[test]
    fn never_panics_on_checksummed_garbage() {
        let alphabet: Vec<char> = "0123456789-~.:w1 x\u{0}é".chars().collect();
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as usize
        };
        let mut accepted = 0;
        for _ in 0..20_000 {
            let len = next() % 24;
            let runs: String = (0..len)
                .map(|_| alphabet[next() % alphabet.len()])
                .collect();
            let text = format!("w1:{runs}:{:04x}", checksum(&runs));
            if let Ok(schedule) = Schedule::decode(&text) {
                accepted += 1;
                assert!(schedule.threads.len() <= MAX_DECODED_STEPS);
            }
        }
        assert!(accepted > 0, "some random run lists are well formed");
    }
}
