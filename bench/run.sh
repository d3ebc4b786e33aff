#!/usr/bin/env bash
# Reproduces the grid benchmark figures: simulates 10,000 meters x 365 days hourly (87.6 M readings), converts the
# readings to Parquet, then times each step once on one core (taskset -c 0) under /usr/bin/time -v for peak memory,
# and runs the BenchmarkDotNet suite. Results go to bench/results/.
# Usage: bench/run.sh [data-dir]   (needs about 4 GB of disk for the data)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/tmp/minerwatch-bench}
out=bench/results
mkdir -p "$out" "$data"
dotnet build -c Release src/MinerWatch.Cli >/dev/null
dotnet build -c Release bench/MinerWatch.Benchmarks >/dev/null
cli=src/MinerWatch.Cli/bin/Release/net10.0/minerwatch
bench=bench/MinerWatch.Benchmarks/bin/Release/net10.0/MinerWatch.Benchmarks
if [ ! -f "$data/readings.parquet" ]; then
  "$cli" simulate --meters 10000 --days 365 --interval 1h --seed 11 --out "$data" --parquet
fi
table="$out/grid-scale.tsv"
printf 'step\tseconds\treadings\tM readings/s\tMB/s\tpeak RSS MB\n' > "$table"
step() {
  local cores=$1; shift
  local log; log=$(mktemp)
  local lines
  lines=$(taskset -c "$cores" /usr/bin/time -v "$bench" scale "$@" 2>"$log")
  local rss; rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
  while IFS= read -r line; do printf '%s\t%s\n' "$line" "$rss"; done <<< "$lines" | tee -a "$table"
  rm -f "$log"
}
step 0 csv "$data"
step 0 parquet "$data"
step 0 features "$data"
step 0 scan "$data"
step 0 ours-load-shape "$data"
step 0 duckdb-load-shape "$data" 1
step 0-1 duckdb-load-shape "$data" 2
echo "wrote $table"
"$bench" --filter '*IngestBenchmarks*' --job short --exporters github --artifacts bench/results/bdn >/dev/null
cp bench/results/bdn/results/*IngestBenchmarks-report-github.md "$out/grid-ingest.md"
echo "wrote $out/grid-ingest.md"
