/*
** test_response_baseline.c -- which records form the baseline
** (onc_baseline_rule), and what happens to a patient whose baseline scan is
** missing.
**
** Reference: hand-built patient histories under RECIST 1.1 (Eisenhauer et
** al. 2009).  The arithmetic is given next to each case.  The point of the
** rules: under EARLIEST a patient whose baseline scan is absent from the
** data is silently re-baselined on the first follow-up; under DAY and FLAG
** the gap is detected, reported as "missing baseline" and the patient is NE.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "oncostat/response.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static onc_lesion_record tgt(const char *pt, double day, const char *id,
                             const char *organ, double mm)
{
    onc_lesion_record r;

    memset(&r, 0, sizeof r);
    r.patient = pt;
    r.day = day;
    r.lesion = id;
    r.organ = organ;
    r.kind = ONC_LESION_TARGET;
    r.diameter = mm;
    r.short_axis = r.viable_diameter = r.attenuation = NAN;
    r.nt_status = ONC_NT_PRESENT;
    return r;
}

static onc_lesion_record newl(const char *pt, double day, const char *id)
{
    onc_lesion_record r = tgt(pt, day, id, "liver", NAN);

    r.kind = ONC_LESION_NEW;
    return r;
}

static onc_lesion_record flagged(onc_lesion_record r)
{
    r.is_baseline = 1;
    return r;
}

static onc_response_result *run(const onc_lesion_record *rec, size_t n,
                                onc_baseline_rule rule, double min_sd)
{
    onc_response_options opt;
    onc_response_result *res = NULL;
    onc_error err;

    onc_response_options_init(&opt);
    opt.baseline = rule;
    opt.min_sd_days = min_sd;
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

static int has_issue(const onc_response_patient *p, const char *needle)
{
    size_t i;

    for (i = 0; p != NULL && i < p->n_issues; i++)
        if (strstr(p->issues[i], needle) != NULL)
            return 1;
    return 0;
}

/* Two patients: A has its baseline at day -7; MISS has no scan before
** treatment.  MISS's sums 50 -> 25 mm would be a PR of -50% if its first
** follow-up were taken as the baseline. */
static const onc_lesion_record *two_patients(size_t *n)
{
    static onc_lesion_record rec[8];

    rec[0] = tgt("A", -7, "T1", "liver", 40);
    rec[1] = tgt("A", -7, "T2", "lung", 60);
    rec[2] = tgt("A", 56, "T1", "liver", 28);   /* 28 + 42 = 70: -30% */
    rec[3] = tgt("A", 56, "T2", "lung", 42);
    rec[4] = tgt("MISS", 42, "T1", "liver", 30);
    rec[5] = tgt("MISS", 42, "T2", "liver", 20);
    rec[6] = tgt("MISS", 84, "T1", "liver", 15);
    rec[7] = tgt("MISS", 84, "T2", "liver", 10);
    *n = N(rec);
    return rec;
}

