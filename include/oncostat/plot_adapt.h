/*
** oncostat/plot_adapt.h -- from analyses to figures: the inputs of the
** figure library (oncostat/plot.h) filled from Kaplan-Meier and Cox
** results, the subgroup analysis behind a forest plot, and the short
** report that accompanies each figure (what was drawn, with every number
** at full precision in JSON).
**
** The command line (`oncostat plot km|forest|waterfall|swimmer`) and study
** reports use these functions, so a figure and its numbers come from one
** path.  docs/plot.md describes the command; docs/figures.md the figures.
**
** Typical use:
**
**     onc_plot_km_curves *kc = NULL;
**     if (onc_plot_km_curves_from_fit(fit, n, time, status, arm, labels,
**                                     1.0 / 30.4375, &kc, &err) == ONC_OK)
**         onc_plot_km(kc->curves, kc->n_curves, &opt, "os.pdf", &err);
**     onc_plot_km_curves_free(kc);
**
** Ownership: every structure returned through an out-pointer belongs to
** the caller and is released with its _free function, which accepts NULL.
** Inputs are const and are not retained; labels are copied.
*/
#ifndef ONCOSTAT_PLOT_ADAPT_H
#define ONCOSTAT_PLOT_ADAPT_H

#include <stdio.h>

#include "oncostat/core.h"
#include "oncostat/cox.h"
#include "oncostat/km.h"
#include "oncostat/km_render.h"
#include "oncostat/model.h"
#include "oncostat/plot.h"
#include "oncostat/render.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Kaplan-Meier curves                                                 */
/* ------------------------------------------------------------------ */

typedef struct onc_plot_km_curves {
    size_t n_curves;
    onc_plot_curve *curves;  /* ready for onc_plot_km_build() */
    /* 0 when the fit had delayed entry: numbers at risk counted from exit
    ** times alone would be wrong, so the risk table, the KMunicate rows
    ** and min_at_risk must not be used with these curves. */
    int risk_counts_valid;
    double *values;          /* internal: every array the curves point into */
    char *text;              /* internal: the copied labels */
} onc_plot_km_curves;

/*
** Curves of a Kaplan-Meier figure from a fit.
**
**   fit         onc_km_fit_groups() result for the observations below
**   n           number of observations given to the fit
**   time        n exit times, as given to the fit
**   status      n values, 1 = event, 0 = censored
**   group       n codes 0 .. fit->n_groups-1, or NULL for one group
**   labels      fit->n_groups legend labels (copied), or NULL for
**               "group 1", "group 2", ...
**   time_scale  every time is multiplied by it (1 / 30.4375 turns days
**               into months); 0 means 1
**
** Curve g: the step function (0, 1), then one step per row of the fit
** (time, S, lower, upper; NaN limits stay NaN and break the band), a censor
** mark at every row with censored observations (as R plot.survfit), the
** median from fit->curves[g].median, and the group's observations for the
** numbers at risk.  Weights do not enter the numbers at risk: they count
** patients.
** Errors: ONC_ERR_USAGE for a group code out of range, a non-finite or
** negative scale; ONC_ERR_DATA (naming the group) for a group without
** observations, which no figure can show; ONC_ERR_NOMEM.
*/
onc_status onc_plot_km_curves_from_fit(const onc_km_fit *fit, size_t n,
                                       const double *time, const double *status,
                                       const int32_t *group,
                                       const char *const *labels,
                                       double time_scale,
                                       onc_plot_km_curves **out, onc_error *err);
void onc_plot_km_curves_free(onc_plot_km_curves *curves);

/*
** The text printed in a KM figure's corner, e.g.
**     Log-rank P = 0.001
**     Female vs Male: HR 0.59 (95% CI 0.42-0.82)
** test_name: "Log-rank" (onc_logrank_test_name()), "Robust score test",
** ...; NULL for no test line; a NaN P also gives none.  cox: the model of
** the group indicators, or NULL for no hazard ratios; contrast_labels:
** cox->p texts such as "Female vs Male".  An aliased or infinite
** coefficient reads "HR not estimable"; an infinite limit "NE".  P values
** follow onc_format_p ("P < 0.0001", "P = 0.032").  Always
** NUL-terminates buf; ONC_ERR_LIMIT when the text did not fit.
*/
onc_status onc_plot_km_annotation(const char *test_name, double p_value,
                                  const onc_cox_fit *cox,
                                  const char *const *contrast_labels,
                                  char *buf, size_t cap, onc_error *err);

