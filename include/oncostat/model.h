/*
** oncostat/model.h -- the model frame: a formula applied to a data frame.
**
** onc_model_build() turns a frame and a formula into the plain arrays every
** estimator takes: the rows used, the response (survival times and event
** indicators, or a value), the design matrix with treatment contrasts (as
** R's model.matrix without its intercept column), strata, clusters,
** offset, weights, and the crossed groups that Kaplan-Meier curves and
** log-rank tests compare.  docs/formulas.md describes the rules for users.
**
** Event coding (R's Surv rules, with errors where R only warns):
**   a logical column, or any expression other than a bare column: 1/0;
**   a numeric column whose non-missing values are all in {0, 1}: as is;
**   all in {1, 2}: 2 = event, 1 = censored;
**   anything else, e.g. 3, or 0/1/2 together: ONC_ERR_DATA naming the row.
** A factor column as the event is an error that suggests a comparison
** (`vital == "dead"`).  Surv(time) means every row is an event.
**
** Factors (factor columns, text columns, factor(x), logical columns):
** levels are ordered as R sorts them -- by level_values when the frame has
** them, numerically when every level is a number, otherwise by bytes -- and
** the first is the reference unless options name another.  Levels with no
** row left after exclusions are dropped and listed in dropped_levels (R
** keeps them and reports NA coefficients).  A factor with a single level
** left contributes no column (R stops: "contrasts can be applied only to
** factors with 2 or more levels").
**
** Interactions follow R's rule for coding a factor inside a term: by
** contrasts (reference level left out) when the term without that factor is
** also in the model, or is empty; otherwise by one indicator per level.
** So `arm * age` gives armB, armC, age, armB:age, armC:age, and `age:arm`
** alone gives age:armA, age:armB, age:armC, as model.matrix does.
**
** Missing values: a row is left out when any variable the model uses
** (response, terms, strata, cluster, offset, weights) is missing.  Each row
** is counted once, under the first such variable in the order the formula
** names them, with weights last ("missing value in 'ecog'").  An
** expression is missing only when its value is (R's logic:
** `vital == "dead" | progressed` is TRUE when either is TRUE).
*/
#ifndef ONCOSTAT_MODEL_H
#define ONCOSTAT_MODEL_H

#include "oncostat/core.h"
#include "oncostat/frame.h"
#include "oncostat/formula.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most design-matrix columns one model may have. */
#define ONC_MODEL_MAX_COLUMNS 10000

/* A reference level chosen by the user (`--ref arm=Control`).  References
** for variables the model does not use as factors are ignored. */
typedef struct onc_ref_level {
    const char *variable;       /* column name */
    const char *level;          /* level name; for factor(x) of a number, as R
                                ** prints it ("2", "1e+05") */
} onc_ref_level;

typedef struct onc_model_options {
    const char *weights;                        /* column name or NULL */
    const onc_ref_level *refs;
    size_t n_refs;
    int group_numeric_by_value; /* numeric right-hand variables form groups,
                                ** one per distinct value, as R survfit does;
                                ** when 0 they do not take part in groups */
} onc_model_options;

/* One design-matrix column.  For factor components, `level` joins the
** levels of the term's factors with ':' and `reference` the reference
** levels of those coded by contrasts; both are NULL for numeric terms,
** and reference is NULL when every factor in the term is coded by
** indicators.  Logical x gives term "x", level "TRUE", reference "FALSE". */
typedef struct onc_model_column {
    char *term;                 /* "arm", "factor(ecog)", "arm:age" */
    char *variable;             /* "arm", "ecog", "arm:age" */
    char *level;                /* "TACE", "TACE:M", or NULL */
    char *reference;            /* "Control", "Control:F", or NULL */
    char *name;                 /* R's model.matrix name: "armTACE", "armTACE:age" */
} onc_model_column;

typedef enum onc_event_coding {
    ONC_EVENT_NONE = 0,         /* no event (VALUE/NONE response) */
    ONC_EVENT_LOGICAL = 1,      /* logical column or expression: TRUE = event */
    ONC_EVENT_ZERO_ONE = 2,     /* 1 = event, 0 = censored */
    ONC_EVENT_ONE_TWO = 3,      /* 2 = event, 1 = censored */
    ONC_EVENT_ALL = 4           /* Surv(time): every row is an event */
} onc_event_coding;

