#!/usr/bin/env bash
# scripts/services.sh — bring up PostgreSQL 15 and RabbitMQ for a caller, stop what it started.
#
# Library use (run.sh, test.sh, chaos.sh):
#     source "$REPO/scripts/services.sh"
#     services_up test            # profile: run | test | bench | chaos
#     services_on_exit 'kill 123' # optional: extra cleanup, run (last-in first-out) BEFORE services stop
#     ...                         # exported: Orchestrator__Postgres, Orchestrator__RabbitMq (the engine's broker
#                                 # user), ORCHESTRATOR_WORKER_RABBITMQ (the workers' broker user: give it to a
#                                 # worker as its Orchestrator__RabbitMq), Orchestrator__RabbitMqNodes (cluster only),
#                                 # ORCHESTRATOR_TEST_RABBITMQCTL (rabbitmqctl for the private broker)
#     # services stop by themselves on exit, Ctrl-C, SIGTERM or failure (trap EXIT INT TERM);
#     # services_down may also be called explicitly (idempotent).
#
# Wrapper use (bench, ad hoc):
#     scripts/services.sh bench -- dotnet run --project bench/...
#
# Service selection, for each service independently:
#   1. Orchestrator__Postgres / Orchestrator__RabbitMq already set  -> use it, start nothing (workers get
#      ORCHESTRATOR_WORKER_RABBITMQ when set, else the same Orchestrator__RabbitMq).
#   2. a Docker engine answers and compose/docker-compose.yml exists -> services_docker_up (hook, TODO).
#   3. local servers bound to 127.0.0.1 on private ports, state under .services/<profile>/.
#
# The private broker (docs/operations.md): users orchestrator-engine and orchestrator-worker with the least
# permissions each side needs (regexes in scripts/broker-permissions.tsv), passwords generated once per .services/<profile>
# and kept in .services/<profile>/rabbitmq/users.env (mode 600); with the management UI (run profile) also
# orchestrator-admin. The guest user is deleted; scripts and tests control the broker with rabbitmqctl (Erlang
# distribution with the profile's cookie), not AMQP.
#
# Tunables (env): SERVICES_TIMEOUT (s, default 90), SERVICES_RABBIT_MANAGEMENT (1/0; default 1 for
# the run profile only), SERVICES_RABBIT_CLUSTER (number of RabbitMQ nodes, default 1; e.g. 3 for the chaos
# profile: nodes rabbit_orch_<profile>_N@localhost on the profile's ports + 100*(N-1), state in
# .services/<profile>/rabbitmq/rabbit-N, joined to node 1), SERVICES_PG_POOL (Maximum Pool Size, default 100),
# SERVICES_QUIET=1.
#
# Fault injection, after services_up (for chaos runs; they act on this profile's private servers only):
#     services_rabbit_node_kill N   kill -9 of RabbitMQ node N's Erlang VM (N=1 when one node)
#     services_rabbit_node_start N  start node N again; returns once it runs (and is a running cluster member)
#     services_rabbit_stop          the whole broker down: rabbitmqctl stop_app on every node (VMs stay up)
#     services_rabbit_start         start_app on every node, wait until each has booted
#     services_pg_crash_restart     pg_ctl restart -m immediate (a crash, then recovery); returns once it is ready
#
# This file is sourced by bash scripts that use `set -euo pipefail`; keep it safe under that.

_SVC_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SERVICES_REPO="$(cd "$_SVC_LIB_DIR/.." && pwd)"
SERVICES_PG_BIN="${SERVICES_PG_BIN:-/usr/lib/postgresql/15/bin}"
SERVICES_RABBIT_BIN="${SERVICES_RABBIT_BIN:-/usr/lib/rabbitmq/bin}"

