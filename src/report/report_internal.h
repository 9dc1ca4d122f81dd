/*
** report_internal.h -- pieces shared by the files of src/report; not a
** public API.  The report object itself is described here so that the
** HTML, JSON and methods writers can read what report.c computed.
*/
#ifndef ONC_REPORT_INTERNAL_H
#define ONC_REPORT_INTERNAL_H

#include <stdio.h>

#include "oncostat/report.h"
#include "oncostat/km.h"
#include "oncostat/logrank.h"
#include "oncostat/cox.h"
#include "oncostat/model.h"
#include "oncostat/rates.h"
#include "oncostat/response.h"
#include "oncostat/ae.h"

/* The candidate closest to `word` by edit distance (letter case ignored),
** or NULL when none is close enough to be a likely typo. */
const char *report_closest(const char *word, const char *const *candidates, size_t n);

/* Grow-as-you-go text buffer. */
typedef struct report_buf {
    char *data;
    size_t len, cap;
    int failed;                 /* an allocation failed: contents truncated */
} report_buf;

void report_buf_printf(report_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void report_buf_append(report_buf *b, const char *s, size_t n);
void report_buf_free(report_buf *b);

/* ---- what report.c computes ---- */

/* A hazard ratio of one design column (arm level or covariate level). */
typedef struct report_hr {
    char *variable;             /* column */
    char *label;                /* display label of the variable */
    char *level;                /* factor level, or NULL for a number */
    char *reference;            /* reference level, or NULL */
    double coef, se, hr, lower, upper, p;
    int infinite;               /* monotone likelihood flagged this one */
} report_hr;

/* One Cox model: a formula, its fit and its rows. */
typedef struct report_cox {
    char *formula;              /* as passed to the model frame */
    char *variable;             /* univariable: the column; else NULL */
    char *label;
    onc_exclusions excluded;
    size_t n, events;
    int fitted;                 /* 0: could not be fitted (see `problem`) */
    char *problem;
    int converged, monotone;
    double lr_stat, lr_df, lr_p, wald_p, concordance, concordance_se;
    double loglik;              /* at the estimate */
    size_t n_hr;
    report_hr *hr;
} report_cox;

/* One endpoint: derivation, KM by arm, log-rank, HR of each arm. */
typedef struct report_endpoint {
    const onc_plan_endpoint *plan;
    onc_time_unit unit;
    double cutoff;              /* NaN: none */
    onc_endpoint_result *derived;   /* per analysed patient */
    onc_exclusions excluded;    /* rows of the patient file left out */
    size_t n_used;
    double *time, *status;      /* n_used */
    int32_t *arm;               /* n_used */
    size_t *row;                /* n_used: index of the analysed patient */
    int km_shown;               /* listed under analyses.km */
    onc_km_fit *km;             /* by arm, in the report's arm order */
    onc_logrank_result *logrank;/* NULL with one arm */
    report_cox arm_cox;         /* Surv ~ arm (HR vs reference) */
    int has_arm_cox;
    size_t n_desc;
    size_t *desc_count;         /* n_arms x n_desc: patients per description */
    size_t figure;              /* index of its KM figure, or (size_t)-1 */
} report_endpoint;

/* One row of a forest plot. */
typedef struct report_forest_row {
    char *label;
    int is_header, is_overall;
    size_t n, events;
    double hr, lower, upper, p_interaction;
    double interaction_df;
    char *note;                 /* why no HR, or NULL */
} report_forest_row;

typedef struct report_forest {
    size_t arm;                 /* compared with the reference arm */
    size_t endpoint;
    size_t n_rows;
    report_forest_row *rows;
    size_t figure;
} report_forest;

/* Response by one criteria. */
typedef struct report_response {
    onc_plan_criteria criteria;
    onc_response_result *result;
    int *best;                  /* per analysed patient: onc_response, NE when
                                   the patient has no lesion records */
    double *best_change;        /* per analysed patient, NaN when none */
    size_t *count;              /* n_arms x ONC_RESPONSE_N */
    onc_proportion *orr, *dcr;  /* n_arms + 1 (last: all) */
    double orr_p, dcr_p;        /* Fisher's exact test across arms */
    onc_odds_ratio *orr_or;     /* n_arms: arm vs reference (reference: NaN) */
    size_t n_issues;            /* patients with data problems */
    size_t figure;
} report_response;

typedef struct report_figure {
    char *name;                 /* file stem: "km_OS" */
    char *title;                /* "Figure 2." is added by the HTML writer */
    char *caption;
    int kind;                   /* 0 KM, 1 forest, 2 waterfall */
    void *list;                 /* onc_plot_list * built by report.c */
    char *svg;                  /* inline SVG, once written */
} report_figure;

/* The Cox models of one endpoint. */
typedef struct report_cox_set {
    size_t endpoint;
    size_t n_univariable;
    report_cox *univariable;
    report_cox adjusted;
    int has_adjusted;
} report_cox_set;

struct onc_report {
    const onc_plan *plan;
    onc_frame *screened;        /* patient file as read */
    onc_frame *patients;        /* the analysis set (eligible), with derived
                                   columns appended */
    size_t *screen_row;         /* per analysed patient: 1-based row of the
                                   patient file */
    onc_flow *flow;
    size_t n_arms;
    char **arm_value;           /* level in the data */
    char **arm_label;           /* display label */
    size_t reference;
    int32_t *arm;               /* per analysed patient */
    size_t *arm_n;
    char **patient_id;          /* per analysed patient (text form) */
    onc_table1 *table1;

    size_t n_endpoints;
    report_endpoint *endpoints;

    size_t n_cox_sets;
    report_cox_set *cox_sets;

    size_t n_forests;
    report_forest *forests;
    size_t forest_endpoint;

    onc_frame *lesions;         /* as read, or NULL */
    unsigned char *lesion_used; /* per lesion row: of an analysed patient */
    size_t n_lesion_records;
    size_t n_responses;
    report_response *responses;

    onc_frame *adverse;         /* as read, or NULL */
    unsigned char *ae_used;     /* per AE row */
    size_t ae_n_events;
    onc_ae_table *ae;

    size_t n_figures;
    report_figure *figures;
};

/* A table of the report as people read it (tables.c builds them; the
** HTML writer and the CSV files show the same cells). */
typedef enum report_row_kind {
    REPORT_ROW_PLAIN = 0,
    REPORT_ROW_GROUP = 1,       /* a heading row (variable, endpoint) */
    REPORT_ROW_LEVEL = 2        /* indented under a heading */
} report_row_kind;

typedef struct report_table {
    char *id;                   /* file stem and HTML id: "table1" */
    char *title;                /* "Baseline characteristics" */
    char *note;                 /* footnote, or NULL */
    size_t n_cols;
    char **header;
    /* Optional second header level: columns 1.. in groups of group_span,
    ** group g titled group_header[g] (the safety table's arms). */
    size_t group_span;
    size_t n_groups;
    char **group_header;
    size_t n_rows, cap_rows;
    char **cells;               /* n_rows x n_cols */
    unsigned char *kind;        /* report_row_kind per row */
} report_table;

/* The tables of the report, in order; *n receives the count. */
onc_status report_tables(const onc_report *rep, report_table **out, size_t *n);
void report_tables_free(report_table *t, size_t n);

/* Writers (html.c, results_json.c, methods.c). */
onc_status report_write_html(const onc_report *rep, const report_table *tables,
                             size_t n_tables, FILE *fp, onc_error *err);

/* Text helpers shared by the writers. */
/* "month", "year", ... for "12-month rate". */
const char *report_unit_singular_of(onc_time_unit unit);
/* "12.3 (8.1–NR)" style estimate with CI; NaN estimate gives "NR". */
void report_format_ci(char *buf, size_t cap, double est, double lo, double hi,
                      int decimals, const char *na);

#endif
