/*
** test_choi.c -- Choi criteria (Choi et al., J Clin Oncol 2007;25:1753,
** table 1): size (sum of longest diameters) and density (mean attenuation
** of the targets, HU).
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

/* A target with its longest diameter (mm) and mean attenuation (HU). */
static onc_lesion_record lesion(const char *pt, double day, const char *id,
                                const char *organ, double diameter, double hu)
{
    onc_lesion_record r;

    memset(&r, 0, sizeof r);
    r.patient = pt;
    r.day = day;
    r.lesion = id;
    r.organ = organ;
    r.kind = ONC_LESION_TARGET;
    r.diameter = diameter;
    r.attenuation = hu;
    r.short_axis = r.viable_diameter = NAN;
    r.nt_status = ONC_NT_PRESENT;
    return r;
}

static onc_lesion_record other(const char *pt, double day, const char *id,
                               onc_lesion_kind kind, onc_nontarget_status status)
{
    onc_lesion_record r = lesion(pt, day, id, "liver", NAN, NAN);

    r.kind = kind;
    r.nt_status = status;
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

static void test_choi(void)
{
    const onc_lesion_record rec[] = {
        /* SIZE10: size 100 -> 90 = -10% (HU -5%): PR by size */
        lesion("SIZE10", 0, "L1", "liver", 100, 100),
        lesion("SIZE10", 56, "L1", "liver", 90, 95),
        /* BELOW: size -9.9% and HU -14.9%: neither reaches its threshold: SD */
        lesion("BELOW", 0, "L1", "liver", 100, 100),
        lesion("BELOW", 56, "L1", "liver", 90.1, 85.1),
        /* HU15: size +5%, HU 100 -> 85 = -15%: PR by density */
        lesion("HU15", 0, "L1", "liver", 100, 100),
        lesion("HU15", 56, "L1", "liver", 105, 85),
        /* OVERRIDE: size +10% from the nadir but HU -20%: PR (PD needs "not
        ** PR by density") */
        lesion("OVERRIDE", 0, "L1", "liver", 100, 100),
        lesion("OVERRIDE", 56, "L1", "liver", 110, 80),
        /* PD10: size +10% exactly, HU -10%: PD */
        lesion("PD10", 0, "L1", "liver", 100, 100),
        lesion("PD10", 56, "L1", "liver", 110, 90),
        /* NOHU: size +12% and no attenuation at day 56: NE (density could
        ** overrule the increase) */
        lesion("NOHU", 0, "L1", "liver", 100, 100),
        lesion("NOHU", 56, "L1", "liver", 112, NAN),
        /* NEWL: HU -30% but a new lesion: PD */
        lesion("NEWL", 0, "L1", "liver", 100, 100),
        lesion("NEWL", 56, "L1", "liver", 90, 70),
        other("NEWL", 56, "N1", ONC_LESION_NEW, ONC_NT_PRESENT),
        /* CR: every target gone, no non-target, no new lesion */
        lesion("CR", 0, "L1", "liver", 40, 90), lesion("CR", 56, "L1", "liver", 0, NAN),
        /* MEAN: HU 100 and 60 (mean 80) -> 80 and 56 (mean 68) = -15%: PR;
        ** sizes 50 + 50 -> 52 + 50 = +2% */
        lesion("MEAN", 0, "L1", "liver", 50, 100), lesion("MEAN", 0, "L2", "lung", 50, 60),
        lesion("MEAN", 56, "L1", "liver", 52, 80), lesion("MEAN", 56, "L2", "lung", 50, 56),
        /* NADIR: 100 -> 80 (PR by size) -> 88: +10% from the nadir 80 with
        ** HU unchanged-ish (-2%): PD although still -12% from baseline */
        lesion("NADIR", 0, "L1", "liver", 100, 100),
        lesion("NADIR", 56, "L1", "liver", 80, 100),
        lesion("NADIR", 112, "L1", "liver", 88, 98),
        /* NTPD: size -20% but unequivocal non-target progression: PD */
        lesion("NTPD", 0, "L1", "liver", 100, 100),
        other("NTPD", 0, "NT1", ONC_LESION_NONTARGET, ONC_NT_PRESENT),
        lesion("NTPD", 56, "L1", "liver", 80, 100),
        other("NTPD", 56, "NT1", ONC_LESION_NONTARGET, ONC_NT_UNEQUIVOCAL_PD),
        /* NTPRES: size -20% with non-target disease present: PR */
        lesion("NTPRES", 0, "L1", "liver", 100, 100),
        other("NTPRES", 0, "NT1", ONC_LESION_NONTARGET, ONC_NT_PRESENT),
        lesion("NTPRES", 56, "L1", "liver", 80, 100),
        other("NTPRES", 56, "NT1", ONC_LESION_NONTARGET, ONC_NT_PRESENT),
    };
    onc_response_result *res = run(rec, N(rec), ONC_CRITERIA_CHOI);
    const onc_response_assessment *a;

    if (res == NULL)
        return;
    expect_visit(res, "SIZE10", 56, ONC_RESP_PR, "PR: size -10.0% from baseline (<= -10%)");
    expect_visit(res, "BELOW", 56, ONC_RESP_SD, "size -9.9% from baseline");
    expect_visit(res, "BELOW", 56, ONC_RESP_SD, "attenuation -14.9%");
    expect_visit(res, "HU15", 56, ONC_RESP_PR, "attenuation -15.0% from baseline (<= -15%)");
    expect_visit(res, "OVERRIDE", 56, ONC_RESP_PR, "overrides the size increase");
    expect_visit(res, "PD10", 56, ONC_RESP_PD,
                 "PD: size +10.0% from nadir (>= 10%), attenuation -10.0% (not <= -15%)");
    expect_visit(res, "NOHU", 56, ONC_RESP_NE, "attenuation cannot be compared");
    expect_visit(res, "NEWL", 56, ONC_RESP_PD, "new lesion 'N1'");
    expect_visit(res, "CR", 56, ONC_RESP_CR, "all target lesions gone");
    expect_visit(res, "MEAN", 56, ONC_RESP_PR, "attenuation -15.0%");
    a = visit(res, "MEAN", 56);
    if (a != NULL) {
        CHECK_REL(a->attenuation, 68.0, 1e-15);
        CHECK_CLOSE(a->attenuation_change_pct, -15.0, 1e-12);
        CHECK_CLOSE(a->change_baseline_pct, 2.0, 1e-12);
    }
    a = visit(res, "MEAN", 0);
    CHECK(a != NULL && a->attenuation == 80.0 && a->is_baseline);
    expect_visit(res, "NADIR", 56, ONC_RESP_PR, "size -20.0%");
    expect_visit(res, "NADIR", 112, ONC_RESP_PD, "size +10.0% from nadir");
    expect_best(res, "NADIR", ONC_RESP_PR, "PR at day 56");
    expect_visit(res, "NTPD", 56, ONC_RESP_PD, "non-target");
    expect_visit(res, "NTPRES", 56, ONC_RESP_PR, "size -20.0% from baseline");
    onc_response_free(res);
}

/* Baseline: RECIST 1.0 selection (10 targets, 5 per organ) and the
** attenuation needed for the density criterion; nodes measured by their
** longest diameter. */
static void test_choi_baseline(void)
{
    const onc_lesion_record rec[] = {
        lesion("MANY", 0, "L01", "liver", 20, 90), lesion("MANY", 0, "L02", "liver", 20, 90),
        lesion("MANY", 0, "L03", "liver", 20, 90), lesion("MANY", 0, "L04", "liver", 20, 90),
        lesion("MANY", 0, "L05", "liver", 20, 90), lesion("MANY", 0, "L06", "liver", 20, 90),
        lesion("MANY", 0, "L07", "lung", 20, 90), lesion("MANY", 0, "L08", "lung", 20, 90),
        lesion("MANY", 0, "L09", "bone", 20, 90), lesion("MANY", 0, "L10", "bone", 20, 90),
        lesion("MANY", 0, "L11", "peritoneum", 20, 90),
        lesion("POOR", 0, "L1", "liver", 8, NAN),
        lesion("NODE", 0, "N1", "lymph node", 30, 70),
    };
    onc_lesion_record all[N(rec)];
    onc_response_result *res;
    const onc_response_patient *p;
    size_t i;

    for (i = 0; i < N(rec); i++)
        all[i] = rec[i];
    all[N(rec) - 1].is_node = 1;
    all[N(rec) - 1].short_axis = 12;
    res = run(all, N(all), ONC_CRITERIA_CHOI);
    if (res == NULL)
        return;
    p = patient(res, "MANY");
    CHECK(has_issue(p, "11 target lesions at baseline; Choi allows at most 10"));
    CHECK(has_issue(p, "6 target lesions in liver at baseline; Choi allows at most 5 per organ"));
    p = patient(res, "POOR");
    CHECK(has_issue(p, "less than 10 mm at baseline and has no attenuation"));
    p = patient(res, "NODE");
    CHECK(p != NULL && p->baseline_sum == 30.0);    /* longest diameter, not 12 */
    CHECK(p != NULL && p->n_issues == 0);
    onc_response_free(res);
}

int main(void)
{
    harness_set_name("test_choi");
    test_choi();
    test_choi_baseline();
    return harness_finish();
}
