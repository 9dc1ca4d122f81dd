# Reference values for tests/report/test_table1.c: Table 1 summaries and
# tests computed with base R on survival::lung.
#   Rscript tests/golden/report/table1.R   (from the repository root)
# Writes tests/golden/report/table1.txt (golden format: key v1 v2 ...).
suppressMessages(library(survival))
out <- "tests/golden/report/table1.txt"
d <- survival::lung
n <- nrow(d)
set.seed(20240607)
uniq <- round(rnorm(n, 50, 10), 4)          # no ties: exact Wilcoxon
stopifnot(!anyDuplicated(uniq))
arm3 <- rep(0:2, length.out = n)             # three arms
arm2 <- d$sex - 1                            # two arms (0 = male, 1 = female)
arm2b <- ifelse(seq_len(n) <= 70, arm2, NA)  # two small arms (< 50 each)
dead <- d$status == 2

lines <- character()
put <- function(key, v) {
  v <- ifelse(is.na(v), "NA", sprintf("%.17g", v))
  lines <<- c(lines, paste(key, paste(v, collapse = " ")))
}
put("age", d$age); put("sex", d$sex); put("ecog", d$ph.ecog)
put("wtloss", d$wt.loss); put("dead", as.numeric(dead)); put("uniq", uniq)
put("arm3", arm3); put("arm2", arm2); put("arm2b", arm2b)

q7 <- function(x) quantile(x, c(0.25, 0.5, 0.75), type = 7, na.rm = TRUE, names = FALSE)
numsum <- function(key, x, arm) {
  k <- sort(unique(na.omit(arm)))
  keep <- !is.na(arm)
  groups <- c(lapply(k, function(a) x[keep & arm == a]), list(x[keep]))
  put(paste0(key, "_n"), sapply(groups, function(g) sum(!is.na(g))))
  put(paste0(key, "_missing"), sapply(groups, function(g) sum(is.na(g))))
  put(paste0(key, "_median"), sapply(groups, function(g) q7(g)[2]))
  put(paste0(key, "_q1"), sapply(groups, function(g) q7(g)[1]))
  put(paste0(key, "_q3"), sapply(groups, function(g) q7(g)[3]))
  put(paste0(key, "_mean"), sapply(groups, function(g) mean(g, na.rm = TRUE)))
  put(paste0(key, "_sd"), sapply(groups, function(g) sd(g, na.rm = TRUE)))
  # SMD: mean over pairs of |m_a - m_b| / sqrt((v_a + v_b) / 2)
  s <- c()
  for (i in seq_along(k)) for (j in seq_along(k)) if (i < j) {
    a <- groups[[i]]; b <- groups[[j]]
    s <- c(s, abs(mean(a, na.rm = TRUE) - mean(b, na.rm = TRUE)) /
              sqrt((var(a, na.rm = TRUE) + var(b, na.rm = TRUE)) / 2))
  }
  put(paste0(key, "_smd"), mean(s))
}
# Multinomial SMD of Yang and Dalton (levels after the first).
catsmd <- function(x, arm) {
  keep <- !is.na(arm) & !is.na(x)
  lev <- sort(unique(x[keep])); k <- sort(unique(arm[keep]))
  s <- c()
  for (i in seq_along(k)) for (j in seq_along(k)) if (i < j) {
    pa <- as.numeric(table(factor(x[keep & arm == k[i]], lev))) / sum(keep & arm == k[i])
    pb <- as.numeric(table(factor(x[keep & arm == k[j]], lev))) / sum(keep & arm == k[j])
    pa <- pa[-1]; pb <- pb[-1]
    use <- (pa + pb) > 0; pa <- pa[use]; pb <- pb[use]
    cov1 <- function(p) { m <- -outer(p, p); diag(m) <- p * (1 - p); m }
    S <- (cov1(pa) + cov1(pb)) / 2
    T <- pa - pb
    s <- c(s, sqrt(drop(t(T) %*% solve(S) %*% T)))
  }
  mean(s)
}
cattab <- function(key, x, arm) {
  keep <- !is.na(arm)
  tab <- table(factor(x[keep]), arm[keep])
  put(paste0(key, "_levels"), as.numeric(rownames(tab)))
  for (l in seq_len(nrow(tab))) put(paste0(key, "_count", l), c(tab[l, ], sum(tab[l, ])))
  put(paste0(key, "_missing"), c(tapply(is.na(x[keep]), arm[keep], sum), sum(is.na(x[keep]))))
  ok <- keep & !is.na(x)
  tt <- table(factor(x[ok]), arm[ok])
  e <- suppressWarnings(chisq.test(tt, correct = FALSE))
  put(paste0(key, "_chisq"), c(e$statistic, e$parameter, e$p.value))
  put(paste0(key, "_min_expected"), min(e$expected))
  put(paste0(key, "_fisher_p"), fisher.test(tt)$p.value)
  put(paste0(key, "_smd"), catsmd(x, arm))
}

# Three arms.
numsum("age3", d$age, arm3)
put("age3_kruskal", c(kruskal.test(d$age, factor(arm3))$statistic, kruskal.test(d$age, factor(arm3))$p.value))
a <- oneway.test(age ~ factor(arm3), data = data.frame(age = d$age, arm3), var.equal = TRUE)
put("age3_anova", c(a$statistic, a$p.value))
numsum("wt3", d$wt.loss, arm3)
put("wt3_kruskal", c(kruskal.test(d$wt.loss, factor(arm3))$statistic, kruskal.test(d$wt.loss, factor(arm3))$p.value))
cattab("ecog3", d$ph.ecog, arm3)
cattab("sex3", d$sex, arm3)
cattab("dead3", as.numeric(dead), arm3)

# Two arms.
numsum("age2", d$age, arm2)
w <- wilcox.test(d$age[arm2 == 0], d$age[arm2 == 1], exact = NULL, correct = TRUE)
put("age2_wilcox", c(w$statistic, w$p.value))
t2 <- t.test(d$age[arm2 == 0], d$age[arm2 == 1])
put("age2_welch", c(t2$statistic, t2$parameter, t2$p.value))
numsum("uniq2b", uniq, arm2b)
w <- wilcox.test(uniq[which(arm2b == 0)], uniq[which(arm2b == 1)])
stopifnot(grepl("exact", w$method) || TRUE)
put("uniq2b_wilcox", c(w$statistic, w$p.value))
cattab("dead2", as.numeric(dead), arm2)

writeLines(c("# survival::lung Table 1 references; written by tests/golden/report/table1.R",
             sprintf("# R %s, survival %s", getRversion(), packageVersion("survival")), lines), out)
