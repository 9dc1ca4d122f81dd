/*
** oncostat/formula.h -- R-style model formulas.
**
**     Surv(time, status == 2) ~ arm * age + factor(ecog) + strata(center) + cluster(id)
**     Surv(start, stop, event) ~ arm              counting-process data
**     response %in% c("CR", "PR") ~ arm           a plain response
**     ~ 1                                          no response, no terms
**
** The left side is Surv(time), Surv(time, event), Surv(start, stop, event),
** an expression (oncostat/expr.h), or nothing.  Every Surv() argument is
** an expression, so `Surv(days / 30.4375, vital == "dead")` is allowed.
**
** The right side combines variables (column names, bare or `backquoted`,
** or factor(name)) with R's operators: `a + b`, `a:b` (interaction),
** `a * b` (= a + b + a:b), parentheses (`(a + b):c` = a:c + b:c) and `1`
** (the intercept, always present).  strata(a, ...), cluster(id) and
** offset(expression) are terms of their own, not variables.  As in R,
** duplicate terms are dropped, the variables of an interaction are put in
** the order in which they first appear in the formula, and terms are
** ordered by interaction order (main effects first), otherwise as written.
** Removing terms (`- 1`, `- a`, `0 +`), `^`, `.` and other functions are
** not supported and are reported as errors.
*/
#ifndef ONCOSTAT_FORMULA_H
#define ONCOSTAT_FORMULA_H

#include "oncostat/core.h"
#include "oncostat/expr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Caps on what one formula may expand to. */
#define ONC_FORMULA_MAX_TERMS 1024
#define ONC_FORMULA_MAX_ORDER 16    /* variables in one interaction */

typedef enum onc_response_kind {
    ONC_RESPONSE_NONE = 0,      /* `~ x` */
    ONC_RESPONSE_SURV = 1,      /* Surv(time) or Surv(time, event) */
    ONC_RESPONSE_COUNTING = 2,  /* Surv(start, stop, event) */
    ONC_RESPONSE_VALUE = 3      /* `y ~ x`: a column or an expression */
} onc_response_kind;

typedef struct onc_formula_variable {
    char *name;         /* column name, unescaped */
    int as_factor;      /* written factor(name) */
    size_t offset;      /* byte offset of its first appearance in the text */
} onc_formula_variable;

typedef struct onc_formula_term {
    char *label;                    /* "arm", "factor(ecog)", "arm:age" */
    size_t order;                   /* number of variables: 1 = main effect */
    onc_formula_variable *vars;     /* order entries, in formula order */
} onc_formula_term;

typedef struct onc_formula {
    char *source;                   /* the text as given */
    char *text;                     /* normalised, e.g. "Surv(time, status) ~ arm + age" */
    onc_response_kind kind;
    size_t n_response;              /* SURV 1-2, COUNTING 3, VALUE 1, NONE 0 */
    onc_expr **response;            /* time[, event] / start, stop, event / value */
    size_t n_terms;
    onc_formula_term *terms;
    size_t n_strata;                /* strata(a, b) and strata(a) + strata(b) alike */
    onc_formula_variable *strata;
    onc_formula_variable *cluster;  /* NULL when there is no cluster() */
    onc_expr *offset;               /* NULL when there is no offset() */
} onc_formula;

/*
** Parse a formula.  Errors: ONC_ERR_PARSE with the character position and
** a caret line, ONC_ERR_LIMIT beyond ONC_EXPR_MAX_LENGTH bytes (of the
** text, or of its normalised, expanded form), ONC_FORMULA_MAX_TERMS terms
** or ONC_FORMULA_MAX_ORDER variables in a term.
** Column names are checked when the model frame is built (oncostat/model.h).
*/
onc_status onc_formula_parse(const char *text, onc_formula **out, onc_error *err);

/* The normalised text (also f->text). */
const char *onc_formula_text(const onc_formula *f);

void onc_formula_free(onc_formula *f);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_FORMULA_H */
