# rates_binomial.R -- reference values for src/stats/rates.c.
#
# Run from the repository root:  Rscript tests/golden/stats/rates_binomial.R
# Writes tests/golden/stats/rates_binomial.txt (harness golden format: one
# "key v1 v2 ..." line per entry; inputs first, then R's results).
#
#   binom_<i>  x n conf | x/n | binom.test CI (Clopper-Pearson) |
#              prop.test(correct = FALSE) CI (Wilson)
#   diff_<i>   x1 n1 x2 n2 conf | p1 - p2 | Newcombe hybrid score CI
#   or_<i>     a b c d conf | ad/bc | Woolf CI | conditional MLE, exact CI
#              (solved to full precision) | fisher.test p | fisher.test's
#              own estimate and CI (see below)
#
# fisher.test finds the conditional MLE and the exact limits with uniroot()
# at its default tolerance, .Machine$double.eps^0.25 (about 1.2e-4 on the
# odds-ratio-or-its-inverse scale), so its printed estimate is right to 4-6
# digits only.  The "tight" columns repeat fisher.test's own equations
# (dnhyper, mnhyper, pnhyper copied from its source) with uniroot run to
# machine precision; the C code is held to those at 1e-8 and to fisher.test's
# printed values at uniroot's tolerance.
suppressPackageStartupMessages(library(stats))
options(warn = -1)  # prop.test warns about small expected counts; not relevant to its CI
out <- "tests/golden/stats/rates_binomial.txt"
g <- function(...) sprintf("%.17g", c(...))
lines <- c("# written by tests/golden/stats/rates_binomial.R",
           paste("# R", getRversion()))
put <- function(key, ...) lines <<- c(lines, paste(key, paste(g(...), collapse = " ")))

## ---- one proportion ----
# The seed paper's disease-control counts (TACE 17/22, control 15/38), the
# edges 0/n, n/n, n = 1, other confidence levels and large n.
binom_cases <- list(
  c(17, 22, 0.95), c(15, 38, 0.95), c(0, 10, 0.95), c(10, 10, 0.95),
  c(0, 1, 0.95), c(1, 1, 0.95), c(1, 2, 0.95), c(3, 7, 0.90),
  c(5, 100, 0.95), c(50, 1000, 0.99), c(999, 1000, 0.95),
  c(1, 10000, 0.95), c(12345, 100000, 0.95), c(0, 3, 0.80),
  c(4567, 1000000, 0.95), c(2, 5, 0.999))
put("binom_count", length(binom_cases))
for (i in seq_along(binom_cases)) {
  v <- binom_cases[[i]]; x <- v[1]; n <- v[2]; cl <- v[3]
  cp <- binom.test(x, n, conf.level = cl)$conf.int
  w <- prop.test(x, n, correct = FALSE, conf.level = cl)$conf.int
  put(sprintf("binom_%d", i), x, n, cl, x / n, cp[1], cp[2], w[1], w[2])
}

## ---- difference of two proportions: Newcombe (1998) method 10 ----
# L = d - sqrt((p1 - l1)^2 + (u2 - p2)^2), U = d + sqrt((u1 - p1)^2 + (p2 - l2)^2)
# with (l_i, u_i) the Wilson limits (prop.test, correct = FALSE).
newcombe <- function(x1, n1, x2, n2, cl) {
  p1 <- x1 / n1; p2 <- x2 / n2
  w1 <- prop.test(x1, n1, correct = FALSE, conf.level = cl)$conf.int
  w2 <- prop.test(x2, n2, correct = FALSE, conf.level = cl)$conf.int
  d <- p1 - p2
  c(d, d - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2),
       d + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2))
}
# The seed paper's counts, then the eight examples (a)-(h) of Newcombe's
# Table II (56/70-48/80, 9/10-3/10, 6/7-2/7, 5/56-0/29, 0/10-0/20,
# 0/10-0/10, 10/10-0/20, 10/10-0/10), then n = 1 and large arms.
diff_cases <- list(
  c(17, 22, 15, 38, 0.95), c(56, 70, 48, 80, 0.95), c(9, 10, 3, 10, 0.95),
  c(6, 7, 2, 7, 0.95), c(5, 56, 0, 29, 0.95), c(0, 10, 0, 20, 0.95),
  c(0, 10, 0, 10, 0.95), c(10, 10, 0, 20, 0.95), c(10, 10, 0, 10, 0.95),
  c(1, 1, 0, 1, 0.95), c(15, 38, 17, 22, 0.90), c(300, 1000, 250, 1000, 0.99))
put("diff_count", length(diff_cases))
for (i in seq_along(diff_cases)) {
  v <- diff_cases[[i]]
  put(sprintf("diff_%d", i), v, newcombe(v[1], v[2], v[3], v[4], v[5]))
}

