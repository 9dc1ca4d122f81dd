/*
** endpoint_render.c -- derived endpoints as text, JSON and CSV.
**
** The report answers what a reader of a derived data set asks first: how
** was the endpoint defined, how many patients ended in each outcome, and
** which rows were left out or bent (censored at the cut-off) and why.
** Every row-level message comes from onc_endpoint_derive; this file only
** arranges them and counts rows per outcome.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/date.h"
#include "oncostat/endpoint_render.h"
#include "core/internal.h"

void onc_endpoint_render_options_init(onc_endpoint_render_options *opt)
{
    memset(opt, 0, sizeof *opt);
}

const char *onc_endpoint_issue_name(onc_endpoint_issue issue)
{
    switch (issue) {
    case ONC_ENDPOINT_OK: return "ok";
    case ONC_ENDPOINT_MISSING_ORIGIN: return "missing_origin";
    case ONC_ENDPOINT_NO_FOLLOW_UP: return "no_follow_up";
    case ONC_ENDPOINT_EVENT_BEFORE_ORIGIN: return "event_before_origin";
    case ONC_ENDPOINT_CENSOR_BEFORE_ORIGIN: return "censor_before_origin";
    case ONC_ENDPOINT_EVENT_AFTER_DEATH: return "event_after_death";
    case ONC_ENDPOINT_ORIGIN_AFTER_CUTOFF: return "origin_after_cutoff";
    case ONC_ENDPOINT_EVENT_AFTER_CUTOFF: return "event_after_cutoff";
    case ONC_ENDPOINT_FOLLOW_UP_AFTER_CUTOFF: return "follow_up_after_cutoff";
    case ONC_ENDPOINT_CENSOR_BEFORE_ORIGIN_NOTED: return "censor_before_origin_noted";
    }
    return "unknown";
}

/* Rows per description (result->n_descriptions entries, caller frees). */
static size_t *endpoint_tally(const onc_endpoint_result *r)
{
    size_t *count = onc_callocarray(r->n_descriptions == 0 ? 1 : r->n_descriptions,
                                    sizeof *count);
    size_t i;

    if (count == NULL)
        return NULL;
    for (i = 0; i < r->n_rows; i++)
        if (r->desc[i] >= 0 && (size_t)r->desc[i] < r->n_descriptions)
            count[r->desc[i]]++;
    return count;
}

static const char *endpoint_event_label(const onc_endpoint_spec *s, size_t k)
{
    return s->event_labels != NULL && s->event_labels[k] != NULL ? s->event_labels[k]
                                                                 : s->events[k];
}

/* How many of n items are listed under max_listed (0 = all). */
static size_t endpoint_listed(size_t n, size_t max_listed)
{
    return max_listed == 0 || n < max_listed ? n : max_listed;
}

/* ---- JSON ---- */

