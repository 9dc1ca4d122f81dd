/*
** multinom.c -- multinomial (baseline-category) logistic regression.
**
** Method: maximum likelihood for
**     log(P(arm = a | x) / P(arm = 0 | x)) = b0_a + x b_a,  a = 1 .. K-1
** (Agresti 2013, Categorical Data Analysis, section 8.1) by Newton-Raphson
** on the full Hessian of the (K-1)(p+1) coefficients, with step halving
** whenever the log-likelihood would decrease.  The estimates are those of
** nnet::multinom, which maximises the same likelihood by BFGS.
**
** Numerics: covariates are centred and scaled internally (estimates are
** transformed back), so the Hessian, accumulated one row at a time in
** O(((K-1)(p+1))^2) memory, is well conditioned; it is factorised by
** Cholesky.  Iteration stops when |D - D_old| / (|D| + 0.1) < tolerance.
**
** Aliasing: a covariate column whose Cholesky pivot in the prior-weighted
** design cross-product falls below MULTINOM_ALIAS_TOL times its diagonal
** (i.e. whose residual norm after the earlier columns is below about
** 3e-6 of its norm) is aliased for every arm and reported as NaN.
**
** Separation: as for logistic regression (see logistic.c), one more Newton
** step is computed at the estimate; if it moves some patient's log-odds by
** more than MULTINOM_SEPARATION_STEP, or the Hessian is numerically
** singular, the likelihood has no finite maximum and `separation` is set.
*/
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "oncostat/ps.h"
#include "stats/cholesky.h"

#define MULTINOM_BLOCK 256
#define MULTINOM_ALIAS_TOL 1e-11
#define MULTINOM_SEPARATION_STEP 0.5
#define MULTINOM_BOUNDARY (10.0 * DBL_EPSILON)
#define MULTINOM_MAX_HALVING 30
#define MULTINOM_MAX_TOTAL_WEIGHT 1e150
/* The Hessian is dense: 2000 coefficients take 32 MB and a Cholesky
** factorisation of about 3e9 operations per iteration. */
#define MULTINOM_MAX_PARAMETERS 2000

typedef struct multinom_work {
    const double *x;
    const int *arm;
    const double *w;            /* NULL = all 1 */
    size_t n, p, q, k, nq;      /* q = p + 1, k = arms, nq = (k - 1) q */
    double *mean, *scale;       /* p */
    double *zbuf;               /* MULTINOM_BLOCK x q, row-major */
    double *prob;               /* k, one row's probabilities */
} multinom_work;

static double multinom_weight(const multinom_work *mw, size_t i)
{
    return mw->w != NULL ? mw->w[i] : 1.0;
}

static void multinom_fill_block(multinom_work *mw, size_t i0, size_t m)
{
    size_t q = mw->q, r, j;

    for (r = 0; r < m; r++)
        mw->zbuf[r * q] = 1.0;
    for (j = 0; j < mw->p; j++) {
        const double *col = mw->x + j * mw->n + i0;
        double mj = mw->mean[j], inv = 1.0 / mw->scale[j];

        for (r = 0; r < m; r++)
            mw->zbuf[r * q + 1 + j] = (col[r] - mj) * inv;
    }
}

/* Softmax of (0, z'b_1, ..., z'b_{k-1}) into mw->prob; returns the log of
** the probability of arm `a` (computed without forming the probability). */
static double multinom_probs(multinom_work *mw, const double *z,
                             const double *beta, int a)
{
    size_t c, j, q = mw->q;
    double mx = 0.0, s = 0.0, eta_a = 0.0;

    mw->prob[0] = 0.0;
    for (c = 1; c < mw->k; c++) {
        double e = 0.0;

        for (j = 0; j < q; j++)
            e += z[j] * beta[(c - 1) * q + j];
        mw->prob[c] = e;
        if (e > mx)
            mx = e;
    }
    eta_a = mw->prob[a];
    for (c = 0; c < mw->k; c++) {
        mw->prob[c] = exp(mw->prob[c] - mx);
        s += mw->prob[c];
    }
    for (c = 0; c < mw->k; c++)
        mw->prob[c] /= s;
    return eta_a - mx - log(s);
}

