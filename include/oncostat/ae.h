/*
** oncostat/ae.h -- adverse events by CTCAE grade: the toxicity table of a
** clinical paper.
**
** Each patient is counted once per term, at the worst grade they had for
** that term (chevron AET04 convention), and once in the "any adverse event"
** row at their worst grade overall.  Percentages use every patient of the
** arm as denominator, including those without any event.
**
** Inputs are plain records; the CSV layer maps columns onto them.  Strings
** are copied; nothing is retained.  Terms and arms are matched exactly
** (case and spaces matter), so the caller decides how to normalise them.
*/
#ifndef ONCOSTAT_AE_H
#define ONCOSTAT_AE_H

#include "oncostat/core.h"
#include "oncostat/frame.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct onc_ae_event {
    const char *patient;
    const char *term;           /* e.g. MedDRA preferred term; required */
    const char *soc;            /* system organ class, or NULL / "" */
    int grade;                  /* CTCAE grade 1..5 */
    double day;                 /* onset day; NaN when unknown */
    size_t source_row;          /* 1-based data row for messages; 0 = none */
} onc_ae_event;

typedef struct onc_ae_patient {
    const char *patient;
    const char *arm;
    size_t source_row;
} onc_ae_patient;

typedef struct onc_ae_count {
    size_t by_grade[5];         /* by_grade[g - 1]: patients whose worst grade is g */
    size_t any_grade;           /* patients with the event at any grade */
    size_t grade3_plus;         /* ... at grade 3, 4 or 5 */
    double pct_any;             /* 100 * any_grade / patients in the arm */
    double pct_grade3_plus;
} onc_ae_count;

typedef struct onc_ae_row {
    char *term;                 /* "Any adverse event" for the overall row */
    char *soc;                  /* NULL when no event of the term gave one */
    onc_ae_count *arms;         /* n_arms counts, in the table's arm order */
    onc_ae_count total;         /* all arms together */
} onc_ae_row;

/* One grade-5 (fatal) event. */
typedef struct onc_ae_death {
    char *patient;
    size_t arm;                 /* index into onc_ae_table.arms */
    char *term;
    double day;
    size_t source_row;
} onc_ae_death;

typedef struct onc_ae_table {
    size_t n_arms;
    char **arms;                /* in order of first appearance in the patient list */
    size_t *arm_size;           /* patients per arm (the denominators) */
    size_t n_patients;
    onc_ae_row any;             /* worst grade of any event, per patient */
    size_t n_rows;
    onc_ae_row *rows;           /* one per term; most patients (all arms)
                                   first, then most at grade >= 3, then by
                                   term */
    size_t n_grade5;
    onc_ae_death *grade5;       /* by arm, then day (unknown last), then patient */
} onc_ae_table;

/*
** Tabulate adverse events by arm and worst grade.
** events[n_events]: may be empty.  patients[n_patients]: every patient of
** the analysis set, each once, with an arm.
** Errors (ONC_ERR_DATA, naming the row): a grade outside 1-5, a missing
** term, an event for a patient not in the patient list, a patient listed
** twice, a missing patient identifier or arm, one term filed under two
** different system organ classes.  ONC_ERR_USAGE: no patients.
** The table is released with onc_ae_free().
*/
onc_status onc_ae_tabulate(const onc_ae_event *events, size_t n_events,
                           const onc_ae_patient *patients, size_t n_patients,
                           onc_ae_table **out, onc_error *err);

void onc_ae_free(onc_ae_table *table);

/* ---- events and patients from data frames (src/clinical/ae_frame.c) ---- */

/*
** Column names.  patient names the identifier column of both files (the
** identifiers are compared as text; numbers are written without a
** trailing ".0", so 1017 in one file matches "1017" in the other).
**   term, grade      required (events)
**   soc, day         optional (events): system organ class; onset day or date
**   arm              the patients' arm column; NULL = one arm "All"
** grade: whole numbers, or text such as "3", "Grade 3", "G3"; labelled
** values (SPSS, Stata) count by their value.
*/
typedef struct onc_ae_columns {
    const char *patient;
    const char *term;
    const char *soc;
    const char *grade;
    const char *day;
    const char *arm;
} onc_ae_columns;

typedef struct onc_ae_data {
    size_t n_events;
    onc_ae_event *events;       /* source_row = the events frame's row */
    size_t n_patients;
    onc_ae_patient *patients;   /* source_row = the patients frame's row */
    int days_are_dates;         /* the day column held dates */
    char *events_source;        /* the frames' files, or NULL */
    char *patients_source;
    char *columns[6];           /* copies of the names, in the order of
                                   onc_ae_columns */
    char *text;                 /* storage for the strings */
} onc_ae_data;

/*
** Events and patients from two frames.
** Left out and counted (excluded lists may be NULL; they are initialised
** here; release them with onc_exclusions_clear() in any case): patients
** with a missing identifier or arm ("missing value in '<column>'"); events
** with a missing patient, term or grade, and the events of patients left
** out of the patient list ("patient left out of the patient list").
** Errors, naming the file, row and column: ONC_ERR_USAGE for a column that
** does not exist or cannot hold its values; ONC_ERR_DATA for a grade that
** is not a whole number from 1 to 5, a patient listed twice, an event of a
** patient not in the patient list.  Release with onc_ae_data_free().
*/
onc_status onc_ae_data_from_frames(const onc_frame *events,
                                   const onc_frame *patients,
                                   const onc_ae_columns *cols,
                                   onc_ae_data **out,
                                   onc_exclusions *events_excluded,
                                   onc_exclusions *patients_excluded,
                                   onc_error *err);

void onc_ae_data_free(onc_ae_data *data);

/* Rewrite an error of onc_ae_tabulate() on data's records in place so that
** it names the events file and its own column names. */
void onc_ae_data_locate_error(const onc_ae_data *data, onc_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_AE_H */
