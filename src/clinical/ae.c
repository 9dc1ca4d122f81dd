/*
** ae.c -- adverse events by arm and worst CTCAE grade (see oncostat/ae.h).
**
** Everything is done by sorting, so the cost is O(n log n) in the number of
** events and patients whatever the number of terms or arms.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/ae.h"
#include "core/internal.h"

#define AE_ANY_TERM "Any adverse event"

typedef struct ae_patient_key {
    const char *id;
    size_t index;           /* position in the patient list */
} ae_patient_key;

typedef struct ae_event_key {
    const char *term;
    size_t patient;         /* position in the patient list */
    size_t event;           /* position in the event list */
} ae_event_key;

/* The row to name in messages: the source row, else the record's position. */
static size_t ae_row(size_t source_row, size_t index)
{
    return source_row ? source_row : index + 1;
}

static int ae_missing(const char *s)
{
    if (s == NULL)
        return 1;
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '\0';
}

static int ae_cmp_patient(const void *a, const void *b)
{
    const ae_patient_key *x = a, *y = b;
    int c = strcmp(x->id, y->id);

    if (c != 0)
        return c;
    return (x->index > y->index) - (x->index < y->index);
}

/* Equal strings; callers that map a text column usually pass the same
** pointer for the same term, which saves most comparisons. */
static int ae_same(const char *x, const char *y)
{
    return x == y || strcmp(x, y) == 0;
}

static int ae_cmp_event(const void *a, const void *b)
{
    const ae_event_key *x = a, *y = b;
    int c = x->term == y->term ? 0 : strcmp(x->term, y->term);

    if (c != 0)
        return c;
    if (x->patient != y->patient)
        return (x->patient > y->patient) - (x->patient < y->patient);
    return (x->event > y->event) - (x->event < y->event);
}

static int ae_cmp_row(const void *a, const void *b)
{
    const onc_ae_row *x = a, *y = b;

    if (x->total.any_grade != y->total.any_grade)
        return x->total.any_grade < y->total.any_grade ? 1 : -1;
    if (x->total.grade3_plus != y->total.grade3_plus)
        return x->total.grade3_plus < y->total.grade3_plus ? 1 : -1;
    return strcmp(x->term, y->term);
}

static int ae_cmp_death(const void *a, const void *b)
{
    const onc_ae_death *x = a, *y = b;

    if (x->arm != y->arm)
        return (x->arm > y->arm) - (x->arm < y->arm);
    if (isnan(x->day) != isnan(y->day))
        return isnan(x->day) ? 1 : -1;
    if (!isnan(x->day) && x->day != y->day)
        return (x->day > y->day) - (x->day < y->day);
    return strcmp(x->patient, y->patient);
}

static void ae_finish_count(onc_ae_count *c, size_t denominator)
{
    c->any_grade = c->by_grade[0] + c->by_grade[1] + c->by_grade[2] +
                   c->by_grade[3] + c->by_grade[4];
    c->grade3_plus = c->by_grade[2] + c->by_grade[3] + c->by_grade[4];
    c->pct_any = denominator ? 100.0 * (double)c->any_grade / (double)denominator : NAN;
    c->pct_grade3_plus =
        denominator ? 100.0 * (double)c->grade3_plus / (double)denominator : NAN;
}

static void ae_row_free(onc_ae_row *row)
{
    free(row->term);
    free(row->soc);
    free(row->arms);
}

void onc_ae_free(onc_ae_table *table)
{
    size_t i;

    if (table == NULL)
        return;
    for (i = 0; i < table->n_arms && table->arms != NULL; i++)
        free(table->arms[i]);
    free(table->arms);
    free(table->arm_size);
    ae_row_free(&table->any);
    for (i = 0; i < table->n_rows && table->rows != NULL; i++)
        ae_row_free(&table->rows[i]);
    free(table->rows);
    for (i = 0; i < table->n_grade5 && table->grade5 != NULL; i++) {
        free(table->grade5[i].patient);
        free(table->grade5[i].term);
    }
    free(table->grade5);
    free(table);
}

