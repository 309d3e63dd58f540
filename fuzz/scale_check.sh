#!/usr/bin/env bash
# On-demand check (not part of .ci/run): the lost_update target under libFuzzer's parallel
# modes. `-fork=2` and `-jobs=2 -workers=2` must each find the lost update, print weft's
# report with its `replay: WEFT_REPLAY=` line, and save a crash input that replays; `-fork=2
# -ignore_crashes=1` must keep fuzzing after a crash and save several inputs.
# Usage: fuzz/scale_check.sh [seconds per run, default 60]. Stable toolchain, no sanitizer.
set -euo pipefail
cd "$(dirname "$0")"
fuzz_dir=$(pwd)

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "scale_check: cargo-fuzz is not installed; run: cargo install cargo-fuzz --locked" >&2
  exit 1
fi

seconds=${1:-60}
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [seconds per run, at least 1]" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

fail() {
  echo "scale_check: FAIL: $*" >&2
  failed=1
}

# Runs lost_update for at most $2 seconds with the libFuzzer flags that follow, from
# $work/$1 (where -jobs writes its fuzz-N.log files), with a fresh corpus and crash inputs in
# $work/$1/crashes. The crash makes cargo fuzz exit non-zero, so its status is not checked:
# the logs are.
run() {
  local mode=$1 limit=$2
  shift 2
  mkdir -p "$work/$mode/corpus" "$work/$mode/crashes"
  (
    cd "$work/$mode"
    timeout $((limit + 120)) cargo fuzz run --fuzz-dir "$fuzz_dir" -s none lost_update \
      corpus -- "$@" -max_total_time="$limit" -artifact_prefix="$work/$mode/crashes/" \
      >output.log 2>&1 || true
  )
}

# Asserts that the log holds weft's report and that a saved crash input replays it.
check_report() {
  local mode=$1 log=$2 crash
  if ! grep -q "^weft: main panicked at .*an update was lost" "$log" ||
    ! grep -q "^replay: WEFT_REPLAY=w1:" "$log"; then
    fail "$mode: no weft report with its replay line in $log"
    return
  fi
  crash=$(find "$work/$mode/crashes" -name 'crash-*' | head -n 1)
  if [[ -z $crash ]]; then
    fail "$mode: no crash input saved"
    return
  fi
  cargo fuzz run --fuzz-dir "$fuzz_dir" -s none lost_update "$crash" >"$work/$mode/replay.log" 2>&1 || true
  if ! grep -q "^replay: WEFT_REPLAY=w1:" "$work/$mode/replay.log"; then
    fail "$mode: $crash did not replay weft's report"
    return
  fi
  echo "scale_check: $mode: found, reported, $(basename "$crash") replays"
}

# Build once, so that the timed runs below only fuzz.
cargo fuzz build --fuzz-dir "$fuzz_dir" -s none lost_update

run fork "$seconds" -fork=2
check_report fork "$work/fork/output.log"

run jobs "$seconds" -jobs=2 -workers=2
logs=("$work"/jobs/fuzz-*.log)
if [[ ! -e ${logs[0]} ]]; then
  fail "jobs: libFuzzer wrote no fuzz-N.log"
else
  cat "${logs[@]}" >"$work/jobs/all-jobs.log"
  check_report jobs "$work/jobs/all-jobs.log"
fi

# Runs its whole time (each crash ends one child, not the search): 10 s are plenty.
short=$((seconds < 10 ? seconds : 10))
run ignore_crashes "$short" -fork=2 -ignore_crashes=1
saved=$(find "$work/ignore_crashes/crashes" -name 'crash-*' | wc -l)
if ((saved < 2)); then
  fail "ignore_crashes: $saved crash inputs saved, expected several"
else
  echo "scale_check: ignore_crashes: $saved crash inputs saved in $short s"
fi

if ((failed)); then
  exit 1
fi
echo "scale_check: passed"
