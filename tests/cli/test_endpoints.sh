# test_endpoints.sh -- oncostat endpoints: derived time, event and description
# columns against an independent derivation in R of the rules in
# docs/endpoints.md (tests/golden/cli/endpoints_cli.R writes
# tests/data/endpoints.csv and tests/golden/cli/endpoints_cli.txt; the R
# script lists the hand calculation of every row), the per-row report of
# inconsistent dates, and the exit codes.
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

GOLD=tests/golden/cli/endpoints_cli.txt
DATA=tests/data/endpoints.csv
SHARED="--origin liver_mets_date --censor last_fu_date --death death_date"

# column FILE NAME -- the values of column NAME, one per line.  The derived
# columns come last and hold no commas, so they are counted from the end
# (earlier text columns may hold quoted commas).
column() {
    awk -F, -v c="$2" '
        NR == 1 { for (j = 1; j <= NF; j++) if ($j == c) off = NF - j; next }
        { print $(NF - off) }' "$1"
}

# same_as WHAT FILE COLUMN KEY -- the column equals the golden values of KEY
# exactly (both sides read with strtod; NA matches NA)
same_as() {
    column "$2" "$3" >"$TMP/got"
    awk -v k="$4" '$1 == k { for (i = 2; i <= NF; i++) print $i }' "$GOLD" >"$TMP/want"
    if [ -s "$TMP/want" ] && awk 'NR == FNR { w[FNR] = $1; n = FNR; next }
            { g[FNR] = $1; m = FNR }
            END {
                if (m != n) exit 1;
                for (i = 1; i <= n; i++) {
                    if (w[i] == "NA" || g[i] == "NA") { if (w[i] != g[i]) exit 1; continue }
                    if (w[i] + 0 != g[i] + 0) exit 1
                }
            }' "$TMP/want" "$TMP/got"; then
        ok
    else
        bad "$1: $3 is $(tr '\n' ' ' <"$TMP/got"), R gives $(tr '\n' ' ' <"$TMP/want")"
    fi
}

# ---- help ----
expect_exit 0 "$ONCOSTAT" endpoints --help
expect_out "--origin COL"
expect_out "--event [LABEL=]COL"
expect_out "(default: days)"
expect_out "--cutoff DATE"
expect_out "--report FILE"

# ---- OS and PFS in days, cut-off 2022-12-31 ----
expect_exit 0 "$ONCOSTAT" endpoints "$DATA" $SHARED --cutoff 2022-12-31 \
    --name OS --event Death=death_date \
    --name PFS --event Progression=pd_date --event Death=death_date -o "$TMP/d.csv"
same_as "days" "$TMP/d.csv" OS_time os_time_days
same_as "days" "$TMP/d.csv" OS_event os_event
same_as "days" "$TMP/d.csv" PFS_time pfs_time_days
same_as "days" "$TMP/d.csv" PFS_event pfs_event
cp "$TMP/d.csv" "$TMP/out"
expect_out "id,arm,liver_mets_date,pd_date,death_date,last_fu_date,age,note,OS_time,OS_event,OS_desc,PFS_time,PFS_event,PFS_desc"
expect_out '1,Imatinib,2020-01-01,2020-07-01,2021-01-01,2021-01-01,61.5,"R0, margin 2 mm",366.0,1,Death,182.0,1,Progression'
expect_out '4,Imatinib + RFA/TACE,2021-03-01,2021-09-01,2021-08-01,2021-08-01,72.25,"dose reduced, ""GI toxicity""",153.0,1,Death,NA,NA,NA'
expect_out "6,Imatinib + resection,2022-02-01,2023-02-01,NA,2023-03-01,55,NA,333.0,0,Censored at data cut-off,333.0,0,Censored at data cut-off"
expect_out "10,Imatinib + resection,2018-01-01,2019-01-01,2019-01-01,2019-01-01,63,NA,365.0,1,Death,365.0,1,Progression"
# The report on standard error: every inconsistent row with its dates.
expect_err "row 4: Progression 2021-09-01 is after death 2021-08-01"
expect_err "row 5: Progression 2020-04-01 is before the origin 2020-05-10"
expect_err "row 3: no origin date in 'liver_mets_date'"
expect_err "row 7: origin 2023-01-15 is after the data cut-off 2022-12-31"
expect_err "row 8: no event date and no follow-up date in 'last_fu_date'"
expect_err "row 9: follow-up date 2020-02-01 is before the origin 2020-03-01"
expect_err "row 6: Progression 2023-02-01 is after the data cut-off 2022-12-31: censored at the cut-off"
expect_err "row 9: follow-up date 2020-02-01 is before the origin 2020-03-01; the event decides"
expect_err "Rows: 5 used of 10; 5 excluded:"
expect_err "Rows: 6 used of 10; 4 excluded:"
expect_err "Progression date after death date: 1 row (4)"
expect_err "Derived data written to $TMP/d.csv"
# Outcome counts (R: Progression, Death, last follow-up, cut-off, excluded).
p=$(awk '$1 == "pfs_outcomes" { print $2, $3, $4, $5, $6 }' "$GOLD")
set -- $p
expect_err "Progression                    $1"
expect_err "Censored at last follow-up     $3"
expect_err "Excluded                       $5"

