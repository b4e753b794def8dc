#!/usr/bin/env bash
# Coverage-guided fuzzing of scenario text (libFuzzer through cargo-fuzz) for
# SECONDS seconds, on the stable toolchain:
#
#     fuzz/run.sh 600
#     FUZZ_SANITIZER=address fuzz/run.sh 600     # with AddressSanitizer
#
# Installs cargo-fuzz when it is missing, seeds the corpus with the shipped
# scenarios, the test fixtures and the starter, and fails on any crash, panic,
# timeout or out-of-memory; the input that caused it is written to
# fuzz/artifacts/scenario/ and `cargo fuzz run -a -s none scenario THAT-FILE`
# (from fuzz/) replays it.
set -euo pipefail
seconds=${1:?usage: fuzz/run.sh SECONDS}
cd "$(dirname "$0")"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --version 0.13.2 --locked
fi
# Debug assertions and overflow checks on: an overflow is a finding too. No
# sanitizer by default: staffsim's only unsafe code forwards to the system
# allocator (src/oom.rs), and AddressSanitizer
# makes the build twice as long and each run ten times slower;
# FUZZ_SANITIZER=address turns it on for the dependencies' unsafe code.
sanitizer=${FUZZ_SANITIZER:-none}
build=(-a --sanitizer "$sanitizer")
# Without a sanitizer cargo-fuzz passes only stable rustc flags (the coverage
# instrumentation is -C passes and -C llvm-args); -Z sanitizer=... is
# accepted by the stable compiler only with RUSTC_BOOTSTRAP.
if [ "$sanitizer" != none ]; then
    export RUSTC_BOOTSTRAP=1
fi

mkdir -p corpus/scenario
cp ../scenarios/*.toml ../tests/fixtures/*.toml ../src/scenario/starter.toml corpus/scenario/

cargo fuzz build "${build[@]}" scenario
cargo fuzz run "${build[@]}" scenario corpus/scenario -- \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -max_len=8192 -dict=scenario.dict -print_final_stats=1
