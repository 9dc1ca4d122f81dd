/*
** oncostat/report.h -- from a study plan to the complete results of a
** clinical study: the plan (YAML), the eligibility flow, the table of
** baseline characteristics and the report itself (report.html,
** results.json, tables and figures).
**
** The plan names the data files, the patient identifier, the treatment
** arms, time zero, the endpoints (derived from dates, oncostat/endpoint.h),
** the eligibility criteria (expressions, oncostat/expr.h), the baseline
** variables and the analyses.  docs/study-plan.md documents every key.
**
** Typical use (what `oncostat report study.yaml -o out/` does):
**
**     onc_plan *plan = NULL;
**     onc_report *rep = NULL;
**     onc_error err;
**     if (onc_plan_read("study.yaml", &plan, &err) != ONC_OK ||
**         onc_report_run(plan, &rep, &err) != ONC_OK ||
**         onc_report_write(rep, "out", &err) != ONC_OK)
**         fprintf(stderr, "%s\n", err.message);
**     onc_report_free(rep);
**     onc_plan_free(plan);
**
** Every error about the plan or about the data it names carries the plan
** file and line ("study.yaml: line 14: column 'liver_met_dt' is not in
** patients.csv (did you mean 'liver_met_date'?)").  Outputs depend only on
** the plan and the data: running twice gives byte-identical files.
*/
#ifndef ONCOSTAT_REPORT_H
#define ONCOSTAT_REPORT_H

#include <stdio.h>

#include "oncostat/core.h"
#include "oncostat/frame.h"
#include "oncostat/endpoint.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ====================================================================== */
/* The study plan                                                          */
/* ====================================================================== */

/* Caps on what a plan may contain (ONC_ERR_LIMIT beyond them). */
#define ONC_PLAN_MAX_BYTES (1u << 20)   /* size of the YAML file */
#define ONC_PLAN_MAX_ITEMS 1000         /* entries of one list or mapping */
#define ONC_PLAN_MAX_ARMS 32            /* treatment arms */
#define ONC_PLAN_MAX_TEXT 4096          /* bytes of one scalar */

/* A text of the plan and the 1-based line it came from.  text is NULL
** when the key was not given; line is 0 for a default. */
typedef struct onc_plan_text {
    char *text;
    size_t line;
} onc_plan_text;

/* Columns of the lesion file (data.lesions.columns), one per field. */
typedef enum onc_plan_lesion_field {
    ONC_LESION_COL_PATIENT = 0,  /* default "patient_id" */
    ONC_LESION_COL_DATE,         /* assessment date; default "scan_date" */
    ONC_LESION_COL_LESION,       /* default "lesion_id" */
    ONC_LESION_COL_ORGAN,        /* default "organ" (optional column) */
    ONC_LESION_COL_TYPE,         /* target / non-target / new; "lesion_type" */
    ONC_LESION_COL_DIAMETER,     /* longest diameter, mm; "diameter_mm" */
    ONC_LESION_COL_SHORT_AXIS,   /* nodes, mm; "short_axis_mm" (optional) */
    ONC_LESION_COL_NODE,         /* logical; "is_node" (optional) */
    ONC_LESION_COL_VIABLE,       /* viable diameter, mm; "viable_mm" (optional) */
    ONC_LESION_COL_HU,           /* attenuation, HU; "hu" (optional) */
    ONC_LESION_COL_NT_STATUS,    /* non-target status; "nt_status" (optional) */
    ONC_LESION_COL_N
} onc_plan_lesion_field;

/* Columns of the adverse-event file (data.adverse_events.columns). */
typedef enum onc_plan_ae_field {
    ONC_AE_COL_PATIENT = 0,      /* default "patient_id" */
    ONC_AE_COL_TERM,             /* default "term" */
    ONC_AE_COL_SOC,              /* default "soc" (optional column) */
    ONC_AE_COL_GRADE,            /* default "grade" */
    ONC_AE_COL_DATE,             /* onset date; default "onset_date" (optional) */
    ONC_AE_COL_N
} onc_plan_ae_field;

