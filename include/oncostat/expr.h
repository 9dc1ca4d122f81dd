/*
** oncostat/expr.h -- row-wise expressions over a data frame.
**
** Expressions define events inside Surv(), eligibility criteria in study
** plans and subgroups.  They are parsed once and evaluated over every row
** of a frame, giving one double per row: numbers as they are, logical
** results as 0 or 1, and NaN for a missing value.
**
** Grammar, from the loosest binding to the tightest (docs/formulas.md has
** the user-facing description):
**
**     or          a | b     a || b    a or b
**     and         a & b     a && b    a and b
**     not         !a        not a
**     comparison  == != < <= > >=     x in (1, 2)   x %in% c("a", "b")
**     additive    + -
**     multiply    * /
**     unary       -a  +a
**     primary     number  "text"  'text'  TRUE  FALSE  name  `any name`
**                 missing(x)  is.na(x)  log(x)  exp(x)  sqrt(x)  abs(x)
**                 ( expression )
**
** Comparisons do not chain (`a < b < c` is a syntax error, as in R).
** Missing values follow R's three-valued logic: NA & FALSE is FALSE,
** NA | TRUE is TRUE, anything else involving NA is NA.  Unlike R's %in%, a
** missing x makes `x in (...)` missing rather than FALSE, so that
** `not x in (...)` never quietly selects rows whose x is unknown.
** Arithmetic that gives no finite number (x / 0) gives a missing value.
**
** Column types: a factor compared with text compares the level name, and a
** text that is not one of its levels is an error (a typo must not select
** nobody).  A factor used as a number takes level_values[k] when the frame
** has them, else the level name read as a number; levels that are not
** numbers give missing values, and a factor without any numeric level
** cannot be used as a number.  A date column compared with "YYYY-MM-DD"
** compares dates; otherwise dates are days since 1970-01-01.
**
** Positions in messages are 1-based character positions (UTF-8 code
** points); the message repeats the text with a caret under the position:
**     formula: syntax error at character 19: expected ',' or ')'
**       Surv(time, status ~ arm
**                         ^
*/
#ifndef ONCOSTAT_EXPR_H
#define ONCOSTAT_EXPR_H

#include "oncostat/core.h"
#include "oncostat/frame.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest expression or formula text accepted, in bytes. */
#define ONC_EXPR_MAX_LENGTH 65536
/* Deepest nesting accepted: parentheses, and the height of the parsed tree
** (a chain of 300 `|` is 300 deep). */
#define ONC_EXPR_MAX_DEPTH 256

typedef struct onc_expr onc_expr;

/*
** Parse `text` as a complete expression.  Syntax errors return
** ONC_ERR_PARSE with the position in err; texts (or their normalised
** form) longer than ONC_EXPR_MAX_LENGTH or nested deeper than
** ONC_EXPR_MAX_DEPTH return ONC_ERR_LIMIT.  Column names are not checked until evaluation.
**
**     onc_expr *e;
**     if (onc_expr_parse("vital == \"dead\" & age >= 18", &e, &err) == ONC_OK) ...
*/
onc_status onc_expr_parse(const char *text, onc_expr **out, onc_error *err);

/*
** Evaluate e for every row of df into result[0 .. df->n_rows-1].
** Unknown columns (ONC_ERR_USAGE, with close names suggested), a text that
** is not a level of the factor it is compared with, a text compared with a
** number, or a non-date text compared with a date (ONC_ERR_DATA) are
** errors; on error the content of result is unspecified.
*/
onc_status onc_expr_eval(const onc_expr *e, const onc_frame *df,
                         double *result, onc_error *err);

/* Normalised text for reports, e.g. `age >= 18 & ecog %in% c(0, 1)`.
** Parsing it again gives the same expression and the same text. */
const char *onc_expr_text(const onc_expr *e);

void onc_expr_free(onc_expr *e);

/* The column name when the whole expression is one column reference
** (`status`, `` `vital status` ``), else NULL. */
const char *onc_expr_bare_column(const onc_expr *e);

/* Distinct columns the expression reads, in order of first appearance:
** the i-th name (NULL when i is out of range) and, if offset is not NULL,
** the byte offset of its first appearance in the text it was parsed from. */
size_t onc_expr_n_columns(const onc_expr *e);
const char *onc_expr_column(const onc_expr *e, size_t i, size_t *offset);

/* Byte offset of the expression's first token in the text it was parsed
** from (0 for onc_expr_parse of a text without leading blanks). */
size_t onc_expr_offset(const onc_expr *e);

/*
** Helpers for parsers that embed expressions or column names in a larger
** text (formulas, study plans).  Offsets are 0-based byte offsets into
** `text`; messages report 1-based character positions in the whole text
** and begin with `label` ("formula").
*/

/* Parse the longest expression that starts at text[start], stopping before
** the first token that cannot continue it (`,` `)` `~` `:` end of text ...);
** *end receives the offset of that token. */
onc_status onc_expr_parse_at(const char *text, size_t start, const char *label,
                             onc_expr **out, size_t *end, onc_error *err);

/* If a column name starts at text[pos] (a bare name [A-Za-z_.][A-Za-z0-9_.]*
** not starting with a dot and a digit, or a `backquoted name` with \` and \\
** escapes), store its length in bytes in *length and the unescaped name in
** *name (caller frees); otherwise *length = 0 and *name = NULL.  A backquoted
** name that is empty or unterminated is an ONC_ERR_PARSE. */
onc_status onc_expr_scan_name(const char *text, size_t pos, const char *label,
                              size_t *length, char **name, onc_error *err);

/* `name` written as it must appear in an expression or formula: as is when
** it is a bare name and not a reserved word (and or not in TRUE FALSE),
** else backquoted.  Caller frees; NULL when out of memory. */
char *onc_expr_quote_name(const char *name);

/*
** Record an error located at text[offset]:
**     "<label>: <what> at character N[: <detail>]\n  <text>\n  <caret>"
** Long texts are shown as a window around the position.  Returns status.
*/
onc_status onc_expr_error_at(onc_error *err, onc_status status, const char *label,
                             const char *text, size_t offset, const char *what,
                             const char *detail_fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

/* Find column `name` in df and store its index in *index.  When it is
** absent, return ONC_ERR_USAGE with a message located at text[offset] that
** names the column and suggests close names ("did you mean 'age_years'?")
** or, when none is close, lists the columns. */
onc_status onc_expr_find_column(const onc_frame *df, const char *name,
                                const char *label, const char *text,
                                size_t offset, long *index, onc_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_EXPR_H */
