/*
** stats/cox_residuals.c -- residuals of a Cox model, as R residuals.coxph.
**
** Method (Therneau, Grambsch and Fleming 1990; Therneau and Grambsch 2000,
** ch. 4).  With risk scores r_i = exp(lp_i), weighted risk-set sums
** S0(t) = sum w r, S1(t) = sum w r x, and at an event time t with d events of
** total weight dw, the hazard increments and mean covariates of the d Efron
** terms (k = 0 .. d-1, f_k = k/d; Breslow: one term with f = 0):
**     h_k = (dw/d) / (S0 - f_k D0),   m_k = (S1 - f_k D1) / (S0 - f_k D0)
** (D0, D1 the sums over the tied events).  Per time:
**     T1 = sum h_k, T2 = sum (1 - f_k) h_k,
**     M1 = sum m_k h_k, M2 = sum (1 - f_k) m_k h_k, M3 = mean of m_k.
** Then for subject i
**     martingale  delta_i - r_i [sum over its risk times of T1]
**                 (T2 replaces T1 at its own event time)
**     score       delta_i (x_i - M3) - r_i sum (x_i T1 - M1)
**                 (at its own event time: - r_i (x_i T2 - M2))
**     Schoenfeld  x_i - M3 at each event
** which are R's coxmart/agmart3, coxscore2/agscore2 and coxscho.  The sums
** over risk times are taken as differences of running totals recorded when
** the subject enters and leaves the risk set, so every residual type costs
** O(n p) after the sort -- R's score residual code is O(n x events).
** Exact-ties fits use Breslow increments for martingale residuals and have no
** score-type residuals (as R).
**
** Inputs: the data of the fit (onc_cox_data, n rows) and the fit.  Outputs:
** onc_cox_residuals (see cox.h).  NaN policy: inputs were validated by the
** fit; aliased coefficients contribute 0 to the linear predictor.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "stats/cox_internal.h"

static double resid_shift(const double *lp, size_t b, size_t e)
{
    double mean = 0, mx = -INFINITY;
    size_t i;

    for (i = b; i < e; i++) {
        mean += lp[i];
        if (lp[i] > mx)
            mx = lp[i];
    }
    mean /= (double)(e - b);
    if (!isfinite(mean))
        return 0;
    return mx - mean > 500 ? mx - 500 : mean;
}

/*
** The common walk.  lp: n, by position.  Outputs by position, each optional:
** mart (n), score (n x p row-major), sch (n x p row-major, event rows only).
** efron: 1 for Efron increments.
*/
static onc_status resid_sweep(const cox_prep *pp, int efron, const double *lp,
                              double *mart, double *score, double *sch)
{
    size_t n = pp->n, p = pp->p, blk, i, j, k;
    double *buf, *s1, *d1, *cm, *mh1, *mh2, *mh3, *m, *r;

    buf = onc_callocarray(7 * p + 1, sizeof *buf);
    r = onc_mallocarray(n, sizeof *r);
    if (buf == NULL || r == NULL) {
        free(buf);
        free(r);
        return ONC_ERR_NOMEM;
    }
    s1 = buf;
    d1 = s1 + p;
    cm = d1 + p;
    mh1 = cm + p;
    mh2 = mh1 + p;
    mh3 = mh2 + p;
    m = mh3 + p;

    if (mart)
        memset(mart, 0, n * sizeof *mart);
    if (score)
        memset(score, 0, n * p * sizeof *score);
    if (sch)
        memset(sch, 0, n * p * sizeof *sch);

    for (blk = 0; blk < pp->n_strata; blk++) {
        size_t b = pp->block[blk], e = pp->block[blk + 1];
        size_t rptr = e, nrisk = 0;
        double shift = resid_shift(lp, b, e);
        double s0 = 0, ct = 0;

        for (i = b; i < e; i++)
            r[i] = exp(lp[i] - shift);
        memset(s1, 0, p * sizeof *s1);
        memset(cm, 0, p * sizeof *cm);

        i = e;
        while (i > b) {
            double t = pp->time[i - 1], dw = 0, d0 = 0;
            size_t g = i - 1, nd = 0;

            if (pp->counting) {
                while (rptr > b && pp->start[pp->start_order[rptr - 1]] >= t) {
                    size_t q = pp->start_order[--rptr];
                    const double *xq = pp->x + q * p;
                    double wr = pp->weight[q] * r[q];
                    nrisk--;
                    if (nrisk == 0) {
                        s0 = 0;
                        memset(s1, 0, p * sizeof *s1);
                    } else {
                        s0 -= wr;
                        for (j = 0; j < p; j++)
                            s1[j] -= wr * xq[j];
                    }
                    if (mart)
                        mart[q] -= r[q] * ct;
                    if (score)
                        for (j = 0; j < p; j++)
                            score[q * p + j] -= r[q] * (xq[j] * ct - cm[j]);
                }
            }
            while (g > b && pp->time[g - 1] == t)
                g--;
            memset(d1, 0, p * sizeof *d1);
            for (k = g; k < i; k++) {
                const double *xk = pp->x + k * p;
                double wr = pp->weight[k] * r[k];
                nrisk++;
                s0 += wr;
                for (j = 0; j < p; j++)
                    s1[j] += wr * xk[j];
                if (mart)
                    mart[k] += r[k] * ct;
                if (score)
                    for (j = 0; j < p; j++)
                        score[k * p + j] += r[k] * (xk[j] * ct - cm[j]);
                if (pp->event[k]) {
                    nd++;
                    dw += pp->weight[k];
                    d0 += wr;
                    for (j = 0; j < p; j++)
                        d1[j] += wr * xk[j];
                }
            }
            if (nd > 0) {
                double t1 = 0, t2 = 0;
                size_t dd, nterm = (efron && nd > 1) ? nd : 1;
                double wt = dw / (double)nterm;

                memset(mh1, 0, p * sizeof *mh1);
                memset(mh2, 0, p * sizeof *mh2);
                memset(mh3, 0, p * sizeof *mh3);
                for (dd = 0; dd < nterm; dd++) {
                    double f = (double)dd / (double)nterm;
                    double den = s0 - f * d0, h = wt / den;
                    t1 += h;
                    t2 += (1 - f) * h;
                    for (j = 0; j < p; j++) {
                        m[j] = (s1[j] - f * d1[j]) / den;
                        mh1[j] += m[j] * h;
                        mh2[j] += m[j] * (1 - f) * h;
                        mh3[j] += m[j] / (double)nterm;
                    }
                }
                ct += t1;
                for (j = 0; j < p; j++)
                    cm[j] += mh1[j];
                for (k = g; k < i; k++) {
                    const double *xk = pp->x + k * p;
                    if (!pp->event[k])
                        continue;
                    if (mart)
                        mart[k] += r[k] * (t1 - t2);
                    if (score)
                        for (j = 0; j < p; j++)
                            score[k * p + j] +=
                                (xk[j] - mh3[j]) - r[k] * xk[j] * t2 +
                                r[k] * mh2[j] + r[k] * (xk[j] * t1 - mh1[j]);
                    if (sch)
                        for (j = 0; j < p; j++)
                            sch[k * p + j] = xk[j] - mh3[j];
                }
            }
            i = g;
        }
        /* close the intervals still open at the start of the stratum */
        if (pp->counting) {
            for (; rptr > b; rptr--) {
                size_t q = pp->start_order[rptr - 1];
                const double *xq = pp->x + q * p;
                if (mart)
                    mart[q] -= r[q] * ct;
                if (score)
                    for (j = 0; j < p; j++)
                        score[q * p + j] -= r[q] * (xq[j] * ct - cm[j]);
            }
        } else {
            for (k = b; k < e; k++) {
                const double *xk = pp->x + k * p;
                if (mart)
                    mart[k] -= r[k] * ct;
                if (score)
                    for (j = 0; j < p; j++)
                        score[k * p + j] -= r[k] * (xk[j] * ct - cm[j]);
            }
        }
    }
    for (i = 0; i < n; i++) {
        if (mart)
            mart[i] += (double)pp->event[i];
        for (j = 0; j < p; j++) {
            if (score)
                score[i * p + j] /= pp->scale[j];
            if (sch)
                sch[i * p + j] /= pp->scale[j];
        }
    }
    free(buf);
    free(r);
    return ONC_OK;
}

