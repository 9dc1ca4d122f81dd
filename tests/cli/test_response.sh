# test_response.sh -- oncostat response: best overall response, ORR and DCR
# with exact intervals, the baseline rule, the organ filter, confirmation,
# the per-patient and per-assessment files, and input errors.
# Data and reference numbers: tests/golden/cli/response_cli.R (best
# responses by hand under RECIST 1.1, sums and binom.test intervals by R)
# writing tests/data/response_*.csv and tests/golden/cli/response_cli.txt.
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

GOLD=tests/golden/cli/response_cli.txt
LES=tests/data/response_lesions.csv

golden() {
    awk -v k="$1" -v i="$2" '$1 == k { print $(i + 1); exit }' "$GOLD"
}
# csv_cell ROW COLUMN [FILE] -- a cell by first-column label and header name
csv_cell() {
    awk -F, -v r="$1" -v c="$2" '
        NR == 1 { for (j = 1; j <= NF; j++) if ($j == c) col = j; next }
        $1 == r && col { print $col; exit }' "${3:-$TMP/out}"
}
# near WHAT GOT WANT -- equal to 1e-9 relative (absolute below 1)
near() {
    if awk -v g="$2" -v w="$3" 'BEGIN {
            if (w == "NA") exit !(g == "NA" || g == "null");
            if (g == "" || g == "NA" || g == "null") exit 1;
            d = g - w; if (d < 0) d = -d;
            s = w < 0 ? -w : w; if (s < 1) s = 1;
            exit !(d <= 1e-9 * s) }'; then
        ok
    else
        bad "$1: got '$2', reference '$3'"
    fi
}
# check_rates CASE -- the CSV table against the golden counts and intervals
check_rates() {
    for r in CR PR SD PD NE ORR DCR; do
        near "$1 $r count" "$(csv_cell $r count)" "$(golden "$1.$r" 1)"
        near "$1 $r n" "$(csv_cell $r n)" "$(golden "$1.$r" 2)"
        near "$1 $r proportion" "$(csv_cell $r proportion)" "$(golden "$1.$r" 3)"
        near "$1 $r lower" "$(csv_cell $r lower)" "$(golden "$1.$r" 4)"
        near "$1 $r upper" "$(csv_cell $r upper)" "$(golden "$1.$r" 5)"
    done
}

# ---- R1: RECIST 1.1, study days (baseline = day <= 0) ----
expect_exit 0 "$ONCOSTAT" response "$LES" --csv
check_rates all
expect_exit 0 "$ONCOSTAT" response "$LES" --per-patient
expect_out "Baseline: the records at day <= 0"
expect_out "ORR (CR + PR)                 3  42.9   9.9–81.6"
expect_out "P05: missing baseline: no assessment at day <= 0 (first assessment at day 30)"
expect_out "missing value in 'lesion_id': 1 row (29)"
expect_out "P05      NE"

# Per-patient and per-assessment files
expect_exit 0 "$ONCOSTAT" response "$LES" --patients-out "$TMP/p.csv" \
    --assessments-out "$TMP/a.csv" -o "$TMP/r.txt"
i=0
for p in P01 P02 P03 P04 P05 P06 P07; do
    i=$((i + 1))
    near "best change $p" "$(csv_cell $p best_change_pct "$TMP/p.csv")" "$(golden best_change $i)"
done
[ "$(csv_cell P03 first_pd_day "$TMP/p.csv")" = 112 ] && ok || bad "P03 first PD day"
[ "$(csv_cell P03 progressed "$TMP/p.csv")" = 1 ] && ok || bad "P03 progressed"
[ "$(csv_cell P05 missing_baseline "$TMP/p.csv")" = 1 ] && ok || bad "P05 missing_baseline"
[ "$(csv_cell P05 best_response "$TMP/p.csv")" = NE ] && ok || bad "P05 best NE"
[ "$(csv_cell P01 last_day "$TMP/p.csv")" = 112 ] && ok || bad "P01 last day"
[ "$(wc -l < "$TMP/a.csv")" -eq 18 ] && ok || bad "assessments: $(wc -l < "$TMP/a.csv") lines"
grep -q '^P01,56,0,2,2,34,-32,50,-32,-16,NA,NA,0,PR,PR: sum -32.0% from baseline (<= -30%)$' "$TMP/a.csv" \
    && ok || bad "assessment row of P01 day 56"

