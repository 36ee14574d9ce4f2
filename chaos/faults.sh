#!/usr/bin/env bash
# chaos/faults.sh VERB [N] — the server faults of ./chaos.sh, done to the chaos profile's own servers only
# (started by ./chaos.sh through scripts/services.sh, which exports CHAOS_PGDIR and CHAOS_RABBITDIR for this script):
#   rabbit-stop          stop RabbitMQ (every connection drops)
#   rabbit-start         start it again and wait until it serves
#   pg-crash             pg_ctl restart -m immediate: PostgreSQL stops without a checkpoint (a crash) and recovers
#   rabbit-node-kill N   kill -9 of node N (1-3) of the three-node cluster (./chaos.sh --rabbit-cluster)
#   rabbit-node-start N  start node N again and wait until it has rejoined
# Where scripts/services.sh has a function for a fault (services_rabbit_stop, ...), that function does it.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../scripts/services.sh
SERVICES_QUIET=1 source "$REPO/scripts/services.sh"
_svc_profile_ports chaos
SERVICES_PROFILE=chaos
SERVICES_DIR="$REPO/.services/chaos"
SERVICES_TIMEOUT="${SERVICES_TIMEOUT:-90}"
PGDIR="${CHAOS_PGDIR:?run through ./chaos.sh}"
RABBITDIR="${CHAOS_RABBITDIR:?run through ./chaos.sh}"

has() { declare -F "$1" > /dev/null; }

case "${1:-}" in
  rabbit-stop)
    if has services_rabbit_stop; then services_rabbit_stop
    else _svc_rmq rabbitmqctl -q --timeout 60 stop_app; fi ;;
  rabbit-start)
    if has services_rabbit_start; then services_rabbit_start
    else _svc_rmq rabbitmqctl -q --timeout 60 start_app && _svc_rmq rabbitmqctl -q --timeout 60 await_startup; fi ;;
  pg-crash)
    if has services_pg_crash_restart; then services_pg_crash_restart
    else
      # setsid: the restarted server must not belong to the harness's process group (stopped with it)
      _svc_pg_as setsid "$SERVICES_PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/pg.log" -m immediate -w -t 60 restart
    fi ;;
  rabbit-node-kill)
    has services_rabbit_node_kill || { echo "faults.sh: scripts/services.sh has no services_rabbit_node_kill (no cluster support)" >&2; exit 1; }
    services_rabbit_node_kill "${2:?node}" ;;
  rabbit-node-start)
    has services_rabbit_node_start || { echo "faults.sh: scripts/services.sh has no services_rabbit_node_start (no cluster support)" >&2; exit 1; }
    services_rabbit_node_start "${2:?node}" ;;
  *)
    sed -n '2,9p' "$0" >&2; exit 2 ;;
esac