onc_status cox_score_residuals_sorted(const cox_prep *pp, int efron,
                                      const double *lp, double *resid)
{
    return resid_sweep(pp, efron, lp, NULL, resid, NULL);
}

void onc_cox_residuals_free(onc_cox_residuals *res)
{
    if (res == NULL)
        return;
    free(res->value);
    free(res->row);
    free(res->time);
    free(res->stratum);
    free(res);
}

onc_status onc_cox_residuals_compute(const onc_cox_data *d,
                                     const onc_cox_fit *fit,
                                     onc_cox_residual_type type,
                                     onc_cox_residuals **out, onc_error *err)
{
    cox_prep *pp = NULL;
    onc_cox_residuals *res = NULL;
    double *lp = NULL, *mart = NULL, *sc = NULL;
    size_t n, p, i, j, k;
    onc_status st = ONC_OK;
    int efron;

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "residuals: no output pointer");
    *out = NULL;
    if (d == NULL || fit == NULL || d->n != fit->n || d->p != fit->p)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "residuals: the data do not match the fit");
    if (type < ONC_COX_RESID_MARTINGALE || type > ONC_COX_RESID_DFBETAS)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "residuals: unknown type %d", (int)type);
    if (fit->ties == ONC_TIES_EXACT && type != ONC_COX_RESID_MARTINGALE &&
        type != ONC_COX_RESID_DEVIANCE)
        return onc_error_set(err, ONC_ERR_UNSUPPORTED, NULL, 0, 0, NULL,
                             "residuals: score and Schoenfeld residuals are "
                             "not available for exact ties");
    st = cox_prep_build(d, fit->timefix, &pp, err);
    if (st != ONC_OK)
        return st;
    n = pp->n;
    p = pp->p;
    efron = fit->ties == ONC_TIES_EFRON;

    res = calloc(1, sizeof *res);
    lp = onc_mallocarray(n, sizeof *lp);
    if (res == NULL || lp == NULL)
        goto nomem;
    res->type = type;
    for (i = 0; i < n; i++)
        lp[i] = fit->linear_predictor[pp->row[i]];

    if (type == ONC_COX_RESID_MARTINGALE || type == ONC_COX_RESID_DEVIANCE) {
        mart = onc_mallocarray(n, sizeof *mart);
        res->value = onc_mallocarray(n, sizeof *res->value);
        if (mart == NULL || res->value == NULL)
            goto nomem;
        if (resid_sweep(pp, efron, lp, mart, NULL, NULL) != ONC_OK)
            goto nomem;
        res->n_rows = n;
        res->n_cols = 1;
        for (i = 0; i < n; i++) {
            double rr = mart[i], s = pp->event[i];
            if (type == ONC_COX_RESID_DEVIANCE) {
                /* sign(r) sqrt(-2 (r + status log(status - r))) */
                double dev = -2 * (rr + (s == 0 ? 0 : s * log(s - rr)));
                rr = (rr > 0 ? 1.0 : rr < 0 ? -1.0 : 0.0) * sqrt(fmax(dev, 0));
            }
            res->value[pp->row[i]] = rr;
        }
    } else if (type == ONC_COX_RESID_SCHOENFELD ||
               type == ONC_COX_RESID_SCALED_SCHOENFELD) {
        size_t ne = pp->n_events, e = 0, np;
        if (onc_mul_overflow(n, p ? p : 1, &np))
            goto nomem;
        sc = onc_mallocarray(np, sizeof *sc);
        res->value = onc_mallocarray(ne * (p ? p : 1), sizeof *res->value);
        res->row = onc_mallocarray(ne, sizeof *res->row);
        res->time = onc_mallocarray(ne, sizeof *res->time);
        if (d->strata != NULL)
            res->stratum = onc_mallocarray(ne, sizeof *res->stratum);
        if (sc == NULL || res->value == NULL || res->row == NULL ||
            res->time == NULL || (d->strata != NULL && res->stratum == NULL))
            goto nomem;
        if (resid_sweep(pp, efron, lp, NULL, NULL, sc) != ONC_OK)
            goto nomem;
        res->n_rows = ne;
        res->n_cols = p;
        for (i = 0; i < n; i++) {
            if (!pp->event[i])
                continue;
            res->row[e] = pp->row[i];
            res->time[e] = pp->time[i];
            if (res->stratum)
                res->stratum[e] = d->strata[pp->row[i]];
            if (type == ONC_COX_RESID_SCHOENFELD) {
                for (j = 0; j < p; j++)
                    res->value[e + j * ne] = sc[i * p + j];
            } else {
                /* R: resid %*% var * (number of events) + coef */
                for (j = 0; j < p; j++) {
                    double v = 0;
                    for (k = 0; k < p; k++)
                        v += sc[i * p + k] * fit->var[k * p + j];
                    res->value[e + j * ne] =
                        v * (double)ne + (isnan(fit->coef[j]) ? 0 : fit->coef[j]);
                }
            }
            e++;
        }
    } else {
        size_t np;
        if (onc_mul_overflow(n, p ? p : 1, &np))
            goto nomem;
        sc = onc_mallocarray(np, sizeof *sc);
        res->value = onc_mallocarray(np, sizeof *res->value);
        if (sc == NULL || res->value == NULL)
            goto nomem;
        if (resid_sweep(pp, efron, lp, NULL, sc, NULL) != ONC_OK)
            goto nomem;
        res->n_rows = n;
        res->n_cols = p;
        for (i = 0; i < n; i++) {
            size_t r = pp->row[i];
            for (j = 0; j < p; j++) {
                double v;
                if (type == ONC_COX_RESID_SCORE) {
                    v = sc[i * p + j];
                } else {
                    v = 0;
                    for (k = 0; k < p; k++)
                        v += sc[i * p + k] * fit->var[k * p + j];
                    if (type == ONC_COX_RESID_DFBETAS) {
                        double vj = fit->var[j * p + j];
                        v = vj > 0 ? v / sqrt(vj) : NAN;
                    }
                    v *= pp->weight[i];
                }
                res->value[r + j * n] = v;
            }
        }
    }
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "residuals: out of memory for %zu rows", d->n);
cleanup:
    free(lp);
    free(mart);
    free(sc);
    cox_prep_free(pp);
    if (st == ONC_OK)
        *out = res;
    else
        onc_cox_residuals_free(res);
    return st;
}
