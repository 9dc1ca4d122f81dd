/*
** test_rates_groups.c -- rates by group (onc_rates_by_group) against R.
**
** Reference: tests/golden/stats/rates_groups.txt, written by
** tests/golden/stats/rates_groups.R: binom.test / prop.test intervals for
** every cell, Newcombe differences from prop.test's Wilson limits,
** fisher.test odds ratios (its equations solved fully) and P values,
** chisq.test for each 2 x 2 comparison and for the whole table, and
** prop.trend.test.  Six tables: the seed study's disease control (with and
** without Yates, Clopper-Pearson and Wilson), three and four ordered arms
** with a trend and a zero cell, and two categorical outcomes (r x c).
** The orientation matters as much as the numbers: each group is compared
** with the first, difference p(group) - p(first), odds ratio
** odds(group) / odds(first).
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "oncostat/rates.h"

#define GOLDEN "tests/golden/stats/rates_groups.txt"
#define TOL 1e-8
#define MAX_CELLS 64

static const double *get(golden *g, size_t i, const char *what, size_t *n)
{
    char key[64];

    snprintf(key, sizeof key, "g%zu.%s", i, what);
    return golden_get(g, key, n);
}

static void check_case(golden *g, size_t i)
{
    size_t n, k, nc, c, r, cells;
    const double *meta = get(g, i, "meta", &n), *v;
    size_t counts[MAX_CELLS];
    onc_rates_options opt;
    onc_rates_result *res = NULL;
    onc_error err;

    if (meta == NULL || n != 7)
        return;
    k = (size_t)meta[0];
    nc = (size_t)meta[1];
    cells = k * nc;
    v = get(g, i, "counts", &n);
    CHECK(v != NULL && n == cells && cells <= MAX_CELLS);
    if (v == NULL || n != cells || cells > MAX_CELLS)
        return;
    for (c = 0; c < cells; c++)
        counts[c] = (size_t)v[c];
    onc_rates_options_init(&opt);
    opt.ci = meta[3] == 0 ? ONC_CI_CLOPPER_PEARSON : ONC_CI_WILSON;
    opt.conf_level = meta[4];
    opt.yates = (int)meta[5];
    opt.trend = (int)meta[6];
    if (onc_rates_by_group(counts, k, nc, (int)meta[2], &opt, &res, &err) != ONC_OK) {
        fprintf(stderr, "case %zu: %s\n", i, err.message);
        CHECK(0);
        return;
    }
    CHECK(res->n_groups == k && res->n_categories == nc);

    v = get(g, i, "cell_est", &n);
    for (c = 0; v != NULL && c < n && c < cells; c++)
        CHECK_REL(res->cells[c].estimate, v[c], TOL);
    v = get(g, i, "cell_lower", &n);
    for (c = 0; v != NULL && c < n && c < cells; c++)
        CHECK_CLOSE(res->cells[c].lower, v[c], TOL);
    v = get(g, i, "cell_upper", &n);
    for (c = 0; v != NULL && c < n && c < cells; c++)
        CHECK_CLOSE(res->cells[c].upper, v[c], TOL);
    v = get(g, i, "overall_est", &n);
    for (c = 0; v != NULL && c < n && c < nc; c++)
        CHECK_REL(res->overall[c].estimate, v[c], TOL);
    v = get(g, i, "overall_lower", &n);
    for (c = 0; v != NULL && c < n && c < nc; c++)
        CHECK_CLOSE(res->overall[c].lower, v[c], TOL);
    v = get(g, i, "overall_upper", &n);
    for (c = 0; v != NULL && c < n && c < nc; c++)
        CHECK_CLOSE(res->overall[c].upper, v[c], TOL);

    if (meta[2] != 0) {
        CHECK(res->n_comparisons == k - 1);
        v = get(g, i, "diff", &n);
        CHECK(v != NULL && n == 3 * (k - 1));
        for (r = 0; v != NULL && r < res->n_comparisons && 3 * r + 2 < n; r++) {
            const onc_rate_difference *d = &res->comparisons[r].difference;
            CHECK(res->comparisons[r].group == r + 1 && res->comparisons[r].reference == 0);
            CHECK_CLOSE(d->difference, v[3 * r], TOL);
            CHECK_CLOSE(d->lower, v[3 * r + 1], TOL);
            CHECK_CLOSE(d->upper, v[3 * r + 2], TOL);
        }
        v = get(g, i, "or", &n);
        CHECK(v != NULL && n == 7 * (k - 1));
        for (r = 0; v != NULL && r < res->n_comparisons && 7 * r + 6 < n; r++) {
            const onc_odds_ratio *o = &res->comparisons[r].odds_ratio;
            const double *w = v + 7 * r;
            CHECK_REL(o->sample, w[0], TOL);
            CHECK_REL(o->woolf_lower, w[1], TOL);
            CHECK_REL(o->woolf_upper, w[2], TOL);
            CHECK_REL(o->conditional_mle, w[3], TOL);
            CHECK_REL(o->exact_lower, w[4], TOL);
            CHECK_REL(o->exact_upper, w[5], TOL);
            CHECK_REL(o->p_value, w[6], TOL);
        }
        v = get(g, i, "cmp_chisq", &n);
        CHECK(v != NULL && n == 2 * (k - 1));
        for (r = 0; v != NULL && r < res->n_comparisons && 2 * r + 1 < n; r++) {
            CHECK_REL(res->comparisons[r].chisq.statistic, v[2 * r], TOL);
            CHECK_REL(res->comparisons[r].chisq.p_value, v[2 * r + 1], TOL);
            CHECK(res->comparisons[r].chisq.yates == (int)meta[5]);
        }
    } else {
        CHECK(res->n_comparisons == 0 && res->comparisons == NULL);
    }

    v = get(g, i, "test", &n);
    CHECK(res->has_test && !res->fisher_limited);
    if (v != NULL && n == 4) {
        CHECK_REL(res->fisher.p_value, v[0], TOL);
        CHECK_REL(res->chisq.statistic, v[1], TOL);
        CHECK(res->chisq.df == v[2]);
        CHECK_REL(res->chisq.p_value, v[3], TOL);
    }
    if (meta[6] != 0) {
        v = get(g, i, "trend", &n);
        CHECK(res->has_trend);
        if (v != NULL && n == 2) {
            CHECK_REL(res->trend.statistic, v[0], TOL);
            CHECK_REL(res->trend.p_value, v[1], TOL);
        }
    } else {
        CHECK(!res->has_trend);
    }
    onc_rates_result_free(res);
}

/* One group, an empty group, and the errors. */
static void test_edges(void)
{
    size_t one[2] = {5, 3};
    size_t empty[6] = {4, 6, 0, 0, 7, 3};
    onc_rates_options opt;
    onc_rates_result *res = NULL;
    onc_error err;

    /* One group: the rate and its interval, nothing to compare. */
    CHECK(onc_rates_by_group(one, 1, 2, 1, NULL, &res, &err) == ONC_OK);
    CHECK(res != NULL && res->total == 8 && res->n_comparisons == 0);
    CHECK(res != NULL && !res->has_test && !res->has_trend);
    CHECK(res != NULL && res->cells[1].count == 3 && res->cells[1].n == 8);
    onc_rates_result_free(res);
    res = NULL;

    /* An empty middle group: NaN rate and comparison; the whole-table
    ** tests drop it as fisher.test does (P of the remaining 2 x 2). */
    CHECK(onc_rates_by_group(empty, 3, 2, 1, NULL, &res, &err) == ONC_OK);
    CHECK(res != NULL && isnan(res->cells[2].estimate) && isnan(res->cells[3].lower));
    CHECK(res != NULL && isnan(res->comparisons[0].difference.difference));
    CHECK(res != NULL && res->fisher.nrow == 2);
    onc_rates_result_free(res);
    res = NULL;

    /* Beyond exact_max_total a table larger than 2 x 2 is not enumerated:
    ** a result field, not an error; the chi-square test stands.  A 2 x 2
    ** table of any size is still exact. */
    {
        size_t big[6] = {4000, 3000, 3001, 3500, 3500, 3000};
        size_t big22[4] = {40000, 30000, 35000, 35000};
        CHECK(onc_rates_by_group(big, 2, 3, 0, NULL, &res, &err) == ONC_OK);
        CHECK(res != NULL && res->fisher_limited && isnan(res->fisher.p_value));
        CHECK(res != NULL && res->chisq.df == 2 && isfinite(res->chisq.p_value));
        onc_rates_result_free(res);
        res = NULL;
        CHECK(onc_rates_by_group(big22, 2, 2, 1, NULL, &res, &err) == ONC_OK);
        CHECK(res != NULL && !res->fisher_limited && isfinite(res->fisher.p_value));
        onc_rates_result_free(res);
        res = NULL;
        /* the work limit of the exact test itself gives the same outcome */
        onc_rates_options_init(&opt);
        opt.exact_max_total = SIZE_MAX;
        opt.fisher.max_work = 10;
        CHECK(onc_rates_by_group(empty, 3, 2, 1, &opt, &res, &err) == ONC_OK);
        CHECK(res != NULL && res->fisher_limited && isnan(res->fisher.p_value));
        CHECK(err.message[0] == '\0');
        onc_rates_result_free(res);
        res = NULL;
    }

    onc_rates_options_init(&opt);
    opt.trend = 1;
    CHECK(onc_rates_by_group(empty, 2, 3, 0, &opt, &res, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "trend needs a binary outcome") != NULL);
    CHECK(onc_rates_by_group(empty, 2, 3, 1, NULL, &res, &err) == ONC_ERR_USAGE);
    CHECK(onc_rates_by_group(empty, 0, 2, 1, NULL, &res, &err) == ONC_ERR_USAGE);
    opt.trend = 0;
    opt.conf_level = 1.0;
    CHECK(onc_rates_by_group(one, 1, 2, 1, &opt, &res, &err) == ONC_ERR_USAGE);
    CHECK(res == NULL);
}

int main(void)
{
    golden *g = golden_load(GOLDEN);
    size_t n, i;
    const double *count = golden_get(g, "cases", &n);

    harness_set_name("test_rates_groups");
    CHECK(count != NULL && n == 1 && count[0] == 6);
    for (i = 1; count != NULL && i <= (size_t)count[0]; i++)
        check_case(g, i);
    test_edges();
    golden_free(g);
    return harness_finish();
}
