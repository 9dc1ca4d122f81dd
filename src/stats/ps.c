/*
** ps.c -- propensity scores: estimation, weights and positivity diagnostics.
**
** The propensity model is logistic regression of (arm == 1) for two arms
** and baseline-category multinomial logistic regression for more
** (logistic.c, multinom.c).  Weights follow
**   Rosenbaum & Rubin 1983; Hirano, Imbens & Ridder 2003 (ATE, ATT);
**   Robins, Hernan & Brumback 2000 (stabilised weights);
**   Li, Morgan & Zaslavsky 2018 and Li & Li 2019 (overlap weights for two
**   and for several arms);
**   Cole & Hernan 2008 (truncation at percentiles);
**   Kish 1965 (effective sample size (sum w)^2 / sum w^2).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "oncostat/ps.h"

void onc_ps_fit_options_init(onc_ps_fit_options *opt)
{
    if (opt == NULL)
        return;
    opt->tolerance = ONC_PS_FIT_TOLERANCE;
    opt->max_iter = ONC_PS_FIT_MAX_ITER;
}

void onc_ps_weight_options_init(onc_ps_weight_options *opt)
{
    if (opt == NULL)
        return;
    opt->estimand = ONC_PS_ATE;
    opt->treated_arm = 1;
    opt->stabilize = 0;
    opt->trim_lower = 0.0;
    opt->trim_upper = 1.0;
}

void onc_ps_free(onc_ps_model *model)
{
    if (model == NULL)
        return;
    free(model->ps);
    free(model->logit);
    onc_logistic_free(model->logistic);
    onc_multinom_free(model->multinom);
    free(model);
}

/* Arm codes in range; per-arm counts into n_arm (may be NULL). */
static onc_status ps_check_arms(const int *arm, size_t n, size_t n_arms,
                                size_t *n_arm, onc_error *err)
{
    size_t i;

    if (arm == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL, "arm codes are missing");
    if (n_arms < 2 || n_arms > ONC_PS_MAX_ARMS)
        return onc_error_set(err, n_arms < 2 ? ONC_ERR_USAGE : ONC_ERR_LIMIT, NULL, 0,
                             0, NULL, "the number of arms must lie in 2 .. %d, not %zu",
                             ONC_PS_MAX_ARMS, n_arms);
    if (n_arm != NULL)
        memset(n_arm, 0, n_arms * sizeof *n_arm);
    for (i = 0; i < n; i++) {
        if (arm[i] < 0 || (size_t)arm[i] >= n_arms)
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "arm",
                                 "arm code %d is outside 0 .. %zu", arm[i], n_arms - 1);
        if (n_arm != NULL)
            n_arm[arm[i]]++;
    }
    if (n_arm != NULL)
        for (i = 0; i < n_arms; i++)
            if (n_arm[i] == 0)
                return onc_error_set(err, ONC_ERR_DATA, NULL, 0, 0, "arm",
                                     "arm %zu has no patients", i);
    return ONC_OK;
}