# Times are a number column, so whole days are written 366.0 and read back
# as numbers.  The written file reads back: the analyses take the columns
# as they are.
expect_exit 0 "$ONCOSTAT" km "$TMP/d.csv" 'Surv(PFS_time, PFS_event) ~ 1' --json
expect_out '"n_used": 5'

# ---- units: shared months, OS in years by its own --unit ----
expect_exit 0 "$ONCOSTAT" endpoints "$DATA" $SHARED --cutoff 2022-12-31 --unit months \
    --name PFS --event Progression=pd_date --event Death=death_date \
    --name OS --event death_date --unit years -o "$TMP/m.csv"
same_as "months" "$TMP/m.csv" PFS_time pfs_time_months
same_as "years" "$TMP/m.csv" OS_time os_time_years
expect_err "PFS (months)"
expect_err "OS (years)"
# A label defaults to the column name.
expect_err "Event: death_date"

# ---- no cut-off: row 6 progresses, row 7 is censored at follow-up ----
expect_exit 0 "$ONCOSTAT" endpoints "$DATA" $SHARED --name PFS \
    --event Progression=pd_date --event Death=death_date -o "$TMP/n.csv"
same_as "no cut-off" "$TMP/n.csv" PFS_time pfs_time_nocutoff
same_as "no cut-off" "$TMP/n.csv" PFS_event pfs_event_nocutoff

# ---- one unnamed endpoint, data to standard output ----
expect_exit 0 "$ONCOSTAT" endpoints "$DATA" --origin liver_mets_date --event death_date \
    --censor last_fu_date
expect_out ",endpoint_time,endpoint_event,endpoint_desc"
expect_out "2,Imatinib + resection,2019-06-15,NA,NA,2022-06-15,47,NA,1096.0,0,Censored at last follow-up"
expect_err "Rows: 7 used of 10"

# ---- JSON report on standard output next to -o; CSV report ----
expect_exit 0 "$ONCOSTAT" endpoints "$DATA" $SHARED --cutoff 2022-12-31 --name PFS \
    --event Progression=pd_date --event Death=death_date -o "$TMP/j.csv" --json
expect_out '"source": "tests/data/endpoints.csv"'
expect_out '"name": "PFS"'
expect_out '"cutoff": "2022-12-31"'
expect_out '"PFS_event"'
expect_out '"n_used": 5'
expect_out '"n_excluded": 5'
expect_out '"issue": "event_after_death"'
expect_out '"message": "Progression 2021-09-01 is after death 2021-08-01"'
expect_out '"issue": "event_after_cutoff"'
expect_out '"n_notes": 2'
same_as "json run" "$TMP/j.csv" PFS_time pfs_time_days

expect_exit 0 "$ONCOSTAT" endpoints "$DATA" $SHARED --cutoff 2022-12-31 --name PFS \
    --event Progression=pd_date --event Death=death_date -o "$TMP/c.csv" --csv \
    --report "$TMP/report.csv"
