/*
** ae_frame.c -- adverse events and the patient list from two data frames
** (see onc_ae_data_from_frames in oncostat/ae.h).
**
** The joins and checks that need both files are made here, where the file
** names and column names are known, so that every message can say
** "events.csv: row 14, column 'grade': ..." or name the patient file.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oncostat/ae.h"
#include "clinical/frame_text.h"
#include "core/internal.h"

enum { AF_PATIENT, AF_TERM, AF_SOC, AF_GRADE, AF_DAY, AF_ARM, AF_N };

static const char *const ae_role[AF_N] = {
    "patient identifier", "adverse event term", "system organ class",
    "CTCAE grade", "onset day or date", "arm"};

typedef struct ae_id {
    const char *id;
    size_t row;             /* 1-based row in the patients frame */
    size_t index;           /* position in data->patients, or SIZE_MAX when
                               the patient was left out */
} ae_id;

static int ae_cmp_id(const void *a, const void *b)
{
    const ae_id *x = a, *y = b;
    int c = strcmp(x->id, y->id);

    if (c != 0)
        return c;
    return (x->row > y->row) - (x->row < y->row);
}

/* The first entry of ids[0..n) (sorted) with identifier id, or NULL. */
static const ae_id *ae_find(const ae_id *ids, size_t n, const char *id)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ids[mid].id, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(ids[lo].id, id) == 0 ? &ids[lo] : NULL;
}

void onc_ae_data_free(onc_ae_data *data)
{
    size_t f;

    if (data == NULL)
        return;
    free(data->events);
    free(data->patients);
    free(data->events_source);
    free(data->patients_source);
    for (f = 0; f < AF_N; f++)
        free(data->columns[f]);
    free(data->text);
    free(data);
}

static onc_status ae_no_column(const onc_frame *df, const char *name, size_t f,
                               onc_error *err)
{
    char list[512];
    size_t used = 0, j;

    list[0] = '\0';
    for (j = 0; j < df->n_cols && j < 16 && used < sizeof list; j++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s'%s'",
                                 j ? ", " : "", df->cols[j].name);
    if (df->n_cols > 16 && used < sizeof list)
        snprintf(list + used, sizeof list - used, " and %zu more", df->n_cols - 16);
    return onc_error_set(err, ONC_ERR_USAGE, df->source, 0, 0, NULL,
                         "no column '%s' for the %s; the columns are %s", name,
                         ae_role[f], list);
}

static int ae_empty_logical(const onc_column *c, size_t n)
{
    size_t i;

    if (c->type != ONC_COL_LOGICAL)
        return 0;
    for (i = 0; i < n; i++)
        if (!isnan(c->num[i]))
            return 0;
    return 1;
}

/* A CTCAE grade from a text: "3", "Grade 3", "grade3", "G3"; 0 if none. */
static int ae_grade_text(const char *s)
{
    double v;
    size_t len;

    while (*s == ' ' || *s == '\t')
        s++;
    if (strncasecmp(s, "grade", 5) == 0)
        s += 5;
    else if (*s == 'g' || *s == 'G')
        s++;
    len = strlen(s);
    if (onc_parse_double(s, len, '.', &v) != 0 || v != floor(v) || v < 1.0 || v > 5.0)
        return 0;
    return (int)v;
}

/* Grades of the levels of a text grade column (0 = not a grade). */
static int *ae_grade_map(const onc_column *c)
{
    int *map = onc_mallocarray(c->n_levels ? c->n_levels : 1, sizeof *map);
    size_t k;

    if (map == NULL)
        return NULL;
    for (k = 0; k < c->n_levels; k++) {
        double v = c->level_values != NULL ? c->level_values[k] : NAN;
        if (!isnan(v))
            map[k] = v == floor(v) && v >= 1.0 && v <= 5.0 ? (int)v : 0;
        else
            map[k] = ae_grade_text(c->levels[k]);
    }
    return map;
}

/* Leave row i out if column col is missing there. */
static onc_status ae_exclude_missing(const onc_frame *df, long col, size_t i,
                                     onc_exclusions *ex, int *skip)
{
    char reason[300];

    if (*skip || col < 0 || !onc_column_is_missing(&df->cols[col], i))
        return ONC_OK;
    *skip = 1;
    if (ex == NULL)
        return ONC_OK;
    snprintf(reason, sizeof reason, "missing value in '%s'", df->cols[col].name);
    return onc_exclusions_add(ex, reason, i + 1);
}

