# test_rates.sh -- oncostat rates against R (binom.test, prop.test,
# fisher.test, chisq.test, prop.trend.test).
# Data and reference numbers: tests/golden/cli/rates_cli.R writing
# tests/data/rates_arms.csv and tests/golden/cli/rates_cli.txt.
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

GOLD=tests/golden/cli/rates_cli.txt
DATA=tests/data/rates_arms.csv

golden() {
    awk -v k="$1" -v i="$2" '$1 == k { print $(i + 1); exit }' "$GOLD"
}
csv_cell() {
    awk -F, -v r="$1" -v c="$2" '
        NR == 1 { for (j = 1; j <= NF; j++) if ($j == c) col = j; next }
        $1 == r && col { print $col; exit }' "$TMP/out"
}
# json_num SECTION KEY N -- the N-th "KEY" after the key "SECTION"
json_num() {
    sed -n "/\"$1\":/,\$p" "$TMP/out" | grep -o "\"$2\": [^,}]*" |
        sed -n "${3:-1}p" | sed 's/.*: //'
}
# near WHAT GOT WANT [TOL] -- relative tolerance (absolute below 1),
# default 1e-9
near() {
    if awk -v g="$2" -v w="$3" -v t="${4:-1e-9}" 'BEGIN {
            if (g == "" || g == "NA" || g == "null") exit 1;
            d = g - w; if (d < 0) d = -d;
            s = w < 0 ? -w : w; if (s < 1) s = 1;
            exit !(d <= t * s) }'; then
        ok
    else
        bad "$1: got '$2', R gives '$3'"
    fi
}

# ---- binary outcome by arm ----
expect_exit 0 "$ONCOSTAT" rates "$DATA" 'responded ~ arm' --csv
for arm in Control TACE All; do
    near "$arm n" "$(csv_cell $arm n)" "$(golden bin.$arm 1)"
    near "$arm count" "$(csv_cell $arm count)" "$(golden bin.$arm 2)"
    near "$arm proportion" "$(csv_cell $arm proportion)" "$(golden bin.$arm 3)"
    near "$arm lower" "$(csv_cell $arm lower)" "$(golden bin.$arm 4)"
    near "$arm upper" "$(csv_cell $arm upper)" "$(golden bin.$arm 5)"
done
expect_exit 0 "$ONCOSTAT" rates "$DATA" 'responded ~ arm' --json
near "difference" "$(json_num comparisons difference)" "$(golden bin.diff 1)"
near "difference lower" "$(json_num comparisons lower)" "$(golden bin.diff 2)"
near "difference upper" "$(json_num comparisons upper)" "$(golden bin.diff 3)"
# fisher.test prints its estimate and limits at uniroot's tolerance
# (about 1e-4; oncostat solves the same equations fully).
near "odds ratio" "$(json_num comparisons odds_ratio)" "$(golden bin.or_printed 1)" 1e-4
near "or lower" "$(json_num comparisons or_lower)" "$(golden bin.or_printed 2)" 1e-4
near "or upper" "$(json_num comparisons or_upper)" "$(golden bin.or_printed 3)" 1e-4
near "fisher p" "$(json_num comparisons fisher_p)" "$(golden bin.fisher_p 1)"
near "chisq" "$(json_num comparisons chisq)" "$(golden bin.chisq 1)"
near "chisq p" "$(json_num comparisons chisq_p)" "$(golden bin.chisq 2)"
for k in '"arm": "TACE"' '"reference": "Control"' '"outcome_type": "binary"' \
         '"n_used": 60' '"n_excluded": 3' '"trend": null' '"test": {'; do
    expect_out "$k"
