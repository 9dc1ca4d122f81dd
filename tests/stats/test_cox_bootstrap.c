/*
** test_cox_bootstrap.c -- onc_cox_bootstrap: resampling of rows and of
** clusters, reproducibility from the seed whatever the thread count, and
** the summaries of the replicates.
**
** Data: cases of tests/golden/stats/cox_fit.txt (written by
** tests/golden/stats/cox_fit.R from survival::lung and generated clustered
** data).  References:
**  - each replicate equals onc_cox_fit_model on the resample rebuilt by
**    hand from onc_cox_bootstrap_draw (the fit itself is checked against R
**    in test_cox_fit.c);
**  - the summaries are recomputed here from the replicate matrix (standard
**    deviation; R quantile() type 7: x[j] + (h - j)(x[j+1] - x[j]),
**    h = (m - 1) q, on the sorted values);
**  - the bootstrap standard error of lung's coefficients is close to R's
**    model-based coxph standard error (300 replicates: within 20 %).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/cox.h"

#define GOLDEN "tests/golden/stats/cox_fit.txt"

typedef struct cdata {
    size_t n, p;
    const double *x, *time, *status;
    int32_t *cluster;
    onc_cox_data d;
} cdata;

static const double *get(golden *g, const char *c, const char *what, size_t *n)
{
    char key[128];
    snprintf(key, sizeof key, "%s_%s", c, what);
    return golden_get(g, key, n);
}

static int load(golden *g, const char *c, cdata *cd)
{
    size_t k, m;
    const double *v;
    char key[128];

    memset(cd, 0, sizeof *cd);
    v = get(g, c, "n", &k);
    if (v == NULL)
        return -1;
    cd->n = (size_t)v[0];
    cd->p = (size_t)get(g, c, "p", &k)[0];
    cd->x = get(g, c, "x", &k);
    cd->time = get(g, c, "time", &k);
    cd->status = get(g, c, "status", &k);
    if (cd->x == NULL || cd->time == NULL || cd->status == NULL)
        return -1;
    snprintf(key, sizeof key, "%s_cluster", c);
    v = golden_has(g, key) ? golden_get(g, key, &m) : NULL;
    if (v != NULL && m == cd->n) {
        cd->cluster = malloc(cd->n * sizeof *cd->cluster);
        for (k = 0; k < cd->n; k++)
            cd->cluster[k] = (int32_t)v[k];
    }
    cd->d.n = cd->n;
    cd->d.p = cd->p;
    cd->d.x = cd->x;
    cd->d.stop = cd->time;
    cd->d.status = cd->status;
    cd->d.cluster = cd->cluster;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_int32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Rebuild replicate r by hand and fit it; compare with the bootstrap. */
static void check_replicate(const cdata *cd, const onc_cox_bootstrap_result *res,
                            size_t r)
{
    size_t n_units = res->n_units, k, j, q = 0, m = 0, i;
    size_t *draw = malloc(n_units * sizeof *draw);
    int32_t *labels = NULL;
    double *x, *t, *s;
    onc_cox_data d;
    onc_cox_options o;
    onc_cox_fit *fit = NULL;
    onc_error err;

    CHECK(onc_cox_bootstrap_draw(res->seed, r, n_units, draw) == ONC_OK);
    if (cd->cluster != NULL) {
        /* units are the cluster labels in ascending order */
        size_t nl = 0;
        labels = malloc(cd->n * sizeof *labels);
        memcpy(labels, cd->cluster, cd->n * sizeof *labels);
        qsort(labels, cd->n, sizeof *labels, cmp_int32);
        for (i = 0; i < cd->n; i++)
            if (i == 0 || labels[i] != labels[nl - 1])
                labels[nl++] = labels[i];
        CHECK(nl == n_units);
        for (k = 0; k < n_units; k++)
            for (i = 0; i < cd->n; i++)
                m += cd->cluster[i] == labels[draw[k]];
    } else {
        m = n_units;
    }
    x = malloc(m * cd->p * sizeof *x);
    t = malloc(m * sizeof *t);
    s = malloc(m * sizeof *s);
    for (k = 0; k < n_units; k++) {
        for (i = 0; i < cd->n; i++) {
            if (cd->cluster != NULL ? cd->cluster[i] != labels[draw[k]] : i != draw[k])
                continue;
            t[q] = cd->time[i];
            s[q] = cd->status[i];
            for (j = 0; j < cd->p; j++)
                x[j * m + q] = cd->x[j * cd->n + i];
            q++;
        }
    }
    CHECK(q == m);
    memset(&d, 0, sizeof d);
    d.n = m;
    d.p = cd->p;
    d.x = x;
    d.stop = t;
    d.status = s;
    onc_cox_options_init(&o);
    o.concordance = 0;
    o.robust = ONC_ROBUST_OFF;
    CHECK(onc_cox_fit_model(&d, &o, &fit, &err) == ONC_OK);
    for (j = 0; fit != NULL && j < cd->p; j++)
        CHECK_REL(res->coef[j * res->replicates + r], fit->coef[j], 1e-13);
    onc_cox_fit_free(fit);
    free(draw);
    free(labels);
    free(x);
    free(t);
    free(s);
}

