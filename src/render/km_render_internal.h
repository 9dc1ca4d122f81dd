/*
** render/km_render_internal.h -- formatting shared by the Kaplan-Meier and
** log-rank renderers (internal to the library).
*/
#ifndef ONC_RENDER_KM_RENDER_INTERNAL_H
#define ONC_RENDER_KM_RENDER_INTERNAL_H

#include <stddef.h>

#include "oncostat/km_render.h"

/* Room for one formatted cell: a CI of two round-trip doubles and text. */
#define KM_RENDER_CELL 160

/* A row of cells being built for onc_table_add_row. */
typedef struct km_render_cells {
    size_t n;
    char (*text)[KM_RENDER_CELL];
    const char **ptr;
} km_render_cells;

int km_render_cells_alloc(km_render_cells *c, size_t n);
void km_render_cells_free(km_render_cells *c);

/* The label of group g: labels[g], or "group g+1" into buf. */
const char *km_render_label(const onc_group_labels *gl, size_t g, char *buf,
                            size_t cap);

/* Inside an open JSON object: "label" and "strata" {column: level}. */
void km_render_json_group(onc_json *j, const onc_group_labels *gl, size_t g);

/* Shortest round-trip decimal, "NA" for NaN (CSV cells). */
void km_render_exact(double v, char *buf, size_t cap);

/* A time or a quantity in time units for people: whole numbers as such,
** otherwise three significant digits (at most three decimals, trailing
** zeros dropped); `na` for NaN. */
void km_render_time(double v, const char *na, char *buf, size_t cap);

/* v with `decimals` decimals, "NA" for NaN. */
void km_render_fixed(double v, int decimals, char *buf, size_t cap);

/* A count: whole, or one decimal when case weights made it fractional. */
void km_render_count(double v, char *buf, size_t cap);

/* Print text broken at spaces into lines of at most `width` columns
** (counted in bytes; the method texts are ASCII). */
void km_render_wrap(FILE *fp, const char *text, size_t width);

/* Write a table in the given mode (TEXT aligned, CSV). */
onc_status km_render_table(const onc_table *t, onc_output_mode mode, FILE *fp);

#endif
