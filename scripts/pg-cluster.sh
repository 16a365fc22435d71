#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, in a temporary directory, on a
# free local port, run by an unprivileged user (postgres when we are root).
#
#   scripts/pg-cluster.sh start DIR   -> prints the base URL (postgresql://...)
#   scripts/pg-cluster.sh stop DIR
set -euo pipefail
cmd="${1:?start|stop}"
dir="${2:?directory}"
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bindir" ] || { echo "pg-cluster: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
    as() { runuser -u postgres -- "$@"; }
    owner=postgres
else
    as() { "$@"; }
    owner=$(id -un)
fi

case "$cmd" in
start)
    mkdir -p "$dir"
    chown "$owner" "$dir"
    chmod 700 "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
           echo $((20000 + RANDOM % 20000)))
    as "$bindir/initdb" -D "$dir/data" -U seam --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    as "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200 -c shared_buffers=128MB" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "$port" >"$dir/port"
    echo "postgresql://seam@127.0.0.1:$port"
    ;;
stop)
    [ -d "$dir/data" ] && as "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
