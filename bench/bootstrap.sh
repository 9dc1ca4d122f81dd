#!/bin/sh
# bootstrap.sh -- `oncostat ps --bootstrap` against the same bootstrap
# written in R: 1e5 patients, B = 1000 replicates, two cores.
#
#   sh bench/bootstrap.sh                         (from the repository root)
#   ONCOSTAT=build/oncostat N=100000 B=1000 REPEATS=3 R_B=1000 sh bench/bootstrap.sh
#
# Needs: a built oncostat (make), R with the survival package (parallel is
# part of R), GNU time (/usr/bin/time, Debian package "time").  Data go to
# $BENCH_DIR (default /tmp/oncostat-bench); results to
# bench/results/bootstrap.md.
#
# Each replicate draws the patients with replacement, refits the propensity
# model (logistic regression on age, sex, ECOG, KIT exon 9, extrahepatic
# disease), derives IPTW weights for the ATE, and refits the weighted Cox
# model and the weighted Kaplan-Meier curves (S at 12 and 24 months).
#
# What is timed:
#   oncostat  the whole process, best of REPEATS: read the CSV, model frame,
#             propensity design, balance, the weighted analyses with robust
#             variances, B replicates on 2 threads, JSON out; once more on
#             1 thread for the speed-up.  Elapsed, CPU and peak RSS from
#             /usr/bin/time.
#   R         bench/bootstrap.R: the R_B replicates alone (data in memory),
#             on 2 processes with parallel::mclapply, system.time()
#             elapsed and CPU; run once (it takes minutes).  Peak RSS of the
#             Rscript process tree from /usr/bin/time.
set -eu
cd "$(dirname "$0")/.."

ONCOSTAT=${ONCOSTAT:-build/oncostat}
BENCH_DIR=${BENCH_DIR:-/tmp/oncostat-bench}
N=${N:-100000}
B=${B:-1000}
R_B=${R_B:-$B}
REPEATS=${REPEATS:-3}
RESULTS=bench/results/bootstrap.md
FORMULA='arm ~ age + sex + factor(ecog) + kit_exon9 + extrahepatic'

[ -x "$ONCOSTAT" ] || { echo "bootstrap.sh: $ONCOSTAT not built (run make)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bootstrap.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
command -v Rscript >/dev/null || { echo "bootstrap.sh: Rscript missing" >&2; exit 2; }
mkdir -p "$BENCH_DIR" bench/results

data="$BENCH_DIR/ps_$N.csv"
[ -s "$data" ] || Rscript bench/bootstrap.R gen "$N" "$data"

# run_ps THREADS -- one timed run; prints "elapsed cpu peak_rss_kb"
run_ps() {
    /usr/bin/time -f '%e %U %S %M' -o "$BENCH_DIR/time.txt" \
        "$ONCOSTAT" ps "$data" "$FORMULA" --outcome 'Surv(time, status)' \
        --times 12,24 --bootstrap "$B" --seed 1 --threads "$1" --json \
        -o "$BENCH_DIR/ps.json" >/dev/null
    tail -n 1 "$BENCH_DIR/time.txt" | awk '{ print $1, $2 + $3, $4 }'
}

load() { cut -d' ' -f1-3 /proc/loadavg; }

start_load=$(load)
best=""
r=0
while [ "$r" -lt "$REPEATS" ]; do
    line=$(run_ps 2)
    echo "oncostat, 2 threads: $line"
    best=$(printf '%s\n%s\n' "$best" "$line" | awk 'NF == 3 {
        if (b == "" || $1 < b) { b = $1; c = $2; m = $3 } } END { print b, c, m }')
    r=$((r + 1))
done
one=$(run_ps 1)
echo "oncostat, 1 thread: $one"
failed=$(grep -o '"n_failed": [0-9]*' "$BENCH_DIR/ps.json" | sed 's/.*: //')

/usr/bin/time -f '%e %M' -o "$BENCH_DIR/rtime.txt" \
    Rscript bench/bootstrap.R run "$data" "$R_B" 2 >"$BENCH_DIR/r.txt"
rline=$(cat "$BENCH_DIR/r.txt")
r_rss=$(tail -n 1 "$BENCH_DIR/rtime.txt" | awk '{ print $2 }')
echo "R ($R_B replicates, 2 processes): $rline, peak RSS KB $r_rss"
end_load=$(load)

row=$(echo "$N $B $R_B $best $one $r_rss $rline" | awk '{
    # 1 N, 2 B, 3 R_B, 4-6 best 2 threads, 7-9 one thread, 10 R RSS, then R line
    for (i = 11; i <= NF; i++) {
        if ($i == "elapsed") re = $(i + 1);
        if ($i == "cpu") rc = $(i + 1);
        if ($i == "gc_max_mb") gm = $(i + 1);
    }
    scale = $2 / $3;     # R timed on R_B replicates
    printf "| %d | %d | %.1f (%.1f) | %.1f (%.1f) | %.1f (%.1f) | %.1fx (%.1fx) | %.0f | %.0f / %.0f |\n",
        $1, $2, $4, $5, $7, $8, re * scale, rc * scale, re * scale / $4, rc * scale / $5,
        $6 / 1024, $10 / 1024, gm }')

{
    echo "# Bootstrap of a propensity-score survival analysis: oncostat against R"
    echo
    echo "Reproduce: \`sh bench/bootstrap.sh\` (data from \`bench/bootstrap.R gen\`:"
    echo "age, sex, ECOG 0-2, KIT exon 9, extrahepatic disease, a confounded two-arm"
    echo "treatment, exponential survival in months, censoring uniform on 12-84)."
    echo
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //');"
    echo "$(Rscript -e 'cat(R.version.string, ", survival ", format(packageVersion("survival")), sep = "")');"
    echo "load average at start $start_load, at end $end_load; oncostat best of $REPEATS runs;"
    echo "R run once; $(date -u '+%Y-%m-%d %H:%M UTC')."
    echo
    echo "| patients | replicates | oncostat, 2 threads, s (CPU s) | oncostat, 1 thread, s (CPU s) | R, 2 processes, s (CPU s) | R / oncostat | oncostat peak RSS, MB | R peak RSS / gc max used, MB |"
    echo "|---|---|---|---|---|---|---|---|"
    echo "$row"
    echo
    echo "Command timed: \`oncostat ps DATA '$FORMULA' --outcome 'Surv(time, status)' --times 12,24 --bootstrap $B --seed 1 --threads 2 --json -o ps.json\`."
    echo "oncostat: the whole process (read the CSV, model frame, propensity model,"
    echo "weights, balance, weighted Kaplan-Meier/log-rank/Cox with robust variances,"
    echo "then the $B replicates, JSON out); replicates without a usable Cox fit: $failed."
    echo "R: \`bench/bootstrap.R\`, the replicates alone with the data in memory,"
    echo "\`parallel::mclapply\` on 2 processes (glm, coxph and survfit with the weights,"
    echo "robust = FALSE); $R_B replicates timed$( [ "$R_B" = "$B" ] || echo ", scaled to $B")."
    echo "Ratios: elapsed (CPU). CPU time is the steadier figure on a shared machine."
} >"$RESULTS"
cat "$RESULTS"