static void test_day_rule(void)
{
    size_t n, i;
    const onc_lesion_record *rec = two_patients(&n);
    onc_response_result *res = run(rec, n, ONC_BASELINE_DAY, 0);
    const onc_response_patient *a, *m;

    a = patient(res, "A");
    CHECK(a != NULL && a->best == ONC_RESP_PR && !a->missing_baseline);
    CHECK(a != NULL && a->baseline_day == -7.0 && a->baseline_sum == 100.0);
    CHECK(a != NULL && res->assessments[a->first_assessment].is_baseline);
    CHECK(a != NULL && a->n_issues == 0);

    m = patient(res, "MISS");
    CHECK(m != NULL && m->missing_baseline == 1);
    CHECK(m != NULL && m->best == ONC_RESP_NE);
    CHECK(m != NULL && strstr(m->reason, "missing baseline") != NULL);
    CHECK(has_issue(m, "missing baseline: no assessment at day <= 0 (first "
                       "assessment at day 42)"));
    CHECK(m != NULL && isnan(m->baseline_day) && isnan(m->baseline_sum));
    CHECK(m != NULL && isnan(m->best_change_pct) && isnan(m->first_pd_day));
    CHECK(m != NULL && m->n_assessments == 2);
    for (i = 0; m != NULL && i < m->n_assessments; i++) {
        const onc_response_assessment *x = &res->assessments[m->first_assessment + i];
        CHECK(!x->is_baseline && x->response == ONC_RESP_NE);
        CHECK_STR(x->rule, "NE: missing baseline");
        CHECK(isnan(x->sum) && isnan(x->change_baseline_pct));
    }
    CHECK(res->best_count[ONC_RESP_PR] == 1 && res->best_count[ONC_RESP_NE] == 1);
    CHECK(res->n_assessments == 4);
    CHECK(res->baseline == ONC_BASELINE_DAY);
    onc_response_free(res);

    /* The same data under EARLIEST: MISS is re-baselined at day 42 and
    ** becomes a PR (25 from 50 = -50%).  This is what the DAY rule
    ** prevents. */
    res = run(rec, n, ONC_BASELINE_EARLIEST, 0);
    m = patient(res, "MISS");
    CHECK(m != NULL && m->best == ONC_RESP_PR && !m->missing_baseline);
    CHECK(m != NULL && m->baseline_day == 42.0);
    CHECK_CLOSE(m != NULL ? m->best_change_pct : NAN, -50.0, 1e-12);
    onc_response_free(res);
}

/* Day 0 (the day of the first dose) is pre-treatment; day 1 is not. */
static void test_day_zero(void)
{
    onc_lesion_record rec[4];
    onc_response_result *res;
    const onc_response_patient *p;

    rec[0] = tgt("Z", 0, "T1", "liver", 50);
    rec[1] = tgt("Z", 28, "T1", "liver", 30);   /* -40%: PR */
    rec[2] = tgt("ONE", 1, "T1", "liver", 50);
    rec[3] = tgt("ONE", 28, "T1", "liver", 30);
    res = run(rec, N(rec), ONC_BASELINE_DAY, 0);
    p = patient(res, "Z");
    CHECK(p != NULL && p->best == ONC_RESP_PR && p->baseline_day == 0.0);
    p = patient(res, "ONE");
    CHECK(p != NULL && p->missing_baseline && p->best == ONC_RESP_NE);
    onc_response_free(res);
}

/* Baseline imaging on several pre-treatment days forms one baseline; a
** lesion measured on two of them is taken from the later one. */
static void test_merged_baseline(void)
{
    onc_lesion_record rec[7];
    onc_response_result *res;
    const onc_response_patient *p;
    const onc_response_assessment *b, *f;

    rec[0] = tgt("M", -12, "L1", "lung", 20);       /* CT chest */
    rec[1] = tgt("M", -12, "L3", "liver", 25);
    rec[2] = tgt("M", -3, "L2", "liver", 30);       /* liver MRI */
    rec[3] = tgt("M", -3, "L3", "liver", 28);       /* replaces 25 */
    rec[4] = tgt("M", 60, "L1", "lung", 14);
    rec[5] = tgt("M", 60, "L2", "liver", 21);
    rec[6] = tgt("M", 60, "L3", "liver", 19.6);
    res = run(rec, N(rec), ONC_BASELINE_DAY, 0);
    p = patient(res, "M");
    /* baseline 20 + 30 + 28 = 78; day 60: 14 + 21 + 19.6 = 54.6 = -30% */
    CHECK(p != NULL && p->baseline_sum == 78.0 && p->baseline_day == -3.0);
    CHECK(p != NULL && p->n_assessments == 2 && res->n_assessments == 2);
    CHECK(has_issue(p, "lesion 'L3' is recorded at baseline on day -12 and "
                       "day -3; the later record is used"));
    CHECK(p != NULL && p->best == ONC_RESP_PR);
    b = p != NULL ? &res->assessments[p->first_assessment] : NULL;
    f = b != NULL ? b + 1 : NULL;
    CHECK(b != NULL && b->is_baseline && b->day == -3.0 && b->n_targets == 3);
    CHECK(f != NULL && f->day == 60.0 && f->response == ONC_RESP_PR);
    CHECK_CLOSE(f != NULL ? f->change_baseline_pct : NAN, -30.0, 1e-12);
    onc_response_free(res);
}

