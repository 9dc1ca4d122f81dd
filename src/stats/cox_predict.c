/*
** stats/cox_predict.c -- baseline hazard and model-based survival curves of a
** Cox model, as R survfit.coxph(fit, newdata) and basehaz(fit, centered).
**
** Method (Kalbfleisch and Prentice 2002, 4.3; Therneau and Grambsch 2000,
** 10.2; R survival agsurv).  Per stratum and distinct stop time t, with
** risks r_i = exp(x_i b + offset_i - c), c = means.b + mean offset (weighted
** when the fit has weights, as R), sums over the risk set N(t) = sum w r,
** X(t) = sum w r x, and over the d events at t, e = sum w r, Xe = sum w r x,
** and weighted event count D:
**   Breslow/exact fits:  dH = D/N,  dV = D/N^2,  dA = X/N^2 D
**   Efron fits:          dH = D/d sum_j 1/(N - e j/d)
**                        dV = D/d sum_j 1/(N - e j/d)^2
**                        dA = D/d sum_j (X - Xe j/d)/(N - e j/d)^2
** (j = 0..d-1).  For a covariate row z with risk k = exp(z b + offset - c):
**   cumhaz(t) = k H(t),  surv = exp(-cumhaz),
**   var(cumhaz) = k^2 [ V(t) + q(t)' Var(b) q(t) ],  q = H(t) z - A(t),
** with Var(b) the robust variance when the fit is robust (as R).  Limits are
** R's conf.type "log": exp(log S -/+ z_a se), the upper capped at 1.
** A, H and z are taken about the internal centring of x; q is invariant to it.
**
** Inputs: the data of the fit, the fit, m covariate rows (m x p,
** column-major), optional offsets and strata of the rows.  Outputs:
** onc_cox_curves.  Cost: O(n + T p) per stratum plus O(T p^2) per curve
** (T distinct times).  NaN policy: non-finite new covariates are
** ONC_ERR_DATA; an overflowing risk score is ONC_ERR_COMPUTE.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "core/internal.h"
#include "stats/cox_internal.h"

/* Per-stratum increments, ascending in time. */
typedef struct pred_stratum {
    size_t nt;
    double *time, *nrisk, *nevent, *ncens;
    double *cumhaz, *cumvar;   /* H(t), V(t) */
    double *xbar;              /* nt x p: A(t), row-major */
} pred_stratum;

static void pred_stratum_free(pred_stratum *s)
{
    free(s->time);
    free(s->nrisk);
    free(s->nevent);
    free(s->ncens);
    free(s->cumhaz);
    free(s->cumvar);
    free(s->xbar);
}

void onc_cox_curves_free(onc_cox_curves *curves)
{
    size_t i;

    if (curves == NULL)
        return;
    for (i = 0; i < curves->n_curves; i++) {
        onc_cox_curve *c = curves->curve + i;
        free(c->time);
        free(c->n_risk);
        free(c->n_event);
        free(c->n_censor);
        free(c->cumhaz);
        free(c->surv);
        free(c->std_err);
        free(c->lower);
        free(c->upper);
    }
    free(curves->curve);
    free(curves);
}

