/*
** contingency.c -- tests of independence in contingency tables: Fisher's
** exact test (2 x 2 and r x c), Pearson's chi-square test (with Yates's
** correction for 2 x 2) and the Cochran-Armitage test for trend.
**
** Each test reproduces the R function named in oncostat/rates.h; the golden
** values are written by tests/golden/stats/rates_contingency.R.
*/
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sf_gamma.h>

#include "oncostat/rates.h"
#include "core/internal.h"

/* R's fisher.test for 2 x 2 tables: tables whose probability is within a
** relative 1e-7 of the observed one count as "as extreme". */
#define CONTINGENCY_FISHER_2X2_REL 1e-7
/* FEXACT (used by fisher.test for every other table) adds this to the log
** probability of the observed table: the square root of the smallest
** relative spacing, as its source says. */
#define CONTINGENCY_FISHER_RXC_LOG_TOL 3.45254e-7
/* Largest table total for the exact test: one log-factorial per count is
** tabulated, and the enumeration is hopeless long before this. */
#define CONTINGENCY_FISHER_MAX_TOTAL ((size_t)1 << 24)
/* Largest number of rows (after transposing so that rows <= columns). */
#define CONTINGENCY_FISHER_MAX_ROWS 32
/* Partial tables whose log weights agree to within 2^-32 are merged. */
#define CONTINGENCY_FISHER_BIN 4294967296.0
/* Series and continued-fraction terms for the incomplete gamma function. */
#define CONTINGENCY_GAMMA_MAX_ITER 100000

/* ---- compensated summation (Neumaier) for sums of many small terms ---- */

typedef struct contingency_sum {
    double s;
    double c;
} contingency_sum;

static void contingency_sum_add(contingency_sum *acc, double x)
{
    double t = acc->s + x;

    if (fabs(acc->s) >= fabs(x))
        acc->c += (acc->s - t) + x;
    else
        acc->c += (x - t) + acc->s;
    acc->s = t;
}

/* log(exp(x) + exp(y)) without overflow; either may be -Inf. */
static double contingency_log_add(double x, double y)
{
    if (x == -INFINITY)
        return y;
    if (y == -INFINITY)
        return x;
    return x > y ? x + log1p(exp(y - x)) : y + log1p(exp(x - y));
}

static onc_status contingency_check_table(const size_t *counts, size_t nrow,
                                          size_t ncol, onc_error *err)
{
    size_t cells;

    if (counts == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "no table given");
    if (nrow < 2 || ncol < 2)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "a %zu x %zu table: at least 2 rows and 2 "
                             "columns are needed", nrow, ncol);
    if (onc_mul_overflow(nrow, ncol, &cells) != 0)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "table dimensions overflow");
    return ONC_OK;
}

/* ======================================================================
** Fisher's exact test, 2 x 2: the hypergeometric distribution of the
** (1,1) cell, exactly as fisher.test computes it.
** ====================================================================== */

static onc_status contingency_fisher_2x2(const size_t *x, double *p_value,
                                         onc_error *err)
{
    size_t m = x[0] + x[2], n = x[1] + x[3], k = x[0] + x[1];
    size_t lo = k > n ? k - n : 0, hi = k < m ? k : m, s;
    double *logd, mx = -INFINITY, obs, total = 0.0;
    contingency_sum in = {0.0, 0.0};

    if (m + n > CONTINGENCY_FISHER_MAX_TOTAL)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "exact test on %zu patients: the limit is %zu",
                             m + n, CONTINGENCY_FISHER_MAX_TOTAL);
    logd = onc_mallocarray(hi - lo + 1, sizeof *logd);
    if (logd == NULL)
        return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                             "out of memory for the exact test");
    for (s = lo; s <= hi; s++) {
        double v = -gsl_sf_lnfact((unsigned)s) - gsl_sf_lnfact((unsigned)(m - s)) -
                   gsl_sf_lnfact((unsigned)(k - s)) -
                   gsl_sf_lnfact((unsigned)(n - k + s));
        logd[s - lo] = v;
        if (v > mx)
            mx = v;
    }
    /* d = exp(logd - max) / sum, then sum(d[d <= d[obs] * (1 + 1e-7)]) */
    obs = exp(logd[x[0] - lo] - mx) * (1.0 + CONTINGENCY_FISHER_2X2_REL);
    for (s = lo; s <= hi; s++) {
        double d = exp(logd[s - lo] - mx);
        total += d;
        if (d <= obs)
            contingency_sum_add(&in, d);
    }
    free(logd);
    *p_value = fmin(1.0, (in.s + in.c) / total);
    return ONC_OK;
}

/* ======================================================================
** Fisher's exact test, r x c: a network algorithm.
**
** The table is filled one column at a time.  After s columns, what is left
** is described by the remaining row totals; sorted, they are a node of
** stage s (rows are interchangeable, so sorting merges equivalent nodes).
** A path from the root to the end is a table; its probability is
**     P = C * prod_ij 1 / n_ij!,   C = prod R_i! prod C_j! / N!,
** so a path's log weight is the sum of its columns' log weights.
**
**  1. Enumerate the nodes of stages 0 .. L = ncol - 2.
**  2. For each node of stage L list every completion of the last two
**     columns (the last column is forced), sorted by log weight, with
**     cumulative sums.
**  3. Backward over stages L-1 .. 1: the smallest and largest log weight of
**     any completion of each node (exact, by dynamic programming).
**  4. Forward from the root, carry the partial tables ("pasts") reaching
**     each node, merging equal log weights.  A past all of whose
**     completions are at most as probable as the observed table adds its
**     whole mass (a closed form: m! / (prod r_i! prod C_j!)); a past none
**     of whose completions is, is dropped; the rest go on (Mehta & Patel,
**     JASA 1983;78:427; the pruning idea of FEXACT).
**  5. At stage L - 1 the pasts meet the sorted completions of step 2: for
**     each past and each choice of column L - 1, a binary search finds the
**     completions that qualify.  This replaces the expansion of the last
**     stages, where the number of pasts explodes.
** ====================================================================== */

