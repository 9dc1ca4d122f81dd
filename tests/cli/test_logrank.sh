# test_logrank.sh -- oncostat logrank against R survival 3.5-3 survdiff.
# Data and reference numbers: tests/golden/cli/km_cli.R writing
# tests/data/lung.csv and tests/golden/cli/km_cli.txt.
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

GOLD=tests/golden/cli/km_cli.txt
LUNG=tests/data/lung.csv

golden() {
    awk -v k="$1" -v i="$2" '$1 == k { print $(i + 1); exit }' "$GOLD"
}

# json_num SECTION KEY N -- the N-th value of "KEY" after "SECTION"
json_num() {
    sed -n "/\"$1\":/,\$p" "$TMP/out" | grep -o "\"$2\": [^,}]*" |
        sed -n "${3:-1}p" | sed 's/.*: //'
}

# var_entry I -- the I-th number (row-major) of the "var" matrix
var_entry() {
    sed -n '/"var":/,/^  \]/p' "$TMP/out" | grep -o -- '-\{0,1\}[0-9][0-9.e+-]*' |
        sed -n "$1p"
}

near() {
    if awk -v g="$2" -v w="$3" 'BEGIN {
            if (w == "NA") exit !(g == "NA" || g == "null");
            if (g == "" || g == "NA" || g == "null") exit 1;
            d = g - w; if (d < 0) d = -d;
            s = w < 0 ? -w : w; if (s < 1) s = 1;
            exit !(d <= 1e-9 * s) }'; then
        ok
    else
        bad "$1: got '$2', R gives '$3'"
    fi
}

# check_test CASE K -- chisq, df, P, observed, expected, var of K groups
check_test() {
    near "$1 chisq" "$(json_num analysis chisq 1)" "$(golden "$1.chisq" 1)"
    near "$1 df" "$(json_num analysis df 1)" "$(golden "$1.df" 1)"
    near "$1 p" "$(json_num analysis p 1)" "$(golden "$1.p" 1)"
    g=1
    while [ "$g" -le "$2" ]; do
        near "$1 observed $g" "$(json_num groups observed "$g")" "$(golden "$1.observed" "$g")"
        near "$1 expected $g" "$(json_num groups expected "$g")" "$(golden "$1.expected" "$g")"
        g=$((g + 1))
    done
    e=1
    while [ "$e" -le $(($2 * $2)) ]; do
        near "$1 var $e" "$(var_entry "$e")" "$(golden "$1.var" "$e")"
        e=$((e + 1))
    done
}

# ---- L1: two groups ----
expect_exit 0 "$ONCOSTAT" logrank "$LUNG" 'Surv(time, status) ~ sex' --json
check_test l1 2
for key in '"test": "logrank"' '"chisq":' '"df": 1' '"p":' '"observed":' '"expected":' \
           '"var":' '"trend": null' '"pairwise": []' '"n_used": 228' '"excluded": []'; do
    expect_out "$key"
done
expect_exit 0 "$ONCOSTAT" logrank "$LUNG" 'Surv(time, status) ~ sex'
expect_out "Chisq = 10.33 on 1 df, P = 0.001"
expect_out "(O-E)^2/V"

# ---- L2: four groups, trend, Holm-adjusted pairs, a missing value ----
expect_exit 0 "$ONCOSTAT" logrank "$LUNG" 'Surv(time, status) ~ ph.ecog' --trend \
    --pairwise holm --json
check_test l2 4
near "l2 trend" "$(json_num trend chisq 1)" "$(golden l2.trend_chisq 1)"
q=1
while [ "$q" -le 6 ]; do
    near "l2 pair p $q" "$(json_num pairwise p "$q")" "$(golden l2.pair_p "$q")"
    near "l2 pair holm $q" "$(json_num pairwise p_adjusted "$q")" "$(golden l2.pair_holm "$q")"
    q=$((q + 1))
done
expect_out '"group1": "ph.ecog=0"'
expect_out '"group2": "ph.ecog=3"'
expect_out '"n_excluded": 1'
expect_out '"rows": ['
expect_exit 0 "$ONCOSTAT" logrank "$LUNG" 'Surv(time, status) ~ ph.ecog' --trend 0,1,2,3 --pairwise
expect_out "Trend (scores 0, 1, 2, 3)"
expect_out "P adjusted: Holm"
expect_out "missing value in 'ph.ecog': 1 row (14)"

# ---- L3: stratified ----
expect_exit 0 "$ONCOSTAT" logrank "$LUNG" 'Surv(time, status) ~ sex + strata(inst)' --json
check_test l3 2
expect_out '"n_strata": 18'
expect_out "missing value in 'inst'"

# ---- L4: Peto-Peto ----
expect_exit 0 "$ONCOSTAT" logrank "$LUNG" 'Surv(time, status) ~ sex' --test peto --json
check_test l4 2
expect_out '"test": "peto"'
expect_exit 0 "$ONCOSTAT" logrank "$LUNG" 'Surv(time, status) ~ sex' --rho 1 --json
check_test l4 2

# ---- L5: landmark ----
expect_exit 0 "$ONCOSTAT" logrank "$LUNG" 'Surv(time, status) ~ sex' --landmark 90 --json
check_test l5 2
expect_out '"landmark": 90'

# ---- other weights and outputs ----
expect_exit 0 "$ONCOSTAT" logrank "$LUNG" 'Surv(time, status) ~ sex' --test gehan
expect_out "Gehan-Breslow test"
expect_exit 0 "$ONCOSTAT" logrank "$LUNG" 'Surv(time, status) ~ sex' --rho 1 --gamma 1
expect_out "Fleming-Harrington G(1, 1) test"
expect_exit 0 "$ONCOSTAT" logrank "$LUNG" 'Surv(time, status) ~ sex' --csv
expect_out "group,n,events,observed,expected,var"
expect_exit 0 "$ONCOSTAT" logrank --help
for opt in --test --rho --gamma --trend --pairwise --variance --landmark --weights \
           --ref --json --csv; do
    expect_out "$opt"
done
expect_out "(default: logrank)"

# ---- errors ----
expect_exit 2 "$ONCOSTAT" logrank "$LUNG" 'Surv(time, status) ~ arm'
expect_err "unknown column 'arm'"
expect_exit 2 "$ONCOSTAT" logrank tests/data/km_bad_status.csv 'Surv(time, status) ~ arm'
expect_err "row 4, column 'status'"
expect_exit 1 "$ONCOSTAT" logrank "$LUNG" 'Surv(time, status) ~ 1'
expect_err "at least two groups"
expect_exit 2 "$ONCOSTAT" logrank "$LUNG" 'Surv(entry, time, status) ~ sex'
expect_err "delayed entry"
expect_exit 2 "$ONCOSTAT" logrank "$LUNG" 'Surv(time, status) ~ sex' --trend 1,2,3
expect_err "3 scores given for 2 groups"
expect_exit 2 "$ONCOSTAT" logrank "$LUNG" 'Surv(time, status) ~ sex' --test wilcox
expect_err "--test"
expect_exit 2 "$ONCOSTAT" logrank "$LUNG" 'Surv(time, status) ~ sex' --rho -1
expect_err "--rho"
expect_exit 2 "$ONCOSTAT" logrank "$LUNG" 'Surv(time, status) ~ sex' --test gehan --rho 1
expect_err "fleming-harrington"
expect_exit 2 "$ONCOSTAT" logrank "$LUNG" 'Surv(time, status) ~ sex + cluster(inst)'
expect_err "cluster()"

finish
