# km_cli.R -- data files and reference numbers for tests/cli/test_km.sh and
# tests/cli/test_logrank.sh.
# Run from the repository root:  Rscript tests/golden/cli/km_cli.R
# Writes tests/data/lung.csv, tests/data/km_edge.csv,
# tests/data/km_bad_status.csv and tests/golden/cli/km_cli.txt (one
# "key v1 v2 ..." line per entry; NA for undefined values).

suppressMessages(library(survival))
stopifnot(packageVersion("survival") == "3.5.3")

lines <- character(0)
put <- function(key, x) {
    x <- as.numeric(x)
    s <- ifelse(is.na(x), "NA", sprintf("%.17g", x))
    lines <<- c(lines, paste(c(key, s), collapse = " "))
}

# ---- data ----

# survival::lung (NCCTG advanced lung cancer; status 1 = censored,
# 2 = dead) with three columns for the tests: a patient id, non-integer
# case weights and a delayed-entry time.
d <- lung
n <- nrow(d)
d$id <- seq_len(n)
d$w <- 0.5 + (seq_len(n) %% 5) / 4 + (seq_len(n) %% 3) / 7
d$entry <- floor(d$time * ((seq_len(n) * 37) %% 11) / 20)
write.csv(d, "tests/data/lung.csv", row.names = FALSE, na = "NA")
# The references are computed from the file as written (15 digits).
d <- read.csv("tests/data/lung.csv")

# Small edge cases: arm C is all censored; row 3 has no time, row 8 no arm.
edge <- data.frame(
    time   = c(5, 8, NA, 12, 15, 20, 22, 25, 30, 31, 40, 42, 50, 60),
    status = c(1, 1, 1,  0,  1,  1,  0,  1,  0,  0,  0,  1,  0,  0),
    arm    = c("A", "B", "A", "A", "B", "A", "B", NA, "C", "C", "C", "B",
               "C", "A"))
write.csv(edge, "tests/data/km_edge.csv", row.names = FALSE, na = "NA")
edge <- read.csv("tests/data/km_edge.csv")

# An event code that is neither 0/1 nor 1/2: row 4 has status 3.
bad <- data.frame(time = c(5, 8, 10, 12, 15), status = c(1, 2, 1, 3, 2),
                  arm = c("A", "B", "A", "B", "A"))
write.csv(bad, "tests/data/km_bad_status.csv", row.names = FALSE)

# ---- Kaplan-Meier ----

times <- c(180, 365)
put_km <- function(key, fit, times, tau = NULL) {
    q <- quantile(fit, 0.5)
    put(paste0(key, ".median"), q$quantile)
    put(paste0(key, ".median_lower"), q$lower)
    put(paste0(key, ".median_upper"), q$upper)
    s <- summary(fit, times = times, extend = TRUE)
    put(paste0(key, ".n_risk"), s$n.risk)
    put(paste0(key, ".surv"), s$surv)
    put(paste0(key, ".std_err"), s$std.err)
    put(paste0(key, ".lower"), s$lower)
    put(paste0(key, ".upper"), s$upper)
    if (!is.null(tau)) {
        tab <- summary(fit, rmean = tau)$table
        if (is.null(dim(tab))) tab <- t(tab)
        put(paste0(key, ".rmst"), tab[, "rmean"])
        put(paste0(key, ".rmst_se"), tab[, "se(rmean)"])
    }
}

# K1: by sex, defaults; survival at 180 and 365; RMST up to the smallest
# of the groups' largest times; differences and RMST contrasts of sex=2
# against sex=1.
f1 <- survfit(Surv(time, status) ~ sex, data = d)
tau1 <- min(tapply(d$time, d$sex, max))
put("k1.tau", tau1)
put_km("k1", f1, times, tau1)
s1 <- summary(f1, times = times)
ng <- length(times)
diff <- s1$surv[ng + 1:ng] - s1$surv[1:ng]
se <- sqrt(s1$std.err[1:ng]^2 + s1$std.err[ng + 1:ng]^2)
put("k1.diff", diff)
put("k1.diff_se", se)
put("k1.diff_p", 2 * pnorm(-abs(diff / se)))
tab <- summary(f1, rmean = tau1)$table
rm <- tab[, "rmean"]; rse <- tab[, "se(rmean)"]
put("k1.rmst_diff", rm[2] - rm[1])
put("k1.rmst_diff_se", sqrt(rse[1]^2 + rse[2]^2))
put("k1.rmst_ratio", rm[2] / rm[1])
lse <- sqrt(rse[1]^2 / rm[1]^2 + rse[2]^2 / rm[2]^2)
put("k1.rmst_ratio_lower", exp(log(rm[2] / rm[1]) - qnorm(0.975) * lse))

