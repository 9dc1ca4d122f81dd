# ps_outcome.R -- reference values for src/stats/ps_design.c and
# src/stats/ps_outcome.c, and the data of tests/cli/test_ps.sh.
#
# Run from the repository root:  Rscript tests/golden/stats/ps_outcome.R
# Writes tests/golden/stats/ps_outcome.txt and tests/data/ps_cohort.csv.
#
# The 300 patients of ps_cohort.R get a survival outcome (months, two
# decimals): hazard 1/30 per month times exp(0.02 (age - 62) + 0.4 ecog1 +
# 0.9 ecog2 + 0.5 extrahepatic - 0.4 resection) and exp(0.2 RFA + 0.5 TACE)
# for the three-arm outcome; censoring uniform on 12 .. 84 months.
#
# For each design <d> (iptw = IPTW for the ATE, att = IPTW for the ATT of
# resection, overlap, match = 1:1 nearest neighbour with caliper 0.2 SD,
# iptw3 = IPTW for the ATE with three arms):
#   ps_z, ps_p        Wald z and P of the two-arm propensity model, from
#                     the information at the maximum (see below)
#   <d>_weights       the analysis weights of all 300 patients
#   <d>_cox_*         coxph(Surv(time, status) ~ arm, weights = w,
#                     robust = TRUE [, cluster = subclass]) on the patients
#                     with w > 0: coef, model-based se, robust se, robust
#                     HR limits, robust Wald P, loglik (initial, final)
#   <d>_score         summary(coxph(..., ties = "breslow", ...))$robscore:
#                     statistic, df, P
#   <d>_lr_*          weighted observed and expected events per arm, and
#                     the model-based score test of the Breslow fit ($score)
#   <d>_km_*          summary(survfit(Surv(time, status) ~ arm, weights = w,
#                     robust = TRUE [, cluster = subclass]), times = kmtimes):
#                     n.risk, surv, std.err, lower, upper, arm by arm
# The propensity models are glm(binomial) converged to epsilon = 1e-14, and
# for three arms the maximum of the multinomial likelihood (nnet::multinom
# polished by Newton steps, as ps_multinom.R).  Matching uses the corrected
# MatchIt 4.5 reference of ps_nearest.R.
suppressMessages({
  library(survival)
  library(nnet)
  library(MatchIt)
})
stopifnot(packageVersion("survival") == "3.5.3")
source("tests/golden/stats/ps_cohort.R")
source("tests/golden/stats/ps_nearest.R")

d <- cohort
n <- nrow(d)
set.seed(20240613)
lp <- 0.02 * (d$age - 62) + 0.4 * (d$ecog == 1) + 0.9 * (d$ecog == 2) +
  0.5 * d$extrahepatic
ev2 <- rexp(n, exp(log(1 / 30) + lp - 0.4 * d$arm2))
ev3 <- rexp(n, exp(log(1 / 30) + lp + 0.2 * (d$arm3 == 1) + 0.5 * (d$arm3 == 2)))
cens <- runif(n, 12, 84)
d$time <- round(pmin(ev2, cens), 2)
d$status <- as.integer(ev2 <= cens)
d$time3 <- round(pmin(ev3, cens), 2)
d$status3 <- as.integer(ev3 <= cens)

# The command-line test reads the same patients from a CSV.
csv <- data.frame(id = sprintf("P%03d", seq_len(n)), age = d$age, sex = d$sex,
                  ecog = d$ecog, kit_exon9 = d$kit_exon9,
                  extrahepatic = d$extrahepatic,
                  arm = c("imatinib", "resection")[d$arm2 + 1],
                  arm3 = c("resection", "RFA", "TACE")[d$arm3 + 1],
                  time = d$time, status = d$status, time3 = d$time3,
                  status3 = d$status3)
write.csv(csv, "tests/data/ps_cohort.csv", row.names = FALSE)

con <- file("tests/golden/stats/ps_outcome.txt", "w")
writeLines("# written by tests/golden/stats/ps_outcome.R", con)
put(con, "time", d$time)
put(con, "status", d$status)
put(con, "time3", d$time3)
put(con, "status3", d$status3)
kmtimes <- c(6, 12, 24)
put(con, "kmtimes", kmtimes)

glm14 <- glm(ps_formula2, family = binomial, data = d,
             control = glm.control(epsilon = 1e-14, maxit = 100))
e <- fitted(glm14)
# Wald z and P of the propensity model (intercept first), from the
# information at the maximum.  summary.glm's own z values are up to 2e-8
# (relative) away from these: it takes the information from the working
# weights of glm's last iteration, i.e. at the previous iterate.
local({
  X <- model.matrix(glm14)
  b <- coef(glm14)
  for (it in 1:3) {
    p <- c(plogis(X %*% b))
    b <- b + solve(crossprod(X, p * (1 - p) * X), crossprod(X, d$arm2 - p))
  }
  p <- c(plogis(X %*% b))
  z <- c(b) / sqrt(diag(solve(crossprod(X, p * (1 - p) * X))))
  stopifnot(max(abs(z / summary(glm14)$coefficients[, "z value"] - 1)) < 1e-7)
  put(con, "ps_z", z)
  put(con, "ps_p", 2 * pnorm(-abs(z)))
})

