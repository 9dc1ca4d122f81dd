/*
** test_mrecist.c -- mRECIST time-point responses (Lencioni & Llovet,
** Semin Liver Dis 2010;30:52): the RECIST engine on viable (arterially
** enhancing) diameters, PD at +20% from the nadir without the 5 mm rule,
** CR when no target enhances.
**
** Reference: hand-built patient histories; each case gives the rule and
** the arithmetic that fix the expected answer.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "oncostat/response.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A target with its total longest diameter and its viable part. */
static onc_lesion_record lesion(const char *pt, double day, const char *id,
                                double diameter, double viable)
{
    onc_lesion_record r;

    memset(&r, 0, sizeof r);
    r.patient = pt;
    r.day = day;
    r.lesion = id;
    r.organ = "liver";
    r.kind = ONC_LESION_TARGET;
    r.diameter = diameter;
    r.viable_diameter = viable;
    r.short_axis = r.attenuation = NAN;
    r.nt_status = ONC_NT_PRESENT;
    return r;
}

static onc_response_result *run(const onc_lesion_record *rec, size_t n,
                                onc_criteria criteria)
{
    onc_response_options opt;
    onc_response_result *res = NULL;
    onc_error err;

    onc_response_options_init(&opt);
    opt.criteria = criteria;
    opt.confirm_days = 0;
    opt.min_sd_days = 0;
    opt.organ = NULL;
    if (onc_response_evaluate(rec, n, &opt, &res, &err) != ONC_OK) {
        fprintf(stderr, "unexpected error: %s\n", err.message);
        CHECK(0);
    }
    return res;
}

static const onc_response_patient *patient(const onc_response_result *res,
                                           const char *id)
{
    size_t i;

    for (i = 0; res != NULL && i < res->n_patients; i++)
        if (strcmp(res->patients[i].patient, id) == 0)
            return &res->patients[i];
    CHECK(!"patient present");
    return NULL;
}

static const onc_response_assessment *visit(const onc_response_result *res,
                                            const char *id, double day)
{
    const onc_response_patient *p = patient(res, id);
    size_t i;

    for (i = 0; p != NULL && i < p->n_assessments; i++)
        if (res->assessments[p->first_assessment + i].day == day)
            return &res->assessments[p->first_assessment + i];
    CHECK(!"assessment present");
    return NULL;
}

static int has_issue(const onc_response_patient *p, const char *needle)
{
    size_t i;

    for (i = 0; p != NULL && i < p->n_issues; i++)
        if (strstr(p->issues[i], needle) != NULL)
            return 1;
    return 0;
}

/* Check one assessment's response and that its rule mentions `needle`. */
static void expect_visit(const onc_response_result *res, const char *id,
                         double day, onc_response r, const char *needle)
{
    const onc_response_assessment *a = visit(res, id, day);

    if (a == NULL)
        return;
    CHECK_STR(onc_response_name(a->response), onc_response_name(r));
    if (strstr(a->rule, needle) == NULL) {
        fprintf(stderr, "rule of %s day %g: \"%s\" lacks \"%s\"\n", id, day,
                a->rule, needle);
        CHECK(0);
    }
}

static void expect_best(const onc_response_result *res, const char *id,
                        onc_response r, const char *needle)
{
    const onc_response_patient *p = patient(res, id);

    if (p == NULL)
        return;
    CHECK_STR(onc_response_name(p->best), onc_response_name(r));
    if (strstr(p->reason, needle) == NULL) {
        fprintf(stderr, "reason of %s: \"%s\" lacks \"%s\"\n", id, p->reason, needle);
        CHECK(0);
    }
}

