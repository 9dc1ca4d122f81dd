/*
** test_ae.c -- adverse-event tables by worst CTCAE grade.
**
** Reference: counts worked out by hand for the small study below; each
** expected number has its reasoning beside it.
*/
#include <math.h>
#include <string.h>

#include "harness.h"
#include "oncostat/ae.h"

/* Patient list order makes TACE the first arm (P1) and Control the second
** (P4); P3 has no event but counts in the denominator.
**   TACE: P1 P2 P3 P5 (4)      Control: P4 P6 (2) */
static const onc_ae_patient patients[] = {
    {"P1", "TACE", 1}, {"P2", "TACE", 2}, {"P4", "Control", 3},
    {"P3", "TACE", 4}, {"P5", "TACE", 5}, {"P6", "Control", 6},
};
#define N_PATIENTS (sizeof patients / sizeof patients[0])

static const onc_ae_event events[] = {
    {"P1", "Fatigue", "General disorders", 1, 10.0, 1},
    {"P1", "Fatigue", NULL, 3, 20.0, 2},            /* P1 fatigue worst = 3 */
    {"P1", "Nausea", "Gastrointestinal disorders", 2, 5.0, 3},
    {"P2", "Fatigue", "", 2, 8.0, 4},
    {"P2", "Abdominal pain", "Gastrointestinal disorders", 5, 30.0, 5},
    {"P4", "Fatigue", "General disorders", 1, 3.0, 6},
    {"P4", "Nausea", NULL, 1, 4.0, 7},
    {"P4", "Nausea", NULL, 4, 9.0, 8},              /* P4 nausea worst = 4 */
    {"P6", "Liver failure", "Hepatobiliary disorders", 5, 12.0, 9},
    {"P5", "Nausea", NULL, 2, NAN, 10},
};
#define N_EVENTS (sizeof events / sizeof events[0])

static void check_grades(const onc_ae_count *c, size_t g1, size_t g2,
                         size_t g3, size_t g4, size_t g5)
{
    CHECK(c->by_grade[0] == g1);
    CHECK(c->by_grade[1] == g2);
    CHECK(c->by_grade[2] == g3);
    CHECK(c->by_grade[3] == g4);
    CHECK(c->by_grade[4] == g5);
    CHECK(c->any_grade == g1 + g2 + g3 + g4 + g5);
    CHECK(c->grade3_plus == g3 + g4 + g5);
}

static void test_table(void)
{
    onc_ae_table *t = NULL;
    onc_error err;

    CHECK(onc_ae_tabulate(events, N_EVENTS, patients, N_PATIENTS, &t, &err) == ONC_OK);
    if (t == NULL)
        return;
    CHECK(t->n_arms == 2);
    CHECK_STR(t->arms[0], "TACE");
    CHECK_STR(t->arms[1], "Control");
    CHECK(t->arm_size[0] == 4 && t->arm_size[1] == 2);
    CHECK(t->n_patients == 6);

    /* Any AE, worst grade per patient: TACE P1 3, P2 5, P3 none, P5 2;
    ** Control P4 4, P6 5. */
    CHECK_STR(t->any.term, "Any adverse event");
    check_grades(&t->any.arms[0], 0, 1, 1, 0, 1);
    CHECK_REL(t->any.arms[0].pct_any, 75.0, 1e-15);          /* 3 of 4 */
    CHECK_REL(t->any.arms[0].pct_grade3_plus, 50.0, 1e-15);  /* 2 of 4 */
    check_grades(&t->any.arms[1], 0, 0, 0, 1, 1);
    CHECK_REL(t->any.arms[1].pct_any, 100.0, 1e-15);
    check_grades(&t->any.total, 0, 1, 1, 1, 2);
    CHECK_REL(t->any.total.pct_any, 500.0 / 6.0, 1e-15);     /* 5 of 6 */

    /* Rows: Fatigue and Nausea have 3 patients, 1 at grade >= 3 each, so
    ** the term decides (F < N); then Abdominal pain and Liver failure with
    ** 1 patient, 1 at grade >= 3. */
    CHECK(t->n_rows == 4);
    if (t->n_rows == 4) {
        CHECK_STR(t->rows[0].term, "Fatigue");
        CHECK_STR(t->rows[1].term, "Nausea");
        CHECK_STR(t->rows[2].term, "Abdominal pain");
        CHECK_STR(t->rows[3].term, "Liver failure");
        /* Fatigue: TACE P1 worst 3, P2 2; Control P4 1.  SOC from the
        ** events that give one; blank and NULL are "not given". */
        check_grades(&t->rows[0].arms[0], 0, 1, 1, 0, 0);
        check_grades(&t->rows[0].arms[1], 1, 0, 0, 0, 0);
        check_grades(&t->rows[0].total, 1, 1, 1, 0, 0);
        CHECK_REL(t->rows[0].arms[0].pct_any, 50.0, 1e-15);
        CHECK_REL(t->rows[0].arms[0].pct_grade3_plus, 25.0, 1e-15);
        CHECK_STR(t->rows[0].soc, "General disorders");
        /* Nausea: TACE P1 2, P5 2; Control P4 worst of 1 and 4 = 4 */
        check_grades(&t->rows[1].arms[0], 0, 2, 0, 0, 0);
        check_grades(&t->rows[1].arms[1], 0, 0, 0, 1, 0);
        CHECK_REL(t->rows[1].arms[1].pct_grade3_plus, 50.0, 1e-15);
        CHECK_STR(t->rows[1].soc, "Gastrointestinal disorders");
        check_grades(&t->rows[2].arms[0], 0, 0, 0, 0, 1);
        check_grades(&t->rows[2].arms[1], 0, 0, 0, 0, 0);
        CHECK(t->rows[2].arms[1].pct_any == 0.0);
        check_grades(&t->rows[3].arms[1], 0, 0, 0, 0, 1);
    }

    /* Grade 5: by arm (TACE first), then day. */
    CHECK(t->n_grade5 == 2);
    if (t->n_grade5 == 2) {
        CHECK_STR(t->grade5[0].patient, "P2");
        CHECK_STR(t->grade5[0].term, "Abdominal pain");
        CHECK(t->grade5[0].arm == 0 && t->grade5[0].day == 30.0);
        CHECK(t->grade5[0].source_row == 5);
        CHECK_STR(t->grade5[1].patient, "P6");
        CHECK(t->grade5[1].arm == 1 && t->grade5[1].day == 12.0);
    }
    onc_ae_free(t);
}

