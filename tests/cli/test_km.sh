# test_km.sh -- oncostat km against R survival 3.5-3.
# Data and reference numbers: tests/golden/cli/km_cli.R (survfit,
# summary.survfit, quantile.survfit) writing tests/data/*.csv and
# tests/golden/cli/km_cli.txt.
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

GOLD=tests/golden/cli/km_cli.txt
LUNG=tests/data/lung.csv

# golden KEY I -- the I-th value (1-based) of KEY in the golden file
golden() {
    awk -v k="$1" -v i="$2" '$1 == k { print $(i + 1); exit }' "$GOLD"
}

# csv_cell ROW COLUMN -- a cell of the CSV in $TMP/out by first-column
# label and header name
csv_cell() {
    awk -F, -v r="$1" -v c="$2" '
        NR == 1 { for (j = 1; j <= NF; j++) if ($j == c) col = j; next }
        $1 == r && col { print $col; exit }' "$TMP/out"
}

# json_num SECTION KEY N -- the N-th value written for "KEY" after the
# key "SECTION" in the JSON of $TMP/out (one key per line)
json_num() {
    sed -n "/\"$1\":/,\$p" "$TMP/out" | grep -o "\"$2\": [^,}]*" |
        sed -n "${3:-1}p" | sed 's/.*: //'
}

# near WHAT GOT WANT -- equal to 1e-9 relative (absolute below 1); NA
# matches NA or null
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

# check_groups CASE LABEL1 LABEL2 ... -- median, its CI and survival with
# CI at the golden times, read from --csv output, for each group in order
check_groups() {
    case_=$1; shift
    gi=0
    for label in "$@"; do
        gi=$((gi + 1))
        near "$case_ $label median" "$(csv_cell "$label" median)" "$(golden "$case_.median" $gi)"
        near "$case_ $label median_lower" "$(csv_cell "$label" median_lower)" "$(golden "$case_.median_lower" $gi)"
        near "$case_ $label median_upper" "$(csv_cell "$label" median_upper)" "$(golden "$case_.median_upper" $gi)"
    done
}

# check_times CASE "T1 T2" LABEL1 LABEL2 ... -- n_risk, surv, lower, upper
# at each time; golden values are ordered group-major as summary.survfit
check_times() {
    case_=$1; ts=$2; shift 2
    k=0
    for label in "$@"; do
        for t in $ts; do
            k=$((k + 1))
            for col in n_risk surv lower upper; do
                near "$case_ $label $col($t)" "$(csv_cell "$label" "${col}_$t")" "$(golden "$case_.$col" $k)"
            done
        done
    done
}

# ---- K1: two groups, defaults, times, RMST, contrasts ----
expect_exit 0 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex' --times 180,365 --csv
check_groups k1 sex=1 sex=2
check_times k1 "180 365" sex=1 sex=2
near "k1 rmst_tau" "$(csv_cell sex=1 rmst_tau)" "$(golden k1.tau 1)"
near "k1 rmst sex=1" "$(csv_cell sex=1 rmst)" "$(golden k1.rmst 1)"
near "k1 rmst sex=2" "$(csv_cell sex=2 rmst)" "$(golden k1.rmst 2)"
near "k1 rmst_se sex=1" "$(csv_cell sex=1 rmst_se)" "$(golden k1.rmst_se 1)"
near "k1 rmst_se sex=2" "$(csv_cell sex=2 rmst_se)" "$(golden k1.rmst_se 2)"

expect_exit 0 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex' --times 180,365 --json
for key in '"method":' '"conf_type": "log"' '"conf_level": 0.95' '"groups":' \
           '"strata":' '"sex": "2"' '"label": "sex=1"' '"median":' '"quantiles":' \
           '"rmst":' '"table":' '"at_times":' '"n_risk":' '"n_censor":' \
           '"std_err":' '"cumhaz":' '"differences":' '"rmst_comparisons":' \
           '"n_used": 228' '"n_excluded": 0' '"excluded": []' \
           '"rmst_rule": "min_of_max"'; do
    expect_out "$key"
done
near "k1 diff(180)" "$(json_num differences difference 1)" "$(golden k1.diff 1)"
near "k1 diff(365)" "$(json_num differences difference 2)" "$(golden k1.diff 2)"
near "k1 diff se(180)" "$(json_num differences se 1)" "$(golden k1.diff_se 1)"
near "k1 diff se(365)" "$(json_num differences se 2)" "$(golden k1.diff_se 2)"
near "k1 diff p(180)" "$(json_num differences p 1)" "$(golden k1.diff_p 1)"
near "k1 diff p(365)" "$(json_num differences p 2)" "$(golden k1.diff_p 2)"
near "k1 rmst diff" "$(json_num rmst_comparisons difference 1)" "$(golden k1.rmst_diff 1)"
near "k1 rmst diff se" "$(json_num rmst_comparisons se 1)" "$(golden k1.rmst_diff_se 1)"
near "k1 rmst ratio" "$(json_num rmst_comparisons ratio 1)" "$(golden k1.rmst_ratio 1)"
near "k1 rmst ratio lower" "$(json_num rmst_comparisons ratio_lower 1)" "$(golden k1.rmst_ratio_lower 1)"

expect_exit 0 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex' --times 180 --rmst auto
expect_out "Median (95% CI)"
expect_out "270 (212–310)"
expect_out "426 (348–550)"
expect_out "0.644 (0.569–0.730)"
expect_out "sex=2 minus sex=1"
expect_out "the smallest of the groups' largest observed times"
expect_out "Rows: 228 used of 228 (none excluded)"

