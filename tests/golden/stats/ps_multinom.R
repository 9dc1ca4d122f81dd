# ps_multinom.R -- reference values for src/stats/multinom.c.
#
# Run from the repository root:  Rscript tests/golden/stats/ps_multinom.R
# Writes tests/golden/stats/ps_multinom.txt.
#
# nnet::multinom maximises the same likelihood with BFGS and stops at its own
# relative tolerance (1e-8 by default); reltol = 1e-12 and maxit = 1000 make
# the reference converged to about 1e-7.  Coefficients are written one
# non-reference arm at a time (arm 1 then arm 2), each as
#   (Intercept) age sex ecog1 ecog2 kit_exon9 extrahepatic
# and fitted probabilities one arm at a time (all n for arm 0, then arm 1 ...).
suppressMessages(library(nnet))
source("tests/golden/stats/ps_cohort.R")

con <- file("tests/golden/stats/ps_multinom.txt", "w")
writeLines("# written by tests/golden/stats/ps_multinom.R", con)

# nnet stops where the score is still about 1e-5, leaving coefficients
# about 1e-7 from the maximum.  A few Newton steps from nnet's solution,
# with the analytic score and Hessian of the same likelihood, give the
# maximum itself (score below 1e-10); it is written as <prefix>_mle_coef.
X <- model.matrix(~ age + sex + factor(ecog) + kit_exon9 + extrahepatic, cohort)
newton_polish <- function(fit, w) {
  Y <- sapply(0:2, function(a) as.numeric(cohort$arm3 == a))
  probs <- function(b) {
    E <- cbind(0, X %*% matrix(b, ncol = 2))
    exp(E - apply(E, 1, max)) / rowSums(exp(E - apply(E, 1, max)))
  }
  score <- function(b) c(crossprod(X, w * (Y[, 2:3] - probs(b)[, 2:3])))
  hess <- function(b) {
    P <- probs(b)
    H <- matrix(0, 14, 14)
    for (k in 1:2) for (l in 1:2)
      H[(k - 1) * 7 + 1:7, (l - 1) * 7 + 1:7] <-
        crossprod(X, w * P[, k + 1] * ((k == l) - P[, l + 1]) * X)
    H
  }
  b <- c(t(coef(fit)))
  for (it in 1:3) b <- b + solve(hess(b), score(b))
  stopifnot(max(abs(score(b))) < 1e-8)
  b
}

emit <- function(prefix, fit, w = rep(1, nrow(cohort))) {
  put(con, paste0(prefix, "_coef"), t(coef(fit)))
  put(con, paste0(prefix, "_mle_coef"), newton_polish(fit, w))
  put(con, paste0(prefix, "_se"), t(summary(fit)$standard.errors))
  put(con, paste0(prefix, "_fitted"), fitted(fit))
  put(con, paste0(prefix, "_deviance"), deviance(fit))
  put(con, paste0(prefix, "_convergence"), fit$convergence)
}

fit <- multinom(ps_formula3, data = cohort, reltol = 1e-12, maxit = 1000,
                trace = FALSE, Hess = TRUE)
emit("unw", fit)

set.seed(7)
w <- round(runif(nrow(cohort), 0.2, 3), 3)
put(con, "weights", w)
fitw <- multinom(ps_formula3, data = cohort, weights = w, reltol = 1e-12,
                 maxit = 1000, trace = FALSE, Hess = TRUE)
emit("wt", fitw, w)

# Two arms: the baseline-category model is ordinary logistic regression, so
# the same code must reproduce glm (converged as in ps_logistic.R).
fit2 <- glm(ps_formula2, family = binomial, data = cohort,
            control = glm.control(epsilon = 1e-14, maxit = 100))
put(con, "two_arm_coef", coef(fit2))

close(con)