/*
** Events and patients from frames.
** Inputs: events (n_events rows), patients (n_patients rows), cols.
** Output: *out; rows left out in the exclusion lists.
** NaN policy: a missing identifier, term, grade or arm leaves the row out
**   with its reason; a missing SOC is "none", a missing day unknown (NaN).
*/
onc_status onc_ae_data_from_frames(const onc_frame *events,
                                   const onc_frame *patients,
                                   const onc_ae_columns *cols,
                                   onc_ae_data **out,
                                   onc_exclusions *events_excluded,
                                   onc_exclusions *patients_excluded,
                                   onc_error *err)
{
    const char *names[AF_N];
    long ev[AF_N], pc = -1, ac = -1;
    char **copy_ev[AF_N], **copy_pid = NULL, **copy_arm = NULL;
    int *grade_map = NULL;
    ae_id *ids = NULL;
    const ae_id **level_hit = NULL;
    size_t n_ids = 0, f, i, bytes = 0, add;
    onc_ae_data *d = NULL;
    char *cursor;
    int overflow = 0;
    onc_status st = ONC_OK;

    memset(copy_ev, 0, sizeof copy_ev);
    if (events_excluded != NULL)
        onc_exclusions_init(events_excluded, events != NULL ? events->n_rows : 0);
    if (patients_excluded != NULL)
        onc_exclusions_init(patients_excluded, patients != NULL ? patients->n_rows : 0);
    if (out == NULL || events == NULL || patients == NULL || cols == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "missing frames, columns or result pointer");
    *out = NULL;
    names[AF_PATIENT] = cols->patient;
    names[AF_TERM] = cols->term;
    names[AF_SOC] = cols->soc;
    names[AF_GRADE] = cols->grade;
    names[AF_DAY] = cols->day;
    names[AF_ARM] = cols->arm;
    for (f = 0; f < AF_N; f++) {
        ev[f] = -1;
        if (names[f] == NULL) {
            if (f == AF_PATIENT || f == AF_TERM || f == AF_GRADE)
                return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                     "the column of the %s is required", ae_role[f]);
            continue;
        }
        if (f == AF_ARM)
            continue;
        if ((ev[f] = onc_frame_find(events, names[f])) < 0)
            return ae_no_column(events, names[f], f, err);
    }
    if ((pc = onc_frame_find(patients, names[AF_PATIENT])) < 0)
        return ae_no_column(patients, names[AF_PATIENT], AF_PATIENT, err);
    if (names[AF_ARM] != NULL && (ac = onc_frame_find(patients, names[AF_ARM])) < 0)
        return ae_no_column(patients, names[AF_ARM], AF_ARM, err);
    {
        const onc_column *g = &events->cols[ev[AF_GRADE]];
        if (g->type == ONC_COL_DATE ||
            (g->type == ONC_COL_LOGICAL && !ae_empty_logical(g, events->n_rows)))
            return onc_error_set(err, ONC_ERR_USAGE, events->source, 0, 0, g->name,
                                 "the CTCAE grade must be a number from 1 to 5, but "
                                 "the column was read as %s", onc_coltype_name(g->type));
        if (ev[AF_DAY] >= 0) {
            const onc_column *c = &events->cols[ev[AF_DAY]];
            if (c->type == ONC_COL_FACTOR ||
                (c->type == ONC_COL_LOGICAL && !ae_empty_logical(c, events->n_rows)))
                return onc_error_set(err, ONC_ERR_USAGE, events->source, 0, 0, c->name,
                                     "the onset day must hold dates or numbers of "
                                     "days, but it was read as %s",
                                     onc_coltype_name(c->type));
        }
    }

    d = calloc(1, sizeof *d);
    if (d == NULL)
        goto nomem;
    for (f = 0; f < AF_N; f++)
        if (names[f] != NULL && (d->columns[f] = onc_strdup(names[f])) == NULL)
            goto nomem;
    if ((events->source != NULL && (d->events_source = onc_strdup(events->source)) == NULL) ||
        (patients->source != NULL &&
         (d->patients_source = onc_strdup(patients->source)) == NULL))
        goto nomem;
    d->days_are_dates = ev[AF_DAY] >= 0 && events->cols[ev[AF_DAY]].type == ONC_COL_DATE;

    /* Text: patient, term and SOC of the events; patient and arm of the
    ** patient list. */
    {
        const onc_column *text_cols[5];
        size_t k;
        text_cols[0] = &events->cols[ev[AF_PATIENT]];
        text_cols[1] = &events->cols[ev[AF_TERM]];
        text_cols[2] = ev[AF_SOC] >= 0 ? &events->cols[ev[AF_SOC]] : NULL;
        text_cols[3] = &patients->cols[pc];
        text_cols[4] = ac >= 0 ? &patients->cols[ac] : NULL;
        for (k = 0; k < 5; k++) {
            if (text_cols[k] == NULL)
                continue;
            add = clinical_text_bytes(text_cols[k],
                                      k < 3 ? events->n_rows : patients->n_rows,
                                      &overflow);
            if (overflow || bytes > SIZE_MAX - add)
                goto nomem;
            bytes += add;
        }
    }
    d->text = malloc(bytes + sizeof "All");
    d->events = onc_callocarray(events->n_rows ? events->n_rows : 1, sizeof *d->events);
    d->patients = onc_callocarray(patients->n_rows ? patients->n_rows : 1,
                                  sizeof *d->patients);
    ids = onc_mallocarray(patients->n_rows ? patients->n_rows : 1, sizeof *ids);
    if (d->text == NULL || d->events == NULL || d->patients == NULL || ids == NULL)
        goto nomem;
    memcpy(d->text, "All", sizeof "All");
    cursor = d->text + sizeof "All";
    for (f = 0; f < AF_ARM; f++)
        if (ev[f] >= 0 && f != AF_GRADE && f != AF_DAY &&
            events->cols[ev[f]].type == ONC_COL_FACTOR &&
            (copy_ev[f] = clinical_text_levels(&events->cols[ev[f]], &cursor)) == NULL)
            goto nomem;
    if (patients->cols[pc].type == ONC_COL_FACTOR &&
        (copy_pid = clinical_text_levels(&patients->cols[pc], &cursor)) == NULL)
        goto nomem;
    if (ac >= 0 && patients->cols[ac].type == ONC_COL_FACTOR &&
        (copy_arm = clinical_text_levels(&patients->cols[ac], &cursor)) == NULL)
        goto nomem;
    if (events->cols[ev[AF_GRADE]].type == ONC_COL_FACTOR &&
        (grade_map = ae_grade_map(&events->cols[ev[AF_GRADE]])) == NULL)
        goto nomem;
    if (events->cols[ev[AF_PATIENT]].type == ONC_COL_FACTOR) {
        level_hit = onc_mallocarray(events->cols[ev[AF_PATIENT]].n_levels + 1,
                                    sizeof *level_hit);
        if (level_hit == NULL)
            goto nomem;
    }

    /* The patient list; those left out keep their identifier so that their
    ** events are left out too, not reported as strangers. */
    for (i = 0; i < patients->n_rows; i++) {
        int skip = 0;
        if ((st = ae_exclude_missing(patients, pc, i, patients_excluded, &skip)) != ONC_OK ||
            (st = ae_exclude_missing(patients, ac, i, patients_excluded, &skip)) != ONC_OK)
            goto nomem;
        if (onc_column_is_missing(&patients->cols[pc], i))
            continue;
        ids[n_ids].id = clinical_text_at(&patients->cols[pc], i, copy_pid, &cursor);
        ids[n_ids].row = i + 1;
        ids[n_ids].index = SIZE_MAX;
        if (!skip) {
            onc_ae_patient *p = &d->patients[d->n_patients];
            p->patient = ids[n_ids].id;
            p->arm = ac >= 0 ? clinical_text_at(&patients->cols[ac], i, copy_arm, &cursor)
                             : d->text;
            p->source_row = i + 1;
            ids[n_ids].index = d->n_patients++;
        }
        n_ids++;
    }
    qsort(ids, n_ids, sizeof *ids, ae_cmp_id);
    /* A text identifier column: look each level up once, not each row. */
    if (level_hit != NULL)
        for (i = 0; i < events->cols[ev[AF_PATIENT]].n_levels; i++)
            level_hit[i] = ae_find(ids, n_ids, copy_ev[AF_PATIENT][i]);
    for (i = 1; i < n_ids; i++)
        if (strcmp(ids[i].id, ids[i - 1].id) == 0) {
            st = onc_error_set(err, ONC_ERR_DATA, patients->source, ids[i].row, 0,
                               patients->cols[pc].name, "patient '%s' is listed "
                               "twice (also at row %zu)", ids[i].id, ids[i - 1].row);
            goto cleanup;
        }

    for (i = 0; i < events->n_rows; i++) {
        onc_ae_event *e = &d->events[d->n_events];
        const onc_column *g = &events->cols[ev[AF_GRADE]];
        const ae_id *hit;
        int skip = 0;
        double v;

        if ((st = ae_exclude_missing(events, ev[AF_PATIENT], i, events_excluded,
                                     &skip)) != ONC_OK ||
            (st = ae_exclude_missing(events, ev[AF_TERM], i, events_excluded,
                                     &skip)) != ONC_OK ||
            (st = ae_exclude_missing(events, ev[AF_GRADE], i, events_excluded,
                                     &skip)) != ONC_OK)
            goto nomem;
        if (skip)
            continue;
        if (g->type == ONC_COL_FACTOR) {
            e->grade = grade_map[g->code[i]];
            if (e->grade == 0) {
                st = onc_error_set(err, ONC_ERR_DATA, events->source, i + 1, 0, g->name,
                                   "grade '%s' is not a CTCAE grade 1-5",
                                   g->levels[g->code[i]]);
                goto cleanup;
            }
        } else {
            v = g->num[i];
            if (v != floor(v) || v < 1.0 || v > 5.0) {
                st = onc_error_set(err, ONC_ERR_DATA, events->source, i + 1, 0, g->name,
                                   "grade %g is outside CTCAE grades 1-5", v);
                goto cleanup;
            }
            e->grade = (int)v;
        }
        e->patient = clinical_text_at(&events->cols[ev[AF_PATIENT]], i,
                                      copy_ev[AF_PATIENT], &cursor);
        hit = level_hit != NULL ? level_hit[events->cols[ev[AF_PATIENT]].code[i]]
                                : ae_find(ids, n_ids, e->patient);
        if (hit == NULL) {
            st = onc_error_set(err, ONC_ERR_DATA, events->source, i + 1, 0,
                               events->cols[ev[AF_PATIENT]].name,
                               "patient '%s' has an adverse event but is not in "
                               "the patient list%s%s", e->patient,
                               patients->source != NULL ? " " : "",
                               patients->source != NULL ? patients->source : "");
            goto cleanup;
        }
        if (hit->index == SIZE_MAX) {
            if (events_excluded != NULL &&
                onc_exclusions_add(events_excluded, "patient left out of the patient "
                                   "list", i + 1) != ONC_OK)
                goto nomem;
            continue;
        }
        e->term = clinical_text_at(&events->cols[ev[AF_TERM]], i, copy_ev[AF_TERM],
                                   &cursor);
        e->soc = NULL;
        if (ev[AF_SOC] >= 0 && !onc_column_is_missing(&events->cols[ev[AF_SOC]], i))
            e->soc = clinical_text_at(&events->cols[ev[AF_SOC]], i, copy_ev[AF_SOC],
                                      &cursor);
        e->day = ev[AF_DAY] >= 0 ? events->cols[ev[AF_DAY]].num[i] : NAN;
        e->source_row = i + 1;
        d->n_events++;
    }
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "out of memory for %zu events and %zu patients",
                       events->n_rows, patients->n_rows);
