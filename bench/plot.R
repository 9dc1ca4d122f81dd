# plot.R -- R's side of bench/plot.sh: the Kaplan-Meier figure of a CSV
# written by bench/surv_gen.c, as one makes it in R: survfit, survdiff and
# coxph for the P value and hazard ratios, then plot.survfit into a 7 x 4.7
# inch PNG at 300 dpi (the size oncostat draws).
#
#   Rscript bench/plot.R FILE OUT.png [REPEATS]
#
# The file is read first and not timed; the four steps are timed together,
# the best (by elapsed time) of REPEATS (default 3) system.time() runs.
# Prints one line:
#   n <rows> figure <s> figure_cpu <s> gc_max_mb <MB> chisq <x> hr <B vs A> <C vs A>
suppressMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
file <- args[1]
out <- args[2]
repeats <- if (length(args) > 2) as.integer(args[3]) else 3L

d <- read.csv(file, colClasses = c("factor", "numeric", "integer"))
invisible(gc(reset = TRUE))

figure <- function() {
    fit <- survfit(Surv(time, status) ~ arm, data = d)
    lr <- survdiff(Surv(time, status) ~ arm, data = d)
    cx <- coxph(Surv(time, status) ~ arm, data = d)
    png(out, width = 7, height = 4.7, units = "in", res = 300)
    plot(fit, col = 1:3, lty = 1:3, mark.time = TRUE, xlab = "Time (days)",
         ylab = "Survival probability")
    legend("topright", levels(d$arm), col = 1:3, lty = 1:3)
    text(0, 0.05, sprintf("Log-rank P = %.3g", pchisq(lr$chisq, 2, lower.tail = FALSE)),
         adj = 0)
    dev.off()
    list(chisq = lr$chisq, hr = exp(coef(cx)))
}

t <- c(elapsed = Inf, cpu = Inf)
for (r in seq_len(repeats)) {
    s <- system.time(value <- figure())
    if (s[["elapsed"]] < t[["elapsed"]])
        t <- c(elapsed = s[["elapsed"]], cpu = s[["user.self"]] + s[["sys.self"]])
}
g <- gc()
cat(sprintf("n %d figure %.3f figure_cpu %.3f gc_max_mb %.1f chisq %.4f hr %s\n",
            nrow(d), t[["elapsed"]], t[["cpu"]], sum(g[, ncol(g)]), value$chisq,
            paste(sprintf("%.6f", value$hr), collapse = " ")))