typedef struct onc_model {
    size_t n;                   /* rows used */
    size_t *row;                /* n: 1-based source row of each used row */
    onc_response_kind kind;
    /* SURV: time, status (0/1); COUNTING: time = start, time2 = stop. */
    double *time, *time2, *status;
    onc_event_coding event_coding;
    /* VALUE response: a factor (codes 0.., y_levels[0] the reference) ... */
    int32_t *y_code;
    char **y_levels;
    size_t n_y_levels;
    double *y;                  /* ... or numeric (NULL when a factor) */
    size_t p;                   /* 0, x and cols NULL, without ONC_MODEL_DESIGN */
    double *x;                  /* n x p, column-major, no intercept */
    onc_model_column *cols;     /* p */
    int32_t *strata;            /* n codes 0.., NULL without strata() */
    char **strata_labels;       /* "center=A", "a=1, b=2" */
    size_t n_strata;
    int32_t *cluster;           /* n codes 0.., NULL without cluster() */
    size_t n_clusters;
    double *offset;             /* n, NULL when absent */
    double *weights;            /* n, NULL when absent */
    /* Right-hand variables crossed, for Kaplan-Meier and log-rank: groups
    ** ordered with the first variable varying slowest, as R survfit; one
    ** group "all" when there are none.  Without ONC_MODEL_GROUPS, group
    ** to group_values are NULL and their counts 0. */
    int32_t *group;             /* n codes 0.. */
    size_t n_groups;
    char **group_labels;        /* "arm=TACE, sex=F" */
    size_t n_group_vars;
    char **group_vars;          /* column names */
    char ***group_values;       /* group_values[g][v]: level of variable v in group g */
    char **dropped_levels;      /* "arm=Other": factor levels with no row left */
    size_t n_dropped_levels;
} onc_model;

/*
** Parts of the model frame a caller may do without, for
** onc_model_build_parts().  Everything else (rows, response, strata,
** cluster, offset, weights, dropped_levels) is always built.
*/
typedef enum onc_model_part {
    ONC_MODEL_DESIGN = 1,       /* x and cols: regression models */
    ONC_MODEL_GROUPS = 2,       /* group and its labels: curves and log-rank tests */
    ONC_MODEL_ALL = 3
} onc_model_part;

/*
** Build the model frame.  `opt` may be NULL (no weights, no references).
** `excluded` may be NULL; otherwise it is initialised here with the
** frame's row count and receives the rows left out and why; release it
** with onc_exclusions_clear() whether or not the call succeeds.
** Errors: ONC_ERR_USAGE for an unknown column (with the position in the
** formula and close column names) or an unknown reference level (listing
** the levels); ONC_ERR_DATA for invalid event codes, negative times,
** start >= stop, negative or infinite weights (naming the row), or no
** rows left; ONC_ERR_LIMIT beyond ONC_MODEL_MAX_COLUMNS columns or
** INT32_MAX rows.
*/
onc_status onc_model_build(const onc_frame *df, const onc_formula *f,
                           const onc_model_options *opt, onc_model **out,
                           onc_exclusions *excluded, onc_error *err);

/*
** onc_model_build() limited to `parts`, a combination of onc_model_part
** (ONC_MODEL_ALL is onc_model_build()).  A part left out costs neither
** time nor memory: Kaplan-Meier curves and log-rank tests ask for
** ONC_MODEL_GROUPS alone and skip an n x p design matrix; Cox models ask
** for ONC_MODEL_DESIGN.  The parts built are the same, bit for bit, as
** those of onc_model_build(), and so are the rows used, the exclusions
** and the errors, except that without ONC_MODEL_DESIGN there is no
** ONC_MODEL_MAX_COLUMNS limit, and without ONC_MODEL_GROUPS a reference
** level is not checked for a numeric variable that only groups would
** have used.  Unknown bits in `parts` are ONC_ERR_USAGE.  (A parameter
** rather than a field of onc_model_options, so that options initialised
** field by field in order keep their meaning and keep compiling cleanly.)
**
**   onc_model_build_parts(df, f, &opt, ONC_MODEL_GROUPS, &m, &ex, &err);
*/
onc_status onc_model_build_parts(const onc_frame *df, const onc_formula *f,
                                 const onc_model_options *opt, unsigned parts,
                                 onc_model **out, onc_exclusions *excluded,
                                 onc_error *err);

void onc_model_free(onc_model *m);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_MODEL_H */
