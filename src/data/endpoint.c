/*
** endpoint.c -- time-to-event endpoints from dates (CDISC ADaM ADTTE).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/endpoint.h"
#include "oncostat/date.h"
#include "core/internal.h"

#define ENDPOINT_DESC_LAST_FOLLOW_UP "Censored at last follow-up"
#define ENDPOINT_DESC_CUTOFF "Censored at data cut-off"

const char *onc_time_unit_name(onc_time_unit unit)
{
    switch (unit) {
    case ONC_UNIT_DAYS: return "days";
    case ONC_UNIT_WEEKS: return "weeks";
    case ONC_UNIT_MONTHS: return "months";
    case ONC_UNIT_YEARS: return "years";
    }
    return "unknown";
}

double onc_time_unit_days(onc_time_unit unit)
{
    switch (unit) {
    case ONC_UNIT_DAYS: return 1.0;
    case ONC_UNIT_WEEKS: return 7.0;
    case ONC_UNIT_MONTHS: return 365.25 / 12.0;
    case ONC_UNIT_YEARS: return 365.25;
    }
    return NAN;
}

void onc_endpoint_spec_init(onc_endpoint_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->cutoff = NAN;
    spec->unit = ONC_UNIT_DAYS;
}

void onc_endpoint_result_free(onc_endpoint_result *r)
{
    size_t k;

    if (r == NULL)
        return;
    free(r->name);
    free(r->time);
    free(r->event);
    free(r->date);
    free(r->desc);
    free(r->issue);
    for (k = 0; k < r->n_descriptions && r->descriptions != NULL; k++)
        free(r->descriptions[k]);
    free(r->descriptions);
    free(r->problems);
    free(r->notes);
    free(r);
}

/* A date column of df, or NULL values when every value is missing. */
typedef struct endpoint_column {
    const char *name;
    const double *days;     /* NULL: the column is entirely missing */
} endpoint_column;

static onc_status endpoint_column_get(const onc_frame *df, const char *name,
                                      const char *role, endpoint_column *out,
                                      onc_error *err)
{
    const onc_column *c;
    long j;
    size_t i;

    out->name = name;
    out->days = NULL;
    if (name == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, df->source, 0, 0, NULL,
                             "the endpoint has no %s column", role);
    j = onc_frame_find(df, name);
    if (j < 0)
        return onc_error_set(err, ONC_ERR_USAGE, df->source, 0, 0, name,
                             "no such column (the endpoint's %s date)", role);
    c = &df->cols[j];
    if (c->type == ONC_COL_DATE) {
        out->days = c->num;
        return ONC_OK;
    }
    /* A reader types a column with no value at all by its own rule (CSV:
    ** logical), which says nothing about what the column holds. */
    for (i = 0; i < df->n_rows; i++)
        if (!onc_column_is_missing(c, i))
            return onc_error_set(err, ONC_ERR_DATA, df->source, 0, 0, name,
                                 "the endpoint's %s column must hold dates, not %s values",
                                 role, onc_coltype_name(c->type));
    return ONC_OK;
}

static double endpoint_value(const endpoint_column *c, size_t i)
{
    return c->days == NULL ? NAN : c->days[i];
}

static onc_status endpoint_push_note(onc_endpoint_note **list, size_t *n, size_t *cap,
                                     size_t row, onc_endpoint_issue issue,
                                     const char *message)
{
    if (*n == *cap) {
        size_t grown_cap = *cap ? *cap * 2 : 16;
        onc_endpoint_note *grown = onc_reallocarray(*list, grown_cap, sizeof *grown);
        if (grown == NULL)
            return ONC_ERR_NOMEM;
        *list = grown;
        *cap = grown_cap;
    }
    (*list)[*n].row = row;
    (*list)[*n].issue = issue;
    onc_strlcpy((*list)[*n].message, message, sizeof (*list)[*n].message);
    (*n)++;
    return ONC_OK;
}

/* Working state of one derivation. */
typedef struct endpoint_work {
    onc_endpoint_result *r;
    onc_exclusions *excluded;
    size_t cap_problems, cap_notes;
} endpoint_work;

