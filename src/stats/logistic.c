/*
** logistic.c -- logistic regression (binomial GLM, logit link) by
** iteratively reweighted least squares.
**
** Method: the IRLS of R's glm.fit (McCullagh & Nelder 1989, section 2.5):
** start from mu = (w y + 1/2) / (w + 1), regress the working response
** eta + (y - mu) / mu' on the design with weights w mu'^2 / var(mu), and
** stop when |D - D_old| / (|D| + 0.1) < tolerance.  The logit link's
** inverse and derivative are clamped at |eta| > 30 exactly as R's
** family.c does, so a fit follows R's iterates step for step.
**
** Numerics: covariates are centred and scaled internally (the estimates are
** transformed back), which keeps the weighted cross-product matrix well
** conditioned; each IRLS step accumulates it in one pass over the rows and
** solves it by Cholesky.  When a pivot shows that the normal equations would
** lose more than about four digits (near-collinear columns, or the vanishing
** weights of a separated fit) the step is redone with a QR factorisation
** built one row at a time by square-root-free Givens rotations (Gentleman
** 1974; Miller 1992, AS 274, the method of R's biglm), which does not square
** the condition number; rank decisions always use the rotations.  Memory is
** O(p^2) beyond the n-vectors of results: 10 million rows need no copy of
** the design.
**
** Aliasing: a column is aliased, as R reports NA, when its residual norm
** after projection on the earlier non-aliased columns (intercept first) is
** below LOGISTIC_ALIAS_TOL times its own norm, in the design weighted by the
** prior weights.
**
** Separation (Albert & Anderson 1984): when the data are (quasi-)completely
** separated the likelihood has no maximum and IRLS drifts along the
** separating direction, moving the log-odds of the separated patients by
** about one unit per step however long it runs, while at a finite maximum
** the next step is negligible.  After the fit one more Newton step is
** computed (not applied); patients whose log-odds it moves by more than
** LOGISTIC_SEPARATION_STEP, or whose fitted probability is at the boundary,
** are set aside, and the coefficients that the remaining patients cannot
** identify (the null space of their design) are the infinite ones.
*/
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "oncostat/ps.h"
#include "stats/cholesky.h"

/* R's binomial link clamps eta at +-30 (THRESH/MTHRESH in family.c). */
#define LOGISTIC_ETA_LIMIT 30.0
/* Rows standardised at a time. */
#define LOGISTIC_BLOCK 256
/* Relative residual norm below which a column is aliased (R's glm uses
** 1e-11 with Householder QR; rounding in a Givens factorisation of 1e7 rows
** can approach 1e-12, hence a little more room). */
#define LOGISTIC_ALIAS_TOL 1e-10
/* Log-odds change of one Newton step that marks a separated patient: about
** 1 under separation, below 1e-6 at a converged finite maximum. */
#define LOGISTIC_SEPARATION_STEP 0.5
/* Relative size of a null-space component treated as non-zero. */
#define LOGISTIC_NULL_TOL 1e-8
/* R's boundary warning: fitted probabilities within 10 DBL_EPSILON of 0/1. */
#define LOGISTIC_BOUNDARY (10.0 * DBL_EPSILON)
/* Smallest share of a diagonal element a Cholesky pivot of the IRLS
** cross-products may keep (a residual norm ratio of 1e-2, costing at most
** about 4 digits); below it the pass is redone with rotations. */
#define LOGISTIC_CHOLESKY_SAFE 1e-4
/* Total weight beyond which sums of squares could overflow. */
#define LOGISTIC_MAX_TOTAL_WEIGHT 1e150

typedef enum logistic_pass {
    LOGISTIC_PASS_DESIGN,       /* prior weights, all rows */
    LOGISTIC_PASS_COMPLEMENT    /* prior weights, rows not set aside */
} logistic_pass;

