# test_cox.sh -- oncostat cox against R survival 3.5-3 (coxph, summary.coxph,
# cox.zph, survfit.coxph, basehaz, residuals.coxph) and a numerical
# maximisation of Firth's penalized likelihood.
# Data and reference numbers: tests/golden/cli/cox_cli.R writing
# tests/data/cox_*.csv and tests/golden/cli/cox_cli.txt.
# Needs jq (scripts/install-deps.sh installs it).
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

GOLD=tests/golden/cli/cox_cli.txt
LUNG=tests/data/cox_lung.csv
VET=tests/data/cox_veteran.csv
FREI=tests/data/cox_freireich.csv
SEP=tests/data/cox_separated.csv
HEART=tests/data/cox_heart.csv
F1='Surv(time, status) ~ sex + age + factor(ecog)'

if ! command -v jq >/dev/null 2>&1; then
    bad "jq is not installed (scripts/install-deps.sh installs it)"
    finish
    exit 1
fi

# golden KEY I -- the I-th value (1-based) of KEY in the golden file
golden() {
    awk -v k="$1" -v i="$2" '$1 == k { print $(i + 1); exit }' "$GOLD"
}
# count KEY -- how many values KEY has
count() {
    awk -v k="$1" '$1 == k { print NF - 1; exit }' "$GOLD"
}
# jqn FILTER -- a value of the JSON in $TMP/out
jqn() {
    jq -r "$1" "$TMP/out"
}
# near WHAT GOT WANT [TOL] -- equal to TOL (default 1e-9) relative,
# absolute below 1; NA matches NA or null
near() {
    if awk -v g="$2" -v w="$3" -v t="${4:-1e-9}" 'BEGIN {
            if (w == "NA") exit !(g == "NA" || g == "null");
            if (g == "" || g == "NA" || g == "null") exit 1;
            d = g - w; if (d < 0) d = -d;
            s = w < 0 ? -w : w; if (s < 1) s = 1;
            exit !(d <= t * s) }'; then
        ok
    else
        bad "$1: got '$2', R gives '$3'"
    fi
}
# vec CASE KEY FIELD [TOL] [ARRAY] -- every coefficient's FIELD in the JSON
# (ARRAY, default .coefficients) against golden CASE.KEY
vec() {
    n=$(count "$1.$2")
    [ -n "$n" ] || { bad "golden $1.$2 missing"; return; }
    k=0
    while [ "$k" -lt "$n" ]; do
        near "$1 $3[$k]" "$(jqn "${5:-.coefficients}[$k].$3")" "$(golden "$1.$2" $((k + 1)))" "${4:-1e-9}"
        k=$((k + 1))
    done
    # no extra coefficients either
    [ "$(jqn "${5:-.coefficients} | length")" = "$n" ] && ok || bad "$1: $n coefficients expected"
}
# fit CASE -- the summary of a fit in $TMP/out against golden CASE.*
fit() {
    vec "$1" coef coef
    vec "$1" se se
    vec "$1" hr hr
    vec "$1" lower lower
    vec "$1" upper upper
    vec "$1" z z
    vec "$1" p p
    near "$1 loglik0" "$(jqn '.loglik[0]')" "$(golden "$1.loglik" 1)"
    near "$1 loglik1" "$(jqn '.loglik[1]')" "$(golden "$1.loglik" 2)"
    for t in lr wald score; do
        near "$1 $t stat" "$(jqn ".tests.$t.stat")" "$(golden "$1.$t" 1)"
        near "$1 $t df" "$(jqn ".tests.$t.df")" "$(golden "$1.$t" 2)"
        near "$1 $t p" "$(jqn ".tests.$t.p")" "$(golden "$1.$t" 3)"
    done
    near "$1 concordance" "$(jqn '.concordance.c')" "$(golden "$1.concordance" 1)"
    near "$1 concordance se" "$(jqn '.concordance.se')" "$(golden "$1.concordance" 2)"
    near "$1 n" "$(jqn '.n')" "$(golden "$1.n" 1)"
    near "$1 events" "$(jqn '.events')" "$(golden "$1.n" 2)"
    near "$1 iterations" "$(jqn '.iterations')" "$(golden "$1.iter" 1)"
    [ "$(jqn '.converged')" = true ] && ok || bad "$1: not converged"
}

# ---- L1: lung, a two-level and a four-level factor, Efron ----
expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --json
fit l1
[ "$(jqn '.coefficients[0] | [.term, .variable, .level, .reference, .name] | join("|")')" = \
  "sex|sex|Female|Male|sexFemale" ] && ok || bad "l1: factor labels of the first coefficient"
