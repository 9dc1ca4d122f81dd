/*
** oncostat/frame.h -- the data frame: named, typed columns of equal length.
**
** Storage:
**   ONC_COL_NUMBER, ONC_COL_INTEGER, ONC_COL_DATE, ONC_COL_LOGICAL keep their
**   values in `num` as doubles; a missing value is NaN.  Dates are days since
**   1970-01-01 (negative before); logicals are 0 or 1; integers are whole
**   numbers exactly representable in a double.
**   ONC_COL_FACTOR keeps `code[i]`, an index into `levels` (0-based), or -1
**   when missing.  Text columns are factors.  When a factor came from a
**   labelled numeric variable (SPSS, Stata, SAS value labels),
**   `level_values[k]` holds the number that level k stood for; otherwise
**   `level_values` is NULL.
** Column names are kept exactly as in the source (any UTF-8).
*/
#ifndef ONCOSTAT_FRAME_H
#define ONCOSTAT_FRAME_H

#include "oncostat/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum onc_coltype {
    ONC_COL_NUMBER = 0,
    ONC_COL_INTEGER = 1,
    ONC_COL_FACTOR = 2,
    ONC_COL_DATE = 3,
    ONC_COL_LOGICAL = 4
} onc_coltype;

typedef struct onc_column {
    char *name;
    char *label;            /* variable label, or NULL */
    onc_coltype type;
    double *num;            /* n_rows values unless type == ONC_COL_FACTOR */
    int32_t *code;          /* n_rows level codes when type == ONC_COL_FACTOR */
    char **levels;          /* n_levels level names (factor) */
    double *level_values;   /* n_levels source values, or NULL */
    size_t n_levels;
} onc_column;

typedef struct onc_frame {
    size_t n_rows;
    size_t n_cols;
    onc_column *cols;
    char *source;           /* file the frame was read from, or NULL */
} onc_frame;

/* The name of a column type: "number", "integer", "factor", "date", "logical". */
const char *onc_coltype_name(onc_coltype type);

/* An empty frame with n_rows rows and no columns. */
onc_status onc_frame_new(size_t n_rows, onc_frame **out);
void onc_frame_free(onc_frame *frame);

/* Index of the column named `name` (exact match), or -1. */
long onc_frame_find(const onc_frame *frame, const char *name);

/*
** Append a numeric-type column (NUMBER, INTEGER, DATE or LOGICAL).  `values`
** (n_rows doubles, NaN = missing) is copied.  Fails with ONC_ERR_USAGE if the
** name is already present.
*/
onc_status onc_frame_add_numeric(onc_frame *frame, const char *name,
                                 onc_coltype type, const double *values,
                                 onc_error *err);

/*
** Append a factor column.  `codes` (n_rows, -1 = missing) and `levels`
** (n_levels strings) are copied; level_values may be NULL.
*/
onc_status onc_frame_add_factor(onc_frame *frame, const char *name,
                                const int32_t *codes, const char *const *levels,
                                const double *level_values, size_t n_levels,
                                onc_error *err);

/* Is row i of column c missing? */
int onc_column_is_missing(const onc_column *col, size_t i);

/* A new frame holding the rows listed in `rows` (0-based, in that order). */
onc_status onc_frame_subset(const onc_frame *frame, const size_t *rows,
                            size_t n, onc_frame **out);

#ifdef __cplusplus
}
#endif
#endif
