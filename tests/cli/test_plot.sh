# test_plot.sh -- oncostat plot km|forest|waterfall|swimmer: files with the
# right magic bytes and sizes, SVG structure, the numbers behind each figure
# against R survival 3.5-3, exclusions and errors.
# Data and reference numbers: tests/golden/cli/plot_cli.R (survfit,
# survdiff, coxph, anova.coxph, order) writing tests/data/plot_*.csv and
# tests/golden/cli/plot_cli.txt; tests/data/lung.csv comes from km_cli.R.
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

GOLD=tests/golden/cli/plot_cli.txt
LUNG=tests/data/lung.csv

# golden KEY I -- the I-th value (1-based) of KEY in the golden file
golden() {
    awk -v k="$1" -v i="$2" '$1 == k { print $(i + 1); exit }' "$GOLD"
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
        bad "$1: got '$2', R gives '$3'"
    fi
}

# json_after NAME VALUE KEY -- in the JSON of $TMP/out, the value of KEY in
# the object whose NAME is VALUE (one key per line, as --json writes)
json_after() {
    awk -v n="\"$1\": \"$2\"" -v k="\"$3\": " '
        index($0, n) { found = 1; next }
        found && index($0, k) { v = substr($0, index($0, k) + length(k));
                                sub(/,$/, "", v); print v; exit }
        found && /^ *}/ { exit }' "$TMP/out"
}

# json_key KEY N -- the N-th value written for KEY anywhere in $TMP/out
json_key() {
    grep -o "\"$1\": [^,}]*" "$TMP/out" | sed -n "${2:-1}p" | sed 's/.*: //'
}

# magic FILE HEX -- the file starts with these bytes
magic() {
    got=$(od -An -tx1 -N"$(( ${#2} / 2 ))" "$1" 2>/dev/null | tr -d ' \n')
    if [ "$got" = "$2" ]; then ok; else bad "$1 starts with '$got', wanted '$2'"; fi
}

# png_width FILE -- width in pixels from the IHDR chunk
png_width() {
    od -An -tu1 -j16 -N4 "$1" | awk '{ print (($1 * 256 + $2) * 256 + $3) * 256 + $4 }'
}

PNG=89504e470d0a1a0a
PDF=25504446

# ---- plot km: lung by sex, months, against survfit/survdiff/coxph ----
expect_exit 0 "$ONCOSTAT" plot km "$LUNG" 'Surv(time, status) ~ sex' --unit months \
    --time-scale days --hr --ci --labels Male,Female -o "$TMP/km.png" --json
magic "$TMP/km.png" $PNG
[ "$(png_width "$TMP/km.png")" = 2100 ] && ok || bad "km.png is not 7 in at 300 dpi"
[ ! -e "$TMP/km.png.tmp" ] && ok || bad "km.png.tmp left behind"
for key in '"figure": "km"' '"time_unit": "months"' '"name": "Log-rank"' \
           '"contrast": "Female vs Male"' '"n_used": 228' '"n_excluded": 0'; do
    expect_out "$key"
done
near "km median Male" "$(json_after label Male median)" "$(golden km.median 1)"
near "km median Female" "$(json_after label Female median)" "$(golden km.median 2)"
near "km median lower Male" "$(json_after label Male median_lower)" "$(golden km.median_lower 1)"
near "km median upper Female" "$(json_after label Female median_upper)" "$(golden km.median_upper 2)"
near "km log-rank chisq" "$(json_key chisq 1)" "$(golden km.chisq 1)"
near "km log-rank P" "$(json_after name Log-rank p)" "$(golden km.p 1)"
near "km HR" "$(json_after contrast 'Female vs Male' hr)" "$(golden km.hr 1)"
near "km HR lower" "$(json_after contrast 'Female vs Male' lower)" "$(golden km.hr_lower 1)"
near "km HR upper" "$(json_after contrast 'Female vs Male' upper)" "$(golden km.hr_upper 1)"
near "km HR P" "$(json_after contrast 'Female vs Male' p)" "$(golden km.hr_p 1)"
expect_out '"annotation": "Log-rank P = 0.001\nFemale vs Male: HR 0.59 (95% CI 0.42–0.82)"'

# the same figure as SVG and PDF; text output for people
expect_exit 0 "$ONCOSTAT" plot km "$LUNG" 'Surv(time, status) ~ sex' -o "$TMP/km.svg"
if head -c 200 "$TMP/km.svg" | grep -q '<svg' &&
   grep -q 'width="504pt"' "$TMP/km.svg" && tail -c 20 "$TMP/km.svg" | grep -q '</svg>'; then
    ok