/* No events at all: every patient still counts in the denominator. */
static void test_no_events(void)
{
    onc_ae_table *t = NULL;

    CHECK(onc_ae_tabulate(NULL, 0, patients, N_PATIENTS, &t, NULL) == ONC_OK);
    if (t == NULL)
        return;
    CHECK(t->n_rows == 0 && t->n_grade5 == 0);
    check_grades(&t->any.total, 0, 0, 0, 0, 0);
    CHECK(t->any.arms[0].pct_any == 0.0);
    onc_ae_free(t);
}

/* Each error names the row, and no table is returned. */
static void expect_error(const onc_ae_event *ev, size_t n_ev,
                         const onc_ae_patient *pt, size_t n_pt,
                         onc_status status, size_t row, const char *needle)
{
    static onc_ae_table sentinel;
    onc_ae_table *t = &sentinel;        /* must be reset to NULL */
    onc_error err;

    onc_error_clear(&err);
    CHECK(onc_ae_tabulate(ev, n_ev, pt, n_pt, &t, &err) == status);
    CHECK(t == NULL);
    CHECK(err.row == row);
    CHECK(strstr(err.message, needle) != NULL);
}

static void test_errors(void)
{
    onc_ae_event ev[2];
    onc_ae_patient pt[2];

    ev[0] = events[0];
    ev[1] = events[1];
    ev[1].grade = 0;
    ev[1].source_row = 7;
    expect_error(ev, 2, patients, N_PATIENTS, ONC_ERR_DATA, 7, "outside CTCAE grades 1-5");
    ev[1].grade = 6;
    expect_error(ev, 2, patients, N_PATIENTS, ONC_ERR_DATA, 7, "grade 6");
    ev[1].grade = 2;
    ev[1].term = "  ";
    expect_error(ev, 2, patients, N_PATIENTS, ONC_ERR_DATA, 7, "term is missing");
    ev[1].term = NULL;
    expect_error(ev, 2, patients, N_PATIENTS, ONC_ERR_DATA, 7, "term is missing");
    ev[1].term = "Fatigue";
    ev[1].patient = "P9";
    expect_error(ev, 2, patients, N_PATIENTS, ONC_ERR_DATA, 7, "'P9'");
    ev[1].patient = "P1";
    ev[1].soc = "Investigations";
    expect_error(ev, 2, patients, N_PATIENTS, ONC_ERR_DATA, 7, "filed under");
    /* a source row of 0 falls back to the record's position */
    ev[1].soc = NULL;
    ev[1].grade = -1;
    ev[1].source_row = 0;
    expect_error(ev, 2, patients, N_PATIENTS, ONC_ERR_DATA, 2, "grade -1");

    pt[0] = patients[0];
    pt[1] = patients[1];
    pt[1].patient = "P1";
    expect_error(NULL, 0, pt, 2, ONC_ERR_DATA, 2, "listed twice");
    pt[1].patient = "P2";
    pt[1].arm = "";
    expect_error(NULL, 0, pt, 2, ONC_ERR_DATA, 2, "no arm");
    pt[1].arm = "TACE";
    pt[1].patient = NULL;
    expect_error(NULL, 0, pt, 2, ONC_ERR_DATA, 2, "identifier is missing");
    expect_error(NULL, 0, patients, 0, ONC_ERR_USAGE, 0, "empty");
    onc_ae_free(NULL);
}

int main(void)
{
    harness_set_name("test_ae");
    test_table();
    test_no_events();
    test_errors();
    return harness_finish();
}