/* Position in the patient list of identifier `id`, or SIZE_MAX; pk is
** sorted by identifier and has no duplicates. */
static size_t ae_find_patient(const ae_patient_key *pk, size_t n, const char *id)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(pk[mid].id, id);
        if (c == 0)
            return pk[mid].index;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

typedef struct ae_group {
    size_t first;           /* earliest position of the arm in the list */
    size_t group;           /* the arm's rank in name order */
} ae_group;

static int ae_cmp_group(const void *a, const void *b)
{
    const ae_group *x = a, *y = b;

    return (x->first > y->first) - (x->first < y->first);
}

/* Number the arms in order of first appearance; arm_of[i] = patient i's. */
static onc_status ae_assign_arms(onc_ae_table *t, const onc_ae_patient *patients,
                                 size_t n_patients, size_t *arm_of,
                                 onc_error *err)
{
    ae_patient_key *by_arm = onc_mallocarray(n_patients, sizeof *by_arm);
    ae_group *groups = onc_mallocarray(n_patients, sizeof *groups);
    size_t *rank = onc_mallocarray(n_patients, sizeof *rank);
    size_t i, g, n_groups = 0;
    onc_status st = ONC_OK;

    if (by_arm == NULL || groups == NULL || rank == NULL)
        goto nomem;
    for (i = 0; i < n_patients; i++) {
        by_arm[i].id = patients[i].arm;
        by_arm[i].index = i;
    }
    /* by name, ties by position: a group's first entry is its first
    ** appearance */
    qsort(by_arm, n_patients, sizeof *by_arm, ae_cmp_patient);
    for (i = 0; i < n_patients; i++)
        if (i == 0 || strcmp(by_arm[i].id, by_arm[i - 1].id) != 0) {
            groups[n_groups].first = by_arm[i].index;
            groups[n_groups].group = n_groups;
            n_groups++;
        }
    qsort(groups, n_groups, sizeof *groups, ae_cmp_group);
    t->arms = onc_callocarray(n_groups, sizeof *t->arms);
    t->arm_size = onc_callocarray(n_groups, sizeof *t->arm_size);
    if (t->arms == NULL || t->arm_size == NULL)
        goto nomem;
    t->n_arms = n_groups;
    for (g = 0; g < n_groups; g++) {
        rank[groups[g].group] = g;
        t->arms[g] = onc_strdup(patients[groups[g].first].arm);
        if (t->arms[g] == NULL)
            goto nomem;
    }
    for (i = 0, g = 0; i < n_patients; i++) {
        if (i > 0 && strcmp(by_arm[i].id, by_arm[i - 1].id) != 0)
            g++;
        arm_of[by_arm[i].index] = rank[g];
        t->arm_size[rank[g]]++;
    }
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "out of memory for %zu patients", n_patients);
cleanup:
    free(by_arm);
    free(groups);
    free(rank);
    return st;
}

/* Count each patient of events key[a..b) (one term, sorted by patient) at
** their worst grade. */
static void ae_count_term(onc_ae_row *row, const ae_event_key *key, size_t a,
                          size_t b, const onc_ae_event *events,
                          const size_t *arm_of)
{
    size_t i = a;

    while (i < b) {
        size_t p = key[i].patient;
        int worst = 0;
        for (; i < b && key[i].patient == p; i++)
            if (events[key[i].event].grade > worst)
                worst = events[key[i].event].grade;
        row->arms[arm_of[p]].by_grade[worst - 1]++;
        row->total.by_grade[worst - 1]++;
    }
}

/* The SOC of the term's events key[a..b): all that are given must agree. */
static onc_status ae_term_soc(onc_ae_row *row, const ae_event_key *key,
                              size_t a, size_t b, const onc_ae_event *events,
                              onc_error *err)
{
    size_t i, first = SIZE_MAX;

    for (i = a; i < b; i++) {
        const onc_ae_event *ev = &events[key[i].event];
        if (ae_missing(ev->soc))
            continue;
        if (first == SIZE_MAX) {
            first = key[i].event;
            continue;
        }
        if (!ae_same(ev->soc, events[first].soc))
            return onc_error_set(err, ONC_ERR_DATA, NULL,
                                 ae_row(ev->source_row, key[i].event), 0, "soc",
                                 "term '%s' is filed under '%s' here but under "
                                 "'%s' at row %zu", row->term, ev->soc,
                                 events[first].soc,
                                 ae_row(events[first].source_row, first));
    }
    if (first != SIZE_MAX) {
        row->soc = onc_strdup(events[first].soc);
        if (row->soc == NULL)
            return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                                 "out of memory");
    }
    return ONC_OK;
}

