# ps_cli.R -- data files and reference numbers for tests/cli/test_ps.sh and
# tests/cli/test_immortal.sh.
# Run from the repository root, after tests/golden/stats/ps_outcome.R and
# tests/golden/data/tvsplit.R (which write tests/data/ps_cohort.csv and
# tests/data/immortal.csv):  Rscript tests/golden/cli/ps_cli.R
# Writes tests/data/ps_missing.csv, tests/data/ps_bad_status.csv,
# tests/data/immortal_edge.csv and tests/golden/cli/ps_cli.txt (one
# "key v1 v2 ..." line per entry).
#
# Keys:
#   miss_*   ps_missing.csv (age missing in rows 5 and 17, arm in row 40,
#            time in row 77): complete cases, IPTW for the ATE,
#            coxph(Surv(time, status) ~ arm, weights = w, robust = TRUE):
#            n, hr, lower, upper, robust_se; the SMD of age after weighting
#            (cobalt's definition: difference of weighted means over the
#            square root of the mean of the two unweighted variances)
#   trim_*   ps_cohort.csv, ATE weights truncated at their 1st and 99th
#            percentiles (R quantile type 7 of all weights): the bounds and
#            the robust Cox HR with limits
#   rep_*    ps_cohort.csv, 1:2 matching with replacement (MatchIt 4.5 as
#            corrected in tests/golden/stats/ps_nearest.R): matched treated
#            and controls, the robust Cox HR with limits (no clustering)
#   edge_*   immortal_edge.csv: a patient with follow-up 0 is left out; the
#            time-varying Cox coefficient on the others (tmerge + coxph)
suppressMessages({
  library(survival)
  library(MatchIt)
})
stopifnot(packageVersion("survival") == "3.5.3")
source("tests/golden/stats/ps_nearest.R")

lines <- character(0)
put <- function(key, x) {
  x <- as.numeric(x)
  s <- ifelse(is.na(x), "NA", sprintf("%.17g", x))
  lines <<- c(lines, paste(c(key, s), collapse = " "))
}

cohort <- read.csv("tests/data/ps_cohort.csv")
fml <- arm ~ age + sex + factor(ecog) + kit_exon9 + extrahepatic
ps_glm <- function(d) {
  d$a <- as.integer(d$arm == "resection")
  fitted(glm(a ~ age + sex + factor(ecog) + kit_exon9 + extrahepatic,
             family = binomial, data = d,
             control = glm.control(epsilon = 1e-14, maxit = 100)))
}
cox_put <- function(prefix, fit) {
  s <- summary(fit)
  put(paste0(prefix, "_hr"), s$conf.int[1, "exp(coef)"])
  put(paste0(prefix, "_lower"), s$conf.int[1, "lower .95"])
  put(paste0(prefix, "_upper"), s$conf.int[1, "upper .95"])
  put(paste0(prefix, "_robust_se"), sqrt(fit$var[1, 1]))
}

# ---- missing values ----
miss <- cohort
miss$age[c(5, 17)] <- NA
miss$arm[40] <- NA
miss$time[77] <- NA
write.csv(miss, "tests/data/ps_missing.csv", row.names = FALSE, na = "")
m <- miss[complete.cases(miss[, c("age", "arm", "time")]), ]
e <- ps_glm(m)
w <- ifelse(m$arm == "resection", 1 / e, 1 / (1 - e))
put("miss_n", nrow(m))
cox_put("miss", coxph(Surv(time, status) ~ arm, data = m, weights = w, robust = TRUE))
tr <- m$arm == "resection"
wm <- function(x, w) sum(w * x) / sum(w)
put("miss_age_smd_after", (wm(m$age[tr], w[tr]) - wm(m$age[!tr], w[!tr])) /
      sqrt((var(m$age[tr]) + var(m$age[!tr])) / 2))

# ---- truncated weights ----
e <- ps_glm(cohort)
w <- ifelse(cohort$arm == "resection", 1 / e, 1 / (1 - e))
q <- quantile(w, c(0.01, 0.99), type = 7)
wt <- pmin(pmax(w, q[1]), q[2])
put("trim_bounds", q)
cox_put("trim", coxph(Surv(time, status) ~ arm, data = cohort, weights = wt,
                      robust = TRUE))

# ---- matching with replacement, 1:2 ----
cohort$arm2 <- as.integer(cohort$arm == "resection")
ref <- matchit_reference(arm2 ~ age + sex + factor(ecog) + kit_exon9 + extrahepatic,
                         cohort, ratio = 2, replace = TRUE)
wr <- ref$weights
put("rep_treated_matched", sum(wr > 0 & cohort$arm2 == 1))
put("rep_controls_matched", sum(wr > 0 & cohort$arm2 == 0))
k <- wr > 0
cox_put("rep", coxph(Surv(time, status) ~ arm, data = cohort[k, ], weights = wr[k],
                     robust = TRUE))

# ---- a bad event code: row 6 has status 3 ----
bad <- cohort[1:12, c("id", "age", "sex", "ecog", "arm", "time", "status")]
bad$status[6] <- 3
write.csv(bad, "tests/data/ps_bad_status.csv", row.names = FALSE)

# ---- immortal time: follow-up 0 in row 3 is left out ----
imm <- read.csv("tests/data/immortal.csv")[1:60, ]
imm$time[3] <- 0
write.csv(imm, "tests/data/immortal_edge.csv", row.names = FALSE, na = "")
ok <- imm[imm$time > 0, ]
s <- tmerge(ok[, c("id", "age")], ok, id = id, death = event(time, status),
            treated = tdc(ttx))
put("edge_n", nrow(ok))
put("edge_tv_coef", coef(coxph(Surv(tstart, tstop, death) ~ treated, data = s)))

writeLines(c("# written by tests/golden/cli/ps_cli.R", lines), "tests/golden/cli/ps_cli.txt")