[ "$(jqn '.coefficients[1] | [.level, .reference] | map(. == null) | all')" = true ] && ok \
    || bad "l1: a numeric term has null level and reference"
[ "$(jqn '.coefficients[2] | [.term, .variable, .level, .reference] | join("|")')" = \
  "factor(ecog)|ecog|1|0" ] && ok || bad "l1: factor(ecog) labels"
[ "$(jqn '[.ties, .monotone, .robust, .n_used, .n_excluded, .excluded[0].rows[0]] | map(tostring) | join(" ")')" = \
  "efron false false 227 1 14" ] && ok || bad "l1: ties/monotone/exclusions: $(jqn '[.ties, .monotone, .n_used, .n_excluded]')"

# the clinical table
expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male
expect_out "Variable  Level"
expect_out "sex       Male       1 (reference)"
expect_out "          Female  0.58 (0.42–0.81)    0.001"
expect_out "ecog      0          1 (reference)"
expect_out "          3       7.06 (0.94–53.1)    0.058"
expect_out "Likelihood ratio test: 30.87 on 5 df, P <0.0001"
expect_out "Concordance (Harrell's C): 0.637 (SE 0.025)"
expect_out "missing value in 'ecog': 1 row (14)"

# univariable models beside the multivariable one
expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --univariable --json
i=0
for term in sex age ecog; do
    [ "$(jqn ".univariable[$i].term" | sed 's/factor(ecog)/ecog/')" = "$term" ] && ok || bad "univariable $i term"
    for f in coef se hr lower upper p; do
        n=$(count "l1u_$term.$f")
        k=0
        while [ "$k" -lt "$n" ]; do
            near "univariable $term $f[$k]" "$(jqn ".univariable[$i].coefficients[$k].$f")" \
                "$(golden "l1u_$term.$f" $((k + 1)))"
            k=$((k + 1))
        done
    done
    near "univariable $term lr" "$(jqn ".univariable[$i].tests.lr.stat")" "$(golden "l1u_$term.lr" 1)"
    i=$((i + 1))
done
expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --univariable
expect_out "Univariable HR (95% CI)"
expect_out "Multivariable HR (95% CI)"
expect_out "          Female         0.59 (0.43–0.82)    0.002           0.58 (0.42–0.81)    0.001"

# proportional hazards: km and rank transforms
for tr in km rank; do
    expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --zph $tr --json
    [ "$(jqn '.zph.transform')" = "$tr" ] && ok || bad "zph transform $tr"
    k=0
    for t in 0 1 2; do
        near "zph $tr chisq[$t]" "$(jqn ".zph.terms[$t].chisq")" "$(golden l1.zph_$tr $((k + 1)))"
        near "zph $tr df[$t]" "$(jqn ".zph.terms[$t].df")" "$(golden l1.zph_$tr $((k + 2)))"
        near "zph $tr p[$t]" "$(jqn ".zph.terms[$t].p")" "$(golden l1.zph_$tr $((k + 3)))"
        k=$((k + 3))
    done
    near "zph $tr global" "$(jqn '.zph.global.chisq')" "$(golden l1.zph_$tr 10)"
    near "zph $tr global df" "$(jqn '.zph.global.df')" "$(golden l1.zph_$tr 11)"
    near "zph $tr global p" "$(jqn '.zph.global.p')" "$(golden l1.zph_$tr 12)"
done
[ "$(jqn '.zph.terms[2].term')" = "factor(ecog)" ] && ok || bad "zph: the factor is one term"
expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --zph
expect_out "Proportional hazards test"
expect_out "GLOBAL"

# predicted survival for a profile, and the baseline hazard
expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --json --predict 'sex=Female,age=60,ecog=1'
[ "$(jqn '.prediction.profiles[0].label')" = "sex=Female, age=60, ecog=1" ] && ok || bad "predict label"
[ "$(jqn '.prediction.profiles[0].covariates | [.sexFemale, .age, ."factor(ecog)1", ."factor(ecog)2"] | map(tostring) | join(" ")')" = \
  "1 60 1 0" ] && ok || bad "predict covariate row"
k=1
for t in 180 365; do
    for f in surv lower upper cumhaz; do
        near "predict $f($t)" \
            "$(jqn "[.prediction.profiles[0].curves[0] | .time, .$f] | transpose | map(select(.[0] <= $t)) | last | .[1]")" \
            "$(golden l1.pred_$f $k)"
    done
    k=$((k + 1))
