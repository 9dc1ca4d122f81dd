/*
** stats/concordance.c -- Harrell's concordance index with its
** infinitesimal-jackknife variance, as R survival concordance() /
** concordancefit() with timewt = "n" (the value stored in coxph fits).
**
** Method: Harrell et al. (1982); variance as in Therneau and Watson, "The
** concordance statistic and the Cox model" (survival package vignette).
** A pair (i, j) is comparable when i has an event at t_i and j is still at
** risk after t_i -- a later time, or censored at t_i, and for (start, stop]
** data entered before t_i.  Among comparable pairs, with weights w_i w_j:
**   concordant  x_j > x_i  (larger x, longer survival; swapped by reverse)
**   discordant  x_j < x_i
**   tied.x      x_j = x_i
** Event pairs at the same time are tied.y (tied.xy when x is also tied).
**   C = (concordant + tied.x / 2) / (concordant + discordant + tied.x).
** Influence: for each subject, the weighted counts of the comparable pairs it
** belongs to (as the event or as the survivor), c_i, d_i, t_i; with
** N = concordant + discordant + tied.x and Somers' d = (concordant -
** discordant) / N,
**   dfbeta_i = w_i ((c_i - d_i) / N - d (c_i + d_i + t_i) / N),
** summed within clusters; var(C) = sum dfbeta^2 / 4.
**
** Algorithm: subjects are walked from the largest time down with two Fenwick
** trees indexed by the rank of x, one holding every subject at risk, one the
** events already passed, so each query and update is O(log n): O(n log n)
** overall (R uses a balanced binary tree to the same end).
**
** Inputs: onc_concordance_data (n rows).  Outputs: onc_concordance.
** NaN policy: a NaN or infinity in x, times or weights is ONC_ERR_DATA.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "stats/cox_internal.h"

/*
** Weighted counts by rank of x.  Ranks are grouped in blocks of
** CONC_BLOCK; a Fenwick tree over the block sums (small enough to stay in
** cache) plus a short scan inside the block answers a prefix query with one
** or two cache misses, where a Fenwick tree over all ranks costs one miss
** per level.
*/
#define CONC_BLOCK 32

typedef struct conc_tree {
    size_t size, nblock;
    double *node;  /* size: weight at each rank */
    double *fen;   /* nblock + 1: 1-based Fenwick tree of block sums */
    double total;
} conc_tree;

static void tree_add(conc_tree *t, size_t rank, double w)
{
    size_t i;
    t->node[rank] += w;
    for (i = rank / CONC_BLOCK + 1; i <= t->nblock; i += i & (~i + 1))
        t->fen[i] += w;
    t->total += w;
}

/* Exact reset of everything a rank touched (no cancellation residue). */
static void tree_clear(conc_tree *t, size_t rank)
{
    size_t i;
    t->node[rank] = 0;
    for (i = rank / CONC_BLOCK + 1; i <= t->nblock; i += i & (~i + 1))
        t->fen[i] = 0;
}

/* Weight at ranks below (lo), equal to (eq) and above (hi) `rank`. */
static void tree_query(const conc_tree *t, size_t rank, double *lo, double *eq,
                       double *hi)
{
    double below = 0;
    size_t i, b = rank / CONC_BLOCK;

    for (i = b; i > 0; i -= i & (~i + 1))
        below += t->fen[i];
    for (i = b * CONC_BLOCK; i < rank; i++)
        below += t->node[i];
    *lo = below;
    *eq = t->node[rank];
    *hi = t->total - below - t->node[rank];
}

/* Bottom-up merge sort of (key, value) pairs by key, stable; tmp has n. */
typedef struct conc_pair {
    uint64_t key;
    size_t pos;
} conc_pair;

