/*
** stats/concordance.c -- Harrell's concordance index with its
** infinitesimal-jackknife variance, as R survival concordance() /
** concordancefit() with timewt = "n" (the value stored in coxph fits).
**
** Method: Harrell et al. (1982); variance as in Therneau and Watson, "The
** concordance statistic and the Cox model" (survival package vignette).
** Subjects are taken in R's order -- descending time; at a time, censored
** before events; then ascending x -- and grouped by (time, status).  A pair
** (i, j) is comparable when i has an event and j was met in an earlier group
** (a later time, or censored at the same time) and, for (start, stop] data,
** had not yet left the risk set (R removes j at the first event time <= its
** start).  Among comparable pairs, with weights w_i w_j:
**   concordant  x_j > x_i  (larger x, longer survival; swapped by reverse)
**   discordant  x_j < x_i
**   tied.x      x_j = x_i
** Event pairs at the same time are tied.y (tied.xy when x is also tied).
**   C = (concordant + tied.x / 2) / (concordant + discordant + tied.x).
** Influence: for each subject, c_i, d_i, t_i are the weighted counts of the
** comparable pairs it belongs to, as the event or as the longer survivor;
** with N = concordant + discordant + tied.x and Somers' d = (concordant -
** discordant) / N,
**   dfbeta_i = w_i ((c_i - d_i) / N - d (c_i + d_i + t_i) / N),
** summed within clusters; var(C) = sum dfbeta^2 / 4.
**
** Algorithm: the comparable pairs are dominance pairs (earlier group, x
** compared), so they are counted by a bottom-up merge sort on x over the
** sequence of groups (divide and conquer, Bentley 1980): when a block of
** earlier groups L is merged with a block of later groups R, each event in R
** receives the weights of L below, at and above its x, and each subject in L
** the weights of the events of R.  Every level is a sequential pass, so the
** O(n log n) work runs at memory-streaming speed; R's balanced binary tree
** (like a Fenwick tree) costs a cache miss per level per subject instead.
** For (start, stop] data a subject's departure from the risk set is a
** "shadow" item with negative weight placed at its departure, so that later
** events see the subject net zero and its own influence stops there.
**
** Inputs: onc_concordance_data (n rows), or the working data of a fit.
** Outputs: onc_concordance.  NaN policy: a NaN or infinity in x, times or
** weights is ONC_ERR_DATA; no comparable pair gives C = NaN.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "stats/cox_internal.h"

/* Kinds of items in the merge (low two bits of the key). */
#define CONC_SURVIVOR 0u /* censored subject */
#define CONC_EVENT 1u
#define CONC_SHADOW 2u   /* departure of a start-stop subject */

typedef struct conc_item {
    uint64_t key;   /* rank of x << 2 | kind */
    double w;       /* case weight; negative for a shadow */
    double a;       /* accumulated (concordant - discordant) influence */
    double b;       /* accumulated (concordant + discordant + tied.x) */
    size_t pos;     /* the subject's position in the working data */
} conc_item;