done
for k in 1 2 3; do
    idx=$(awk -v i=$k 'BEGIN { split("0 9 49", a, " "); print a[i] }')
    near "basehaz time $idx" "$(jqn ".prediction.baseline_hazard.curves[0].time[$idx]")" "$(golden l1.base_time $k)"
    near "basehaz $idx" "$(jqn ".prediction.baseline_hazard.curves[0].hazard[$idx]")" "$(golden l1.base_hazard $k)"
done
expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --predict 'sex=Female,age=60,ecog=1' \
    --predict sex=Male --times 180,365
expect_out "sex=Female, age=60, ecog=1"
expect_out "sex=Male, age=62.46, ecog=0"
expect_out " 180      160      62         0.808 (0.747–0.875)"

# residuals, with the source row of each value
for ty in martingale deviance; do
    expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --residuals $ty --out "$TMP/res.csv"
    [ "$(head -1 "$TMP/res.csv")" = "row,$ty" ] && ok || bad "$ty header"
    k=1
    for row in 1 2 3 15; do
        near "$ty row $row" "$(awk -F, -v r=$row '$1 == r { print $2 }' "$TMP/res.csv")" "$(golden l1.resid_$ty $k)"
        k=$((k + 1))
    done
    if awk -F, '$1 == 14' "$TMP/res.csv" | grep -q .; then bad "$ty: excluded row 14 present"; else ok; fi
done
expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --residuals schoenfeld --out "$TMP/res.csv"
expect_exit 0 head -1 "$TMP/res.csv"
expect_out "row,time,sexFemale,age,factor(ecog)1,factor(ecog)2,factor(ecog)3"
for k in 1 2 3; do
    near "schoenfeld time $k" "$(awk -F, -v r=$((k + 1)) 'NR == r { print $2 }' "$TMP/res.csv")" "$(golden l1.resid_schoenfeld_time $k)"
done
for k in 1 2 3 4 5; do
    near "schoenfeld[1,$k]" "$(awk -F, -v c=$((k + 2)) 'NR == 2 { print $c }' "$TMP/res.csv")" "$(golden l1.resid_schoenfeld_first $k)"
done
expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --residuals scaledsch --out "$TMP/res.csv"
for k in 1 2 3 4 5; do
    near "scaledsch[1,$k]" "$(awk -F, -v c=$((k + 2)) 'NR == 2 { print $c }' "$TMP/res.csv")" "$(golden l1.resid_scaledsch_first $k)"
done
expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --residuals score --out "$TMP/res.csv"
for k in 1 2 3 4 5; do
    near "score[row 2,$k]" "$(awk -F, -v c=$((k + 1)) '$1 == 2 { print $c }' "$TMP/res.csv")" "$(golden l1.resid_score_row2 $k)"
done
if ls "$TMP" | grep -q 'res.csv.'; then bad "temporary residual file left"; else ok; fi

# another confidence level; the CSV table
expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --conf-level 0.9 --json
vec l1 lower90 lower
vec l1 upper90 upper
expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --csv
expect_out "term,variable,level,reference,name,coef,se,robust_se,hr,lower,upper,z,p,infinite,aliased"
near "csv hr sexFemale" "$(awk -F, '$5 == "sexFemale" { print $9 }' "$TMP/out")" "$(golden l1.hr 1)"
near "csv p age" "$(awk -F, '$5 == "age" { print $13 }' "$TMP/out")" "$(golden l1.p 2)"

# ---- L2: Breslow ties ----
expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --ties breslow --json
fit l2
[ "$(jqn '.ties')" = breslow ] && ok || bad "l2 ties"

# ---- L3: strata and a cluster: robust variance by institution ----
expect_exit 0 "$ONCOSTAT" cox "$LUNG" 'Surv(time, status) ~ sex + age + strata(ecog) + cluster(inst)' \
    --ref sex=Male --json
fit l3
vec l3 robust_se robust_se
near "l3 robust score" "$(jqn '.tests.robust_score.stat')" "$(golden l3.robust_score 1)"
near "l3 robust score p" "$(jqn '.tests.robust_score.p')" "$(golden l3.robust_score 3)"
[ "$(jqn '[.robust, .n_clusters, (.strata | length), .n_excluded] | map(tostring) | join(" ")')" = "true 18 4 2" ] \
    && ok || bad "l3 robust/clusters/strata/exclusions: $(jqn '[.robust, .n_clusters, (.strata | length), .n_excluded]')"

# ---- L4: case weights with the robust variance ----
expect_exit 0 "$ONCOSTAT" cox "$LUNG" 'Surv(time, status) ~ sex + age' --ref sex=Male --weights w \
    --robust --json
