/*
** stats/cox_derivs.c -- log partial likelihood, score and information of
** the Cox model with Breslow or Efron ties: the work of every Newton-Raphson
** iteration.
**
** Method: Breslow (1974) and Efron (1977) approximations, as R survival
** coxfit6.c (right-censored) and agfit4.c (counting process); Therneau and
** Grambsch (2000), sec. 3.3.  At an event time t with risk-set sums
** S0 = sum r, S1 = sum r x, S2 = sum r x x' (r = w exp(eta)) over the rows
** still at risk, split into the nd tied events (D0, D1, D2) and the others
** (s0, s1, s2), and dw the events' weight, Efron's term m = 1..nd uses
** den_m = s0 + f_m D0 with f_m = m / nd:
**   loglik -= (dw/nd) sum_m log den_m
**   u      -= (dw/nd) sum_m (s1 + f_m D1) / den_m
**   I      += (dw/nd) sum_m [(s2 + f_m D2) / den_m - a_m a_m' / den_m^2],
**             a_m = s1 + f_m D1.
** The sums over m involve only scalars, so they are formed first and the
** p x p update is made once per event time:
**   I += s2 A0 + D2 A1 - [s1 s1' B0 + (s1 D1' + D1 s1') B1 + D1 D1' B2]
** with A0 = sum q_m, A1 = sum f_m q_m, B_k = sum f_m^k q_m / den_m,
** q_m = (dw/nd) / den_m.  Breslow's term (and Efron's with one event) is
** the case f = 1 of a single term.
**
** Inputs: the working data (cox_prep: rows sorted by stratum and time,
** centred and scaled covariates, row-major), beta (p), scratch.
** Outputs: loglik (returned), u (p), imat (p x p, symmetric).
** Preconditions: pp built by cox_prep_build.
** NaN policy: none arise from valid data; an overflowing exp() under a wild
** Newton step gives a non-finite loglik, which the caller treats as a
** failed step (R's behaviour).
**
** Cost: one walk per stratum from the largest time down, O(p^2) per row
** (the second moments) and per event time; the loops are compiled for each
** p up to COX_DERIVS_UNROLLED so that the moments stay in registers.
*/
#include <math.h>
#include <string.h>

#include "stats/cox_internal.h"

/* Index of (i, j), j <= i, in packed lower-triangular storage. */
#define COX_TRI(i, j) ((i) * ((i) + 1) / 2 + (j))

/* Covariate counts with a loop specialised at compile time. */
#define COX_DERIVS_UNROLLED 8

/*
** Per-stratum shift of the linear predictor: the mean, lowered when needed so
** that no value exceeds COX_MAX_ETA.
*/
static double cox_stratum_shift(const double *eta, size_t b, size_t e)
{
    double mean = 0, mx = -INFINITY;
    size_t i;

    for (i = b; i < e; i++) {
        mean += eta[i];
        if (eta[i] > mx)
            mx = eta[i];
    }
    mean /= (double)(e - b);
    if (!isfinite(mean) || !isfinite(mx))
        return 0;
    if (mx - mean > COX_MAX_ETA)
        return mx - COX_MAX_ETA;
    return mean;
}

size_t cox_breslow_efron_worksize(size_t p)
{
    return 3 * p + 3 * (p * (p + 1) / 2) + 1;
}

/* The running sums of one walk: risk set without the current events (s),
** the current events (d), the information so far (itri). */
typedef struct cox_walk {
    double s0, *s1, *s2;
    double d0, *d1, *d2;
    double *itri;
    double *u;
    double loglik;
} cox_walk;

/* Add (sign = 1) or remove (sign = -1) a row's moments. */
static inline void cox_moments(size_t p, double r, const double *x, double *m1,
                               double *m2)
{
    size_t j, l;

    for (j = 0; j < p; j++) {
        double rx = r * x[j];
        m1[j] += rx;
        for (l = 0; l <= j; l++)
            m2[COX_TRI(j, l)] += rx * x[l];
    }
}

