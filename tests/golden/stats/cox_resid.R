# Reference residuals for tests/stats/test_cox_residuals.c: residuals.coxph of
# fits whose data are stored in cox_fit.txt (same case names).
# Run from the repository root:  Rscript tests/golden/stats/cox_resid.R
# R 4.2, survival 3.5-3.
source("tests/golden/stats/cox_cases.R")
open_golden("tests/golden/stats/cox_resid.txt", "tests/golden/stats/cox_resid.R")

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
  heart_breslow = coxph(Surv(start, stop, event) ~ age + year + surgery +
                          transplant, heart, ties = "breslow"),
  gen_ties_exact = coxph(Surv(time, status) ~ x1 + x2 + x3, gen,
                         ties = "exact"),
  gen_all = coxph(Surv(time, status) ~ x1 + x2 + x3 + strata(grp) +
                    offset(off) + cluster(id), gen, weights = w),
  cp_all = coxph(Surv(tstart, time, status) ~ x1t + x2 + x3 + strata(grp) +
                   offset(off) + cluster(id), cp, ties = "breslow",
                 weights = w)
)
types <- c("martingale", "deviance", "score", "schoenfeld", "scaledsch",
           "dfbeta", "dfbetas")
for (nm in names(fits)) {
  f <- fits[[nm]]
  for (ty in types) {
    if (f$method == "exact" && !(ty %in% c("martingale", "deviance"))) next
    r <- residuals(f, type = ty)
    put(paste0(nm, "_", ty), as.vector(as.matrix(r)))
    if (ty == "schoenfeld")
      put(paste0(nm, "_schoenfeld_time"), as.numeric(rownames(as.matrix(r))))
  }
}
close(con)
