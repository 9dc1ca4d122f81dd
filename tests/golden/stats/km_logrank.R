# km_logrank.R -- reference log-rank family results for
# tests/stats/test_logrank.c.
# Run from the repository root:  Rscript tests/golden/stats/km_logrank.R
# Writes tests/golden/stats/km_logrank.txt.
#
# Sources of the reference values:
#   survdiff(rho = 0, 1)           log-rank and G(1, 0), with strata
#   survdiff on subsets + p.adjust pairwise tests, Holm and Bonferroni
#   survdiff on expanded data      integer case weights (frequency weights)
#   coxph(ties = "breslow")$score  score test = log-rank without the tie
#                                  correction, with and without case weights
#   wlr() below                    G(rho, gamma), Gehan-Breslow, Tarone-Ware
#                                  and fractional weights; checked first
#                                  against survdiff where both apply.

source("tests/golden/stats/km_data.R")

# A direct, unoptimised weighted log-rank: loops over strata and event
# times, recomputing every risk set from scratch.
# wfun(S, N): test weight from the pooled left-continuous KM S(t-) of the
# stratum and the (case-weighted) number at risk N.
wlr <- function(time, status, group, k, stratum = NULL, w = NULL, wfun,
                hyper = TRUE) {
    if (is.null(stratum)) stratum <- rep(0, length(time))
    if (is.null(w)) w <- rep(1, length(time))
    ns <- max(stratum) + 1
    O <- E <- numeric(k)
    Os <- Es <- matrix(0, k, ns)
    V <- matrix(0, k, k)
    for (s in 0:(ns - 1)) {
        i <- stratum == s
        tt <- time[i]; st <- status[i]; gg <- group[i]; ww <- w[i]
        S <- 1
        for (t in sort(unique(tt[st == 1]))) {
            n_g <- sapply(0:(k - 1), function(g) sum(ww[tt >= t & gg == g]))
            d_g <- sapply(0:(k - 1), function(g)
                sum(ww[tt == t & st == 1 & gg == g]))
            N <- sum(n_g); D <- sum(d_g)
            if (D == 0) next
            wt <- wfun(S, N)
            O <- O + wt * d_g
            E <- E + wt * D * n_g / N
            Os[, s + 1] <- Os[, s + 1] + wt * d_g
            Es[, s + 1] <- Es[, s + 1] + wt * D * n_g / N
            f <- if (!hyper) 1 else if (N > 1) (N - D) / (N - 1) else 0
            p <- n_g / N
            V <- V + wt^2 * D * f * (diag(p, k) - outer(p, p))
            S <- S * (N - D) / N
        }
    }
    list(obs = O, exp = E, var = V, obs_strata = Os, exp_strata = Es)
}

# survdiff's chi-square rule on (O, E, V): groups with E > 0, first dropped.
chisq_of <- function(O, E, V) {
    use <- which(E > 0)
    df <- length(use) - 1
    if (df < 1) return(c(0, 0, NA))
    u <- use[-1]
    x <- (O - E)[u]
    chi <- sum(solve(V[u, u, drop = FALSE], x) * x)
    c(chi, df, pchisq(chi, df, lower.tail = FALSE))
}

fh <- function(rho, gamma) function(S, N) S^rho * (1 - S)^gamma

put_test <- function(key, O, E, V, Os = NULL, Es = NULL, chi = NULL) {
    if (is.null(chi)) chi <- chisq_of(O, E, V)
    put(paste0(key, ".obs"), O)
    put(paste0(key, ".exp"), E)
    put(paste0(key, ".var"), as.vector(t(V)))
    if (!is.null(Os)) {
        put(paste0(key, ".obs_strata"), as.vector(Os))
        put(paste0(key, ".exp_strata"), as.vector(Es))
    }
    put(paste0(key, ".chisq"), chi[1])
    put(paste0(key, ".df"), chi[2])
    put(paste0(key, ".p"), chi[3])
}

