# plot_cli.R -- data files and reference numbers for tests/cli/test_plot.sh.
# Run from the repository root:  Rscript tests/golden/cli/plot_cli.R
# Reads tests/data/lung.csv (written by tests/golden/cli/km_cli.R).
# Writes tests/data/plot_*.csv and tests/golden/cli/plot_cli.txt (one
# "key v1 v2 ..." line per entry; NA for undefined values).

suppressMessages(library(survival))
stopifnot(packageVersion("survival") == "3.5.3")

lines <- character(0)
put <- function(key, x) {
    x <- as.numeric(x)
    s <- ifelse(is.na(x), "NA", sprintf("%.17g", x))
    lines <<- c(lines, paste(c(key, s), collapse = " "))
}

d <- read.csv("tests/data/lung.csv")
d$event <- as.numeric(d$status == 2)

# ---- plot km: lung by sex, months from days ----
d$months <- d$time / 30.4375
f <- survfit(Surv(months, status) ~ sex, data = d)
q <- quantile(f, 0.5)
put("km.median", q$quantile)
put("km.median_lower", q$lower)
put("km.median_upper", q$upper)
lr <- survdiff(Surv(time, status) ~ sex, data = d)
put("km.chisq", lr$chisq)
put("km.p", pchisq(lr$chisq, 1, lower.tail = FALSE))
cx <- coxph(Surv(time, status) ~ factor(sex), data = d)
ci <- exp(confint(cx))
put("km.hr", exp(coef(cx)))
put("km.hr_lower", ci[, 1])
put("km.hr_upper", ci[, 2])
put("km.hr_p", summary(cx)$coefficients[, "Pr(>|z|)"])

# four ECOG groups against ECOG 1 (the row without ECOG is left out)
e <- subset(d, !is.na(ph.ecog))
e$ecog <- relevel(factor(e$ph.ecog), ref = "1")
cx <- coxph(Surv(time, status) ~ ecog, data = e)
ci <- exp(confint(cx))
put("km3.hr", exp(coef(cx)))          # ECOG 0, 2 and 3 against 1
put("km3.hr_lower", ci[, 1])
put("km3.hr_upper", ci[, 2])

# stratified log-rank: sex within institutions
lr <- survdiff(Surv(time, status) ~ sex + strata(inst), data = d)
put("km_strata.chisq", lr$chisq)
put("km_strata.p", pchisq(lr$chisq, 1, lower.tail = FALSE))

# ---- plot forest: sex within subgroups ----
d$female <- as.numeric(d$sex == 2)
hr_row <- function(key, x) {
    fit <- coxph(Surv(time, status) ~ female, data = x)
    ci <- exp(confint(fit))
    put(paste0(key, ".hr"), c(exp(coef(fit)), ci[1], ci[2]))
    put(paste0(key, ".n"), c(nrow(x), sum(x$event)))
}
p_int <- function(var, x) {
    f0 <- coxph(as.formula(paste("Surv(time, status) ~ female +", var)), data = x)
    f1 <- coxph(as.formula(paste("Surv(time, status) ~ female *", var)), data = x)
    a <- anova(f0, f1)
    c(a[2, "Chisq"], a[2, "Df"], a[2, "Pr(>|Chi|)"])
}
hr_row("sub.all", d)
de <- d[!is.na(d$ph.ecog), ]
de$ecogf <- factor(de$ph.ecog)
for (lev in 0:2) hr_row(paste0("sub.ecog", lev), de[de$ph.ecog == lev, ])
put("sub.ecog_int", p_int("ecogf", de))
d$old <- factor(d$age >= 65)
for (lev in c(FALSE, TRUE)) hr_row(paste0("sub.old", as.numeric(lev)), d[d$old == lev, ])
put("sub.old_int", p_int("old", d))

# ---- plot forest: multivariable model ----
m <- coxph(Surv(time, status) ~ age + factor(sex) + factor(ph.ecog) + wt.loss, data = d)
ci <- exp(confint(m))
put("mv.hr", exp(coef(m)))
put("mv.lower", ci[, 1])
put("mv.upper", ci[, 2])
put("mv.p", summary(m)$coefficients[, "Pr(>|z|)"])
put("mv.n", m$n)
put("mv.excluded", nrow(d) - m$n)

