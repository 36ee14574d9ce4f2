#!/usr/bin/env bash
# ./test.sh [dotnet test args...]  — PostgreSQL + RabbitMQ (profile "test"), build, dotnet test Orchestrator.sln, then
# (without test args) the getting-started check (scripts/getting-started-check.sh, unless GETTING_STARTED=0) and the
# short chaos round `./chaos.sh --short` on its own servers (unless CHAOS=0), each as one more test.
# Prints as its last line "N passed, M failed[, K skipped]" summed over every test assembly (from TRX
# files); exits non-zero when the build failed or any test failed.   e.g.  ./test.sh --filter Category=Fast
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
REPO="$(pwd)"
CONFIGURATION="${CONFIGURATION:-Debug}"   # run.sh builds Debug too

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if [[ "${CI:-}" == true ]]; then
  # no MSBuild/compiler server processes left behind holding CI's output pipes
  export MSBUILDDISABLENODEREUSE=1 UseSharedCompilation=false
fi

# shellcheck source=scripts/services.sh
source "$REPO/scripts/services.sh"

summary_and_exit() { # passed failed skipped rc
  local s="$1 passed, $2 failed"
  (( $3 > 0 )) && s+=", $3 skipped"
  services_down   # first, so that the summary stays the last line
  echo "$s"
  exit "$4"
}

if ! services_up test; then
  echo "test.sh: PostgreSQL/RabbitMQ did not start (see above)" >&2
  summary_and_exit 0 0 0 1
fi

# The dashboard's browser tests drive Debian's Chromium (never a downloaded browser).
if [[ ! -x /usr/bin/chromium ]]; then
  if [[ $EUID -eq 0 ]]; then
    echo "test.sh: installing chromium (browser tests)"
    (flock 9; apt-get install -y -q chromium > /dev/null || { apt-get update -q > /dev/null && apt-get install -y -q chromium > /dev/null; }) \
      9> "$REPO/.services/.apt.lock" || echo "test.sh: could not install chromium; the browser tests will say so" >&2
  else
    echo "test.sh: /usr/bin/chromium is missing (sudo apt-get install chromium); the browser tests will fail" >&2
  fi
fi

# A test validates compose/docker-compose.yml with docker-compose (no Docker engine needed for that).
if ! command -v docker-compose >/dev/null && [[ $EUID -eq 0 ]]; then
  (flock 9; apt-get install -y -q docker-compose > /dev/null || { apt-get update -q > /dev/null && apt-get install -y -q docker-compose > /dev/null; }) \
    9> "$REPO/.services/.apt.lock" || echo "test.sh: could not install docker-compose; the compose test will say so" >&2
fi

echo "test.sh: building Orchestrator.sln ($CONFIGURATION)"
t0=$(date +%s)
if ! dotnet build "$REPO/Orchestrator.sln" -c "$CONFIGURATION" -nologo < /dev/null; then
  echo "test.sh: BUILD FAILED" >&2
  summary_and_exit 0 0 0 1
fi
echo "test.sh: build took $(( $(date +%s) - t0 ))s"

RESULTS="$REPO/TestResults/test.sh"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

# dotnet test runs in its own process group, so Ctrl-C / SIGTERM / a failure here also ends its
# vstest and testhost children (they would otherwise outlive us and keep using the services).
t0=$(date +%s)
setsid dotnet test "$REPO/Orchestrator.sln" -c "$CONFIGURATION" --no-build \
  --results-directory "$RESULTS" --logger trx \
  --blame-hang-timeout 15m --blame-hang-dump-type none \
  "$@" < /dev/null &
DOTNET_TEST_PID=$!
services_on_exit "services_stop_group $DOTNET_TEST_PID 'dotnet test'"
rc=0
wait "$DOTNET_TEST_PID" || rc=$?

# Sum the counters of every TRX file (one per test assembly; the default TRX names never collide).
passed=0 failed=0 skipped=0 files=0
get() { local v; v="$(sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<< "$counters")"; echo "${v:-0}"; }
while IFS= read -r -d '' trx; do
  files=$((files + 1))
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)"
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  # xunit's skipped tests count in neither "executed" nor "notExecuted": count their results
  skipped=$((skipped + $({ grep -o '<UnitTestResult [^>]*outcome="NotExecuted"' "$trx" || true; } | wc -l)))
done < <(find "$RESULTS" -name '*.trx' -print0)

echo "test.sh: $files test result file(s) in ${RESULTS#"$REPO"/}, dotnet test exit code $rc, $(( $(date +%s) - t0 ))s"
if [[ $rc -ne 0 && $failed -eq 0 ]]; then
  echo "test.sh: dotnet test failed without a failed test (crashed or hung test host?): see above" >&2
fi

# run_as_one_test NAME COMMAND... — COMMAND in its own process group (stopped with it if test.sh is stopped), counted
# as one passed or failed test.
run_as_one_test() {
  local name="$1" pid one_rc=0 t1
  shift
  echo "test.sh: $name ($*)"
  t1=$(date +%s)
  setsid env CONFIGURATION="$CONFIGURATION" "$@" < /dev/null &
  pid=$!
  services_on_exit "services_stop_group $pid '$name'"
  wait "$pid" || one_rc=$?
  echo "test.sh: $name exit code $one_rc, $(( $(date +%s) - t1 ))s"
  if [[ $one_rc -eq 0 ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

# Only for a full run (no test arguments), after dotnet test:
# - docs/getting-started.md done by a script outside the repository (pack, template, a new worker run against an engine
#   on these servers, a workflow started and its result checked); GETTING_STARTED=0 skips it;
# - the short chaos round (docs/reliability.md), on the chaos profile's own servers (it crashes them); CHAOS=0 skips it.
if [[ $# -eq 0 && "${GETTING_STARTED:-1}" != 0 ]]; then
  run_as_one_test "getting-started check" "$REPO/scripts/getting-started-check.sh" --no-build
fi
if [[ $# -eq 0 && "${CHAOS:-1}" != 0 ]]; then
  run_as_one_test "short chaos round" "$REPO/chaos.sh" --short
fi
if [[ $rc -ne 0 || $failed -ne 0 ]]; then summary_and_exit "$passed" "$failed" "$skipped" 1; fi
summary_and_exit "$passed" "$failed" "$skipped" 0