# Trend over ordered groups from O, E, V: U = c'(O - E), Var = c'Vc.
put_trend <- function(key, O, E, V, scores) {
    u <- sum(scores * (O - E))
    v <- drop(t(scores) %*% V %*% scores)
    put(paste0(key, ".trend"), c(u, v, u^2 / v, pchisq(u^2 / v, 1, lower.tail = FALSE)))
}

# Pairwise tests: chisq and P of each pair, then p.adjust.
put_pairs <- function(key, k, pair_test) {
    chi <- p <- numeric(0)
    for (a in 0:(k - 2)) for (b in (a + 1):(k - 1)) {
        r <- pair_test(a, b)
        chi <- c(chi, r[1]); p <- c(p, r[2])
    }
    put(paste0(key, ".pairs.chisq"), chi)
    put(paste0(key, ".pairs.p"), p)
    put(paste0(key, ".pairs.holm"), p.adjust(p, "holm"))
    put(paste0(key, ".pairs.bonferroni"), p.adjust(p, "bonferroni"))
}

survdiff_test <- function(d, rho, strata, sel = rep(TRUE, length(d$time))) {
    g <- factor(d$group[sel])
    if (strata) survdiff(Surv(d$time[sel], d$status[sel]) ~ g +
                         strata(d$stratum[sel]), rho = rho)
    else survdiff(Surv(d$time[sel], d$status[sel]) ~ g, rho = rho)
}

obs_exp <- function(fit) {
    if (is.matrix(fit$obs)) list(O = rowSums(fit$obs), E = rowSums(fit$exp),
                                 Os = fit$obs, Es = fit$exp)
    else list(O = fit$obs, E = fit$exp, Os = NULL, Es = NULL)
}

hand_configs <- list(
    fh11 = list(rho = 1, gamma = 1), fh01 = list(rho = 0, gamma = 1),
    fh_half2 = list(rho = 0.5, gamma = 2),
    gb = list(fun = function(S, N) N), tw = list(fun = function(S, N) sqrt(N)))

run_case <- function(name, d, strata) {
    k <- max(d$group) + 1
    tag <- if (strata) paste0(name, ".strata") else name
    st <- if (strata) d$stratum else NULL
    # survdiff: rho = 0 and rho = 1, and the hand version must agree.
    for (rho in c(0, 1)) {
        fit <- survdiff_test(d, rho, strata)
        oe <- obs_exp(fit)
        chi <- c(fit$chisq, sum(oe$E > 0) - 1,
                 pchisq(fit$chisq, sum(oe$E > 0) - 1, lower.tail = FALSE))
        h <- wlr(d$time, d$status, d$group, k, st, NULL, fh(rho, 0))
        stopifnot(isTRUE(all.equal(h$obs, unname(oe$O), tolerance = 1e-12)),
                  isTRUE(all.equal(h$exp, unname(oe$E), tolerance = 1e-12)),
                  isTRUE(all.equal(h$var, unname(fit$var), tolerance = 1e-12)))
        key <- sprintf("%s.fh%d0", tag, rho)
        put_test(key, oe$O, oe$E, fit$var, oe$Os, oe$Es, chi)
        put(paste0(key, ".n"), as.vector(fit$n))
        put_trend(key, oe$O, oe$E, fit$var, 1:k)
        put_trend(paste0(key, ".custom"), oe$O, oe$E, fit$var, c(0, 1, 4, 9)[1:k])
        if (k > 2 || strata)
            put_pairs(key, k, function(a, b) {
                f2 <- survdiff_test(d, rho, strata, d$group %in% c(a, b))
                c(f2$chisq, pchisq(f2$chisq, 1, lower.tail = FALSE))
            })
    }
    for (cfg in names(hand_configs)) {
        hc <- hand_configs[[cfg]]
        wf <- if (is.null(hc$fun)) fh(hc$rho, hc$gamma) else hc$fun
        h <- wlr(d$time, d$status, d$group, k, st, NULL, wf)
        key <- paste0(tag, ".", cfg)
        put_test(key, h$obs, h$exp, h$var, if (strata) h$obs_strata,
                 if (strata) h$exp_strata)
        put_trend(key, h$obs, h$exp, h$var, 1:k)
        if (k > 2)
            put_pairs(key, k, function(a, b) {
                sel <- d$group %in% c(a, b)
                h2 <- wlr(d$time[sel], d$status[sel], d$group[sel], k,
                          if (strata) d$stratum[sel], NULL, wf)
                chisq_of(h2$obs, h2$exp, h2$var)[c(1, 3)]
            })
    }
    # Without the tie correction: the Cox score test with Breslow ties.
    if (!strata) {
        # A group without events makes the Cox fit warn about an infinite
        # coefficient; the score test at beta = 0 is still well defined.
        cf <- suppressWarnings(coxph(Surv(d$time, d$status) ~ factor(d$group),
                                     ties = "breslow"))
        h <- wlr(d$time, d$status, d$group, k, NULL, NULL, fh(0, 0), hyper = FALSE)
        stopifnot(isTRUE(all.equal(chisq_of(h$obs, h$exp, h$var)[1], unname(cf$score),
                                   tolerance = 1e-10)))
        put(paste0(tag, ".breslow.chisq"), cf$score)
        put_test(paste0(tag, ".breslow"), h$obs, h$exp, h$var, chi = c(cf$score, k - 1,
                 pchisq(cf$score, k - 1, lower.tail = FALSE)))
    }
}

