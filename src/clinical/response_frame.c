/*
** response_frame.c -- lesion records from the rows of a data frame (see
** onc_lesion_data_from_frame in oncostat/response.h).
**
** This is where a lesion table as radiologists keep it -- text types such
** as "Non-target", yes/no flags, dates -- becomes the plain records of the
** response engine, and where its errors get the file, row and column
** names the user wrote.  The records own their strings: each distinct
** level of a text column is copied once, numeric identifiers are written
** out per row.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oncostat/response.h"
#include "clinical/frame_text.h"
#include "core/internal.h"

enum {
    LF_PATIENT, LF_DAY, LF_START, LF_LESION, LF_TYPE, LF_ORGAN, LF_DIAMETER,
    LF_SHORT_AXIS, LF_NODE, LF_VIABLE, LF_ATTENUATION, LF_NT_STATUS,
    LF_BASELINE, LF_N
};

/* What each column holds, for messages. */
static const char *const lesion_role[LF_N] = {
    "patient identifier", "assessment date or day", "treatment start",
    "lesion identifier", "lesion type", "organ", "diameter (mm)",
    "short axis (mm)", "node flag", "viable diameter (mm)",
    "attenuation (HU)", "non-target status", "baseline flag"};

/* The field names onc_response_evaluate() puts in its errors. */
static const char *const lesion_engine_name[LF_N] = {
    "patient", "day", NULL, "lesion", "kind", NULL, "diameter", "short_axis",
    NULL, "viable_diameter", "attenuation", "nt_status", "baseline"};

typedef struct lesion_synonym {
    const char *text;
    int value;
} lesion_synonym;

static const lesion_synonym lesion_kinds[] = {
    {"target", ONC_LESION_TARGET}, {"t", ONC_LESION_TARGET},
    {"tl", ONC_LESION_TARGET}, {"target lesion", ONC_LESION_TARGET},
    {"non-target", ONC_LESION_NONTARGET}, {"nontarget", ONC_LESION_NONTARGET},
    {"non_target", ONC_LESION_NONTARGET}, {"non target", ONC_LESION_NONTARGET},
    {"nt", ONC_LESION_NONTARGET}, {"ntl", ONC_LESION_NONTARGET},
    {"non-target lesion", ONC_LESION_NONTARGET},
    {"new", ONC_LESION_NEW}, {"nl", ONC_LESION_NEW},
    {"new lesion", ONC_LESION_NEW},
};

static const lesion_synonym lesion_nt_statuses[] = {
    {"present", ONC_NT_PRESENT}, {"non-cr/non-pd", ONC_NT_PRESENT},
    {"stable", ONC_NT_PRESENT},
    {"absent", ONC_NT_ABSENT}, {"cr", ONC_NT_ABSENT},
    {"disappeared", ONC_NT_ABSENT},
    {"unequivocal progression", ONC_NT_UNEQUIVOCAL_PD},
    {"unequivocal pd", ONC_NT_UNEQUIVOCAL_PD},
    {"progression", ONC_NT_UNEQUIVOCAL_PD}, {"pd", ONC_NT_UNEQUIVOCAL_PD},
    {"not assessed", ONC_NT_NOT_ASSESSED}, {"ne", ONC_NT_NOT_ASSESSED},
    {"not evaluable", ONC_NT_NOT_ASSESSED},
};

static const lesion_synonym lesion_flags[] = {
    {"yes", 1}, {"y", 1}, {"true", 1}, {"t", 1}, {"1", 1},
    {"no", 0}, {"n", 0}, {"false", 0}, {"f", 0}, {"0", 0},
};

/* The value of text s in table, or -1. */
static int lesion_lookup(const lesion_synonym *table, size_t n, const char *s)
{
    size_t k;

    for (k = 0; k < n; k++)
        if (clinical_text_is(s, table[k].text))
            return table[k].value;
    return -1;
}

void onc_lesion_data_free(onc_lesion_data *data)
{
    size_t f;

    if (data == NULL)
        return;
    free(data->records);
    free(data->source);
    for (f = 0; f < LF_N; f++)
        free(data->columns[f]);
    free(data->text);
    free(data);
}

static onc_status lesion_no_column(const onc_frame *df, const char *name,
                                   size_t field, onc_error *err)
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
                         lesion_role[field], list);
}

