/*
** oncostat/cox_render.h -- Cox models as people and programs read them:
** the clinical table "Variable / Level / HR (95% CI) / P" with reference
** rows, the global tests, the concordance, the proportional-hazards test,
** univariable and multivariable columns side by side, bootstrap limits,
** predicted survival for covariate profiles; one JSON object with every
** number; the coefficient table as CSV; residuals as CSV.
**
** These functions only read result structs (oncostat/cox.h) and the column
** descriptions of the model frame (oncostat/model.h); every number they
** print was computed before.  `oncostat cox` and study reports call them,
** so both show the same output.  docs/cox.md describes every field.
**
** Typical use:
**
**     onc_cox_report rep;
**     onc_cox_report_init(&rep);
**     rep.fit = fit;
**     rep.columns = model->cols;          (fit->p entries)
**     rep.formula = onc_formula_text(formula);
**     rep.excluded = &excluded;
**     onc_cox_render(&rep, ONC_OUTPUT_TEXT, stdout);
*/
#ifndef ONCOSTAT_COX_RENDER_H
#define ONCOSTAT_COX_RENDER_H

#include <stdio.h>

#include "oncostat/core.h"
#include "oncostat/cox.h"
#include "oncostat/model.h"
#include "oncostat/render.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One model of the univariable column: a term fitted alone. */
typedef struct onc_cox_univariable {
    const char *term;                  /* the formula term, "factor(ecog)" */
    const onc_cox_fit *fit;            /* NULL when it could not be fitted */
    const onc_model_column *columns;   /* fit->p descriptions */
    const char *error;                 /* why it could not be fitted, or NULL */
} onc_cox_univariable;

/* Predicted survival for covariate profiles (R survfit(fit, newdata)). */
typedef struct onc_cox_prediction {
    size_t n_profiles;
    const char *const *labels;         /* n_profiles: "age=60, sex=Female" */
    const double *x;                   /* n_profiles x p covariate rows,
                                          column-major, as the model used */
    const onc_cox_curves *curves;      /* n_profiles x strata curves, ordered
                                          by profile, then stratum */
    const onc_cox_curves *baseline;    /* baseline cumulative hazard at the
                                          means (R basehaz), or NULL */
    const double *times;               /* text and CSV: survival at these
                                          times; NULL = at every event time */
    size_t n_times;
} onc_cox_prediction;

/* Everything `oncostat cox` shows. */
typedef struct onc_cox_report {
    const onc_cox_fit *fit;
    const onc_model_column *columns;   /* fit->p column descriptions */
    const char *formula;               /* heading; may be NULL */
    const char *const *strata_labels;  /* fit->n_strata, or NULL */
    /* proportional hazards test; zph_terms[k] names term k */
    const onc_cox_zph *zph;
    const char *const *zph_terms;
    /* univariable fits, one per main-effect term; NULL = none */
    const onc_cox_univariable *univariable;
    size_t n_univariable;
    const onc_cox_bootstrap_result *bootstrap; /* NULL = none */
    const onc_cox_prediction *prediction;      /* NULL = none */
    const onc_exclusions *excluded;    /* rows left out; may be NULL */
    const char *const *dropped_levels; /* factor levels with no row left */
    size_t n_dropped_levels;
} onc_cox_report;

/* Zero everything. */
void onc_cox_report_init(onc_cox_report *r);

/*
** Write the report.  TEXT: the clinical table (reference rows as
** "1 (reference)", "†" on infinite estimates with the advice to use
** --firth), the tests, the concordance, the PH test, predictions and the
** exclusions.  JSON: one object with every number at full precision (keys
** in docs/cox.md).  CSV: one row per coefficient (with the univariable
** columns when present).  Errors: ONC_ERR_USAGE for an inconsistent
** report, ONC_ERR_IO when writing fails, ONC_ERR_NOMEM.
*/
onc_status onc_cox_render(const onc_cox_report *r, onc_output_mode mode,
                          FILE *fp);

/*
** Residuals as CSV: a "row" column with the 1-based source row of each
** value (source_row[i] for data row i, as onc_model.row; NULL = i + 1),
** then for Schoenfeld types "time" (and "stratum" when stratified) and one
** column per coefficient named by columns[j].name; martingale and
** deviance residuals have one column named after the type.  Numbers at
** full precision, NA for NaN.
*/
onc_status onc_cox_render_residuals(const onc_cox_residuals *res,
                                    const onc_model_column *columns,
                                    const size_t *source_row,
                                    const char *const *strata_labels,
                                    FILE *fp);

/* The name of a ties method: "efron", "breslow", "exact". */
const char *onc_cox_ties_name(onc_cox_ties ties);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_COX_RENDER_H */
