/*
** test_recist.c -- RECIST 1.1 time-point and best overall responses, and
** the response engine shared by all criteria (confirmation, minimum SD
** duration, missing data, organ filter, input errors).
**
** Reference: hand-built patient histories.  Each case states the rule of
** Eisenhauer et al. 2009 (section or table) that fixes the expected answer,
** with the arithmetic.
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

static onc_lesion_record node(const char *pt, double day, const char *id,
                              double short_axis, double long_axis)
{
    onc_lesion_record r = tgt(pt, day, id, "lymph node", long_axis);

    r.is_node = 1;
    r.short_axis = short_axis;
    return r;
}

static onc_lesion_record nontgt(const char *pt, double day, const char *id,
                                onc_nontarget_status status)
{
    onc_lesion_record r = tgt(pt, day, id, "liver", NAN);

    r.kind = ONC_LESION_NONTARGET;
    r.nt_status = status;
    return r;
}

static onc_lesion_record newl(const char *pt, double day, const char *id,
                              const char *organ)
{
    onc_lesion_record r = tgt(pt, day, id, organ, NAN);

    r.kind = ONC_LESION_NEW;
    return r;
}

static onc_response_result *run(const onc_lesion_record *rec, size_t n,
                                double confirm, double min_sd, const char *organ)
{
    onc_response_options opt;
    onc_response_result *res = NULL;
    onc_error err;

    onc_response_options_init(&opt);
    opt.criteria = ONC_CRITERIA_RECIST11;
    opt.confirm_days = confirm;
    opt.min_sd_days = min_sd;
    opt.organ = organ;
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

/* ---- time-point rules and their boundaries ---- */

static void test_thresholds(void)
{
    const onc_lesion_record rec[] = {
        /* PR30: sum 100 -> 70 = -30.0% exactly: PR (>= 30% decrease) */
        tgt("PR30", 0, "L1", "liver", 60), tgt("PR30", 0, "L2", "lung", 40),
        tgt("PR30", 56, "L1", "liver", 40), tgt("PR30", 56, "L2", "lung", 30),
        /* PR29: 100 -> 70.1 = -29.9%: SD */
        tgt("PR29", 0, "L1", "liver", 100), tgt("PR29", 56, "L1", "liver", 70.1),
        /* DEC: 33.0 -> 23.1 is -30% exactly, -29.999999999999996% in
        ** binary: still PR */
        tgt("DEC", 0, "L1", "liver", 33.0), tgt("DEC", 56, "L1", "liver", 23.1),
        /* PD20: 50 -> 25 (PR) -> 30 = +20% and +5 mm from nadir 25: PD */
        tgt("PD20", 0, "L1", "liver", 50), tgt("PD20", 56, "L1", "liver", 25),
        tgt("PD20", 112, "L1", "liver", 30),
        /* MM4: 20 -> 15 (SD, -25%) -> 19 = +26.7% but +4 mm: SD (both
        ** conditions needed) */
        tgt("MM4", 0, "L1", "liver", 20), tgt("MM4", 56, "L1", "liver", 15),
        tgt("MM4", 112, "L1", "liver", 19),
        /* PCT18: 100 -> 80 -> 95 = +18.75% (+15 mm) from nadir 80: SD */
        tgt("PCT18", 0, "L1", "liver", 100), tgt("PCT18", 56, "L1", "liver", 80),
        tgt("PCT18", 112, "L1", "liver", 95),
        /* NADIR: 100 -> 80 -> 90 (+12.5% from nadir 80: SD) -> 96 (+20%,
        ** +16 mm from the nadir 80, not from the previous 90): PD */
        tgt("NADIR", 0, "L1", "liver", 100), tgt("NADIR", 56, "L1", "liver", 80),
        tgt("NADIR", 112, "L1", "liver", 90), tgt("NADIR", 168, "L1", "liver", 96),
    };
    onc_response_result *res = run(rec, N(rec), 0, 0, NULL);
    const onc_response_assessment *a;

    if (res == NULL)
        return;
    expect_visit(res, "PR30", 56, ONC_RESP_PR, "sum -30.0% from baseline (<= -30%)");
    a = visit(res, "PR30", 56);
    if (a != NULL) {
        CHECK_REL(a->sum, 70.0, 1e-15);
        CHECK_CLOSE(a->change_baseline_pct, -30.0, 1e-12);
    }
    expect_visit(res, "PR29", 56, ONC_RESP_SD, "SD: sum -29.9% from baseline");
    expect_visit(res, "DEC", 56, ONC_RESP_PR, "(<= -30%)");
    expect_visit(res, "PD20", 56, ONC_RESP_PR, "-50.0%");
    expect_visit(res, "PD20", 112, ONC_RESP_PD,
                 "PD: sum +20.0% (+5.0 mm) from nadir 25.0 mm (>= 20% and >= 5 mm)");
    expect_best(res, "PD20", ONC_RESP_PR, "PR at day 56");
    CHECK(patient(res, "PD20") && patient(res, "PD20")->first_pd_day == 112.0);
    expect_visit(res, "MM4", 112, ONC_RESP_SD, "+26.7% (+4.0 mm) from nadir");
    expect_visit(res, "PCT18", 112, ONC_RESP_SD, "+18.8% (+15.0 mm) from nadir");
    expect_visit(res, "NADIR", 112, ONC_RESP_SD, "+12.5% (+10.0 mm) from nadir");
    expect_visit(res, "NADIR", 168, ONC_RESP_PD, "+20.0% (+16.0 mm) from nadir 80.0 mm");
    a = visit(res, "NADIR", 168);
    if (a != NULL)
        CHECK(a->nadir == 80.0);
    /* best change for the waterfall: -20% at day 56, up to the first PD */
    CHECK(patient(res, "NADIR") && patient(res, "NADIR")->best_change_pct == -20.0);
    expect_best(res, "NADIR", ONC_RESP_SD, "SD at day 56");
    onc_response_free(res);
}