/*
** One pass: log-likelihood, and when grad/hess are not NULL the score and
** the negative Hessian (lower triangle, column-major nq x nq).
*/
static double multinom_pass(multinom_work *mw, const double *beta,
                            double *grad, double *hess, double *fitted)
{
    size_t i0, r, q = mw->q, nq = mw->nq, c, l, a, b;
    double ll = 0.0;

    if (grad != NULL)
        memset(grad, 0, nq * sizeof *grad);
    if (hess != NULL)
        memset(hess, 0, nq * nq * sizeof *hess);
    for (i0 = 0; i0 < mw->n; i0 += MULTINOM_BLOCK) {
        size_t m = mw->n - i0 < MULTINOM_BLOCK ? mw->n - i0 : MULTINOM_BLOCK;

        multinom_fill_block(mw, i0, m);
        for (r = 0; r < m; r++) {
            size_t i = i0 + r;
            const double *z = mw->zbuf + r * q;
            double w = multinom_weight(mw, i);
            double lp = multinom_probs(mw, z, beta, mw->arm[i]);

            if (fitted != NULL)
                for (c = 0; c < mw->k; c++)
                    fitted[c * mw->n + i] = mw->prob[c];
            if (!(w > 0.0))
                continue;
            ll += w * lp;
            if (grad != NULL)
                for (c = 1; c < mw->k; c++) {
                    double d = w * ((mw->arm[i] == (int)c) - mw->prob[c]);

                    for (a = 0; a < q; a++)
                        grad[(c - 1) * q + a] += d * z[a];
                }
            if (hess == NULL)
                continue;
            for (c = 1; c < mw->k; c++)
                for (l = 1; l <= c; l++) {
                    double cf = w * mw->prob[c] * ((c == l) - mw->prob[l]);
                    size_t row0 = (c - 1) * q, col0 = (l - 1) * q;

                    if (cf == 0.0)
                        continue;
                    for (a = 0; a < q; a++) {
                        double za = cf * z[a];
                        size_t bmax = c == l ? a : q - 1;

                        for (b = 0; b <= bmax; b++)
                            hess[(col0 + b) * nq + row0 + a] += za * z[b];
                    }
                }
        }
    }
    return ll;
}

/* Map q coefficients from the internal (centred, scaled) parametrisation to
** the original covariates: b_j = b_j / s_j, b_0 = b_0 - sum b_j m_j / s_j. */
static void multinom_untransform(const multinom_work *mw, double *v)
{
    size_t j;
    double v0 = v[0];

    for (j = 1; j < mw->q; j++) {
        v[j] /= mw->scale[j - 1];
        v0 -= v[j] * mw->mean[j - 1];
    }
    v[0] = v0;
}

void onc_multinom_free(onc_multinom_result *fit)
{
    if (fit == NULL)
        return;
    free(fit->coef);
    free(fit->se);
    free(fit->vcov);
    free(fit->aliased);
    free(fit->fitted);
    free(fit);
}

static onc_status multinom_check_input(const double *x, size_t n, size_t p,
                                       const int *arm, size_t k,
                                       const double *weights, double *class_w,
                                       double *total, onc_error *err)
{
    size_t i, j;

    if (n == 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "multinomial regression needs at least one row");
    if (k < 2 || k > ONC_PS_MAX_ARMS)
        return onc_error_set(err, k < 2 ? ONC_ERR_USAGE : ONC_ERR_LIMIT, NULL, 0,
                             0, NULL, "the number of arms must lie in 2 .. %d, not %zu",
                             ONC_PS_MAX_ARMS, k);
    if (p > ONC_PS_MAX_COVARIATES)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "%zu covariates exceed the limit of %d", p,
                             ONC_PS_MAX_COVARIATES);
    if ((p > 0 && x == NULL) || arm == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "multinomial regression needs a model matrix and arms");
    *total = 0.0;
    for (i = 0; i < k; i++)
        class_w[i] = 0.0;
    for (i = 0; i < n; i++) {
        double w = weights != NULL ? weights[i] : 1.0;

        if (!isfinite(w) || w < 0.0)
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "weight",
                                 "weights must be finite and non-negative, found %g", w);
        if (arm[i] < 0 || (size_t)arm[i] >= k)
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "arm",
                                 "arm code %d is outside 0 .. %zu", arm[i], k - 1);
        class_w[arm[i]] += w;
        *total += w;
    }
    for (j = 0; j < p; j++)
        for (i = 0; i < n; i++)
            if (!isfinite(x[j * n + i]))
                return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, NULL,
                                     "covariate %zu of the model matrix is %g",
                                     j + 1, x[j * n + i]);
    for (i = 0; i < k; i++)
        if (!(class_w[i] > 0.0))
            return onc_error_set(err, ONC_ERR_DATA, NULL, 0, 0, "arm",
                                 "arm %zu has no patient with a positive weight", i);
    if (*total > MULTINOM_MAX_TOTAL_WEIGHT)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "the weights sum to %g, beyond %g", *total,
                             MULTINOM_MAX_TOTAL_WEIGHT);
    return ONC_OK;
}