fit l4
vec l4 robust_se robust_se
near "l4 robust score" "$(jqn '.tests.robust_score.stat')" "$(golden l4.robust_score 1)"

# ---- L5: an offset ----
expect_exit 0 "$ONCOSTAT" cox "$LUNG" 'Surv(time, status) ~ sex + offset(age / 100)' --ref sex=Male --json
fit l5

# ---- L6: out of iterations ----
expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --max-iter 1 --json
[ "$(jqn '.converged')" = false ] && ok || bad "l6: converged should be false"
near "l6 iterations" "$(jqn '.iterations')" "$(golden l6.iter 1)"
vec l6 coef coef
expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --max-iter 1
expect_out "did not converge"

# ---- V1, V2: veteran; a four-level factor is one term of the PH test ----
expect_exit 0 "$ONCOSTAT" cox "$VET" 'Surv(time, status) ~ trt + celltype + karno' --zph identity --json
fit v1
k=0
for t in 0 1 2; do
    near "v1 zph chisq[$t]" "$(jqn ".zph.terms[$t].chisq")" "$(golden v1.zph_identity $((k + 1)))"
    near "v1 zph df[$t]" "$(jqn ".zph.terms[$t].df")" "$(golden v1.zph_identity $((k + 2)))"
    k=$((k + 3))
done
near "v1 zph global" "$(jqn '.zph.global.chisq')" "$(golden v1.zph_identity 10)"
expect_exit 0 "$ONCOSTAT" cox "$VET" 'Surv(time, status) ~ trt + celltype + karno' --ties exact --json
fit v2

# ---- F: Freireich 6-MP, the three ties methods ----
for tm in efron breslow exact; do
    expect_exit 0 "$ONCOSTAT" cox "$FREI" 'Surv(weeks, relapse) ~ group' --ref group=6-MP --ties $tm --json
    fit f_$tm
done
expect_exit 0 "$ONCOSTAT" cox "$FREI" 'Surv(weeks, relapse) ~ group' --ref group=6-MP
expect_out "group     6-MP        1 (reference)"
expect_out "          placebo  4.82 (2.15–10.8)  0.0001"

# ---- H: counting-process data ----
expect_exit 0 "$ONCOSTAT" cox "$HEART" 'Surv(start, stop, event) ~ age + surgery + transplant' --json
fit h1

# ---- S: monotone likelihood, then Firth ----
expect_exit 0 "$ONCOSTAT" cox "$SEP" 'Surv(time, status) ~ arm + age' --json
[ "$(jqn '[.monotone, .coefficients[0].infinite, .coefficients[1].infinite] | map(tostring) | join(" ")')" = \
  "true true false" ] && ok || bad "s1: monotone flags"
vec s1 coef coef 1e-6
near "s1 loglik" "$(jqn '.loglik[1]')" "$(golden s1.loglik 2)"
expect_err "monotone likelihood"
expect_exit 0 "$ONCOSTAT" cox "$SEP" 'Surv(time, status) ~ arm + age'
expect_out "Monotone likelihood"
expect_out "Use --firth for a finite"
expect_exit 0 "$ONCOSTAT" cox "$SEP" 'Surv(time, status) ~ arm + age' --firth --json
[ "$(jqn '.monotone')" = false ] && ok || bad "firth: not monotone"
vec s1 firth_coef coef 1e-7
vec s1 firth_lower lower 1e-7
vec s1 firth_upper upper 1e-7
vec s1 firth_chisq chisq 1e-6 .firth.terms
vec s1 firth_p p 1e-7 .firth.terms
expect_exit 0 "$ONCOSTAT" cox "$SEP" 'Surv(time, status) ~ arm + age' --firth
expect_out "Firth's penalized likelihood"
expect_out "          B      21.7 (2.25–2938)  0.004"

# ---- bootstrap: reproducible from the seed, whatever the threads ----
expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --bootstrap 200 --seed 42 --threads 1 --json
jq -c '.bootstrap' "$TMP/out" >"$TMP/b1"
[ "$(jqn '[.bootstrap.replicates, .bootstrap.seed, .bootstrap.resampled, .bootstrap.n_units] | map(tostring) | join(" ")')" = \
  "200 42 rows 227" ] && ok || bad "bootstrap header: $(jqn '.bootstrap | [.replicates, .seed, .resampled, .n_units]')"
