#!/usr/bin/env bash
# Server figures: a day's readings for 100,000 meters (2.4 M rows) ingested and every meter scored on top of 30 days
# of history, the server's peak memory, and the case list's latency under 200 requests/s from 20 users (hey) and at
# full speed (wrk), on loopback. Results go to bench/results/server.md.
# Usage: bench/server.sh [data-dir]   (METERS and DAYS override the size; needs about 4 GB of disk)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/tmp/minerwatch-server-bench}
meters=${METERS:-100000}
days=${DAYS:-31}
url=http://127.0.0.1:${PORT:-5190}
out=bench/results/server.md
command -v hey >/dev/null && command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hey wrk >/dev/null
mkdir -p "$data"
dotnet build -c Release src/MinerWatch.Cli >/dev/null
cli=$PWD/src/MinerWatch.Cli/bin/Release/net10.0/minerwatch
sim="$data/sim-$meters-$days"
if [ ! -f "$sim/day.csv" ]; then
  "$cli" simulate --meters "$meters" --days "$days" --seed 5 --out "$sim"
  last=$(tail -1 "$sim/readings.csv" | cut -d, -f2 | cut -c1-10)
  awk -F, -v last="$last" -v h="$sim/history.csv" -v d="$sim/day.csv" \
    'NR==1 {print > h; print > d; next} substr($2,1,10)==last {print > d; next} {print > h}' "$sim/readings.csv"
fi
if curl -s "$url/healthz" >/dev/null; then echo "something already listens on $url: stop it or set PORT" >&2; exit 2; fi
rm -rf "$data/server"
printf 'a bench password\n' > "$data/password"
"$cli" users add --data "$data/server" --name bench --role admin --password-file "$data/password" >/dev/null
/usr/bin/time -v "$cli" serve --data "$data/server" --urls "$url" >"$data/server.log" 2>"$data/server-time.log" &
timer=$!
until server=$(pgrep -P "$timer"); do sleep 0.1; done
trap 'kill -TERM $server 2>/dev/null || true' EXIT
until curl -sf "$url/healthz" >/dev/null; do sleep 0.5; done
jar="$data/cookies"
curl -sf -c "$jar" -H 'content-type: application/json' -d '{"user_name":"bench","password":"a bench password"}' "$url/api/v1/auth/login"
token=$(curl -sf -b "$jar" -c "$jar" "$url/api/v1/auth/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["antiforgery_token"])')
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
deliver() { # files... -> seconds from upload to completion, and the job's own run time
  local t0 t1 id job
  t0=$(date +%s.%N)
  id=$(curl -sf -b "$jar" -H "X-CSRF-TOKEN: $token" "$@" "$url/api/v1/meter-data" | field "['id']")
  while :; do
    job=$(curl -sf -b "$jar" "$url/api/v1/jobs/$id")
    case $(echo "$job" | field "['status']") in completed|failed) break ;; esac
    kill -0 "$server" 2>/dev/null || { echo "the server stopped; see $data/server-time.log" >&2; exit 1; }
    sleep 0.5
  done
  t1=$(date +%s.%N)
  echo "$job" | python3 -c "
import json,sys,datetime
j=json.load(sys.stdin)
p=lambda s: datetime.datetime.fromisoformat(s.replace('Z','+00:00'))
print(f\"{j['status']}\t{j['rows_read']}\t{j['bad_row_count']}\t{j['cases_opened']}\t{(p(j['finished'])-p(j['started'])).total_seconds():.1f}\t{$t1-$t0:.1f}\")"
}
history=$(deliver -F "sites=@$sim/sites.csv" -F "activity=@$sim/activity.csv" -F "feeders=@$sim/feeders.csv" -F "readings=@$sim/history.csv")
day=$(deliver -F "readings=@$sim/day.csv")
cookie="Cookie: $(awk '$6=="minerwatch" {print "minerwatch=" $7}' "$jar")"
list="$url/api/v1/cases?limit=50&sort=score"
hey -z 30s -c 20 -q 10 -H "$cookie" "$list" > "$data/hey.txt"
wrk -t2 -c20 -d20s --latency -H "$cookie" "$list" > "$data/wrk.txt"
kill -TERM "$server"
wait "$timer" || true
trap - EXIT
rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$data/server-time.log")
pct() { awk -v p="$1" '$1==p"%" && $2=="in" {printf "%.1f", $3*1000}' "$data/hey.txt"; }
rps=$(awk '/Requests\/sec/ {print $2}' "$data/hey.txt")
wrk_rps=$(awk '/Requests\/sec/ {print $2}' "$data/wrk.txt")
wrk_p50=$(awk '$1=="50%" {print $2}' "$data/wrk.txt")
wrk_p99=$(awk '$1=="99%" {print $2}' "$data/wrk.txt")
{
  echo "# Server: ingest and case list ($(date -u +%Y-%m-%d), $(nproc) cores, SQLite)"
  echo
  echo "$meters meters, $days days hourly (simulated, seed 5): a history delivery of the first $((days - 1)) days with sites, activity and feeders, then the last day alone."
  echo
  echo "| delivery | status | rows read | bad rows | cases opened | job run s | upload to scored s |"
  echo "|---|---|---|---|---|---|---|"
  echo "| history | ${history//$'\t'/ | } |"
  echo "| one day | ${day//$'\t'/ | } |"
  echo
  echo "Server peak RSS over the whole run (both deliveries and the load): $rss MB."
  echo
  echo "| case list (50 by score) | requests/s | p50 ms | p99 ms |"
  echo "|---|---|---|---|"
  echo "| hey: 20 users at 10/s each (200/s), 30 s | $rps | $(pct 50) | $(pct 99) |"
  echo "| wrk: 20 connections, full speed, 20 s | $wrk_rps | $wrk_p50 | $wrk_p99 |"
} > "$out"
cat "$out"
