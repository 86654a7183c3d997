#!/usr/bin/env bash
# portal-load.sh — where-used latency of the portal at scale.
#
#   bench/portal-load.sh [PROJECTS] [RATE] [DURATION]
#
# Seeds a SQLite database with PROJECTS (default 1000) synthetic projects
# of 1,000 components each (1,000 × 1,000 = a million component rows;
# internal/portfolio/synth, seeded, so every run builds the same
# organisation), kept in $OSPO_BENCH_DB (default /tmp/ospo-scale-N.db) and
# reused by later runs; runs the in-process benchmark on it; then starts
# `ospo serve` on it and loads /api/v1/components (where-used) with
# bench/portal-load at RATE requests per second (default 200) for
# DURATION (default 60s), open loop, from another process on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
RATE=${2:-200}
DUR=${3:-60s}
DB=${OSPO_BENCH_DB:-/tmp/ospo-scale-$N.db}
ADDR=127.0.0.1:${PORT:-18099}
TMP=$(mktemp -d)
trap 'kill "${PID:-}" 2>/dev/null || true; rm -rf "$TMP"' EXIT

go build -o "$TMP/ospo" ./cmd/ospo
go build -o "$TMP/load" ./bench/portal-load
echo "== seed (if new) and in-process benchmark: $N projects × 1000 components in $DB"
OSPO_BENCH_DB=$DB OSPO_BENCH_PROJECTS=$N go test -run '^$' -bench 'BenchmarkWhereUsed$' -benchtime 2000x -timeout 60m ./internal/portfolio/ | grep -E 'Benchmark|ingested'
echo "== portal on $ADDR, $RATE requests/s for $DUR"
OSPO_ADMIN_PASSWORD=portal-load-admin "$TMP/ospo" serve --db "$DB" --addr "$ADDR" --workers 0 2>"$TMP/serve.log" &
PID=$!
for _ in $(seq 1 50); do curl -fs "http://$ADDR/api/v1/openapi.json" >/dev/null 2>&1 && break; sleep 0.2; done
"$TMP/load" -db "$DB" -url "http://$ADDR" -rate "$RATE" -duration "$DUR"