# What this process started (only these are ever stopped by services_down).
_SVC_STARTED_PG=0
_SVC_STARTED_RABBIT=0
_SVC_RABBIT_BGPIDS=()
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
    # a second chaos profile, so that a long chaos run and ./test.sh's short round can run at the same time
    chaos2) SVC_PG_PORT=55436; SVC_AMQP_PORT=45722; SVC_DIST_PORT=45723; SVC_EPMD_PORT=44419; SVC_MGMT_PORT=45724 ;;
    # long-lived servers for development: targeted `dotnet test` runs beside ./test.sh (scripts/services.sh dev -- bash)
    dev)   SVC_PG_PORT=55437; SVC_AMQP_PORT=45742; SVC_DIST_PORT=45743; SVC_EPMD_PORT=44439; SVC_MGMT_PORT=45744 ;;
    # a second development profile, for targeted runs beside dev's (scripts/services.sh local -- CMD)
    local) SVC_PG_PORT=55438; SVC_AMQP_PORT=45762; SVC_DIST_PORT=45763; SVC_EPMD_PORT=44459; SVC_MGMT_PORT=45764 ;;
    # two more, for parallel development sessions
    dev2)  SVC_PG_PORT=55439; SVC_AMQP_PORT=46102; SVC_DIST_PORT=46103; SVC_EPMD_PORT=44609; SVC_MGMT_PORT=46104 ;;
    dev3)  SVC_PG_PORT=55440; SVC_AMQP_PORT=46112; SVC_DIST_PORT=46113; SVC_EPMD_PORT=44629; SVC_MGMT_PORT=46114 ;;
    *) _svc_err "unknown profile '$1' (use run, test, bench, chaos, chaos2, dev, local, dev2 or dev3)"; return 1 ;;
  esac
}