typedef uint32_t fisher_count;

typedef struct fisher_stage {
    size_t n, cap;
    fisher_count *keys;     /* n * k, each sorted ascending */
    double *lo;             /* smallest log weight of a completion */
    double *hi;             /* largest */
    size_t *slot;           /* open addressing; SIZE_MAX = empty */
    size_t nslot;
} fisher_stage;

typedef struct fisher_future {
    double *f;              /* log weights of the completions, ascending */
    double *cum;            /* cum[i] = log sum_{j <= i} exp(f[j]) */
    size_t n, cap;
} fisher_future;

typedef struct fisher_past {
    size_t node;
    int64_t bin;
    double logw;            /* log prod 1/n_ij! of the filled columns */
    double mult;            /* partial tables merged into this entry */
} fisher_past;

typedef struct fisher_pasts {
    fisher_past *e;
    size_t n, cap;
    size_t *slot;
    size_t nslot;
} fisher_pasts;

typedef struct fisher_net {
    size_t k;               /* rows: the length of a node key */
    size_t nc;              /* columns: stages */
    size_t meet;            /* L = nc - 2 */
    fisher_count *cols;     /* column totals in processing order */
    double *lf;             /* lf[i] = log i!, i = 0..N */
    double *lf_cols_from;   /* sum_{j >= s} lf[cols[j]], s = 0..nc */
    double log_const;       /* log C */
    double threshold;       /* observed log weight + tolerance */
    fisher_stage *stages;   /* 0..meet */
    fisher_future *futures; /* one per node of stage meet */
    contingency_sum p;
    double work, max_work;
    size_t paths, max_paths;
    onc_status status;
    onc_error *err;
} fisher_net;

/* A split of one column's total over the rows, visited with its log weight
** -sum lf[n_i]. */
typedef void (*fisher_visit)(fisher_net *net, void *ctx, const fisher_count *r,
                             const fisher_count *split, double logw);

static void fisher_fail(fisher_net *net, onc_status status, const char *what)
{
    if (net->status != ONC_OK)
        return;
    net->status = status;
    if (status == ONC_ERR_NOMEM)
        onc_error_set(net->err, status, NULL, 0, 0, NULL,
                      "out of memory in the exact test (%s)", what);
    else
        onc_error_set(net->err, status, NULL, 0, 0, NULL,
                      "the exact test needs more than the allowed %s; "
                      "raise the limit in onc_fisher_options or use the "
                      "chi-square test", what);
}

static void fisher_count_work(fisher_net *net, double steps)
{
    net->work += steps;
    if (net->work > net->max_work)
        fisher_fail(net, ONC_ERR_LIMIT, "work");
}

static void fisher_split_rec(fisher_net *net, const fisher_count *r,
                             const fisher_count *suffix, size_t i,
                             fisher_count left, fisher_count *split,
                             double logw, fisher_visit visit, void *ctx)
{
    fisher_count x, lo, hi;

    if (net->status != ONC_OK)
        return;
    if (i + 1 == net->k) {
        if (left > r[i])
            return;
        split[i] = left;
        fisher_count_work(net, 1.0);
        visit(net, ctx, r, split, logw - net->lf[left]);
        return;
    }
    lo = left > suffix[i + 1] ? left - suffix[i + 1] : 0;
    hi = left < r[i] ? left : r[i];
    for (x = lo; x <= hi; x++) {
        split[i] = x;
        fisher_split_rec(net, r, suffix, i + 1, left - x, split,
                         logw - net->lf[x], visit, ctx);
    }
}

/* Visit every way of spreading `total` over rows with room r[0..k-1]. */
static void fisher_splits(fisher_net *net, const fisher_count *r,
                          fisher_count total, fisher_visit visit, void *ctx)
{
    fisher_count suffix[CONTINGENCY_FISHER_MAX_ROWS + 1];
    fisher_count split[CONTINGENCY_FISHER_MAX_ROWS];
    size_t i;

    suffix[net->k] = 0;
    for (i = net->k; i-- > 0;)
        suffix[i] = suffix[i + 1] + r[i];
    if (suffix[0] < total)
        return;
    fisher_split_rec(net, r, suffix, 0, total, split, 0.0, visit, ctx);
}

static void fisher_sort_key(fisher_count *v, size_t k)
{
    size_t i, j;

    for (i = 1; i < k; i++) {
        fisher_count t = v[i];
        for (j = i; j > 0 && v[j - 1] > t; j--)
            v[j] = v[j - 1];
        v[j] = t;
    }
}

/* The child of node r under a split: the remaining totals, sorted. */
static void fisher_child_key(size_t k, const fisher_count *r,
                             const fisher_count *split, fisher_count *child)
{
    size_t i;

    for (i = 0; i < k; i++)
        child[i] = r[i] - split[i];
    fisher_sort_key(child, k);
}

