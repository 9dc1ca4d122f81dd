/*
** test_rmst.c -- restricted mean survival time per group, the tau rules,
** and the survRM2 difference and ratio.
**
** Reference: R survival 3.5-3 print.survfit(rmean = ...) (survmean) and
** survRM2's rmst1/rmst2 formulas written out in
** tests/golden/stats/km_rmst.R (survRM2 is not installed; the script checks
** that its per-arm values equal print.survfit's), output km_rmst.txt.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/km.h"

#define GOLDEN "tests/golden/stats/km_rmst.txt"
#define TOL 1e-8

static golden *G;

static const char *const cases[] = {
    "lung_sex", "lung_all", "veteran_trt", "ovarian_rx", "aml_x",
    "freireich", "ties", "heavy_censoring", "weights", "entry",
    "one_event", "no_event", "flat_end", "midpoint", "all_die",
};

static const double *gkey(size_t *n, const char *fmt, ...)
{
    char key[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(key, sizeof key, fmt, ap);
    va_end(ap);
    return golden_get(G, key, n);
}

static int gkey_has(const char *name, const char *field)
{
    char key[256];

    snprintf(key, sizeof key, "%s.%s", name, field);
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

typedef struct rmst_data {
    size_t n, n_groups;
    const double *time, *status, *entry, *weight;
    int32_t *group;
} rmst_data;

static int load(const char *name, rmst_data *d)
{
    size_t k, i;
    const double *g, *ng;

    memset(d, 0, sizeof *d);
    d->time = gkey(&d->n, "%s.time", name);
    d->status = gkey(&k, "%s.status", name);
    g = gkey(&k, "%s.group", name);
    ng = gkey(&k, "%s.ngroups", name);
    if (d->time == NULL || d->status == NULL || g == NULL || ng == NULL)
        return -1;
    if (gkey_has(name, "entry"))
        d->entry = gkey(&k, "%s.entry", name);
    if (gkey_has(name, "weight"))
        d->weight = gkey(&k, "%s.weight", name);
    d->n_groups = (size_t)ng[0];
    d->group = malloc(d->n * sizeof *d->group);
    for (i = 0; i < d->n; i++)
        d->group[i] = (int32_t)g[i];
    return 0;
}

static onc_km_fit *fit_with(const rmst_data *d, onc_rmst_tau_rule rule,
                            double tau)
{
    onc_km_options opt;
    onc_km_fit *fit = NULL;
    onc_error err;

    onc_km_options_init(&opt);
    opt.rmst_rule = rule;
    opt.rmst_tau = tau;
    if (onc_km_fit_groups(d->n, d->time, d->entry, d->status, d->weight,
                          d->group, d->n_groups, &opt, &fit, &err) != ONC_OK) {
        fprintf(stderr, "fit failed: %s\n", err.message);
        CHECK(0);
        return NULL;
    }
    return fit;
}

/* Per-group estimate, SE and CI, and the group 1 vs group 0 contrast. */
static void check_label(const char *name, const char *label,
                        const onc_km_fit *fit)
{
    size_t g, nw;
    char what[200];

    for (g = 0; g < fit->n_groups; g++) {
        const onc_rmst *r = &fit->curves[g].rmst;
        double got[4] = {r->estimate, r->se, r->lower, r->upper};
        const double *want = gkey(&nw, "%s.%s.g%zu", name, label, g);

        snprintf(what, sizeof what, "%s.%s.g%zu", name, label, g);
        if (want != NULL)
            check_values(what, got, 4, want, nw);
    }
    if (fit->n_groups >= 2) {
        onc_rmst_comparison c;
        const double *want = gkey(&nw, "%s.%s.contrast", name, label);

        CHECK(onc_rmst_compare(&fit->curves[1].rmst, &fit->curves[0].rmst,
                               0.95, &c, NULL) == ONC_OK);
        {
            double got[10] = {c.diff, c.diff_se, c.diff_lower, c.diff_upper,
                              c.diff_p, c.ratio, c.log_ratio_se,
                              c.ratio_lower, c.ratio_upper, c.ratio_p};
            snprintf(what, sizeof what, "%s.%s.contrast", name, label);
            if (want != NULL)
                check_values(what, got, 10, want, nw);
        }
    }
}