/*
** Specification
**   Inputs:  x (n x p, column-major, no intercept), arm (n codes), n_arms,
**            weights (n case weights >= 0, or NULL), opt (or NULL).
**   Output:  *out (free with onc_ps_free): ps, n x n_arms probabilities;
**            for two arms also the logit (linear predictor), the distance
**            MatchIt matches on with link = "linear.logit"; the underlying
**            fit, its convergence and separation.
**   Preconditions: every arm has at least one patient.
**   NaN policy: NaN in x or weights is an ONC_ERR_DATA error.
**   Reference: R glm(arm == 1 ~ x, binomial) / nnet::multinom(arm ~ x).
*/
onc_status onc_ps_fit(const double *x, size_t n, size_t p, const int *arm,
                      size_t n_arms, const double *weights,
                      const onc_ps_fit_options *opt, onc_ps_model **out,
                      onc_error *err)
{
    onc_status st;
    onc_ps_model *model = NULL;
    size_t n_arm[ONC_PS_MAX_ARMS];
    double *y = NULL;
    size_t i;

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL, "onc_ps_fit: out is NULL");
    *out = NULL;
    if (n == 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "a propensity model needs at least one patient");
    st = ps_check_arms(arm, n, n_arms, n_arm, err);
    if (st != ONC_OK)
        return st;
    model = calloc(1, sizeof *model);
    if (model == NULL)
        goto nomem;
    model->n = n;
    model->n_arms = n_arms;
    model->ps = onc_mallocarray(n, n_arms * sizeof *model->ps);
    if (model->ps == NULL)
        goto nomem;
    if (n_arms == 2) {
        y = onc_mallocarray(n, sizeof *y);
        model->logit = onc_mallocarray(n, sizeof *model->logit);
        if (y == NULL || model->logit == NULL)
            goto nomem;
        for (i = 0; i < n; i++)
            y[i] = arm[i] == 1;
        st = onc_logistic_fit(x, n, p, y, weights, opt, &model->logistic, err);
        if (st != ONC_OK)
            goto cleanup;
        for (i = 0; i < n; i++) {
            model->ps[n + i] = model->logistic->fitted[i];
            model->ps[i] = 1.0 - model->logistic->fitted[i];
            model->logit[i] = model->logistic->linear_predictor[i];
        }
        model->converged = model->logistic->converged;
        model->separation = model->logistic->separation;
    } else {
        st = onc_multinom_fit(x, n, p, arm, n_arms, weights, opt, &model->multinom, err);
        if (st != ONC_OK)
            goto cleanup;
        memcpy(model->ps, model->multinom->fitted, n * n_arms * sizeof *model->ps);
        model->converged = model->multinom->converged;
        model->separation = model->multinom->separation;
    }
    *out = model;
    model = NULL;
    st = ONC_OK;
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "propensity model: out of memory for %zu patients", n);
cleanup:
    free(y);
    onc_ps_free(model);
    return st;
}

void onc_ps_weights_free(onc_ps_weights *w)
{
    if (w == NULL)
        return;
    free(w->weight);
    free(w->n_arm);
    free(w->sum);
    free(w->ess);
    free(w);
}

static int ps_compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* R's quantile(x, prob, type = 7) of the sorted values s[0 .. n-1]. */
static double ps_quantile7(const double *s, size_t n, double prob)
{
    double index = 1.0 + (double)(n - 1) * prob, h, q;
    size_t lo = (size_t)floor(index), hi = (size_t)ceil(index);

    q = s[lo - 1];
    if (index > (double)lo && s[hi - 1] != q) {
        h = index - (double)lo;
        q = (1.0 - h) * q + h * s[hi - 1];
    }
    return q;
}

