#!/bin/bash -eu
# Builds weft's cargo-fuzz targets for ClusterFuzzLite, and for OSS-Fuzz, whose build.sh runs
# this one. Both document the same Rust recipe: `cargo fuzz build -O` in the image's nightly
# toolchain, then each target binary into $OUT. cargo-fuzz's default sanitizer, address, is
# the only one they support for Rust; it also turns on weft's `sanitizer` feature (see
# fuzz/Cargo.toml), which tells ASan about the model threads' stack switches.
#
# lost_update, treiber_aba and treiber_aba_orders are demonstrations: each runs a program with
# a bug planted on purpose and crashes within a second, so continuous fuzzing would report
# that same bug on every run. They are left out unless WEFT_FUZZ_DEMOS=1. Every other target
# (schedule_decode today, and any target added later) is copied.
cd "$SRC/weft/fuzz"
cargo fuzz build -O

release="${CARGO_TARGET_DIR:-target}/x86_64-unknown-linux-gnu/release"
demos=" lost_update treiber_aba treiber_aba_orders "
for source in fuzz_targets/*.rs; do
  target=$(basename "$source" .rs)
  if [[ $demos == *" $target "* && ${WEFT_FUZZ_DEMOS:-0} != 1 ]]; then
    echo "build.sh: $target crashes on a planted bug by design; not copied to \$OUT"
    continue
  fi
  cp "$release/$target" "$OUT/"
  # A dictionary named after its target is picked up by both services.
  if [[ -f dictionaries/$target.dict ]]; then
    cp "dictionaries/$target.dict" "$OUT/"
  fi
done
