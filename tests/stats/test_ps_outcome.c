/*
** test_ps_outcome.c -- the propensity design and the weighted outcome
** analyses, end to end from covariates.
**
** Reference: tests/golden/stats/ps_outcome.txt, written by ps_outcome.R
** with R survival 3.5-3 (coxph with weights and robust = TRUE or
** cluster = subclass, its robust score test, survfit with weights and
** robust = TRUE, weighted observed/expected events by their definition),
** the propensity scores of glm(binomial) converged to 1e-14 and of the
** multinomial maximum, and MatchIt 4.5's nearest-neighbour matching as
** corrected in ps_nearest.R.  The cohort is that of ps_cohort.R.
**
** Tolerances: the weights come from our own propensity fit, so every
** number downstream inherits its distance from R's converged fit.  Observed
** agreement is 1e-12 relative for two arms and 1e-11 for three (the
** multinomial Newton fit against the polished maximum); the checks use
** 1e-10 and 1e-9 to leave room for other compilers and optimisation.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/ps_outcome.h"

#define COHORT "tests/golden/stats/ps_cohort.txt"
#define GOLDEN "tests/golden/stats/ps_outcome.txt"
#define N_COHORT 300
#define N_TIMES 3

typedef struct cohort {
    double x[N_COHORT * 6];     /* age sex ecog1 ecog2 kit_exon9 extrahepatic */
    int arm2[N_COHORT], arm3[N_COHORT];
} cohort;

static int load_cohort(golden *c, cohort *co)
{
    size_t n, i, k;
    const double *age = golden_get(c, "age", &n), *sex = golden_get(c, "sex", &k);
    const double *ecog = golden_get(c, "ecog", &k), *kit = golden_get(c, "kit_exon9", &k);
    const double *extra = golden_get(c, "extrahepatic", &k);
    const double *a2 = golden_get(c, "arm2", &k), *a3 = golden_get(c, "arm3", &k);

    if (age == NULL || sex == NULL || ecog == NULL || kit == NULL || extra == NULL ||
        a2 == NULL || a3 == NULL || n != N_COHORT)
        return -1;
    for (i = 0; i < n; i++) {
        co->x[0 * n + i] = age[i];
        co->x[1 * n + i] = sex[i];
        co->x[2 * n + i] = ecog[i] == 1.0;
        co->x[3 * n + i] = ecog[i] == 2.0;
        co->x[4 * n + i] = kit[i];
        co->x[5 * n + i] = extra[i];
        co->arm2[i] = (int)a2[i];
        co->arm3[i] = (int)a3[i];
    }
    return 0;
}

/* Compare count values of the golden key prefix_suffix. */
static void check_key(golden *g, const char *prefix, const char *suffix,
                      const double *got, size_t count, double tol)
{
    char key[96];
    size_t n = 0, i;
    const double *want;

    snprintf(key, sizeof key, "%s_%s", prefix, suffix);
    want = golden_get(g, key, &n);
    if (want == NULL)
        return;
    CHECK(n == count);
    for (i = 0; i < n && i < count; i++) {
        if (fabs(want[i]) < 1e-300 || isnan(want[i]))
            CHECK_CLOSE(got[i], want[i], tol);
        else
            CHECK_REL(got[i], want[i], tol);
    }
}

struct outcome_case {
    const char *prefix;
    onc_ps_method method;
    onc_ps_estimand estimand;
    int three_arms;
    double tol;
};

static const struct outcome_case cases[] = {
    {"iptw", ONC_PS_METHOD_IPTW, ONC_PS_ATE, 0, 1e-10},
    {"att", ONC_PS_METHOD_IPTW, ONC_PS_ATT, 0, 1e-10},
    {"overlap", ONC_PS_METHOD_OVERLAP, ONC_PS_ATE, 0, 1e-10},
    {"match", ONC_PS_METHOD_MATCH, ONC_PS_ATT, 0, 1e-10},
    {"iptw3", ONC_PS_METHOD_IPTW, ONC_PS_ATE, 1, 1e-9},
};