/*
** Specification
**   Inputs:  ps (n x n_arms, column-major, values in [0, 1]), arm (n codes),
**            opt (or NULL: ATE, unstabilised, untruncated).
**   Output:  *out (free with onc_ps_weights_free): n weights, per-arm counts,
**            sums and effective sample sizes, truncation bounds and counts.
**   Method:  see ps.h; truncation uses R's quantile type 7 of all n weights
**            after stabilisation.
**   Preconditions: every arm has a patient; the propensities divided by
**            (the received arm's, and for overlap weights every arm's) are
**            positive.
**   NaN policy: a NaN propensity is an ONC_ERR_DATA error naming the row.
*/
onc_status onc_ps_weight(const double *ps, size_t n, size_t n_arms,
                         const int *arm, const onc_ps_weight_options *opt,
                         onc_ps_weights **out, onc_error *err)
{
    onc_status st;
    onc_ps_weight_options def;
    onc_ps_weights *w = NULL;
    double *sorted = NULL;
    size_t i, a;

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL, "onc_ps_weight: out is NULL");
    *out = NULL;
    if (opt == NULL) {
        onc_ps_weight_options_init(&def);
        opt = &def;
    }
    if (ps == NULL || n == 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "weights need propensity scores for at least one patient");
    if (opt->estimand != ONC_PS_ATE && opt->estimand != ONC_PS_ATT &&
        opt->estimand != ONC_PS_OVERLAP)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL, "unknown estimand %d",
                             (int)opt->estimand);
    if (opt->estimand == ONC_PS_ATT &&
        (opt->treated_arm < 0 || (size_t)opt->treated_arm >= n_arms))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "treated arm %d is not among the %zu arms",
                             opt->treated_arm, n_arms);
    if (opt->stabilize && opt->estimand != ONC_PS_ATE)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "stabilisation applies to ATE weights only");
    if (!(opt->trim_lower >= 0.0 && opt->trim_lower <= opt->trim_upper &&
          opt->trim_upper <= 1.0))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "truncation quantiles must satisfy 0 <= lower <= upper <= 1");

    w = calloc(1, sizeof *w);
    if (w == NULL)
        goto nomem;
    w->n = n;
    w->n_arms = n_arms;
    w->n_arm = onc_callocarray(n_arms, sizeof *w->n_arm);
    w->sum = onc_callocarray(n_arms, sizeof *w->sum);
    w->ess = onc_callocarray(n_arms, sizeof *w->ess);
    w->weight = onc_mallocarray(n, sizeof *w->weight);
    if (w->n_arm == NULL || w->sum == NULL || w->ess == NULL || w->weight == NULL)
        goto nomem;
    st = ps_check_arms(arm, n, n_arms, w->n_arm, err);
    if (st != ONC_OK)
        goto cleanup;

    for (i = 0; i < n; i++) {
        double ea = ps[(size_t)arm[i] * n + i], wi;

        for (a = 0; a < n_arms; a++) {
            double e = ps[a * n + i];

            if (!isfinite(e) || e < 0.0 || e > 1.0) {
                st = onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, NULL,
                                   "the propensity of arm %zu is %g, outside [0, 1]", a, e);
                goto cleanup;
            }
            if (opt->estimand == ONC_PS_OVERLAP && !(e > 0.0)) {
                st = onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, NULL,
                                   "the propensity of arm %zu is 0: overlap weights "
                                   "are undefined", a);
                goto cleanup;
            }
        }
        if (!(ea > 0.0)) {
            st = onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, NULL,
                               "the propensity of the arm received (%d) is 0", arm[i]);
            goto cleanup;
        }
        switch (opt->estimand) {
        case ONC_PS_ATT:
            wi = arm[i] == opt->treated_arm ? 1.0
                                            : ps[(size_t)opt->treated_arm * n + i] / ea;
            break;
        case ONC_PS_OVERLAP: {
            double s = 0.0;

            for (a = 0; a < n_arms; a++)
                s += 1.0 / ps[a * n + i];
            wi = (1.0 / ea) / s;
            break;
        }
        default:
            wi = 1.0 / ea;
            if (opt->stabilize)
                wi *= (double)w->n_arm[arm[i]] / (double)n;
            break;
        }
        w->weight[i] = wi;
    }

    w->trim_low = NAN;
    w->trim_high = NAN;
    if (opt->trim_lower > 0.0 || opt->trim_upper < 1.0) {
        sorted = onc_mallocarray(n, sizeof *sorted);
        if (sorted == NULL)
            goto nomem;
        memcpy(sorted, w->weight, n * sizeof *sorted);
        qsort(sorted, n, sizeof *sorted, ps_compare_double);
        w->trim_low = ps_quantile7(sorted, n, opt->trim_lower);
        w->trim_high = ps_quantile7(sorted, n, opt->trim_upper);
        for (i = 0; i < n; i++) {
            if (w->weight[i] < w->trim_low) {
                w->weight[i] = w->trim_low;
                w->n_trimmed_low++;
            } else if (w->weight[i] > w->trim_high) {
                w->weight[i] = w->trim_high;
                w->n_trimmed_high++;
            }
        }
    }

    {
        double *sq = w->ess;    /* sums of squares, then ESS in place */

        for (i = 0; i < n; i++) {
            w->sum[arm[i]] += w->weight[i];
            sq[arm[i]] += w->weight[i] * w->weight[i];
        }
        for (a = 0; a < n_arms; a++)
            sq[a] = sq[a] > 0.0 ? w->sum[a] * w->sum[a] / sq[a] : 0.0;
    }
    *out = w;
    w = NULL;
    st = ONC_OK;
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "weights: out of memory for %zu patients", n);
cleanup:
    free(sorted);
    onc_ps_weights_free(w);
    return st;
}

