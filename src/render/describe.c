/*
** describe.c -- the column summary a user reads first on a new file:
** names, types, missing counts, levels and ranges.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/date.h"
#include "oncostat/render.h"
#include "core/internal.h"

typedef struct column_summary {
    size_t missing;
    double min, max, mean;
    size_t *level_counts;   /* factor: count per level */
} column_summary;

static onc_status summarise(const onc_frame *df, const onc_column *c, column_summary *s)
{
    size_t i, used = 0;
    double sum = 0;

    memset(s, 0, sizeof *s);
    s->min = INFINITY;
    s->max = -INFINITY;
    if (c->type == ONC_COL_FACTOR) {
        s->level_counts = onc_callocarray(c->n_levels, sizeof *s->level_counts);
        if (s->level_counts == NULL)
            return ONC_ERR_NOMEM;
        for (i = 0; i < df->n_rows; i++) {
            if (c->code[i] < 0)
                s->missing++;
            else if ((size_t)c->code[i] < c->n_levels)
                s->level_counts[c->code[i]]++;
        }
        return ONC_OK;
    }
    for (i = 0; i < df->n_rows; i++) {
        double v = c->num[i];
        if (isnan(v)) {
            s->missing++;
            continue;
        }
        used++;
        sum += v;
        if (v < s->min)
            s->min = v;
        if (v > s->max)
            s->max = v;
    }
    s->mean = used > 0 ? sum / (double)used : NAN;
    if (used == 0)
        s->min = s->max = NAN;
    return ONC_OK;
}

static void format_value(const onc_column *c, double v, char *buf, size_t cap)
{
    if (isnan(v))
        snprintf(buf, cap, "NA");
    else if (c->type == ONC_COL_DATE)
        onc_date_format(v, buf, cap);
    else if (c->type == ONC_COL_LOGICAL)
        snprintf(buf, cap, "%s", v != 0 ? "TRUE" : "FALSE");
    else
        onc_format_double(v, buf, cap);
}

static void json_column(onc_json *j, const onc_column *c, const column_summary *s)
{
    char buf[64];
    size_t k;

    onc_json_object_begin(j);
    onc_json_key(j, "name");
    onc_json_string(j, c->name);
    onc_json_key(j, "type");
    onc_json_string(j, onc_coltype_name(c->type));
    if (c->label != NULL) {
        onc_json_key(j, "label");
        onc_json_string(j, c->label);
    }
    onc_json_key(j, "missing");
    onc_json_integer(j, (long long)s->missing);
    if (c->type == ONC_COL_FACTOR) {
        onc_json_key(j, "levels");
        onc_json_array_begin(j);
        for (k = 0; k < c->n_levels; k++) {
            onc_json_object_begin(j);
            onc_json_key(j, "level");
            onc_json_string(j, c->levels[k]);
            if (c->level_values != NULL) {
                onc_json_key(j, "value");
                onc_json_number(j, c->level_values[k]);
            }
            onc_json_key(j, "count");
            onc_json_integer(j, (long long)s->level_counts[k]);
            onc_json_object_end(j);
        }
        onc_json_array_end(j);
    } else if (c->type == ONC_COL_DATE) {
        onc_json_key(j, "min");
        format_value(c, s->min, buf, sizeof buf);
        if (isnan(s->min)) onc_json_null(j); else onc_json_string(j, buf);
        onc_json_key(j, "max");
        format_value(c, s->max, buf, sizeof buf);
        if (isnan(s->max)) onc_json_null(j); else onc_json_string(j, buf);
    } else {
        onc_json_key(j, "min");
        onc_json_number(j, s->min);
        onc_json_key(j, "max");
        onc_json_number(j, s->max);
        onc_json_key(j, "mean");
        onc_json_number(j, s->mean);
    }
    onc_json_object_end(j);
}

/* "Control (38), TACE (22)" with at most five levels shown. */
static void levels_text(const onc_column *c, const column_summary *s, char *buf, size_t cap)
{
    size_t k, used = 0;

    buf[0] = '\0';
    for (k = 0; k < c->n_levels && k < 5 && used < cap; k++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s (%zu)", k ? ", " : "",
                                 c->levels[k], s->level_counts[k]);
    if (c->n_levels > 5 && used < cap)
        snprintf(buf + used, cap - used, ", ... %zu levels", c->n_levels);
}

onc_status onc_render_describe(const onc_frame *df, onc_output_mode mode, FILE *fp)
{
    static const char *headers[] = {"column", "type", "missing", "summary"};
    static const onc_align align[] = {ONC_ALIGN_LEFT, ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT,
                                      ONC_ALIGN_LEFT};
    onc_table *t = NULL;
    onc_json *j = NULL;
    onc_status rc = ONC_OK;
    size_t col;

    if (mode == ONC_OUTPUT_JSON) {
        j = onc_json_new(fp, 2);
        if (j == NULL)
            return ONC_ERR_NOMEM;
        onc_json_object_begin(j);
        onc_json_key(j, "source");
        onc_json_string(j, df->source);
        onc_json_key(j, "rows");
        onc_json_integer(j, (long long)df->n_rows);
        onc_json_key(j, "columns");
        onc_json_array_begin(j);
    } else {
        t = onc_table_new(4, headers, align);
        if (t == NULL)
            return ONC_ERR_NOMEM;
    }
    for (col = 0; col < df->n_cols && rc == ONC_OK; col++) {
        const onc_column *c = &df->cols[col];
        column_summary s;
        char summary[512], lo[64], hi[64];

        rc = summarise(df, c, &s);
        if (rc != ONC_OK)
            break;
        if (j != NULL) {
            json_column(j, c, &s);
        } else {
            if (c->type == ONC_COL_FACTOR) {
                levels_text(c, &s, summary, sizeof summary);
            } else {
                format_value(c, s.min, lo, sizeof lo);
                format_value(c, s.max, hi, sizeof hi);
                snprintf(summary, sizeof summary, "%s to %s", lo, hi);
            }
            rc = onc_table_addf(t, "%s\t%s\t%zu\t%s", c->name, onc_coltype_name(c->type),
                                s.missing, summary);
        }
        free(s.level_counts);
    }
    if (j != NULL) {
        onc_json_array_end(j);
        onc_json_object_end(j);
        if (rc == ONC_OK)
            rc = onc_json_finish(j);
        onc_json_free(j);
    } else {
        if (rc == ONC_OK) {
            fprintf(fp, "%s: %zu rows, %zu columns\n\n", df->source ? df->source : "data",
                    df->n_rows, df->n_cols);
            rc = mode == ONC_OUTPUT_CSV ? onc_table_write_csv(t, fp)
                                        : onc_table_write_text(t, fp);
        }
        onc_table_free(t);
    }
    return rc;
}
