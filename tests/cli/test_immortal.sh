# test_immortal.sh -- oncostat immortal against R survival 3.5-3 (coxph on
# the data, on tmerge(..., tdc()) and on the landmark subset).
# Data and reference numbers: tests/golden/data/tvsplit.R
# (tests/data/immortal.csv), tests/golden/stats/immortal.R
# (tests/golden/stats/immortal.txt) and tests/golden/cli/ps_cli.R
# (tests/data/immortal_edge.csv, tests/golden/cli/ps_cli.txt).
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

GOLD=tests/golden/stats/immortal.txt
DGOLD=tests/golden/data/tvsplit.txt
CLI=tests/golden/cli/ps_cli.txt
DATA=tests/data/immortal.csv

golden() {
    awk -v k="$2" -v i="$3" '$1 == k { print $(i + 1); exit }' "$1"
}

# json_num SECTION KEY N -- the N-th value written for "KEY" after "SECTION"
json_num() {
    sed -n "/\"$1\":/,\$p" "$TMP/out" | grep -o "\"$2\": [^,}]*" |
        sed -n "${3:-1}p" | sed 's/.*: //'
}

# json_in ANALYSIS KEY N -- the N-th "KEY" value after "analysis": "ANALYSIS"
json_in() {
    sed -n "/\"analysis\": \"$1\"/,\$p" "$TMP/out" | grep -o "\"$2\": [^,}]*" |
        sed -n "${3:-1}p" | sed 's/.*: //'
}

near() {
    if awk -v g="$2" -v w="$3" -v t="${4:-1e-9}" 'BEGIN {
            if (g == "" || g == "null") exit 1;
            d = g - w; if (d < 0) d = -d;
            s = w < 0 ? -w : w; if (s < 1) s = 1;
            exit !(d <= t * s) }'; then
        ok
    else
        bad "$1: got '$2', R gives '$3'"
    fi
}

# ---- I1: adjusted models with a landmark at 6, JSON against R ----
expect_exit 0 "$ONCOSTAT" immortal "$DATA" --time time --event status --treatment-time ttx \
    --landmark 6 --covariates 'age,factor(ecog)' --json
for key in '"analysis": "immortal-time"' '"summary":' '"immortal_time":' \
           '"analyses":' '"analysis": "naive"' '"analysis": "time_varying"' \
           '"analysis": "landmark"' '"terms":' '"km":' '"n_used": 400'; do
    expect_out "$key"
done
# Treatment coefficients: the first "coef" of each analysis.
near "naive coef" "$(json_in naive coef 1)" "$(golden $GOLD naive_adj_coef 1)"
near "naive age coef" "$(json_in naive coef 2)" "$(golden $GOLD naive_adj_coef 2)"
near "tv coef" "$(json_in time_varying coef 1)" "$(golden $GOLD tv_adj_coef 1)"
near "tv se" "$(json_in time_varying se 1)" "$(golden $GOLD tv_adj_se 1)"
near "landmark coef" "$(json_in landmark coef 1)" "$(golden $GOLD landmark_adj_coef 1)"
near "landmark upper" "$(json_in landmark upper 1)" "$(golden $GOLD landmark_adj_upper 1)"
near "immortal time" "$(json_num summary immortal_time)" "$(golden $DGOLD immortal_time 1)" 1e-12
expect_out "\"n_treated_later\": $(golden $DGOLD n_treated_later 1)"

# ---- I2: unadjusted, text: the warning and the side-by-side table ----
expect_exit 0 "$ONCOSTAT" immortal "$DATA" --time time --event status --treatment-time ttx \
    --landmark 6
expect_out "WARNING: immortal time. 170 of 400 patients started treatment after time zero"
expect_out "counts their 612 time units before treatment as treated"
expect_out "Naive: ever vs never treated       400   400      172     254  0.63 (0.49–0.81)  0.0004"
expect_out "Time-varying treatment"
expect_out "Landmark at 6: treated by 6"
expect_out "26 treated later are analysed as untreated"
expect_out "Naive, from time zero"
expect_exit 0 "$ONCOSTAT" immortal "$DATA" --time time --event status --treatment-time ttx --json
near "tv coef (unadjusted)" "$(json_in time_varying coef 1)" "$(golden $GOLD tv_none_coef 1)"
expect_out '"landmark": null'

# ---- I3: CSV: one row per analysis ----
expect_exit 0 "$ONCOSTAT" immortal "$DATA" --time time --event status --treatment-time ttx \
    --landmark 6 --csv
if head -1 "$TMP/out" | grep -qx 'analysis,computed,n_patients,n_rows,n_treated,n_events,coef,se,hr,lower,upper,p'; then
    ok
else
    bad "CSV header: $(head -1 "$TMP/out")"
fi
if [ "$(wc -l < "$TMP/out")" -eq 4 ]; then ok; else bad "CSV rows"; fi
near "csv landmark coef" "$(awk -F, '$1 == "landmark" { print $7 }' "$TMP/out")" "$(golden $GOLD landmark_none_coef 1)"

# ---- I4: follow-up 0 is left out and listed ----
expect_exit 0 "$ONCOSTAT" immortal tests/data/immortal_edge.csv --time time --event status \
    --treatment-time ttx --json
expect_out "\"n_used\": $(golden $CLI edge_n 1)"
expect_out '"reason": "follow-up time not positive (an interval (0, time] needs time > 0)"'
near "edge tv coef" "$(json_in time_varying coef 1)" "$(golden $CLI edge_tv_coef 1)"
expect_exit 0 "$ONCOSTAT" immortal tests/data/immortal_edge.csv --time time --event status \
    --treatment-time ttx
expect_out "follow-up time not positive (an interval (0, time] needs time > 0): 1 row (3)"

# ---- errors ----
expect_exit 2 "$ONCOSTAT" immortal "$DATA" --time time --event status
expect_err "--treatment-time are required"
expect_exit 2 "$ONCOSTAT" immortal "$DATA" --time time --event status --treatment-time nosuch
expect_err "no column named 'nosuch'"
expect_exit 2 "$ONCOSTAT" immortal "$DATA" --time time --event status --treatment-time ttx \
    --covariates 'age,nosuch'
expect_err "nosuch"
expect_exit 2 "$ONCOSTAT" immortal "$DATA" --time time --event age --treatment-time ttx
expect_err "age"
expect_exit 2 "$ONCOSTAT" immortal "$DATA" --time time --event status --treatment-time ttx \
    --landmark -1
expect_err "--landmark"
expect_exit 2 "$ONCOSTAT" immortal tests/data/ps_cohort.csv --time time --event status \
    --treatment-time arm
expect_err "column 'arm' is a factor"
expect_exit 2 "$ONCOSTAT" immortal "$DATA" extra.csv --time time --event status --treatment-time ttx
expect_err "one data file expected"
expect_exit 0 "$ONCOSTAT" immortal --help
for opt in --time --event --treatment-time --landmark --covariates --conf-level --ref \
           --json --csv --output; do
    expect_out "$opt"
done
finish