static onc_status endpoint_exclude(endpoint_work *w, size_t i, onc_endpoint_issue issue,
                                   const char *reason, const char *message)
{
    onc_endpoint_result *r = w->r;
    onc_status rc;

    r->event[i] = -1;
    r->time[i] = NAN;
    r->date[i] = NAN;
    r->desc[i] = -1;
    r->issue[i] = (unsigned char)issue;
    r->n_excluded++;
    rc = onc_exclusions_add(w->excluded, reason, i + 1);
    if (rc != ONC_OK)
        return rc;
    return endpoint_push_note(&r->problems, &r->n_problems, &w->cap_problems, i + 1,
                              issue, message);
}

static onc_status endpoint_note(endpoint_work *w, size_t i, onc_endpoint_issue issue,
                                const char *message)
{
    onc_endpoint_result *r = w->r;

    if (r->issue[i] == ONC_ENDPOINT_OK)
        r->issue[i] = (unsigned char)issue;
    return endpoint_push_note(&r->notes, &r->n_notes, &w->cap_notes, i + 1, issue, message);
}

static void endpoint_use(endpoint_work *w, size_t i, double origin, double adt, int event,
                         int32_t desc, double unit_days)
{
    onc_endpoint_result *r = w->r;

    r->event[i] = event;
    r->date[i] = adt;
    r->time[i] = (adt - origin) / unit_days;
    r->desc[i] = desc;
    r->n_used++;
    if (event)
        r->n_events++;
    else
        r->n_censored++;
}

static void endpoint_fmt(double days, char *buf, size_t cap)
{
    if (onc_date_format(days, buf, cap) == 0)
        snprintf(buf, cap, "%.0f", days);
}

/* Level names: the event labels with duplicates merged, then the two
** censoring descriptions.  label_level[k] is the level of event k. */
static onc_status endpoint_descriptions(onc_endpoint_result *r, const onc_endpoint_spec *spec,
                                        int32_t *label_level)
{
    size_t k, m;

    r->descriptions = onc_callocarray(spec->n_events + 2, sizeof *r->descriptions);
    if (r->descriptions == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < spec->n_events; k++) {
        const char *label = spec->event_labels != NULL && spec->event_labels[k] != NULL
                            ? spec->event_labels[k] : spec->events[k];
        for (m = 0; m < r->n_descriptions; m++)
            if (strcmp(r->descriptions[m], label) == 0)
                break;
        if (m == r->n_descriptions) {
            r->descriptions[m] = onc_strdup(label);
            if (r->descriptions[m] == NULL)
                return ONC_ERR_NOMEM;
            r->n_descriptions++;
        }
        label_level[k] = (int32_t)m;
    }
    r->descriptions[r->n_descriptions] = onc_strdup(ENDPOINT_DESC_LAST_FOLLOW_UP);
    if (r->descriptions[r->n_descriptions] == NULL)
        return ONC_ERR_NOMEM;
    r->n_descriptions++;
    r->descriptions[r->n_descriptions] = onc_strdup(ENDPOINT_DESC_CUTOFF);
    if (r->descriptions[r->n_descriptions] == NULL)
        return ONC_ERR_NOMEM;
    r->n_descriptions++;
    return ONC_OK;
}

