/*
** test_cox_zph.c -- onc_cox_zph_test against R survival 3.5-3 cox.zph
** (score-test form of version 3.x) for the km, rank, identity and log
** transforms, with multi-column terms, strata, weights, offsets, start-stop
** data, exact ties and an aliased column.
**
** Reference: tests/golden/stats/cox_zph.R; input data from cox_fit.txt.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/cox.h"

#define TOL 1e-10

static const char *const cases[] = {
    "lung_efron", "lung_breslow", "lung_exact", "lungstrat_efron",
    "veteran_efron", "heart_efron", "gen_all", "cp_all", "collinear",
};

static const struct {
    onc_cox_zph_transform tr;
    const char *name;
} transforms[] = {
    {ONC_ZPH_KM, "km"},
    {ONC_ZPH_RANK, "rank"},
    {ONC_ZPH_IDENTITY, "identity"},
    {ONC_ZPH_LOG, "log"},
};

static const double *opt_get(golden *g, const char *c, const char *what,
                             size_t *n)
{
    char key[160];
    snprintf(key, sizeof key, "%s_%s", c, what);
    *n = 0;
    return golden_has(g, key) ? golden_get(g, key, n) : NULL;
}

static int32_t *to_int(const double *v, size_t n)
{
    int32_t *r;
    size_t i;
    if (v == NULL)
        return NULL;
    r = malloc(n * sizeof *r);
    for (i = 0; i < n; i++)
        r[i] = (int32_t)v[i];
    return r;
}

static void check_table(const char *key, const onc_cox_zph *z,
                        const double *chisq, const double *df,
                        const double *p, size_t nref)
{
    size_t k, r = 0;
    char label[200];

    /* R leaves aliased columns out of the table; they are NaN here */
    for (k = 0; k < z->n_terms; k++) {
        if (isnan(z->chisq[k])) {
            CHECK(z->df[k] == 0);
            continue;
        }
        if (r + 1 >= nref)
            break;
        snprintf(label, sizeof label, "%s chisq[%zu]", key, k);
        harness_rel(z->chisq[k], chisq[r], TOL, label, __FILE__, __LINE__);
        CHECK(z->df[k] == df[r]);
        snprintf(label, sizeof label, "%s p[%zu]", key, k);
        harness_close(z->p[k], p[r], 1e-12, label, __FILE__, __LINE__);
        r++;
    }
    CHECK(r + 1 == nref);
    snprintf(label, sizeof label, "%s global", key);
    harness_rel(z->global_chisq, chisq[nref - 1], TOL, label, __FILE__,
                __LINE__);
    CHECK(z->global_df == df[nref - 1]);
    harness_close(z->global_p, p[nref - 1], 1e-12, label, __FILE__, __LINE__);
}

