/*
** tally.c -- observations counted by (time, cell); see tally.h.
*/
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "stats/tally.h"

/* First table: 1024 slots of 32 bytes, within L1 and L2 caches. */
#define TALLY_FIRST_CAP 1024
/* Below this many observations sorting them costs next to nothing. */
#define TALLY_MIN_N 65536
/* Entries sorted at the end, and the table that holds them, stay small. */
#define TALLY_MAX_LIMIT ((size_t)1 << 18)

size_t onc_tally_limit(size_t n)
{
    size_t limit;

    if (n < TALLY_MIN_N)
        return 0;
    /* At most one entry per 16 observations: beyond that the hashing costs
    ** about as much as the sort it replaces. */
    limit = n / 16;
    return limit < TALLY_MAX_LIMIT ? limit : TALLY_MAX_LIMIT;
}

void onc_tally_init(onc_tally *t, size_t limit)
{
    memset(t, 0, sizeof *t);
    t->limit = limit;
}

void onc_tally_free(onc_tally *t)
{
    free(t->entries);
    memset(t, 0, sizeof *t);
}

/* The keys of whole-day times differ only in their high bits, so every
** bit of the key must reach the low bits that pick the slot: the
** splitmix64 finaliser. */
static size_t tally_slot(uint64_t key, uint32_t cell, size_t cap)
{
    uint64_t h = key ^ ((uint64_t)cell << 32 | cell) * 0x9E3779B97F4A7C15ULL;

    h ^= h >> 30;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBULL;
    h ^= h >> 31;
    return (size_t)(h & (cap - 1));
}

/* Double the table, re-inserting every entry. */
static int tally_grow(onc_tally *t)
{
    size_t cap = t->cap ? t->cap * 2 : TALLY_FIRST_CAP, i;
    onc_tally_entry *grown = onc_callocarray(cap, sizeof *grown);

    if (grown == NULL)
        return -1;
    for (i = 0; i < t->cap; i++) {
        const onc_tally_entry *e = &t->entries[i];
        size_t s;

        if (e->key == 0)
            continue;
        for (s = tally_slot(e->key, e->cell, cap); grown[s].key != 0;
             s = (s + 1) & (cap - 1))
            ;
        grown[s] = *e;
    }
    free(t->entries);
    t->entries = grown;
    t->cap = cap;
    return 0;
}

int onc_tally_add(onc_tally *t, uint64_t key, uint32_t cell, double event,
                  double censor)
{
    size_t s;

    if (t->cap == 0 && tally_grow(t) != 0)
        return -1;
    for (s = tally_slot(key, cell, t->cap);; s = (s + 1) & (t->cap - 1)) {
        onc_tally_entry *e = &t->entries[s];

        if (e->key == key && e->cell == cell) {
            e->event += event;
            e->censor += censor;
            return 0;
        }
        if (e->key == 0)
            break;
    }
    if (t->n == t->limit)
        return 1;
    /* Keep the table at most half full so that probes stay short. */
    if (2 * (t->n + 1) > t->cap) {
        if (tally_grow(t) != 0)
            return -1;
        for (s = tally_slot(key, cell, t->cap); t->entries[s].key != 0;
             s = (s + 1) & (t->cap - 1))
            ;
    }
    t->entries[s].key = key;
    t->entries[s].cell = cell;
    t->entries[s].event = event;
    t->entries[s].censor = censor;
    t->n++;
    return 0;
}

static int tally_compare(const void *pa, const void *pb)
{
    const onc_tally_entry *a = pa, *b = pb;

    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->cell < b->cell ? -1 : a->cell > b->cell;
}

void onc_tally_finish(onc_tally *t)
{
    size_t i, k = 0;

    if (t->entries == NULL)
        return;
    for (i = 0; i < t->cap; i++)
        if (t->entries[i].key != 0)
            t->entries[k++] = t->entries[i];
    qsort(t->entries, k, sizeof *t->entries, tally_compare);
}