lr_cases <- c("lung_sex", "veteran_trt", "ovarian_rx", "aml_x", "freireich",
              "ties", "heavy_censoring", "one_event", "no_event")
set.seed(7)
km_cases$ties$stratum <- sample(0:1, length(km_cases$ties$time), replace = TRUE)

for (name in lr_cases) {
    d <- km_cases[[name]]
    put_data(name, d)
    run_case(name, d, FALSE)
    if (!is.null(d$stratum)) run_case(name, d, TRUE)
}

# Textbook check: Freireich 6-MP vs placebo, log-rank chi-square 16.79.
stopifnot(abs(survdiff(Surv(time, status) ~ group,
                       data = as.data.frame(km_cases$freireich[1:3]))$chisq - 16.79) < 0.005)

# Case weights.
d <- km_cases$weights
k <- 2
put_data("weights", d)
# (a) Integer weights are frequency weights: survdiff on the expanded data.
set.seed(11)
wint <- sample(1:3, length(d$time), replace = TRUE)
put("weights.weight_int", wint)
ex <- rep(seq_along(d$time), wint)
dx <- list(time = d$time[ex], status = d$status[ex], group = d$group[ex])
for (rho in c(0, 1)) {
    fit <- survdiff(Surv(dx$time, dx$status) ~ factor(dx$group), rho = rho)
    put_test(sprintf("weights.int.fh%d0", rho), fit$obs, fit$exp, fit$var,
             chi = c(fit$chisq, 1, pchisq(fit$chisq, 1, lower.tail = FALSE)))
}
# (b) Fractional weights, no tie correction: Cox score test with weights.
cf <- coxph(Surv(d$time, d$status) ~ factor(d$group), weights = d$weight,
            ties = "breslow")
h <- wlr(d$time, d$status, d$group, k, NULL, d$weight, fh(0, 0), hyper = FALSE)
stopifnot(isTRUE(all.equal(chisq_of(h$obs, h$exp, h$var)[1], unname(cf$score),
                           tolerance = 1e-10)))
put_test("weights.frac.breslow", h$obs, h$exp, h$var,
         chi = c(cf$score, 1, pchisq(cf$score, 1, lower.tail = FALSE)))
# (c) Fractional weights with the hypergeometric variance and G(1, 0): the
# direct implementation (weighted counts throughout, weighted pooled KM).
h <- wlr(d$time, d$status, d$group, k, NULL, d$weight, fh(0, 0))
put_test("weights.frac.fh00", h$obs, h$exp, h$var)
h <- wlr(d$time, d$status, d$group, k, NULL, d$weight, fh(1, 0))
put_test("weights.frac.fh10", h$obs, h$exp, h$var)

write_golden("tests/golden/stats/km_logrank.txt",
             "written by tests/golden/stats/km_logrank.R (R survival 3.5-3)")
