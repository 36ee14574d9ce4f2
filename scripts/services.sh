#!/usr/bin/env bash
# scripts/services.sh — bring up PostgreSQL 15 and RabbitMQ for a caller, stop what it started.
#
# Library use (run.sh, test.sh):
#     source "$REPO/scripts/services.sh"
#     services_up test            # profile: run | test | bench
#     services_on_exit 'kill 123' # optional: extra cleanup, run (last-in first-out) BEFORE services stop
#     ...                         # Orchestrator__Postgres / Orchestrator__RabbitMq are exported
#     # services stop by themselves on exit, Ctrl-C, SIGTERM or failure (trap EXIT INT TERM);
#     # services_down may also be called explicitly (idempotent).
#
# Wrapper use (bench, ad hoc):
#     scripts/services.sh bench -- dotnet run --project bench/...
#
# Service selection, for each service independently:
#   1. Orchestrator__Postgres / Orchestrator__RabbitMq already set  -> use it, start nothing.
#   2. a Docker engine answers and compose/docker-compose.yml exists -> services_docker_up (hook, TODO).
#   3. local servers bound to 127.0.0.1 on private ports, state under .services/<profile>/.
#
# Tunables (env): SERVICES_TIMEOUT (s, default 90), SERVICES_RABBIT_MANAGEMENT (1/0; default 1 for
# the run profile only), SERVICES_PG_POOL (Maximum Pool Size, default 100), SERVICES_QUIET=1.
#
# This file is sourced by bash scripts that use `set -euo pipefail`; keep it safe under that.

_SVC_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SERVICES_REPO="$(cd "$_SVC_LIB_DIR/.." && pwd)"
SERVICES_PG_BIN="${SERVICES_PG_BIN:-/usr/lib/postgresql/15/bin}"
SERVICES_RABBIT_BIN="${SERVICES_RABBIT_BIN:-/usr/lib/rabbitmq/bin}"

# What this process started (only these are ever stopped by services_down).
_SVC_STARTED_PG=0
_SVC_STARTED_RABBIT=0
_SVC_EXIT_HOOKS=()
_SVC_DOWN_DONE=0
_SVC_OWNER_FILE=""

_svc_log()  { [[ "${SERVICES_QUIET:-0}" == 1 ]] || echo "[services] $*" >&2; }
_svc_err()  { echo "[services] ERROR: $*" >&2; }
_svc_now()  { date +%s.%N; }
_svc_secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# --- profiles ---------------------------------------------------------------------------------
_svc_profile_ports() {
  # sets PG_PORT AMQP_PORT DIST_PORT EPMD_PORT MGMT_PORT for $1
  case "$1" in
    run)   SVC_PG_PORT=55432; SVC_AMQP_PORT=45672; SVC_DIST_PORT=45673; SVC_EPMD_PORT=44369; SVC_MGMT_PORT=45674 ;;
    test)  SVC_PG_PORT=55433; SVC_AMQP_PORT=45682; SVC_DIST_PORT=45683; SVC_EPMD_PORT=44379; SVC_MGMT_PORT=45684 ;;
    bench) SVC_PG_PORT=55434; SVC_AMQP_PORT=45692; SVC_DIST_PORT=45693; SVC_EPMD_PORT=44389; SVC_MGMT_PORT=45694 ;;
    chaos) SVC_PG_PORT=55435; SVC_AMQP_PORT=45702; SVC_DIST_PORT=45703; SVC_EPMD_PORT=44399; SVC_MGMT_PORT=45704 ;;
    *) _svc_err "unknown profile '$1' (use run, test, bench or chaos)"; return 1 ;;
  esac
}

# --- process helpers --------------------------------------------------------------------------
_svc_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }
_svc_comm()  { cat "/proc/$1/comm" 2>/dev/null || true; }
_svc_starttime() { awk '{ print $22 }' "/proc/$1/stat" 2>/dev/null || true; }