else
    bad "km.svg is not a complete 504 pt wide SVG"
fi
if grep -q '<path' "$TMP/km.svg" && grep -q '<g ' "$TMP/km.svg"; then ok; else bad "km.svg has no paths"; fi
expect_out "Median (95% CI)"
expect_out "270 (212–310)"
expect_out "Log-rank test: chi-square 10.33 on 1 df, P = 0.001"
expect_out "Rows: 228 used of 228 (none excluded)"
expect_exit 0 "$ONCOSTAT" plot km "$LUNG" 'Surv(time, status) ~ sex' -o "$TMP/km.pdf" \
    --kmunicate --median-lines --cuminc --percent --min-at-risk 10 --width 5 --dpi 150
magic "$TMP/km.pdf" $PDF
expect_exit 0 "$ONCOSTAT" plot km "$LUNG" 'Surv(time, status) ~ sex' -o "$TMP/small.png" \
    --width 3.5 --dpi 100 --no-risk-table --no-censor --test none
[ "$(png_width "$TMP/small.png")" = 350 ] && ok || bad "small.png is not 3.5 in at 100 dpi"
expect_exit 0 "$ONCOSTAT" plot km "$LUNG" 'Surv(time, status) ~ sex' -o "$TMP/km.csv.png" --csv
expect_out "group,n,events,median,median_lower,median_upper"
expect_out "sex=1,138,112,270,212,310"

# four ECOG groups against --ref 1; the row without ECOG is reported
expect_exit 0 "$ONCOSTAT" plot km "$LUNG" 'Surv(time, status) ~ ph.ecog' --ref ph.ecog=1 \
    --hr -o "$TMP/ecog.png" --json
near "ECOG 0 vs 1" "$(json_after contrast 'ph.ecog=0 vs ph.ecog=1' hr)" "$(golden km3.hr 1)"
near "ECOG 2 vs 1" "$(json_after contrast 'ph.ecog=2 vs ph.ecog=1' hr)" "$(golden km3.hr 2)"
near "ECOG 3 vs 1" "$(json_after contrast 'ph.ecog=3 vs ph.ecog=1' hr)" "$(golden km3.hr 3)"
near "ECOG 3 vs 1 lower" "$(json_after contrast 'ph.ecog=3 vs ph.ecog=1' lower)" "$(golden km3.hr_lower 3)"
near "ECOG 2 vs 1 upper" "$(json_after contrast 'ph.ecog=2 vs ph.ecog=1' upper)" "$(golden km3.hr_upper 2)"
expect_out '"n_excluded": 1'
expect_out "\"reason\": \"missing value in 'ph.ecog'\""

# stratified log-rank; robust score test with cluster(); delayed entry
expect_exit 0 "$ONCOSTAT" plot km "$LUNG" 'Surv(time, status) ~ sex + strata(inst)' \
    -o "$TMP/strata.png" --json
expect_out '"name": "Stratified log-rank"'
near "stratified chisq" "$(json_key chisq 1)" "$(golden km_strata.chisq 1)"
near "stratified P" "$(json_after name 'Stratified log-rank' p)" "$(golden km_strata.p 1)"
expect_exit 0 "$ONCOSTAT" plot km "$LUNG" 'Surv(time, status) ~ sex + cluster(inst)' \
    -o "$TMP/cluster.png" --json
expect_out '"name": "Robust score test"'
expect_exit 0 "$ONCOSTAT" plot km "$LUNG" 'Surv(entry, time, status) ~ sex' -o "$TMP/entry.png"
expect_err "no numbers-at-risk table"
expect_out "Score test"
expect_exit 2 "$ONCOSTAT" plot km "$LUNG" 'Surv(entry, time, status) ~ sex' --risk-table \
    -o "$TMP/entry2.png"
expect_err "delayed entry"
[ ! -e "$TMP/entry2.png" ] && ok || bad "a failed plot left a file"

# ---- plot forest: subgroups, against coxph and anova ----
expect_exit 0 "$ONCOSTAT" plot forest "$LUNG" 'Surv(time, status) ~ sex' \
    --subgroups ph.ecog --subgroup 'age >= 65' -o "$TMP/sub.png" --json