/* Standard deviation and type-7 percentile limits, recomputed. */
static void check_summaries(const onc_cox_bootstrap_result *res)
{
    size_t B = res->replicates, j, r;
    double *v = malloc(B * sizeof *v);
    double a = (1 - res->conf_level) / 2;

    for (j = 0; j < res->p; j++) {
        size_t m = 0;
        double mean = 0, ss = 0, h, lo, hi;
        for (r = 0; r < B; r++)
            if (isfinite(res->coef[j * B + r]))
                v[m++] = res->coef[j * B + r];
        CHECK(res->n_valid[j] == m);
        if (m < 2)
            continue;
        for (r = 0; r < m; r++)
            mean += v[r];
        mean /= (double)m;
        for (r = 0; r < m; r++)
            ss += (v[r] - mean) * (v[r] - mean);
        CHECK_REL(res->se[j], sqrt(ss / (double)(m - 1)), 1e-12);
        qsort(v, m, sizeof *v, cmp_double);
        h = (double)(m - 1) * a;
        lo = v[(size_t)h] + (h - floor(h)) * (v[(size_t)h + 1] - v[(size_t)h]);
        h = (double)(m - 1) * (1 - a);
        hi = v[(size_t)h] + (h - floor(h)) * (v[(size_t)h + 1] - v[(size_t)h]);
        CHECK_REL(res->lower[j], exp(lo), 1e-12);
        CHECK_REL(res->upper[j], exp(hi), 1e-12);
        CHECK(res->lower[j] <= res->upper[j]);
    }
    free(v);
}

static onc_cox_bootstrap_result *run(const cdata *cd, size_t B, uint64_t seed,
                                     int threads)
{
    onc_cox_bootstrap_result *res = NULL;
    onc_error err;
    onc_status st = onc_cox_bootstrap(&cd->d, NULL, B, seed, threads, &res, &err);

    CHECK(st == ONC_OK);
    if (st != ONC_OK)
        fprintf(stderr, "bootstrap: %s\n", err.message);
    return res;
}

static int same_coef(const onc_cox_bootstrap_result *a,
                     const onc_cox_bootstrap_result *b, size_t B)
{
    size_t j, r;

    for (j = 0; j < a->p; j++)
        for (r = 0; r < B; r++) {
            double x = a->coef[j * a->replicates + r], y = b->coef[j * b->replicates + r];
            if (!(x == y || (isnan(x) && isnan(y))))
                return 0;
        }
    return 1;
}

