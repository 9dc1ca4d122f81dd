/*
** render/clinical_render_internal.h -- formatting shared by the renderers
** of response, rate and adverse-event tables (internal to the library).
*/
#ifndef ONC_RENDER_CLINICAL_RENDER_INTERNAL_H
#define ONC_RENDER_CLINICAL_RENDER_INTERNAL_H

#include <stdio.h>

#include "oncostat/rates.h"
#include "oncostat/render.h"

/* Room for one formatted cell: a count with a percentage and an interval,
** or a rule string of the response engine. */
#define CLINICAL_CELL 320

/* Shortest round-trip decimal of v, "NA" when v is NaN or infinite ("Inf"
** and "-Inf" are kept: an odds ratio may be infinite). */
void clinical_exact(double v, char *buf, size_t cap);

/* 100 p with one decimal ("39.5"), "NA" for NaN. */
void clinical_percent(double p, char *buf, size_t cap);

/* The interval of a proportion in percent: "24.0\u201356.6", "NA". */
void clinical_percent_ci(const onc_proportion *p, char *buf, size_t cap);

/* A day for people and CSV files: an ISO date when `dates`, else the
** number; "NA" for NaN. */
void clinical_day(double day, int dates, char *buf, size_t cap);

/* One CSV field (RFC 4180 quoting when needed), without separator. */
void clinical_csv_field(FILE *fp, const char *s);

/* Inside an open JSON object: "count", "n", "proportion", "lower",
** "upper" of p. */
void clinical_json_proportion(onc_json *j, const onc_proportion *p);

/* Inside an open JSON object: "day" (number) and "date" (ISO text, or null
** unless `dates`) under the keys <prefix>day / <prefix>date. */
void clinical_json_day(onc_json *j, const char *prefix, double day, int dates);

/* The same table as aligned text or CSV. */
onc_status clinical_write_table(const onc_table *t, onc_output_mode mode, FILE *fp);

#endif
