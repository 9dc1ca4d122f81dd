/*
** test_cox_firth.c -- Firth penalized Cox fits (options.firth = 1) against an
** independent R computation of the penalized likelihood
** log L + 0.5 log det I and its profile (tests/golden/stats/cox_firth.R),
** including data with no events in one arm, where the ordinary fit reports
** monotone likelihood and the penalized estimate is finite.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/cox.h"

#define TOL_COEF 1e-8   /* the reference's own gradient is ~1e-9 */
#define TOL_LIMIT 1e-8

/* name in cox_firth.txt, data case in cox_fit.txt, ties, columns used */
static const struct {
    const char *name, *data;
    onc_cox_ties ties;
    size_t ncol;
    size_t nrow;        /* 0 = all rows */
    int weights_int;    /* use the integer weights column of gen */
} cases[] = {
    {"separated", "separated", ONC_TIES_BRESLOW, 2, 0, 0},
    {"separated_efron", "separated", ONC_TIES_EFRON, 1, 0, 0},
    {"freireich_breslow", "freireich_breslow", ONC_TIES_BRESLOW, 1, 0, 0},
    {"freireich_efron", "freireich_efron", ONC_TIES_EFRON, 1, 0, 0},
    {"lung_efron", "lung_efron", ONC_TIES_EFRON, 2, 0, 0},
    {"heart_breslow", "heart_breslow", ONC_TIES_BRESLOW, 0, 0, 0},
    {"gen_strata_weights", "gen_strata", ONC_TIES_EFRON, 2, 150, 1},
};

static const double *opt_get(golden *g, const char *c, const char *what,
                             size_t *n)
{
    char key[128];
    snprintf(key, sizeof key, "%s_%s", c, what);
    *n = 0;
    return golden_has(g, key) ? golden_get(g, key, n) : NULL;
}

static void check_vec(const char *c, const char *what, const double *got,
                      const double *want, size_t m, double tol)
{
    size_t i;
    char label[160];
    for (i = 0; i < m; i++) {
        snprintf(label, sizeof label, "%s %s[%zu]", c, what, i);
        harness_rel(got[i], want[i], tol, label, __FILE__, __LINE__);
    }
}