# ---- K2: one curve, log-log, 90% ----
expect_exit 0 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ 1' --conf-type log-log \
    --conf-level 0.9 --times 180,365 --csv
check_groups k2 all
check_times k2 "180 365" all

# ---- K3: a missing covariate: the row is reported ----
expect_exit 0 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ ph.ecog' --times 180 --csv
check_groups k3 ph.ecog=0 ph.ecog=1 ph.ecog=2 ph.ecog=3
check_times k3 180 ph.ecog=0 ph.ecog=1 ph.ecog=2
expect_exit 0 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ ph.ecog'
expect_out "Rows: 227 used of 228; 1 excluded:"
expect_out "missing value in 'ph.ecog': 1 row ($(golden k3.excluded_row 1))"
expect_exit 0 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ ph.ecog' --json
expect_out '"n_used": 227'
expect_out '"n_excluded": 1'
expect_out '"reason": "missing value in '"'ph.ecog'"'"'

# ---- K4, K5: robust variance with case weights ----
expect_exit 0 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex' --weights w --robust \
    --times 180,365 --csv
check_groups k4 sex=1 sex=2
check_times k4 "180 365" sex=1 sex=2
expect_exit 0 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex + cluster(inst)' \
    --weights w --times 180,365 --csv
check_groups k5 sex=1 sex=2
check_times k5 "180 365" sex=1 sex=2
expect_exit 0 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex + cluster(inst)' --weights w --json
expect_out '"variance": "robust"'
expect_out '"n_clusters": 18'
expect_out "missing value in 'inst'"

# ---- K6: delayed entry ----
expect_exit 0 "$ONCOSTAT" km "$LUNG" 'Surv(entry, time, status) ~ sex' --times 180,365 --csv
check_groups k6 sex=1 sex=2
check_times k6 "180 365" sex=1 sex=2

# ---- K7: landmark ----
expect_exit 0 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex' --landmark 90 \
    --times 180,365 --csv
check_groups k7 sex=1 sex=2
check_times k7 "180 365" sex=1 sex=2
near "k7 n sex=1" "$(csv_cell sex=1 n)" "$(golden k7.n 1)"
expect_exit 0 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex' --landmark 90
expect_out "Landmark analysis at 90"
expect_out "event or censoring at or before the landmark 90: $(golden k7.excluded 1) rows"

# ---- K8: all censored group and missing values ----
expect_exit 0 "$ONCOSTAT" km tests/data/km_edge.csv 'Surv(time, status) ~ arm' --times 20 --csv
check_groups k8 arm=A arm=B arm=C
check_times k8 20 arm=A arm=B arm=C
expect_exit 0 "$ONCOSTAT" km tests/data/km_edge.csv 'Surv(time, status) ~ arm'
expect_out "NR (NR–NR)"
expect_out "missing value in 'time': 1 row (3)"
expect_out "missing value in 'arm': 1 row (8)"
expect_exit 0 "$ONCOSTAT" km tests/data/km_edge.csv 'Surv(time, status) ~ arm' --json
if tr -d ' \n' <"$TMP/out" | grep -qF '"label":"arm=C","strata":{"arm":"C"},"n":4,"events":0,"median":{"estimate":null,"lower":null,"upper":null}'; then
    ok
else
    bad "arm=C median is not null in JSON"
fi

# ---- other outputs ----
expect_exit 0 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex' --table
expect_out "Survival table:"
expect_out "Cum. hazard"
expect_exit 0 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex' --table --csv
expect_out "group,time,n_risk,n_event,n_censor,surv,std_err,lower,upper,cumhaz"
expect_exit 0 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex' --median-ci spss
expect_out "Median (95% CI, SPSS)"
expect_out "as SPSS prints it"
expect_exit 0 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex' --rmst 365 --json
expect_out '"rmst_tau": 365'
expect_out '"rmst_rule": "given"'
expect_exit 0 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ ph.ecog' --compare 2,0 --times 180
expect_out "ph.ecog=0 minus ph.ecog=2"
expect_exit 0 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex' --json -o "$TMP/km.json"
if grep -q '"n_used": 228' "$TMP/km.json"; then ok; else bad "-o did not write the JSON"; fi
expect_exit 0 "$ONCOSTAT" km --help
for opt in --conf-type --conf-level --quantiles --times --rmst --median-ci --compare \
           --robust --landmark --table --weights --ref --json --csv; do
    expect_out "$opt"
done
expect_out "(default: log, as R)"

# ---- errors ----
expect_exit 2 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ arm'
expect_err "unknown column 'arm'"
expect_exit 2 "$ONCOSTAT" km tests/data/km_bad_status.csv 'Surv(time, status) ~ arm'
expect_err "row 4, column 'status'"
expect_err "found 3"
expect_exit 2 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex' --conf-level 2
expect_err "--conf-level"
expect_exit 2 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex' --conf-type wide
expect_err "log, log-log or plain"
expect_exit 2 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex' --compare 1,7
expect_err "does not name two different groups"
expect_exit 2 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex + strata(inst)'
expect_err "strata() is for the log-rank test"
expect_exit 2 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex' --quantiles 1.5
expect_err "quantile"
expect_exit 2 "$ONCOSTAT" km "$LUNG" 'age ~ sex'
expect_err "survival response"
expect_exit 2 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex' --bogus
expect_err "unknown option '--bogus'"
expect_exit 2 "$ONCOSTAT" km tests/data/no_such_file.csv 'Surv(time, status) ~ 1'
expect_err "no_such_file.csv"
expect_exit 1 "$ONCOSTAT" km "$LUNG" 'Surv(time, status) ~ sex' --landmark 5000
expect_err "no patient is under follow-up after the landmark 5000"

finish
