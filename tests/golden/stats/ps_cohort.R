# ps_cohort.R -- simulated cohort for the propensity-score golden files.
#
# Run from the repository root:  Rscript tests/golden/stats/ps_cohort.R
# Writes tests/golden/stats/ps_cohort.txt and is sourced by the other
# ps_*.R scripts, which therefore all see the same patients.
#
# 300 patients with liver metastases of GIST:
#   age           years, whole numbers (so that some patients share a
#                 covariate pattern and hence a propensity score: ties)
#   sex           1 = female
#   ecog          performance status 0, 1, 2 (a three-level factor)
#   kit_exon9     1 = KIT exon 9 mutation
#   extrahepatic  1 = extrahepatic disease
#   arm2          0 = imatinib alone, 1 = resection (confounded: younger,
#                 fitter patients without extrahepatic disease are resected)
#   arm3          0 = resection, 1 = RFA, 2 = TACE (older, less fit patients
#                 and those with extrahepatic disease more often get TACE)

ps_cohort <- function() {
  set.seed(20240611)
  n <- 300
  age <- round(rnorm(n, 62, 11))
  sex <- rbinom(n, 1, 0.45)
  ecog <- sample(0:2, n, replace = TRUE, prob = c(0.5, 0.35, 0.15))
  kit_exon9 <- rbinom(n, 1, 0.2)
  extrahepatic <- rbinom(n, 1, 0.3)

  lp <- -0.6 - 0.05 * (age - 62) + 0.3 * sex - 0.7 * (ecog == 1) -
    1.4 * (ecog == 2) + 0.5 * kit_exon9 - 1.0 * extrahepatic
  arm2 <- rbinom(n, 1, plogis(lp))

  l1 <- -0.3 + 0.03 * (age - 62) + 0.5 * (ecog == 1) + 0.8 * (ecog == 2) -
    0.2 * sex + 0.4 * extrahepatic
  l2 <- -0.6 + 0.06 * (age - 62) + 0.9 * (ecog == 1) + 1.6 * (ecog == 2) +
    0.3 * kit_exon9 + 0.8 * extrahepatic
  P <- cbind(1, exp(l1), exp(l2))
  P <- P / rowSums(P)
  arm3 <- apply(P, 1, function(p) sample(0:2, 1, prob = p))

  data.frame(age, sex, ecog, kit_exon9, extrahepatic, arm2, arm3)
}

# One golden line: key followed by the values at full precision.
put <- function(con, key, x) {
  x <- as.numeric(x)
  s <- ifelse(is.na(x), "NA",
              ifelse(is.infinite(x), ifelse(x > 0, "Inf", "-Inf"),
                     sprintf("%.17g", x)))
  writeLines(paste(c(key, s), collapse = " "), con)
}

# The propensity model used throughout: ecog enters as a factor, so the
# model matrix (without intercept) has columns
#   age sex ecog1 ecog2 kit_exon9 extrahepatic
ps_formula2 <- arm2 ~ age + sex + factor(ecog) + kit_exon9 + extrahepatic
ps_formula3 <- factor(arm3) ~ age + sex + factor(ecog) + kit_exon9 + extrahepatic

cohort <- ps_cohort()

local({
  con <- file("tests/golden/stats/ps_cohort.txt", "w")
  writeLines("# written by tests/golden/stats/ps_cohort.R", con)
  for (v in names(cohort)) put(con, v, cohort[[v]])
  close(con)
})