int main(void)
{
    golden *g = golden_load(GOLDEN);
    /* cases: rows of lung; clusters of the generated data */
    static const struct {
        const char *name;
        size_t replicates;
        uint64_t seed;
    } cases[] = {
        {"lung_efron", 40, 11},
        {"gen_cluster", 30, 20240611},
    };
    size_t c, k, j;

    harness_set_name("test_cox_bootstrap");
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        cdata cd;
        onc_cox_bootstrap_result *r1, *r2, *r3, *rp;
        size_t B = cases[c].replicates;

        if (load(g, cases[c].name, &cd) != 0)
            continue;
        r1 = run(&cd, B, cases[c].seed, 1);
        r2 = run(&cd, B, cases[c].seed, 2);
        r3 = run(&cd, B, cases[c].seed, 3);
        rp = run(&cd, 10, cases[c].seed, 0);
        if (r1 == NULL || r2 == NULL || r3 == NULL || rp == NULL) {
            free(cd.cluster);
            continue;
        }
        CHECK(r1->replicates == B && r1->p == cd.p && r1->seed == cases[c].seed);
        CHECK(r1->by_cluster == (cd.cluster != NULL));
        CHECK(r1->n_units == (cd.cluster != NULL ? 100 : cd.n));
        CHECK(r1->n_failed == 0);
        /* the thread count does not change anything */
        CHECK(same_coef(r1, r2, B));
        CHECK(same_coef(r1, r3, B));
        for (j = 0; j < cd.p; j++) {
            CHECK(r1->lower[j] == r3->lower[j] && r1->upper[j] == r3->upper[j]);
            CHECK(r1->se[j] == r2->se[j]);
        }
        /* a shorter run is the start of a longer one */
        CHECK(same_coef(r1, rp, 10));
        for (k = 0; k < B; k += 13)
            check_replicate(&cd, r1, k);
        check_replicate(&cd, r1, B - 1);
        check_summaries(r1);
        check_summaries(rp);
        onc_cox_bootstrap_free(r1);
        onc_cox_bootstrap_free(r2);
        onc_cox_bootstrap_free(r3);
        onc_cox_bootstrap_free(rp);
        free(cd.cluster);
    }

    /* the bootstrap SE is near R's standard error (lung, 300 replicates) */
    {
        cdata cd;
        size_t n;
        const double *se = get(g, "lung_efron", "se", &n);
        if (load(g, "lung_efron", &cd) == 0 && se != NULL && n == cd.p) {
            onc_cox_bootstrap_result *res = run(&cd, 300, 5, 0);
            for (j = 0; res != NULL && j < cd.p; j++)
                CHECK(fabs(res->se[j] / se[j] - 1) < 0.2);
            onc_cox_bootstrap_free(res);
        }
    }

    /* errors */
    {
        cdata cd;
        onc_cox_bootstrap_result *res = NULL;
        onc_error err;
        double *bad;
        if (load(g, "lung_efron", &cd) == 0) {
            CHECK(onc_cox_bootstrap(&cd.d, NULL, 0, 1, 1, &res, &err) == ONC_ERR_USAGE);
            CHECK(res == NULL);
            CHECK(onc_cox_bootstrap(&cd.d, NULL, ONC_COX_MAX_BOOTSTRAP + 1, 1, 1, &res,
                                    &err) == ONC_ERR_LIMIT);
            CHECK(onc_cox_bootstrap(&cd.d, NULL, 5, 1, -1, &res, &err) == ONC_ERR_USAGE);
            CHECK(onc_cox_bootstrap(NULL, NULL, 5, 1, 1, &res, &err) == ONC_ERR_USAGE);
            /* invalid data is reported before anything is resampled */
            bad = malloc(cd.n * sizeof *bad);
            memcpy(bad, cd.status, cd.n * sizeof *bad);
            bad[6] = 2;
            cd.d.status = bad;
            CHECK(onc_cox_bootstrap(&cd.d, NULL, 5, 1, 1, &res, &err) == ONC_ERR_DATA);
            CHECK(err.row == 7);
            CHECK(res == NULL);
            free(bad);
        }
        onc_cox_bootstrap_free(NULL);
    }
    golden_free(g);
    return harness_finish();
}