/* Design cross-product sum w z z' (lower triangle) for aliasing. */
static void multinom_design_gram(multinom_work *mw, double *g)
{
    size_t i0, r, a, b, q = mw->q;

    memset(g, 0, q * q * sizeof *g);
    for (i0 = 0; i0 < mw->n; i0 += MULTINOM_BLOCK) {
        size_t m = mw->n - i0 < MULTINOM_BLOCK ? mw->n - i0 : MULTINOM_BLOCK;

        multinom_fill_block(mw, i0, m);
        for (r = 0; r < m; r++) {
            const double *z = mw->zbuf + r * q;
            double w = multinom_weight(mw, i0 + r);

            if (!(w > 0.0))
                continue;
            for (b = 0; b < q; b++)
                for (a = b; a < q; a++)
                    g[b * q + a] += w * z[a] * z[b];
        }
    }
}

/* Largest |z' delta_c| over rows with positive weight, and boundary fits. */
static double multinom_max_step(multinom_work *mw, const double *delta,
                                const double *fitted, size_t *n_boundary)
{
    size_t i0, r, c, j, q = mw->q, nb = 0;
    double mx = 0.0;

    for (i0 = 0; i0 < mw->n; i0 += MULTINOM_BLOCK) {
        size_t m = mw->n - i0 < MULTINOM_BLOCK ? mw->n - i0 : MULTINOM_BLOCK;

        multinom_fill_block(mw, i0, m);
        for (r = 0; r < m; r++) {
            size_t i = i0 + r;
            const double *z = mw->zbuf + r * q;

            for (c = 0; c < mw->k; c++) {
                double pr = fitted[c * mw->n + i];

                if (pr < MULTINOM_BOUNDARY || pr > 1.0 - MULTINOM_BOUNDARY) {
                    nb++;
                    break;
                }
            }
            if (!(multinom_weight(mw, i) > 0.0))
                continue;
            for (c = 1; c < mw->k; c++) {
                double s = 0.0;

                for (j = 0; j < q; j++)
                    s += z[j] * delta[(c - 1) * q + j];
                if (!(fabs(s) <= mx))
                    mx = fabs(s);
            }
        }
    }
    *n_boundary = nb;
    return mx;
}

