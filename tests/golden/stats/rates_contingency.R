# rates_contingency.R -- reference values for src/stats/contingency.c.
#
# Run from the repository root:  Rscript tests/golden/stats/rates_contingency.R
# Writes tests/golden/stats/rates_contingency.txt.  Takes several minutes:
# fisher.test needs workspace = 2e8 and about 160 s of CPU for the last
# r x c table (the C code needs about a second).
#
#   fisher_<i>       nrow ncol counts (row-major) | fisher.test()$p.value
#   fisherbrute_<i>  the same P by enumerating every table with the observed
#                    margins (the tables small enough), using FEXACT's rule
#                    log P <= log P(observed) + 3.45254e-7
#   chisq_<i>        nrow ncol counts | chisq.test(correct = TRUE) statistic
#                    and P | chisq.test(correct = FALSE) statistic and P | df
#   trend_<i>        k | events (k) | n (k) | scores (k) | prop.trend.test
#                    statistic and P
suppressPackageStartupMessages(library(stats))
options(warn = -1)  # chisq.test warns about small expected counts
out <- "tests/golden/stats/rates_contingency.txt"
g <- function(...) sprintf("%.17g", c(...))
lines <- c("# written by tests/golden/stats/rates_contingency.R",
           paste("# R", getRversion()))
put <- function(key, ...) lines <<- c(lines, paste(key, paste(g(...), collapse = " ")))
rowmajor <- function(m) as.vector(t(m))

## ---- brute force: every table with the margins of m ----
brute_fisher <- function(m, tol = 3.45254e-7) {
  r <- rowSums(m); cc <- colSums(m); n <- sum(m)
  konst <- sum(lfactorial(r)) + sum(lfactorial(cc)) - lfactorial(n)
  obs <- konst - sum(lfactorial(m))
  nr <- nrow(m); nc <- ncol(m)
  p <- 0
  # fill column j given remaining row totals rem
  fill <- function(j, rem, acc) {
    if (j == nc) {                       # last column is forced
      if (sum(rem) != cc[nc]) return(invisible())
      lp <- konst - acc - sum(lfactorial(rem))
      if (lp <= obs + tol) p <<- p + exp(lp)
      return(invisible())
    }
    cols <- function(i, left, col) {
      if (i == nr) {
        if (left > rem[nr]) return(invisible())
        col[nr] <- left
        fill(j + 1, rem - col, acc + sum(lfactorial(col)))
        return(invisible())
      }
      for (x in 0:min(left, rem[i])) { col[i] <- x; cols(i + 1, left - x, col) }
    }
    cols(1, cc[j], integer(nr))
  }
  fill(1, r, 0)
  p
}

## ---- Fisher's exact test, r x c ----
fisher_cases <- list(
  # 2 x 3, small
  matrix(c(3, 1, 2,  0, 4, 5), 2, byrow = TRUE),
  # 3 x 3
  matrix(c(2, 3, 6,  4, 2, 1,  1, 5, 2), 3, byrow = TRUE),
  # best overall response (CR, PR, SD, PD) by arm
  matrix(c(2, 0,  10, 5,  5, 10,  5, 23), 4, byrow = TRUE),
  # the same, transposed
  matrix(c(2, 10, 5, 5,  0, 5, 10, 23), 2, byrow = TRUE),
  # 3 x 5, n = 240, close to independence
  matrix(c(20, 15, 10, 18, 17,  16, 14, 17, 16, 17,  12, 18, 20, 15, 15), 3, byrow = TRUE),
  # an empty row: dropped
  matrix(c(4, 2, 1, 0, 3,  0, 0, 0, 0, 0,  1, 3, 5, 2, 0), 3, byrow = TRUE),
  # 3 x 2 with an empty row: still FEXACT's rule, not the 2 x 2 one
  matrix(c(3, 1,  0, 0,  1, 3), 3, byrow = TRUE),
  # 5 x 5, sparse
  matrix(c(2, 0, 1, 0, 0,  0, 3, 0, 1, 0,  1, 0, 2, 0, 1,  0, 1, 0, 3, 0,  0, 0, 1, 0, 4),
         5, byrow = TRUE),
  # worst CTCAE grade (none, 1-2, 3-4, 5) by three arms
  matrix(c(20, 10, 5, 2,  15, 12, 9, 6,  8, 10, 12, 10), 3, byrow = TRUE),
  # 2 x 6
  matrix(c(5, 8, 12, 9, 4, 2,  1, 4, 10, 14, 9, 7), 2, byrow = TRUE),
  # 3 x 5, n = 25, small enough to enumerate
  matrix(c(4, 1, 0, 2, 3,  1, 3, 2, 0, 1,  0, 1, 4, 3, 0), 3, byrow = TRUE),
  # 3 x 5, n = 240, strong association (tiny P)
  matrix(c(30, 10, 5, 20, 15,  10, 20, 17, 16, 17,  5, 18, 30, 10, 17), 3, byrow = TRUE))
