/*
** test_cox_fit.c -- onc_cox_fit_model against R survival 3.5-3 coxph.
**
** Reference: tests/golden/stats/cox_fit.R (lung, veteran, ovarian, heart,
** Freireich 6-MP, generated data with heavy ties, strata, weights, clusters,
** offsets, start-stop intervals, a separated data set and a collinear
** column).  Each case stores its input data and every number R reports; the
** table below names the cases, and each case is checked in full.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/cox.h"
#include "stats/cox_internal.h"

#define GOLDEN "tests/golden/stats/cox_fit.txt"

/* Agreement demanded of each kind of number. */
#define TOL_COEF 1e-10  /* coefficients, variances, log-likelihoods */
#define TOL_TEST 1e-10  /* test statistics */
#define TOL_P 1e-10     /* P values, absolute */

/* tol: relative agreement of coefficients, variances and what derives from
** them.  In the separated data the information is ~3e-9, the difference of
** two nearly equal risk-set moments, so it carries only ~7 correct digits in
** any program: R's own right-censored and start-stop fits of the same data
** differ by 2e-7 in the variance and 1e-9 in the infinite coefficient. */
static const struct {
    const char *name;
    double tol_var;
} cases[] = {
    {"lung_efron", TOL_COEF}, {"lung_breslow", TOL_COEF},
    {"lung_exact", TOL_COEF}, {"lungstrat_efron", TOL_COEF},
    {"lungstrat_breslow", TOL_COEF}, {"lungstrat_exact", TOL_COEF},
    {"lung_iter2", TOL_COEF}, {"lung_robust", TOL_COEF},
    {"veteran_efron", TOL_COEF}, {"veteran_breslow", TOL_COEF},
    {"veteran_exact", TOL_COEF}, {"ovarian_efron", TOL_COEF},
    {"heart_efron", TOL_COEF}, {"heart_breslow", TOL_COEF},
    {"heart_cluster", TOL_COEF}, {"heart_iter2", TOL_COEF},
    {"freireich_efron", TOL_COEF}, {"freireich_breslow", TOL_COEF},
    {"freireich_exact", TOL_COEF}, {"gen_ties_efron", TOL_COEF},
    {"gen_ties_breslow", TOL_COEF}, {"gen_ties_exact", TOL_COEF},
    {"gen_strata", TOL_COEF}, {"gen_weights", TOL_COEF},
    {"gen_intweights", TOL_COEF}, {"gen_intweights_breslow", TOL_COEF},
    {"gen_cluster", TOL_COEF}, {"gen_offset", TOL_COEF},
    {"gen_all", TOL_COEF}, {"gen_init", TOL_COEF},
    {"gen_exact_strata_offset", TOL_COEF}, {"cp_efron", TOL_COEF},
    {"cp_all", TOL_COEF}, {"separated", 1e-6}, {"separated_cp", 1e-6},
    {"collinear", TOL_COEF}, {"bigties_efron", TOL_COEF},
    {"bigties_exact", TOL_COEF}, {"timefix_on", TOL_COEF},
    {"timefix_off", TOL_COEF},
};

static const double *get(golden *g, const char *c, const char *what, size_t *n)
{
    char key[128];
    snprintf(key, sizeof key, "%s_%s", c, what);
    return golden_get(g, key, n);
}

