/*
** stats/cox_sort.c -- the order of a large vector of doubles on two
** threads, for the Cox model's sorts by time and by linear predictor.
**
** Each half of the items is radix-sorted by stats/sort.c on its own thread,
** then the two sorted halves are merged, each thread writing one half of
** the output (the split point comes from a binary search, Odd-Even "merge
** path" style).  Ties keep the first half first, so with index payloads
** the order is stable, exactly as one sort of all items.  Below
** COX_SORT_SPLIT_MIN items, or with one thread, a single sort runs.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/internal.h"
#include "stats/cox_internal.h"
#include "stats/sort.h"

#define COX_SORT_SPLIT_MIN 262144

typedef struct cox_sort_half {
    const double *v;
    const uint32_t *payload;  /* NULL: the index */
    size_t lo, hi;
    onc_sorted s;
    int failed;
} cox_sort_half;

static void *cox_sort_half_run(void *arg)
{
    cox_sort_half *h = arg;
    size_t n = h->hi - h->lo, i;
    uint64_t first, varying = 0;
    uint32_t largest = 0;

    memset(&h->s, 0, sizeof h->s);
    if (n == 0)
        return NULL;
    first = onc_sort_key(h->v[h->lo]);
    for (i = h->lo; i < h->hi; i++) {
        uint32_t p = h->payload ? h->payload[i] : (uint32_t)i;
        varying |= onc_sort_key(h->v[i]) ^ first;
        if (p > largest)
            largest = p;
    }
    onc_sort_init(&h->s, n, first, varying, largest);
    if (onc_sort_alloc(&h->s) != 0) {
        h->failed = 1;
        return NULL;
    }
    for (i = h->lo; i < h->hi; i++)
        onc_sort_put(&h->s, i - h->lo, onc_sort_key(h->v[i]),
                     h->payload ? h->payload[i] : (uint32_t)i);
    onc_sort_run(&h->s);
    return NULL;
}

typedef struct cox_merge_job {
    const onc_sorted *a, *b;
    size_t na, nb;
    size_t ia, ib, out0, out1;    /* inputs from (ia, ib), outputs [out0, out1) */
    uint64_t *key;
    uint32_t *payload;
} cox_merge_job;

static void *cox_merge_run(void *arg)
{
    cox_merge_job *m = arg;
    size_t i = m->ia, j = m->ib, k;

    for (k = m->out0; k < m->out1; k++) {
        int take_a;
        if (i >= m->na)
            take_a = 0;
        else if (j >= m->nb)
            take_a = 1;
        else
            take_a = onc_sorted_key(m->a, i) <= onc_sorted_key(m->b, j);
        if (take_a) {
            m->key[k] = onc_sorted_key(m->a, i);
            m->payload[k] = onc_sorted_payload(m->a, i);
            i++;
        } else {
            m->key[k] = onc_sorted_key(m->b, j);
            m->payload[k] = onc_sorted_payload(m->b, j);
            j++;
        }
    }
    return NULL;
}

/* The number of items of a among the first k of the merge (a before b on
** equal keys). */
static size_t cox_merge_split(const onc_sorted *a, size_t na, const onc_sorted *b,
                              size_t nb, size_t k)
{
    size_t lo = k > nb ? k - nb : 0, hi = k < na ? k : na;

    /* the largest i in [lo, hi] with a[i-1] <= b[k-i] */
    while (lo < hi) {
        size_t i = lo + (hi - lo + 1) / 2;
        if (onc_sorted_key(a, i - 1) <= onc_sorted_key(b, k - i))
            lo = i;
        else
            hi = i - 1;
    }
    return lo;
}

onc_status cox_sort_doubles(const double *v, const uint32_t *payload, size_t n,
                            int n_threads, uint64_t **key_out,
                            uint32_t **payload_out)
{
    cox_sort_half half[2];
    cox_merge_job job[2];
    uint64_t *key = NULL;
    uint32_t *pay = NULL;
    pthread_t thread;
    size_t h, k, na, nb, ia;
    int threaded = 0, two;
    onc_status st = ONC_ERR_NOMEM;

    *key_out = NULL;
    *payload_out = NULL;
    memset(half, 0, sizeof half);
    if (n > ONC_SORT_MAX_N)
        return ONC_ERR_LIMIT;
    if (n_threads <= 0) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        n_threads = online > 0 ? (int)(online < 64 ? online : 64) : 1;
    }
    two = n >= COX_SORT_SPLIT_MIN && n_threads > 1;
    key = onc_mallocarray(n ? n : 1, sizeof *key);
    pay = onc_mallocarray(n ? n : 1, sizeof *pay);
    if (key == NULL || pay == NULL)
        goto cleanup;
    h = two ? n / 2 : n;
    half[0].v = half[1].v = v;
    half[0].payload = half[1].payload = payload;
    half[0].lo = 0;
    half[0].hi = h;
    half[1].lo = h;
    half[1].hi = n;
    if (two)
        threaded = pthread_create(&thread, NULL, cox_sort_half_run, &half[1]) == 0;
    cox_sort_half_run(&half[0]);
    if (threaded)
        pthread_join(thread, NULL);
    else
        cox_sort_half_run(&half[1]);
    if (half[0].failed || half[1].failed)
        goto cleanup;

    na = half[0].hi - half[0].lo;
    nb = half[1].hi - half[1].lo;
    for (k = 0; k < 2; k++) {
        job[k].a = &half[0].s;
        job[k].b = &half[1].s;
        job[k].na = na;
        job[k].nb = nb;
        job[k].key = key;
        job[k].payload = pay;
    }
    ia = two ? cox_merge_split(&half[0].s, na, &half[1].s, nb, n / 2) : na;
    job[0].ia = 0;
    job[0].ib = 0;
    job[0].out0 = 0;
    job[0].out1 = two ? n / 2 : n;
    job[1].ia = ia;
    job[1].ib = job[0].out1 - ia;
    job[1].out0 = job[0].out1;
    job[1].out1 = n;
    threaded = two && pthread_create(&thread, NULL, cox_merge_run, &job[1]) == 0;
    cox_merge_run(&job[0]);
    if (threaded)
        pthread_join(thread, NULL);
    else
        cox_merge_run(&job[1]);
    *key_out = key;
    *payload_out = pay;
    key = NULL;
    pay = NULL;
    st = ONC_OK;
cleanup:
    onc_sort_free(&half[0].s);
    onc_sort_free(&half[1].s);
    free(key);
    free(pay);
    return st;
}
