#!/bin/sh
# run.sh [BUILD...] -- run every test program, command-line test and fuzz
# corpus replay for each build directory (default: build and build-asan),
# then print one closing line "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
builds="$*"
[ -z "$builds" ] && builds="build build-asan"
total_pass=0
total_fail=0
log=$(mktemp)

tally() {   # read "name: N passed, N failed" lines from $log
    p=$(sed -n 's/.*: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/.*: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\2/p' "$log" | awk '{s+=$1} END {print s+0}')
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
}

run_one() {  # label command...
    label=$1; shift
    : >"$log"
    "$@" >"$log" 2>"$log.err"
    rc=$?
    cat "$log"
    if ! grep -q 'passed, [0-9]* failed$' "$log"; then
        echo "$label: 0 passed, 1 failed (no result line, exit $rc)"
        cat "$log.err" >&2
        total_fail=$((total_fail + 1))
        return
    fi
    [ -s "$log.err" ] && cat "$log.err" >&2
    tally
    if [ $rc -ne 0 ] && ! grep -q 'passed, [1-9][0-9]* failed$' "$log"; then
        echo "$label: exited $rc with no failed case"
        total_fail=$((total_fail + 1))
    fi
}

for b in $builds; do
    [ -d "$b/tests" ] || { echo "$b: not built"; total_fail=$((total_fail + 1)); continue; }
    echo "== $b"
    for t in $(find "$b/tests" -type f -perm -u+x | sort); do
        run_one "$t" "$t"
    done
    for s in tests/cli/test_*.sh; do
        [ -f "$s" ] || continue
        case "$b" in /*) bin="$b/oncostat" ;; *) bin="$PWD/$b/oncostat" ;; esac
        ONCOSTAT="$bin" run_one "$s" sh "$s"
    done
done

# Replay fuzz seed corpora and kept crashing inputs (no new exploration).
if [ -d build-fuzz ]; then
    echo "== fuzz corpus replay"
    for t in build-fuzz/fuzz_*; do
        [ -x "$t" ] || continue
        n=$(basename "$t")
        inputs=$(find "fuzz/corpus/$n" tests/regress -type f -name "*" 2>/dev/null | grep -E "fuzz/corpus/$n/|tests/regress/$n-" )
        if [ -z "$inputs" ]; then
            echo "$n: 0 passed, 1 failed (empty corpus)"; total_fail=$((total_fail + 1)); continue
        fi
        cnt=$(echo "$inputs" | wc -l)
        # shellcheck disable=SC2086
        if "$t" -runs=0 $inputs >"$log" 2>&1; then
            echo "$n: $cnt passed, 0 failed"; total_pass=$((total_pass + cnt))
        else
            tail -30 "$log"; echo "$n: 0 passed, $cnt failed"; total_fail=$((total_fail + cnt))
        fi
    done
fi
rm -f "$log" "$log.err"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
