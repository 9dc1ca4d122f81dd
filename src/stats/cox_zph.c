/*
** stats/cox_zph.c -- test of the proportional-hazards assumption, as R
** survival 3.x cox.zph.
**
** Method: Grambsch and Therneau (1994).  The model is expanded to
** beta(t) = beta + theta g(t), g a transform of time centred at its mean over
** the events, and theta = 0 is tested with a score test at (beta_hat, 0):
** one Newton step of the expanded model.  With Breslow or Efron risk-set
** moments m(t) = S1/S0 and V(t) = S2/S0 - m m' at each event term,
**     U_theta = sum_events g(t) (x_i - m(t))            (p)
**     I = sum [ V, g V ; g V, g^2 V ]                   (2p x 2p)
** and for a term with columns J the statistic is u' I[K,K]^-1 u, with
** K = (1..p, p + J), u = (0, U_theta[J]); the global test uses all columns.
** This is R 3.x (zph1.c / zph2.c), which replaced the regression of scaled
** Schoenfeld residuals on g(t) used before version 3.0.
** Transforms: "km" g = 1 - S(t-) with S the Kaplan-Meier estimate of all
** rows (unweighted, strata ignored, as R); "rank" the rank of the time among
** all rows (ties averaged); "identity"; "log".
**
** Inputs: the data of the fit (n rows), the fit (coef, linear predictor),
** the transform, an optional p-vector of term indices.  Outputs: chi-square,
** df and P per term and global; event times and g(t).  Exact-ties fits use
** Breslow moments, as R.  Aliased coefficients are left out (as R).
** NaN policy: inputs were validated by the fit; a singular information block
** gives a NaN statistic.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "stats/cox_internal.h"

#define ZPH_TRI(i, j) ((i) * ((i) + 1) / 2 + (j))

void onc_cox_zph_free(onc_cox_zph *zph)
{
    if (zph == NULL)
        return;
    free(zph->chisq);
    free(zph->df);
    free(zph->p);
    free(zph->time);
    free(zph->transformed_time);
    free(zph);
}

/*
** g(t) by position before centring.  Ranks and the Kaplan-Meier estimate are
** over all rows regardless of strata, as R.
*/
static onc_status zph_transform(const cox_prep *pp,
                                onc_cox_zph_transform tr, double *g)
{
    size_t n = pp->n, i, j, *ord = NULL, *sord = NULL;
    onc_status st = ONC_OK;

    if (tr == ONC_ZPH_IDENTITY) {
        for (i = 0; i < n; i++)
            g[i] = pp->time[i];
        return ONC_OK;
    }
    if (tr == ONC_ZPH_LOG) {
        for (i = 0; i < n; i++)
            g[i] = log(pp->time[i]);
        return ONC_OK;
    }
    ord = onc_mallocarray(n, sizeof *ord);
    if (ord == NULL)
        return ONC_ERR_NOMEM;
    st = cox_radix_order(pp->time, n, ord, 0);
    if (st != ONC_OK)
        goto cleanup;
    if (tr == ONC_ZPH_RANK) {
        for (i = 0; i < n;) {
            double r;
            j = i;
            while (j + 1 < n && pp->time[ord[j + 1]] == pp->time[ord[i]])
                j++;
            r = ((double)i + (double)j) / 2 + 1;
            for (; i <= j; i++)
                g[ord[i]] = r;
        }
        goto cleanup;
    }
    /* Kaplan-Meier over all rows; g = 1 - S(t-) */
    {
        double surv = 1, nrisk;
        size_t s2 = 0;
        if (pp->counting) {
            sord = onc_mallocarray(n, sizeof *sord);
            if (sord == NULL) {
                st = ONC_ERR_NOMEM;
                goto cleanup;
            }
            st = cox_radix_order(pp->start, n, sord, 0);
            if (st != ONC_OK)
                goto cleanup;
        }
        for (i = 0; i < n;) {
            double t = pp->time[ord[i]], dead = 0;
            j = i;
            while (j < n && pp->time[ord[j]] == t) {
                dead += pp->event[ord[j]];
                j++;
            }
            /* at risk: stop >= t, and for start-stop data start < t */
            nrisk = (double)(n - i);
            if (pp->counting) {
                while (s2 < n && pp->start[sord[s2]] < t)
                    s2++;
                nrisk -= (double)(n - s2);
            }
            for (; i < j; i++)
                g[ord[i]] = 1 - surv;
            if (dead > 0 && nrisk > 0)
                surv *= 1 - dead / nrisk;
        }
    }
cleanup:
    free(ord);
    free(sord);
    return st;
}

