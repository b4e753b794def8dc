#!/usr/bin/env bash
# Benchmark (a) in staffsim and in SimPy, one after the other on this machine.
# Needs SimPy (pip install simpy); staffsim itself needs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
./target/release/staffsim bench
python3 benches/simpy_mmc.py 200000
