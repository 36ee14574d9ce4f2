#!/usr/bin/env bash
# ./run.sh — PostgreSQL + RabbitMQ (profile "run"), migrations, then the Orchestrator processes;
# Ctrl-C stops everything it started. Logs of background processes: .services/run/logs/<name>.log
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
REPO="$(pwd)"
CONFIGURATION="${CONFIGURATION:-Debug}"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# With a Docker engine (and no servers named in the environment): everything runs from compose/.
if [[ -z "${Orchestrator__Postgres:-}${Orchestrator__RabbitMq:-}" ]] && command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  COMPOSE=(docker compose -f "$REPO/compose/docker-compose.yml")
  echo "Docker engine found: starting compose/docker-compose.yml (Ctrl-C stops it)"
  trap '"${COMPOSE[@]}" down' EXIT
  # The dashboard asks for a login: user "operator" (role Operator), with a password made up now and hashed by the
  # dashboard image itself (compose passes the hash on as ORCHESTRATOR_DASHBOARD_OPERATOR_HASH).
  DASHBOARD_PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
  "${COMPOSE[@]}" build dashboard
  ORCHESTRATOR_DASHBOARD_OPERATOR_HASH="$(printf '%s\n' "$DASHBOARD_PASSWORD" | "${COMPOSE[@]}" run --rm --no-deps -T dashboard hash-password)"
  export ORCHESTRATOR_DASHBOARD_OPERATOR_HASH
  "${COMPOSE[@]}" up --build --detach --wait
  curl -sS -X POST http://127.0.0.1:5080/api/v1/workflows -H 'Content-Type: application/json' \
    -d '{"workflowType":"OrderWorkflow","input":{"orderId":"demo","amount":42.5,"items":["book"]}}' && echo
  echo "REST API http://127.0.0.1:5080  Dashboard http://127.0.0.1:5081  RabbitMQ http://127.0.0.1:15672"
  echo "Dashboard sign-in: operator / $DASHBOARD_PASSWORD"
  "${COMPOSE[@]}" logs --follow
  exit 0
fi

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
ENGINE_URL="http://127.0.0.1:5080"
DASHBOARD_URL="http://127.0.0.1:5081"
export Orchestrator__EngineUrl="$ENGINE_URL"
command -v curl >/dev/null || { [[ $EUID -eq 0 ]] && apt-get install -y -q curl >/dev/null; } || { echo "run.sh: curl is needed" >&2; exit 1; }

# wait_http NAME URL — until URL answers 200 (60 s)
wait_http() {
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "$2" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "run.sh: $1 did not answer at $2; see $LOGS/$1.log" >&2
  tail -n 30 "$LOGS/$1.log" >&2 || true
  exit 1
}

start_bg engine    "${ENGINE[@]}" --urls "$ENGINE_URL"
wait_http engine "$ENGINE_URL/health/ready"
# the worker on its own broker user (scripts/services.sh; the same URI when you gave Orchestrator__RabbitMq)
start_bg worker    env Orchestrator__RabbitMq="${ORCHESTRATOR_WORKER_RABBITMQ:-$Orchestrator__RabbitMq}" \
                   dotnet "$REPO/samples/OrderSample/bin/$CONFIGURATION/net10.0/OrderSample.dll"
# The dashboard asks for a login: user "operator" (role Operator), with a password made up now (printed below) and
# hashed by the dashboard's own `hash-password`; only the hash reaches the dashboard's configuration.
DASHBOARD_DLL="$REPO/dashboard/Orchestrator.Dashboard/bin/$CONFIGURATION/net10.0/Orchestrator.Dashboard.dll"
DASHBOARD_PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
DASHBOARD_HASH="$(printf '%s\n' "$DASHBOARD_PASSWORD" | dotnet "$DASHBOARD_DLL" hash-password)"
start_bg dashboard env "Orchestrator__Dashboard__Users__operator__PasswordHash=$DASHBOARD_HASH" \
  "Orchestrator__Dashboard__Users__operator__Role=Operator" dotnet "$DASHBOARD_DLL" --urls "$DASHBOARD_URL"
wait_http dashboard "$DASHBOARD_URL/health"

# --- a demo workflow ---
DEMO_ID="order-demo-$(date +%H%M%S)"
echo
echo "starting a demo workflow ($DEMO_ID):"
curl -sS -X POST "$ENGINE_URL/api/v1/workflows" -H 'Content-Type: application/json' \
  -d "{\"workflowType\":\"OrderWorkflow\",\"workflowId\":\"$DEMO_ID\",\"input\":{\"orderId\":\"$DEMO_ID\",\"amount\":42.5,\"items\":[\"book\"]}}"
echo
echo "its result:"
curl -sS "$ENGINE_URL/api/v1/workflows/$DEMO_ID/result?waitSeconds=30"
echo

cat <<EOF

Orchestrator is up:
  REST API   $ENGINE_URL   (reference: $ENGINE_URL/docs, OpenAPI: $ENGINE_URL/openapi/v1.json)
  Dashboard  $DASHBOARD_URL   (the demo run: $DASHBOARD_URL/workflows/$DEMO_ID)
             sign in as operator / $DASHBOARD_PASSWORD
  Worker     samples/OrderSample on task queue 'default'
  Logs       ${LOGS#"$REPO"/}/{engine,worker,dashboard}.log

Start more orders (failAt: null, "charge", "reserve" or "ship" makes that step fail and the saga compensate):
  curl -X POST $ENGINE_URL/api/v1/workflows -H 'Content-Type: application/json' \\
    -d '{"workflowType":"OrderWorkflow","input":{"orderId":"o-2","amount":10,"items":["pen"],"failAt":"ship"}}'
  curl $ENGINE_URL/api/v1/workflows/<workflowId>/result?waitSeconds=30
  curl $ENGINE_URL/api/v1/workflows/<workflowId>/history
EOF
echo "Services:"
services_print
echo "Press Ctrl-C to stop everything."

sleep infinity < /dev/null &
SLEEP_PID=$!
services_on_exit "kill $SLEEP_PID 2>/dev/null || true"
wait "$SLEEP_PID" || true
