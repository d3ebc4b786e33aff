#!/usr/bin/env bash
# Reproduces the evidence-log figures on one core (taskset -c 0): batch appends of 1 KiB entries (each batch synced
# and signed), a 10-million-entry log's proof times, and the full audit's throughput, each under /usr/bin/time -v.
# Usage: bench/evidence.sh [data-dir]   (needs about 2 GB of disk)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/tmp/minerwatch-evidence-bench}
out=bench/results/evidence.tsv
mkdir -p bench/results "$data"
dotnet build -c Release bench/MinerWatch.Benchmarks >/dev/null
bench=bench/MinerWatch.Benchmarks/bin/Release/net10.0/MinerWatch.Benchmarks
run() {
  local log lines; log=$(mktemp)
  lines=$(taskset -c 0 /usr/bin/time -v "$bench" scale "$@" 2>"$log")
  local rss; rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
  while IFS= read -r line; do printf '%s\tpeak RSS %s MB\n' "$line" "$rss"; done <<< "$lines" | tee -a "$out"
  rm -f "$log"
}
: > "$out"
run evidence-append "$data/1k" 1000000 1024 10000
run evidence-append "$data/10m" 10000000 64 100000
run evidence-proofs "$data/10m" 2000
run evidence-verify "$data/10m/log"
run evidence-verify "$data/1k/log"
run evidence-add "$data/1k"
run evidence-add "$data/10m"
echo "wrote $out"