cleanup:
    for (f = 0; f < AF_N; f++)
        free(copy_ev[f]);
    free(copy_pid);
    free(copy_arm);
    free(grade_map);
    free(level_hit);
    free(ids);
    if (st != ONC_OK)
        onc_ae_data_free(d);
    else
        *out = d;
    return st;
}

void onc_ae_data_locate_error(const onc_ae_data *data, onc_error *err)
{
    static const char *const generic[AF_N] = {"patient", "term", "soc", "grade",
                                              NULL, NULL};
    char prefix[256], body[sizeof err->message];
    const char *column = NULL;
    onc_status status;
    size_t f, len, row;

    if (data == NULL || err == NULL || err->status == ONC_OK || err->file[0] != '\0' ||
        err->row == 0 || err->column[0] == '\0')
        return;
    for (f = 0; f < AF_N; f++)
        if (generic[f] != NULL && strcmp(err->column, generic[f]) == 0)
            column = data->columns[f] != NULL ? data->columns[f] : generic[f];
    if (column == NULL)
        return;
    snprintf(prefix, sizeof prefix, "row %zu, column '%s': ", err->row, err->column);
    len = strlen(prefix);
    if (strncmp(err->message, prefix, len) != 0)
        return;
    onc_strlcpy(body, err->message + len, sizeof body);
    onc_strlcpy(prefix, column, sizeof prefix);
    status = err->status;
    row = err->row;
    onc_error_set(err, status, data->events_source, row, 0, prefix, "%s", body);
}