static int lesion_is_number_type(onc_coltype t)
{
    return t == ONC_COL_NUMBER || t == ONC_COL_INTEGER;
}

/* A column read as logical holds no value at all when every cell is NaN
** (an empty column reads as logical, as in R). */
static int lesion_all_missing(const onc_column *c, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!onc_column_is_missing(c, i))
            return 0;
    return 1;
}

/* Check that each named column can hold what it must. */
static onc_status lesion_check_types(const onc_frame *df, const long *idx,
                                     onc_error *err)
{
    size_t f, i;

    for (f = 0; f < LF_N; f++) {
        const onc_column *c;
        const char *why = NULL;
        if (idx[f] < 0)
            continue;
        c = &df->cols[idx[f]];
        switch (f) {
        case LF_DAY:
        case LF_START:
            if (c->type != ONC_COL_DATE && !lesion_is_number_type(c->type) &&
                !(c->type == ONC_COL_LOGICAL && lesion_all_missing(c, df->n_rows)))
                why = "dates or numbers of days";
            break;
        case LF_TYPE:
        case LF_NT_STATUS:
            if (c->type != ONC_COL_FACTOR &&
                !(c->type == ONC_COL_LOGICAL && lesion_all_missing(c, df->n_rows)))
                why = f == LF_TYPE ? "text (target, non-target, new)"
                                   : "text (present, absent, unequivocal progression, "
                                     "not assessed)";
            break;
        case LF_DIAMETER:
        case LF_SHORT_AXIS:
        case LF_VIABLE:
        case LF_ATTENUATION:
            if (c->type == ONC_COL_FACTOR) {
                /* Name the first value that made it text ("<5", "n/a"). */
                for (i = 0; i < df->n_rows; i++) {
                    double v;
                    const char *s;
                    if (c->code[i] < 0)
                        continue;
                    s = c->levels[c->code[i]];
                    if (onc_parse_double(s, strlen(s), '.', &v) != 0)
                        return onc_error_set(err, ONC_ERR_USAGE, df->source, i + 1, 0,
                                             c->name, "the %s must be a number, "
                                             "found '%s' (the column was read as text)",
                                             lesion_role[f], s);
                }
                why = "numbers";
            } else if (c->type == ONC_COL_DATE ||
                       (c->type == ONC_COL_LOGICAL && !lesion_all_missing(c, df->n_rows))) {
                why = "numbers";
            }
            break;
        default:
            break;
        }
        if (why != NULL)
            return onc_error_set(err, ONC_ERR_USAGE, df->source, 0, 0, c->name,
                                 "the %s column must hold %s, but it was read as %s",
                                 lesion_role[f], why, onc_coltype_name(c->type));
    }
    if (idx[LF_START] >= 0 &&
        (df->cols[idx[LF_DAY]].type == ONC_COL_DATE) !=
            (df->cols[idx[LF_START]].type == ONC_COL_DATE) &&
        df->cols[idx[LF_START]].type != ONC_COL_LOGICAL &&
        df->cols[idx[LF_DAY]].type != ONC_COL_LOGICAL)
        return onc_error_set(err, ONC_ERR_USAGE, df->source, 0, 0,
                             df->cols[idx[LF_START]].name,
                             "the treatment start must be %s like '%s'",
                             df->cols[idx[LF_DAY]].type == ONC_COL_DATE ? "a date"
                                                                         : "a number of days",
                             df->cols[idx[LF_DAY]].name);
    return ONC_OK;
}

/* Map each level of a text column through a synonym table (-1 = none). */
static int *lesion_level_map(const onc_column *c, const lesion_synonym *table,
                             size_t n)
{
    int *map;
    size_t k;

    map = onc_mallocarray(c->n_levels ? c->n_levels : 1, sizeof *map);
    if (map == NULL)
        return NULL;
    for (k = 0; k < c->n_levels; k++)
        map[k] = lesion_lookup(table, n, c->levels[k]);
    return map;
}

/* A yes/no flag at row i: 0, 1, or -1 for a text that is neither. */
static int lesion_flag_at(const onc_column *c, const int *map, size_t i)
{
    if (c->type == ONC_COL_FACTOR)
        return map[c->code[i]];
    return c->num[i] != 0.0;
}