# K2: one curve, log-log intervals at 90%.
f2 <- survfit(Surv(time, status) ~ 1, data = d, conf.type = "log-log",
              conf.int = 0.9)
put_km("k2", f2, times)

# K3: by ECOG; the row with a missing ECOG is left out.
put("k3.excluded_row", which(is.na(d$ph.ecog)))
f3 <- survfit(Surv(time, status) ~ ph.ecog, data = d)
put("k3.n", f3$n)
put_km("k3", f3, 180)

# K4: non-integer weights, robust variance by patient.
f4 <- survfit(Surv(time, status) ~ sex, data = d, weights = w, id = id,
              robust = TRUE)
put_km("k4", f4, times)

# K5: robust variance by institution (the row without one is left out).
f5 <- survfit(Surv(time, status) ~ sex, data = d, weights = w, cluster = inst)
put_km("k5", f5, times)

# K6: delayed entry.
f6 <- survfit(Surv(entry, time, status) ~ sex, data = d)
put_km("k6", f6, times)

# K7: landmark at 90 days, by hand.
L <- 90
dl <- subset(d, time > L)
dl$time <- dl$time - L
f7 <- survfit(Surv(time, status) ~ sex, data = dl)
put("k7.excluded", sum(d$time <= L))
put("k7.n", f7$n)
put_km("k7", f7, times)

# K8: the edge file; arm C has no event, so its median is not reached.
f8 <- survfit(Surv(time, status) ~ arm, data = edge)
put("k8.n", f8$n)
put_km("k8", f8, 20)

# ---- log-rank family ----

put_lr <- function(key, sd) {
    o <- if (is.matrix(sd$obs)) rowSums(sd$obs) else sd$obs
    e <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp
    df <- sum(e > 0) - 1
    put(paste0(key, ".chisq"), sd$chisq)
    put(paste0(key, ".df"), df)
    put(paste0(key, ".p"), pchisq(sd$chisq, df, lower.tail = FALSE))
    put(paste0(key, ".observed"), o)
    put(paste0(key, ".expected"), e)
    put(paste0(key, ".var"), sd$var)
}

# L1: by sex.
put_lr("l1", survdiff(Surv(time, status) ~ sex, data = d))

# L2: by ECOG, with a trend test (scores 1..4) and Holm-adjusted pairs.
sd2 <- survdiff(Surv(time, status) ~ ph.ecog, data = d)
put_lr("l2", sd2)
oe <- sd2$obs - sd2$exp
sc <- 1:4
put("l2.trend_chisq", sum(sc * oe)^2 / drop(t(sc) %*% sd2$var %*% sc))
de <- d[!is.na(d$ph.ecog), ]
lv <- sort(unique(de$ph.ecog))
pp <- c()
for (i in 1:(length(lv) - 1)) for (j in (i + 1):length(lv)) {
    s <- survdiff(Surv(time, status) ~ ph.ecog,
                  data = de[de$ph.ecog %in% lv[c(i, j)], ])
    pp <- c(pp, pchisq(s$chisq, 1, lower.tail = FALSE))
}
put("l2.pair_p", pp)
put("l2.pair_holm", p.adjust(pp, "holm"))

# L3: stratified by institution (the row without one is left out).
put_lr("l3", survdiff(Surv(time, status) ~ sex + strata(inst), data = d))

# L4: Peto-Peto (rho = 1).
put_lr("l4", survdiff(Surv(time, status) ~ sex, data = d, rho = 1))

# L5: landmark at 90 days.
put_lr("l5", survdiff(Surv(time, status) ~ sex, data = dl))

writeLines(c("# Rscript tests/golden/cli/km_cli.R (R survival 3.5-3)", lines),
           "tests/golden/cli/km_cli.txt")
