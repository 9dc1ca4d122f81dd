# lib.sh -- helpers for command-line tests; sourced by tests/cli/test_*.sh.
# $ONCOSTAT is the binary under test; each script ends with `finish`.
pass=0
failn=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ok()   { pass=$((pass + 1)); }
bad()  { failn=$((failn + 1)); echo "FAIL ${0##*/}: $*" >&2; }

# expect_exit CODE CMD...  -- run CMD, capture stdout/stderr into $TMP/out, $TMP/err
expect_exit() {
    want=$1; shift
    "$@" >"$TMP/out" 2>"$TMP/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "exit $got, wanted $want: $* ($(head -c 300 "$TMP/err"))"; fi
}
# expect_err TEXT -- the last command's stderr contains TEXT
expect_err() {
    if grep -qF -- "$1" "$TMP/err"; then ok; else bad "stderr lacks '$1': $(head -c 300 "$TMP/err")"; fi
}
# expect_out TEXT -- the last command's stdout contains TEXT
expect_out() {
    if grep -qF -- "$1" "$TMP/out"; then ok; else bad "stdout lacks '$1': $(head -c 300 "$TMP/out")"; fi
}
finish() {
    echo "${0##*/}: $pass passed, $failn failed"
    [ "$failn" -eq 0 ]
}
