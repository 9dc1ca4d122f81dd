/*
** test_logrank.c -- log-rank, Fleming-Harrington, Gehan-Breslow and
** Tarone-Ware tests, strata, trend, pairwise comparisons, case weights.
**
** Reference: tests/golden/stats/km_logrank.R (R survival 3.5-3) writing
** km_logrank.txt: survdiff(rho = 0, 1) with and without strata, survdiff
** on subsets with p.adjust for pairs, survdiff on expanded data for
** integer weights, coxph(ties = "breslow")$score for the variance without
** tie correction, and a direct R implementation (checked there against
** survdiff) for the other weights.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/logrank.h"

#define GOLDEN "tests/golden/stats/km_logrank.txt"
#define TOL 1e-8

static golden *G;

static const char *const cases[] = {
    "lung_sex", "veteran_trt", "ovarian_rx", "aml_x", "freireich",
    "ties", "heavy_censoring", "one_event", "no_event",
};

typedef struct lr_config {
    const char *suffix;
    onc_logrank_weight weight;
    double rho, gamma;
    onc_logrank_variance variance;
} lr_config;

static const lr_config configs[] = {
    {"fh00", ONC_LOGRANK_WEIGHT_LOGRANK, 0, 0, ONC_LOGRANK_VARIANCE_HYPERGEOMETRIC},
    {"fh10", ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON, 1, 0,
     ONC_LOGRANK_VARIANCE_HYPERGEOMETRIC},
    {"fh11", ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON, 1, 1,
     ONC_LOGRANK_VARIANCE_HYPERGEOMETRIC},
    {"fh01", ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON, 0, 1,
     ONC_LOGRANK_VARIANCE_HYPERGEOMETRIC},
    {"fh_half2", ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON, 0.5, 2,
     ONC_LOGRANK_VARIANCE_HYPERGEOMETRIC},
    {"gb", ONC_LOGRANK_WEIGHT_GEHAN_BRESLOW, 0, 0,
     ONC_LOGRANK_VARIANCE_HYPERGEOMETRIC},
    {"tw", ONC_LOGRANK_WEIGHT_TARONE_WARE, 0, 0,
     ONC_LOGRANK_VARIANCE_HYPERGEOMETRIC},
    {"breslow", ONC_LOGRANK_WEIGHT_LOGRANK, 0, 0, ONC_LOGRANK_VARIANCE_BRESLOW},
};

static void keyf(char *key, size_t cap, const char *fmt, va_list ap)
{
    vsnprintf(key, cap, fmt, ap);
}

static const double *gkey(size_t *n, const char *fmt, ...)
{
    char key[256];
    va_list ap;

    va_start(ap, fmt);
    keyf(key, sizeof key, fmt, ap);
    va_end(ap);
    return golden_get(G, key, n);
}

static int ghas(const char *fmt, ...)
{
    char key[256];
    va_list ap;

    va_start(ap, fmt);
    keyf(key, sizeof key, fmt, ap);
    va_end(ap);
    return golden_has(G, key);
}

static void check_values(const char *what, const double *got, size_t n_got,
                         const double *want, size_t n_want)
{
    char label[400];
    size_t i;

    snprintf(label, sizeof label, "%s: length", what);
    harness_check(n_got == n_want, label, __FILE__, __LINE__);
    for (i = 0; i < n_got && i < n_want; i++) {
        snprintf(label, sizeof label, "%s[%zu]", what, i);
        harness_rel(got[i], want[i], TOL, label, __FILE__, __LINE__);
    }
}

static void check_key(const char *prefix, const char *field, const double *got,
                      size_t n_got)
{
    char what[256];
    size_t nw;
    const double *want;

    snprintf(what, sizeof what, "%s.%s", prefix, field);
    want = golden_get(G, what, &nw);
    if (want != NULL)
        check_values(what, got, n_got, want, nw);
}

typedef struct lr_data {
    size_t n, k, n_strata;
    const double *time, *status;
    int32_t *group, *stratum;
} lr_data;

static int32_t *codes(const double *v, size_t n)
{
    int32_t *c = malloc((n ? n : 1) * sizeof *c);
    size_t i;

    for (i = 0; i < n; i++)
        c[i] = (int32_t)v[i];
    return c;
}

static int load(const char *name, lr_data *d)
{
    size_t m;
    const double *g, *ng;

    memset(d, 0, sizeof *d);
    d->time = gkey(&d->n, "%s.time", name);
    d->status = gkey(&m, "%s.status", name);
    g = gkey(&m, "%s.group", name);
    ng = gkey(&m, "%s.ngroups", name);
    if (d->time == NULL || d->status == NULL || g == NULL || ng == NULL)
        return -1;
    d->k = (size_t)ng[0];
    d->group = codes(g, d->n);
    if (ghas("%s.stratum", name)) {
        const double *s = gkey(&m, "%s.stratum", name);
        const double *ns = gkey(&m, "%s.nstrata", name);
        d->stratum = codes(s, d->n);
        d->n_strata = (size_t)ns[0];
    }
    return 0;
}

/* Compare one result with the golden entries under `prefix`. */
static void check_result(const char *prefix, const onc_logrank_result *r,
                         int has_strata)
{
    double v[4];
    size_t k = r->n_groups, i;

    check_key(prefix, "obs", r->observed, k);
    check_key(prefix, "exp", r->expected, k);
    check_key(prefix, "var", r->variance, k * k);
    check_key(prefix, "chisq", &r->chisq, 1);
    v[0] = (double)r->df;
    check_key(prefix, "df", v, 1);
    check_key(prefix, "p", &r->p_value, 1);
    if (has_strata) {
        check_key(prefix, "obs_strata", r->observed_strata, k * r->n_strata);
        check_key(prefix, "exp_strata", r->expected_strata, k * r->n_strata);
    }
    if (ghas("%s.n", prefix)) {
        double *n = malloc(k * sizeof *n);
        for (i = 0; i < k; i++)
            n[i] = (double)r->n[i];
        check_key(prefix, "n", n, k);
        free(n);
    }
    if (ghas("%s.trend", prefix)) {
        v[0] = r->trend_u;
        v[1] = r->trend_variance;
        v[2] = r->trend_chisq;
        v[3] = r->trend_p;
        check_key(prefix, "trend", v, 4);
    }
    if (ghas("%s.pairs.chisq", prefix)) {
        double *c = malloc(r->n_pairs * 4 * sizeof *c);
        size_t np = r->n_pairs;

        CHECK(np == k * (k - 1) / 2);
        for (i = 0; i < np; i++) {
            c[i] = r->pairs[i].chisq;
            c[np + i] = r->pairs[i].p_value;
            c[2 * np + i] = r->pairs[i].p_holm;
            c[3 * np + i] = r->pairs[i].p_bonferroni;
        }
        check_key(prefix, "pairs.chisq", c, np);
        check_key(prefix, "pairs.p", c + np, np);
        check_key(prefix, "pairs.holm", c + 2 * np, np);
        check_key(prefix, "pairs.bonferroni", c + 3 * np, np);
        free(c);
    }
}

