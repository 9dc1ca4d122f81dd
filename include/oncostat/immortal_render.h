/*
** oncostat/immortal_render.h -- the immortal-time analysis (naive,
** time-varying and landmark Cox models side by side) as text, JSON and
** CSV, for `oncostat immortal` and study reports.
**
** The function only reads an onc_immortal_result (oncostat/immortal.h)
** and the labels given with it; docs/immortal.md lists the JSON keys.
*/
#ifndef ONCOSTAT_IMMORTAL_RENDER_H
#define ONCOSTAT_IMMORTAL_RENDER_H

#include <stdio.h>

#include "oncostat/core.h"
#include "oncostat/immortal.h"
#include "oncostat/render.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct onc_immortal_report {
    const onc_immortal_result *result;
    const char *time;                   /* column names, for the heading */
    const char *event;
    const char *treatment_time;
    /* Names of the covariate columns of the Cox models (result->p of
    ** them, e.g. "age", "ecog1"); NULL when there are none. */
    const char *const *covariates;
    const onc_exclusions *excluded;     /* may be NULL */
} onc_immortal_report;

/* Zero everything. */
void onc_immortal_report_init(onc_immortal_report *r);

/*
** Write the report.  TEXT: the immortal-time warning (patients treated
** after time zero, the follow-up the naive analysis misclassifies), the
** three hazard ratios side by side, the Kaplan-Meier medians, the
** exclusions.  JSON: one object, every number at full precision.  CSV:
** the side-by-side table, one row per analysis.
** Errors: ONC_ERR_USAGE (inconsistent report), ONC_ERR_IO, ONC_ERR_NOMEM.
*/
onc_status onc_immortal_render(const onc_immortal_report *r,
                               onc_output_mode mode, FILE *fp);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_IMMORTAL_RENDER_H */