static void test_progression_and_complete_response(void)
{
    const onc_lesion_record rec[] = {
        /* NEW: sum -20% (SD) but a new lesion: PD (section 4.3.5) */
        tgt("NEW", 0, "L1", "liver", 50), tgt("NEW", 56, "L1", "liver", 40),
        newl("NEW", 56, "N1", "lung"),
        /* NTPD: targets -60% but unequivocal non-target progression: PD */
        tgt("NTPD", 0, "L1", "liver", 50), nontgt("NTPD", 0, "NT1", ONC_NT_PRESENT),
        tgt("NTPD", 56, "L1", "liver", 20),
        nontgt("NTPD", 56, "NT1", ONC_NT_UNEQUIVOCAL_PD),
        /* CRN: liver 30 + node 20 short axis; then liver 0, node 8 mm:
        ** CR although the sum is 8 mm (nodes < 10 mm are normal) */
        tgt("CRN", 0, "L1", "liver", 30), node("CRN", 0, "N1", 20, 31),
        tgt("CRN", 56, "L1", "liver", 0), node("CRN", 56, "N1", 8, 12),
        /* NODE10: the node at exactly 10 mm is not normal: PR (-80%) */
        tgt("NODE10", 0, "L1", "liver", 30), node("NODE10", 0, "N1", 20, 31),
        tgt("NODE10", 56, "L1", "liver", 0), node("NODE10", 56, "N1", 10, 12),
        /* CRNT: targets gone, non-target still present: PR (table 1) */
        tgt("CRNT", 0, "L1", "liver", 30), nontgt("CRNT", 0, "NT1", ONC_NT_PRESENT),
        tgt("CRNT", 56, "L1", "liver", 0), nontgt("CRNT", 56, "NT1", ONC_NT_PRESENT),
        /* CRNA: targets gone, non-target not assessed: PR (table 1) */
        tgt("CRNA", 0, "L1", "liver", 30), nontgt("CRNA", 0, "NT1", ONC_NT_PRESENT),
        tgt("CRNA", 56, "L1", "liver", 0),
        nontgt("CRNA", 56, "NT1", ONC_NT_NOT_ASSESSED),
        /* CRALL: targets gone, non-target absent: CR */
        tgt("CRALL", 0, "L1", "liver", 30), nontgt("CRALL", 0, "NT1", ONC_NT_PRESENT),
        tgt("CRALL", 56, "L1", "liver", 0), nontgt("CRALL", 56, "NT1", ONC_NT_ABSENT),
        /* BACK: CR at day 56, then 3 mm at day 112: PD although +3 mm < 5
        ** mm, because the previous assessment was CR (EORTC RECIST FAQ) */
        tgt("BACK", 0, "L1", "liver", 20), tgt("BACK", 56, "L1", "liver", 0),
        tgt("BACK", 112, "L1", "liver", 3),
        /* BACKPR: a lesion reappears after PR (not CR): sum 10 -> 13 is
        ** +30% but +3 mm from the nadir, so not PD; still -67.5% from the
        ** baseline 40: PR */
        tgt("BACKPR", 0, "L1", "liver", 20), tgt("BACKPR", 0, "L2", "lung", 20),
        tgt("BACKPR", 56, "L1", "liver", 0), tgt("BACKPR", 56, "L2", "lung", 10),
        tgt("BACKPR", 112, "L1", "liver", 3), tgt("BACKPR", 112, "L2", "lung", 10),
    };
    onc_response_result *res = run(rec, N(rec), 0, 0, NULL);
    const onc_response_assessment *a;

    if (res == NULL)
        return;
    expect_visit(res, "NEW", 56, ONC_RESP_PD, "PD: new lesion 'N1'");
    a = visit(res, "NEW", 56);
    CHECK(a != NULL && a->new_lesion == 1 && a->change_baseline_pct == -20.0);
    expect_best(res, "NEW", ONC_RESP_PD, "PD at day 56");
    expect_visit(res, "NTPD", 56, ONC_RESP_PD, "non-target");
    expect_visit(res, "CRN", 56, ONC_RESP_CR, "all target lesions gone");
    a = visit(res, "CRN", 56);
    if (a != NULL) {
        CHECK(a->sum == 8.0);                  /* short axis, not 12 mm */
        CHECK_CLOSE(a->change_baseline_pct, -84.0, 1e-12);   /* 50 -> 8 */
    }
    CHECK(patient(res, "CRN") && patient(res, "CRN")->baseline_sum == 50.0);
    expect_best(res, "CRN", ONC_RESP_CR, "CR at day 56");
    expect_visit(res, "NODE10", 56, ONC_RESP_PR, "-80.0%");
    expect_visit(res, "CRNT", 56, ONC_RESP_PR, "non-target disease present");
    expect_visit(res, "CRNA", 56, ONC_RESP_PR, "not all assessed");
    expect_visit(res, "CRALL", 56, ONC_RESP_CR, "non-target lesions absent");
    expect_visit(res, "BACK", 56, ONC_RESP_CR, "CR");
    expect_visit(res, "BACK", 112, ONC_RESP_PD, "reappeared after complete response");
    expect_best(res, "BACK", ONC_RESP_CR, "CR at day 56");
    expect_visit(res, "BACKPR", 112, ONC_RESP_PR, "sum -67.5% from baseline");
    a = visit(res, "BACKPR", 112);
    if (a != NULL) {
        CHECK_CLOSE(a->change_nadir_pct, 30.0, 1e-12);
        CHECK(a->change_nadir_mm == 3.0 && a->nadir == 10.0);
    }
    onc_response_free(res);
}

