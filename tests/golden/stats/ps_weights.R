# ps_weights.R -- reference values for the weights and positivity
# diagnostics of src/stats/ps.c.
#
# Run from the repository root:  Rscript tests/golden/stats/ps_weights.R
# Writes tests/golden/stats/ps_weights.txt.
#
# Propensity scores: the converged glm of ps_logistic.R (two arms) and the
# nnet::multinom fit of ps_multinom.R (three arms).  The weights are computed
# here from their textbook definitions (WeightIt is not needed):
#   ATE        w = 1 / e_a(x), a = the arm received
#   ATT(t)     w = 1 in arm t, e_t(x) / e_a(x) otherwise
#   stabilised ATE weight times the share of patients in the arm received
#   overlap    w = (1 / e_a) / sum_j (1 / e_j)   (Li & Li 2019; for two arms
#              1 - e_1 in arm 1 and e_1 in arm 0)
#   truncated  weights below the p_lo quantile of all weights are raised to
#              it and those above the p_hi quantile lowered to it
#              (quantile type 7, R's default)
#   ESS        (sum w)^2 / sum w^2 within each arm
# Positivity counts are written for the default thresholds 0.01 / 0.99 and
# for 0.05 / 0.95 (none of these patients is below 0.01).
# PS matrices are written one arm at a time (n values for arm 0, then arm 1 ...).
suppressMessages(library(nnet))
source("tests/golden/stats/ps_cohort.R")

con <- file("tests/golden/stats/ps_weights.txt", "w")
writeLines("# written by tests/golden/stats/ps_weights.R", con)

ess <- function(w, arm, k) sapply(0:(k - 1), function(a) sum(w[arm == a])^2 / sum(w[arm == a]^2))
truncate <- function(w, lo, hi) {
  q <- quantile(w, c(lo, hi), type = 7, names = FALSE)
  pmin(pmax(w, q[1]), q[2])
}
all_weights <- function(prefix, E, arm, treated) {
  n <- nrow(E); k <- ncol(E)
  ea <- E[cbind(seq_len(n), arm + 1)]
  share <- as.numeric(table(factor(arm, levels = 0:(k - 1)))) / n
  sets <- list(
    ate = 1 / ea,
    att = E[, treated + 1] / ea,
    ate_stab = share[arm + 1] / ea,
    overlap = (1 / ea) / rowSums(1 / E)
  )
  sets$ate_trunc = truncate(sets$ate, 0.01, 0.99)
  sets$ate_stab_trunc = truncate(sets$ate_stab, 0.05, 0.95)
  sets$att_trunc = truncate(sets$att, 0, 0.95)
  for (s in names(sets)) {
    put(con, paste0(prefix, "_", s), sets[[s]])
    put(con, paste0(prefix, "_", s, "_ess"), ess(sets[[s]], arm, k))
  }
  q <- quantile(1 / ea, c(0.01, 0.99), type = 7, names = FALSE)
  put(con, paste0(prefix, "_ate_trunc_bounds"), q)

  # Positivity: counts beyond 0.01 / 0.99 per PS column, the range of each
  # PS column within each arm (column a, arm g at a * k + g) and the common
  # support of each column.
  put(con, paste0(prefix, "_n_below"), colSums(E < 0.01))
  put(con, paste0(prefix, "_n_above"), colSums(E > 0.99))
  put(con, paste0(prefix, "_n_below_05"), colSums(E < 0.05))
  put(con, paste0(prefix, "_n_above_95"), colSums(E > 0.95))
  mn <- mx <- numeric(0)
  lo <- hi <- nout <- numeric(0)
  for (a in 0:(k - 1)) {
    r <- sapply(0:(k - 1), function(g) range(E[arm == g, a + 1]))
    mn <- c(mn, r[1, ]); mx <- c(mx, r[2, ])
    lo <- c(lo, max(r[1, ])); hi <- c(hi, min(r[2, ]))
    nout <- c(nout, sum(E[, a + 1] < max(r[1, ]) | E[, a + 1] > min(r[2, ])))
  }
  put(con, paste0(prefix, "_range_min"), mn)
  put(con, paste0(prefix, "_range_max"), mx)
  put(con, paste0(prefix, "_support_lo"), lo)
  put(con, paste0(prefix, "_support_hi"), hi)
  put(con, paste0(prefix, "_n_outside"), nout)
}

fit2 <- glm(ps_formula2, family = binomial, data = cohort,
            control = glm.control(epsilon = 1e-14, maxit = 100))
e1 <- fitted(fit2)
E2 <- cbind(1 - e1, e1)
put(con, "two_ps", E2)
all_weights("two", E2, cohort$arm2, 1)
# ATT with arm 0 named as the treated arm (the ATC of arm 1).
put(con, "two_att0", E2[, 1] / E2[cbind(seq_len(nrow(E2)), cohort$arm2 + 1)])

fit3 <- multinom(ps_formula3, data = cohort, reltol = 1e-12, maxit = 1000,
                 trace = FALSE)
E3 <- fitted(fit3)
put(con, "three_ps", E3)
all_weights("three", E3, cohort$arm3, 0)

close(con)