static const double *get_opt(golden *g, const char *c, const char *what,
                             size_t *n)
{
    char key[128];
    snprintf(key, sizeof key, "%s_%s", c, what);
    if (!golden_has(g, key)) {
        *n = 0;
        return NULL;
    }
    return golden_get(g, key, n);
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

/* Compare a vector; NaN (R's NA) must match NaN. */
static void check_vec(const char *c, const char *what, const double *got,
                      const double *want, size_t m, double tol, int relative)
{
    size_t i;
    for (i = 0; i < m; i++) {
        char label[160];
        snprintf(label, sizeof label, "%s %s[%zu]", c, what, i);
        if (relative)
            harness_rel(got[i], want[i], tol, label, __FILE__, __LINE__);
        else
            harness_close(got[i], want[i], tol, label, __FILE__, __LINE__);
    }
}

static void run_case(golden *g, const char *c, double tv)
{
    size_t n, p, m, i, k;
    const double *nv, *pv, *x, *time, *status, *start, *w, *off, *st, *cl;
    const double *opts, *init, *v;
    int32_t *strata = NULL, *cluster = NULL;
    onc_cox_data d;
    onc_cox_options o;
    onc_cox_fit *fit = NULL;
    onc_error err;
    onc_status s;
    double ref[8];

    nv = get(g, c, "n", &m);
    pv = get(g, c, "p", &m);
    if (nv == NULL || pv == NULL)
        return;
    n = (size_t)nv[0];
    p = (size_t)pv[0];
    x = get(g, c, "x", &m);
    CHECK(m == n * p);
    time = get(g, c, "time", &m);
    status = get(g, c, "status", &m);
    start = get_opt(g, c, "start", &m);
    w = get_opt(g, c, "weights", &m);
    off = get_opt(g, c, "offset", &m);
    st = get_opt(g, c, "strata", &m);
    cl = get_opt(g, c, "cluster", &m);
    init = get_opt(g, c, "init", &m);
    opts = get(g, c, "opts", &m);
    strata = to_int(st, n);
    cluster = to_int(cl, n);

    memset(&d, 0, sizeof d);
    d.n = n;
    d.p = p;
    d.x = x;
    d.start = start;
    d.stop = time;
    d.status = status;
    d.weights = w;
    d.offset = off;
    d.strata = strata;
    d.cluster = cluster;
    onc_cox_options_init(&o);
    o.ties = (onc_cox_ties)(int)opts[0];
    o.robust = (onc_cox_robust)(int)opts[1];
    o.max_iter = (int)opts[2];
    o.timefix = (int)opts[3];
    o.init = init;

    s = onc_cox_fit_model(&d, &o, &fit, &err);
    CHECK(s == ONC_OK);
    if (s != ONC_OK) {
        fprintf(stderr, "%s: %s\n", c, err.message);
        goto done;
    }
    CHECK(fit->n == n && fit->p == p);

    v = get(g, c, "coef", &m);
    check_vec(c, "coef", fit->coef, v, p, tv, 1);
    v = get(g, c, "naive_var", &m);
    check_vec(c, "var", fit->var, v, p * p, tv, 0);
    if (fit->robust_var) {
        v = get(g, c, "var", &m);
        check_vec(c, "robust_var", fit->robust_var, v, p * p, tv, 0);
    }
    CHECK((fit->robust_var != NULL) ==
          (get_opt(g, c, "robust_se", &m) != NULL));
    v = get(g, c, "loglik", &m);
    check_vec(c, "loglik", fit->loglik, v, 2, TOL_COEF, 1);
    v = get(g, c, "iter", &m);
    CHECK(fit->iterations == (int)v[0]);
    v = get(g, c, "converged", &m);
    CHECK(fit->converged == (int)v[0]);
    v = get(g, c, "infinite", &m);
    for (k = 0; k < p; k++)
        CHECK(fit->infinite[k] == (int)v[k]);
    {
        int any = 0;
        for (k = 0; k < p; k++)
            any |= (int)v[k];
        CHECK(fit->monotone == any);
    }
    v = get(g, c, "means", &m);
    check_vec(c, "means", fit->means, v, p, 1e-12, 0);
    v = get(g, c, "lp", &m);
    CHECK(m == n);
    check_vec(c, "lp", fit->linear_predictor, v, n, 1e-8, 0);

    v = get(g, c, "score", &m);
    ref[0] = fit->score_stat;
    ref[1] = fit->score_p;
    check_vec(c, "score_test", ref, v, 1, TOL_TEST, 1);
    check_vec(c, "score_p", ref + 1, v + 1, 1, TOL_P, 0);
    v = get(g, c, "wald", &m);
    ref[0] = fit->wald_stat;
    ref[1] = fit->wald_p;
    check_vec(c, "wald_test", ref, v, 1, tv, 1);
    check_vec(c, "wald_p", ref + 1, v + 1, 1, TOL_P, 0);
    v = get(g, c, "lr", &m);
    ref[0] = fit->lr_stat;
    ref[1] = fit->df;
    ref[2] = fit->lr_p;
    check_vec(c, "lr_test", ref, v, 2, TOL_TEST, 1);
    check_vec(c, "lr_p", ref + 2, v + 2, 1, TOL_P, 0);
    v = get(g, c, "rsq", &m);
    ref[0] = fit->rsq;
    ref[1] = fit->max_rsq;
    check_vec(c, "rsq", ref, v, 2, TOL_TEST, 1);
    v = get_opt(g, c, "rscore", &m);
    CHECK((v != NULL) == (fit->robust != 0));
    if (v != NULL) {
        ref[0] = fit->robust_score_stat;
        ref[1] = fit->robust_score_p;
        check_vec(c, "robust_score", ref, v, 1, TOL_TEST, 1);
        check_vec(c, "robust_score_p", ref + 1, v + 2, 1, TOL_P, 0);
    }

    v = get(g, c, "se", &m);
    check_vec(c, "se", fit->se, v, p, tv, 1);
    v = get_opt(g, c, "robust_se", &m);
    if (v != NULL)
        check_vec(c, "robust_se", fit->robust_se, v, p, tv, 1);
    v = get(g, c, "z", &m);
    check_vec(c, "z", fit->z, v, p, tv, 1);
    v = get(g, c, "pval", &m);
    /* ill-conditioned cases: P inherits the looser tolerance of z */
    check_vec(c, "pval", fit->p_value, v, p, tv > TOL_COEF ? tv : TOL_P, 0);
    v = get(g, c, "lower", &m);
    check_vec(c, "lower", fit->lower, v, p, tv, 1);
    v = get(g, c, "upper", &m);
    check_vec(c, "upper", fit->upper, v, p, tv, 1);
    for (k = 0; k < p; k++)
        if (!isnan(fit->coef[k]))
            CHECK_REL(fit->hr[k], exp(fit->coef[k]), 1e-15);

    v = get(g, c, "conc", &m);
    ref[0] = fit->concordant;
    ref[1] = fit->discordant;
    ref[2] = fit->tied_x;
    ref[3] = fit->tied_y;
    ref[4] = fit->tied_xy;
    ref[5] = fit->concordance;
    ref[6] = fit->concordance_se;
    check_vec(c, "concordance", ref, v, 7, 1e-10, 1);

    {
        size_t ne = 0;
        double we = 0;
        for (i = 0; i < n; i++)
            if (status[i] == 1) {
                ne++;
                we += w ? w[i] : 1;
            }
        CHECK(fit->n_events == ne);
        CHECK_REL(fit->weighted_events, we, 1e-12);
    }
done:
    onc_cox_fit_free(fit);
    free(strata);
    free(cluster);
}

/* Textbook values: Freireich 6-MP trial, hazard ratio placebo vs 6-MP
** (Kleinbaum and Klein, Survival Analysis, 3rd ed., ch. 4: 4.52 Breslow,
** 4.82 Efron, rounded to two decimals). */
static void check_textbook(golden *g)
{
    static const struct { const char *name; double hr; } tb[] = {
        {"freireich_breslow", 4.52},
        {"freireich_efron", 4.82},
    };
    size_t t;
    for (t = 0; t < sizeof tb / sizeof tb[0]; t++) {
        size_t m;
        const double *coef = get(g, tb[t].name, "coef", &m);
        if (coef != NULL)
            CHECK(fabs(exp(coef[0]) - tb[t].hr) < 0.005);
    }
}

/* Input errors are reported, with the row, and never crash. */
static void check_errors(void)
{
    double x[4] = {1, 2, 3, 4}, t[4] = {1, 2, 3, 4}, s[4] = {1, 0, 1, 1};
    double w[4] = {1, 1, -1, 1}, st[4] = {0, 0, 5, 0};
    onc_cox_data d;
    onc_cox_fit *fit = NULL;
    onc_error err;
    onc_cox_options o;

    memset(&d, 0, sizeof d);
    d.n = 4;
    d.p = 1;
    d.x = x;
    d.stop = t;
    d.status = s;
    CHECK(onc_cox_fit_model(&d, NULL, &fit, &err) == ONC_OK);
    onc_cox_fit_free(fit);
    fit = NULL;

    d.weights = w;
    CHECK(onc_cox_fit_model(&d, NULL, &fit, &err) == ONC_ERR_DATA);
    CHECK(fit == NULL && err.row == 3);
    d.weights = NULL;

    d.start = st;
    CHECK(onc_cox_fit_model(&d, NULL, &fit, &err) == ONC_ERR_DATA);
    CHECK(err.row == 3);
    d.start = NULL;

    x[1] = NAN;
    CHECK(onc_cox_fit_model(&d, NULL, &fit, &err) == ONC_ERR_DATA);
    CHECK(err.row == 2);
    x[1] = 2;

    s[0] = s[2] = s[3] = 0;
    CHECK(onc_cox_fit_model(&d, NULL, &fit, &err) == ONC_ERR_DATA);
    s[0] = s[2] = s[3] = 1;

    s[1] = 2;
    CHECK(onc_cox_fit_model(&d, NULL, &fit, &err) == ONC_ERR_DATA);
    s[1] = 0;

    onc_cox_options_init(&o);
    o.ties = ONC_TIES_EXACT;
    w[2] = 2;
    d.weights = w;
    CHECK(onc_cox_fit_model(&d, &o, &fit, &err) == ONC_ERR_UNSUPPORTED);
    d.weights = NULL;
    o.conf_level = 1.5;
    CHECK(onc_cox_fit_model(&d, &o, &fit, &err) == ONC_ERR_USAGE);
    CHECK(onc_cox_fit_model(NULL, NULL, &fit, &err) == ONC_ERR_USAGE);
    CHECK(onc_cox_fit_model(&d, NULL, NULL, &err) == ONC_ERR_USAGE);
    onc_cox_fit_free(NULL);
}

/* Models without covariates: the log partial likelihood only (R coxph with
** ~ 1); data from the full cases. */
static void check_null(golden *g)
{
    static const struct {
        const char *ref, *data;
        onc_cox_ties ties;
        int strata;
    } nulls[] = {
        {"null_lung_loglik", "lung_efron", ONC_TIES_EFRON, 0},
        {"null_lungstrat_loglik", "lungstrat_breslow", ONC_TIES_BRESLOW, 1},
        {"null_heart_loglik", "heart_efron", ONC_TIES_EFRON, 0},
    };
    size_t t, m, n;
    for (t = 0; t < sizeof nulls / sizeof nulls[0]; t++) {
        const char *c = nulls[t].data;
        size_t nw;
        const double *want = golden_get(g, nulls[t].ref, &nw);
        onc_cox_data d;
        onc_cox_options o;
        onc_cox_fit *fit = NULL;
        onc_error err;
        int32_t *strata = NULL;

        memset(&d, 0, sizeof d);
        n = (size_t)get(g, c, "n", &m)[0];
        d.n = n;
        d.p = 0;
        d.stop = get(g, c, "time", &m);
        d.status = get(g, c, "status", &m);
        d.start = get_opt(g, c, "start", &m);
        if (nulls[t].strata)
            d.strata = strata = to_int(get(g, c, "strata", &m), n);
        onc_cox_options_init(&o);
        o.ties = nulls[t].ties;
        CHECK(onc_cox_fit_model(&d, &o, &fit, &err) == ONC_OK);
        CHECK(nw == 1); /* R stores one value for a null model */
        if (fit != NULL && nw == 1) {
            CHECK_REL(fit->loglik[0], want[0], 1e-12);
            CHECK_REL(fit->loglik[1], want[0], 1e-12);
            CHECK(fit->df == 0 && fit->lr_stat == 0 && fit->iterations == 0);
            CHECK_REL(fit->concordance, 0.5, 1e-15);
        }
        onc_cox_fit_free(fit);
        free(strata);
    }
}

/*
** Large data from the formula of tests/golden/stats/cox_fit.R (n = 80000,
** heavy ties): the fit splits them between two threads.  Checked with one
** and with two threads, which must agree exactly.
*/
static void check_big(golden *g)
{
    enum { NB = 80000 };
    static const struct {
        const char *name;
        onc_cox_ties ties;
        int strata_weights;
    } bigs[] = {
        {"bigf_efron", ONC_TIES_EFRON, 0},
        {"bigf_breslow", ONC_TIES_BRESLOW, 0},
        {"bigf_strata_weights", ONC_TIES_EFRON, 1},
    };
    double *x = malloc(3 * NB * sizeof *x), *t = malloc(NB * sizeof *t);
    double *s = malloc(NB * sizeof *s), *w = malloc(NB * sizeof *w);
    int32_t *grp = malloc(NB * sizeof *grp);
    size_t b, j, k, m;
    uint64_t i;

    for (i = 0; i < NB; i++) {
        x[i] = (double)((i * 7919) % 1000) / 100 - 5;
        x[NB + i] = (double)(i % 2);
        x[2 * NB + i] = (double)((i * 104729) % 97) / 10;
        grp[i] = (int32_t)(i % 5);
        w[i] = 1 + (double)(i % 3) / 2;
        t[i] = floor(((double)((i * 31337) % 997) + 300 * x[NB + i] +
                      3 * (double)((i * 7919) % 1000) / 10) / 7) + 1;
        s[i] = ((i * 13) % 10) < 7;
    }
    for (b = 0; b < sizeof bigs / sizeof bigs[0]; b++) {
        const char *c = bigs[b].name;
        onc_cox_data d;
        onc_cox_options o;
        onc_cox_fit *f1 = NULL, *f2 = NULL;
        onc_error err;
        const double *want;

        memset(&d, 0, sizeof d);
        d.n = NB;
        d.p = 3;
        d.x = x;
        d.stop = t;
        d.status = s;
        if (bigs[b].strata_weights) {
            d.strata = grp;
            d.weights = w;
        }
        onc_cox_options_init(&o);
        o.ties = bigs[b].ties;
        o.robust = ONC_ROBUST_OFF;
        CHECK(cox_fit_model_threads(&d, &o, 1, &f1, &err) == ONC_OK);
        CHECK(cox_fit_model_threads(&d, &o, 2, &f2, &err) == ONC_OK);
        if (f1 == NULL || f2 == NULL) {
            onc_cox_fit_free(f1);
            onc_cox_fit_free(f2);
            continue;
        }
        want = get(g, c, "coef", &m);
        for (j = 0; j < 3 && want != NULL; j++)
            CHECK_REL(f1->coef[j], want[j], TOL_COEF);
        want = get(g, c, "var", &m);
        for (k = 0; k < 9 && want != NULL; k++)
            CHECK_REL(f1->var[k], want[k], TOL_COEF);
        want = get(g, c, "loglik", &m);
        if (want != NULL) {
            CHECK_REL(f1->loglik[0], want[0], TOL_COEF);
            CHECK_REL(f1->loglik[1], want[1], TOL_COEF);
        }
        want = get(g, c, "score", &m);
        if (want != NULL)
            CHECK_REL(f1->score_stat, want[0], TOL_TEST);
        want = get(g, c, "iter", &m);
        if (want != NULL)
            CHECK(f1->iterations == (int)want[0]);
        want = get(g, c, "conc", &m);
        if (want != NULL) {
            CHECK_REL(f1->concordance, want[0], 1e-12);
            CHECK_REL(f1->concordance_se, want[1], 1e-10);
        }
        /* the thread count changes nothing */
        for (j = 0; j < 3; j++)
            CHECK(f1->coef[j] == f2->coef[j]);
        for (k = 0; k < 9; k++)
            CHECK(f1->var[k] == f2->var[k]);
        CHECK(f1->loglik[1] == f2->loglik[1]);
        CHECK(f1->concordance == f2->concordance && f1->concordance_se == f2->concordance_se);
        onc_cox_fit_free(f1);
        onc_cox_fit_free(f2);
    }
    free(x);
    free(t);
    free(s);
    free(w);
    free(grp);
}

int main(void)
{
    golden *g;
    size_t i;

    harness_set_name("test_cox_fit");
    g = golden_load(GOLDEN);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(g, cases[i].name, cases[i].tol_var);
    check_textbook(g);
    check_null(g);
    check_big(g);
    check_errors();
    golden_free(g);
    return harness_finish();
}
