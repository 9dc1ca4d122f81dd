# rates_cli.R -- data and reference numbers for tests/cli/test_rates.sh.
# Run from the repository root:  Rscript tests/golden/cli/rates_cli.R
# Writes tests/data/rates_arms.csv and tests/golden/cli/rates_cli.txt (one
# "key v1 v2 ..." line per entry).
#
# The seed study's numbers: objective response 15/38 with control and
# 17/22 with TACE.  Rows 61-62 have no arm and row 63 no response; they
# must be reported as excluded.
options(warn = -1)  # chisq.test warns about small expected counts
lines <- character(0)
put <- function(key, x) {
    x <- as.numeric(x)
    s <- ifelse(is.na(x), "NA", sprintf("%.17g", x))
    lines <<- c(lines, paste(c(key, s), collapse = " "))
}

bor <- c(rep(c("CR", "PR", "SD", "PD", "NE"), c(2, 13, 10, 10, 3)),
         rep(c("CR", "PR", "SD", "PD"), c(5, 12, 3, 2)))
arm <- rep(c("Control", "TACE"), c(38, 22))
# Three dose levels for the trend test: the first patients of each arm
# (the responders come first) got the lowest dose.
dose <- c(rep(1:3, c(13, 13, 12)), rep(1:3, c(7, 7, 8)))
d <- data.frame(id = 1:63,
                arm = c(arm, NA, NA, "TACE"),
                bor = c(bor, "PR", "SD", NA),
                dose = c(dose, 1, 2, 3))
d$responded <- d$bor %in% c("CR", "PR")
d$responded[is.na(d$bor)] <- NA
write.csv(d, "tests/data/rates_arms.csv", row.names = FALSE, na = "")
d <- read.csv("tests/data/rates_arms.csv", na.strings = c("", "NA"))
u <- d[!is.na(d$arm) & !is.na(d$bor), ]

# ---- binary: responded ~ arm ----
x <- tapply(u$responded, u$arm, sum); n <- tapply(u$responded, u$arm, length)
for (g in names(x)) {
    ci <- binom.test(x[[g]], n[[g]])$conf.int
    put(paste0("bin.", g), c(n[[g]], x[[g]], x[[g]] / n[[g]], ci))
    w <- prop.test(x[[g]], n[[g]], correct = FALSE)$conf.int
    put(paste0("wilson.", g), w)
}
ci <- binom.test(sum(x), sum(n))$conf.int
put("bin.All", c(sum(n), sum(x), sum(x) / sum(n), ci))
# TACE against Control: Newcombe's hybrid score interval from the Wilson
# limits (prop.test, correct = FALSE).
p1 <- x[["TACE"]] / n[["TACE"]]; p2 <- x[["Control"]] / n[["Control"]]
w1 <- prop.test(x[["TACE"]], n[["TACE"]], correct = FALSE)$conf.int
w2 <- prop.test(x[["Control"]], n[["Control"]], correct = FALSE)$conf.int
dd <- p1 - p2
put("bin.diff", c(dd, dd - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2),
                  dd + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2)))
tab <- matrix(c(x[["TACE"]], n[["TACE"]] - x[["TACE"]],
                x[["Control"]], n[["Control"]] - x[["Control"]]), 2, byrow = TRUE)
ft <- fisher.test(tab)
# fisher.test's printed estimate and limits stop at uniroot's tolerance
# (about 1e-4 relative; docs/methods/rates.md): compare loosely.
put("bin.or_printed", c(ft$estimate, ft$conf.int))
put("bin.fisher_p", ft$p.value)
ct <- chisq.test(tab, correct = FALSE)
put("bin.chisq", c(ct$statistic, ct$p.value))
ct <- chisq.test(tab, correct = TRUE)
put("bin.chisq_yates", c(ct$statistic, ct$p.value))

# ---- one proportion: responded ~ 1 (rows without an arm count) ----
v <- d[!is.na(d$responded), ]
ci <- binom.test(sum(v$responded), nrow(v))$conf.int
put("one", c(nrow(v), sum(v$responded), mean(v$responded), ci))

# ---- categorical: bor ~ arm ----
tb <- table(u$arm, u$bor)
put("cat.levels_count", ncol(tb))      # CR NE PD PR SD, sorted by bytes
put("cat.Control", tb["Control", ])
put("cat.TACE", tb["TACE", ])
ct <- chisq.test(tb)
put("cat.test", c(fisher.test(tb)$p.value, ct$statistic, ct$parameter, ct$p.value))
ci <- binom.test(tb["TACE", "CR"], sum(tb["TACE", ]))$conf.int
put("cat.TACE_CR", c(tb["TACE", "CR"] / sum(tb["TACE", ]), ci))

# ---- trend: responded ~ factor(dose) (3 ordered groups; the arm is not
# in this formula, so only row 63 is excluded) ----
v <- d[!is.na(d$bor), ]
x <- tapply(v$responded, v$dose, sum); n <- tapply(v$responded, v$dose, length)
put("trend.counts", c(x, n))
pt <- prop.trend.test(x, n)
put("trend", c(pt$statistic, pt$p.value))
put("trend.fisher_p", fisher.test(cbind(n - x, x))$p.value)

writeLines(c("# written by tests/golden/cli/rates_cli.R", lines),
           "tests/golden/cli/rates_cli.txt")