static onc_logrank_result *run(const lr_data *d, const double *weights,
                               int strata, const lr_config *cfg,
                               const double *scores)
{
    onc_logrank_options opt;
    onc_logrank_result *r = NULL;
    onc_error err;

    onc_logrank_options_init(&opt);
    opt.weight = cfg->weight;
    opt.rho = cfg->rho;
    opt.gamma = cfg->gamma;
    opt.variance = cfg->variance;
    opt.pairwise = 1;
    opt.trend_scores = scores;
    if (onc_logrank_test(d->n, d->time, d->status, weights, d->group, d->k,
                         strata ? d->stratum : NULL, d->n_strata, &opt, &r,
                         &err) != ONC_OK) {
        fprintf(stderr, "log-rank failed: %s\n", err.message);
        CHECK(0);
        return NULL;
    }
    return r;
}

static void check_case(const char *name)
{
    static const double custom[] = {0, 1, 4, 9};
    lr_data d;
    size_t c;
    int strata;
    char prefix[128];

    if (load(name, &d) != 0)
        return;
    for (strata = 0; strata <= (d.stratum != NULL); strata++) {
        for (c = 0; c < sizeof configs / sizeof configs[0]; c++) {
            onc_logrank_result *r;

            snprintf(prefix, sizeof prefix, "%s%s.%s", name,
                     strata ? ".strata" : "", configs[c].suffix);
            if (!ghas("%s.chisq", prefix))
                continue;
            r = run(&d, NULL, strata, &configs[c], NULL);
            if (r == NULL)
                continue;
            CHECK(r->n_strata == (strata ? d.n_strata : 1));
            check_result(prefix, r, strata);
            onc_logrank_free(r);
            if (ghas("%s.custom.trend", prefix)) {
                double v[4];
                r = run(&d, NULL, strata, &configs[c], custom);
                if (r == NULL)
                    continue;
                v[0] = r->trend_u;
                v[1] = r->trend_variance;
                v[2] = r->trend_chisq;
                v[3] = r->trend_p;
                snprintf(prefix, sizeof prefix, "%s%s.%s.custom", name,
                         strata ? ".strata" : "", configs[c].suffix);
                check_key(prefix, "trend", v, 4);
                onc_logrank_free(r);
            }
        }
    }
    free(d.group);
    free(d.stratum);
}

