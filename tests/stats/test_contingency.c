/*
** test_contingency.c -- Fisher's exact test, chi-square and trend tests
** against R.
**
** Reference: tests/golden/stats/rates_contingency.txt, written by
** tests/golden/stats/rates_contingency.R: fisher.test (FEXACT for r x c),
** a brute-force enumeration of every table for the small r x c cases,
** chisq.test with and without the continuity correction, and
** prop.trend.test.  2 x 2 Fisher P values are checked in test_rates.c.
*/
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "harness.h"
#include "oncostat/rates.h"

#define GOLDEN "tests/golden/stats/rates_contingency.txt"
#define TOL 1e-8
#define MAX_CELLS 64

static size_t case_count(golden *g, const char *key)
{
    size_t n;
    const double *v = golden_get(g, key, &n);

    return v != NULL && n == 1 ? (size_t)v[0] : 0;
}

static const double *case_values(golden *g, const char *prefix, size_t i,
                                 size_t *n)
{
    char key[64];

    snprintf(key, sizeof key, "%s_%zu", prefix, i);
    return golden_get(g, key, n);
}

/* fisher_i: nrow ncol counts... p  (fisherbrute_i: p by enumeration) */
static void test_fisher(golden *g)
{
    size_t i, count = case_count(g, "fisher_count");

    CHECK(count >= 10);
    for (i = 1; i <= count; i++) {
        size_t n, nrow, ncol, c, cells[MAX_CELLS];
        const double *v = case_values(g, "fisher", i, &n);
        onc_fisher_result res;
        char key[64];
        clock_t t0;
        double seconds;

        if (v == NULL || n < 3)
            continue;
        nrow = (size_t)v[0];
        ncol = (size_t)v[1];
        if (nrow * ncol > MAX_CELLS || n != 3 + nrow * ncol) {
            CHECK(n == 3 + nrow * ncol);
            continue;
        }
        for (c = 0; c < nrow * ncol; c++)
            cells[c] = (size_t)v[2 + c];
        t0 = clock();
        CHECK(onc_contingency_fisher(cells, nrow, ncol, NULL, &res, NULL) == ONC_OK);
        seconds = (double)(clock() - t0) / CLOCKS_PER_SEC;
        CHECK_REL(res.p_value, v[n - 1], TOL);
        /* 3 x 5 with n = 240 (the last two of them) "well under a second";
        ** generous here because sanitizer builds run several times slower */
        CHECK(seconds < 20.0);
        snprintf(key, sizeof key, "fisherbrute_%zu", i);
        if (golden_has(g, key)) {
            size_t nb;
            const double *b = golden_get(g, key, &nb);
            if (b != NULL && nb == 1)
                CHECK_REL(res.p_value, b[0], 1e-10);
        }
    }
}

/* A zero row is dropped; dimensions reported; limits honoured. */
static void test_fisher_edges(void)
{
    /* 3 x 5, n = 240, strong association: needs both limits well above
    ** what is allowed here */
    static const size_t hard[15] = {30, 10, 5, 20, 15, 10, 20, 17, 16, 17,
                                    5, 18, 30, 10, 17};
    static const size_t one_row[6] = {3, 4, 5, 0, 0, 0};
    static const size_t zero_row[6] = {3, 1, 0, 0, 1, 3};
    onc_fisher_options opt = {0, 0.0};
    onc_fisher_result res;
    onc_error err;

    CHECK(onc_contingency_fisher(one_row, 2, 3, NULL, &res, NULL) == ONC_OK);
    CHECK(res.p_value == 1.0 && res.nrow == 1 && res.ncol == 3);
    CHECK(onc_contingency_fisher(zero_row, 3, 2, NULL, &res, NULL) == ONC_OK);
    CHECK(res.nrow == 2 && res.ncol == 2);
    CHECK(onc_contingency_fisher(one_row, 1, 6, NULL, &res, &err) == ONC_ERR_USAGE);
    CHECK(onc_contingency_fisher(NULL, 2, 2, NULL, &res, NULL) == ONC_ERR_USAGE);
    opt.max_work = 1e5;
    CHECK(onc_contingency_fisher(hard, 3, 5, &opt, &res, &err) == ONC_ERR_LIMIT);
    CHECK(err.status == ONC_ERR_LIMIT && err.message[0] != '\0');
    opt.max_work = 0.0;
    opt.max_paths = 1000;
    CHECK(onc_contingency_fisher(hard, 3, 5, &opt, &res, &err) == ONC_ERR_LIMIT);
}