static void check_case(const char *name)
{
    rmst_data d;
    size_t n_taus, nw, k, g;
    const double *taus, *tau_mm, *want;
    onc_km_fit *fit;
    char label[32];

    if (load(name, &d) != 0)
        return;
    taus = gkey(&n_taus, "%s.taus", name);
    for (k = 0; taus != NULL && k < n_taus; k++) {
        fit = fit_with(&d, ONC_RMST_TAU_GIVEN, taus[k]);
        if (fit == NULL)
            continue;
        CHECK(fit->rmst_rule == ONC_RMST_TAU_GIVEN);
        CHECK_REL(fit->rmst_tau, taus[k], 0);
        snprintf(label, sizeof label, "tau%zu", k + 1);
        check_label(name, label, fit);
        onc_km_fit_free(fit);
    }

    /* The default rule is survRM2's: the smallest of the largest times. */
    fit = fit_with(&d, ONC_RMST_TAU_MIN_OF_MAX, NAN);
    tau_mm = gkey(&nw, "%s.tau_min_of_max", name);
    if (fit != NULL && tau_mm != NULL) {
        CHECK_REL(fit->rmst_tau, tau_mm[0], 0);
        check_label(name, "min_of_max", fit);
    }
    onc_km_fit_free(fit);

    /* R print.survfit(rmean = "common"). */
    fit = fit_with(&d, ONC_RMST_TAU_MAX, NAN);
    want = gkey(&nw, "%s.common.tau", name);
    if (fit != NULL && want != NULL) {
        const double *est = gkey(&nw, "%s.common.est", name);
        const double *se = gkey(&nw, "%s.common.se", name);

        CHECK_REL(fit->rmst_tau, want[0], 0);
        for (g = 0; est != NULL && se != NULL && g < fit->n_groups && g < nw;
             g++) {
            CHECK_REL(fit->curves[g].rmst.estimate, est[g], TOL);
            CHECK_REL(fit->curves[g].rmst.se, se[g], TOL);
        }
    }
    onc_km_fit_free(fit);
    free(d.group);
}

/*
** By hand: times 1, 2, 3+, 4+ give S = 1 on [0,1), 0.75 on [1,2), 0.5
** from 2.  RMST(3.5) = 1 + 0.75 + 1.5 x 0.5 = 2.5.  Variance (Miller):
** A(1) = 0.75 + 0.75 = 1.5 with d/(n(n-d)) = 1/12, A(2) = 0.75 with 1/6:
** 2.25/12 + 0.5625/6 = 0.28125, SE = 0.530330.
*/
static void test_hand(void)
{
    static const double time[] = {1, 2, 3, 4}, status[] = {1, 1, 0, 0};
    onc_km_fit *fit = NULL;
    onc_rmst r;
    onc_error err;

    CHECK(onc_km_fit_groups(4, time, NULL, status, NULL, NULL, 1, NULL, &fit,
                            NULL) == ONC_OK);
    if (fit == NULL)
        return;
    CHECK(onc_rmst_estimate(&fit->curves[0], 3.5, 0.95, &r, NULL) == ONC_OK);
    CHECK_REL(r.estimate, 2.5, 1e-15);
    CHECK_REL(r.se, sqrt(0.28125), 1e-15);
    /* tau before the first time: the area of S = 1. */
    CHECK(onc_rmst_estimate(&fit->curves[0], 0.25, 0.95, &r, NULL) == ONC_OK);
    CHECK_REL(r.estimate, 0.25, 0);
    CHECK_REL(r.se, 0.0, 0);
    /* Beyond the last time the curve is extended flat (R's rule). */
    CHECK(onc_rmst_estimate(&fit->curves[0], 6, 0.95, &r, NULL) == ONC_OK);
    CHECK_REL(r.estimate, 1 + 0.75 + 4 * 0.5, 1e-15);
    CHECK(onc_rmst_estimate(&fit->curves[0], -1, 0.95, &r, &err) ==
          ONC_ERR_USAGE);
    CHECK(onc_rmst_estimate(&fit->curves[0], NAN, 0.95, &r, &err) ==
          ONC_ERR_USAGE);
    onc_km_fit_free(fit);
}

static void test_compare_guards(void)
{
    onc_rmst a = {10, 5, 1, 3, 7}, b = {10, 0, 0, 0, 0}, c = {12, 5, 1, 3, 7};
    onc_rmst_comparison out;

    CHECK(onc_rmst_compare(&a, &c, 0.95, &out, NULL) == ONC_ERR_USAGE);
    CHECK(onc_rmst_compare(&a, &b, 0.95, &out, NULL) == ONC_OK);
    CHECK_REL(out.diff, 5.0, 0);
    CHECK(isnan(out.ratio) && isnan(out.ratio_p));
    CHECK(onc_rmst_compare(&a, &a, 1.5, &out, NULL) == ONC_ERR_USAGE);
}

int main(void)
{
    size_t i;

    harness_set_name("test_rmst");
    G = golden_load(GOLDEN);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_case(cases[i]);
    test_hand();
    test_compare_guards();
    golden_free(G);
    return harness_finish();
}
