# km_curves.R -- reference Kaplan-Meier tables, quantiles, survival at
# chosen times and SPSS-style medians for tests/stats/test_km.c.
# Run from the repository root:  Rscript tests/golden/stats/km_curves.R
# Writes tests/golden/stats/km_curves.txt.

source("tests/golden/stats/km_data.R")

conf_types <- c(log = "log", loglog = "log-log", plain = "plain")
probs <- c(0.25, 0.5, 0.75)

# Appendix of the research note on median CIs (SPSS-like Wald interval),
# verbatim.
spss_like <- function(time, status, p = .5, eps = .05, z = qnorm(.975)) {
  f <- survival::survfit(survival::Surv(time, status) ~ 1); ev <- f$n.event > 0
  t <- f$time[ev]; S <- f$surv[ev]
  gw <- cumsum(f$n.event/(f$n.risk*(f$n.risk - f$n.event)))[ev]   # Greenwood sum
  i <- which(S <= 1 - p)[1]; if (is.na(i)) return(NA)            # median not reached
  up <- which(S >= 1 - p + eps); lp <- which(S <= 1 - p - eps)
  u <- if (length(up)) t[max(up)] else 0; Su <- if (length(up)) S[max(up)] else 1
  l <- t[min(lp)]; Sl <- S[min(lp)]                                # NA if no S <= 1-p-eps
  se <- S[i]*sqrt(gw[i]) / ((Su - Sl)/(l - u))
  c(median = t[i], se = se, lo = t[i] - z*se, hi = t[i] + z*se)
}

fit_case <- function(d, ct) {
    y <- if (is.null(d$entry)) Surv(d$time, d$status)
         else Surv(d$entry, d$time, d$status)
    grp <- factor(d$group)
    if (is.null(d$weight))
        survfit(y ~ grp, conf.type = ct)
    else  # weighted Greenwood, not the infinitesimal jackknife
        survfit(y ~ grp, weights = d$weight, conf.type = ct, robust = FALSE)
}

curve_of <- function(fit, i) if (is.null(fit$strata)) fit else fit[i]

for (name in names(km_cases)) {
    d <- km_cases[[name]]
    put_data(name, d)
    groups <- sort(unique(d$group))
    for (ct in names(conf_types)) {
        fit <- fit_case(d, conf_types[[ct]])
        for (i in seq_along(groups)) {
            f <- curve_of(fit, i)
            key <- sprintf("%s.g%d", name, groups[i])
            if (ct == "log") {
                put(paste0(key, ".n"), f$n)
                put(paste0(key, ".events"), sum(f$n.event))
                put(paste0(key, ".time"), f$time)
                put(paste0(key, ".n_risk"), f$n.risk)
                put(paste0(key, ".n_event"), f$n.event)
                put(paste0(key, ".n_censor"), f$n.censor)
                put(paste0(key, ".surv"), f$surv)
                put(paste0(key, ".std_err_log"), f$std.err)
                put(paste0(key, ".std_err"), summary(f, censored = TRUE)$std.err)
                put(paste0(key, ".cumhaz"), f$cumhaz)
                put(paste0(key, ".cumhaz_se"), f$std.chaz)
                # print.survfit's median (minmin), to document where it
                # differs from quantile.survfit.
                put(paste0(key, ".print_median"),
                    survival:::survmean(f, rmean = "none")$matrix["median"])
                if (is.null(d$weight) && is.null(d$entry)) {
                    sel <- d$group == groups[i]
                    # min() of an empty bracket warns; the result is then NA.
                    put(paste0(key, ".spss"),
                        suppressWarnings(spss_like(d$time[sel], d$status[sel])))
                }
            }
            put(paste0(key, ".lower_", ct), f$lower)
            put(paste0(key, ".upper_", ct), f$upper)
            q <- quantile(f, probs)
            put(paste0(key, ".q_", ct), q$quantile)
            put(paste0(key, ".q_lower_", ct), q$lower)
            put(paste0(key, ".q_upper_", ct), q$upper)
            m <- quantile(f, 0.5)
            put(paste0(key, ".median_", ct), c(m$quantile, m$lower, m$upper))
            s <- summary(f, times = d$times)
            a <- paste0(key, ".at_", ct)
            put(paste0(a, ".time"), s$time)
            put(paste0(a, ".n_risk"), s$n.risk)
            put(paste0(a, ".surv"), s$surv)
            put(paste0(a, ".std_err"), s$std.err)
            put(paste0(a, ".lower"), s$lower)
            put(paste0(a, ".upper"), s$upper)
            put(paste0(a, ".cumhaz"), s$cumhaz)
            put(paste0(a, ".n_event_cum"),
                sapply(s$time, function(t) sum(f$n.event[f$time <= t])))
        }
    }
}

# The 0.95 two-sided normal quantile, used by the survival difference test.
put("qnorm975", qnorm(0.975))

# Difference of two curves at a time (two-sample z test on Greenwood SEs),
# computed from summary.survfit output: lung by sex at 180 and 365 days.
d <- km_cases$lung_sex
fit <- fit_case(d, "log")
s1 <- summary(fit[1], times = c(180, 365))
s2 <- summary(fit[2], times = c(180, 365))
dif <- s1$surv - s2$surv
se <- sqrt(s1$std.err^2 + s2$std.err^2)
put("lung_sex.diff.time", s1$time)
put("lung_sex.diff.diff", dif)
put("lung_sex.diff.se", se)
put("lung_sex.diff.lower", dif - qnorm(0.975) * se)
put("lung_sex.diff.upper", dif + qnorm(0.975) * se)
put("lung_sex.diff.z", dif / se)
put("lung_sex.diff.p", 2 * pnorm(-abs(dif / se)))

write_golden("tests/golden/stats/km_curves.txt",
             "written by tests/golden/stats/km_curves.R (R survival 3.5-3)")
