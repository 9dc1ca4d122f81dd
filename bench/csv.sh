#!/bin/sh
# csv.sh -- speed and memory of the CSV reader on 1e6 and 1e7 rows, with R's
# read.csv on the same files.
#
#   sh bench/csv.sh                    (from the repository root)
#   SIZES="1000000" REPEATS=5 R_SIZES="" sh bench/csv.sh
#
# Needs: a C compiler, GNU time (/usr/bin/time, Debian package "time"); R
# for the read.csv column (R_SIZES="" skips it); a built oncostat for the
# end-to-end column (ONCOSTAT, default build/oncostat; skipped if missing).
# Data go to $BENCH_DIR (default /tmp/oncostat-bench, about 1 GB for 1e7
# rows); results to bench/results/csv.md.
#
# What is timed, best of REPEATS runs each (each run a fresh process):
#   onc_csv_read     bench/csv_read, built here with the project's warning
#                    flags at -O2: one onc_csv_read of the file (from the
#                    page cache) into a frame.  Wall and CPU time as
#                    measured inside the process; peak RSS of the process
#                    from /usr/bin/time (the largest of the runs).
#   oncostat         `oncostat describe FILE --json -o out.json`: the whole
#                    process, reading, summarising every column and writing
#                    JSON; elapsed, CPU and peak RSS from /usr/bin/time.
#   R                read.csv(FILE) with its defaults (bench/csv.R), timed
#                    by system.time(); peak RSS of the Rscript process and
#                    gc()'s "max used".
set -eu
cd "$(dirname "$0")/.."

BENCH_DIR=${BENCH_DIR:-/tmp/oncostat-bench}
SIZES=${SIZES:-"1000000 10000000"}
R_SIZES=${R_SIZES-$SIZES}
REPEATS=${REPEATS:-3}
ONCOSTAT=${ONCOSTAT:-build/oncostat}
CC=${CC:-cc}
RESULTS=bench/results/csv.md
FLAGS="-std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror
       -Wshadow -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes
       -Wno-unused-parameter -O2"

