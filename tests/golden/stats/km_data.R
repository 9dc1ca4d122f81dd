# km_data.R -- the data sets shared by km_curves.R, km_logrank.R and
# km_rmst.R, plus the writer for golden files.  Sourced from the repository
# root: source("tests/golden/stats/km_data.R").
#
# Every case is a list: time, status (0/1), group (0-based integer codes),
# optionally entry (delayed entry), weight (case weights), stratum
# (0-based), and times (for survival at chosen times).

suppressMessages(library(survival))
stopifnot(packageVersion("survival") == "3.5.3")

golden_lines <- character(0)

# One "key v1 v2 ..." line; NA/NaN -> NA, infinities -> Inf/-Inf, numbers
# with 17 significant digits so that the C side reads back the same double.
put <- function(key, x) {
    x <- as.numeric(x)
    s <- ifelse(is.na(x), "NA",
                ifelse(is.infinite(x), ifelse(x > 0, "Inf", "-Inf"),
                       sprintf("%.17g", x)))
    golden_lines <<- c(golden_lines, paste(c(key, s), collapse = " "))
}

write_golden <- function(path, header) {
    writeLines(c(paste("#", header), golden_lines), path)
    golden_lines <<- character(0)
}

put_data <- function(name, d) {
    put(paste0(name, ".time"), d$time)
    put(paste0(name, ".status"), d$status)
    put(paste0(name, ".group"), d$group)
    put(paste0(name, ".ngroups"), max(d$group) + 1)
    if (!is.null(d$entry)) put(paste0(name, ".entry"), d$entry)
    if (!is.null(d$weight)) put(paste0(name, ".weight"), d$weight)
    if (!is.null(d$stratum)) {
        put(paste0(name, ".stratum"), d$stratum)
        put(paste0(name, ".nstrata"), max(d$stratum) + 1)
    }
    if (!is.null(d$times)) put(paste0(name, ".times"), d$times)
}

km_cases <- list()

# lung (NCCTG advanced lung cancer): status 1 = censored, 2 = dead.
km_cases$lung_sex <- with(lung, list(time = time, status = status - 1,
    group = sex - 1, times = c(0, 5, 90, 180, 365, 730, 1000, 2000)))
km_cases$lung_all <- with(lung, list(time = time, status = status - 1,
    group = rep(0, nrow(lung)), times = c(-1, 0, 11, 365, 1022, 1100)))

# veteran (VA lung cancer trial): trt 1/2; celltype strata for the tests.
km_cases$veteran_trt <- with(veteran, list(time = time, status = status,
    group = trt - 1, stratum = as.integer(celltype) - 1,
    times = c(30, 100, 365, 600)))

# ovarian: futime, fustat, rx 1/2.
km_cases$ovarian_rx <- with(ovarian, list(time = futime, status = fustat,
    group = rx - 1, times = c(100, 365, 730, 1200)))

# aml: x = Maintained (0) / Nonmaintained (1).
km_cases$aml_x <- with(aml, list(time = time, status = status,
    group = as.integer(x) - 1, times = c(5, 12, 23, 40)))

# Freireich et al. (1963) 6-MP vs placebo remission times in weeks, as in
# Klein & Moeschberger (2003) table 1.1; "+" = censored.
mp6 <- c(6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32,
         32, 34, 35)
mp6_status <- c(1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0)
placebo <- c(1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17,
             22, 23)
km_cases$freireich <- list(time = c(mp6, placebo),
    status = c(mp6_status, rep(1, 21)),
    group = c(rep(0, 21), rep(1, 21)), times = c(5, 10, 20, 30))

set.seed(20240517)
# Heavy ties: times on 1..12, three groups.
n <- 240
km_cases$ties <- list(time = sample(1:12, n, replace = TRUE),
    status = rbinom(n, 1, 0.7), group = sample(0:2, n, replace = TRUE),
    times = c(1, 3.5, 6, 12))

# Heavy censoring (about 90%), times in whole days, two groups.
n <- 300
g <- rep(0:1, each = n / 2)
ev <- ceiling(rexp(n, ifelse(g == 0, 1 / 900, 1 / 600)))
ce <- ceiling(runif(n, 1, 150))
km_cases$heavy_censoring <- list(time = pmin(ev, ce),
    status = as.numeric(ev <= ce), group = g, times = c(10, 30, 100, 140))

# Non-integer case weights (e.g. inverse probability weights).
n <- 160
g <- rep(0:1, each = n / 2)
ev <- ceiling(rexp(n, ifelse(g == 0, 1 / 40, 1 / 25)))
ce <- ceiling(runif(n, 5, 90))
km_cases$weights <- list(time = pmin(ev, ce), status = as.numeric(ev <= ce),
    group = g, weight = round(runif(n, 0.2, 3.5), 3),
    times = c(10, 20, 40, 60))

# Delayed entry (left truncation): at risk on (entry, time].
n <- 200
g <- rep(0:1, each = n / 2)
entry <- floor(runif(n, 0, 60))
dur <- ceiling(rexp(n, ifelse(g == 0, 1 / 80, 1 / 50)))
ce <- ceiling(runif(n, 10, 150))
km_cases$entry <- list(time = entry + pmin(dur, ce),
    status = as.numeric(dur <= ce), group = g, entry = entry,
    times = c(20, 60, 100, 150))

# A group with a single event, and a group with no event at all.
km_cases$one_event <- list(
    time = c(3, 5, 7, 8, 10, 12, 15, 18, 20, 25, 4, 6, 9, 11, 13, 30),
    status = c(1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0),
    group = c(rep(0, 10), rep(1, 6)), times = c(5, 10, 20))
km_cases$no_event <- list(
    time = c(3, 5, 7, 8, 10, 12, 15, 18, 20, 25, 4, 6, 9, 11, 13, 16),
    status = c(1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0),
    group = c(rep(0, 10), rep(1, 6)), times = c(5, 10, 16))

# Quantile edge cases: the curve ends flat at exactly 0.5 (quantile.survfit
# gives the midpoint with the last time, print.survfit the left end); S
# equals 0.5 exactly on an interval; every subject at risk dies (S = 0).
km_cases$flat_end <- list(time = c(1, 2, 3, 4), status = c(1, 1, 0, 0),
    group = c(0, 0, 0, 0), times = c(1, 2, 4))
km_cases$midpoint <- list(time = 1:6, status = rep(1, 6), group = rep(0, 6),
    times = c(3, 3.5))
km_cases$all_die <- list(time = c(1, 2, 2, 3, 3, 3), status = rep(1, 6),
    group = rep(0, 6), times = c(2, 3))
