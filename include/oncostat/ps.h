/*
** oncostat/ps.h -- propensity scores for two or more treatment arms:
** logistic and multinomial logistic regression, inverse-probability and
** overlap weights, positivity diagnostics, nearest-neighbour matching on
** the logit of the propensity score, and covariate balance tables.
**
** Data layout shared by every function in this header:
**
**  - A model matrix `x` has n rows (patients) and p columns (covariates),
**    stored column-major: x[j * n + i] is covariate j of patient i.  It has
**    NO intercept column; the intercept is added here and is always
**    reported first.  Factors enter as indicator columns chosen by the
**    caller (e.g. ecog1, ecog2 with ecog 0 as reference).
**  - Treatment arms are int codes 0 .. n_arms-1.  With two arms, arm 1 is
**    modelled (the propensity score is P(arm = 1 | x)).
**  - Matrices of arm probabilities are column-major n x n_arms:
**    ps[a * n + i] = P(arm = a | x_i).
**  - Optional case weights (`weights`, NULL = all 1) are non-negative; a
**    patient with weight 0 does not contribute to a fit.
**
** NaN policy: inputs must be complete.  A missing (NaN) or infinite value in
** x, y, weights, ps or distance is an ONC_ERR_DATA error naming the row
** (1-based) and column; rows with missing values are excluded upstream,
** where the exclusions ledger records them.
**
** Typical use:
**
**     onc_ps_model *model = NULL;
**     onc_ps_weights *w = NULL;
**     onc_ps_weight_options wopt;
**     onc_ps_fit(x, n, p, arm, 2, NULL, NULL, &model, &err);
**     onc_ps_weight_options_init(&wopt);          // ATE, unstabilised
**     onc_ps_weight(model->ps, n, 2, arm, &wopt, &w, &err);
**     ... w->weight[i], w->ess[a] ...
**     onc_ps_weights_free(w);
**     onc_ps_free(model);
*/
#ifndef ONCOSTAT_PS_H
#define ONCOSTAT_PS_H

#include <stddef.h>

#include "oncostat/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Caps on problem size (ONC_ERR_LIMIT beyond them). */
#define ONC_PS_MAX_COVARIATES 1000  /* columns of a model matrix */
#define ONC_PS_MAX_ARMS 32          /* treatment arms */
#define ONC_MATCH_MAX_RATIO 100     /* controls per treated patient */

/* ---------------------------------------------------------------------
** Fitting controls shared by logistic and multinomial regression.
*/
typedef struct onc_ps_fit_options {
    /* Iteration stops when |D - D_old| / (|D| + 0.1) < tolerance, D being
    ** the deviance (R's glm.control rule).  Default 1e-10: R's default of
    ** 1e-8 leaves coefficients accurate to about 1e-7 only. */
    double tolerance;
    int max_iter;           /* default 50 */
} onc_ps_fit_options;

#define ONC_PS_FIT_TOLERANCE 1e-10
#define ONC_PS_FIT_MAX_ITER 50

void onc_ps_fit_options_init(onc_ps_fit_options *opt);

/* ---------------------------------------------------------------------
** Logistic regression (binomial GLM, logit link) by iteratively reweighted
** least squares, as R's glm(family = binomial).
*/
typedef struct onc_logistic_result {
    size_t n;               /* rows */
    size_t n_coef;          /* p + 1: intercept, then the columns of x */
    double *coef;           /* n_coef; NaN where aliased */
    double *se;             /* n_coef; NaN where aliased */
    double *vcov;           /* n_coef x n_coef, column-major; NaN where aliased */
    int *aliased;           /* n_coef: 1 when the column is (numerically) a
                               linear combination of earlier ones, as R's NA */
    int *infinite;          /* n_coef: 1 when the estimate is infinite or not
                               estimable because of separation */
    double *fitted;         /* n fitted probabilities (also for weight-0 rows) */
    double *linear_predictor; /* n: the log-odds (logit of fitted) */
    double deviance;
    double null_deviance;   /* intercept-only model */
    double loglik;          /* sum w [y log mu + (1-y) log(1-mu)] */
    double aic;             /* -2 loglik + 2 rank: R's AIC for 0/1 outcomes
                               with unit or whole-number weights */
    size_t rank;            /* coefficients estimated (not aliased) */
    size_t df_residual;     /* rows with positive weight minus rank */
    size_t df_null;         /* rows with positive weight minus 1 */
    int iterations;
    int converged;          /* 1 when the tolerance was met */
    int separation;         /* 1 when some coefficient is infinite: the
                               maximum-likelihood estimate does not exist */
    size_t n_boundary;      /* fitted probabilities within 10 DBL_EPSILON of
                               0 or 1 (R's "fitted probabilities numerically
                               0 or 1 occurred" warning) */
} onc_logistic_result;

