#!/bin/sh
# rates.sh -- `oncostat rates` and `oncostat ae` end to end against the
# same computations in R, on 1e5, 1e6 and 1e7 rows.
#
#   sh bench/rates.sh                      (from the repository root)
#   ONCOSTAT=build/oncostat SIZES="100000 1000000" REPEATS=3 sh bench/rates.sh
#
# Needs: a built oncostat (make), R (base packages only), GNU time
# (/usr/bin/time, Debian package "time").  Data go to $BENCH_DIR (default
# /tmp/oncostat-bench); results to bench/results/rates.md.
#
# What is timed, best of REPEATS runs each:
#   oncostat  the whole process: read the CSV(s), compute, write the JSON
#             result (-o out.json); elapsed time and peak RSS from
#             /usr/bin/time.
#             rates: DATA 'responded ~ arm' (2 arms: per-arm exact CIs,
#             Newcombe difference, fisher.test odds ratio and P, chi-square)
#             ae: EVENTS --patients PATIENTS (12 terms, 2 arms, worst grade
#             per patient and term, grade 5 listing)
#   R         the same numbers computed by bench/rates.R on data already in
#             memory (read.csv not counted); system.time() elapsed.  R's
#             peak RSS is that of the whole Rscript process, reading
#             included; gc()'s "max used" is the R heap during the timed
#             calls only.  R runs R_REPEATS times (default: REPEATS, and 1
#             at 1e7 rows, where one ae run takes minutes).
set -eu
cd "$(dirname "$0")/.."

ONCOSTAT=${ONCOSTAT:-build/oncostat}
BENCH_DIR=${BENCH_DIR:-/tmp/oncostat-bench}
SIZES=${SIZES:-"100000 1000000 10000000"}
REPEATS=${REPEATS:-3}
RESULTS=bench/results/rates.md

[ -x "$ONCOSTAT" ] || { echo "rates.sh: $ONCOSTAT not built (run make)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "rates.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
command -v Rscript >/dev/null || { echo "rates.sh: Rscript missing" >&2; exit 2; }
mkdir -p "$BENCH_DIR" bench/results
cc -O2 -std=c11 bench/table_gen.c -o "$BENCH_DIR/table_gen"

# best_of CMD... -- run REPEATS times; print "best_elapsed cpu_of_best peak_rss_kb"
best_of() {
    best=""
    r=0
    while [ "$r" -lt "$REPEATS" ]; do
        /usr/bin/time -f '%e %U %S %M' -o "$BENCH_DIR/time.txt" "$@" >/dev/null
        line=$(tail -n 1 "$BENCH_DIR/time.txt")
        best=$(printf '%s\n%s\n' "$best" "$line" | awk 'NF == 4 {
            if (b == "" || $1 < b) { b = $1; c = $2 + $3; m = $4 } }
            END { print b, c, m }')
        r=$((r + 1))
    done
    echo "$best"
}

# r_run ARGS... -- bench/rates.R under /usr/bin/time; prints its line and
# the process's peak RSS (KB)
r_run() {
    /usr/bin/time -f '%M' -o "$BENCH_DIR/rtime.txt" Rscript bench/rates.R "$@" \
        >"$BENCH_DIR/r.txt"
    echo "$(cat "$BENCH_DIR/r.txt") rss $(tail -n 1 "$BENCH_DIR/rtime.txt")"
}

# row LABEL N ONCOSTAT_RESULT R_RESULT -- one markdown table row
row() {
    echo "$2 $3 $4" | awk -v what="$1" '{
        # $1 n; $2-4 oncostat (s, cpu s, KB); then the R line
        for (i = 5; i <= NF; i++) {
            if ($i == "compute") rc = $(i + 1);
            if ($i == "compute_cpu") rcpu = $(i + 1);
            if ($i == "gc_max_mb") gm = $(i + 1);
            if ($i == "rss") rr = $(i + 1);
        }
        printf "| %s | %d | %.2f (%.2f) | %.2f (%.2f) | %.1fx (%.1fx) | %.0f | %.0f | %.0f |\n",
            what, $1, $2, $3, rc, rcpu, rc / $2, rcpu / ($3 > 0.005 ? $3 : 0.005),
            $4 / 1024, rr / 1024, gm }'
}

load() { cut -d' ' -f1-3 /proc/loadavg; }

rows=""
start_load=$(load)
for n in $SIZES; do
    rr=${R_REPEATS:-$REPEATS}
    [ "$n" -ge 10000000 ] && rr=${R_REPEATS:-1}
    data="$BENCH_DIR/rates_$n.csv"
    [ -s "$data" ] || "$BENCH_DIR/table_gen" rates "$n" "$data"
    o=$(best_of "$ONCOSTAT" rates "$data" 'responded ~ arm' --json -o "$BENCH_DIR/rates.json")
    r=$(r_run rates "$data" "$rr")
    echo "rates n=$n oncostat: $o | R: $r"
    rows="$rows$(row rates "$n" "$o" "$r")
"
    ev="$BENCH_DIR/ae_events_$n.csv"
    pt="$BENCH_DIR/ae_patients_$n.csv"
    [ -s "$ev" ] || "$BENCH_DIR/table_gen" ae "$n" "$ev" "$pt"
    o=$(best_of "$ONCOSTAT" ae "$ev" --patients "$pt" --json -o "$BENCH_DIR/ae.json")
    r=$(r_run ae "$ev" "$pt" "$rr")
    echo "ae n=$n oncostat: $o | R: $r"
    rows="$rows$(row ae "$n" "$o" "$r")
"
done
end_load=$(load)

{
    echo "# Rates and adverse-event tables: oncostat against R"
    echo
    echo "Reproduce: \`sh bench/rates.sh\` (data from \`bench/table_gen.c\`: for rates"
    echo "one row per patient, 2 arms, response 40% vs 55%; for ae N events of"
    echo "N/3 patients, 12 terms, grades 1-5)."
    echo
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //');"
    echo "R $(Rscript -e 'cat(as.character(getRversion()))' 2>/dev/null);"
    echo "load average at start $start_load, at end $end_load; best of $REPEATS runs"
    echo "(R: best of ${R_REPEATS:-$REPEATS}, 1 at 1e7 rows); $(date -u '+%Y-%m-%d %H:%M UTC')."
    echo
    echo "| table | rows | oncostat, s (CPU s) | R compute, s (CPU s) | R / oncostat, elapsed (CPU) | oncostat peak RSS, MB | R peak RSS, MB | R gc max used, MB |"
    echo "|---|---|---|---|---|---|---|---|"
    printf '%s' "$rows"
    echo
    echo "On a loaded machine elapsed times vary with the other work; the CPU"
    echo "times in brackets are the steadier comparison."
    echo
    echo "oncostat: the whole process (read CSV, compute, write JSON), elapsed"
    echo "time from \`/usr/bin/time\`. R (\`bench/rates.R\`): the computation alone on"
    echo "data already in memory (\`read.csv\` is not counted), elapsed time from"
    echo "\`system.time()\`; its peak RSS includes reading. rates: per-arm"
    echo "\`binom.test\`, Newcombe difference from \`prop.test\`, \`fisher.test\`,"
    echo "\`chisq.test\`. ae: worst grade per patient and term with \`tapply\`,"
    echo "counts by arm and grade with \`table\`. Both sides give the same numbers"
    echo "(the R script prints one for comparison)."
} >"$RESULTS"
cat "$RESULTS"
