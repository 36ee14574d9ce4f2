#!/usr/bin/env bash
# ./bench.sh [--quick] [--profile] [--only a,b]  — the benchmark of issue 8 (see docs/benchmarks.md).
#   Brings up PostgreSQL + RabbitMQ (profile "bench": PG 55434, AMQP 45692; or uses Orchestrator__Postgres /
#   Orchestrator__RabbitMq when set), builds the engine and bench/Orchestrator.Bench in Release, applies the
#   migrations, then runs the harness, which starts the engine and the benchmark worker as separate processes,
#   runs the scenarios and writes bench/results/latest.json + latest.details.json (a full run also keeps
#   bench/results/DATE-COMMIT.json).
#   --quick    smaller counts (under 3 minutes)
#   --profile  also load pg_stat_statements into the bench PostgreSQL (ALTER SYSTEM + restart of the bench server
#              only) and record SQL statements per workflow/activity in the details file; costs a few % of throughput
#   --only     comma list of scenarios: ceiling, throughput1, throughput10, latency1, replay, fanOut2000,
#              longChainGrowth, localActivities, idle, retention, visibility
#   BENCH_PORT the engine's HTTP port (default 5090). On a RabbitMQ this script did not start, the run uses an
#              engine queue and a task queue of its own (--isolate-queues), so it does not take others' messages
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
REPO="$(pwd)"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

QUICK=0 PROFILE=0 HARNESS_ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1; HARNESS_ARGS+=(--quick) ;;
    --profile) PROFILE=1; HARNESS_ARGS+=(--pg-stat-statements) ;;
    --only) HARNESS_ARGS+=(--only "$2"); shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

t_start=$(date +%s)
echo "bench.sh: load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
# shellcheck source=scripts/services.sh
source "$REPO/scripts/services.sh"
services_up bench

ENGINE_DLL="$REPO/engine/Orchestrator.Engine/bin/Release/net10.0/Orchestrator.Engine.dll"
BENCH_DLL="$REPO/bench/Orchestrator.Bench/bin/Release/net10.0/Orchestrator.Bench.dll"
echo "bench.sh: building engine and bench harness (Release)"
dotnet build "$REPO/engine/Orchestrator.Engine/Orchestrator.Engine.csproj" -c Release -nologo -v q -clp:ErrorsOnly < /dev/null
dotnet build "$REPO/bench/Orchestrator.Bench/Orchestrator.Bench.csproj" -c Release -nologo -v q -clp:ErrorsOnly < /dev/null

# pg_stat_statements only when profiling, and only on a bench server this script started (never a given one)
if [[ "${_SVC_STARTED_PG:-0}" == 1 ]]; then
  PSQL=("$SERVICES_PG_BIN/psql" -h "$PGDIR" -p "$SVC_PG_PORT" -U orchestrator -d orchestrator -qtAX)
  loaded="$(_svc_pg_as "${PSQL[@]}" -c "SHOW shared_preload_libraries")"
  want=""; [[ "$PROFILE" == 1 ]] && want="pg_stat_statements"
  if [[ "$loaded" != "$want" ]]; then
    echo "bench.sh: shared_preload_libraries '$loaded' -> '$want' (restarting the bench PostgreSQL)"
    if [[ -n "$want" ]]; then
      _svc_pg_as "${PSQL[@]}" -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
    else
      _svc_pg_as "${PSQL[@]}" -c "ALTER SYSTEM RESET shared_preload_libraries"
    fi
    _svc_pg_as "$SERVICES_PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/pg.log" -m fast -w -t 60 restart > /dev/null
  fi
fi

# a fresh database for every run on a server we started: no schema left by an earlier build of the migrations
if [[ "${_SVC_STARTED_PG:-0}" == 1 ]]; then
  PSQL0=("$SERVICES_PG_BIN/psql" -h "$PGDIR" -p "$SVC_PG_PORT" -U orchestrator -d postgres -qtAX)
  _svc_pg_as "${PSQL0[@]}" -c "DROP DATABASE IF EXISTS orchestrator_bench WITH (FORCE)"
  _svc_pg_as "${PSQL0[@]}" -c "CREATE DATABASE orchestrator_bench"
  export Orchestrator__Postgres="${Orchestrator__Postgres/Database=orchestrator;/Database=orchestrator_bench;}"
fi

echo "bench.sh: migrations"
dotnet "$ENGINE_DLL" migrate < /dev/null | tail -n 2

# CPU accounting counts only our servers' processes (other agents may run theirs on this machine)
[[ "${_SVC_STARTED_RABBIT:-0}" == 1 ]] && export BENCH_RABBIT_PID_FILE="$RABBITDIR/rabbit.pid"
[[ "${_SVC_STARTED_RABBIT:-0}" == 1 ]] || HARNESS_ARGS+=(--isolate-queues)
HARNESS_ARGS+=(--port "${BENCH_PORT:-5090}")
COMMIT="$(git -C "$REPO" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$REPO" status --porcelain -- engine worker-sdk migrations bench/Orchestrator.Bench 2>/dev/null)" ]]; then
  COMMIT="$COMMIT+uncommitted"   # the measured code is not exactly that commit
fi
LOGS="$REPO/.services/bench/logs"
mkdir -p "$LOGS"
: > "$LOGS/engine.log"; : > "$LOGS/worker.log"

# the harness and the engine/worker it starts share one process group: Ctrl-C or a failure stops them all
setsid dotnet "$BENCH_DLL" run --engine-dll "$ENGINE_DLL" --commit "$COMMIT" --out "$REPO/bench/results" \
  --logs "$LOGS" "${HARNESS_ARGS[@]}" < /dev/null &
HARNESS_PID=$!
services_on_exit "services_stop_group $HARNESS_PID 'bench harness'"
rc=0
wait "$HARNESS_PID" || rc=$?
echo "bench.sh: done in $(( $(date +%s) - t_start )) s (exit $rc), load $(cut -d' ' -f1-3 /proc/loadavg); engine/worker logs in ${LOGS#"$REPO"/}"
exit "$rc"
