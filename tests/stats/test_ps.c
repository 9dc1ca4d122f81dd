/*
** test_ps.c -- propensity estimation, weights and positivity diagnostics.
**
** References:
**   tests/golden/stats/ps_weights.txt (ps_weights.R): propensity scores of
**   R's glm (two arms) and nnet::multinom (three arms) on the cohort of
**   ps_cohort.R, the weights computed from their definitions, effective
**   sample sizes, truncation bounds (quantile type 7) and positivity counts;
**   tests/golden/stats/ps_match.txt (ps_match.R): MatchIt's distance, the
**   logit of the propensity score.
** Weights are first computed from R's own propensity scores (agreement to
** rounding), then end to end from onc_ps_fit.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/ps.h"

#define COHORT "tests/golden/stats/ps_cohort.txt"
#define WEIGHTS "tests/golden/stats/ps_weights.txt"
#define MATCH "tests/golden/stats/ps_match.txt"

static const double *get(golden *g, const char *key, size_t want)
{
    size_t n = 0;
    const double *v = golden_get(g, key, &n);

    if (v != NULL && want != 0 && n != want) {
        fprintf(stderr, "golden key %s has %zu values, expected %zu\n", key, n, want);
        CHECK(n == want);
        return NULL;
    }
    return v;
}

static double *cohort_matrix(golden *c, size_t n)
{
    double *x = malloc(n * 6 * sizeof *x);
    const double *age = get(c, "age", n), *sex = get(c, "sex", n);
    const double *ecog = get(c, "ecog", n), *kit = get(c, "kit_exon9", n);
    const double *extra = get(c, "extrahepatic", n);
    size_t i;

    if (x == NULL || age == NULL || sex == NULL || ecog == NULL || kit == NULL ||
        extra == NULL) {
        free(x);
        return NULL;
    }
    for (i = 0; i < n; i++) {
        x[0 * n + i] = age[i];
        x[1 * n + i] = sex[i];
        x[2 * n + i] = ecog[i] == 1.0;
        x[3 * n + i] = ecog[i] == 2.0;
        x[4 * n + i] = kit[i];
        x[5 * n + i] = extra[i];
    }
    return x;
}

static int *arms_of(golden *c, const char *key, size_t n)
{
    const double *v = get(c, key, n);
    int *a = malloc(n * sizeof *a);
    size_t i;

    if (v == NULL || a == NULL) {
        free(a);
        return NULL;
    }
    for (i = 0; i < n; i++)
        a[i] = (int)v[i];
    return a;
}

/* Weight definitions of ps_weights.R; treated = -1 means "the design's". */
struct weight_case {
    const char *name;
    onc_ps_estimand estimand;
    int stabilize;
    double lower, upper;
};

static const struct weight_case weight_cases[] = {
    {"ate", ONC_PS_ATE, 0, 0.0, 1.0},
    {"att", ONC_PS_ATT, 0, 0.0, 1.0},
    {"ate_stab", ONC_PS_ATE, 1, 0.0, 1.0},
    {"overlap", ONC_PS_OVERLAP, 0, 0.0, 1.0},
    {"ate_trunc", ONC_PS_ATE, 0, 0.01, 0.99},
    {"ate_stab_trunc", ONC_PS_ATE, 1, 0.05, 0.95},
    {"att_trunc", ONC_PS_ATT, 0, 0.0, 0.95},
};

/* All weight sets of one design ("two" / "three") from propensities ps,
** compared with tolerance tol (relative). */
static void check_weight_sets(golden *g, const char *design, const double *ps,
                              size_t n, size_t k, const int *arm, int treated,
                              double tol)
{
    size_t c, i, a;
    char key[96];

    for (c = 0; c < sizeof weight_cases / sizeof weight_cases[0]; c++) {
        const struct weight_case *wc = &weight_cases[c];
        onc_ps_weight_options opt;
        onc_ps_weights *w = NULL;
        const double *ref, *ess;

        onc_ps_weight_options_init(&opt);
        opt.estimand = wc->estimand;
        opt.treated_arm = treated;
        opt.stabilize = wc->stabilize;
        opt.trim_lower = wc->lower;
        opt.trim_upper = wc->upper;
        CHECK(onc_ps_weight(ps, n, k, arm, &opt, &w, NULL) == ONC_OK);
        snprintf(key, sizeof key, "%s_%s", design, wc->name);
        ref = get(g, key, n);
        snprintf(key, sizeof key, "%s_%s_ess", design, wc->name);
        ess = get(g, key, k);
        if (w == NULL || ref == NULL || ess == NULL) {
            onc_ps_weights_free(w);
            continue;
        }
        for (i = 0; i < n; i++)
            CHECK_REL(w->weight[i], ref[i], tol);
        for (a = 0; a < k; a++)
            CHECK_REL(w->ess[a], ess[a], tol);
        if (strcmp(wc->name, "ate_trunc") == 0) {
            snprintf(key, sizeof key, "%s_ate_trunc_bounds", design);
            CHECK_REL(w->trim_low, get(g, key, 2)[0], tol);
            CHECK_REL(w->trim_high, get(g, key, 2)[1], tol);
            CHECK(w->n_trimmed_low > 0 && w->n_trimmed_high > 0);
        }
        if (wc->lower == 0.0 && wc->upper == 1.0)
            CHECK(isnan(w->trim_low) && w->n_trimmed_low + w->n_trimmed_high == 0);
        onc_ps_weights_free(w);
    }
}

