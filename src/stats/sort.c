/*
** sort.c -- stable LSD radix sort of observations by time; see sort.h.
*/
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "stats/sort.h"

#define SORT_SIGN_BIT ((uint64_t)1 << 63)
/* 11-bit digits: 2048 buckets keep a histogram in L1 and cover the ~25
** varying bits of day-resolution times in three passes instead of four. */
#define SORT_DIGIT_BITS 11
#define SORT_BUCKETS (1u << SORT_DIGIT_BITS)
#define SORT_MAX_DIGITS ((64 + SORT_DIGIT_BITS - 1) / SORT_DIGIT_BITS)

uint64_t onc_sort_key(double x)
{
    uint64_t bits;

    /* -0.0 == 0.0 numerically, so they must share a key. */
    if (x == 0.0)
        x = 0.0;
    memcpy(&bits, &x, sizeof bits);
    /* Positive doubles order like their bit patterns once the sign bit is
    ** set; negative ones order in reverse, so all their bits are flipped. */
    return (bits & SORT_SIGN_BIT) ? ~bits : bits | SORT_SIGN_BIT;
}

double onc_sort_key_value(uint64_t key)
{
    uint64_t bits = (key & SORT_SIGN_BIT) ? key & ~SORT_SIGN_BIT : ~key;
    double x;

    memcpy(&x, &bits, sizeof x);
    return x;
}

static unsigned sort_bit_length(uint64_t v)
{
    unsigned b = 0;

    while (v != 0) {
        b++;
        v >>= 1;
    }
    return b;
}

void onc_sort_init(onc_sorted *s, size_t n, uint64_t first_key,
                   uint64_t varying, uint32_t largest_payload)
{
    uint64_t range;

    memset(s, 0, sizeof *s);
    s->n = n;
    if (varying != 0) {
        unsigned low = 0;
        while (!((varying >> low) & 1))
            low++;
        s->low = low;
        s->width = sort_bit_length(varying) - low;
    }
    range = s->width == 64 ? ~(uint64_t)0
                           : (((uint64_t)1 << s->width) - 1) << s->low;
    s->base = first_key & ~range;
    s->payload_bits = sort_bit_length(largest_payload);
    if (s->payload_bits == 0)
        s->payload_bits = 1;
    s->one_word = s->width + s->payload_bits <= 64;
}

int onc_sort_alloc(onc_sorted *s)
{
    s->count = onc_mallocarray((size_t)SORT_MAX_DIGITS * SORT_BUCKETS,
                               sizeof *s->count);
    if (s->count == NULL)
        return -1;
    if (s->one_word) {
        s->words = onc_mallocarray(s->n, 2 * sizeof *s->words);
        return s->words == NULL ? -1 : 0;
    }
    s->keys = onc_mallocarray(s->n, 2 * sizeof *s->keys);
    s->payloads = onc_mallocarray(s->n, 2 * sizeof *s->payloads);
    return s->keys == NULL || s->payloads == NULL ? -1 : 0;
}

void onc_sort_free(onc_sorted *s)
{
    free(s->words);
    free(s->keys);
    free(s->payloads);
    free(s->count);
    s->count = NULL;
    s->words = s->keys = NULL;
    s->payloads = NULL;
    s->w = s->k = NULL;
    s->p = NULL;
}

/*
** LSD radix sort of a[0..n) by bits [shift, shift + width), digits of
** SORT_DIGIT_BITS; payload (may be NULL) moves with its word.  The
** histograms of all digits (count: SORT_MAX_DIGITS x SORT_BUCKETS) are
** filled in one read.  Returns 1 when the result is in tmp, 0 when in a.
*/
static int sort_words(size_t n, uint64_t *a, uint32_t *pa, uint64_t *tmp,
                      uint32_t *ptmp, unsigned shift, unsigned width,
                      size_t *count)
{
    unsigned n_digits = (width + SORT_DIGIT_BITS - 1) / SORT_DIGIT_BITS, d;
    uint64_t *src = a, *dst = tmp;
    uint32_t *psrc = pa, *pdst = ptmp;
    const uint64_t mask = SORT_BUCKETS - 1;
    int in_tmp = 0;
    size_t i;

    if (n < 2 || n_digits == 0)
        return 0;
    memset(count, 0, (size_t)n_digits * SORT_BUCKETS * sizeof *count);
    for (i = 0; i < n; i++) {
        uint64_t v = src[i] >> shift;
        for (d = 0; d < n_digits; d++)
            count[d * SORT_BUCKETS + ((v >> (d * SORT_DIGIT_BITS)) & mask)]++;
    }
    for (d = 0; d < n_digits; d++) {
        size_t *c = count + (size_t)d * SORT_BUCKETS, sum = 0;
        unsigned sh = shift + d * SORT_DIGIT_BITS;
        int constant = 0;
        uint64_t *t;
        uint32_t *pt;

        for (i = 0; i < SORT_BUCKETS; i++) {
            size_t k = c[i];
            if (k == n)
                constant = 1;
            c[i] = sum;
            sum += k;
        }
        /* Every word has the same digit: the pass would move nothing. */
        if (constant)
            continue;
        if (psrc != NULL) {
            for (i = 0; i < n; i++) {
                size_t to = c[(src[i] >> sh) & mask]++;
                dst[to] = src[i];
                pdst[to] = psrc[i];
            }
        } else {
            for (i = 0; i < n; i++)
                dst[c[(src[i] >> sh) & mask]++] = src[i];
        }
        t = src; src = dst; dst = t;
        pt = psrc; psrc = pdst; pdst = pt;
        in_tmp = !in_tmp;
    }
    return in_tmp;
}

void onc_sort_run(onc_sorted *s)
{
    if (s->one_word) {
        int in_tmp = sort_words(s->n, s->words, NULL, s->words + s->n, NULL,
                                s->payload_bits, s->width, s->count);
        s->w = in_tmp ? s->words + s->n : s->words;
    } else {
        int in_tmp = sort_words(s->n, s->keys, s->payloads, s->keys + s->n,
                                s->payloads + s->n, s->low, s->width,
                                s->count);
        s->k = in_tmp ? s->keys + s->n : s->keys;
        s->p = in_tmp ? s->payloads + s->n : s->payloads;
    }
}
