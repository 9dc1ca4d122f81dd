/*
** oncostat/ae_render.h -- the adverse-event table (oncostat/ae.h) as people
** and programs read it: text, JSON, CSV.
**
** These functions only read an onc_ae_table; every number was computed
** before.  `oncostat ae` and study reports call them.  docs/ae.md
** describes every field.
*/
#ifndef ONCOSTAT_AE_RENDER_H
#define ONCOSTAT_AE_RENDER_H

#include <stdio.h>

#include "oncostat/ae.h"
#include "oncostat/core.h"
#include "oncostat/render.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct onc_ae_report {
    const onc_ae_table *table;
    const char *events_source;              /* for the heading; may be NULL */
    const char *patients_source;
    const char *by;                         /* the arm column; may be NULL */
    int days_are_dates;                     /* onset days are dates */
    const onc_exclusions *events_excluded;  /* may be NULL */
    const onc_exclusions *patients_excluded;
} onc_ae_report;

/* Zero everything. */
void onc_ae_report_init(onc_ae_report *r);

/*
** Write the table.
** TEXT: one block per arm (and all patients together when there are
** several arms): the "any adverse event" row, then each term in the
** table's order, with the patients at each worst grade 1-5, any grade and
** grade >= 3 as "n (%)"; then the grade-5 events and the rows left out.
** JSON: "arms" [{arm, n}], "any" and "rows" [{term, soc, arms [{arm, n,
** grade1..grade5, any_grade, pct_any, grade3_plus, pct_grade3_plus}],
** total {...}}], "grade5" [{arm, patient, term, day, date, row}], the
** events' n_total, n_used, n_excluded, excluded, and the same for the
** patient list under "patient_list".
** CSV: one row per term and arm (then arm "All"): term, soc, arm, n,
** grade1..grade5, any_grade, pct_any, grade3_plus, pct_grade3_plus; the
** first rows are the "Any adverse event" row.
** Errors: ONC_ERR_USAGE for an incomplete report, ONC_ERR_IO, ONC_ERR_NOMEM.
*/
onc_status onc_ae_render(const onc_ae_report *r, onc_output_mode mode, FILE *fp);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_AE_RENDER_H */
