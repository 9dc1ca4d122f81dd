/*
** stats/concordance.c -- Harrell's concordance index with its
** infinitesimal-jackknife variance, as R survival concordance() /
** concordancefit() with timewt = "n" (the value stored in coxph fits).
**
** Method: Harrell et al. (1982); variance as in Therneau and Watson, "The
** concordance statistic and the Cox model" (survival package vignette).
** Subjects are taken in R's order -- descending time; at a time, censored
** before events -- and grouped by (time, status) into a sequence of groups
** g = 0, 1, 2, ... within each stratum.  A pair (i, j) is comparable when i
** has an event and j belongs to an earlier group of the sequence (a later
** time, or censored at the same time) and, for (start, stop] data, had not
** yet left the risk set (R removes j at the first event time <= its
** start).  Among comparable pairs, with weights w_i w_j:
**   concordant  x_j > x_i  (larger x, longer survival; swapped by reverse)
**   discordant  x_j < x_i
**   tied.x      x_j = x_i
** Event pairs in the same group are tied.y (tied.xy when x is also tied).
**   C = (concordant + tied.x / 2) / (concordant + discordant + tied.x).
** Influence: for each subject, c_i, d_i, t_i are the weighted counts of the
** comparable pairs it belongs to, as the event or as the longer survivor;
** with N = concordant + discordant + tied.x and Somers' d = (concordant -
** discordant) / N,
**   dfbeta_i = w_i ((c_i - d_i) / N - d (c_i + d_i + t_i) / N),
** summed within clusters; var(C) = sum dfbeta^2 / 4.
**
** Algorithm: the subjects are sorted once by x (radix sort) and swept in
** that order while two Fenwick trees indexed by the group number hold the
** weights of the subjects already passed (all of them, and the events
** only).  For an event in group g, the weight of earlier groups with
** smaller x is a prefix sum over groups < g; for any subject in group g, the
** event weight of later groups with smaller x is a sum over groups > g.
** Larger x follows from the group totals, equal x from the same queries
** repeated after a block of equal x has been inserted.  The trees have one
** entry per group, so with the few thousand distinct times of a large study
** they stay in cache, and the sweep reads the sorted order sequentially.
** The sweep splits into two independent halves -- the smaller x ascending,
** the larger x descending, each from empty trees, counting "below" or
** "above" respectively -- which run on two threads.  The split does not
** depend on the thread count, so neither do the results.
** For (start, stop] data a subject's departure from the risk set is a
** "shadow" item with negative weight in the group where it leaves, so that
** later events see the subject net zero and its own influence stops there.
** Counts of unweighted data are sums of integers and hence exact.
**
** Inputs: onc_concordance_data (n rows), or the working data of a fit.
** Outputs: onc_concordance.  NaN policy: a NaN or infinity in x, times or
** weights is ONC_ERR_DATA; no comparable pair gives C = NaN.
*/
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/internal.h"
#include "stats/cox_internal.h"
#include "stats/sort.h"

/* Below this many subjects one sweep is cheaper than starting a thread. */
#define CONC_SPLIT_MIN 65536

/* Group numbers and the event flag share 32 bits. */
#define CONC_EVENT_BIT 0x80000000u
#define CONC_NONE 0xFFFFFFFFu
#define CONC_MAX_GROUPS 0x7FFFFFFFu

/* A subject's place in the sequence: its group (with the event flag), the
** group of its shadow, its weight. */
typedef struct conc_item {
    uint32_t code;        /* group | CONC_EVENT_BIT for events */
    uint32_t shadow;      /* group of the departure, or CONC_NONE */
    double w;
} conc_item;

/* The sequence of groups: per subject its item, per group the totals the
** sweep needs. */
typedef struct conc_plan {
    size_t n_groups;
    conc_item *item;      /* n, by position */
    uint32_t *first;      /* n_groups: first group of the stratum */
    uint32_t *end;        /* n_groups: one past the stratum's last group */
    double *before_all;   /* n_groups: weight of the stratum's earlier groups
                             (shadows negative) */
    double *after_ev;     /* n_groups: event weight of its later groups */
} conc_plan;