done
expect_exit 0 "$ONCOSTAT" rates "$DATA" 'responded ~ arm' --yates --json
near "chisq yates" "$(json_num comparisons chisq)" "$(golden bin.chisq_yates 1)"
near "chisq yates p" "$(json_num comparisons chisq_p)" "$(golden bin.chisq_yates 2)"
expect_exit 0 "$ONCOSTAT" rates "$DATA" 'responded ~ arm' --ci wilson --csv
near "wilson TACE lower" "$(csv_cell TACE lower)" "$(golden wilson.TACE 1)"
near "wilson TACE upper" "$(csv_cell TACE upper)" "$(golden wilson.TACE 2)"
# The same outcome written as a comparison
expect_exit 0 "$ONCOSTAT" rates "$DATA" 'bor %in% c("CR", "PR") ~ arm' --csv
near "expression TACE lower" "$(csv_cell TACE lower)" "$(golden bin.TACE 4)"
# Text: the table people read
expect_exit 0 "$ONCOSTAT" rates "$DATA" 'responded ~ arm'
expect_out "TACE     22      17  77.3  54.6–92.2"
expect_out "TACE        37.8 (11.7 to 56.5)  5.06 (1.41–21.5)     0.007         0.005"
expect_out "missing value in 'arm': 2 rows (61, 62)"
expect_out "missing value in 'responded': 1 row (63)"

# ---- categorical outcome: the r x c table ----
expect_exit 0 "$ONCOSTAT" rates "$DATA" 'bor ~ arm' --json
near "r x c fisher p" "$(json_num test fisher_p)" "$(golden cat.test 1)"
near "r x c chisq" "$(json_num test chisq)" "$(golden cat.test 2)"
near "r x c df" "$(json_num test chisq_df)" "$(golden cat.test 3)"
near "r x c chisq p" "$(json_num test chisq_p)" "$(golden cat.test 4)"
expect_out '"outcome_type": "categorical"'
expect_exit 0 "$ONCOSTAT" rates "$DATA" 'bor ~ arm' --csv
grep -q '^TACE,CR,22,5,' "$TMP/out" && ok || bad "TACE CR count"
near "TACE CR upper" "$(awk -F, '$1 == "TACE" && $2 == "CR" { print $7 }' "$TMP/out")" "$(golden cat.TACE_CR 3)"
expect_exit 0 "$ONCOSTAT" rates "$DATA" 'bor ~ arm'
expect_out "Across all arms: Fisher's exact test P = 0.048; chi-square 9.86, 4 df, P = 0.043."

# ---- trend over ordered groups ----
expect_exit 0 "$ONCOSTAT" rates "$DATA" 'responded ~ factor(dose)' --trend --json
near "trend statistic" "$(json_num trend statistic)" "$(golden trend 1)"
near "trend p" "$(json_num trend p)" "$(golden trend 2)"
near "3 x 2 fisher p" "$(json_num test fisher_p)" "$(golden trend.fisher_p 1)"
expect_out '"n_excluded": 1'

# ---- one overall proportion ----
# (the arm is not in the formula: rows 61 and 62 count)
expect_exit 0 "$ONCOSTAT" rates "$DATA" 'responded ~ 1' --csv
[ "$(wc -l < "$TMP/out")" -eq 2 ] && ok || bad "one group: one row"
near "overall n" "$(csv_cell all n)" "$(golden one 1)"
near "overall count" "$(csv_cell all count)" "$(golden one 2)"
near "overall lower" "$(csv_cell all lower)" "$(golden one 4)"
near "overall upper" "$(csv_cell all upper)" "$(golden one 5)"

# ---- errors ----
expect_exit 2 "$ONCOSTAT" rates "$DATA" '~ arm'
expect_err "needs an outcome on the left"
expect_exit 2 "$ONCOSTAT" rates "$DATA" 'bor ~ arm' --trend
expect_err "--trend needs a binary outcome"
expect_exit 2 "$ONCOSTAT" rates "$DATA" 'respnded ~ arm'
expect_err "unknown column 'respnded'"
expect_exit 2 "$ONCOSTAT" rates "$DATA" 'responded ~ arm' --ci agresti
expect_err "--ci: expected clopper-pearson or wilson"
expect_exit 2 "$ONCOSTAT" rates "$DATA" 'responded ~ arm' --conf-level 95
expect_exit 2 "$ONCOSTAT" rates "$DATA" 'dose / 4 ~ arm'
expect_err "rates_arms.csv: row 1: the outcome is 0.25"
expect_exit 2 "$ONCOSTAT" rates "$DATA" 'id * 2 ~ arm'
expect_err "the outcome has 61 different values; a categorical outcome may have at most 32"
expect_exit 2 "$ONCOSTAT" rates "$DATA"

expect_exit 0 "$ONCOSTAT" rates --help
for o in --ci --conf-level --yates --trend --ref --weights --json --csv --output; do
    expect_out "$o"
done

finish