static onc_status lesion_measure(const onc_frame *df, const long *idx, size_t f,
                                 size_t i, double *out, onc_error *err)
{
    const onc_column *c;
    double v;

    *out = NAN;
    if (idx[f] < 0)
        return ONC_OK;
    c = &df->cols[idx[f]];
    if (c->type == ONC_COL_FACTOR) {
        const char *s;
        if (c->code[i] < 0)
            return ONC_OK;
        s = c->levels[c->code[i]];
        if (onc_parse_double(s, strlen(s), '.', &v) != 0)
            return onc_error_set(err, ONC_ERR_DATA, df->source, i + 1, 0, c->name,
                                 "the %s must be a number, found '%s'",
                                 lesion_role[f], s);
    } else {
        v = c->num[i];
    }
    if (isnan(v))
        return ONC_OK;
    if (!isfinite(v))
        return onc_error_set(err, ONC_ERR_DATA, df->source, i + 1, 0, c->name,
                             "the %s is not finite", lesion_role[f]);
    if (v < 0.0 && f != LF_ATTENUATION)
        return onc_error_set(err, ONC_ERR_DATA, df->source, i + 1, 0, c->name,
                             "negative %s: %g", lesion_role[f], v);
    *out = v;
    return ONC_OK;
}

/* Leave row i out if field f is missing there. */
static onc_status lesion_exclude_missing(const onc_frame *df, const long *idx,
                                         size_t f, size_t i,
                                         onc_exclusions *excluded, int *skip)
{
    char reason[300];

    if (*skip || idx[f] < 0 || !onc_column_is_missing(&df->cols[idx[f]], i))
        return ONC_OK;
    *skip = 1;
    if (excluded == NULL)
        return ONC_OK;
    snprintf(reason, sizeof reason, "missing value in '%s'", df->cols[idx[f]].name);
    return onc_exclusions_add(excluded, reason, i + 1);
}

