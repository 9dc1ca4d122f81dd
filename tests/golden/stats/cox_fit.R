# Reference values for tests/stats/test_cox_fit.c: coxph fits on the survival
# package's data sets and on generated data, written with 17 significant digits.
# Each case also stores its input data, which the residual, zph and prediction
# tests reuse.
# Run from the repository root:  Rscript tests/golden/stats/cox_fit.R
# R 4.2, survival 3.5-3.
source("tests/golden/stats/cox_cases.R")
out <- "tests/golden/stats/cox_fit.txt"
open_golden(out, "tests/golden/stats/cox_fit.R")

ties_code <- c(efron = 0, breslow = 1, exact = 2)

# Capture R's "Loglik converged before variable ..." warning as flags.
fit_capture <- function(expr, p) {
  inf <- rep(0, p)
  nonconv <- 0
  fit <- withCallingHandlers(expr, warning = function(w) {
    msg <- conditionMessage(w)
    if (grepl("Loglik converged before variable", msg)) {
      v <- sub(".*variable +([0-9,]+).*", "\\1", msg)
      inf[as.integer(strsplit(v, ",")[[1]])] <<- 1
    }
    if (grepl("Ran out of iterations", msg)) nonconv <<- 1
    invokeRestart("muffleWarning")
  })
  list(fit = fit, inf = inf, nonconv = nonconv)
}

# One case: the data as given to the C code, then every reported number.
emit <- function(name, formula, data, ties = "efron", robust = NULL,
                 iter.max = 20, x.cols, time, status, start = NULL,
                 weights = NULL, offset = NULL, strata = NULL, cluster = NULL,
                 init = NULL, timefix = TRUE) {
  X <- as.matrix(x.cols)
  p <- ncol(X)
  args <- list(formula = formula, data = data, ties = ties,
               control = coxph.control(iter.max = iter.max, timefix = timefix))
  if (!is.null(robust)) args$robust <- robust
  if (!is.null(weights)) args$weights <- weights
  if (!is.null(init)) args$init <- init
  cap <- fit_capture(do.call(coxph, args), p)
  f <- cap$fit
  if (cap$nonconv == 1 && is.null(start) && ties != "exact") {
    # survival 3.5-3 returns diag(1 / diag(information)) as the variance of a
    # right-censored fit that ran out of iterations (chinv2 is applied to the
    # unfactored matrix).  The reference is the true inverse information at
    # the returned coefficients, from a zero-iteration fit started there.
    a0 <- args
    a0$init <- coef(f)
    a0$control <- coxph.control(iter.max = 0)
    f$var <- do.call(coxph, a0)$var
    f$wald.test <- coxph.wtest(f$var, coef(f))$test
  }
  s <- summary(f, conf.int = 0.95)
  k <- function(x) paste0(name, "_", x)
  put(k("n"), nrow(X)); put(k("p"), p)
  put(k("x"), as.vector(X))
  put(k("time"), time); put(k("status"), status)
  if (!is.null(start)) put(k("start"), start)
  if (!is.null(weights)) put(k("weights"), weights)
  if (!is.null(offset)) put(k("offset"), offset)
  if (!is.null(strata)) put(k("strata"), as.integer(strata))
  if (!is.null(cluster)) put(k("cluster"), as.integer(cluster))
  if (!is.null(init)) put(k("init"), init)
  put(k("opts"), c(ties_code[[ties]],
                   if (is.null(robust)) -1 else as.numeric(robust), iter.max,
                   as.numeric(timefix)))
  put(k("coef"), coef(f))
  put(k("var"), f$var)
  put(k("naive_var"), if (is.null(f$naive.var)) f$var else f$naive.var)
  put(k("loglik"), f$loglik)
  put(k("iter"), f$iter)
  put(k("converged"), 1 - cap$nonconv)
  put(k("infinite"), cap$inf)
  put(k("means"), f$means)
  put(k("lp"), f$linear.predictors)
  put(k("score"), c(f$score, s$sctest[["pvalue"]]))
  put(k("wald"), c(f$wald.test, pchisq(f$wald.test, s$logtest[["df"]],
                                        lower.tail = FALSE)))
  put(k("lr"), s$logtest)
  put(k("rsq"), s$rsq)
  if (!is.null(f$rscore)) put(k("rscore"), s$robscore)
  ct <- s$coefficients
  put(k("se"), sqrt(diag(if (is.null(f$naive.var)) f$var else f$naive.var)))
  if (!is.null(f$naive.var)) put(k("robust_se"), ct[, "robust se"])
  put(k("z"), ct[, "z"]); put(k("pval"), ct[, "Pr(>|z|)"])
  put(k("lower"), s$conf.int[, 3]); put(k("upper"), s$conf.int[, 4])
  put(k("conc"), f$concordance[c("concordant", "discordant", "tied.x",
                                 "tied.y", "tied.xy", "concordance", "std")])
  invisible(f)
}

