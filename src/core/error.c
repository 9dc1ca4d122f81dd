/*
** error.c -- status strings, error reports and the exclusion ledger.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/core.h"
#include "core/internal.h"

const char *onc_status_string(onc_status status)
{
    switch (status) {
    case ONC_OK: return "success";
    case ONC_ERR_NOMEM: return "out of memory";
    case ONC_ERR_USAGE: return "invalid argument";
    case ONC_ERR_IO: return "input/output error";
    case ONC_ERR_PARSE: return "malformed input";
    case ONC_ERR_DATA: return "invalid data";
    case ONC_ERR_LIMIT: return "input exceeds a limit";
    case ONC_ERR_COMPUTE: return "analysis could not be computed";
    case ONC_ERR_UNSUPPORTED: return "not supported";
    }
    return "unknown status";
}

void onc_error_clear(onc_error *err)
{
    if (err == NULL)
        return;
    memset(err, 0, sizeof *err);
}

onc_status onc_error_set(onc_error *err, onc_status status, const char *file,
                         size_t row, size_t line, const char *column,
                         const char *fmt, ...)
{
    char body[768];
    size_t used = 0;
    va_list ap;

    if (err == NULL)
        return status;
    onc_error_clear(err);
    err->status = status;
    err->row = row;
    err->line = line;
    if (file != NULL)
        onc_strlcpy(err->file, file, sizeof err->file);
    if (column != NULL)
        onc_strlcpy(err->column, column, sizeof err->column);

    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);

    /* Location prefix: "file: row R (line L), column 'C': ". */
    {
        char where[160] = "";

        if (row > 0 && line > 0)
            snprintf(where, sizeof where, "row %zu (line %zu)", row, line);
        else if (row > 0)
            snprintf(where, sizeof where, "row %zu", row);
        else if (line > 0)
            snprintf(where, sizeof where, "line %zu", line);
        if (file != NULL && file[0] != '\0')
            used += (size_t)snprintf(err->message, sizeof err->message, "%s: ", file);
        if (where[0] != '\0' && used < sizeof err->message)
            used += (size_t)snprintf(err->message + used, sizeof err->message - used,
                                     "%s%s", where,
                                     column != NULL && column[0] != '\0' ? ", " : ": ");
        if (column != NULL && column[0] != '\0' && used < sizeof err->message)
            used += (size_t)snprintf(err->message + used, sizeof err->message - used,
                                     "column '%s': ", column);
        if (used < sizeof err->message)
            snprintf(err->message + used, sizeof err->message - used, "%s", body);
    }
    return status;
}

void onc_exclusions_init(onc_exclusions *ex, size_t n_total)
{
    memset(ex, 0, sizeof *ex);
    ex->n_total = n_total;
    ex->n_used = n_total;
}

onc_status onc_exclusions_add(onc_exclusions *ex, const char *reason, size_t row)
{
    onc_exclusion_reason *r = NULL;
    size_t i;

    for (i = 0; i < ex->n_reasons; i++) {
        if (strcmp(ex->reasons[i].reason, reason) == 0) {
            r = &ex->reasons[i];
            break;
        }
    }
    if (r == NULL) {
        onc_exclusion_reason *grown =
            onc_reallocarray(ex->reasons, ex->n_reasons + 1, sizeof *grown);
        if (grown == NULL)
            return ONC_ERR_NOMEM;
        ex->reasons = grown;
        r = &ex->reasons[ex->n_reasons];
        memset(r, 0, sizeof *r);
        r->reason = onc_strdup(reason);
        if (r->reason == NULL)
            return ONC_ERR_NOMEM;
        ex->n_reasons++;
    }
    if (r->n_rows < ONC_EXCLUSION_ROW_CAP)
        r->rows[r->n_rows++] = row;
    r->count++;
    ex->n_excluded++;
    if (ex->n_used > 0)
        ex->n_used--;
    return ONC_OK;
}

void onc_exclusions_clear(onc_exclusions *ex)
{
    size_t i;

    if (ex == NULL)
        return;
    for (i = 0; i < ex->n_reasons; i++)
        free(ex->reasons[i].reason);
    free(ex->reasons);
    ex->reasons = NULL;
    ex->n_reasons = 0;
}
