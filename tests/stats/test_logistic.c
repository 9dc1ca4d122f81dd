/*
** test_logistic.c -- onc_logistic_fit against R glm(family = binomial).
**
** Reference: tests/golden/stats/ps_logistic.txt, written by ps_logistic.R
** from the simulated cohort of ps_cohort.R (300 patients).  The reference
** fits are converged (epsilon = 1e-14) so that coefficients and standard
** errors can be compared to 1e-8.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/ps.h"

#define COHORT "tests/golden/stats/ps_cohort.txt"
#define GOLDEN "tests/golden/stats/ps_logistic.txt"

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

/* Model matrix age, sex, ecog1, ecog2, kit_exon9, extrahepatic [, any_ecog]. */
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
        if (with_alias)
            x[6 * n + i] = ecog[i] > 0.0;
    }
    return x;
}

struct fit_case {
    const char *prefix;         /* golden key prefix */
    const char *weights;        /* golden key of the weights, or NULL */
    int has_vcov, has_fitted, has_aic, has_loglik;
};

static const struct fit_case cases[] = {
    {"unw", NULL, 1, 1, 1, 1},
    {"wt", "weights", 0, 1, 0, 0},
    {"freq", "freq_weights", 0, 0, 1, 0},
};

static void check_vector(const double *got, const double *want, size_t n,
                         double tol, int relative)
{
    size_t i;

    if (want == NULL)
        return;
    for (i = 0; i < n; i++) {
        if (relative)
            CHECK_REL(got[i], want[i], tol);
        else
            CHECK_CLOSE(got[i], want[i], tol);
    }
}

static void test_fits(golden *c, golden *g, size_t n)
{
    double *x = cohort_matrix(c, n, 0);
    const double *arm2 = get(c, "arm2", n);
    size_t k;

    if (x == NULL || arm2 == NULL) {
        free(x);
        return;
    }
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const struct fit_case *fc = &cases[k];
        const double *w = fc->weights ? get(g, fc->weights, n) : NULL;
        onc_logistic_result *fit = NULL;
        onc_error err;
        char key[64];

        CHECK(onc_logistic_fit(x, n, 6, arm2, w, NULL, &fit, &err) == ONC_OK);
        if (fit == NULL)
            continue;
        CHECK(fit->converged);
        CHECK(!fit->separation);
        CHECK(fit->rank == 7);
        snprintf(key, sizeof key, "%s_coef", fc->prefix);
        check_vector(fit->coef, get(g, key, 7), 7, 1e-8, 1);
        snprintf(key, sizeof key, "%s_se", fc->prefix);
        check_vector(fit->se, get(g, key, 7), 7, 1e-8, 1);
        if (fc->has_vcov) {
            snprintf(key, sizeof key, "%s_vcov", fc->prefix);
            check_vector(fit->vcov, get(g, key, 49), 49, 1e-8, 1);
            snprintf(key, sizeof key, "%s_deviance", fc->prefix);
            CHECK_REL(fit->deviance, get(g, key, 1)[0], 1e-12);
            snprintf(key, sizeof key, "%s_null_deviance", fc->prefix);
            CHECK_REL(fit->null_deviance, get(g, key, 1)[0], 1e-12);
            snprintf(key, sizeof key, "%s_df_residual", fc->prefix);
            CHECK(fit->df_residual == (size_t)get(g, key, 1)[0]);
            snprintf(key, sizeof key, "%s_linear_predictor", fc->prefix);
            check_vector(fit->linear_predictor, get(g, key, n), n, 1e-8, 0);
        }
        if (fc->has_fitted) {
            snprintf(key, sizeof key, "%s_fitted", fc->prefix);
            check_vector(fit->fitted, get(g, key, n), n, 1e-9, 0);
        }
        if (fc->has_aic) {
            snprintf(key, sizeof key, "%s_aic", fc->prefix);
            CHECK_REL(fit->aic, get(g, key, 1)[0], 1e-12);
        }
        if (fc->has_loglik) {
            snprintf(key, sizeof key, "%s_loglik", fc->prefix);
            CHECK_REL(fit->loglik, get(g, key, 1)[0], 1e-12);
        }
        if (strcmp(fc->prefix, "wt") == 0) {
            CHECK_REL(fit->deviance, get(g, "wt_deviance", 1)[0], 1e-12);
            CHECK_REL(fit->null_deviance, get(g, "wt_null_deviance", 1)[0], 1e-12);
            CHECK(fit->df_residual == (size_t)get(g, "wt_df_residual", 1)[0]);
        }
        onc_logistic_free(fit);
    }

    /* With glm's own tolerance (1e-8) the iterations are R's, step for step:
    ** same number of iterations and the same (not fully converged) values. */
    {
        onc_ps_fit_options opt;
        onc_logistic_result *fit = NULL;

        opt.tolerance = 1e-8;
        opt.max_iter = 25;
        CHECK(onc_logistic_fit(x, n, 6, arm2, NULL, &opt, &fit, NULL) == ONC_OK);
        if (fit != NULL) {
            CHECK(fit->iterations == (int)get(g, "default_iter", 1)[0]);
            check_vector(fit->coef, get(g, "default_coef", 7), 7, 1e-11, 1);
        }
        onc_logistic_free(fit);
    }
    free(x);
}

