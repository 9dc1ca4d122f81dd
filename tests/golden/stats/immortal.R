# immortal.R -- reference values for src/stats/immortal.c.
#
# Run from the repository root:  Rscript tests/golden/stats/immortal.R
# Writes tests/golden/stats/immortal.txt.  The patients are those of
# tests/golden/data/tvsplit.R (sourced: it also rewrites its own outputs,
# identically).
#
# For each covariate set <c> (none: treatment only; adj: + age +
# factor(ecog)) and analysis <a>:
#   naive     coxph(Surv(time, status) ~ ever [+ ...]),  ever = ttx <= time
#   tv        coxph(Surv(tstart, tstop, death) ~ treated [+ ...]) on
#             tmerge(..., death = event(time, status), treated = tdc(ttx))
#   landmark  coxph(Surv(time - 6, status) ~ treated [+ ...],
#             subset = time > 6), treated = ttx <= 6
# the keys <a>_<c>_coef, _se, _loglik (initial, final), _lower, _upper
# (treatment HR limits), _p (treatment Wald P) and _nevent.
# Kaplan-Meier medians with limits (survfit, log CIs) per group, untreated
# first: naive_km_median (ever against never, from time zero) and
# landmark_km_median, _lower, _upper.
suppressMessages(library(survival))
source("tests/golden/data/tvsplit.R")

d <- cohort
d$ever <- as.integer(!is.na(d$ttx) & d$ttx <= d$time)
s <- split_cohort(d)
L <- landmark
lm <- subset(d, time > L)
lm$treated <- as.integer(!is.na(lm$ttx) & lm$ttx <= L)
lm$ltime <- lm$time - L

con <- file("tests/golden/stats/immortal.txt", "w")
writeLines("# written by tests/golden/stats/immortal.R", con)
emit <- function(key, fit) {
  sm <- summary(fit)
  put(con, paste0(key, "_coef"), coef(fit))
  put(con, paste0(key, "_se"), sqrt(diag(fit$var)))
  put(con, paste0(key, "_loglik"), fit$loglik)
  put(con, paste0(key, "_lower"), sm$conf.int[1, "lower .95"])
  put(con, paste0(key, "_upper"), sm$conf.int[1, "upper .95"])
  put(con, paste0(key, "_p"), sm$coefficients[1, "Pr(>|z|)"])
  put(con, paste0(key, "_nevent"), fit$nevent)
}
emit("naive_none", coxph(Surv(time, status) ~ ever, data = d))
emit("naive_adj", coxph(Surv(time, status) ~ ever + age + factor(ecog), data = d))
emit("tv_none", coxph(Surv(tstart, tstop, death) ~ treated, data = s))
emit("tv_adj", coxph(Surv(tstart, tstop, death) ~ treated + age + factor(ecog),
                     data = s))
emit("landmark_none", coxph(Surv(ltime, status) ~ treated, data = lm))
emit("landmark_adj", coxph(Surv(ltime, status) ~ treated + age + factor(ecog),
                           data = lm))
q <- quantile(survfit(Surv(time, status) ~ ever, data = d), 0.5)
put(con, "naive_km_median", q$quantile)
put(con, "naive_km_lower", q$lower)
put(con, "naive_km_upper", q$upper)
q <- quantile(survfit(Surv(ltime, status) ~ treated, data = lm), 0.5)
put(con, "landmark_km_median", q$quantile)
put(con, "landmark_km_lower", q$lower)
put(con, "landmark_km_upper", q$upper)
put(con, "landmark_n", nrow(lm))
put(con, "landmark_n_treated", sum(lm$treated))
close(con)
