/*
** oncostat/response.h -- tumour response by RECIST 1.1, mRECIST or Choi
** criteria, from lesion-level measurements.
**
** Input is one record per lesion per assessment.  An assessment is a
** (patient, day) pair; the patient's earliest day is the baseline.  The
** lesions marked TARGET at baseline are followed by their identifier; those
** marked NONTARGET at baseline are followed by their status; a NEW record at
** a follow-up is a new lesion.
**
** Output, per assessment: the sum of target measurements, its change from
** baseline and from the nadir, the time-point response and the rule that
** decided it ("PR: sum -31.2% from baseline (<= -30%)").  Per patient: the
** best overall response with its reason, the best change in the sum (for a
** waterfall plot), the day of first progression, and the problems found in
** the data ("target lesion 'L2' not measured at day 84").
**
** The rules, each decision and its source are in docs/methods/response.md.
** In brief:
**   RECIST 1.1 (Eisenhauer et al., Eur J Cancer 2009;45:228): sum of longest
**     diameters (short axis for nodes); PR <= -30% from baseline; PD >= +20%
**     and >= +5 mm from the nadir, a new lesion or unequivocal non-target
**     progression; CR all targets gone (nodes < 10 mm), non-targets absent.
**   mRECIST (Lencioni & Llovet, Semin Liver Dis 2010;30:52): the same on the
**     viable (arterially enhancing) diameter, PD >= +20% without the 5 mm
**     rule, CR no viable tumour in any target.
**   Choi (Choi et al., J Clin Oncol 2007;25:1753): PR size <= -10% or
**     attenuation <= -15% from baseline; PD size >= +10% from the nadir
**     unless PR by attenuation, or a new lesion; CR all lesions gone.
** Thresholds are inclusive and compared with a slack of 1e-9 (percentage
** points or mm), so that exactly 30% computed from decimal millimetres is
** 30%.
*/
#ifndef ONCOSTAT_RESPONSE_H
#define ONCOSTAT_RESPONSE_H

#include "oncostat/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum onc_lesion_kind {
    ONC_LESION_TARGET = 0,
    ONC_LESION_NONTARGET = 1,
    ONC_LESION_NEW = 2
} onc_lesion_kind;

typedef enum onc_nontarget_status {
    ONC_NT_PRESENT = 0,         /* present, not progressing */
    ONC_NT_ABSENT = 1,          /* disappeared (nodes: < 10 mm short axis) */
    ONC_NT_UNEQUIVOCAL_PD = 2,
    ONC_NT_NOT_ASSESSED = 3
} onc_nontarget_status;

/*
** One lesion at one assessment.  Measurements are millimetres; NaN means
** "not measured".  Which measurement counts depends on the criteria:
**   RECIST 1.1  diameter (longest), or short_axis when is_node
**   mRECIST     viable_diameter
**   Choi        diameter, and attenuation (mean HU, portal venous phase)
** A lesion too small to measure should be recorded with the value the
** radiologist reports: RECIST's default of 5 mm is not substituted.
*/
typedef struct onc_lesion_record {
    const char *patient;
    double day;                 /* assessment day (or a date as days) */
    const char *lesion;         /* identifier, the same at every assessment */
    const char *organ;          /* NULL when not recorded */
    onc_lesion_kind kind;
    int is_node;
    double diameter;
    double short_axis;
    double viable_diameter;
    double attenuation;
    onc_nontarget_status nt_status;     /* for non-target lesions */
    size_t source_row;          /* 1-based data row for messages; 0 = the
                                   record's position in the array */
} onc_lesion_record;

typedef enum onc_criteria {
    ONC_CRITERIA_RECIST11 = 0,
    ONC_CRITERIA_MRECIST = 1,
    ONC_CRITERIA_CHOI = 2
} onc_criteria;

/* Ordered from best to worst. */
typedef enum onc_response {
    ONC_RESP_CR = 0,
    ONC_RESP_PR = 1,
    ONC_RESP_SD = 2,
    ONC_RESP_PD = 3,
    ONC_RESP_NE = 4
} onc_response;

#define ONC_RESPONSE_N 5

typedef struct onc_response_options {
    onc_criteria criteria;
    /* CR and PR need a later assessment at least this many days after
    ** them at the same or a better level (RECIST 1.1 table 3); 0 = off. */
    double confirm_days;
    /* SD counts as best response only at least this many days after the
    ** baseline assessment; 0 = off. */
    double min_sd_days;
    /* Evaluate only lesions of this organ (case-insensitive), e.g. "liver"
    ** for an intrahepatic response; NULL = all organs. */
    const char *organ;
} onc_response_options;

#define ONC_RESPONSE_RULE_LEN 192

typedef struct onc_response_assessment {
    size_t patient;             /* index into onc_response_result.patients */
    double day;
    int is_baseline;
    size_t n_targets;           /* target lesions at baseline */
    size_t n_measured;          /* of those, measured at this assessment */
    double sum;                 /* mm; NaN unless every target was measured */
    double change_baseline_pct; /* NaN unless sum is */
    double nadir;               /* smallest complete sum before this
                                   assessment, baseline included */
    double change_nadir_pct;    /* of the (possibly partial) sum */
    double change_nadir_mm;
    double attenuation;         /* Choi: mean HU of the targets; else NaN */
    double attenuation_change_pct;
    int new_lesion;
    onc_response response;      /* time-point response; NE at baseline */
    char rule[ONC_RESPONSE_RULE_LEN];
} onc_response_assessment;

#define ONC_RESPONSE_REASON_LEN 256

typedef struct onc_response_patient {
    char *patient;
    double baseline_day;
    double baseline_sum;        /* NaN when there are no target lesions */
    size_t first_assessment;    /* index of the baseline assessment */
    size_t n_assessments;       /* baseline included */
    onc_response best;          /* best overall response */
    double best_day;            /* day of the assessment it rests on; NaN for NE */
    double best_change_pct;     /* smallest change of the sum from baseline up
                                   to the first PD (waterfall); NaN if none */
    double first_pd_day;        /* NaN when the patient never progressed */
    char reason[ONC_RESPONSE_REASON_LEN];
    size_t n_issues;
    char **issues;              /* problems found in this patient's data */
} onc_response_patient;

typedef struct onc_response_result {
    onc_criteria criteria;
    double confirm_days;
    double min_sd_days;
    char *organ;                /* copy of the option, or NULL */
    size_t n_patients;          /* in order of first appearance */
    onc_response_patient *patients;
    size_t n_assessments;       /* grouped by patient, by day */
    onc_response_assessment *assessments;
    size_t best_count[ONC_RESPONSE_N];  /* patients by best response */
} onc_response_result;

/*
** Evaluate every patient in rec[0..n-1] (any order).
** Errors (ONC_ERR_DATA, naming the source row): missing patient or lesion
** identifier, a day that is not a finite number, an unknown lesion kind or
** non-target status, a negative or infinite measurement, a target lesion
** without its measurement at baseline, the same lesion twice at one
** assessment.  ONC_ERR_USAGE: bad options (negative days, unknown
** criteria).  Problems that do not stop the evaluation are the patients'
** issues.  The result is released with onc_response_free().
*/
onc_status onc_response_evaluate(const onc_lesion_record *rec, size_t n,
                                 const onc_response_options *opt,
                                 onc_response_result **out, onc_error *err);

void onc_response_free(onc_response_result *result);

/* "CR", "PR", "SD", "PD", "NE". */
const char *onc_response_name(onc_response response);

/* "RECIST 1.1", "mRECIST", "Choi". */
const char *onc_criteria_name(onc_criteria criteria);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_RESPONSE_H */
