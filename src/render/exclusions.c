/*
** exclusions.c -- how left-out rows are reported, in JSON and in text.
** Every command that can leave rows out uses these, so the report reads the
** same everywhere.
*/
#include <stdio.h>

#include "oncostat/render.h"

void onc_json_exclusions(onc_json *j, const onc_exclusions *ex)
{
    size_t r, k;

    onc_json_key(j, "n_total");
    onc_json_integer(j, (long long)ex->n_total);
    onc_json_key(j, "n_used");
    onc_json_integer(j, (long long)ex->n_used);
    onc_json_key(j, "n_excluded");
    onc_json_integer(j, (long long)ex->n_excluded);
    onc_json_key(j, "excluded");
    onc_json_array_begin(j);
    for (r = 0; r < ex->n_reasons; r++) {
        const onc_exclusion_reason *why = &ex->reasons[r];
        onc_json_object_begin(j);
        onc_json_key(j, "reason");
        onc_json_string(j, why->reason);
        onc_json_key(j, "count");
        onc_json_integer(j, (long long)why->count);
        onc_json_key(j, "rows");
        onc_json_array_begin(j);
        for (k = 0; k < why->n_rows; k++)
            onc_json_integer(j, (long long)why->rows[k]);
        onc_json_array_end(j);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
}

void onc_text_exclusions(FILE *fp, const onc_exclusions *ex)
{
    size_t r, k;

    fprintf(fp, "Rows: %zu used of %zu", ex->n_used, ex->n_total);
    if (ex->n_excluded == 0) {
        fputs(" (none excluded)\n", fp);
        return;
    }
    fprintf(fp, "; %zu excluded:\n", ex->n_excluded);
    for (r = 0; r < ex->n_reasons; r++) {
        const onc_exclusion_reason *why = &ex->reasons[r];
        fprintf(fp, "  %s: %zu row%s (", why->reason, why->count, why->count == 1 ? "" : "s");
        for (k = 0; k < why->n_rows; k++)
            fprintf(fp, "%s%zu", k ? ", " : "", why->rows[k]);
        if (why->count > why->n_rows)
            fprintf(fp, ", ... %zu more", why->count - why->n_rows);
        fputs(")\n", fp);
    }
}