/* The contribution of one event time; then the events join the risk set. */
static inline void cox_event_time(size_t p, int efron, size_t nd, double dw,
                                  cox_walk *w)
{
    size_t nt = p * (p + 1) / 2, j, l, k;
    double *s1 = w->s1, *s2 = w->s2, *d1 = w->d1, *d2 = w->d2;

    if (nd > 0 && (!efron || nd == 1)) {
        double s0 = w->s0 + w->d0, h = dw / s0;
        w->loglik -= dw * log(s0);
        for (j = 0; j < p; j++) {
            double a = s1[j] + d1[j], mj = a / s0;
            w->u[j] -= dw * mj;
            for (l = 0; l <= j; l++)
                w->itri[COX_TRI(j, l)] +=
                    h * ((s2[COX_TRI(j, l)] + d2[COX_TRI(j, l)]) - mj * (s1[l] + d1[l]));
        }
    } else if (nd > 0) {
        /* Efron: the tied events leave the risk set in equal fractions */
        double wt = dw / (double)nd, a0 = 0, a1 = 0, b0 = 0, b1 = 0, b2 = 0;
        size_t m;
        for (m = nd; m >= 1; m--) {
            double f = (double)m / (double)nd;
            double den = w->s0 + f * w->d0, q = wt / den, q2 = q / den;
            w->loglik -= wt * log(den);
            a0 += q;
            a1 += f * q;
            b0 += q2;
            b1 += f * q2;
            b2 += f * f * q2;
        }
        for (j = 0; j < p; j++) {
            w->u[j] -= s1[j] * a0 + d1[j] * a1;
            for (l = 0; l <= j; l++)
                w->itri[COX_TRI(j, l)] +=
                    s2[COX_TRI(j, l)] * a0 + d2[COX_TRI(j, l)] * a1 -
                    (s1[j] * s1[l] * b0 + (s1[j] * d1[l] + d1[j] * s1[l]) * b1 +
                     d1[j] * d1[l] * b2);
        }
    }
    w->s0 += w->d0;
    w->d0 = 0;
    for (j = 0; j < p; j++) {
        s1[j] += d1[j];
        d1[j] = 0;
    }
    for (k = 0; k < nt; k++) {
        s2[k] += d2[k];
        d2[k] = 0;
    }
}

/*
** One walk over stratum block [b, e).  `fused`: the linear predictor is
** formed here (no shift needed); otherwise eta holds it and `shift` is
** subtracted.  risk receives w exp(eta - shift), read again when a
** counting-process row leaves.
*/
static inline void cox_walk_block(size_t p, const cox_prep *pp, int efron,
                                  int fused, const double *beta, const double *eta,
                                  double shift, double *risk, size_t b, size_t e,
                                  cox_walk *w)
{
    size_t nt = p * (p + 1) / 2, i, j, k, rptr = e, nrisk = 0;

    w->s0 = w->d0 = 0;
    for (j = 0; j < p; j++)
        w->s1[j] = w->d1[j] = 0;
    for (k = 0; k < nt; k++)
        w->s2[k] = w->d2[k] = 0;

    i = e;
    while (i > b) {
        double t = pp->time[i - 1], dw = 0;
        size_t g = i - 1, nd = 0;

        if (pp->counting) {
            /* leave the risk set once t is at or before the start */
            while (rptr > b && pp->start[pp->start_order[rptr - 1]] >= t) {
                size_t q = pp->start_order[--rptr];
                nrisk--;
                if (nrisk == 0) {
                    /* exact zero instead of accumulated cancellation */
                    w->s0 = 0;
                    for (j = 0; j < p; j++)
                        w->s1[j] = 0;
                    for (k = 0; k < nt; k++)
                        w->s2[k] = 0;
                } else {
                    w->s0 -= risk[q];
                    cox_moments(p, -risk[q], pp->x + q * p, w->s1, w->s2);
                }
            }
        }
        while (g > b && pp->time[g - 1] == t)
            g--;
        for (k = g; k < i; k++) {
            const double *xk = pp->x + k * p;
            double r, z;
            if (fused) {
                z = pp->offset[k];
                for (j = 0; j < p; j++)
                    z += beta[j] * xk[j];
                r = pp->weight[k] * exp(z);
            } else {
                z = eta[k] - shift;
                r = pp->weight[k] * exp(z);
            }
            risk[k] = r;
            nrisk++;
            if (pp->event[k]) {
                double wk = pp->weight[k];
                nd++;
                dw += wk;
                w->d0 += r;
                w->loglik += wk * z;
                for (j = 0; j < p; j++)
                    w->u[j] += wk * xk[j];
                cox_moments(p, r, xk, w->d1, w->d2);
            } else {
                w->s0 += r;
                cox_moments(p, r, xk, w->s1, w->s2);
            }
        }
        cox_event_time(p, efron, nd, dw, w);
        i = g;
    }
}