/* chisq_i: nrow ncol counts... | stat p (correct) | stat p (plain) | df */
static void test_chisq(golden *g)
{
    size_t i, count = case_count(g, "chisq_count");

    CHECK(count >= 5);
    for (i = 1; i <= count; i++) {
        size_t n, nrow, ncol, c, cells[MAX_CELLS];
        const double *v = case_values(g, "chisq", i, &n);
        onc_chisq_result y, p;

        if (v == NULL || n < 7)
            continue;
        nrow = (size_t)v[0];
        ncol = (size_t)v[1];
        if (nrow * ncol > MAX_CELLS || n != 7 + nrow * ncol) {
            CHECK(n == 7 + nrow * ncol);
            continue;
        }
        for (c = 0; c < nrow * ncol; c++)
            cells[c] = (size_t)v[2 + c];
        CHECK(onc_contingency_chisq(cells, nrow, ncol, 1, &y, NULL) == ONC_OK);
        CHECK(onc_contingency_chisq(cells, nrow, ncol, 0, &p, NULL) == ONC_OK);
        CHECK_CLOSE(y.statistic, v[n - 5], TOL);
        CHECK_REL(y.p_value, v[n - 4], TOL);
        CHECK_CLOSE(p.statistic, v[n - 3], TOL);
        CHECK_REL(p.p_value, v[n - 2], TOL);
        CHECK(p.df == v[n - 1] && y.df == v[n - 1]);
        CHECK(y.yates == (nrow == 2 && ncol == 2) && p.yates == 0);
    }
}

/* Expected-count diagnostics by hand: [17 5; 15 23], N = 60, expected
** 22*32/60 = 11.73, 22*28/60 = 10.27, 38*32/60 = 20.27, 38*28/60 = 17.73. */
static void test_chisq_expected(void)
{
    static const size_t seed[4] = {17, 5, 15, 23};
    static const size_t small[4] = {3, 1, 1, 3};
    onc_chisq_result r;

    CHECK(onc_contingency_chisq(seed, 2, 2, 0, &r, NULL) == ONC_OK);
    CHECK_REL(r.min_expected, 22.0 * 28.0 / 60.0, 1e-15);
    CHECK(r.n_expected_below_5 == 0);
    CHECK(onc_contingency_chisq(small, 2, 2, 0, &r, NULL) == ONC_OK);
    CHECK(r.min_expected == 2.0 && r.n_expected_below_5 == 4);
    CHECK(onc_contingency_chisq(small, 1, 4, 0, &r, NULL) == ONC_ERR_USAGE);
}

/* trend_i: k | x (k) | n (k) | scores (k) | stat p */
static void test_trend(golden *g)
{
    size_t i, count = case_count(g, "trend_count");

    CHECK(count >= 5);
    for (i = 1; i <= count; i++) {
        size_t n, k, j, x[16], m[16];
        double s[16];
        const double *v = case_values(g, "trend", i, &n);
        onc_trend_result r;

        if (v == NULL || n < 1)
            continue;
        k = (size_t)v[0];
        if (k > 16 || n != 3 + 3 * k) {
            CHECK(n == 3 + 3 * k);
            continue;
        }
        for (j = 0; j < k; j++) {
            x[j] = (size_t)v[1 + j];
            m[j] = (size_t)v[1 + k + j];
            s[j] = v[1 + 2 * k + j];
        }
        CHECK(onc_contingency_trend(x, m, s, k, &r, NULL) == ONC_OK);
        CHECK_CLOSE(r.statistic, v[n - 2], TOL);
        CHECK_REL(r.p_value, v[n - 1], TOL);
        CHECK(r.df == 1.0);
    }
}

/* The documented NaN outcomes and refusals of the trend test. */
static void test_trend_edges(void)
{
    static const size_t none[3] = {0, 0, 0}, all[3] = {5, 5, 5};
    static const size_t n5[3] = {5, 5, 5}, bad[3] = {6, 1, 1};
    static const double flat[3] = {2.0, 2.0, 2.0};
    static const double inf_score[3] = {1.0, INFINITY, 3.0};
    onc_trend_result r;

    CHECK(onc_contingency_trend(none, n5, NULL, 3, &r, NULL) == ONC_OK);
    CHECK(isnan(r.statistic) && isnan(r.p_value));
    CHECK(onc_contingency_trend(all, n5, NULL, 3, &r, NULL) == ONC_OK);
    CHECK(isnan(r.statistic));
    CHECK(onc_contingency_trend(bad, n5, flat, 3, &r, NULL) == ONC_ERR_USAGE);
    CHECK(onc_contingency_trend(bad, n5, NULL, 1, &r, NULL) == ONC_ERR_USAGE);
    CHECK(onc_contingency_trend(none, n5, inf_score, 3, &r, NULL) == ONC_ERR_USAGE);
    {
        static const size_t x[3] = {1, 2, 3};
        CHECK(onc_contingency_trend(x, n5, flat, 3, &r, NULL) == ONC_OK);
        CHECK(isnan(r.statistic));
    }
}

int main(void)
{
    golden *g;

    harness_set_name("test_contingency");
    g = golden_load(GOLDEN);
    test_fisher(g);
    test_fisher_edges();
    test_chisq(g);
    test_chisq_expected();
    test_trend(g);
    test_trend_edges();
    golden_free(g);
    return harness_finish();
}
