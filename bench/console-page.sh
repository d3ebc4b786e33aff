#!/usr/bin/env bash
# The console's case page with a year of 15-minute readings: a simulated region (300 meters x 365 days at 15 minutes,
# 10.4 M readings) delivered to a real server, then the top suspect's page opened five times in a new document in
# Debian's Chromium; time from navigation start to both load pictures drawn. Results: bench/results/console-page.md
# Usage: bench/console-page.sh [data-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/tmp/minerwatch-console-page}
dotnet build -c Release src/MinerWatch.Cli >/dev/null
dotnet build -c Release bench/MinerWatch.Benchmarks >/dev/null
[ -f "$data/readings.csv" ] || src/MinerWatch.Cli/bin/Release/net10.0/minerwatch simulate --meters 300 --days 365 --interval 15min --seed 3 --out "$data" >/dev/null
{
  echo "# Console: a case page with a year of 15-minute readings ($(date -u +%Y-%m-%d), $(nproc) cores)"
  echo
  echo '```'
  bench/MinerWatch.Benchmarks/bin/Release/net10.0/MinerWatch.Benchmarks scale case-page "$data" 2>/dev/null
  echo '```'
} > bench/results/console-page.md
cat bench/results/console-page.md