/* The walk compiled for a fixed p (the loops above unroll). */
#define COX_WALK_FIXED(P)                                                      \
    static void cox_walk_##P(const cox_prep *pp, int efron, int fused,         \
                             const double *beta, const double *eta,            \
                             double shift, double *risk, size_t b, size_t e,   \
                             cox_walk *w)                                      \
    {                                                                          \
        cox_walk_block(P, pp, efron, fused, beta, eta, shift, risk, b, e, w);  \
    }
COX_WALK_FIXED(1)
COX_WALK_FIXED(2)
COX_WALK_FIXED(3)
COX_WALK_FIXED(4)
COX_WALK_FIXED(5)
COX_WALK_FIXED(6)
COX_WALK_FIXED(7)
COX_WALK_FIXED(8)
#undef COX_WALK_FIXED

static void cox_walk_any(const cox_prep *pp, int efron, int fused,
                         const double *beta, const double *eta, double shift,
                         double *risk, size_t b, size_t e, cox_walk *w)
{
    cox_walk_block(pp->p, pp, efron, fused, beta, eta, shift, risk, b, e, w);
}

double cox_breslow_efron_derivs(const cox_prep *pp, int efron,
                                const double *beta, double *u, double *imat,
                                double *eta, double *risk, double *buf)
{
    static void (*const fixed[COX_DERIVS_UNROLLED + 1])(
        const cox_prep *, int, int, const double *, const double *, double,
        double *, size_t, size_t, cox_walk *) = {
        cox_walk_any, cox_walk_1, cox_walk_2, cox_walk_3, cox_walk_4,
        cox_walk_5, cox_walk_6, cox_walk_7, cox_walk_8};
    size_t n = pp->n, p = pp->p, nt = p * (p + 1) / 2, blk, i, j, k;
    double bound = pp->offset_absmax;
    void (*walk)(const cox_prep *, int, int, const double *, const double *,
                 double, double *, size_t, size_t, cox_walk *) =
        p <= COX_DERIVS_UNROLLED ? fixed[p] : cox_walk_any;
    cox_walk w;
    int fused;

    /* s1 p, s2 nt, d1 p, d2 nt, itri nt, a p */
    memset(buf, 0, cox_breslow_efron_worksize(p) * sizeof *buf);
    w.s1 = buf;
    w.s2 = w.s1 + p;
    w.d1 = w.s2 + nt;
    w.d2 = w.d1 + p;
    w.itri = w.d2 + nt;
    w.u = u;
    w.loglik = 0;
    for (j = 0; j < p; j++) {
        u[j] = 0;
        bound += fabs(beta[j]) * pp->x_absmax[j];
    }
    /* When |x'beta + offset| is small enough that exp() cannot overflow, the
    ** linear predictor is formed inside the walk: one pass over x instead of
    ** three.  Otherwise a first pass finds a shift for each stratum. */
    fused = bound <= COX_MAX_ETA;
    if (!fused)
        for (i = 0; i < n; i++) {
            const double *xi = pp->x + i * p;
            double z = pp->offset[i];
            for (j = 0; j < p; j++)
                z += beta[j] * xi[j];
            eta[i] = z;
        }
    for (blk = 0; blk < pp->n_strata; blk++) {
        size_t b = pp->block[blk], e = pp->block[blk + 1];
        double shift = fused ? 0 : cox_stratum_shift(eta, b, e);
        walk(pp, efron, fused, beta, eta, shift, risk, b, e, &w);
    }
    for (j = 0; j < p; j++)
        for (k = 0; k <= j; k++) {
            imat[j * p + k] = w.itri[COX_TRI(j, k)];
            imat[k * p + j] = w.itri[COX_TRI(j, k)];
        }
    return w.loglik;
}