/* The minimum SD duration counts from the (latest) baseline day. */
static void test_min_sd_reference(void)
{
    onc_lesion_record rec[4];
    onc_response_result *res;
    const onc_response_patient *p;

    rec[0] = tgt("EARLY", -20, "T1", "liver", 50);
    rec[1] = tgt("EARLY", 30, "T1", "liver", 48);   /* SD, 50 days after */
    rec[2] = tgt("LATE", -3, "T1", "liver", 50);
    rec[3] = tgt("LATE", 30, "T1", "liver", 48);    /* SD, 33 days after */
    res = run(rec, N(rec), ONC_BASELINE_DAY, 42);
    p = patient(res, "EARLY");
    CHECK(p != NULL && p->best == ONC_RESP_SD);
    p = patient(res, "LATE");
    CHECK(p != NULL && p->best == ONC_RESP_NE);
    onc_response_free(res);
}

/* A new lesion without a baseline is still NE: there is nothing to
** compare with, and the record is kept on the assessment. */
static void test_missing_baseline_new_lesion(void)
{
    onc_lesion_record rec[3];
    onc_response_result *res;
    const onc_response_patient *p;

    rec[0] = tgt("N", 30, "T1", "liver", 20);
    rec[1] = tgt("N", 60, "T1", "liver", 20);
    rec[2] = newl("N", 60, "NEW1");
    res = run(rec, N(rec), ONC_BASELINE_DAY, 0);
    p = patient(res, "N");
    CHECK(p != NULL && p->best == ONC_RESP_NE && p->missing_baseline);
    CHECK(p != NULL && res->assessments[p->first_assessment + 1].new_lesion == 1);
    CHECK(p != NULL && res->assessments[p->first_assessment].new_lesion == 0);
    onc_response_free(res);
}

/* The flag rule: flagged records are the baseline whatever their day. */
static void test_flag_rule(void)
{
    onc_lesion_record rec[6];
    onc_response_result *res;
    const onc_response_patient *p;

    rec[0] = flagged(tgt("F", 3, "T1", "liver", 40));   /* scanned on day 3 */
    rec[1] = tgt("F", 30, "T1", "liver", 52);           /* +30%, +12 mm: PD */
    rec[2] = tgt("G", 10, "T1", "liver", 40);           /* nothing flagged */
    rec[3] = tgt("G", 40, "T1", "liver", 20);
    rec[4] = flagged(tgt("H", -30, "T1", "liver", 40));
    rec[5] = flagged(tgt("H", -2, "T2", "liver", 10));
    res = run(rec, N(rec), ONC_BASELINE_FLAG, 0);
    p = patient(res, "F");
    CHECK(p != NULL && p->best == ONC_RESP_PD && p->first_pd_day == 30.0);
    p = patient(res, "G");
    CHECK(p != NULL && p->missing_baseline && p->best == ONC_RESP_NE);
    CHECK(has_issue(p, "no record flagged as baseline"));
    p = patient(res, "H");      /* two flagged days, one baseline of 50 mm */
    CHECK(p != NULL && p->baseline_sum == 50.0 && p->n_assessments == 1);
    CHECK(p != NULL && p->best == ONC_RESP_NE);
    onc_response_free(res);
}