static void conc_plan_free(conc_plan *cp)
{
    free(cp->item);
    free(cp->first);
    free(cp->end);
    free(cp->before_all);
    free(cp->after_ev);
}

/*
** Number the groups in R's walk order and total them; tied_y (before
** removing tied_xy) comes out of the event groups' totals.
*/
static onc_status conc_plan_build(const cox_prep *pp, conc_plan *cp,
                                  double *tied_y)
{
    size_t n = pp->n, cap = pp->counting ? 2 * n : n, blk, g = 0, i;
    double *tot_all = NULL, *tot_ev = NULL, *sq_ev = NULL;
    onc_status st = ONC_ERR_NOMEM;

    memset(cp, 0, sizeof *cp);
    *tied_y = 0;
    if (cap > CONC_MAX_GROUPS)
        return ONC_ERR_NOMEM;
    cp->item = onc_mallocarray(n, sizeof *cp->item);
    cp->first = onc_mallocarray(cap, sizeof *cp->first);
    cp->end = onc_mallocarray(cap, sizeof *cp->end);
    tot_all = onc_callocarray(cap, sizeof *tot_all);
    tot_ev = onc_callocarray(cap, sizeof *tot_ev);
    sq_ev = onc_callocarray(cap, sizeof *sq_ev);
    if (cp->item == NULL || cp->first == NULL || cp->end == NULL || tot_all == NULL ||
        tot_ev == NULL || sq_ev == NULL)
        goto cleanup;
    for (i = 0; i < n; i++) {
        cp->item[i].shadow = CONC_NONE;
        cp->item[i].w = pp->weight[i];
    }

    for (blk = 0; blk < pp->n_strata; blk++) {
        size_t b = pp->block[blk], e = pp->block[blk + 1];
        size_t hi = e, s2 = e, g0 = g, q;

        while (hi > b) {
            double t = pp->time[hi - 1];
            size_t lo = hi - 1, has_cens = 0, has_ev = 0;
            while (lo > b && pp->time[lo - 1] == t)
                lo--;
            for (q = lo; q < hi; q++) {
                if (pp->event[q])
                    has_ev = 1;
                else
                    has_cens = 1;
            }
            /* censored subjects at t form one group */
            if (has_cens) {
                for (q = lo; q < hi; q++)
                    if (!pp->event[q]) {
                        cp->item[q].code = (uint32_t)g;
                        tot_all[g] += pp->weight[q];
                    }
                g++;
            }
            if (has_ev) {
                /* subjects whose start is at or after t leave first */
                if (pp->counting) {
                    size_t g_sh = g, any = 0;
                    for (; s2 > b && pp->start[pp->start_order[s2 - 1]] >= t; s2--) {
                        size_t u = pp->start_order[s2 - 1];
                        cp->item[u].shadow = (uint32_t)g_sh;
                        tot_all[g_sh] -= pp->weight[u];
                        any = 1;
                    }
                    if (any)
                        g++;
                }
                /* the events at t form one group */
                for (q = lo; q < hi; q++)
                    if (pp->event[q]) {
                        double w = pp->weight[q];
                        cp->item[q].code = (uint32_t)g | CONC_EVENT_BIT;
                        tot_all[g] += w;
                        tot_ev[g] += w;
                        sq_ev[g] += w * w;
                    }
                g++;
            }
            hi = lo;
        }
        /* cumulative totals within the stratum */
        {
            double acc = 0;
            size_t k;
            for (k = g0; k < g; k++) {
                cp->first[k] = (uint32_t)g0;
                cp->end[k] = (uint32_t)g;
                *tied_y += (tot_ev[k] * tot_ev[k] - sq_ev[k]) / 2;
                sq_ev[k] = acc;             /* reused: before_all */
                acc += tot_all[k];
            }
            acc = 0;
            for (k = g; k-- > g0;) {
                tot_all[k] = acc;           /* reused: after_ev */
                acc += tot_ev[k];
            }
        }
    }
    cp->n_groups = g;
    cp->before_all = sq_ev;
    cp->after_ev = tot_all;
    sq_ev = tot_all = NULL;
    st = ONC_OK;
cleanup:
    free(tot_all);
    free(tot_ev);
    free(sq_ev);
    if (st != ONC_OK)
        conc_plan_free(cp);
    return st;
}

