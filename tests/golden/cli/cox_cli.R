# cox_cli.R -- data files and reference numbers for tests/cli/test_cox.sh.
# Run from the repository root:  Rscript tests/golden/cli/cox_cli.R
# Writes tests/data/cox_*.csv and tests/golden/cli/cox_cli.txt (one
# "key v1 v2 ..." line per entry; NA for undefined values).
# R 4.2, survival 3.5-3 (coxph, cox.zph, survfit.coxph, basehaz,
# residuals.coxph).  Firth references are computed without a Firth package:
# the penalized log-likelihood log L(b) + 0.5 log det I(b) is evaluated with
# coxph(init = b, iter.max = 0) and maximised numerically, as in
# tests/golden/stats/cox_firth.R.

suppressMessages(library(survival))
stopifnot(packageVersion("survival") == "3.5.3")

lines <- character(0)
put <- function(key, x) {
    x <- as.numeric(x)
    s <- ifelse(is.na(x), "NA", ifelse(is.infinite(x),
                ifelse(x > 0, "Inf", "-Inf"), sprintf("%.17g", x)))
    lines <<- c(lines, paste(c(key, s), collapse = " "))
}
# write a data frame and read it back, so that the references are computed
# from the numbers as written (15 significant digits)
roundtrip <- function(d, path) {
    write.csv(d, path, row.names = FALSE, na = "NA")
    read.csv(path, stringsAsFactors = FALSE)
}
# the summary of a fit: per-coefficient numbers and the global tests
put_fit <- function(key, f) {
    s <- summary(f)
    ct <- s$coefficients
    ci <- s$conf.int
    put(paste0(key, ".coef"), ct[, "coef"])
    put(paste0(key, ".se"), ct[, "se(coef)"])
    if ("robust se" %in% colnames(ct))
        put(paste0(key, ".robust_se"), ct[, "robust se"])
    put(paste0(key, ".hr"), ci[, "exp(coef)"])
    put(paste0(key, ".lower"), ci[, "lower .95"])
    put(paste0(key, ".upper"), ci[, "upper .95"])
    put(paste0(key, ".z"), ct[, "z"])
    put(paste0(key, ".p"), ct[, ncol(ct)])
    put(paste0(key, ".loglik"), f$loglik)
    put(paste0(key, ".lr"), s$logtest)
    # summary() rounds the Wald statistic to 2 decimals; take the fit's
    put(paste0(key, ".wald"), c(f$wald.test, s$waldtest[2:3]))
    put(paste0(key, ".score"), s$sctest)
    if (!is.null(s$robscore))
        put(paste0(key, ".robust_score"), s$robscore)
    put(paste0(key, ".concordance"), f$concordance[c("concordance", "std")])
    put(paste0(key, ".n"), c(f$n, f$nevent))
    put(paste0(key, ".iter"), f$iter)
}

# ---- data ----

# survival::lung (NCCTG advanced lung cancer) as a clinical export: sex as
# text, ECOG as a number (row 14 missing), non-integer case weights, an id.
d <- lung
n <- nrow(d)
lung_csv <- data.frame(time = d$time, status = d$status, age = d$age,
                       sex = ifelse(d$sex == 1, "Male", "Female"),
                       ecog = d$ph.ecog, inst = d$inst,
                       w = 0.5 + (seq_len(n) %% 5) / 4 + (seq_len(n) %% 3) / 7,
                       id = seq_len(n))
lung_csv <- roundtrip(lung_csv, "tests/data/cox_lung.csv")
lung_csv$sex <- factor(lung_csv$sex, levels = c("Male", "Female"))

# survival::veteran (VA lung cancer trial)
vet <- roundtrip(veteran, "tests/data/cox_veteran.csv")
vet$celltype <- factor(vet$celltype)

# Freireich et al. (1963) 6-MP remission data (Gehan 1965)
mp <- c(6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32,
        34, 35)
mps <- c(1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0)
pl <- c(1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23)
frei <- roundtrip(data.frame(weeks = c(mp, pl), relapse = c(mps, rep(1, 21)),
                             group = rep(c("6-MP", "placebo"), each = 21)),
                  "tests/data/cox_freireich.csv")
frei$group <- factor(frei$group, levels = c("6-MP", "placebo"))