static uint64_t fisher_hash_key(const fisher_count *v, size_t k)
{
    uint64_t h = 1469598103934665603ULL;
    size_t i;

    for (i = 0; i < k; i++) {
        h ^= (uint64_t)v[i] + 0x9e3779b97f4a7c15ULL;
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

static int fisher_stage_rehash(fisher_stage *st, size_t k, size_t nslot)
{
    size_t *slot = onc_mallocarray(nslot, sizeof *slot), i;

    if (slot == NULL)
        return -1;
    for (i = 0; i < nslot; i++)
        slot[i] = SIZE_MAX;
    for (i = 0; i < st->n; i++) {
        size_t j = (size_t)fisher_hash_key(st->keys + i * k, k) & (nslot - 1);
        while (slot[j] != SIZE_MAX)
            j = (j + 1) & (nslot - 1);
        slot[j] = i;
    }
    free(st->slot);
    st->slot = slot;
    st->nslot = nslot;
    return 0;
}

/* Index of node `key` in the stage, inserting it if `insert`; SIZE_MAX when
** absent (or on failure, with net->status set). */
static size_t fisher_stage_find(fisher_net *net, fisher_stage *st,
                                const fisher_count *key, int insert)
{
    size_t k = net->k, j;

    if (insert && (st->n + 1) * 2 > st->nslot &&
        fisher_stage_rehash(st, k, st->nslot ? st->nslot * 2 : 256) != 0) {
        fisher_fail(net, ONC_ERR_NOMEM, "nodes");
        return SIZE_MAX;
    }
    if (st->nslot == 0)
        return SIZE_MAX;
    j = (size_t)fisher_hash_key(key, k) & (st->nslot - 1);
    while (st->slot[j] != SIZE_MAX) {
        size_t i = st->slot[j];
        if (memcmp(st->keys + i * k, key, k * sizeof *key) == 0)
            return i;
        j = (j + 1) & (st->nslot - 1);
    }
    if (!insert)
        return SIZE_MAX;
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 256;
        fisher_count *keys;
        double *lo, *hi;
        if (net->paths + (cap - st->cap) > net->max_paths) {
            fisher_fail(net, ONC_ERR_LIMIT, "memory (nodes)");
            return SIZE_MAX;
        }
        keys = onc_reallocarray(st->keys, cap * k, sizeof *keys);
        if (keys == NULL) {
            fisher_fail(net, ONC_ERR_NOMEM, "nodes");
            return SIZE_MAX;
        }
        st->keys = keys;
        lo = onc_reallocarray(st->lo, cap, sizeof *lo);
        if (lo == NULL) {
            fisher_fail(net, ONC_ERR_NOMEM, "nodes");
            return SIZE_MAX;
        }
        st->lo = lo;
        hi = onc_reallocarray(st->hi, cap, sizeof *hi);
        if (hi == NULL) {
            fisher_fail(net, ONC_ERR_NOMEM, "nodes");
            return SIZE_MAX;
        }
        st->hi = hi;
        net->paths += cap - st->cap;
        st->cap = cap;
    }
    memcpy(st->keys + st->n * k, key, k * sizeof *key);
    st->lo[st->n] = INFINITY;
    st->hi[st->n] = -INFINITY;
    st->slot[j] = st->n;
    return st->n++;
}

/* log of the total weight of all completions of node r entering stage s:
** m! / (prod r_i! prod_{j >= s} C_j!). */
static double fisher_log_mass(const fisher_net *net, const fisher_count *r,
                              size_t s)
{
    size_t i, m = 0;
    double v = 0.0;

    for (i = 0; i < net->k; i++) {
        m += r[i];
        v -= net->lf[r[i]];
    }
    return v + net->lf[m] - net->lf_cols_from[s];
}

/* -- step 1: reachable nodes -- */

static void fisher_visit_key(fisher_net *net, void *ctx, const fisher_count *r,
                             const fisher_count *split, double logw)
{
    fisher_count child[CONTINGENCY_FISHER_MAX_ROWS];

    (void)logw;
    fisher_child_key(net->k, r, split, child);
    fisher_stage_find(net, (fisher_stage *)ctx, child, 1);
}

/* -- step 2: sorted completions of the last two columns -- */

static void fisher_visit_future(fisher_net *net, void *ctx,
                                const fisher_count *r,
                                const fisher_count *split, double logw)
{
    fisher_future *fu = ctx;
    size_t i;

    for (i = 0; i < net->k; i++)
        logw -= net->lf[r[i] - split[i]];
    if (fu->n == fu->cap) {
        size_t cap = fu->cap ? fu->cap * 2 : 64;
        double *f;
        if (net->paths + (cap - fu->cap) > net->max_paths) {
            fisher_fail(net, ONC_ERR_LIMIT, "memory (completions)");
            return;
        }
        f = onc_reallocarray(fu->f, cap, sizeof *f);
        if (f == NULL) {
            fisher_fail(net, ONC_ERR_NOMEM, "completions");
            return;
        }
        fu->f = f;
        net->paths += cap - fu->cap;
        fu->cap = cap;
    }
    fu->f[fu->n++] = logw;
}

static int fisher_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static void fisher_build_futures(fisher_net *net)
{
    fisher_stage *st = &net->stages[net->meet];
    size_t v, i;

    net->futures = onc_callocarray(st->n, sizeof *net->futures);
    if (net->futures == NULL) {
        fisher_fail(net, ONC_ERR_NOMEM, "completions");
        return;
    }
    for (v = 0; v < st->n && net->status == ONC_OK; v++) {
        fisher_future *fu = &net->futures[v];
        double acc = -INFINITY;

        fisher_splits(net, st->keys + v * net->k, net->cols[net->meet],
                      fisher_visit_future, fu);
        if (net->status != ONC_OK)
            return;
        qsort(fu->f, fu->n, sizeof *fu->f, fisher_cmp_double);
        fu->cum = onc_mallocarray(fu->n, sizeof *fu->cum);
        if (fu->cum == NULL) {
            fisher_fail(net, ONC_ERR_NOMEM, "completions");
            return;
        }
        for (i = 0; i < fu->n; i++) {
            acc = contingency_log_add(acc, fu->f[i]);
            fu->cum[i] = acc;
        }
        st->lo[v] = fu->f[0];
        st->hi[v] = fu->f[fu->n - 1];
        fisher_count_work(net, (double)fu->n);
    }
}

/* -- step 3: bounds by backward dynamic programming -- */

typedef struct fisher_bound_ctx {
    fisher_stage *next;
    double lo, hi;
} fisher_bound_ctx;

static void fisher_visit_bound(fisher_net *net, void *ctx,
                               const fisher_count *r,
                               const fisher_count *split, double logw)
{
    fisher_bound_ctx *b = ctx;
    fisher_count child[CONTINGENCY_FISHER_MAX_ROWS];
    size_t j;

    fisher_child_key(net->k, r, split, child);
    j = fisher_stage_find(net, b->next, child, 0);
    if (j == SIZE_MAX)
        return;
    if (logw + b->next->lo[j] < b->lo)
        b->lo = logw + b->next->lo[j];
    if (logw + b->next->hi[j] > b->hi)
        b->hi = logw + b->next->hi[j];
}

static void fisher_bounds(fisher_net *net)
{
    size_t s, v;

    for (s = net->meet; s-- > 1 && net->status == ONC_OK;) {
        fisher_stage *st = &net->stages[s];
        for (v = 0; v < st->n && net->status == ONC_OK; v++) {
            fisher_bound_ctx b;
            b.next = &net->stages[s + 1];
            b.lo = INFINITY;
            b.hi = -INFINITY;
            fisher_splits(net, st->keys + v * net->k, net->cols[s],
                          fisher_visit_bound, &b);
            st->lo[v] = b.lo;
            st->hi[v] = b.hi;
        }
    }
}

/* -- step 4: partial tables carried forward -- */

static uint64_t fisher_hash_past(size_t node, int64_t bin)
{
    uint64_t h = (uint64_t)bin * 0x9e3779b97f4a7c15ULL ^
                 (uint64_t)node * 0xc2b2ae3d27d4eb4fULL;

    return h ^ (h >> 31);
}

static int fisher_pasts_rehash(fisher_pasts *t, size_t nslot)
{
    size_t *slot = onc_mallocarray(nslot, sizeof *slot), i;

    if (slot == NULL)
        return -1;
    for (i = 0; i < nslot; i++)
        slot[i] = SIZE_MAX;
    for (i = 0; i < t->n; i++) {
        size_t j = (size_t)fisher_hash_past(t->e[i].node, t->e[i].bin) & (nslot - 1);
        while (slot[j] != SIZE_MAX)
            j = (j + 1) & (nslot - 1);
        slot[j] = i;
    }
    free(t->slot);
    t->slot = slot;
    t->nslot = nslot;
    return 0;
}

static void fisher_pasts_free(fisher_net *net, fisher_pasts *t)
{
    net->paths -= t->cap;
    free(t->e);
    free(t->slot);
    memset(t, 0, sizeof *t);
}

static void fisher_pasts_add(fisher_net *net, fisher_pasts *t, size_t node,
                             double logw, double mult)
{
    int64_t bin = (int64_t)llround(logw * CONTINGENCY_FISHER_BIN);
    size_t j;

    if ((t->n + 1) * 2 > t->nslot &&
        fisher_pasts_rehash(t, t->nslot ? t->nslot * 2 : 1024) != 0) {
        fisher_fail(net, ONC_ERR_NOMEM, "partial tables");
        return;
    }
    j = (size_t)fisher_hash_past(node, bin) & (t->nslot - 1);
    while (t->slot[j] != SIZE_MAX) {
        fisher_past *e = &t->e[t->slot[j]];
        if (e->node == node && e->bin == bin) {
            e->mult += mult;
            return;
        }
        j = (j + 1) & (t->nslot - 1);
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        fisher_past *e;
        if (net->paths + (cap - t->cap) > net->max_paths) {
            fisher_fail(net, ONC_ERR_LIMIT, "memory (partial tables)");
            return;
        }
        e = onc_reallocarray(t->e, cap, sizeof *e);
        if (e == NULL) {
            fisher_fail(net, ONC_ERR_NOMEM, "partial tables");
            return;
        }
        t->e = e;
        net->paths += cap - t->cap;
        t->cap = cap;
    }
    t->e[t->n].node = node;
    t->e[t->n].bin = bin;
    t->e[t->n].logw = logw;
    t->e[t->n].mult = mult;
    t->slot[j] = t->n++;
}

/* Reorder the entries so that each node's pasts are contiguous (a counting
** sort); node v's are start[v] .. start[v + 1] - 1.  The hash index is
** dropped: the table is only read from now on. */
static size_t *fisher_pasts_group(fisher_net *net, fisher_pasts *t,
                                  size_t n_nodes)
{
    size_t *start = onc_callocarray(n_nodes + 1, sizeof *start);
    size_t *pos = onc_mallocarray(n_nodes + 1, sizeof *pos);
    fisher_past *sorted = onc_mallocarray(t->cap ? t->cap : 1, sizeof *sorted);
    size_t i;

    if (start == NULL || pos == NULL || sorted == NULL) {
        free(start);
        free(pos);
        free(sorted);
        fisher_fail(net, ONC_ERR_NOMEM, "partial tables");
        return NULL;
    }
    for (i = 0; i < t->n; i++)
        start[t->e[i].node + 1]++;
    for (i = 0; i < n_nodes; i++)
        start[i + 1] += start[i];
    memcpy(pos, start, (n_nodes + 1) * sizeof *pos);
    for (i = 0; i < t->n; i++)
        sorted[pos[t->e[i].node]++] = t->e[i];
    free(pos);
    free(t->e);
    t->e = sorted;
    free(t->slot);
    t->slot = NULL;
    t->nslot = 0;
    return start;
}

typedef struct fisher_forward_ctx {
    size_t stage;               /* stage of the child */
    const fisher_past *pasts;   /* the parent's pasts */
    size_t np;
    fisher_pasts *out;
} fisher_forward_ctx;

static void fisher_visit_forward(fisher_net *net, void *ctx,
                                 const fisher_count *r,
                                 const fisher_count *split, double logw)
{
    fisher_forward_ctx *fc = ctx;
    fisher_stage *next = &net->stages[fc->stage];
    fisher_count child[CONTINGENCY_FISHER_MAX_ROWS];
    double lo, hi, log_mass;
    size_t j, q;

    fisher_child_key(net->k, r, split, child);
    j = fisher_stage_find(net, next, child, 0);
    if (j == SIZE_MAX)
        return;
    lo = next->lo[j];
    hi = next->hi[j];
    log_mass = fisher_log_mass(net, child, fc->stage);
    for (q = 0; q < fc->np && net->status == ONC_OK; q++) {
        double b = fc->pasts[q].logw + logw;
        if (b + hi <= net->threshold)
            contingency_sum_add(&net->p, fc->pasts[q].mult *
                                exp(net->log_const + b + log_mass));
        else if (b + lo <= net->threshold)
            fisher_pasts_add(net, fc->out, j, b, fc->pasts[q].mult);
    }
    fisher_count_work(net, (double)fc->np);
}

/* -- step 5: pasts meet the sorted completions -- */

typedef struct fisher_meet_ctx {
    const double *a;            /* log weights of the pasts, ascending */
    const double *logmult;      /* log of their multiplicities */
    const double *cum;          /* cum[i] = log sum_{q <= i} mult_q e^a_q */
    size_t np;
} fisher_meet_ctx;

/* Number of entries of the ascending v[0..n-1] that are <= t. */
static size_t fisher_count_upto(const double *v, size_t n, double t)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void fisher_visit_meet(fisher_net *net, void *ctx,
                              const fisher_count *r,
                              const fisher_count *split, double logw)
{
    fisher_meet_ctx *mc = ctx;
    fisher_stage *next = &net->stages[net->meet];
    fisher_count child[CONTINGENCY_FISHER_MAX_ROWS];
    const fisher_future *fu;
    size_t j, q, n_all, n_some;
    double room = net->threshold - logw;

    fisher_child_key(net->k, r, split, child);
    j = fisher_stage_find(net, next, child, 0);
    if (j == SIZE_MAX)
        return;
    fu = &net->futures[j];
    /* pasts 0..n_all-1 qualify with every completion; n_all..n_some-1
    ** with some; the rest with none */
    n_all = fisher_count_upto(mc->a, mc->np, room - fu->f[fu->n - 1]);
    n_some = fisher_count_upto(mc->a, mc->np, room - fu->f[0]);
    if (n_all > 0)
        contingency_sum_add(&net->p, exp(net->log_const + logw + mc->cum[n_all - 1] +
                                         fu->cum[fu->n - 1]));
    for (q = n_all; q < n_some; q++) {
        size_t m = fisher_count_upto(fu->f, fu->n, room - mc->a[q]);
        if (m > 0)
            contingency_sum_add(&net->p, exp(net->log_const + logw + mc->a[q] +
                                             mc->logmult[q] + fu->cum[m - 1]));
    }
    fisher_count_work(net, 2.0 + (double)(n_some - n_all) * log2((double)fu->n + 1.0));
}

static int fisher_cmp_past_logw(const void *x, const void *y)
{
    double a = ((const fisher_past *)x)->logw, b = ((const fisher_past *)y)->logw;

    return (a > b) - (a < b);
}

static void fisher_meet(fisher_net *net, fisher_pasts *cur, const size_t *start)
{
    fisher_stage *st = &net->stages[net->meet - 1];
    double *buf;
    size_t v, most = 0;

    for (v = 0; v < st->n; v++)
        if (start[v + 1] - start[v] > most)
            most = start[v + 1] - start[v];
    buf = onc_mallocarray(most ? 3 * most : 1, sizeof *buf);
    if (buf == NULL) {
        fisher_fail(net, ONC_ERR_NOMEM, "partial tables");
        return;
    }
    for (v = 0; v < st->n && net->status == ONC_OK; v++) {
        fisher_past *pv = cur->e + start[v];
        size_t np = start[v + 1] - start[v], q;
        fisher_meet_ctx mc;
        double acc = -INFINITY;

        if (np == 0)
            continue;
        qsort(pv, np, sizeof *pv, fisher_cmp_past_logw);
        mc.a = buf;
        mc.logmult = buf + np;
        mc.cum = buf + 2 * np;
        mc.np = np;
        for (q = 0; q < np; q++) {
            buf[q] = pv[q].logw;
            buf[np + q] = log(pv[q].mult);
            acc = contingency_log_add(acc, buf[np + q] + pv[q].logw);
            buf[2 * np + q] = acc;
        }
        fisher_splits(net, st->keys + v * net->k, net->cols[net->meet - 1],
                      fisher_visit_meet, &mc);
    }
    free(buf);
}

static void fisher_run(fisher_net *net)
{
    fisher_pasts cur, next;
    size_t s, v, *start = NULL;

    memset(&cur, 0, sizeof cur);
    memset(&next, 0, sizeof next);

    /* step 1 */
    for (s = 0; s < net->meet && net->status == ONC_OK; s++) {
        fisher_stage *st = &net->stages[s];
        for (v = 0; v < st->n && net->status == ONC_OK; v++)
            fisher_splits(net, st->keys + v * net->k, net->cols[s],
                          fisher_visit_key, &net->stages[s + 1]);
    }
    /* steps 2 and 3 */
    if (net->status == ONC_OK)
        fisher_build_futures(net);
    if (net->status == ONC_OK)
        fisher_bounds(net);
    if (net->status != ONC_OK)
        return;

    if (net->meet == 0) {       /* two columns: the root's completions */
        const fisher_future *fu = &net->futures[0];
        size_t m = fisher_count_upto(fu->f, fu->n, net->threshold);
        if (m > 0)
            contingency_sum_add(&net->p, exp(net->log_const + fu->cum[m - 1]));
        return;
    }

    /* step 4 */
    fisher_pasts_add(net, &cur, 0, 0.0, 1.0);
    for (s = 0; s + 1 < net->meet && net->status == ONC_OK; s++) {
        fisher_stage *st = &net->stages[s];
        start = fisher_pasts_group(net, &cur, st->n);
        if (start == NULL)
            break;
        for (v = 0; v < st->n && net->status == ONC_OK; v++) {
            fisher_forward_ctx fc;
            fc.stage = s + 1;
            fc.pasts = cur.e + start[v];
            fc.np = start[v + 1] - start[v];
            fc.out = &next;
            if (fc.np > 0)
                fisher_splits(net, st->keys + v * net->k, net->cols[s],
                              fisher_visit_forward, &fc);
        }
        free(start);
        start = NULL;
        fisher_pasts_free(net, &cur);
        cur = next;
        memset(&next, 0, sizeof next);
    }
    /* step 5 */
    if (net->status == ONC_OK) {
        start = fisher_pasts_group(net, &cur, net->stages[net->meet - 1].n);
        if (start != NULL)
            fisher_meet(net, &cur, start);
    }
    free(start);
    fisher_pasts_free(net, &cur);
    fisher_pasts_free(net, &next);
}

static void fisher_net_free(fisher_net *net)
{
    size_t s, v;

    if (net->stages != NULL) {
        for (s = 0; s <= net->meet; s++) {
            free(net->stages[s].keys);
            free(net->stages[s].lo);
            free(net->stages[s].hi);
            free(net->stages[s].slot);
        }
        if (net->futures != NULL)
            for (v = 0; v < net->stages[net->meet].n; v++) {
                free(net->futures[v].f);
                free(net->futures[v].cum);
            }
    }
    free(net->futures);
    free(net->stages);
    free(net->cols);
    free(net->lf);
    free(net->lf_cols_from);
}

static int fisher_cmp_count(const void *a, const void *b)
{
    fisher_count x = *(const fisher_count *)a, y = *(const fisher_count *)b;

    return (x > y) - (x < y);
}

/*
** r x c exact test on the table with its empty rows and columns removed.
** rows[i], cols[j]: margins; x(i, j) reads a cell of the reduced table.
*/
static onc_status contingency_fisher_rxc(const size_t *counts, size_t nrow,
                                         size_t ncol, size_t total,
                                         const onc_fisher_options *opt,
                                         onc_fisher_result *out, onc_error *err)
{
    fisher_net net;
    size_t *rs = NULL, *cs = NULL, *ri = NULL, *ci = NULL;
    size_t nr = 0, nc = 0, i, j, k, n_stage;
    int transpose;
    double obs = 0.0;
    onc_status st = ONC_OK;

    memset(&net, 0, sizeof net);
    net.err = err;
    net.max_paths = opt && opt->max_paths ? opt->max_paths : ONC_FISHER_DEFAULT_MAX_PATHS;
    net.max_work = opt && opt->max_work > 0.0 ? opt->max_work : ONC_FISHER_DEFAULT_MAX_WORK;

    rs = onc_callocarray(nrow, sizeof *rs);
    cs = onc_callocarray(ncol, sizeof *cs);
    ri = onc_mallocarray(nrow, sizeof *ri);
    ci = onc_mallocarray(ncol, sizeof *ci);
    if (rs == NULL || cs == NULL || ri == NULL || ci == NULL) {
        st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                           "out of memory for the exact test");
        goto cleanup;
    }
    for (i = 0; i < nrow; i++)
        for (j = 0; j < ncol; j++) {
            rs[i] += counts[i * ncol + j];
            cs[j] += counts[i * ncol + j];
        }
    for (i = 0; i < nrow; i++)
        if (rs[i] > 0)
            ri[nr++] = i;
    for (j = 0; j < ncol; j++)
        if (cs[j] > 0)
            ci[nc++] = j;
    out->nrow = nr;
    out->ncol = nc;
    if (nr < 2 || nc < 2) {
        out->p_value = 1.0;
        goto cleanup;
    }

    /* Rows index the node keys, columns the stages: keep the shorter
    ** dimension as rows. */
    transpose = nr > nc;
    k = transpose ? nc : nr;
    n_stage = transpose ? nr : nc;
    if (k > CONTINGENCY_FISHER_MAX_ROWS) {
        st = onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                           "exact test on a %zu x %zu table: at most %d rows "
                           "and columns in the smaller dimension", nr, nc,
                           CONTINGENCY_FISHER_MAX_ROWS);
        goto cleanup;
    }
    net.k = k;
    net.nc = n_stage;
    net.meet = n_stage - 2;
    net.lf = onc_mallocarray(total + 1, sizeof *net.lf);
    net.cols = onc_mallocarray(n_stage, sizeof *net.cols);
    net.lf_cols_from = onc_mallocarray(n_stage + 1, sizeof *net.lf_cols_from);
    net.stages = onc_callocarray(net.meet + 1, sizeof *net.stages);
    if (net.lf == NULL || net.cols == NULL || net.lf_cols_from == NULL ||
        net.stages == NULL) {
        st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                           "out of memory for the exact test");
        goto cleanup;
    }
    for (i = 0; i <= total; i++)
        net.lf[i] = gsl_sf_lnfact((unsigned)i);

    for (j = 0; j < n_stage; j++)
        net.cols[j] = (fisher_count)(transpose ? rs[ri[j]] : cs[ci[j]]);
    /* Largest columns last: they are the ones the meet enumerates, which
    ** leaves the fewest pasts to carry. */
    qsort(net.cols, n_stage, sizeof *net.cols, fisher_cmp_count);
    net.lf_cols_from[n_stage] = 0.0;
    for (j = n_stage; j-- > 0;)
        net.lf_cols_from[j] = net.lf_cols_from[j + 1] + net.lf[net.cols[j]];

    {
        fisher_count root[CONTINGENCY_FISHER_MAX_ROWS];
        net.log_const = net.lf_cols_from[0] - net.lf[total];
        for (i = 0; i < k; i++) {
            root[i] = (fisher_count)(transpose ? cs[ci[i]] : rs[ri[i]]);
            net.log_const += net.lf[root[i]];
        }
        fisher_sort_key(root, k);
        fisher_stage_find(&net, &net.stages[0], root, 1);
        if (net.status != ONC_OK) {
            st = net.status;
            goto cleanup;
        }
    }
    for (i = 0; i < nr; i++)
        for (j = 0; j < nc; j++)
            obs -= net.lf[counts[ri[i] * ncol + ci[j]]];
    net.threshold = obs + CONTINGENCY_FISHER_RXC_LOG_TOL;

    fisher_run(&net);
    out->work = net.work;
    if (net.status != ONC_OK) {
        st = net.status;
        goto cleanup;
    }
    out->p_value = fmin(1.0, net.p.s + net.p.c);

