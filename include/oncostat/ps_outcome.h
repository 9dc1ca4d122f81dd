/*
** oncostat/ps_outcome.h -- survival compared between treatment arms after
** propensity-score weighting or matching: the design (propensity model,
** then weights or matched sets) in one call, the weighted outcome analyses
** that use it, and a bootstrap that repeats the whole chain -- propensity
** model included -- in every replicate.
**
** Data layout as in oncostat/ps.h: x is the n x p covariate matrix without
** intercept, column-major; arm holds codes 0 .. n_arms-1.  time and status
** (1 = event, 0 = censored) are the outcome of the same n patients.
**
** Typical use:
**
**     onc_ps_design_options dopt;
**     onc_ps_outcome_options oopt;
**     onc_ps_design *design = NULL;
**     onc_ps_outcome *res = NULL;
**     onc_ps_design_options_init(&dopt);           IPTW, ATE
**     onc_ps_outcome_options_init(&oopt);
**     onc_ps_design_build(x, n, p, arm, 2, &dopt, &design, &err);
**     onc_ps_outcome_fit(design, arm, time, status, &oopt, &res, &err);
**     res->cox->hr[0], res->cox->lower[0] ...      robust CI
**     onc_ps_outcome_free(res);
**     onc_ps_design_free(design);
**
** docs/methods/ps.md describes the methods and their R equivalents.
*/
#ifndef ONCOSTAT_PS_OUTCOME_H
#define ONCOSTAT_PS_OUTCOME_H

#include <stddef.h>
#include <stdint.h>

#include "oncostat/core.h"
#include "oncostat/cox.h"
#include "oncostat/km.h"
#include "oncostat/logrank.h"
#include "oncostat/ps.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
** The design: propensity scores, then weights or matched sets.
*/
typedef enum onc_ps_method {
    ONC_PS_METHOD_IPTW = 0,     /* inverse probability of treatment weights,
                                   for weight.estimand ATE or ATT */
    ONC_PS_METHOD_OVERLAP = 1,  /* overlap weights (weight.estimand ignored) */
    ONC_PS_METHOD_MATCH = 2     /* nearest-neighbour matching on the logit of
                                   the propensity score; two arms only */
} onc_ps_method;

typedef struct onc_ps_design_options {
    onc_ps_method method;           /* default ONC_PS_METHOD_IPTW */
    onc_ps_weight_options weight;   /* IPTW and OVERLAP (oncostat/ps.h) */
    onc_match_options match;        /* MATCH (oncostat/ps.h) */
    onc_ps_fit_options fit;         /* the propensity model */
} onc_ps_design_options;

/* Defaults: IPTW for the ATE, no stabilisation or truncation; 1:1 matching
** without replacement or caliper; the fitting defaults of oncostat/ps.h. */
void onc_ps_design_options_init(onc_ps_design_options *opt);

/* Distribution of the analysis weights within one arm. */
typedef struct onc_ps_arm_weights {
    size_t n;               /* patients in the arm */
    size_t n_weighted;      /* of whom with a positive weight (matched) */
    double sum;             /* sum of the weights */
    double min, max, mean;  /* over the positive weights; NaN if none */
    double ess;             /* Kish: (sum w)^2 / sum w^2; 0 if none */
} onc_ps_arm_weights;

typedef struct onc_ps_design {
    size_t n, n_arms;
    onc_ps_method method;
    onc_ps_model *model;        /* the propensity model */
    /* Wald tests of the model's coefficients, in the order of
    ** model->logistic->coef (two arms) or model->multinom->coef: z = coef /
    ** se and its two-sided normal P; NaN where aliased or infinite. */
    size_t n_coef;
    double *coef_z, *coef_p;
    onc_ps_weights *weights;    /* IPTW and OVERLAP, else NULL */
    onc_match_result *match;    /* MATCH, else NULL */
    double *weight;             /* n analysis weights: IPTW/overlap weights,
                                   or matching weights (0 = unmatched) */
    /* MATCH only (else NULL): the matched set of each patient, 0 ..
    ** n_subclasses-1 numbered by treated patient in data order, -1 when
    ** unmatched.  With replacement a control may serve several treated
    ** patients and has no set of its own (-1); its weight says how much it
    ** is used. */
    int32_t *subclass;
    size_t n_subclasses;
    onc_ps_arm_weights *arms;   /* n_arms */
    size_t n_used;              /* patients with a positive weight */
} onc_ps_design;

/*
** Fit the propensity model and derive the weights or the matches.
** Errors: those of onc_ps_fit, onc_ps_weight and onc_match_nearest;
** ONC_ERR_USAGE for matching with more than two arms.  A propensity model
** that does not converge or shows separation is reported in
** design->model (converged, separation), not as an error.
*/
onc_status onc_ps_design_build(const double *x, size_t n, size_t p,
                               const int *arm, size_t n_arms,
                               const onc_ps_design_options *opt,
                               onc_ps_design **out, onc_error *err);
void onc_ps_design_free(onc_ps_design *design);

/* ---------------------------------------------------------------------
** Weighted outcome analyses.
*/
typedef struct onc_ps_outcome_options {
    double conf_level;          /* default 0.95 */
    const double *times;        /* survival at these times (may be NULL) */
    size_t n_times;
    onc_cox_ties ties;          /* Cox ties, default ONC_TIES_EFRON (R) */
    int reference_arm;          /* hazard ratios of each other arm against
                                   this one (default 0) */
} onc_ps_outcome_options;

void onc_ps_outcome_options_init(onc_ps_outcome_options *opt);