# ---- forest rows from a table; one with a hazard ratio of 0 ----
rows <- data.frame(
    label = c("All patients", "KIT mutation", "Exon 11", "Exon 9", "Wild type"),
    hr = c(0.62, NA, 0.55, 0.91, 1.40),
    lower = c(0.45, NA, 0.37, 0.48, 0.61),
    upper = c(0.85, NA, 0.82, 1.72, 3.21),
    n = c(180, NA, 120, 35, 25),
    events = c(96, NA, 60, 22, 14),
    p_int = c(NA, 0.21, NA, NA, NA),
    header = c(0, 1, 0, 0, 0),
    overall = c(1, 0, 0, 0, 0))
write.csv(rows, "tests/data/plot_forest_rows.csv", row.names = FALSE, na = "")
rows$hr[4] <- 0
rows$lower[4] <- 0
write.csv(rows, "tests/data/plot_forest_zero.csv", row.names = FALSE, na = "")

# ---- plot waterfall: best change per patient ----
set.seed(20240611)
n <- 24
change <- round(c(-100, -100, runif(8, -90, -30), runif(8, -29, 19), runif(5, 20, 80),
                  -45.5), 1)
change[12] <- change[11]    # a tie: input order must be kept
bor <- ifelse(change <= -100, "CR", ifelse(change <= -30, "PR",
              ifelse(change < 20, "SD", "PD")))
wf <- data.frame(id = sprintf("P%02d", seq_len(n)), best_change = change, bor = bor)
wf$best_change[7] <- NA     # no follow-up scan: left out and reported
wf <- wf[sample(n), ]       # file order is not the figure's order
write.csv(wf, "tests/data/plot_waterfall.csv", row.names = FALSE, na = "")
ok <- !is.na(wf$best_change)
ord <- order(-wf$best_change[ok])    # R's order() keeps ties in input order
put("wf.n", sum(ok))
put("wf.order", as.numeric(sub("P", "", wf$id[ok][ord])))
put("wf.change", wf$best_change[ok][ord])
put("wf.excluded_row", which(!ok))
bad <- wf
bad$best_change[3] <- -120
write.csv(bad, "tests/data/plot_waterfall_bad.csv", row.names = FALSE, na = "")

# ---- plot swimmer: one row per patient, times in days ----
sw <- data.frame(
    id = sprintf("S%02d", 1:10),
    arm = rep(c("TACE", "Resection"), 5),
    days = c(720, 365, 540, 90, 1000, 610, 45, 800, NA, 300),
    resp_day = c(60, 90, NA, NA, 120, 60, NA, 100, NA, 90),
    pd_day = c(400, NA, 300, 80, NA, 500, NA, NA, NA, 250),
    death_day = c(NA, NA, 540, 90, NA, NA, 45, NA, NA, NA),
    tace2_day = c(120, NA, 150, NA, 200, NA, NA, NA, NA, NA),
    status = c("off", "ongoing", "dead", "dead", "ongoing", "off", "dead",
               "ongoing", "off", "off"))
write.csv(sw, "tests/data/plot_swimmer.csv", row.names = FALSE, na = "")
ok <- !is.na(sw$days)
put("sw.n", sum(ok))
put("sw.months", sw$days[ok] / 30.4375)
put("sw.excluded_row", which(!ok))
bad <- sw
bad$pd_day[2] <- 400        # after the end of the bar (365)
write.csv(bad, "tests/data/plot_swimmer_bad.csv", row.names = FALSE, na = "")

# ---- a group variable with no value at all ----
empty <- data.frame(time = c(5, 8, 10, 12), status = c(1, 0, 1, 1),
                    arm = c(NA, NA, NA, NA))
write.csv(empty, "tests/data/plot_empty_group.csv", row.names = FALSE, na = "")

writeLines(c("# generated by tests/golden/cli/plot_cli.R",
             paste("# R", getRversion(), "survival", packageVersion("survival")),
             lines), "tests/golden/cli/plot_cli.txt")