cleanup:
    fisher_net_free(&net);
    free(rs);
    free(cs);
    free(ri);
    free(ci);
    return st;
}

/*
** Fisher's exact test of independence in an r x c table.
** Method: the conditional distribution of the table given both margins
**   (Fisher 1935; Freeman & Halton, Biometrika 1951;38:141 for r x c);
**   2 x 2 as R's fisher.test, larger tables by the network algorithm
**   described above (Mehta & Patel 1983) with FEXACT's tolerance.
** Inputs: counts[nrow * ncol] row-major, nrow, ncol >= 2; opt (NULL =
**   defaults).
** Output: *out (P value, dimensions after dropping empty margins, work).
** Preconditions: total count <= 2^24.
*/
onc_status onc_contingency_fisher(const size_t *counts, size_t nrow,
                                  size_t ncol, const onc_fisher_options *opt,
                                  onc_fisher_result *out, onc_error *err)
{
    size_t i, cells, total = 0;
    onc_status st;

    if ((st = contingency_check_table(counts, nrow, ncol, err)) != ONC_OK)
        return st;
    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "no result structure given");
    memset(out, 0, sizeof *out);
    cells = nrow * ncol;
    for (i = 0; i < cells; i++) {
        if (counts[i] > CONTINGENCY_FISHER_MAX_TOTAL - total)
            return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                                 "exact test on more than %zu patients",
                                 CONTINGENCY_FISHER_MAX_TOTAL);
        total += counts[i];
    }
    /* fisher.test decides on the dimensions given, before dropping empty
    ** rows or columns; so do we. */
    if (nrow == 2 && ncol == 2) {
        out->nrow = out->ncol = 2;
        out->work = (double)total;
        return contingency_fisher_2x2(counts, &out->p_value, err);
    }
    return contingency_fisher_rxc(counts, nrow, ncol, total, opt, out, err);
}

