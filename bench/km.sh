#!/bin/sh
# km.sh -- `oncostat km` and `oncostat logrank` end to end against R
# survival's survfit and survdiff, on 1e5, 1e6 and 1e7 rows.
#
#   sh bench/km.sh                      (from the repository root)
#   ONCOSTAT=build/oncostat SIZES="100000 1000000" REPEATS=3 sh bench/km.sh
#
# Needs: a built oncostat (make), R with the survival package, GNU time
# (/usr/bin/time, Debian package "time").  Data go to $BENCH_DIR
# (default /tmp/oncostat-bench); results to bench/results/km.md.
#
# What is timed, best of REPEATS runs each:
#   oncostat  the whole process: read the CSV, build the model, fit, write
#             the JSON result (-o out.json); elapsed time and peak RSS from
#             /usr/bin/time.
#   R         survfit(Surv(time, status) ~ arm) and survdiff(...) alone,
#             with the data frame already in memory (read.csv is not
#             counted); system.time() elapsed.  R's peak RSS is that of
#             the whole Rscript process, reading included, and gc()'s "max
#             used" is the R heap during the timed calls only.
set -eu
cd "$(dirname "$0")/.."

ONCOSTAT=${ONCOSTAT:-build/oncostat}
BENCH_DIR=${BENCH_DIR:-/tmp/oncostat-bench}
SIZES=${SIZES:-"100000 1000000 10000000"}
REPEATS=${REPEATS:-3}
RESULTS=bench/results/km.md
FORMULA='Surv(time, status) ~ arm'

[ -x "$ONCOSTAT" ] || { echo "km.sh: $ONCOSTAT not built (run make)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "km.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
command -v Rscript >/dev/null || { echo "km.sh: Rscript missing" >&2; exit 2; }
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
    km=$(best_of "$ONCOSTAT" km "$data" "$FORMULA" --json -o "$BENCH_DIR/km.json")
    lr=$(best_of "$ONCOSTAT" logrank "$data" "$FORMULA" --json -o "$BENCH_DIR/logrank.json")
    /usr/bin/time -f '%e %M' -o "$BENCH_DIR/rtime.txt" \
        Rscript bench/km.R "$data" "$REPEATS" >"$BENCH_DIR/r.txt"
    r=$(cat "$BENCH_DIR/r.txt")
    r_rss=$(tail -n 1 "$BENCH_DIR/rtime.txt" | awk '{ print $2 }')
    echo "n=$n oncostat km: $km | logrank: $lr | R: $r | R peak RSS KB: $r_rss"
    rows="$rows$(echo "$n $km $lr $r_rss $r" | awk '{
        # $2-4 km (s, CPU s, KB), $5-7 logrank, $8 R RSS, then the R line
        for (i = 9; i <= NF; i++) {
            if ($i == "survfit") sf = $(i + 1);
            if ($i == "survfit_cpu") sfc = $(i + 1);
            if ($i == "survdiff") sd = $(i + 1);
            if ($i == "survdiff_cpu") sdc = $(i + 1);
            if ($i == "gc_max_mb") gm = $(i + 1);
        }
        printf "| %d | %.2f (%.2f) | %.2f (%.2f) | %.1fx (%.1fx) | %.2f (%.2f) | %.2f (%.2f) | %.1fx (%.1fx) | %.0f / %.0f | %.0f | %.0f |\n",
            $1, $2, $3, sf, sfc, sf / $2, sfc / $3, $5, $6, sd, sdc,
            sd / $5, sdc / $6, $4 / 1024, $7 / 1024, $8 / 1024, gm }')
"
done
end_load=$(load)

{
    echo "# Kaplan-Meier and log-rank: oncostat against R survival"
    echo
    echo "Reproduce: \`sh bench/km.sh\` (data from \`bench/surv_gen.c\`: columns"
    echo "arm, time, status; 3 arms, exponential times in whole days, 30 % censored)."
    echo
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //');"
    echo "R $(Rscript -e 'cat(as.character(getRversion()))' 2>/dev/null), survival $(Rscript -e 'cat(as.character(packageVersion("survival")))' 2>/dev/null);"
    echo "load average at start $start_load, at end $end_load; best of $REPEATS runs; $(date -u '+%Y-%m-%d %H:%M UTC')."
    echo
    echo "| rows | oncostat km, s (CPU s) | R survfit, s (CPU s) | survfit / km | oncostat logrank, s (CPU s) | R survdiff, s (CPU s) | survdiff / logrank | oncostat peak RSS km / logrank, MB | R peak RSS, MB | R gc max used, MB |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    printf '%s' "$rows"
    echo
    echo "oncostat: the whole process (read CSV, model frame, estimate, write JSON),"
    echo "elapsed and CPU (user + system) time from \`/usr/bin/time\`. R: the call alone"
    echo "on a data frame already in memory (\`read.csv\` is not counted), elapsed and"
    echo "CPU time from \`system.time()\`. Ratios: elapsed (CPU). CPU time is the steadier"
    echo "figure when other work shares the machine."
    echo "R's peak RSS includes reading the CSV; gc max used is R's heap during the"
    echo "timed calls."
} >"$RESULTS"
cat "$RESULTS"
