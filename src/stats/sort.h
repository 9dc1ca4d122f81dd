/*
** stats/sort.h -- ordering observations by time (internal to the library).
**
** Kaplan-Meier curves and the log-rank family walk the data once in time
** order.  Sorting is the only super-linear step, so it is done with a
** stable least-significant-digit radix sort on the IEEE-754 bits of the
** times: a few passes over contiguous arrays and no comparisons.
**
** Each time travels with a 32-bit payload chosen by the caller: the
** observation's index, or the group code and event flag packed together so
** that the consumer never reads the input arrays in random order.  Only the
** bits in which the keys differ are sorted.  Times recorded in whole days
** differ in about 25 of their 64 bits; then key and payload share one
** 64-bit word, which halves the memory traffic of every pass.  Otherwise
** keys and payloads are sorted as two parallel arrays.
**
** Use:
**     onc_sorted s;
**     onc_sort_init(&s, n, first_key, varying_bits, largest_payload);
**     if (onc_sort_alloc(&s) != 0) -> out of memory
**     for (i...) onc_sort_put(&s, i, onc_sort_key(time[i]), payload);
**     onc_sort_run(&s);
**     for (i...) onc_sorted_key(&s, i), onc_sorted_payload(&s, i)
**     onc_sort_free(&s);
**
** Ties keep their input order when the payload is the index, and are in
** payload order otherwise; consumers treat all observations sharing a time
** as one block, so the order inside a block never affects a result.
*/
#ifndef ONC_STATS_SORT_H
#define ONC_STATS_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Largest number of observations the sort accepts: payloads are 32 bits. */
#define ONC_SORT_MAX_N ((size_t)UINT32_MAX)

/*
** An unsigned key that orders like the double x: a < b exactly when
** key(a) < key(b), and equal doubles give equal keys (-0.0 and 0.0 map to
** the same key).  x must not be NaN.
*/
uint64_t onc_sort_key(double x);

/* The double a key was made from (0.0 for a key made from -0.0). */
double onc_sort_key_value(uint64_t key);

typedef struct onc_sorted {
    size_t n;
    uint64_t base;          /* the bits every key shares, others zero */
    unsigned low;           /* lowest bit in which keys differ */
    unsigned width;         /* bits from `low` to the highest differing one */
    unsigned payload_bits;  /* payload width in the one-word layout */
    int one_word;           /* key bits and payload share a 64-bit word;
                            ** then 1 <= payload_bits and width <= 63 */
    uint64_t *words;        /* 2n: one-word layout, second half scratch */
    uint64_t *keys;         /* 2n: two-array layout */
    uint32_t *payloads;     /* 2n: two-array layout */
    size_t *count;          /* digit histograms */
    const uint64_t *w;      /* the sorted half, after onc_sort_run */
    const uint64_t *k;
    const uint32_t *p;
} onc_sorted;

/*
** Plan a sort of n items.  first_key is the key of any one item and
** varying the OR of (key ^ first_key) over all items; largest_payload the
** largest payload that will be stored.
*/
void onc_sort_init(onc_sorted *s, size_t n, uint64_t first_key,
                   uint64_t varying, uint32_t largest_payload);

/* Allocate the buffers (2n words, or 2n keys and 2n payloads); 0, or -1
** when out of memory (release with onc_sort_free either way). */
int onc_sort_alloc(onc_sorted *s);

/* Store item i; the key must be one that the plan's `varying` covers. */
static inline void onc_sort_put(onc_sorted *s, size_t i, uint64_t key,
                                uint32_t payload)
{
    if (s->one_word) {
        uint64_t field = (key >> s->low) & (((uint64_t)1 << s->width) - 1);
        s->words[i] = (field << s->payload_bits) | (uint64_t)payload;
    } else {
        s->keys[i] = key;
        s->payloads[i] = payload;
    }
}

/* Sort the n stored items by key, ascending.  Never fails. */
void onc_sort_run(onc_sorted *s);

/* The key and payload of the i-th item in sorted order. */
static inline uint64_t onc_sorted_key(const onc_sorted *s, size_t i)
{
    if (s->one_word)
        return s->base | ((s->w[i] >> s->payload_bits) << s->low);
    return s->k[i];
}

static inline uint32_t onc_sorted_payload(const onc_sorted *s, size_t i)
{
    if (s->one_word)
        return (uint32_t)(s->w[i] & (((uint64_t)1 << s->payload_bits) - 1));
    return s->p[i];
}

/* Release the buffers; accepts a zeroed or freed struct. */
void onc_sort_free(onc_sorted *s);

#endif
