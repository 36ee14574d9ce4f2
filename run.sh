#!/usr/bin/env bash
# ./run.sh — PostgreSQL + RabbitMQ (profile "run"), migrations, then the Orchestrator processes;
# Ctrl-C stops everything it started. Logs of background processes: .services/run/logs/<name>.log
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
REPO="$(pwd)"
CONFIGURATION="${CONFIGURATION:-Debug}"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# shellcheck source=scripts/services.sh
source "$REPO/scripts/services.sh"
services_up run

LOGS="$SERVICES_DIR/logs"
mkdir -p "$LOGS"

# start_bg NAME COMMAND... — run COMMAND in the background (own process group), log to
# $LOGS/NAME.log, and stop it (whole group: SIGTERM, then SIGKILL after 15 s) on exit, before the
# services stop (exit hooks run last-started first).
start_bg() {
  local name="$1"; shift
  setsid "$@" > "$LOGS/$name.log" 2>&1 < /dev/null &
  local pid=$!
  services_on_exit "services_stop_group $pid '$name'"
  echo "started $name (pid $pid, log ${LOGS#"$REPO"/}/$name.log)"
}

# Build once; every process below then runs with --no-build (no parallel builds of shared projects).
echo "building ($CONFIGURATION)..."
dotnet build "$REPO/Orchestrator.sln" -c "$CONFIGURATION" -v quiet -nologo < /dev/null

ENGINE=(dotnet run --no-build -c "$CONFIGURATION" --project "$REPO/engine/Orchestrator.Engine" --)
echo "applying migrations..."
"${ENGINE[@]}" migrate < /dev/null

# --- processes (one line each) ---
# start_bg engine    "${ENGINE[@]}"
# start_bg dashboard dotnet run --no-build -c "$CONFIGURATION" --project "$REPO/dashboard/..."
# start_bg worker    dotnet run --no-build -c "$CONFIGURATION" --project "$REPO/samples/..."

echo
echo "Orchestrator is up (profile run). Services:"
services_print
echo "Press Ctrl-C to stop everything."

sleep infinity < /dev/null &
SLEEP_PID=$!
services_on_exit "kill $SLEEP_PID 2>/dev/null || true"
wait "$SLEEP_PID" || true