/* Increments of one stratum block [b, e); risk by position, xw scratch p. */
static onc_status pred_build(const cox_prep *pp, size_t b, size_t e,
                             const double *risk, int efron, pred_stratum *s)
{
    size_t p = pp->p, nt = 0, i, j, k, slot, rptr = e;
    double *xsum = NULL, *xe = NULL, *erisk = NULL, *wr = NULL;
    double *xs = NULL, nr = 0, ir = 0;
    unsigned *ndead = NULL;
    onc_status st = ONC_OK;

    memset(s, 0, sizeof *s);
    for (i = b; i < e; i++)
        if (i == b || pp->time[i] != pp->time[i - 1])
            nt++;
    s->nt = nt;
    s->time = onc_mallocarray(nt, sizeof *s->time);
    s->nrisk = onc_mallocarray(nt, sizeof *s->nrisk);
    s->nevent = onc_callocarray(nt, sizeof *s->nevent);
    s->ncens = onc_callocarray(nt, sizeof *s->ncens);
    s->cumhaz = onc_mallocarray(nt, sizeof *s->cumhaz);
    s->cumvar = onc_mallocarray(nt, sizeof *s->cumvar);
    s->xbar = onc_callocarray(nt * (p ? p : 1), sizeof *s->xbar);
    wr = onc_mallocarray(nt, sizeof *wr);
    erisk = onc_callocarray(nt, sizeof *erisk);
    ndead = onc_callocarray(nt, sizeof *ndead);
    xsum = onc_callocarray(nt * (p ? p : 1), sizeof *xsum);
    xe = onc_callocarray(nt * (p ? p : 1), sizeof *xe);
    xs = onc_callocarray(p ? p : 1, sizeof *xs);
    if (s->time == NULL || s->nrisk == NULL || s->nevent == NULL ||
        s->ncens == NULL || s->cumhaz == NULL || s->cumvar == NULL ||
        s->xbar == NULL || wr == NULL || erisk == NULL || ndead == NULL ||
        xsum == NULL || xe == NULL || xs == NULL) {
        st = ONC_ERR_NOMEM;
        goto cleanup;
    }

    /* walk down: risk-set sums at every distinct time */
    slot = nt;
    i = e;
    while (i > b) {
        double t = pp->time[i - 1];
        size_t g = i - 1;
        if (pp->counting) {
            while (rptr > b && pp->start[pp->start_order[rptr - 1]] >= t) {
                size_t q = pp->start_order[--rptr];
                double a = pp->weight[q] * risk[q];
                nr -= a;
                ir -= pp->weight[q];
                for (j = 0; j < p; j++)
                    xs[j] -= a * pp->x[q * p + j] / pp->scale[j];
            }
        }
        while (g > b && pp->time[g - 1] == t)
            g--;
        slot--;
        s->time[slot] = t;
        for (k = g; k < i; k++) {
            double w = pp->weight[k], a = w * risk[k];
            nr += a;
            ir += w;
            for (j = 0; j < p; j++)
                xs[j] += a * pp->x[k * p + j] / pp->scale[j];
            if (pp->event[k]) {
                s->nevent[slot] += w;
                erisk[slot] += a;
                ndead[slot]++;
                for (j = 0; j < p; j++)
                    xe[slot * p + j] += a * pp->x[k * p + j] / pp->scale[j];
            } else {
                s->ncens[slot] += w;
            }
        }
        wr[slot] = nr;
        s->nrisk[slot] = ir;
        for (j = 0; j < p; j++)
            xsum[slot * p + j] = xs[j];
        i = g;
    }

    /* walk up: increments and their running sums */
    {
        double h = 0, v = 0;
        for (slot = 0; slot < nt; slot++) {
            double dh = 0, dv = 0, dd = (double)ndead[slot];
            double ev = s->nevent[slot];
            double *xb = s->xbar + slot * p;
            const double *prev = slot ? s->xbar + (slot - 1) * p : NULL;
            for (j = 0; j < p; j++)
                xb[j] = prev ? prev[j] : 0;
            if (ndead[slot] > 0) {
                if (!efron || ndead[slot] == 1) {
                    dh = ev / wr[slot];
                    dv = ev / (wr[slot] * wr[slot]);
                    for (j = 0; j < p; j++)
                        xb[j] += xsum[slot * p + j] / wr[slot] * dh;
                } else {
                    unsigned jj;
                    for (jj = 0; jj < ndead[slot]; jj++) {
                        double f = (double)jj / dd;
                        double den = wr[slot] - erisk[slot] * f;
                        dh += 1 / den / dd;
                        dv += 1 / (den * den) / dd;
                        for (j = 0; j < p; j++)
                            xb[j] += ev * (xsum[slot * p + j] -
                                           xe[slot * p + j] * f) /
                                     (den * den) / dd;
                    }
                    dh *= ev;
                    dv *= ev;
                }
            }
            h += dh;
            v += dv;
            s->cumhaz[slot] = h;
            s->cumvar[slot] = v;
        }
    }
cleanup:
    free(wr);
    free(erisk);
    free(ndead);
    free(xsum);
    free(xe);
    free(xs);
    if (st != ONC_OK)
        pred_stratum_free(s);
    return st;
}