static void run_case(golden *data, golden *ref, size_t ci)
{
    const char *c = cases[ci].name, *dc = cases[ci].data;
    size_t m, n, p, nfull, i, j;
    const double *x, *v, *ws = NULL;
    double *xs = NULL, *wts = NULL, got[2];
    int32_t *strata = NULL;
    onc_cox_data d;
    onc_cox_options o;
    onc_cox_fit *fit = NULL;
    onc_error err;

    nfull = (size_t)opt_get(data, dc, "n", &m)[0];
    n = cases[ci].nrow ? cases[ci].nrow : nfull;
    x = opt_get(data, dc, "x", &m);
    memset(&d, 0, sizeof d);
    d.stop = opt_get(data, dc, "time", &m);
    d.status = opt_get(data, dc, "status", &m);
    d.start = opt_get(data, dc, "start", &m);
    v = opt_get(data, dc, "strata", &m);
    if (v != NULL) {
        strata = malloc(n * sizeof *strata);
        for (i = 0; i < n; i++)
            strata[i] = (int32_t)v[i];
    }
    if (strcmp(c, "heart_breslow") == 0) {
        /* age (column 1) and surgery (column 3) of the heart model */
        static const size_t pick[2] = {0, 2};
        p = 2;
        xs = malloc(n * p * sizeof *xs);
        for (j = 0; j < p; j++)
            for (i = 0; i < n; i++)
                xs[j * n + i] = x[pick[j] * nfull + i];
    } else {
        p = cases[ci].ncol;
        xs = malloc(n * p * sizeof *xs);
        for (j = 0; j < p; j++)
            for (i = 0; i < n; i++)
                xs[j * n + i] = x[j * nfull + i];
    }
    if (cases[ci].weights_int) {
        /* the generated data's integer weights: stored with gen_intweights */
        ws = opt_get(data, "gen_intweights", "weights", &m);
        wts = malloc(n * sizeof *wts);
        for (i = 0; i < n; i++)
            wts[i] = ws[i];
    }
    d.n = n;
    d.p = p;
    d.x = xs;
    d.weights = wts;
    d.strata = strata;
    onc_cox_options_init(&o);
    o.ties = cases[ci].ties;
    o.firth = 1;
    o.concordance = 0;
    CHECK(onc_cox_fit_model(&d, &o, &fit, &err) == ONC_OK);
    if (fit == NULL) {
        fprintf(stderr, "%s: %s\n", c, err.message);
        goto done;
    }
    CHECK(fit->firth == 1 && fit->converged == 1 && fit->monotone == 0);
    v = opt_get(ref, c, "coef", &m);
    CHECK(m == p);
    check_vec(c, "coef", fit->coef, v, p, TOL_COEF);
    v = opt_get(ref, c, "var", &m);
    check_vec(c, "var", fit->var, v, p * p, TOL_COEF);
    v = opt_get(ref, c, "loglik", &m);
    check_vec(c, "loglik", fit->loglik, v, 2, 1e-10);
    v = opt_get(ref, c, "loglik_unpenalized", &m);
    check_vec(c, "loglik_unpenalized", fit->loglik_unpenalized, v, 2, 1e-9);
    v = opt_get(ref, c, "score", &m);
    check_vec(c, "score", &fit->score_stat, v, 1, 1e-10);
    v = opt_get(ref, c, "lower", &m);
    check_vec(c, "lower", fit->lower, v, p, TOL_LIMIT);
    v = opt_get(ref, c, "upper", &m);
    check_vec(c, "upper", fit->upper, v, p, TOL_LIMIT);
    for (j = 0; j < p; j++)
        CHECK(fit->lower_found[j] && fit->upper_found[j]);
    v = opt_get(ref, c, "chisq", &m);
    check_vec(c, "chisq", fit->firth_chisq, v, p, 1e-7);
    v = opt_get(ref, c, "pvalue", &m);
    for (j = 0; j < p; j++)
        CHECK_CLOSE(fit->firth_p[j], v[j], 1e-9);
    v = opt_get(ref, c, "lr", &m);
    got[0] = fit->lr_stat;
    got[1] = fit->lr_p;
    check_vec(c, "lr", got, v, 1, 1e-9);
    CHECK_CLOSE(got[1], v[1], 1e-10);
    /* the penalized score vanishes at the estimate */
    for (j = 0; j < p; j++)
        CHECK(fabs(fit->score[j]) < 1e-6);
done:
    onc_cox_fit_free(fit);
    free(xs);
    free(wts);
    free(strata);
}

/* The separated data: plain fit is monotone, Firth is finite; Firth with
** exact ties or a robust variance is refused. */
static void check_contrast(golden *data)
{
    size_t m;
    onc_cox_data d;
    onc_cox_options o;
    onc_cox_fit *fit = NULL;
    onc_error err;
    int32_t cl[12] = {1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6};

    memset(&d, 0, sizeof d);
    d.n = (size_t)opt_get(data, "separated", "n", &m)[0];
    d.p = 2;
    d.x = opt_get(data, "separated", "x", &m);
    d.stop = opt_get(data, "separated", "time", &m);
    d.status = opt_get(data, "separated", "status", &m);
    onc_cox_options_init(&o);
    CHECK(onc_cox_fit_model(&d, &o, &fit, &err) == ONC_OK);
    CHECK(fit->monotone == 1 && fit->infinite[0] == 1);
    CHECK(fit->coef[0] > 15);
    onc_cox_fit_free(fit);
    fit = NULL;
    o.firth = 1;
    CHECK(onc_cox_fit_model(&d, &o, &fit, &err) == ONC_OK);
    CHECK(fit->monotone == 0 && fit->coef[0] > 2 && fit->coef[0] < 4);
    onc_cox_fit_free(fit);
    fit = NULL;
    o.ties = ONC_TIES_EXACT;
    CHECK(onc_cox_fit_model(&d, &o, &fit, &err) == ONC_ERR_UNSUPPORTED);
    o.ties = ONC_TIES_EFRON;
    d.cluster = cl;
    CHECK(onc_cox_fit_model(&d, &o, &fit, &err) == ONC_ERR_UNSUPPORTED);
    CHECK(fit == NULL);
}

int main(void)
{
    golden *data, *ref;
    size_t i;

    harness_set_name("test_cox_firth");
    data = golden_load("tests/golden/stats/cox_fit.txt");
    ref = golden_load("tests/golden/stats/cox_firth.txt");
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(data, ref, i);
    check_contrast(data);
    golden_free(data);
    golden_free(ref);
    return harness_finish();
}