typedef struct logistic_work {
    const double *x;
    const double *y;
    const double *w;            /* NULL = all 1 */
    size_t n, p, q;             /* q = p + 1 */
    double *mean, *scale;       /* p: internal centring and scaling */
    double *zbuf;               /* LOGISTIC_BLOCK x q, row-major */
    size_t k;                   /* columns in the current factorisation */
    size_t *cols;               /* q: their indices */
    double *d;                  /* k: row scales of the factorisation */
    double *rbar;               /* k x k unit upper triangle, row-major */
    double *thetab;             /* k: transformed response */
    double *norm2;              /* k: weighted sums of squares */
    double *row;                /* k */
    double *eta, *mu;           /* n */
    const unsigned char *skip;  /* n, for LOGISTIC_PASS_COMPLEMENT */
} logistic_work;

static double logistic_weight(const logistic_work *lw, size_t i)
{
    return lw->w != NULL ? lw->w[i] : 1.0;
}

static double logistic_linkinv(double eta)
{
    double t;

    if (eta < -LOGISTIC_ETA_LIMIT)
        t = DBL_EPSILON;
    else if (eta > LOGISTIC_ETA_LIMIT)
        t = 1.0 / DBL_EPSILON;
    else
        t = exp(eta);
    return t / (1.0 + t);
}

static double logistic_mu_eta(double eta)
{
    double e;

    if (eta > LOGISTIC_ETA_LIMIT || eta < -LOGISTIC_ETA_LIMIT)
        return DBL_EPSILON;
    e = exp(eta);
    return e / ((1.0 + e) * (1.0 + e));
}

static double logistic_ylogy(double y, double mu)
{
    return y != 0.0 ? y * log(y / mu) : 0.0;
}

/* Binomial deviance contribution, as R's binomial_dev_resids. */
static double logistic_dev_resid(double y, double mu, double w)
{
    return 2.0 * w * (logistic_ylogy(y, mu) + logistic_ylogy(1.0 - y, 1.0 - mu));
}

/* Standardised rows i0 .. i0+m-1 into zbuf (intercept column first). */
static void logistic_fill_block(logistic_work *lw, size_t i0, size_t m)
{
    size_t q = lw->q, r, j;

    for (r = 0; r < m; r++)
        lw->zbuf[r * q] = 1.0;
    for (j = 0; j < lw->p; j++) {
        const double *col = lw->x + j * lw->n + i0;
        double mj = lw->mean[j], inv = 1.0 / lw->scale[j];

        for (r = 0; r < m; r++)
            lw->zbuf[r * q + 1 + j] = (col[r] - mj) * inv;
    }
}

/*
** Rotate the row (lw->row, resp) with weight w into the factorisation
** R = D^{1/2} Rbar by square-root-free Givens rotations (Gentleman 1974;
** AS 274's INCLUD).
*/
static void logistic_include(logistic_work *lw, double w, double resp)
{
    size_t k = lw->k, a, b;
    double *row = lw->row;

    for (a = 0; a < k && w != 0.0; a++) {
        double xa = row[a], di, dpi, inv, cbar, sbar, *rb;

        if (xa == 0.0)
            continue;
        di = lw->d[a];
        dpi = di + w * xa * xa;
        inv = 1.0 / dpi;
        cbar = di * inv;
        sbar = w * xa * inv;
        w *= cbar;
        lw->d[a] = dpi;
        rb = lw->rbar + a * k;
        for (b = a + 1; b < k; b++) {
            double xb = row[b];

            row[b] = xb - xa * rb[b];
            rb[b] = cbar * rb[b] + sbar * xb;
        }
        {
            double xb = resp;

            resp = xb - xa * lw->thetab[a];
            lw->thetab[a] = cbar * lw->thetab[a] + sbar * xb;
        }
    }
}

static void logistic_reset(logistic_work *lw)
{
    size_t k = lw->k;

    memset(lw->d, 0, k * sizeof *lw->d);
    memset(lw->rbar, 0, k * k * sizeof *lw->rbar);
    memset(lw->thetab, 0, k * sizeof *lw->thetab);
    memset(lw->norm2, 0, k * sizeof *lw->norm2);
}

