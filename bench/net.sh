#!/usr/bin/env bash
# Reproduces the network benchmark figures: writes a 1 GB capture of mixed traffic with 12 mining sessions, then
# times, each on one core (taskset -c 0) under /usr/bin/time -v, our scan, nDPI's ndpiReader (one thread) and tshark
# with a display filter for the same stratum flows. Also lists, per shared test capture, what nDPI flags as mining
# and what we find. Needs the Debian packages libndpi-bin and tshark (installed when missing and run as root).
# Usage: bench/net.sh [data-dir] [size-MB]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/tmp/minerwatch-netbench}
size=${2:-1000}
out=bench/results
mkdir -p "$out" "$data"
if ! command -v ndpiReader >/dev/null || ! command -v tshark >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libndpi-bin tshark >/dev/null
fi
dotnet build -c Release bench/MinerWatch.Benchmarks >/dev/null
dotnet build -c Release src/MinerWatch.Cli >/dev/null
bench=bench/MinerWatch.Benchmarks/bin/Release/net10.0/MinerWatch.Benchmarks
cli=src/MinerWatch.Cli/bin/Release/net10.0/minerwatch
capture="$data/mixed.pcap"
[ -f "$capture" ] || "$bench" scale net-capture "$capture" "$size"
bytes=$(stat -c %s "$capture")
timed() { # name, command...: one line of name, wall seconds, MB/s, peak RSS MB
  local name=$1; shift
  local log; log=$(mktemp)
  taskset -c 0 /usr/bin/time -v "$@" >/dev/null 2>"$log"
  awk -v name="$name" -v bytes="$bytes" -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
    /Maximum resident set size/ { rss = $2 / 1024 }
    END { printf "%s\t%.2f\t%.0f\t%.0f\n", name, s, bytes / 1e6 / s, rss }' "$log"
  rm -f "$log"
}
table="$out/net-scale.tsv"
printf 'tool\tseconds\tMB/s\tpeak RSS MB\n' > "$table"
for run in 1 2 3; do timed "minerwatch (run $run)" "$cli" net scan "$capture" --format json | tee -a "$table"; done
timed "ndpiReader, 1 thread" ndpiReader -i "$capture" -n 1 -q | tee -a "$table"
timed "tshark -Y stratum filter" tshark -r "$capture" -Y 'tcp contains "mining." || tcp contains "\"login\"" || tcp contains "\"submit\""' | tee -a "$table"
echo "wrote $table"

sides="$out/net-captures.md"
summarise=$(mktemp)
cat > "$summarise" <<'PY'
import json, sys
d = json.load(sys.stdin)
found = "; ".join("{} -> {} {}".format(x["host"], x["peer"], x["protocol"]) for x in d["findings"])
nodes = d["node_traffic"]
print("{} {}|{}".format(len(d["findings"]), "(" + found + ")" if found else "", "{} {}".format(len(nodes), nodes[0]["network"]) if nodes else "0"))
PY
{
  echo "| capture | nDPI: flows flagged Mining | MinerWatch: findings (host -> pool endpoint, protocol) | MinerWatch: node traffic |"
  echo "|---|---|---|---|"
  for f in tests/MinerWatch.Network.Tests/Captures/*.pcap*; do
    ndpi=$(ndpiReader -i "$f" -v 1 2>/dev/null | awk '/^\tMining/ { for (i = 1; i <= NF; i++) if ($i == "flows:") print $(i + 1) }')
    ours=$("$cli" net scan "$f" --format json | python3 "$summarise")
    echo "| $(basename "$f") | ${ndpi:-0} | ${ours%%|*} | ${ours##*|} |"
  done
} > "$sides"
rm -f "$summarise"
echo "wrote $sides"
"$bench" --filter '*ScanBenchmarks*' --job short --exporters github --artifacts bench/results/bdn >/dev/null
cp bench/results/bdn/results/*ScanBenchmarks-report-github.md "$out/net-scan.md"
echo "wrote $out/net-scan.md"