/* One curve: stratum s, covariate row z (centred as the working x), risk k. */
static onc_status pred_curve(const pred_stratum *s, const double *zc,
                             double k, const double *var, size_t p,
                             double zq, int with_se, onc_cox_curve *c)
{
    size_t nt = s->nt, t, i, j;
    double *q = NULL;

    c->n_times = nt;
    c->time = onc_mallocarray(nt ? nt : 1, sizeof *c->time);
    c->n_risk = onc_mallocarray(nt ? nt : 1, sizeof *c->n_risk);
    c->n_event = onc_mallocarray(nt ? nt : 1, sizeof *c->n_event);
    c->n_censor = onc_mallocarray(nt ? nt : 1, sizeof *c->n_censor);
    c->cumhaz = onc_mallocarray(nt ? nt : 1, sizeof *c->cumhaz);
    c->surv = onc_mallocarray(nt ? nt : 1, sizeof *c->surv);
    c->std_err = onc_mallocarray(nt ? nt : 1, sizeof *c->std_err);
    c->lower = onc_mallocarray(nt ? nt : 1, sizeof *c->lower);
    c->upper = onc_mallocarray(nt ? nt : 1, sizeof *c->upper);
    q = onc_mallocarray(p ? p : 1, sizeof *q);
    if (c->time == NULL || c->n_risk == NULL || c->n_event == NULL ||
        c->n_censor == NULL || c->cumhaz == NULL || c->surv == NULL ||
        c->std_err == NULL || c->lower == NULL || c->upper == NULL ||
        q == NULL) {
        free(q);
        return ONC_ERR_NOMEM;
    }
    for (t = 0; t < nt; t++) {
        double h = s->cumhaz[t], quad = 0, se, sv;
        c->time[t] = s->time[t];
        c->n_risk[t] = s->nrisk[t];
        c->n_event[t] = s->nevent[t];
        c->n_censor[t] = s->ncens[t];
        c->cumhaz[t] = h * k;
        sv = exp(-c->cumhaz[t]);
        c->surv[t] = sv;
        if (!with_se) {
            c->std_err[t] = c->lower[t] = c->upper[t] = NAN;
            continue;
        }
        for (i = 0; i < p; i++)
            q[i] = h * zc[i] - s->xbar[t * p + i];
        for (i = 0; i < p; i++)
            for (j = 0; j < p; j++)
                quad += q[i] * var[i * p + j] * q[j];
        se = sqrt((s->cumvar[t] + quad) * k * k);
        c->std_err[t] = se;
        if (sv > 0) {
            c->lower[t] = exp(log(sv) - zq * se);
            c->upper[t] = fmin(1.0, exp(log(sv) + zq * se));
        } else {
            c->lower[t] = c->upper[t] = NAN;
        }
    }
    free(q);
    return ONC_OK;
}