/* The YAML key of a lesion or adverse-event column ("diameter", "grade"). */
const char *onc_plan_lesion_field_key(onc_plan_lesion_field f);
const char *onc_plan_ae_field_key(onc_plan_ae_field f);

/* One data file of the plan. */
typedef struct onc_plan_file {
    onc_plan_text file;          /* as written in the plan */
    char *path;                  /* resolved against the plan's directory */
    onc_plan_text date_format;   /* NULL: ISO 8601 dates */
    char **na;                   /* missing-value tokens; NULL: the reader's */
    size_t n_na;
    onc_plan_text columns[ONC_LESION_COL_N]; /* lesions: by onc_plan_lesion_field;
                                    adverse events: by onc_plan_ae_field; the
                                    defaults have line 0 */
    size_t line;                 /* line of the section; 0 = not given */
} onc_plan_file;

typedef struct onc_plan_label {
    onc_plan_text value;         /* a level of the arm column */
    char *label;                 /* how the report names it */
} onc_plan_label;

typedef struct onc_plan_event {
    onc_plan_text column;        /* event date column */
    char *label;                 /* "Death"; NULL: the column name */
} onc_plan_event;

typedef struct onc_plan_endpoint {
    char *name;                  /* the key: "OS"; also the column prefix */
    char *label;                 /* "Overall survival"; default the name */
    size_t line;
    onc_plan_text origin;        /* NULL: the plan's time_zero */
    onc_plan_event *events;      /* in priority order, at least one */
    size_t n_events;
    onc_plan_text censor;        /* last follow-up date column, or NULL */
    onc_plan_text death;         /* date-of-death column, or NULL */
    double cutoff;               /* days since 1970; NaN: the plan's cutoff */
    int unit_given;              /* 0: the plan's unit */
    onc_time_unit unit;
} onc_plan_endpoint;

typedef struct onc_plan_criterion {
    onc_plan_text criterion;     /* an expression, e.g. "age >= 18 & age <= 75" */
    char *reason;                /* "Age outside 18-75 years" */
} onc_plan_criterion;

/* How Table 1 summarises a variable. */
typedef enum onc_table1_summary {
    ONC_TABLE1_AUTO = 0,         /* numbers: median (IQR); others: n (%) */
    ONC_TABLE1_MEDIAN_IQR = 1,
    ONC_TABLE1_MEAN_SD = 2,
    ONC_TABLE1_COUNT = 3         /* n (%) per level, numbers as categories */
} onc_table1_summary;

/* What Table 1 compares across arms. */
typedef enum onc_table1_compare {
    ONC_TABLE1_COMPARE_P = 0,    /* P values (the default) */
    ONC_TABLE1_COMPARE_SMD = 1,  /* standardised mean differences */
    ONC_TABLE1_COMPARE_BOTH = 2,
    ONC_TABLE1_COMPARE_NONE = 3
} onc_table1_compare;

typedef struct onc_plan_variable {
    onc_plan_text variable;      /* column name */
    char *label;                 /* NULL: the column name */
    onc_table1_summary summary;
    double *cuts;                /* subgroups: cut points of a number, or NULL */
    size_t n_cuts;
} onc_plan_variable;

typedef enum onc_plan_criteria {
    ONC_PLAN_RECIST11 = 0,
    ONC_PLAN_MRECIST = 1,
    ONC_PLAN_CHOI = 2
} onc_plan_criteria;

