/*
** test_eligibility.c -- the eligibility flow: first failing criterion in
** plan order, missing values as their own reason, arms, errors with the
** plan line.  The expected counts are worked out by hand beside each case.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/report.h"

/*
** Ten screened patients:
**   row  age  ecog  size  arm
**    1    45    0    3.0   0
**    2    80    1    2.0   1     age > 75            -> criterion 1
**    3    16   NA    4.0   0     age < 18 (FALSE & NA is FALSE) -> criterion 1
**    4    60   NA    5.0   1     ecog missing        -> criterion 2, missing
**    5    55    2    1.0   0     ecog 2              -> criterion 2
**    6    NA    0    2.5   1     age missing         -> criterion 1, missing
**    7    70    1     NA   0     size missing        -> criterion 3, missing
**    8    66    1   12.0   1     size > 10           -> criterion 3
**    9    50    0    6.0  -1     no arm
**   10    62    1    7.5   1
*/
static onc_frame *frame(void)
{
    const double age[] = {45, 80, 16, 60, 55, NAN, 70, 66, 50, 62};
    const double ecog[] = {0, 1, NAN, NAN, 2, 0, 1, 1, 0, 1};
    const double size[] = {3, 2, 4, 5, 1, 2.5, NAN, 12, 6, 7.5};
    onc_frame *df = NULL;
    onc_error err;

    CHECK(onc_frame_new(10, &df) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "age", ONC_COL_INTEGER, age, &err) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "ecog", ONC_COL_INTEGER, ecog, &err) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "size_cm", ONC_COL_NUMBER, size, &err) == ONC_OK);
    return df;
}

static const int32_t arm[] = {0, 1, 0, 1, 0, 1, 0, 1, -1, 1};

static void flow(const onc_frame *df)
{
    const onc_criterion crit[] = {
        {"age >= 18 & age <= 75", "age outside 18-75 years", "study.yaml", 20},
        {"ecog in (0, 1)", "ECOG performance status 2 or more", "study.yaml", 22},
        {"size_cm <= 10", "largest metastasis over 10 cm", "study.yaml", 24},
    };
    onc_flow *f = NULL;
    onc_error err;

    CHECK(onc_eligibility_apply(df, crit, 3, arm, 2, "treatment", &f, &err) == ONC_OK);
    if (f == NULL)
        return;
    CHECK(f->n_screened == 10);
    CHECK(f->n_excluded == 8);
    CHECK(f->n_eligible == 2);           /* rows 1 and 10 */
    CHECK(f->eligible[0] && f->eligible[9]);
    CHECK(!f->eligible[2] && !f->eligible[8]);
    CHECK(f->arm_n[0] == 1 && f->arm_n[1] == 1);
    CHECK(f->criterion_excluded[0] == 3);
    CHECK(f->criterion_excluded[1] == 2);
    CHECK(f->criterion_excluded[2] == 2);
    CHECK(f->n_reasons == 7);
    if (f->n_reasons == 7) {
        /* Plan order, "not met" before "missing" within a criterion. */
        CHECK_STR(f->reasons[0].reason, "age outside 18-75 years");
        CHECK(f->reasons[0].count == 2 && f->reasons[0].rows[0] == 2 && f->reasons[0].rows[1] == 3);
        CHECK(f->reasons[0].criterion == 0 && !f->reasons[0].missing);
        CHECK_STR(f->reasons[1].reason, "missing value in 'age'");
        CHECK(f->reasons[1].count == 1 && f->reasons[1].rows[0] == 6 && f->reasons[1].missing);
        CHECK_STR(f->reasons[2].reason, "ECOG performance status 2 or more");
        CHECK(f->reasons[2].rows[0] == 5);
        CHECK_STR(f->reasons[3].reason, "missing value in 'ecog'");
        CHECK(f->reasons[3].rows[0] == 4 && f->reasons[3].criterion == 1);
        CHECK_STR(f->reasons[4].reason, "largest metastasis over 10 cm");
        CHECK(f->reasons[4].rows[0] == 8);
        CHECK_STR(f->reasons[5].reason, "missing value in 'size_cm'");
        CHECK(f->reasons[5].rows[0] == 7);
        CHECK_STR(f->reasons[6].reason, "no treatment arm ('treatment' missing)");
        CHECK(f->reasons[6].rows[0] == 9 && f->reasons[6].criterion == -1);
    }
    onc_flow_free(f);
}

static void no_criteria(const onc_frame *df)
{
    onc_flow *f = NULL;
    onc_error err;

    CHECK(onc_eligibility_apply(df, NULL, 0, arm, 2, "treatment", &f, &err) == ONC_OK);
    if (f == NULL)
        return;
    CHECK(f->n_eligible == 9 && f->n_excluded == 1 && f->n_reasons == 1);
    CHECK(f->arm_n[0] == 4 && f->arm_n[1] == 5);
    onc_flow_free(f);
}

/* Errors name the plan file and the criterion's line. */
static void errors(const onc_frame *df)
{
    static const struct {
        const char *text;
        onc_status status;
        const char *message;
    } cases[] = {
        {"age >= 18 &", ONC_ERR_PARSE, "study.yaml: line 31: eligibility criterion 'age >= 18 &'"},
        {"agee >= 18", ONC_ERR_USAGE, "did you mean"},
        {"age > 200", ONC_ERR_DATA, "no patient is left after this criterion"},
        /* NA | FALSE is missing: nobody is shown to be eligible. */
        {"age > 200 | ecog > 5", ONC_ERR_DATA, "no patient is left after this criterion (10 of 10"},
    };
    size_t k;

    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        onc_criterion c = {cases[k].text, "reason", "study.yaml", 31};
        onc_flow *f = NULL;
        onc_error err;
        onc_status st = onc_eligibility_apply(df, &c, 1, arm, 2, "treatment", &f, &err);
        CHECK(st == cases[k].status);
        CHECK(f == NULL);
        CHECK(strstr(err.message, cases[k].message) != NULL);
        if (strstr(err.message, cases[k].message) == NULL)
            fprintf(stderr, "  message: %s\n", err.message);
        CHECK(err.line == 31);
    }
}

/* The only patient who meets the criterion has no arm. */
static void nobody_with_arm(const onc_frame *df)
{
    onc_criterion c = {"age == 50", "reason", "study.yaml", 12};
    onc_flow *f = NULL;
    onc_error err;

    CHECK(onc_eligibility_apply(df, &c, 1, arm, 2, "treatment", &f, &err) == ONC_ERR_DATA);
    CHECK(f == NULL);
    CHECK(strstr(err.message, "no eligible patient has a treatment arm") != NULL);
}

int main(void)
{
    onc_frame *df;

    harness_set_name("test_eligibility");
    df = frame();
    flow(df);
    no_criteria(df);
    errors(df);
    nobody_with_arm(df);
    onc_frame_free(df);
    return harness_finish();
}