/*
** Shared driver.  rows: m covariate rows (column-major m x p) or NULL for the
** fit's means; logk: m log relative risks (exp(z b + offset - c)) computed by
** the caller; newstrata: m labels or NULL (all strata per row).
*/
static onc_status pred_run(const onc_cox_data *d, const onc_cox_fit *fit,
                           const double *rows, const double *logk,
                           const int32_t *newstrata, size_t m,
                           double conf_level, int with_se,
                           onc_cox_curves **out, onc_error *err)
{
    cox_prep *pp = NULL;
    pred_stratum *ps = NULL;
    onc_cox_curves *cv = NULL;
    double *risk = NULL, *zc = NULL, adj = 0, zq;
    const double *var;
    size_t n, p, i, j, blk, nc = 0, r;
    onc_status st;
    int efron;

    st = cox_prep_build(d, fit->timefix, &pp, err);
    if (st != ONC_OK)
        return st;
    n = pp->n;
    p = pp->p;
    efron = fit->ties == ONC_TIES_EFRON;
    var = fit->robust_var ? fit->robust_var : fit->var;
    zq = gsl_cdf_ugaussian_Pinv((1 + conf_level) / 2);

    /* R: risk = exp(x b + offset - means.b - offset mean), the offset mean
    ** weighted when the fit has weights; the fit's linear predictor uses the
    ** unweighted mean */
    if (d->offset != NULL && d->weights != NULL) {
        double su = 0, sw = 0, swo = 0;
        for (i = 0; i < n; i++) {
            su += d->offset[i];
            sw += d->weights[i];
            swo += d->weights[i] * d->offset[i];
        }
        adj = su / (double)n - swo / sw;
    }
    risk = onc_mallocarray(n, sizeof *risk);
    zc = onc_mallocarray(p ? p : 1, sizeof *zc);
    ps = onc_callocarray(pp->n_strata, sizeof *ps);
    cv = calloc(1, sizeof *cv);
    if (risk == NULL || zc == NULL || ps == NULL || cv == NULL)
        goto nomem;
    for (i = 0; i < n; i++) {
        risk[i] = exp(fit->linear_predictor[pp->row[i]] + adj);
        if (!isfinite(risk[i])) {
            st = onc_error_set(err, ONC_ERR_COMPUTE, NULL, pp->row[i] + 1, 0,
                               NULL, "survival curves: the risk score of row "
                               "%zu overflows", pp->row[i] + 1);
            goto cleanup;
        }
    }
    for (blk = 0; blk < pp->n_strata; blk++) {
        st = pred_build(pp, pp->block[blk], pp->block[blk + 1], risk, efron,
                        ps + blk);
        if (st != ONC_OK)
            goto nomem;
    }

    /* curves: by row, then by stratum */
    for (r = 0; r < m; r++) {
        for (blk = 0; blk < pp->n_strata; blk++)
            if (newstrata == NULL || d->strata == NULL ||
                pp->stratum_label[blk] == newstrata[r])
                nc++;
        if (newstrata != NULL && d->strata != NULL) {
            int found = 0;
            for (blk = 0; blk < pp->n_strata; blk++)
                found |= pp->stratum_label[blk] == newstrata[r];
            if (!found) {
                st = onc_error_set(err, ONC_ERR_DATA, NULL, r + 1, 0, "strata",
                                   "survival curves: stratum %d of new row "
                                   "%zu is not in the data", (int)newstrata[r],
                                   r + 1);
                goto cleanup;
            }
        }
    }
    cv->curve = onc_callocarray(nc ? nc : 1, sizeof *cv->curve);
    if (cv->curve == NULL)
        goto nomem;
    cv->conf_level = conf_level;
    for (r = 0; r < m; r++) {
        double k = exp(logk[r]);
        for (j = 0; j < p; j++) {
            double z = rows ? rows[r + j * m] : fit->means[j];
            zc[j] = z - pp->center[j];
        }
        for (blk = 0; blk < pp->n_strata; blk++) {
            onc_cox_curve *c;
            if (!(newstrata == NULL || d->strata == NULL ||
                  pp->stratum_label[blk] == newstrata[r]))
                continue;
            c = cv->curve + cv->n_curves++;
            c->stratum = pp->stratum_label[blk];
            c->row = r;
            if (pred_curve(ps + blk, zc, k, var, p, zq, with_se, c) !=
                ONC_OK)
                goto nomem;
        }
    }
    st = ONC_OK;
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "survival curves: out of memory");
cleanup:
    if (ps != NULL)
        for (blk = 0; blk < pp->n_strata; blk++)
            pred_stratum_free(ps + blk);
    free(ps);
    free(risk);
    free(zc);
    cox_prep_free(pp);
    if (st == ONC_OK)
        *out = cv;
    else
        onc_cox_curves_free(cv);
    return st;
}

