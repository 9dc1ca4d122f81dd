# tvsplit.R -- reference values for src/data/tvsplit.c, and the cohort
# that the immortal-time references and command-line tests share.
#
# Run from the repository root:  Rscript tests/golden/data/tvsplit.R
# Writes tests/golden/data/tvsplit.txt and tests/data/immortal.csv; sourced
# by tests/golden/stats/immortal.R, which therefore sees the same patients.
#
# The split is R survival 3.5-3's
#     tmerge(d, d, id = id, death = event(time, status), treated = tdc(ttx))
# the landmark data set is subset(d, time > L) with treated = ttx <= L and
# time - L, and the immortal time is computed by hand from its definition.

suppressMessages(library(survival))
stopifnot(packageVersion("survival") == "3.5.3")

# 400 patients with liver metastases of GIST, time zero = diagnosis of the
# metastases, times in months (two decimals, so that the CSV holds the
# exact numbers R used).  Fitter patients (ECOG 0) are more often resected,
# and resection happens after a delay: a patient who dies first is never
# resected -- the situation that creates immortal time.  The hazard of
# death is 1/40 per month, times exp(0.5) for ECOG 1, exp(1.1) for ECOG 2
# and exp(0.02 (age - 60)); resection multiplies it by 0.8 from the day it
# happens.  Censoring is uniform between 6 and 72 months.  Five patients
# at the end cover the tdc() edge cases: treated at time zero, before time
# zero (neoadjuvant), exactly at the end of follow-up, after it, never.
immortal_cohort <- function() {
  set.seed(20240612)
  n <- 395
  age <- round(rnorm(n, 60, 10))
  ecog <- sample(0:2, n, replace = TRUE, prob = c(0.5, 0.35, 0.15))
  h <- exp(log(1 / 40) + 0.5 * (ecog == 1) + 1.1 * (ecog == 2) +
           0.02 * (age - 60))
  planned <- rbinom(n, 1, plogis(0.6 - 0.9 * ecog))
  delay <- round(rexp(n, 1 / 4) + 0.5, 2)
  e <- rexp(n)
  # Cumulative hazard h t before the resection at `delay`, 0.8 h after.
  death <- ifelse(planned == 1 & e > h * delay,
                  delay + (e - h * delay) / (0.8 * h), e / h)
  cens <- runif(n, 6, 72)
  time <- round(pmin(death, cens), 2)
  time[time <= 0] <- 0.01
  status <- as.integer(death <= cens)
  ttx <- ifelse(planned == 1 & delay < time, delay, NA)
  d <- data.frame(id = seq_len(n), time, status, ttx, age, ecog)
  edge <- data.frame(id = n + 1:5, time = c(20, 15.5, 9, 30, 12),
                     status = c(1, 0, 1, 1, 0), ttx = c(0, -1.5, 9, 35, NA),
                     age = c(55, 61, 70, 48, 66), ecog = c(0, 1, 2, 0, 1))
  rbind(d, edge)
}

put <- function(con, key, x) {
  x <- as.numeric(x)
  s <- ifelse(is.na(x), "NA",
              ifelse(is.infinite(x), ifelse(x > 0, "Inf", "-Inf"),
                     sprintf("%.17g", x)))
  writeLines(paste(c(key, s), collapse = " "), con)
}

cohort <- immortal_cohort()
write.csv(cohort, "tests/data/immortal.csv", row.names = FALSE, na = "")
cohort <- read.csv("tests/data/immortal.csv")
landmark <- 6

split_cohort <- function(d) {
  s <- tmerge(d[, c("id", "age", "ecog")], d, id = id,
              death = event(time, status), treated = tdc(ttx))
  s[order(s$id, s$tstart), ]
}

local({
  con <- file("tests/golden/data/tvsplit.txt", "w")
  on.exit(close(con))
  writeLines("# written by tests/golden/data/tvsplit.R", con)

  # Edge cases, one patient each (source = 0-based patient index).
  edge <- data.frame(id = 1:10,
                     time = c(10, 10, 10, 10, 10, 10, 5, 7, 3, 0.5),
                     status = c(1, 0, 1, 1, 0, 1, 1, 0, 1, 1),
                     ttx = c(3, NA, 0, 10, 12, -2, 5, 6.5, 2.999, 1e-9))
  s <- tmerge(edge[, c("id", "time")], edge, id = id,
              death = event(time, status), treated = tdc(ttx))
  for (v in c("time", "status", "ttx")) put(con, paste0("edge_", v), edge[[v]])
  put(con, "edge_start", s$tstart)
  put(con, "edge_stop", s$tstop)
  put(con, "edge_death", s$death)
  put(con, "edge_treated", s$treated)
  put(con, "edge_source", s$id - 1)

  d <- cohort
  for (v in c("time", "status", "ttx", "age", "ecog")) put(con, v, d[[v]])
  s <- split_cohort(d)
  put(con, "split_start", s$tstart)
  put(con, "split_stop", s$tstop)
  put(con, "split_death", s$death)
  put(con, "split_treated", s$treated)
  put(con, "split_source", s$id - 1)

  # Landmark at 6 months.
  k <- d$time > landmark
  put(con, "landmark", landmark)
  put(con, "landmark_source", which(k) - 1)
  put(con, "landmark_time", d$time[k] - landmark)
  put(con, "landmark_treated", as.integer(!is.na(d$ttx[k]) & d$ttx[k] <= landmark))
  put(con, "landmark_treated_later", sum(!is.na(d$ttx[k]) & d$ttx[k] > landmark))

  # Immortal time of the naive ever/never comparison.
  ever <- !is.na(d$ttx) & d$ttx <= d$time
  later <- ever & d$ttx > 0
  put(con, "n_treated", sum(ever))
  put(con, "n_treated_at_zero", sum(ever & d$ttx <= 0))
  put(con, "n_treated_later", sum(later))
  put(con, "n_treated_after_end", sum(!is.na(d$ttx) & d$ttx > d$time))
  put(con, "immortal_time", sum(d$ttx[later]))
  put(con, "treated_time", sum(d$time[ever]))
  put(con, "total_time", sum(d$time))
  put(con, "delay", c(median(d$ttx[later]), min(d$ttx[later]), max(d$ttx[later])))
})
