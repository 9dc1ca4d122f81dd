/*
** balance.c -- covariate balance: standardised mean differences (SMD) and
** variance ratios before and after weighting or matching.
**
** Definitions (Austin 2009, Stat Med 28:3083; those of cobalt::bal.tab with
** binary = "std", as implemented by its col_w_smd, col_w_vr and
** .compute_s.d.denom):
**   mean       sum(w x) / sum(w) within an arm (w = 1 before adjustment)
**   variance   continuous: with w scaled to sum to 1,
**                sum(w (x - m)^2) / (1 - sum(w^2)), i.e. n - 1 unweighted;
**              binary and factor levels: m (1 - m) from the proportion m
**   SMD        (mean_first - mean_second) / s, the same s before and after
**              adjustment, computed in the UNWEIGHTED sample:
**                ATT                s = SD of the focal arm
**                ATE, overlap (ATO) s = sqrt(mean of the variances of ALL
**                                   arms), also for a pair of three arms
**              A zero or non-finite s is replaced by the SD of all patients;
**              a difference below sqrt(DBL_EPSILON) is reported as it is,
**              unstandardised (both as cobalt does).
**   variance ratio  var_first / var_second with the (weighted) variances;
**              continuous variables only.
**   summary    for each row the largest |SMD| over the comparisons made,
**              flagged when above the threshold (0.1, Normand et al. 2001).
*/
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "oncostat/ps.h"

/* Factor levels per variable beyond which a "factor" is surely an id. */
#define BALANCE_MAX_LEVELS 1000
/* Rows of the table (variables plus factor levels). */
#define BALANCE_MAX_ROWS 100000

void onc_balance_options_init(onc_balance_options *opt)
{
    if (opt == NULL)
        return;
    opt->estimand = ONC_PS_ATE;
    opt->treated_arm = 1;
    opt->reference_arm = 0;
    opt->all_pairs = 0;
    opt->threshold = 0.1;
}

void onc_balance_free(onc_balance_table *t)
{
    if (t == NULL)
        return;
    free(t->row_variable);
    free(t->row_level);
    free(t->row_binary);
    free(t->first_arm);
    free(t->second_arm);
    free(t->n_arm);
    free(t->ess);
    free(t->mean_before);
    free(t->mean_after);
    free(t->sd);
    free(t->smd_before);
    free(t->smd_after);
    free(t->variance_ratio_before);
    free(t->variance_ratio_after);
    free(t->max_smd_before);
    free(t->max_smd_after);
    free(t->imbalanced_before);
    free(t->imbalanced_after);
    free(t);
}

static const char *balance_name(const char *const *names, size_t j, char *buf,
                                size_t cap)
{
    if (names != NULL && names[j] != NULL)
        return names[j];
    onc_strlcpy(buf, "variable", cap);
    return buf;
}

static onc_status balance_check(const double *x, size_t n, size_t n_vars,
                                const onc_balance_type *types,
                                const size_t *n_levels, const char *const *names,
                                const int *arm, size_t n_arms,
                                const double *weights,
                                const onc_balance_options *opt, size_t *n_rows,
                                onc_error *err)
{
    size_t i, j, rows = 0;
    char buf[32];

    if (x == NULL || types == NULL || arm == NULL || n == 0 || n_vars == 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "balance needs covariates, their types and arms");
    if (n_arms < 2 || n_arms > ONC_PS_MAX_ARMS)
        return onc_error_set(err, n_arms < 2 ? ONC_ERR_USAGE : ONC_ERR_LIMIT, NULL, 0,
                             0, NULL, "the number of arms must lie in 2 .. %d, not %zu",
                             ONC_PS_MAX_ARMS, n_arms);
    if (opt->estimand != ONC_PS_ATE && opt->estimand != ONC_PS_ATT &&
        opt->estimand != ONC_PS_OVERLAP)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL, "unknown estimand %d",
                             (int)opt->estimand);
    if (opt->estimand == ONC_PS_ATT &&
        (opt->treated_arm < 0 || (size_t)opt->treated_arm >= n_arms))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "the focal arm %d is not among the %zu arms",
                             opt->treated_arm, n_arms);
    if (opt->estimand != ONC_PS_ATT && !opt->all_pairs &&
        (opt->reference_arm < 0 || (size_t)opt->reference_arm >= n_arms))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "the reference arm %d is not among the %zu arms",
                             opt->reference_arm, n_arms);
    if (!isfinite(opt->threshold) || opt->threshold < 0.0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "the SMD threshold must be finite and non-negative");
    for (j = 0; j < n_vars; j++) {
        const char *name = balance_name(names, j, buf, sizeof buf);

        switch (types[j]) {
        case ONC_BALANCE_CONTINUOUS:
        case ONC_BALANCE_BINARY:
            rows++;
            break;
        case ONC_BALANCE_FACTOR:
            if (n_levels == NULL || n_levels[j] < 1 || n_levels[j] > BALANCE_MAX_LEVELS)
                return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, name,
                                     "a factor needs 1 .. %d levels", BALANCE_MAX_LEVELS);
            rows += n_levels[j];
            break;
        default:
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, name,
                                 "unknown variable type %d", (int)types[j]);
        }
        if (rows > BALANCE_MAX_ROWS)
            return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                                 "the balance table would exceed %d rows",
                                 BALANCE_MAX_ROWS);
        for (i = 0; i < n; i++) {
            double v = x[j * n + i];

            if (!isfinite(v))
                return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, name,
                                     "the value is %g", v);
            if (types[j] == ONC_BALANCE_BINARY && v != 0.0 && v != 1.0)
                return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, name,
                                     "a binary variable must be 0 or 1, found %g", v);
            if (types[j] == ONC_BALANCE_FACTOR &&
                (v < 0.0 || v >= (double)n_levels[j] || v != floor(v)))
                return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, name,
                                     "a factor code must be a whole number in 0 .. %zu, "
                                     "found %g", n_levels[j] - 1, v);
        }
    }
    for (i = 0; i < n; i++) {
        if (arm[i] < 0 || (size_t)arm[i] >= n_arms)
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "arm",
                                 "arm code %d is outside 0 .. %zu", arm[i], n_arms - 1);
        if (weights != NULL && (!isfinite(weights[i]) || weights[i] < 0.0))
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "weight",
                                 "weights must be finite and non-negative, found %g",
                                 weights[i]);
    }
    *n_rows = rows;
    return ONC_OK;
}