magic "$TMP/sub.png" $PNG
near "sub all hr" "$(json_after label 'All patients' hr)" "$(golden sub.all.hr 1)"
near "sub all lower" "$(json_after label 'All patients' lower)" "$(golden sub.all.hr 2)"
near "sub all events" "$(json_after label 'All patients' events)" "$(golden sub.all.n 2)"
for lev in 0 1 2; do
    # the level rows are labelled "0", "1", "2"; the first match follows the header
    near "sub ecog $lev hr" "$(json_after label "$lev" hr)" "$(golden sub.ecog$lev.hr 1)"
    near "sub ecog $lev upper" "$(json_after label "$lev" upper)" "$(golden sub.ecog$lev.hr 3)"
    near "sub ecog $lev n" "$(json_after label "$lev" n)" "$(golden sub.ecog$lev.n 1)"
done
near "sub ecog interaction chisq" "$(json_after label ph.ecog lr_chisq)" "$(golden sub.ecog_int 1)"
near "sub ecog interaction df" "$(json_after label ph.ecog lr_df)" "$(golden sub.ecog_int 2)"
near "sub ecog interaction P" "$(json_after label ph.ecog p_interaction)" "$(golden sub.ecog_int 3)"
expect_out '"n_missing": 1'
near "sub age No hr" "$(json_after label No hr)" "$(golden sub.old0.hr 1)"
near "sub age Yes lower" "$(json_after label Yes lower)" "$(golden sub.old1.hr 2)"
near "sub age interaction P" "$(json_after label 'age >= 65' p_interaction)" "$(golden sub.old_int 3)"
# ECOG 3 has one patient: not estimable
if awk '/"label": "3"/ { f = 1 } f && /"hr"/ { print; exit }' "$TMP/out" | grep -q null; then
    ok
else
    bad "ECOG 3 should not be estimable"
fi
expect_exit 0 "$ONCOSTAT" plot forest "$LUNG" 'Surv(time, status) ~ sex' \
    --subgroups ph.ecog --label ph.ecog=ECOG -o "$TMP/sub.svg"
expect_out "P for interaction"
expect_out "ECOG"
expect_out "ECOG: 1 row with a missing value left out of this subgroup"
expect_exit 0 "$ONCOSTAT" plot forest "$LUNG" 'Surv(time, status) ~ factor(sex)' \
    --subgroups ph.ecog --favours --label sex:1=men --label sex:2=women -o "$TMP/fav.pdf"
magic "$TMP/fav.pdf" $PDF

# ---- plot forest: multivariable model ----
expect_exit 0 "$ONCOSTAT" plot forest "$LUNG" \
    'Surv(time, status) ~ age + factor(sex) + factor(ph.ecog) + wt.loss' -o "$TMP/mv.png" --csv
expect_out "label,header,overall,n,events,hr,lower,upper,p,p_interaction"
k=0
for label in age 'sex (2 vs 1)' 'ph.ecog (1 vs 0)' 'ph.ecog (2 vs 0)' 'ph.ecog (3 vs 0)' wt.loss; do
    k=$((k + 1))
    row=$(grep -F "$label," "$TMP/out" | head -n 1)
    near "mv $label hr" "$(echo "$row" | awk -F, '{ print $6 }')" "$(golden mv.hr $k)"
    near "mv $label lower" "$(echo "$row" | awk -F, '{ print $7 }')" "$(golden mv.lower $k)"
    near "mv $label upper" "$(echo "$row" | awk -F, '{ print $8 }')" "$(golden mv.upper $k)"
    near "mv $label p" "$(echo "$row" | awk -F, '{ print $9 }')" "$(golden mv.p $k)"
done
expect_exit 0 "$ONCOSTAT" plot forest "$LUNG" \
    'Surv(time, status) ~ age + factor(sex) + factor(ph.ecog) + wt.loss' -o "$TMP/mv.png" --json
near "mv n_used" "$(json_key n_used)" "$(golden mv.n 1)"
near "mv n_excluded" "$(json_key n_excluded)" "$(golden mv.excluded 1)"

# ---- plot forest: rows from a table ----
expect_exit 0 "$ONCOSTAT" plot forest tests/data/plot_forest_rows.csv --hr hr --lower lower \
    --upper upper --n n --events events --p-interaction p_int --header header \
    --overall overall -o "$TMP/rows.svg"