/* ======================================================================
** Chi-square tests
** ====================================================================== */

/*
** Upper tail of the chi-square distribution, Q(df/2, x/2): the series for
** P when x/2 < df/2 + 1, else the continued fraction for Q (Numerical
** Recipes 3rd ed., section 6.2).  Written here rather than taken from GSL
** so that a failure is a NaN result, not a call to GSL's error handler
** (which aborts by default; see rates.c).
*/
static double contingency_chisq_upper(double x, double df)
{
    double a = df / 2.0, y = x / 2.0, log_pre;
    int i;

    if (!(x >= 0.0) || !(df > 0.0))
        return NAN;
    if (y == 0.0)
        return 1.0;
    if (isinf(y))
        return 0.0;
    log_pre = -y + a * log(y) - gsl_sf_lngamma(a);
    if (y < a + 1.0) {
        double term = 1.0 / a, sum = term, ap = a;
        for (i = 0; i < CONTINGENCY_GAMMA_MAX_ITER; i++) {
            ap += 1.0;
            term *= y / ap;
            sum += term;
            if (fabs(term) < fabs(sum) * DBL_EPSILON)
                return 1.0 - sum * exp(log_pre);
        }
        return NAN;
    } else {
        const double tiny = DBL_MIN / DBL_EPSILON;
        double b = y + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
        for (i = 1; i <= CONTINGENCY_GAMMA_MAX_ITER; i++) {
            double an = -i * (i - a), del;
            b += 2.0;
            d = an * d + b;
            if (fabs(d) < tiny)
                d = tiny;
            c = b + an / c;
            if (fabs(c) < tiny)
                c = tiny;
            d = 1.0 / d;
            del = d * c;
            h *= del;
            if (fabs(del - 1.0) <= DBL_EPSILON)
                return exp(log_pre) * h;
        }
        return NAN;
    }
}