static void run_case(golden *g, const cohort *co, const struct outcome_case *oc)
{
    size_t n = N_COHORT, k = oc->three_arms ? 3 : 2, nt = 0, kk, i, a, t, c;
    const double *time = golden_get(g, oc->three_arms ? "time3" : "time", &kk);
    const double *status = golden_get(g, oc->three_arms ? "status3" : "status", &kk);
    const double *times = golden_get(g, "kmtimes", &nt);
    const int *arm = oc->three_arms ? co->arm3 : co->arm2;
    onc_ps_design_options dopt;
    onc_ps_outcome_options oopt;
    onc_ps_design *design = NULL;
    onc_ps_outcome *res = NULL;
    onc_error err;
    double buf[3 * N_TIMES * 3];

    if (time == NULL || status == NULL || times == NULL || nt != N_TIMES)
        return;
    onc_ps_design_options_init(&dopt);
    dopt.method = oc->method;
    dopt.weight.estimand = oc->estimand;
    dopt.match.caliper = 0.2;
    onc_ps_outcome_options_init(&oopt);
    oopt.times = times;
    oopt.n_times = nt;
    CHECK(onc_ps_design_build(co->x, n, 6, arm, k, &dopt, &design, &err) == ONC_OK);
    if (design == NULL) {
        fprintf(stderr, "%s: %s\n", oc->prefix, err.message);
        return;
    }
    check_key(g, oc->prefix, "weights", design->weight, n, oc->tol);
    if (!oc->three_arms) {
        /* The reference is the information at the maximum; summary.glm's
        ** z values differ from it by up to 2e-8 (see ps_outcome.R). */
        CHECK(design->n_coef == 7);
        check_key(g, "ps", "z", design->coef_z, 7, oc->tol);
        check_key(g, "ps", "p", design->coef_p, 7, oc->tol);
    }
    if (oc->method == ONC_PS_METHOD_MATCH) {
        size_t ns = 0;
        const double *sub = golden_get(g, "match_subclass", &ns);

        CHECK(design->subclass != NULL && ns == n);
        if (design->subclass != NULL && sub != NULL)
            for (i = 0; i < n && i < ns; i++)
                CHECK(isnan(sub[i]) ? design->subclass[i] == -1
                                    : (double)design->subclass[i] == sub[i]);
    }
    CHECK(onc_ps_outcome_fit(design, arm, time, status, &oopt, &res, &err) == ONC_OK);
    if (res == NULL) {
        fprintf(stderr, "%s: %s\n", oc->prefix, err.message);
        onc_ps_design_free(design);
        return;
    }
    CHECK(res->clustered == (oc->method == ONC_PS_METHOD_MATCH));
    CHECK(res->cox->robust == 1);
    check_key(g, oc->prefix, "cox_coef", res->cox->coef, k - 1, oc->tol);
    check_key(g, oc->prefix, "cox_se", res->cox->se, k - 1, oc->tol);
    check_key(g, oc->prefix, "cox_robust_se", res->cox->robust_se, k - 1, oc->tol);
    check_key(g, oc->prefix, "cox_lower", res->cox->lower, k - 1, oc->tol);
    check_key(g, oc->prefix, "cox_upper", res->cox->upper, k - 1, oc->tol);
    check_key(g, oc->prefix, "cox_p", res->cox->p_value, k - 1, oc->tol);
    check_key(g, oc->prefix, "cox_loglik", res->cox->loglik, 2, oc->tol);
    buf[0] = res->score_chisq;
    buf[1] = res->score_df;
    buf[2] = res->score_p;
    check_key(g, oc->prefix, "score", buf, 3, oc->tol);
    check_key(g, oc->prefix, "lr_chisq", &res->logrank->chisq, 1, oc->tol);
    check_key(g, oc->prefix, "lr_obs", res->logrank->observed, k, oc->tol);
    check_key(g, oc->prefix, "lr_exp", res->logrank->expected, k, oc->tol);
    /* summary.survfit lists arm by arm, time by time. */
    {
        static const char *const keys[] = {"km_n_risk", "km_surv", "km_se",
                                           "km_lower", "km_upper"};

        for (c = 0; c < 5; c++) {
            for (a = 0; a < k; a++)
                for (t = 0; t < nt; t++) {
                    const onc_km_at_time *at = &res->km->curves[a].at_times[t];
                    double v[5];

                    v[0] = at->n_risk;
                    v[1] = at->surv;
                    v[2] = at->std_err;
                    v[3] = at->lower;
                    v[4] = at->upper;
                    buf[a * nt + t] = v[c];
                }
            check_key(g, oc->prefix, keys[c], buf, k * nt, oc->tol);
        }
    }
    onc_ps_outcome_free(res);
    onc_ps_design_free(design);
}

