/*
** test_multinom.c -- onc_multinom_fit against nnet::multinom.
**
** Reference: tests/golden/stats/ps_multinom.txt, written by ps_multinom.R
** (multinom(..., reltol = 1e-12, maxit = 1000), so that the reference is
** converged to about 1e-7) on the cohort of ps_cohort.R: arm3 (resection,
** RFA, TACE) on age, sex, ecog1, ecog2, kit_exon9, extrahepatic.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/ps.h"

#define COHORT "tests/golden/stats/ps_cohort.txt"
#define GOLDEN "tests/golden/stats/ps_multinom.txt"

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

static double *cohort_matrix(golden *c, size_t n, int with_alias)
{
    size_t p = with_alias ? 7 : 6, i;
    double *x = malloc(n * p * sizeof *x);
    const double *age = get(c, "age", n), *sex = get(c, "sex", n);
    const double *ecog = get(c, "ecog", n), *kit = get(c, "kit_exon9", n);
    const double *extra = get(c, "extrahepatic", n);

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
        if (with_alias)     /* sex + kit_exon9, aliased */
            x[6 * n + i] = sex[i] + kit[i];
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

struct mn_case {
    const char *prefix;
    const char *weights;
};

static const struct mn_case cases[] = {
    {"unw", NULL},
    {"wt", "weights"},
};

static void test_fits(golden *c, golden *g, size_t n)
{
    double *x = cohort_matrix(c, n, 0);
    int *arm = arms_of(c, "arm3", n);
    size_t k, j;

    if (x == NULL || arm == NULL)
        goto done;
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const struct mn_case *mc = &cases[k];
        const double *w = mc->weights ? get(g, mc->weights, n) : NULL;
        onc_multinom_result *fit = NULL;
        const double *coef, *mle, *se, *fitted;
        char key[64];

        CHECK(onc_multinom_fit(x, n, 6, arm, 3, w, NULL, &fit, NULL) == ONC_OK);
        if (fit == NULL)
            continue;
        CHECK(fit->converged && !fit->separation && fit->rank == 7);
        CHECK(get(g, mc->prefix[0] == 'u' ? "unw_convergence" : "wt_convergence", 1)[0] == 0);
        snprintf(key, sizeof key, "%s_coef", mc->prefix);
        coef = get(g, key, 14);
        snprintf(key, sizeof key, "%s_mle_coef", mc->prefix);
        mle = get(g, key, 14);
        snprintf(key, sizeof key, "%s_se", mc->prefix);
        se = get(g, key, 14);
        snprintf(key, sizeof key, "%s_fitted", mc->prefix);
        fitted = get(g, key, 3 * n);
        /* nnet stops about 1e-7 short of the maximum (absolute); the
        ** Newton-polished maximum from the same script is matched to 1e-9. */
        for (j = 0; coef != NULL && j < 14; j++)
            CHECK_CLOSE(fit->coef[j], coef[j], 1e-6);
        for (j = 0; mle != NULL && j < 14; j++)
            CHECK_REL(fit->coef[j], mle[j], 1e-9);
        /* nnet's SEs come from its Hessian at its own (BFGS) solution. */
        for (j = 0; se != NULL && j < 14; j++)
            CHECK_REL(fit->se[j], se[j], 1e-6);
        for (j = 0; fitted != NULL && j < 3 * n; j++)
            CHECK_CLOSE(fit->fitted[j], fitted[j], 1e-7);
        snprintf(key, sizeof key, "%s_deviance", mc->prefix);
        CHECK_REL(fit->deviance, get(g, key, 1)[0], 1e-10);
        CHECK_REL(fit->aic, fit->deviance + 2.0 * 14, 1e-14);
        for (j = 0; j < 14; j++)
            CHECK_REL(fit->vcov[j * 14 + j], fit->se[j] * fit->se[j], 1e-14);
        onc_multinom_free(fit);
    }

    /* Two arms: the baseline-category model is logistic regression. */
    {
        int *arm2 = arms_of(c, "arm2", n);
        const double *glm = get(g, "two_arm_coef", 7);
        onc_multinom_result *fit = NULL;

        if (arm2 != NULL && glm != NULL) {
            CHECK(onc_multinom_fit(x, n, 6, arm2, 2, NULL, NULL, &fit, NULL) == ONC_OK);
            for (j = 0; fit != NULL && j < 7; j++)
                CHECK_REL(fit->coef[j], glm[j], 1e-8);
        }
        onc_multinom_free(fit);
        free(arm2);
    }
done:
    free(x);
    free(arm);
}

