/*
** mrecist.c -- modified RECIST for hepatocellular carcinoma (Lencioni &
** Llovet, Modified RECIST (mRECIST) assessment for hepatocellular
** carcinoma, Semin Liver Dis 2010;30:52-60).
**
**   Measure:  the longest diameter of the viable, arterially enhancing part
**             of each target (viable_diameter), nodes included.
**   Baseline: RECIST 1.1 selection (>= 10 mm, at most 5 targets, 2 per
**             organ); a target should enhance in the arterial phase.
**   CR:       no intratumoral arterial enhancement in any target
**             (viable_diameter 0); non-targets absent; no new lesion.
**   PR:       sum of viable diameters >= 30% below baseline.
**   PD:       sum of viable diameters >= 20% above the nadir (no 5 mm rule:
**             the 2010 definition has none); a new lesion; unequivocal
**             non-target progression; viable tumour reappearing after CR.
**   SD:       neither.
** New lesions must already satisfy mRECIST's own definition (e.g. >= 1 cm
** with the typical vascular pattern of HCC) when they are recorded as NEW.
*/
#include <math.h>
#include <stdio.h>

#include "clinical/response_internal.h"

#define MRECIST_PR_PCT (-30.0)
#define MRECIST_PD_PCT 20.0
#define MRECIST_MIN_MM 10.0

static double mrecist_measurement(const onc_lesion_record *r)
{
    return r->viable_diameter;
}

static int mrecist_resolved(const onc_lesion_record *r)
{
    return r->viable_diameter == 0.0;
}

static int mrecist_baseline_issue(const onc_lesion_record *r, char *buf, size_t cap)
{
    if (r->viable_diameter == 0.0) {
        snprintf(buf, cap, "target lesion '%s' shows no viable (enhancing) tumour "
                 "at baseline: not a target by mRECIST", r->lesion);
        return 1;
    }
    if (r->viable_diameter < MRECIST_MIN_MM) {
        snprintf(buf, cap, "target lesion '%s' has a viable diameter of %.1f mm "
                 "at baseline (< 10 mm: not measurable by mRECIST)",
                 r->lesion, r->viable_diameter);
        return 1;
    }
    return 0;
}

static onc_response mrecist_timepoint(const response_timepoint *tp, char *rule,
                                      size_t cap)
{
    char why[ONC_RESPONSE_RULE_LEN];

    if (response_progression_other(tp, rule, cap))
        return ONC_RESP_PD;
    if (tp->reappeared) {
        snprintf(rule, cap, "PD: viable tumour reappeared after complete response");
        return ONC_RESP_PD;
    }
    if (tp->n_targets == 0)
        return response_nontarget_only(tp, rule, cap);
    if (response_at_least(tp->change_nadir_pct, MRECIST_PD_PCT)) {
        snprintf(rule, cap, "PD: %s %+.1f%% from nadir %.1f mm (>= 20%%)",
                 tp->n_measured < tp->n_targets ? "viable sum of measured targets"
                                                : "viable sum",
                 tp->change_nadir_pct, tp->nadir);
        return ONC_RESP_PD;
    }
    if (tp->n_measured < tp->n_targets) {
        snprintf(rule, cap, "NE: %zu of %zu target lesions not measured",
                 tp->n_targets - tp->n_measured, tp->n_targets);
        return ONC_RESP_NE;
    }
    if (tp->targets_resolved)
        return response_combine(ONC_RESP_CR, tp,
                                "no viable tumour in any target lesion", rule, cap);
    if (response_at_most(tp->change_baseline_pct, MRECIST_PR_PCT)) {
        snprintf(why, sizeof why, "viable sum %+.1f%% from baseline (<= -30%%)",
                 tp->change_baseline_pct);
        return response_combine(ONC_RESP_PR, tp, why, rule, cap);
    }
    snprintf(why, sizeof why, "viable sum %+.1f%% from baseline, %+.1f%% from nadir",
             tp->change_baseline_pct, tp->change_nadir_pct);
    return response_combine(ONC_RESP_SD, tp, why, rule, cap);
}

const response_criteria *mrecist_criteria(void)
{
    static const response_criteria mrecist = {
        "mRECIST", "viable_diameter", 5, 2, 0,
        mrecist_measurement, mrecist_resolved, mrecist_baseline_issue,
        mrecist_timepoint
    };

    return &mrecist;
}
