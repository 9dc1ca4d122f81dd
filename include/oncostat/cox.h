/*
** oncostat/cox.h -- Cox proportional hazards regression and its companions:
** concordance, residuals, the proportional-hazards test, Firth's penalized
** likelihood and model-based survival curves.
**
** Every routine mirrors R `survival` 3.5-3 (coxph, concordance, residuals,
** cox.zph, survfit.coxph, basehaz); docs/methods/cox.md gives the formulas and
** lists each R behaviour that is reproduced on purpose.
**
** Input is plain arrays: the model matrix is built by the caller (one column
** per coefficient, factors already expanded to indicator columns).  Rows with
** missing values must be removed beforehand; a NaN anywhere in the input is
** reported as ONC_ERR_DATA naming the row and the argument.
**
** Ownership: every structure returned through an out-pointer belongs to the
** caller and is released with its _free function, which accepts NULL.  Input
** arrays are never modified or retained.
**
** Matrices are column-major: element (i, j) of an r x c matrix is m[i + j*r].
*/
#ifndef ONCOSTAT_COX_H
#define ONCOSTAT_COX_H

#include "oncostat/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most coefficients a model may have (Firth's fit needs O(p^3) memory and
** O(p^3) work per event time). */
#define ONC_COX_MAX_COEF 1000

/* How tied event times enter the partial likelihood. */
typedef enum onc_cox_ties {
    ONC_TIES_EFRON = 0,   /* Efron (1977) approximation; R's default */
    ONC_TIES_BRESLOW = 1, /* Breslow (1974) approximation */
    ONC_TIES_EXACT = 2    /* exact discrete (conditional logistic) likelihood,
                             R ties = "exact"; no case weights; right-censored
                             data only */
} onc_cox_ties;

/* Robust (sandwich) variance request. */
typedef enum onc_cox_robust {
    ONC_ROBUST_AUTO = -1, /* as R: on when a cluster is given or any case
                             weight is not a whole number */
    ONC_ROBUST_OFF = 0,   /* model-based variance only; a cluster is ignored
                             by the variance (the concordance SE still uses
                             it, as R) */
    ONC_ROBUST_ON = 1     /* sandwich variance, one cluster per row unless a
                             cluster vector is given */
} onc_cox_robust;

typedef struct onc_cox_options {
    onc_cox_ties ties;        /* default ONC_TIES_EFRON */
    onc_cox_robust robust;    /* default ONC_ROBUST_AUTO */
    int firth;                /* 1 = Firth penalized likelihood (Heinze and
                                 Schemper 2001) with profile-likelihood CIs */
    int timefix;              /* 1 = treat times that differ by less than
                                 sqrt(DBL_EPSILON) (absolute, or relative to
                                 the mean |time|) as equal, as R aeqSurv;
                                 default 1 */
    int max_iter;             /* Newton-Raphson iterations, default 20 */
    double eps;               /* convergence: |1 - loglik_old/loglik_new| <= eps,
                                 default 1e-9 */
    double toler_chol;        /* pivot tolerance of the Cholesky factorisation,
                                 relative to the largest diagonal element,
                                 default DBL_EPSILON^0.75 */
    double toler_inf;         /* infinite-coefficient check, default sqrt(eps) */
    double conf_level;        /* confidence level of the hazard-ratio limits,
                                 default 0.95 */
    int concordance;          /* 1 = compute Harrell's C with the fit, default 1 */
    const double *init;       /* p starting values, or NULL for zeros */
} onc_cox_options;

/* Fill `opt` with the defaults listed above (R coxph.control). */
void onc_cox_options_init(onc_cox_options *opt);