# Our ports lie in Linux's ephemeral range (32768-60999): while a server is down (a restart, a chaos fault) any outgoing
# connection on the machine may be given its port as a local port, and the server cannot listen again (eaddrinuse: seen
# in a chaos round's RabbitMQ restart). As root, the profile's ports (and those of cluster nodes 2 and 3) are added to
# net.ipv4.ip_local_reserved_ports, so the kernel never hands them out; elsewhere (no root, read-only /proc) nothing.
_svc_reserve_ports() {
  local f=/proc/sys/net/ipv4/ip_local_reserved_ports ports="" p n
  [[ $EUID -eq 0 && -w "$f" ]] || return 0
  for p in "$SVC_PG_PORT" "$SVC_AMQP_PORT" "$SVC_DIST_PORT" "$SVC_EPMD_PORT" "$SVC_MGMT_PORT"; do
    for n in 0 100 200; do ports+="${ports:+,}$((p + n))"; done
  done
  local current; current="$(cat "$f" 2>/dev/null || true)"
  echo "${current:+$current,}$ports" > "$f" 2>/dev/null || true
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

# Node N (1-based) of this profile: name, ports and folder. One node (the default): rabbit_orch_<profile>@localhost
# with its state straight in $RABBITDIR; a cluster (SERVICES_RABBIT_CLUSTER=3): rabbit_orch_<profile>_N@localhost
# in $RABBITDIR/rabbit-N, ports of node N = the profile's ports + 100*(N-1). All nodes share HOME (one Erlang cookie)
# and the profile's epmd port.
_svc_rabbit_node() { # N -> SVC_N_NAME SVC_N_AMQP SVC_N_DIST SVC_N_MGMT SVC_N_DIR
  local n="${1:-1}" off
  off=$(( (n - 1) * 100 ))
  SVC_N_AMQP=$(( SVC_AMQP_PORT + off )); SVC_N_DIST=$(( SVC_DIST_PORT + off )); SVC_N_MGMT=$(( SVC_MGMT_PORT + off ))
  if [[ "${SVC_RABBIT_NODES:-1}" -gt 1 ]]; then
    SVC_N_NAME="rabbit_orch_${SERVICES_PROFILE}_$n@localhost"; SVC_N_DIR="$RABBITDIR/rabbit-$n"
  else
    SVC_N_NAME="rabbit_orch_$SERVICES_PROFILE@localhost"; SVC_N_DIR="$RABBITDIR"
  fi
}

# run a RabbitMQ script (from $SERVICES_RABBIT_BIN) with this profile's environment, against node ${SVC_NODE:-1}
_svc_rmq() { local tool="$1"; shift; _svc_rmq_env "$SERVICES_RABBIT_BIN/$tool" "$@"; }
_svc_rmq_env() {
  _svc_rabbit_node "${SVC_NODE:-1}"
  env HOME="$RABBITDIR/home" LC_ALL=C.UTF-8 LANG=C.UTF-8 \
    RABBITMQ_NODENAME="$SVC_N_NAME" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$SVC_N_AMQP" \
    RABBITMQ_DIST_PORT="$SVC_N_DIST" ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT="$SVC_EPMD_PORT" \
    RABBITMQ_MNESIA_BASE="$SVC_N_DIR/mnesia" RABBITMQ_LOG_BASE="$SVC_N_DIR/log" \
    RABBITMQ_PID_FILE="$SVC_N_DIR/rabbit.pid" RABBITMQ_CONFIG_FILE="$SVC_N_DIR/rabbitmq.conf" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$SVC_N_DIR/advanced.config" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$SVC_N_DIR/enabled_plugins" \
    RABBITMQ_CONF_ENV_FILE="$SVC_N_DIR/rabbitmq-env.conf" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" ERL_CRASH_DUMP="$SVC_N_DIR/erl_crash.dump" \
    "$@"
}

_svc_epmd() { command -v epmd 2>/dev/null || ls /usr/lib/erlang/erts-*/bin/epmd 2>/dev/null | head -n 1; }

_svc_epmd_kill() {
  local e; e="$(_svc_epmd)"
  [[ -n "$e" ]] && ERL_EPMD_ADDRESS=127.0.0.1 "$e" -port "$SVC_EPMD_PORT" -kill >/dev/null 2>&1 || true
}

_svc_rabbit_node_pid() { # N -> pid of that node's beam (from its pid file or its mnesia path), or nothing
  local n="$1" pid p
  SVC_NODE="$n" _svc_rabbit_node "$n"
  pid="$(cat "$SVC_N_DIR/rabbit.pid" 2>/dev/null || true)"
  if _svc_alive "$pid" && [[ "$(_svc_comm "$pid")" == beam* ]]; then echo "$pid"; return 0; fi
  for p in $(pgrep -f -- "$SVC_N_DIR/mnesia" 2>/dev/null || true); do
    [[ "$(_svc_comm "$p")" == beam* ]] && { echo "$p"; return 0; }
  done
}

_svc_rabbit_stop_leftover() {
  local pid pids=() n
  for ((n = 1; n <= ${SVC_RABBIT_NODES:-1}; n++)); do
    pid="$(_svc_rabbit_node_pid "$n")"
    [[ -n "$pid" && " ${pids[*]} " != *" $pid "* ]] && pids+=("$pid")
  done
  # a node killed before it wrote its pid file: found by this profile's own mnesia path
  local p
  for p in $(pgrep -f -- "$RABBITDIR/" 2>/dev/null || true); do
    [[ "$(_svc_comm "$p")" == beam* && " ${pids[*]} " != *" $p "* ]] && pids+=("$p")
  done
  for pid in "${pids[@]}"; do
    _svc_log "stopping leftover RabbitMQ node of profile '$SERVICES_PROFILE' (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do _svc_wait_gone "$pid" 15 || true; done
  for ((n = 1; n <= ${SVC_RABBIT_NODES:-1}; n++)); do _svc_rabbit_node "$n"; rm -f "$SVC_N_DIR/rabbit.pid"; done
  _svc_epmd_kill   # a leftover epmd on this profile's port (harmless, but we will own the next one)
}

# --- broker users ------------------------------------------------------------------------------
# Two users, each with the least the side needs: the regexes are in scripts/broker-permissions.tsv (one source for
# this script, compose and the tests; docs/operations.md explains them). RabbitMQ matches a permission regex against
# a resource's name whatever its kind, and MassTransit names a queue's exchange after the queue; so each side
# publishes into the other side's inbox exchange (orchestrator-in.<queue>), never into the queue's own exchange.
_svc_rabbit_permissions() { # -> SVC_PERM_{ENGINE,WORKER}_{CONF,WRITE,READ}
  local user conf write read
  while IFS=$'\t' read -r user conf write read; do
    case "$user" in
      orchestrator-engine) SVC_PERM_ENGINE_CONF="$conf"; SVC_PERM_ENGINE_WRITE="$write"; SVC_PERM_ENGINE_READ="$read" ;;
      orchestrator-worker) SVC_PERM_WORKER_CONF="$conf"; SVC_PERM_WORKER_WRITE="$write"; SVC_PERM_WORKER_READ="$read" ;;
    esac
  done < "$SERVICES_REPO/scripts/broker-permissions.tsv"
  [[ -n "${SVC_PERM_ENGINE_READ:-}" && -n "${SVC_PERM_WORKER_READ:-}" ]] || {
    _svc_err "scripts/broker-permissions.tsv lacks orchestrator-engine or orchestrator-worker"; return 1; }
}

