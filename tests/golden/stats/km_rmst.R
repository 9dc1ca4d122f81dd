# km_rmst.R -- reference restricted mean survival times for
# tests/stats/test_rmst.c.
# Run from the repository root:  Rscript tests/golden/stats/km_rmst.R
# Writes tests/golden/stats/km_rmst.txt.
#
# Per group: print.survfit's rmean and se(rmean) (survival:::survmean, the
# function print.survfit calls) at fixed tau, at rmean = "common" and at the
# survRM2 default tau.  survRM2 is not installed, so its rmst1() and the
# rmst2() contrasts are written out below from the package's documented
# definitions, and the per-group values are checked against print.survfit.

source("tests/golden/stats/km_data.R")

taus <- list(lung_sex = c(310, 500, 1022), lung_all = c(365, 1100),
             veteran_trt = c(100, 200), ovarian_rx = c(500, 800),
             aml_x = c(30, 200), freireich = c(20, 23),
             ties = c(6, 8.5), heavy_censoring = c(75, 140),
             weights = c(30, 50), entry = c(60, 100),
             one_event = c(12, 20), no_event = c(12, 16),
             flat_end = c(0.5, 3.5), midpoint = c(4, 6), all_die = c(2.5, 5))

fit_case <- function(d) {
    y <- if (is.null(d$entry)) Surv(d$time, d$status)
         else Surv(d$entry, d$time, d$status)
    grp <- factor(d$group)
    if (is.null(d$weight)) survfit(y ~ grp)
    else survfit(y ~ grp, weights = d$weight, robust = FALSE)
}

curve_of <- function(fit, i) if (is.null(fit$strata)) fit else fit[i]

# survRM2::rmst1 (Uno et al.), written from the package definition: the
# area under the KM curve up to tau and the Greenwood-type variance
# sum over event times of (area after t)^2 d / (n (n - d)).  It takes a
# one-curve survfit object so that it also covers weights and delayed entry.
rmst1 <- function(ft, tau, alpha = 0.05) {
    idx <- ft$time <= tau
    wk.time <- sort(c(ft$time[idx], tau))
    wk.surv <- ft$surv[idx]
    wk.n.risk <- ft$n.risk[idx]
    wk.n.event <- ft$n.event[idx]
    time.diff <- diff(c(0, wk.time))
    areas <- time.diff * c(1, wk.surv)
    rmst <- sum(areas)
    wk.var <- ifelse((wk.n.risk - wk.n.event) == 0, 0,
                     wk.n.event / (wk.n.risk * (wk.n.risk - wk.n.event)))
    wk.var <- c(wk.var, 0)
    rmst.var <- sum(cumsum(rev(areas[-1]))^2 * rev(wk.var)[-1])
    rmst.se <- sqrt(rmst.var)
    z <- qnorm(1 - alpha / 2)
    c(est = rmst, se = rmst.se, lower = rmst - z * rmst.se,
      upper = rmst + z * rmst.se)
}

# survRM2::rmst2 contrasts, arm 1 versus arm 0.
contrast <- function(r1, r0, alpha = 0.05) {
    z <- qnorm(1 - alpha / 2)
    diff <- r1["est"] - r0["est"]
    diff.se <- sqrt(r1["se"]^2 + r0["se"]^2)
    lr <- log(r1["est"]) - log(r0["est"])
    lr.se <- sqrt(r1["se"]^2 / r1["est"]^2 + r0["se"]^2 / r0["est"]^2)
    c(diff, diff.se, diff - z * diff.se, diff + z * diff.se,
      pnorm(-abs(diff) / diff.se) * 2,
      exp(lr), lr.se, exp(lr - z * lr.se), exp(lr + z * lr.se),
      pnorm(-abs(lr) / lr.se) * 2)
}

# print.survfit's numbers, one row per group.
print_rmean <- function(fit, rmean) {
    m <- survival:::survmean(fit, rmean = rmean)
    mat <- m$matrix
    if (!is.matrix(mat)) mat <- matrix(mat, nrow = 1, dimnames = list(NULL, names(mat)))
    list(est = unname(mat[, "rmean"]), se = unname(mat[, "se(rmean)"]),
         tau = m$end.time)
}

for (name in names(km_cases)) {
    d <- km_cases[[name]]
    put_data(name, d)
    fit <- fit_case(d)
    groups <- sort(unique(d$group))
    last <- sapply(seq_along(groups), function(i) max(curve_of(fit, i)$time))

    tau_list <- c(taus[[name]], min(last))
    put(paste0(name, ".taus"), taus[[name]])
    put(paste0(name, ".tau_min_of_max"), min(last))
    for (k in seq_along(tau_list)) {
        tau <- tau_list[k]
        label <- if (k > length(taus[[name]])) "min_of_max" else sprintf("tau%d", k)
        pr <- print_rmean(fit, tau)
        res <- list()
        for (i in seq_along(groups)) {
            r <- rmst1(curve_of(fit, i), tau)
            # survRM2's per-arm variance is print.survfit's: no n/(n-1).
            stopifnot(isTRUE(all.equal(unname(r["est"]), pr$est[i], tolerance = 1e-13)),
                      isTRUE(all.equal(unname(r["se"]), pr$se[i], tolerance = 1e-13)))
            key <- sprintf("%s.%s.g%d", name, label, groups[i])
            put(key, c(pr$est[i], pr$se[i], r["lower"], r["upper"]))
            res[[i]] <- r
        }
        if (length(groups) >= 2)
            put(sprintf("%s.%s.contrast", name, label), contrast(res[[2]], res[[1]]))
    }
    # rmean = "common": tau = the largest time over all groups.
    pr <- print_rmean(fit, "common")
    put(paste0(name, ".common.tau"), pr$tau[1])
    put(paste0(name, ".common.est"), pr$est)
    put(paste0(name, ".common.se"), pr$se)
}

write_golden("tests/golden/stats/km_rmst.txt",
             "written by tests/golden/stats/km_rmst.R (R survival 3.5-3)")
