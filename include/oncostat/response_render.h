/*
** oncostat/response_render.h -- tumour response results as people and
** programs read them: the best-response table with ORR and DCR (text,
** JSON, CSV), and the per-patient and per-assessment files that feed
** progression-free survival and the waterfall plot.
**
** These functions only read result structs (oncostat/response.h); every
** number they print was computed before.  `oncostat response` and study
** reports call them.  docs/response.md describes every field.
**
**     onc_response_summary s;
**     onc_response_report rep;
**     onc_response_summarise(res, 0.95, ONC_CI_CLOPPER_PEARSON, &s, &err);
**     onc_response_report_init(&rep);
**     rep.result = res;
**     rep.summary = &s;
**     onc_response_render(&rep, ONC_OUTPUT_TEXT, stdout);
*/
#ifndef ONCOSTAT_RESPONSE_RENDER_H
#define ONCOSTAT_RESPONSE_RENDER_H

#include <stdio.h>

#include "oncostat/core.h"
#include "oncostat/render.h"
#include "oncostat/response.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct onc_response_report {
    const onc_response_result *result;
    const onc_response_summary *summary;  /* rates with their intervals */
    const char *source;                   /* lesion file, for the heading; may be NULL */
    size_t n_records;                     /* lesion records evaluated */
    int days_are_dates;                   /* days are dates: print YYYY-MM-DD */
    int show_patients;                    /* text: one line per patient */
    const onc_exclusions *excluded;       /* lesion rows left out; may be NULL */
} onc_response_report;

/* Zero everything. */
void onc_response_report_init(onc_response_report *r);

/*
** Write the report.  TEXT: the settings, the best-response table with ORR
** and DCR and their intervals, optionally one line per patient, the
** patients' problems and the excluded rows.  JSON: one object with the
** settings, the rates, every patient and every assessment at full
** precision.  CSV: the best-response table (response, count, n,
** proportion, lower, upper; rows CR, PR, SD, PD, NE, ORR, DCR).
** Errors: ONC_ERR_USAGE for an incomplete report, ONC_ERR_IO, ONC_ERR_NOMEM.
*/
onc_status onc_response_render(const onc_response_report *r,
                               onc_output_mode mode, FILE *fp);

/*
** One CSV row per patient: patient, best_response, best_day,
** best_change_pct, progressed, first_pd_day, last_day, n_assessments,
** baseline_day, baseline_sum, missing_baseline, reason, issues -- with
** "date" in place of "day" in the names and ISO dates as values when
** days_are_dates.  Numbers at full precision, NA when undefined.
*/
onc_status onc_response_write_patients(const onc_response_report *r, FILE *fp);

/*
** One CSV row per assessment: patient, day (or date), baseline,
** n_targets, n_measured, sum, change_baseline_pct, nadir,
** change_nadir_pct, change_nadir_mm, attenuation, attenuation_change_pct,
** new_lesion, response, rule.
*/
onc_status onc_response_write_assessments(const onc_response_report *r,
                                          FILE *fp);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_RESPONSE_RENDER_H */