/* ---- Fenwick trees over group numbers ---- */

/* Sum of entries [0, k). */
static inline double conc_prefix(const double *t, size_t k)
{
    double s = 0;

    while (k > 0) {
        s += t[k - 1];
        k &= k - 1;
    }
    return s;
}

/* Sum of entries [lo, hi). */
static inline double conc_range(const double *t, size_t lo, size_t hi)
{
    return hi > lo ? conc_prefix(t, hi) - conc_prefix(t, lo) : 0;
}

static inline void conc_add(double *t, size_t size, size_t k, double v)
{
    for (k++; k <= size; k += k & (~k + 1))
        t[k - 1] += v;
}

/* One half of the sweep, with its own trees and results. */
typedef struct conc_piece {
    const cox_prep *pp;
    const conc_plan *cp;
    const uint64_t *key;       /* sorted keys of x */
    const uint32_t *payload;   /* with them: positions, or group codes when
                                  `direct` */
    int direct;                /* unweighted right-censored data without
                                  clusters: the payload is the item's code,
                                  so the sweep reads nothing at random */
    size_t k0, k1;             /* sorted indices [k0, k1) */
    int descending;            /* sweep from k1 - 1 down to k0 */
    double *ia, *ib;           /* by sorted index: influence sums times
                                  the subject's weight */
    double cnt[4];             /* concordant, discordant, tied.x, tied.xy
                                  (pre-reverse) */
    int nomem;
} conc_piece;

/* The group of item `code` and whether it is an event. */
#define CONC_GROUP(code) ((size_t)((code) & ~CONC_EVENT_BIT))

/* The item at sorted index k. */
static inline conc_item conc_get(const conc_piece *pc, size_t k)
{
    uint32_t payload = pc->payload[k];
    conc_item it;

    if (pc->direct) {
        it.code = payload;
        it.shadow = CONC_NONE;
        it.w = 1;
        return it;
    }
    return pc->cp->item[payload];
}

/* The items of a block are read twice or more; a block of one is not
** prefetched (the sweep does that a few items ahead). */
static inline void conc_prefetch(const conc_piece *pc, size_t k)
{
#if defined(__GNUC__)
    if (!pc->direct)
        __builtin_prefetch(&pc->cp->item[pc->payload[k]]);
#else
    (void)pc;
    (void)k;
#endif
}

