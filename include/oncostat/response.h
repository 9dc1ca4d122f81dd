/*
** oncostat/response.h -- tumour response by RECIST 1.1, mRECIST or Choi
** criteria, from lesion-level measurements.
**
** Input is one record per lesion per assessment.  An assessment is a
** (patient, day) pair.  Which records form the baseline is a rule of the
** options (onc_baseline_rule): records at day <= 0 when days count from
** the start of treatment, records flagged as baseline, or -- when neither
** is known -- the patient's earliest assessment.  A patient without a
** baseline under the first two rules is NE with the issue "missing
** baseline"; the first follow-up is never taken as a baseline.  The
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
#include "oncostat/frame.h"
#include "oncostat/rates.h"

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
    int is_baseline;            /* non-zero: a baseline record (read only
                                   under ONC_BASELINE_FLAG) */
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

/*
** Which records form a patient's baseline assessment.
**   EARLIEST  the records of the patient's earliest day.  A missing
**             baseline scan cannot be detected: the first follow-up would
**             silently become the baseline.  Use it only when the days are
**             calendar dates and nothing marks the baseline.
**   DAY       the records at day <= 0, with days counted from the start of
**             treatment (day 0 = first dose; a scan on that day is
**             pre-treatment).  Records on several such days form one
**             baseline (e.g. CT chest at day -12, liver MRI at day -3);
**             a lesion recorded on more than one of them is taken from
**             the latest, with an issue.
**   FLAG      the records with is_baseline set.  They may span several
**             days as under DAY, and must all precede the patient's
**             follow-up records (otherwise ONC_ERR_DATA).
** Under DAY and FLAG a patient without baseline records gets the issue
** "missing baseline", every assessment NE and best response NE.
*/
typedef enum onc_baseline_rule {
    ONC_BASELINE_EARLIEST = 0,
    ONC_BASELINE_DAY = 1,
    ONC_BASELINE_FLAG = 2
} onc_baseline_rule;

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
    /* See onc_baseline_rule; ONC_BASELINE_EARLIEST when zeroed. */
    onc_baseline_rule baseline;
    /* The days are dates (days since 1970-01-01): issues and reasons name
    ** them as YYYY-MM-DD instead of "day 18743".  Nothing else changes. */
    int days_are_dates;
} onc_response_options;

/* Defaults: RECIST 1.1, no confirmation, no minimum SD duration, all
** organs, baseline = the earliest assessment. */
void onc_response_options_init(onc_response_options *opt);

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
    double baseline_day;        /* the (latest) baseline day; NaN when the
                                   baseline is missing */
    double baseline_sum;        /* NaN when there are no target lesions */
    size_t first_assessment;    /* index of the patient's first assessment:
                                   the baseline unless it is missing */
    size_t n_assessments;       /* baseline included */
    onc_response best;          /* best overall response */
    double best_day;            /* day of the assessment it rests on; NaN for NE */
    double best_change_pct;     /* smallest change of the sum from baseline up
                                   to the first PD (waterfall); NaN if none */
    double first_pd_day;        /* NaN when the patient never progressed */
    char reason[ONC_RESPONSE_REASON_LEN];
    size_t n_issues;
    char **issues;              /* problems found in this patient's data */
    int missing_baseline;       /* no baseline record under the DAY or FLAG
                                   rule: every assessment is a follow-up */
} onc_response_patient;