onc_status onc_cox_zph_test(const onc_cox_data *d, const onc_cox_fit *fit,
                            onc_cox_zph_transform transform,
                            const int32_t *term, size_t n_terms,
                            onc_cox_zph **out, onc_error *err)
{
    cox_prep *pp = NULL;
    onc_cox_zph *z = NULL;
    double *g = NULL, *risk = NULL, *u = NULL, *imat = NULL, *buf = NULL;
    double *sub = NULL, *ub = NULL;
    size_t *col = NULL;
    size_t n, p, q, i, j, k, l, blk, nt, q2;
    double gmean = 0;
    int efron;
    onc_status st = ONC_OK;

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "cox.zph: no output pointer");
    *out = NULL;
    if (d == NULL || fit == NULL || d->n != fit->n || d->p != fit->p)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "cox.zph: the data do not match the fit");
    if (fit->p == 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "cox.zph: the model has no coefficients");
    if (fit->firth)
        return onc_error_set(err, ONC_ERR_UNSUPPORTED, NULL, 0, 0, NULL,
                             "cox.zph: not defined for Firth fits");
    if (transform < ONC_ZPH_KM || transform > ONC_ZPH_LOG)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "cox.zph: unknown transform %d", (int)transform);
    if (term == NULL)
        n_terms = fit->p;
    if (n_terms == 0 || n_terms > fit->p)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "cox.zph: %zu terms for %zu coefficients",
                             n_terms, fit->p);
    if (term != NULL)
        for (j = 0; j < fit->p; j++)
            if (term[j] < 0 || (size_t)term[j] >= n_terms)
                return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                     "cox.zph: term index %d of column %zu is "
                                     "out of range", (int)term[j], j + 1);

    st = cox_prep_build(d, fit->timefix, &pp, err);
    if (st != ONC_OK)
        return st;
    n = pp->n;
    p = pp->p;
    efron = fit->ties == ONC_TIES_EFRON;

    /* columns kept: R drops aliased coefficients */
    col = onc_mallocarray(p, sizeof *col);
    if (col == NULL)
        goto nomem;
    q = 0;
    for (j = 0; j < p; j++)
        if (!fit->aliased[j])
            col[q++] = j;
    q2 = 2 * q;
    nt = q2 * (q2 + 1) / 2;

    z = calloc(1, sizeof *z);
    g = onc_mallocarray(n, sizeof *g);
    risk = onc_mallocarray(n, sizeof *risk);
    u = onc_callocarray(q2, sizeof *u);
    imat = onc_callocarray(q2 * q2, sizeof *imat);
    /* s1 q, s2 q(q+1)/2, d1 q, d2 q(q+1)/2, itri nt, a q */
    buf = onc_callocarray(3 * q + q * (q + 1) + nt + 1, sizeof *buf);
    if (z == NULL || g == NULL || risk == NULL || u == NULL || imat == NULL ||
        buf == NULL)
        goto nomem;
    z->transform = transform;
    z->n_terms = n_terms;

    if (zph_transform(pp, transform, g) != ONC_OK)
        goto nomem;
    z->n_events = pp->n_events;
    z->time = onc_mallocarray(pp->n_events, sizeof *z->time);
    z->transformed_time = onc_mallocarray(pp->n_events, sizeof *z->time);
    if (z->time == NULL || z->transformed_time == NULL)
        goto nomem;
    for (i = 0, k = 0; i < n; i++)
        if (pp->event[i]) {
            gmean += g[i];
            z->time[k] = pp->time[i];
            z->transformed_time[k] = g[i];
            k++;
        }
    gmean /= (double)pp->n_events;

    {
        size_t qt = q * (q + 1) / 2;
        double *s1 = buf, *s2 = s1 + q, *d1 = s2 + qt, *d2 = d1 + q;
        double *itri = d2 + qt, *a = itri + nt;

        for (blk = 0; blk < pp->n_strata; blk++) {
            size_t b = pp->block[blk], e = pp->block[blk + 1], rptr = e;
            size_t nrisk = 0;
            double s0 = 0, shift = 0, mx = -INFINITY;

            for (i = b; i < e; i++) {
                double lp = fit->linear_predictor[pp->row[i]];
                shift += lp;
                if (lp > mx)
                    mx = lp;
            }
            shift /= (double)(e - b);
            if (mx - shift > 500)
                shift = mx - 500;
            for (i = b; i < e; i++)
                risk[i] = pp->weight[i] *
                          exp(fit->linear_predictor[pp->row[i]] - shift);
            memset(s1, 0, q * sizeof *s1);
            memset(s2, 0, qt * sizeof *s2);

            i = e;
            while (i > b) {
                double t = pp->time[i - 1], dw = 0, d0 = 0, gt = 0;
                size_t gpos = i - 1, nd = 0, m;

                if (pp->counting) {
                    while (rptr > b &&
                           pp->start[pp->start_order[rptr - 1]] >= t) {
                        size_t r = pp->start_order[--rptr];
                        const double *xr = pp->x + r * p;
                        nrisk--;
                        if (nrisk == 0) {
                            s0 = 0;
                            memset(s1, 0, q * sizeof *s1);
                            memset(s2, 0, qt * sizeof *s2);
                        } else {
                            s0 -= risk[r];
                            for (j = 0; j < q; j++) {
                                double rx = risk[r] * xr[col[j]];
                                s1[j] -= rx;
                                for (l = 0; l <= j; l++)
                                    s2[ZPH_TRI(j, l)] -= rx * xr[col[l]];
                            }
                        }
                    }
                }
                while (gpos > b && pp->time[gpos - 1] == t)
                    gpos--;
                memset(d1, 0, q * sizeof *d1);
                memset(d2, 0, qt * sizeof *d2);
                for (k = gpos; k < i; k++) {
                    const double *xk = pp->x + k * p;
                    double r = risk[k];
                    nrisk++;
                    if (pp->event[k]) {
                        double w = pp->weight[k];
                        gt = g[k] - gmean;
                        nd++;
                        dw += w;
                        d0 += r;
                        for (j = 0; j < q; j++) {
                            double rx = r * xk[col[j]];
                            u[j] += w * xk[col[j]];
                            u[j + q] += gt * w * xk[col[j]];
                            d1[j] += rx;
                            for (l = 0; l <= j; l++)
                                d2[ZPH_TRI(j, l)] += rx * xk[col[l]];
                        }
                    } else {
                        s0 += r;
                        for (j = 0; j < q; j++) {
                            double rx = r * xk[col[j]];
                            s1[j] += rx;
                            for (l = 0; l <= j; l++)
                                s2[ZPH_TRI(j, l)] += rx * xk[col[l]];
                        }
                    }
                }
                if (nd > 0) {
                    size_t nterm = (efron && nd > 1) ? nd : 1;
                    double wt = dw / (double)nterm;
                    for (m = nterm; m >= 1; m--) {
                        double f = (double)m / (double)nterm;
                        double den = s0 + f * d0;
                        for (j = 0; j < q; j++)
                            a[j] = s1[j] + f * d1[j];
                        for (j = 0; j < q; j++) {
                            double mj = a[j] / den;
                            u[j] -= wt * mj;
                            u[j + q] -= gt * wt * mj;
                            for (l = 0; l <= j; l++) {
                                double v = wt *
                                           ((s2[ZPH_TRI(j, l)] +
                                             f * d2[ZPH_TRI(j, l)]) -
                                            mj * a[l]) / den;
                                itri[ZPH_TRI(j, l)] += v;
                                itri[ZPH_TRI(j + q, l)] += gt * v;
                                itri[ZPH_TRI(j + q, l + q)] += gt * gt * v;
                                if (l < j)
                                    itri[ZPH_TRI(l + q, j)] += gt * v;
                            }
                        }
                    }
                }
                s0 += d0;
                for (j = 0; j < q; j++)
                    s1[j] += d1[j];
                for (k = 0; k < qt; k++)
                    s2[k] += d2[k];
                i = gpos;
            }
        }
        /* back to the caller's scale: x was multiplied by scale[col] */
        for (j = 0; j < q2; j++) {
            double sj = pp->scale[col[j % q]];
            u[j] /= sj;
            for (l = 0; l <= j; l++) {
                double sl = pp->scale[col[l % q]];
                double v = itri[ZPH_TRI(j, l)] / (sj * sl);
                imat[j * q2 + l] = v;
                imat[l * q2 + j] = v;
            }
        }
    }

    /* tests */
    z->chisq = onc_mallocarray(n_terms, sizeof *z->chisq);
    z->df = onc_mallocarray(n_terms, sizeof *z->df);
    z->p = onc_mallocarray(n_terms, sizeof *z->p);
    sub = onc_mallocarray(q2 * q2, sizeof *sub);
    ub = onc_mallocarray(q2, sizeof *ub);
    if (z->chisq == NULL || z->df == NULL || z->p == NULL || sub == NULL ||
        ub == NULL)
        goto nomem;
    for (k = 0; k < n_terms; k++) {
        size_t *kk = onc_mallocarray(q2, sizeof *kk), m = 0, nj = 0, a, c;
        if (kk == NULL)
            goto nomem;
        for (j = 0; j < q; j++)
            kk[m++] = j;
        for (j = 0; j < q; j++)
            if ((term ? (size_t)term[col[j]] : col[j]) == k) {
                kk[m++] = q + j;
                nj++;
            }
        for (a = 0; a < m; a++) {
            ub[a] = kk[a] >= q ? u[kk[a]] : 0;
            for (c = 0; c < m; c++)
                sub[a * m + c] = imat[kk[a] * q2 + kk[c]];
        }
        free(kk);
        if (nj == 0) {
            /* every column of the term was aliased */
            z->chisq[k] = NAN;
            z->df[k] = 0;
            z->p[k] = NAN;
            continue;
        }
        z->chisq[k] = cox_wald_quadratic(sub, ub, m, 1e-12, NULL);
        z->df[k] = (double)nj;
        z->p[k] = cox_chisq_p(z->chisq[k], z->df[k]);
    }
    for (j = 0; j < q2; j++)
        ub[j] = j >= q ? u[j] : 0;
    z->global_chisq = cox_wald_quadratic(imat, ub, q2, 1e-12, NULL);
    z->global_df = (double)q;
    z->global_p = cox_chisq_p(z->global_chisq, z->global_df);
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "cox.zph: out of memory for %zu rows", d->n);
cleanup:
    cox_prep_free(pp);
    free(g);
    free(risk);
    free(u);
    free(imat);
    free(buf);
    free(sub);
    free(ub);
    free(col);
    if (st == ONC_OK)
        *out = z;
    else
        onc_cox_zph_free(z);
    return st;
}