void onc_ps_positivity_free(onc_ps_positivity *pos)
{
    if (pos == NULL)
        return;
    free(pos->n_below);
    free(pos->n_above);
    free(pos->range_min);
    free(pos->range_max);
    free(pos->support_low);
    free(pos->support_high);
    free(pos->n_outside);
    free(pos);
}

/*
** Specification
**   Inputs:  ps (n x n_arms, values in [0, 1]), arm (n codes), thresholds
**            0 <= lower < upper <= 1 (ONC_PS_POSITIVITY_LOWER/UPPER by
**            default).
**   Output:  *out (free with onc_ps_positivity_free): for each propensity
**            column a, the patients below/above the thresholds, its range
**            within each arm, the common support [max_g min, min_g max] and
**            the patients outside it.
**   NaN policy: a NaN propensity is an ONC_ERR_DATA error naming the row.
*/
onc_status onc_ps_check_positivity(const double *ps, size_t n, size_t n_arms,
                                   const int *arm, double lower, double upper,
                                   onc_ps_positivity **out, onc_error *err)
{
    onc_status st;
    onc_ps_positivity *pos = NULL;
    size_t n_arm[ONC_PS_MAX_ARMS];
    size_t i, a, g;

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_ps_check_positivity: out is NULL");
    *out = NULL;
    if (ps == NULL || n == 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "positivity needs propensity scores for at least one patient");
    if (!(lower >= 0.0 && lower < upper && upper <= 1.0))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "thresholds must satisfy 0 <= lower < upper <= 1");
    st = ps_check_arms(arm, n, n_arms, n_arm, err);
    if (st != ONC_OK)
        return st;
    pos = calloc(1, sizeof *pos);
    if (pos == NULL)
        goto nomem;
    pos->n_arms = n_arms;
    pos->lower = lower;
    pos->upper = upper;
    pos->n_below = onc_callocarray(n_arms, sizeof *pos->n_below);
    pos->n_above = onc_callocarray(n_arms, sizeof *pos->n_above);
    pos->range_min = onc_mallocarray(n_arms * n_arms, sizeof *pos->range_min);
    pos->range_max = onc_mallocarray(n_arms * n_arms, sizeof *pos->range_max);
    pos->support_low = onc_mallocarray(n_arms, sizeof *pos->support_low);
    pos->support_high = onc_mallocarray(n_arms, sizeof *pos->support_high);
    pos->n_outside = onc_callocarray(n_arms, sizeof *pos->n_outside);
    if (pos->n_below == NULL || pos->n_above == NULL || pos->range_min == NULL ||
        pos->range_max == NULL || pos->support_low == NULL ||
        pos->support_high == NULL || pos->n_outside == NULL)
        goto nomem;
    for (a = 0; a < n_arms * n_arms; a++) {
        pos->range_min[a] = INFINITY;
        pos->range_max[a] = -INFINITY;
    }
    for (a = 0; a < n_arms; a++) {
        const double *col = ps + a * n;

        for (i = 0; i < n; i++) {
            double e = col[i];
            size_t cell = a * n_arms + (size_t)arm[i];

            if (!isfinite(e) || e < 0.0 || e > 1.0) {
                st = onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, NULL,
                                   "the propensity of arm %zu is %g, outside [0, 1]", a, e);
                goto cleanup;
            }
            pos->n_below[a] += e < lower;
            pos->n_above[a] += e > upper;
            if (e < pos->range_min[cell])
                pos->range_min[cell] = e;
            if (e > pos->range_max[cell])
                pos->range_max[cell] = e;
        }
        pos->support_low[a] = -INFINITY;
        pos->support_high[a] = INFINITY;
        for (g = 0; g < n_arms; g++) {
            if (pos->range_min[a * n_arms + g] > pos->support_low[a])
                pos->support_low[a] = pos->range_min[a * n_arms + g];
            if (pos->range_max[a * n_arms + g] < pos->support_high[a])
                pos->support_high[a] = pos->range_max[a * n_arms + g];
        }
        for (i = 0; i < n; i++)
            pos->n_outside[a] += col[i] < pos->support_low[a] ||
                                 col[i] > pos->support_high[a];
    }
    *out = pos;
    pos = NULL;
    st = ONC_OK;
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "positivity: out of memory for %zu arms", n_arms);
cleanup:
    onc_ps_positivity_free(pos);
    return st;
}