/* Case weights: integer (= expanded data) and fractional. */
static void test_weights(void)
{
    static const struct {
        const char *prefix;
        const char *weight_key;
        size_t config; /* index into configs[] */
    } wcases[] = {
        {"weights.int.fh00", "weights.weight_int", 0},
        {"weights.int.fh10", "weights.weight_int", 1},
        {"weights.frac.breslow", "weights.weight", 7},
        {"weights.frac.fh00", "weights.weight", 0},
        {"weights.frac.fh10", "weights.weight", 1},
    };
    lr_data d;
    size_t i, nw;

    if (load("weights", &d) != 0)
        return;
    for (i = 0; i < sizeof wcases / sizeof wcases[0]; i++) {
        const double *w = golden_get(G, wcases[i].weight_key, &nw);
        onc_logrank_result *r;

        if (w == NULL || nw != d.n)
            continue;
        r = run(&d, w, 0, &configs[wcases[i].config], NULL);
        if (r == NULL)
            continue;
        check_result(wcases[i].prefix, r, 0);
        onc_logrank_free(r);
    }
    free(d.group);
}

/*
** Unit weights take the index path through the sort instead of the packed
** one; the results must not change.  Freireich: the textbook log-rank
** chi-square is 16.79 (Klein & Moeschberger 2003, example 7.2).
*/
static void test_unit_weights_and_textbook(void)
{
    lr_data d;
    double *ones;
    onc_logrank_result *a, *b;
    size_t i, g;

    if (load("freireich", &d) != 0)
        return;
    ones = malloc(d.n * sizeof *ones);
    for (i = 0; i < d.n; i++)
        ones[i] = 1.0;
    a = run(&d, NULL, 0, &configs[1], NULL);
    b = run(&d, ones, 0, &configs[1], NULL);
    if (a != NULL && b != NULL) {
        CHECK_REL(a->chisq, b->chisq, 1e-14);
        for (g = 0; g < 2; g++) {
            CHECK_REL(a->observed[g], b->observed[g], 1e-14);
            CHECK_REL(a->expected[g], b->expected[g], 1e-14);
        }
    }
    onc_logrank_free(a);
    onc_logrank_free(b);
    a = run(&d, NULL, 0, &configs[0], NULL);
    if (a != NULL) {
        CHECK(fabs(a->chisq - 16.79) < 0.005);
        CHECK(a->df == 1);
        CHECK_REL(a->events[0], 9, 0);
        CHECK_REL(a->events[1], 21, 0);
    }
    onc_logrank_free(a);
    free(ones);
    free(d.group);
}

