/*
** oncostat/rates_render.h -- rates by group (oncostat/rates.h) as people
** and programs read them: the table of a response or toxicity rate by arm
** with exact intervals, the comparisons with the reference arm, and the
** tests over the table, as text, JSON or CSV.
**
** These functions only read an onc_rates_result and the labels given with
** it; every number they print was computed before.  `oncostat rates` and
** study reports call them.  docs/rates.md describes every field.
*/
#ifndef ONCOSTAT_RATES_RENDER_H
#define ONCOSTAT_RATES_RENDER_H

#include <stdio.h>

#include "oncostat/core.h"
#include "oncostat/km_render.h"     /* onc_group_labels */
#include "oncostat/rates.h"
#include "oncostat/render.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct onc_rates_report {
    const onc_rates_result *result;
    onc_group_labels groups;            /* groups.n_groups = result->n_groups */
    const char *const *categories;      /* result->n_categories names; NULL =
                                           "no event", "event" (binary) or
                                           "category 1", ... */
    const char *formula;                /* heading; may be NULL */
    const char *outcome;                /* the outcome as written; may be NULL */
    const onc_exclusions *excluded;     /* rows left out; may be NULL */
} onc_rates_report;

/* Zero everything. */
void onc_rates_report_init(onc_rates_report *r);

/*
** Write the report.
** TEXT: per group n, events, % with the interval (binary) or n (%) per
** category; the comparisons with the first group (difference in
** percentage points with Newcombe's interval, conditional odds ratio with
** its exact interval, Fisher and chi-square P); the tests over the table
** and for trend; the exclusions.
** JSON: "arms" [{arm, groups, n, count, proportion, lower, upper}]
** (categorical: "categories" and per arm "counts" [{category, count,
** proportion, lower, upper}]), "overall", "comparisons" [{arm, reference,
** difference, lower, upper, odds_ratio, or_lower, or_upper, or_sample,
** or_woolf_lower, or_woolf_upper, fisher_p, chisq, chisq_df, chisq_p,
** yates}], "test" {fisher_p, fisher_limited, chisq, chisq_df, chisq_p,
** min_expected, n_expected_below_5}, "trend" {statistic, df, p} or null,
** and n_total, n_used, n_excluded, excluded.
** CSV: one row per group (binary: arm, n, count, proportion, lower, upper)
** or per group and category (arm, category, n, count, proportion, lower,
** upper), then the row "All" (when there are two or more groups).
** Errors: ONC_ERR_USAGE for an inconsistent report, ONC_ERR_IO,
** ONC_ERR_NOMEM.
*/
onc_status onc_rates_render(const onc_rates_report *r, onc_output_mode mode,
                            FILE *fp);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_RATES_RENDER_H */
