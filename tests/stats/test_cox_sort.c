/*
** test_cox_sort.c -- cox_sort_doubles, the two-thread sort behind the Cox
** model's orderings by time and by linear predictor.
**
** Reference: the definition -- a stable ascending order -- computed with
** qsort on (value, index) pairs.  Cases: sizes below and above the size at
** which the sort splits in two halves, many ties (ties across the split),
** negative values and -0.0, explicit payloads, one and two threads.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "stats/cox_internal.h"
#include "stats/sort.h"

typedef struct pair {
    double v;
    uint32_t i;
} pair;

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

static uint64_t state = 12345;

static double draw(int ties)
{
    uint64_t z = (state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    z ^= z >> 31;
    if (ties)
        return (double)(z % 1000) / 8 - 50;       /* 1000 values, exact */
    return ((double)(z >> 11) / 9007199254740992.0 - 0.3) * 1e3;
}

static void check(size_t n, int ties, int with_payload, int threads)
{
    double *v = malloc(n * sizeof *v);
    uint32_t *payload = with_payload ? malloc(n * sizeof *payload) : NULL;
    pair *ref = malloc(n * sizeof *ref);
    uint64_t *key = NULL;
    uint32_t *pay = NULL;
    size_t i, bad = 0;

    for (i = 0; i < n; i++) {
        v[i] = draw(ties);
        if (i % 97 == 0)
            v[i] = -0.0;                          /* equal to 0.0 */
        ref[i].v = v[i];
        ref[i].i = (uint32_t)i;
        if (payload)
            payload[i] = (uint32_t)(n - i);
    }
    qsort(ref, n, sizeof *ref, cmp_pair);
    CHECK(cox_sort_doubles(v, payload, n, threads, &key, &pay) == ONC_OK);
    for (i = 0; key != NULL && i < n; i++) {
        uint32_t want = payload ? payload[ref[i].i] : ref[i].i;
        if (pay[i] != want || key[i] != onc_sort_key(ref[i].v))
            bad++;
    }
    CHECK(key != NULL && bad == 0);
    if (bad)
        fprintf(stderr, "n %zu ties %d payload %d threads %d: %zu misplaced\n", n,
                ties, with_payload, threads, bad);
    free(v);
    free(payload);
    free(ref);
    free(key);
    free(pay);
}

int main(void)
{
    static const size_t sizes[] = {1, 2, 1000, 300001, 600000};
    size_t s;
    int ties, pl, th;

    harness_set_name("test_cox_sort");
    for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (ties = 0; ties < 2; ties++)
            for (pl = 0; pl < 2; pl++)
                for (th = 1; th <= 2; th++)
                    check(sizes[s], ties, pl, th);
    {
        uint64_t *key = NULL;
        uint32_t *pay = NULL;
        CHECK(cox_sort_doubles(NULL, NULL, 0, 1, &key, &pay) == ONC_OK);
        free(key);
        free(pay);
    }
    return harness_finish();
}
