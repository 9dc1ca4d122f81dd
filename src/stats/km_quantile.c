/*
** km_quantile.c -- quantiles of a Kaplan-Meier curve with Brookmeyer-
** Crowley confidence limits (R quantile.survfit), and the SPSS-style
** median with a Wald interval.
*/
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "oncostat/km.h"
#include "core/internal.h"

/* R's default sqrt(.Machine$double.eps) = 2^-26, wide enough to absorb the
** round-off in products such as (19/20)(18/19)...(10/11) = 0.5. */
#define KM_QUANTILE_TOL 1.4901161193847656e-08

/* Equal as R's duplicated() sees it: NaN equals NaN. */
static int km_same(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/*
** The value of the last element of y that survives R's y[!duplicated(y)],
** i.e. the last element whose value does not occur earlier.  Curves are
** monotone except for capped or plain bands, so a value almost always
** differs from its predecessor or its run started the search; the inner
** scan then runs once or twice.
*/
static double km_last_distinct(size_t m, const double *y)
{
    size_t i = m, j;

    while (i-- > 0) {
        int dup = 0;

        if (i > 0 && km_same(y[i], y[i - 1]))
            continue;
        for (j = 0; j + 1 < i && !dup; j++)
            dup = km_same(y[j], y[i]);
        if (!dup)
            return y[i];
    }
    return NAN;
}

/*
** Index of the smallest y[i] + shift that is >= p, the first such index
** among equal values, or m if there is none or if p lies below every
** y[i] + shift.  This is what R's approx(y + shift, 1:n, p,
** method = "constant", f = 1) returns on de-duplicated y: approx sorts its
** x values and returns the point at or just after p, NA outside the range.
*/
static size_t km_first_at_or_above(size_t m, const double *y, double shift,
                                   double p)
{
    size_t i, best = m;
    double best_v = 0.0, lowest = INFINITY;

    for (i = 0; i < m; i++) {
        double v;

        if (isnan(y[i]))
            continue;
        v = y[i] + shift;
        if (v < lowest)
            lowest = v;
        if (v >= p && (best == m || v < best_v)) {
            best = i;
            best_v = v;
        }
    }
    if (p < lowest)
        return m;
    return best;
}

/*
** R survival:::findq(x, y, p, tol) for all probabilities at once.
** x: m increasing times starting with the origin 0; y: m values of
** 1 - S(x) (or of 1 - a band) starting with 0, NaN = NA.  The quantile is
** the first x where y reaches p; where y equals p (within tol) over an
** interval, the midpoint of that interval; where the curve ends exactly at
** p, the midpoint between where it reached p and the last time.
*/
static void km_findq(size_t m, const double *x, const double *y, size_t n_p,
                     const double *p, double *quant)
{
    double ymax = -INFINITY, pmin = INFINITY, ylast, xmax = x[m - 1];
    size_t i, k;

    for (i = 0; i < m; i++)
        if (!isnan(y[i]) && y[i] > ymax)
            ymax = y[i];
    for (k = 0; k < n_p; k++)
        if (p[k] < pmin)
            pmin = p[k];
    /* R's shortcut compares with the smallest requested p and without the
    ** tolerance: a curve ending a hair above 1 - p gives NA. */
    if (ymax < pmin) {
        for (k = 0; k < n_p; k++)
            quant[k] = NAN;
        return;
    }
    ylast = km_last_distinct(m, y);
    for (k = 0; k < n_p; k++) {
        size_t i1 = km_first_at_or_above(m, y, KM_QUANTILE_TOL, p[k]);
        size_t i2 = km_first_at_or_above(m, y, -KM_QUANTILE_TOL, p[k]);

        quant[k] = i1 < m && i2 < m ? (x[i1] + x[i2]) / 2.0 : NAN;
        if (p[k] == 0.0)
            quant[k] = x[0];
        if (!isnan(ylast) && fabs(p[k] - ylast) < KM_QUANTILE_TOL)
            quant[k] = i1 < m ? (x[i1] + xmax) / 2.0 : NAN;
    }
}

/*
** Quantiles of a Kaplan-Meier curve with Brookmeyer-Crowley limits.
**
** Method: Brookmeyer & Crowley (1982), generalised to transformed bands
** (Klein & Moeschberger 2003, section 4.5): the quantile t_p is where the
** curve first reaches S = 1 - p and its limits are where the lower and
** upper pointwise bands do.  Exactly R survival 3.5-3 quantile.survfit
** (findq/doquant): the origin x = 0, y = 1 - S, the tolerance
** sqrt(DBL_EPSILON), the midpoint rule on flat stretches, the end-of-curve
** rule, and the all-NA shortcut when the curve never reaches the smallest
** requested p.  Note that R print.survfit uses a different rule for a curve
** that ends flat at exactly 0.5 (the left end); this follows
** quantile.survfit.
** Inputs: curve->rows (n_rows; time, surv, lower, upper); p: n_p values.
** Output: out[i] for p[i].
** NaN policy: NaN band values are skipped like R's NA; a quantile the
** curve or a band never reaches is NaN.
*/
onc_status onc_km_quantiles(const onc_km_curve *curve, size_t n_p,
                            const double *p, onc_km_quantile *out,
                            onc_error *err)
{
    double *x = NULL, *y = NULL, *q = NULL;
    size_t m, i, k;
    onc_status st = ONC_OK;

    if (curve == NULL || (n_p > 0 && (p == NULL || out == NULL)))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_km_quantiles: missing argument");
    for (k = 0; k < n_p; k++) {
        if (!(p[k] >= 0.0 && p[k] <= 1.0))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "quantile %zu must be between 0 and 1",
                                 k + 1);
        out[k].p = p[k];
        out[k].estimate = out[k].lower = out[k].upper = NAN;
    }
    if (curve->n_rows == 0 || n_p == 0)
        return ONC_OK;
    if (curve->n_rows >= SIZE_MAX / sizeof(double) - 1)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "curve too long");
    m = curve->n_rows + 1;
    x = onc_mallocarray(m, sizeof *x);
    y = onc_mallocarray(m, sizeof *y);
    q = onc_mallocarray(n_p, sizeof *q);
    if (x == NULL || y == NULL || q == NULL) {
        st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                           "out of memory for quantiles");
        goto cleanup;
    }
    x[0] = 0.0;
    y[0] = 0.0;
    for (i = 0; i < curve->n_rows; i++)
        x[i + 1] = curve->rows[i].time;

    for (i = 0; i < curve->n_rows; i++)
        y[i + 1] = 1.0 - curve->rows[i].surv;
    km_findq(m, x, y, n_p, p, q);
    for (k = 0; k < n_p; k++)
        out[k].estimate = q[k];

    /* The lower band reaches 1 - p first: it gives the lower limit. */
    for (i = 0; i < curve->n_rows; i++)
        y[i + 1] = 1.0 - curve->rows[i].lower;
    km_findq(m, x, y, n_p, p, q);
    for (k = 0; k < n_p; k++)
        out[k].lower = q[k];

    for (i = 0; i < curve->n_rows; i++)
        y[i + 1] = 1.0 - curve->rows[i].upper;
    km_findq(m, x, y, n_p, p, q);
    for (k = 0; k < n_p; k++)
        out[k].upper = q[k];