/*
** Sweep one block of equal x: indices [a, b) of the sorted order.  `near`
** is the weight on the side already passed (below when ascending, above when
** descending); the far side follows from the group totals.
*/
static void conc_block(conc_piece *pc, double *t_all, double *t_ev,
                       double *blockw, size_t a, size_t b)
{
    const conc_plan *cp = pc->cp;
    size_t G = cp->n_groups, k;
    int single = b - a == 1;

    /* queries before the block is inserted: kept in ia/ib for now */
    for (k = a; k < b; k++) {
        conc_item it = conc_get(pc, k);
        size_t g = CONC_GROUP(it.code);
        pc->ia[k] = (it.code & CONC_EVENT_BIT) ? conc_range(t_all, cp->first[g], g) : 0;
        pc->ib[k] = conc_range(t_ev, g + 1, cp->end[g]);
        if (it.shadow != CONC_NONE) {
            size_t gs = it.shadow;
            /* the shadow counts with the opposite sign */
            pc->ib[k] -= conc_range(t_ev, gs + 1, cp->end[gs]);
        }
    }
    for (k = a; k < b; k++) {
        conc_item it = conc_get(pc, k);
        conc_add(t_all, G, CONC_GROUP(it.code), it.w);
        if (it.code & CONC_EVENT_BIT)
            conc_add(t_ev, G, CONC_GROUP(it.code), it.w);
        if (it.shadow != CONC_NONE)
            conc_add(t_all, G, it.shadow, -it.w);
    }
    /* tied.xy: event pairs of one group with equal x */
    if (!single) {
        double sq = 0, tot = 0;
        for (k = a; k < b; k++) {
            conc_item it = conc_get(pc, k);
            if (it.code & CONC_EVENT_BIT) {
                blockw[CONC_GROUP(it.code)] += it.w;
                sq += it.w * it.w;
            }
        }
        for (k = a; k < b; k++) {
            conc_item it = conc_get(pc, k);
            size_t g = CONC_GROUP(it.code);
            if ((it.code & CONC_EVENT_BIT) && blockw[g] != 0) {
                tot += blockw[g] * blockw[g];
                blockw[g] = 0;
            }
        }
        pc->cnt[3] += (tot - sq) / 2;
    }
    for (k = a; k < b; k++) {
        conc_item it = conc_get(pc, k);
        size_t g = CONC_GROUP(it.code);
        double w = it.w;
        double near_all = pc->ia[k], near_ev = pc->ib[k];
        double eq_all = 0, eq_ev = 0, a_sum = 0, b_sum = 0;
        double dr_net = cp->after_ev[g], lo, hi;

        if (it.shadow != CONC_NONE)
            dr_net -= cp->after_ev[it.shadow];
        if (!single) {
            eq_ev = conc_range(t_ev, g + 1, cp->end[g]);
            if (it.shadow != CONC_NONE)
                eq_ev -= conc_range(t_ev, (size_t)it.shadow + 1, cp->end[it.shadow]);
            eq_ev -= near_ev;
        }
        if (it.code & CONC_EVENT_BIT) {
            double wl = cp->before_all[g];
            if (!single)
                eq_all = conc_range(t_all, cp->first[g], g) - near_all;
            if (pc->descending) {
                hi = near_all;
                lo = wl - hi - eq_all;
            } else {
                lo = near_all;
                hi = wl - lo - eq_all;
            }
            a_sum += hi - lo;
            b_sum += wl;
            pc->cnt[0] += w * hi;
            pc->cnt[1] += w * lo;
            pc->cnt[2] += w * eq_all;
        }
        /* as the longer survivor: the subject, minus its shadow */
        if (pc->descending) {
            hi = near_ev;
            lo = dr_net - hi - eq_ev;
        } else {
            lo = near_ev;
            hi = dr_net - lo - eq_ev;
        }
        a_sum += lo - hi;
        b_sum += dr_net;
        pc->ia[k] = w * a_sum;
        pc->ib[k] = w * b_sum;
    }
}

static void *conc_sweep(void *arg)
{
    conc_piece *pc = arg;
    const uint64_t *key = pc->key;
    size_t G = pc->cp->n_groups ? pc->cp->n_groups : 1;
    double *t_all = onc_callocarray(G, sizeof *t_all);
    double *t_ev = onc_callocarray(G, sizeof *t_ev);
    double *blockw = onc_callocarray(G, sizeof *blockw);

    if (t_all == NULL || t_ev == NULL || blockw == NULL) {
        pc->nomem = 1;
        goto cleanup;
    }
    if (!pc->descending) {
        size_t k = pc->k0;
        while (k < pc->k1) {
            uint64_t kv = key[k];
            size_t e = k + 1;
            if (k + 16 < pc->k1)
                conc_prefetch(pc, k + 16);
            while (e < pc->k1 && key[e] == kv)
                e++;
            conc_block(pc, t_all, t_ev, blockw, k, e);
            k = e;
        }
    } else {
        size_t k = pc->k1;
        while (k > pc->k0) {
            uint64_t kv = key[k - 1];
            size_t b = k - 1;
            if (b >= pc->k0 + 16)
                conc_prefetch(pc, b - 16);
            while (b > pc->k0 && key[b - 1] == kv)
                b--;
            conc_block(pc, t_all, t_ev, blockw, b, k);
            k = b;
        }
    }
cleanup:
    free(t_all);
    free(t_ev);
    free(blockw);
    return NULL;
}