/*
** The data of one model.  Arrays have n elements unless stated.
*/
typedef struct onc_cox_data {
    size_t n;                 /* rows */
    size_t p;                 /* coefficients (columns of x); 0 = null model */
    const double *x;          /* n x p model matrix, column-major */
    const double *start;      /* NULL = right-censored; else entry time of the
                                 counting-process interval (start, stop] */
    const double *stop;       /* event or censoring time */
    const double *status;     /* 1 = event, 0 = censored */
    const double *weights;    /* case weights > 0, or NULL for 1 */
    const double *offset;     /* fixed linear-predictor term, or NULL for 0 */
    const int32_t *strata;    /* stratum label per row, or NULL (one stratum) */
    const int32_t *cluster;   /* cluster label per row, or NULL; when given the
                                 robust variance sums score residuals within
                                 clusters (R cluster(id)) */
} onc_cox_data;

/*
** A fitted model.  p-vectors have one element per coefficient; coefficients
** deemed collinear (`aliased`) are NaN like R's NA and excluded from the
** degrees of freedom.  Unavailable numbers are NaN.
*/
typedef struct onc_cox_fit {
    size_t n, p;
    size_t n_events;          /* rows with status 1 */
    double weighted_events;   /* sum of the weights of those rows */
    size_t n_strata;
    size_t n_clusters;        /* clusters of the robust variance, or 0 */
    onc_cox_ties ties;
    int counting;             /* 1 = (start, stop] data */
    int firth;                /* 1 = Firth penalized fit */
    int robust;               /* 1 = robust_var is present and used for the
                                 Wald statistics and limits (as R summary) */
    int timefix;              /* the options.timefix the fit used */

    /* Iteration outcome (R coxph.fit / agreg.fit). */
    int converged;            /* 0 = ran out of iterations */
    int iterations;           /* R fit$iter */
    int halving;              /* 1 = the last accepted step needed halving */
    int rank;                 /* rank of the information matrix */
    int monotone;             /* 1 = at least one coefficient may be infinite
                                 (R: "Loglik converged before variable ...") */
    int *infinite;            /* p flags behind `monotone` */
    int *aliased;             /* p flags: dropped as collinear */

    double *coef;             /* p estimates (log hazard ratios) */
    double *means;            /* p centring values as R fit$means: weighted
                                 means for right-censored Breslow/Efron fits,
                                 plain means for counting-process and exact
                                 fits, 0 for columns whose values are all in
                                 {-1, 0, 1} */
    double *score;            /* p: score vector at the final estimate (Firth:
                                 the penalized score) */
    double *var;              /* p x p model-based variance: the inverse
                                 information at the estimate (Firth too) */
    double *robust_var;       /* p x p sandwich variance, or NULL */

    /* Per-coefficient summary, as R summary.coxph. */
    double *se;               /* model-based standard errors (0 when aliased,
                                 as R) */
    double *robust_se;        /* robust standard errors, or NULL */
    double *hr;               /* exp(coef) */
    double *z;                /* coef / (robust se if robust, else se) */
    double *p_value;          /* two-sided Wald P from z */
    double *lower, *upper;    /* hazard-ratio limits at conf_level: Wald limits
                                 exp(coef -/+ q se) with the robust se when
                                 robust; for Firth fits the profile penalized
                                 likelihood limits (NaN when a limit was not
                                 bracketed, see lower_found/upper_found) */
    int *lower_found, *upper_found; /* Firth only (else NULL): 1 = limit found */
    double *firth_chisq;      /* Firth only: penalized likelihood-ratio
                                 statistic for coef = 0, 1 df; else NULL */
    double *firth_p;          /* Firth only: its P; else NULL */
    double conf_level;

    /* Log partial likelihood at the initial values and at the estimate.  For
    ** Firth fits these are the penalized values log L + 0.5 log det I. */
    double loglik[2];
    double loglik_unpenalized[2]; /* Firth: log L at init and estimate; else
                                     equal to loglik */

    /* Global tests with df = number of non-aliased coefficients. */
    double df;
    double lr_stat, lr_p;         /* 2 (loglik[1] - loglik[0]) */
    double wald_stat, wald_p;     /* (coef - init)' var^-1 (coef - init), robust
                                     variance when robust */
    double score_stat, score_p;   /* score test at the initial values */
    double robust_score_stat, robust_score_p; /* when robust, else NaN */
    double rsq, max_rsq;          /* 1 - exp(-lr_stat / n) and its largest
                                     possible value (R summary.coxph) */

    /* Harrell's concordance of the linear predictor, as R fit$concordance
    ** (NaN when options.concordance is 0). */
    double concordant, discordant, tied_x, tied_y, tied_xy;
    double concordance, concordance_se;

    double *linear_predictor; /* n: x.coef + offset - means.coef, with the
                                 offset centred as R does (coef NaN -> 0) */
} onc_cox_fit;