cleanup:
    free(x);
    free(y);
    free(q);
    return st;
}

/*
** Median survival with the Wald interval SPSS KM is reported to print.
**
** Method (Collett 2003, section 2.4; Klein & Moeschberger 2003, practical
** note 4.3): median = first event time with S <= 0.5;
**   SE = [Greenwood SE of S at the median] / f,
**   f  = (S(u) - S(l)) / (l - u), u = last event time with S >= 0.5 + eps
**        (0 with S = 1 if none), l = first event time with S <= 0.5 - eps;
**   CI = median -+ z SE, symmetric and not truncated at 0.
** This reproduces the appendix function of the project's research note on
** median CIs; that SPSS uses exactly these brackets is not verified.
** Inputs: curve->rows; conf_level in (0,1); epsilon in (0, 0.5).
** NaN policy: all NaN when the median is not reached; SE and limits NaN
** when no event time has S <= 0.5 - eps or the SE is not finite.
*/
onc_status onc_km_median_spss(const onc_km_curve *curve, double conf_level,
                              double epsilon, onc_km_spss_median *out,
                              onc_error *err)
{
    const double p = 0.5;
    const onc_km_row *median = NULL, *upper_row = NULL, *lower_row = NULL;
    double su = 1.0, u = 0.0, se, density, z;
    size_t i;

    if (curve == NULL || out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_km_median_spss: missing argument");
    if (!(conf_level > 0.0 && conf_level < 1.0) ||
        !(epsilon > 0.0 && epsilon < 0.5))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_km_median_spss: invalid level or bracket");
    out->estimate = out->se = out->lower = out->upper = NAN;
    for (i = 0; i < curve->n_rows; i++) {
        const onc_km_row *r = &curve->rows[i];

        if (!(r->n_event > 0.0))
            continue;
        if (median == NULL && r->surv <= 1 - p)
            median = r;
        if (r->surv >= 1 - p + epsilon)
            upper_row = r;
        if (lower_row == NULL && r->surv <= 1 - p - epsilon)
            lower_row = r;
    }
    if (median == NULL)
        return ONC_OK;
    out->estimate = median->time;
    if (lower_row == NULL)
        return ONC_OK;
    if (upper_row != NULL) {
        u = upper_row->time;
        su = upper_row->surv;
    }
    if (!(lower_row->time > u))
        return ONC_OK;
    density = (su - lower_row->surv) / (lower_row->time - u);
    if (!(density > 0.0))
        return ONC_OK;
    se = median->surv * median->std_err_log / density;
    if (!isfinite(se))
        return ONC_OK;
    z = gsl_cdf_ugaussian_Pinv(1.0 - (1.0 - conf_level) / 2.0);
    out->se = se;
    out->lower = out->estimate - z * se;
    out->upper = out->estimate + z * se;
    return ONC_OK;
}