/* Missing measurements (section 4.4.2) and non-target-only disease. */
static void test_missing_and_nontarget_only(void)
{
    const onc_lesion_record rec[] = {
        /* MISS: L2 not measured at day 56: NE; day 112 both: 60 = -40% PR */
        tgt("MISS", 0, "L1", "liver", 50), tgt("MISS", 0, "L2", "lung", 50),
        tgt("MISS", 56, "L1", "liver", 40),
        tgt("MISS", 112, "L1", "liver", 30), tgt("MISS", 112, "L2", "lung", 30),
        /* PARTPD: nadir 40 at day 56; at day 112 only L1 is measured, 50 mm:
        ** +25% and +10 mm over the nadir already, so PD despite L2 */
        tgt("PARTPD", 0, "L1", "liver", 30), tgt("PARTPD", 0, "L2", "lung", 30),
        tgt("PARTPD", 56, "L1", "liver", 20), tgt("PARTPD", 56, "L2", "lung", 20),
        tgt("PARTPD", 112, "L1", "liver", 50),
        /* ALLNE: every follow-up misses a target: best NE */
        tgt("ALLNE", 0, "L1", "liver", 50), tgt("ALLNE", 0, "L2", "lung", 50),
        tgt("ALLNE", 56, "L1", "liver", 40), tgt("ALLNE", 112, "L2", "lung", 40),
        /* NTONLY: non-target disease only (table 2): present = non-CR/
        ** non-PD, tabulated as SD; then absent = CR */
        nontgt("NTONLY", 0, "NT1", ONC_NT_PRESENT),
        nontgt("NTONLY", 56, "NT1", ONC_NT_PRESENT),
        nontgt("NTONLY", 112, "NT1", ONC_NT_ABSENT),
        /* NOBASE: the first assessment has only a lesion marked new:
        ** missing baseline, every follow-up NE unless a new lesion */
        newl("NOBASE", 0, "X1", "liver"), tgt("NOBASE", 56, "L1", "liver", 30),
    };
    onc_response_result *res = run(rec, N(rec), 0, 0, NULL);
    const onc_response_patient *p;
    const onc_response_assessment *a;

    if (res == NULL)
        return;
    expect_visit(res, "MISS", 56, ONC_RESP_NE, "NE: 1 of 2 target lesions not measured");
    a = visit(res, "MISS", 56);
    CHECK(a != NULL && isnan(a->sum) && a->n_measured == 1 && a->n_targets == 2);
    expect_visit(res, "MISS", 112, ONC_RESP_PR, "-40.0%");
    p = patient(res, "MISS");
    CHECK(has_issue(p, "target lesion 'L2' not measured at day 56"));
    expect_visit(res, "PARTPD", 112, ONC_RESP_PD,
                 "sum of measured targets +25.0% (+10.0 mm) from nadir 40.0 mm");
    expect_best(res, "PARTPD", ONC_RESP_PR, "PR at day 56");
    expect_visit(res, "ALLNE", 56, ONC_RESP_NE, "not measured");
    expect_best(res, "ALLNE", ONC_RESP_NE, "no evaluable assessment");
    expect_visit(res, "NTONLY", 56, ONC_RESP_SD, "non-CR/non-PD");
    expect_visit(res, "NTONLY", 112, ONC_RESP_CR, "non-target disease resolved");
    p = patient(res, "NTONLY");
    CHECK(has_issue(p, "no target lesion at baseline"));
    CHECK(p != NULL && isnan(p->baseline_sum) && isnan(p->best_change_pct));
    p = patient(res, "NOBASE");
    CHECK(has_issue(p, "missing baseline"));
    CHECK(has_issue(p, "marked new at the baseline"));
    CHECK(has_issue(p, "'L1' at day 56 was not recorded at baseline"));
    expect_visit(res, "NOBASE", 56, ONC_RESP_NE, "no baseline disease");
    expect_best(res, "NOBASE", ONC_RESP_NE, "NE");
    CHECK(res->best_count[ONC_RESP_NE] == 2 && res->best_count[ONC_RESP_PR] == 2);
    onc_response_free(res);
}

