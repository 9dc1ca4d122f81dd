# km.R -- R's side of bench/km.sh: survfit and survdiff on a CSV written by
# bench/surv_gen.c.
#
#   Rscript bench/km.R FILE [REPEATS]
#
# The file is read first and not timed: only the two calls are, each the
# best (by elapsed time) of REPEATS (default 3) system.time() runs.  Prints
# one line:
#   n <rows> survfit <s> survfit_cpu <s> survdiff <s> survdiff_cpu <s>
#   gc_max_mb <MB> median <A> <B> <C> chisq <x>
# where gc_max_mb is R's "max used" memory (Ncells + Vcells) during the
# timed calls, after a gc(reset = TRUE) that follows the reading.

suppressMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
file <- args[1]
repeats <- if (length(args) > 1) as.integer(args[2]) else 3L

d <- read.csv(file, colClasses = c("factor", "numeric", "integer"))
invisible(gc(reset = TRUE))

best <- function(expr) {
    t <- c(elapsed = Inf, cpu = Inf)
    for (r in seq_len(repeats)) {
        s <- system.time(value <- eval.parent(substitute(expr)))
        if (s[["elapsed"]] < t[["elapsed"]])
            t <- c(elapsed = s[["elapsed"]],
                   cpu = s[["user.self"]] + s[["sys.self"]])
    }
    list(time = t, value = value)
}

km <- best(survfit(Surv(time, status) ~ arm, data = d))
lr <- best(survdiff(Surv(time, status) ~ arm, data = d))
g <- gc()
max_mb <- sum(g[, ncol(g)])   # the "max used" column, in MB

med <- quantile(km$value, 0.5)$quantile
cat(sprintf(paste("n %d survfit %.3f survfit_cpu %.3f survdiff %.3f",
                  "survdiff_cpu %.3f gc_max_mb %.1f median %s chisq %.4f\n"),
            nrow(d), km$time[["elapsed"]], km$time[["cpu"]],
            lr$time[["elapsed"]], lr$time[["cpu"]], max_mb,
            paste(format(med), collapse = " "), lr$value$chisq))
