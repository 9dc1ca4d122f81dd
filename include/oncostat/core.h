/*
** oncostat/core.h -- status codes, error reports and memory rules shared by
** every part of the library.
**
** Conventions used throughout the public API:
**
**  - Every fallible function returns an onc_status.  ONC_OK is zero; other
**    values are stable and are never renumbered.
**  - Context about a failure (file, row, column, what was expected) is written
**    into an onc_error supplied by the caller.  The pointer may be NULL when
**    the caller does not want the detail.  The library never prints, exits or
**    aborts.
**  - Objects returned through an out-pointer are owned by the caller and are
**    released with the matching onc_<module>_free() function.  Every _free()
**    accepts NULL.  Inputs are const and are never retained.
**  - Numerical outcomes (no convergence, infinite estimates, an undefined
**    limit) are fields of result structs, never error codes.
*/
#ifndef ONCOSTAT_CORE_H
#define ONCOSTAT_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ONC_VERSION "0.1.0"

typedef enum onc_status {
    ONC_OK = 0,
    ONC_ERR_NOMEM = 1,     /* an allocation failed or a size overflowed */
    ONC_ERR_USAGE = 2,     /* an argument or option is invalid */
    ONC_ERR_IO = 3,        /* a file could not be opened, read or written */
    ONC_ERR_PARSE = 4,     /* input is malformed (CSV, formula, date, YAML) */
    ONC_ERR_DATA = 5,      /* input is well formed but its values are invalid */
    ONC_ERR_LIMIT = 6,     /* input exceeds a documented cap */
    ONC_ERR_COMPUTE = 7,   /* the analysis cannot be computed (reason given) */
    ONC_ERR_UNSUPPORTED = 8 /* a format or feature is not supported */
} onc_status;

/* A short, static description of a status code. */
const char *onc_status_string(onc_status status);

/*
** Details of the last failure.  Fields that do not apply are empty strings
** or zero.  `row` is the 1-based data row (the header is not counted);
** `line` is the 1-based physical line of a text file, or 0.
** `message` is a complete, human-readable sentence that already names the
** file, row and column when they apply.
*/
typedef struct onc_error {
    onc_status status;
    char file[256];
    size_t row;
    size_t line;
    char column[128];
    char message[1024];
} onc_error;

/* Reset an error report to "no error".  Accepts NULL. */
void onc_error_clear(onc_error *err);

/*
** Record a failure in err (if not NULL) and return `status`, so that callers
** can write `return onc_error_set(err, ONC_ERR_DATA, ...)`.  file/column may
** be NULL; row/line may be 0.  The message is built from `fmt` and prefixed
** with the location, e.g.
**   "data.csv: row 12, column 'age': expected a number, found 'abc'".
*/
onc_status onc_error_set(onc_error *err, onc_status status, const char *file,
                         size_t row, size_t line, const char *column,
                         const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

/*
** Rows left out of an analysis.  Every analysis that can drop rows fills one
** of these so that nothing is lost silently: the number of rows per reason,
** and up to ONC_EXCLUSION_ROW_CAP row numbers per reason (1-based data rows).
*/
#define ONC_EXCLUSION_ROW_CAP 20

typedef struct onc_exclusion_reason {
    char *reason;          /* e.g. "missing value in 'age'" */
    size_t count;
    size_t n_rows;         /* min(count, ONC_EXCLUSION_ROW_CAP) */
    size_t rows[ONC_EXCLUSION_ROW_CAP];
} onc_exclusion_reason;

typedef struct onc_exclusions {
    size_t n_total;        /* rows offered to the analysis */
    size_t n_used;
    size_t n_excluded;     /* sum of counts */
    size_t n_reasons;
    onc_exclusion_reason *reasons;
} onc_exclusions;

void onc_exclusions_init(onc_exclusions *ex, size_t n_total);
/* Count row `row` (1-based) as excluded for `reason` (copied). */
onc_status onc_exclusions_add(onc_exclusions *ex, const char *reason, size_t row);
/* Release what onc_exclusions_add allocated; the struct itself is not freed. */
void onc_exclusions_clear(onc_exclusions *ex);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_CORE_H */