typedef struct onc_plan {
    char *source;                /* the plan file as given */
    char *dir;                   /* its directory, for relative data paths */
    onc_plan_text title;
    onc_plan_text subtitle;
    onc_plan_text note;          /* a paragraph under the title (data statement) */

    onc_plan_file patients;      /* required */
    onc_plan_file lesions;       /* optional: line 0 when absent */
    onc_plan_file adverse_events;/* optional */

    onc_plan_text id;            /* patient identifier column (required) */

    onc_plan_text arm_column;    /* arms.column (required) */
    onc_plan_text *arm_order;    /* arms.order; NULL: the levels, sorted */
    size_t n_arm_order;
    onc_plan_label *arm_labels;  /* arms.labels */
    size_t n_arm_labels;
    onc_plan_text arm_reference; /* NULL: the first arm */
    size_t arms_line;

    onc_plan_text time_zero;     /* origin date column of every endpoint */
    char *time_zero_label;       /* what it is ("diagnosis of liver
                                    metastases"); NULL: the column name */
    double cutoff;               /* data cut-off, days since 1970; NaN: none */
    size_t cutoff_line;
    onc_time_unit unit;          /* default months */

    onc_plan_endpoint *endpoints;
    size_t n_endpoints;

    onc_plan_criterion *eligibility;
    size_t n_eligibility;

    onc_plan_variable *baseline;
    size_t n_baseline;
    onc_table1_compare baseline_compare;
    size_t baseline_line;

    /* analyses.km */
    int km;                      /* 1 when the section is present */
    onc_plan_text *km_endpoints; /* NULL: every endpoint */
    size_t n_km_endpoints;
    double *km_times;            /* survival rates at these times */
    size_t n_km_times;
    double conf_level;           /* 0.95 */
    int conf_type;               /* onc_conf_type (oncostat/km.h); log */

    /* analyses.cox */
    int cox;
    onc_plan_text *cox_endpoints;/* NULL: the first endpoint */
    size_t n_cox_endpoints;
    onc_plan_text *cox_univariable; /* columns, each alone; the arm column
                                       may be among them */
    size_t n_cox_univariable;
    onc_plan_text *cox_adjusted; /* columns of the multivariable model */
    size_t n_cox_adjusted;
    int cox_ties;                /* onc_cox_ties (oncostat/cox.h); Efron */
    size_t cox_line;

    /* analyses.subgroups */
    int subgroups;
    onc_plan_text subgroup_endpoint; /* NULL: the first Cox endpoint */
    onc_plan_variable *subgroup_vars;
    size_t n_subgroup_vars;
    onc_plan_text *subgroup_compare; /* arms compared with the reference;
                                        NULL: every other arm */
    size_t n_subgroup_compare;
    size_t subgroups_line;

    /* analyses.response */
    int response;
    onc_plan_criteria *criteria; /* the first is the primary criteria */
    size_t *criteria_line;
    size_t n_criteria;
    onc_plan_text response_organ;/* NULL: all organs */
    double confirm_days;         /* 0: no confirmation needed */
    double min_sd_days;          /* 0: any SD counts */
    size_t response_line;

    /* analyses.safety */
    int safety;
    size_t safety_top;           /* terms shown; 0 = all */
    size_t safety_line;

    /* output */
    int out_html, out_json, out_csv;  /* files written; all 1 by default */
    int fig_svg, fig_png, fig_pdf;    /* figure files; SVG is always made for
                                         the HTML report */
} onc_plan;

/*
** Read and check a study plan.  Errors carry the plan file and line:
** ONC_ERR_IO (cannot read), ONC_ERR_PARSE (not YAML), ONC_ERR_USAGE (an
** unknown key, with "did you mean", a value of the wrong type, a missing
** required key, an unknown endpoint or arm named elsewhere),
** ONC_ERR_LIMIT (beyond the ONC_PLAN_MAX_* caps).  Columns are checked
** against the data by onc_report_run().
*/
onc_status onc_plan_read(const char *path, onc_plan **out, onc_error *err);

/* As onc_plan_read() for `len` bytes in memory; `name` is used in messages
** and `dir` resolves relative data paths (NULL: the current directory). */
onc_status onc_plan_parse(const char *text, size_t len, const char *name,
                          const char *dir, onc_plan **out, onc_error *err);

void onc_plan_free(onc_plan *plan);

/* The endpoint called `name`, or NULL. */
const onc_plan_endpoint *onc_plan_find_endpoint(const onc_plan *plan, const char *name);

/* "RECIST 1.1", "mRECIST", "Choi". */
const char *onc_plan_criteria_name(onc_plan_criteria c);

/* ====================================================================== */
/* Eligibility: the CONSORT-style flow                                     */
/* ====================================================================== */

