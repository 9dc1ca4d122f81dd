# test_ps.sh -- oncostat ps against R (glm, survival 3.5-3, MatchIt 4.5 as
# corrected in tests/golden/stats/ps_nearest.R).
# Data and reference numbers: tests/golden/stats/ps_outcome.R (the cohort,
# tests/data/ps_cohort.csv, and tests/golden/stats/ps_outcome.txt) and
# tests/golden/cli/ps_cli.R (tests/data/ps_missing.csv,
# tests/data/ps_bad_status.csv, tests/golden/cli/ps_cli.txt).
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

STATS=tests/golden/stats/ps_outcome.txt
CLI=tests/golden/cli/ps_cli.txt
DATA=tests/data/ps_cohort.csv
F='arm ~ age + sex + factor(ecog) + kit_exon9 + extrahepatic'

# golden FILE KEY I -- the I-th value (1-based) of KEY
golden() {
    awk -v k="$2" -v i="$3" '$1 == k { print $(i + 1); exit }' "$1"
}

# json_num SECTION KEY N -- the N-th number written for "KEY" after the key
# "SECTION" in the JSON of $TMP/out; a value on the next line when KEY
# opens an array
json_num() {
    sed -n "/\"$1\":/,\$p" "$TMP/out" | awk -v k="\"$2\":" -v n="${3:-1}" '
        want { gsub(/[ ,]/, ""); print; exit }
        index($0, k) { c++; if (c == n) { v = $0; sub(/.*": */, "", v); sub(/,$/, "", v);
                       if (v == "[") { want = 1; next } print v; exit } }'
}

# near WHAT GOT WANT [TOL] -- relative agreement (absolute below 1)
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

# ---- P1: IPTW for the ATE with the outcome, JSON against R ----
expect_exit 0 "$ONCOSTAT" ps "$DATA" "$F" --outcome 'Surv(time, status)' --times 6,12,24 --json
for key in '"analysis": "propensity-score"' '"method": "iptw"' '"estimand": "ATE"' \
           '"model":' '"type": "logistic"' '"coefficients":' '"positivity":' \
           '"balance":' '"smd_before":' '"variance_ratio_after":' '"outcome":' \
           '"hazard_ratios":' '"robust_se":' '"logrank":' '"chisq_robust":' \
           '"n_used": 300' '"n_excluded": 0' '"bootstrap": null'; do
    expect_out "$key"
done
near "iptw coef" "$(json_num hazard_ratios coef)" "$(golden $STATS iptw_cox_coef 1)"
near "iptw robust se" "$(json_num hazard_ratios robust_se)" "$(golden $STATS iptw_cox_robust_se 1)"
near "iptw HR lower" "$(json_num hazard_ratios lower)" "$(golden $STATS iptw_cox_lower 1)"
near "iptw HR upper" "$(json_num hazard_ratios upper)" "$(golden $STATS iptw_cox_upper 1)"
near "iptw robust score" "$(json_num logrank chisq_robust)" "$(golden $STATS iptw_score 1)"
near "iptw S(6) imatinib" "$(json_num at_times surv 1)" "$(golden $STATS iptw_km_surv 1)"
near "iptw S(12) imatinib lower" "$(json_num at_times lower 2)" "$(golden $STATS iptw_km_lower 2)"
near "iptw S(24) resection" "$(json_num at_times surv 6)" "$(golden $STATS iptw_km_surv 6)"

# The same in text: rounded as journals print, P as journals print it.
expect_exit 0 "$ONCOSTAT" ps "$DATA" "$F" --outcome 'Surv(time, status)' --times 12
expect_out "Propensity model: logistic regression"
expect_out "resection vs imatinib  0.45 (0.32–0.62)  <0.0001"
expect_out "Weighted log-rank test (robust score test"
expect_out "Imbalanced (|SMD| > 0.1):"
expect_out "Rows: 300 used of 300 (none excluded)"

# ---- P2: missing values: complete cases, every exclusion listed ----
expect_exit 0 "$ONCOSTAT" ps tests/data/ps_missing.csv "$F" --outcome 'Surv(time, status)' --json
near "miss HR" "$(json_num hazard_ratios hr)" "$(golden $CLI miss_hr 1)"
near "miss lower" "$(json_num hazard_ratios lower)" "$(golden $CLI miss_lower 1)"
near "miss upper" "$(json_num hazard_ratios upper)" "$(golden $CLI miss_upper 1)"
near "miss age SMD after" "$(json_num rows smd_after 1)" "$(golden $CLI miss_age_smd_after 1)"
expect_out "\"n_used\": $(golden $CLI miss_n 1)"
expect_out '"n_excluded": 4'
expect_out "\"reason\": \"missing value in 'age'\""
expect_exit 0 "$ONCOSTAT" ps tests/data/ps_missing.csv "$F" --outcome 'Surv(time, status)'
expect_out "Rows: 296 used of 300; 4 excluded:"
expect_out "missing value in 'age': 2 rows (5, 17)"
expect_out "missing value in 'arm': 1 row (40)"
expect_out "missing value in 'time': 1 row (77)"

# ---- P3: truncation at the 1st and 99th percentiles ----
expect_exit 0 "$ONCOSTAT" ps "$DATA" "$F" --trim 1,99 --outcome 'Surv(time, status)' --json
near "trim lower bound" "$(json_num trim lower_bound)" "$(golden $CLI trim_bounds 1)"
near "trim upper bound" "$(json_num trim upper_bound)" "$(golden $CLI trim_bounds 2)"
near "trim HR" "$(json_num hazard_ratios hr)" "$(golden $CLI trim_hr 1)"
near "trim robust se" "$(json_num hazard_ratios robust_se)" "$(golden $CLI trim_robust_se 1)"

# ---- P4: ATT and overlap weights ----
expect_exit 0 "$ONCOSTAT" ps "$DATA" "$F" --estimand ATT --treated resection \
    --outcome 'Surv(time, status)' --json
expect_out '"estimand": "ATT"'
expect_out '"treated": "resection"'
near "att coef" "$(json_num hazard_ratios coef)" "$(golden $STATS att_cox_coef 1)"
near "att robust se" "$(json_num hazard_ratios robust_se)" "$(golden $STATS att_cox_robust_se 1)"
expect_exit 0 "$ONCOSTAT" ps "$DATA" "$F" --method overlap --outcome 'Surv(time, status)' --json
expect_out '"estimand": "ATO"'
near "overlap coef" "$(json_num hazard_ratios coef)" "$(golden $STATS overlap_cox_coef 1)"
near "overlap robust se" "$(json_num hazard_ratios robust_se)" "$(golden $STATS overlap_cox_robust_se 1)"

# ---- P5: matching, caliper; clustered on matched sets; weights file ----
expect_exit 0 "$ONCOSTAT" ps "$DATA" "$F" --method match --caliper 0.2 \
    --outcome 'Surv(time, status)' --times 6,12,24 --weights-out "$TMP/w.csv" --id id --json
expect_out '"clustered": true'
near "match coef" "$(json_num hazard_ratios coef)" "$(golden $STATS match_cox_coef 1)"
near "match robust se" "$(json_num hazard_ratios robust_se)" "$(golden $STATS match_cox_robust_se 1)"
near "match S(12) resection" "$(json_num at_times surv 5)" "$(golden $STATS match_km_surv 5)"
near "match S(12) resection se" "$(json_num at_times std_err 5)" "$(golden $STATS match_km_se 5)"
if head -1 "$TMP/w.csv" | grep -qx 'row,id,arm,ps_imatinib,ps_resection,weight,matched,subclass'; then
    ok
else
    bad "weights file header: $(head -1 "$TMP/w.csv")"
fi
# 300 patients; the unmatched have weight 0 and no matched set.
if [ "$(wc -l < "$TMP/w.csv")" -eq 301 ]; then ok; else bad "weights file lines: $(wc -l < "$TMP/w.csv")"; fi
if awk -F, 'NR > 1 && $6 == 0 && ($7 != 0 || $8 != "NA") { e = 1 } END { exit e }' "$TMP/w.csv"; then
    ok
else
    bad "unmatched rows must have weight 0, matched 0, subclass NA"
fi
# Joinable: row 1 is P001, and each weight equals R's matching weight.
if awk -F, 'NR == 2 { exit !($1 == 1 && $2 == "P001") }' "$TMP/w.csv"; then ok; else bad "row/id columns"; fi
wr=$(awk '$1 == "match_weights" { for (i = 2; i <= NF; i++) printf "%s ", $i }' $STATS)
if awk -F, -v w="$wr" 'BEGIN { n = split(w, r, " ") }
        NR > 1 { d = $6 - r[NR - 1]; if (d < 0) d = -d; if (d > 1e-12) e = 1 }
        END { exit e || NR != n + 1 }' "$TMP/w.csv"; then
    ok
else
    bad "matching weights differ from R"
fi
expect_exit 0 "$ONCOSTAT" ps "$DATA" "$F" --method match --caliper 0.2
expect_out "Matched 83 of 89 resection patients into 83 sets with 83 imatinib patients."
expect_out "Unmatched resection patients (weight 0), rows: 61, 123, 139, 225, 272, 273."

# ---- P6: matching 1:2 with replacement: robust by patient ----
expect_exit 0 "$ONCOSTAT" ps "$DATA" "$F" --method match --ratio 2 --replace \
    --outcome 'Surv(time, status)' --json
expect_out '"clustered": false'
expect_out "\"n_treated_matched\": $(golden $CLI rep_treated_matched 1)"
expect_out "\"n_control_matched\": $(golden $CLI rep_controls_matched 1)"
near "rep HR" "$(json_num hazard_ratios hr)" "$(golden $CLI rep_hr 1)"
near "rep robust se" "$(json_num hazard_ratios robust_se)" "$(golden $CLI rep_robust_se 1)"

# ---- P7: three arms (multinomial), reference chosen with --ref ----
expect_exit 0 "$ONCOSTAT" ps "$DATA" 'arm3 ~ age + sex + factor(ecog) + kit_exon9 + extrahepatic' \
    --ref arm3=resection --outcome 'Surv(time3, status3)' --json
expect_out '"type": "multinomial"'
near "3 arms RFA coef" "$(json_num hazard_ratios coef 1)" "$(golden $STATS iptw3_cox_coef 1)" 1e-8
near "3 arms TACE coef" "$(json_num hazard_ratios coef 2)" "$(golden $STATS iptw3_cox_coef 2)" 1e-8
near "3 arms TACE robust se" "$(json_num hazard_ratios robust_se 2)" "$(golden $STATS iptw3_cox_robust_se 2)" 1e-8

# ---- P8: bootstrap: reproducible from the seed on any number of threads ----
expect_exit 0 "$ONCOSTAT" ps "$DATA" "$F" --outcome 'Surv(time, status)' --times 12 \
    --bootstrap 40 --seed 11 --threads 1 --json
cp "$TMP/out" "$TMP/boot1.json"
expect_out '"replicates": 40'
expect_out '"boot_lower":'
expect_exit 0 "$ONCOSTAT" ps "$DATA" "$F" --outcome 'Surv(time, status)' --times 12 \
    --bootstrap 40 --seed 11 --threads 2 --json
grep -v '"threads"' "$TMP/boot1.json" > "$TMP/boot1.cmp"
grep -v '"threads"' "$TMP/out" > "$TMP/boot2.cmp"
if cmp -s "$TMP/boot1.cmp" "$TMP/boot2.cmp"; then
    ok
else
    bad "bootstrap differs between 1 and 2 threads"
fi
expect_exit 0 "$ONCOSTAT" ps "$DATA" "$F" --outcome 'Surv(time, status)' --bootstrap 30
expect_out "Bootstrap: 30 replicates (seed 1"

# ---- P9: CSV is the balance table ----
expect_exit 0 "$ONCOSTAT" ps "$DATA" "$F" --csv
if head -1 "$TMP/out" | grep -q '^variable,type,mean_before_imatinib,mean_before_resection,'; then ok; else bad "CSV header"; fi
expect_out "ecog=2,level,"
expect_out "sex,binary,"
expect_out "age,continuous,"

# ---- errors: exit 2 with the row and column, or exit 1 with the reason ----
expect_exit 2 "$ONCOSTAT" ps tests/data/ps_bad_status.csv 'arm ~ age + sex' --outcome 'Surv(time, status)'
expect_err "row 6"
expect_err "status"
expect_exit 2 "$ONCOSTAT" ps "$DATA" 'arm ~ age + nosuchcolumn'
expect_err "nosuchcolumn"
expect_exit 2 "$ONCOSTAT" ps "$DATA" 'arm == "resection" ~ age'
expect_err "the left side of the formula must be the treatment column"
expect_exit 2 "$ONCOSTAT" ps "$DATA" 'arm ~ age + arm'
expect_err "cannot also be a covariate"
expect_exit 2 "$ONCOSTAT" ps "$DATA" "$F" --method match --stabilize
expect_err "apply to weights"
expect_exit 2 "$ONCOSTAT" ps "$DATA" "$F" --caliper 0.2
expect_err "apply to --method match"
expect_exit 2 "$ONCOSTAT" ps "$DATA" "$F" --treated surgery --estimand ATT
expect_err "'surgery' is not an arm of 'arm'; the arms are: imatinib, resection"
expect_exit 2 "$ONCOSTAT" ps "$DATA" 'arm3 ~ age' --method match
expect_err "matching compares two arms"
expect_exit 2 "$ONCOSTAT" ps "$DATA" "$F" --trim 99,1
expect_err "--trim"
expect_exit 2 "$ONCOSTAT" ps "$DATA" "$F" --bootstrap 10
expect_err "need --outcome"
expect_exit 2 "$ONCOSTAT" ps "$DATA" "$F" --bootstrap 0 --outcome 'Surv(time, status)'
expect_err "--bootstrap"
expect_exit 2 "$ONCOSTAT" ps "$DATA" "$F" --weights-out "$TMP/x.csv" --id nosuch
expect_err "no column named 'nosuch'"
expect_exit 2 "$ONCOSTAT" ps "$DATA" "$F" --estimand ATO
expect_err "expected ATE or ATT"
# One arm left: nothing to compare (the analysis cannot be computed).
expect_exit 1 "$ONCOSTAT" ps tests/data/ps_bad_status.csv 'arm ~ age' --na imatinib
expect_err "single level"
expect_exit 0 "$ONCOSTAT" ps --help
for opt in --method --estimand --treated --stabilize --trim --ratio --caliper --replace \
           --order --smd-threshold --weights-out --id --outcome --times --conf-level \
           --bootstrap --seed --threads --ref --json --csv --output; do
    expect_out "$opt"
done
finish