# monotone likelihood: no event in arm A, so the hazard ratio of B is
# infinite
sep <- data.frame(time = c(5, 8, 12, 3, 9, 14, 20, 25, 30, 33, 40, 41),
                  status = c(1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0),
                  arm = c("B", "B", "B", "B", "B", "B", "A", "A", "A", "A",
                          "A", "A"),
                  age = c(61, 55, 70, 48, 66, 59, 62, 71, 50, 57, 64, 68))
sep <- roundtrip(sep, "tests/data/cox_separated.csv")
sep$arm <- factor(sep$arm)

# survival::heart (Stanford heart transplant, start-stop intervals)
heart_csv <- roundtrip(heart, "tests/data/cox_heart.csv")

# input errors: status 3 in data row 4; no events at all
bad <- data.frame(time = c(5, 8, 12, 3, 9), status = c(1, 0, 1, 3, 0),
                  arm = c("A", "B", "A", "B", "A"))
write.csv(bad, "tests/data/cox_bad_status.csv", row.names = FALSE)
noev <- data.frame(time = c(5, 8, 12, 3, 9), status = c(0, 0, 0, 0, 0),
                   arm = c("A", "B", "A", "B", "A"))
write.csv(noev, "tests/data/cox_no_events.csv", row.names = FALSE)

# ---- L1: lung, factors, Efron (the default), --ref sex=Male ----
L <- lung_csv
f1 <- coxph(Surv(time, status) ~ sex + age + factor(ecog), data = L)
put_fit("l1", f1)
# univariable models on the rows of the multivariable model
used <- L[!is.na(L$ecog), ]
put_fit("l1u_sex", coxph(Surv(time, status) ~ sex, data = used))
put_fit("l1u_age", coxph(Surv(time, status) ~ age, data = used))
put_fit("l1u_ecog", coxph(Surv(time, status) ~ factor(ecog), data = used))
# proportional hazards tests
z <- cox.zph(f1, transform = "km")
put("l1.zph_km", t(z$table))        # chisq df p per term, then GLOBAL
z <- cox.zph(f1, transform = "rank")
put("l1.zph_rank", t(z$table))
# survival for a covariate profile at 180 and 365 days
nd <- data.frame(sex = factor("Female", levels = c("Male", "Female")),
                 age = 60, ecog = 1)
sf <- summary(survfit(f1, newdata = nd), times = c(180, 365))
put("l1.pred_surv", sf$surv)
put("l1.pred_lower", sf$lower)
put("l1.pred_upper", sf$upper)
put("l1.pred_cumhaz", sf$cumhaz)
bh <- basehaz(f1)                   # centred at the means, as R's default
put("l1.base_time", bh$time[c(1, 10, 50)])
put("l1.base_hazard", bh$hazard[c(1, 10, 50)])
# residuals, in data order of the used rows (source rows 1, 2, 3, 15)
mr <- residuals(f1, type = "martingale")
put("l1.resid_martingale", mr[c("1", "2", "3", "15")])
dr <- residuals(f1, type = "deviance")
put("l1.resid_deviance", dr[c("1", "2", "3", "15")])
sr <- residuals(f1, type = "schoenfeld")
put("l1.resid_schoenfeld_first", sr[1, ])
put("l1.resid_schoenfeld_time", as.numeric(rownames(sr))[1:3])
sc <- residuals(f1, type = "score")
put("l1.resid_score_row2", sc["2", ])
ss <- residuals(f1, type = "scaledsch")
put("l1.resid_scaledsch_first", ss[1, ])
# conf.level 0.9
s90 <- summary(f1, conf.int = 0.9)$conf.int
put("l1.lower90", s90[, 3])
put("l1.upper90", s90[, 4])

# ---- L2: Breslow ties ----
put_fit("l2", coxph(Surv(time, status) ~ sex + age + factor(ecog), data = L,
                    ties = "breslow"))

# ---- L3: strata and cluster (robust variance by institution) ----
put_fit("l3", coxph(Surv(time, status) ~ sex + age + strata(ecog) +
                        cluster(inst), data = L))

# ---- L4: case weights with the robust variance ----
put_fit("l4", coxph(Surv(time, status) ~ sex + age, data = L, weights = w,
                    robust = TRUE))