/*
** Fit a Cox model by Newton-Raphson with step halving, as R coxph.
**
** Preconditions: 1 <= d->n <= 2^32 - 1, d->p <= ONC_COX_MAX_COEF (p = 0 fits
** the null model: log-likelihood and concordance only), at least one event,
** finite x/stop/start/offset, start < stop, status 0 or 1, weights > 0.
** Errors: ONC_ERR_USAGE (bad arguments), ONC_ERR_DATA (invalid values, with
** the row named; no events), ONC_ERR_UNSUPPORTED (exact ties with weights,
** start-stop data or a robust variance; Firth with exact ties or a robust
** variance), ONC_ERR_COMPUTE (Firth: singular information at the start),
** ONC_ERR_NOMEM, ONC_ERR_LIMIT.  Non-convergence, infinite estimates and
** collinear columns are fields of the fit.
** opt may be NULL for the defaults.
*/
onc_status onc_cox_fit_model(const onc_cox_data *d, const onc_cox_options *opt,
                             onc_cox_fit **out, onc_error *err);
void onc_cox_fit_free(onc_cox_fit *fit);

/* ------------------------------------------------------------------------ */
/* Concordance                                                               */

typedef struct onc_concordance_data {
    size_t n;
    const double *start;      /* NULL = right-censored */
    const double *stop;
    const double *status;     /* 1 = event */
    const double *x;          /* the predictor */
    const double *weights;    /* NULL = 1 */
    const int32_t *strata;    /* NULL = one stratum; pairs never cross strata */
    const int32_t *cluster;   /* NULL = none; the variance sums influence
                                 terms within clusters */
    int reverse;              /* 1 = larger x predicts shorter survival (a
                                 risk score; R reverse = TRUE, as for coxph) */
    int timefix;              /* 1 = merge near-equal times as R aeqSurv */
} onc_concordance_data;

typedef struct onc_concordance {
    size_t n;
    double concordant, discordant, tied_x, tied_y, tied_xy; /* weighted pair
                                 counts; with reverse the first two are
                                 swapped as in R */
    double concordance;       /* (concordant + tied_x / 2) / (concordant +
                                 discordant + tied_x) */
    double var;               /* infinitesimal-jackknife variance (R $var) */
    double se;                /* sqrt(var) */
} onc_concordance;

/*
** Harrell's C with R's variance (concordancefit, timewt = "n"), computed in
** O(n log n) with a Fenwick tree over the ranks of x.  Comparable pairs: an
** event at time t against every subject still at risk after t (and those
** censored at t); event-event pairs at equal times count as tied_y.
*/
onc_status onc_concordance_compute(const onc_concordance_data *d,
                                   onc_concordance *out, onc_error *err);

/* ------------------------------------------------------------------------ */
/* Residuals                                                                 */

typedef enum onc_cox_residual_type {
    ONC_COX_RESID_MARTINGALE = 0,  /* n x 1 */
    ONC_COX_RESID_DEVIANCE = 1,    /* n x 1 */
    ONC_COX_RESID_SCORE = 2,       /* n x p */
    ONC_COX_RESID_SCHOENFELD = 3,  /* events x p, ordered by (stratum, time) */
    ONC_COX_RESID_SCALED_SCHOENFELD = 4, /* events x p: resid var d + coef */
    ONC_COX_RESID_DFBETA = 5,      /* n x p: weighted score %*% var */
    ONC_COX_RESID_DFBETAS = 6      /* n x p: dfbeta / se */
} onc_cox_residual_type;

