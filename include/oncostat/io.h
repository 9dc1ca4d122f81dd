/*
** oncostat/io.h -- reading delimited text (CSV, semicolon CSV, TSV) into a
** data frame, and writing a frame as CSV (onc_csv_write, at the end).
**
** The reader follows RFC 4180 (quoted fields, "" inside quotes, separators
** and line breaks inside quotes, CRLF or LF, optional UTF-8 byte order
** mark, last line with or without a line break) and requires a header row.
** Each column's type is inferred from all of its values, never a sample:
**
**   LOGICAL  every non-missing value is TRUE/FALSE/true/false/T/F
**            (a column with no non-missing value at all is LOGICAL, as in R)
**   INTEGER  every value is a whole number written without decimal mark or
**            exponent, |v| < 2^53
**   NUMBER   every value is a decimal number (with the chosen decimal mark)
**   DATE     every value is a date in the date format (ISO 8601 YYYY-MM-DD
**            when none is given)
**   FACTOR   anything else; levels sorted by bytes (C locale, as R with
**            LC_COLLATE=C)
**
** Missing values are the tokens of opt->na_tokens, compared after removing
** leading and trailing blanks; an empty field is missing in every column
** that is not text.  Numbers, logicals and dates may be padded with blanks;
** text keeps its exact bytes.
**
** Dates are never guessed: a column that would be text and holds a value
** such as 03/04/2020 is an error asking for a date format.
** Overrides force a column's type; a value that does not fit is an error.
** All errors name the file, the data row (1-based, header not counted),
** the physical line and the column.  docs/csv.md describes the behaviour in
** full.
**
** Example:
**     onc_csv_options opt;
**     onc_frame *df = NULL;
**     onc_error err;
**     onc_csv_options_init(&opt);
**     opt.date_format = "%d/%m/%Y";
**     if (onc_csv_read("patients.csv", &opt, &df, &err) != ONC_OK)
**         fprintf(stderr, "%s\n", err.message);
**     ...
**     onc_frame_free(df);
*/
#ifndef ONCOSTAT_IO_H
#define ONCOSTAT_IO_H

#include <stdio.h>

#include "oncostat/frame.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Defaults for the caps in onc_csv_options (a cap of 0 selects these). */
#define ONC_CSV_DEFAULT_MAX_ROWS 100000000u    /* data rows */
#define ONC_CSV_DEFAULT_MAX_COLS 10000u        /* columns */
#define ONC_CSV_DEFAULT_MAX_CELL_BYTES 1048576u /* bytes in one field (1 MiB) */
#define ONC_CSV_DEFAULT_READ_BYTES 4194304u     /* file read buffer (4 MiB) */
/* Hard limits of the reader's cell index: a larger cap is ONC_ERR_USAGE,
** a larger input ONC_ERR_LIMIT. */
#define ONC_CSV_LIMIT_CELL_BYTES 8388607u       /* 8 MiB - 1 */
#define ONC_CSV_LIMIT_INPUT_BYTES ((uint64_t)1 << 40) /* 1 TiB */

/* Force column `column` (exact header name) to be read as `type`. */
typedef struct onc_type_override {
    const char *column;
    onc_coltype type;
} onc_type_override;

/* Options; start from onc_csv_options_init().  The strings and arrays
** they point to are only read during the call. */
typedef struct onc_csv_options {
    char sep;                 /* 0 = detect among ',' ';' '\t' from the header line */
    char decimal;             /* '.' default; ',' allowed only when sep != ',' */
    const char *const *na_tokens;  /* missing-value spellings; NULL = "", "NA", ".", "NaN" */
    size_t n_na_tokens;
    const char *date_format;  /* NULL = ISO 8601 only (see onc_date_parse) */
    const onc_type_override *overrides;
    size_t n_overrides;
    size_t max_rows;          /* caps; 0 = the ONC_CSV_DEFAULT_* values */
    size_t max_cols;
    size_t max_cell_bytes;
    size_t read_bytes;        /* onc_csv_read reads a file this many bytes at a
                                 time (0 = ONC_CSV_DEFAULT_READ_BYTES); a row
                                 longer than that enlarges the buffer */
} onc_csv_options;

/* Fill opt with the defaults: detect the separator, '.' decimal mark,
** default missing tokens, ISO dates, no overrides, default caps. */
void onc_csv_options_init(onc_csv_options *opt);

/*
** Read the delimited text file at `path` into a new frame (*out, owned by
** the caller, released with onc_frame_free()).  opt may be NULL for the
** defaults.  On failure *out is NULL and err (if not NULL) says where and
** why.  Returns
**   ONC_OK
**   ONC_ERR_IO      the file cannot be opened or read, or changed meanwhile
**   ONC_ERR_PARSE   malformed text: empty file, header names, field counts,
**                   quotes, encoding, NUL bytes, dates that need a format
**   ONC_ERR_DATA    well-formed but unusable: no data rows, a value that
**                   does not fit an override, an impossible date
**   ONC_ERR_LIMIT   a cap was exceeded
**   ONC_ERR_USAGE   invalid options
**   ONC_ERR_NOMEM
** When several rows are wrong, the earliest is reported (for values, then
** the leftmost column); checks that need a whole column (impossible or
** foreign dates in inferred columns) come after the whole file was read.
** A regular file is read in pieces of opt->read_bytes; other files (pipes)
** are read into memory first.
*/
onc_status onc_csv_read(const char *path, const onc_csv_options *opt,
                        onc_frame **out, onc_error *err);

/*
** As onc_csv_read() for `len` bytes in memory.  `name` is used in error
** messages and as the frame's source (may be NULL).  data is not modified
** and need not be NUL-terminated.
*/
onc_status onc_csv_read_buffer(const char *data, size_t len, const char *name,
                               const onc_csv_options *opt, onc_frame **out,
                               onc_error *err);

/*
** Write `frame` to fp as CSV: RFC 4180, comma separator, LF line ends, a
** header row with the column names, UTF-8 bytes as stored.  Each type is
** written so that onc_csv_read (and R's read.csv) read the value back:
**
**   NUMBER   the shortest decimal that reads back to the same double
**            (at most 17 significant digits); -0 as 0; infinities as Inf
**            and -Inf, as R writes them.  In a column of whole numbers
**            only, they are written 12.0 so that it reads back as numbers
**   INTEGER  whole numbers without a decimal mark
**   DATE     ISO 8601 YYYY-MM-DD (a fractional day is floored, as in R)
**   LOGICAL  TRUE or FALSE
**   FACTOR   the level's text
**   missing  NA in every type, as R's write.csv writes it
**
** A field is quoted only when it must be (it holds a comma, a double quote,
** CR or LF; a column name also when it holds ';' or a tab); quotes inside
** are doubled.  Variable labels, unused factor levels and the numbers
** behind labelled values are not written.
** Reading back a file that onc_csv_read produced gives the same frame.
** For other frames the values come back, but the type can differ where
** the text is ambiguous (a factor whose levels all look like numbers reads
** back as numbers, a level spelled NA as missing, a column with no value
** at all as logical).  docs/csv.md has the details.
** Returns ONC_OK, ONC_ERR_USAGE (NULL frame or fp, no columns), ONC_ERR_DATA (a date
** outside 0001-01-01 .. 9999-12-31, a factor code out of range: err names
** the row and column), ONC_ERR_IO (a write failed), ONC_ERR_NOMEM.  On
** failure part of the file may have been written; write through a
** temporary file (onc_output_open) to make the result all or nothing.
*/
onc_status onc_csv_write(const onc_frame *frame, FILE *fp, onc_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_IO_H */