# wait up to $2 seconds for pid $1 to exit; then SIGKILL it
_svc_wait_gone() {
  local pid="$1" secs="$2" i
  for ((i = 0; i < secs * 10; i++)); do _svc_alive "$pid" || return 0; sleep 0.1; done
  _svc_log "pid $pid still alive after ${secs}s: SIGKILL"
  kill -9 "$pid" 2>/dev/null || true
  for ((i = 0; i < 30; i++)); do _svc_alive "$pid" || return 0; sleep 0.1; done
  return 1
}

_svc_tail() { # file [label]
  if [[ -f "$1" ]]; then echo "----- last lines of $1 -----" >&2; tail -n 40 "$1" >&2 || true; echo "-----" >&2; fi
}

# --- profile ownership: one live user of a profile at a time -----------------------------------
_svc_claim_profile() {
  local dir="$1" owner pid start
  owner="$dir/owner.pid"
  mkdir -p "$dir"
  (
    flock -w 10 9 || { _svc_err "cannot lock $dir/.lock"; exit 1; }
    if [[ -f "$owner" ]]; then
      read -r pid start < "$owner" || true
      if [[ "${pid:-}" != "$$" ]] && _svc_alive "${pid:-}" && [[ "$(_svc_starttime "$pid")" == "${start:-}" ]]; then
        _svc_err "profile '$SERVICES_PROFILE' is in use by live process $pid ($(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | cut -c1-120)); stop it first"
        exit 1
      fi
    fi
    echo "$$ $(_svc_starttime $$)" > "$owner"
  ) 9> "$dir/.lock" || return 1
  _SVC_OWNER_FILE="$owner"
}

# --- Docker hook ------------------------------------------------------------------------------
_svc_docker_available() {
  [[ -f "$SERVICES_REPO/compose/docker-compose.yml" ]] || return 1
  command -v docker >/dev/null 2>&1 || return 1
  timeout 10 docker info >/dev/null 2>&1
}

# ================================= DOCKER HOOK (TODO) ==========================================
# Called when a Docker engine answers and compose/docker-compose.yml exists, with the services
# still needed in $SVC_NEED_PG / $SVC_NEED_RABBIT (1 = needed). To implement: `docker compose -p
# orchestrator-$SERVICES_PROFILE -f compose/docker-compose.yml up -d --wait` on the profile's ports,
# export Orchestrator__Postgres / Orchestrator__RabbitMq, set _SVC_STARTED_DOCKER=1, and make
# services_down run `docker compose ... down`. Return 0 when done, 1 to fall through to local servers.
services_docker_up() {
  _svc_log "Docker engine found, but the compose hook is not implemented yet: using local servers"
  return 1
}
services_docker_down() { :; }
# ===============================================================================================