static void test_mrecist(void)
{
    const onc_lesion_record rec[] = {
        /* CR: both targets still visible (38 and 28 mm) but neither
        ** enhances: viable sum 50 -> 0, CR */
        lesion("CR", 0, "L1", 40, 30), lesion("CR", 0, "L2", 30, 20),
        lesion("CR", 56, "L1", 38, 0), lesion("CR", 56, "L2", 28, 0),
        /* PD20: viable 20 -> 10 (PR, -50%) -> 12: +20% from the nadir 10
        ** with only +2 mm: PD by mRECIST (no 5 mm rule) */
        lesion("PD20", 0, "L1", 20, 20), lesion("PD20", 56, "L1", 10, 10),
        lesion("PD20", 112, "L1", 12, 12),
        /* PD19: viable 50 -> 40 -> 47.96: +19.9% from the nadir 40: SD */
        lesion("PD19", 0, "L1", 50, 50), lesion("PD19", 56, "L1", 40, 40),
        lesion("PD19", 112, "L1", 47.96, 47.96),
        /* PR30: viable 50 -> 35 = -30%: PR; PR29: 50 -> 35.1 = -29.8%: SD */
        lesion("PR30", 0, "L1", 60, 50), lesion("PR30", 56, "L1", 60, 35),
        lesion("PR29", 0, "L1", 60, 50), lesion("PR29", 56, "L1", 60, 35.1),
        /* NECROSIS: total diameter 50 -> 48 (-4%, SD by RECIST) while the
        ** viable part goes 40 -> 10 (-75%): PR by mRECIST */
        lesion("NECROSIS", 0, "L1", 50, 40), lesion("NECROSIS", 56, "L1", 48, 10),
        /* BACK: CR at 56, a 2 mm enhancing focus at 112: PD (any lesion
        ** reappearing after an overall CR) */
        lesion("BACK", 0, "L1", 30, 25), lesion("BACK", 56, "L1", 20, 0),
        lesion("BACK", 112, "L1", 20, 2),
        /* ISSUES: a target with no enhancing tumour and one of 8 mm */
        lesion("ISSUES", 0, "L1", 30, 0), lesion("ISSUES", 0, "L2", 30, 8),
    };
    onc_response_result *res = run(rec, N(rec), ONC_CRITERIA_MRECIST);
    onc_response_result *recist;
    const onc_response_assessment *a;
    const onc_response_patient *p;

    if (res == NULL)
        return;
    expect_visit(res, "CR", 56, ONC_RESP_CR, "no viable tumour in any target lesion");
    a = visit(res, "CR", 56);
    CHECK(a != NULL && a->sum == 0.0 && a->change_baseline_pct == -100.0);
    expect_visit(res, "PD20", 56, ONC_RESP_PR, "viable sum -50.0% from baseline");
    expect_visit(res, "PD20", 112, ONC_RESP_PD,
                 "PD: viable sum +20.0% from nadir 10.0 mm (>= 20%)");
    expect_best(res, "PD20", ONC_RESP_PR, "PR at day 56");
    expect_visit(res, "PD19", 112, ONC_RESP_SD, "+19.9% from nadir");
    expect_visit(res, "PR30", 56, ONC_RESP_PR, "-30.0%");
    expect_visit(res, "PR29", 56, ONC_RESP_SD, "-29.8%");
    expect_visit(res, "NECROSIS", 56, ONC_RESP_PR, "viable sum -75.0% from baseline");
    expect_visit(res, "BACK", 112, ONC_RESP_PD, "viable tumour reappeared");
    p = patient(res, "ISSUES");
    CHECK(has_issue(p, "'L1' shows no viable (enhancing) tumour at baseline"));
    CHECK(has_issue(p, "'L2' has a viable diameter of 8.0 mm at baseline"));
    CHECK(res->criteria == ONC_CRITERIA_MRECIST);
    CHECK_STR(onc_criteria_name(res->criteria), "mRECIST");
    onc_response_free(res);

    /* The same records by RECIST 1.1 (total diameters): PD20 at day 112 is
    ** +20% but +2 mm from the nadir, so not PD, and -40% from baseline: PR;
    ** NECROSIS is -4%: SD. */
    recist = run(rec, N(rec), ONC_CRITERIA_RECIST11);
    if (recist == NULL)
        return;
    expect_visit(recist, "PD20", 112, ONC_RESP_PR, "sum -40.0% from baseline");
    expect_visit(recist, "NECROSIS", 56, ONC_RESP_SD, "sum -4.0% from baseline");
    onc_response_free(recist);
}

/* A target without its viable diameter at baseline is an error. */
static void test_missing_viable(void)
{
    onc_lesion_record rec[1];
    onc_response_options opt;
    onc_response_result *res = NULL;
    onc_error err;

    onc_response_options_init(&opt);
    opt.criteria = ONC_CRITERIA_MRECIST;
    opt.confirm_days = 0;
    rec[0] = lesion("E", 0, "L1", 30, NAN);
    rec[0].source_row = 4;
    CHECK(onc_response_evaluate(rec, 1, &opt, &res, &err) == ONC_ERR_DATA);
    CHECK(res == NULL && err.row == 4);
    CHECK(strstr(err.message, "no viable_diameter at baseline") != NULL);
    rec[0].viable_diameter = -1;
    CHECK(onc_response_evaluate(rec, 1, &opt, &res, &err) == ONC_ERR_DATA);
    CHECK(strstr(err.message, "negative viable_diameter") != NULL);
}

int main(void)
{
    harness_set_name("test_mrecist");
    test_mrecist();
    test_missing_viable();
    return harness_finish();
}