cases <- character(0)
add <- function(name, ...) { emit(name, ...); cases <<- c(cases, name) }

# --- lung: age + sex + ph.ecog, all three tie methods ---------------------
fl <- Surv(time, status) ~ age + sex + ph.ecog
for (tt in c("efron", "breslow", "exact"))
  add(paste0("lung_", tt), fl, lung2, ties = tt, x.cols = Xl,
      time = lung2$time, status = lung2$status)
# stratified by institution
fls <- Surv(time, status) ~ age + sex + ph.ecog + strata(inst)
for (tt in c("efron", "breslow", "exact"))
  add(paste0("lungstrat_", tt), fls, lung2, ties = tt, x.cols = Xl,
      time = lung2$time, status = lung2$status, strata = lung2$inst)
# running out of iterations (R reports iter = iter.max + 1)
add("lung_iter2", fl, lung2, iter.max = 2, x.cols = Xl, time = lung2$time,
    status = lung2$status)
# robust variance with one cluster per row
add("lung_robust", fl, lung2, robust = TRUE, x.cols = Xl, time = lung2$time,
    status = lung2$status)

# --- veteran: factor celltype, karno, trt ---------------------------------
fv <- Surv(time, status) ~ trt + celltype + karno
for (tt in c("efron", "breslow", "exact"))
  add(paste0("veteran_", tt), fv, vet, ties = tt, x.cols = Xv,
      time = vet$time, status = vet$status)

# --- ovarian ---------------------------------------------------------------
add("ovarian_efron", Surv(futime, fustat) ~ age + ecog.ps + rx, ovarian,
    x.cols = Xo, time = ovarian$futime, status = ovarian$fustat)

# --- heart: counting process -------------------------------------------------
fh <- Surv(start, stop, event) ~ age + year + surgery + transplant
for (tt in c("efron", "breslow"))
  add(paste0("heart_", tt), fh, heart, ties = tt, x.cols = Xh,
      time = heart$stop, status = heart$event, start = heart$start)
add("heart_cluster", Surv(start, stop, event) ~ age + year + surgery +
      transplant + cluster(id), heart, x.cols = Xh, time = heart$stop,
    status = heart$event, start = heart$start, cluster = heart$id)
add("heart_iter2", fh, heart, iter.max = 2, x.cols = Xh, time = heart$stop,
    status = heart$event, start = heart$start)

# --- Freireich 6-MP (Gehan 1965; Freireich et al. 1963) ----------------------
for (tt in c("efron", "breslow", "exact"))
  add(paste0("freireich_", tt), Surv(time, status) ~ placebo, frei, ties = tt,
      x.cols = frei["placebo"], time = frei$time, status = frei$status)

# --- generated data ------------------------------------------------------------
fg <- Surv(time, status) ~ x1 + x2 + x3
for (tt in c("efron", "breslow", "exact"))
  add(paste0("gen_ties_", tt), fg, gen, ties = tt, x.cols = Xg,
      time = gen$time, status = gen$status)
add("gen_strata", Surv(time, status) ~ x1 + x2 + x3 + strata(grp), gen,
    x.cols = Xg, time = gen$time, status = gen$status, strata = gen$grp)
add("gen_weights", fg, gen, weights = gen$w, x.cols = Xg, time = gen$time,
    status = gen$status)
add("gen_intweights", fg, gen, weights = gen$wi, x.cols = Xg, time = gen$time,
    status = gen$status)
add("gen_intweights_breslow", fg, gen, ties = "breslow", weights = gen$wi,
    x.cols = Xg, time = gen$time, status = gen$status)
add("gen_cluster", Surv(time, status) ~ x1 + x2 + x3 + cluster(id), gen,
    x.cols = Xg, time = gen$time, status = gen$status, cluster = gen$id)
add("gen_offset", Surv(time, status) ~ x1 + x2 + x3 + offset(off), gen,
    x.cols = Xg, time = gen$time, status = gen$status, offset = gen$off)
add("gen_all", Surv(time, status) ~ x1 + x2 + x3 + strata(grp) + offset(off) +
      cluster(id), gen, weights = gen$w, x.cols = Xg, time = gen$time,
    status = gen$status, strata = gen$grp, offset = gen$off, cluster = gen$id)