typedef struct onc_criterion {
    const char *text;            /* expression */
    const char *reason;          /* why a patient who fails it is excluded */
    const char *file;            /* plan file for messages, or NULL */
    size_t line;                 /* plan line for messages, or 0 */
} onc_criterion;

/* One box of the flow: patients excluded for one reason. */
typedef struct onc_flow_reason {
    char *reason;                /* the criterion's reason, or "missing value
                                    in 'ecog'", or "no treatment arm" */
    long criterion;              /* index of the criterion; -1 for the arm */
    int missing;                 /* 1: the criterion could not be assessed */
    size_t count;
    size_t n_rows;               /* min(count, ONC_EXCLUSION_ROW_CAP) */
    size_t rows[ONC_EXCLUSION_ROW_CAP];
} onc_flow_reason;

typedef struct onc_flow {
    size_t n_screened;           /* rows of the patient file */
    size_t n_excluded;
    size_t n_reasons;
    onc_flow_reason *reasons;    /* by criterion (plan order), within a
                                    criterion "not met" before "missing" */
    size_t n_eligible;           /* patients analysed */
    unsigned char *eligible;     /* n_screened flags */
    size_t n_arms;
    size_t *arm_n;               /* n_arms: patients analysed per arm */
    size_t *criterion_excluded;  /* per criterion: patients it excluded */
} onc_flow;

/*
** Apply the criteria in order.  A patient is excluded under the first
** criterion that is not TRUE: FALSE gives the criterion's reason; a missing
** value gives "missing value in '<column>'" (the first column of the
** criterion that is missing in that row; "could not be assessed: <reason>"
** when no column is missing), so that nobody is dropped silently.  Patients
** who meet every criterion but have no arm (arm[i] < 0) are excluded with
** "no treatment arm ('<arm_column>' missing)".
**   df      the screened patients
**   arm     df->n_rows codes 0 .. n_arms-1, or -1 when missing
** Errors (ONC_ERR_PARSE, ONC_ERR_USAGE, ONC_ERR_DATA, naming the plan file
** and line of the criterion): an expression that does not parse or cannot
** be evaluated (unknown column: with close names), a criterion after which
** nobody is left.  Release with onc_flow_free().
*/
onc_status onc_eligibility_apply(const onc_frame *df, const onc_criterion *criteria,
                                 size_t n_criteria, const int32_t *arm,
                                 size_t n_arms, const char *arm_column,
                                 onc_flow **out, onc_error *err);

void onc_flow_free(onc_flow *flow);

/* ====================================================================== */
/* Table 1: baseline characteristics by arm                                 */
/* ====================================================================== */

typedef struct onc_table1_variable {
    const char *column;
    const char *label;           /* NULL: the column name */
    onc_table1_summary summary;
} onc_table1_variable;

/* Which test gave a row's P value. */
typedef enum onc_table1_test {
    ONC_TEST_NONE = 0,           /* fewer than two arms with data */
    ONC_TEST_CHISQ = 1,          /* Pearson chi-square, no continuity correction */
    ONC_TEST_FISHER = 2,         /* Fisher's exact test (an expected count < 5) */
    ONC_TEST_WILCOXON = 3,       /* Wilcoxon rank-sum (two arms) */
    ONC_TEST_KRUSKAL = 4,        /* Kruskal-Wallis (three or more arms) */
    ONC_TEST_WELCH = 5,          /* Welch two-sample t-test (two arms) */
    ONC_TEST_ANOVA = 6           /* one-way analysis of variance */
} onc_table1_test;

/* "Pearson's chi-square test", "Fisher's exact test", ... */
const char *onc_table1_test_name(onc_table1_test test);

