/*
** stats/cox_robust.c -- robust (sandwich) variance of a Cox model and the
** robust score test, as R coxph(robust = TRUE) / cluster(id).
**
** Method: Lin and Wei (1989); grouped version Lee, Wei and Amato (1992).
** With L_i the score residual of row i (cox_residuals.c), w_i its case
** weight and V the model-based variance, the dfbeta residual is
**     D_i = w_i L_i V,
** summed within clusters (each row its own cluster when none is given), and
**     V_robust = sum_c D_c' D_c.
** The robust score test uses the weighted score residuals at the initial
** values, summed within clusters: U_c, U = sum U_c, T = U' (sum U_c'U_c)^-1 U.
** R computes those residuals with the linear predictor set to x.init when a
** cluster is given and to 0 otherwise -- in both cases leaving the offset
** out; that is reproduced (docs/methods/cox.md).
**
** Inputs: working data (cox_prep), the caller's data (for x, cluster
** labels), options (init, toler_chol), the fit (coef, var, linear predictor).
** Outputs: fit->robust_var (p x p), robust_se, n_clusters, robust_score_stat.
** Cost: O(n p^2) plus one O(n log n) sort of the cluster labels.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "stats/cox_internal.h"

/* Dense cluster index per position, or the position itself. */
static onc_status robust_cluster_index(const cox_prep *pp,
                                       const onc_cox_data *d, size_t *idx,
                                       size_t *nclus)
{
    size_t i;

    if (d->cluster != NULL)
        return cox_cluster_index(pp, d->cluster, idx, nclus);
    for (i = 0; i < pp->n; i++)
        idx[i] = i;
    *nclus = pp->n;
    return ONC_OK;
}

onc_status cox_robust_variance(const cox_prep *pp, const onc_cox_data *d,
                               const onc_cox_options *opt, onc_cox_fit *fit,
                               onc_error *err)
{
    size_t n = pp->n, p = pp->p, i, j, k, c, nclus = 0, np, ncp;
    double *lp = NULL, *resid = NULL, *agg = NULL, *u = NULL;
    size_t *cidx = NULL;
    int efron = fit->ties == ONC_TIES_EFRON, df = 0;
    onc_status st = ONC_OK;

    if (onc_mul_overflow(n, p, &np))
        goto nomem;
    lp = onc_mallocarray(n, sizeof *lp);
    resid = onc_mallocarray(np, sizeof *resid);
    cidx = onc_mallocarray(n, sizeof *cidx);
    u = onc_callocarray(p, sizeof *u);
    fit->robust_var = onc_callocarray(p * p, sizeof *fit->robust_var);
    fit->robust_se = onc_callocarray(p, sizeof *fit->robust_se);
    if (lp == NULL || resid == NULL || cidx == NULL || u == NULL ||
        fit->robust_var == NULL || fit->robust_se == NULL)
        goto nomem;
    if (robust_cluster_index(pp, d, cidx, &nclus) != ONC_OK)
        goto nomem;
    fit->n_clusters = nclus;
    if (onc_mul_overflow(nclus, p, &ncp))
        goto nomem;
    agg = onc_mallocarray(ncp, sizeof *agg);
    if (agg == NULL)
        goto nomem;

    /* dfbeta at the estimate */
    for (i = 0; i < n; i++)
        lp[i] = fit->linear_predictor[pp->row[i]];
    if (cox_score_residuals_sorted(pp, efron, lp, resid) != ONC_OK)
        goto nomem;
    memset(agg, 0, ncp * sizeof *agg);
    for (i = 0; i < n; i++) {
        double *a = agg + cidx[i] * p, w = pp->weight[i];
        for (j = 0; j < p; j++) {
            double v = 0;
            for (k = 0; k < p; k++)
                v += resid[i * p + k] * fit->var[k * p + j];
            a[j] += w * v;
        }
    }
    for (c = 0; c < nclus; c++) {
        const double *a = agg + c * p;
        for (j = 0; j < p; j++)
            for (k = 0; k <= j; k++)
                fit->robust_var[j * p + k] += a[j] * a[k];
    }
    for (j = 0; j < p; j++)
        for (k = 0; k < j; k++)
            fit->robust_var[k * p + j] = fit->robust_var[j * p + k];

    /* robust score test at the initial values (offset left out, as R) */
    for (i = 0; i < n; i++) {
        double z = 0;
        if (d->cluster != NULL && opt->init != NULL) {
            size_t r = pp->row[i];
            for (j = 0; j < p; j++)
                z += d->x[j * n + r] * opt->init[j];
        }
        lp[i] = z;
    }
    if (cox_score_residuals_sorted(pp, efron, lp, resid) != ONC_OK)
        goto nomem;
    memset(agg, 0, ncp * sizeof *agg);
    for (i = 0; i < n; i++) {
        double *a = agg + cidx[i] * p, w = pp->weight[i];
        for (j = 0; j < p; j++)
            a[j] += w * resid[i * p + j];
    }
    {
        double *s = onc_callocarray(p * p, sizeof *s);
        if (s == NULL)
            goto nomem;
        for (c = 0; c < nclus; c++) {
            const double *a = agg + c * p;
            for (j = 0; j < p; j++) {
                u[j] += a[j];
                for (k = 0; k <= j; k++)
                    s[j * p + k] += a[j] * a[k];
            }
        }
        for (j = 0; j < p; j++)
            for (k = 0; k < j; k++)
                s[k * p + j] = s[j * p + k];
        fit->robust_score_stat =
            cox_wald_quadratic(s, u, p, opt->toler_chol, &df);
        free(s);
        if (isnan(fit->robust_score_stat))
            goto nomem;
    }
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "robust variance: out of memory for %zu rows", n);
cleanup:
    free(lp);
    free(resid);
    free(agg);
    free(u);
    free(cidx);
    return st;
}
