# km_robust.R -- reference infinitesimal-jackknife (robust) standard errors
# of Kaplan-Meier curves and Nelson-Aalen hazards for
# tests/stats/test_km_robust.c.
# Run from the repository root:  Rscript tests/golden/stats/km_robust.R
# Writes tests/golden/stats/km_robust.txt.
#
# Each case writes its data (time, status 0/1, group 0-based, optionally
# entry, weight, cluster 0-based) and, per group g, the rows of
# survfit(..., robust = TRUE) with log and log-log intervals.

source("tests/golden/stats/km_data.R")

robust_fit <- function(d, ct) {
    y <- if (is.null(d$entry)) Surv(d$time, d$status)
         else Surv(d$entry, d$time, d$status)
    grp <- factor(d$group)
    w <- if (is.null(d$weight)) rep(1, length(d$time)) else d$weight
    id <- if (is.null(d$cluster)) seq_along(d$time) else d$cluster
    survfit(y ~ grp, weights = w, id = id, robust = TRUE, conf.type = ct)
}

put_case <- function(name, d) {
    put(paste0(name, ".time"), d$time)
    put(paste0(name, ".status"), d$status)
    put(paste0(name, ".group"), d$group)
    put(paste0(name, ".ngroups"), max(d$group) + 1)
    if (!is.null(d$entry)) put(paste0(name, ".entry"), d$entry)
    if (!is.null(d$weight)) put(paste0(name, ".weight"), d$weight)
    if (!is.null(d$cluster)) {
        put(paste0(name, ".cluster"), d$cluster)
        put(paste0(name, ".nclusters"), max(d$cluster) + 1)
    }
    for (ct in c(log = "log", loglog = "log-log")) {
        fit <- robust_fit(d, ct)
        stopifnot(!fit$logse)   # std.err is the SE of S itself
        k <- if (is.null(fit$strata)) 1 else length(fit$strata)
        ends <- if (is.null(fit$strata)) length(fit$time) else cumsum(fit$strata)
        starts <- c(1, head(ends, -1) + 1)
        for (g in seq_len(k)) {
            i <- starts[g]:ends[g]
            p <- function(s, x) put(sprintf("%s.g%d.%s", name, g - 1, s), x)
            if (ct == "log") {
                p("time", fit$time[i])
                p("n_risk", fit$n.risk[i])
                p("surv", fit$surv[i])
                p("std_err", fit$std.err[i])
                p("cumhaz_se", fit$std.chaz[i])
            }
            sfx <- if (ct == "log") "" else ".loglog"
            p(paste0("lower", sfx), fit$lower[i])
            p(paste0("upper", sfx), fit$upper[i])
        }
    }
}

n <- nrow(lung)
w_lung <- 0.5 + (seq_len(n) %% 5) / 4 + (seq_len(n) %% 3) / 7

cases <- list()

# Individual clusters, non-integer weights (R's default variance for such
# weights), two groups.
cases$lung_w <- with(lung, list(time = time, status = status - 1,
    group = sex - 1, weight = w_lung))

# Unweighted: the jackknife differs from Greenwood even here.
cases$lung_unw <- with(lung, list(time = time, status = status - 1,
    group = rep(0, n)))

# Clusters: institutions (the row with a missing institution left out),
# each spanning both groups.
keep <- !is.na(lung$inst)
cases$lung_inst <- with(lung[keep, ], list(time = time, status = status - 1,
    group = sex - 1, weight = w_lung[keep],
    cluster = as.integer(factor(inst)) - 1))

# Delayed entry with individual clusters.
entry <- floor(lung$time * ((seq_len(n) * 37) %% 11) / 20)
cases$lung_entry <- with(lung, list(time = time, status = status - 1,
    group = sex - 1, entry = entry, weight = w_lung))

# Counting-process data: every patient split at half their time, the pieces
# joined by the patient as cluster.  The curve is the one of the whole
# data, and so is the jackknife variance.
half <- floor(lung$time / 2)
split_ok <- half > 0
cases$lung_split <- list(
    time = c(half[split_ok], lung$time),
    entry = c(rep(0, sum(split_ok)), ifelse(split_ok, half, 0)),
    status = c(rep(0, sum(split_ok)), lung$status - 1),
    group = c(lung$sex[split_ok], lung$sex) - 1,
    weight = c(w_lung[split_ok], w_lung),
    cluster = c(which(split_ok), seq_len(n)) - 1)

# Ties of events and censorings, zero weights, and a curve that drops to 0
# when everyone left at risk dies.
cases$ties_zero <- list(
    time =   c(1, 1, 2, 2, 2, 3, 4, 4, 5, 6, 6, 7, 7, 7, 8, 8),
    status = c(1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1),
    group =  c(0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0),
    weight = c(1.5, 2, 0.25, 1, 0, 3, 1, 0.5, 2, 1, 1.25, 1, 2, 0.75, 1, 0.5))

# Small clusters with delayed entry, some spanning groups.
cases$entry_clusters <- list(
    time =    c(3, 5, 6, 8, 9, 10, 12, 12, 14, 15, 17, 20),
    entry =   c(0, 1, 2, 0, 4, 3,  5,  0,  6,  2,  8,  1),
    status =  c(1, 0, 1, 1, 0, 1,  1,  0,  1,  0,  1,  1),
    group =   c(0, 0, 0, 0, 0, 0,  1,  1,  1,  1,  1,  1),
    weight =  c(1, 2, 1.5, 1, 0.5, 1, 2, 1, 1, 1.5, 1, 0.75),
    cluster = c(0, 0, 1, 2, 2, 3,  0,  4,  4,  5,  1,  5))

for (nm in names(cases)) put_case(nm, cases[[nm]])
put("cases", length(cases))

# The split data must give the whole data's robust variance (a check of R
# against itself, which the split case relies on).
a <- robust_fit(cases$lung_w, "log")
b <- robust_fit(cases$lung_split, "log")
tt <- sort(unique(lung$time[lung$status == 2]))
sa <- summary(a, times = tt)
sb <- summary(b, times = tt)
stopifnot(isTRUE(all.equal(sa$surv, sb$surv, tolerance = 1e-12)),
          isTRUE(all.equal(sa$std.err, sb$std.err, tolerance = 1e-10)))

write_golden("tests/golden/stats/km_robust.txt",
             "survfit(..., robust = TRUE): tests/golden/stats/km_robust.R")