/*
** Lesion records from a frame.
** Inputs: df (n_rows rows), cols (column names; see onc_lesion_columns).
** Output: *out with one record per row used; excluded rows in *excluded.
** NaN policy: a missing identifier, day, start, type or baseline flag
**   excludes the row with its reason; a missing measurement is NaN ("not
**   measured"); a missing node flag is "not a node"; a missing non-target
**   status is "not assessed".
*/
onc_status onc_lesion_data_from_frame(const onc_frame *df,
                                      const onc_lesion_columns *cols,
                                      onc_lesion_data **out,
                                      onc_exclusions *excluded, onc_error *err)
{
    const char *names[LF_N];
    long idx[LF_N];
    char **level_copy[LF_N];
    int *maps[LF_N];
    static const size_t text_fields[] = {LF_PATIENT, LF_LESION, LF_ORGAN};
    onc_lesion_data *d = NULL;
    size_t f, i, k, bytes = 0;
    char *cursor;
    int overflow = 0;
    onc_status st = ONC_OK;

    memset(level_copy, 0, sizeof level_copy);
    memset(maps, 0, sizeof maps);
    if (excluded != NULL)
        onc_exclusions_init(excluded, df != NULL ? df->n_rows : 0);
    if (out == NULL || df == NULL || cols == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "missing frame, columns or result pointer");
    *out = NULL;
    names[LF_PATIENT] = cols->patient;
    names[LF_DAY] = cols->day;
    names[LF_START] = cols->start;
    names[LF_LESION] = cols->lesion;
    names[LF_TYPE] = cols->type;
    names[LF_ORGAN] = cols->organ;
    names[LF_DIAMETER] = cols->diameter;
    names[LF_SHORT_AXIS] = cols->short_axis;
    names[LF_NODE] = cols->node;
    names[LF_VIABLE] = cols->viable;
    names[LF_ATTENUATION] = cols->attenuation;
    names[LF_NT_STATUS] = cols->nt_status;
    names[LF_BASELINE] = cols->baseline;
    for (f = 0; f < LF_N; f++) {
        idx[f] = -1;
        if (names[f] == NULL) {
            if (f == LF_PATIENT || f == LF_DAY || f == LF_LESION || f == LF_TYPE)
                return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                     "the column of the %s is required",
                                     lesion_role[f]);
            continue;
        }
        idx[f] = onc_frame_find(df, names[f]);
        if (idx[f] < 0)
            return lesion_no_column(df, names[f], f, err);
    }
    if ((st = lesion_check_types(df, idx, err)) != ONC_OK)
        return st;

    d = calloc(1, sizeof *d);
    if (d == NULL)
        goto nomem;
    for (f = 0; f < LF_N; f++)
        if (names[f] != NULL && (d->columns[f] = onc_strdup(names[f])) == NULL)
            goto nomem;
    if (df->source != NULL && (d->source = onc_strdup(df->source)) == NULL)
        goto nomem;
    d->days_are_dates = df->cols[idx[LF_DAY]].type == ONC_COL_DATE && idx[LF_START] < 0;
    d->has_baseline_flag = idx[LF_BASELINE] >= 0;

    /* One block for every string the records point to. */
    for (k = 0; k < sizeof text_fields / sizeof text_fields[0]; k++) {
        size_t add;
        if (idx[text_fields[k]] < 0)
            continue;
        add = clinical_text_bytes(&df->cols[idx[text_fields[k]]], df->n_rows, &overflow);
        if (overflow || bytes > SIZE_MAX - add)
            goto nomem;
        bytes += add;
    }
    d->text = malloc(bytes ? bytes : 1);
    d->records = onc_callocarray(df->n_rows ? df->n_rows : 1, sizeof *d->records);
    if (d->text == NULL || d->records == NULL)
        goto nomem;
    cursor = d->text;
    for (k = 0; k < sizeof text_fields / sizeof text_fields[0]; k++) {
        const onc_column *c;
        f = text_fields[k];
        if (idx[f] < 0 || df->cols[idx[f]].type != ONC_COL_FACTOR)
            continue;
        c = &df->cols[idx[f]];
        if ((level_copy[f] = clinical_text_levels(c, &cursor)) == NULL)
            goto nomem;
    }
    if (df->cols[idx[LF_TYPE]].type == ONC_COL_FACTOR &&
        (maps[LF_TYPE] = lesion_level_map(&df->cols[idx[LF_TYPE]], lesion_kinds,
                                          sizeof lesion_kinds / sizeof lesion_kinds[0])) == NULL)
        goto nomem;
    if (idx[LF_NT_STATUS] >= 0 && df->cols[idx[LF_NT_STATUS]].type == ONC_COL_FACTOR &&
        (maps[LF_NT_STATUS] = lesion_level_map(&df->cols[idx[LF_NT_STATUS]], lesion_nt_statuses,
                                               sizeof lesion_nt_statuses /
                                                   sizeof lesion_nt_statuses[0])) == NULL)
        goto nomem;
    for (k = 0; k < 2; k++) {
        f = k == 0 ? LF_NODE : LF_BASELINE;
        if (idx[f] >= 0 && df->cols[idx[f]].type == ONC_COL_FACTOR &&
            (maps[f] = lesion_level_map(&df->cols[idx[f]], lesion_flags,
                                        sizeof lesion_flags / sizeof lesion_flags[0])) == NULL)
            goto nomem;
    }

    for (i = 0; i < df->n_rows; i++) {
        onc_lesion_record *r = &d->records[d->n];
        const onc_column *c;
        int skip = 0, v;
        static const size_t required[] = {LF_PATIENT, LF_LESION, LF_DAY, LF_START,
                                          LF_TYPE, LF_BASELINE};

        for (k = 0; k < sizeof required / sizeof required[0]; k++)
            if ((st = lesion_exclude_missing(df, idx, required[k], i, excluded,
                                             &skip)) != ONC_OK)
                goto nomem;
        if (skip)
            continue;
        r->source_row = i + 1;
        r->patient = clinical_text_at(&df->cols[idx[LF_PATIENT]], i, level_copy[LF_PATIENT],
                                    &cursor);
        r->lesion = clinical_text_at(&df->cols[idx[LF_LESION]], i, level_copy[LF_LESION],
                                   &cursor);
        r->organ = NULL;
        if (idx[LF_ORGAN] >= 0 && !onc_column_is_missing(&df->cols[idx[LF_ORGAN]], i))
            r->organ = clinical_text_at(&df->cols[idx[LF_ORGAN]], i, level_copy[LF_ORGAN],
                                      &cursor);
        c = &df->cols[idx[LF_DAY]];
        r->day = c->num[i];
        if (idx[LF_START] >= 0)
            r->day -= df->cols[idx[LF_START]].num[i];
        if (!isfinite(r->day)) {
            st = onc_error_set(err, ONC_ERR_DATA, df->source, i + 1, 0, c->name,
                               "the assessment day is not finite");
            goto cleanup;
        }

        c = &df->cols[idx[LF_TYPE]];
        v = maps[LF_TYPE][c->code[i]];
        if (v < 0) {
            st = onc_error_set(err, ONC_ERR_DATA, df->source, i + 1, 0, c->name,
                               "unknown lesion type '%s' (expected target, "
                               "non-target or new)", c->levels[c->code[i]]);
            goto cleanup;
        }
        r->kind = (onc_lesion_kind)v;

        r->nt_status = ONC_NT_NOT_ASSESSED;
        if (idx[LF_NT_STATUS] >= 0 && !onc_column_is_missing(&df->cols[idx[LF_NT_STATUS]], i)) {
            c = &df->cols[idx[LF_NT_STATUS]];
            v = maps[LF_NT_STATUS][c->code[i]];
            if (v < 0) {
                st = onc_error_set(err, ONC_ERR_DATA, df->source, i + 1, 0, c->name,
                                   "unknown non-target status '%s' (expected present, "
                                   "absent, unequivocal progression or not assessed)",
                                   c->levels[c->code[i]]);
                goto cleanup;
            }
            r->nt_status = (onc_nontarget_status)v;
        }
        for (k = 0; k < 2; k++) {
            f = k == 0 ? LF_NODE : LF_BASELINE;
            if (idx[f] < 0 || onc_column_is_missing(&df->cols[idx[f]], i))
                continue;
            c = &df->cols[idx[f]];
            v = lesion_flag_at(c, maps[f], i);
            if (v < 0) {
                st = onc_error_set(err, ONC_ERR_DATA, df->source, i + 1, 0, c->name,
                                   "the %s must be yes or no (also true/false, "
                                   "1/0), found '%s'", lesion_role[f],
                                   c->levels[c->code[i]]);
                goto cleanup;
            }
            if (f == LF_NODE)
                r->is_node = v;
            else
                r->is_baseline = v;
        }
        if ((st = lesion_measure(df, idx, LF_DIAMETER, i, &r->diameter, err)) != ONC_OK ||
            (st = lesion_measure(df, idx, LF_SHORT_AXIS, i, &r->short_axis, err)) != ONC_OK ||
            (st = lesion_measure(df, idx, LF_VIABLE, i, &r->viable_diameter, err)) != ONC_OK ||
            (st = lesion_measure(df, idx, LF_ATTENUATION, i, &r->attenuation, err)) != ONC_OK)
            goto cleanup;
        d->n++;
    }
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, df->source, 0, 0, NULL,
                       "out of memory for %zu lesion rows", df->n_rows);