/*
** Pearson's chi-square test of independence.
** Method: X2 = sum (|O - E| - Y)^2 / E, E = row total * column total / N,
**   df = (r - 1)(c - 1); Y = min(0.5, min |O - E|) for a 2 x 2 table when
**   yates is set (Yates 1934, as R's chisq.test), else 0.
** Inputs: counts[nrow * ncol] row-major; nrow, ncol >= 2.
** Output: *out.  NaN policy: a zero row or column total (or N = 0) makes
**   E = 0 somewhere; statistic and P are then NaN, as in R.
*/
onc_status onc_contingency_chisq(const size_t *counts, size_t nrow,
                                 size_t ncol, int yates,
                                 onc_chisq_result *out, onc_error *err)
{
    double *rs = NULL, *cs = NULL, n = 0.0, correction = 0.0, stat = 0.0;
    size_t i, j;
    onc_status st;

    if ((st = contingency_check_table(counts, nrow, ncol, err)) != ONC_OK)
        return st;
    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "no result structure given");
    rs = onc_callocarray(nrow, sizeof *rs);
    cs = onc_callocarray(ncol, sizeof *cs);
    if (rs == NULL || cs == NULL) {
        st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                           "out of memory for the chi-square test");
        goto cleanup;
    }
    for (i = 0; i < nrow; i++)
        for (j = 0; j < ncol; j++) {
            double x = (double)counts[i * ncol + j];
            rs[i] += x;
            cs[j] += x;
            n += x;
        }
    out->df = (double)(nrow - 1) * (double)(ncol - 1);
    out->yates = yates && nrow == 2 && ncol == 2;
    out->min_expected = INFINITY;
    out->n_expected_below_5 = 0;
    if (out->yates) {
        correction = 0.5;
        for (i = 0; i < nrow; i++)
            for (j = 0; j < ncol; j++) {
                double e = rs[i] * cs[j] / n;
                correction = fmin(correction, fabs((double)counts[i * ncol + j] - e));
            }
    }
    for (i = 0; i < nrow; i++)
        for (j = 0; j < ncol; j++) {
            double e = rs[i] * cs[j] / n;
            double dev = fabs((double)counts[i * ncol + j] - e) - correction;
            if (e < out->min_expected || isnan(e))
                out->min_expected = e;
            if (e < 5.0)
                out->n_expected_below_5++;
            stat += dev * dev / e;
        }
    if (!isfinite(stat)) {
        out->statistic = NAN;
        out->p_value = NAN;
    } else {
        out->statistic = stat;
        out->p_value = contingency_chisq_upper(stat, out->df);
    }