/* Errors: a flag that contradicts the days; an unknown rule. */
static void test_errors(void)
{
    onc_lesion_record rec[3];
    onc_response_options opt;
    onc_response_result *res = NULL;
    onc_error err;

    rec[0] = flagged(tgt("E", 0, "T1", "liver", 40));
    rec[1] = tgt("E", 28, "T1", "liver", 30);
    rec[2] = flagged(tgt("E", 56, "T2", "liver", 10));
    rec[0].source_row = 4;
    rec[1].source_row = 5;
    rec[2].source_row = 6;
    onc_response_options_init(&opt);
    opt.baseline = ONC_BASELINE_FLAG;
    CHECK(onc_response_evaluate(rec, N(rec), &opt, &res, &err) == ONC_ERR_DATA);
    CHECK(res == NULL && err.row == 6);
    CHECK_STR(err.column, "baseline");
    CHECK(strstr(err.message, "row 6, column 'baseline': patient 'E': lesion "
                              "'T2' is marked baseline at day 56, but lesion "
                              "'T1' (row 5) is a follow-up record at day 28")
          != NULL);

    /* A flagged and an unflagged record on the same day contradict too. */
    rec[2] = tgt("E", 0, "T2", "liver", 10);
    rec[2].source_row = 6;
    CHECK(onc_response_evaluate(rec, N(rec), &opt, &res, &err) == ONC_ERR_DATA);
    CHECK(res == NULL && err.row == 4);
    CHECK(strstr(err.message, "'T2' (row 6) is a follow-up record at day 0") != NULL);

    opt.baseline = (onc_baseline_rule)7;
    CHECK(onc_response_evaluate(rec, N(rec), &opt, &res, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "unknown baseline rule 7") != NULL);
}

/* With dates as days, issues and reasons name dates. */
static void test_dates_in_messages(void)
{
    onc_lesion_record rec[4];
    onc_response_options opt;
    onc_response_result *res = NULL;
    onc_error err;
    const onc_response_patient *p;
    double d0 = 18687.0;        /* 2021-03-01 */

    rec[0] = tgt("D", d0 - 5, "T1", "liver", 40);
    rec[1] = tgt("D", d0 + 56, "T1", "liver", 20);      /* -50%: PR */
    rec[2] = tgt("D", d0 - 12, "T2", "lung", 10);
    rec[3] = tgt("D", d0 - 5, "T2", "lung", 12);
    onc_response_options_init(&opt);
    opt.days_are_dates = 1;
    CHECK(onc_response_evaluate(rec, N(rec), &opt, &res, &err) == ONC_OK);
    p = patient(res, "D");
    /* Under EARLIEST only day -12 is the baseline: T1 is new at day -5. */
    CHECK(p != NULL && has_issue(p, "lesion 'T1' at 2021-02-24 was not recorded at baseline"));
    CHECK(p != NULL && has_issue(p, "target lesion 'T2' not measured at 2021-04-26"));
    onc_response_free(res);

    opt.baseline = ONC_BASELINE_FLAG;
    rec[0].is_baseline = rec[2].is_baseline = rec[3].is_baseline = 1;
    rec[1].day = d0 + 56;
    CHECK(onc_response_evaluate(rec, N(rec), &opt, &res, &err) == ONC_OK);
    p = patient(res, "D");
    CHECK(p != NULL && has_issue(p, "lesion 'T2' is recorded at baseline on "
                                    "2021-02-17 and 2021-02-24"));
    CHECK(p != NULL && p->baseline_sum == 52.0);
    onc_response_free(res);
}

static void test_names(void)
{
    CHECK_STR(onc_baseline_rule_name(ONC_BASELINE_EARLIEST), "earliest");
    CHECK_STR(onc_baseline_rule_name(ONC_BASELINE_DAY), "day");
    CHECK_STR(onc_baseline_rule_name(ONC_BASELINE_FLAG), "flag");
}

int main(void)
{
    harness_set_name("test_response_baseline");
    test_day_rule();
    test_day_zero();
    test_merged_baseline();
    test_min_sd_reference();
    test_missing_baseline_new_lesion();
    test_flag_rule();
    test_errors();
    test_dates_in_messages();
    test_names();
    return harness_finish();
}