/* Selection limits and measurability at baseline are issues, not errors. */
static void test_baseline_issues(void)
{
    const onc_lesion_record rec[] = {
        /* six targets, three in the liver: > 5 and > 2 per organ */
        tgt("SIX", 0, "L1", "liver", 20), tgt("SIX", 0, "L2", "Liver", 20),
        tgt("SIX", 0, "L3", "liver", 20), tgt("SIX", 0, "L4", "lung", 20),
        tgt("SIX", 0, "L5", "bone", 20), tgt("SIX", 0, "L6", "adrenal", 20),
        /* an 8 mm lesion (< 10 mm) and a 12 mm node (< 15 mm short axis) */
        tgt("SMALL", 0, "L1", "liver", 8), node("SMALL", 0, "N1", 12, 20),
    };
    onc_response_result *res = run(rec, N(rec), 0, 0, NULL);
    const onc_response_patient *p;

    if (res == NULL)
        return;
    p = patient(res, "SIX");
    CHECK(has_issue(p, "6 target lesions at baseline; RECIST 1.1 allows at most 5"));
    CHECK(has_issue(p, "3 target lesions in liver at baseline"));
    p = patient(res, "SMALL");
    CHECK(has_issue(p, "'L1' measures 8.0 mm at baseline (< 10 mm"));
    CHECK(has_issue(p, "'N1' has a short axis of 12.0 mm"));
    CHECK(p != NULL && p->baseline_sum == 20.0);        /* 8 + 12 */
    expect_best(res, "SMALL", ONC_RESP_NE, "no assessment after baseline");
    onc_response_free(res);
}

