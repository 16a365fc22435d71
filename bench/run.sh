#!/usr/bin/env bash
# make bench: Seam at scale, measured against baselines in the same run.
#
#   BENCH_SCALE   open pathways to generate: a number (default 500000), or
#                 england (7.6 million; needs about 10 GB of disk and a while)
#   BENCH_DIR     where the database and PTL files go (default build/bench)
#   BENCH_KEEP=1  keep BENCH_DIR afterwards (default: delete it)
#   BENCH_API_ONLY=1  reuse BENCH_DIR/bench.db from a kept run (migrated first)
#                 and measure only the API
#
# 1. seam gen writes a synthetic England and one PTL CSV per trust.
# 2. Baseline: the sqlite3 shell's own bulk loader (.import --csv) puts the
#    same rows into a plain table with the same number of columns.
# 3. seam import ptl loads every trust's PTL (checks, patients, pathways with
#    their seven indexes, batches of 5000 rows); then one file again
#    (all rows unchanged).  Rates are printed as ratios to the baseline.
# 4. seam serve on the result: a GP's waiting list, a trust's PTL page and the
#    national RTT measures (by IMD decile and by ethnicity), timed with curl;
#    the national measure against a bare sqlite3 scan of the open pathways.
# No timings are asserted: this prints numbers for bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${BENCH_SCALE:-500000}"
DIR="${BENCH_DIR:-build/bench}"
SEAM="$PWD/build/seam"
N_API="${BENCH_REQUESTS:-50}"

API_ONLY="${BENCH_API_ONLY:-0}"
if [ "$API_ONLY" = 1 ]; then
    [ -f "$DIR/bench.db" ] || { echo "bench: no $DIR/bench.db to reuse (run with BENCH_KEEP=1 first)" >&2; exit 1; }
    BENCH_KEEP=1
else
    rm -rf "$DIR"
    mkdir -p "$DIR"
