/*
** clinical/response_internal.h -- the interface between the response
** engine (response.c) and the criteria (recist.c, mrecist.c, choi.c); not a
** public API.
**
** The engine groups records into assessments, follows the baseline lesions,
** computes sums, nadirs and changes, and derives the best overall response.
** A criteria file says what is measured, what counts as "gone", what a
** baseline target should look like, and how the numbers of one assessment
** map to a time-point response.
*/
#ifndef ONC_CLINICAL_RESPONSE_INTERNAL_H
#define ONC_CLINICAL_RESPONSE_INTERNAL_H

#include <stddef.h>

#include "oncostat/response.h"

/* Slack for inclusive thresholds, in percentage points or mm: a change
** computed as exactly -30% from decimal millimetres may come out as
** -29.999999999999996%. */
#define RESPONSE_SLACK 1e-9

/* Non-target disease at one assessment (RECIST 1.1 table 1 columns). */
typedef enum response_nontarget {
    RESPONSE_NT_NONE = 0,       /* no non-target lesion at baseline */
    RESPONSE_NT_ABSENT,         /* all gone */
    RESPONSE_NT_PRESENT,        /* non-CR / non-PD */
    RESPONSE_NT_NOT_ASSESSED,   /* some not assessed, none progressing */
    RESPONSE_NT_PD              /* unequivocal progression */
} response_nontarget;

/* What the engine knows about one follow-up assessment. */
typedef struct response_timepoint {
    size_t n_targets;           /* baseline targets */
    size_t n_measured;          /* measured now */
    double sum;                 /* of the measured targets (partial when
                                   n_measured < n_targets) */
    double baseline_sum;
    double nadir;               /* smallest complete sum so far, baseline
                                   included */
    double change_baseline_pct; /* sum vs baseline_sum */
    double change_nadir_pct;    /* sum vs nadir */
    double change_nadir_mm;
    int targets_resolved;       /* every target measured and gone */
    int reappeared;             /* the latest evaluable assessment was CR and
                                   a target or non-target lesion is back */
    double attenuation;         /* mean HU of the targets; NaN unless every
                                   target has it now and at baseline */
    double baseline_attenuation;
    double attenuation_change_pct;
    response_nontarget nontarget;
    const char *new_lesion;     /* identifier of a new lesion, or NULL */
} response_timepoint;

typedef struct response_criteria {
    const char *name;
    const char *measure_name;   /* e.g. "diameter", for messages */
    size_t max_targets;         /* selection limits, checked as issues */
    size_t max_per_organ;
    int uses_attenuation;       /* report mean attenuation per assessment */
    /* The value a target contributes to the sum (NaN = not measured). */
    double (*measurement)(const onc_lesion_record *r);
    /* Does a measured target count as gone (for CR)? */
    int (*resolved)(const onc_lesion_record *r);
    /* Write a problem with a baseline target into buf (cap bytes) and
    ** return 1, or return 0. */
    int (*baseline_issue)(const onc_lesion_record *r, char *buf, size_t cap);
    /* The time-point response, with its rule written into rule. */
    onc_response (*timepoint)(const response_timepoint *tp, char *rule,
                              size_t cap);
} response_criteria;

const response_criteria *recist_criteria(void);
const response_criteria *mrecist_criteria(void);
const response_criteria *choi_criteria(void);

/* x >= limit and x <= limit, with RESPONSE_SLACK; false for NaN. */
int response_at_least(double x, double limit);
int response_at_most(double x, double limit);

/* PD from outside the target sum: a new lesion or unequivocal non-target
** progression.  Writes the rule and returns 1, or returns 0. */
int response_progression_other(const response_timepoint *tp, char *rule,
                               size_t cap);

/* RECIST 1.1 table 2: a patient with non-target disease only (or none). */
onc_response response_nontarget_only(const response_timepoint *tp, char *rule,
                                     size_t cap);

/*
** RECIST 1.1 table 1 for a target response of CR, PR or SD (PD and NE are
** decided before): CR needs non-target disease absent (or none at
** baseline), otherwise it is PR.  `why` describes the target finding and
** becomes part of the rule.
*/
onc_response response_combine(onc_response target, const response_timepoint *tp,
                              const char *why, char *rule, size_t cap);

#endif