/* Best overall response with confirmation (table 3) and minimum SD
** duration (section 4.4). */
static void test_confirmation(void)
{
    const onc_lesion_record rec[] = {
        /* UNCONF: PR at 56, SD at 70 (next non-NE is worse): not
        ** confirmed; counts as SD (day 56 >= 42) */
        tgt("UNCONF", 0, "L1", "liver", 100), tgt("UNCONF", 56, "L1", "liver", 65),
        tgt("UNCONF", 70, "L1", "liver", 80),
        /* CONF: PR at 56 and at 84 (28 days later): confirmed PR */
        tgt("CONF", 0, "L1", "liver", 100), tgt("CONF", 56, "L1", "liver", 65),
        tgt("CONF", 84, "L1", "liver", 60),
        /* SOON: PR at 56 and 70 only (14 days): unconfirmed, SD */
        tgt("SOON", 0, "L1", "liver", 100), tgt("SOON", 56, "L1", "liver", 65),
        tgt("SOON", 70, "L1", "liver", 60),
        /* NEMID: PR 56, NE 70, PR 84: NE neither confirms nor breaks */
        tgt("NEMID", 0, "L1", "liver", 100), tgt("NEMID", 0, "L2", "lung", 20),
        tgt("NEMID", 56, "L1", "liver", 60), tgt("NEMID", 56, "L2", "lung", 10),
        tgt("NEMID", 70, "L1", "liver", 60),
        tgt("NEMID", 84, "L1", "liver", 60), tgt("NEMID", 84, "L2", "lung", 10),
        /* CRPD: CR at 56; at 84 L2 is back (20 mm, still -75% from
        ** baseline) but after an overall CR any reappearance is PD; table
        ** 3, CR then PD: SD, as day 56 meets the minimum SD duration */
        tgt("CRPD", 0, "L1", "liver", 40), tgt("CRPD", 0, "L2", "lung", 40),
        tgt("CRPD", 56, "L1", "liver", 0), tgt("CRPD", 56, "L2", "lung", 0),
        tgt("CRPD", 84, "L1", "liver", 0), tgt("CRPD", 84, "L2", "lung", 20),
        /* CRPR: CR at 56, then targets still gone but the non-target not
        ** assessed: PR (table 1); table 3, CR then PR: the PR level is
        ** confirmed (the footnote's "the CR was in fact a PR") */
        tgt("CRPR", 0, "L1", "liver", 40), nontgt("CRPR", 0, "NT1", ONC_NT_PRESENT),
        tgt("CRPR", 56, "L1", "liver", 0), nontgt("CRPR", 56, "NT1", ONC_NT_ABSENT),
        tgt("CRPR", 84, "L1", "liver", 0),
        nontgt("CRPR", 84, "NT1", ONC_NT_NOT_ASSESSED),
        /* CRCR: CR at 56 and 84: confirmed CR */
        tgt("CRCR", 0, "L1", "liver", 40), tgt("CRCR", 56, "L1", "liver", 0),
        tgt("CRCR", 84, "L1", "liver", 0),
        /* PRPD: PR at 28, PD at 56; min SD 42: PR unconfirmed and too
        ** early to count as SD, so PD (table 3: PR then PD) */
        tgt("PRPD", 0, "L1", "liver", 100), tgt("PRPD", 28, "L1", "liver", 60),
        tgt("PRPD", 56, "L1", "liver", 80),
    };
    onc_response_result *res = run(rec, N(rec), 28, 42, NULL);

    if (res == NULL)
        return;
    expect_best(res, "UNCONF", ONC_RESP_SD, "SD: PR at day 56 not confirmed");
    expect_best(res, "CONF", ONC_RESP_PR, "PR: PR at day 56 confirmed by PR at day 84");
    expect_best(res, "SOON", ONC_RESP_SD, "not confirmed");
    expect_visit(res, "NEMID", 70, ONC_RESP_NE, "not measured");
    expect_best(res, "NEMID", ONC_RESP_PR, "confirmed by PR at day 84");
    expect_visit(res, "CRPD", 84, ONC_RESP_PD, "reappeared after complete response");
    expect_best(res, "CRPD", ONC_RESP_SD, "SD: CR at day 56 not confirmed");
    expect_visit(res, "CRPR", 84, ONC_RESP_PR, "not all assessed");
    expect_best(res, "CRPR", ONC_RESP_PR, "PR: CR at day 56 confirmed by PR at day 84");
    expect_best(res, "CRCR", ONC_RESP_CR, "CR at day 56 confirmed by CR at day 84");
    expect_visit(res, "PRPD", 56, ONC_RESP_PD, "+33.3% (+20.0 mm)");
    expect_best(res, "PRPD", ONC_RESP_PD,
                "PD at day 56; PR at day 28 was before the minimum SD duration of 42 days");
    onc_response_free(res);

    /* The same PRPD history with a minimum SD duration of 21 days: the
    ** unconfirmed PR at day 28 counts as SD. */
    res = run(rec, N(rec), 28, 21, NULL);
    if (res == NULL)
        return;
    expect_best(res, "PRPD", ONC_RESP_SD, "SD: PR at day 28 not confirmed");
    onc_response_free(res);
}