cleanup:
    for (f = 0; f < LF_N; f++) {
        free(level_copy[f]);
        free(maps[f]);
    }
    if (st != ONC_OK)
        onc_lesion_data_free(d);
    else
        *out = d;
    return st;
}

void onc_lesion_data_locate_error(const onc_lesion_data *data, onc_error *err)
{
    char prefix[256], body[sizeof err->message];
    const char *column = NULL;
    size_t f, len;
    onc_status status;
    size_t row;

    if (data == NULL || err == NULL || err->status == ONC_OK || err->file[0] != '\0')
        return;
    for (f = 0; f < LF_N; f++)
        if (lesion_engine_name[f] != NULL && strcmp(err->column, lesion_engine_name[f]) == 0) {
            column = data->columns[f];
            break;
        }
    /* The engine's message is "row R, column 'C': what happened". */
    if (err->row > 0 && err->column[0] != '\0')
        snprintf(prefix, sizeof prefix, "row %zu, column '%s': ", err->row, err->column);
    else if (err->row > 0)
        snprintf(prefix, sizeof prefix, "row %zu: ", err->row);
    else
        prefix[0] = '\0';
    len = strlen(prefix);
    if (strncmp(err->message, prefix, len) != 0)
        return;
    onc_strlcpy(body, err->message + len, sizeof body);
    status = err->status;
    row = err->row;
    if (column == NULL && err->column[0] != '\0')
        column = err->column;
    onc_strlcpy(prefix, column != NULL ? column : "", sizeof prefix);
    onc_error_set(err, status, data->source, row, 0, prefix[0] ? prefix : NULL,
                  "%s", body);
}