/*
** The tests depend on the times only through their order.  exp(t / 10)
** with unit weights (index payloads) makes the sort keys too wide to share
** a word with the payload, so this runs the two-array sort.
*/
static void test_monotone_transform(void)
{
    lr_data d, e;
    double *etime, *ones;
    onc_logrank_result *a, *b;
    size_t i, g;

    if (load("lung_sex", &d) != 0)
        return;
    e = d;
    etime = malloc(d.n * sizeof *etime);
    ones = malloc(d.n * sizeof *ones);
    for (i = 0; i < d.n; i++) {
        etime[i] = exp(d.time[i] / 10.0);
        ones[i] = 1.0;
    }
    e.time = etime;
    a = run(&d, NULL, 0, &configs[2], NULL);
    b = run(&e, ones, 0, &configs[2], NULL);
    if (a != NULL && b != NULL) {
        CHECK_REL(b->chisq, a->chisq, 1e-13);
        for (g = 0; g < d.k; g++)
            CHECK_REL(b->expected[g], a->expected[g], 1e-13);
    }
    onc_logrank_free(a);
    onc_logrank_free(b);
    free(etime);
    free(ones);
    free(d.group);
}

/*
** By hand: group 1 has only a censoring before the first event, so it
** never has anyone at risk at an event time: E_1 = 0, df = 0, chi-square
** 0 and P undefined (survdiff's rule counts groups with E > 0).
*/
static void test_degenerate(void)
{
    static const double time[] = {1, 3, 4, 5}, status[] = {0, 1, 1, 0};
    static const int32_t group[] = {1, 0, 0, 0};
    onc_logrank_result *r = NULL;

    CHECK(onc_logrank_test(4, time, status, NULL, group, 2, NULL, 0, NULL, &r,
                           NULL) == ONC_OK);
    if (r == NULL)
        return;
    CHECK(r->df == 0);
    CHECK_REL(r->chisq, 0, 0);
    CHECK(isnan(r->p_value));
    CHECK_REL(r->expected[1], 0, 0);
    CHECK_REL(r->expected[0], 2, 0);
    CHECK(r->n_pairs == 0);
    onc_logrank_free(r);
}

static void test_errors(void)
{
    static const double time[] = {1, 3, 4, 5}, status[] = {0, 1, 1, 0};
    static const double bad_time[] = {1, 3, INFINITY, 5};
    static const int32_t group[] = {1, 0, 0, 0}, bad_group[] = {1, 0, -1, 0};
    static const int32_t stratum[] = {0, 0, 3, 1};
    onc_logrank_result *r = NULL;
    onc_logrank_options opt;
    onc_error err;

    CHECK(onc_logrank_test(4, bad_time, status, NULL, group, 2, NULL, 0, NULL,
                           &r, &err) == ONC_ERR_DATA);
    CHECK(r == NULL && err.row == 3 && strstr(err.message, "observation 3"));
    CHECK(onc_logrank_test(4, time, status, NULL, bad_group, 2, NULL, 0, NULL,
                           &r, &err) == ONC_ERR_DATA);
    CHECK(err.row == 3 && strcmp(err.column, "group") == 0);
    CHECK(onc_logrank_test(4, time, status, NULL, group, 2, stratum, 2, NULL,
                           &r, &err) == ONC_ERR_DATA);
    CHECK(err.row == 3 && strcmp(err.column, "stratum") == 0);
    CHECK(onc_logrank_test(4, time, status, NULL, group, 1, NULL, 0, NULL, &r,
                           &err) == ONC_ERR_LIMIT);
    onc_logrank_options_init(&opt);
    opt.weight = ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON;
    opt.rho = -1;
    CHECK(onc_logrank_test(4, time, status, NULL, group, 2, NULL, 0, &opt, &r,
                           &err) == ONC_ERR_USAGE);
    CHECK(r == NULL);
    onc_logrank_free(NULL);
    /* No observations: nothing to test, df = 0. */
    CHECK(onc_logrank_test(0, NULL, NULL, NULL, NULL, 2, NULL, 0, NULL, &r,
                           &err) == ONC_OK);
    CHECK(r != NULL && r->df == 0 && isnan(r->p_value));
    onc_logrank_free(r);
}

int main(void)
{
    size_t i;

    harness_set_name("test_logrank");
    G = golden_load(GOLDEN);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_case(cases[i]);
    test_weights();
    test_unit_weights_and_textbook();
    test_monotone_transform();
    test_degenerate();
    test_errors();
    golden_free(G);
    return harness_finish();
}