/* Stable merge sort of items by rank (key >> 2); tmp holds n items. */
static void item_sort(conc_item *a, conc_item *tmp, size_t n)
{
    size_t width, i;
    conc_item *src = a, *dst = tmp;

    if (n < 2)
        return;

    for (i = 0; i < n; i += 16) {
        size_t hi = i + 16 < n ? i + 16 : n, j;
        for (j = i + 1; j < hi; j++) {
            conc_item v = a[j];
            size_t k = j;
            while (k > i && (a[k - 1].key >> 2) > (v.key >> 2)) {
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
                dst[k++] = (src[r].key >> 2) < (src[l].key >> 2) ? src[r++]
                                                                 : src[l++];
            while (l < mid)
                dst[k++] = src[l++];
            while (r < hi)
                dst[k++] = src[r++];
        }
        {
            conc_item *sw = src;
            src = dst;
            dst = sw;
        }
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
}

/*
** Merge runs src[s0, s1) (earlier groups) and src[s1, s2) (later groups),
** each sorted by rank, into dst, crediting the cross pairs.  cnt: the
** concordant / discordant / tied.x totals (pre-reverse).
*/
static void conc_merge(conc_item *src, conc_item *dst, size_t s0, size_t s1,
                       size_t s2, double *cnt)
{
    double wl = 0, dr = 0, cum_l = 0, cum_d = 0;
    size_t i = s0, j = s1, k = s0, t;

    for (t = s0; t < s1; t++)
        wl += src[t].w;
    for (t = s1; t < s2; t++)
        if ((src[t].key & 3u) == CONC_EVENT)
            dr += src[t].w;
    while (i < s1 || j < s2) {
        uint64_t r;
        size_t i2 = i, j2 = j;
        double eq_l = 0, eq_d = 0;

        if (j >= s2 || (i < s1 && (src[i].key >> 2) <= (src[j].key >> 2)))
            r = src[i].key >> 2;
        else
            r = src[j].key >> 2;
        while (i2 < s1 && (src[i2].key >> 2) == r)
            eq_l += src[i2++].w;
        while (j2 < s2 && (src[j2].key >> 2) == r) {
            if ((src[j2].key & 3u) == CONC_EVENT)
                eq_d += src[j2].w;
            j2++;
        }
        /* events of R against everyone of L */
        {
            double lo = cum_l, hi = wl - cum_l - eq_l;
            for (t = j; t < j2; t++) {
                conc_item *it = src + t;
                if ((it->key & 3u) != CONC_EVENT)
                    continue;
                it->a += hi - lo;
                it->b += wl;
                cnt[0] += it->w * hi;
                cnt[1] += it->w * lo;
                cnt[2] += it->w * eq_l;
            }
        }
        /* subjects of L against the events of R */
        if (dr != 0) {
            double lo = cum_d, hi = dr - cum_d - eq_d;
            for (t = i; t < i2; t++) {
                conc_item *it = src + t;
                double sgn = (it->key & 3u) == CONC_SHADOW ? -1.0 : 1.0;
                it->a += sgn * (lo - hi);
                it->b += sgn * dr;
            }
        }
        for (t = i; t < i2; t++)
            dst[k++] = src[t];
        for (t = j; t < j2; t++)
            dst[k++] = src[t];
        cum_l += eq_l;
        cum_d += eq_d;
        i = i2;
        j = j2;
    }
}

/*
** Bottom-up merging of the runs of one stratum: items[0, m) with run starts
** run[0..nrun) (run[nrun] = m).  Leaves the items sorted by rank in `items`.
*/
static void conc_merge_all(conc_item *items, conc_item *tmp, size_t m,
                           size_t *run, size_t nrun, double *cnt)
{
    conc_item *src = items, *dst = tmp;

    while (nrun > 1) {
        size_t r, nr = 0;
        for (r = 0; r + 1 < nrun; r += 2) {
            conc_merge(src, dst, run[r], run[r + 1], run[r + 2], cnt);
            run[nr++] = run[r];
        }
        if (r < nrun) {
            memcpy(dst + run[r], src + run[r], (m - run[r]) * sizeof *dst);
            run[nr++] = run[r];
        }
        run[nr] = m;
        nrun = nr;
        {
            conc_item *sw = src;
            src = dst;
            dst = sw;
        }
    }
    if (src != items)
        memcpy(items, src, m * sizeof *items);
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

onc_status cox_concordance_prep(const cox_prep *pp, const double *x,
                                const size_t *cluster, size_t nclus,
                                int reverse, onc_concordance *out)
{
    size_t n = pp->n, i, nrank = 0, blk, cap;
    size_t *ord = NULL, *rank = NULL, *run = NULL;
    conc_item *items = NULL, *tmp = NULL;
    double *ia = NULL, *ib = NULL, *dfb = NULL;
    double cnt[5] = {0, 0, 0, 0, 0};
    double npair, somer, var = 0;
    onc_status st = ONC_OK;

    memset(out, 0, sizeof *out);
    out->n = n;
    /* items: every subject, plus a shadow for each start-stop subject */
    cap = pp->counting ? 2 * n : n;
    ord = onc_mallocarray(n, sizeof *ord);
    rank = onc_mallocarray(n, sizeof *rank);
    ia = onc_callocarray(n, sizeof *ia);
    ib = onc_callocarray(n, sizeof *ib);
    items = onc_mallocarray(cap, sizeof *items);
    tmp = onc_mallocarray(cap, sizeof *tmp);
    run = onc_mallocarray(cap + 1, sizeof *run);
    if (ord == NULL || rank == NULL || ia == NULL || ib == NULL ||
        items == NULL || tmp == NULL || run == NULL)
        goto nomem;

    /* dense ranks of x */
    if (cox_radix_order(x, n, ord, 0) != ONC_OK)
        goto nomem;
    for (i = 0; i < n; i++) {
        if (i > 0 && x[ord[i]] != x[ord[i - 1]])
            nrank++;
        rank[ord[i]] = nrank;
    }

    for (blk = 0; blk < pp->n_strata; blk++) {
        size_t b = pp->block[blk], e = pp->block[blk + 1];
        size_t hi = e, m = 0, nrun = 0, s2 = e, q;

        /* the item sequence in R's walk order, one run per group */
        while (hi > b) {
            double t = pp->time[hi - 1];
            size_t g = hi - 1, r0;
            while (g > b && pp->time[g - 1] == t)
                g--;
            /* censored subjects at t form one group */
            r0 = m;
            for (q = g; q < hi; q++)
                if (!pp->event[q]) {
                    items[m].key = (uint64_t)rank[q] << 2 | CONC_SURVIVOR;
                    items[m].w = pp->weight[q];
                    items[m].a = items[m].b = 0;
                    items[m].pos = q;
                    m++;
                }
            if (m > r0) {
                item_sort(items + r0, tmp, m - r0);
                run[nrun++] = r0;
            }
            r0 = m;
            for (q = g; q < hi; q++)
                if (pp->event[q])
                    break;
            if (q < hi) {
                /* subjects whose start is at or after t leave first */
                if (pp->counting) {
                    for (; s2 > b && pp->start[pp->start_order[s2 - 1]] >= t;
                         s2--) {
                        size_t u = pp->start_order[s2 - 1];
                        items[m].key = (uint64_t)rank[u] << 2 | CONC_SHADOW;
                        items[m].w = -pp->weight[u];
                        items[m].a = items[m].b = 0;
                        items[m].pos = u;
                        m++;
                    }
                    if (m > r0) {
                        item_sort(items + r0, tmp, m - r0);
                        run[nrun++] = r0;
                    }
                }
                /* the events at t form one group */
                r0 = m;
                for (q = g; q < hi; q++)
                    if (pp->event[q]) {
                        items[m].key = (uint64_t)rank[q] << 2 | CONC_EVENT;
                        items[m].w = pp->weight[q];
                        items[m].a = items[m].b = 0;
                        items[m].pos = q;
                        m++;
                    }
                item_sort(items + r0, tmp, m - r0);
                run[nrun++] = r0;
                /* tied.y and tied.xy within the group (sorted by x) */
                {
                    double dwt = 0, dwt2 = 0;
                    uint64_t xs = items[r0].key >> 2;
                    for (q = r0; q < m; q++) {
                        double wq = items[q].w;
                        cnt[3] += wq * dwt;
                        dwt += wq;
                        if ((items[q].key >> 2) != xs) {
                            dwt2 = 0;
                            xs = items[q].key >> 2;
                        }
                        cnt[4] += wq * dwt2;
                        dwt2 += wq;
                    }
                }
            }
            hi = g;
        }
        run[nrun] = m;
        if (nrun > 0)
            conc_merge_all(items, tmp, m, run, nrun, cnt);
        for (q = 0; q < m; q++) {
            ia[items[q].pos] += items[q].a;
            ib[items[q].pos] += items[q].b;
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
            double v = pp->weight[i] * (ia[i] / npair - (somer / npair) * ib[i]);
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
    free(ia);
    free(ib);
    free(items);
    free(tmp);
    free(run);
    free(dfb);
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