/* An aliased column is reported as R does (NA) and leaves the rest alone. */
static void test_alias(golden *c, golden *g, size_t n)
{
    double *x = cohort_matrix(c, n, 1);
    const double *arm2 = get(c, "arm2", n), *na = get(g, "alias_r_na", 8);
    const double *unw = get(g, "unw_coef", 7);
    onc_logistic_result *fit = NULL;
    size_t j;

    if (x == NULL || arm2 == NULL || na == NULL || unw == NULL) {
        free(x);
        return;
    }
    CHECK(onc_logistic_fit(x, n, 7, arm2, NULL, NULL, &fit, NULL) == ONC_OK);
    if (fit != NULL) {
        CHECK(fit->rank == 7);
        for (j = 0; j < 8; j++) {
            CHECK(fit->aliased[j] == (int)na[j]);
            if (j < 7)
                CHECK_REL(fit->coef[j], unw[j], 1e-8);
        }
        CHECK(isnan(fit->coef[7]) && isnan(fit->se[7]));
        CHECK_REL(fit->deviance, get(g, "alias_deviance", 1)[0], 1e-9);
        CHECK(!fit->separation);
    }
    onc_logistic_free(fit);
    free(x);
}

/* Nearly collinear columns: the rotations take over from the Cholesky. */
static void test_collinear(golden *c, golden *g, size_t n)
{
    double *x = cohort_matrix(c, n, 1);
    const double *arm2 = get(c, "arm2", n), *age2 = get(g, "collinear_age2", n);
    const double *coef = get(g, "collinear_coef", 8), *se = get(g, "collinear_se", 8);
    onc_logistic_result *fit = NULL;
    size_t j;

    if (x == NULL || arm2 == NULL || age2 == NULL || coef == NULL || se == NULL) {
        free(x);
        return;
    }
    memcpy(x + 6 * n, age2, n * sizeof *x);
    CHECK(onc_logistic_fit(x, n, 7, arm2, NULL, NULL, &fit, NULL) == ONC_OK);
    if (fit != NULL) {
        CHECK(fit->converged && fit->rank == 8 && !fit->separation);
        for (j = 0; j < 8; j++) {
            CHECK_REL(fit->coef[j], coef[j], 1e-8);
            CHECK_REL(fit->se[j], se[j], 1e-8);
        }
    }
    onc_logistic_free(fit);
    free(x);
}

/* Complete and quasi-complete separation. */
static void test_separation(golden *c, golden *g, size_t n)
{
    const double *sx = get(g, "sep_x", 10), *sy = get(g, "sep_y", 10);
    const double *qy = get(g, "quasi_y", n), *finite = get(g, "quasi_finite_coef", 2);
    const double *age = get(c, "age", n), *kit = get(c, "kit_exon9", n);
    onc_logistic_result *fit = NULL;
    double *x;
    size_t i;

    if (sx != NULL && sy != NULL) {
        CHECK(onc_logistic_fit(sx, 10, 1, sy, NULL, NULL, &fit, NULL) == ONC_OK);
        if (fit != NULL) {
            CHECK(fit->separation == 1);
            CHECK(fit->infinite[0] == 1 && fit->infinite[1] == 1);
            /* R warns "fitted probabilities numerically 0 or 1" here. */
            CHECK((fit->n_boundary > 0) == (get(g, "sep_r_warning", 1)[0] == 1.0));
            CHECK(fit->coef[1] > 0.0);
        }
        onc_logistic_free(fit);
        fit = NULL;
    }
    if (qy == NULL || finite == NULL || age == NULL || kit == NULL)
        return;
    x = malloc(2 * n * sizeof *x);
    if (x == NULL)
        return;
    for (i = 0; i < n; i++) {
        x[i] = age[i];
        x[n + i] = kit[i];
    }
    CHECK(onc_logistic_fit(x, n, 2, qy, NULL, NULL, &fit, NULL) == ONC_OK);
    if (fit != NULL) {
        /* R gives no warning for this quasi-complete separation (the fitted
        ** probabilities stop short of 1 - 10 eps), but kit_exon9 = 1
        ** predicts resection perfectly: only its coefficient is infinite,
        ** and the others tend to the fit without those patients. */
        CHECK(get(g, "quasi_r_warning", 1)[0] == 0.0);
        CHECK(fit->separation == 1);
        CHECK(fit->infinite[0] == 0 && fit->infinite[1] == 0 && fit->infinite[2] == 1);
        CHECK_REL(fit->coef[0], finite[0], 1e-9);
        CHECK_REL(fit->coef[1], finite[1], 1e-9);
        CHECK(fit->coef[2] > 15.0);
    }
    onc_logistic_free(fit);
    free(x);
}