/*
** Adverse-event table by arm and worst grade.
** Method: per term, each patient counted once at the maximum grade of their
**   events with that term; the "any" row takes the maximum over all terms.
**   pct = 100 * patients / arm size.
** Inputs: events[n_events], patients[n_patients] (see oncostat/ae.h).
** Output: *out, owned by the caller (onc_ae_free).
** Preconditions: n_patients >= 1.  NaN policy: an unknown onset day (NaN)
**   is allowed and only orders the grade-5 list.
*/
onc_status onc_ae_tabulate(const onc_ae_event *events, size_t n_events,
                           const onc_ae_patient *patients, size_t n_patients,
                           onc_ae_table **out, onc_error *err)
{
    onc_ae_table *t = NULL;
    ae_patient_key *pk = NULL;
    ae_event_key *ek = NULL;
    size_t *arm_of = NULL, *term_start = NULL, i, a, n_terms = 0, n5 = 0;
    int *worst = NULL;
    onc_status st = ONC_OK;

    if (out == NULL || patients == NULL || (events == NULL && n_events > 0))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "missing events, patients or result pointer");
    *out = NULL;
    if (n_patients == 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "the patient list is empty");

    t = calloc(1, sizeof *t);
    pk = onc_mallocarray(n_patients, sizeof *pk);
    arm_of = onc_mallocarray(n_patients, sizeof *arm_of);
    worst = onc_callocarray(n_patients, sizeof *worst);
    ek = onc_mallocarray(n_events ? n_events : 1, sizeof *ek);
    if (t == NULL || pk == NULL || arm_of == NULL || worst == NULL || ek == NULL)
        goto nomem;
    t->n_patients = n_patients;

    /* patients: identifiers present and unique, arms present */
    for (i = 0; i < n_patients; i++) {
        const onc_ae_patient *p = &patients[i];
        if (ae_missing(p->patient)) {
            st = onc_error_set(err, ONC_ERR_DATA, NULL, ae_row(p->source_row, i),
                               0, "patient", "patient identifier is missing");
            goto cleanup;
        }
        if (ae_missing(p->arm)) {
            st = onc_error_set(err, ONC_ERR_DATA, NULL, ae_row(p->source_row, i),
                               0, "arm", "patient '%s' has no arm", p->patient);
            goto cleanup;
        }
        pk[i].id = p->patient;
        pk[i].index = i;
    }
    qsort(pk, n_patients, sizeof *pk, ae_cmp_patient);
    for (i = 1; i < n_patients; i++)
        if (strcmp(pk[i].id, pk[i - 1].id) == 0) {
            const onc_ae_patient *p = &patients[pk[i].index];
            st = onc_error_set(err, ONC_ERR_DATA, NULL,
                               ae_row(p->source_row, pk[i].index), 0, "patient",
                               "patient '%s' is listed twice (also at row %zu)",
                               p->patient,
                               ae_row(patients[pk[i - 1].index].source_row,
                                      pk[i - 1].index));
            goto cleanup;
        }
    if ((st = ae_assign_arms(t, patients, n_patients, arm_of, err)) != ONC_OK)
        goto cleanup;

    /* events: valid, and for a known patient */
    for (i = 0; i < n_events; i++) {
        const onc_ae_event *ev = &events[i];
        size_t row = ae_row(ev->source_row, i), hit;
        if (ae_missing(ev->term)) {
            st = onc_error_set(err, ONC_ERR_DATA, NULL, row, 0, "term",
                               "adverse event term is missing");
            goto cleanup;
        }
        if (ev->grade < 1 || ev->grade > 5) {
            st = onc_error_set(err, ONC_ERR_DATA, NULL, row, 0, "grade",
                               "grade %d of '%s' is outside CTCAE grades 1-5",
                               ev->grade, ev->term);
            goto cleanup;
        }
        if (ae_missing(ev->patient)) {
            st = onc_error_set(err, ONC_ERR_DATA, NULL, row, 0, "patient",
                               "patient identifier is missing");
            goto cleanup;
        }
        hit = ae_find_patient(pk, n_patients, ev->patient);
        if (hit == SIZE_MAX) {
            st = onc_error_set(err, ONC_ERR_DATA, NULL, row, 0, "patient",
                               "patient '%s' has an adverse event but is not "
                               "in the patient list", ev->patient);
            goto cleanup;
        }
        ek[i].term = ev->term;
        ek[i].patient = hit;
        ek[i].event = i;
        if (ev->grade > worst[hit])
            worst[hit] = ev->grade;
        if (ev->grade == 5)
            n5++;
    }

    /* any adverse event */
    t->any.term = onc_strdup(AE_ANY_TERM);
    t->any.arms = onc_callocarray(t->n_arms, sizeof *t->any.arms);
    if (t->any.term == NULL || t->any.arms == NULL)
        goto nomem;
    for (i = 0; i < n_patients; i++)
        if (worst[i] > 0) {
            t->any.arms[arm_of[i]].by_grade[worst[i] - 1]++;
            t->any.total.by_grade[worst[i] - 1]++;
        }

    /* one row per term */
    qsort(ek, n_events, sizeof *ek, ae_cmp_event);
    for (i = 0; i < n_events; i++)
        if (i == 0 || !ae_same(ek[i].term, ek[i - 1].term))
            n_terms++;
    term_start = onc_mallocarray(n_terms + 1, sizeof *term_start);
    t->rows = onc_callocarray(n_terms, sizeof *t->rows);
    if (term_start == NULL || t->rows == NULL)
        goto nomem;
    for (i = 0, a = 0; i < n_events; i++)
        if (i == 0 || !ae_same(ek[i].term, ek[i - 1].term))
            term_start[a++] = i;
    term_start[n_terms] = n_events;
    for (a = 0; a < n_terms; a++) {
        onc_ae_row *row = &t->rows[a];
        t->n_rows = a + 1;
        row->term = onc_strdup(ek[term_start[a]].term);
        row->arms = onc_callocarray(t->n_arms, sizeof *row->arms);
        if (row->term == NULL || row->arms == NULL)
            goto nomem;
        if ((st = ae_term_soc(row, ek, term_start[a], term_start[a + 1], events,
                              err)) != ONC_OK)
            goto cleanup;
        ae_count_term(row, ek, term_start[a], term_start[a + 1], events, arm_of);
    }

    /* percentages, then order */
    for (a = 0; a <= n_terms; a++) {
        onc_ae_row *row = a < n_terms ? &t->rows[a] : &t->any;
        size_t g;
        for (g = 0; g < t->n_arms; g++)
            ae_finish_count(&row->arms[g], t->arm_size[g]);
        ae_finish_count(&row->total, n_patients);
    }
    qsort(t->rows, t->n_rows, sizeof *t->rows, ae_cmp_row);

    /* fatal events */
    t->grade5 = onc_callocarray(n5, sizeof *t->grade5);
    if (t->grade5 == NULL)
        goto nomem;
    for (i = 0; i < n_events; i++) {
        const onc_ae_event *ev = &events[i];
        onc_ae_death *d;
        if (ev->grade != 5)
            continue;
        d = &t->grade5[t->n_grade5++];
        d->patient = onc_strdup(ev->patient);
        d->term = onc_strdup(ev->term);
        d->day = ev->day;
        d->source_row = ev->source_row;
        d->arm = arm_of[ae_find_patient(pk, n_patients, ev->patient)];
        if (d->patient == NULL || d->term == NULL)
            goto nomem;
    }
    qsort(t->grade5, t->n_grade5, sizeof *t->grade5, ae_cmp_death);
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "out of memory for the adverse-event table");
cleanup:
    free(pk);
    free(ek);
    free(arm_of);
    free(worst);
    free(term_start);
    if (st != ONC_OK)
        onc_ae_free(t);
    else
        *out = t;
    return st;
}
