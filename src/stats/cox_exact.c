/*
** stats/cox_exact.c -- the exact (discrete) partial likelihood for tied event
** times, R coxph(ties = "exact").
**
** Method: at an event time with d tied events among the risk set R, the
** discrete-time (conditional logistic) likelihood contributes
**     prod_{i dead} r_i  /  sum_{S subset of R, |S| = d} prod_{j in S} r_j,
** r = exp(x beta + offset) (Cox 1972; Kalbfleisch and Prentice 2002, 4.2.3).
** The denominator and its first two derivatives are the elementary symmetric
** sums D0[d], D1[d] = sum_S (prod r) x_S and D2[d] = sum_S (prod r) x_S x_S'
** (x_S the sum of x over S).  They obey the recursion of Gail, Lubin and
** Rubinstein (1981): adding a subject with risk r and covariates x to a set,
**     D0[k] += r D0[k-1]
**     D1[k] += r (D1[k-1] + x D0[k-1])
**     D2[k] += r (D2[k-1] + x D1[k-1]' + D1[k-1] x' + x x' D0[k-1]).
** With right-censored data the risk sets of a stratum are nested (walking
** from the largest time down, each set is the previous one plus the subjects
** at the new time), so the recursion is carried forward once per stratum:
** O(n K p^2) per evaluation, K the largest number of tied events in the
** stratum, and O(K p^2) memory -- instead of R's memoised recursion over an
** n x K table.
**
** Inputs: the working data (cox_prep, right-censored, unit weights), beta
** (p, working coordinates).  Outputs: log-likelihood (returned), score u (p),
** information imat (p x p).  Scratch: eta (n).
** Numerics: the sums of products of up to K risks overflow double range for
** large tied groups, so each order k keeps its own binary exponent (values
** are stored as mantissa * 2^e[k] and renormalised when they drift).
** NaN policy: non-finite inputs were rejected earlier; a non-finite result
** is returned to the Newton loop, which halves the step.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "stats/cox_internal.h"

#define EXACT_TRI(i, j) ((i) * ((i) + 1) / 2 + (j))
/* Renormalise an order once its D0 leaves [2^-EXACT_RANGE, 2^EXACT_RANGE]. */
#define EXACT_RANGE 400

/* Largest number of events sharing a time within one stratum. */
static size_t exact_max_ties(const cox_prep *pp, size_t b, size_t e)
{
    size_t i = e, kmax = 0;

    while (i > b) {
        double t = pp->time[i - 1];
        size_t g = i - 1, nd = 0, k;
        while (g > b && pp->time[g - 1] == t)
            g--;
        for (k = g; k < i; k++)
            nd += pp->event[k];
        if (nd > kmax)
            kmax = nd;
        i = g;
    }
    return kmax;
}