# JSON keys and values
expect_exit 0 "$ONCOSTAT" response "$LES" --json
for k in '"analysis": "response"' '"baseline_rule": "day"' '"n_patients": 7' \
         '"n_records": 28' '"orr": {' '"dcr": {' '"patients": [' '"assessments": [' \
         '"n_used": 28' '"n_excluded": 1' '"missing_baseline": true' \
         '"best_change_pct": -40' '"first_pd_day": 112'; do
    expect_out "$k"
done

# ---- R2: dates with the treatment start give the same answers ----
expect_exit 0 "$ONCOSTAT" response "$LES" --date scan_date --start start_date --csv
check_rates all
# Dates alone: the earliest assessment is the baseline, and P05 is taken
# as a PR (20 -> 10 mm) -- the gap the day rule detects.
expect_exit 0 "$ONCOSTAT" response "$LES" --date scan_date --patients-out "$TMP/p2.csv"
expect_out "Baseline: the earliest assessment of each patient"
[ "$(csv_cell P05 best_response "$TMP/p2.csv")" = PR ] && ok || bad "P05 re-baselined"
[ "$(csv_cell P03 first_pd_date "$TMP/p2.csv")" = 2021-06-21 ] && ok || bad "P03 first PD date"
grep -q 'PR at 2021-04-26 (no confirmation required)' "$TMP/p2.csv" && ok || bad "reason with a date"
# The flag rule by option
expect_exit 2 "$ONCOSTAT" response "$LES" --baseline-rule flag
expect_err "needs a baseline column"

# ---- R3: liver only; confirmation ----
expect_exit 0 "$ONCOSTAT" response "$LES" --only-organ liver --csv
check_rates liver
expect_exit 0 "$ONCOSTAT" response "$LES" --only-organ LIVER
expect_out "P07: missing baseline: no target or non-target lesion in LIVER"
expect_exit 0 "$ONCOSTAT" response "$LES" --confirm 28 --csv
check_rates confirm

# Wilson intervals for the ORR
expect_exit 0 "$ONCOSTAT" response "$LES" --ci wilson --csv
near "wilson lower" "$(csv_cell ORR lower)" "$(golden all.ORR_wilson 1)"
near "wilson upper" "$(csv_cell ORR upper)" "$(golden all.ORR_wilson 2)"

# ---- errors: file, row and column named; exit 2 ----
expect_exit 2 "$ONCOSTAT" response tests/data/response_bad_type.csv
expect_err "response_bad_type.csv: row 3, column 'type': unknown lesion type 'targett'"
expect_exit 2 "$ONCOSTAT" response tests/data/response_bad_diameter.csv
expect_err "response_bad_diameter.csv: row 4, column 'diameter_mm': negative diameter (mm): -12"
expect_exit 2 "$ONCOSTAT" response "$LES" --type lesion_kind
expect_err "no column 'lesion_kind' for the lesion type"
expect_exit 2 "$ONCOSTAT" response "$LES" --criteria choi
expect_err "no column 'hu' for the attenuation (HU)"
expect_exit 2 "$ONCOSTAT" response "$LES" --criteria who
expect_err "--criteria: expected recist1.1, mrecist or choi"
expect_exit 2 "$ONCOSTAT" response "$LES" --confirm -3
expect_exit 2 "$ONCOSTAT" response "$LES" --bogus
expect_err "unknown option '--bogus'"
expect_exit 2 "$ONCOSTAT" response
expect_exit 2 "$ONCOSTAT" response tests/data/no_such_file.csv
# The same lesion twice at one assessment, found by the engine, is named in
# the file's own terms.
{ head -n 2 "$LES"; sed -n 2p "$LES"; } > "$TMP/dup.csv"
expect_exit 2 "$ONCOSTAT" response "$TMP/dup.csv"
expect_err "dup.csv: row 2, column 'lesion_id': lesion 'L1' of patient 'P01' appears twice at day -5 (also at row 1)"
# --type COL=TYPE still forces a column type
expect_exit 0 "$ONCOSTAT" response "$LES" --type day=number --csv

# ---- help lists every option with its default ----
expect_exit 0 "$ONCOSTAT" response --help
for o in --criteria --confirm --min-sd --only-organ --baseline-rule --conf-level --ci \
         --patient --date --day --start --lesion --type --organ --diameter \
         --short-axis --node --viable --hu --nt-status --baseline --per-patient \
         --patients-out --assessments-out --json --csv --output; do
    expect_out "$o"
done

finish
