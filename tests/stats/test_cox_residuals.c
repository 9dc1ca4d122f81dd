/*
** test_cox_residuals.c -- onc_cox_residuals_compute against R survival 3.5-3
** residuals.coxph (martingale, deviance, score, schoenfeld, scaledsch,
** dfbeta, dfbetas).
**
** Reference: tests/golden/stats/cox_resid.R; the input data of each case are
** those of tests/golden/stats/cox_fit.R (cox_fit.txt, same case name).
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
    "veteran_efron", "heart_efron", "heart_breslow", "gen_ties_exact",
    "gen_all", "cp_all",
};

static const struct {
    onc_cox_residual_type type;
    const char *name;
} types[] = {
    {ONC_COX_RESID_MARTINGALE, "martingale"},
    {ONC_COX_RESID_DEVIANCE, "deviance"},
    {ONC_COX_RESID_SCORE, "score"},
    {ONC_COX_RESID_SCHOENFELD, "schoenfeld"},
    {ONC_COX_RESID_SCALED_SCHOENFELD, "scaledsch"},
    {ONC_COX_RESID_DFBETA, "dfbeta"},
    {ONC_COX_RESID_DFBETAS, "dfbetas"},
};

static const double *opt_get(golden *g, const char *c, const char *what,
                             size_t *n)
{
    char key[128];
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

static void run_case(golden *data, golden *ref, const char *c)
{
    size_t m, n, t, i;
    const double *opts;
    int32_t *strata, *cluster;
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
    CHECK(onc_cox_fit_model(&d, &o, &fit, &err) == ONC_OK);
    if (fit == NULL)
        goto done;

    for (t = 0; t < sizeof types / sizeof types[0]; t++) {
        onc_cox_residuals *res = NULL;
        const double *want;
        size_t nw;
        onc_status st;
        char key[128];

        snprintf(key, sizeof key, "%s_%s", c, types[t].name);
        st = onc_cox_residuals_compute(&d, fit, types[t].type, &res, &err);
        if (!golden_has(ref, key)) {
            /* R has no score-type residuals for exact ties */
            CHECK(st == ONC_ERR_UNSUPPORTED && res == NULL);
            continue;
        }
        CHECK(st == ONC_OK);
        if (st != ONC_OK)
            continue;
        want = golden_get(ref, key, &nw);
        CHECK(res->n_rows * res->n_cols == nw);
        for (i = 0; i < nw && i < res->n_rows * res->n_cols; i++) {
            char label[160];
            snprintf(label, sizeof label, "%s[%zu]", key, i);
            harness_close(res->value[i], want[i], TOL, label, __FILE__,
                          __LINE__);
        }
        if (types[t].type == ONC_COX_RESID_SCHOENFELD) {
            snprintf(key, sizeof key, "%s_schoenfeld_time", c);
            want = golden_get(ref, key, &nw);
            CHECK(nw == res->n_rows);
            for (i = 0; i < nw && i < res->n_rows; i++) {
                CHECK(res->time[i] == want[i]);
                CHECK(d.status[res->row[i]] == 1);
                CHECK(d.stop[res->row[i]] == res->time[i]);
            }
        }
        onc_cox_residuals_free(res);
    }
done:
    onc_cox_fit_free(fit);
    free(strata);
    free(cluster);
}

/* The score residuals sum to the score vector at the estimate (0 at the
** maximum), weighted; the martingale residuals sum to 0 (weighted). */
static void check_identities(golden *data)
{
    size_t m, i, j;
    onc_cox_data d;
    onc_cox_fit *fit = NULL;
    onc_cox_residuals *res = NULL;
    onc_error err;
    double s;

    memset(&d, 0, sizeof d);
    d.n = (size_t)opt_get(data, "gen_weights", "n", &m)[0];
    d.p = (size_t)opt_get(data, "gen_weights", "p", &m)[0];
    d.x = opt_get(data, "gen_weights", "x", &m);
    d.stop = opt_get(data, "gen_weights", "time", &m);
    d.status = opt_get(data, "gen_weights", "status", &m);
    d.weights = opt_get(data, "gen_weights", "weights", &m);
    CHECK(onc_cox_fit_model(&d, NULL, &fit, &err) == ONC_OK);
    CHECK(onc_cox_residuals_compute(&d, fit, ONC_COX_RESID_SCORE, &res,
                                    &err) == ONC_OK);
    for (j = 0; j < d.p; j++) {
        s = 0;
        for (i = 0; i < d.n; i++)
            s += d.weights[i] * res->value[i + j * d.n];
        CHECK_CLOSE(s, fit->score[j], 1e-8);
        CHECK(fabs(s) < 1e-5);
    }
    onc_cox_residuals_free(res);
    res = NULL;
    CHECK(onc_cox_residuals_compute(&d, fit, ONC_COX_RESID_MARTINGALE, &res,
                                    &err) == ONC_OK);
    s = 0;
    for (i = 0; i < d.n; i++)
        s += d.weights[i] * res->value[i];
    CHECK(fabs(s) < 1e-9);
    onc_cox_residuals_free(res);
    res = NULL;
    CHECK(onc_cox_residuals_compute(&d, fit, (onc_cox_residual_type)99, &res,
                                    &err) == ONC_ERR_USAGE);
    d.n--;
    CHECK(onc_cox_residuals_compute(&d, fit, ONC_COX_RESID_SCORE, &res,
                                    &err) == ONC_ERR_USAGE);
    onc_cox_fit_free(fit);
    onc_cox_residuals_free(NULL);
}

int main(void)
{
    golden *data, *ref;
    size_t i;

    harness_set_name("test_cox_residuals");
    data = golden_load("tests/golden/stats/cox_fit.txt");
    ref = golden_load("tests/golden/stats/cox_resid.txt");
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(data, ref, cases[i]);
    check_identities(data);
    golden_free(data);
    golden_free(ref);
    return harness_finish();
}