typedef struct onc_cox_residuals {
    onc_cox_residual_type type;
    size_t n_rows, n_cols;
    double *value;            /* n_rows x n_cols, column-major */
    size_t *row;              /* Schoenfeld types: 0-based data row of each
                                 event; else NULL (row i is data row i) */
    double *time;             /* Schoenfeld types: event time; else NULL */
    int32_t *stratum;         /* Schoenfeld types with strata: label; else NULL */
} onc_cox_residuals;

/*
** Residuals of a fit, as R residuals.coxph with its defaults (martingale,
** deviance, score and Schoenfeld unweighted; dfbeta and dfbetas weighted).
** `d` must be the data the fit came from.  Score-type residuals are not
** defined for exact ties (ONC_ERR_UNSUPPORTED, as R).
*/
onc_status onc_cox_residuals_compute(const onc_cox_data *d,
                                     const onc_cox_fit *fit,
                                     onc_cox_residual_type type,
                                     onc_cox_residuals **out, onc_error *err);
void onc_cox_residuals_free(onc_cox_residuals *res);

/* ------------------------------------------------------------------------ */
/* Test of proportional hazards (R cox.zph, survival 3.x score test)         */

typedef enum onc_cox_zph_transform {
    ONC_ZPH_KM = 0,           /* 1 - Kaplan-Meier (left-continuous), default */
    ONC_ZPH_RANK = 1,         /* rank of the time (ties averaged) */
    ONC_ZPH_IDENTITY = 2,     /* the time itself */
    ONC_ZPH_LOG = 3           /* log time */
} onc_cox_zph_transform;

typedef struct onc_cox_zph {
    onc_cox_zph_transform transform;
    size_t n_terms;
    double *chisq, *df, *p;   /* n_terms: score test of each term */
    double global_chisq, global_df, global_p;
    size_t n_events;
    double *time;             /* n_events event times, (stratum, time) order */
    double *transformed_time; /* n_events g(time) before centring (R $x) */
} onc_cox_zph;

/*
** Score test of beta(t) = beta + theta g(t) (Grambsch and Therneau 1994) in
** the form of R survival 3.x: one step of the expanded model at
** (coef, theta = 0), using the full 2p x 2p information.
** term: p term indices 0..n_terms-1 grouping columns (a factor's indicator
** columns form one term, R terms = TRUE), or NULL for one term per column
** (n_terms is then ignored).  Exact-ties fits use Breslow moments, as R;
** aliased columns are left out and a term without columns gets NaN.  Not
** defined for Firth fits (ONC_ERR_UNSUPPORTED).  `d` must be the data of
** the fit.
*/
onc_status onc_cox_zph_test(const onc_cox_data *d, const onc_cox_fit *fit,
                            onc_cox_zph_transform transform,
                            const int32_t *term, size_t n_terms,
                            onc_cox_zph **out, onc_error *err);
void onc_cox_zph_free(onc_cox_zph *zph);

/* ------------------------------------------------------------------------ */
/* Baseline hazard and model-based survival curves                           */

typedef struct onc_cox_curve {
    int32_t stratum;          /* stratum label (0 when unstratified) */
    size_t row;               /* index of the covariate row in newx */
    size_t n_times;
    double *time;             /* every distinct stop time in the stratum */
    double *n_risk;           /* weighted number at risk */
    double *n_event;          /* weighted events */
    double *n_censor;         /* weighted censorings */
    double *cumhaz;           /* cumulative hazard for this covariate row */
    double *surv;             /* exp(-cumhaz) */
    double *std_err;          /* standard error of cumhaz (= of log surv) */
    double *lower, *upper;    /* log-transformed CI of surv (R conf.type "log") */
} onc_cox_curve;

typedef struct onc_cox_curves {
    size_t n_curves;
    onc_cox_curve *curve;
    double conf_level;
} onc_cox_curves;

