#!/bin/sh
# A minimal, fast fake Juju hook tool for the benchmarks. The harness links it into a bin
# directory under every hook-tool name. Each call appends one line "<tool>\t<args>" to
# $BENCH_TOOL_LOG and prints a canned answer in the shape Juju uses for --format=json.
# It is the same script for ops 3.9 and for ours, so tool cost is identical on both sides.
name=${0##*/}
if [ -n "$BENCH_TOOL_LOG" ]; then
    printf '%s\t%s\n' "$name" "$*" >>"$BENCH_TOOL_LOG"
fi
# A file named after the tool in $BENCH_CANNED is the answer instead (the scaling rows' N
# relations, units, secrets).
# With --app among the arguments, "<tool>--app" is tried first.
if [ -n "$BENCH_CANNED" ]; then
    case " $* " in
        *" --app "*) [ -f "$BENCH_CANNED/$name--app" ] && exec cat "$BENCH_CANNED/$name--app" ;;
    esac
    [ -f "$BENCH_CANNED/$name" ] && exec cat "$BENCH_CANNED/$name"
fi
case $name in
    is-leader) echo true ;;
    config-get|action-get|state-get|credential-get|relation-get|secret-get|relation-model-get) echo '{}' ;;
    relation-ids|relation-list|storage-list|secret-ids|opened-ports) echo '[]' ;;
    goal-state) echo '{"units": {}, "relations": {}}' ;;
    status-get) echo '{"message": "", "status": "unknown", "status-data": {}}' ;;
    storage-get) echo '{"kind": "filesystem", "location": "/srv/data"}' ;;
    network-get) echo '{"bind-addresses": [], "egress-subnets": [], "ingress-addresses": []}' ;;
    secret-add) echo 'secret:bench0000000000000000' ;;
esac
exit 0
