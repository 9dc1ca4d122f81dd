# ps_balance.R -- reference values for src/stats/balance.c.
#
# Run from the repository root:  Rscript tests/golden/stats/ps_balance.R
# Writes tests/golden/stats/ps_balance.txt.
#
# cobalt is not installed; the statistics are computed here from the
# definitions cobalt::bal.tab documents and uses (col_w_smd, col_w_vr and
# .compute_s.d.denom in cobalt 4.x), with binary = "std":
#   mean          weighted mean  sum(w x) / sum(w)
#   variance      continuous: with w scaled to sum to 1,
#                   sum(w (x - m)^2) / (1 - sum(w^2))  (n - 1 when unweighted)
#                 binary: m (1 - m)
#   SMD           (mean_1 - mean_2) / s, where s comes from the UNWEIGHTED
#                 sample whatever the adjustment:
#                   ATT  s = SD of the focal (treated) arm
#                   ATE and overlap weights
#                        s = sqrt(mean of the arm variances over ALL arms)
#                 (for three arms the pooled SD uses all three arms, not just
#                 the two compared).  A difference below sqrt(.Machine$double.eps)
#                 is reported unstandardised, as cobalt does.
#   variance ratio  var_1 / var_2 with the weighted variances; continuous
#                 variables only (NA for binary ones)
#   maximum       the largest |SMD| over the comparisons made
# Rows: age, sex, ecog 0, ecog 1, ecog 2, kit_exon9, extrahepatic.
# Each scenario writes the weights it uses (<name>_weights), arm means
# before and after (arm 0's rows, then arm 1's ...), the standardising SDs,
# and per comparison c: the arms compared, SMDs and variance ratios before
# and after; then the largest |SMD| over comparisons and the number of rows
# whose largest |SMD| exceeds 0.1.
suppressMessages(library(nnet))
source("tests/golden/stats/ps_cohort.R")
source("tests/golden/stats/ps_nearest.R")

con <- file("tests/golden/stats/ps_balance.txt", "w")
writeLines("# written by tests/golden/stats/ps_balance.R", con)

X <- cbind(age = cohort$age, sex = cohort$sex,
           ecog0 = as.numeric(cohort$ecog == 0),
           ecog1 = as.numeric(cohort$ecog == 1),
           ecog2 = as.numeric(cohort$ecog == 2),
           kit_exon9 = cohort$kit_exon9, extrahepatic = cohort$extrahepatic)
binary <- c(FALSE, rep(TRUE, 6))

wmean <- function(x, w) sum(w * x) / sum(w)
wvar <- function(x, w, bin) {
  if (sum(w != 0) < 2) return(NA_real_)
  w <- w / sum(w)
  m <- sum(w * x)
  if (bin) m * (1 - m) else sum(w * (x - m)^2) / (1 - sum(w^2))
}
means <- function(arm, w, k) {
  sapply(seq_len(ncol(X)), function(j) sapply(0:(k - 1), function(a)
    wmean(X[arm == a, j], w[arm == a])))            # k x p
}
vars <- function(arm, w, k) {
  sapply(seq_len(ncol(X)), function(j) sapply(0:(k - 1), function(a)
    wvar(X[arm == a, j], w[arm == a], binary[j])))
}

# comparisons: list of c(first, second) arm codes; SMD = first - second.
scenario <- function(name, arm, w, estimand, comparisons, focal = NA) {
  k <- length(unique(arm))
  one <- rep(1, length(arm))
  m0 <- means(arm, one, k); m1 <- means(arm, w, k)
  v0 <- vars(arm, one, k); v1 <- vars(arm, w, k)
  if (estimand == "ATT") s <- sqrt(v0[focal + 1, ])
  else s <- sqrt(colMeans(v0))
  smd <- function(m, a, b) {
    d <- m[a + 1, ] - m[b + 1, ]
    ifelse(abs(d) < sqrt(.Machine$double.eps), d, d / s)
  }
  vr <- function(v, a, b) ifelse(binary, NA, v[a + 1, ] / v[b + 1, ])
  put(con, paste0(name, "_weights"), w)
  put(con, paste0(name, "_mean_before"), t(m0))
  put(con, paste0(name, "_mean_after"), t(m1))
  put(con, paste0(name, "_sd"), s)
  sb <- sa <- NULL
  for (i in seq_along(comparisons)) {
    a <- comparisons[[i]][1]; b <- comparisons[[i]][2]
    key <- sprintf("%s_c%d", name, i - 1)
    put(con, paste0(key, "_arms"), c(a, b))
    put(con, paste0(key, "_smd_before"), smd(m0, a, b))
    put(con, paste0(key, "_smd_after"), smd(m1, a, b))
    put(con, paste0(key, "_vr_before"), vr(v0, a, b))
    put(con, paste0(key, "_vr_after"), vr(v1, a, b))
    sb <- rbind(sb, abs(smd(m0, a, b))); sa <- rbind(sa, abs(smd(m1, a, b)))
  }
  put(con, paste0(name, "_max_before"), apply(sb, 2, max))
  put(con, paste0(name, "_max_after"), apply(sa, 2, max))
  put(con, paste0(name, "_n_flag_before"), sum(apply(sb, 2, max) > 0.1))
  put(con, paste0(name, "_n_flag_after"), sum(apply(sa, 2, max) > 0.1))
}

# Two arms: propensity from the converged glm of ps_logistic.R.
arm2 <- cohort$arm2
fit2 <- glm(ps_formula2, family = binomial, data = cohort,
            control = glm.control(epsilon = 1e-14, maxit = 100))
e1 <- fitted(fit2)
ea <- ifelse(arm2 == 1, e1, 1 - e1)
scenario("two_ate", arm2, 1 / ea, "ATE", list(c(1, 0)))
scenario("two_att", arm2, ifelse(arm2 == 1, 1, e1 / (1 - e1)), "ATT",
         list(c(1, 0)), focal = 1)
scenario("two_overlap", arm2, ifelse(arm2 == 1, 1 - e1, e1), "ATE",
         list(c(1, 0)))

# Matching weights of ps_match.R (MatchIt's algorithm with the defects of
# the installed 4.5.1 corrected, MatchIt's own weights; see ps_nearest.R).
match_w <- function(...) matchit_reference(ps_formula2, cohort, ...)$weights
scenario("two_match_r1", arm2, match_w(), "ATT", list(c(1, 0)), focal = 1)
scenario("two_match_r2_cal", arm2, match_w(ratio = 2, caliper = 0.2), "ATT",
         list(c(1, 0)), focal = 1)
scenario("two_match_rep", arm2, match_w(replace = TRUE), "ATT",
         list(c(1, 0)), focal = 1)

# Three arms: propensity from nnet::multinom as in ps_multinom.R.
arm3 <- cohort$arm3
fit3 <- multinom(ps_formula3, data = cohort, reltol = 1e-12, maxit = 1000,
                 trace = FALSE)
E <- fitted(fit3)
ea3 <- E[cbind(seq_along(arm3), arm3 + 1)]
scenario("three_ate", arm3, 1 / ea3, "ATE", list(c(1, 0), c(2, 0)))
scenario("three_ate_pairs", arm3, 1 / ea3, "ATE",
         list(c(1, 0), c(2, 0), c(2, 1)))
scenario("three_att", arm3, E[, 1] / ea3, "ATT", list(c(0, 1), c(0, 2)),
         focal = 0)

close(con)
