/*
** test_ae_frame.c -- adverse events and the patient list from two data
** frames (onc_ae_data_from_frames): identifiers matched across files,
** grades written as numbers, text or labelled values, exclusions with
** their reasons, and errors naming file, row and column.
**
** Reference: the frames are built by hand below and the expected records
** read off them.  Frames are built in memory (no CSV reader involved).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/ae.h"

static void set_source(onc_frame *df, const char *name)
{
    size_t len = strlen(name) + 1;

    df->source = malloc(len);
    if (df->source != NULL)
        memcpy(df->source, name, len);
}

/*
** patients.csv: patient_id (numbers) and arm
**   row 1  101  TACE      row 3  103  (no arm)
**   row 2  102  Control   row 4  104  TACE
*/
static onc_frame *patient_frame(void)
{
    static const double id[4] = {101, 102, 103, 104};
    static const int32_t arm[4] = {1, 0, -1, 1};
    static const char *const arms[] = {"Control", "TACE"};
    onc_frame *df = NULL;
    onc_error err;

    CHECK(onc_frame_new(4, &df) == ONC_OK);
    set_source(df, "patients.csv");
    CHECK(onc_frame_add_numeric(df, "patient_id", ONC_COL_INTEGER, id, &err) == ONC_OK);
    CHECK(onc_frame_add_factor(df, "arm", arm, arms, NULL, 2, &err) == ONC_OK);
    return df;
}

/*
** events.csv: patient_id as text, term, grade as text, day
**   row 1  101  Nausea   "Grade 3"   5
**   row 2  102  Nausea   "2"         .
**   row 3  103  Fatigue  "G1"        9    (patient without an arm)
**   row 4  104  .        "G4"        4    (no term)
**   row 5  104  Rash     "grade 5"   30
*/
static onc_frame *event_frame(void)
{
    static const int32_t id[5] = {0, 1, 2, 3, 3};
    static const char *const ids[] = {"101", "102", "103", "104"};
    static const int32_t term[5] = {0, 0, 1, -1, 2};
    static const char *const terms[] = {"Nausea", "Fatigue", "Rash"};
    static const int32_t grade[5] = {0, 1, 2, 3, 4};
    static const char *const grades[] = {"Grade 3", "2", "G1", "G4", "grade 5"};
    static const double day[5] = {5, NAN, 9, 4, 30};
    onc_frame *df = NULL;
    onc_error err;

    CHECK(onc_frame_new(5, &df) == ONC_OK);
    set_source(df, "events.csv");
    CHECK(onc_frame_add_factor(df, "patient_id", id, ids, NULL, 4, &err) == ONC_OK);
    CHECK(onc_frame_add_factor(df, "term", term, terms, NULL, 3, &err) == ONC_OK);
    CHECK(onc_frame_add_factor(df, "grade", grade, grades, NULL, 5, &err) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "day", ONC_COL_NUMBER, day, &err) == ONC_OK);
    return df;
}

static onc_ae_columns columns(void)
{
    onc_ae_columns c;

    memset(&c, 0, sizeof c);
    c.patient = "patient_id";
    c.term = "term";
    c.grade = "grade";
    c.day = "day";
    c.arm = "arm";
    return c;
}

static void test_mapping(void)
{
    onc_frame *ev = event_frame(), *pt = patient_frame();
    onc_ae_columns c = columns();
    onc_ae_data *d = NULL;
    onc_exclusions eex, pex;
    onc_error err;

    CHECK(onc_ae_data_from_frames(ev, pt, &c, &d, &eex, &pex, &err) == ONC_OK);
    onc_frame_free(ev);
    onc_frame_free(pt);
    CHECK(d != NULL && d->n_patients == 3 && d->n_events == 3);
    if (d != NULL && d->n_patients == 3 && d->n_events == 3) {
        CHECK_STR(d->patients[0].patient, "101");       /* 101 matches "101" */
        CHECK_STR(d->patients[0].arm, "TACE");
        CHECK(d->patients[2].source_row == 4);
        CHECK_STR(d->events[0].term, "Nausea");
        CHECK(d->events[0].grade == 3 && d->events[0].day == 5 && d->events[0].soc == NULL);
        CHECK(d->events[1].grade == 2 && isnan(d->events[1].day));
        CHECK(d->events[2].grade == 5 && d->events[2].source_row == 5);
        CHECK(!d->days_are_dates);
    }
    CHECK(pex.n_excluded == 1 && pex.n_reasons == 1 && pex.reasons[0].rows[0] == 3);
    CHECK(pex.n_reasons == 1 && strcmp(pex.reasons[0].reason, "missing value in 'arm'") == 0);
    CHECK(eex.n_excluded == 2 && eex.n_reasons == 2);
    if (eex.n_reasons == 2) {
        CHECK_STR(eex.reasons[0].reason, "patient left out of the patient list");
        CHECK(eex.reasons[0].rows[0] == 3);
        CHECK_STR(eex.reasons[1].reason, "missing value in 'term'");
        CHECK(eex.reasons[1].rows[0] == 4);
    }
    onc_ae_data_free(d);
    onc_exclusions_clear(&eex);
    onc_exclusions_clear(&pex);
}

