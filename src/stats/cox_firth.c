/*
** stats/cox_firth.c -- Firth's penalized partial likelihood for the Cox model
** with profile penalized-likelihood confidence limits.
**
** Method: Heinze and Schemper (2001), "A solution to the problem of monotone
** likelihood in Cox regression", Biometrics 57:114-119; Firth (1993).  The
** estimate maximises
**     l*(beta) = l(beta) + 1/2 log det I(beta)
** (l the Breslow or Efron log partial likelihood, I its information), whose
** score is U*_r = U_r + 1/2 trace(I^-1 dI/dbeta_r).  It stays finite under
** monotone likelihood (e.g. no events in one arm).  Iteration as R coxphf:
** beta += I^-1 U*, with the step capped and halved while l* decreases.
** The derivative of I needs third-order risk-set moments: with, per event
** term, den = S0, a = S1, c = S2, e = S3 (Efron: the tied events' sums
** entering with weight f),
**     dV_jk/dbeta_r = e_jkr/den - (c_jk a_r + c_jr a_k + c_kr a_j)/den^2
**                     + 2 a_j a_k a_r / den^3.
** Confidence limits: the values b of beta_k where the profile
** 2 (l*(beta_hat) - max_{beta_-k} l*(b, beta_-k)) equals the chi-square(1)
** quantile (Heinze and Schemper 2001, section 3), found by bracketing and
** Brent's method; the penalized likelihood-ratio test of beta_k = 0 uses the
** same profile.  The variance is I(beta_hat)^-1, as coxphf.
**
** Inputs: working data (cox_prep), options (ties Breslow/Efron, max_iter,
** eps, init, conf_level).  Outputs (fit): coef, var, score (U*), penalized
** and unpenalized log-likelihoods, score test at init, iterations and
** convergence, profile limits and penalized LR tests.  Cost per evaluation
** O((n + d) p^3).
** NaN policy: a singular information matrix at the start is ONC_ERR_COMPUTE
** (l* is undefined); a limit that cannot be bracketed is NaN with its
** found-flag 0.
*/
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "core/internal.h"
#include "stats/cox_internal.h"

#define FIRTH_T2(i, j) ((i) * ((i) + 1) / 2 + (j))
#define FIRTH_T3(i, j, k) ((i) * ((i) + 1) * ((i) + 2) / 6 + FIRTH_T2(j, k))
/* Largest Newton step in the working coordinates (covariates scaled to unit
** mean absolute deviation); coxphf caps steps likewise. */
#define FIRTH_MAX_STEP 2.0
#define FIRTH_MAX_HALVING 40
#define FIRTH_ROOT_EXPAND 60

typedef struct firth_ws {
    const cox_prep *pp;
    int efron;
    size_t p;
    double *eta, *risk;
    /* running sums: s1 p, s2 p(p+1)/2, s3 p(p+1)(p+2)/6; d1..d3 the same
    ** for the events at the current time; a: p scratch */
    double *s1, *s2, *s3, *d1, *d2, *d3, *a;
    double *u, *imat, *dimat;     /* p, p*p, p*p*p */
    double *chol, *inv;           /* p*p each */
    size_t np2, np3;
} firth_ws;

/* Sorted index into the packed third-moment array. */
static size_t firth_t3(size_t i, size_t j, size_t k)
{
    size_t t;
    if (i < j) { t = i; i = j; j = t; }
    if (j < k) { t = j; j = k; k = t; }
    if (i < j) { t = i; i = j; j = t; }
    return FIRTH_T3(i, j, k);
}

static size_t firth_t2(size_t i, size_t j)
{
    return i >= j ? FIRTH_T2(i, j) : FIRTH_T2(j, i);
}

static void firth_add(firth_ws *w, double *m1, double *m2, double *m3,
                      const double *x, double r, double sign)
{
    size_t p = w->p, i, j, k;
    for (i = 0; i < p; i++) {
        double ri = sign * r * x[i];
        m1[i] += ri;
        for (j = 0; j <= i; j++) {
            double rij = ri * x[j];
            m2[FIRTH_T2(i, j)] += rij;
            for (k = 0; k <= j; k++)
                m3[FIRTH_T3(i, j, k)] += rij * x[k];
        }
    }
}

