#!/usr/bin/env bash
# The console's case list on 10,000 cases: server time (curl's total on loopback, 7 calls each, median and max) of
# the list's filters and pages. A small simulated region is delivered and scored, then synthetic cases are added to
# the SQLite database beside the real ones (the list reads only the case rows). Needs sqlite3 (Debian's sqlite3).
# Usage: bench/console-list.sh [data-dir]   Results: bench/results/console-list.md
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/tmp/minerwatch-console-bench}
url=http://127.0.0.1:${PORT:-5193}
command -v sqlite3 >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null
dotnet build -c Release src/MinerWatch.Cli >/dev/null
cli=$PWD/src/MinerWatch.Cli/bin/Release/net10.0/minerwatch
rm -rf "$data" && mkdir -p "$data"
"$cli" simulate --meters 2000 --days 20 --seed 5 --out "$data/sim" >/dev/null
printf 'a bench password\n' > "$data/password"
"$cli" users add --data "$data/server" --name bench --role admin --password-file "$data/password" >/dev/null
"$cli" serve --data "$data/server" --urls "$url" >"$data/server.log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null || true' EXIT
until curl -sf "$url/healthz" >/dev/null; do sleep 0.5; done
curl -sf -c "$data/jar" -H 'content-type: application/json' -d '{"user_name":"bench","password":"a bench password"}' "$url/api/v1/auth/login"
token=$(curl -sf -b "$data/jar" -c "$data/jar" "$url/api/v1/auth/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["antiforgery_token"])')
job=$(curl -sf -b "$data/jar" -H "X-CSRF-TOKEN: $token" -F "sites=@$data/sim/sites.csv" -F "readings=@$data/sim/readings.csv" "$url/api/v1/meter-data" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
until curl -sf -b "$data/jar" "$url/api/v1/jobs/$job" | grep -q '"status":"completed"'; do sleep 0.5; done
sqlite3 "$data/server/minerwatch.db" "
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 10000 - (SELECT count(*) FROM Cases))
INSERT INTO Cases (Id, SubjectKind, SubjectId, Region, Status, CustomerClass, Score, FindingJson, MiningKw, Currency, Opened, Updated, Version)
SELECT printf('01a2519%025d', i), 'meter', printf('SYN%06d', i), (SELECT Region FROM Sites WHERE rowid = 1 + (i * 37 % 2000)),
  CASE i % 5 WHEN 0 THEN 'open' WHEN 1 THEN 'assigned' WHEN 2 THEN 'inspected' WHEN 3 THEN 'confirmed' ELSE 'closed' END,
  'residential', (i % 1000) / 1000.0, '{\"evidence\":[]}', 5.0, 'CNY', '2026-12-07 18:00:00', '2026-12-07 18:00:00', 1 FROM n;"
cases=$(sqlite3 "$data/server/minerwatch.db" "select count(*) from Cases")
time_of() { for _ in 1 2 3 4 5 6 7; do curl -s -b "$data/jar" -o /dev/null -w '%{time_total}\n' "$1"; done | sort -n | awk '{a[NR]=$1} END {printf "%.1f | %.1f", a[4]*1000, a[NR]*1000}'; }
next=$(curl -sf -b "$data/jar" "$url/api/v1/cases?limit=50&sort=score" | python3 -c 'import json,sys; print(json.load(sys.stdin)["next"])')
{
  echo "# Console: the case list on $cases cases ($(date -u +%Y-%m-%d), $(nproc) cores, SQLite)"
  echo
  echo "| request (50 a page) | median ms | max ms |"
  echo "|---|---|---|"
  for q in "limit=50" "limit=50&sort=score" "status=open&limit=50" "region=CN-GD/Guangzhou/Tianhe&status=assigned&min_score=0.5&sort=score&limit=50" "class=residential&min_score=0.9&limit=50" "limit=50&sort=score&cursor=$next"; do
    echo "| \`$q\` | $(time_of "$url/api/v1/cases?$q") |"
  done
  echo "| campaign summary | $(time_of "$url/api/v1/campaign/summary") |"
} > bench/results/console-list.md
cat bench/results/console-list.md