# the percentile limits bracket the estimate and the bootstrap SE is near
# R's robust SE for sex (0.17 at n = 227; 200 replicates: within 25 %)
[ "$(jqn '.bootstrap.coefficients[0] | (.lower < 0.58 and .upper > 0.58 and .se > 0.13 and .se < 0.22)')" = true ] \
    && ok || bad "bootstrap sex: $(jqn '.bootstrap.coefficients[0]')"
expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --bootstrap 200 --seed 42 --threads 2 --json
jq -c '.bootstrap' "$TMP/out" >"$TMP/b2"
cmp -s "$TMP/b1" "$TMP/b2" && ok || bad "bootstrap differs between 1 and 2 threads"
expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --bootstrap 200 --seed 43 --threads 2 --json
jq -c '.bootstrap' "$TMP/out" >"$TMP/b3"
cmp -s "$TMP/b1" "$TMP/b3" && bad "bootstrap: another seed gave the same result" || ok
expect_exit 0 "$ONCOSTAT" cox "$LUNG" 'Surv(time, status) ~ sex + age + cluster(inst)' --ref sex=Male \
    --bootstrap 50 --json
[ "$(jqn '[.bootstrap.resampled, .bootstrap.n_units] | map(tostring) | join(" ")')" = "clusters 18" ] \
    && ok || bad "bootstrap by cluster"
expect_exit 0 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --bootstrap 100
expect_out "Bootstrap 95% CI"
expect_out "Bootstrap: 100 replicates resampling rows (227), seed 1"

# ---- input errors ----
expect_exit 2 "$ONCOSTAT" cox tests/data/cox_bad_status.csv 'Surv(time, status) ~ arm'
expect_err "row 4"
expect_exit 2 "$ONCOSTAT" cox tests/data/cox_no_events.csv 'Surv(time, status) ~ arm'
expect_err "no events"
expect_exit 2 "$ONCOSTAT" cox "$LUNG" 'Surv(time, status) ~ sex + weight'
expect_err "weight"
expect_exit 2 "$ONCOSTAT" cox "$LUNG" 'time ~ sex'
expect_err "survival response"
expect_exit 2 "$ONCOSTAT" cox "$LUNG" "$F1" --ties average
expect_err "--ties: expected efron, breslow or exact"
expect_exit 2 "$ONCOSTAT" cox "$LUNG" "$F1" --residuals martingale
expect_err "--residuals needs --out"
expect_exit 2 "$ONCOSTAT" cox "$LUNG" "$F1" --residuals pearson --out "$TMP/x.csv"
expect_err "--residuals: expected"
expect_exit 2 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --predict weight=70
expect_err "'weight' is not a variable of the model"
expect_exit 2 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --predict sex=Other
expect_err "'sex' has no level 'Other' in the model; the levels are: Male, Female"
expect_exit 2 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Male --predict age=old
expect_err "'age' needs a number"
expect_exit 2 "$ONCOSTAT" cox "$LUNG" "$F1" --ref sex=Unknown
expect_err "Unknown"
expect_exit 2 "$ONCOSTAT" cox "$LUNG" "$F1" --conf-level 1.5
expect_err "--conf-level"
expect_exit 2 "$ONCOSTAT" cox "$LUNG" "$F1" --bootstrap 0
expect_err "--bootstrap"
expect_exit 2 "$ONCOSTAT" cox "$LUNG" "$F1" --seed 3
expect_err "--seed is for --bootstrap"
expect_exit 2 "$ONCOSTAT" cox "$LUNG" "$F1" --times 10
expect_err "--times is for --predict"
expect_exit 2 "$ONCOSTAT" cox "$LUNG" 'Surv(time, status) ~ sex' --weights w --ties exact
expect_err "exact ties"
expect_exit 2 "$ONCOSTAT" cox "$LUNG" 'Surv(time, status) ~ sex + cluster(inst)' --firth
expect_err "Firth"
expect_exit 2 "$ONCOSTAT" cox "$LUNG"
expect_err "a data file and a formula are required"
expect_exit 2 "$ONCOSTAT" cox "$LUNG" "$F1" --frobnicate
expect_err "unknown option '--frobnicate'"
expect_exit 2 "$ONCOSTAT" cox tests/data/no_such_file.csv "$F1"
expect_err "no_such_file.csv"

# ---- help lists every option with its default ----
expect_exit 0 "$ONCOSTAT" cox --help
for o in --ties --robust --conf-level --max-iter --eps --firth --zph --univariable --predict \
         --times --residuals --out --bootstrap --seed --threads --ref --weights --json --csv; do
    expect_out "$o"
done
expect_out "(default: efron, as R)"

finish