/*
** Specification
**   Inputs:  x (n x p, column-major, no intercept), arm (n codes 0..K-1),
**            n_arms = K, weights (n, >= 0, or NULL), opt (or NULL).
**   Output:  *out (free with onc_multinom_free): coefficients of arms
**            1..K-1 against arm 0 (intercept first), SEs and covariance from
**            the inverse Hessian at the estimate, fitted probabilities for
**            all n rows, deviance, AIC, convergence, aliasing, separation.
**   Preconditions: finite inputs; every arm has positive total weight.
**   NaN policy: a NaN in the inputs is an ONC_ERR_DATA error.
**   Reference: nnet::multinom (converged with reltol = 1e-12).
*/
onc_status onc_multinom_fit(const double *x, size_t n, size_t p,
                            const int *arm, size_t n_arms,
                            const double *weights,
                            const onc_ps_fit_options *opt,
                            onc_multinom_result **out, onc_error *err)
{
    onc_status st;
    multinom_work mw;
    onc_multinom_result *fit = NULL;
    double class_w[ONC_PS_MAX_ARMS];
    double tol = ONC_PS_FIT_TOLERANCE, total = 0.0, ll, dev, devold;
    double *beta = NULL, *trial = NULL, *grad = NULL, *hess = NULL;
    double *grad2 = NULL, *hess2 = NULL;
    double *step = NULL, *vs = NULL, *t = NULL;
    int *keep_col = NULL, *keep = NULL;
    int max_iter = ONC_PS_FIT_MAX_ITER, iter, singular = 0;
    size_t q = p + 1, nq, j, a, b, c, rank = 0;

    memset(&mw, 0, sizeof mw);
    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_multinom_fit: out is NULL");
    *out = NULL;
    st = multinom_check_input(x, n, p, arm, n_arms, weights, class_w, &total, err);
    if (st != ONC_OK)
        return st;
    if (opt != NULL) {
        if (!(opt->tolerance > 0.0) || opt->max_iter < 1)
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "tolerance must be positive and max_iter at least 1");
        tol = opt->tolerance;
        max_iter = opt->max_iter;
    }
    nq = (n_arms - 1) * q;
    if (nq > MULTINOM_MAX_PARAMETERS)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "%zu arms and %zu covariates give %zu coefficients, "
                             "beyond the limit of %d", n_arms, p, nq,
                             MULTINOM_MAX_PARAMETERS);

    mw.x = x;
    mw.arm = arm;
    mw.w = weights;
    mw.n = n;
    mw.p = p;
    mw.q = q;
    mw.k = n_arms;
    mw.nq = nq;
    mw.mean = onc_callocarray(p ? p : 1, sizeof *mw.mean);
    mw.scale = onc_callocarray(p ? p : 1, sizeof *mw.scale);
    mw.zbuf = onc_mallocarray(MULTINOM_BLOCK * q, sizeof *mw.zbuf);
    mw.prob = onc_mallocarray(n_arms, sizeof *mw.prob);
    beta = onc_callocarray(nq, sizeof *beta);
    trial = onc_callocarray(nq, sizeof *trial);
    grad = onc_callocarray(nq, sizeof *grad);
    hess = onc_callocarray(nq * nq, sizeof *hess);
    grad2 = onc_callocarray(nq, sizeof *grad2);
    hess2 = onc_callocarray(nq * nq, sizeof *hess2);
    step = onc_callocarray(nq, sizeof *step);
    vs = onc_callocarray(nq * nq, sizeof *vs);
    t = onc_callocarray(q * q, sizeof *t);
    keep_col = onc_callocarray(q, sizeof *keep_col);
    keep = onc_callocarray(nq, sizeof *keep);
    fit = calloc(1, sizeof *fit);
    if (mw.mean == NULL || mw.scale == NULL || mw.zbuf == NULL || mw.prob == NULL ||
        beta == NULL || trial == NULL || grad == NULL || hess == NULL ||
        grad2 == NULL || hess2 == NULL ||
        step == NULL || vs == NULL || t == NULL || keep_col == NULL ||
        keep == NULL || fit == NULL)
        goto nomem;
    fit->n = n;
    fit->n_arms = n_arms;
    fit->n_coef = q;
    fit->coef = onc_mallocarray(nq, sizeof *fit->coef);
    fit->se = onc_mallocarray(nq, sizeof *fit->se);
    fit->vcov = onc_mallocarray(nq * nq, sizeof *fit->vcov);
    fit->aliased = onc_callocarray(q, sizeof *fit->aliased);
    fit->fitted = onc_mallocarray(n * n_arms, sizeof *fit->fitted);
    if (fit->coef == NULL || fit->se == NULL || fit->vcov == NULL ||
        fit->aliased == NULL || fit->fitted == NULL)
        goto nomem;

    /* Internal scaling: weighted mean and SD of each column. */
    for (j = 0; j < p; j++) {
        const double *col = x + j * n;
        double s = 0.0, ss = 0.0, m;
        size_t i;

        for (i = 0; i < n; i++)
            s += multinom_weight(&mw, i) * col[i];
        m = s / total;
        for (i = 0; i < n; i++)
            ss += multinom_weight(&mw, i) * (col[i] - m) * (col[i] - m);
        mw.mean[j] = m;
        mw.scale[j] = ss > 0.0 ? sqrt(ss / total) : 1.0;
        if (!isfinite(mw.scale[j]) || !(mw.scale[j] > 0.0))
            mw.scale[j] = 1.0;
    }

    /* Aliased covariate columns, from the design alone. */
    multinom_design_gram(&mw, t);
    for (j = 0; j < q; j++)
        keep_col[j] = 1;
    onc_cholesky_factor(t, q, keep_col, MULTINOM_ALIAS_TOL, 1);
    for (j = 0; j < q; j++) {
        fit->aliased[j] = !keep_col[j];
        rank += (size_t)keep_col[j];
    }
    for (c = 0; c + 1 < n_arms; c++)
        for (j = 0; j < q; j++)
            keep[c * q + j] = keep_col[j];

    /* Start from the intercept-only fit (exact with centred covariates). */
    for (c = 1; c < n_arms; c++)
        beta[(c - 1) * q] = log(class_w[c] / class_w[0]);

    /* Each pass gives the likelihood, score and Hessian at its point, so an
    ** accepted step needs no second pass; fitted values are written by
    ** every pass and so belong to the last point accepted. */
    ll = multinom_pass(&mw, beta, grad, hess, fit->fitted);
    dev = -2.0 * ll;
    for (iter = 1; iter <= max_iter; iter++) {
        double ll_new = ll, scale = 1.0, *swap;
        int h;

        memcpy(step, grad, nq * sizeof *step);
        if (onc_cholesky_factor(hess, nq, keep, 0.0, 0) != 0) {
            singular = 1;
            break;
        }
        onc_cholesky_solve(hess, nq, keep, step);
        for (h = 0; h <= MULTINOM_MAX_HALVING; h++) {
            for (j = 0; j < nq; j++)
                trial[j] = beta[j] + scale * step[j];
            ll_new = multinom_pass(&mw, trial, grad2, hess2, fit->fitted);
            if (isfinite(ll_new) && ll_new >= ll - 1e-12 * (fabs(ll) + 0.1))
                break;
            scale *= 0.5;
        }
        if (!isfinite(ll_new)) {
            st = onc_error_set(err, ONC_ERR_COMPUTE, NULL, 0, 0, NULL,
                               "multinomial regression: the likelihood is not finite");
            goto cleanup;
        }
        memcpy(beta, trial, nq * sizeof *beta);
        swap = grad;
        grad = grad2;
        grad2 = swap;
        swap = hess;
        hess = hess2;
        hess2 = swap;
        ll = ll_new;
        devold = dev;
        dev = -2.0 * ll;
        fit->iterations = iter;
        if (fabs(dev - devold) / (fabs(dev) + 0.1) < tol) {
            fit->converged = 1;
            break;
        }
    }

    /* Information and one more Newton step at the estimate. */
    memset(vs, 0, nq * nq * sizeof *vs);
    if (!singular && onc_cholesky_factor(hess, nq, keep, 0.0, 0) == 0) {
        memcpy(step, grad, nq * sizeof *step);
        onc_cholesky_solve(hess, nq, keep, step);
        for (b = 0; b < nq; b++) {
            if (!keep[b])
                continue;
            memset(trial, 0, nq * sizeof *trial);
            trial[b] = 1.0;
            onc_cholesky_solve(hess, nq, keep, trial);
            for (a = 0; a < nq; a++)
                vs[b * nq + a] = trial[a];
        }
        if (multinom_max_step(&mw, step, fit->fitted, &fit->n_boundary) >
            MULTINOM_SEPARATION_STEP)
            fit->separation = 1;
    } else {
        singular = 1;
        fit->converged = 0;
        fit->separation = 1;
        memset(step, 0, nq * sizeof *step);
        multinom_max_step(&mw, step, fit->fitted, &fit->n_boundary);
    }

    /* Back to the original covariates: per arm b = T b_s, V = T V_s T'. */
    for (c = 0; c + 1 < n_arms; c++)
        multinom_untransform(&mw, beta + c * q);
    for (b = 0; b < nq; b++)
        for (c = 0; c + 1 < n_arms; c++)
            multinom_untransform(&mw, vs + b * nq + c * q);
    for (a = 0; a < nq; a++) {
        for (c = 0; c + 1 < n_arms; c++) {
            for (j = 0; j < q; j++)
                trial[j] = vs[(c * q + j) * nq + a];
            multinom_untransform(&mw, trial);
            for (j = 0; j < q; j++)
                vs[(c * q + j) * nq + a] = trial[j];
        }
    }
    for (c = 0; c + 1 < n_arms; c++)
        for (a = 0; a < q; a++)
            fit->coef[c * q + a] = keep_col[a] ? beta[c * q + a] : NAN;
    for (b = 0; b < nq; b++)
        for (a = 0; a < nq; a++)
            fit->vcov[b * nq + a] = (!keep_col[a % q] || !keep_col[b % q] || singular)
                                        ? NAN : vs[b * nq + a];
    for (j = 0; j < nq; j++)
        fit->se[j] = isnan(fit->vcov[j * nq + j]) ? NAN : sqrt(fit->vcov[j * nq + j]);

    fit->loglik = ll;
    fit->deviance = dev;
    fit->rank = rank;
    fit->aic = dev + 2.0 * (double)((n_arms - 1) * rank);
    st = ONC_OK;
    *out = fit;
    fit = NULL;
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "multinomial regression: out of memory for %zu rows", n);
cleanup:
    onc_multinom_free(fit);
    free(mw.mean);
    free(mw.scale);
    free(mw.zbuf);
    free(mw.prob);
    free(beta);
    free(trial);
    free(grad);
    free(hess);
    free(grad2);
    free(hess2);
    free(step);
    free(vs);
    free(t);
    free(keep_col);
    free(keep);
    return st;
}