/* Threads to use: n_threads, or one per online processor when 0. */
static size_t conc_threads(int n_threads)
{
    long online;

    if (n_threads > 0)
        return (size_t)n_threads;
    online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (size_t)online : 1;
}

onc_status cox_concordance_prep(const cox_prep *pp, const double *x,
                                const size_t *cluster, size_t nclus,
                                int reverse, int n_threads,
                                onc_concordance *out)
{
    size_t n = pp->n, i, k, split;
    conc_plan cp;
    conc_piece piece[2];
    uint64_t *skey = NULL;
    uint32_t *spay = NULL, *codes = NULL;
    double cnt[5] = {0, 0, 0, 0, 0};
    double *ia = NULL, *ib = NULL, *dfb = NULL;
    double npair, somer, var = 0, tied_y = 0;
    onc_status st = ONC_OK;
    pthread_t thread;
    int threaded = 0, direct;

    memset(out, 0, sizeof *out);
    out->n = n;
    if (n > ONC_SORT_MAX_N)
        return ONC_ERR_NOMEM;
    st = conc_plan_build(pp, &cp, &tied_y);
    if (st != ONC_OK)
        return st;
    ia = onc_mallocarray(n, sizeof *ia);
    ib = onc_mallocarray(n, sizeof *ib);
    if (ia == NULL || ib == NULL)
        goto nomem;

    /* positions (or, when direct, the items themselves) by ascending x */
    direct = !pp->has_weights && !pp->counting && cluster == NULL;
    if (direct) {
        codes = onc_mallocarray(n, sizeof *codes);
        if (codes == NULL)
            goto nomem;
        for (i = 0; i < n; i++)
            codes[i] = cp.item[i].code;
    }
    st = cox_sort_doubles(x, codes, n, n_threads, &skey, &spay);
    free(codes);
    codes = NULL;
    if (st != ONC_OK)
        goto nomem;

    /* two halves split between blocks of equal x */
    split = n;
    if (n >= CONC_SPLIT_MIN) {
        split = n / 2;
        while (split < n && skey[split] == skey[split - 1])
            split++;
    }
    memset(piece, 0, sizeof piece);
    for (k = 0; k < 2; k++) {
        piece[k].pp = pp;
        piece[k].cp = &cp;
        piece[k].key = skey;
        piece[k].payload = spay;
        piece[k].direct = direct;
        piece[k].ia = ia;
        piece[k].ib = ib;
    }
    piece[0].k0 = 0;
    piece[0].k1 = split;
    piece[1].k0 = split;
    piece[1].k1 = n;
    piece[1].descending = 1;
    if (split < n && conc_threads(n_threads) > 1)
        threaded = pthread_create(&thread, NULL, conc_sweep, &piece[1]) == 0;
    conc_sweep(&piece[0]);
    if (threaded)
        pthread_join(thread, NULL);
    else if (split < n)
        conc_sweep(&piece[1]);
    if (piece[0].nomem || piece[1].nomem)
        goto nomem;
    for (k = 0; k < 2; k++) {
        cnt[0] += piece[k].cnt[0];
        cnt[1] += piece[k].cnt[1];
        cnt[2] += piece[k].cnt[2];
        cnt[4] += piece[k].cnt[3];
    }
    cnt[3] = tied_y - cnt[4]; /* tied.xy were counted as tied.y as well */

    npair = cnt[0] + cnt[1] + cnt[2];
    somer = npair > 0 ? (cnt[0] - cnt[1]) / npair : NAN;
    if (npair > 0) {
        if (cluster != NULL) {
            dfb = onc_callocarray(nclus ? nclus : 1, sizeof *dfb);
            if (dfb == NULL)
                goto nomem;
            for (k = 0; k < n; k++)
                dfb[cluster[spay[k]]] +=
                    ia[k] / npair - (somer / npair) * ib[k];
            for (i = 0; i < nclus; i++)
                var += dfb[i] * dfb[i];
        } else {
            for (k = 0; k < n; k++) {
                double v = ia[k] / npair - (somer / npair) * ib[k];
                var += v * v;
            }
        }
        var /= 4;
    } else {
        var = NAN;
    }
    if (reverse) {
        out->concordant = cnt[1];
        out->discordant = cnt[0];
        out->concordance = 1 - (somer + 1) / 2;
    } else {
        out->concordant = cnt[0];
        out->discordant = cnt[1];
        out->concordance = (somer + 1) / 2;
    }
    out->tied_x = cnt[2];
    out->tied_y = cnt[3];
    out->tied_xy = cnt[4];
    out->var = var;
    out->se = sqrt(var);
    goto cleanup;

nomem:
    st = ONC_ERR_NOMEM;
cleanup:
    conc_plan_free(&cp);
    free(skey);
    free(spay);
    free(ia);
    free(ib);
    free(dfb);
    return st;
}