## ---- odds ratio of [a b; c d] ----
# fisher.test's internals, verbatim except for uniroot's tolerance.
fisher_or_tight <- function(a, b, c, d, conf.level) {
  x <- a; m <- a + c; n <- b + d; k <- a + b
  lo <- max(0L, k - n); hi <- min(k, m)
  support <- lo:hi
  logdc <- dhyper(support, m, n, k, log = TRUE)
  dnhyper <- function(ncp) {
    d <- logdc + log(ncp) * support
    d <- exp(d - max(d))
    d / sum(d)
  }
  mnhyper <- function(ncp) {
    if (ncp == 0) return(lo)
    if (ncp == Inf) return(hi)
    sum(support * dnhyper(ncp))
  }
  pnhyper <- function(q, ncp, upper.tail = FALSE) {
    if (ncp == 1) {
      return(if (upper.tail) phyper(x - 1, m, n, k, lower.tail = FALSE)
             else phyper(x, m, n, k))
    }
    if (ncp == 0) return(as.numeric(if (upper.tail) q <= lo else q >= lo))
    if (ncp == Inf) return(as.numeric(if (upper.tail) q <= hi else q >= hi))
    sum(dnhyper(ncp)[if (upper.tail) support >= q else support <= q])
  }
  tol <- 1e-300
  mle <- function(x) {
    if (x == lo) return(0)
    if (x == hi) return(Inf)
    mu <- mnhyper(1)
    if (mu > x) uniroot(function(t) mnhyper(t) - x, c(0, 1), tol = tol, maxiter = 5000)$root
    else if (mu < x) 1 / uniroot(function(t) mnhyper(1/t) - x,
                                 c(.Machine$double.eps, 1), tol = tol, maxiter = 5000)$root
    else 1
  }
  ncp.U <- function(x, alpha) {
    if (x == hi) return(Inf)
    p <- pnhyper(x, 1)
    if (p < alpha) uniroot(function(t) pnhyper(x, t) - alpha, c(0, 1), tol = tol, maxiter = 5000)$root
    else if (p > alpha) 1 / uniroot(function(t) pnhyper(x, 1/t) - alpha,
                                     c(.Machine$double.eps, 1), tol = tol, maxiter = 5000)$root
    else 1
  }
  ncp.L <- function(x, alpha) {
    if (x == lo) return(0)
    p <- pnhyper(x, 1, upper.tail = TRUE)
    if (p > alpha) uniroot(function(t) pnhyper(x, t, upper.tail = TRUE) - alpha,
                           c(0, 1), tol = tol, maxiter = 5000)$root
    else if (p < alpha) 1 / uniroot(function(t) pnhyper(x, 1/t, upper.tail = TRUE) - alpha,
                                    c(.Machine$double.eps, 1), tol = tol, maxiter = 5000)$root
    else 1
  }
  alpha <- (1 - conf.level) / 2
  c(mle(x), ncp.L(x, alpha), ncp.U(x, alpha))
}
woolf <- function(a, b, c, d, cl) {
  s <- if (b * c > 0) a * d / (b * c) else if (a * d > 0) Inf else NaN
  if (min(a, b, c, d) == 0) return(c(s, NaN, NaN))
  z <- qnorm(1 - (1 - cl) / 2)
  se <- sqrt(1/a + 1/b + 1/c + 1/d)
  c(s, exp(log(s) - z * se), exp(log(s) + z * se))
}
# Seed paper (17/22 vs 15/38 as [17 5; 15 23]); zero cells; one patient per
# arm; an empty arm; tea tasting; balanced; large.
or_cases <- list(
  c(17, 5, 15, 23, 0.95), c(0, 10, 5, 5, 0.95), c(10, 0, 3, 7, 0.95),
  c(3, 1, 1, 3, 0.95), c(1, 0, 0, 1, 0.95), c(0, 0, 3, 4, 0.95),
  c(12, 30, 5, 40, 0.95), c(100, 900, 80, 920, 0.95), c(2, 8, 9, 1, 0.90),
  c(5, 5, 5, 5, 0.95), c(1500, 48500, 1200, 48800, 0.95), c(1, 0, 1, 0, 0.95),
  c(7, 3, 2, 8, 0.99))
put("or_count", length(or_cases))
for (i in seq_along(or_cases)) {
  v <- or_cases[[i]]; a <- v[1]; b <- v[2]; c <- v[3]; d <- v[4]; cl <- v[5]
  f <- fisher.test(matrix(c(a, c, b, d), 2), conf.level = cl)
  put(sprintf("or_%d", i), v, woolf(a, b, c, d, cl), fisher_or_tight(a, b, c, d, cl),
      f$p.value, f$estimate, f$conf.int[1], f$conf.int[2])
}

writeLines(lines, out)
cat("wrote", out, "\n")