static void pair_sort(conc_pair *a, conc_pair *tmp, size_t n)
{
    size_t width, i;
    conc_pair *src = a, *dst = tmp;

    /* insertion sort of runs of 16 */
    for (i = 0; i < n; i += 16) {
        size_t hi = i + 16 < n ? i + 16 : n, j;
        for (j = i + 1; j < hi; j++) {
            conc_pair v = a[j];
            size_t k = j;
            while (k > i && a[k - 1].key > v.key) {
                a[k] = a[k - 1];
                k--;
            }
            a[k] = v;
        }
    }
    for (width = 16; width < n; width *= 2) {
        for (i = 0; i < n; i += 2 * width) {
            size_t mid = i + width < n ? i + width : n;
            size_t hi = i + 2 * width < n ? i + 2 * width : n;
            size_t l = i, r = mid, k = i;
            while (l < mid && r < hi)
                dst[k++] = src[r].key < src[l].key ? src[r++] : src[l++];
            while (l < mid)
                dst[k++] = src[l++];
            while (r < hi)
                dst[k++] = src[r++];
        }
        {
            conc_pair *sw = src;
            src = dst;
            dst = sw;
        }
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
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

/*
** The walk on the working data of a Cox fit (positions sorted by stratum and
** ascending time).  x: predictor by position; cluster: dense cluster index by
** position or NULL.
*/
onc_status cox_concordance_prep(const cox_prep *pp, const double *x,
                                const size_t *cluster, size_t nclus,
                                int reverse, onc_concordance *out)
{
    size_t n = pp->n, i, nrank = 0, blk;
    size_t *ord = NULL, *rank = NULL;
    conc_pair *pr = NULL, *tmp = NULL;
    double *infl = NULL; /* n x 3 by position: greater, less, equal */
    double cnt[5] = {0, 0, 0, 0, 0};
    conc_tree all = {0, 0, NULL, NULL, 0}, dead = {0, 0, NULL, NULL, 0};
    double *dfb = NULL, npair, somer, var = 0;
    onc_status st = ONC_OK;

    memset(out, 0, sizeof *out);
    out->n = n;
    ord = onc_mallocarray(n, sizeof *ord);
    rank = onc_mallocarray(n, sizeof *rank);
    infl = onc_callocarray(3 * n, sizeof *infl);
    pr = onc_mallocarray(n, sizeof *pr);
    tmp = onc_mallocarray(n, sizeof *tmp);
    if (ord == NULL || rank == NULL || infl == NULL || pr == NULL ||
        tmp == NULL)
        goto nomem;

    /* dense ranks of x */
    if (cox_radix_order(x, n, ord, 0) != ONC_OK)
        goto nomem;
    for (i = 0; i < n; i++) {
        if (i > 0 && x[ord[i]] != x[ord[i - 1]])
            nrank++;
        rank[ord[i]] = nrank;
    }
    nrank++;

    /* walk order within each stratum: descending time; within a time,
    ** censored before events, then ascending x (R: order(-time, status,
    ** risk)) */
    for (blk = 0; blk < pp->n_strata; blk++) {
        size_t b = pp->block[blk], e = pp->block[blk + 1], k = b, hi = e;
        while (hi > b) {
            size_t g = hi - 1, m, q;
            double t = pp->time[hi - 1];
            while (g > b && pp->time[g - 1] == t)
                g--;
            m = hi - g;
            for (q = 0; q < m; q++) {
                size_t ps = g + q;
                pr[q].key = ((uint64_t)pp->event[ps] << 62) | (uint64_t)rank[ps];
                pr[q].pos = ps;
            }
            if (m > 1)
                pair_sort(pr, tmp, m);
            for (q = 0; q < m; q++)
                ord[k++] = pr[q].pos;
            hi = g;
        }
    }

    all.size = dead.size = nrank;
    all.nblock = dead.nblock = nrank / CONC_BLOCK + 1;
    all.node = onc_callocarray(nrank, sizeof *all.node);
    all.fen = onc_callocarray(all.nblock + 1, sizeof *all.fen);
    dead.node = onc_callocarray(nrank, sizeof *dead.node);
    dead.fen = onc_callocarray(dead.nblock + 1, sizeof *dead.fen);
    if (all.fen == NULL || all.node == NULL || dead.fen == NULL ||
        dead.node == NULL)
        goto nomem;

    for (blk = 0; blk < pp->n_strata; blk++) {
        size_t b = pp->block[blk], e = pp->block[blk + 1];
        size_t s2 = e; /* start_order walked from the largest start down */
        double lo, eq, hi;

        all.total = dead.total = 0;
        i = b;
        while (i < e) {
            size_t ii = ord[i];
            if (!pp->event[ii]) {
                tree_query(&dead, rank[ii], &lo, &eq, &hi);
                infl[3 * ii] -= lo;
                infl[3 * ii + 1] -= hi;
                infl[3 * ii + 2] -= eq;
                tree_add(&all, rank[ii], pp->weight[ii]);
                i++;
                continue;
            }
            /* events at this time: first leave those who entered later */
            if (pp->counting) {
                double t = pp->time[ii];
                for (; s2 > b && pp->start[pp->start_order[s2 - 1]] >= t; s2--) {
                    size_t q = pp->start_order[s2 - 1];
                    tree_query(&dead, rank[q], &lo, &eq, &hi);
                    infl[3 * q] += lo;
                    infl[3 * q + 1] += hi;
                    infl[3 * q + 2] += eq;
                    tree_add(&all, rank[q], -pp->weight[q]);
                }
            }
            {
                double t = pp->time[ii], dwt = 0, dwt2 = 0;
                size_t g = i, k, xsave = rank[ii];
                while (g < e && pp->time[ord[g]] == t)
                    g++;
                /* pass 1: compare with everyone at risk beyond t */
                for (k = i; k < g; k++) {
                    size_t jj = ord[k];
                    double wj = pp->weight[jj];
                    cnt[3] += wj * dwt;
                    dwt += wj;
                    if (rank[jj] != xsave) {
                        dwt2 = 0;
                        xsave = rank[jj];
                    }
                    cnt[4] += wj * dwt2;
                    dwt2 += wj;
                    tree_query(&all, rank[jj], &lo, &eq, &hi);
                    cnt[0] += wj * hi;
                    cnt[1] += wj * lo;
                    cnt[2] += wj * eq;
                    infl[3 * jj] += hi;
                    infl[3 * jj + 1] += lo;
                    infl[3 * jj + 2] += eq;
                    tree_add(&dead, rank[jj], wj);
                }
                /* pass 2: the events join the risk set of earlier times */
                for (k = i; k < g; k++) {
                    size_t jj = ord[k];
                    tree_query(&dead, rank[jj], &lo, &eq, &hi);
                    infl[3 * jj] -= lo;
                    infl[3 * jj + 1] -= hi;
                    infl[3 * jj + 2] -= eq;
                    tree_add(&all, rank[jj], pp->weight[jj]);
                }
                i = g;
            }
        }
        /* close the influence of everyone still at risk */
        if (pp->counting) {
            for (; s2 > b; s2--) {
                size_t q = pp->start_order[s2 - 1];
                tree_query(&dead, rank[q], &lo, &eq, &hi);
                infl[3 * q] += lo;
                infl[3 * q + 1] += hi;
                infl[3 * q + 2] += eq;
            }
        } else {
            for (i = b; i < e; i++) {
                tree_query(&dead, rank[i], &lo, &eq, &hi);
                infl[3 * i] += lo;
                infl[3 * i + 1] += hi;
                infl[3 * i + 2] += eq;
            }
        }
        for (i = b; i < e; i++) {
            tree_clear(&all, rank[i]);
            tree_clear(&dead, rank[i]);
        }
    }
    cnt[3] -= cnt[4]; /* tied.xy were counted as tied.y as well */

    npair = cnt[0] + cnt[1] + cnt[2];
    somer = npair > 0 ? (cnt[0] - cnt[1]) / npair : NAN;
    if (npair > 0) {
        size_t nc = cluster ? nclus : n;
        dfb = onc_callocarray(nc, sizeof *dfb);
        if (dfb == NULL)
            goto nomem;
        for (i = 0; i < n; i++) {
            const double *f = infl + 3 * i;
            double v = pp->weight[i] * ((f[0] - f[1]) / npair -
                                        (somer / npair) * (f[0] + f[1] + f[2]));
            dfb[cluster ? cluster[i] : i] += v;
        }
        for (i = 0; i < nc; i++)
            var += dfb[i] * dfb[i];
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
    free(ord);
    free(rank);
    free(infl);
    free(pr);
    free(tmp);
    free(dfb);
    free(all.fen);
    free(all.node);
    free(dead.fen);
    free(dead.node);
    return st;
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
    st = cox_concordance_prep(pp, x, cidx, nclus, d->reverse, out);
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
