# Reference survival curves for tests/stats/test_cox_predict.c:
# survfit.coxph(fit, newdata) and basehaz(fit, centered) for fits whose data
# are stored in cox_fit.txt (same case names).  Curves are written in the
# order the C code returns them: by new row, then by stratum.
# Run from the repository root:  Rscript tests/golden/stats/cox_predict.R
# R 4.2, survival 3.5-3.
source("tests/golden/stats/cox_cases.R")
open_golden("tests/golden/stats/cox_predict.txt",
            "tests/golden/stats/cox_predict.R")

fields <- c("time", "n.risk", "n.event", "n.censor", "cumhaz", "surv",
            "std.err", "lower", "upper")
put_curve <- function(key, sf, rows, col) {
  for (f in fields) {
    v <- sf[[f]]
    if (is.matrix(v)) v <- v[rows, col] else v <- v[rows]
    put(paste0(key, "_", gsub(".", "_", f, fixed = TRUE)), v)
  }
}
# sf: survfit result; nnew: rows of newdata; by_row: newdata held the strata
emit <- function(name, fit, newdata, newx, newoffset = NULL,
                 newstrata = NULL) {
  sf <- survfit(fit, newdata = newdata)
  put(paste0(name, "_newx"), as.vector(as.matrix(newx)))
  put(paste0(name, "_m"), nrow(newx))
  if (!is.null(newoffset)) put(paste0(name, "_newoffset"), newoffset)
  if (!is.null(newstrata)) put(paste0(name, "_newstrata"), newstrata)
  nt <- if (is.null(sf$strata)) length(sf$time) else sf$strata
  ends <- cumsum(nt); begins <- ends - nt + 1
  k <- 0
  if (!is.null(newstrata) || is.null(sf$strata)) {
    for (r in seq_len(nrow(newx))) {
      rows <- if (is.null(sf$strata)) seq_along(sf$time) else begins[r]:ends[r]
      col <- if (is.null(sf$strata)) r else 1
      put_curve(paste0(name, "_c", k), sf, rows, col); k <- k + 1
    }
  } else {
    for (r in seq_len(nrow(newx))) for (s in seq_along(nt)) {
      put_curve(paste0(name, "_c", k), sf, begins[s]:ends[s], r); k <- k + 1
    }
  }
  put(paste0(name, "_ncurves"), k)
  for (cen in c(TRUE, FALSE)) {
    bh <- basehaz(fit, centered = cen)
    put(paste0(name, "_basehaz_", as.integer(cen)), bh$hazard)
    put(paste0(name, "_basehaz_time"), bh$time)
  }
}

nd <- data.frame(age = c(50, 70, 62), sex = c(1, 2, 2), ph.ecog = c(0, 2, 1))
for (tt in c("efron", "breslow", "exact"))
  emit(paste0("lung_", tt), coxph(Surv(time, status) ~ age + sex + ph.ecog,
                                  lung2, ties = tt), nd, nd)
fs <- coxph(Surv(time, status) ~ age + sex + ph.ecog + strata(inst), lung2)
emit("lungstrat_efron", fs, nd[1:2, ], nd[1:2, ])
nds <- cbind(nd, inst = c(1, 12, 3))
emit("lungstrat_efron_rows", fs, nds, nd, newstrata = nds$inst)
ndh <- data.frame(age = c(-10, 5), year = c(1, 4), surgery = c(0, 1),
                  transplant = factor(c(0, 1), levels = levels(heart$transplant)))
emit("heart_efron", coxph(Surv(start, stop, event) ~ age + year + surgery +
                            transplant, heart), ndh,
     data.frame(ndh[, 1:3], transplant = c(0, 1)))
ndg <- data.frame(x1 = c(-1, 0.5), x2 = c(0, 1), x3 = c(40, 65),
                  off = c(0.1, -0.2), grp = c(2, 4))
emit("gen_all", coxph(Surv(time, status) ~ x1 + x2 + x3 + strata(grp) +
                        offset(off) + cluster(id), gen, weights = w), ndg,
     ndg[, 1:3], newoffset = ndg$off, newstrata = ndg$grp)
emit("gen_offset", coxph(Surv(time, status) ~ x1 + x2 + x3 + offset(off), gen),
     ndg, ndg[, 1:3], newoffset = ndg$off)
emit("cp_all", coxph(Surv(tstart, time, status) ~ x1t + x2 + x3 + strata(grp) +
                       offset(off) + cluster(id), cp, ties = "breslow",
                     weights = w),
     data.frame(x1t = c(0.2, -0.4), x2 = c(1, 0), x3 = c(55, 30),
                off = c(0, 0.3), grp = c(1, 3)),
     data.frame(x1t = c(0.2, -0.4), x2 = c(1, 0), x3 = c(55, 30)),
     newoffset = c(0, 0.3), newstrata = c(1, 3))
close(con)