add("gen_init", fg, gen, init = c(0.3, -0.5, 0.01), x.cols = Xg,
    time = gen$time, status = gen$status)
add("gen_exact_strata_offset", Surv(time, status) ~ x1 + x2 + x3 +
      strata(grp) + offset(off), gen, ties = "exact", x.cols = Xg,
    time = gen$time, status = gen$status, strata = gen$grp, offset = gen$off)

# generated counting-process data: split follow-up of the same subjects
fc <- Surv(tstart, time, status) ~ x1t + x2 + x3
add("cp_efron", fc, cp, x.cols = Xc, time = cp$time, status = cp$status,
    start = cp$tstart)
add("cp_all", Surv(tstart, time, status) ~ x1t + x2 + x3 + strata(grp) +
      offset(off) + cluster(id), cp, ties = "breslow", weights = cp$w,
    x.cols = Xc, time = cp$time, status = cp$status, start = cp$tstart,
    strata = cp$grp, offset = cp$off, cluster = cp$id)

# --- monotone likelihood: no events in one arm ---------------------------------
add("separated", Surv(time, status) ~ arm + age, sep,
    x.cols = sep[, c("arm", "age")], time = sep$time, status = sep$status)
add("separated_cp", Surv(start, time, status) ~ arm + age,
    transform(sep, start = 0), x.cols = sep[, c("arm", "age")],
    time = sep$time, status = sep$status, start = rep(0, nrow(sep)))

# --- collinear column: R drops it (coefficient NA) -------------------------------
add("collinear", Surv(time, status) ~ x1 + x2 + x4, col,
    x.cols = col[, c("x1", "x2", "x4")], time = col$time, status = col$status)

for (tt in c("efron", "exact"))
  add(paste0("bigties_", tt), Surv(time, status) ~ z1 + z2, big, ties = tt,
      x.cols = big[, c("z1", "z2")], time = big$time, status = big$status)

# near-equal times: merged by R's timefix, or kept apart without it
add("timefix_on", Surv(time, status) ~ x, tf, x.cols = tf["x"],
    time = tf$time, status = tf$status)
add("timefix_off", Surv(time, status) ~ x, tf, x.cols = tf["x"],
    time = tf$time, status = tf$status, timefix = FALSE)

# null models (no covariates): only the log-likelihood
put("null_lung_loglik", coxph(Surv(time, status) ~ 1, lung2)$loglik)
put("null_lungstrat_loglik",
    coxph(Surv(time, status) ~ strata(inst), lung2, ties = "breslow")$loglik)
put("null_heart_loglik",
    coxph(Surv(start, stop, event) ~ 1, heart)$loglik)

# large data from a formula that test_cox_fit.c repeats (no data stored):
# n = 80000 rows are split between two threads by the fit; heavy ties
nb <- 80000
ib <- as.numeric(seq_len(nb) - 1)
bigf <- data.frame(x1 = ((ib * 7919) %% 1000) / 100 - 5,
                   x2 = ib %% 2,
                   x3 = ((ib * 104729) %% 97) / 10,
                   grp = ib %% 5,
                   w = 1 + (ib %% 3) / 2)
bigf$time <- floor((((ib * 31337) %% 997) + 300 * bigf$x2 +
                    3 * ((ib * 7919) %% 1000) / 10) / 7) + 1
bigf$status <- as.numeric(((ib * 13) %% 10) < 7)
put_big <- function(name, fit) {
  k <- function(s) paste0(name, "_", s)
  put(k("coef"), coef(fit))
  put(k("var"), if (is.null(fit$naive.var)) fit$var else fit$naive.var)
  put(k("loglik"), fit$loglik)
  put(k("score"), fit$score)
  put(k("iter"), fit$iter)
  put(k("conc"), fit$concordance[c("concordance", "std")])
}
put_big("bigf_efron", coxph(Surv(time, status) ~ x1 + x2 + x3, bigf))
put_big("bigf_breslow", coxph(Surv(time, status) ~ x1 + x2 + x3, bigf,
                              ties = "breslow"))
put_big("bigf_strata_weights",
        coxph(Surv(time, status) ~ x1 + x2 + x3 + strata(grp), bigf,
              weights = w, robust = FALSE))

put("cases", seq_along(cases))
writeLines(paste("# cases:", paste(cases, collapse = " ")), con)
close(con)
cat("wrote", out, "with", length(cases), "cases\n")