/* Hand-checkable cases: a saturated two-group model, p = 0. */
static void test_small(void)
{
    /* Two groups, x = 0: 1 of 4 events, x = 1: 3 of 4 events.  The MLE is
    ** logit(1/4) = -log 3 and slope 2 log 3; SE of the slope is
    ** sqrt(1/(4 .25 .75) * 2) = sqrt(8/3). */
    static const double x[] = {0, 0, 0, 0, 1, 1, 1, 1};
    static const double y[] = {1, 0, 0, 0, 1, 1, 1, 0};
    /* Intercept only: logit of the weighted mean. */
    static const double w[] = {2, 1, 1, 0, 1, 1, 1, 3};
    onc_logistic_result *fit = NULL;

    CHECK(onc_logistic_fit(x, 8, 1, y, NULL, NULL, &fit, NULL) == ONC_OK);
    if (fit != NULL) {
        CHECK_REL(fit->coef[0], -log(3.0), 1e-10);
        CHECK_REL(fit->coef[1], 2.0 * log(3.0), 1e-10);
        CHECK_REL(fit->se[1], sqrt(8.0 / 3.0), 1e-10);
        CHECK(fit->df_residual == 6 && fit->df_null == 7);
    }
    onc_logistic_free(fit);
    fit = NULL;
    CHECK(onc_logistic_fit(NULL, 8, 0, y, w, NULL, &fit, NULL) == ONC_OK);
    if (fit != NULL) {
        /* weighted mean of y over w > 0: (2 + 1 + 1 + 1) / 10 = 0.5 */
        CHECK_CLOSE(fit->coef[0], 0.0, 1e-12);
        CHECK_CLOSE(fit->fitted[3], 0.5, 1e-12);   /* weight-0 row fitted too */
        CHECK(fit->df_null == 6);
    }
    onc_logistic_free(fit);
}

static void test_errors(void)
{
    double x[] = {1, 2, NAN, 4};
    double y[] = {0, 1, 0, 1};
    double ybad[] = {0, 1, 2, 1};
    double wneg[] = {1, -1, 1, 1};
    double wzero[] = {0, 0, 0, 0};
    onc_logistic_result *fit = (onc_logistic_result *)&fit;
    onc_error err;

    CHECK(onc_logistic_fit(x, 4, 1, y, NULL, NULL, &fit, &err) == ONC_ERR_DATA);
    CHECK(fit == NULL);
    CHECK(err.row == 3);
    x[2] = 3;
    CHECK(onc_logistic_fit(x, 4, 1, ybad, NULL, NULL, &fit, &err) == ONC_ERR_DATA);
    CHECK(err.row == 3 && strcmp(err.column, "response") == 0);
    CHECK(onc_logistic_fit(x, 4, 1, y, wneg, NULL, &fit, &err) == ONC_ERR_DATA);
    CHECK(err.row == 2);
    CHECK(onc_logistic_fit(x, 4, 1, y, wzero, NULL, &fit, &err) == ONC_ERR_DATA);
    CHECK(onc_logistic_fit(x, 0, 1, y, NULL, NULL, &fit, &err) == ONC_ERR_USAGE);
    CHECK(onc_logistic_fit(x, 4, 1, y, NULL, NULL, NULL, &err) == ONC_ERR_USAGE);
    CHECK(onc_logistic_fit(x, 4, ONC_PS_MAX_COVARIATES + 1, y, NULL, NULL, &fit,
                           &err) == ONC_ERR_LIMIT);
    onc_logistic_free(NULL);
}

int main(void)
{
    golden *c = golden_load(COHORT);
    golden *g = golden_load(GOLDEN);
    size_t n = 0;

    harness_set_name("test_logistic");
    golden_get(c, "age", &n);
    CHECK(n == 300);
    if (n > 0) {
        test_fits(c, g, n);
        test_alias(c, g, n);
        test_collinear(c, g, n);
        test_separation(c, g, n);
    }
    test_small();
    test_errors();
    golden_free(c);
    golden_free(g);
    return harness_finish();
}