_svc_json_str() { local s="${1//\\/\\\\}"; s="${s//\"/\\\"}"; printf '"%s"' "$s"; }

# RabbitMQ's rabbit_password_hashing_sha256: base64(salt . sha256(salt . password)), 4-byte random salt
_svc_rabbit_hash() {
  local salt hex
  salt="$(od -An -tx1 -N4 /dev/urandom | tr -d ' \n')"
  hex="$({ printf '%b' "$(sed 's/../\\x&/g' <<< "$salt")"; printf '%s' "$1"; } | sha256sum | cut -c1-64)"
  printf '%b' "$(sed 's/../\\x&/g' <<< "$salt$hex")" | base64 -w0
}

# passwords: generated once per .services/<profile> folder, kept in $RABBITDIR/users.env (mode 600)
_svc_rabbit_users() {
  local f="$RABBITDIR/users.env"
  if [[ ! -s "$f" ]]; then
    (umask 077
     { echo "SVC_RABBIT_ENGINE_PW=$(head -c 18 /dev/urandom | base64 | tr -dc A-Za-z0-9)"
       echo "SVC_RABBIT_WORKER_PW=$(head -c 18 /dev/urandom | base64 | tr -dc A-Za-z0-9)"
       echo "SVC_RABBIT_ADMIN_PW=$(head -c 18 /dev/urandom | base64 | tr -dc A-Za-z0-9)"; } > "$f") || return 1
  fi
  chmod 600 "$f"
  # shellcheck disable=SC1090
  source "$f"
}