/*
** Log partial likelihood, score, information and the derivative of the
** information at beta (working coordinates).
*/
static double firth_eval(firth_ws *w, const double *beta)
{
    const cox_prep *pp = w->pp;
    size_t n = pp->n, p = w->p, blk, i, j, k, r, np2 = w->np2, np3 = w->np3;
    double loglik = 0;

    memset(w->u, 0, p * sizeof *w->u);
    memset(w->imat, 0, p * p * sizeof *w->imat);
    memset(w->dimat, 0, p * p * p * sizeof *w->dimat);
    for (i = 0; i < n; i++) {
        const double *xi = pp->x + i * p;
        double z = pp->offset[i];
        for (j = 0; j < p; j++)
            z += beta[j] * xi[j];
        w->eta[i] = z;
    }
    for (blk = 0; blk < pp->n_strata; blk++) {
        size_t b = pp->block[blk], e = pp->block[blk + 1], rptr = e;
        size_t nrisk = 0;
        double s0 = 0, shift = 0, mx = -INFINITY;

        for (i = b; i < e; i++) {
            shift += w->eta[i];
            if (w->eta[i] > mx)
                mx = w->eta[i];
        }
        shift /= (double)(e - b);
        if (mx - shift > 500)
            shift = mx - 500;
        for (i = b; i < e; i++)
            w->risk[i] = pp->weight[i] * exp(w->eta[i] - shift);
        memset(w->s1, 0, p * sizeof *w->s1);
        memset(w->s2, 0, np2 * sizeof *w->s2);
        memset(w->s3, 0, np3 * sizeof *w->s3);

        i = e;
        while (i > b) {
            double t = pp->time[i - 1], dw = 0, d0 = 0;
            size_t g = i - 1, nd = 0, m;

            if (pp->counting) {
                while (rptr > b && pp->start[pp->start_order[rptr - 1]] >= t) {
                    size_t q = pp->start_order[--rptr];
                    nrisk--;
                    if (nrisk == 0) {
                        s0 = 0;
                        memset(w->s1, 0, p * sizeof *w->s1);
                        memset(w->s2, 0, np2 * sizeof *w->s2);
                        memset(w->s3, 0, np3 * sizeof *w->s3);
                    } else {
                        s0 -= w->risk[q];
                        firth_add(w, w->s1, w->s2, w->s3, pp->x + q * p,
                                  w->risk[q], -1.0);
                    }
                }
            }
            while (g > b && pp->time[g - 1] == t)
                g--;
            memset(w->d1, 0, p * sizeof *w->d1);
            memset(w->d2, 0, np2 * sizeof *w->d2);
            memset(w->d3, 0, np3 * sizeof *w->d3);
            for (k = g; k < i; k++) {
                const double *xk = pp->x + k * p;
                nrisk++;
                if (pp->event[k]) {
                    double wk = pp->weight[k];
                    nd++;
                    dw += wk;
                    d0 += w->risk[k];
                    loglik += wk * (w->eta[k] - shift);
                    for (j = 0; j < p; j++)
                        w->u[j] += wk * xk[j];
                    firth_add(w, w->d1, w->d2, w->d3, xk, w->risk[k], 1.0);
                } else {
                    s0 += w->risk[k];
                    firth_add(w, w->s1, w->s2, w->s3, xk, w->risk[k], 1.0);
                }
            }
            if (nd > 0) {
                size_t nterm = (w->efron && nd > 1) ? nd : 1;
                double wt = dw / (double)nterm;
                for (m = nterm; m >= 1; m--) {
                    double f = (double)m / (double)nterm;
                    double den = s0 + f * d0, den2 = den * den;
                    double *a = w->a;
                    loglik -= wt * log(den);
                    for (j = 0; j < p; j++)
                        a[j] = w->s1[j] + f * w->d1[j];
                    for (j = 0; j < p; j++) {
                        w->u[j] -= wt * a[j] / den;
                        for (k = 0; k <= j; k++) {
                            size_t t2 = FIRTH_T2(j, k);
                            double cjk = w->s2[t2] + f * w->d2[t2];
                            double v = wt * (cjk / den - a[j] * a[k] / den2);
                            w->imat[j * p + k] += v;
                            for (r = 0; r < p; r++) {
                                size_t t3 = firth_t3(j, k, r);
                                size_t jr = firth_t2(j, r), kr = firth_t2(k, r);
                                double e3 = w->s3[t3] + f * w->d3[t3];
                                double cjr = w->s2[jr] + f * w->d2[jr];
                                double ckr = w->s2[kr] + f * w->d2[kr];
                                double dv = e3 / den -
                                            (cjk * a[r] + cjr * a[k] +
                                             ckr * a[j]) / den2 +
                                            2 * a[j] * a[k] * a[r] /
                                                (den2 * den);
                                w->dimat[(r * p + j) * p + k] += wt * dv;
                            }
                        }
                    }
                }
            }
            s0 += d0;
            for (j = 0; j < p; j++)
                w->s1[j] += w->d1[j];
            for (k = 0; k < np2; k++)
                w->s2[k] += w->d2[k];
            for (k = 0; k < np3; k++)
                w->s3[k] += w->d3[k];
            i = g;
        }
    }
    for (j = 0; j < p; j++)
        for (k = 0; k < j; k++) {
            w->imat[k * p + j] = w->imat[j * p + k];
            for (r = 0; r < p; r++)
                w->dimat[(r * p + k) * p + j] = w->dimat[(r * p + j) * p + k];
        }
    return loglik;
}