static void test_alias(golden *c, golden *g, size_t n)
{
    double *x = cohort_matrix(c, n, 1);
    int *arm = arms_of(c, "arm3", n);
    const double *coef = get(g, "unw_mle_coef", 14);
    onc_multinom_result *fit = NULL;
    size_t j;

    if (x != NULL && arm != NULL && coef != NULL) {
        CHECK(onc_multinom_fit(x, n, 7, arm, 3, NULL, NULL, &fit, NULL) == ONC_OK);
        if (fit != NULL) {
            CHECK(fit->n_coef == 8 && fit->rank == 7);
            for (j = 0; j < 8; j++)
                CHECK(fit->aliased[j] == (j == 7));
            for (j = 0; j < 7; j++) {
                CHECK_REL(fit->coef[j], coef[j], 1e-9);
                CHECK_REL(fit->coef[8 + j], coef[7 + j], 1e-9);
            }
            CHECK(isnan(fit->coef[7]) && isnan(fit->coef[15]) && isnan(fit->se[15]));
        }
    }
    onc_multinom_free(fit);
    free(x);
    free(arm);
}

/* Hand-checkable: one binary covariate, three arms, counts per cell
**   x = 0: arms 0/1/2 = 2/1/1;  x = 1: arms 0/1/2 = 1/1/2.
** The model is saturated, so log(P(a)/P(0)) are the cell log ratios:
**   intercepts log(1/2), log(1/2); slopes log(1/1) - log(1/2) = log 2,
**   log(2/1) - log(1/2) = log 4. */
static void test_small(void)
{
    static const double x[] = {0, 0, 0, 0, 1, 1, 1, 1};
    static const int arm[] = {0, 0, 1, 2, 0, 1, 2, 2};
    onc_multinom_result *fit = NULL;

    CHECK(onc_multinom_fit(x, 8, 1, arm, 3, NULL, NULL, &fit, NULL) == ONC_OK);
    if (fit != NULL) {
        CHECK_REL(fit->coef[0], log(0.5), 1e-9);
        CHECK_REL(fit->coef[1], log(2.0), 1e-9);
        CHECK_REL(fit->coef[2], log(0.5), 1e-9);
        CHECK_REL(fit->coef[3], log(4.0), 1e-9);
        /* SE of a log ratio of counts: sqrt(1/n_a + 1/n_0). */
        CHECK_REL(fit->se[0], sqrt(1.0 + 0.5), 1e-8);
        CHECK_CLOSE(fit->fitted[2 * 8 + 7], 0.5, 1e-10);
    }
    onc_multinom_free(fit);
}

/* Arms perfectly ordered by x: no finite maximum. */
static void test_separation(void)
{
    static const double x[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    static const int arm[] = {0, 0, 0, 1, 1, 1, 2, 2, 2};
    onc_multinom_result *fit = NULL;

    CHECK(onc_multinom_fit(x, 9, 1, arm, 3, NULL, NULL, &fit, NULL) == ONC_OK);
    if (fit != NULL)
        CHECK(fit->separation == 1);
    onc_multinom_free(fit);
}

static void test_errors(void)
{
    double x[] = {1, 2, 3, 4, 5, 6};
    int arm[] = {0, 1, 2, 0, 1, 2};
    int arm_bad[] = {0, 1, 3, 0, 1, 2};
    int arm_empty[] = {0, 1, 1, 0, 1, 0};
    double w[] = {1, 1, 1, 1, 1, NAN};
    onc_multinom_result *fit = NULL;
    onc_error err;

    CHECK(onc_multinom_fit(x, 6, 1, arm_bad, 3, NULL, NULL, &fit, &err) == ONC_ERR_DATA);
    CHECK(err.row == 3 && fit == NULL);
    CHECK(onc_multinom_fit(x, 6, 1, arm_empty, 3, NULL, NULL, &fit, &err) == ONC_ERR_DATA);
    CHECK(strstr(err.message, "arm 2") != NULL);
    CHECK(onc_multinom_fit(x, 6, 1, arm, 3, w, NULL, &fit, &err) == ONC_ERR_DATA);
    CHECK(err.row == 6);
    CHECK(onc_multinom_fit(x, 6, 1, arm, 1, NULL, NULL, &fit, &err) == ONC_ERR_USAGE);
    CHECK(onc_multinom_fit(x, 6, 1, arm, ONC_PS_MAX_ARMS + 1, NULL, NULL, &fit, &err) ==
          ONC_ERR_LIMIT);
    x[4] = INFINITY;
    CHECK(onc_multinom_fit(x, 6, 1, arm, 3, NULL, NULL, &fit, &err) == ONC_ERR_DATA);
    CHECK(err.row == 5);
    onc_multinom_free(NULL);
}

int main(void)
{
    golden *c = golden_load(COHORT);
    golden *g = golden_load(GOLDEN);
    size_t n = 0;

    harness_set_name("test_multinom");
    golden_get(c, "age", &n);
    CHECK(n == 300);
    if (n > 0) {
        test_fits(c, g, n);
        test_alias(c, g, n);
    }
    test_small();
    test_separation();
    test_errors();
    golden_free(c);
    golden_free(g);
    return harness_finish();
}