/* ------------------------------------------------------------------ */
/* Forest plots                                                        */
/* ------------------------------------------------------------------ */

/*
** Rows of a forest plot with the numbers behind them.  rows[] is ready for
** onc_plot_forest_build(); the parallel arrays keep what the figure does
** not show.  A row that cannot be estimated (no events, one arm only, an
** aliased or infinite coefficient, or a Wald interval unbounded on both
** sides) has hr, lower and upper NaN and is drawn as "NE"; its estimate
** (if any) stays in log_hr.
*/
typedef struct onc_plot_forest_table {
    size_t n_rows;
    onc_plot_forest_row *rows;
    double *log_hr;          /* n_rows: coefficient; NaN for headers */
    double *se;              /* n_rows: its standard error (robust when the
                                fit was robust) */
    double *p_value;         /* n_rows: Wald P of the coefficient */
    int *infinite;           /* n_rows: 1 = monotone likelihood */
    double *lr_chisq;        /* n_rows: header rows of subgroups: the
                                likelihood-ratio statistic for interaction */
    double *lr_df;           /* n_rows: its degrees of freedom */
    size_t *n_missing;       /* n_rows: header rows of subgroups: rows left
                                out of that subgroup for a missing value */
    char **labels;           /* internal: the rows' label storage */
} onc_plot_forest_table;

void onc_plot_forest_table_free(onc_plot_forest_table *t);

/*
** One forest row per coefficient of a multivariable Cox model.
**
**   fit   the model
**   d     the data it was fitted to (d->x gives the level counts)
**   cols  fit->p model-frame columns (onc_model.cols) naming the
**         coefficients
**
** One row per coefficient, in model order: a numeric column labelled with
** its name ("age"), a factor contrast "variable (level vs reference)", e.g.
** "ph.ecog (2 vs 0)", an interaction column with its model-matrix name.
** n and events count the rows whose indicator is 1 (every row for numeric
** columns and interactions).  No headers (the figure would indent the
** terms after one) and no P for interaction.
*/
onc_status onc_plot_forest_from_cox(const onc_cox_fit *fit, const onc_cox_data *d,
                                    const onc_model_column *cols,
                                    onc_plot_forest_table **out, onc_error *err);

/* A subgroup variable of a forest plot. */
typedef struct onc_plot_subgroup {
    const char *name;             /* header label, "ECOG performance status" */
    const int32_t *code;          /* n codes 0 .. n_levels-1, -1 = missing */
    size_t n_levels;
    const char *const *levels;    /* row labels of the levels */
} onc_plot_subgroup;

/* The data of a subgroup analysis; arrays have n elements. */
typedef struct onc_plot_subgroup_data {
    size_t n;
    const double *start;          /* NULL = right-censored */
    const double *stop;
    const double *status;         /* 1 = event, 0 = censored */
    const double *weights;        /* NULL = 1 */
    const int32_t *strata;        /* NULL = none; every model is stratified */
    const double *treatment;      /* the compared variable, e.g. 1 = TACE,
                                     0 = resection */
    const char *overall_label;    /* NULL: "All patients" */
    size_t n_subgroups;
    const onc_plot_subgroup *subgroups;
} onc_plot_subgroup_data;