/*
** Penalized log-likelihood and score at beta; `free_mask` (p flags, or NULL
** for all) selects the coefficients being optimised.  Fills w->inv with
** I^-1 (full).  Returns -Inf when I is not positive definite.
*/
static double firth_penalized(firth_ws *w, const double *beta, double *ustar,
                              double *lunpen)
{
    size_t p = w->p, i, j, k, r;
    double ll = firth_eval(w, beta), logdet = 0;
    int rank;

    if (lunpen)
        *lunpen = ll;
    memcpy(w->chol, w->imat, p * p * sizeof *w->chol);
    rank = cox_cholesky(w->chol, p, 1e-13);
    if (rank != (int)p || !isfinite(ll))
        return -INFINITY;
    for (i = 0; i < p; i++) {
        if (!(w->chol[i * p + i] > 0))
            return -INFINITY;
        logdet += log(w->chol[i * p + i]);
    }
    memcpy(w->inv, w->chol, p * p * sizeof *w->inv);
    cox_chinv(w->inv, p);
    for (r = 0; r < p; r++) {
        double tr = 0;
        for (j = 0; j < p; j++)
            for (k = 0; k < p; k++)
                tr += w->inv[j * p + k] * w->dimat[(r * p + k) * p + j];
        ustar[r] = w->u[r] + 0.5 * tr;
    }
    return ll + 0.5 * logdet;
}

/*
** Maximise l* over the coefficients with mask[j] = 1, the others fixed.
** beta in/out.  Returns the maximum (or -Inf) and the iterations used.
*/
static double firth_maximise(firth_ws *w, double *beta, const int *mask,
                             int maxit, double tol, int *iters,
                             int *converged, double *lunpen, double *ustar)
{
    size_t p = w->p, i, j, m = 0;
    double *step = NULL, *trial = NULL, *sub = NULL, *us = NULL;
    size_t *idx = NULL;
    double cur, best;
    int it;

    *converged = 0;
    *iters = 0;
    step = onc_mallocarray(p, sizeof *step);
    trial = onc_mallocarray(p, sizeof *trial);
    sub = onc_mallocarray(p * p, sizeof *sub);
    us = onc_mallocarray(p, sizeof *us);
    idx = onc_mallocarray(p, sizeof *idx);
    if (step == NULL || trial == NULL || sub == NULL || us == NULL ||
        idx == NULL) {
        best = NAN;
        goto done;
    }
    for (j = 0; j < p; j++)
        if (mask == NULL || mask[j])
            idx[m++] = j;
    cur = firth_penalized(w, beta, ustar, lunpen);
    best = cur;
    if (!isfinite(cur) || m == 0) {
        *converged = isfinite(cur);
        goto done;
    }
    for (it = 1; it <= maxit; it++) {
        double big = 0, scale = 1, newv;
        int h;
        /* Newton step on the free coefficients: I[free,free]^-1 U*[free] */
        for (i = 0; i < m; i++) {
            us[i] = ustar[idx[i]];
            for (j = 0; j < m; j++)
                sub[i * m + j] = w->imat[idx[i] * p + idx[j]];
        }
        if (cox_cholesky(sub, m, 1e-13) != (int)m)
            break;
        cox_chsolve(sub, m, us);
        for (i = 0; i < m; i++)
            if (fabs(us[i]) > big)
                big = fabs(us[i]);
        if (big > FIRTH_MAX_STEP)
            scale = FIRTH_MAX_STEP / big;
        for (h = 0; h <= FIRTH_MAX_HALVING; h++) {
            memcpy(trial, beta, p * sizeof *trial);
            for (i = 0; i < m; i++)
                trial[idx[i]] += scale * us[i];
            newv = firth_penalized(w, trial, step, lunpen);
            if (isfinite(newv) && newv >= cur - 1e-12 * fabs(cur))
                break;
            scale /= 2;
        }
        *iters = it;
        if (h > FIRTH_MAX_HALVING)
            break;
        memcpy(beta, trial, p * sizeof *beta);
        memcpy(ustar, step, p * sizeof *ustar);
        cur = newv;
        best = cur;
        if (big * scale <= tol) {
            *converged = 1;
            break;
        }
    }
    /* leave the workspace describing the returned beta */
    best = firth_penalized(w, beta, ustar, lunpen);
done:
    free(step);
    free(trial);
    free(sub);
    free(us);
    free(idx);
    return best;
}

