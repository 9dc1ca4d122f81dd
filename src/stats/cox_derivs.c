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
**
** Large right-censored data (n >= COX_DERIVS_SPLIT_MIN) are split at a
** tied-time boundary into two chunks processed by two threads.  The walk
** then carries only S0 and S1, whose values entering the lower chunk are the
** totals of the upper one (a first pass); the second moments enter through
**   sum_t (dw_t / S0_t) S2_t = sum_k r_k x_k x_k' c_k,
** c_k = the sum of the hazard terms of the event times up to the row's own
** (with Efron, A0 of earlier times and A0 or A1 -- censored or event -- of
** its own), accumulated in a third pass that needs no running sums:
**   I = sum_k r_k c_k x_k x_k' - sum_t [outer terms above].
** Every pass splits the same way, the chunks are summed in a fixed order,
** and the split depends on the data only, so results do not depend on the
** number of threads.
*/
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/internal.h"
#include "stats/cox_internal.h"

/* Index of (i, j), j <= i, in packed lower-triangular storage. */
#define COX_TRI(i, j) ((i) * ((i) + 1) / 2 + (j))

/* Covariate counts with a loop specialised at compile time. */
#define COX_DERIVS_UNROLLED 8

/* The per-p copies below rely on these being inlined with p constant. */
#if defined(__GNUC__)
#define COX_INLINE static inline __attribute__((always_inline))
#else
#define COX_INLINE static inline
#endif