static onc_status conc_validate(const onc_concordance_data *d, onc_error *err)
{
    size_t i;

    if (d == NULL || d->stop == NULL || d->status == NULL || d->x == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "concordance: times, status and predictor are "
                             "required");
    if (d->n == 0)
        return onc_error_set(err, ONC_ERR_DATA, NULL, 0, 0, NULL,
                             "concordance: no rows");
    for (i = 0; i < d->n; i++)
        if (!isfinite(d->x[i]))
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, NULL,
                                 "row %zu: the predictor is missing or "
                                 "infinite", i + 1);
    /* times, status and weights are checked by cox_prep_build */
    return ONC_OK;
}

/* Dense 0-based cluster index by position. */
onc_status cox_cluster_index(const cox_prep *pp, const int32_t *cluster,
                             size_t *idx, size_t *nclus)
{
    size_t n = pp->n, i, c = 0, *ord = NULL, *code = NULL;
    onc_status st;

    ord = onc_mallocarray(n, sizeof *ord);
    code = onc_mallocarray(n, sizeof *code);
    if (ord == NULL || code == NULL) {
        free(ord);
        free(code);
        return ONC_ERR_NOMEM;
    }
    st = cox_radix_order_int(cluster, n, ord, 0);
    if (st == ONC_OK) {
        for (i = 0; i < n; i++) {
            if (i > 0 && cluster[ord[i]] != cluster[ord[i - 1]])
                c++;
            code[ord[i]] = c;
        }
        *nclus = c + 1;
        for (i = 0; i < n; i++)
            idx[i] = code[pp->row[i]];
    }
    free(ord);
    free(code);
    return st;
}

onc_status onc_concordance_compute(const onc_concordance_data *d,
                                   onc_concordance *out, onc_error *err)
{
    onc_cox_data cd;
    cox_prep *pp = NULL;
    double *x = NULL;
    size_t *cidx = NULL, nclus = 0, i;
    onc_status st;

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "concordance: no output");
    memset(out, 0, sizeof *out);
    st = conc_validate(d, err);
    if (st != ONC_OK)
        return st;
    memset(&cd, 0, sizeof cd);
    cd.n = d->n;
    cd.p = 0;
    cd.start = d->start;
    cd.stop = d->stop;
    cd.status = d->status;
    cd.weights = d->weights;
    cd.strata = d->strata;
    st = cox_prep_build(&cd, d->timefix, &pp, err);
    if (st != ONC_OK)
        return st;
    x = onc_mallocarray(d->n, sizeof *x);
    if (d->cluster)
        cidx = onc_mallocarray(d->n, sizeof *cidx);
    if (x == NULL || (d->cluster && cidx == NULL))
        goto nomem;
    for (i = 0; i < d->n; i++)
        x[i] = d->x[pp->row[i]];
    if (d->cluster && cox_cluster_index(pp, d->cluster, cidx, &nclus) != ONC_OK)
        goto nomem;
    st = cox_concordance_prep(pp, x, cidx, nclus, d->reverse, 0, out);
    if (st != ONC_OK)
        goto nomem;
    goto cleanup;
nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "concordance: out of memory for %zu rows", d->n);
cleanup:
    cox_prep_free(pp);
    free(x);
    free(cidx);
    return st;
}
