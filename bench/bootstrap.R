# bootstrap.R -- data and the R reference for bench/bootstrap.sh.
#
#   Rscript bench/bootstrap.R gen N FILE        write N patients to FILE
#   Rscript bench/bootstrap.R run FILE B CORES  time B bootstrap replicates
#
# A replicate is what `oncostat ps ... --bootstrap B` computes: draw the
# patients with replacement, refit the propensity model (glm), derive the
# IPTW weights for the ATE, fit the weighted Cox model and the weighted
# Kaplan-Meier curves, and read S(12) and S(24).  Model-based variances are
# asked for (robust = FALSE), since only the estimates are kept -- as in
# oncostat's replicates.  Replicates run on CORES processes
# (parallel::mclapply).  Printed: "elapsed S cpu S gc_max_mb M", elapsed and
# CPU (user + system, the parent's and the children's) from system.time()
# around the replicates alone, the data already in memory.
suppressMessages({
  library(survival)
  library(parallel)
})
args <- commandArgs(TRUE)

if (args[1] == "gen") {
  n <- as.numeric(args[2])
  set.seed(20240620)
  age <- round(rnorm(n, 62, 11))
  sex <- rbinom(n, 1, 0.45)
  ecog <- sample(0:2, n, replace = TRUE, prob = c(0.5, 0.35, 0.15))
  kit_exon9 <- rbinom(n, 1, 0.2)
  extrahepatic <- rbinom(n, 1, 0.3)
  lp <- -0.6 - 0.05 * (age - 62) + 0.3 * sex - 0.7 * (ecog == 1) -
    1.4 * (ecog == 2) + 0.5 * kit_exon9 - 1.0 * extrahepatic
  arm <- rbinom(n, 1, plogis(lp))
  h <- exp(log(1 / 30) + 0.02 * (age - 62) + 0.4 * (ecog == 1) +
           0.9 * (ecog == 2) + 0.5 * extrahepatic - 0.4 * arm)
  ev <- rexp(n, h)
  cens <- runif(n, 12, 84)
  d <- data.frame(age, sex, ecog, kit_exon9, extrahepatic, arm,
                  time = round(pmin(ev, cens), 2), status = as.integer(ev <= cens))
  write.csv(d, args[3], row.names = FALSE)
  quit(save = "no")
}

d <- read.csv(args[2])
B <- as.integer(args[3])
cores <- as.integer(args[4])
replicate_once <- function(b) {
  s <- d[sample.int(nrow(d), replace = TRUE), ]
  e <- fitted(glm(arm ~ age + sex + factor(ecog) + kit_exon9 + extrahepatic,
                  family = binomial, data = s))
  w <- ifelse(s$arm == 1, 1 / e, 1 / (1 - e))
  fit <- coxph(Surv(time, status) ~ arm, data = s, weights = w, robust = FALSE)
  km <- summary(survfit(Surv(time, status) ~ arm, data = s, weights = w,
                        robust = FALSE), times = c(12, 24))
  c(coef(fit), km$surv)
}
RNGkind("L'Ecuyer-CMRG")
set.seed(1)
invisible(gc(reset = TRUE))
t <- system.time(res <- mclapply(seq_len(B), replicate_once, mc.cores = cores))
g <- gc()
stopifnot(length(res) == B, all(vapply(res, length, 1L) == 5L))
cat(sprintf("elapsed %.2f cpu %.2f gc_max_mb %.0f\n", t[["elapsed"]],
            sum(t[c("user.self", "sys.self", "user.child", "sys.child")], na.rm = TRUE),
            sum(g[, 6])))