# ---- L5: an offset ----
put_fit("l5", coxph(Surv(time, status) ~ sex + offset(age / 100), data = L))

# ---- L6: one Newton-Raphson iteration only (not converged) ----
f6 <- suppressWarnings(coxph(Surv(time, status) ~ sex + age + factor(ecog),
                             data = L, iter.max = 1))
put("l6.coef", coef(f6))
put("l6.iter", f6$iter)

# ---- V1: veteran, a factor with four levels, identity-time PH test ----
fv <- coxph(Surv(time, status) ~ trt + celltype + karno, data = vet)
put_fit("v1", fv)
put("v1.zph_identity", t(cox.zph(fv, transform = "identity")$table))

# ---- V2: exact partial likelihood ----
put_fit("v2", coxph(Surv(time, status) ~ trt + celltype + karno, data = vet,
                    ties = "exact"))

# ---- F: Freireich, the three ties methods ----
for (tm in c("efron", "breslow", "exact"))
    put_fit(paste0("f_", tm), coxph(Surv(weeks, relapse) ~ group, data = frei,
                                    ties = tm))

# ---- H: counting-process data ----
put_fit("h1", coxph(Surv(start, stop, event) ~ age + surgery + transplant,
                    data = heart_csv))

# ---- S: separated data, monotone likelihood and Firth ----
fs <- suppressWarnings(coxph(Surv(time, status) ~ arm + age, data = sep))
put("s1.coef", coef(fs))
put("s1.loglik", fs$loglik)

at <- function(b) {
    suppressWarnings(coxph(Surv(time, status) ~ arm + age, data = sep,
                           init = b, control = coxph.control(iter.max = 0)))
}
pen <- function(b) {
    f <- tryCatch(at(b), error = function(e) NULL)
    if (is.null(f)) return(-1e10)
    f$loglik[2] + 0.5 * as.numeric(determinant(solve(f$var))$modulus)
}
grad <- function(b, h = 1e-4) {
    d1 <- function(h) sapply(seq_along(b), function(j) {
        e <- rep(0, length(b)); e[j] <- h
        (pen(b + e) - pen(b - e)) / (2 * h)
    })
    (4 * d1(h / 2) - d1(h)) / 3
}
hess <- function(b, h = 1e-3) {
    p <- length(b)
    H <- matrix(0, p, p)
    for (j in 1:p) {
        e <- rep(0, p); e[j] <- h
        H[, j] <- (grad(b + e) - grad(b - e)) / (2 * h)
    }
    (H + t(H)) / 2
}
o <- optim(c(0, 0), function(b) -pen(b), method = "Nelder-Mead",
           control = list(reltol = 1e-12, maxit = 5000))
o <- optim(o$par, function(b) -pen(b), method = "BFGS",
           control = list(reltol = 1e-14, maxit = 1000))
b <- o$par
for (it in 1:6) b <- b - solve(hess(b), grad(b))
lmax <- pen(b)
profile <- function(k, v) {
    optimize(function(z) { bb <- b; bb[k] <- v; bb[-k] <- z; pen(bb) },
             b[-k] + c(-8, 8), maximum = TRUE, tol = 1e-11)$objective
}
se <- sqrt(diag(at(b)$var))
q <- qchisq(0.95, 1)
lower <- upper <- chisq <- numeric(2)
for (k in 1:2) {
    g <- function(v) 2 * (lmax - profile(k, v)) - q
    m <- 1
    while (g(b[k] + m * se[k]) < 0) m <- 2 * m
    upper[k] <- uniroot(g, c(b[k], b[k] + m * se[k]), tol = 1e-13)$root
    m <- 1
    while (g(b[k] - m * se[k]) < 0) m <- 2 * m
    lower[k] <- uniroot(g, c(b[k] - m * se[k], b[k]), tol = 1e-13)$root
    chisq[k] <- 2 * (lmax - profile(k, 0))
}
put("s1.firth_coef", b)
put("s1.firth_lower", exp(lower))
put("s1.firth_upper", exp(upper))
put("s1.firth_chisq", chisq)
put("s1.firth_p", pchisq(chisq, 1, lower.tail = FALSE))

con <- file("tests/golden/cli/cox_cli.txt", "w")
writeLines(c("# generated by tests/golden/cli/cox_cli.R -- do not edit", lines),
           con)
close(con)