# definitions imported by every node at boot (load_definitions): the vhost, the users and their permissions
_svc_rabbit_definitions() { # file mgmt
  local admin=""
  if [[ "$2" == 1 ]]; then
    admin=",{\"name\":\"orchestrator-admin\",\"password_hash\":\"$(_svc_rabbit_hash "$SVC_RABBIT_ADMIN_PW")\",\"hashing_algorithm\":\"rabbit_password_hashing_sha256\",\"tags\":\"administrator\"}"
  fi
  (umask 077; cat > "$1" <<JSON
{
  "vhosts": [{"name": "/"}],
  "users": [
    {"name": "orchestrator-engine", "password_hash": "$(_svc_rabbit_hash "$SVC_RABBIT_ENGINE_PW")", "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": ""},
    {"name": "orchestrator-worker", "password_hash": "$(_svc_rabbit_hash "$SVC_RABBIT_WORKER_PW")", "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": ""}$admin
  ],
  "permissions": [
    {"user": "orchestrator-engine", "vhost": "/", "configure": $(_svc_json_str "$SVC_PERM_ENGINE_CONF"), "write": $(_svc_json_str "$SVC_PERM_ENGINE_WRITE"), "read": $(_svc_json_str "$SVC_PERM_ENGINE_READ")},
    {"user": "orchestrator-worker", "vhost": "/", "configure": $(_svc_json_str "$SVC_PERM_WORKER_CONF"), "write": $(_svc_json_str "$SVC_PERM_WORKER_WRITE"), "read": $(_svc_json_str "$SVC_PERM_WORKER_READ")}$( [[ "$2" == 1 ]] && echo ",
    {\"user\": \"orchestrator-admin\", \"vhost\": \"/\", \"configure\": \".*\", \"write\": \".*\", \"read\": \".*\"}")
  ]
}
JSON
  )
}

_svc_rabbit_start_node() { # N
  local n="$1"
  SVC_NODE="$n" _svc_rabbit_node "$n"
  mkdir -p "$SVC_N_DIR/mnesia" "$SVC_N_DIR/log" || return 1
  : > "$SVC_N_DIR/rabbitmq-env.conf"
  {
    echo "listeners.tcp.default = 127.0.0.1:$SVC_N_AMQP"
    echo "loopback_users.guest = true"
    echo "log.file.level = info"
    echo "log.console = false"
    echo "disk_free_limit.absolute = 100MB"
    echo "load_definitions = $RABBITDIR/definitions.json"
    if [[ "$SVC_RABBIT_MGMT" == 1 ]]; then
      echo "management.tcp.ip = 127.0.0.1"
      echo "management.tcp.port = $SVC_N_MGMT"
    fi
  } > "$SVC_N_DIR/rabbitmq.conf"
  if [[ "$SVC_RABBIT_MGMT" == 1 ]]; then echo '[rabbitmq_management].' > "$SVC_N_DIR/enabled_plugins"
  else echo '[].' > "$SVC_N_DIR/enabled_plugins"; fi
  : > "$SVC_N_DIR/server.out"
  # setsid: the node must not get the terminal's Ctrl-C; we stop it ourselves, in order.
  SVC_NODE="$n" _svc_rmq_env setsid "$SERVICES_RABBIT_BIN/rabbitmq-server" > "$SVC_N_DIR/server.out" 2>&1 < /dev/null &
  _SVC_RABBIT_BGPIDS[$n]=$!
  disown "$!" 2>/dev/null || true
}

_svc_rabbit_start() {
  _svc_rabbit_install || return 1
  RABBITDIR="$SERVICES_DIR/rabbitmq"
  SVC_RABBIT_NODES="${SERVICES_RABBIT_CLUSTER:-1}"
  [[ "$SVC_RABBIT_NODES" =~ ^[1-9]$ ]] || { _svc_err "SERVICES_RABBIT_CLUSTER must be 1-9 nodes, not '$SVC_RABBIT_NODES'"; return 1; }
  mkdir -p "$RABBITDIR/home" || return 1
  _svc_rabbit_stop_leftover
  if [[ ! -s "$RABBITDIR/home/.erlang.cookie" ]]; then
    (umask 077; head -c 32 /dev/urandom | md5sum | cut -c1-20 | tr a-z A-Z > "$RABBITDIR/home/.erlang.cookie")
  fi
  chmod 400 "$RABBITDIR/home/.erlang.cookie"
  local mgmt="${SERVICES_RABBIT_MANAGEMENT:-}"
  [[ -n "$mgmt" ]] || { [[ "$SERVICES_PROFILE" == run ]] && mgmt=1 || mgmt=0; }
  SVC_RABBIT_MGMT="$mgmt"
  _svc_rabbit_users || return 1
  _svc_rabbit_permissions || return 1
  _svc_rabbit_definitions "$RABBITDIR/definitions.json" "$mgmt" || return 1
  local n
  for ((n = 1; n <= SVC_RABBIT_NODES; n++)); do _svc_rabbit_start_node "$n" || return 1; done
  _SVC_STARTED_RABBIT=1
}

_svc_rabbit_wait_node() { # N deadline
  local n="$1" deadline="$2" bg="${_SVC_RABBIT_BGPIDS[$1]:-}"
  SVC_NODE="$n" _svc_rabbit_node "$n"
  local dir="$SVC_N_DIR" port="$SVC_N_AMQP"
  # cheap poll of the AMQP port (the listener opens at the end of boot), then one CLI confirmation
  while ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if [[ -n "$bg" ]] && ! _svc_alive "$bg"; then
      cat "$dir/server.out" >&2 || true; _svc_tail "$(ls -t "$dir"/log/*.log 2>/dev/null | head -n 1)"
      _svc_err "RabbitMQ node $n exited during startup"; return 1
    fi
    if (( $(date +%s) >= deadline )); then
      cat "$dir/server.out" >&2 || true; _svc_tail "$(ls -t "$dir"/log/*.log 2>/dev/null | head -n 1)"
      _svc_err "RabbitMQ node $n did not open 127.0.0.1:$port within ${SERVICES_TIMEOUT}s"; return 1
    fi
    sleep 0.2
  done
  if ! SVC_NODE="$n" _svc_rmq rabbitmqctl -q --timeout 60 await_startup > "$dir/await.out" 2>&1; then
    cat "$dir/await.out" >&2; _svc_tail "$(ls -t "$dir"/log/*.log 2>/dev/null | head -n 1)"
    _svc_err "rabbitmqctl await_startup failed (node $n)"; return 1
  fi
}

# the nodes of a cluster join node 1 once (their mnesia remembers it across restarts)
_svc_rabbit_join() {
  local n status
  SVC_NODE=1 _svc_rabbit_node 1; local first="$SVC_N_NAME"
  for ((n = 2; n <= SVC_RABBIT_NODES; n++)); do
    status="$(SVC_NODE="$n" _svc_rmq rabbitmqctl -q --timeout 30 cluster_status --formatter json 2>/dev/null || true)"
    if [[ "$status" == *"\"$first\""* ]]; then continue; fi
    _svc_log "joining RabbitMQ node $n to $first"
    { SVC_NODE="$n" _svc_rmq rabbitmqctl -q --timeout 60 stop_app &&
      SVC_NODE="$n" _svc_rmq rabbitmqctl -q --timeout 60 reset &&
      SVC_NODE="$n" _svc_rmq rabbitmqctl -q --timeout 60 join_cluster "$first" &&
      SVC_NODE="$n" _svc_rmq rabbitmqctl -q --timeout 60 start_app; } > "$RABBITDIR/join.out" 2>&1 || {
        cat "$RABBITDIR/join.out" >&2; _svc_err "RabbitMQ node $n could not join $first"; return 1; }
  done
}

# guest is deleted on the private broker (once: its mnesia remembers); control goes through rabbitmqctl (Erlang
# distribution with the profile's cookie), never AMQP.
_svc_rabbit_drop_guest() {
  [[ -f "$RABBITDIR/.guest-deleted" ]] && return 0
  local out
  out="$(_svc_rmq rabbitmqctl -q --timeout 30 delete_user guest 2>&1)" || [[ "$out" == *"o_such_user"* || "$out" == *"not exist"* ]] || {
    echo "$out" >&2; _svc_err "could not delete the guest user"; return 1; }
  touch "$RABBITDIR/.guest-deleted"
}

_svc_rabbit_wait() {
  local deadline=$(( $(date +%s) + SERVICES_TIMEOUT )) n
  for ((n = 1; n <= SVC_RABBIT_NODES; n++)); do _svc_rabbit_wait_node "$n" "$deadline" || return 1; done
  if (( SVC_RABBIT_NODES > 1 )); then _svc_rabbit_join || return 1; fi
  _svc_rabbit_drop_guest || return 1
  export Orchestrator__RabbitMq="amqp://orchestrator-engine:$SVC_RABBIT_ENGINE_PW@127.0.0.1:$SVC_AMQP_PORT/"
  export ORCHESTRATOR_WORKER_RABBITMQ="amqp://orchestrator-worker:$SVC_RABBIT_WORKER_PW@127.0.0.1:$SVC_AMQP_PORT/"
  if (( SVC_RABBIT_NODES > 1 )); then
    local nodes=""
    for ((n = 1; n <= SVC_RABBIT_NODES; n++)); do _svc_rabbit_node "$n"; nodes+="${nodes:+,}127.0.0.1:$SVC_N_AMQP"; done
    export Orchestrator__RabbitMqNodes="$nodes"
  fi
}

_svc_rabbit_down() {
  [[ "$_SVC_STARTED_RABBIT" == 1 ]] || return 0
  _svc_log "stopping RabbitMQ ($SERVICES_PROFILE, port $SVC_AMQP_PORT, ${SVC_RABBIT_NODES:-1} node(s))"
  local n p pid
  # a cluster stops its last nodes first, node 1 last (the last node down is the one the others wait for on boot)
  for ((n = ${SVC_RABBIT_NODES:-1}; n >= 1; n--)); do
    pid="$(_svc_rabbit_node_pid "$n")"
    if ! SVC_NODE="$n" _svc_rmq rabbitmqctl -q --timeout 30 shutdown >/dev/null 2>&1; then
      # not reachable via the CLI (e.g. failed boot, or killed): stop by pid
      for p in $pid ${_SVC_RABBIT_BGPIDS[$n]:-}; do _svc_alive "$p" && kill -TERM "$p" 2>/dev/null || true; done
      for p in $pid ${_SVC_RABBIT_BGPIDS[$n]:-}; do _svc_wait_gone "$p" 15 || true; done
    fi
    _svc_rabbit_node "$n"; rm -f "$SVC_N_DIR/rabbit.pid"
  done
  _svc_epmd_kill
  _SVC_STARTED_RABBIT=0
}

# --- fault injection (chaos runs) --------------------------------------------------------------
# services_rabbit_node_kill N — kill -9 the beam process of node N (1 when one node).
services_rabbit_node_kill() {
  local n="${1:?usage: services_rabbit_node_kill N}" pid
  pid="$(_svc_rabbit_node_pid "$n")"
  [[ -n "$pid" ]] || { _svc_err "RabbitMQ node $n is not running"; return 1; }
  _svc_log "kill -9 RabbitMQ node $n (pid $pid)"
  kill -9 "$pid" 2>/dev/null || true
  _svc_wait_gone "$pid" 10 || true
}

# services_rabbit_node_start N — start node N again (after a kill) and wait until it runs and, in a cluster, is a
# running member again.
services_rabbit_node_start() {
  local n="${1:?usage: services_rabbit_node_start N}" deadline
  [[ -z "$(_svc_rabbit_node_pid "$n")" ]] || { _svc_log "RabbitMQ node $n already runs"; return 0; }
  _svc_rabbit_start_node "$n" || return 1
  deadline=$(( $(date +%s) + ${SERVICES_TIMEOUT:-90} ))
  _svc_rabbit_wait_node "$n" "$deadline" || return 1
  if (( ${SVC_RABBIT_NODES:-1} > 1 )); then
    SVC_NODE="$n" _svc_rabbit_node "$n"; local me="$SVC_N_NAME" status
    while true; do
      status="$(SVC_NODE=1 _svc_rmq rabbitmqctl -q --timeout 20 cluster_status --formatter json 2>/dev/null || true)"
      # running_nodes lists it again
      if [[ "$(sed -n 's/.*"running_nodes":\[\([^]]*\)\].*/\1/p' <<< "$status")" == *"\"$me\""* ]]; then break; fi
      (( $(date +%s) < deadline )) || { _svc_err "RabbitMQ node $n did not rejoin the cluster"; return 1; }
      sleep 0.5
    done
  fi
  _svc_log "RabbitMQ node $n is back"
}

# services_rabbit_stop / services_rabbit_start — the whole broker: stop_app on every node (the Erlang VMs stay, so
# clients see the broker gone: connections refused), start_app again and wait until every node runs.
services_rabbit_stop() {
  local n
  for ((n = ${SVC_RABBIT_NODES:-1}; n >= 1; n--)); do
    SVC_NODE="$n" _svc_rmq rabbitmqctl -q --timeout 60 stop_app >/dev/null || { _svc_err "stop_app failed (node $n)"; return 1; }
  done
}
services_rabbit_start() {
  local n pids=() rc=0
  # in parallel: a cluster node's start_app waits for its peers
  for ((n = 1; n <= ${SVC_RABBIT_NODES:-1}; n++)); do
    SVC_NODE="$n" _svc_rmq rabbitmqctl -q --timeout 120 start_app >/dev/null & pids+=($!)
  done
  for n in "${pids[@]}"; do wait "$n" || rc=1; done
  (( rc == 0 )) || { _svc_err "start_app failed"; return 1; }
  for ((n = 1; n <= ${SVC_RABBIT_NODES:-1}; n++)); do
    SVC_NODE="$n" _svc_rmq rabbitmqctl -q --timeout 60 await_startup >/dev/null || return 1
  done
}

# services_pg_crash_restart — PostgreSQL crash (pg_ctl restart -m immediate: no checkpoint, recovery on start) and
# wait until it accepts connections again.
services_pg_crash_restart() {
  [[ "$_SVC_STARTED_PG" == 1 ]] || { _svc_err "PostgreSQL was not started by this process"; return 1; }
  _svc_pg_as setsid "$SERVICES_PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/pg.log" -m immediate -w -t "${SERVICES_TIMEOUT:-90}" \
      -o "-c listen_addresses=127.0.0.1 -c port=$SVC_PG_PORT -c unix_socket_directories=$PGDIR" \
      restart > "$PGDIR/pg_ctl.log" 2>&1 < /dev/null || { cat "$PGDIR/pg_ctl.log" >&2; _svc_err "pg_ctl restart failed"; return 1; }
  local i
  for ((i = 0; i < ${SERVICES_TIMEOUT:-90} * 10; i++)); do
    _svc_pg_as "$SERVICES_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$SVC_PG_PORT" -t 2 && return 0
    sleep 0.1
  done
  _svc_err "PostgreSQL did not come back after the crash restart"; return 1
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
  local profile="${1:?usage: services_up run|test|bench|chaos}"
  _svc_profile_ports "$profile" || return 1
  _svc_reserve_ports
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
  if [[ -n "${Orchestrator__RabbitMq:-}" ]]; then
    SVC_NEED_RABBIT=0; _svc_log "RabbitMQ: using Orchestrator__RabbitMq (starting nothing)"
    # one broker URI given: workers use it too, unless ORCHESTRATOR_WORKER_RABBITMQ names the worker's own user
    export ORCHESTRATOR_WORKER_RABBITMQ="${ORCHESTRATOR_WORKER_RABBITMQ:-$Orchestrator__RabbitMq}"
  fi
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
    # (node 1 of a cluster; SVC_NODE=N picks another)
    printf '#!/usr/bin/env bash\nSERVICES_QUIET=1 source %q\n_svc_profile_ports %q; SERVICES_PROFILE=%q; RABBITDIR=%q; SVC_RABBIT_NODES=%q\n_svc_rmq rabbitmqctl "$@"\n' \
      "$SERVICES_REPO/scripts/services.sh" "$profile" "$profile" "$RABBITDIR" "$SVC_RABBIT_NODES" > "$RABBITDIR/rabbitmqctl.sh"
    chmod +x "$RABBITDIR/rabbitmqctl.sh"
    export ORCHESTRATOR_TEST_RABBITMQCTL="$RABBITDIR/rabbitmqctl.sh"
  fi
  _svc_log "services up in $(_svc_secs "$t0" "$(_svc_now)")s"
}

# services_print — human summary of what is in use
services_print() {
  echo "  Orchestrator__Postgres=${Orchestrator__Postgres:-}"
  echo "  Orchestrator__RabbitMq=${Orchestrator__RabbitMq:-}   (the engine's broker user)"
  echo "  ORCHESTRATOR_WORKER_RABBITMQ=${ORCHESTRATOR_WORKER_RABBITMQ:-}   (the workers' broker user)"
  [[ -z "${Orchestrator__RabbitMqNodes:-}" ]] || echo "  Orchestrator__RabbitMqNodes=$Orchestrator__RabbitMqNodes"
  if [[ "$_SVC_STARTED_RABBIT" == 1 && "${SVC_RABBIT_MGMT:-0}" == 1 ]]; then
    echo "  RabbitMQ management: http://127.0.0.1:$SVC_MGMT_PORT/ (orchestrator-admin / password in $RABBITDIR/users.env)"
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
    echo "usage: $0 run|test|bench|chaos -- command [args...]" >&2; exit 2
  fi
  services_up "$profile"
  rc=0
  "$@" || rc=$?
  exit "$rc"
fi
