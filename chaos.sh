#!/usr/bin/env bash
# ./chaos.sh [--rounds N] [--seed S] [--workflows N] [--short] [--rabbit-cluster] [--load-seconds S] [--faults-per-kind K]
#   The chaos run (docs/reliability.md): PostgreSQL and RabbitMQ of their own (profile "chaos": PG 55435, AMQP 45702),
#   two engines and two workers as processes, ~1,000 workflows a round of mixed load, and during each round, at moments
#   drawn from the seed, kill -9 of an engine or a worker, RabbitMQ stopped and started, PostgreSQL crashed
#   (pg_ctl restart -m immediate). After each round every run is checked; the last line reads
#   "N rounds, M faults injected, K violations"; the exit code is non-zero on any violation.
#   --short           the short round of ./test.sh (150 workflows, one fault of each kind, under 2 minutes)
#   --rabbit-cluster  against a three-node RabbitMQ cluster on this machine; a random node is killed each round
#   CONFIGURATION=Debug ./chaos.sh ...  uses the Debug build (default Release)
#   CHAOS_PROFILE=chaos2 ./chaos.sh ...  servers on the second chaos profile (PG 55436, AMQP 45722), e.g. a long run
#                                        while ./test.sh runs its short round on the first
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
REPO="$(pwd)"
CONFIGURATION="${CONFIGURATION:-Release}"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

for a in "$@"; do
  case "$a" in
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    --rabbit-cluster) export SERVICES_RABBIT_CLUSTER=3 ;;
  esac
done

# The run crashes its servers: always its own, never servers named by the environment (e.g. ./test.sh's).
unset Orchestrator__Postgres Orchestrator__RabbitMq Orchestrator__RabbitMqNodes ORCHESTRATOR_WORKER_RABBITMQ ORCHESTRATOR_TEST_RABBITMQCTL
# shellcheck source=scripts/services.sh
source "$REPO/scripts/services.sh"
PROFILE="${CHAOS_PROFILE:-chaos}"
case "$PROFILE" in chaos|chaos2) ;; *) echo "chaos.sh: CHAOS_PROFILE must be chaos or chaos2" >&2; exit 2 ;; esac
export CHAOS_PROFILE="$PROFILE"
services_up "$PROFILE"
# for chaos/faults.sh (a process of its own): where services_up put the servers
export CHAOS_PGDIR="$PGDIR" CHAOS_RABBITDIR="$RABBITDIR" CHAOS_RABBIT_NODES="${SVC_RABBIT_NODES:-1}" CHAOS_RABBIT_MGMT="${SVC_RABBIT_MGMT:-0}"

BIN="bin/$CONFIGURATION/net10.0"
echo "chaos.sh: building the engine, the test worker and the harness ($CONFIGURATION)"
mkdir -p "$REPO/.services/$PROFILE"
for project in engine/Orchestrator.Engine tests/Orchestrator.TestWorker chaos/Orchestrator.Chaos; do
  dotnet build "$REPO/$project" -c "$CONFIGURATION" -nologo -v q < /dev/null > "$REPO/.services/$PROFILE/build.log" 2>&1 || {
    cat "$REPO/.services/$PROFILE/build.log"; echo "chaos.sh: BUILD FAILED ($project)" >&2; exit 2; }
done

LOGS="$REPO/.services/$PROFILE/logs"
rm -rf "$LOGS"
mkdir -p "$LOGS"
# the harness and the engines/workers it starts share one process group: Ctrl-C or a failure stops them all
setsid dotnet "$REPO/chaos/Orchestrator.Chaos/$BIN/Orchestrator.Chaos.dll" \
  --engine-dll "$REPO/engine/Orchestrator.Engine/$BIN/Orchestrator.Engine.dll" \
  --worker-dll "$REPO/tests/Orchestrator.TestWorker/$BIN/Orchestrator.TestWorker.dll" \
  --faults "$REPO/chaos/faults.sh" --logs "$LOGS" "$@" < /dev/null &
HARNESS_PID=$!
services_on_exit "services_stop_group $HARNESS_PID 'chaos harness'"
rc=0
wait "$HARNESS_PID" || rc=$?
# quietly, so that the harness's summary stays the last line
SERVICES_QUIET=1 services_down
exit "$rc"