static void check_positivity(golden *g, const char *design, const double *ps,
                             size_t n, size_t k, const int *arm)
{
    onc_ps_positivity *pos = NULL;
    char key[96];
    size_t a;
    const double *v;

    CHECK(onc_ps_check_positivity(ps, n, k, arm, ONC_PS_POSITIVITY_LOWER,
                                  ONC_PS_POSITIVITY_UPPER, &pos, NULL) == ONC_OK);
    if (pos == NULL)
        return;
    snprintf(key, sizeof key, "%s_n_below", design);
    for (a = 0, v = get(g, key, k); v != NULL && a < k; a++)
        CHECK(pos->n_below[a] == (size_t)v[a]);
    snprintf(key, sizeof key, "%s_n_above", design);
    for (a = 0, v = get(g, key, k); v != NULL && a < k; a++)
        CHECK(pos->n_above[a] == (size_t)v[a]);
    snprintf(key, sizeof key, "%s_range_min", design);
    for (a = 0, v = get(g, key, k * k); v != NULL && a < k * k; a++)
        CHECK(pos->range_min[a] == v[a]);
    snprintf(key, sizeof key, "%s_range_max", design);
    for (a = 0, v = get(g, key, k * k); v != NULL && a < k * k; a++)
        CHECK(pos->range_max[a] == v[a]);
    snprintf(key, sizeof key, "%s_support_lo", design);
    for (a = 0, v = get(g, key, k); v != NULL && a < k; a++)
        CHECK(pos->support_low[a] == v[a]);
    snprintf(key, sizeof key, "%s_support_hi", design);
    for (a = 0, v = get(g, key, k); v != NULL && a < k; a++)
        CHECK(pos->support_high[a] == v[a]);
    snprintf(key, sizeof key, "%s_n_outside", design);
    for (a = 0, v = get(g, key, k); v != NULL && a < k; a++)
        CHECK(pos->n_outside[a] == (size_t)v[a]);
    onc_ps_positivity_free(pos);

    /* Looser thresholds, where some patients are flagged. */
    CHECK(onc_ps_check_positivity(ps, n, k, arm, 0.05, 0.95, &pos, NULL) == ONC_OK);
    if (pos == NULL)
        return;
    snprintf(key, sizeof key, "%s_n_below_05", design);
    for (a = 0, v = get(g, key, k); v != NULL && a < k; a++)
        CHECK(pos->n_below[a] == (size_t)v[a]);
    snprintf(key, sizeof key, "%s_n_above_95", design);
    for (a = 0, v = get(g, key, k); v != NULL && a < k; a++)
        CHECK(pos->n_above[a] == (size_t)v[a]);
    onc_ps_positivity_free(pos);
}

static void test_two_arms(golden *c, golden *g, golden *m, size_t n)
{
    double *x = cohort_matrix(c, n);
    int *arm = arms_of(c, "arm2", n);
    const double *rps = get(g, "two_ps", 2 * n), *dist = get(m, "distance", n);
    onc_ps_model *model = NULL;
    size_t i;

    if (x == NULL || arm == NULL || rps == NULL || dist == NULL)
        goto done;
    /* From R's propensity scores: only the arithmetic differs. */
    check_weight_sets(g, "two", rps, n, 2, arm, 1, 1e-13);
    check_positivity(g, "two", rps, n, 2, arm);
    {
        onc_ps_weight_options opt;
        onc_ps_weights *w = NULL;
        const double *ref = get(g, "two_att0", n);

        onc_ps_weight_options_init(&opt);
        opt.estimand = ONC_PS_ATT;
        opt.treated_arm = 0;
        CHECK(onc_ps_weight(rps, n, 2, arm, &opt, &w, NULL) == ONC_OK);
        for (i = 0; w != NULL && ref != NULL && i < n; i++)
            CHECK_REL(w->weight[i], ref[i], 1e-13);
        onc_ps_weights_free(w);
    }

    /* End to end. */
    CHECK(onc_ps_fit(x, n, 6, arm, 2, NULL, NULL, &model, NULL) == ONC_OK);
    if (model == NULL)
        goto done;
    CHECK(model->converged && !model->separation && model->logistic != NULL &&
          model->multinom == NULL && model->logit != NULL);
    for (i = 0; i < 2 * n; i++)
        CHECK_CLOSE(model->ps[i], rps[i], 1e-10);
    /* MatchIt's distance is the linear predictor of glm at its default
    ** tolerance (1e-8), i.e. about 1e-7 short of convergence. */
    for (i = 0; i < n; i++)
        CHECK_CLOSE(model->logit[i], dist[i], 1e-6);
    check_weight_sets(g, "two", model->ps, n, 2, arm, 1, 1e-8);
    onc_ps_free(model);
done:
    free(x);
    free(arm);
}