/*
** One pass accumulating the factorisation of the design restricted to
** lw->cols, weighted by the prior weights (no response), for aliasing.
*/
static void logistic_qr_pass(logistic_work *lw, logistic_pass pass)
{
    size_t k = lw->k, i0, r, a;

    logistic_reset(lw);
    for (i0 = 0; i0 < lw->n; i0 += LOGISTIC_BLOCK) {
        size_t m = lw->n - i0 < LOGISTIC_BLOCK ? lw->n - i0 : LOGISTIC_BLOCK;

        logistic_fill_block(lw, i0, m);
        for (r = 0; r < m; r++) {
            size_t i = i0 + r;
            double w = logistic_weight(lw, i);
            const double *z = lw->zbuf + r * lw->q;

            if (!(w > 0.0) || (pass == LOGISTIC_PASS_COMPLEMENT && lw->skip[i]))
                continue;
            for (a = 0; a < k; a++) {
                lw->row[a] = z[lw->cols[a]];
                lw->norm2[a] += w * lw->row[a] * lw->row[a];
            }
            logistic_include(lw, w, 0.0);
        }
    }
}

/*
** One IRLS pass: with beta (standardised coordinates, 0 where aliased) the
** linear predictor and fitted values are recomputed first; with NULL those
** already in lw->eta and lw->mu (the start) are used.  Returns the deviance
** there and leaves the factorisation of the weighted least-squares problem
** for the working response, as glm.fit sets it up:
**   weight w mu'^2 / var(mu), response eta + (y - mu) / mu'.
** Solving it gives the next iterate; at convergence it also gives the
** information matrix at the estimate and, by difference, the next step.
**
** With use_qr = 0 the cross-products are accumulated (no division per
** element, unlike the rotations) for logistic_cholesky to factorise into the
** same D, Rbar, thetab; logistic_irls_step repeats the pass with rotations
** when that would lose too many digits.
*/
static double logistic_irls_pass(logistic_work *lw, const double *beta, int use_qr)
{
    size_t k = lw->k, q = lw->q, i0, r, a, b, j;
    double dev = 0.0;

    logistic_reset(lw);
    for (i0 = 0; i0 < lw->n; i0 += LOGISTIC_BLOCK) {
        size_t m = lw->n - i0 < LOGISTIC_BLOCK ? lw->n - i0 : LOGISTIC_BLOCK;

        logistic_fill_block(lw, i0, m);
        for (r = 0; r < m; r++) {
            size_t i = i0 + r;
            const double *z = lw->zbuf + r * q;
            double w = logistic_weight(lw, i), eta, mu, me, var, wt, resp;

            if (beta != NULL) {
                eta = 0.0;
                for (j = 0; j < q; j++)
                    eta += z[j] * beta[j];
                lw->eta[i] = eta;
                lw->mu[i] = logistic_linkinv(eta);
            }
            if (!(w > 0.0))
                continue;
            eta = lw->eta[i];
            mu = lw->mu[i];
            dev += logistic_dev_resid(lw->y[i], mu, w);
            me = logistic_mu_eta(eta);
            var = mu * (1.0 - mu);
            if (me == 0.0 || !(var > 0.0))
                continue;
            wt = w * me * me / var;
            resp = eta + (lw->y[i] - mu) / me;
            for (a = 0; a < k; a++)
                lw->row[a] = z[lw->cols[a]];
            if (use_qr) {
                for (a = 0; a < k; a++)
                    lw->norm2[a] += wt * lw->row[a] * lw->row[a];
                logistic_include(lw, wt, resp);
                continue;
            }
            /* Lower triangle of sum wt z z' in rbar (column-major), and
            ** sum wt resp z in thetab. */
            for (b = 0; b < k; b++) {
                double t = wt * lw->row[b];
                double *col = lw->rbar + b * k;

                for (a = b; a < k; a++)
                    col[a] += t * lw->row[a];
                lw->thetab[b] += t * resp;
            }
        }
    }
    if (!use_qr)
        for (a = 0; a < k; a++)
            lw->norm2[a] = lw->rbar[a * k + a];
    return dev;
}