/*
** Fit P(y = 1 | x) = 1 / (1 + exp(-(b0 + x b))).
**   x        n x p model matrix without intercept (see top of file)
**   y        n responses in [0, 1] (0/1, or proportions with weights as
**            numbers of trials)
**   weights  n prior weights >= 0, or NULL
**   opt      NULL for the defaults
** At least one row must have a positive weight.
*/
onc_status onc_logistic_fit(const double *x, size_t n, size_t p,
                            const double *y, const double *weights,
                            const onc_ps_fit_options *opt,
                            onc_logistic_result **out, onc_error *err);
void onc_logistic_free(onc_logistic_result *fit);

/* ---------------------------------------------------------------------
** Multinomial (baseline-category) logistic regression, as nnet::multinom:
** log(P(arm = a) / P(arm = 0)) = b0_a + x b_a for a = 1 .. n_arms-1.
*/
typedef struct onc_multinom_result {
    size_t n;
    size_t n_arms;
    size_t n_coef;          /* p + 1 per non-reference arm */
    double *coef;           /* (n_arms-1) x n_coef: coef[(a-1) * n_coef + j]
                               is coefficient j of arm a against arm 0 */
    double *se;             /* same layout; NaN where aliased */
    double *vcov;           /* Q x Q column-major, Q = (n_arms-1) n_coef,
                               in the order of coef */
    int *aliased;           /* n_coef: column aliased (for every arm) */
    double *fitted;         /* n x n_arms probabilities, column-major */
    double deviance;        /* -2 loglik */
    double loglik;          /* sum w log P(arm received) */
    double aic;             /* deviance + 2 (n_arms-1) rank */
    size_t rank;            /* non-aliased columns, intercept included */
    int iterations;
    int converged;
    int separation;         /* 1 when the likelihood has no finite maximum */
    size_t n_boundary;      /* fitted probabilities within 10 DBL_EPSILON
                               of 0 or 1 */
} onc_multinom_result;

/*
** Fit the baseline-category model by Newton-Raphson on the full Hessian.
**   arm      n codes in 0 .. n_arms-1; every arm needs positive total weight
**   n_arms   2 .. ONC_PS_MAX_ARMS
*/
onc_status onc_multinom_fit(const double *x, size_t n, size_t p,
                            const int *arm, size_t n_arms,
                            const double *weights,
                            const onc_ps_fit_options *opt,
                            onc_multinom_result **out, onc_error *err);
void onc_multinom_free(onc_multinom_result *fit);

/* ---------------------------------------------------------------------
** Propensity scores.
*/
typedef struct onc_ps_model {
    size_t n;
    size_t n_arms;
    double *ps;             /* n x n_arms: ps[a * n + i] = P(arm = a | x_i) */
    double *logit;          /* two arms: n values log(e1 / (1 - e1)), the
                               linear predictor, for matching; else NULL */
    int converged;
    int separation;
    onc_logistic_result *logistic;  /* two arms, else NULL */
    onc_multinom_result *multinom;  /* more than two arms, else NULL */
} onc_ps_model;

/*
** Estimate propensity scores: logistic regression of (arm == 1) for two
** arms, multinomial logistic regression for more.
*/
onc_status onc_ps_fit(const double *x, size_t n, size_t p, const int *arm,
                      size_t n_arms, const double *weights,
                      const onc_ps_fit_options *opt, onc_ps_model **out,
                      onc_error *err);
void onc_ps_free(onc_ps_model *model);

typedef enum onc_ps_estimand {
    ONC_PS_ATE = 0,         /* average treatment effect, whole population */
    ONC_PS_ATT = 1,         /* effect in the patients of `treated_arm` */
    ONC_PS_OVERLAP = 2      /* overlap (ATO) weights */
} onc_ps_estimand;

typedef struct onc_ps_weight_options {
    onc_ps_estimand estimand;   /* default ONC_PS_ATE */
    int treated_arm;        /* ATT: the target arm (default 1) */
    int stabilize;          /* ATE only: multiply by the share of patients in
                               the arm received (default 0) */
    double trim_lower;      /* quantile (type 7) of the weights below which
                               they are raised to it; 0 = none (default) */
    double trim_upper;      /* quantile above which weights are lowered to
                               it; 1 = none (default) */
} onc_ps_weight_options;

void onc_ps_weight_options_init(onc_ps_weight_options *opt);

