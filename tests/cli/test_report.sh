#!/bin/sh
# test_report.sh -- `oncostat report` on the bundled example study:
#   - every output file is written, the HTML is self-contained;
#   - the report's numbers equal those of the individual commands (km,
#     logrank, cox, rates, response, ae) run on the derived data it writes;
#   - a rerun gives byte-identical files;
#   - errors in the plan name the plan file and line, and exit 2.
# Needs jq (scripts/install-deps.sh installs it).
. tests/cli/lib.sh

PLAN=examples/gist-liver-mets/study.yaml
OUT=$TMP/report
R=$OUT/results.json
D=$OUT/derived

if ! command -v jq >/dev/null 2>&1; then
    bad "jq is not installed (scripts/install-deps.sh installs it)"
    finish
    exit 1
fi

# ---- the report and its files ----
expect_exit 0 "$ONCOSTAT" report "$PLAN" -o "$OUT"
expect_out "Patients: 252 screened, 13 excluded, 239 analysed"
expect_out "Report: $OUT/report.html"
for f in report.html results.json methods.txt \
         tables/table1.csv tables/efficacy.csv tables/cox_OS.csv tables/response.csv tables/safety.csv \
         figures/km_OS.svg figures/km_PFS.svg figures/km_LPFS.svg figures/forest_OS_2.svg \
         figures/forest_OS_3.svg figures/waterfall_choi.svg figures/km_OS.png \
         derived/patients.csv derived/lesions.csv derived/adverse_events.csv; do
    if [ -s "$OUT/$f" ]; then ok; else bad "missing or empty output $f"; fi
done
# No temporary file is left behind by the atomic writes.
if find "$OUT" -name '*.tmp*' | grep -q .; then bad "temporary files left in $OUT"; else ok; fi
# Self-contained: inline SVG, no script, no external resource.
H=$OUT/report.html
if grep -q '<svg' "$H"; then ok; else bad "report.html has no inline SVG"; fi
if grep -qiE '<script|<link |src="http|href="http|@import|url\(http' "$H"; then
    bad "report.html refers to something outside itself"
else ok; fi
if [ "$(grep -c '<figure' "$H")" -eq 7 ]; then ok; else bad "expected 7 figures in report.html"; fi
if [ "$(grep -c '<table id=' "$H")" -eq 5 ]; then ok; else bad "expected 5 tables in report.html"; fi
grep -q 'Brookmeyer' "$OUT/methods.txt" && grep -q "Efron's method for ties" "$OUT/methods.txt" \
    && grep -q 'oncostat version' "$OUT/methods.txt" && ok || bad "methods.txt lacks the methods used"
# The flow: the plan's criteria in order, a missing value as its own reason.
[ "$(jq -c '[.flow.screened, .flow.excluded, .flow.analysed]' "$R")" = "[252,13,239]" ] && ok || bad "flow counts"
[ "$(jq -r '.flow.reasons | map(.reason) | join("|")' "$R")" = \
  "Age outside 18-75 years|ECOG performance status 2 or more|missing value in 'ecog'" ] && ok || bad "flow reasons"
[ "$(jq '.endpoints[0].n_excluded' "$R")" = "1" ] && ok || bad "OS should leave out the row without follow-up"
[ "$(jq -r '.endpoints[0].excluded[0].reason' "$R")" = "no event and no follow-up date" ] && ok || bad "OS exclusion reason"

