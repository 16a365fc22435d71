#!/usr/bin/env bash
# bench/http.sh: the HTTP section of make bench.  Measures seam serve under
# concurrent load with wrk, against a ceiling measured in the same run: the
# same libmicrohttpd configuration answering a fixed body (bench/ceiling.c).
#
#   BENCH_HTTP_SECONDS      seconds per measurement (default 10)
#   BENCH_HTTP_CONNECTIONS  connection counts (default "8 64")
#   BENCH_HTTP_BACKENDS     "sqlite postgresql" (default), or one of them
#   BENCH_HTTP_THREADS      seam serve --threads and the ceiling's (default 4)
#   BENCH_DIR               where to work (default build/bench); http/ below it
#
# For each backend: a fresh demo database (seam demo; copied to a throwaway
# PostgreSQL cluster for postgresql), seam serve on a loopback port, then for
# each connection count: the ceiling, GET /me, a triager's GET /worklist,
# GET /referrals/{id}, a GP's GET /waiting-list, the GP inbox, POST /referrals
# (durable and audited), and the mixed workload (bench/wrk/mixed.lua: 70%
# reads of those kinds, 20% creates, 10% triage).  Prints req/s, p50 and p99,
# the ratio to the ceiling at the same connection count, responses that were
# not 2xx (they must be 0), and the server's peak RSS.  No timing is asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${BENCH_HTTP_SECONDS:-10}"
CONNS="${BENCH_HTTP_CONNECTIONS:-8 64}"
BACKENDS="${BENCH_HTTP_BACKENDS:-sqlite postgresql}"
THREADS="${BENCH_HTTP_THREADS:-4}"
DIR="${BENCH_DIR:-build/bench}/http"
SEAM="$PWD/build/seam"
CEILING="$PWD/build/bench-ceiling"

if ! command -v wrk >/dev/null 2>&1; then
    echo "bench: installing wrk (Debian package)"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi
make --no-print-directory build/seam build/bench-ceiling >/dev/null

rm -rf "$DIR"
mkdir -p "$DIR"
srv_pid="" pgdir=""
cleanup() {
    [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null || true
    [ -n "$pgdir" ] && scripts/pg-cluster.sh stop "$pgdir" >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.05; done; return 1; }

# run NAME CONNS SCRIPT URL [ARGS...]: one wrk measurement; prints a table row
# and remembers req/s for the ratio (the ceiling's is kept per connection count).
declare -A ceiling
run() {
    local name=$1 c=$2 script=$3 url=$4
    shift 4
    cat "bench/wrk/$script" bench/wrk/report.lua >"$DIR/script.lua"
    local out
    out=$(wrk -t2 -c"$c" -d"${SECS}s" --timeout 10s -s "$DIR/script.lua" "$url" -- "$@" 2>&1 | grep '^RESULT' || true)
    if [ -z "$out" ]; then
        printf '| %-34s | %3s | wrk failed |\n' "$name" "$c"
        return
    fi
    # Requests still queued in the server when wrk stops would run into the
    # next measurement: wait until the server answers a health check again.
    curl -s -o /dev/null -m 120 "$url/api/v1/health" || true
    read -r _ rps p50 p99 bad total <<<"$out"
    [ "$name" = ceiling ] && ceiling[$c]=$rps
    local ratio
    ratio=$(awk -v a="$rps" -v b="${ceiling[$c]:-0}" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
    printf '| %-34s | %3s | %9.0f | %8.2f | %8.2f | %6s | %7s |\n' "$name" "$c" "$rps" "$p50" "$p99" "$ratio" "$bad/$total"
}

echo "== machine"
echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk -t2, ${SECS} s per measurement; seam serve --threads $THREADS; $(wrk --version 2>&1 | head -1)"

"$SEAM" demo --db "$DIR/demo.db" >/dev/null 2>"$DIR/demo.log" || { cat "$DIR/demo.log"; exit 1; }

for backend in $BACKENDS; do
    case "$backend" in
    sqlite) url="$DIR/demo.db" ;;
    postgresql)
        pgdir=$(mktemp -d /tmp/seam-bench-pg.XXXXXX)
        pgbase=$(scripts/pg-cluster.sh start "$pgdir")
        psql "$pgbase/postgres" -X -qAtc "CREATE DATABASE seam_bench"
        url="$pgbase/seam_bench"
        "$SEAM" copy --from "$DIR/demo.db" --to "$url" >/dev/null 2>"$DIR/copy.log" || { cat "$DIR/copy.log"; exit 1; }
        ;;
    *) echo "bench: unknown backend $backend" >&2; exit 1 ;;
    esac

    gp=$("$SEAM" token --db "$url" gp.patel)
    triager=$("$SEAM" token --db "$url" triage.cardio)
    q() { sqlite3 "$DIR/demo.db" "$1"; }
    practice=$(q "SELECT org_code FROM users WHERE username = 'gp.patel'")
    service=$(q "SELECT s.id FROM services s JOIN users u ON u.org_code = s.trust_code
                 WHERE u.username = 'triage.cardio' AND s.accepts_referrals = 1 ORDER BY s.id LIMIT 1")
    patients=$(q "SELECT group_concat(nhs_number) FROM (SELECT nhs_number FROM patients
                  WHERE practice_code = '$practice' ORDER BY nhs_number LIMIT 200)")
    referral=$(q "SELECT r.id FROM referrals r JOIN patients p ON p.nhs_number = r.patient_nhs_number
                  WHERE p.practice_code = '$practice' ORDER BY r.id LIMIT 1")

    cport=$(free_port)
    "$CEILING" "127.0.0.1:$cport" "$THREADS" &
    ceiling_pid=$!
    port=$(free_port)
    "$SEAM" serve --db "$url" --listen "127.0.0.1:$port" --threads "$THREADS" --quiet --failsafe-interval 0 \
        >"$DIR/serve.log" 2>&1 &
    srv_pid=$!
    wait_up "$cport" && wait_up "$port" || { echo "bench: a server did not start"; cat "$DIR/serve.log"; exit 1; }
    base="http://127.0.0.1:$port"

    echo
    echo "== $backend (demo database: practice $practice, service $service, referral $referral)"
    echo "| what                               |   c |     req/s |  p50 ms |  p99 ms | ratio  | non-2xx |"
    echo "|---|---|---|---|---|---|---|"
    for c in $CONNS; do
        run ceiling "$c" get.lua "http://127.0.0.1:$cport" none /
        run "GET /me (GP)" "$c" get.lua "$base" "$gp" /api/v1/me
        run "GET /worklist (triager)" "$c" get.lua "$base" "$triager" /api/v1/worklist
        run "GET /referrals/{id} (GP)" "$c" get.lua "$base" "$gp" "/api/v1/referrals/$referral"
        run "GET /waiting-list (GP)" "$c" get.lua "$base" "$gp" "/api/v1/waiting-list?page_size=50"
        run "GET /inbox (GP)" "$c" get.lua "$base" "$gp" /api/v1/inbox
        run "POST /referrals (GP)" "$c" create.lua "$base" "$gp" "$service" "$patients"
        run "mixed 70/20/10" "$c" mixed.lua "$base" "$gp" "$triager" "$service" "$referral" "$patients"
    done
    echo "seam serve peak RSS: $(awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/$srv_pid/status")"
    kill "$srv_pid" "$ceiling_pid"
    wait "$srv_pid" "$ceiling_pid" 2>/dev/null || true
    srv_pid=""
    if [ -n "$pgdir" ]; then
        scripts/pg-cluster.sh stop "$pgdir" >/dev/null 2>&1 || true
        pgdir=""
    fi
done
