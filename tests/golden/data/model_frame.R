# model_frame.R -- reference model frames for tests/data/test_model.c.
# Run from the repository root: Rscript tests/golden/data/model_frame.R
# Writes tests/golden/data/model_frame.txt: one "key v1 v2 ..." line each.
#   <case>_rows    1-based rows R keeps (model.frame with na.omit)
#   <case>_x       model.matrix(...)[, -1], column-major
#   <case>_time / _time2 / _status   the Surv() columns (status 0/1)
#   others as named below.
suppressMessages(library(survival))

d <- data.frame(
  time   = c(5, 12, 3.5, 20, 8, 15, 2, 30, 11, 7, 25, 9),
  status = c(2, 1, 2, 1, 1, 2, 2, 1, 2, 1, 2, 2),
  arm    = c("TACE", "Control", "Other", "TACE", "Control", "RFA", "TACE", "Control",
             "RFA", "TACE", "RFA", "Control"),
  age    = c(61, 55, NA, 70, 48, 66, 59, 72, 50, 63, 58, 45),
  sex    = c("M", "F", "M", "F", "F", "M", "M", "F", "M", "F", "M", "F"),
  ecog   = c(0L, 1L, NA, 0L, NA, 1L, 2L, 0L, 1L, 1L, 0L, 2L),
  resp   = c(TRUE, FALSE, TRUE, NA, FALSE, TRUE, NA, TRUE, TRUE, FALSE, TRUE, FALSE),
  center = c("B", "A", "C", "A", "B", "C", "A", "B", "C", "A", "B", "A"),
  id     = c(1, 1, 2, 3, 3, 4, 5, 5, 6, 7, 8, 8),
  w      = c(1, 0.5, 2, 1, 1.5, 1, 0, 2, 1, 1, 0.5, 1),
  pt     = c(10, 12, 8, 20, 9, 15, 4, 30, 11, 7, 25, 9),
  start  = c(0, 0, 1, 0, 2, 0, 0, 5, 0, 1, 0, 3),
  big    = c(1e5, 2.5, 1e-5, 2.5, 1e5, 1e-5, 2.5, 1e5, 1e-5, 2.5, 1e5, 1e-5),
  stringsAsFactors = TRUE)

out <- file("tests/golden/data/model_frame.txt", "w")
cat("# written by tests/golden/data/model_frame.R (R ", R.version$major, ".",
    R.version$minor, ", survival ", as.character(packageVersion("survival")), ")\n",
    sep = "", file = out)
put <- function(key, v) {
  v <- as.numeric(v)
  s <- ifelse(is.na(v), "NA", sprintf("%.17g", v))
  cat(key, s, "\n", file = out)
}
# The data, so that the C test can check its copy.
for (v in c("time", "status", "age", "ecog", "id", "w", "pt", "start", "big"))
  put(paste0("data_", v), d[[v]])
put("data_resp", as.integer(d$resp))

rows_of <- function(mf) as.integer(rownames(mf))
mm <- function(f, data) {
  mf <- model.frame(f, data)
  list(rows = rows_of(mf), x = model.matrix(f, mf)[, -1, drop = FALSE], mf = mf)
}
surv_put <- function(key, y) {
  if (ncol(y) == 2) { put(paste0(key, "_time"), y[, 1]); put(paste0(key, "_status"), y[, 2]) }
  else { put(paste0(key, "_time"), y[, 1]); put(paste0(key, "_time2"), y[, 2])
         put(paste0(key, "_status"), y[, 3]) }
}

# m1: Surv(time, status) ~ arm + age; 'Other' has no row left and is dropped.
r <- mm(Surv(time, status) ~ arm + age, droplevels(d[!is.na(d$age), ]))
put("m1_rows", r$rows); put("m1_x", r$x); surv_put("m1", r$mf[[1]])
cat("# m1 colnames:", colnames(r$x), "\n", file = out)

