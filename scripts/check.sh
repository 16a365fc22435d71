#!/usr/bin/env bash
# make check: formatting (clang-format) and a ban on unsafe C functions.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
files=$(git ls-files 'src/*.c' 'src/*.h' 'tests/unit/*.c')
if command -v clang-format >/dev/null; then
    bad=$(for f in $files; do clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"; done)
    if [ -n "$bad" ]; then
        echo "check: not formatted (run clang-format -i):"; echo "$bad" | sed 's/^/  /'; status=1
    fi
fi
banned='\b(sprintf|vsprintf|strcpy|strcat|atoi|atol|gets|strtok)\s*\('
if grep -nE "$banned" $files; then
    echo "check: banned functions above (use snprintf, memcpy, strtol, strtok_r)"; status=1
fi
[ $status -eq 0 ] && echo "check: ok"
exit $status
