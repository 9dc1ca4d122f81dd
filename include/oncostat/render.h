/*
** oncostat/render.h -- output primitives shared by every result type:
** a streaming JSON writer, aligned text tables, CSV tables, and files that
** appear atomically.
**
** JSON numbers are written in the shortest form that reads back to the same
** double (round-trip exact); NaN and infinities are written as null.
*/
#ifndef ONCOSTAT_RENDER_H
#define ONCOSTAT_RENDER_H

#include <stdio.h>

#include "oncostat/core.h"
#include "oncostat/frame.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- streaming JSON ---- */

typedef struct onc_json onc_json;

/* A writer on fp (not closed by onc_json_free).  indent 0 = compact. */
onc_json *onc_json_new(FILE *fp, int indent);
/* Finish: returns ONC_OK if every value was well nested and written. */
onc_status onc_json_finish(onc_json *j);
void onc_json_free(onc_json *j);

void onc_json_object_begin(onc_json *j);
void onc_json_object_end(onc_json *j);
void onc_json_array_begin(onc_json *j);
void onc_json_array_end(onc_json *j);
/* Inside an object: the key of the next value. */
void onc_json_key(onc_json *j, const char *key);
void onc_json_string(onc_json *j, const char *s);   /* NULL writes null */
void onc_json_number(onc_json *j, double v);        /* non-finite → null */
void onc_json_integer(onc_json *j, long long v);
void onc_json_bool(onc_json *j, int v);
void onc_json_null(onc_json *j);
/* Write a number as an integer when it is whole and small, else as number
** (counts that are doubles because of case weights). */
void onc_json_count(onc_json *j, double v);

/* Shortest round-trip decimal form of v into buf (cap >= 32).  Non-finite
** values give "NaN", "Inf", "-Inf".  Returns the length. */
size_t onc_format_double(double v, char *buf, size_t cap);

/* ---- text and CSV tables ---- */

typedef enum { ONC_ALIGN_LEFT = 0, ONC_ALIGN_RIGHT = 1 } onc_align;

typedef struct onc_table onc_table;

onc_table *onc_table_new(size_t n_cols, const char *const *headers,
                         const onc_align *align);
void onc_table_free(onc_table *t);
/* Append a row of n_cols cells (copied; NULL is written as empty). */
onc_status onc_table_add_row(onc_table *t, const char *const *cells);
/* Append a row from printf-style cells separated by '\t' in one format. */
onc_status onc_table_addf(onc_table *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
size_t onc_table_rows(const onc_table *t);
/* Aligned text with a header rule; widths count UTF-8 characters, CJK wide. */
onc_status onc_table_write_text(const onc_table *t, FILE *fp);
/* RFC 4180 CSV with a header row. */
onc_status onc_table_write_csv(const onc_table *t, FILE *fp);

/* Display width of a UTF-8 string (East Asian wide characters count 2). */
size_t onc_text_width(const char *s);

/* Format a number for people: `digits` significant digits, trailing zeros
** kept to `decimals` if decimals >= 0; NaN gives `na` (e.g. "NR", "NA"). */
size_t onc_format_human(double v, int decimals, const char *na, char *buf, size_t cap);
/* A P value as journals print it: "<0.0001", "0.032", "0.90". */
size_t onc_format_p(double p, char *buf, size_t cap);

/* ---- shared result pieces ---- */

typedef enum onc_output_mode {
    ONC_OUTPUT_TEXT = 0,    /* aligned tables for people */
    ONC_OUTPUT_JSON = 1,    /* one JSON object, full precision */
    ONC_OUTPUT_CSV = 2      /* the main table as CSV */
} onc_output_mode;

/* Inside an open JSON object: "n_total", "n_used", "n_excluded" and
** "excluded": [{"reason", "count", "rows": [...]}]. */
void onc_json_exclusions(onc_json *j, const onc_exclusions *ex);
/* People's version: "Used 226 of 228 rows; excluded 2: missing value in
** 'ph.ecog' (1 row: 14)". Prints nothing extra when nothing was excluded. */
void onc_text_exclusions(FILE *fp, const onc_exclusions *ex);

/* Column summary of a frame ("oncostat describe"). */
onc_status onc_render_describe(const onc_frame *df, onc_output_mode mode, FILE *fp);

/* ---- atomic output files ---- */

typedef struct onc_output onc_output;

/* Open `path` for writing through a temporary file in the same directory;
** "-" means standard output (written directly). */
onc_status onc_output_open(const char *path, onc_output **out, onc_error *err);
FILE *onc_output_file(onc_output *o);
/* Flush, sync and rename into place.  Frees o. */
onc_status onc_output_commit(onc_output *o, onc_error *err);
/* Remove the temporary file.  Frees o.  Accepts NULL. */
void onc_output_abort(onc_output *o);

#ifdef __cplusplus
}
#endif
#endif