typedef struct onc_response_result {
    onc_criteria criteria;
    onc_baseline_rule baseline;
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
** assessment, under ONC_BASELINE_FLAG a baseline record on or after a
** follow-up day of the same patient.  ONC_ERR_USAGE: bad options (negative
** days, unknown criteria or baseline rule).  Problems that do not stop the evaluation are the patients'
** issues.  The result is released with onc_response_free().
*/
onc_status onc_response_evaluate(const onc_lesion_record *rec, size_t n,
                                 const onc_response_options *opt,
                                 onc_response_result **out, onc_error *err);

void onc_response_free(onc_response_result *result);

/* "CR", "PR", "SD", "PD", "NE". */
const char *onc_response_name(onc_response response);

/*
** The response rates of a paper, over every evaluated patient: patients
** whose best response is NE count in the denominator as non-responders
** (RECIST 1.1 section 4.4; the intention-to-treat convention).
*/
typedef struct onc_response_summary {
    size_t n_patients;
    onc_proportion best[ONC_RESPONSE_N];  /* share of each best response */
    onc_proportion orr;         /* objective response: CR + PR */
    onc_proportion dcr;         /* disease control: CR + PR + SD */
} onc_response_summary;

/*
** Counts and intervals (onc_rates_proportion: binom.test or prop.test
** limits) of result->best_count.  Errors: ONC_ERR_USAGE for a confidence
** level outside (0, 1) or an unknown interval method.
*/
onc_status onc_response_summarise(const onc_response_result *result,
                                  double conf_level, onc_binomial_ci ci,
                                  onc_response_summary *out, onc_error *err);

/* ---- lesion records from a data frame (src/clinical/response_frame.c) ---- */

/*
** Column names of a long lesion table, one row per lesion per assessment.
** patient, day, lesion and type are required; the others may be NULL (not
** recorded).  Values:
**   day         a date column, or numbers (study days)
**   start       the start of treatment, the same type as day; when given,
**               the study day is day - start
**   type        target / non-target / new, case-insensitive, with the
**               synonyms T, TL, target lesion; NT, NTL, nontarget,
**               non_target, non target, non-target lesion; NL, new lesion
**   node        logical, 0/1, or yes/no/true/false/y/n; missing = not a node
**   nt_status   present (also non-CR/non-PD, stable), absent (also CR,
**               disappeared), unequivocal progression (also unequivocal
**               PD, progression, PD), not assessed (also NE, not
**               evaluable, or missing)
**   baseline    logical, 0/1 or yes/no/true/false/y/n: baseline records
**   diameter, short_axis, viable, attenuation: numbers (mm, HU)
*/
typedef struct onc_lesion_columns {
    const char *patient;
    const char *day;
    const char *start;
    const char *lesion;
    const char *type;
    const char *organ;
    const char *diameter;
    const char *short_axis;
    const char *node;
    const char *viable;
    const char *attenuation;
    const char *nt_status;
    const char *baseline;
} onc_lesion_columns;

typedef struct onc_lesion_data {
    size_t n;                   /* records, one per row used */
    onc_lesion_record *records; /* source_row = the frame's 1-based row */
    int days_are_dates;         /* day held dates and no start was given:
                                   days are days since 1970-01-01 */
    int has_baseline_flag;      /* a baseline column was read */
    char *source;               /* the frame's file, or NULL */
    char *columns[13];          /* copies of the column names, in the order
                                   of onc_lesion_columns */
    char *text;                 /* storage for the records' strings */
} onc_lesion_data;

/*
** Lesion records from the rows of df.  Rows with a missing patient,
** lesion, day, start, type or baseline flag are left out and counted in
** `excluded` (initialised here; may be NULL; release it with
** onc_exclusions_clear() in any case) as "missing value in '<column>'".
** A missing measurement is kept as "not measured" (NaN).
** Errors, naming the file, row and column: ONC_ERR_USAGE for a column that
** does not exist or has the wrong type (a measurement column read as text
** names its first value that is not a number); ONC_ERR_DATA for an unknown
** lesion type, non-target status or flag, a negative or infinite
** measurement, an infinite attenuation or day.  The records do not refer to
** df, which may be freed first.  Release with onc_lesion_data_free().
*/
onc_status onc_lesion_data_from_frame(const onc_frame *df,
                                      const onc_lesion_columns *cols,
                                      onc_lesion_data **out,
                                      onc_exclusions *excluded, onc_error *err);

void onc_lesion_data_free(onc_lesion_data *data);

/*
** An error of onc_response_evaluate() on data->records names the row and a
** generic field ("kind", "diameter", "lesion"); rewrite it in place to name
** the file and the frame's own column ("lesions.csv: row 7, column
** 'lesion_type': ...").  Other errors are left as they are.
*/
void onc_lesion_data_locate_error(const onc_lesion_data *data, onc_error *err);

/* "RECIST 1.1", "mRECIST", "Choi". */
const char *onc_criteria_name(onc_criteria criteria);

/* "earliest", "day", "flag". */
const char *onc_baseline_rule_name(onc_baseline_rule rule);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_RESPONSE_H */