/* Value of table row (variable j, level l; l < 0 for a plain column). */
static double balance_value(const double *col, long level, size_t i)
{
    return level < 0 ? col[i] : (double)(col[i] == (double)level);
}

/*
** Per-arm means and variances of one row, weighted by w (NULL = 1).
** Variances follow cobalt's col.w.v; NaN where undefined.
*/
static void balance_moments(const double *col, long level, int binary,
                            const int *arm, size_t n, size_t k,
                            const double *w, double *mean, double *var,
                            double *sw, double *sw2, size_t *nz)
{
    size_t i, a;

    for (a = 0; a < k; a++) {
        mean[a] = 0.0;
        var[a] = 0.0;
        sw[a] = 0.0;
        sw2[a] = 0.0;
        nz[a] = 0;
    }
    for (i = 0; i < n; i++) {
        double wi = w != NULL ? w[i] : 1.0;

        a = (size_t)arm[i];
        mean[a] += wi * balance_value(col, level, i);
        sw[a] += wi;
        sw2[a] += wi * wi;
        nz[a] += wi != 0.0;
    }
    for (a = 0; a < k; a++)
        mean[a] = sw[a] > 0.0 ? mean[a] / sw[a] : NAN;
    if (binary) {
        for (a = 0; a < k; a++)
            var[a] = mean[a] * (1.0 - mean[a]);
        return;
    }
    for (i = 0; i < n; i++) {
        double wi = w != NULL ? w[i] : 1.0, d;

        a = (size_t)arm[i];
        if (wi == 0.0 || !(sw[a] > 0.0))
            continue;
        d = balance_value(col, level, i) - mean[a];
        var[a] += wi * d * d;
    }
    for (a = 0; a < k; a++) {
        /* sum(v (x-m)^2) / (1 - sum(v^2)) with v = w / sum(w). */
        double denom = 1.0 - sw2[a] / (sw[a] * sw[a]);

        var[a] = nz[a] >= 2 && denom > 0.0 ? var[a] / sw[a] / denom : NAN;
    }
}

/* Variance of all patients, unweighted (the fallback standardiser). */
static double balance_overall_var(const double *col, long level, int binary,
                                  size_t n)
{
    double s = 0.0, ss = 0.0, m;
    size_t i;

    for (i = 0; i < n; i++)
        s += balance_value(col, level, i);
    m = s / (double)n;
    if (binary)
        return m * (1.0 - m);
    if (n < 2)
        return NAN;
    for (i = 0; i < n; i++) {
        double d = balance_value(col, level, i) - m;

        ss += d * d;
    }
    return ss / (double)(n - 1);
}

static double balance_smd(double diff, double sd)
{
    if (isnan(diff))
        return NAN;
    if (fabs(diff) < sqrt(DBL_EPSILON))
        return diff;
    return sd > 0.0 && isfinite(sd) ? diff / sd : NAN;
}