typedef struct onc_ps_outcome {
    size_t n_arms;
    size_t n;                   /* patients analysed: positive weight */
    size_t *rows;               /* n: their 0-based indices in the design */
    int clustered;              /* 1: robust variances sum over matched sets
                                   (matching without replacement), else
                                   over patients */
    size_t n_clusters;
    /* Kaplan-Meier curve per arm with the analysis weights and the
    ** infinitesimal-jackknife (robust) variance, as R
    ** survfit(Surv(time, status) ~ arm, weights = w, robust = TRUE
    **         [, cluster = subclass]). */
    onc_km_fit *km;
    /* Log-rank with the analysis weights: weighted observed and expected
    ** events per arm; its chi-square uses the model-based variance
    ** (ONC_LOGRANK_VARIANCE_BRESLOW), which treats the weights as counts. */
    onc_logrank_result *logrank;
    /* The weighted log-rank test with a robust variance: the robust score
    ** test of the Breslow Cox model, R summary(coxph(...,
    ** ties = "breslow", weights = w, robust = TRUE))$robscore. */
    double score_chisq, score_df, score_p;
    /* Cox model of the arm indicators (each arm other than reference_arm,
    ** in arm order) with the analysis weights and the robust variance, as
    ** R coxph(Surv(time, status) ~ arm, weights = w, robust = TRUE
    ** [, cluster = subclass]); its hr, lower, upper, p_value use the robust
    ** standard errors. */
    onc_cox_fit *cox;
    int reference_arm;
    int *coef_arm;              /* n_arms - 1: the arm of each coefficient */
} onc_ps_outcome;

/*
** Run the three analyses on the patients with a positive weight.
**   design   from onc_ps_design_build on the same patients
**   arm      design->n codes
**   time     design->n finite times >= 0; status design->n values 0/1
** Errors: invalid times or status (ONC_ERR_DATA naming the 1-based
** patient of the design), no event among the weighted patients
** (ONC_ERR_COMPUTE), those of the estimators.
*/
onc_status onc_ps_outcome_fit(const onc_ps_design *design, const int *arm,
                              const double *time, const double *status,
                              const onc_ps_outcome_options *opt,
                              onc_ps_outcome **out, onc_error *err);
void onc_ps_outcome_free(onc_ps_outcome *res);

/* ---------------------------------------------------------------------
** Bootstrap of the whole chain.
*/
#define ONC_PS_BOOTSTRAP_MAX_REPLICATES 1000000
#define ONC_PS_BOOTSTRAP_MAX_THREADS 256

typedef struct onc_ps_bootstrap_options {
    size_t replicates;          /* B, 1 .. ONC_PS_BOOTSTRAP_MAX_REPLICATES
                                   (default 1000) */
    uint64_t seed;              /* default 1 */
    unsigned threads;           /* 0 (default) = the online processors */
} onc_ps_bootstrap_options;

void onc_ps_bootstrap_options_init(onc_ps_bootstrap_options *opt);

typedef struct onc_ps_bootstrap {
    size_t replicates;
    uint64_t seed;
    unsigned threads;           /* threads used */
    size_t n_coef;              /* n_arms - 1 */
    size_t n_arms, n_times;
    double conf_level;
    /* Replicate estimates; NaN where a replicate failed or, for survival,
    ** where the time is beyond an arm's last observed time. */
    double *log_hr;             /* replicates x n_coef: [b * n_coef + c] */
    double *surv;               /* replicates x n_arms x n_times:
                                   [(b * n_arms + a) * n_times + t] */
    size_t n_failed;            /* replicates without a usable Cox fit (an
                                   arm or every event missing from the
                                   sample, positivity failure, no
                                   convergence, an infinite estimate) */
    /* Summaries over the replicates where the statistic is defined:
    ** standard deviation, and percentile limits (R quantile type 7 at
    ** (1 -+ conf_level) / 2). */
    size_t *log_hr_n;           /* n_coef */
    double *log_hr_se;          /* n_coef */
    double *hr_lower, *hr_upper;/* n_coef: exp of the log-HR percentiles */
    size_t *surv_n;             /* n_arms x n_times: [a * n_times + t] */
    double *surv_se, *surv_lower, *surv_upper;
} onc_ps_bootstrap;

/*
** Nonparametric bootstrap (Efron & Tibshirani 1993; for propensity-score
** analyses Austin 2016, Stat Med 35:5642-5655, and Austin & Small 2014,
** Stat Med 33:4306-4319): draw n patients with replacement, fit the
** propensity model again, derive weights or matches again, and refit the
** weighted Cox model and Kaplan-Meier curves.  Replicate b draws its
** sample from its own generator seeded from (seed, b), so the result does
** not depend on the number of threads.  x, arm, time, status and the
** options are those of onc_ps_design_build and onc_ps_outcome_fit.
*/
onc_status onc_ps_bootstrap_run(const double *x, size_t n, size_t p,
                                const int *arm, size_t n_arms,
                                const double *time, const double *status,
                                const onc_ps_design_options *dopt,
                                const onc_ps_outcome_options *oopt,
                                const onc_ps_bootstrap_options *bopt,
                                onc_ps_bootstrap **out, onc_error *err);
void onc_ps_bootstrap_free(onc_ps_bootstrap *boot);

/*
** The patients drawn by replicate b (0-based) of a bootstrap with this
** seed: idx receives n indices in 0 .. n-1.  n must not exceed
** UINT32_MAX.
*/
onc_status onc_ps_bootstrap_sample(uint64_t seed, size_t b, size_t n,
                                   size_t *idx, onc_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_PS_OUTCOME_H */
