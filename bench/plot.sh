#!/bin/sh
# plot.sh -- `oncostat plot km` end to end against the same figure made in
# R (survfit, survdiff, coxph, plot.survfit into a 300 dpi PNG), on 1e5, 1e6
# and 1e7 rows.
#
#   sh bench/plot.sh                      (from the repository root)
#   ONCOSTAT=build/oncostat SIZES="100000 1000000" REPEATS=3 sh bench/plot.sh
#
# Needs: a built oncostat (make), R with the survival package, GNU time
# (/usr/bin/time, Debian package "time").  Data go to $BENCH_DIR (default
# /tmp/oncostat-bench, shared with bench/km.sh); results to
# bench/results/plot.md.
#
# What is timed, best of REPEATS runs each:
#   oncostat  the whole process: read the CSV, build the model, fit the
#             curves, the log-rank test and the Cox model, draw the PNG with
#             numbers at risk, write the JSON summary; elapsed time and peak
#             RSS from /usr/bin/time.
#   R         the same four steps on a data frame already in memory
#             (read.csv is not counted); system.time() elapsed.  R's peak RSS
#             is that of the whole Rscript process, reading included; gc()'s
#             "max used" is the R heap during the timed runs.
set -eu
cd "$(dirname "$0")/.."

ONCOSTAT=${ONCOSTAT:-build/oncostat}
BENCH_DIR=${BENCH_DIR:-/tmp/oncostat-bench}
SIZES=${SIZES:-"100000 1000000 10000000"}
REPEATS=${REPEATS:-3}
RESULTS=bench/results/plot.md
FORMULA='Surv(time, status) ~ arm'

[ -x "$ONCOSTAT" ] || { echo "plot.sh: $ONCOSTAT not built (run make)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "plot.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
command -v Rscript >/dev/null || { echo "plot.sh: Rscript missing" >&2; exit 2; }
mkdir -p "$BENCH_DIR" bench/results
cc -O2 -std=c11 bench/surv_gen.c -o "$BENCH_DIR/surv_gen" -lm

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

load() { cut -d' ' -f1-3 /proc/loadavg; }

rows=""
start_load=$(load)
for n in $SIZES; do
    data="$BENCH_DIR/surv_$n.csv"
    [ -s "$data" ] || "$BENCH_DIR/surv_gen" "$n" "$data"
    fig=$(best_of "$ONCOSTAT" plot km "$data" "$FORMULA" --hr --ci -o "$BENCH_DIR/km.png" \
        --json)
    /usr/bin/time -f '%e %M' -o "$BENCH_DIR/rtime.txt" \
        Rscript bench/plot.R "$data" "$BENCH_DIR/km_r.png" "$REPEATS" >"$BENCH_DIR/r.txt"
    r=$(cat "$BENCH_DIR/r.txt")
    r_rss=$(tail -n 1 "$BENCH_DIR/rtime.txt" | awk '{ print $2 }')
    echo "n=$n oncostat plot km: $fig | R: $r | R peak RSS KB: $r_rss"
    rows="$rows$(echo "$n $fig $r_rss $r" | awk '{
        # $2-4 oncostat (s, cpu s, KB), $5 R RSS, then the R line
        for (i = 6; i <= NF; i++) {
            if ($i == "figure") f = $(i + 1);
            if ($i == "gc_max_mb") gm = $(i + 1);
        }
        printf "| %d | %.2f (%.2f) | %.2f | %.1fx | %.0f | %.0f | %.0f |\n",
            $1, $2, $3, f, f / $2, $4 / 1024, $5 / 1024, gm }')
"
done
end_load=$(load)

{
    echo "# Kaplan-Meier figure: oncostat plot km against R"
    echo
    echo "Reproduce: \`sh bench/plot.sh\` (data from \`bench/surv_gen.c\`: columns"
    echo "arm, time, status; 3 arms, exponential times in whole days, 30 % censored)."
    echo
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //');"
    echo "R $(Rscript -e 'cat(as.character(getRversion()))' 2>/dev/null), survival $(Rscript -e 'cat(as.character(packageVersion("survival")))' 2>/dev/null);"
    echo "load average at start $start_load, at end $end_load (the machine was shared);"
    echo "best of $REPEATS runs; $(date -u '+%Y-%m-%d %H:%M UTC')."
    echo
    echo "| rows | oncostat plot km, s (CPU s) | R figure, s | R / oncostat | oncostat peak RSS, MB | R peak RSS, MB | R gc max used, MB |"
    echo "|---|---|---|---|---|---|---|"
    printf '%s' "$rows"
    echo
    echo "oncostat: \`oncostat plot km DATA 'Surv(time, status) ~ arm' --hr --ci -o km.png"
    echo "--json\`, the whole process (read CSV, model frame, Kaplan-Meier, log-rank, Cox,"
    echo "300 dpi PNG with numbers at risk, JSON summary), elapsed time from"
    echo "\`/usr/bin/time\`. R: survfit, survdiff, coxph and plot.survfit into a 300 dpi"
    echo "PNG on a data frame already in memory (\`read.csv\` is not counted), elapsed"
    echo "time from \`system.time()\`. R's peak RSS includes reading the CSV."
} >"$RESULTS"
cat "$RESULTS"