/* Without confirmation: the best time point up to the first PD, SD only
** after the minimum duration. */
static void test_min_sd_unconfirmed(void)
{
    const onc_lesion_record rec[] = {
        /* EARLYPD: SD at 28 (< 42 days), PD at 56: PD */
        tgt("EARLYPD", 0, "L1", "liver", 50), tgt("EARLYPD", 28, "L1", "liver", 50),
        tgt("EARLYPD", 56, "L1", "liver", 70),
        /* EARLYNE: SD at 28, then only an NE assessment: NE */
        tgt("EARLYNE", 0, "L1", "liver", 50), tgt("EARLYNE", 0, "L2", "lung", 50),
        tgt("EARLYNE", 28, "L1", "liver", 50), tgt("EARLYNE", 28, "L2", "lung", 50),
        tgt("EARLYNE", 56, "L1", "liver", 50),
        /* LATESD: SD at 28 and 56: SD (day 56 >= 42) */
        tgt("LATESD", 0, "L1", "liver", 50), tgt("LATESD", 28, "L1", "liver", 50),
        tgt("LATESD", 56, "L1", "liver", 48),
        /* AFTERPD: PD at 56, PR at 112 does not count (best response is
        ** recorded up to progression) */
        tgt("AFTERPD", 0, "L1", "liver", 50), tgt("AFTERPD", 56, "L1", "liver", 70),
        tgt("AFTERPD", 112, "L1", "liver", 20),
        /* EARLYPR: an unconfirmed PR needs no minimum duration */
        tgt("EARLYPR", 0, "L1", "liver", 50), tgt("EARLYPR", 14, "L1", "liver", 30),
    };
    onc_response_result *res = run(rec, N(rec), 0, 42, NULL);
    const onc_response_patient *p;

    if (res == NULL)
        return;
    expect_best(res, "EARLYPD", ONC_RESP_PD, "SD at day 28 was before the minimum");
    expect_best(res, "EARLYNE", ONC_RESP_NE, "SD at day 28 was before the minimum");
    expect_best(res, "LATESD", ONC_RESP_SD, "SD at day 56 (minimum duration met)");
    expect_visit(res, "AFTERPD", 112, ONC_RESP_PR, "-60.0%");
    expect_best(res, "AFTERPD", ONC_RESP_PD, "PD at day 56");
    p = patient(res, "AFTERPD");
    /* the waterfall value stops at the first PD: +40%, not -60% */
    CHECK(p != NULL && p->best_change_pct == 40.0 && p->first_pd_day == 56.0);
    expect_best(res, "EARLYPR", ONC_RESP_PR, "PR at day 14 (no confirmation required)");
    onc_response_free(res);
}