cleanup:
    free(rs);
    free(cs);
    return st;
}

/*
** Cochran-Armitage test for trend in proportions.
** Method: Armitage, Biometrics 1955;11:375; the form of R's
**   prop.trend.test (the regression sum of squares of x_i/n_i on the
**   scores with weights n_i / (p (1 - p))), which reduces to
**   X2 = (sum x_i (s_i - sbar))^2 / (p (1 - p) sum n_i (s_i - sbar)^2),
**   sbar = sum n_i s_i / N, p = sum x_i / N; 1 df.
** Inputs: events[k] <= n[k], scores[k] or NULL for 1..k; k >= 2.
** Output: *out.  NaN policy: p = 0, p = 1 or a zero denominator (equal
**   scores) give NaN statistic and P.
*/
onc_status onc_contingency_trend(const size_t *events, const size_t *n,
                                 const double *scores, size_t k,
                                 onc_trend_result *out, onc_error *err)
{
    double big_n = 0.0, x_all = 0.0, sbar = 0.0, num = 0.0, den = 0.0, p;
    size_t i;

    if (out == NULL || events == NULL || n == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "no counts or result structure given");
    if (k < 2)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "a trend test needs at least 2 groups, got %zu", k);
    for (i = 0; i < k; i++) {
        double s = scores ? scores[i] : (double)(i + 1);
        if (events[i] > n[i])
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "group %zu: %zu events among %zu patients",
                                 i + 1, events[i], n[i]);
        if (!isfinite(s))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "group %zu: score is not a finite number", i + 1);
        big_n += (double)n[i];
        x_all += (double)events[i];
        sbar += (double)n[i] * s;
    }
    out->df = 1.0;
    out->statistic = out->p_value = NAN;
    if (!(big_n > 0.0))
        return ONC_OK;
    sbar /= big_n;
    p = x_all / big_n;
    for (i = 0; i < k; i++) {
        double s = (scores ? scores[i] : (double)(i + 1)) - sbar;
        num += (double)events[i] * s;
        den += (double)n[i] * s * s;
    }
    den *= p * (1.0 - p);
    if (den > 0.0 && isfinite(den)) {
        out->statistic = num * num / den;
        out->p_value = contingency_chisq_upper(out->statistic, 1.0);
    }
    return ONC_OK;
}