cp "$TMP/report.csv" "$TMP/out"
expect_out "endpoint,unit,outcome,rows"
expect_out "PFS,days,Progression,3"
expect_out "PFS,days,Excluded,5"

# ---- --max-listed ----
expect_exit 0 "$ONCOSTAT" endpoints "$DATA" $SHARED --cutoff 2022-12-31 --name PFS \
    --event Progression=pd_date --event Death=death_date -o "$TMP/l.csv" --max-listed 2
expect_err "Excluded rows (5):"
expect_err "  ... 3 more"

# ---- input and usage errors: exit 2, nothing written ----
expect_exit 2 "$ONCOSTAT" endpoints "$DATA" --origin nope --event death_date -o "$TMP/x.csv"
expect_err "column 'nope': no such column"
[ ! -e "$TMP/x.csv" ] && ok || bad "an output was written after an error"
expect_exit 2 "$ONCOSTAT" endpoints "$DATA" --origin liver_mets_date --event Death=no_such
expect_err "column 'no_such': no such column (the endpoint's event date)"
expect_exit 2 "$ONCOSTAT" endpoints "$DATA" --origin age --event death_date
expect_err "column 'age': the endpoint's origin column must hold dates, not number values"
expect_exit 2 "$ONCOSTAT" endpoints "$DATA" --origin liver_mets_date --event arm
expect_err "column 'arm': the endpoint's event column must hold dates, not factor values"
expect_exit 2 "$ONCOSTAT" endpoints tests/data/endpoints_bad_date.csv --origin start \
    --event death --censor last_fu
expect_err "endpoints_bad_date.csv: row 3 (line 4), column 'start'"
expect_err "2021-02-30"
expect_exit 2 "$ONCOSTAT" endpoints "$DATA" --origin liver_mets_date --event death_date \
    --cutoff 31/12/2022
expect_err "--cutoff: expected a date YYYY-MM-DD, found '31/12/2022'"
expect_exit 2 "$ONCOSTAT" endpoints "$DATA" --origin liver_mets_date --event death_date \
    --unit fortnights
expect_err "--unit: expected days, weeks, months or years"
expect_exit 2 "$ONCOSTAT" endpoints "$DATA" --event death_date
expect_err "needs --origin COLUMN"
expect_exit 2 "$ONCOSTAT" endpoints "$DATA" --origin liver_mets_date --name OS
expect_err "endpoint 'OS' needs at least one --event"
expect_exit 2 "$ONCOSTAT" endpoints "$DATA" --origin liver_mets_date --event death_date \
    --name OS --name OS
expect_err "--name OS is given twice"
expect_exit 2 "$ONCOSTAT" endpoints "$TMP/d.csv" --origin liver_mets_date \
    --event death_date --name PFS
expect_err "column 'PFS_time': the frame already has this column"
expect_exit 2 "$ONCOSTAT" endpoints "$DATA" --origin liver_mets_date --event =death_date
expect_err "--event: expected [LABEL=]COLUMN, found '=death_date'"
expect_exit 2 "$ONCOSTAT" endpoints "$DATA" --origin liver_mets_date --event death_date --frobnicate
expect_err "unknown option '--frobnicate'"
expect_exit 2 "$ONCOSTAT" endpoints --origin liver_mets_date --event death_date
expect_err "a data file is required"
expect_exit 2 "$ONCOSTAT" endpoints tests/data/no_such_file.csv --origin a --event b
expect_err "no_such_file.csv"

# ---- no usable row: exit 1, the reasons, nothing written ----
expect_exit 1 "$ONCOSTAT" endpoints "$DATA" $SHARED --cutoff 2000-01-01 --name OS \
    --event death_date -o "$TMP/none.csv"
expect_err "origin date after the data cut-off: 9 rows"
expect_err "no row of tests/data/endpoints.csv has a usable 'OS' endpoint"
[ ! -e "$TMP/none.csv" ] && ok || bad "an output was written although no row was usable"

finish