typedef struct onc_ps_weights {
    size_t n;
    size_t n_arms;
    double *weight;         /* n */
    size_t *n_arm;          /* n_arms: patients per arm */
    double *sum;            /* n_arms: sum of weights per arm */
    double *ess;            /* n_arms: effective sample size
                               (sum w)^2 / sum w^2 per arm */
    double trim_low;        /* bounds applied; NaN when not trimmed */
    double trim_high;
    size_t n_trimmed_low;   /* weights raised to trim_low */
    size_t n_trimmed_high;  /* weights lowered to trim_high */
} onc_ps_weights;

/*
** Weights from a propensity matrix (from onc_ps_fit or elsewhere):
**   ATE       w = 1 / e_a(x), a = the arm received
**   ATT       w = 1 in treated_arm t, e_t(x) / e_a(x) in the other arms
**   OVERLAP   w = (1 / e_a) / sum_j (1 / e_j) (Li & Li 2019); with two arms
**             1 - e_1 in arm 1 and e_1 in arm 0 (Li, Morgan & Zaslavsky 2018)
** then stabilisation (ATE), then truncation at the quantiles of all n
** weights.  Every e_a(x) must lie in (0, 1].
*/
onc_status onc_ps_weight(const double *ps, size_t n, size_t n_arms,
                         const int *arm, const onc_ps_weight_options *opt,
                         onc_ps_weights **out, onc_error *err);
void onc_ps_weights_free(onc_ps_weights *w);

/* Default positivity thresholds: propensity scores below 0.01 or above
** 0.99 make weights exceed 100 and usually signal patients who could not
** have received one of the arms. */
#define ONC_PS_POSITIVITY_LOWER 0.01
#define ONC_PS_POSITIVITY_UPPER 0.99

typedef struct onc_ps_positivity {
    size_t n_arms;
    double lower;           /* thresholds used */
    double upper;
    size_t *n_below;        /* n_arms: patients with e_a(x) < lower */
    size_t *n_above;        /* n_arms: patients with e_a(x) > upper */
    double *range_min;      /* n_arms x n_arms: [a * n_arms + g] is the
                               smallest e_a(x) among patients in arm g */
    double *range_max;      /* likewise the largest */
    double *support_low;    /* n_arms: common support of e_a, the largest */
    double *support_high;   /*   per-arm minimum and the smallest maximum */
    size_t *n_outside;      /* n_arms: patients with e_a outside it */
} onc_ps_positivity;

/* Positivity (overlap) diagnostics; every arm must have a patient. */
onc_status onc_ps_check_positivity(const double *ps, size_t n, size_t n_arms,
                                   const int *arm, double lower, double upper,
                                   onc_ps_positivity **out, onc_error *err);
void onc_ps_positivity_free(onc_ps_positivity *pos);

/* ---------------------------------------------------------------------
** Nearest-neighbour matching, as MatchIt 4.5 method = "nearest" with
** distance = "glm", link = "linear.logit" (the distance is the logit of
** the propensity score, onc_ps_model.logit).
*/
typedef enum onc_match_order {
    ONC_MATCH_LARGEST = 0,  /* treated patients by decreasing distance
                               (MatchIt's default for a propensity score) */
    ONC_MATCH_SMALLEST = 1,
    ONC_MATCH_DATA = 2      /* in data order */
} onc_match_order;

typedef enum onc_match_discard {
    ONC_MATCH_DISCARD_NONE = 0,
    ONC_MATCH_DISCARD_BOTH = 1,     /* outside the common support */
    ONC_MATCH_DISCARD_CONTROL = 2,  /* controls outside the treated range */
    ONC_MATCH_DISCARD_TREATED = 3   /* treated outside the control range */
} onc_match_discard;

typedef struct onc_match_options {
    int treated_arm;        /* 0 or 1 (default 1); the other arm is control */
    size_t ratio;           /* controls per treated patient (default 1) */
    int replace;            /* match with replacement (default 0) */
    double caliper;         /* maximum distance of a match; 0 = none */
    int caliper_in_sd;      /* 1 (default): caliper in standard deviations of
                               the distance (std.caliper = TRUE) */
    onc_match_order order;  /* default ONC_MATCH_LARGEST; with replacement
                               the order does not change the result */
    onc_match_discard discard;  /* default none */
} onc_match_options;

void onc_match_options_init(onc_match_options *opt);

#define ONC_MATCH_NONE ((size_t)-1)

