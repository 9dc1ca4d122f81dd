/*
** oncostat/km_render.h -- Kaplan-Meier and log-rank results as people and
** programs read them: aligned text tables, one JSON object, CSV.
**
** These functions only read result structs (oncostat/km.h,
** oncostat/logrank.h) and the labels given with them; every number they
** print was computed before.  The command line (`oncostat km`,
** `oncostat logrank`) and study reports call them, so both show the same
** output.  docs/km.md describes every field.
**
** Typical use:
**
**     onc_km_report rep;
**     onc_km_report_init(&rep);
**     rep.fit = fit;
**     rep.n_groups = fit->n_groups;
**     rep.labels = labels;            (e.g. "arm=TACE")
**     rep.excluded = &excluded;
**     onc_km_render(&rep, ONC_OUTPUT_TEXT, stdout);
*/
#ifndef ONCOSTAT_KM_RENDER_H
#define ONCOSTAT_KM_RENDER_H

#include <stdio.h>

#include "oncostat/core.h"
#include "oncostat/km.h"
#include "oncostat/logrank.h"
#include "oncostat/render.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
** Names of the groups a result compares.  labels[g] names group g
** ("arm=TACE, sex=F"); vars and values, when given, spell it out for the
** JSON "strata" object: values[g][v] is the level of column vars[v].
*/
typedef struct onc_group_labels {
    size_t n_groups;
    const char *const *labels;            /* n_groups; NULL = "group 1", ... */
    size_t n_vars;
    const char *const *vars;              /* n_vars column names, or NULL */
    const char *const *const *values;     /* [n_groups][n_vars], or NULL */
} onc_group_labels;

/* Everything `oncostat km` shows. */
typedef struct onc_km_report {
    const onc_km_fit *fit;
    onc_group_labels groups;              /* groups.n_groups = fit->n_groups */
    const char *formula;                  /* heading; may be NULL */
    /* Difference of two curves at fit's times: S_group - S_reference. */
    int has_difference;
    size_t difference_group, difference_reference;
    const onc_km_difference *differences; /* one per fit time */
    /* RMST contrasts: group g against rmst_reference, one per group (the
    ** reference's own entry is not read); NULL = none. */
    size_t rmst_reference;
    const onc_rmst_comparison *rmst_comparisons;
    const onc_exclusions *excluded;       /* rows left out; may be NULL */
    double landmark;                      /* NaN = no landmark analysis */
    /* Text output only (JSON always has everything): */
    int show_table;                       /* the survival table of each curve */
    int show_quantiles;                   /* quantile columns besides the median */
    int show_rmst;                        /* the RMST section */
    int median_spss;                      /* median CI as SPSS, not R */
} onc_km_report;

/* Zero everything; landmark = NaN. */
void onc_km_report_init(onc_km_report *r);

/*
** Write the report.  TEXT: the group table (n, events, median with CI or
** "NR", survival at the times as "S (lower-upper)"), the contrasts and the
** exclusions.  JSON: one object with every number at full precision (keys
** in docs/km.md).  CSV: the group table, or with show_table the survival
** tables stacked, numbers at full precision and NA for undefined values.
** Errors: ONC_ERR_USAGE for an inconsistent report, ONC_ERR_IO when
** writing fails, ONC_ERR_NOMEM.
*/
onc_status onc_km_render(const onc_km_report *r, onc_output_mode mode,
                         FILE *fp);

/* Which P values the pairwise log-rank table reports as adjusted. */
typedef enum onc_p_adjust {
    ONC_P_ADJUST_NONE = 0,
    ONC_P_ADJUST_HOLM = 1,
    ONC_P_ADJUST_BONFERRONI = 2
} onc_p_adjust;

/* Everything `oncostat logrank` shows. */
typedef struct onc_logrank_report {
    const onc_logrank_result *result;
    onc_group_labels groups;              /* groups.n_groups = n_groups */
    const char *const *strata_labels;     /* n_strata, or NULL */
    const char *formula;                  /* heading; may be NULL */
    int show_trend;
    onc_p_adjust adjust;                  /* for result->pairs */
    const onc_exclusions *excluded;       /* may be NULL */
    double landmark;                      /* NaN = none */
} onc_logrank_report;

/* Zero everything; landmark = NaN, adjust = Holm. */
void onc_logrank_report_init(onc_logrank_report *r);

/*
** Write the report.  TEXT: observed, expected and the survdiff columns per
** group, the test, the trend and pairwise tests, the exclusions.  JSON:
** one object (keys in docs/km.md).  CSV: the per-group table.
*/
onc_status onc_logrank_render(const onc_logrank_report *r,
                              onc_output_mode mode, FILE *fp);

/* The name of a test as papers print it: "Log-rank", "Peto-Peto",
** "Gehan-Breslow", "Tarone-Ware", "Fleming-Harrington G(1, 1)" (into buf). */
size_t onc_logrank_test_name(const onc_logrank_result *r, char *buf,
                             size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_KM_RENDER_H */
