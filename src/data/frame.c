/*
** frame.c -- the typed, column-oriented data frame.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/frame.h"
#include "core/internal.h"

const char *onc_coltype_name(onc_coltype type)
{
    switch (type) {
    case ONC_COL_NUMBER: return "number";
    case ONC_COL_INTEGER: return "integer";
    case ONC_COL_FACTOR: return "factor";
    case ONC_COL_DATE: return "date";
    case ONC_COL_LOGICAL: return "logical";
    }
    return "unknown";
}

onc_status onc_frame_new(size_t n_rows, onc_frame **out)
{
    onc_frame *f = calloc(1, sizeof *f);

    *out = NULL;
    if (f == NULL)
        return ONC_ERR_NOMEM;
    f->n_rows = n_rows;
    *out = f;
    return ONC_OK;
}

static void column_release(onc_column *c)
{
    size_t k;

    free(c->name);
    free(c->label);
    free(c->num);
    free(c->code);
    for (k = 0; k < c->n_levels && c->levels != NULL; k++)
        free(c->levels[k]);
    free(c->levels);
    free(c->level_values);
    memset(c, 0, sizeof *c);
}

void onc_frame_free(onc_frame *frame)
{
    size_t j;

    if (frame == NULL)
        return;
    for (j = 0; j < frame->n_cols; j++)
        column_release(&frame->cols[j]);
    free(frame->cols);
    free(frame->source);
    free(frame);
}

long onc_frame_find(const onc_frame *frame, const char *name)
{
    size_t j;

    for (j = 0; j < frame->n_cols; j++)
        if (strcmp(frame->cols[j].name, name) == 0)
            return (long)j;
    return -1;
}

/* Reserve a new, zeroed column slot named `name`. */
static onc_status frame_push(onc_frame *frame, const char *name,
                             onc_column **slot, onc_error *err)
{
    onc_column *grown;

    if (onc_frame_find(frame, name) >= 0)
        return onc_error_set(err, ONC_ERR_USAGE, frame->source, 0, 0, name,
                             "duplicate column name");
    grown = onc_reallocarray(frame->cols, frame->n_cols + 1, sizeof *grown);
    if (grown == NULL)
        return ONC_ERR_NOMEM;
    frame->cols = grown;
    *slot = &frame->cols[frame->n_cols];
    memset(*slot, 0, sizeof **slot);
    (*slot)->name = onc_strdup(name);
    if ((*slot)->name == NULL)
        return ONC_ERR_NOMEM;
    frame->n_cols++;
    return ONC_OK;
}

onc_status onc_frame_add_numeric(onc_frame *frame, const char *name,
                                 onc_coltype type, const double *values,
                                 onc_error *err)
{
    onc_column *c;
    onc_status rc;

    if (type == ONC_COL_FACTOR)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, name,
                             "a factor column needs onc_frame_add_factor");
    rc = frame_push(frame, name, &c, err);
    if (rc != ONC_OK)
        return rc;
    c->type = type;
    c->num = onc_mallocarray(frame->n_rows, sizeof *c->num);
    if (c->num == NULL)
        return ONC_ERR_NOMEM;
    if (frame->n_rows > 0)
        memcpy(c->num, values, frame->n_rows * sizeof *c->num);
    return ONC_OK;
}

onc_status onc_frame_add_factor(onc_frame *frame, const char *name,
                                const int32_t *codes, const char *const *levels,
                                const double *level_values, size_t n_levels,
                                onc_error *err)
{
    onc_column *c;
    onc_status rc;
    size_t k;

    rc = frame_push(frame, name, &c, err);
    if (rc != ONC_OK)
        return rc;
    c->type = ONC_COL_FACTOR;
    c->code = onc_mallocarray(frame->n_rows, sizeof *c->code);
    c->levels = onc_callocarray(n_levels, sizeof *c->levels);
    if (c->code == NULL || c->levels == NULL)
        return ONC_ERR_NOMEM;
    if (frame->n_rows > 0)
        memcpy(c->code, codes, frame->n_rows * sizeof *c->code);
    for (k = 0; k < n_levels; k++) {
        c->levels[k] = onc_strdup(levels[k]);
        if (c->levels[k] == NULL)
            return ONC_ERR_NOMEM;
        c->n_levels = k + 1;
    }
    if (level_values != NULL) {
        c->level_values = onc_mallocarray(n_levels, sizeof *c->level_values);
        if (c->level_values == NULL)
            return ONC_ERR_NOMEM;
        memcpy(c->level_values, level_values, n_levels * sizeof *c->level_values);
    }
    return ONC_OK;
}

int onc_column_is_missing(const onc_column *col, size_t i)
{
    if (col->type == ONC_COL_FACTOR)
        return col->code[i] < 0;
    return isnan(col->num[i]);
}

onc_status onc_frame_subset(const onc_frame *frame, const size_t *rows,
                            size_t n, onc_frame **out)
{
    onc_frame *f = NULL;
    double *nbuf = NULL;
    int32_t *cbuf = NULL;
    onc_status rc;
    size_t j, i;

    *out = NULL;
    rc = onc_frame_new(n, &f);
    if (rc != ONC_OK)
        return rc;
    nbuf = onc_mallocarray(n, sizeof *nbuf);
    cbuf = onc_mallocarray(n, sizeof *cbuf);
    if (nbuf == NULL || cbuf == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (j = 0; j < frame->n_cols; j++) {
        const onc_column *c = &frame->cols[j];
        if (c->type == ONC_COL_FACTOR) {
            for (i = 0; i < n; i++)
                cbuf[i] = c->code[rows[i]];
            rc = onc_frame_add_factor(f, c->name, cbuf,
                                      (const char *const *)c->levels,
                                      c->level_values, c->n_levels, NULL);
        } else {
            for (i = 0; i < n; i++)
                nbuf[i] = c->num[rows[i]];
            rc = onc_frame_add_numeric(f, c->name, c->type, nbuf, NULL);
        }
        if (rc != ONC_OK)
            goto cleanup;
        if (c->label != NULL) {
            f->cols[j].label = onc_strdup(c->label);
            if (f->cols[j].label == NULL) {
                rc = ONC_ERR_NOMEM;
                goto cleanup;
            }
        }
    }
    if (frame->source != NULL) {
        f->source = onc_strdup(frame->source);
        if (f->source == NULL)
            rc = ONC_ERR_NOMEM;
    }
cleanup:
    free(nbuf);
    free(cbuf);
    if (rc != ONC_OK)
        onc_frame_free(f);
    else
        *out = f;
    return rc;
}