/*
** Turn accumulated cross-products (from a pass with use_qr = 0) into the
** factorisation: Cholesky H = L L' = R'R with R = D^{1/2} Rbar, and
** thetab = D^{-1/2} L^{-1} (Z'W z).  Returns -1 when a pivot keeps less
** than LOGISTIC_CHOLESKY_SAFE of its diagonal (the normal equations would
** lose too many digits), 0 otherwise.
*/
static int logistic_cholesky(logistic_work *lw)
{
    size_t k = lw->k, a, b;
    double *h = lw->rbar;       /* lower triangle, column-major */

    /* The diagonal of the cross-products is lw->norm2, so the pivot test
    ** is the one described above. */
    if (onc_cholesky_factor(h, k, NULL, LOGISTIC_CHOLESKY_SAFE, 0) != 0)
        return -1;
    /* Forward solve L u = Z'W z, then thetab = u / sqrt(d). */
    onc_cholesky_forward(h, k, NULL, lw->thetab);
    /* R = L': d_a = L_aa^2 and rbar[a][b] = L_ba / L_aa; L_ba sits at
    ** h[a * k + b] (column-major), exactly where rbar[a][b] is stored
    ** (row-major), so the conversion is in place. */
    for (a = 0; a < k; a++) {
        double laa = h[a * k + a];

        lw->d[a] = laa * laa;
        lw->thetab[a] /= laa;
        for (b = a + 1; b < k; b++)
            h[a * k + b] /= laa;
    }
    return 0;
}

/* An IRLS pass by cross-products, redone by rotations when needed. */
static double logistic_irls_step(logistic_work *lw, const double *beta)
{
    double dev = logistic_irls_pass(lw, beta, 0);

    if (logistic_cholesky(lw) != 0)
        dev = logistic_irls_pass(lw, beta, 1);
    return dev;
}

/* Solve Rbar b = v in place (unit upper triangular, first m columns of k). */
static void logistic_backsolve(const double *rbar, size_t k, size_t m, double *v)
{
    size_t a, b;

    for (a = m; a-- > 0;) {
        double s = v[a];

        for (b = a + 1; b < m; b++)
            s -= rbar[a * k + b] * v[b];
        v[a] = s;
    }
}

/* First column (position in lw->cols) whose residual norm is negligible. */
static size_t logistic_first_aliased(const logistic_work *lw)
{
    size_t a;

    /* |R_aa| = sqrt(d_a) is the residual norm of column a. */
    for (a = 0; a < lw->k; a++)
        if (!(lw->norm2[a] > 0.0) ||
            !(lw->d[a] > LOGISTIC_ALIAS_TOL * LOGISTIC_ALIAS_TOL * lw->norm2[a]))
            return a;
    return lw->k;
}

static void logistic_set_cols(logistic_work *lw, const int *excluded)
{
    size_t j;

    lw->k = 0;
    for (j = 0; j < lw->q; j++)
        if (!excluded[j])
            lw->cols[lw->k++] = j;
}

/*
** Find the aliased columns of the design (pass DESIGN) or of the rows not
** set aside (pass COMPLEMENT), adding them to `excluded`.  For the
** complement, the null-space directions found are mapped to the original
** parametrisation and their support is flagged in `infinite`.
*/
static int logistic_find_aliased(logistic_work *lw, logistic_pass pass,
                                 int *excluded, int *infinite, double *v)
{
    int found_any = 0;

    for (;;) {
        size_t a, b, col;

        logistic_set_cols(lw, excluded);
        if (lw->k == 0)
            break;
        logistic_qr_pass(lw, pass);
        a = logistic_first_aliased(lw);
        if (a == lw->k)
            break;
        col = lw->cols[a];
        excluded[col] = 1;
        found_any = 1;
        if (infinite == NULL)
            continue;
        /* Null vector: e_col minus the regression of column `col` on the
        ** earlier independent columns, c = R11^{-1} r12 = Rbar11^{-1} rbar12. */
        for (b = 0; b < a; b++)
            v[b] = lw->rbar[b * lw->k + a];
        logistic_backsolve(lw->rbar, lw->k, a, v);
        {
            double u0 = 0.0, size0 = 0.0, vmax = 1.0;
            size_t j;
            double *full = v + lw->q;   /* q entries in standardised coords */

            memset(full, 0, lw->q * sizeof *full);
            full[col] = 1.0;
            for (b = 0; b < a; b++)
                full[lw->cols[b]] = -v[b];
            for (j = 0; j < lw->q; j++)
                if (fabs(full[j]) > vmax)
                    vmax = fabs(full[j]);
            /* Original coordinates: u_j = v_j / s_j, u_0 = v_0 - sum v_j m_j / s_j. */
            u0 = full[0];
            size0 = fabs(full[0]);
            for (j = 1; j < lw->q; j++) {
                double t = full[j] * lw->mean[j - 1] / lw->scale[j - 1];

                u0 -= t;
                size0 += fabs(t);
                if (fabs(full[j]) > LOGISTIC_NULL_TOL * vmax)
                    infinite[j] = 1;
            }
            if (fabs(u0) > LOGISTIC_NULL_TOL * size0)
                infinite[0] = 1;
        }
    }
    return found_any;
}