static void test_three_arms(golden *c, golden *g, size_t n)
{
    double *x = cohort_matrix(c, n);
    int *arm = arms_of(c, "arm3", n);
    const double *rps = get(g, "three_ps", 3 * n);
    onc_ps_model *model = NULL;
    size_t i;

    if (x == NULL || arm == NULL || rps == NULL)
        goto done;
    check_weight_sets(g, "three", rps, n, 3, arm, 0, 1e-13);
    check_positivity(g, "three", rps, n, 3, arm);

    CHECK(onc_ps_fit(x, n, 6, arm, 3, NULL, NULL, &model, NULL) == ONC_OK);
    if (model == NULL)
        goto done;
    CHECK(model->converged && !model->separation && model->multinom != NULL &&
          model->logistic == NULL && model->logit == NULL);
    /* nnet's fit is converged to about 1e-7 (see test_multinom.c). */
    for (i = 0; i < 3 * n; i++)
        CHECK_CLOSE(model->ps[i], rps[i], 1e-7);
    check_weight_sets(g, "three", model->ps, n, 3, arm, 0, 1e-6);
    onc_ps_free(model);
done:
    free(x);
    free(arm);
}

/* Hand-computed weights for four patients, two arms. */
static void test_hand(void)
{
    /* e1 = P(arm 1): 0.2, 0.5, 0.8, 0.5; arms 0, 0, 1, 1. */
    static const double ps[] = {0.8, 0.5, 0.2, 0.5, 0.2, 0.5, 0.8, 0.5};
    static const int arm[] = {0, 0, 1, 1};
    /* ATE 1/e_a: 1.25, 2, 1.25, 2; ATT (arm 1): 0.25, 1, 1, 1;
    ** stabilised ATE (shares 1/2): 0.625, 1, 0.625, 1;
    ** overlap: 0.2, 0.5, 0.2, 0.5; ESS of arm 0 under ATE: 3.25^2 / 5.5625. */
    static const double ate[] = {1.25, 2, 1.25, 2}, att[] = {0.25, 1, 1, 1};
    static const double stab[] = {0.625, 1, 0.625, 1}, ovl[] = {0.2, 0.5, 0.2, 0.5};
    onc_ps_weight_options opt;
    onc_ps_weights *w = NULL;
    size_t i;

    onc_ps_weight_options_init(&opt);
    CHECK(onc_ps_weight(ps, 4, 2, arm, NULL, &w, NULL) == ONC_OK);
    for (i = 0; w != NULL && i < 4; i++)
        CHECK_REL(w->weight[i], ate[i], 1e-15);
    if (w != NULL) {
        CHECK_REL(w->ess[0], 3.25 * 3.25 / 5.5625, 1e-15);
        CHECK_REL(w->sum[1], 3.25, 1e-15);
        CHECK(w->n_arm[0] == 2 && w->n_arm[1] == 2);
    }
    onc_ps_weights_free(w);
    opt.estimand = ONC_PS_ATT;
    CHECK(onc_ps_weight(ps, 4, 2, arm, &opt, &w, NULL) == ONC_OK);
    for (i = 0; w != NULL && i < 4; i++)
        CHECK_REL(w->weight[i], att[i], 1e-15);
    onc_ps_weights_free(w);
    opt.estimand = ONC_PS_ATE;
    opt.stabilize = 1;
    CHECK(onc_ps_weight(ps, 4, 2, arm, &opt, &w, NULL) == ONC_OK);
    for (i = 0; w != NULL && i < 4; i++)
        CHECK_REL(w->weight[i], stab[i], 1e-15);
    onc_ps_weights_free(w);
    opt.stabilize = 0;
    opt.estimand = ONC_PS_OVERLAP;
    CHECK(onc_ps_weight(ps, 4, 2, arm, &opt, &w, NULL) == ONC_OK);
    for (i = 0; w != NULL && i < 4; i++)
        CHECK_REL(w->weight[i], ovl[i], 1e-15);
    onc_ps_weights_free(w);
    /* Truncation at the median (type 7 of 1.25, 1.25, 2, 2 is 1.625). */
    opt.estimand = ONC_PS_ATE;
    opt.trim_lower = 0.5;
    opt.trim_upper = 0.5;
    CHECK(onc_ps_weight(ps, 4, 2, arm, &opt, &w, NULL) == ONC_OK);
    for (i = 0; w != NULL && i < 4; i++)
        CHECK_REL(w->weight[i], 1.625, 1e-15);
    if (w != NULL)
        CHECK(w->n_trimmed_low == 2 && w->n_trimmed_high == 2);
    onc_ps_weights_free(w);
}