brute_ok <- c(1, 2, 3, 4, 6, 7, 8, 10, 11)
put("fisher_count", length(fisher_cases))
for (i in seq_along(fisher_cases)) {
  m <- fisher_cases[[i]]
  t0 <- proc.time()[["elapsed"]]
  p <- fisher.test(m, workspace = 2e8)$p.value
  cat(sprintf("fisher_%d: %.1f s\n", i, proc.time()[["elapsed"]] - t0))
  put(sprintf("fisher_%d", i), nrow(m), ncol(m), rowmajor(m), p)
  if (i %in% brute_ok)
    put(sprintf("fisherbrute_%d", i), brute_fisher(m))
}

## ---- Pearson's chi-square test ----
chisq_cases <- list(
  matrix(c(17, 5,  15, 23), 2, byrow = TRUE),   # seed paper, disease control
  matrix(c(3, 1,  1, 3), 2, byrow = TRUE),
  matrix(c(10, 10,  10, 11), 2, byrow = TRUE),  # min |O - E| < 0.5
  matrix(c(20, 10, 5, 2,  15, 12, 9, 6,  8, 10, 12, 10), 3, byrow = TRUE),
  matrix(c(0, 0,  3, 4), 2, byrow = TRUE),      # empty row: NaN
  matrix(c(5, 8, 12, 9, 4,  1, 4, 10, 14, 9), 2, byrow = TRUE),
  matrix(c(1500, 48500,  1200, 48800), 2, byrow = TRUE))
put("chisq_count", length(chisq_cases))
for (i in seq_along(chisq_cases)) {
  m <- chisq_cases[[i]]
  a <- chisq.test(m, correct = TRUE)
  b <- chisq.test(m, correct = FALSE)
  put(sprintf("chisq_%d", i), nrow(m), ncol(m), rowmajor(m),
      a$statistic, a$p.value, b$statistic, b$p.value, b$parameter)
}

## ---- Cochran-Armitage trend ----
trend_cases <- list(
  list(x = c(83, 90, 129, 70), n = c(86, 93, 136, 82), s = NULL),  # ?prop.trend.test
  list(x = c(15, 10, 5, 3), n = c(20, 20, 20, 20), s = NULL),
  list(x = c(15, 10, 5, 3), n = c(20, 20, 20, 20), s = c(0, 1, 2, 5)),
  list(x = c(2, 0, 5), n = c(10, 0, 10), s = NULL),                  # an empty group
  list(x = c(1, 3, 7, 12, 18), n = c(40, 38, 41, 39, 40), s = c(0, 1, 2, 3, 4)),
  list(x = c(5, 5), n = c(10, 10), s = NULL))                        # no trend
put("trend_count", length(trend_cases))
for (i in seq_along(trend_cases)) {
  tc <- trend_cases[[i]]
  s <- if (is.null(tc$s)) seq_along(tc$x) else tc$s
  t <- prop.trend.test(tc$x, tc$n, score = s)
  put(sprintf("trend_%d", i), length(tc$x), tc$x, tc$n, s, t$statistic, t$p.value)
}

writeLines(lines, out)
cat("wrote", out, "\n")
