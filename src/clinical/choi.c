/*
** choi.c -- Choi criteria for GIST on imatinib (Choi et al., Correlation of
** computed tomography and positron emission tomography in patients with
** metastatic gastrointestinal stromal tumor treated at a single
** institution with imatinib mesylate, J Clin Oncol 2007;25:1753-1759,
** table 1).
**
**   Measure:  size = sum of longest diameters of the targets (RECIST 1.0
**             selection, on which the criteria were built: >= 10 mm on
**             spiral CT, at most 10 targets, 5 per organ); density = mean
**             attenuation (HU) of the targets, portal venous phase.
**   CR:       all lesions gone, no new lesion.
**   PR:       size >= 10% below baseline OR density >= 15% below baseline;
**             no new lesion; no unequivocal non-target progression.
**   PD:       size >= 10% above the nadir AND not PR by density; a new
**             lesion.  Unequivocal non-target progression is PD here as in
**             RECIST (Choi only bars it from PR).  New or growing
**             intratumoral nodules must be recorded as a new lesion or as
**             non-target progression.
**   SD:       none of these.
** The size increase is taken from the nadir, as RECIST does: Choi et al.
** do not name the reference.  When the size criterion for PD is met but
** the density cannot be compared (an attenuation missing now or at
** baseline), the assessment is NE: the density criterion exists precisely
** to overrule a size increase, so PD cannot be declared without it.
*/
#include <math.h>
#include <stdio.h>

#include "clinical/response_internal.h"

#define CHOI_SIZE_PR_PCT (-10.0)
#define CHOI_SIZE_PD_PCT 10.0
#define CHOI_DENSITY_PR_PCT (-15.0)
#define CHOI_MIN_MM 10.0

static double choi_measurement(const onc_lesion_record *r)
{
    return r->diameter;
}

static int choi_resolved(const onc_lesion_record *r)
{
    return r->diameter == 0.0;
}

static int choi_baseline_issue(const onc_lesion_record *r, char *buf, size_t cap)
{
    int small = r->diameter < CHOI_MIN_MM, no_hu = !isfinite(r->attenuation);

    if (!small && !no_hu)
        return 0;
    snprintf(buf, cap, "target lesion '%s'%s%s%s", r->lesion,
             small ? " measures less than 10 mm at baseline" : "",
             small && no_hu ? " and" : "",
             no_hu ? " has no attenuation at baseline (density criterion "
                     "unavailable)" : "");
    return 1;
}

static onc_response choi_timepoint(const response_timepoint *tp, char *rule,
                                   size_t cap)
{
    char why[ONC_RESPONSE_RULE_LEN];
    int density_known = isfinite(tp->attenuation_change_pct);
    int density_pr = density_known &&
                     response_at_most(tp->attenuation_change_pct, CHOI_DENSITY_PR_PCT);
    int size_pd = response_at_least(tp->change_nadir_pct, CHOI_SIZE_PD_PCT);
    int size_pr;

    if (response_progression_other(tp, rule, cap))
        return ONC_RESP_PD;
    if (tp->reappeared) {
        snprintf(rule, cap, "PD: disease reappeared after complete response");
        return ONC_RESP_PD;
    }
    if (tp->n_targets == 0)
        return response_nontarget_only(tp, rule, cap);
    if (size_pd && !density_pr) {
        if (!density_known) {
            snprintf(rule, cap, "NE: size %+.1f%% from nadir (>= 10%%) but "
                     "attenuation cannot be compared", tp->change_nadir_pct);
            return ONC_RESP_NE;
        }
        snprintf(rule, cap, "PD: size %+.1f%% from nadir (>= 10%%), attenuation "
                 "%+.1f%% (not <= -15%%)", tp->change_nadir_pct,
                 tp->attenuation_change_pct);
        return ONC_RESP_PD;
    }
    if (tp->n_measured < tp->n_targets) {
        snprintf(rule, cap, "NE: %zu of %zu target lesions not measured",
                 tp->n_targets - tp->n_measured, tp->n_targets);
        return ONC_RESP_NE;
    }
    if (tp->targets_resolved)
        return response_combine(ONC_RESP_CR, tp, "all target lesions gone", rule, cap);
    size_pr = response_at_most(tp->change_baseline_pct, CHOI_SIZE_PR_PCT);
    if (size_pr && density_pr) {
        snprintf(why, sizeof why, "size %+.1f%% (<= -10%%) and attenuation %+.1f%% "
                 "(<= -15%%) from baseline", tp->change_baseline_pct,
                 tp->attenuation_change_pct);
        return response_combine(ONC_RESP_PR, tp, why, rule, cap);
    }
    if (size_pr) {
        snprintf(why, sizeof why, "size %+.1f%% from baseline (<= -10%%)",
                 tp->change_baseline_pct);
        return response_combine(ONC_RESP_PR, tp, why, rule, cap);
    }
    if (density_pr) {
        snprintf(why, sizeof why, "attenuation %+.1f%% from baseline (<= -15%%)%s",
                 tp->attenuation_change_pct,
                 size_pd ? ", which overrides the size increase" : "");
        return response_combine(ONC_RESP_PR, tp, why, rule, cap);
    }
    if (density_known)
        snprintf(why, sizeof why, "size %+.1f%% from baseline, %+.1f%% from nadir; "
                 "attenuation %+.1f%%", tp->change_baseline_pct,
                 tp->change_nadir_pct, tp->attenuation_change_pct);
    else
        snprintf(why, sizeof why, "size %+.1f%% from baseline, %+.1f%% from nadir; "
                 "attenuation not compared", tp->change_baseline_pct,
                 tp->change_nadir_pct);
    return response_combine(ONC_RESP_SD, tp, why, rule, cap);
}

const response_criteria *choi_criteria(void)
{
    static const response_criteria choi = {
        "Choi", "diameter", 10, 5, 1,
        choi_measurement, choi_resolved, choi_baseline_issue, choi_timepoint
    };

    return &choi;
}