/*
** Subgroup analysis of one treatment effect, as the forest plots of
** trial reports: the hazard ratio of `treatment` from a Cox model fitted
** to all rows (the overall row) and to the rows of each level of each
** subgroup variable, and per variable the P for interaction from the
** likelihood-ratio test of treatment * variable against treatment +
** variable (R: anova(coxph(S ~ trt + v), coxph(S ~ trt * v))), on the rows
** where the variable is known.  Rows whose subgroup code is -1 are left
** out of that variable only (counted in n_missing).  Levels without rows
** are skipped.  opt may be NULL for R's defaults (Efron ties).
**
** Rows: the overall row, then per variable a header (its P for
** interaction) followed by its levels.  A level without events, or where
** every row has the same treatment, is not estimable ("NE").
** NaN policy: a NaN treatment is ONC_ERR_DATA naming the row; NaN times or
** events are reported by the Cox fit of the first model that uses them.
** Errors: ONC_ERR_USAGE for missing arrays or codes out of range;
** ONC_ERR_DATA, ONC_ERR_COMPUTE from the Cox fits (the message names the
** subgroup); ONC_ERR_LIMIT beyond 500 rows; ONC_ERR_NOMEM.
*/
onc_status onc_plot_forest_subgroups(const onc_plot_subgroup_data *d,
                                     const onc_cox_options *opt,
                                     onc_plot_forest_table **out, onc_error *err);

/* ------------------------------------------------------------------ */
/* What a figure shows, for people and programs                        */
/* ------------------------------------------------------------------ */

/* The KM figure: its groups, the test and the hazard ratios. */
typedef struct onc_plot_km_summary {
    const char *path;             /* the figure file */
    const char *formula;          /* may be NULL */
    const onc_km_fit *fit;        /* in the figure's time unit */
    onc_group_labels groups;      /* groups.n_groups = fit->n_groups */
    const char *time_unit;        /* may be NULL */
    const char *test_name;        /* NULL: no test */
    double test_chisq, test_df, test_p;
    const onc_cox_fit *cox;       /* NULL: no hazard ratios */
    const char *const *contrast_labels;   /* cox->p, e.g. "Female vs Male" */
    const char *annotation;       /* the text drawn in the figure */
    const onc_exclusions *excluded;       /* may be NULL */
} onc_plot_km_summary;

/* The forest figure. */
typedef struct onc_plot_forest_summary {
    const char *path;
    const char *formula;          /* may be NULL */
    const char *kind;             /* "subgroups", "model" or "table" */
    const onc_plot_forest_row *rows;
    size_t n_rows;
    const onc_plot_forest_table *table;   /* may be NULL (rows given as is) */
    const onc_exclusions *excluded;       /* may be NULL */
} onc_plot_forest_summary;

/* The waterfall figure; bars in the order they were given. */
typedef struct onc_plot_waterfall_summary {
    const char *path;
    const onc_plot_waterfall_bar *bars;
    size_t n_bars;
    const char *const *categories;        /* legend order, or NULL */
    size_t n_categories;
    onc_plot_criteria criteria;
    const onc_exclusions *excluded;
} onc_plot_waterfall_summary;

/* The swimmer figure. */
typedef struct onc_plot_swimmer_summary {
    const char *path;
    const onc_plot_swimmer_lane *lanes;
    size_t n_lanes;
    const char *time_unit;
    const onc_exclusions *excluded;
} onc_plot_swimmer_summary;

/*
** Write the summary of a figure.  TEXT: what was written where, the table
** behind the figure (rounded as papers print it) and the rows left out.
** JSON: one object with every number at full precision (keys in
** docs/plot.md).  CSV: the table behind the figure at full precision.
** Errors: ONC_ERR_USAGE for an inconsistent summary, ONC_ERR_IO when
** writing fails, ONC_ERR_NOMEM.
*/
onc_status onc_plot_km_summary_render(const onc_plot_km_summary *s,
                                      onc_output_mode mode, FILE *fp);
onc_status onc_plot_forest_summary_render(const onc_plot_forest_summary *s,
                                          onc_output_mode mode, FILE *fp);
onc_status onc_plot_waterfall_summary_render(const onc_plot_waterfall_summary *s,
                                             onc_output_mode mode, FILE *fp);
onc_status onc_plot_swimmer_summary_render(const onc_plot_swimmer_summary *s,
                                           onc_output_mode mode, FILE *fp);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_PLOT_ADAPT_H */