static void test_errors(void)
{
    double ps[] = {0.8, 0.5, 0.2, 0.5, 0.2, 0.5, 0.8, 0.5};
    int arm[] = {0, 0, 1, 1};
    int arm1[] = {1, 1, 1, 1};
    onc_ps_weight_options opt;
    onc_ps_weights *w = NULL;
    onc_ps_positivity *pos = NULL;
    onc_ps_model *model = NULL;
    onc_error err;

    onc_ps_weight_options_init(&opt);
    opt.estimand = ONC_PS_ATT;
    opt.stabilize = 1;
    CHECK(onc_ps_weight(ps, 4, 2, arm, &opt, &w, &err) == ONC_ERR_USAGE);
    opt.stabilize = 0;
    opt.treated_arm = 2;
    CHECK(onc_ps_weight(ps, 4, 2, arm, &opt, &w, &err) == ONC_ERR_USAGE);
    onc_ps_weight_options_init(&opt);
    opt.trim_lower = 0.9;
    opt.trim_upper = 0.1;
    CHECK(onc_ps_weight(ps, 4, 2, arm, &opt, &w, &err) == ONC_ERR_USAGE);
    CHECK(onc_ps_weight(ps, 4, 2, arm1, NULL, &w, &err) == ONC_ERR_DATA);
    CHECK(strstr(err.message, "arm 0 has no patients") != NULL);
    ps[6] = NAN;
    CHECK(onc_ps_weight(ps, 4, 2, arm, NULL, &w, &err) == ONC_ERR_DATA);
    CHECK(err.row == 3);
    CHECK(onc_ps_check_positivity(ps, 4, 2, arm, 0.01, 0.99, &pos, &err) == ONC_ERR_DATA);
    ps[6] = 0.0;        /* the arm received has propensity 0 */
    CHECK(onc_ps_weight(ps, 4, 2, arm, NULL, &w, &err) == ONC_ERR_DATA);
    CHECK(err.row == 3);
    ps[6] = 1.0;
    ps[2] = 0.0;        /* fine for ATE, undefined for overlap weights */
    CHECK(onc_ps_weight(ps, 4, 2, arm, NULL, &w, &err) == ONC_OK);
    onc_ps_weights_free(w);
    w = NULL;
    opt.estimand = ONC_PS_OVERLAP;
    opt.trim_lower = 0.0;
    opt.trim_upper = 1.0;
    CHECK(onc_ps_weight(ps, 4, 2, arm, &opt, &w, &err) == ONC_ERR_DATA);
    CHECK(err.row == 3);
    CHECK(onc_ps_check_positivity(ps, 4, 2, arm, 0.5, 0.1, &pos, &err) == ONC_ERR_USAGE);
    CHECK(w == NULL && pos == NULL);
    CHECK(onc_ps_fit(ps, 4, 1, arm1, 2, NULL, NULL, &model, &err) == ONC_ERR_DATA);
    CHECK(model == NULL);
    onc_ps_free(NULL);
    onc_ps_weights_free(NULL);
    onc_ps_positivity_free(NULL);
}

int main(void)
{
    golden *c = golden_load(COHORT);
    golden *g = golden_load(WEIGHTS);
    golden *m = golden_load(MATCH);
    size_t n = 0;

    harness_set_name("test_ps");
    golden_get(c, "age", &n);
    CHECK(n == 300);
    if (n > 0) {
        test_two_arms(c, g, m, n);
        test_three_arms(c, g, n);
    }
    test_hand();
    test_errors();
    golden_free(c);
    golden_free(g);
    golden_free(m);
    return harness_finish();
}