/*
** One variable.  Arrays with n_arms + 1 entries hold the arms in order and,
** last, all arms together.  Quantiles are R's quantile() type 7.
*/
typedef struct onc_table1_row {
    char *column;
    char *label;
    onc_coltype type;
    onc_table1_summary summary;  /* resolved: MEDIAN_IQR, MEAN_SD or COUNT */
    size_t *n;                   /* non-missing values */
    size_t *missing;
    double *median, *q1, *q3, *mean, *sd, *min, *max;  /* numbers; else NULL */
    size_t n_levels;             /* COUNT: levels shown */
    char **levels;
    size_t *counts;              /* n_levels x (n_arms + 1): [l * (n_arms+1) + a] */
    int binary;                  /* a logical: only the TRUE level is shown */
    onc_table1_test test;
    double statistic, df, p_value;   /* NaN when no test */
    double smd;                  /* mean |SMD| over the pairs of arms (as
                                    R tableone); NaN when undefined */
} onc_table1_row;

typedef struct onc_table1 {
    size_t n_arms;
    char **arms;                 /* arm labels */
    size_t *arm_n;               /* n_arms + 1 patients */
    size_t n_rows;
    onc_table1_row *rows;
} onc_table1;

/*
** Summarise vars[0..n_vars-1] of df by arm.  arm[i] is 0 .. n_arms-1, or
** negative to leave row i out.  Tests: factors and logicals by Pearson's
** chi-square (R chisq.test(correct = FALSE)), or Fisher's exact test when
** an expected count is below 5 (R fisher.test); medians by the Wilcoxon
** rank-sum test (two arms; R wilcox.test, exact without ties when both
** arms have fewer than 50 values, else the normal approximation with
** continuity and tie correction) or Kruskal-Wallis (R kruskal.test);
** means by Welch's t-test (R t.test) or one-way ANOVA (R oneway.test(var.equal
** = TRUE)).  Missing values are counted, never used in a test.
** Errors: ONC_ERR_USAGE for an unknown column (with close names), a date
** column, or COUNT on a number with more than 20 distinct values.
*/
onc_status onc_table1_compute(const onc_frame *df, const int32_t *arm, size_t n_arms,
                              const char *const *arm_labels,
                              const onc_table1_variable *vars, size_t n_vars,
                              onc_table1 **out, onc_error *err);

void onc_table1_free(onc_table1 *t);

/* ====================================================================== */
/* The report                                                              */
/* ====================================================================== */

typedef struct onc_report onc_report;

/*
** Read the data the plan names and run every analysis: eligibility flow,
** Table 1, endpoints from dates, Kaplan-Meier by arm with rates at the
** plan's times, log-rank, Cox (arm alone, each univariable model, the
** adjusted model), subgroup hazard ratios with interaction tests,
** tumour response by each criteria, adverse events by worst grade.
** The plan must outlive the report.
** Errors: as onc_plan_read() for problems of the plan against the data
** (file and line), the readers' errors for the data files.  Numerical
** outcomes (a model that does not converge, a hazard ratio that cannot be
** estimated in a subgroup) are reported in the results, not as errors.
*/
onc_status onc_report_run(const onc_plan *plan, onc_report **out, onc_error *err);

/*
** Write every output into directory `dir` (created if needed):
**   report.html        self-contained (inline CSS and SVG), prints to PDF
**   results.json       every number of the report at full precision
**   methods.txt        the statistical-methods paragraph
**   tables/NAME.csv    each table of the report
**   figures/NAME.svg   each figure (and .png / .pdf when the plan asks)
**   derived/NAME.csv   the analysis data set with the derived endpoints and
**                      responses, and the lesion and adverse-event records
**                      of the analysed patients (to rerun any analysis)
** Each file is written atomically.
*/
onc_status onc_report_write(onc_report *rep, const char *dir, onc_error *err);

/* results.json alone. */
onc_status onc_report_write_json(const onc_report *rep, FILE *fp, onc_error *err);

/* The statistical-methods paragraph, describing what was run, as plain
** text (html = 0) or an HTML fragment (html = 1). */
onc_status onc_report_write_methods(const onc_report *rep, int html, FILE *fp);

/* Short text summary for the command line: the flow and where each
** analysis stands. */
onc_status onc_report_write_summary(const onc_report *rep, FILE *fp);

void onc_report_free(onc_report *rep);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_REPORT_H */