/* Profile penalized log-likelihood at beta_k = b (working scale); `work`
** carries the warm start of the other coefficients between calls. */
static double firth_profile(firth_ws *w, size_t k, double b, double *work,
                            int *mask, int maxit, double tol, double *ustar)
{
    int it, conv;
    size_t j;
    double l;

    for (j = 0; j < w->p; j++)
        mask[j] = j != k;
    work[k] = b;
    l = firth_maximise(w, work, mask, maxit, tol, &it, &conv, NULL, ustar);
    return conv ? l : NAN;
}

/* Brent's root finder on f(b) = target - 2 (lmax - profile(b)). */
typedef struct firth_root {
    firth_ws *w;
    size_t k;
    double lmax, q;
    double *work, *ustar;
    int *mask;
    int maxit;
    double tol;
} firth_root;

static double root_f(firth_root *fr, double b)
{
    double l = firth_profile(fr->w, fr->k, b, fr->work, fr->mask, fr->maxit,
                             fr->tol, fr->ustar);
    return 2 * (fr->lmax - l) - fr->q;
}

static double firth_brent(firth_root *fr, double a, double b, double fa,
                          double fb, double tol)
{
    double c = a, fc = fa, d = b - a, e = d;
    int iter;

    for (iter = 0; iter < 200; iter++) {
        double tol1, xm, pq, q, r, s;
        if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
            c = a;
            fc = fa;
            d = e = b - a;
        }
        if (fabs(fc) < fabs(fb)) {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        tol1 = 2 * DBL_EPSILON * fabs(b) + 0.5 * tol;
        xm = 0.5 * (c - b);
        if (fabs(xm) <= tol1 || fb == 0)
            return b;
        if (fabs(e) >= tol1 && fabs(fa) > fabs(fb)) {
            s = fb / fa;
            if (a == c) {
                pq = 2 * xm * s;
                q = 1 - s;
            } else {
                q = fa / fc;
                r = fb / fc;
                pq = s * (2 * xm * q * (q - r) - (b - a) * (r - 1));
                q = (q - 1) * (r - 1) * (s - 1);
            }
            if (pq > 0)
                q = -q;
            pq = fabs(pq);
            if (2 * pq < fmin(3 * xm * q - fabs(tol1 * q), fabs(e * q))) {
                e = d;
                d = pq / q;
            } else {
                d = xm;
                e = d;
            }
        } else {
            d = xm;
            e = d;
        }
        a = b;
        fa = fb;
        b += fabs(d) > tol1 ? d : (xm > 0 ? tol1 : -tol1);
        fb = root_f(fr, b);
        if (isnan(fb))
            return NAN;
    }
    return b;
}

