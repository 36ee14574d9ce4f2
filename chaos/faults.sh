#!/usr/bin/env bash
# chaos/faults.sh VERB [N] — the server faults of ./chaos.sh, done by scripts/services.sh's fault functions to the
# chaos profile's own servers only (./chaos.sh started them and exports CHAOS_PGDIR, CHAOS_RABBITDIR, CHAOS_RABBIT_NODES):
#   rabbit-stop          RabbitMQ stopped (stop_app on every node: every connection drops)     services_rabbit_stop
#   rabbit-start         started again; returns once every node serves                        services_rabbit_start
#   pg-crash             pg_ctl restart -m immediate (no checkpoint: a crash), then recovery  services_pg_crash_restart
#   rabbit-node-kill N   kill -9 of node N's Erlang VM (three-node cluster)                   services_rabbit_node_kill
#   rabbit-node-start N  node N started again; returns once it is a running member again      services_rabbit_node_start
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../scripts/services.sh
SERVICES_QUIET=1 source "$REPO/scripts/services.sh"
# the state services_up left in ./chaos.sh's shell, for the functions below
SERVICES_PROFILE="${CHAOS_PROFILE:-chaos}"
_svc_profile_ports "$SERVICES_PROFILE"
SERVICES_DIR="$REPO/.services/$SERVICES_PROFILE"
SERVICES_TIMEOUT="${SERVICES_TIMEOUT:-90}"
PGDIR="${CHAOS_PGDIR:?run through ./chaos.sh}"
RABBITDIR="${CHAOS_RABBITDIR:?run through ./chaos.sh}"
SVC_RABBIT_NODES="${CHAOS_RABBIT_NODES:-1}"
SVC_RABBIT_MGMT="${CHAOS_RABBIT_MGMT:-0}"
_SVC_STARTED_PG=1
_SVC_STARTED_RABBIT=1

case "${1:-}" in
  rabbit-stop)       services_rabbit_stop ;;
  rabbit-start)      services_rabbit_start ;;
  pg-crash)          services_pg_crash_restart ;;
  rabbit-node-kill)  services_rabbit_node_kill "${2:?node}" ;;
  rabbit-node-start) services_rabbit_node_start "${2:?node}" ;;
  *) sed -n '2,8p' "$0" >&2; exit 2 ;;
esac