# ---- the same numbers as the individual commands ----
# km: n, events, median with CI, survival at the plan's times, per arm.
for ep in OS PFS LPFS; do
    "$ONCOSTAT" km "$D/patients.csv" "Surv(${ep}_time, ${ep}_event) ~ treatment" --times 12,36,60 --json \
        >"$TMP/km.json" 2>"$TMP/err" || bad "oncostat km $ep failed: $(cat "$TMP/err")"
    jq -c '[.groups[] | {arm: .strata.treatment, n, events, median,
            at: [.at_times[] | {time, n_risk, surv, std_err, lower, upper}]}] | sort_by(.arm)' \
        "$TMP/km.json" >"$TMP/a" 2>>"$TMP/err"
    jq -c --arg ep "$ep" '[.endpoints[] | select(.name == $ep) | .km.groups[] | {arm, n, events, median,
            at: [.at_times[] | {time, n_risk, surv, std_err, lower, upper}]}] | sort_by(.arm)' \
        "$R" >"$TMP/b"
    if [ -s "$TMP/a" ] && cmp -s "$TMP/a" "$TMP/b"; then ok; else bad "km $ep differs: $(head -c 300 "$TMP/a") vs $(head -c 300 "$TMP/b")"; fi
    "$ONCOSTAT" logrank "$D/patients.csv" "Surv(${ep}_time, ${ep}_event) ~ treatment" --json \
        >"$TMP/lr.json" 2>"$TMP/err" || bad "oncostat logrank $ep failed: $(cat "$TMP/err")"
    a=$(jq -c '[.chisq, .df, .p]' "$TMP/lr.json")
    b=$(jq -c --arg ep "$ep" '.endpoints[] | select(.name == $ep) | .logrank | [.chisq, .df, .p]' "$R")
    [ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "logrank $ep differs: $a vs $b"
done

# cox: the report's own formulas, reference arm IM.
cox_check() {   # jq path of a model in results.json
    formula=$(jq -r "$1.formula" "$R")
    "$ONCOSTAT" cox "$D/patients.csv" "$formula" --ref treatment=IM --json >"$TMP/cox.json" 2>"$TMP/err" \
        || bad "oncostat cox '$formula' failed: $(cat "$TMP/err")"
    a=$(jq -c '[.coefficients[] | [.hr, .lower, .upper, .p]]' "$TMP/cox.json")
    b=$(jq -c "[$1.coefficients[] | [.hr, .lower, .upper, .p]]" "$R")
    [ -n "$a" ] && [ "$a" != "[]" ] && [ "$a" = "$b" ] && ok || bad "cox '$formula' differs: $a vs $b"
    a=$(jq -c '[.n, .events]' "$TMP/cox.json")
    b=$(jq -c "[$1.n, $1.events]" "$R")
    [ "$a" = "$b" ] && ok || bad "cox '$formula' n/events differ: $a vs $b"
}
cox_check '.endpoints[0].treatment_cox'
cox_check '.cox[0].univariable[1]'
cox_check '.cox[0].adjusted'

# rates: objective response by Choi, per arm, with the exact CI and Fisher's P.
"$ONCOSTAT" rates "$D/patients.csv" 'bor_choi %in% c("CR", "PR") ~ treatment' --json >"$TMP/rates.json" 2>"$TMP/err" \
    || bad "oncostat rates failed: $(cat "$TMP/err")"
a=$(jq -c '[.arms[] | [.arm, .count, .n, .proportion, .lower, .upper]] | sort' "$TMP/rates.json")
b=$(jq -c '[.response[0].arms[] | select(.arm != "all") | [.arm, .orr.count, .orr.n, .orr.proportion, .orr.lower, .orr.upper]] | sort' "$R")
[ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "rates differ: $a vs $b"
a=$(jq -c '.test.fisher_p' "$TMP/rates.json")
b=$(jq -c '.response[0].orr_fisher_p' "$R")
[ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "rates Fisher P differs: $a vs $b"
a=$(jq -c '[.comparisons[] | [.arm, .odds_ratio, .or_lower, .or_upper, .fisher_p]]' "$TMP/rates.json")
b=$(jq -c '[.response[0].arms[] | select(.orr_odds_ratio != null) |
           [.arm, .orr_odds_ratio.estimate, .orr_odds_ratio.lower, .orr_odds_ratio.upper, .orr_odds_ratio.p]]' "$R")
[ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "odds ratios of response differ: $a vs $b"

# response: best overall response counts of the patients with lesion data.
# (Every analysed patient of the example has lesion records, so the counts
# are those of the whole analysis set.)
for crit in choi:0 recist1.1:1 mrecist:2; do
    name=${crit%:*}
    k=${crit#*:}
    "$ONCOSTAT" response "$D/lesions.csv" --criteria "$name" --only-organ liver --confirm 28 --min-sd 42 \
        --date scan_date --type lesion_type --json >"$TMP/resp.json" 2>"$TMP/err" \
        || bad "oncostat response $name failed: $(cat "$TMP/err")"
    a=$(jq -c '[.best_response[] | .count]' "$TMP/resp.json")
    b=$(jq -c --argjson k "$k" '.response[$k].arms[] | select(.arm == "all") | .best_response | [.CR, .PR, .SD, .PD, .NE]' "$R")
    [ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "response counts ($name) differ: $a vs $b"
done

# ae: patients by worst grade, any grade and grade >= 3, per arm.
# (The command lists arms in order of first appearance, the report in plan
# order; arm sizes tell them apart.)
"$ONCOSTAT" ae "$D/adverse_events.csv" --patients "$D/patients.csv" --by treatment --day onset_date --json \
    >"$TMP/ae.json" 2>"$TMP/err" || bad "oncostat ae failed: $(cat "$TMP/err")"
a=$(jq -c '[.any.arms[] | [.n, .any_grade, .grade3_plus, .grade5]] | sort' "$TMP/ae.json")
b=$(jq -c '[.safety.arms as $a | .safety.any.arms | to_entries[] |
            [$a[.key].n, .value.any_grade, .value.grade3_plus, .value.by_grade[4]]] | sort' "$R")
[ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "ae any-event counts differ: $a vs $b"
a=$(jq -c '[.rows[] | [.term, .total.any_grade, .total.grade3_plus, .total.pct_any]]' "$TMP/ae.json")
b=$(jq -c '[.safety.terms[] | [.term, .total.any_grade, .total.grade3_plus, .total.pct_any]]' "$R")
[ -n "$a" ] && [ "$a" != "[]" ] && [ "$a" = "$b" ] && ok || bad "ae term counts differ"
a=$(jq -c '[.grade5[] | .patient]' "$TMP/ae.json")
b=$(jq -c '[.safety.grade5[] | .patient]' "$R")
[ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "ae grade 5 listing differs: $a vs $b"

# ---- a rerun gives the same bytes ----
expect_exit 0 "$ONCOSTAT" report "$PLAN" -o "$TMP/again" --quiet
if diff -r "$OUT" "$TMP/again" >/dev/null; then ok; else bad "rerun differs: $(diff -rq "$OUT" "$TMP/again" | head -3)"; fi
if [ ! -s "$TMP/out" ]; then ok; else bad "--quiet printed something"; fi
expect_exit 0 "$ONCOSTAT" report "$PLAN" -o "$OUT" --quiet     # over an existing report
if diff -r "$OUT" "$TMP/again" >/dev/null; then ok; else bad "rewrite in place differs"; fi

# Missing parent directories are made; a file in the way is an error.
expect_exit 0 "$ONCOSTAT" report "$PLAN" -o "$TMP/deep/er/dir" --quiet
if [ -s "$TMP/deep/er/dir/report.html" ]; then ok; else bad "no report in a nested directory"; fi
: >"$TMP/afile"
expect_exit 2 "$ONCOSTAT" report "$PLAN" -o "$TMP/afile" --quiet
expect_err "afile"

# ---- plan errors: file and line, exit 2 ----
P=$TMP/plans
mkdir -p "$P"
cp examples/gist-liver-mets/*.csv "$P/"
line_of() { grep -n -- "$1" "$P/study.yaml" | head -1 | cut -d: -f1; }
plan_error() {  # sed-expression expected-text-in-message line-pattern
    sed "$1" "$PLAN" >"$P/study.yaml"
    n=$(line_of "$3")
    expect_exit 2 "$ONCOSTAT" report "$P/study.yaml" -o "$TMP/bad"
    expect_err "study.yaml: line $n: "
    expect_err "$2"
}
plan_error 's/^endpoints:/endpionts:/' "unknown key 'endpionts' in 'the plan' (did you mean 'endpoints'?)" '^endpionts:'
plan_error 's/    censor: last_followup_date/    censor: last_followup_dt/' \
    "column 'last_followup_dt' is not in patients.csv (did you mean 'last_followup_date'?)" 'last_followup_dt'
plan_error 's/    times: \[12, 36, 60\]/    times: [12, three, 60]/' "'analyses.km.times' must be a number, found 'three'" 'three'
plan_error 's/^  - criterion: "ecog in (0, 1)"/  - criterion: "ecog in (5, 6)"/' \
    "no patient is left after this criterion" 'ecog in (5, 6)'
plan_error 's|  order: \[IM, IM+HR, IM+RFA/TACE\]|  order: [IM, IM+HR, IM+RFA/TACE, IM+SUN]|' \
    "arm 'IM+SUN' has no eligible patient" 'IM+SUN'
plan_error 's/  column: liver_met_date/  column: age/' "column 'age' of patients.csv must hold dates" '  column: age'
plan_error 's/{variable: ecog, label: ECOG performance status, summary: n_percent}/{variable: ecgo, summary: n_percent}/' \
    "did you mean 'ecog'" 'ecgo'
plan_error 's/    criteria: \[choi, recist1.1, mrecist\]/    criteria: [choi, recist11]/' \
    "unknown response criteria 'recist11' (did you mean 'recist1.1'?)" 'recist11'
plan_error 's/    file: lesions.csv/    file: lesion.csv/' "data file named on this line" 'lesion.csv'
if [ ! -e "$TMP/bad/report.html" ]; then ok; else bad "a failed report left report.html"; fi

# ---- usage ----
expect_exit 2 "$ONCOSTAT" report
expect_err "a study plan is required"
expect_exit 2 "$ONCOSTAT" report "$PLAN"
expect_err "-o DIR is required"
expect_exit 2 "$ONCOSTAT" report "$PLAN" -o "$TMP/x" --bogus
expect_err "unknown option '--bogus'"
expect_exit 2 "$ONCOSTAT" report "$TMP/none.yaml" -o "$TMP/x"
expect_err "cannot open the study plan"
expect_exit 0 "$ONCOSTAT" report --help
expect_out "--quiet"
expect_exit 0 "$ONCOSTAT" simulate --help
expect_out "--seed N"
expect_exit 2 "$ONCOSTAT" simulate gist-liver-mets
expect_err "-o DIR is required"

# ---- the example data are what the generator makes ----
expect_exit 0 "$ONCOSTAT" simulate gist-liver-mets --seed 1 -o "$TMP/sim"
for f in patients.csv lesions.csv adverse_events.csv; do
    if cmp -s "$TMP/sim/$f" "examples/gist-liver-mets/$f"; then ok; else bad "simulate --seed 1 does not reproduce $f"; fi
done
finish