emit <- function(prefix, w, arm, time, status, subclass = NULL) {
  k <- w > 0
  s <- data.frame(time = time[k], status = status[k], arm = factor(arm[k]),
                  w = w[k])
  if (!is.null(subclass)) s$subclass <- subclass[k]
  put(con, paste0(prefix, "_weights"), w)
  fit <- if (is.null(subclass))
    coxph(Surv(time, status) ~ arm, data = s, weights = w, robust = TRUE)
  else
    coxph(Surv(time, status) ~ arm, data = s, weights = w, cluster = subclass)
  sm <- summary(fit)
  put(con, paste0(prefix, "_cox_coef"), coef(fit))
  put(con, paste0(prefix, "_cox_se"), sqrt(diag(fit$naive.var)))
  put(con, paste0(prefix, "_cox_robust_se"), sqrt(diag(fit$var)))
  put(con, paste0(prefix, "_cox_lower"), sm$conf.int[, "lower .95"])
  put(con, paste0(prefix, "_cox_upper"), sm$conf.int[, "upper .95"])
  put(con, paste0(prefix, "_cox_p"), sm$coefficients[, "Pr(>|z|)"])
  put(con, paste0(prefix, "_cox_loglik"), fit$loglik)
  bres <- if (is.null(subclass))
    coxph(Surv(time, status) ~ arm, data = s, weights = w, robust = TRUE,
          ties = "breslow")
  else
    coxph(Surv(time, status) ~ arm, data = s, weights = w, cluster = subclass,
          ties = "breslow")
  put(con, paste0(prefix, "_score"), summary(bres)$robscore)
  put(con, paste0(prefix, "_lr_chisq"), bres$score)
  # Weighted observed and expected events per arm, from their definition.
  ut <- sort(unique(s$time[s$status == 1]))
  lev <- levels(s$arm)
  obs <- sapply(lev, function(a) sum(s$w[s$status == 1 & s$arm == a]))
  expd <- sapply(lev, function(a) sum(sapply(ut, function(t) {
    r <- s$time >= t
    sum(s$w[s$time == t & s$status == 1]) * sum(s$w[r & s$arm == a]) / sum(s$w[r])
  })))
  put(con, paste0(prefix, "_lr_obs"), obs)
  put(con, paste0(prefix, "_lr_exp"), expd)
  km <- if (is.null(subclass))
    survfit(Surv(time, status) ~ arm, data = s, weights = w, robust = TRUE)
  else
    survfit(Surv(time, status) ~ arm, data = s, weights = w, cluster = subclass,
            robust = TRUE)
  sk <- summary(km, times = kmtimes)
  stopifnot(length(sk$surv) == length(kmtimes) * length(lev))
  put(con, paste0(prefix, "_km_n_risk"), sk$n.risk)
  put(con, paste0(prefix, "_km_surv"), sk$surv)
  put(con, paste0(prefix, "_km_se"), sk$std.err)
  put(con, paste0(prefix, "_km_lower"), sk$lower)
  put(con, paste0(prefix, "_km_upper"), sk$upper)
}

a2 <- d$arm2
emit("iptw", ifelse(a2 == 1, 1 / e, 1 / (1 - e)), a2, d$time, d$status)
emit("att", ifelse(a2 == 1, 1, e / (1 - e)), a2, d$time, d$status)
emit("overlap", ifelse(a2 == 1, 1 - e, e), a2, d$time, d$status)

m <- matchit_reference(ps_formula2, d, caliper = 0.2)
mm <- m$mm
subclass <- rep(NA_integer_, n)
treated <- which(m$treat == 1)
s <- 0L
for (t in seq_along(treated)) {
  ctl <- mm[t, 1]
  if (is.na(ctl)) next
  subclass[treated[t]] <- s
  subclass[ctl] <- s
  s <- s + 1L
}
put(con, "match_subclass", subclass)
emit("match", m$weights, a2, d$time, d$status, subclass)

# Three arms: the maximum of the multinomial likelihood.
X <- model.matrix(~ age + sex + factor(ecog) + kit_exon9 + extrahepatic, d)
fit3 <- multinom(ps_formula3, data = d, reltol = 1e-12, maxit = 1000,
                 trace = FALSE)
Y <- sapply(0:2, function(a) as.numeric(d$arm3 == a))
probs <- function(b) {
  E <- cbind(0, X %*% matrix(b, ncol = 2))
  exp(E - apply(E, 1, max)) / rowSums(exp(E - apply(E, 1, max)))
}
score <- function(b) c(crossprod(X, Y[, 2:3] - probs(b)[, 2:3]))
hess <- function(b) {
  P <- probs(b)
  H <- matrix(0, 14, 14)
  for (k in 1:2) for (l in 1:2)
    H[(k - 1) * 7 + 1:7, (l - 1) * 7 + 1:7] <-
      crossprod(X, P[, k + 1] * ((k == l) - P[, l + 1]) * X)
  H
}
b <- c(t(coef(fit3)))
for (it in 1:4) b <- b + solve(hess(b), score(b))
stopifnot(max(abs(score(b))) < 1e-9)
P3 <- probs(b)
w3 <- 1 / P3[cbind(seq_len(n), d$arm3 + 1)]
emit("iptw3", w3, d$arm3, d$time3, d$status3)
close(con)