/* One profile limit on side dir (+1 upper, -1 lower), working scale. */
static double firth_limit(firth_root *fr, const double *bhat, double se,
                          int dir, int *found)
{
    size_t k = fr->k;
    double inner = bhat[k], fin = -fr->q, h, outer, fout = NAN;
    int m;

    *found = 0;
    h = sqrt(fr->q) * (se > 0 && isfinite(se) ? se : 1.0);
    for (m = 0; m < FIRTH_ROOT_EXPAND; m++) {
        memcpy(fr->work, bhat, fr->w->p * sizeof *fr->work);
        outer = bhat[k] + dir * h;
        fout = root_f(fr, outer);
        if (isnan(fout))
            return NAN;
        if (fout > 0)
            break;
        inner = outer;
        fin = fout;
        h *= 2;
    }
    if (!(fout > 0))
        return NAN;
    *found = 1;
    return firth_brent(fr, inner, outer, fin, fout,
                       1e-12 * (1 + fabs(bhat[k])));
}

onc_status cox_firth_fit(const cox_prep *pp, const onc_cox_options *opt,
                         onc_cox_fit *fit, onc_error *err)
{
    firth_ws w;
    size_t p = pp->p, n = pp->n, j, k;
    double *beta = NULL, *ustar = NULL, *work = NULL, *bhat = NULL;
    double *ustar2 = NULL, *sew = NULL;
    int *mask = NULL;
    double l0u, l1u, lmax, q, zq, shift = 0;
    int iters = 0, conv = 0;
    int maxit = opt->max_iter > 0 ? 5 * opt->max_iter : 0;
    onc_status st = ONC_OK;

    memset(&w, 0, sizeof w);
    w.pp = pp;
    w.efron = opt->ties == ONC_TIES_EFRON;
    w.p = p;
    w.np2 = p * (p + 1) / 2;
    w.np3 = p * (p + 1) * (p + 2) / 6;
    w.eta = onc_mallocarray(n, sizeof *w.eta);
    w.risk = onc_mallocarray(n, sizeof *w.risk);
    w.s1 = onc_callocarray(2 * (p + w.np2 + w.np3) + p + 1, sizeof *w.s1);
    w.u = onc_callocarray(p + 1, sizeof *w.u);
    w.imat = onc_callocarray(p * p + 1, sizeof *w.imat);
    w.dimat = onc_callocarray(p * p * p + 1, sizeof *w.dimat);
    w.chol = onc_callocarray(p * p + 1, sizeof *w.chol);
    w.inv = onc_callocarray(p * p + 1, sizeof *w.inv);
    beta = onc_callocarray(p + 1, sizeof *beta);
    bhat = onc_callocarray(p + 1, sizeof *bhat);
    ustar = onc_callocarray(p + 1, sizeof *ustar);
    ustar2 = onc_callocarray(p + 1, sizeof *ustar2);
    work = onc_callocarray(p + 1, sizeof *work);
    mask = onc_callocarray(p + 1, sizeof *mask);
    sew = onc_callocarray(p + 1, sizeof *sew);
    fit->lower_found = onc_callocarray(p + 1, sizeof *fit->lower_found);
    fit->upper_found = onc_callocarray(p + 1, sizeof *fit->upper_found);
    fit->firth_chisq = onc_callocarray(p + 1, sizeof *fit->firth_chisq);
    fit->firth_p = onc_callocarray(p + 1, sizeof *fit->firth_p);
    if (w.eta == NULL || w.risk == NULL || w.s1 == NULL || w.u == NULL ||
        w.imat == NULL || w.dimat == NULL || w.chol == NULL || w.inv == NULL ||
        beta == NULL || bhat == NULL || ustar == NULL || ustar2 == NULL ||
        work == NULL || mask == NULL || sew == NULL ||
        fit->lower_found == NULL ||
        fit->upper_found == NULL || fit->firth_chisq == NULL ||
        fit->firth_p == NULL)
        goto nomem;
    w.s2 = w.s1 + p;
    w.s3 = w.s2 + w.np2;
    w.d1 = w.s3 + w.np3;
    w.d2 = w.d1 + p;
    w.d3 = w.d2 + w.np2;
    w.a = w.d3 + w.np3;

    for (j = 0; j < p; j++)
        beta[j] = opt->init ? opt->init[j] / pp->scale[j] : 0;

    /* start: penalized and plain log-likelihood, plain score test */
    fit->loglik[0] = firth_penalized(&w, beta, ustar, &l0u);
    fit->loglik_unpenalized[0] = l0u;
    if (p > 0) {
        double *a = onc_mallocarray(p, sizeof *a);
        if (a == NULL)
            goto nomem;
        memcpy(a, w.u, p * sizeof *a);
        memcpy(w.chol, w.imat, p * p * sizeof *w.chol);
        cox_cholesky(w.chol, p, opt->toler_chol);
        cox_chsolve(w.chol, p, a);
        fit->score_stat = 0;
        for (j = 0; j < p; j++)
            fit->score_stat += w.u[j] * a[j];
        free(a);
    }
    if (!isfinite(fit->loglik[0])) {
        st = onc_error_set(err, ONC_ERR_COMPUTE, NULL, 0, 0, NULL,
                           "Firth penalized Cox model: the information matrix "
                           "is singular at the initial values (collinear "
                           "covariates?)");
        goto cleanup;
    }

    lmax = firth_maximise(&w, beta, NULL, maxit, 1e-10, &iters, &conv, &l1u,
                          ustar);
    /* log det I in the caller's coordinates: I = S^-1 I_work S^-1 */
    for (j = 0; j < p; j++)
        shift -= log(pp->scale[j]);
    fit->loglik[0] += shift;
    fit->loglik[1] = lmax + shift;
    fit->loglik_unpenalized[1] = l1u;
    fit->iterations = iters;
    fit->converged = conv;
    fit->rank = (int)p;
    memcpy(w.chol, w.imat, p * p * sizeof *w.chol);
    cox_cholesky(w.chol, p, opt->toler_chol);
    cox_chinv(w.chol, p);
    for (j = 0; j < p; j++) {
        fit->coef[j] = beta[j] * pp->scale[j];
        fit->score[j] = ustar[j] / pp->scale[j];
        for (k = 0; k < p; k++)
            fit->var[j * p + k] = w.chol[j * p + k] * pp->scale[j] *
                                  pp->scale[k];
    }
    memcpy(bhat, beta, p * sizeof *bhat);
    /* working-scale standard errors; w.chol is scratch from here on */
    for (j = 0; j < p; j++)
        sew[j] = sqrt(w.chol[j * p + j]);

    /* profile limits and penalized likelihood-ratio tests */
    zq = gsl_cdf_ugaussian_Pinv((1 + opt->conf_level) / 2);
    q = zq * zq;
    for (k = 0; k < p; k++) {
        firth_root fr;
        double se_w = sew[k], lim, l0;
        int found;

        fr.w = &w;
        fr.k = k;
        fr.lmax = lmax;
        fr.q = q;
        fr.work = work;
        fr.ustar = ustar2;
        fr.mask = mask;
        fr.maxit = maxit > 0 ? maxit : 100;
        fr.tol = 1e-11;
        if (!conv) {
            fit->lower[k] = fit->upper[k] = NAN;
            fit->firth_chisq[k] = fit->firth_p[k] = NAN;
            continue;
        }
        lim = firth_limit(&fr, bhat, se_w, -1, &found);
        fit->lower[k] = found ? exp(lim * pp->scale[k]) : NAN;
        fit->lower_found[k] = found && isfinite(lim);
        lim = firth_limit(&fr, bhat, se_w, +1, &found);
        fit->upper[k] = found ? exp(lim * pp->scale[k]) : NAN;
        fit->upper_found[k] = found && isfinite(lim);
        memcpy(work, bhat, p * sizeof *work);
        l0 = firth_profile(&w, k, 0.0, work, mask, fr.maxit, fr.tol, ustar2);
        fit->firth_chisq[k] = fmax(0, 2 * (lmax - l0));
        fit->firth_p[k] = cox_chisq_p(fit->firth_chisq[k], 1);
    }
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "Firth penalized Cox model: out of memory");
cleanup:
    free(w.eta);
    free(w.risk);
    free(w.s1);
    free(w.u);
    free(w.imat);
    free(w.dimat);
    free(w.chol);
    free(w.inv);
    free(beta);
    free(bhat);
    free(ustar);
    free(ustar2);
    free(work);
    free(mask);
    free(sew);
    return st;
}
