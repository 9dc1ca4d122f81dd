# Reference values for tests/stats/test_concordance.c: survival::concordance
# (timewt = "n") on right-censored and start-stop data, with tied predictors
# and times, weights, strata, clusters, reverse, and times needing aeqSurv.
# Run from the repository root:  Rscript tests/golden/stats/cox_concordance.R
# R 4.2, survival 3.5-3.
source("tests/golden/stats/cox_cases.R")
open_golden("tests/golden/stats/cox_concordance.txt",
            "tests/golden/stats/cox_concordance.R")


emit <- function(name, fit, time, status, x, start = NULL, weights = NULL,
                 strata = NULL, cluster = NULL, reverse = FALSE, timefix = 1) {
  k <- function(s) paste0(name, "_", s)
  put(k("time"), time); put(k("status"), status); put(k("x"), x)
  if (!is.null(start)) put(k("start"), start)
  if (!is.null(weights)) put(k("weights"), weights)
  if (!is.null(strata)) put(k("strata"), as.integer(strata))
  if (!is.null(cluster)) put(k("cluster"), as.integer(cluster))
  put(k("flags"), c(as.numeric(reverse), timefix))
  cnt <- fit$count
  if (is.matrix(cnt)) cnt <- colSums(cnt)
  put(k("count"), cnt[c("concordant", "discordant", "tied.x", "tied.y",
                        "tied.xy")])
  put(k("result"), c(fit$concordance, fit$var))
}

emit("lung_age", concordance(Surv(time, status) ~ age, lung2),
     lung2$time, lung2$status, lung2$age)
emit("lung_ecog_rev", concordance(Surv(time, status) ~ ph.ecog, lung2,
                                  reverse = TRUE),
     lung2$time, lung2$status, lung2$ph.ecog, reverse = TRUE)
emit("gen_weighted", concordance(Surv(time, status) ~ x3, gen, weights = w),
     gen$time, gen$status, gen$x3, weights = gen$w)
emit("gen_strata_cluster",
     concordance(Surv(time, status) ~ x1 + strata(grp) + cluster(id), gen,
                 weights = w),
     gen$time, gen$status, gen$x1, weights = gen$w, strata = gen$grp,
     cluster = gen$id)
emit("cp_weighted", concordance(Surv(tstart, time, status) ~ x1t, cp,
                                weights = w, reverse = TRUE),
     cp$time, cp$status, cp$x1t, start = cp$tstart, weights = cp$w,
     reverse = TRUE)
emit("cp_strata", concordance(Surv(tstart, time, status) ~ x3 + strata(grp),
                              cp),
     cp$time, cp$status, cp$x3, start = cp$tstart, strata = cp$grp)
emit("timefix", concordance(Surv(time, status) ~ x, tf),
     tf$time, tf$status, tf$x)
# concordance.formula does not pass its timefix argument on (survival 3.5-3),
# so the untreated times are run through concordancefit directly
emit("no_timefix", concordancefit(Surv(tf$time, tf$status), tf$x,
                                  timefix = FALSE),
     tf$time, tf$status, tf$x, timefix = 0)
# many strata (R pools more than 10 strata into one walk; same counts)
emit("lung_inst", concordance(Surv(time, status) ~ age + strata(inst), lung2),
     lung2$time, lung2$status, lung2$age, strata = lung2$inst)
# large data built from a formula that test_concordance.c repeats, so that
# the sweep is split in two halves (n >= 65536) with equal x (25 values)
# across the split and tied times with tied x; only the results are stored
nb <- 100000
ib <- as.numeric(seq_len(nb) - 1)
big <- data.frame(time = ((ib * 7919) %% 5000) / 10 + 1,
                  status = as.numeric(((ib * 31) %% 7) < 4),
                  x = ((ib * 104729) %% 25) / 7,
                  w = 1 + (ib %% 5) / 4,
                  grp = ib %% 3,
                  id = ib %% 1000)
big$start <- big$time * ((ib %% 4) / 5)
emit_big <- function(name, fit, reverse = FALSE) {
  k <- function(s) paste0(name, "_", s)
  put(k("flags"), c(as.numeric(reverse), 1))
  cnt <- fit$count
  if (is.matrix(cnt)) cnt <- colSums(cnt)
  put(k("count"), cnt[c("concordant", "discordant", "tied.x", "tied.y",
                        "tied.xy")])
  put(k("result"), c(fit$concordance, fit$var))
}
emit_big("big_plain", concordance(Surv(time, status) ~ x, big))
emit_big("big_weighted_strata",
         concordance(Surv(time, status) ~ x + strata(grp) + cluster(id), big,
                     weights = w, reverse = TRUE), reverse = TRUE)
emit_big("big_counting",
         concordance(Surv(start, time, status) ~ x, big, weights = w))
close(con)
