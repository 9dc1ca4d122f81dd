# rates_groups.R -- reference values for src/stats/rates_groups.c
# (onc_rates_by_group): a table of counts by group laid out into per-cell
# intervals, comparisons of each group with the first, and the tests over
# the whole table.
#
# Run from the repository root:  Rscript tests/golden/stats/rates_groups.R
# Writes tests/golden/stats/rates_groups.txt, one "key v1 v2 ..." line per
# entry.  For case <i>:
#   g<i>.meta        n_groups n_categories binary ci (0 Clopper-Pearson,
#                    1 Wilson) conf_level yates trend
#   g<i>.counts      the table, row-major by group
#   g<i>.cell_est / cell_lower / cell_upper
#                    each cell's share of its group with binom.test() or
#                    prop.test(correct = FALSE) limits, row-major
#   g<i>.overall_est / overall_lower / overall_upper   all groups together
#   g<i>.diff        per group g > 1 against group 1: p_g - p_1 and the
#                    Newcombe (1998, method 10) limits from prop.test's
#                    Wilson limits
#   g<i>.or          per comparison: sample OR, Woolf limits, conditional
#                    MLE and exact limits (fisher.test's equations solved
#                    fully, see rates_binomial.R), fisher.test P
#   g<i>.cmp_chisq   per comparison: chisq.test statistic and P of the 2 x 2
#   g<i>.test        fisher.test P, chisq.test statistic, df, P (whole table)
#   g<i>.trend       prop.trend.test statistic and P
options(warn = -1)  # chisq.test warns about small expected counts
out <- "tests/golden/stats/rates_groups.txt"
g <- function(...) { x <- c(...); ifelse(is.na(x), "NA", sprintf("%.17g", x)) }
lines <- c("# written by tests/golden/stats/rates_groups.R", paste("# R", getRversion()))
put <- function(key, ...) lines <<- c(lines, paste(key, paste(g(...), collapse = " ")))

# fisher.test's internals, verbatim except for uniroot's tolerance (as in
# rates_binomial.R): R's printed estimate stops at about 1e-4.
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
interval <- function(x, n, ci, cl) {
  if (n == 0) return(c(NaN, NaN, NaN))
  lim <- if (ci == 0) binom.test(x, n, conf.level = cl)$conf.int
         else prop.test(x, n, correct = FALSE, conf.level = cl)$conf.int
  c(x / n, lim[1], lim[2])
}
newcombe <- function(x1, n1, x2, n2, cl) {
  p1 <- x1 / n1; p2 <- x2 / n2
  w1 <- prop.test(x1, n1, correct = FALSE, conf.level = cl)$conf.int
  w2 <- prop.test(x2, n2, correct = FALSE, conf.level = cl)$conf.int
  d <- p1 - p2
  c(d, d - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2),
       d + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2))
}

# Each case: the table (groups in rows; for a binary outcome the columns are
# no event, event), binary, ci, conf_level, yates, trend.
cases <- list(
  # The seed study's disease control: control 15/38, TACE 17/22.
  list(m = matrix(c(23, 15,  5, 17), 2, byrow = TRUE), binary = 1, ci = 0,
       cl = 0.95, yates = 0, trend = 0),
  # The same with Yates' correction, Wilson intervals, 90%.
  list(m = matrix(c(23, 15,  5, 17), 2, byrow = TRUE), binary = 1, ci = 1,
       cl = 0.90, yates = 1, trend = 0),
  # Three ordered dose groups with a trend; a zero cell in the first.
  list(m = matrix(c(20, 0,  14, 7,  7, 12), 3, byrow = TRUE), binary = 1,
       ci = 0, cl = 0.95, yates = 0, trend = 1),
  # Four arms, moderate counts, Yates (applies to the 2 x 2 comparisons only).
  list(m = matrix(c(30, 10,  25, 15,  20, 21,  33, 8), 4, byrow = TRUE),
       binary = 1, ci = 0, cl = 0.95, yates = 1, trend = 1),
  # Best overall response (CR, PR, SD, PD) by three arms: r x c.
  list(m = matrix(c(1, 4, 10, 7,   3, 9, 6, 2,   0, 2, 8, 11), 3, byrow = TRUE),
       binary = 0, ci = 0, cl = 0.95, yates = 0, trend = 0),
  # Categorical, Wilson, 2 arms x 3 categories.
  list(m = matrix(c(12, 5, 3,  6, 9, 8), 2, byrow = TRUE), binary = 0, ci = 1,
       cl = 0.95, yates = 0, trend = 0))

put("cases", length(cases))
for (i in seq_along(cases)) {
  cs <- cases[[i]]; m <- cs$m; k <- nrow(m); nc <- ncol(m); cl <- cs$cl
  key <- function(s) sprintf("g%d.%s", i, s)
  put(key("meta"), k, nc, cs$binary, cs$ci, cl, cs$yates, cs$trend)
  put(key("counts"), as.vector(t(m)))
  cells <- matrix(NaN, k * nc, 3)
  for (r in 1:k) for (c in 1:nc)
    cells[(r - 1) * nc + c, ] <- interval(m[r, c], sum(m[r, ]), cs$ci, cl)
  put(key("cell_est"), cells[, 1]); put(key("cell_lower"), cells[, 2])
  put(key("cell_upper"), cells[, 3])
  ov <- t(sapply(1:nc, function(c) interval(sum(m[, c]), sum(m), cs$ci, cl)))
  put(key("overall_est"), ov[, 1]); put(key("overall_lower"), ov[, 2])
  put(key("overall_upper"), ov[, 3])
  if (cs$binary == 1) {
    d <- c(); o <- c(); ch <- c()
    for (r in 2:k) {
      a <- m[r, 2]; b <- m[r, 1]; c0 <- m[1, 2]; d0 <- m[1, 1]
      d <- c(d, newcombe(a, a + b, c0, c0 + d0, cl))
      tab <- matrix(c(a, b, c0, d0), 2, byrow = TRUE)
      o <- c(o, woolf(a, b, c0, d0, cl), fisher_or_tight(a, b, c0, d0, cl),
             fisher.test(tab)$p.value)
      t2 <- chisq.test(tab, correct = cs$yates == 1)
      ch <- c(ch, t2$statistic, t2$p.value)
    }
    put(key("diff"), d); put(key("or"), o); put(key("cmp_chisq"), ch)
  }
  tt <- chisq.test(m, correct = cs$yates == 1)
  put(key("test"), fisher.test(m)$p.value, tt$statistic, tt$parameter, tt$p.value)
  if (cs$trend == 1) {
    pt <- prop.trend.test(m[, 2], rowSums(m))
    put(key("trend"), pt$statistic, pt$p.value)
  }
}
writeLines(lines, out)