expect_out "0.55 (0.37–0.82)"
expect_out "0.21"
expect_exit 2 "$ONCOSTAT" plot forest tests/data/plot_forest_zero.csv --hr hr --lower lower \
    --upper upper -o "$TMP/zero.png"
expect_err "row 4, column 'hr'"
expect_err "hazard ratio 0 of 'Exon 9' cannot be drawn on a log scale"
[ ! -e "$TMP/zero.png" ] && ok || bad "a failed forest plot left a file"

# ---- plot waterfall ----
expect_exit 0 "$ONCOSTAT" plot waterfall tests/data/plot_waterfall.csv --by bor --ids \
    -o "$TMP/wf.png" --csv
magic "$TMP/wf.png" $PNG
ids=$(awk -F, 'NR > 1 { sub(/^P/, "", $2); printf "%d ", $2 }' "$TMP/out")
want=$(awk '$1 == "wf.order" { for (i = 2; i <= NF; i++) printf "%d ", $i }' "$GOLD")
[ "$ids" = "$want" ] && ok || bad "waterfall order: got '$ids', R order() gives '$want'"
near "waterfall last change" "$(tail -n 1 "$TMP/out" | awk -F, '{ print $3 }')" "$(golden wf.change 23)"
expect_exit 0 "$ONCOSTAT" plot waterfall tests/data/plot_waterfall.csv --by bor --choi \
    -o "$TMP/wf.svg"
expect_out "Reference lines: +10 % and -10 % (Choi)"
expect_out "missing value in 'best_change': 1 row ($(golden wf.excluded_row 1))"
expect_out "CR               2"
expect_exit 0 "$ONCOSTAT" plot waterfall tests/data/plot_waterfall.csv --by bor \
    --levels PD,SD,PR,CR --criteria none -o "$TMP/wf.pdf" --json
magic "$TMP/wf.pdf" $PDF
expect_out '"criteria": "none"'
expect_out '"n_bars": 23'
expect_exit 2 "$ONCOSTAT" plot waterfall tests/data/plot_waterfall.csv --by bor \
    --levels PR,CR -o "$TMP/x.png"
expect_err "is not one of --levels"
expect_exit 2 "$ONCOSTAT" plot waterfall tests/data/plot_waterfall_bad.csv --by bor -o "$TMP/x.png"
expect_err "row 3, column 'best_change'"
expect_err "-120"
expect_exit 2 "$ONCOSTAT" plot waterfall tests/data/plot_waterfall.csv --change bor -o "$TMP/x.png"
expect_err "holds text"

# ---- plot swimmer ----
EVENTS='response=resp_day,progression=pd_day,death=death_day,treatment=tace2_day'
expect_exit 0 "$ONCOSTAT" plot swimmer tests/data/plot_swimmer.csv --time days --by arm \
    --events "$EVENTS" --ongoing status=ongoing --unit months --time-scale days \
    -o "$TMP/sw.png" --json
magic "$TMP/sw.png" $PNG
expect_out '"n_lanes": 9'
k=0
for id in S01 S02 S03 S04 S05 S06 S07 S08 S10; do
    k=$((k + 1))
    near "swimmer $id months" "$(json_after id $id time)" "$(golden sw.months $k)"
done
if awk '/"id": "S02"/ { f = 1 } f && /"ongoing"/ { print; exit }' "$TMP/out" | grep -q true &&
   awk '/"id": "S01"/ { f = 1 } f && /"ongoing"/ { print; exit }' "$TMP/out" | grep -q false; then
    ok
else
    bad "swimmer ongoing flags"
fi
expect_out '"kind": "treatment"'
expect_exit 0 "$ONCOSTAT" plot swimmer tests/data/plot_swimmer.csv --time days --by arm \
    --events "$EVENTS" --keep-order -o "$TMP/sw.svg"
expect_out "missing value in 'days': 1 row ($(golden sw.excluded_row 1))"
expect_exit 2 "$ONCOSTAT" plot swimmer tests/data/plot_swimmer_bad.csv --time days \
    --events progression=pd_day -o "$TMP/x.png"
expect_err "row 2, column 'pd_day'"
expect_err "outside the bar"
expect_exit 2 "$ONCOSTAT" plot swimmer tests/data/plot_swimmer.csv --time days \
    --events relapse=pd_day -o "$TMP/x.png"
expect_err "unknown kind 'relapse'"
expect_exit 2 "$ONCOSTAT" plot swimmer tests/data/plot_swimmer.csv --time days \
    --ongoing status -o "$TMP/x.png"
