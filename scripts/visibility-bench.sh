#!/usr/bin/env bash
# Visibility figures on a generated database (docs/visibility.md): 1,000,000 closed + 10,000 open runs made with plain SQL
# (scripts/visibility/generate.sql) in a database of its own on the PostgreSQL of $Orchestrator__Postgres, every migration
# applied; then EXPLAIN (ANALYZE) of each documented query shape and p50/p95 latencies measured with pgbench.
#   scripts/visibility-bench.sh [--keep]     (--keep: leave the database for more looking; else it is dropped)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
: "${Orchestrator__Postgres:?set Orchestrator__Postgres (e.g. source /tmp/svc-dev.env)}"
conn="$Orchestrator__Postgres"
field() { tr ';' '\n' <<<"$conn" | sed -n "s/^$1=//Ip" | head -1; }
export PGHOST="$(field Host)" PGPORT="$(field Port)" PGUSER="$(field Username)" PGPASSWORD="$(field Password)"
db="visibility_bench"
runs="${VISIBILITY_BENCH_TRANSACTIONS:-300}"

"$bin/psql" -q -d "$(field Database)" -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
cleanup() { [[ "${1:-}" == "--keep" ]] || "$bin/psql" -q -d "$(field Database)" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"; }
trap 'cleanup "${KEEP:-}"' EXIT
[[ "${1:-}" == "--keep" ]] && KEEP=--keep
export PGDATABASE="$db"
for m in "$root"/migrations/*.sql; do "$bin/psql" -q -v ON_ERROR_STOP=1 -f "$m"; done
start=$(date +%s.%N)
"$bin/psql" -q -v ON_ERROR_STOP=1 -f "$here/visibility/generate.sql"
echo "generated in $(echo "$(date +%s.%N) - $start" | bc) s; table and indexes:"
"$bin/psql" -At -c "SELECT relname || ': ' || pg_size_pretty(pg_relation_size(oid)) FROM pg_class WHERE relname LIKE 'workflow_runs%' ORDER BY relname"
"$bin/psql" -At -c "SELECT 'load: ' || '$(cut -d' ' -f1-3 /proc/loadavg)' || ' on ' || '$(nproc)' || ' cores; ' || version()"
"$bin/psql" -v ON_ERROR_STOP=1 -f "$here/visibility/queries.sql"

latency() { # p50 and p95 of one pgbench script ($2 transactions, one client), from its per-transaction log
    local dir; dir="$(mktemp -d)"
    (cd "$dir" && "$bin/pgbench" -n -c 1 -t "$2" -f "$here/visibility/$1.pgbench" -l --log-prefix=lat >/dev/null 2>&1)
    cat "$dir"/lat* | awk '{print $3/1000}' | sort -n | awk -v name="$1" '{v[NR]=$1} END {printf "%s: n=%d p50=%.1f ms p95=%.1f ms max=%.1f ms\n", name, NR, v[int(NR*0.5)], v[int(NR*0.95)], v[NR]}'
    rm -rf "$dir"
}
latency selective "$runs"
latency count-by-status 50
