# csv.R -- R's side of bench/csv.sh: read.csv on a file written by
# bench/csv_gen.c.
#
#   Rscript bench/csv.R FILE [REPEATS]
#
# Times read.csv(FILE) with R's defaults (dates stay text, as they would
# for a user who does not convert them), the best by elapsed time of
# REPEATS (default 3) system.time() runs.  Prints one line:
#   n <rows> read_csv <s> read_csv_cpu <s> gc_max_mb <MB> object_mb <MB>
# where gc_max_mb is R's "max used" memory (Ncells + Vcells) over the runs
# and object_mb the size of the data frame read.
args <- commandArgs(trailingOnly = TRUE)
file <- args[1]
repeats <- if (length(args) > 1) as.integer(args[2]) else 3L

invisible(gc(reset = TRUE))
t <- c(elapsed = Inf, cpu = Inf)
for (r in seq_len(repeats)) {
    d <- NULL
    invisible(gc())
    s <- system.time(d <- read.csv(file))
    if (s[["elapsed"]] < t[["elapsed"]])
        t <- c(elapsed = s[["elapsed"]], cpu = s[["user.self"]] + s[["sys.self"]])
}
g <- gc()
max_mb <- sum(g[, ncol(g)])   # the "max used" column, in MB
cat(sprintf("n %d read_csv %.3f read_csv_cpu %.3f gc_max_mb %.1f object_mb %.1f\n",
            nrow(d), t[["elapsed"]], t[["cpu"]], max_mb,
            as.numeric(object.size(d)) / 2^20))
