# rates.R -- R's side of bench/rates.sh.
#
#   Rscript bench/rates.R rates FILE [REPEATS]
#   Rscript bench/rates.R ae EVENTS PATIENTS [REPEATS]
#
# The files are read first and not timed; only the computation is, the best
# (by elapsed time) of REPEATS (default 3) system.time() runs.  Prints one
# line "n <rows> compute <s> compute_cpu <s> gc_max_mb <MB> check <x>", where
# gc_max_mb is R's "max used" memory during the timed runs (after a
# gc(reset = TRUE) that follows the reading) and check a number to compare
# with oncostat's output.
#
# rates: what `oncostat rates FILE 'responded ~ arm'` reports -- the table,
#   binom.test per arm, the Newcombe difference (from prop.test limits),
#   fisher.test and chisq.test of the 2 x 2 table.
# ae: what `oncostat ae` reports -- the worst grade per patient and term and
#   per patient, counted by arm and grade, with the percentages.
args <- commandArgs(trailingOnly = TRUE)
what <- args[1]
best <- function(expr, repeats) {
    t <- c(elapsed = Inf, cpu = Inf)
    for (r in seq_len(repeats)) {
        s <- system.time(value <- eval.parent(substitute(expr)))
        if (s[["elapsed"]] < t[["elapsed"]])
            t <- c(elapsed = s[["elapsed"]], cpu = s[["user.self"]] + s[["sys.self"]])
    }
    list(time = t, value = value)
}

if (what == "rates") {
    repeats <- if (length(args) > 2) as.integer(args[3]) else 3L
    d <- read.csv(args[2], colClasses = c("integer", "factor", "factor", "logical"))
    invisible(gc(reset = TRUE))
    rates <- function(d) {
        tab <- table(d$arm, d$responded)[, c("TRUE", "FALSE")]
        ci <- lapply(1:2, function(g) binom.test(tab[g, 1], sum(tab[g, ]))$conf.int)
        w <- lapply(1:2, function(g)
            prop.test(tab[g, 1], sum(tab[g, ]), correct = FALSE)$conf.int)
        p <- tab[, 1] / rowSums(tab)
        dd <- p[2] - p[1]
        diff <- c(dd - sqrt((p[2] - w[[2]][1])^2 + (w[[1]][2] - p[1])^2),
                  dd + sqrt((w[[2]][2] - p[2])^2 + (p[1] - w[[1]][1])^2))
        ft <- fisher.test(tab[2:1, ])
        ct <- chisq.test(tab, correct = FALSE)
        c(ci[[2]], diff, ft$estimate, ft$p.value, ct$statistic)
    }
    r <- best(rates(d), repeats)
    n <- nrow(d)
    check <- r$value[[1]]   # lower limit of the second arm (TACE)
} else {
    repeats <- if (length(args) > 3) as.integer(args[4]) else 3L
    e <- read.csv(args[2], colClasses = c("character", "character", "character",
                                          "integer", "integer"))
    p <- read.csv(args[3], colClasses = c("character", "character"))
    invisible(gc(reset = TRUE))
    ae <- function(e, p) {
        arm <- p$arm[match(e$patient_id, p$patient_id)]
        key <- paste(e$patient_id, e$term, sep = "\r")
        worst <- tapply(e$grade, key, max)
        k <- strsplit(names(worst), "\r", fixed = TRUE)
        pid <- vapply(k, `[`, "", 1); term <- vapply(k, `[`, "", 2)
        parm <- p$arm[match(pid, p$patient_id)]
        by_term <- table(term, parm, factor(worst, levels = 1:5))
        any <- tapply(e$grade, e$patient_id, max)
        any_arm <- p$arm[match(names(any), p$patient_id)]
        by_any <- table(any_arm, factor(any, levels = 1:5))
        n_arm <- table(p$arm)
        pct <- 100 * apply(by_term, c(1, 2), sum) / rep(n_arm[colnames(by_term)],
                                                        each = nrow(by_term))
        list(by_term, by_any, pct)
    }
    r <- best(ae(e, p), repeats)
    n <- nrow(e)
    check <- sum(r$value[[2]])   # patients with any event
}
g <- gc()
cat(sprintf("n %d compute %.3f compute_cpu %.3f gc_max_mb %.1f check %.17g\n",
            n, r$time[["elapsed"]], r$time[["cpu"]], sum(g[, ncol(g)]), check))