/* Organ filter: intrahepatic response. */
static void test_organ(void)
{
    const onc_lesion_record rec[] = {
        /* liver 50 -> 30 (-40%), lung 50 -> 70: all organs 100 -> 100 (SD),
        ** liver only 50 -> 30 (PR); the lung's new lesion is out of scope,
        ** one without an organ is reported */
        tgt("ORG", 0, "L1", "Liver", 50), tgt("ORG", 0, "L2", "lung", 50),
        tgt("ORG", 56, "L1", "LIVER", 30), tgt("ORG", 56, "L2", "lung", 70),
        newl("ORG", 56, "N1", "lung"), newl("ORG", 84, "N2", NULL),
        tgt("ORG", 84, "L1", "liver", 30), tgt("ORG", 84, "L2", "lung", 70),
    };
    onc_response_result *all = run(rec, 6, 0, 0, NULL);
    onc_response_result *liver = run(rec, N(rec), 0, 0, "liver");

    if (all != NULL) {
        expect_visit(all, "ORG", 56, ONC_RESP_PD, "new lesion 'N1'");
        onc_response_free(all);
    }
    if (liver == NULL)
        return;
    CHECK_STR(liver->organ, "liver");
    expect_visit(liver, "ORG", 56, ONC_RESP_PR, "-40.0%");
    expect_visit(liver, "ORG", 84, ONC_RESP_PR, "-40.0%");
    CHECK(has_issue(patient(liver, "ORG"), "new lesion 'N2' at day 84 has no organ"));
    onc_response_free(liver);
}

/* Invalid input is an error naming the source row. */
static void expect_error(const onc_lesion_record *rec, size_t n, size_t row,
                         const char *needle)
{
    onc_response_options opt;
    onc_response_result *res = NULL;
    onc_error err;

    onc_response_options_init(&opt);
    opt.criteria = ONC_CRITERIA_RECIST11;
    opt.confirm_days = 0;
    onc_error_clear(&err);
    CHECK(onc_response_evaluate(rec, n, &opt, &res, &err) == ONC_ERR_DATA);
    CHECK(res == NULL);
    CHECK(err.row == row);
    if (strstr(err.message, needle) == NULL) {
        fprintf(stderr, "error \"%s\" lacks \"%s\"\n", err.message, needle);
        CHECK(0);
    }
}

