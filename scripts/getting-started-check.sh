#!/usr/bin/env bash
# scripts/getting-started-check.sh [--no-build] — docs/getting-started.md, done by a script in a temporary folder outside
# the repository, so that the guide cannot rot: pack the packages to a local feed, install the template from it, create
# a worker with `dotnet new orchestrator-worker`, build it and run its tests, check that the package's analyzers flag a
# workflow that reads the clock (and nothing in the template), run it against an engine of this
# repository, start a workflow over REST and check its result. ./test.sh runs it (counted as one test).
#
# Needs the servers in the environment, as ./test.sh and `source /tmp/svc-dev.env` give them: Orchestrator__Postgres
# (an Npgsql connection string; a database of its own is created and dropped here), Orchestrator__RabbitMq (the
# engine's broker user) and ORCHESTRATOR_WORKER_RABBITMQ (the workers' user; else the engine's). psql creates the
# database ($SERVICES_PG_BIN/psql, else psql on PATH).
#   --no-build    the solution is built already (./test.sh): pack and run the engine from bin/$CONFIGURATION
# Leaves nothing behind: the template is installed into a private DOTNET_CLI_HOME and uninstalled, NuGet extracts into
# a private NUGET_PACKAGES (the machine's package cache is only read, as a fallback folder, so that the worker's
# third-party packages need no download), the packages get a version suffix of their own (gs.<time>.<pid>) so that no
# cache anywhere can hand back an older build, and the temporary folder, the database and the processes go at exit.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONFIGURATION="${CONFIGURATION:-Debug}"
NO_BUILD=0
[[ "${1:-}" == --no-build ]] && NO_BUILD=1
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_GENERATE_ASPNET_CERTIFICATE=false
T0=$(date +%s)
say() { echo "getting-started-check: $* ($(( $(date +%s) - T0 ))s)"; }
fail() { echo "getting-started-check: FAILED: $*" >&2; exit 1; }

[[ -n "${Orchestrator__Postgres:-}" && -n "${Orchestrator__RabbitMq:-}" ]] \
  || fail "Orchestrator__Postgres and Orchestrator__RabbitMq must name the servers (./test.sh sets them; or source /tmp/svc-dev.env)"
WORKER_RABBITMQ="${ORCHESTRATOR_WORKER_RABBITMQ:-$Orchestrator__RabbitMq}"
PSQL="${SERVICES_PG_BIN:-/usr/lib/postgresql/15/bin}/psql"
[[ -x "$PSQL" ]] || PSQL="$(command -v psql || true)"
[[ -n "$PSQL" ]] || fail "psql is needed to create the check's database"
MACHINE_PACKAGES="$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: //p')"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/orchestrator-getting-started.XXXXXX")"
case "$WORK" in "$REPO"/*) fail "the temporary folder $WORK is inside the repository" ;; esac
SUFFIX="gs.$(date +%s).$$"
VERSION="$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' "$REPO/Directory.Build.props")-$SUFFIX"
ID="gs$(date +%s)$$"
ENGINE_QUEUE="orchestrator-engine-$ID"   # the least-privileged broker users allow orchestrator-engine-*
TASK_QUEUE="shop.worker.$ID"
DATABASE="getting_started_$ID"
PIDS=()
TEMPLATE_INSTALLED=0
DB_CREATED=0

# --- the database: the key=value pairs of the Npgsql connection string, for psql and for the engine ---
declare -A PG=()
IFS=';' read -ra _pairs <<< "$Orchestrator__Postgres"
for pair in "${_pairs[@]}"; do
  [[ "$pair" == *=* ]] || continue
  key="$(echo "${pair%%=*}" | tr '[:upper:]' '[:lower:]' | tr -d ' ')"
  PG[$key]="${pair#*=}"
done
psql_admin() {
  PGPASSWORD="${PG[password]:-}" "$PSQL" -h "${PG[host]:-127.0.0.1}" -p "${PG[port]:-5432}" -U "${PG[username]:-${PG[user id]:-${PG[userid]:-postgres}}}" \
    -d postgres -qtAX -v ON_ERROR_STOP=1 -c "$1"
}
ENGINE_POSTGRES="$(echo "$Orchestrator__Postgres" | sed -E 's/(^|;)[[:space:]]*(Database|DB)[[:space:]]*=[^;]*//Ig');Database=$DATABASE"

