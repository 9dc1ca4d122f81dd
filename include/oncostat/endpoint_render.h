/*
** oncostat/endpoint_render.h -- derived time-to-event endpoints
** (oncostat/endpoint.h) as people and programs read them: how each
** endpoint was defined, how many rows ended in each outcome, which rows
** were excluded and why, and the notes on rows that were used.
**
** These functions only read onc_endpoint_result structs and what is given
** with them.  `oncostat endpoints` and study reports call them.
** docs/endpoints.md describes every field.
*/
#ifndef ONCOSTAT_ENDPOINT_RENDER_H
#define ONCOSTAT_ENDPOINT_RENDER_H

#include <stdio.h>

#include "oncostat/core.h"
#include "oncostat/endpoint.h"
#include "oncostat/render.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One derived endpoint. */
typedef struct onc_endpoint_report {
    const onc_endpoint_result *result;  /* required */
    const onc_endpoint_spec *spec;      /* its definition, shown with it; may be NULL */
    const onc_exclusions *excluded;     /* the ledger filled by onc_endpoint_derive;
                                           may be NULL */
} onc_endpoint_report;

typedef struct onc_endpoint_render_options {
    const char *source;       /* the data file, shown in headings; may be NULL */
    const char *output;       /* where the derived data went; may be NULL */
    size_t max_listed;        /* excluded rows and notes listed per endpoint;
                                 0 = all of them */
} onc_endpoint_render_options;

/* No source or output, every row listed. */
void onc_endpoint_render_options_init(onc_endpoint_render_options *opt);

/* A stable identifier of an issue for programs: "missing_origin",
** "no_follow_up", "event_before_origin", "censor_before_origin",
** "event_after_death", "origin_after_cutoff", "event_after_cutoff",
** "follow_up_after_cutoff", "censor_before_origin_noted" ("ok" for
** ONC_ENDPOINT_OK, "unknown" otherwise). */
const char *onc_endpoint_issue_name(onc_endpoint_issue issue);

/*
** Write the reports of n endpoints derived from one data set.
** TEXT: per endpoint a heading with the unit and the definition, a table
** of outcomes (each description, then "Excluded") with row counts, the
** exclusion ledger, then the excluded rows and the notes, each with its
** row number and dates (at most opt->max_listed of each, then how many
** more).
** JSON: {"source", "output", "endpoints": [{"name", "unit", "definition":
** {"origin", "events": [{"label", "column"}], "censor", "death",
** "cutoff"}, "columns": [<name>_time, <name>_event, <name>_desc],
** "n_events", "n_censored", "outcomes": [{"description", "count"}],
** "n_total", "n_used", "n_excluded", "excluded" (the ledger),
** "n_problems", "problems": [{"row", "issue", "message"}], "n_notes",
** "notes": [...]}]}.  "definition" is null without a spec, "cutoff" is an
** ISO date or null, "columns" are the names onc_endpoint_add_columns gives
** with the default prefix (empty when the result has no name).
** CSV: one row per endpoint and outcome: endpoint, unit, outcome, rows.
** opt may be NULL (no source, everything listed).
** Errors: ONC_ERR_USAGE (no result, or n == 0), ONC_ERR_IO, ONC_ERR_NOMEM.
*/
onc_status onc_endpoint_render(const onc_endpoint_report *reports, size_t n,
                               const onc_endpoint_render_options *opt,
                               onc_output_mode mode, FILE *fp);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_ENDPOINT_RENDER_H */
