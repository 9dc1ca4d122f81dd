/*
** test_cox_predict.c -- onc_cox_survfit and onc_cox_baseline_hazard against
** R survival 3.5-3 survfit.coxph(fit, newdata) (conf.type "log") and
** basehaz(fit, centered = TRUE / FALSE): Efron, Breslow and exact fits,
** strata (curves for every stratum, or the stratum of each new row),
** start-stop data, weights, offsets and a robust variance.
**
** Reference: tests/golden/stats/cox_predict.R; input data from cox_fit.txt.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/cox.h"

#define TOL 1e-10

/* curve-set name in cox_predict.txt and data case in cox_fit.txt */
static const struct {
    const char *name, *data;
} cases[] = {
    {"lung_efron", "lung_efron"},
    {"lung_breslow", "lung_breslow"},
    {"lung_exact", "lung_exact"},
    {"lungstrat_efron", "lungstrat_efron"},
    {"lungstrat_efron_rows", "lungstrat_efron"},
    {"heart_efron", "heart_efron"},
    {"gen_all", "gen_all"},
    {"gen_offset", "gen_offset"},
    {"cp_all", "cp_all"},
};

static const double *opt_get(golden *g, const char *c, const char *what,
                             size_t *n)
{
    char key[160];
    /* Keys are short; a truncated key would simply not be found. */
    if (snprintf(key, sizeof key, "%s_%s", c, what) >= (int)sizeof key)
        return NULL;
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

static void cmp(const char *key, const double *got, const double *want,
                size_t m)
{
    size_t i;
    char label[200];
    for (i = 0; i < m; i++) {
        snprintf(label, sizeof label, "%s[%zu]", key, i);
        harness_close(got[i], want[i], TOL, label, __FILE__, __LINE__);
    }
}

static void run_case(golden *data, golden *ref, const char *c, const char *dc)
{
    size_t m, n, k, nc, nt, mnew;
    const double *opts, *newx, *newoff, *v;
    int32_t *strata, *cluster, *newstrata;
    onc_cox_data d;
    onc_cox_options o;
    onc_cox_fit *fit = NULL;
    onc_cox_curves *cv = NULL, *bh = NULL;
    onc_error err;
    int cen;

    memset(&d, 0, sizeof d);
    d.n = (size_t)opt_get(data, dc, "n", &m)[0];
    d.p = (size_t)opt_get(data, dc, "p", &m)[0];
    n = d.n;
    d.x = opt_get(data, dc, "x", &m);
    d.stop = opt_get(data, dc, "time", &m);
    d.status = opt_get(data, dc, "status", &m);
    d.start = opt_get(data, dc, "start", &m);
    d.weights = opt_get(data, dc, "weights", &m);
    d.offset = opt_get(data, dc, "offset", &m);
    strata = to_int(opt_get(data, dc, "strata", &m), n);
    cluster = to_int(opt_get(data, dc, "cluster", &m), n);
    d.strata = strata;
    d.cluster = cluster;
    opts = opt_get(data, dc, "opts", &m);
    onc_cox_options_init(&o);
    o.ties = (onc_cox_ties)(int)opts[0];
    o.robust = (onc_cox_robust)(int)opts[1];
    CHECK(onc_cox_fit_model(&d, &o, &fit, &err) == ONC_OK);
    if (fit == NULL)
        goto done;

    mnew = (size_t)opt_get(ref, c, "m", &m)[0];
    newx = opt_get(ref, c, "newx", &m);
    CHECK(m == mnew * d.p);
    newoff = opt_get(ref, c, "newoffset", &m);
    newstrata = to_int(opt_get(ref, c, "newstrata", &m), mnew);
    CHECK(onc_cox_survfit(&d, fit, newx, newoff, newstrata, mnew, 0.95, &cv,
                          &err) == ONC_OK);
    free(newstrata);
    if (cv == NULL)
        goto done;
    nc = (size_t)opt_get(ref, c, "ncurves", &m)[0];
    CHECK(cv->n_curves == nc);
    for (k = 0; k < nc && k < cv->n_curves; k++) {
        const onc_cox_curve *cu = cv->curve + k;
        char key[160];
        snprintf(key, sizeof key, "%s_c%zu", c, k);
        v = opt_get(ref, key, "time", &nt);
        CHECK(cu->n_times == nt);
        if (cu->n_times != nt)
            continue;
        cmp(key, cu->time, v, nt);
        cmp(key, cu->n_risk, opt_get(ref, key, "n_risk", &m), nt);
        cmp(key, cu->n_event, opt_get(ref, key, "n_event", &m), nt);
        cmp(key, cu->n_censor, opt_get(ref, key, "n_censor", &m), nt);
        cmp(key, cu->cumhaz, opt_get(ref, key, "cumhaz", &m), nt);
        cmp(key, cu->surv, opt_get(ref, key, "surv", &m), nt);
        cmp(key, cu->std_err, opt_get(ref, key, "std_err", &m), nt);
        cmp(key, cu->lower, opt_get(ref, key, "lower", &m), nt);
        cmp(key, cu->upper, opt_get(ref, key, "upper", &m), nt);
    }
    onc_cox_curves_free(cv);

    /* basehaz: all strata concatenated */
    for (cen = 0; cen <= 1; cen++) {
        char key[160];
        const double *want, *wt;
        size_t nw, pos = 0, i;
        snprintf(key, sizeof key, "basehaz_%d", cen);
        want = opt_get(ref, c, key, &nw);
        wt = opt_get(ref, c, "basehaz_time", &m);
        CHECK(onc_cox_baseline_hazard(&d, fit, cen, &bh, &err) == ONC_OK);
        if (bh == NULL)
            continue;
        for (k = 0; k < bh->n_curves; k++)
            for (i = 0; i < bh->curve[k].n_times && pos < nw; i++, pos++) {
                char label[200];
                snprintf(label, sizeof label, "%s %s[%zu]", c, key, pos);
                harness_close(bh->curve[k].cumhaz[i], want[pos], TOL, label,
                              __FILE__, __LINE__);
                CHECK(bh->curve[k].time[i] == wt[pos]);
            }
        CHECK(pos == nw);
        onc_cox_curves_free(bh);
        bh = NULL;
    }
done:
    onc_cox_fit_free(fit);
    free(strata);
    free(cluster);
}

static void check_errors(golden *data)
{
    size_t m;
    onc_cox_data d;
    onc_cox_fit *fit = NULL;
    onc_cox_curves *cv = NULL;
    onc_error err;
    double row[3] = {60, NAN, 1};
    int32_t st = 99;

    memset(&d, 0, sizeof d);
    d.n = (size_t)opt_get(data, "lungstrat_efron", "n", &m)[0];
    d.p = 3;
    d.x = opt_get(data, "lungstrat_efron", "x", &m);
    d.stop = opt_get(data, "lungstrat_efron", "time", &m);
    d.status = opt_get(data, "lungstrat_efron", "status", &m);
    CHECK(onc_cox_fit_model(&d, NULL, &fit, &err) == ONC_OK);
    CHECK(onc_cox_survfit(&d, fit, row, NULL, NULL, 1, 0.95, &cv, &err) ==
          ONC_ERR_DATA);
    row[1] = 1;
    CHECK(onc_cox_survfit(&d, fit, row, NULL, NULL, 1, 1.5, &cv, &err) ==
          ONC_ERR_USAGE);
    CHECK(onc_cox_survfit(&d, fit, row, NULL, NULL, 0, 0.95, &cv, &err) ==
          ONC_ERR_USAGE);
    onc_cox_fit_free(fit);
    fit = NULL;
    {
        const double *sv = opt_get(data, "lungstrat_efron", "strata", &m);
        int32_t *s = to_int(sv, d.n);
        d.strata = s;
        CHECK(onc_cox_fit_model(&d, NULL, &fit, &err) == ONC_OK);
        CHECK(onc_cox_survfit(&d, fit, row, NULL, &st, 1, 0.95, &cv, &err) ==
              ONC_ERR_DATA);
        CHECK(cv == NULL);
        onc_cox_fit_free(fit);
        free(s);
    }
    onc_cox_curves_free(NULL);
}

int main(void)
{
    golden *data, *ref;
    size_t i;

    harness_set_name("test_cox_predict");
    data = golden_load("tests/golden/stats/cox_fit.txt");
    ref = golden_load("tests/golden/stats/cox_predict.txt");
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(data, ref, cases[i].name, cases[i].data);
    check_errors(data);
    golden_free(data);
    golden_free(ref);
    return harness_finish();
}