cleanup() {
  local rc=$?
  set +e
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
  done
  if [[ $rc -ne 0 ]]; then
    for log in "$WORK"/*.log; do [[ -f "$log" ]] && { echo "----- last lines of $(basename "$log") -----"; tail -n 40 "$log"; } >&2; done
  fi
  [[ $TEMPLATE_INSTALLED == 1 ]] && dotnet new uninstall Orchestrator.Templates > /dev/null 2>&1
  [[ $DB_CREATED == 1 ]] && psql_admin "DROP DATABASE IF EXISTS \"$DATABASE\" WITH (FORCE)" > /dev/null 2>&1
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. pack every package of worker-sdk/ into a local feed ---
say "packing $VERSION into $WORK/feed"
mapfile -t PACKAGES < <(cd "$REPO" && dotnet sln Orchestrator.sln list | tr '\\' '/' | grep '^worker-sdk/.*\.csproj$')
printf '{"solution":{"path":"%s","projects":[%s]}}\n' "$REPO/Orchestrator.sln" \
  "$(printf '"%s",' "${PACKAGES[@]}" | sed 's/,$//')" > "$WORK/packages.slnf"
pack_args=(-c "$CONFIGURATION" -o "$WORK/feed" --version-suffix "$SUFFIX" -nologo -v q)
[[ $NO_BUILD == 1 ]] && pack_args+=(--no-build)
dotnet pack "$WORK/packages.slnf" "${pack_args[@]}" < /dev/null > "$WORK/pack.log" 2>&1 || { cat "$WORK/pack.log" >&2; fail "dotnet pack"; }
for p in Orchestrator.Contracts Orchestrator.Sdk Orchestrator.Testing Orchestrator.Templates; do   # the template's tests use Orchestrator.Testing
  [[ -f "$WORK/feed/$p.$VERSION.nupkg" ]] || fail "dotnet pack made no $p.$VERSION.nupkg (feed: $(ls "$WORK/feed" | tr '\n' ' '))"
done
# the libraries: symbols beside them, license, readme and project URL inside (docs/releasing.md)
for p in Orchestrator.Contracts Orchestrator.Sdk; do
  [[ -f "$WORK/feed/$p.$VERSION.snupkg" ]] || fail "no symbols package $p.$VERSION.snupkg"
  if command -v unzip > /dev/null; then
    nuspec="$(unzip -p "$WORK/feed/$p.$VERSION.nupkg" "$p.nuspec")"
    for want in '<license type="expression">MIT</license>' '<readme>README.md</readme>' '<projectUrl>https://' '<description>'; do
      [[ "$nuspec" == *"$want"* ]] || fail "$p.nuspec lacks $want"
    done
    [[ "$(unzip -Z1 "$WORK/feed/$p.$VERSION.nupkg")" == *$'\n'README.md$'\n'* ]] || fail "$p.$VERSION.nupkg has no README.md"
  else
    echo "getting-started-check: no unzip: the packages' metadata is not checked" >&2
  fi
done
if [[ $NO_BUILD == 0 ]]; then
  dotnet build "$REPO/engine/Orchestrator.Engine/Orchestrator.Engine.csproj" -c "$CONFIGURATION" -nologo -v q < /dev/null > "$WORK/build-engine.log" 2>&1 \
    || { cat "$WORK/build-engine.log" >&2; fail "building the engine"; }
fi
ENGINE_DLL="$REPO/engine/Orchestrator.Engine/bin/$CONFIGURATION/net10.0/Orchestrator.Engine.dll"
[[ -f "$ENGINE_DLL" ]] || fail "no $ENGINE_DLL (build the solution first, or leave out --no-build)"

# --- 2. an engine of this repository (own database and engine queue), started now so that it is ready by step 6 ---
say "starting an engine"
psql_admin "CREATE DATABASE \"$DATABASE\"" > /dev/null || fail "could not create database $DATABASE"
DB_CREATED=1
# (the engine applies the migrations when it starts; port 0: the port it got is in its "Now listening on" line)
setsid env Orchestrator__Postgres="$ENGINE_POSTGRES" Orchestrator__EngineQueue="$ENGINE_QUEUE" \
  Logging__LogLevel__Microsoft.Hosting.Lifetime=Information \
  dotnet "$ENGINE_DLL" --urls "http://127.0.0.1:0" < /dev/null > "$WORK/engine.log" 2>&1 &
PIDS+=($!)

# --- 3. an empty folder that knows the feed: the guide's commands; then, for the check only, the machine's package
# cache as a read-only fallback folder (no download of the worker's third-party packages) and Orchestrator.* mapped to
# the local feed alone ---
export DOTNET_CLI_HOME="$WORK/home" NUGET_PACKAGES="$WORK/packages"
mkdir -p "$WORK/app" "$DOTNET_CLI_HOME"
cd "$WORK/app"
{ dotnet new nugetconfig && dotnet nuget add source "$WORK/feed" --name orchestrator-local --configfile nuget.config; } \
  < /dev/null > "$WORK/new.log" 2>&1 || { cat "$WORK/new.log" >&2; fail "dotnet new nugetconfig / dotnet nuget add source"; }
grep -q "api.nuget.org" nuget.config || fail "dotnet new nugetconfig gave no nuget.org source: $(cat nuget.config)"
sed -i "s#</configuration>#  <fallbackPackageFolders><add key=\"machine\" value=\"$MACHINE_PACKAGES\" /></fallbackPackageFolders>\n\
  <packageSourceMapping>\n\
    <packageSource key=\"orchestrator-local\"><package pattern=\"Orchestrator.*\" /></packageSource>\n\
    <packageSource key=\"nuget\"><package pattern=\"*\" /></packageSource>\n\
  </packageSourceMapping>\n</configuration>#" nuget.config

# --- 4. the template, from the package; the worker, from the template ---
say "dotnet new install Orchestrator.Templates::$VERSION"
dotnet new install "$WORK/feed/Orchestrator.Templates.$VERSION.nupkg" < /dev/null >> "$WORK/new.log" 2>&1 || { cat "$WORK/new.log" >&2; fail "dotnet new install"; }
TEMPLATE_INSTALLED=1
dotnet new orchestrator-worker -n Shop.Worker --no-update-check < /dev/null >> "$WORK/new.log" 2>&1 || { cat "$WORK/new.log" >&2; fail "dotnet new orchestrator-worker"; }
cd Shop.Worker
grep -q "<OrchestratorVersion>$VERSION</OrchestratorVersion>" Directory.Build.props || fail "the worker does not reference Orchestrator $VERSION: $(cat Directory.Build.props)"

# --- 5. build it and run its tests (the workflow in memory with WorkflowTestEnvironment, the replay of the history the
# template ships, the activity) ---
say "dotnet test of Shop.Worker (restores and builds both projects)"
dotnet test -nologo < /dev/null > "$WORK/test.log" 2>&1 || { cat "$WORK/test.log" >&2; fail "dotnet test of the new worker"; }
grep -Eq "Passed!.* Passed: +3," "$WORK/test.log" || { cat "$WORK/test.log" >&2; fail "the worker's 3 tests did not all pass"; }
grep -qi "\"Orchestrator.Testing/$VERSION\"" tests/Shop.Worker.Tests/obj/project.assets.json || fail "the worker's tests were not restored with Orchestrator.Testing $VERSION"
grep -qi "\"Orchestrator.Sdk/$VERSION\"" src/Shop.Worker/obj/project.assets.json || fail "the worker was not restored with Orchestrator.Sdk $VERSION"
say "restored into the private package folder: $(ls "$NUGET_PACKAGES" | tr '\n' ' ')(the rest from the machine's cache)"

# --- 5b. the package carries the workflow analyzers (docs/analyzers.md): a workflow that reads the machine clock gets
# ORCH0001 in a project that references nothing but the package; without it, the template builds with no ORCH warning ---
say "the analyzers: a workflow with DateTime.UtcNow must get ORCH0001"
cat > src/Shop.Worker/ClockWorkflow.cs <<'CS'
using Orchestrator.Sdk;

namespace Shop.Worker;

[Workflow]
public sealed class ClockWorkflow
{
    [WorkflowRun]
    public Task<DateTime> RunAsync(WorkflowContext context) => Task.FromResult(DateTime.UtcNow);
}
CS
dotnet build src/Shop.Worker -nologo < /dev/null > "$WORK/analyzer.log" 2>&1 || { cat "$WORK/analyzer.log" >&2; fail "building the worker with ClockWorkflow.cs"; }
grep -q "ClockWorkflow.cs(9,[0-9]*): warning ORCH0001" "$WORK/analyzer.log" || { cat "$WORK/analyzer.log" >&2; fail "no ORCH0001 for DateTime.UtcNow in a workflow: the package did not bring its analyzers"; }
rm src/Shop.Worker/ClockWorkflow.cs
dotnet build src/Shop.Worker -nologo < /dev/null > "$WORK/analyzer.log" 2>&1 || { cat "$WORK/analyzer.log" >&2; fail "rebuilding the worker"; }
if grep -q "warning ORCH" "$WORK/analyzer.log"; then cat "$WORK/analyzer.log" >&2; fail "the template's own code gets an analyzer warning"; fi

# --- 6. wait for the engine; run the worker as the guide does ---
ENGINE_URL=""
for _ in $(seq 1 300); do
  ENGINE_URL="$(sed -n 's/.*Now listening on: \(http:[^ ]*\).*/\1/p' "$WORK/engine.log" | head -n 1 | tr -d '\r')"
  [[ -n "$ENGINE_URL" ]] && curl -fsS -o /dev/null "$ENGINE_URL/health/ready" 2>/dev/null && break
  kill -0 "${PIDS[0]}" 2>/dev/null || fail "the engine exited"
  ENGINE_URL=""
  sleep 0.2
done
[[ -n "$ENGINE_URL" ]] || fail "the engine did not become ready in 60 s"
say "starting the worker"
setsid env Orchestrator__RabbitMq="$WORKER_RABBITMQ" Orchestrator__EngineUrl="$ENGINE_URL" Orchestrator__TaskQueue="$TASK_QUEUE" \
  Orchestrator__Worker__EngineQueue="$ENGINE_QUEUE" \
  dotnet run --no-build --project src/Shop.Worker < /dev/null > "$WORK/worker.log" 2>&1 &
PIDS+=($!)

# --- 7. start a workflow and wait for its result ---
say "starting GreetingWorkflow on $ENGINE_URL (task queue $TASK_QUEUE)"
start="$(curl -sS -X POST "$ENGINE_URL/api/v1/workflows" -H 'Content-Type: application/json' \
  -d "{\"workflowType\":\"GreetingWorkflow\",\"workflowId\":\"greeting-1\",\"taskQueue\":\"$TASK_QUEUE\",\"input\":{\"name\":\"Ana\"}}")"
[[ "$start" == *'"workflowId":"greeting-1"'* ]] || fail "start: $start"
deadline=$(( $(date +%s) + 60 ))
while :; do
  code="$(curl -sS -o "$WORK/result.json" -w '%{http_code}' "$ENGINE_URL/api/v1/workflows/greeting-1/result?waitSeconds=10")"
  [[ "$code" == 200 ]] && break
  [[ "$code" == 202 ]] || fail "result: HTTP $code $(cat "$WORK/result.json")"
  (( $(date +%s) < deadline )) || fail "greeting-1 did not complete in 60 s: $(cat "$WORK/result.json")"
done
result="$(cat "$WORK/result.json")"
[[ "$result" == *'"status":"Completed"'* && "$result" == *'"result":"Hello, Ana!"'* ]] || fail "unexpected result: $result"
if [[ -n "${GETTING_STARTED_HISTORY_OUT:-}" ]]; then   # how the template's Histories/greeting.json was recorded
  curl -fsS "$ENGINE_URL/api/v1/workflows/greeting-1/history" > "$GETTING_STARTED_HISTORY_OUT"
fi
say "ok: greeting-1 Completed with \"Hello, Ana!\""