expect_err "name the value"

# ---- help lists every option with its default ----
expect_exit 0 "$ONCOSTAT" plot km --help
for opt in --ci --conf-type --conf-level --no-censor --risk-table --no-risk-table --kmunicate \
           --median-lines --min-at-risk --cuminc --percent --ymax --unit --time-scale --xmax \
           --breaks --xlabel --ylabel --labels --test --hr --annotation --title --width \
           --height --dpi --font-size --ref --weights --json --csv; do
    expect_out "$opt"
done
expect_out "(default: 0.95)"
expect_exit 0 "$ONCOSTAT" plot forest --help
for opt in --subgroups --subgroup --overall-label --favours --ties --label --left-label \
           --right-label --xmin --xmax --no-overall-line --hr --lower --upper --row-label \
           --p-interaction --header --overall; do
    expect_out "$opt"
done
expect_exit 0 "$ONCOSTAT" plot waterfall --help
for opt in --change --by --levels --id --ids --criteria --choi --ymax --ylabel; do
    expect_out "$opt"
done
expect_exit 0 "$ONCOSTAT" plot swimmer --help
for opt in --time --id --by --levels --events --ongoing --keep-order --unit --time-scale --breaks; do
    expect_out "$opt"
done
expect_exit 0 "$ONCOSTAT" plot --help
expect_out "waterfall"

# ---- errors ----
expect_exit 2 "$ONCOSTAT" plot km "$LUNG" 'Surv(time, status) ~ arm' -o "$TMP/x.png"
expect_err "unknown column 'arm'"
expect_exit 2 "$ONCOSTAT" plot km tests/data/plot_empty_group.csv 'Surv(time, status) ~ arm' \
    -o "$TMP/x.png"
expect_err "missing value in 'arm'"
expect_exit 2 "$ONCOSTAT" plot forest "$LUNG" 'Surv(time, status) ~ sex' \
    --subgroups kit_exon9 -o "$TMP/x.png"
expect_err "unknown column 'kit_exon9'"
expect_exit 2 "$ONCOSTAT" plot forest "$LUNG" 'Surv(time, status) ~ factor(ph.ecog)' \
    --subgroups sex -o "$TMP/x.png"
expect_err "compares two arms"
expect_exit 2 "$ONCOSTAT" plot forest "$LUNG" 'Surv(time, status) ~ sex' --subgroups age \
    -o "$TMP/x.png"
expect_err "distinct values"
expect_exit 2 "$ONCOSTAT" plot km "$LUNG" 'Surv(time, status) ~ sex'
expect_err "-o FILE.png"
expect_exit 2 "$ONCOSTAT" plot km "$LUNG" 'Surv(time, status) ~ sex' -o "$TMP/x.gif"
expect_err ".png, .svg or .pdf"
expect_exit 2 "$ONCOSTAT" plot km "$LUNG" 'Surv(time, status) ~ sex' --labels A,B,C -o "$TMP/x.png"
expect_err "3 labels for 2 groups"
expect_exit 2 "$ONCOSTAT" plot km "$LUNG" 'Surv(time, status) ~ 1' --hr -o "$TMP/x.png"
expect_err "--hr compares groups"
expect_exit 2 "$ONCOSTAT" plot km "$LUNG" 'Surv(time, status) ~ sex' --time-scale days -o "$TMP/x.png"
expect_err "needs --unit"
expect_exit 2 "$ONCOSTAT" plot km "$LUNG" 'Surv(time, status) ~ sex' --unit fortnights -o "$TMP/x.png"
expect_err "expected days, weeks, months or years"
expect_exit 2 "$ONCOSTAT" plot km "$LUNG" 'Surv(time, status) ~ sex' --ref sex=3 -o "$TMP/x.png"
expect_err "reference level '3'"
expect_exit 2 "$ONCOSTAT" plot km "$LUNG" 'Surv(time, status) ~ sex' --bogus -o "$TMP/x.png"
expect_err "unknown option '--bogus'"
expect_exit 2 "$ONCOSTAT" plot km "$LUNG" 'Surv(time, status) ~ sex' -o /nonexistent/dir/x.png
expect_err "/nonexistent/dir/x.png"
expect_exit 2 "$ONCOSTAT" plot heatmap "$LUNG"
expect_err "unknown figure 'heatmap'"
[ ! -e "$TMP/x.png" ] && ok || bad "a failed plot left x.png"

finish
