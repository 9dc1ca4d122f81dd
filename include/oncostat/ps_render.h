/*
** oncostat/ps_render.h -- a propensity-score analysis as people and
** programs read it (`oncostat ps` and study reports share it): the
** propensity model, the weights or matches, positivity, covariate balance
** before and after, and the weighted survival comparison with its
** bootstrap; and the per-patient weights file.
**
** These functions only read result structs (oncostat/ps.h,
** oncostat/ps_outcome.h) and the labels given with them; every number they
** print was computed before.  docs/ps.md lists the JSON keys and CSV
** columns.
**
** Typical use:
**
**     onc_ps_report rep;
**     onc_ps_report_init(&rep);
**     rep.design = design;
**     rep.options = &dopt;
**     rep.arm = arm;
**     rep.arm_labels = labels;        ("imatinib", "resection")
**     rep.coef_names = names;         ("(Intercept)", "age", ...)
**     rep.positivity = pos;
**     rep.balance = bal;
**     rep.balance_labels = bal_labels;
**     rep.excluded = &excluded;
**     onc_ps_render(&rep, ONC_OUTPUT_TEXT, stdout);
*/
#ifndef ONCOSTAT_PS_RENDER_H
#define ONCOSTAT_PS_RENDER_H

#include <stdio.h>

#include "oncostat/core.h"
#include "oncostat/ps.h"
#include "oncostat/ps_outcome.h"
#include "oncostat/render.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct onc_ps_report {
    const char *formula;                /* the propensity formula (heading) */
    const char *treatment;              /* name of the treatment variable */
    const char *const *arm_labels;      /* design->n_arms level names */
    /* design->model's coefficient names for one arm, intercept first
    ** ("(Intercept)", "age", "ecog1", ...): p + 1 names. */
    const char *const *coef_names;
    size_t n_coef_names;
    const onc_ps_design *design;
    const onc_ps_design_options *options;   /* what design was built with */
    const int *arm;                     /* design->n arm codes */
    const onc_ps_positivity *positivity;    /* may be NULL */
    const onc_balance_table *balance;       /* may be NULL */
    const char *const *balance_labels;      /* balance->n_rows row names
                                               ("age", "ecog=1") */
    double balance_threshold;           /* the |SMD| the balance table
                                           flagged above (0 = 0.1) */
    const size_t *rows;                 /* design->n 1-based data rows, for
                                           listing unmatched patients; may be
                                           NULL */
    /* The weighted survival comparison (NULL = none). */
    const char *outcome;                /* "Surv(time, status)" */
    const onc_ps_outcome *result;
    const double *times;                /* the outcome's survival times */
    size_t n_times;
    const onc_ps_bootstrap *bootstrap;  /* may be NULL */
    const onc_exclusions *excluded;     /* may be NULL */
} onc_ps_report;

/* Zero everything. */
void onc_ps_report_init(onc_ps_report *r);

/*
** Write the report.  TEXT: aligned tables with rounded numbers and P
** values as journals print them.  JSON: one object with every number at
** full precision.  CSV: the balance table (one row per variable or factor
** level), numbers at full precision, NA where undefined.
** Errors: ONC_ERR_USAGE for an inconsistent report, ONC_ERR_IO when writing
** fails, ONC_ERR_NOMEM.
*/
onc_status onc_ps_render(const onc_ps_report *r, onc_output_mode mode,
                         FILE *fp);

/* The per-patient weights file. */
typedef struct onc_ps_weights_file {
    const onc_ps_design *design;
    const int *arm;                     /* design->n arm codes */
    const char *const *arm_labels;      /* design->n_arms */
    const size_t *rows;                 /* design->n 1-based data rows */
    const char *id_name;                /* id column name, or NULL */
    const char *const *ids;             /* design->n ids, or NULL */
} onc_ps_weights_file;

/*
** CSV, one line per patient of the design, in data order: `row` (the
** 1-based data row, for joining), the id column when given, `arm`,
** `ps_<arm>` for every arm (P(arm | x)), `weight`; after matching also
** `matched` (1/0) and `subclass` (the matched set, 1-based; NA when
** unmatched and for controls matched with replacement).  Unmatched
** patients have weight 0.  Numbers are written at full precision.
*/
onc_status onc_ps_write_weights(const onc_ps_weights_file *wf, FILE *fp);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_PS_RENDER_H */