fi
cleanup() {
    [ -n "${srv_pid:-}" ] && kill "$srv_pid" 2>/dev/null || true
    [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$DIR"
}
trap cleanup EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

echo "== machine"
echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB; disk free: $(df -h "$DIR" | awk 'NR==2 {print $4}'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1); scale $([ "$API_ONLY" = 1 ] && echo "as kept in $DIR" || echo "$SCALE")"

if [ "$API_ONLY" = 1 ]; then
    "$SEAM" migrate --db "$DIR/bench.db"
else
echo "== seam gen"
t0=$(now)
"$SEAM" gen --db "$DIR/bench.db" --scale "$SCALE" --ptl-dir "$DIR/ptl"
t1=$(now)
rows=0
for f in "$DIR"/ptl/*.csv; do rows=$((rows + $(wc -l <"$f") - 1)); done
bytes=$(du -cb "$DIR"/ptl/*.csv | tail -1 | cut -f1)
gen_s=$(secs "$t0" "$t1")
echo "gen: $rows PTL rows ($((bytes / 1048576)) MiB of CSV) in ${gen_s} s: $(rate "$rows" "$gen_s") rows/s"

echo "== baseline: sqlite3 .import --csv into a plain table"
cols=$(head -1 "$(ls "$DIR"/ptl/*.csv | head -1)" | tr ',' '\n' | awk '{printf "%s%s TEXT", (NR > 1 ? ", " : ""), $0}')
{
    echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
    echo "CREATE TABLE raw ($cols);"
    echo "BEGIN;"
    for f in "$DIR"/ptl/*.csv; do echo ".import --csv --skip 1 $f raw"; done
    echo "COMMIT;"
} >"$DIR/baseline.sql"
t0=$(now)
sqlite3 "$DIR/baseline.db" <"$DIR/baseline.sql" >/dev/null
t1=$(now)
base_s=$(secs "$t0" "$t1")
base_rate=$(rate "$rows" "$base_s")
echo "sqlite3 .import: $rows rows in ${base_s} s: $base_rate rows/s"
rm -f "$DIR"/baseline.db*

echo "== seam import ptl (every trust)"
t0=$(now)
for f in "$DIR"/ptl/*.csv; do
    trust=$(basename "$f" .csv)
    "$SEAM" import ptl --db "$DIR/bench.db" --trust "$trust" "$f" 2>>"$DIR/import.log" ||
        { tail -5 "$DIR/import.log"; exit 1; }
done
t1=$(now)
imp_s=$(secs "$t0" "$t1")
imp_rate=$(rate "$rows" "$imp_s")
grep -c 'rows read' "$DIR/import.log" | xargs echo "imports:"
tail -1 "$DIR/import.log"
echo "seam import: $rows rows in ${imp_s} s: $imp_rate rows/s = $(ratio "$imp_rate" "$base_rate") x sqlite3 .import"
first=$(ls "$DIR"/ptl/*.csv | head -1)
frows=$(($(wc -l <"$first") - 1))
t0=$(now)
"$SEAM" import ptl --db "$DIR/bench.db" --trust "$(basename "$first" .csv)" "$first" 2>"$DIR/reimport.log"
t1=$(now)
re_s=$(secs "$t0" "$t1")
echo "seam re-import of one unchanged file: $frows rows in ${re_s} s: $(rate "$frows" "$re_s") rows/s = $(ratio "$(rate "$frows" "$re_s")" "$base_rate") x sqlite3 .import"
echo "database: $(du -h "$DIR/bench.db" | cut -f1); pathways $(sqlite3 "$DIR/bench.db" 'SELECT count(*) FROM pathways'), patients $(sqlite3 "$DIR/bench.db" 'SELECT count(*) FROM patients')"

fi

echo "== API (seam serve, $N_API requests each unless noted)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$SEAM" serve --db "$DIR/bench.db" --listen "127.0.0.1:$port" --quiet --failsafe-interval 0 >"$DIR/serve.log" 2>&1 &
srv_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/me" && break; sleep 0.1; done
base="http://127.0.0.1:$port/api/v1"
# times USER PATH N: prints "p50 p99 max" in milliseconds after one warm-up request
times() {
    local tok out
    tok=$("$SEAM" token --db "$DIR/bench.db" "$1")
    curl -s -o /dev/null -H "Authorization: Bearer $tok" "$base$2"
    out=$(for _ in $(seq "$3"); do
        curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $tok" "$base$2"
    done)
    if echo "$out" | grep -qv '^200 '; then echo "HTTP $(echo "$out" | grep -v '^200 ' | head -1) for $2" >&2; fi
    echo "$out" | awk '{print $2 * 1000}' | sort -n | awk '{v[NR] = $1} END {
        p50 = v[int((NR + 1) * 0.5)]; i = int(NR * 0.99 + 0.999); if (i > NR) i = NR;
        printf "p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)", p50, v[i], v[NR], NR }'
}
gp_practice=$(sqlite3 "$DIR/bench.db" "SELECT org_code FROM users WHERE username = 'gp.bench'")
echo "GP waiting list (gp.bench, practice $gp_practice, $(sqlite3 "$DIR/bench.db" "SELECT count(*) FROM pathways pw JOIN patients p ON p.nhs_number = pw.patient_nhs_number WHERE p.practice_code = '$gp_practice' AND pw.open = 1") open): $(times gp.bench '/waiting-list?page_size=50' "$N_API")"
trust=$(sqlite3 "$DIR/bench.db" "SELECT org_code FROM users WHERE username = 'booking.bench'")
echo "trust PTL page (booking.bench, $trust, $(sqlite3 "$DIR/bench.db" "SELECT count(*) FROM pathways WHERE trust_code = '$trust' AND open = 1") open): $(times booking.bench '/waiting-list?page_size=50' "$N_API")"
N_NAT="${BENCH_NATIONAL_REQUESTS:-5}"
nat=$(times analyst.bench '/measures/rtt' "$N_NAT")
echo "national RTT measures by IMD decile (analyst.bench): $nat"
echo "national RTT measures by ethnicity (analyst.bench): $(times analyst.bench '/measures/rtt?by=ethnicity' "$N_NAT")"
t0=$(now)
sqlite3 "$DIR/bench.db" "SELECT imd_decile, count(*), sum(clock_start_day) FROM pathways WHERE open = 1 GROUP BY imd_decile" >/dev/null
t1=$(now)
scan_ms=$(awk -v s="$(secs "$t0" "$t1")" 'BEGIN { printf "%.1f", s * 1000 }')
nat_p50=$(echo "$nat" | awk '{print $2}')
echo "baseline: sqlite3 scan of the open pathways grouped by decile: ${scan_ms} ms; the national measure's p50 is $(ratio "$nat_p50" "$scan_ms") x that"