static void endpoint_json_notes(onc_json *j, const char *key, const onc_endpoint_note *notes,
                                size_t n, size_t max_listed)
{
    size_t k, shown = endpoint_listed(n, max_listed);

    onc_json_key(j, key);
    onc_json_array_begin(j);
    for (k = 0; k < shown; k++) {
        onc_json_object_begin(j);
        onc_json_key(j, "row");
        onc_json_integer(j, (long long)notes[k].row);
        onc_json_key(j, "issue");
        onc_json_string(j, onc_endpoint_issue_name(notes[k].issue));
        onc_json_key(j, "message");
        onc_json_string(j, notes[k].message);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
}

static void endpoint_json_definition(onc_json *j, const onc_endpoint_spec *s)
{
    char date[16];
    size_t k;

    onc_json_key(j, "definition");
    if (s == NULL) {
        onc_json_null(j);
        return;
    }
    onc_json_object_begin(j);
    onc_json_key(j, "origin");
    onc_json_string(j, s->origin);
    onc_json_key(j, "events");
    onc_json_array_begin(j);
    for (k = 0; k < s->n_events && s->events != NULL; k++) {
        onc_json_object_begin(j);
        onc_json_key(j, "label");
        onc_json_string(j, endpoint_event_label(s, k));
        onc_json_key(j, "column");
        onc_json_string(j, s->events[k]);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_key(j, "censor");
    onc_json_string(j, s->censor);
    onc_json_key(j, "death");
    onc_json_string(j, s->death);
    onc_json_key(j, "cutoff");
    if (onc_date_format(s->cutoff, date, sizeof date) == 10)
        onc_json_string(j, date);
    else
        onc_json_null(j);
    onc_json_object_end(j);
}

static onc_status endpoint_json_one(onc_json *j, const onc_endpoint_report *rep,
                                    size_t max_listed)
{
    static const char *const suffix[] = {"_time", "_event", "_desc"};
    const onc_endpoint_result *r = rep->result;
    size_t *count = endpoint_tally(r);
    char column[320];
    size_t k;

    if (count == NULL)
        return ONC_ERR_NOMEM;
    onc_json_object_begin(j);
    onc_json_key(j, "name");
    onc_json_string(j, r->name != NULL ? r->name : "");
    onc_json_key(j, "unit");
    onc_json_string(j, onc_time_unit_name(r->unit));
    endpoint_json_definition(j, rep->spec);
    onc_json_key(j, "columns");
    onc_json_array_begin(j);
    for (k = 0; k < 3 && r->name != NULL && r->name[0] != '\0'; k++) {
        snprintf(column, sizeof column, "%s%s", r->name, suffix[k]);
        onc_json_string(j, column);
    }
    onc_json_array_end(j);
    onc_json_key(j, "n_events");
    onc_json_integer(j, (long long)r->n_events);
    onc_json_key(j, "n_censored");
    onc_json_integer(j, (long long)r->n_censored);
    onc_json_key(j, "outcomes");
    onc_json_array_begin(j);
    for (k = 0; k < r->n_descriptions; k++) {
        onc_json_object_begin(j);
        onc_json_key(j, "description");
        onc_json_string(j, r->descriptions[k]);
        onc_json_key(j, "count");
        onc_json_integer(j, (long long)count[k]);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    if (rep->excluded != NULL) {
        onc_json_exclusions(j, rep->excluded);
    } else {
        onc_json_key(j, "n_total");
        onc_json_integer(j, (long long)r->n_rows);
        onc_json_key(j, "n_used");
        onc_json_integer(j, (long long)r->n_used);
        onc_json_key(j, "n_excluded");
        onc_json_integer(j, (long long)r->n_excluded);
    }
    onc_json_key(j, "n_problems");
    onc_json_integer(j, (long long)r->n_problems);
    endpoint_json_notes(j, "problems", r->problems, r->n_problems, max_listed);
    onc_json_key(j, "n_notes");
    onc_json_integer(j, (long long)r->n_notes);
    endpoint_json_notes(j, "notes", r->notes, r->n_notes, max_listed);
    onc_json_object_end(j);
    free(count);
    return ONC_OK;
}

static onc_status endpoint_json(const onc_endpoint_report *reports, size_t n,
                                const onc_endpoint_render_options *opt, FILE *fp)
{
    onc_json *j = onc_json_new(fp, 2);
    onc_status rc = ONC_OK;
    size_t k;

    if (j == NULL)
        return ONC_ERR_NOMEM;
    onc_json_object_begin(j);
    onc_json_key(j, "source");
    onc_json_string(j, opt->source);
    onc_json_key(j, "output");
    onc_json_string(j, opt->output);
    onc_json_key(j, "endpoints");
    onc_json_array_begin(j);
    for (k = 0; k < n && rc == ONC_OK; k++)
        rc = endpoint_json_one(j, &reports[k], opt->max_listed);
    onc_json_array_end(j);
    onc_json_object_end(j);
    if (rc == ONC_OK)
        rc = onc_json_finish(j);
    onc_json_free(j);
    return rc;
}

/* ---- text ---- */

static void endpoint_text_definition(FILE *fp, const onc_endpoint_spec *s)
{
    char date[16];
    size_t k;

    fprintf(fp, "  Origin (time zero): %s\n", s->origin != NULL ? s->origin : "?");
    fprintf(fp, "  %s: ", s->n_events == 1 ? "Event" : "Events, the first to occur");
    for (k = 0; k < s->n_events && s->events != NULL; k++) {
        const char *label = endpoint_event_label(s, k);
        fprintf(fp, "%s%s", k ? ", " : "", label);
        if (strcmp(label, s->events[k]) != 0)
            fprintf(fp, " (%s)", s->events[k]);
    }
    fputc('\n', fp);
    if (s->censor != NULL)
        fprintf(fp, "  Censored at: %s\n", s->censor);
    if (s->death != NULL)
        fprintf(fp, "  Date of death: %s\n", s->death);
    if (onc_date_format(s->cutoff, date, sizeof date) == 10)
        fprintf(fp, "  Data cut-off: %s\n", date);
}

static void endpoint_text_notes(FILE *fp, const char *title, const onc_endpoint_note *notes,
                                size_t n, size_t max_listed)
{
    size_t k, shown = endpoint_listed(n, max_listed);

    if (n == 0)
        return;
    fprintf(fp, "%s (%zu):\n", title, n);
    for (k = 0; k < shown; k++)
        fprintf(fp, "  row %zu: %s\n", notes[k].row, notes[k].message);
    if (shown < n)
        fprintf(fp, "  ... %zu more\n", n - shown);
}

static onc_status endpoint_text_one(const onc_endpoint_report *rep,
                                    const onc_endpoint_render_options *opt, FILE *fp)
{
    static const char *const head[] = {"Outcome", "Rows"};
    static const onc_align align[] = {ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT};
    const onc_endpoint_result *r = rep->result;
    size_t *count = endpoint_tally(r);
    onc_table *t = onc_table_new(2, head, align);
    onc_status rc = ONC_OK;
    char number[32];
    const char *cells[2];
    size_t k;

    if (count == NULL || t == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    fprintf(fp, "%s (%s)", r->name != NULL && r->name[0] != '\0' ? r->name : "Endpoint",
            onc_time_unit_name(r->unit));
    if (opt->source != NULL)
        fprintf(fp, " from %s", opt->source);
    fputc('\n', fp);
    if (rep->spec != NULL)
        endpoint_text_definition(fp, rep->spec);
    if (r->name != NULL && r->name[0] != '\0')
        fprintf(fp, "  Columns: %s_time, %s_event (1 event, 0 censored), %s_desc\n",
                r->name, r->name, r->name);
    fputc('\n', fp);
    for (k = 0; k < r->n_descriptions && rc == ONC_OK; k++) {
        snprintf(number, sizeof number, "%zu", count[k]);
        cells[0] = r->descriptions[k];
        cells[1] = number;
        rc = onc_table_add_row(t, cells);
    }
    if (rc == ONC_OK) {
        snprintf(number, sizeof number, "%zu", r->n_excluded);
        cells[0] = "Excluded";
        cells[1] = number;
        rc = onc_table_add_row(t, cells);
    }
    if (rc == ONC_OK) {
        snprintf(number, sizeof number, "%zu", r->n_rows);
        cells[0] = "Total";
        cells[1] = number;
        rc = onc_table_add_row(t, cells);
    }
    if (rc == ONC_OK)
        rc = onc_table_write_text(t, fp);
    if (rc != ONC_OK)
        goto cleanup;
    fprintf(fp, "%zu event%s, %zu censored\n", r->n_events, r->n_events == 1 ? "" : "s",
            r->n_censored);
    if (rep->excluded != NULL)
        onc_text_exclusions(fp, rep->excluded);
    endpoint_text_notes(fp, "Excluded rows", r->problems, r->n_problems, opt->max_listed);
    endpoint_text_notes(fp, "Notes on rows used", r->notes, r->n_notes, opt->max_listed);
cleanup:
    onc_table_free(t);
    free(count);
    return rc;
}

static onc_status endpoint_text(const onc_endpoint_report *reports, size_t n,
                                const onc_endpoint_render_options *opt, FILE *fp)
{
    onc_status rc = ONC_OK;
    size_t k;

    for (k = 0; k < n && rc == ONC_OK; k++) {
        if (k > 0)
            fputc('\n', fp);
        rc = endpoint_text_one(&reports[k], opt, fp);
    }
    if (rc == ONC_OK && opt->output != NULL)
        fprintf(fp, "\nDerived data written to %s\n", opt->output);
    if (rc == ONC_OK && ferror(fp))
        rc = ONC_ERR_IO;
    return rc;
}

/* ---- CSV ---- */

static onc_status endpoint_csv(const onc_endpoint_report *reports, size_t n, FILE *fp)
{
    static const char *const head[] = {"endpoint", "unit", "outcome", "rows"};
    onc_table *t = onc_table_new(4, head, NULL);
    onc_status rc = ONC_OK;
    char number[32];
    const char *cells[4];
    size_t k, m;

    if (t == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < n && rc == ONC_OK; k++) {
        const onc_endpoint_result *r = reports[k].result;
        size_t *count = endpoint_tally(r);

        if (count == NULL) {
            rc = ONC_ERR_NOMEM;
            break;
        }
        cells[0] = r->name != NULL ? r->name : "";
        cells[1] = onc_time_unit_name(r->unit);
        cells[3] = number;
        for (m = 0; m <= r->n_descriptions && rc == ONC_OK; m++) {
            snprintf(number, sizeof number, "%zu", m < r->n_descriptions ? count[m]
                                                                          : r->n_excluded);
            cells[2] = m < r->n_descriptions ? r->descriptions[m] : "Excluded";
            rc = onc_table_add_row(t, cells);
        }
        free(count);
    }
    if (rc == ONC_OK)
        rc = onc_table_write_csv(t, fp);
    onc_table_free(t);
    return rc;
}

onc_status onc_endpoint_render(const onc_endpoint_report *reports, size_t n,
                               const onc_endpoint_render_options *opt,
                               onc_output_mode mode, FILE *fp)
{
    onc_endpoint_render_options none;
    size_t k;

    if (reports == NULL || n == 0 || fp == NULL)
        return ONC_ERR_USAGE;
    for (k = 0; k < n; k++) {
        const onc_endpoint_result *r = reports[k].result;
        if (r == NULL || (r->n_rows > 0 && r->desc == NULL) ||
            (r->n_descriptions > 0 && r->descriptions == NULL) ||
            (r->n_problems > 0 && r->problems == NULL) || (r->n_notes > 0 && r->notes == NULL))
            return ONC_ERR_USAGE;
    }
    if (opt == NULL) {
        onc_endpoint_render_options_init(&none);
        opt = &none;
    }
    switch (mode) {
    case ONC_OUTPUT_JSON:
        return endpoint_json(reports, n, opt, fp);
    case ONC_OUTPUT_CSV:
        return endpoint_csv(reports, n, fp);
    case ONC_OUTPUT_TEXT:
    default:
        return endpoint_text(reports, n, opt, fp);
    }
}