static onc_status pred_check(const onc_cox_data *d, const onc_cox_fit *fit,
                             onc_cox_curves **out, onc_error *err)
{
    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "survival curves: no output pointer");
    *out = NULL;
    if (d == NULL || fit == NULL || d->n != fit->n || d->p != fit->p)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "survival curves: the data do not match the fit");
    return ONC_OK;
}

onc_status onc_cox_survfit(const onc_cox_data *d, const onc_cox_fit *fit,
                           const double *newx, const double *newoffset,
                           const int32_t *newstrata, size_t m,
                           double conf_level, onc_cox_curves **out,
                           onc_error *err)
{
    double *logk = NULL, c = 0, offw = 0;
    size_t i, j, p;
    onc_status st;

    st = pred_check(d, fit, out, err);
    if (st != ONC_OK)
        return st;
    p = fit->p;
    if (m == 0 || (p > 0 && newx == NULL))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "survival curves: no covariate rows");
    if (!(conf_level > 0 && conf_level < 1))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "survival curves: conf_level must be in (0, 1)");
    for (j = 0; j < p; j++)
        for (i = 0; i < m; i++)
            if (!isfinite(newx[i + j * m]))
                return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, NULL,
                                     "survival curves: new row %zu, column "
                                     "%zu is missing or infinite", i + 1,
                                     j + 1);
    if (newoffset != NULL)
        for (i = 0; i < m; i++)
            if (!isfinite(newoffset[i]))
                return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0,
                                     "offset", "survival curves: new row %zu: "
                                     "the offset is missing or infinite",
                                     i + 1);
    /* c = means.b + offset mean (weighted when weighted, R survfit.coxph) */
    for (j = 0; j < p; j++)
        c += isnan(fit->coef[j]) ? 0 : fit->coef[j] * fit->means[j];
    if (d->offset != NULL) {
        double sw = 0;
        for (i = 0; i < d->n; i++) {
            double w = d->weights ? d->weights[i] : 1.0;
            offw += w * d->offset[i];
            sw += w;
        }
        offw /= sw;
    }
    logk = onc_mallocarray(m, sizeof *logk);
    if (logk == NULL)
        return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                             "survival curves: out of memory");
    for (i = 0; i < m; i++) {
        double z = (newoffset ? newoffset[i] : 0) - c - offw;
        for (j = 0; j < p; j++)
            z += (isnan(fit->coef[j]) ? 0 : fit->coef[j]) * newx[i + j * m];
        logk[i] = z;
    }
    st = pred_run(d, fit, newx, logk, newstrata, m, conf_level, 1, out, err);
    free(logk);
    return st;
}

onc_status onc_cox_baseline_hazard(const onc_cox_data *d, const onc_cox_fit *fit,
                                   int centered, onc_cox_curves **out,
                                   onc_error *err)
{
    double logk = 0, *zero = NULL;
    size_t j, p;
    onc_status st;

    st = pred_check(d, fit, out, err);
    if (st != ONC_OK)
        return st;
    p = fit->p;
    if (centered)
        return pred_run(d, fit, NULL, &logk, NULL, 1, 0.95, 1, out, err);
    /* R basehaz(centered = FALSE): the centred hazard times exp(-means.b) */
    for (j = 0; j < p; j++)
        logk -= isnan(fit->coef[j]) ? 0 : fit->coef[j] * fit->means[j];
    zero = onc_callocarray(p ? p : 1, sizeof *zero);
    if (zero == NULL)
        return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                             "baseline hazard: out of memory");
    st = pred_run(d, fit, zero, &logk, NULL, 1, 0.95, 1, out, err);
    free(zero);
    return st;
}