# m2: arm * age + factor(ecog)
dd <- droplevels(d[!is.na(d$age) & !is.na(d$ecog), ])
r <- mm(Surv(time, status) ~ arm * age + factor(ecog), dd)
put("m2_rows", r$rows); put("m2_x", r$x)
cat("# m2 colnames:", colnames(r$x), "\n", file = out)

# m3: age:arm alone: arm coded by one indicator per level
r <- mm(Surv(time, status == 2) ~ age:arm, droplevels(d[!is.na(d$age), ]))
put("m3_rows", r$rows); put("m3_x", r$x); surv_put("m3", r$mf[[1]])
cat("# m3 colnames:", colnames(r$x), "\n", file = out)

# m4: ~ arm * sex, every row
r <- mm(~ arm * sex, d)
put("m4_rows", r$rows); put("m4_x", r$x)
cat("# m4 colnames:", colnames(r$x), "\n", file = out)

# m5: logical covariate with an interaction whose margin is absent
r <- mm(Surv(time, status) ~ resp + resp:age, d)
put("m5_rows", r$rows); put("m5_x", r$x)
cat("# m5 colnames:", colnames(r$x), "\n", file = out)

# m6: reference levels arm = TACE, sex = M
d6 <- d; d6$arm <- relevel(d6$arm, "TACE"); d6$sex <- relevel(d6$sex, "M")
r <- mm(Surv(time, status) ~ arm + sex, d6)
put("m6_x", r$x)
cat("# m6 colnames:", colnames(r$x), "\n", file = out)

# m7: strata(center, sex)
r <- mm(Surv(time, status) ~ age + strata(center, sex), d)
st <- r$mf[["strata(center, sex)"]]
put("m7_rows", r$rows); put("m7_strata", as.integer(droplevels(st)) - 1)
cat("# m7 strata levels:", paste0("[", levels(droplevels(st)), "]"), "\n", file = out)
s2 <- with(d[r$rows, ], strata(center = center, sex = sex))
cat("# m7 labelled:", paste0("[", levels(droplevels(s2)), "]"), "\n", file = out)

# m8: cluster(id) with a missing age
r <- mm(Surv(time, status) ~ age + cluster(id), d)
ids <- d$id[r$rows]
put("m8_cluster", match(ids, sort(unique(ids))) - 1)
put("m8_n_clusters", length(unique(ids)))

# m9: weights and offset(log(pt))
mf <- model.frame(Surv(time, status) ~ arm + offset(log(pt)), d, weights = w)
put("m9_offset", model.offset(mf)); put("m9_weights", model.weights(mf))

# m10: groups as survfit
fit <- survfit(Surv(time, status) ~ arm + sex, d)
put("m10_n", fit$n)
cat("# m10 names:", paste0("[", names(fit$strata), "]"), "\n", file = out)

# m11: numeric variable, one group per distinct value
fit <- survfit(Surv(time, status) ~ ecog, d)
put("m11_n", fit$n)
cat("# m11 names:", paste0("[", names(fit$strata), "]"), "\n", file = out)

# m12: factor() of numbers: level names as R writes them
r <- mm(Surv(time, status) ~ factor(big), d)
put("m12_x", r$x)
cat("# m12 colnames:", colnames(r$x), "\n", file = out)

# m13: counting process
r <- mm(Surv(start, time, status) ~ arm, d)
surv_put("m13", r$mf[[1]]); put("m13_x", r$x)

# m14: three-valued logic in the event: status == 2 | resp
r <- mm(Surv(time, status == 2 | resp) ~ 1, d)
put("m14_rows", r$rows); surv_put("m14", r$mf[[1]])

# m15: a factor response (y codes) and a numeric one
dd <- droplevels(d[!is.na(d$age), ])
put("m15_y_code", as.integer(dd$arm) - 1)
cat("# m15 levels:", levels(dd$arm), "\n", file = out)

close(out)