typedef struct onc_match_result {
    size_t n;
    size_t n_treated;
    size_t ratio;
    size_t *treated_rows;   /* n_treated: rows (0-based) of the treated
                               patients in data order */
    size_t *match;          /* n_treated x ratio: match[t * ratio + r] is the
                               row of the r-th control matched to treated
                               patient t, or ONC_MATCH_NONE */
    double *weight;         /* n: MatchIt's matching weights (treated 1 when
                               matched; controls sum 1/k over the treated
                               patients they serve, k being that patient's
                               number of matches, rescaled to sum to the
                               number of matched controls); 0 if unmatched */
    int *discarded;         /* n */
    double caliper;         /* on the distance scale; NaN when none */
    size_t n_treated_matched;
    size_t n_treated_unmatched; /* not discarded but without a match */
    size_t n_treated_discarded;
    size_t n_control_matched;
    size_t n_control_unmatched;
    size_t n_control_discarded;
} onc_match_result;

/*
** Greedy nearest-neighbour matching.
**   distance  n values (finite), normally the logit of the propensity score
**   arm       n codes 0/1; opt->treated_arm names the treated arm
** Ties are broken as MatchIt does: patients are ordered by distance (ties in
** data order) and a control below the treated patient wins an equal
** distance.  A control is never matched twice to the same treated patient.
*/
onc_status onc_match_nearest(const double *distance, const int *arm, size_t n,
                             const onc_match_options *opt,
                             onc_match_result **out, onc_error *err);
void onc_match_free(onc_match_result *m);

/* ---------------------------------------------------------------------
** Covariate balance, as cobalt::bal.tab with binary = "std".
*/
typedef enum onc_balance_type {
    ONC_BALANCE_CONTINUOUS = 0,
    ONC_BALANCE_BINARY = 1, /* values 0/1 */
    ONC_BALANCE_FACTOR = 2  /* level codes 0 .. n_levels-1; one row per level */
} onc_balance_type;

typedef struct onc_balance_options {
    /* ATT: SMDs are standardised by the SD of treated_arm; ATE and
    ** OVERLAP: by sqrt of the mean of the arm variances over ALL arms.  The
    ** SDs always come from the unweighted sample. */
    onc_ps_estimand estimand;   /* default ONC_PS_ATE */
    int treated_arm;        /* ATT: the focal arm; comparisons are focal
                               minus each other arm (default 1) */
    int reference_arm;      /* ATE/OVERLAP: comparisons are each other arm
                               minus this one (default 0) */
    int all_pairs;          /* ATE/OVERLAP: compare every pair a > b instead
                               (a minus b), as cobalt's pairwise summary */
    double threshold;       /* |SMD| above this is flagged (default 0.1) */
} onc_balance_options;

void onc_balance_options_init(onc_balance_options *opt);

typedef struct onc_balance_table {
    size_t n_rows;          /* one per continuous/binary variable, one per
                               factor level */
    size_t n_arms;
    size_t n_comparisons;
    size_t *row_variable;   /* n_rows: input column of the row */
    int *row_level;         /* n_rows: factor level, -1 otherwise */
    int *row_binary;        /* n_rows: 1 for binary rows and factor levels */
    int *first_arm;         /* n_comparisons: SMD = mean(first) - mean(second) */
    int *second_arm;
    size_t *n_arm;          /* n_arms: patients per arm */
    double *ess;            /* n_arms: effective sample size after weighting */
    double *mean_before;    /* n_arms x n_rows: [a * n_rows + r] */
    double *mean_after;
    double *sd;             /* n_rows: the standardising SD */
    double *smd_before;     /* n_comparisons x n_rows: [c * n_rows + r] */
    double *smd_after;
    double *variance_ratio_before;  /* same layout; var(first) / var(second),
                                       NaN for binary rows or when undefined */
    double *variance_ratio_after;
    double *max_smd_before; /* n_rows: largest |SMD| over the comparisons */
    double *max_smd_after;
    int *imbalanced_before; /* n_rows: max |SMD| > threshold */
    int *imbalanced_after;
    size_t n_imbalanced_before;
    size_t n_imbalanced_after;
    int adjusted;           /* 0 when no weights were given: after = before */
} onc_balance_table;

/*
** Standardised mean differences before and after weighting or matching.
**   x          n x n_vars covariates, column-major (raw values: continuous,
**              0/1, or factor level codes)
**   types      n_vars variable types
**   n_levels   n_vars level counts (used for factors; may be NULL when
**              there is no factor)
**   weights    n weights >= 0 (IPTW, overlap or matching weights), or NULL
**   names      n_vars variable names for error messages, or NULL
*/
onc_status onc_balance_compute(const double *x, size_t n, size_t n_vars,
                               const onc_balance_type *types,
                               const size_t *n_levels,
                               const char *const *names, const int *arm,
                               size_t n_arms, const double *weights,
                               const onc_balance_options *opt,
                               onc_balance_table **out, onc_error *err);
void onc_balance_free(onc_balance_table *table);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_PS_H */