static void run_case(golden *data, golden *ref, const char *c)
{
    size_t m, n, t, i, nterm = 0;
    const double *opts, *tv;
    int32_t *strata, *cluster, *term;
    onc_cox_data d;
    onc_cox_options o;
    onc_cox_fit *fit = NULL;
    onc_error err;

    memset(&d, 0, sizeof d);
    d.n = (size_t)opt_get(data, c, "n", &m)[0];
    d.p = (size_t)opt_get(data, c, "p", &m)[0];
    n = d.n;
    d.x = opt_get(data, c, "x", &m);
    d.stop = opt_get(data, c, "time", &m);
    d.status = opt_get(data, c, "status", &m);
    d.start = opt_get(data, c, "start", &m);
    d.weights = opt_get(data, c, "weights", &m);
    d.offset = opt_get(data, c, "offset", &m);
    strata = to_int(opt_get(data, c, "strata", &m), n);
    cluster = to_int(opt_get(data, c, "cluster", &m), n);
    d.strata = strata;
    d.cluster = cluster;
    opts = opt_get(data, c, "opts", &m);
    onc_cox_options_init(&o);
    o.ties = (onc_cox_ties)(int)opts[0];
    o.robust = (onc_cox_robust)(int)opts[1];
    tv = opt_get(ref, c, "terms", &m);
    term = to_int(tv, m);
    for (i = 0; i < m; i++)
        if ((size_t)term[i] + 1 > nterm)
            nterm = (size_t)term[i] + 1;
    CHECK(onc_cox_fit_model(&d, &o, &fit, &err) == ONC_OK);
    if (fit == NULL)
        goto done;

    for (t = 0; t < sizeof transforms / sizeof transforms[0]; t++) {
        onc_cox_zph *z = NULL;
        const double *chisq, *df, *p, *x, *tm;
        size_t nc, nx;
        char key[128];

        snprintf(key, sizeof key, "%s_%s", c, transforms[t].name);
        CHECK(onc_cox_zph_test(&d, fit, transforms[t].tr, term, nterm, &z,
                               &err) == ONC_OK);
        if (z == NULL)
            continue;
        chisq = opt_get(ref, key, "chisq", &nc);
        df = opt_get(ref, key, "df", &m);
        p = opt_get(ref, key, "p", &m);
        check_table(key, z, chisq, df, p, nc);
        x = opt_get(ref, key, "x", &nx);
        tm = opt_get(ref, key, "time", &m);
        CHECK(z->n_events == nx);
        for (i = 0; i < nx && i < z->n_events; i++) {
            CHECK_CLOSE(z->transformed_time[i], x[i], 1e-12);
            CHECK(z->time[i] == tm[i]);
        }
        onc_cox_zph_free(z);
    }
    /* one test per column (R terms = FALSE) */
    {
        onc_cox_zph *z = NULL;
        const double *chisq = opt_get(ref, c, "cols_chisq", &m);
        size_t k, r = 0;
        CHECK(onc_cox_zph_test(&d, fit, ONC_ZPH_KM, NULL, 0, &z, &err) ==
              ONC_OK);
        if (z != NULL) {
            CHECK(z->n_terms == d.p);
            for (k = 0; k < z->n_terms; k++)
                if (!isnan(z->chisq[k]) && r < m)
                    CHECK_REL(z->chisq[k], chisq[r++], TOL);
            CHECK_REL(z->global_chisq, chisq[m - 1], TOL);
        }
        onc_cox_zph_free(z);
    }
done:
    onc_cox_fit_free(fit);
    free(strata);
    free(cluster);
    free(term);
}

static void check_errors(golden *data)
{
    size_t m;
    onc_cox_data d;
    onc_cox_fit *fit = NULL;
    onc_cox_zph *z = NULL;
    onc_error err;
    int32_t bad[3] = {0, 5, 1};

    memset(&d, 0, sizeof d);
    d.n = (size_t)opt_get(data, "lung_efron", "n", &m)[0];
    d.p = (size_t)opt_get(data, "lung_efron", "p", &m)[0];
    d.x = opt_get(data, "lung_efron", "x", &m);
    d.stop = opt_get(data, "lung_efron", "time", &m);
    d.status = opt_get(data, "lung_efron", "status", &m);
    CHECK(onc_cox_fit_model(&d, NULL, &fit, &err) == ONC_OK);
    CHECK(onc_cox_zph_test(&d, fit, ONC_ZPH_KM, bad, 2, &z, &err) ==
          ONC_ERR_USAGE);
    CHECK(onc_cox_zph_test(&d, fit, (onc_cox_zph_transform)9, NULL, 0, &z,
                           &err) == ONC_ERR_USAGE);
    CHECK(z == NULL);
    onc_cox_fit_free(fit);
    onc_cox_zph_free(NULL);
}

int main(void)
{
    golden *data, *ref;
    size_t i;

    harness_set_name("test_cox_zph");
    data = golden_load("tests/golden/stats/cox_fit.txt");
    ref = golden_load("tests/golden/stats/cox_zph.txt");
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(data, ref, cases[i]);
    check_errors(data);
    golden_free(data);
    golden_free(ref);
    return harness_finish();
}
