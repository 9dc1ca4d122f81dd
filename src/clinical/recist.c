/*
** recist.c -- RECIST 1.1 (Eisenhauer et al., New response evaluation
** criteria in solid tumours: revised RECIST guideline (version 1.1), Eur J
** Cancer 2009;45:228-247).
**
**   Measure:  longest diameter; short axis for lymph nodes (section 3.1).
**   Baseline: measurable >= 10 mm, nodes >= 15 mm short axis; at most 5
**             targets, 2 per organ (section 3.2).
**   CR:       every non-nodal target gone, every target node < 10 mm short
**             axis; non-targets absent; no new lesion (table 1).
**   PR:       sum >= 30% below the baseline sum.
**   PD:       sum >= 20% above the nadir (baseline included) and >= 5 mm
**             above it (section 4.3.1); a new lesion; unequivocal
**             non-target progression; any lesion reappearing after an
**             overall CR at the previous assessment (EORTC RECIST FAQ).
**   SD:       neither.
**   NE:       a target not measured, unless the measured ones already
**             show PD (section 4.4.2).
*/
#include <math.h>
#include <stdio.h>

#include "clinical/response_internal.h"

#define RECIST_PR_PCT (-30.0)
#define RECIST_PD_PCT 20.0
#define RECIST_PD_MM 5.0
#define RECIST_MIN_LESION_MM 10.0
#define RECIST_MIN_NODE_MM 15.0
#define RECIST_NORMAL_NODE_MM 10.0

static double recist_measurement(const onc_lesion_record *r)
{
    return r->is_node ? r->short_axis : r->diameter;
}

static int recist_resolved(const onc_lesion_record *r)
{
    return r->is_node ? r->short_axis < RECIST_NORMAL_NODE_MM : r->diameter == 0.0;
}

static int recist_baseline_issue(const onc_lesion_record *r, char *buf, size_t cap)
{
    if (r->is_node && r->short_axis < RECIST_MIN_NODE_MM) {
        snprintf(buf, cap, "target node '%s' has a short axis of %.1f mm at "
                 "baseline (< 15 mm: not a target by RECIST 1.1)",
                 r->lesion, r->short_axis);
        return 1;
    }
    if (!r->is_node && r->diameter < RECIST_MIN_LESION_MM) {
        snprintf(buf, cap, "target lesion '%s' measures %.1f mm at baseline "
                 "(< 10 mm: not measurable by RECIST 1.1)", r->lesion, r->diameter);
        return 1;
    }
    return 0;
}

static onc_response recist_timepoint(const response_timepoint *tp, char *rule,
                                     size_t cap)
{
    char why[ONC_RESPONSE_RULE_LEN];

    if (response_progression_other(tp, rule, cap))
        return ONC_RESP_PD;
    if (tp->reappeared) {
        snprintf(rule, cap, "PD: disease reappeared after complete response");
        return ONC_RESP_PD;
    }
    if (tp->n_targets == 0)
        return response_nontarget_only(tp, rule, cap);
    /* a partial sum that already shows PD is PD (section 4.4.2) */
    if (response_at_least(tp->change_nadir_pct, RECIST_PD_PCT) &&
        response_at_least(tp->change_nadir_mm, RECIST_PD_MM)) {
        snprintf(rule, cap, "PD: %s %+.1f%% (%+.1f mm) from nadir %.1f mm "
                 "(>= 20%% and >= 5 mm)",
                 tp->n_measured < tp->n_targets ? "sum of measured targets" : "sum",
                 tp->change_nadir_pct, tp->change_nadir_mm, tp->nadir);
        return ONC_RESP_PD;
    }
    if (tp->n_measured < tp->n_targets) {
        snprintf(rule, cap, "NE: %zu of %zu target lesions not measured",
                 tp->n_targets - tp->n_measured, tp->n_targets);
        return ONC_RESP_NE;
    }
    if (tp->targets_resolved)
        return response_combine(ONC_RESP_CR, tp,
                                 "all target lesions gone (nodes < 10 mm)", rule, cap);
    if (response_at_most(tp->change_baseline_pct, RECIST_PR_PCT)) {
        snprintf(why, sizeof why, "sum %+.1f%% from baseline (<= -30%%)",
                 tp->change_baseline_pct);
        return response_combine(ONC_RESP_PR, tp, why, rule, cap);
    }
    snprintf(why, sizeof why, "sum %+.1f%% from baseline, %+.1f%% (%+.1f mm) "
             "from nadir", tp->change_baseline_pct, tp->change_nadir_pct,
             tp->change_nadir_mm);
    return response_combine(ONC_RESP_SD, tp, why, rule, cap);
}

const response_criteria *recist_criteria(void)
{
    static const response_criteria recist = {
        "RECIST 1.1", "diameter", 5, 2, 0,
        recist_measurement, recist_resolved, recist_baseline_issue,
        recist_timepoint
    };

    return &recist;
}