static void test_errors(void)
{
    onc_lesion_record rec[3];
    onc_response_options opt;
    onc_response_result *res = NULL;

    onc_response_options_init(&opt);
    opt.criteria = ONC_CRITERIA_RECIST11;
    opt.confirm_days = -1;
    rec[0] = tgt("E", 0, "L1", "liver", 30);
    rec[1] = tgt("E", 56, "L1", "liver", 20);
    rec[0].source_row = 11;
    rec[1].source_row = 12;
    rec[1].kind = (onc_lesion_kind)7;
    expect_error(rec, 2, 12, "unknown lesion type 7");
    rec[1] = tgt("E", 56, "L1", "liver", -2);
    rec[1].source_row = 12;
    expect_error(rec, 2, 12, "negative diameter");
    rec[1] = tgt("E", 56, "L1", "liver", INFINITY);
    expect_error(rec, 2, 2, "not finite");     /* no source row: position */
    rec[1] = tgt("E", 56, "L1", "liver", 20);
    rec[1].source_row = 12;
    rec[0].diameter = NAN;
    expect_error(rec, 2, 11, "target lesion 'L1' of patient 'E' has no diameter at baseline");
    rec[0] = node("E", 0, "L1", NAN, 30);
    rec[0].source_row = 11;
    expect_error(rec, 2, 11, "no diameter at baseline");   /* a node needs its short axis */
    rec[0] = tgt("E", 0, "L1", "liver", 30);
    rec[0].source_row = 11;
    rec[2] = tgt("E", 56, "L1", "liver", 21);
    rec[2].source_row = 13;
    expect_error(rec, 3, 13, "appears twice at day 56 (also at row 12)");
    rec[1].patient = "";
    expect_error(rec, 2, 12, "patient identifier is missing");
    rec[1].patient = "E";
    rec[1].day = NAN;
    expect_error(rec, 2, 12, "day");
    rec[1].day = 56;
    rec[1].lesion = NULL;
    expect_error(rec, 2, 12, "lesion identifier is missing");
    rec[1].lesion = "L1";
    rec[1].nt_status = (onc_nontarget_status)9;
    expect_error(rec, 2, 12, "unknown non-target status 9");

    CHECK(onc_response_evaluate(rec, 1, &opt, &res, NULL) == ONC_ERR_USAGE);
    opt.confirm_days = 0;
    opt.min_sd_days = NAN;
    CHECK(onc_response_evaluate(rec, 1, &opt, &res, NULL) == ONC_ERR_USAGE);
    opt.min_sd_days = 0;
    opt.criteria = (onc_criteria)9;
    CHECK(onc_response_evaluate(rec, 1, &opt, &res, NULL) == ONC_ERR_USAGE);
    CHECK(res == NULL);
    onc_response_free(NULL);
}

/* Result layout: patients in order of first appearance, assessments by day. */
static void test_layout(void)
{
    const onc_lesion_record rec[] = {
        tgt("B", 56, "L1", "liver", 40), tgt("A", 0, "L1", "liver", 50),
        tgt("B", 0, "L1", "liver", 50), tgt("A", 28, "L1", "liver", 45),
    };
    onc_response_result *res = run(rec, N(rec), 0, 0, NULL);

    if (res == NULL)
        return;
    CHECK(res->n_patients == 2 && res->n_assessments == 4);
    CHECK_STR(res->patients[0].patient, "B");
    CHECK_STR(res->patients[1].patient, "A");
    CHECK(res->assessments[0].is_baseline && res->assessments[0].day == 0.0);
    CHECK(res->assessments[0].response == ONC_RESP_NE);
    CHECK_STR(res->assessments[0].rule, "baseline");
    CHECK(res->assessments[1].day == 56.0 && res->assessments[1].patient == 0);
    CHECK(res->patients[1].first_assessment == 2);
    CHECK(res->criteria == ONC_CRITERIA_RECIST11 && res->organ == NULL);
    CHECK_STR(onc_criteria_name(ONC_CRITERIA_RECIST11), "RECIST 1.1");
    CHECK(isnan(res->assessments[1].attenuation));   /* Choi only */
    onc_response_free(res);
}

int main(void)
{
    harness_set_name("test_recist");
    test_thresholds();
    test_progression_and_complete_response();
    test_missing_and_nontarget_only();
    test_baseline_issues();
    test_confirmation();
    test_min_sd_unconfirmed();
    test_organ();
    test_errors();
    test_layout();
    return harness_finish();
}
