# Reference values for tests/stats/test_cox_firth.c: Firth's penalized Cox
# model (Heinze and Schemper 2001), computed independently of any Firth
# package: the penalized log-likelihood log L(b) + 0.5 log det I(b) is
# evaluated with coxph(init = b, iter.max = 0) (loglik[2] and solve(var)),
# maximised with optim and polished by Newton steps on a Richardson-
# extrapolated numerical gradient; profile limits solve
# 2 (lmax - profile(b)) = qchisq(0.95, 1) with uniroot, the profile maximising
# over the other coefficient with optimize.
# Run from the repository root:  Rscript tests/golden/stats/cox_firth.R
# R 4.2, survival 3.5-3.
source("tests/golden/stats/cox_cases.R")
open_golden("tests/golden/stats/cox_firth.txt", "tests/golden/stats/cox_firth.R")

at <- function(args, b) {
  a <- args
  a$init <- b
  a$control <- coxph.control(iter.max = 0)
  a$robust <- FALSE
  suppressWarnings(do.call(coxph, a))
}
pen <- function(args, b) {
  f <- tryCatch(at(args, b), error = function(e) NULL)
  if (is.null(f)) return(-1e10)      # exp() overflow far from the optimum
  f$loglik[2] + 0.5 * as.numeric(determinant(solve(f$var))$modulus)
}
grad <- function(args, b, h = 1e-4) {
  d1 <- function(h) sapply(seq_along(b), function(j) {
    e <- rep(0, length(b)); e[j] <- h
    (pen(args, b + e) - pen(args, b - e)) / (2 * h)
  })
  (4 * d1(h / 2) - d1(h)) / 3        # Richardson: error O(h^4)
}
hess <- function(args, b, h = 1e-3) {
  p <- length(b)
  H <- matrix(0, p, p)
  for (j in 1:p) {
    e <- rep(0, p); e[j] <- h
    H[, j] <- (grad(args, b + e) - grad(args, b - e)) / (2 * h)
  }
  (H + t(H)) / 2
}
maximise <- function(args, p) {
  if (p == 1) {
    b <- optimize(function(b) pen(args, b), c(-10, 10), maximum = TRUE,
                  tol = 1e-10)$maximum
  } else {
    o <- optim(rep(0, p), function(b) -pen(args, b), method = "Nelder-Mead",
               control = list(reltol = 1e-12, maxit = 5000))
    o <- optim(o$par, function(b) -pen(args, b), method = "BFGS",
               control = list(reltol = 1e-14, maxit = 1000))
    b <- o$par
  }
  for (it in 1:6) b <- b - solve(hess(args, b), grad(args, b))
  b
}
profile <- function(args, b, k, v, bhat) {
  if (length(bhat) == 1) return(pen(args, v))
  o <- optimize(function(z) { bb <- bhat; bb[k] <- v; bb[-k] <- z
                              pen(args, bb) },
                bhat[-k] + c(-8, 8), maximum = TRUE, tol = 1e-11)
  o$objective
}
emit <- function(name, args) {
  p <- length(coef(at(args, NULL)))
  b <- maximise(args, p)
  f <- at(args, b)
  f0 <- at(args, rep(0, p))
  lmax <- pen(args, b)
  l0 <- pen(args, rep(0, p))
  q <- qchisq(0.95, 1)
  se <- sqrt(diag(f$var))
  lower <- upper <- chisq <- numeric(p)
  for (k in 1:p) {
    g <- function(v) 2 * (lmax - profile(args, b, k, v, b)) - q
    m <- 1
    while (g(b[k] + m * se[k]) < 0) m <- 2 * m
    upper[k] <- uniroot(g, c(b[k], b[k] + m * se[k]), tol = 1e-13)$root
    m <- 1
    while (g(b[k] - m * se[k]) < 0) m <- 2 * m
    lower[k] <- uniroot(g, c(b[k] - m * se[k], b[k]), tol = 1e-13)$root
    chisq[k] <- 2 * (lmax - profile(args, b, k, 0, b))
  }
  k <- function(s) paste0(name, "_", s)
  put(k("coef"), b)
  put(k("gradient"), grad(args, b))
  put(k("var"), f$var)
  put(k("loglik"), c(l0, lmax))
  put(k("loglik_unpenalized"), c(f0$loglik[2], f$loglik[2]))
  put(k("score"), f0$score)
  put(k("lower"), exp(lower))
  put(k("upper"), exp(upper))
  put(k("chisq"), chisq)
  put(k("pvalue"), pchisq(chisq, 1, lower.tail = FALSE))
  put(k("lr"), c(2 * (lmax - l0), pchisq(2 * (lmax - l0), p,
                                         lower.tail = FALSE)))
}

# no events in one arm: coxph reports monotone likelihood (see cox_fit.R)
emit("separated", list(formula = Surv(time, status) ~ arm + age, data = sep,
                       ties = "breslow"))
emit("separated_efron", list(formula = Surv(time, status) ~ arm, data = sep))
emit("freireich_breslow", list(formula = Surv(time, status) ~ placebo,
                               data = frei, ties = "breslow"))
emit("freireich_efron", list(formula = Surv(time, status) ~ placebo,
                             data = frei))
emit("lung_efron", list(formula = Surv(time, status) ~ age + sex,
                        data = lung2))
emit("heart_breslow", list(formula = Surv(start, stop, event) ~ age + surgery,
                           data = heart, ties = "breslow"))
g150 <- gen[1:150, ]
emit("gen_strata_weights", list(formula = Surv(time, status) ~ x1 + x2 +
                                  strata(grp), data = g150, weights = g150$wi))
close(con)