/*
** Survival curves for covariate rows, as R survfit.coxph(fit, newdata):
** Breslow (Aalen) hazard increments for Breslow and exact fits, Efron
** increments for Efron fits; the variance adds the baseline-hazard term and
** the coefficient term (with the robust variance when the fit is robust, as
** R).  `d` must be the data of the fit.
**   newx:      m x p covariate rows, column-major (may be NULL when p == 0)
**   newoffset: m offsets or NULL (0)
**   newstrata: m stratum labels, or NULL: then every row gets one curve per
**              stratum (R's behaviour when newdata lacks the strata).
** Curves are ordered by row, then by stratum.
*/
onc_status onc_cox_survfit(const onc_cox_data *d, const onc_cox_fit *fit,
                           const double *newx, const double *newoffset,
                           const int32_t *newstrata, size_t m,
                           double conf_level, onc_cox_curves **out,
                           onc_error *err);

/*
** Baseline cumulative hazard, as R basehaz(fit, centered): with centered = 1
** at x = fit->means, with centered = 0 at x = 0.  One curve per stratum.
*/
onc_status onc_cox_baseline_hazard(const onc_cox_data *d, const onc_cox_fit *fit,
                                   int centered, onc_cox_curves **out,
                                   onc_error *err);
void onc_cox_curves_free(onc_cox_curves *curves);

/* ------------------------------------------------------------------------ */
/* Bootstrap of the coefficients                                            */

/* Most bootstrap replicates one call may run. */
#define ONC_COX_MAX_BOOTSTRAP 1000000

typedef struct onc_cox_bootstrap_result {
    size_t replicates;        /* requested */
    size_t p;
    uint64_t seed;
    double conf_level;
    int by_cluster;           /* 1 = clusters were resampled, 0 = rows */
    size_t n_units;           /* rows or clusters drawn from */
    size_t n_failed;          /* replicates that could not be fitted (e.g.
                                 no event in the resample); their coef is
                                 NaN */
    size_t n_not_converged;   /* fitted but ran out of iterations */
    size_t n_monotone;        /* fitted with an infinite coefficient */
    double *coef;             /* replicates x p, column-major: the
                                 coefficients of each replicate (NaN when
                                 failed or aliased) */
    size_t *n_valid;          /* p: finite replicate values of each coef */
    double *se;               /* p: standard deviation of those values */
    double *lower, *upper;    /* p: percentile limits of the hazard ratio,
                                 exp of the (1 -/+ conf_level)/2 quantiles
                                 (R quantile type 7); NaN without values */
} onc_cox_bootstrap_result;

/*
** Nonparametric bootstrap of a Cox model: each replicate draws n_units
** rows -- or, when d->cluster is given, clusters with all their rows --
** with replacement and refits the model with `opt` (concordance and the
** robust variance are skipped: only the coefficients are kept).  Strata,
** weights and offsets travel with their rows.
**
** Reproducibility: replicate r draws from its own GSL generator
** (gsl_rng_mt19937) seeded from (seed, r) by onc_cox_bootstrap_draw, so the
** result depends on seed and replicates only -- not on n_threads, and the
** first B replicates of a larger run are the same B replicates.
** n_threads: worker threads, 0 = one per online processor (at most 64).
** Errors: as onc_cox_fit_model for the data and options; ONC_ERR_USAGE for
** replicates 0, ONC_ERR_LIMIT above ONC_COX_MAX_BOOTSTRAP, ONC_ERR_NOMEM,
** ONC_ERR_COMPUTE when a thread cannot be started.
*/
onc_status onc_cox_bootstrap(const onc_cox_data *d, const onc_cox_options *opt,
                             size_t replicates, uint64_t seed, int n_threads,
                             onc_cox_bootstrap_result **out, onc_error *err);
void onc_cox_bootstrap_free(onc_cox_bootstrap_result *res);

/*
** The units drawn by replicate `replicate`: draw[k], k < n_units, is the
** 0-based index of the k-th unit (row, or cluster in ascending order of
** the cluster labels).  Returns ONC_ERR_NOMEM if the generator cannot be
** allocated.
*/
onc_status onc_cox_bootstrap_draw(uint64_t seed, size_t replicate,
                                  size_t n_units, size_t *draw);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_COX_H */