/*
** onc_endpoint_derive -- one time-to-event endpoint per row, after CDISC
** ADaM BDS for Time-to-Event Analyses v1.0 (ADTTE: STARTDT, ADT, AVAL, CNSR,
** EVNTDESC).
**
** Inputs: df (n rows) with date columns (days since 1970): origin[n],
** events[k][n] for k < n_events (priority order), censor[n] (optional),
** death[n] (optional, one of the events or another column); cutoff (a date
** or NaN); unit.
** Outputs per row: time = (ADT - origin) / days-per-unit, event 0/1,
** ADT, description; -1/NaN for excluded rows.  Exclusions go to *excluded
** and r->problems (with dates); notes on used rows to r->notes.
** Rules for row i, in this order (docs/endpoints.md gives the reasons):
**   1. origin missing                                   -> excluded
**   2. an event dated after the death date              -> excluded
**   3. E = earliest event date (ties: first in priority)
**      E < origin                                       -> excluded
**   4. origin after the cut-off                         -> excluded
**   5. E present, E <= cut-off: event at E; a censor date before origin is
**      noted (the event decides)
**   6. E after the cut-off: censored at the cut-off, noted
**   7. no event: C = censor date; C missing -> excluded; C < origin ->
**      excluded; C after the cut-off -> censored at the cut-off, noted;
**      else censored at C.
** Preconditions: n_events >= 1; the columns exist; each is a date column or
** entirely missing.  NaN policy: a missing event date is "no such event";
** a non-finite date is missing.  time is finite for every used row.
*/
onc_status onc_endpoint_derive(const onc_frame *df, const onc_endpoint_spec *spec,
                               onc_endpoint_result **out, onc_exclusions *excluded,
                               onc_error *err)
{
    onc_endpoint_result *r = NULL;
    endpoint_column origin, censor, death, *events = NULL;
    int32_t *label_level = NULL;
    endpoint_work w;
    onc_exclusions local;
    double unit_days, cutoff;
    int have_cutoff;
    size_t i, k, n;
    onc_status rc;
    char msg[192], d1[32], d2[32], reason[160];

    if (out != NULL)
        *out = NULL;
    if (df == NULL || spec == NULL || out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_endpoint_derive needs a frame, a specification and "
                             "an output");
    if (excluded == NULL)
        excluded = &local;
    onc_exclusions_init(excluded, df->n_rows);
    n = df->n_rows;
    unit_days = onc_time_unit_days(spec->unit);
    if (!isfinite(unit_days))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "invalid time unit %d", (int)spec->unit);
    if (spec->n_events == 0 || spec->events == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, df->source, 0, 0, NULL,
                             "the endpoint%s%s needs at least one event date column",
                             spec->name ? " " : "", spec->name ? spec->name : "");
    if (spec->n_events > (size_t)INT32_MAX - 2)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL, "too many event columns");
    if (!isnan(spec->cutoff) && !isfinite(spec->cutoff))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "the data cut-off must be a date or NaN");
    cutoff = spec->cutoff;
    have_cutoff = !isnan(cutoff);

    rc = endpoint_column_get(df, spec->origin, "origin", &origin, err);
    if (rc != ONC_OK)
        return rc;
    censor.name = NULL;
    censor.days = NULL;
    death.name = NULL;
    death.days = NULL;
    if (spec->censor != NULL &&
        (rc = endpoint_column_get(df, spec->censor, "censoring", &censor, err)) != ONC_OK)
        return rc;
    if (spec->death != NULL &&
        (rc = endpoint_column_get(df, spec->death, "death", &death, err)) != ONC_OK)
        return rc;
    events = onc_mallocarray(spec->n_events, sizeof *events);
    label_level = onc_mallocarray(spec->n_events, sizeof *label_level);
    r = calloc(1, sizeof *r);
    if (events == NULL || label_level == NULL || r == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (k = 0; k < spec->n_events; k++) {
        rc = endpoint_column_get(df, spec->events[k], "event", &events[k], err);
        if (rc != ONC_OK)
            goto cleanup;
    }
    r->unit = spec->unit;
    r->n_rows = n;
    r->name = onc_strdup(spec->name != NULL ? spec->name : "");
    r->time = onc_mallocarray(n, sizeof *r->time);
    r->event = onc_mallocarray(n, sizeof *r->event);
    r->date = onc_mallocarray(n, sizeof *r->date);
    r->desc = onc_mallocarray(n, sizeof *r->desc);
    r->issue = onc_callocarray(n, sizeof *r->issue);
    if (r->name == NULL || r->time == NULL || r->event == NULL || r->date == NULL ||
        r->desc == NULL || r->issue == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    rc = endpoint_descriptions(r, spec, label_level);
    if (rc != ONC_OK)
        goto cleanup;
    w.r = r;
    w.excluded = excluded;
    w.cap_problems = 0;
    w.cap_notes = 0;

    for (i = 0; i < n; i++) {
        double o = endpoint_value(&origin, i);
        double c = endpoint_value(&censor, i);
        double dd = endpoint_value(&death, i);
        double e = NAN;
        size_t ek = 0, late = 0;
        int after_death = 0;

        if (!isfinite(c))
            c = NAN;
        if (!isfinite(dd))
            dd = NAN;
        if (!isfinite(o)) {
            snprintf(reason, sizeof reason, "missing origin date ('%s')", origin.name);
            snprintf(msg, sizeof msg, "no origin date in '%s'", origin.name);
            rc = endpoint_exclude(&w, i, ONC_ENDPOINT_MISSING_ORIGIN, reason, msg);
            if (rc != ONC_OK)
                goto cleanup;
            continue;
        }
        for (k = 0; k < spec->n_events; k++) {
            double x = endpoint_value(&events[k], i);
            if (!isfinite(x))
                continue;
            /* Strictly earlier only: on a tie the higher priority wins. */
            if (isnan(e) || x < e) {
                e = x;
                ek = k;
            }
            if (!isnan(dd) && x > dd && !after_death) {
                after_death = 1;
                late = k;
            }
        }
        if (after_death) {
            const char *label = r->descriptions[label_level[late]];
            endpoint_fmt(endpoint_value(&events[late], i), d1, sizeof d1);
            endpoint_fmt(dd, d2, sizeof d2);
            snprintf(reason, sizeof reason, "%s date after death date", label);
            snprintf(msg, sizeof msg, "%s %s is after death %s", label, d1, d2);
            rc = endpoint_exclude(&w, i, ONC_ENDPOINT_EVENT_AFTER_DEATH, reason, msg);
            if (rc != ONC_OK)
                goto cleanup;
            continue;
        }
        if (!isnan(e) && e < o) {
            const char *label = r->descriptions[label_level[ek]];
            endpoint_fmt(e, d1, sizeof d1);
            endpoint_fmt(o, d2, sizeof d2);
            snprintf(reason, sizeof reason, "%s date before origin date", label);
            snprintf(msg, sizeof msg, "%s %s is before the origin %s", label, d1, d2);
            rc = endpoint_exclude(&w, i, ONC_ENDPOINT_EVENT_BEFORE_ORIGIN, reason, msg);
            if (rc != ONC_OK)
                goto cleanup;
            continue;
        }
        if (have_cutoff && o > cutoff) {
            endpoint_fmt(o, d1, sizeof d1);
            endpoint_fmt(cutoff, d2, sizeof d2);
            snprintf(msg, sizeof msg, "origin %s is after the data cut-off %s", d1, d2);
            rc = endpoint_exclude(&w, i, ONC_ENDPOINT_ORIGIN_AFTER_CUTOFF,
                                  "origin date after the data cut-off", msg);
            if (rc != ONC_OK)
                goto cleanup;
            continue;
        }
        if (!isnan(e) && (!have_cutoff || e <= cutoff)) {
            endpoint_use(&w, i, o, e, 1, label_level[ek], unit_days);
            if (!isnan(c) && c < o) {
                endpoint_fmt(c, d1, sizeof d1);
                endpoint_fmt(o, d2, sizeof d2);
                snprintf(msg, sizeof msg, "follow-up date %s is before the origin %s; "
                         "the event decides", d1, d2);
                rc = endpoint_note(&w, i, ONC_ENDPOINT_CENSOR_BEFORE_ORIGIN_NOTED, msg);
                if (rc != ONC_OK)
                    goto cleanup;
            }
            continue;
        }
        if (!isnan(e)) {
            const char *label = r->descriptions[label_level[ek]];
            endpoint_use(&w, i, o, cutoff, 0, (int32_t)r->n_descriptions - 1, unit_days);
            endpoint_fmt(e, d1, sizeof d1);
            endpoint_fmt(cutoff, d2, sizeof d2);
            snprintf(msg, sizeof msg, "%s %s is after the data cut-off %s: censored at "
                     "the cut-off", label, d1, d2);
            rc = endpoint_note(&w, i, ONC_ENDPOINT_EVENT_AFTER_CUTOFF, msg);
            if (rc != ONC_OK)
                goto cleanup;
            continue;
        }
        if (isnan(c)) {
            snprintf(msg, sizeof msg, "no event date and no follow-up date%s%s%s",
                     censor.name ? " in '" : "", censor.name ? censor.name : "",
                     censor.name ? "'" : "");
            rc = endpoint_exclude(&w, i, ONC_ENDPOINT_NO_FOLLOW_UP,
                                  "no event and no follow-up date", msg);
            if (rc != ONC_OK)
                goto cleanup;
            continue;
        }
        if (c < o) {
            endpoint_fmt(c, d1, sizeof d1);
            endpoint_fmt(o, d2, sizeof d2);
            snprintf(msg, sizeof msg, "follow-up date %s is before the origin %s", d1, d2);
            rc = endpoint_exclude(&w, i, ONC_ENDPOINT_CENSOR_BEFORE_ORIGIN,
                                  "follow-up date before origin date", msg);
            if (rc != ONC_OK)
                goto cleanup;
            continue;
        }
        if (have_cutoff && c > cutoff) {
            endpoint_use(&w, i, o, cutoff, 0, (int32_t)r->n_descriptions - 1, unit_days);
            endpoint_fmt(c, d1, sizeof d1);
            endpoint_fmt(cutoff, d2, sizeof d2);
            snprintf(msg, sizeof msg, "follow-up date %s is after the data cut-off %s: "
                     "censored at the cut-off", d1, d2);
            rc = endpoint_note(&w, i, ONC_ENDPOINT_FOLLOW_UP_AFTER_CUTOFF, msg);
            if (rc != ONC_OK)
                goto cleanup;
            continue;
        }
        endpoint_use(&w, i, o, c, 0, (int32_t)r->n_descriptions - 2, unit_days);
    }
    *out = r;
    r = NULL;
    rc = ONC_OK;
cleanup:
    if (rc == ONC_ERR_NOMEM)
        onc_error_set(err, rc, df->source, 0, 0, NULL, "out of memory");
    if (rc != ONC_OK || excluded == &local) {
        onc_exclusions_clear(excluded);
        onc_exclusions_init(excluded, n);
    }
    onc_endpoint_result_free(r);
    free(events);
    free(label_level);
    return rc;
}

onc_status onc_endpoint_add_columns(onc_frame *df, const onc_endpoint_result *r,
                                    const char *prefix, onc_error *err)
{
    static const char *const suffix[] = {"_time", "_event", "_desc"};
    char names[3][256];
    double *values = NULL;
    size_t i, k;
    onc_status rc;

    if (df == NULL || r == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_endpoint_add_columns needs a frame and a result");
    if (prefix == NULL)
        prefix = r->name;
    if (prefix == NULL || prefix[0] == '\0')
        return onc_error_set(err, ONC_ERR_USAGE, df->source, 0, 0, NULL,
                             "the derived columns need a prefix such as \"OS\"");
    if (r->n_rows != df->n_rows)
        return onc_error_set(err, ONC_ERR_USAGE, df->source, 0, 0, NULL,
                             "the endpoint has %zu rows but the frame has %zu",
                             r->n_rows, df->n_rows);
    for (k = 0; k < 3; k++) {
        if ((size_t)snprintf(names[k], sizeof names[k], "%s%s", prefix, suffix[k]) >=
            sizeof names[k])
            return onc_error_set(err, ONC_ERR_USAGE, df->source, 0, 0, NULL,
                                 "the prefix is too long");
        if (onc_frame_find(df, names[k]) >= 0)
            return onc_error_set(err, ONC_ERR_USAGE, df->source, 0, 0, names[k],
                                 "the frame already has this column");
    }
    values = onc_mallocarray(df->n_rows, sizeof *values);
    if (values == NULL)
        return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
    rc = onc_frame_add_numeric(df, names[0], ONC_COL_NUMBER, r->time, err);
    if (rc == ONC_OK) {
        for (i = 0; i < df->n_rows; i++)
            values[i] = r->event[i] < 0 ? NAN : (double)r->event[i];
        rc = onc_frame_add_numeric(df, names[1], ONC_COL_INTEGER, values, err);
    }
    if (rc == ONC_OK)
        rc = onc_frame_add_factor(df, names[2], r->desc,
                                  (const char *const *)r->descriptions, NULL,
                                  r->n_descriptions, err);
    free(values);
    if (rc == ONC_ERR_NOMEM)
        onc_error_set(err, rc, NULL, 0, 0, NULL, "out of memory");
    return rc;
}
