# test_ae.sh -- oncostat ae: patients at worst CTCAE grade by arm against
# a base-R aggregation, the grade 5 listing, exclusions and input errors.
# Data and reference numbers: tests/golden/cli/ae_cli.R writing
# tests/data/ae_*.csv and tests/golden/cli/ae_cli.txt.
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

GOLD=tests/golden/cli/ae_cli.txt
EV=tests/data/ae_events.csv
PT=tests/data/ae_patients.csv

golden() {
    awk -v k="$1" -v i="$2" '$1 == k { print $(i + 1); exit }' "$GOLD"
}
# csv_row TERM ARM -- columns 4.. of that row of the CSV in $TMP/out
csv_row() {
    awk -F, -v t="$1" -v a="$2" '$1 == t && $3 == a {
        for (j = 4; j <= NF; j++) printf "%s ", $j; print "" }' "$TMP/out"
}
near() {
    if awk -v g="$2" -v w="$3" 'BEGIN {
            if (g == "" || g == "NA") exit 1;
            d = g - w; if (d < 0) d = -d;
            s = w < 0 ? -w : w; if (s < 1) s = 1;
            exit !(d <= 1e-9 * s) }'; then
        ok
    else
        bad "$1: got '$2', R gives '$3'"
    fi
}
# check TERM KEY ARM -- n, grades 1-5, any, % any, >= 3, % >= 3
check() {
    set -- "$1" "$2" "$3" $(csv_row "$1" "$3")
    term=$1; key=$2; arm=$3; shift 3
    [ $# -eq 10 ] || { bad "$term/$arm: row not found"; return; }
    n=$1; shift
    i=0
    for v in "$@"; do
        i=$((i + 1))
        near "$term $arm value $i" "$v" "$(golden "$key.$arm" $i)"
    done
}

expect_exit 0 "$ONCOSTAT" ae "$EV" --patients "$PT" --by arm --csv
for arm in TACE Control All; do
    check "Any adverse event" Any $arm
    check Nausea Nausea $arm
    check Fatigue Fatigue $arm
    check "Abdominal pain" Abdominal_pain $arm
    check "Liver failure" Liver_failure $arm
done
near "n TACE" "$(csv_row Nausea TACE | cut -d' ' -f1)" "$(golden n 1)"
near "n Control" "$(csv_row Nausea Control | cut -d' ' -f1)" "$(golden n 2)"
# sorted by frequency: Nausea (7), Fatigue (6), Abdominal pain (3), Liver failure (2)
[ "$(awk -F, 'NR > 1 && $3 == "All" { print $1 }' "$TMP/out" | tr '\n' '|')" = \
  "Any adverse event|Nausea|Fatigue|Abdominal pain|Liver failure|" ] && ok || bad "row order"

expect_exit 0 "$ONCOSTAT" ae "$EV" --patients "$PT"
expect_out "TACE (N = 10)"
expect_out "Any adverse event   1   4   2   1   1  9 (90.0%)  4 (40.0%)"
expect_out "All patients (N = 18)"
expect_out "Grade 5 (fatal) adverse events (2):"
expect_out "TACE     P08      Liver failure   88   10"
expect_out "patient left out of the patient list: 1 row (20)"
expect_out "missing value in 'grade': 1 row (21)"
expect_out "missing value in 'arm': 1 row (19)"

expect_exit 0 "$ONCOSTAT" ae "$EV" --patients "$PT" --json
for k in '"analysis": "adverse-events"' '"n_patients": 18' '"grade5": [' \
         '"patient": "P16"' '"soc": "Gastrointestinal disorders"' \
         '"patient_list": {' '"n_used": 19' '"n_excluded": 2' '"pct_any": 37.5'; do
    expect_out "$k"
done

# All patients in one column
expect_exit 0 "$ONCOSTAT" ae "$EV" --patients "$PT" --by none --csv
grep -q '^Any adverse event,,All,19,' "$TMP/out" && ok || bad "--by none: 19 patients"

# Grades written as text
printf 'patient_id,term,grade\nP01,Nausea,Grade 3\nP02,Nausea,G2\nP11,Rash,1\n' > "$TMP/text.csv"
expect_exit 0 "$ONCOSTAT" ae "$TMP/text.csv" --patients "$PT" --csv
grep -q '^Nausea,,TACE,10,0,1,1,0,0,2,20,1,10$' "$TMP/out" && ok || bad "text grades"
printf 'patient_id,term,grade\nP01,Nausea,severe\n' > "$TMP/text2.csv"
expect_exit 2 "$ONCOSTAT" ae "$TMP/text2.csv" --patients "$PT"
expect_err "text2.csv: row 1, column 'grade': grade 'severe' is not a CTCAE grade 1-5"

# ---- errors named in the issue ----
expect_exit 2 "$ONCOSTAT" ae tests/data/ae_bad_grade.csv --patients "$PT"
expect_err "ae_bad_grade.csv: row 3, column 'grade': grade 6 is outside CTCAE grades 1-5"
expect_exit 2 "$ONCOSTAT" ae tests/data/ae_unknown_patient.csv --patients "$PT"
expect_err "ae_unknown_patient.csv: row 4, column 'patient_id': patient 'P99' has an adverse event but is not in the patient list"
# and others
printf 'patient_id,arm\nP01,A\nP02,B\nP01,B\n' > "$TMP/dup.csv"
expect_exit 2 "$ONCOSTAT" ae "$EV" --patients "$TMP/dup.csv"
expect_err "dup.csv: row 3, column 'patient_id': patient 'P01' is listed twice (also at row 1)"
printf 'patient_id,term,soc,grade\nP01,Nausea,GI,1\nP02,Nausea,Gastro,2\n' > "$TMP/soc.csv"
expect_exit 2 "$ONCOSTAT" ae "$TMP/soc.csv" --patients "$PT"
expect_err "soc.csv: row 2, column 'soc': term 'Nausea' is filed under 'Gastro' here but under 'GI' at row 1"
expect_exit 2 "$ONCOSTAT" ae "$EV" --patients "$PT" --by treatment
expect_err "no column 'treatment' for the arm"
expect_exit 2 "$ONCOSTAT" ae "$EV"
expect_err "--patients FILE are required"
expect_exit 2 "$ONCOSTAT" ae "$EV" --patients "$PT" --grade toxicity
expect_err "no column 'toxicity' for the CTCAE grade"

expect_exit 0 "$ONCOSTAT" ae --help
for o in --patients --by --patient --term --soc --grade --day --json --csv --output; do
    expect_out "$o"
done

finish