/* No arm column: every patient in one arm "All"; labelled grades. */
static void test_one_arm_and_labels(void)
{
    static const double lv[5] = {1, 2, 3, 4, 5};
    static const char *const labels[] = {"mild", "moderate", "severe",
                                         "life-threatening", "death"};
    static const int32_t code[5] = {2, 1, 0, 3, 4};
    onc_frame *ev = event_frame(), *pt = patient_frame();
    onc_ae_columns c = columns();
    onc_ae_data *d = NULL;
    onc_error err;

    c.arm = NULL;
    CHECK(onc_frame_add_factor(ev, "ctcae", code, labels, lv, 5, &err) == ONC_OK);
    c.grade = "ctcae";
    CHECK(onc_ae_data_from_frames(ev, pt, &c, &d, NULL, NULL, &err) == ONC_OK);
    CHECK(d != NULL && d->n_patients == 4 && d->n_events == 4);
    if (d != NULL && d->n_events == 4) {
        CHECK_STR(d->patients[2].arm, "All");
        CHECK(d->events[0].grade == 3 && d->events[1].grade == 2);
        CHECK(d->events[2].grade == 1 && d->events[3].grade == 5);
    }
    onc_ae_data_free(d);
    onc_frame_free(ev);
    onc_frame_free(pt);
}

static void test_errors(void)
{
    onc_frame *ev = event_frame(), *pt = patient_frame();
    onc_ae_columns c = columns();
    onc_ae_data *d = NULL;
    onc_ae_table *t = NULL;
    onc_error err;
    long k;

    /* a numeric grade outside 1-5 (row 3: 9; row 2 is missing and left out) */
    k = onc_frame_find(ev, "day");
    c.grade = "day";            /* 5, NaN, 9, ...: 9 is not a grade */
    CHECK(onc_ae_data_from_frames(ev, pt, &c, &d, NULL, NULL, &err) == ONC_ERR_DATA);
    CHECK_STR(err.message, "events.csv: row 3, column 'day': grade 9 is outside "
                           "CTCAE grades 1-5");
    ev->cols[k].num[2] = 2.5;
    CHECK(onc_ae_data_from_frames(ev, pt, &c, &d, NULL, NULL, &err) == ONC_ERR_DATA);
    CHECK(strstr(err.message, "grade 2.5 is outside") != NULL);
    c = columns();

    /* a text grade that is not one */
    k = onc_frame_find(ev, "grade");
    free(ev->cols[k].levels[1]);
    ev->cols[k].levels[1] = malloc(sizeof "Grade 0");
    memcpy(ev->cols[k].levels[1], "Grade 0", sizeof "Grade 0");
    CHECK(onc_ae_data_from_frames(ev, pt, &c, &d, NULL, NULL, &err) == ONC_ERR_DATA);
    CHECK_STR(err.message, "events.csv: row 2, column 'grade': grade 'Grade 0' is not "
                           "a CTCAE grade 1-5");
    onc_frame_free(ev);

    /* a patient not in the list (row 4 becomes 105) */
    ev = event_frame();
    k = onc_frame_find(ev, "patient_id");
    free(ev->cols[k].levels[3]);
    ev->cols[k].levels[3] = malloc(sizeof "105");
    memcpy(ev->cols[k].levels[3], "105", sizeof "105");
    CHECK(onc_ae_data_from_frames(ev, pt, &c, &d, NULL, NULL, &err) == ONC_ERR_DATA);
    CHECK_STR(err.message, "events.csv: row 5, column 'patient_id': patient '105' has "
                           "an adverse event but is not in the patient list patients.csv");
    onc_frame_free(ev);

    /* a patient listed twice */
    ev = event_frame();
    pt->cols[onc_frame_find(pt, "patient_id")].num[3] = 101;
    CHECK(onc_ae_data_from_frames(ev, pt, &c, &d, NULL, NULL, &err) == ONC_ERR_DATA);
    CHECK_STR(err.message, "patients.csv: row 4, column 'patient_id': patient '101' is "
                           "listed twice (also at row 1)");
    pt->cols[onc_frame_find(pt, "patient_id")].num[3] = 104;

    /* an unknown column */
    c.soc = "soc";
    CHECK(onc_ae_data_from_frames(ev, pt, &c, &d, NULL, NULL, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "events.csv: no column 'soc' for the system organ class")
          != NULL);
    c = columns();

    /* an error of the tabulation, located in the events file */
    CHECK(onc_ae_data_from_frames(ev, pt, &c, &d, NULL, NULL, &err) == ONC_OK);
    if (d != NULL && d->n_events == 3) {
        d->events[1].soc = "GI";
        d->events[0].soc = "Gastrointestinal";
        CHECK(onc_ae_tabulate(d->events, d->n_events, d->patients, d->n_patients, &t,
                              &err) == ONC_ERR_DATA);
        onc_ae_data_locate_error(d, &err);
        CHECK_STR(err.message, "events.csv: row 2, column 'soc': term 'Nausea' is filed "
                               "under 'GI' here but under 'Gastrointestinal' at row 1");
    }
    onc_ae_data_free(d);
    onc_frame_free(ev);
    onc_frame_free(pt);
}

int main(void)
{
    harness_set_name("test_ae_frame");
    test_mapping();
    test_one_arm_and_labels();
    test_errors();
    return harness_finish();
}