[ -x /usr/bin/time ] || { echo "csv.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
mkdir -p "$BENCH_DIR" bench/results
# shellcheck disable=SC2086
$CC $FLAGS bench/csv_gen.c -o "$BENCH_DIR/csv_gen"
# shellcheck disable=SC2086
$CC $FLAGS -Iinclude -Isrc bench/csv_read.c src/core/*.c src/data/frame.c \
    src/data/date.c src/io/csv.c -lm -o "$BENCH_DIR/csv_read"

load() { cut -d' ' -f1-3 /proc/loadavg; }

# reader FILE -- best wall s, best CPU s, largest peak RSS KB, typed MiB
reader() {
    r=0
    : >"$BENCH_DIR/reader.txt"
    while [ "$r" -lt "$REPEATS" ]; do
        /usr/bin/time -f '%M' -o "$BENCH_DIR/time.txt" \
            "$BENCH_DIR/csv_read" "$1" 1 >"$BENCH_DIR/read_out.txt"
        wall=$(awk '/ MB in / { print $4 }' "$BENCH_DIR/read_out.txt")
        cpu=$(awk '/^CPU time/ { print $3 }' "$BENCH_DIR/read_out.txt")
        typed=$(awk '/^typed columns/ { print $3 }' "$BENCH_DIR/read_out.txt")
        rss=$(tail -n 1 "$BENCH_DIR/time.txt")
        echo "$wall $cpu $rss $typed" >>"$BENCH_DIR/reader.txt"
        r=$((r + 1))
    done
    awk 'NR == 1 || $1 < w { w = $1 } NR == 1 || $2 < c { c = $2 }
         $3 > m { m = $3 } { t = $4 } END { print w, c, m, t }' "$BENCH_DIR/reader.txt"
}

# whole CMD... -- best elapsed s, its CPU s, largest peak RSS KB
whole() {
    r=0
    : >"$BENCH_DIR/whole.txt"
    while [ "$r" -lt "$REPEATS" ]; do
        /usr/bin/time -f '%e %U %S %M' -o "$BENCH_DIR/time.txt" "$@" >/dev/null
        tail -n 1 "$BENCH_DIR/time.txt" >>"$BENCH_DIR/whole.txt"
        r=$((r + 1))
    done
    awk 'NR == 1 || $1 < e { e = $1; c = $2 + $3 } $4 > m { m = $4 }
         END { print e, c, m }' "$BENCH_DIR/whole.txt"
}

rows=""
start_load=$(load)
for n in $SIZES; do
    data="$BENCH_DIR/patients_$n.csv"
    [ -s "$data" ] || "$BENCH_DIR/csv_gen" "$n" "$data"
    bytes=$(wc -c <"$data")
    rd=$(reader "$data")
    if [ -x "$ONCOSTAT" ]; then
        e2e=$(whole "$ONCOSTAT" describe "$data" --json -o "$BENCH_DIR/describe.json")
    else
        e2e="NA NA NA"
    fi
    rline="NA"
    r_rss="NA"
    case " $R_SIZES " in
    *" $n "*)
        if command -v Rscript >/dev/null; then
            /usr/bin/time -f '%M' -o "$BENCH_DIR/rtime.txt" \
                Rscript bench/csv.R "$data" "$REPEATS" >"$BENCH_DIR/r.txt"
            rline=$(cat "$BENCH_DIR/r.txt")
            r_rss=$(tail -n 1 "$BENCH_DIR/rtime.txt")
        fi
        ;;
    esac
    echo "n=$n bytes=$bytes reader: $rd | oncostat describe: $e2e | R: $rline | R RSS KB: $r_rss"
    rows="$rows$(echo "$n $bytes $rd $e2e $r_rss $rline" | awk '{
        # $3-6 reader wall, CPU, RSS KB, typed MiB; $7-9 describe s, CPU, KB;
        # $10 R RSS KB; then the R line
        rs = "NA"; rc = "NA"; gm = "NA"
        for (i = 11; i <= NF; i++) {
            if ($i == "read_csv") rs = $(i + 1);
            if ($i == "read_csv_cpu") rc = $(i + 1);
            if ($i == "gc_max_mb") gm = $(i + 1);
        }
        mb = $2 / 1e6
        printf "| %d | %.0f | %.1f | %.3f (%.3f) | %.0f (%.0f) | %.0f | %s | %s | %s | %s |\n",
            $1, mb, $6, $3, $4, mb / $3, mb / $4, $5 / 1024,
            ($7 == "NA" ? "NA" : sprintf("%.2f (%.2f), %.0f MiB", $7, $8, $9 / 1024)),
            (rs == "NA" ? "not run" : sprintf("%.1f (%.1f)", rs, rc)),
            ($10 == "NA" ? "NA" : sprintf("%.0f", $10 / 1024)), gm }')
"
done
end_load=$(load)

{
    echo "# Reading CSV: onc_csv_read against R's read.csv"
    echo
    echo "Reproduce: \`SIZES=\"$SIZES\" R_SIZES=\"$R_SIZES\" REPEATS=$REPEATS sh bench/csv.sh\`"
    echo "(data from \`bench/csv_gen.c\`: one row per"
    echo "patient, 14 columns: integer id, 3 text, 2 numbers with decimals, an"
    echo "integer with 5 % missing, 3 ISO dates, a 0/1 integer, a logical, a number"
    echo "with 10 % NA, a mostly empty quoted free-text note)."
    echo
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //');"
    if command -v Rscript >/dev/null; then
        echo "R $(Rscript -e 'cat(as.character(getRversion()))' 2>/dev/null);"
    fi
    echo "load average at start $start_load, at end $end_load; best of $REPEATS runs; $(date -u '+%Y-%m-%d %H:%M UTC')."
    echo
    echo "| rows | file, MB | typed columns, MiB | onc_csv_read, s (CPU s) | MB/s (per CPU s) | onc_csv_read peak RSS, MiB | oncostat describe end to end, s (CPU s), peak RSS | R read.csv, s (CPU s) | R peak RSS, MiB | R gc max used, MiB |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    printf '%s' "$rows"
    echo
    echo "MB = 10^6 bytes of input; MiB = 2^20 bytes of memory. onc_csv_read: one"
    echo "read of the file (in the page cache) into a typed frame, timed inside"
    echo "\`bench/csv_read\` (wall and process CPU time, best of the runs); its peak"
    echo "RSS is the largest of the runs and includes the program itself (about"
    echo "2 MiB). The typed columns are the frame: 8 bytes per number, date,"
    echo "integer or logical, 4 per factor code, plus the level texts. oncostat"
    echo "describe: the whole process (read, summarise every column, write JSON)"
    echo "from \`/usr/bin/time\`. R: read.csv with its defaults, which leaves the"
    echo "dates as text; CPU time is the steadier figure when other work shares"
    echo "the machine."
} >"$RESULTS"
cat "$RESULTS"