/* Map q coefficients from the internal (centred, scaled) parametrisation to
** the original covariates: b_j = b_j / s_j, b_0 = b_0 - sum b_j m_j / s_j. */
static void logistic_untransform(const logistic_work *lw, double *v)
{
    size_t j;
    double v0 = v[0];

    for (j = 1; j < lw->q; j++) {
        v[j] /= lw->scale[j - 1];
        v0 -= v[j] * lw->mean[j - 1];
    }
    v[0] = v0;
}

/*
** Mark the rows a Newton step `delta` (standardised coordinates) moves by
** more than LOGISTIC_SEPARATION_STEP or whose fitted probability is at the
** boundary.  Returns the number marked among rows with positive weight;
** *n_boundary counts boundary fits over all rows, as R does.
*/
static size_t logistic_mark_separated(logistic_work *lw, const double *delta,
                                      unsigned char *skip, size_t *n_boundary)
{
    size_t i0, r, j, q = lw->q, marked = 0, nb = 0;

    for (i0 = 0; i0 < lw->n; i0 += LOGISTIC_BLOCK) {
        size_t m = lw->n - i0 < LOGISTIC_BLOCK ? lw->n - i0 : LOGISTIC_BLOCK;

        logistic_fill_block(lw, i0, m);
        for (r = 0; r < m; r++) {
            size_t i = i0 + r;
            const double *z = lw->zbuf + r * q;
            double step = 0.0, mu = lw->mu[i];
            int boundary = mu < LOGISTIC_BOUNDARY || mu > 1.0 - LOGISTIC_BOUNDARY;

            for (j = 0; j < q; j++)
                step += z[j] * delta[j];
            nb += (size_t)boundary;
            skip[i] = (unsigned char)(boundary || !(fabs(step) <= LOGISTIC_SEPARATION_STEP));
            if (skip[i] && logistic_weight(lw, i) > 0.0)
                marked++;
        }
    }
    *n_boundary = nb;
    return marked;
}

static onc_status logistic_check_input(const double *x, size_t n, size_t p,
                                       const double *y, const double *weights,
                                       double *total, onc_error *err)
{
    size_t i, j;
    double tw = 0.0;

    if (n == 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "logistic regression needs at least one row");
    if (p > ONC_PS_MAX_COVARIATES)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "%zu covariates exceed the limit of %d", p,
                             ONC_PS_MAX_COVARIATES);
    if ((p > 0 && x == NULL) || y == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "logistic regression needs a model matrix and a response");
    for (i = 0; i < n; i++) {
        double w = weights != NULL ? weights[i] : 1.0;

        if (!isfinite(w) || w < 0.0)
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "weight",
                                 "weights must be finite and non-negative, found %g", w);
        if (!isfinite(y[i]) || y[i] < 0.0 || y[i] > 1.0)
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "response",
                                 "the response must lie in [0, 1], found %g", y[i]);
        tw += w;
    }
    for (j = 0; j < p; j++)
        for (i = 0; i < n; i++)
            if (!isfinite(x[j * n + i]))
                return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, NULL,
                                     "covariate %zu of the model matrix is %g",
                                     j + 1, x[j * n + i]);
    if (!(tw > 0.0))
        return onc_error_set(err, ONC_ERR_DATA, NULL, 0, 0, NULL,
                             "no row has a positive weight");
    if (tw > LOGISTIC_MAX_TOTAL_WEIGHT)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "the weights sum to %g, beyond %g", tw,
                             LOGISTIC_MAX_TOTAL_WEIGHT);
    *total = tw;
    return ONC_OK;
}