/* Rows from which right-censored data are split between two threads. */
#define COX_DERIVS_SPLIT_MIN 32768

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
COX_INLINE void cox_moments(size_t p, double r, const double *x, double *m1,
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
COX_INLINE void cox_event_time(size_t p, int efron, size_t nd, double dw,
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
COX_INLINE void cox_walk_block(size_t p, const cox_prep *pp, int efron,
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

/* ------------------------------------------------------------------------ */
/* Two chunks on two threads (right-censored data)                           */

/* A stratum block, or the part of one that lies in a chunk. */
typedef struct cox_piece {
    size_t b, e;              /* positions */
    size_t stratum;           /* block index */
    double shift;             /* subtracted from eta when not fused */
    double tot0, *tot1;       /* pass 1: sum r, sum r x over the piece */
    double in0, *in1;         /* the same over the stratum's later pieces */
    double hsum;              /* pass 2: sum of hazard terms T */
    double hbase;             /* pass 3: T of the stratum's earlier pieces */
} cox_piece;

/* What one chunk adds up (summed over chunks in order at the end). */
typedef struct cox_chunk {
    size_t piece0, piece1;    /* its pieces [piece0, piece1) */
    double loglik;
    double *u;                /* p */
    double *outer;            /* nt: the outer terms, subtracted */
    double *quad;             /* nt: sum r c x x' */
    double *scratch;          /* 3p */
} cox_chunk;

struct cox_derivs_ws {
    size_t n, p, nt;
    int n_threads;
    double *eta, *risk;       /* n each */
    double *own, *haz;        /* n each when split: the row's own hazard
                                 term and its event time's T */
    double *buf;              /* the single walk's sums */
    size_t n_chunks;
    cox_chunk chunk[2];
    size_t n_pieces;
    cox_piece *piece;
    double *mem;              /* vectors of pieces and chunks */
    /* set for each evaluation */
    const cox_prep *pp;
    const double *beta;
    int efron, fused;
};

static size_t cox_ws_walk_size(size_t p)
{
    return 3 * p + 3 * (p * (p + 1) / 2) + 1;
}

void cox_derivs_ws_free(cox_derivs_ws *ws)
{
    if (ws == NULL)
        return;
    free(ws->eta);
    free(ws->risk);
    free(ws->own);
    free(ws->haz);
    free(ws->buf);
    free(ws->piece);
    free(ws->mem);
    free(ws);
}

cox_derivs_ws *cox_derivs_ws_new(const cox_prep *pp, int n_threads)
{
    cox_derivs_ws *ws = calloc(1, sizeof *ws);
    size_t n = pp->n, p = pp->p, nt = p * (p + 1) / 2, split = n, c, blk;
    size_t q = p ? p : 1, mem_n;
    double *m;

    if (ws == NULL)
        return NULL;
    ws->n = n;
    ws->p = p;
    ws->nt = nt;
    if (n_threads <= 0) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        n_threads = online > 0 ? (int)(online < 64 ? online : 64) : 1;
    }
    ws->n_threads = n_threads;
    ws->eta = onc_mallocarray(n, sizeof *ws->eta);
    ws->risk = onc_mallocarray(n, sizeof *ws->risk);
    ws->buf = onc_callocarray(cox_ws_walk_size(p), sizeof *ws->buf);
    if (ws->eta == NULL || ws->risk == NULL || ws->buf == NULL)
        goto nomem;
    ws->n_chunks = 1;
    if (!pp->counting && n >= COX_DERIVS_SPLIT_MIN) {
        /* the first change of time or stratum at or after the middle */
        size_t blk_end = n;
        split = n / 2;
        for (blk = 0; blk < pp->n_strata; blk++)
            if (pp->block[blk] <= split && split < pp->block[blk + 1])
                blk_end = pp->block[blk + 1];
        for (blk = 0; blk < pp->n_strata; blk++)
            if (pp->block[blk] == split)
                blk_end = split;        /* already a boundary */
        while (split < blk_end && pp->time[split] == pp->time[split - 1])
            split++;
        if (split < n)
            ws->n_chunks = 2;
    }
    if (ws->n_chunks == 1)
        return ws;

    ws->own = onc_mallocarray(n, sizeof *ws->own);
    ws->haz = onc_mallocarray(n, sizeof *ws->haz);
    ws->piece = onc_callocarray(pp->n_strata + 1, sizeof *ws->piece);
    mem_n = 2 * (pp->n_strata + 1) * q + 2 * (4 * q + 2 * (nt ? nt : 1));
    ws->mem = onc_callocarray(mem_n, sizeof *ws->mem);
    if (ws->own == NULL || ws->haz == NULL || ws->piece == NULL || ws->mem == NULL)
        goto nomem;
    m = ws->mem;
    for (c = 0; c < 2; c++) {
        size_t lo = c == 0 ? 0 : split, hi = c == 0 ? split : n;
        cox_chunk *ch = &ws->chunk[c];
        ch->u = m;
        m += q;
        ch->outer = m;
        m += nt ? nt : 1;
        ch->quad = m;
        m += nt ? nt : 1;
        ch->scratch = m;
        m += 3 * q;
        ch->piece0 = ws->n_pieces;
        for (blk = 0; blk < pp->n_strata; blk++) {
            size_t b = pp->block[blk], e = pp->block[blk + 1];
            cox_piece *pc;
            if (b < lo)
                b = lo;
            if (e > hi)
                e = hi;
            if (b >= e)
                continue;
            pc = &ws->piece[ws->n_pieces++];
            pc->b = b;
            pc->e = e;
            pc->stratum = blk;
            pc->tot1 = m;
            m += q;
            pc->in1 = m;
            m += q;
        }
        ch->piece1 = ws->n_pieces;
    }
    return ws;
nomem:
    cox_derivs_ws_free(ws);
    return NULL;
}

/* Pass 1 over a chunk: r = w exp(eta), the totals of each piece, and the
** events' own terms of loglik and u. */
COX_INLINE void cox_pass1(size_t p, cox_derivs_ws *ws, cox_chunk *ch)
{
    const cox_prep *pp = ws->pp;
    const double *beta = ws->beta;
    size_t k, i, j;

    ch->loglik = 0;
    for (j = 0; j < p; j++)
        ch->u[j] = 0;
    for (k = ch->piece0; k < ch->piece1; k++) {
        cox_piece *pc = &ws->piece[k];
        double t0 = 0, t1[COX_DERIVS_UNROLLED], *tv = p <= COX_DERIVS_UNROLLED ? t1 : pc->tot1;
        for (j = 0; j < p; j++)
            tv[j] = 0;
        for (i = pc->b; i < pc->e; i++) {
            const double *xi = pp->x + i * p;
            double z, r;
            if (ws->fused) {
                z = pp->offset[i];
                for (j = 0; j < p; j++)
                    z += beta[j] * xi[j];
            } else {
                z = ws->eta[i] - pc->shift;
            }
            r = pp->weight[i] * exp(z);
            ws->risk[i] = r;
            t0 += r;
            for (j = 0; j < p; j++)
                tv[j] += r * xi[j];
            if (pp->event[i]) {
                double w = pp->weight[i];
                ch->loglik += w * z;
                for (j = 0; j < p; j++)
                    ch->u[j] += w * xi[j];
            }
        }
        pc->tot0 = t0;
        if (tv != pc->tot1)
            for (j = 0; j < p; j++)
                pc->tot1[j] = tv[j];
    }
}

/* Pass 2: the walk with S0, S1 only; per event time the hazard terms, the
** loglik and score terms and the outer products; per row its own term. */
COX_INLINE void cox_pass2(size_t p, cox_derivs_ws *ws, cox_chunk *ch)
{
    const cox_prep *pp = ws->pp;
    size_t nt = p * (p + 1) / 2, k, i, j, l;
    double s1[COX_DERIVS_UNROLLED], c1[COX_DERIVS_UNROLLED], e1[COX_DERIVS_UNROLLED];
    double *vs1 = s1, *vc1 = c1, *ve1 = e1;

    if (p > COX_DERIVS_UNROLLED) {
        vs1 = ch->scratch;
        vc1 = ch->scratch + p;
        ve1 = ch->scratch + 2 * p;
    }
    for (k = 0; k < nt; k++)
        ch->outer[k] = 0;
    for (k = ch->piece0; k < ch->piece1; k++) {
        cox_piece *pc = &ws->piece[k];
        double s0 = pc->in0, hsum = 0;
        for (j = 0; j < p; j++)
            vs1[j] = pc->in1[j];
        i = pc->e;
        while (i > pc->b) {
            double t = pp->time[i - 1], c0 = 0, e0 = 0, dw = 0, tt = 0, ee = 0;
            size_t g = i - 1, nd = 0, q;
            while (g > pc->b && pp->time[g - 1] == t)
                g--;
            for (j = 0; j < p; j++)
                vc1[j] = ve1[j] = 0;
            for (q = g; q < i; q++) {
                const double *xq = pp->x + q * p;
                double r = ws->risk[q];
                if (pp->event[q]) {
                    nd++;
                    dw += pp->weight[q];
                    e0 += r;
                    for (j = 0; j < p; j++)
                        ve1[j] += r * xq[j];
                } else {
                    c0 += r;
                    for (j = 0; j < p; j++)
                        vc1[j] += r * xq[j];
                }
            }
            s0 += c0;
            for (j = 0; j < p; j++)
                vs1[j] += vc1[j];
            if (nd > 0 && (!ws->efron || nd == 1)) {
                double S0 = s0 + e0;
                tt = ee = dw / S0;
                ch->loglik -= dw * log(S0);
                for (j = 0; j < p; j++) {
                    double mj = (vs1[j] + ve1[j]) / S0;
                    ch->u[j] -= dw * mj;
                    for (l = 0; l <= j; l++)
                        ch->outer[COX_TRI(j, l)] += dw * mj * ((vs1[l] + ve1[l]) / S0);
                }
            } else if (nd > 0) {
                double wt = dw / (double)nd, b0 = 0, b1 = 0, b2 = 0;
                size_t m;
                for (m = nd; m >= 1; m--) {
                    double f = (double)m / (double)nd;
                    double den = s0 + f * e0, qq = wt / den, q2 = qq / den;
                    ch->loglik -= wt * log(den);
                    tt += qq;
                    ee += f * qq;
                    b0 += q2;
                    b1 += f * q2;
                    b2 += f * f * q2;
                }
                for (j = 0; j < p; j++) {
                    ch->u[j] -= vs1[j] * tt + ve1[j] * ee;
                    for (l = 0; l <= j; l++)
                        ch->outer[COX_TRI(j, l)] +=
                            vs1[j] * vs1[l] * b0 +
                            (vs1[j] * ve1[l] + ve1[j] * vs1[l]) * b1 +
                            ve1[j] * ve1[l] * b2;
                }
            }
            for (q = g; q < i; q++) {
                ws->own[q] = pp->event[q] ? ee : tt;
                ws->haz[q] = tt;
            }
            hsum += tt;
            s0 += e0;
            for (j = 0; j < p; j++)
                vs1[j] += ve1[j];
            i = g;
        }
        pc->hsum = hsum;
    }
}

/* Pass 3: sum r c x x' with c = the hazard terms up to the row's time. */
COX_INLINE void cox_pass3(size_t p, cox_derivs_ws *ws, cox_chunk *ch)
{
    const cox_prep *pp = ws->pp;
    size_t nt = p * (p + 1) / 2, k, i, j, l;

    for (k = 0; k < nt; k++)
        ch->quad[k] = 0;
    for (k = ch->piece0; k < ch->piece1; k++) {
        const cox_piece *pc = &ws->piece[k];
        double hb = pc->hbase;
        for (i = pc->b; i < pc->e; i++) {
            const double *xi = pp->x + i * p;
            double rc;
            if (i > pc->b && pp->time[i] != pp->time[i - 1])
                hb += ws->haz[i - 1];
            rc = ws->risk[i] * (hb + ws->own[i]);
            for (j = 0; j < p; j++) {
                double v = rc * xi[j];
                for (l = 0; l <= j; l++)
                    ch->quad[COX_TRI(j, l)] += v * xi[l];
            }
        }
    }
}

typedef struct cox_job {
    cox_derivs_ws *ws;
    size_t chunk;
    int pass;
} cox_job;

#define COX_PASS_FIXED(P)                                                      \
    static void cox_pass_##P(cox_derivs_ws *ws, cox_chunk *ch, int pass)      \
    {                                                                          \
        if (pass == 1)                                                         \
            cox_pass1(P, ws, ch);                                              \
        else if (pass == 2)                                                    \
            cox_pass2(P, ws, ch);                                              \
        else                                                                   \
            cox_pass3(P, ws, ch);                                              \
    }
COX_PASS_FIXED(1)
COX_PASS_FIXED(2)
COX_PASS_FIXED(3)
COX_PASS_FIXED(4)
COX_PASS_FIXED(5)
COX_PASS_FIXED(6)
COX_PASS_FIXED(7)
COX_PASS_FIXED(8)
#undef COX_PASS_FIXED

static void cox_pass_any(cox_derivs_ws *ws, cox_chunk *ch, int pass)
{
    if (pass == 1)
        cox_pass1(ws->p, ws, ch);
    else if (pass == 2)
        cox_pass2(ws->p, ws, ch);
    else
        cox_pass3(ws->p, ws, ch);
}

static void *cox_job_run(void *arg)
{
    static void (*const fixed[COX_DERIVS_UNROLLED + 1])(cox_derivs_ws *, cox_chunk *, int) = {
        cox_pass_any, cox_pass_1, cox_pass_2, cox_pass_3, cox_pass_4,
        cox_pass_5, cox_pass_6, cox_pass_7, cox_pass_8};
    cox_job *job = arg;
    cox_derivs_ws *ws = job->ws;

    (ws->p <= COX_DERIVS_UNROLLED ? fixed[ws->p] : cox_pass_any)(
        ws, &ws->chunk[job->chunk], job->pass);
    return NULL;
}

/* Run one pass on both chunks: the second on a thread when there are two. */
static void cox_run_pass(cox_derivs_ws *ws, int pass)
{
    cox_job jobs[2];
    pthread_t thread;
    int threaded = 0;

    jobs[0].ws = jobs[1].ws = ws;
    jobs[0].chunk = 0;
    jobs[1].chunk = 1;
    jobs[0].pass = jobs[1].pass = pass;
    if (ws->n_threads > 1)
        threaded = pthread_create(&thread, NULL, cox_job_run, &jobs[1]) == 0;
    cox_job_run(&jobs[0]);
    if (threaded)
        pthread_join(thread, NULL);
    else
        cox_job_run(&jobs[1]);
}

static double cox_derivs_split(cox_derivs_ws *ws, double *u, double *imat)
{
    const cox_prep *pp = ws->pp;
    size_t p = ws->p, k, a, j, l;
    double loglik;

    for (k = 0; k < ws->n_pieces; k++)
        ws->piece[k].shift = ws->fused ? 0 : cox_stratum_shift(ws->eta,
                                                                pp->block[ws->piece[k].stratum],
                                                                pp->block[ws->piece[k].stratum + 1]);
    cox_run_pass(ws, 1);
    /* S0, S1 entering each piece: the totals of the stratum's later pieces */
    for (k = 0; k < ws->n_pieces; k++) {
        cox_piece *pc = &ws->piece[k];
        pc->in0 = 0;
        for (j = 0; j < p; j++)
            pc->in1[j] = 0;
        for (a = k + 1; a < ws->n_pieces; a++)
            if (ws->piece[a].stratum == pc->stratum) {
                pc->in0 += ws->piece[a].tot0;
                for (j = 0; j < p; j++)
                    pc->in1[j] += ws->piece[a].tot1[j];
            }
    }
    cox_run_pass(ws, 2);
    for (k = 0; k < ws->n_pieces; k++) {
        cox_piece *pc = &ws->piece[k];
        pc->hbase = 0;
        for (a = 0; a < k; a++)
            if (ws->piece[a].stratum == pc->stratum)
                pc->hbase += ws->piece[a].hsum;
    }
    cox_run_pass(ws, 3);

    loglik = ws->chunk[0].loglik + ws->chunk[1].loglik;
    for (j = 0; j < p; j++)
        u[j] = ws->chunk[0].u[j] + ws->chunk[1].u[j];
    for (j = 0; j < p; j++)
        for (l = 0; l <= j; l++) {
            size_t t = COX_TRI(j, l);
            double v = (ws->chunk[0].quad[t] + ws->chunk[1].quad[t]) -
                       (ws->chunk[0].outer[t] + ws->chunk[1].outer[t]);
            imat[j * p + l] = v;
            imat[l * p + j] = v;
        }
    return loglik;
}

double cox_breslow_efron_derivs(const cox_prep *pp, int efron,
                                const double *beta, double *u, double *imat,
                                cox_derivs_ws *ws)
{
    static void (*const fixed[COX_DERIVS_UNROLLED + 1])(
        const cox_prep *, int, int, const double *, const double *, double,
        double *, size_t, size_t, cox_walk *) = {
        cox_walk_any, cox_walk_1, cox_walk_2, cox_walk_3, cox_walk_4,
        cox_walk_5, cox_walk_6, cox_walk_7, cox_walk_8};
    size_t n = pp->n, p = pp->p, nt = p * (p + 1) / 2, blk, i, j, k;
    double bound = pp->offset_absmax, *buf = ws->buf;
    void (*walk)(const cox_prep *, int, int, const double *, const double *,
                 double, double *, size_t, size_t, cox_walk *) =
        p <= COX_DERIVS_UNROLLED ? fixed[p] : cox_walk_any;
    cox_walk w;
    int fused;

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
            ws->eta[i] = z;
        }
    if (ws->n_chunks == 2) {
        ws->pp = pp;
        ws->beta = beta;
        ws->efron = efron;
        ws->fused = fused;
        return cox_derivs_split(ws, u, imat);
    }

    /* s1 p, s2 nt, d1 p, d2 nt, itri nt */
    memset(buf, 0, cox_ws_walk_size(p) * sizeof *buf);
    w.s1 = buf;
    w.s2 = w.s1 + p;
    w.d1 = w.s2 + nt;
    w.d2 = w.d1 + p;
    w.itri = w.d2 + nt;
    w.u = u;
    w.loglik = 0;
    for (blk = 0; blk < pp->n_strata; blk++) {
        size_t b = pp->block[blk], e = pp->block[blk + 1];
        double shift = fused ? 0 : cox_stratum_shift(ws->eta, b, e);
        walk(pp, efron, fused, beta, ws->eta, shift, ws->risk, b, e, &w);
    }
    for (j = 0; j < p; j++)
        for (k = 0; k <= j; k++) {
            imat[j * p + k] = w.itri[COX_TRI(j, k)];
            imat[k * p + j] = w.itri[COX_TRI(j, k)];
        }
    return w.loglik;
}
