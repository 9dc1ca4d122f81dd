/*
** test_rates.c -- proportions, differences and odds ratios against R.
**
** Reference: tests/golden/stats/rates_binomial.txt, written by
** tests/golden/stats/rates_binomial.R (binom.test, prop.test(correct =
** FALSE), Newcombe's method 10 computed from prop.test's limits, and
** fisher.test on 2 x 2 tables).  Each golden line holds a case's inputs
** followed by R's results, so the cases are the table in that file.
*/
#include <math.h>
#include <stdio.h>

#include "harness.h"
#include "oncostat/rates.h"

#define GOLDEN "tests/golden/stats/rates_binomial.txt"
/* The agreement asked of every closed-form or fully converged quantity. */
#define TOL 1e-8
/* uniroot()'s default tolerance, which bounds fisher.test's own printed
** estimate and limits on the scale it searches (the odds ratio or its
** inverse, whichever is below 1); twice it, for Brent's final step. */
#define UNIROOT_TOL (2.0 * 1.220703125e-4)

static size_t case_count(golden *g, const char *key)
{
    size_t n;
    const double *v = golden_get(g, key, &n);

    return v != NULL && n == 1 ? (size_t)v[0] : 0;
}

static const double *case_values(golden *g, const char *prefix, size_t i,
                                 size_t expect)
{
    char key[64];
    size_t n;
    const double *v;

    snprintf(key, sizeof key, "%s_%zu", prefix, i);
    v = golden_get(g, key, &n);
    if (v == NULL || n != expect) {
        CHECK(v != NULL && n == expect);
        return NULL;
    }
    return v;
}

/* binom_i: x n conf | est | CP lower upper | Wilson lower upper */
static void test_proportions(golden *g)
{
    size_t i, count = case_count(g, "binom_count");

    CHECK(count >= 10);
    for (i = 1; i <= count; i++) {
        const double *v = case_values(g, "binom", i, 8);
        onc_proportion cp, w;
        if (v == NULL)
            continue;
        CHECK(onc_rates_proportion((size_t)v[0], (size_t)v[1], v[2],
                                   ONC_CI_CLOPPER_PEARSON, &cp, NULL) == ONC_OK);
        CHECK(onc_rates_proportion((size_t)v[0], (size_t)v[1], v[2],
                                   ONC_CI_WILSON, &w, NULL) == ONC_OK);
        CHECK_REL(cp.estimate, v[3], TOL);
        CHECK_REL(cp.lower, v[4], TOL);
        CHECK_REL(cp.upper, v[5], TOL);
        CHECK_REL(w.lower, v[6], TOL);
        CHECK_REL(w.upper, v[7], TOL);
        CHECK(cp.count == (size_t)v[0] && cp.n == (size_t)v[1]);
    }
}

/* diff_i: x1 n1 x2 n2 conf | d | lower upper */
static void test_differences(golden *g)
{
    size_t i, count = case_count(g, "diff_count");

    CHECK(count >= 8);
    for (i = 1; i <= count; i++) {
        const double *v = case_values(g, "diff", i, 8);
        onc_rate_difference d;
        if (v == NULL)
            continue;
        CHECK(onc_rates_difference((size_t)v[0], (size_t)v[1], (size_t)v[2],
                                   (size_t)v[3], v[4], &d, NULL) == ONC_OK);
        CHECK_CLOSE(d.difference, v[5], TOL);
        CHECK_CLOSE(d.lower, v[6], TOL);
        CHECK_CLOSE(d.upper, v[7], TOL);
    }
}

/* The scale uniroot searched: the odds ratio when below 1, else its inverse. */
static double uniroot_scale(double x)
{
    return x <= 1.0 ? x : 1.0 / x;
}

static void check_uniroot(double ours, double r)
{
    if (isinf(r) || r == 0.0) {
        CHECK(ours == r);
        return;
    }
    CHECK_CLOSE(uniroot_scale(ours), uniroot_scale(r), UNIROOT_TOL);
}

/* or_i: a b c d conf | sample woolf_lo woolf_hi | mle lo hi (tight) | p |
**       fisher.test's estimate lo hi */
static void test_odds_ratios(golden *g)
{
    size_t i, count = case_count(g, "or_count");

    CHECK(count >= 10);
    for (i = 1; i <= count; i++) {
        const double *v = case_values(g, "or", i, 15);
        onc_odds_ratio o;
        if (v == NULL)
            continue;
        CHECK(onc_rates_odds_ratio((size_t)v[0], (size_t)v[1], (size_t)v[2],
                                   (size_t)v[3], v[4], &o, NULL) == ONC_OK);
        CHECK_REL(o.sample, v[5], TOL);
        CHECK_REL(o.woolf_lower, v[6], TOL);
        CHECK_REL(o.woolf_upper, v[7], TOL);
        CHECK_REL(o.conditional_mle, v[8], TOL);
        CHECK_REL(o.exact_lower, v[9], TOL);
        CHECK_REL(o.exact_upper, v[10], TOL);
        CHECK_REL(o.p_value, v[11], TOL);
        check_uniroot(o.conditional_mle, v[12]);
        check_uniroot(o.exact_lower, v[13]);
        check_uniroot(o.exact_upper, v[14]);
    }
}

/* Arguments the routines must refuse, and the n = 0 outcome. */
static void test_edges(void)
{
    onc_proportion p;
    onc_rate_difference d;
    onc_odds_ratio o;
    onc_error err;

    CHECK(onc_rates_proportion(5, 4, 0.95, ONC_CI_WILSON, &p, &err) == ONC_ERR_USAGE);
    CHECK(err.message[0] != '\0');
    CHECK(onc_rates_proportion(1, 4, 1.0, ONC_CI_WILSON, &p, NULL) == ONC_ERR_USAGE);
    CHECK(onc_rates_proportion(1, 4, 0.0, ONC_CI_WILSON, &p, NULL) == ONC_ERR_USAGE);
    CHECK(onc_rates_proportion(1, 4, NAN, ONC_CI_WILSON, &p, NULL) == ONC_ERR_USAGE);
    CHECK(onc_rates_proportion(1, 4, 0.95, (onc_binomial_ci)7, &p, NULL) == ONC_ERR_USAGE);
    CHECK(onc_rates_proportion(1, 4, 0.95, ONC_CI_WILSON, NULL, NULL) == ONC_ERR_USAGE);
    /* no patients: a result, not an error */
    CHECK(onc_rates_proportion(0, 0, 0.95, ONC_CI_CLOPPER_PEARSON, &p, NULL) == ONC_OK);
    CHECK(isnan(p.estimate) && isnan(p.lower) && isnan(p.upper));
    CHECK(onc_rates_difference(1, 2, 3, 2, 0.95, &d, NULL) == ONC_ERR_USAGE);
    CHECK(onc_rates_difference(1, 2, 0, 0, 0.95, &d, NULL) == ONC_OK);
    CHECK(isnan(d.difference) && isnan(d.lower) && d.p1 == 0.5 && isnan(d.p2));
    CHECK(onc_rates_odds_ratio(1, 2, 3, 4, 1.5, &o, NULL) == ONC_ERR_USAGE);
    CHECK_STR(onc_rates_ci_name(ONC_CI_CLOPPER_PEARSON), "Clopper-Pearson");
    CHECK_STR(onc_rates_ci_name(ONC_CI_WILSON), "Wilson");
}

int main(void)
{
    golden *g;

    harness_set_name("test_rates");
    g = golden_load(GOLDEN);
    test_proportions(g);
    test_differences(g);
    test_odds_ratios(g);
    test_edges();
    golden_free(g);
    return harness_finish();
}