/* Weighted mean and SD of each column (two passes) for the internal scaling. */
static void logistic_scaling(logistic_work *lw, double total)
{
    size_t i, j;

    for (j = 0; j < lw->p; j++) {
        const double *col = lw->x + j * lw->n;
        double s = 0.0, ss = 0.0, m;

        for (i = 0; i < lw->n; i++)
            s += logistic_weight(lw, i) * col[i];
        m = s / total;
        for (i = 0; i < lw->n; i++) {
            double d = col[i] - m;

            ss += logistic_weight(lw, i) * d * d;
        }
        lw->mean[j] = m;
        lw->scale[j] = ss > 0.0 ? sqrt(ss / total) : 1.0;
        if (!isfinite(lw->scale[j]) || !(lw->scale[j] > 0.0))
            lw->scale[j] = 1.0;
    }
}

void onc_logistic_free(onc_logistic_result *fit)
{
    if (fit == NULL)
        return;
    free(fit->coef);
    free(fit->se);
    free(fit->vcov);
    free(fit->aliased);
    free(fit->infinite);
    free(fit->fitted);
    free(fit->linear_predictor);
    free(fit);
}

/*
** Specification
**   Inputs:  x (n x p, column-major, no intercept), y (n, in [0, 1]),
**            weights (n, >= 0, or NULL), opt (or NULL: tolerance 1e-10,
**            50 iterations).
**   Output:  *out, a new onc_logistic_result (free with onc_logistic_free):
**            coefficients with the intercept first, their SEs and covariance
**            (inverse information at the estimate, dispersion 1), fitted
**            probabilities and log-odds for all n rows, deviances, AIC,
**            convergence, aliasing and separation.
**   Preconditions: finite inputs, some positive weight.
**   NaN policy: a NaN anywhere in the inputs is an ONC_ERR_DATA error.
**   Reference: R glm(family = binomial) with the same prior weights.
*/
onc_status onc_logistic_fit(const double *x, size_t n, size_t p,
                            const double *y, const double *weights,
                            const onc_ps_fit_options *opt,
                            onc_logistic_result **out, onc_error *err)
{
    onc_status st;
    logistic_work lw;
    onc_logistic_result *fit = NULL;
    double tol = ONC_PS_FIT_TOLERANCE, total = 0.0, dev, devold;
    double *beta = NULL, *beta_new = NULL, *work = NULL, *rinv = NULL;
    double *delta = NULL, *vs = NULL;
    int *excluded = NULL;
    unsigned char *skip = NULL;
    int max_iter = ONC_PS_FIT_MAX_ITER, iter;
    size_t q = p + 1, i, j, a, b;

    memset(&lw, 0, sizeof lw);
    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_logistic_fit: out is NULL");
    *out = NULL;
    st = logistic_check_input(x, n, p, y, weights, &total, err);
    if (st != ONC_OK)
        return st;
    if (opt != NULL) {
        if (!(opt->tolerance > 0.0) || opt->max_iter < 1)
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "tolerance must be positive and max_iter at least 1");
        tol = opt->tolerance;
        max_iter = opt->max_iter;
    }

    lw.x = x;
    lw.y = y;
    lw.w = weights;
    lw.n = n;
    lw.p = p;
    lw.q = q;
    lw.mean = onc_callocarray(p ? p : 1, sizeof *lw.mean);
    lw.scale = onc_callocarray(p ? p : 1, sizeof *lw.scale);
    lw.zbuf = onc_mallocarray(LOGISTIC_BLOCK * q, sizeof *lw.zbuf);
    lw.cols = onc_mallocarray(q, sizeof *lw.cols);
    lw.d = onc_mallocarray(q, sizeof *lw.d);
    lw.rbar = onc_mallocarray(q * q, sizeof *lw.rbar);
    lw.thetab = onc_mallocarray(q, sizeof *lw.thetab);
    lw.norm2 = onc_mallocarray(q, sizeof *lw.norm2);
    lw.row = onc_mallocarray(q, sizeof *lw.row);
    beta = onc_callocarray(q, sizeof *beta);
    beta_new = onc_callocarray(q, sizeof *beta_new);
    work = onc_callocarray(3 * q, sizeof *work);
    rinv = onc_callocarray(q * q, sizeof *rinv);
    delta = onc_callocarray(q, sizeof *delta);
    vs = onc_callocarray(q * q, sizeof *vs);
    excluded = onc_callocarray(q, sizeof *excluded);
    skip = onc_callocarray(n, sizeof *skip);
    fit = calloc(1, sizeof *fit);
    if (lw.mean == NULL || lw.scale == NULL || lw.zbuf == NULL || lw.cols == NULL ||
        lw.d == NULL || lw.rbar == NULL || lw.thetab == NULL || lw.norm2 == NULL ||
        lw.row == NULL ||
        beta == NULL || beta_new == NULL || work == NULL || rinv == NULL ||
        delta == NULL || vs == NULL || excluded == NULL || skip == NULL || fit == NULL)
        goto nomem;
    fit->n = n;
    fit->n_coef = q;
    fit->coef = onc_mallocarray(q, sizeof *fit->coef);
    fit->se = onc_mallocarray(q, sizeof *fit->se);
    fit->vcov = onc_mallocarray(q * q, sizeof *fit->vcov);
    fit->aliased = onc_callocarray(q, sizeof *fit->aliased);
    fit->infinite = onc_callocarray(q, sizeof *fit->infinite);
    fit->fitted = onc_mallocarray(n, sizeof *fit->fitted);
    fit->linear_predictor = onc_mallocarray(n, sizeof *fit->linear_predictor);
    if (fit->coef == NULL || fit->se == NULL || fit->vcov == NULL ||
        fit->aliased == NULL || fit->infinite == NULL || fit->fitted == NULL ||
        fit->linear_predictor == NULL)
        goto nomem;
    lw.eta = fit->linear_predictor;
    lw.mu = fit->fitted;

    logistic_scaling(&lw, total);
    logistic_find_aliased(&lw, LOGISTIC_PASS_DESIGN, excluded, NULL, work);
    memcpy(fit->aliased, excluded, q * sizeof *excluded);
    logistic_set_cols(&lw, excluded);
    fit->rank = lw.k;

    /* glm.fit's start: mustart = (w y + 0.5) / (w + 1), eta = logit(mustart). */
    for (i = 0; i < n; i++) {
        double w = logistic_weight(&lw, i), ms = (w * y[i] + 0.5) / (w + 1.0);

        lw.eta[i] = log(ms / (1.0 - ms));
        lw.mu[i] = logistic_linkinv(lw.eta[i]);
    }
    devold = logistic_irls_step(&lw, NULL);
    dev = devold;

    for (iter = 1; iter <= max_iter; iter++) {
        for (a = 0; a < lw.k; a++)
            work[a] = lw.thetab[a];
        logistic_backsolve(lw.rbar, lw.k, lw.k, work);
        memset(beta_new, 0, q * sizeof *beta_new);
        for (a = 0; a < lw.k; a++)
            beta_new[lw.cols[a]] = work[a];
        dev = logistic_irls_step(&lw, beta_new);
        /* The clamped link keeps every fitted probability inside (0, 1), so
        ** the deviance stays finite for finite input; glm.fit's step
        ** halving for an infinite deviance is therefore not needed. */
        if (!isfinite(dev)) {
            st = onc_error_set(err, ONC_ERR_COMPUTE, NULL, 0, 0, NULL,
                               "logistic regression: no finite deviance could be reached");
            goto cleanup;
        }
        memcpy(beta, beta_new, q * sizeof *beta);
        fit->iterations = iter;
        if (fabs(dev - devold) / (fabs(dev) + 0.1) < tol) {
            fit->converged = 1;
            break;
        }
        devold = dev;
    }

    /* The last pass was at the estimate: its factorisation is the
    ** information there, and its solution minus the estimate is the next
    ** Newton step. */
    for (a = 0; a < lw.k; a++)
        work[a] = lw.thetab[a];
    logistic_backsolve(lw.rbar, lw.k, lw.k, work);
    memset(delta, 0, q * sizeof *delta);
    for (a = 0; a < lw.k; a++)
        delta[lw.cols[a]] = work[a] - beta[lw.cols[a]];
    /* Rbar^{-1} column by column, then V = Rbar^{-1} D^{-1} Rbar^{-T}
    ** (standardised coordinates). */
    memset(rinv, 0, q * q * sizeof *rinv);
    for (b = 0; b < lw.k; b++) {
        memset(work, 0, lw.k * sizeof *work);
        work[b] = 1.0;
        logistic_backsolve(lw.rbar, lw.k, b + 1, work);
        for (a = 0; a <= b; a++)
            rinv[a * lw.k + b] = work[a];
    }
    memset(vs, 0, q * q * sizeof *vs);
    for (a = 0; a < lw.k; a++)
        for (b = 0; b < lw.k; b++) {
            double s = 0.0;
            size_t c;

            for (c = (a > b ? a : b); c < lw.k; c++)
                s += rinv[a * lw.k + c] * rinv[b * lw.k + c] / lw.d[c];
            vs[lw.cols[b] * q + lw.cols[a]] = s;
        }

    /* Separation: rows the step moves, then what the rest cannot identify. */
    if (logistic_mark_separated(&lw, delta, skip, &fit->n_boundary) > 0) {
        int *excl2 = onc_mallocarray(q, sizeof *excl2);
        double *v = onc_mallocarray(2 * q, sizeof *v);

        if (excl2 == NULL || v == NULL) {
            free(excl2);
            free(v);
            goto nomem;
        }
        memcpy(excl2, excluded, q * sizeof *excl2);
        lw.skip = skip;
        logistic_find_aliased(&lw, LOGISTIC_PASS_COMPLEMENT, excl2, fit->infinite, v);
        free(excl2);
        free(v);
    }
    for (j = 0; j < q; j++)
        if (fit->infinite[j])
            fit->separation = 1;

    /* Back to the original parametrisation: beta = T beta_s, V = T V_s T'. */
    logistic_untransform(&lw, beta);
    for (b = 0; b < q; b++)
        logistic_untransform(&lw, vs + b * q);
    for (a = 0; a < q; a++) {
        for (b = 0; b < q; b++)
            work[b] = vs[b * q + a];
        logistic_untransform(&lw, work);
        for (b = 0; b < q; b++)
            vs[b * q + a] = work[b];
    }
    for (a = 0; a < q; a++) {
        fit->coef[a] = excluded[a] ? NAN : beta[a];
        for (b = 0; b < q; b++)
            fit->vcov[b * q + a] = excluded[a] || excluded[b] ? NAN : vs[b * q + a];
    }
    for (j = 0; j < q; j++)
        fit->se[j] = excluded[j] ? NAN : sqrt(fit->vcov[j * q + j]);

    /* Deviances and likelihood. */
    {
        double sy = 0.0, nulldev = 0.0, ll = 0.0, wtdmu;
        size_t ngood = 0;

        for (i = 0; i < n; i++) {
            double w = logistic_weight(&lw, i);

            if (w > 0.0) {
                ngood++;
                sy += w * y[i];
            }
        }
        wtdmu = sy / total;
        for (i = 0; i < n; i++) {
            double w = logistic_weight(&lw, i), mu = lw.mu[i];

            if (!(w > 0.0))
                continue;
            nulldev += logistic_dev_resid(y[i], wtdmu, w);
            if (y[i] > 0.0)
                ll += w * y[i] * log(mu);
            if (y[i] < 1.0)
                ll += w * (1.0 - y[i]) * log(1.0 - mu);
        }
        fit->deviance = dev;
        fit->null_deviance = nulldev;
        fit->loglik = ll;
        fit->aic = -2.0 * ll + 2.0 * (double)fit->rank;
        fit->df_residual = ngood > fit->rank ? ngood - fit->rank : 0;
        fit->df_null = ngood > 0 ? ngood - 1 : 0;
    }
    st = ONC_OK;
    *out = fit;
    fit = NULL;
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "logistic regression: out of memory for %zu rows", n);
cleanup:
    onc_logistic_free(fit);
    free(lw.mean);
    free(lw.scale);
    free(lw.zbuf);
    free(lw.cols);
    free(lw.d);
    free(lw.rbar);
    free(lw.thetab);
    free(lw.norm2);
    free(lw.row);
    free(beta);
    free(beta_new);
    free(work);
    free(rinv);
    free(delta);
    free(vs);
    free(excluded);
    free(skip);
    return st;
}
