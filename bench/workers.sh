#!/usr/bin/env bash
# workers.sh — how scan jobs scale with worker processes on PostgreSQL.
#
#   bench/workers.sh [N] [PROCS...]
#
# Makes N repositories (default 200) by copying real projects round-robin
# (a small npm app with node_modules, express's and a 22-framework npm
# lockfile from ../shared/corpus, the Maven fixtures, a vendored Go
# module), registers each as a project and enqueues one scan job each,
# then times `ospo worker --until-idle` with 1, 2 and 4 processes (PROCS)
# each running CONC jobs at once (default 1), from the start of the
# processes until the last one exits (the queue is empty). Every run gets
# a fresh schema with the same jobs. The server is OSPO_BENCH_POSTGRES,
# else OSPO_TEST_POSTGRES; the schemas are dropped afterwards. SRCS (space
# separated directories) replaces the projects copied, e.g. the Python
# fixtures, whose license texts make scans CPU-bound:
#   SRCS="internal/inventory/python/testdata" bench/workers.sh 60
# QUOTA (a fraction of one core, e.g. 0.4; needs root and the cgroup CPU
# controller) runs each worker process in its own CPU cgroup with that
# quota: a model of workers on separate small machines, for a machine
# with too few cores to show the queue's scaling otherwise. The
# PostgreSQL server is not limited.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
shift || true
PROCS=("$@")
[ ${#PROCS[@]} -gt 0 ] || PROCS=(1 2 4)
CONC=${CONC:-1}
BASE=${OSPO_BENCH_POSTGRES:-${OSPO_TEST_POSTGRES:-}}
[ -n "$BASE" ] || { echo "set OSPO_BENCH_POSTGRES (or OSPO_TEST_POSTGRES) to a PostgreSQL URL" >&2; exit 2; }
if [ -n "${SRCS:-}" ]; then
  read -r -a SRCS <<<"$SRCS"
else
  SRCS=(
    internal/cli/testdata/app
    ../shared/corpus/npm-small
    ../shared/corpus/npm-big
    internal/inventory/maven/testdata
    internal/inventory/golang/testdata/vendored
  )
fi
TMP=$(mktemp -d)
SCHEMAS=()
cleanup() {
  for s in "${SCHEMAS[@]}"; do "$TMP/workers" drop -base "$BASE" -schema "$s" || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

go build -o "$TMP/ospo" ./cmd/ospo
go build -o "$TMP/workers" ./bench/workers
# Until the worker command is registered, the bench's own worker runs
# the same package (jobs) the command does.
if "$TMP/ospo" worker --help >/dev/null 2>&1; then
  # The fixtures' deliberately broken files are logged as skipped.
  worker() { "$TMP/ospo" worker --db "$1" --concurrency "$CONC" --until-idle --no-vulns >/dev/null 2>>"$TMP/worker.log"; }
  echo "worker: ospo worker --concurrency $CONC"
else
  worker() { "$TMP/workers" work -db "$1" -concurrency "$CONC"; }
  echo "worker: bench/workers work -concurrency $CONC (ospo has no worker command yet)"
fi
echo "$(nproc) cores; $N repositories from: ${SRCS[*]}"

# cgroup_run I CMD...: CMD in CPU cgroup ospo-bench-I limited to QUOTA.
cgroup_run() {
  local i=$1; shift
  local period=100000 quota dir
  quota=$(printf '%.0f' "$(echo "$QUOTA * $period" | bc -l)")
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    dir=/sys/fs/cgroup/ospo-bench-$i
    grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control || echo +cpu >/sys/fs/cgroup/cgroup.subtree_control
    mkdir -p "$dir"; echo "$quota $period" >"$dir/cpu.max"
  else
    dir=/sys/fs/cgroup/cpu/ospo-bench-$i
    mkdir -p "$dir"; echo "$period" >"$dir/cpu.cfs_period_us"; echo "$quota" >"$dir/cpu.cfs_quota_us"
  fi
  bash -c 'echo $BASHPID >"$1/cgroup.procs"; shift; exec "$@"' _ "$dir" "$@"
}
if [ -n "${QUOTA:-}" ]; then
  echo "each worker process limited to $QUOTA of a core (CPU cgroup)"
  trap 'cleanup; rmdir /sys/fs/cgroup/ospo-bench-* /sys/fs/cgroup/cpu/ospo-bench-* 2>/dev/null || true' EXIT
fi

declare -A WALL
for p in "${PROCS[@]}"; do
  schema="ospo_bench_$$_$p"
  SCHEMAS+=("$schema")
  dsn=$("$TMP/workers" prepare -base "$BASE" -schema "$schema" -n "$N" -dir "$TMP/repos" "${SRCS[@]}")
  start=$(date +%s.%N)
  pids=()
  for i in $(seq "$p"); do
    if [ -n "${QUOTA:-}" ]; then cgroup_run "$i" "$TMP/ospo" worker --db "$dsn" --concurrency "$CONC" --until-idle --no-vulns >/dev/null 2>>"$TMP/worker.log" &
    else worker "$dsn" & fi
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || { echo "a worker failed:" >&2; tail -20 "$TMP/worker.log" >&2; exit 1; }
  done
  end=$(date +%s.%N)
  WALL[$p]=$(echo "$end - $start" | bc)
  printf '%d process(es) x %d: %6.2f s, %5.1f jobs/s; ' "$p" "$CONC" "${WALL[$p]}" "$(echo "$N / ${WALL[$p]}" | bc -l)"
  "$TMP/workers" report -db "$dsn"
done
first=${PROCS[0]}
for p in "${PROCS[@]}"; do
  printf 'speed-up %d vs %d process(es): %.2fx\n' "$p" "$first" "$(echo "${WALL[$first]} / ${WALL[$p]}" | bc -l)"
done
