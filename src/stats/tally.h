/*
** stats/tally.h -- observations counted by (time, cell) (internal to the
** library).
**
** Kaplan-Meier curves and the log-rank family need, at each distinct time,
** only the weighted number of events and of censorings in each cell (a
** group, or a stratum and group).  Registry data have millions of rows but
** few distinct times (days of follow-up), so one pass that adds each
** observation to a small hash table of (time, cell) entries, followed by a
** sort of the entries alone, replaces sorting the rows.  When the data
** have too many distinct times for that to pay off the tally gives up and
** the caller sorts the rows instead (stats/sort.h).
**
** Use:
**     onc_tally t;
**     onc_tally_init(&t, limit);
**     for each observation: rc = onc_tally_add(&t, onc_sort_key(time),
**                                              cell, event_w, censor_w);
**         rc 1: more than `limit` entries, fall back; -1: out of memory
**     onc_tally_finish(&t);      n entries sorted by (key, cell)
**     t.entries[0 .. t.n)
**     onc_tally_free(&t);
*/
#ifndef ONC_STATS_TALLY_H
#define ONC_STATS_TALLY_H

#include <stddef.h>
#include <stdint.h>

typedef struct onc_tally_entry {
    uint64_t key;        /* onc_sort_key of the time; 0 = empty slot */
    double event;        /* weight of the observations with status 1 */
    double censor;       /* weight of those with status 0 */
    uint32_t cell;
} onc_tally_entry;

typedef struct onc_tally {
    size_t n;                   /* entries in use */
    size_t cap;                 /* slots, a power of two */
    size_t limit;               /* most entries before giving up */
    onc_tally_entry *entries;   /* the table; after finish, n sorted entries */
} onc_tally;

/* Start an empty tally that accepts at most `limit` entries. */
void onc_tally_init(onc_tally *t, size_t limit);

/* Add weights to the entry (key, cell); key must not be 0 (no double maps
** to 0, see onc_sort_key).  0 on success, 1 when the limit was passed
** (the tally is then unusable), -1 when out of memory. */
int onc_tally_add(onc_tally *t, uint64_t key, uint32_t cell, double event,
                  double censor);

/* Pack the entries to the front, sorted by key then cell. */
void onc_tally_finish(onc_tally *t);

/* Release the table; accepts a zeroed or freed struct. */
void onc_tally_free(onc_tally *t);

/* The limit worth trying for n observations: 0 (do not tally) when n is
** small enough to sort at once, else a bound that keeps the table small
** next to the rows it replaces. */
size_t onc_tally_limit(size_t n);

#endif
