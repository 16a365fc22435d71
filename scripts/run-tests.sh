#!/usr/bin/env bash
# Runs every test: unit (plain and under AddressSanitizer + UBSan), API over
# real HTTP, and browser tests in Debian's Chromium.  Ends with one line:
#   N passed, N failed
# and exits non-zero if anything failed.  Run one suite with
#   scripts/run-tests.sh unit|api|api-sqlite|api-pg|browser|bench [NAME ...]
# where each NAME picks test files by name (letters picks letters.test.mjs).
set -uo pipefail
cd "$(dirname "$0")/.."
only="${1:-all}"
shift || true
names=("$@")
passed=0
failed=0
log=build/test-logs
mkdir -p "$log"

count_cmocka() { # file
    local p f
    p=$(awk '/^\[  PASSED  \] [0-9]/ {s += $4} END {print s + 0}' "$1")
    f=$(awk '/^\[  FAILED  \] [0-9]/ {s += $4} END {print s + 0}' "$1")
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
}

count_node() { # file
    local p f
    p=$(grep -E '^# pass [0-9]+' "$1" | tail -1 | awk '{print $3}')
    f=$(grep -E '^# fail [0-9]+' "$1" | tail -1 | awk '{print $3}')
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
}

if [ "$only" = all ] || [ "$only" = unit ]; then
    echo "== unit tests (cmocka), plain and with -fsanitize=address,undefined"
    for t in build/tests/test_* build/asan-tests/test_*; do
        [ -x "$t" ] || continue
        out="$log/$(echo "$t" | tr / _).log"
        if ! "$t" >"$out" 2>&1; then
            grep -q '^\[  FAILED  \] [0-9]' "$out" || failed=$((failed + 1)) # crashed
            cat "$out"
        fi
        count_cmocka "$out"
    done
    echo "unit: $passed passed, $failed failed so far"
fi

# One demo database for every API and browser test to copy: generating it is
# the slow part, and each test server still gets its own copy.
if [ "$only" != unit ]; then
    if [ ! -f build/test-template.db ] || [ build/seam -nt build/test-template.db ]; then
        rm -f build/test-template.db*
        ./build/seam demo --db build/test-template.db 2>"$log/template.log" || { cat "$log/template.log"; exit 1; }
    fi
    export SEAM_TEMPLATE_DB="$PWD/build/test-template.db"
fi

run_node() { # name dir
    local out="$log/$1.log"
    echo "== $1 tests"
    local files=("$2"/)
    if [ ${#names[@]} -gt 0 ]; then
        files=()
        local n
        for n in "${names[@]}"; do
            [ -f "$2/$n.test.mjs" ] && files+=("$2/$n.test.mjs")
        done
        [ ${#files[@]} -gt 0 ] || return 0
    fi
    if ls "$2"/*.test.mjs >/dev/null 2>&1; then
        node --test --test-reporter=tap "${files[@]}" >"$out" 2>&1
        local status=$?
        grep -E '^not ok|^# (tests|pass|fail)' "$out" || true
        count_node "$out"
        if [ $status -ne 0 ] && ! grep -qE '^# fail [1-9]' "$out"; then
            failed=$((failed + 1))
            tail -50 "$out"
        elif grep -qE '^# fail [1-9]' "$out"; then
            # Show the failures in full.
            awk '/^not ok/,/^  \.\.\./' "$out" | head -200
        fi
    fi
}

if [ "$only" = all ] || [ "$only" = api ] || [ "$only" = api-sqlite ]; then
    run_node api-sqlite tests/api
fi

# The whole API suite again on a real PostgreSQL server: a throwaway cluster
# in a temporary directory on a free port, stopped afterwards even on failure.
if [ "$only" = all ] || [ "$only" = api ] || [ "$only" = api-pg ]; then
    pgdir=$(mktemp -d /tmp/seam-pg.XXXXXX)
    trap 'scripts/pg-cluster.sh stop "$pgdir"' EXIT
    if pgbase=$(scripts/pg-cluster.sh start "$pgdir"); then
        psql "$pgbase/postgres" -X -qAtc "CREATE DATABASE seam_template" &&
            ./build/seam copy --from build/test-template.db --to "$pgbase/seam_template" 2>"$log/pg-template.log" ||
            { cat "$log/pg-template.log"; failed=$((failed + 1)); }
        SEAM_TEST_PG="$pgbase" SEAM_TEST_PG_TEMPLATE=seam_template run_node api-postgresql tests/api
    else
        echo "could not start a PostgreSQL cluster"
        failed=$((failed + 1))
    fi
    scripts/pg-cluster.sh stop "$pgdir"
    trap - EXIT
fi
if [ "$only" = all ] || [ "$only" = browser ]; then
    run_node browser tests/browser
fi

# A smoke of the HTTP benchmark (make bench-http): one second per
# measurement, SQLite, 8 connections.  It checks that every endpoint the
# benchmark drives answers 2xx under concurrent load and that the ceiling and
# the wrk scripts work; the numbers themselves are not judged here.
if [ "$only" = all ] || [ "$only" = bench ]; then
    echo "== bench smoke (bench/http.sh, 1 s each)"
    out="$log/bench-smoke.log"
    if BENCH_HTTP_SECONDS=1 BENCH_HTTP_CONNECTIONS=8 BENCH_HTTP_BACKENDS=sqlite BENCH_DIR=build/bench-smoke \
        bench/http.sh >"$out" 2>&1; then
        rows=$(grep -c '^| [^w-]' "$out" || true)
        bad=$(awk -F'|' '/^\| / && $8 ~ /\// { split($8, a, "/"); if (a[1] + 0 > 0 || a[2] + 0 == 0) print }' "$out")
        if [ "$rows" -ge 8 ] && [ -z "$bad" ] && ! grep -q 'wrk failed' "$out"; then
            passed=$((passed + 1))
            echo "ok: $rows measurements, every response 2xx"
        else
            failed=$((failed + 1))
            echo "bench smoke failed:"; cat "$out"
        fi
    else
        failed=$((failed + 1))
        echo "bench smoke failed:"; cat "$out"
    fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
