/*
** oncostat/endpoint.h -- time-to-event endpoints derived from dates, as a
** CDISC ADaM ADTTE data set defines them.
**
** For each patient (row of a frame):
**   time  = (event date, or censoring date) - origin date, in the chosen unit
**   event = 1 when the earliest of the event dates is the analysis date,
**           0 when the patient is censored
** with a description ("Death", "Progression", "Censored at last follow-up",
** "Censored at data cut-off").  Dates that contradict each other are never
** silently repaired: the row is excluded with a reason, or used with a note.
** The rules, in order, are listed in docs/endpoints.md.
**
** Example (progression-free survival, months, cut-off 2020-06-30):
**     static const char *const ev[] = {"progression", "death"};
**     static const char *const lab[] = {"Progression", "Death"};
**     onc_endpoint_spec spec;
**     onc_endpoint_spec_init(&spec);
**     spec.name = "PFS"; spec.origin = "start"; spec.censor = "last_visit";
**     spec.events = ev; spec.event_labels = lab; spec.n_events = 2;
**     spec.death = "death"; spec.cutoff = onc_date_from_ymd(2020, 6, 30);
**     spec.unit = ONC_UNIT_MONTHS;
**     rc = onc_endpoint_derive(df, &spec, &pfs, &excluded, &err);
**     rc = onc_endpoint_add_columns(df, pfs, "PFS", &err);  (PFS_time, ...)
**     onc_endpoint_result_free(pfs); onc_exclusions_clear(&excluded);
*/
#ifndef ONCOSTAT_ENDPOINT_H
#define ONCOSTAT_ENDPOINT_H

#include "oncostat/frame.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum onc_time_unit {
    ONC_UNIT_DAYS = 0,
    ONC_UNIT_WEEKS,         /* days / 7 */
    ONC_UNIT_MONTHS,        /* days / 30.4375 (= 365.25 / 12) */
    ONC_UNIT_YEARS          /* days / 365.25 */
} onc_time_unit;

/* "days", "weeks", "months", "years". */
const char *onc_time_unit_name(onc_time_unit unit);
/* Days in one unit: 1, 7, 30.4375, 365.25. */
double onc_time_unit_days(onc_time_unit unit);

typedef struct onc_endpoint_spec {
    const char *name;                 /* "OS", "PFS"; may be NULL */
    const char *origin;               /* time-zero date column */
    const char *const *events;        /* event date columns, in priority order */
    const char *const *event_labels;  /* a label per event ("Progression",
                                         "Death"); NULL = the column names */
    size_t n_events;                  /* at least 1 */
    const char *censor;               /* last follow-up / last assessment date
                                         column; may be NULL */
    const char *death;                /* date-of-death column or NULL: another
                                         event dated after death is an error */
    double cutoff;                    /* data cut-off (days since 1970) or NaN */
    onc_time_unit unit;
} onc_endpoint_spec;

/* Zero everything, cutoff = NaN, unit = days. */
void onc_endpoint_spec_init(onc_endpoint_spec *spec);

/* Why a row was excluded, or what was noted about a row that is used. */
typedef enum onc_endpoint_issue {
    ONC_ENDPOINT_OK = 0,
    /* The row is excluded: */
    ONC_ENDPOINT_MISSING_ORIGIN = 1,       /* no origin date */
    ONC_ENDPOINT_NO_FOLLOW_UP = 2,         /* no event and no censoring date */
    ONC_ENDPOINT_EVENT_BEFORE_ORIGIN = 3,  /* the event precedes time zero */
    ONC_ENDPOINT_CENSOR_BEFORE_ORIGIN = 4, /* no event, follow-up ends before
                                              time zero */
    ONC_ENDPOINT_EVENT_AFTER_DEATH = 5,    /* e.g. progression dated after death */
    ONC_ENDPOINT_ORIGIN_AFTER_CUTOFF = 6,  /* time zero after the data cut-off */
    /* The row is used, with a note: */
    ONC_ENDPOINT_EVENT_AFTER_CUTOFF = 7,   /* censored at the cut-off */
    ONC_ENDPOINT_FOLLOW_UP_AFTER_CUTOFF = 8,/* censored at the cut-off */
    ONC_ENDPOINT_CENSOR_BEFORE_ORIGIN_NOTED = 9 /* follow-up date before time
                                              zero, but an event decides */
} onc_endpoint_issue;

/* One line about one row: `message` names the dates involved, e.g.
** "Progression 2021-03-01 is after the data cut-off 2020-12-31: censored
** at the cut-off". */
typedef struct onc_endpoint_note {
    size_t row;                      /* 1-based data row */
    onc_endpoint_issue issue;
    char message[192];
} onc_endpoint_note;

/*
** Per input row i (0 <= i < n_rows):
**   event[i]  1 event, 0 censored, -1 excluded
**   time[i]   in `unit`; NaN when excluded
**   date[i]   analysis date (ADaM ADT), days since 1970; NaN when excluded
**   desc[i]   index into descriptions, -1 when excluded
**   issue[i]  ONC_ENDPOINT_OK, the reason for exclusion, or the first note
** descriptions: the event labels (duplicates merged) followed by
** "Censored at last follow-up" and "Censored at data cut-off".
** problems: one entry per excluded row; notes: rows used with a note.
*/
typedef struct onc_endpoint_result {
    char *name;
    onc_time_unit unit;
    size_t n_rows;
    double *time;
    int *event;
    double *date;
    int32_t *desc;
    unsigned char *issue;
    char **descriptions;
    size_t n_descriptions;
    size_t n_used, n_events, n_censored, n_excluded;
    onc_endpoint_note *problems;
    size_t n_problems;
    onc_endpoint_note *notes;
    size_t n_notes;
} onc_endpoint_result;

/*
** Derive the endpoint for every row of df.  Columns named in spec must exist
** and be dates (a column whose values are all missing is accepted whatever
** its type, as a CSV reader types it logical).  *excluded is initialised
** here (n_total = df->n_rows) and receives every excluded row with its
** reason; release it with onc_exclusions_clear().  *out is released with
** onc_endpoint_result_free().  Errors: ONC_ERR_USAGE (bad spec, unknown
** column), ONC_ERR_DATA (a column is not a date), ONC_ERR_NOMEM.
*/
onc_status onc_endpoint_derive(const onc_frame *df, const onc_endpoint_spec *spec,
                               onc_endpoint_result **out, onc_exclusions *excluded,
                               onc_error *err);

void onc_endpoint_result_free(onc_endpoint_result *r);

/*
** Append <prefix>_time (number, in r->unit), <prefix>_event (integer 0/1)
** and <prefix>_desc (factor over r->descriptions) to df; excluded rows are
** missing in all three.  prefix NULL uses r->name.  r must come from a frame
** with df's row count.  ONC_ERR_USAGE if a column name is taken; on
** ONC_ERR_NOMEM some of the columns may have been added.
*/
onc_status onc_endpoint_add_columns(onc_frame *df, const onc_endpoint_result *r,
                                    const char *prefix, onc_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_ENDPOINT_H */
