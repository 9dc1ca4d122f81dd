/*
** rmst.c -- restricted mean survival time of a Kaplan-Meier curve and the
** between-group difference and ratio.
*/
#include <math.h>

#include <gsl/gsl_cdf.h>

#include "oncostat/km.h"

/*
** Restricted mean survival time up to tau.
**
** Method: the area under the Kaplan-Meier step function from the origin
** min(0, first time) to tau, with the variance of Miller (1981, section 3.3)
**   Var = sum over rows t_j <= tau of A_j^2 d_j / (n_j (n_j - d_j)),
**   A_j = integral of S from t_j to tau,
** where a row with n_j = d_j contributes 0.  This is R survival 3.5-3
** survmean() as used by print.survfit(fit, rmean = tau) -- no n/(n-1)
** factor -- and also the per-arm variance of survRM2::rmst2.  When tau is
** after the last row the curve is extended flat, as R does.  The interval
** is estimate -+ z SE (survRM2).
** Inputs: curve->rows (time, surv, n_risk, n_event); tau finite and not
** before the origin; conf_level in (0, 1).
** Output: *out.  NaN policy: an empty curve gives NaN estimates.
*/
onc_status onc_rmst_estimate(const onc_km_curve *curve, double tau,
                             double conf_level, onc_rmst *out, onc_error *err)
{
    const onc_km_row *rows;
    double start, area = 0.0, var = 0.0, tail, z;
    size_t k, j;

    if (curve == NULL || out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_rmst_estimate: missing argument");
    if (!(conf_level > 0.0 && conf_level < 1.0))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "confidence level must be between 0 and 1");
    if (!isfinite(tau))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "RMST tau must be a finite number");
    out->tau = tau;
    out->estimate = out->se = out->lower = out->upper = NAN;
    if (curve->n_rows == 0)
        return ONC_OK;
    rows = curve->rows;
    start = fmin(0.0, rows[0].time);
    if (tau < start)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "RMST tau %g is before the time origin %g", tau,
                             start);
    for (k = 0; k < curve->n_rows && rows[k].time <= tau; k++)
        ;
    if (k == 0) {
        area = tau - start;
    } else {
        area = (rows[0].time - start) * 1.0;
        for (j = 1; j < k; j++)
            area += (rows[j].time - rows[j - 1].time) * rows[j - 1].surv;
        area += (tau - rows[k - 1].time) * rows[k - 1].surv;
        /* A_j accumulated from tau backwards, the order R's cumsum(rev())
        ** uses. */
        tail = (tau - rows[k - 1].time) * rows[k - 1].surv;
        for (j = k; j-- > 0;) {
            double n = rows[j].n_risk, d = rows[j].n_event;
            double hh = n - d == 0.0 ? 0.0 : d / (n * (n - d));

            var += tail * tail * hh;
            if (j > 0)
                tail += (rows[j].time - rows[j - 1].time) * rows[j - 1].surv;
        }
    }
    z = gsl_cdf_ugaussian_Pinv(1.0 - (1.0 - conf_level) / 2.0);
    out->estimate = area + start;
    out->se = sqrt(var);
    out->lower = out->estimate - z * out->se;
    out->upper = out->estimate + z * out->se;
    return ONC_OK;
}

/* Two-sided normal P for an estimate and its SE; NaN when undefined. */
static double rmst_wald_p(double estimate, double se)
{
    if (!(se > 0.0) || !isfinite(se) || !isfinite(estimate))
        return NAN;
    return 2.0 * gsl_cdf_ugaussian_Q(fabs(estimate) / se);
}

/*
** RMST difference and ratio between two independent groups.
**
** Method: survRM2::rmst2 (Uno et al. 2014; Royston & Parmar 2013):
**   diff = a - b, SE = sqrt(se_a^2 + se_b^2), CI diff -+ z SE;
**   log ratio = log a - log b, SE = sqrt(se_a^2/a^2 + se_b^2/b^2),
**   CI exp(log ratio -+ z SE); P two-sided normal on each scale.
** Inputs: two onc_rmst with the same tau; conf_level in (0, 1).
** NaN policy: NaN inputs propagate; the ratio is NaN unless a, b > 0.
*/
onc_status onc_rmst_compare(const onc_rmst *a, const onc_rmst *b,
                            double conf_level, onc_rmst_comparison *out,
                            onc_error *err)
{
    double z, log_ratio;

    if (a == NULL || b == NULL || out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_rmst_compare: missing argument");
    if (!(conf_level > 0.0 && conf_level < 1.0))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "confidence level must be between 0 and 1");
    if (!(a->tau == b->tau))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "RMST of the two groups use different tau");
    z = gsl_cdf_ugaussian_Pinv(1.0 - (1.0 - conf_level) / 2.0);
    out->tau = a->tau;
    out->diff = a->estimate - b->estimate;
    out->diff_se = sqrt(a->se * a->se + b->se * b->se);
    out->diff_lower = out->diff - z * out->diff_se;
    out->diff_upper = out->diff + z * out->diff_se;
    out->diff_p = rmst_wald_p(out->diff, out->diff_se);
    if (a->estimate > 0.0 && b->estimate > 0.0) {
        log_ratio = log(a->estimate) - log(b->estimate);
        out->log_ratio_se = sqrt(a->se * a->se / (a->estimate * a->estimate) +
                                 b->se * b->se / (b->estimate * b->estimate));
        out->ratio = exp(log_ratio);
        out->ratio_lower = exp(log_ratio - z * out->log_ratio_se);
        out->ratio_upper = exp(log_ratio + z * out->log_ratio_se);
        out->ratio_p = rmst_wald_p(log_ratio, out->log_ratio_se);
    } else {
        out->ratio = out->log_ratio_se = NAN;
        out->ratio_lower = out->ratio_upper = out->ratio_p = NAN;
    }
    return ONC_OK;
}
