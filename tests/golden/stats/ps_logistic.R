# ps_logistic.R -- reference values for src/stats/logistic.c.
#
# Run from the repository root:  Rscript tests/golden/stats/ps_logistic.R
# Writes tests/golden/stats/ps_logistic.txt.
#
# glm(family = binomial) stops when the relative change in deviance is below
# `epsilon` (default 1e-8), which leaves the coefficients accurate to about
# 1e-7 only.  The reference is therefore fitted with epsilon = 1e-14 and then
# refitted once from its own solution, so that the standard errors are those
# of the information matrix at the converged estimate.
source("tests/golden/stats/ps_cohort.R")

converged_glm <- function(formula, data, weights = NULL) {
  ctl <- glm.control(epsilon = 1e-14, maxit = 100)
  data$.w <- if (is.null(weights)) rep(1, nrow(data)) else weights
  fit0 <- suppressWarnings(glm(formula, family = binomial, data = data,
                               weights = .w, control = ctl))
  b0 <- coef(fit0)
  b0[is.na(b0)] <- 0
  suppressWarnings(glm(formula, family = binomial, data = data,
                       weights = .w, control = ctl, start = b0))
}

con <- file("tests/golden/stats/ps_logistic.txt", "w")
writeLines("# written by tests/golden/stats/ps_logistic.R", con)

# 1. Unweighted propensity model for resection (arm2).
fit <- converged_glm(ps_formula2, cohort)
put(con, "unw_coef", coef(fit))
put(con, "unw_se", sqrt(diag(vcov(fit))))
put(con, "unw_vcov", vcov(fit))
put(con, "unw_deviance", deviance(fit))
put(con, "unw_null_deviance", fit$null.deviance)
put(con, "unw_aic", AIC(fit))
put(con, "unw_loglik", as.numeric(logLik(fit)))
put(con, "unw_df_residual", fit$df.residual)
put(con, "unw_fitted", fitted(fit))
put(con, "unw_linear_predictor", fit$linear.predictors)

# The same model as glm fits it by default (epsilon = 1e-8).
fit_default <- glm(ps_formula2, family = binomial, data = cohort)
put(con, "default_coef", coef(fit_default))
put(con, "default_iter", fit_default$iter)

# 2. Non-integer case weights (glm warns about non-integer successes; the
# estimates are the weighted maximum-likelihood ones all the same).
set.seed(7)
w <- round(runif(nrow(cohort), 0.2, 3), 3)
put(con, "weights", w)
fitw <- converged_glm(ps_formula2, cohort, w)
put(con, "wt_coef", coef(fitw))
put(con, "wt_se", sqrt(diag(vcov(fitw))))
put(con, "wt_deviance", deviance(fitw))
put(con, "wt_null_deviance", fitw$null.deviance)
put(con, "wt_df_residual", fitw$df.residual)
put(con, "wt_fitted", fitted(fitw))

# Integer frequency weights: equivalent to replicating rows, so the AIC is
# defined as in R.
set.seed(8)
fw <- sample(1:3, nrow(cohort), replace = TRUE)
put(con, "freq_weights", fw)
fitf <- converged_glm(ps_formula2, cohort, fw)
put(con, "freq_coef", coef(fitf))
put(con, "freq_se", sqrt(diag(vcov(fitf))))
put(con, "freq_aic", AIC(fitf))

# 3. An aliased column: any_ecog = ecog1 + ecog2 comes last in the model
# matrix, so R reports NA for it.  glm's rank tolerance is
# min(1e-7, epsilon / 1000), so the aliasing is taken from a fit with the
# default epsilon (a tolerance of 1e-17 would not see it); the remaining
# coefficients are those of the model without any_ecog, i.e. unw_coef.
cohort$any_ecog <- as.numeric(cohort$ecog > 0)
fita <- glm(arm2 ~ age + sex + factor(ecog) + kit_exon9 + extrahepatic +
              any_ecog, family = binomial, data = cohort)
put(con, "alias_r_na", as.numeric(is.na(coef(fita))))
put(con, "alias_deviance", deviance(fita))

# 3b. Nearly collinear columns: age measured twice, the second time with
# an error of SD 0.05 years.  The fit is well defined but the cross-product
# matrix is ill conditioned (the code must then use rotations).
set.seed(9)
cohort$age2 <- cohort$age + rnorm(nrow(cohort), 0, 0.05)
put(con, "collinear_age2", cohort$age2)
fitc <- converged_glm(arm2 ~ age + sex + factor(ecog) + kit_exon9 +
                        extrahepatic + age2, cohort)
put(con, "collinear_coef", coef(fitc))
put(con, "collinear_se", sqrt(diag(vcov(fitc))))

# 4. Complete separation: x = 1..10, y = 1 when x > 5.
sepx <- 1:10
sepy <- as.numeric(sepx > 5)
warned <- 0
fits <- withCallingHandlers(
  glm(sepy ~ sepx, family = binomial),
  warning = function(wn) {
    if (grepl("fitted probabilities numerically 0 or 1", conditionMessage(wn)))
      warned <<- 1
    invokeRestart("muffleWarning")
  })
put(con, "sep_x", sepx)
put(con, "sep_y", sepy)
put(con, "sep_r_warning", warned)
put(con, "sep_r_coef", coef(fits))
put(con, "sep_r_se", sqrt(diag(vcov(fits))))

# 5. Quasi-complete separation: every patient with kit_exon9 = 1 is resected;
# the kit_exon9 coefficient is infinite, age and the intercept are not.
q <- cohort[, c("age", "kit_exon9")]
q$y <- cohort$arm2
q$y[q$kit_exon9 == 1] <- 1
warned <- 0
fitq <- withCallingHandlers(
  glm(y ~ age + kit_exon9, family = binomial, data = q),
  warning = function(wn) {
    if (grepl("fitted probabilities numerically 0 or 1", conditionMessage(wn)))
      warned <<- 1
    invokeRestart("muffleWarning")
  })
put(con, "quasi_y", q$y)
put(con, "quasi_r_warning", warned)
put(con, "quasi_r_coef", coef(fitq))
put(con, "quasi_r_se", sqrt(diag(vcov(fitq))))
# With kit_exon9 removed from the data the same age model is finite; its
# coefficients equal the limit of the separated fit's finite part.
fitq0 <- converged_glm(y ~ age, q[q$kit_exon9 == 0, ])
put(con, "quasi_finite_coef", coef(fitq0))

close(con)