/* The per-arm weight summary against a direct computation. */
static void test_arm_summary(const cohort *co)
{
    onc_ps_design *d = NULL;
    size_t a, i;

    CHECK(onc_ps_design_build(co->x, N_COHORT, 6, co->arm3, 3, NULL, &d, NULL) == ONC_OK);
    if (d == NULL)
        return;
    for (a = 0; a < 3; a++) {
        double s = 0, s2 = 0, mn = INFINITY, mx = 0;
        size_t cnt = 0;

        for (i = 0; i < N_COHORT; i++) {
            if (co->arm3[i] != (int)a)
                continue;
            s += d->weight[i];
            s2 += d->weight[i] * d->weight[i];
            mn = fmin(mn, d->weight[i]);
            mx = fmax(mx, d->weight[i]);
            cnt++;
        }
        CHECK(d->arms[a].n == cnt && d->arms[a].n_weighted == cnt);
        CHECK_REL(d->arms[a].sum, s, 1e-13);
        CHECK_REL(d->arms[a].ess, s * s / s2, 1e-13);
        CHECK_REL(d->arms[a].ess, d->weights->ess[a], 1e-13);
        CHECK(d->arms[a].min == mn && d->arms[a].max == mx);
        CHECK_REL(d->arms[a].mean, s / (double)cnt, 1e-13);
    }
    CHECK(d->n_used == N_COHORT && d->subclass == NULL);
    onc_ps_design_free(d);
}

static void test_errors(const cohort *co)
{
    onc_ps_design_options dopt;
    onc_ps_design *d = NULL;
    onc_ps_outcome *res = NULL;
    double time[N_COHORT], status[N_COHORT];
    size_t i;
    onc_error err;

    onc_ps_design_options_init(&dopt);
    dopt.method = ONC_PS_METHOD_MATCH;
    CHECK(onc_ps_design_build(co->x, N_COHORT, 6, co->arm3, 3, &dopt, &d, &err) ==
          ONC_ERR_USAGE);
    CHECK(d == NULL);
    CHECK(onc_ps_design_build(co->x, N_COHORT, 6, co->arm2, 2, NULL, &d, &err) == ONC_OK);
    if (d == NULL)
        return;
    for (i = 0; i < N_COHORT; i++) {
        time[i] = 10.0 + (double)i;
        status[i] = 0.0;
    }
    /* No event at all: nothing to compare. */
    CHECK(onc_ps_outcome_fit(d, co->arm2, time, status, NULL, &res, &err) ==
          ONC_ERR_COMPUTE);
    status[7] = 1.0;
    time[41] = NAN;
    CHECK(onc_ps_outcome_fit(d, co->arm2, time, status, NULL, &res, &err) ==
          ONC_ERR_DATA);
    CHECK(err.row == 42 && res == NULL);
    time[41] = 3.0;
    status[99] = 2.0;
    CHECK(onc_ps_outcome_fit(d, co->arm2, time, status, NULL, &res, &err) ==
          ONC_ERR_DATA);
    CHECK(err.row == 100);
    onc_ps_design_free(d);
    onc_ps_design_free(NULL);
    onc_ps_outcome_free(NULL);
}

int main(void)
{
    golden *c = golden_load(COHORT);
    golden *g = golden_load(GOLDEN);
    static cohort co;
    size_t i;

    harness_set_name("test_ps_outcome");
    if (load_cohort(c, &co) == 0) {
        for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
            run_case(g, &co, &cases[i]);
        test_arm_summary(&co);
        test_errors(&co);
    } else {
        CHECK(!"cohort loaded");
    }
    golden_free(g);
    golden_free(c);
    return harness_finish();
}