# --- PostgreSQL -------------------------------------------------------------------------------
_svc_pg_as() { # run a command as the PostgreSQL OS user (postgres when we are root)
  # from / : postgres may not be allowed into the caller's working directory
  if [[ "$(id -u)" == 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

_svc_pg_dir() {
  # .services/<profile>/pg, unless the postgres user cannot reach the repo (e.g. a clone under
  # /root): then a private folder in /tmp keyed by the repo path.
  local d="$SERVICES_DIR/pg"
  if [[ "$(id -u)" == 0 ]] && ! runuser -u postgres -- test -x "$SERVICES_DIR" 2>/dev/null; then
    d="${TMPDIR:-/tmp}/orchestrator-services-$(echo -n "$SERVICES_REPO" | md5sum | cut -c1-10)/$SERVICES_PROFILE/pg"
    _svc_log "postgres cannot reach $SERVICES_DIR: PostgreSQL data in $d"
  fi
  echo "$d"
}

_svc_pg_mkdir() { # dir
  if [[ "$(id -u)" == 0 ]]; then install -d -o postgres -g postgres -m 700 "$1"; else install -d -m 700 "$1"; fi
}

_svc_pg_stop_leftover() {
  local data="$PGDIR/data" pidf="$PGDIR/data/postmaster.pid" pid
  [[ -f "$pidf" ]] || return 0
  pid="$(head -n 1 "$pidf" 2>/dev/null || true)"
  if _svc_alive "$pid" && [[ "$(_svc_comm "$pid")" == postgres* ]]; then
    _svc_log "stopping leftover PostgreSQL of profile '$SERVICES_PROFILE' (pid $pid)"
    _svc_pg_as "$SERVICES_PG_BIN/pg_ctl" -D "$data" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
    _svc_wait_gone "$pid" 10 || true
  fi
  rm -f "$pidf" "$PGDIR"/.s.PGSQL.*.lock 2>/dev/null || true
}

_svc_pg_init() {
  local data="$PGDIR/data"
  if [[ -f "$PGDIR/.initialized" && -f "$data/PG_VERSION" ]]; then return 0; fi
  _svc_log "initdb $data"
  rm -rf "$data" "$PGDIR/.initialized"
  _svc_pg_mkdir "$data" || return 1
  local pw="$PGDIR/.pwfile"
  echo orchestrator > "$pw" || return 1
  if [[ "$(id -u)" == 0 ]]; then chown postgres:postgres "$pw" || return 1; fi
  chmod 600 "$pw"
  if ! _svc_pg_as "$SERVICES_PG_BIN/initdb" -D "$data" -U orchestrator --pwfile="$pw" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 > "$PGDIR/initdb.log" 2>&1; then
    _svc_tail "$PGDIR/initdb.log"; _svc_err "initdb failed"; rm -f "$pw"; return 1
  fi
  rm -f "$pw"
  # Test/benchmark settings. fsync stays ON: durability is the point of this engine.
  cat >> "$data/postgresql.conf" <<'EOF'

# --- Orchestrator (scripts/services.sh) ---
max_connections = 300
shared_buffers = 256MB
fsync = on
synchronous_commit = on
log_min_messages = warning
log_line_prefix = '%m [%p] '
EOF
  [[ $? == 0 ]] || return 1
  touch "$PGDIR/.initialized"
}

_svc_pg_up() {
  PGDIR="$(_svc_pg_dir)"
  _svc_pg_mkdir "$PGDIR" || return 1
  _svc_pg_stop_leftover || true
  _svc_pg_init || return 1
  local log="$PGDIR/pg.log"
  _svc_pg_as touch "$log" || return 1
  _svc_pg_as setsid "$SERVICES_PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$log" -w -t "$SERVICES_TIMEOUT" \
      -o "-c listen_addresses=127.0.0.1 -c port=$SVC_PG_PORT -c unix_socket_directories=$PGDIR" \
      start > "$PGDIR/pg_ctl.log" 2>&1 < /dev/null || {
    cat "$PGDIR/pg_ctl.log" >&2; _svc_tail "$log"; _svc_err "PostgreSQL did not start (port $SVC_PG_PORT)"; return 1; }
  _SVC_STARTED_PG=1
  if ! _svc_pg_as "$SERVICES_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$SVC_PG_PORT" -t 10; then
    _svc_tail "$log"; _svc_err "PostgreSQL does not answer on 127.0.0.1:$SVC_PG_PORT"; return 1
  fi
  # database `orchestrator` (created once; checked every time: cheap, and heals a half-done init)
  local has
  has="$(_svc_pg_as "$SERVICES_PG_BIN/psql" -h "$PGDIR" -p "$SVC_PG_PORT" -U orchestrator -d postgres -tAXc \
        "select 1 from pg_database where datname = 'orchestrator'" 2>&1)" || { echo "$has" >&2; return 1; }
  if [[ "$has" != 1 ]]; then
    _svc_pg_as "$SERVICES_PG_BIN/createdb" -h "$PGDIR" -p "$SVC_PG_PORT" -U orchestrator orchestrator || return 1
  fi
  export Orchestrator__Postgres="Host=127.0.0.1;Port=$SVC_PG_PORT;Database=orchestrator;Username=orchestrator;Password=orchestrator;Maximum Pool Size=${SERVICES_PG_POOL:-100}"
}

_svc_pg_down() {
  [[ "$_SVC_STARTED_PG" == 1 ]] || return 0
  _svc_log "stopping PostgreSQL ($SERVICES_PROFILE, port $SVC_PG_PORT)"
  _svc_pg_as "$SERVICES_PG_BIN/pg_ctl" -D "$PGDIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 || {
    local pid; pid="$(head -n 1 "$PGDIR/data/postmaster.pid" 2>/dev/null || true)"
    if _svc_alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  }
  _SVC_STARTED_PG=0
}

# --- RabbitMQ ---------------------------------------------------------------------------------
_svc_rabbit_install() {
  [[ -x "$SERVICES_RABBIT_BIN/rabbitmq-server" ]] && return 0
  if [[ "$(id -u)" != 0 ]]; then
    _svc_err "RabbitMQ is not installed ($SERVICES_RABBIT_BIN/rabbitmq-server missing)."
    _svc_err "Install it with:  sudo apt-get install -y rabbitmq-server   (or set Orchestrator__RabbitMq)"
    return 1
  fi
  mkdir -p "$SERVICES_REPO/.services"
  (
    flock -w 600 9 || exit 1                       # run.sh and test.sh may both get here
    [[ -x "$SERVICES_RABBIT_BIN/rabbitmq-server" ]] && exit 0
    _svc_log "installing rabbitmq-server (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update && apt-get install -y --no-install-recommends rabbitmq-server; } \
        > "$SERVICES_REPO/.services/apt.log" 2>&1 || { _svc_tail "$SERVICES_REPO/.services/apt.log"; exit 1; }
  ) 9> "$SERVICES_REPO/.services/.apt.lock" || { _svc_err "apt-get install rabbitmq-server failed"; return 1; }
  # Debian's package may start the system node (when policy-rc.d allows it): it uses other ports.
  [[ -x "$SERVICES_RABBIT_BIN/rabbitmq-server" ]]
}

# run a RabbitMQ script (from $SERVICES_RABBIT_BIN) with this profile's environment
_svc_rmq() { local tool="$1"; shift; _svc_rmq_env "$SERVICES_RABBIT_BIN/$tool" "$@"; }
_svc_rmq_env() {
  env HOME="$RABBITDIR/home" LC_ALL=C.UTF-8 LANG=C.UTF-8 \
    RABBITMQ_NODENAME="rabbit_orch_$SERVICES_PROFILE@localhost" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$SVC_AMQP_PORT" \
    RABBITMQ_DIST_PORT="$SVC_DIST_PORT" ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT="$SVC_EPMD_PORT" \
    RABBITMQ_MNESIA_BASE="$RABBITDIR/mnesia" RABBITMQ_LOG_BASE="$RABBITDIR/log" \
    RABBITMQ_PID_FILE="$RABBITDIR/rabbit.pid" RABBITMQ_CONFIG_FILE="$RABBITDIR/rabbitmq.conf" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$RABBITDIR/advanced.config" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$RABBITDIR/enabled_plugins" \
    RABBITMQ_CONF_ENV_FILE="$RABBITDIR/rabbitmq-env.conf" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    "$@"
}

_svc_epmd() { command -v epmd 2>/dev/null || ls /usr/lib/erlang/erts-*/bin/epmd 2>/dev/null | head -n 1; }

_svc_epmd_kill() {
  local e; e="$(_svc_epmd)"
  [[ -n "$e" ]] && ERL_EPMD_ADDRESS=127.0.0.1 "$e" -port "$SVC_EPMD_PORT" -kill >/dev/null 2>&1 || true
}

_svc_rabbit_stop_leftover() {
  local pid pids=()
  pid="$(cat "$RABBITDIR/rabbit.pid" 2>/dev/null || true)"
  if _svc_alive "$pid" && [[ "$(_svc_comm "$pid")" == beam* ]]; then pids+=("$pid"); fi
  # a node killed before it wrote its pid file: found by this profile's own mnesia path
  local p
  for p in $(pgrep -f -- "$RABBITDIR/mnesia" 2>/dev/null || true); do
    [[ "$(_svc_comm "$p")" == beam* && " ${pids[*]} " != *" $p "* ]] && pids+=("$p")
  done
  for pid in "${pids[@]}"; do
    _svc_log "stopping leftover RabbitMQ node of profile '$SERVICES_PROFILE' (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do _svc_wait_gone "$pid" 15 || true; done
  rm -f "$RABBITDIR/rabbit.pid"
  _svc_epmd_kill   # a leftover epmd on this profile's port (harmless, but we will own the next one)
}

_svc_rabbit_start() {
  _svc_rabbit_install || return 1
  RABBITDIR="$SERVICES_DIR/rabbitmq"
  mkdir -p "$RABBITDIR/home" "$RABBITDIR/mnesia" "$RABBITDIR/log" || return 1
  _svc_rabbit_stop_leftover
  if [[ ! -s "$RABBITDIR/home/.erlang.cookie" ]]; then
    (umask 077; head -c 32 /dev/urandom | md5sum | cut -c1-20 | tr a-z A-Z > "$RABBITDIR/home/.erlang.cookie")
  fi
  chmod 400 "$RABBITDIR/home/.erlang.cookie"
  : > "$RABBITDIR/rabbitmq-env.conf"
  local mgmt="${SERVICES_RABBIT_MANAGEMENT:-}"
  [[ -n "$mgmt" ]] || { [[ "$SERVICES_PROFILE" == run ]] && mgmt=1 || mgmt=0; }
  SVC_RABBIT_MGMT="$mgmt"
  {
    echo "listeners.tcp.default = 127.0.0.1:$SVC_AMQP_PORT"
    echo "loopback_users.guest = true"
    echo "log.file.level = info"
    echo "log.console = false"
    echo "disk_free_limit.absolute = 100MB"
    if [[ "$mgmt" == 1 ]]; then
      echo "management.tcp.ip = 127.0.0.1"
      echo "management.tcp.port = $SVC_MGMT_PORT"
    fi
  } > "$RABBITDIR/rabbitmq.conf"
  if [[ "$mgmt" == 1 ]]; then echo '[rabbitmq_management].' > "$RABBITDIR/enabled_plugins"
  else echo '[].' > "$RABBITDIR/enabled_plugins"; fi
  : > "$RABBITDIR/server.out"
  # setsid: the node must not get the terminal's Ctrl-C; we stop it ourselves, in order.
  _svc_rmq_env setsid "$SERVICES_RABBIT_BIN/rabbitmq-server" > "$RABBITDIR/server.out" 2>&1 < /dev/null &
  _SVC_RABBIT_BGPID=$!
  disown "$_SVC_RABBIT_BGPID" 2>/dev/null || true
  _SVC_STARTED_RABBIT=1
}

_svc_rabbit_wait() {
  local deadline=$(( $(date +%s) + SERVICES_TIMEOUT ))
  # cheap poll of the AMQP port (the listener opens at the end of boot), then one CLI confirmation
  while ! (exec 3<>"/dev/tcp/127.0.0.1/$SVC_AMQP_PORT") 2>/dev/null; do
    if ! _svc_alive "$_SVC_RABBIT_BGPID"; then
      cat "$RABBITDIR/server.out" >&2 || true; _svc_tail "$(ls -t "$RABBITDIR"/log/*.log 2>/dev/null | head -n 1)"
      _svc_err "RabbitMQ node exited during startup"; return 1
    fi
    if (( $(date +%s) >= deadline )); then
      cat "$RABBITDIR/server.out" >&2 || true; _svc_tail "$(ls -t "$RABBITDIR"/log/*.log 2>/dev/null | head -n 1)"
      _svc_err "RabbitMQ did not open 127.0.0.1:$SVC_AMQP_PORT within ${SERVICES_TIMEOUT}s"; return 1
    fi
    sleep 0.2
  done
  if ! _svc_rmq rabbitmqctl -q --timeout 60 await_startup > "$RABBITDIR/await.out" 2>&1; then
    cat "$RABBITDIR/await.out" >&2; _svc_tail "$(ls -t "$RABBITDIR"/log/*.log 2>/dev/null | head -n 1)"
    _svc_err "rabbitmqctl await_startup failed"; return 1
  fi
  export Orchestrator__RabbitMq="amqp://guest:guest@127.0.0.1:$SVC_AMQP_PORT/"
}

_svc_rabbit_down() {
  [[ "$_SVC_STARTED_RABBIT" == 1 ]] || return 0
  _svc_log "stopping RabbitMQ ($SERVICES_PROFILE, port $SVC_AMQP_PORT)"
  local p pid; pid="$(cat "$RABBITDIR/rabbit.pid" 2>/dev/null || true)"
  if ! _svc_rmq rabbitmqctl -q --timeout 30 shutdown >/dev/null 2>&1; then
    # not reachable via the CLI (e.g. failed boot): stop by pid
    for p in $pid ${_SVC_RABBIT_BGPID:-}; do _svc_alive "$p" && kill -TERM "$p" 2>/dev/null || true; done
    for p in $pid ${_SVC_RABBIT_BGPID:-}; do _svc_wait_gone "$p" 15 || true; done
  fi
  _svc_epmd_kill
  rm -f "$RABBITDIR/rabbit.pid"
  _SVC_STARTED_RABBIT=0
}

# --- public API -------------------------------------------------------------------------------

# services_stop_group PID [NAME] — stop a process started with `setsid` (its whole process group):
# SIGTERM, then SIGKILL after ${SERVICES_STOP_GRACE:-15} s. For callers' background processes.
services_stop_group() {
  local pid="$1" name="${2:-pid $1}" i
  kill -0 "$pid" 2>/dev/null || { kill -KILL -- "-$pid" 2>/dev/null || true; return 0; }
  _svc_log "stopping $name (pid $pid)"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < ${SERVICES_STOP_GRACE:-15} * 10; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null || true   # the leader or any straggler of its group
}

# services_on_exit 'command...' — register cleanup to run (LIFO) before the services stop.
services_on_exit() { _SVC_EXIT_HOOKS+=("$*"); }

# services_down — run exit hooks, stop what services_up started. Idempotent.
services_down() {
  [[ "$_SVC_DOWN_DONE" == 1 ]] && return 0
  _SVC_DOWN_DONE=1
  local i
  for ((i = ${#_SVC_EXIT_HOOKS[@]} - 1; i >= 0; i--)); do eval "${_SVC_EXIT_HOOKS[$i]}" || true; done
  _SVC_EXIT_HOOKS=()
  _svc_rabbit_down || true
  _svc_pg_down || true
  services_docker_down || true
  if [[ -n "$_SVC_OWNER_FILE" ]]; then rm -f "$_SVC_OWNER_FILE"; _SVC_OWNER_FILE=""; fi
}

_svc_on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  services_down
  exit "$rc"
}
_svc_on_signal() { # the EXIT trap then does the cleanup
  _svc_log "got SIG$1, stopping"
  trap - INT TERM
  exit $(( 128 + $2 ))
}

# services_up <profile> — start/attach services, export Orchestrator__Postgres/RabbitMq, set traps.
services_up() {
  local profile="${1:?usage: services_up run|test|bench}"
  _svc_profile_ports "$profile" || return 1
  export SERVICES_PROFILE="$profile"
  export SERVICES_DIR="$SERVICES_REPO/.services/$profile"
  SERVICES_TIMEOUT="${SERVICES_TIMEOUT:-90}"
  _SVC_DOWN_DONE=0
  trap _svc_on_exit EXIT
  trap '_svc_on_signal INT 2' INT
  trap '_svc_on_signal TERM 15' TERM

  local t0; t0="$(_svc_now)"
  SVC_NEED_PG=1; SVC_NEED_RABBIT=1
  if [[ -n "${Orchestrator__Postgres:-}" ]]; then SVC_NEED_PG=0; _svc_log "PostgreSQL: using Orchestrator__Postgres (starting nothing)"; fi
  if [[ -n "${Orchestrator__RabbitMq:-}" ]]; then SVC_NEED_RABBIT=0; _svc_log "RabbitMQ: using Orchestrator__RabbitMq (starting nothing)"; fi
  if [[ "$SVC_NEED_PG$SVC_NEED_RABBIT" == 00 ]]; then return 0; fi

  if _svc_docker_available && services_docker_up; then
    _svc_log "services up via Docker in $(_svc_secs "$t0" "$(_svc_now)")s"; return 0
  fi

  _svc_claim_profile "$SERVICES_DIR" || return 1
  _svc_log "starting local services, profile '$profile' (state in $SERVICES_DIR)"
  # RabbitMQ boots slowest: start it first, bring PostgreSQL up meanwhile, then wait for RabbitMQ.
  if [[ "$SVC_NEED_RABBIT" == 1 ]]; then _svc_rabbit_start || return 1; fi
  if [[ "$SVC_NEED_PG" == 1 ]]; then
    _svc_pg_up || return 1
    _svc_log "PostgreSQL ready on 127.0.0.1:$SVC_PG_PORT after $(_svc_secs "$t0" "$(_svc_now)")s"
  fi
  if [[ "$SVC_NEED_RABBIT" == 1 ]]; then
    _svc_rabbit_wait || return 1
    _svc_log "RabbitMQ ready on 127.0.0.1:$SVC_AMQP_PORT after $(_svc_secs "$t0" "$(_svc_now)")s"
    # rabbitmqctl for this node, for tests that stop and start the broker (`$ORCHESTRATOR_TEST_RABBITMQCTL stop_app`)
    printf '#!/usr/bin/env bash\nSERVICES_QUIET=1 source %q\n_svc_profile_ports %q; SERVICES_PROFILE=%q; RABBITDIR=%q\n_svc_rmq rabbitmqctl "$@"\n' \
      "$SERVICES_REPO/scripts/services.sh" "$profile" "$profile" "$RABBITDIR" > "$RABBITDIR/rabbitmqctl.sh"
    chmod +x "$RABBITDIR/rabbitmqctl.sh"
    export ORCHESTRATOR_TEST_RABBITMQCTL="$RABBITDIR/rabbitmqctl.sh"
  fi
  _svc_log "services up in $(_svc_secs "$t0" "$(_svc_now)")s"
}

# services_print — human summary of what is in use
services_print() {
  echo "  Orchestrator__Postgres=${Orchestrator__Postgres:-}"
  echo "  Orchestrator__RabbitMq=${Orchestrator__RabbitMq:-}"
  if [[ "$_SVC_STARTED_RABBIT" == 1 && "${SVC_RABBIT_MGMT:-0}" == 1 ]]; then
    echo "  RabbitMQ management: http://127.0.0.1:$SVC_MGMT_PORT/ (guest/guest)"
  fi
  if [[ "$_SVC_STARTED_PG" == 1 ]]; then
    echo "  psql: $SERVICES_PG_BIN/psql 'postgresql://orchestrator:orchestrator@127.0.0.1:$SVC_PG_PORT/orchestrator'"
  fi
}

# --- wrapper mode: scripts/services.sh <profile> -- command... -------------------------------
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  profile="${1:-}"; shift || true
  [[ "${1:-}" == "--" ]] && shift
  if [[ -z "$profile" || $# -eq 0 ]]; then
    echo "usage: $0 run|test|bench -- command [args...]" >&2; exit 2
  fi
  services_up "$profile"
  rc=0
  "$@" || rc=$?
  exit "$rc"
fi