double cox_exact_derivs(const cox_prep *pp, const double *beta, double *u,
                        double *imat, double *eta, int *nomem)
{
    size_t n = pp->n, p = pp->p, nt = p * (p + 1) / 2, stride = 1 + p + nt;
    size_t blk, i, j, k, l, kmax_all = 0;
    double loglik = 0, *mem = NULL, *itri = NULL, *m1 = NULL;
    int *ex = NULL;

    *nomem = 0;
    for (blk = 0; blk < pp->n_strata; blk++) {
        size_t km = exact_max_ties(pp, pp->block[blk], pp->block[blk + 1]);
        if (km > kmax_all)
            kmax_all = km;
    }
    /* per order k: D0, D1[p], D2[nt] */
    mem = onc_mallocarray((kmax_all + 1) * stride, sizeof *mem);
    ex = onc_mallocarray(kmax_all + 1, sizeof *ex);
    itri = onc_callocarray(nt + 1, sizeof *itri);
    m1 = onc_mallocarray(p + 1, sizeof *m1);
    if (mem == NULL || ex == NULL || itri == NULL || m1 == NULL) {
        *nomem = 1;
        loglik = NAN;
        goto cleanup;
    }

    for (j = 0; j < p; j++)
        u[j] = 0;
    for (i = 0; i < n; i++) {
        const double *xi = pp->x + i * p;
        double z = pp->offset[i];
        for (j = 0; j < p; j++)
            z += beta[j] * xi[j];
        eta[i] = z;
    }

    for (blk = 0; blk < pp->n_strata; blk++) {
        size_t b = pp->block[blk], e = pp->block[blk + 1];
        size_t kmax = exact_max_ties(pp, b, e), filled = 0;
        double shift = 0, mx = -INFINITY;

        if (kmax == 0)
            continue;
        /* centre the linear predictor of the stratum; a shift c multiplies
        ** D[k] by exp(-k c), which log D0[d] undoes below */
        for (i = b; i < e; i++) {
            shift += eta[i];
            if (eta[i] > mx)
                mx = eta[i];
        }
        shift /= (double)(e - b);
        if (isfinite(mx) && mx - shift > 300)
            shift = mx - 300;
        memset(mem, 0, (kmax + 1) * stride * sizeof *mem);
        for (k = 0; k <= kmax; k++)
            ex[k] = 0;
        mem[0] = 1.0; /* D0[0]: the empty set */

        i = e;
        while (i > b) {
            double t = pp->time[i - 1];
            size_t g = i - 1, nd = 0;

            while (g > b && pp->time[g - 1] == t)
                g--;
            for (k = g; k < i; k++) {
                const double *xk = pp->x + k * p;
                double r = exp(eta[k] - shift);
                size_t top;

                filled++;
                top = filled < kmax ? filled : kmax;
                for (l = top; l >= 1; l--) {
                    double *cur = mem + l * stride, *prv = cur - stride;
                    double f;
                    if (l == filled)
                        ex[l] = ex[l - 1]; /* first time this order is reached */
                    f = ldexp(r, ex[l - 1] - ex[l]);
                    /* D2 first: it reads the old D1[k-1] and D0[k-1] */
                    for (j = 0; j < p; j++)
                        for (size_t q = 0; q <= j; q++)
                            cur[1 + p + EXACT_TRI(j, q)] +=
                                f * (prv[1 + p + EXACT_TRI(j, q)] +
                                     xk[j] * prv[1 + q] + xk[q] * prv[1 + j] +
                                     xk[j] * xk[q] * prv[0]);
                    for (j = 0; j < p; j++)
                        cur[1 + j] += f * (prv[1 + j] + xk[j] * prv[0]);
                    cur[0] += f * prv[0];
                    if (cur[0] > 0) {
                        int e2;
                        (void)frexp(cur[0], &e2);
                        if (e2 > EXACT_RANGE || e2 < -EXACT_RANGE) {
                            size_t q;
                            for (q = 0; q < stride; q++)
                                cur[q] = ldexp(cur[q], -e2);
                            ex[l] += e2;
                        }
                    }
                }
                if (pp->event[k]) {
                    nd++;
                    loglik += eta[k] - shift;
                    for (j = 0; j < p; j++)
                        u[j] += xk[j];
                }
            }
            if (nd > 0) {
                const double *dk = mem + nd * stride;
                double d0 = dk[0];
                loglik -= log(d0) + (double)ex[nd] * M_LN2;
                for (j = 0; j < p; j++) {
                    m1[j] = dk[1 + j] / d0;
                    u[j] -= m1[j];
                }
                for (j = 0; j < p; j++)
                    for (l = 0; l <= j; l++)
                        itri[EXACT_TRI(j, l)] +=
                            dk[1 + p + EXACT_TRI(j, l)] / d0 - m1[j] * m1[l];
            }
            i = g;
        }
    }
    for (j = 0; j < p; j++)
        for (l = 0; l <= j; l++) {
            imat[j * p + l] = itri[EXACT_TRI(j, l)];
            imat[l * p + j] = itri[EXACT_TRI(j, l)];
        }

cleanup:
    free(mem);
    free(ex);
    free(itri);
    free(m1);
    return loglik;
}