static double balance_ratio(double num, double den)
{
    return isfinite(num) && isfinite(den) && den > 0.0 ? num / den : NAN;
}

/*
** Specification
**   Inputs:  x (n x n_vars raw covariates, column-major), types, n_levels
**            (factors), names (or NULL), arm (n codes 0..n_arms-1), weights
**            (n, >= 0, or NULL), opt (or NULL: ATE against arm 0, 0.1).
**   Output:  *out (free with onc_balance_free): one row per variable or
**            factor level with arm means, the standardising SD, SMDs and
**            variance ratios per comparison before and after weighting,
**            the largest |SMD| and its flag; ESS per arm after weighting.
**   Preconditions: every arm has patients; for ATT the focal arm exists.
**   NaN policy: a NaN covariate or weight is an ONC_ERR_DATA error naming
**            the row and variable; undefined statistics are NaN.
**   Reference: cobalt::bal.tab (binary = "std"), computed by hand in
**            tests/golden/stats/ps_balance.R.
*/
onc_status onc_balance_compute(const double *x, size_t n, size_t n_vars,
                               const onc_balance_type *types,
                               const size_t *n_levels,
                               const char *const *names, const int *arm,
                               size_t n_arms, const double *weights,
                               const onc_balance_options *opt,
                               onc_balance_table **out, onc_error *err)
{
    onc_status st;
    onc_balance_options def;
    onc_balance_table *t = NULL;
    size_t k = n_arms, rows = 0, nc, c, r, j, a, i;
    double m0[ONC_PS_MAX_ARMS], v0[ONC_PS_MAX_ARMS], m1[ONC_PS_MAX_ARMS];
    double v1[ONC_PS_MAX_ARMS], sw[ONC_PS_MAX_ARMS], sw2[ONC_PS_MAX_ARMS];
    size_t nz[ONC_PS_MAX_ARMS];

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_balance_compute: out is NULL");
    *out = NULL;
    if (opt == NULL) {
        onc_balance_options_init(&def);
        opt = &def;
    }
    st = balance_check(x, n, n_vars, types, n_levels, names, arm, n_arms, weights,
                       opt, &rows, err);
    if (st != ONC_OK)
        return st;
    if (opt->estimand == ONC_PS_ATT || !opt->all_pairs)
        nc = k - 1;
    else
        nc = k * (k - 1) / 2;

    t = calloc(1, sizeof *t);
    if (t == NULL)
        goto nomem;
    t->n_rows = rows;
    t->n_arms = k;
    t->n_comparisons = nc;
    t->adjusted = weights != NULL;
    t->row_variable = onc_mallocarray(rows, sizeof *t->row_variable);
    t->row_level = onc_mallocarray(rows, sizeof *t->row_level);
    t->row_binary = onc_mallocarray(rows, sizeof *t->row_binary);
    t->first_arm = onc_mallocarray(nc, sizeof *t->first_arm);
    t->second_arm = onc_mallocarray(nc, sizeof *t->second_arm);
    t->n_arm = onc_callocarray(k, sizeof *t->n_arm);
    t->ess = onc_mallocarray(k, sizeof *t->ess);
    t->mean_before = onc_mallocarray(k, rows * sizeof *t->mean_before);
    t->mean_after = onc_mallocarray(k, rows * sizeof *t->mean_after);
    t->sd = onc_mallocarray(rows, sizeof *t->sd);
    t->smd_before = onc_mallocarray(nc, rows * sizeof *t->smd_before);
    t->smd_after = onc_mallocarray(nc, rows * sizeof *t->smd_after);
    t->variance_ratio_before = onc_mallocarray(nc, rows * sizeof *t->smd_before);
    t->variance_ratio_after = onc_mallocarray(nc, rows * sizeof *t->smd_before);
    t->max_smd_before = onc_mallocarray(rows, sizeof *t->max_smd_before);
    t->max_smd_after = onc_mallocarray(rows, sizeof *t->max_smd_after);
    t->imbalanced_before = onc_callocarray(rows, sizeof *t->imbalanced_before);
    t->imbalanced_after = onc_callocarray(rows, sizeof *t->imbalanced_after);
    if (t->row_variable == NULL || t->row_level == NULL || t->row_binary == NULL ||
        t->first_arm == NULL || t->second_arm == NULL || t->n_arm == NULL ||
        t->ess == NULL || t->mean_before == NULL || t->mean_after == NULL ||
        t->sd == NULL || t->smd_before == NULL || t->smd_after == NULL ||
        t->variance_ratio_before == NULL || t->variance_ratio_after == NULL ||
        t->max_smd_before == NULL || t->max_smd_after == NULL ||
        t->imbalanced_before == NULL || t->imbalanced_after == NULL)
        goto nomem;

    for (i = 0; i < n; i++)
        t->n_arm[arm[i]]++;
    for (a = 0; a < k; a++)
        if (t->n_arm[a] == 0) {
            st = onc_error_set(err, ONC_ERR_DATA, NULL, 0, 0, "arm",
                               "arm %zu has no patients", a);
            goto cleanup;
        }

    /* Comparisons, in cobalt's order for all pairs: 1-0, 2-0, 2-1, ... */
    c = 0;
    if (opt->estimand == ONC_PS_ATT) {
        for (a = 0; a < k; a++)
            if ((int)a != opt->treated_arm) {
                t->first_arm[c] = opt->treated_arm;
                t->second_arm[c++] = (int)a;
            }
    } else if (opt->all_pairs) {
        size_t b;

        for (b = 0; b < k; b++)
            for (a = b + 1; a < k; a++) {
                t->first_arm[c] = (int)a;
                t->second_arm[c++] = (int)b;
            }
    } else {
        for (a = 0; a < k; a++)
            if ((int)a != opt->reference_arm) {
                t->first_arm[c] = (int)a;
                t->second_arm[c++] = opt->reference_arm;
            }
    }

    /* Effective sample size per arm after weighting. */
    for (a = 0; a < k; a++) {
        sw[a] = 0.0;
        sw2[a] = 0.0;
    }
    for (i = 0; i < n; i++) {
        double wi = weights != NULL ? weights[i] : 1.0;

        sw[arm[i]] += wi;
        sw2[arm[i]] += wi * wi;
    }
    for (a = 0; a < k; a++)
        t->ess[a] = sw2[a] > 0.0 ? sw[a] * sw[a] / sw2[a] : NAN;

    r = 0;
    for (j = 0; j < n_vars; j++) {
        size_t nl = types[j] == ONC_BALANCE_FACTOR ? n_levels[j] : 1, l;
        const double *col = x + j * n;

        for (l = 0; l < nl; l++, r++) {
            long level = types[j] == ONC_BALANCE_FACTOR ? (long)l : -1;
            int binary = types[j] != ONC_BALANCE_CONTINUOUS;
            double sd, mx0 = NAN, mx1 = NAN;

            t->row_variable[r] = j;
            t->row_level[r] = (int)level;
            t->row_binary[r] = binary;
            balance_moments(col, level, binary, arm, n, k, NULL, m0, v0, sw, sw2, nz);
            if (weights != NULL)
                balance_moments(col, level, binary, arm, n, k, weights, m1, v1, sw,
                                sw2, nz);
            else
                for (a = 0; a < k; a++) {
                    m1[a] = m0[a];
                    v1[a] = v0[a];
                }
            if (opt->estimand == ONC_PS_ATT) {
                sd = sqrt(v0[opt->treated_arm]);
            } else {
                double s = 0.0;

                for (a = 0; a < k; a++)
                    s += v0[a];
                sd = sqrt(s / (double)k);
            }
            if (!isfinite(sd) || fabs(sd) < sqrt(DBL_EPSILON))
                sd = sqrt(balance_overall_var(col, level, binary, n));
            t->sd[r] = sd;
            for (a = 0; a < k; a++) {
                t->mean_before[a * rows + r] = m0[a];
                t->mean_after[a * rows + r] = m1[a];
            }
            for (c = 0; c < nc; c++) {
                int f = t->first_arm[c], s = t->second_arm[c];
                double sb = balance_smd(m0[f] - m0[s], sd);
                double sa = balance_smd(m1[f] - m1[s], sd);

                t->smd_before[c * rows + r] = sb;
                t->smd_after[c * rows + r] = sa;
                t->variance_ratio_before[c * rows + r] =
                    binary ? NAN : balance_ratio(v0[f], v0[s]);
                t->variance_ratio_after[c * rows + r] =
                    binary ? NAN : balance_ratio(v1[f], v1[s]);
                if (!isnan(sb) && (isnan(mx0) || fabs(sb) > mx0))
                    mx0 = fabs(sb);
                if (!isnan(sa) && (isnan(mx1) || fabs(sa) > mx1))
                    mx1 = fabs(sa);
            }
            t->max_smd_before[r] = mx0;
            t->max_smd_after[r] = mx1;
            t->imbalanced_before[r] = mx0 > opt->threshold;
            t->imbalanced_after[r] = mx1 > opt->threshold;
            t->n_imbalanced_before += (size_t)t->imbalanced_before[r];
            t->n_imbalanced_after += (size_t)t->imbalanced_after[r];
        }
    }
    *out = t;
    t = NULL;
    st = ONC_OK;
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "balance: out of memory for %zu rows", rows);
cleanup:
    onc_balance_free(t);
    return st;
}
