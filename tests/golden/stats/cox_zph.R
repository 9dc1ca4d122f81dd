# Reference proportional-hazards tests for tests/stats/test_cox_zph.c:
# cox.zph of fits whose data are stored in cox_fit.txt (same case names).
# Run from the repository root:  Rscript tests/golden/stats/cox_zph.R
# R 4.2, survival 3.5-3.
source("tests/golden/stats/cox_cases.R")
open_golden("tests/golden/stats/cox_zph.txt", "tests/golden/stats/cox_zph.R")

fits <- list(
  lung_efron = coxph(Surv(time, status) ~ age + sex + ph.ecog, lung2),
  lung_breslow = coxph(Surv(time, status) ~ age + sex + ph.ecog, lung2,
                       ties = "breslow"),
  lung_exact = coxph(Surv(time, status) ~ age + sex + ph.ecog, lung2,
                     ties = "exact"),
  lungstrat_efron = coxph(Surv(time, status) ~ age + sex + ph.ecog +
                            strata(inst), lung2),
  veteran_efron = coxph(Surv(time, status) ~ trt + celltype + karno, vet),
  heart_efron = coxph(Surv(start, stop, event) ~ age + year + surgery +
                        transplant, heart),
  gen_all = coxph(Surv(time, status) ~ x1 + x2 + x3 + strata(grp) +
                    offset(off) + cluster(id), gen, weights = w),
  cp_all = coxph(Surv(tstart, time, status) ~ x1t + x2 + x3 + strata(grp) +
                   offset(off) + cluster(id), cp, ties = "breslow",
                 weights = w),
  collinear = coxph(Surv(time, status) ~ x1 + x2 + x4, col)
)
# term index (0-based) of each column; veteran's celltype is one term
terms <- list(veteran_efron = c(0, 1, 1, 1, 2))
codes <- c(km = 0, rank = 1, identity = 2, log = 3)
for (nm in names(fits)) {
  f <- fits[[nm]]
  tm <- if (is.null(terms[[nm]])) seq_along(coef(f)) - 1 else terms[[nm]]
  put(paste0(nm, "_terms"), tm)
  for (tr in names(codes)) {
    z <- cox.zph(f, transform = tr)
    k <- paste0(nm, "_", tr)
    put(paste0(k, "_chisq"), z$table[, "chisq"])
    put(paste0(k, "_df"), z$table[, "df"])
    put(paste0(k, "_p"), z$table[, "p"])
    put(paste0(k, "_x"), z$x)
    put(paste0(k, "_time"), z$time)
  }
  # singledf = FALSE, terms = FALSE: one test per column
  z <- cox.zph(f, terms = FALSE)
  put(paste0(nm, "_cols_chisq"), z$table[, "chisq"])
}
close(con)
