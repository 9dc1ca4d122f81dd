/*
** oncostat/logrank.h -- the log-rank family of tests for k groups:
** log-rank, Fleming-Harrington G(rho, gamma), Gehan-Breslow and
** Tarone-Ware weights, stratified versions, a trend test across ordered
** groups and pairwise comparisons with Holm and Bonferroni adjustment.
**
** The unweighted and G(rho, 0) tests reproduce R survival 3.5-3 survdiff()
** (observed, expected, variance matrix, chi-square, df).  Methods and
** references are in docs/methods/km.md.
**
** Typical use:
**
**     onc_logrank_options opt;
**     onc_logrank_result *res = NULL;
**     onc_logrank_options_init(&opt);
**     opt.pairwise = 1;
**     if (onc_logrank_test(n, time, status, NULL, arm, 3, NULL, 0, &opt,
**                          &res, &err) == ONC_OK)
**         printf("chi2 = %.2f on %zu df, P = %.3g\n", res->chisq, res->df,
**                res->p_value);
**     onc_logrank_free(res);
*/
#ifndef ONCOSTAT_LOGRANK_H
#define ONCOSTAT_LOGRANK_H

#include "oncostat/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Caps on the test's dimensions (the variance matrix is k x k per run). */
#define ONC_LOGRANK_MAX_GROUPS 1024
#define ONC_LOGRANK_MAX_STRATA 1000000

/* Weight w(t) given to the contribution of each event time. */
typedef enum onc_logrank_weight {
    ONC_LOGRANK_WEIGHT_LOGRANK = 0,            /* 1 (Mantel-Haenszel) */
    /* S(t-)^rho (1 - S(t-))^gamma, S the pooled Kaplan-Meier of the
    ** stratum, left-continuous; rho = 1, gamma = 0 is R survdiff(rho = 1),
    ** the Peto-Peto-Prentice test. */
    ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON = 1,
    ONC_LOGRANK_WEIGHT_GEHAN_BRESLOW = 2,      /* n(t), number at risk */
    ONC_LOGRANK_WEIGHT_TARONE_WARE = 3         /* sqrt(n(t)) */
} onc_logrank_weight;

/* Variance of observed - expected. */
typedef enum onc_logrank_variance {
    /* Hypergeometric, with the (n - d)/(n - 1) correction for tied events:
    ** R survdiff.  With case weights the counts are weighted, so integer
    ** weights give the same test as the expanded data (frequency weights). */
    ONC_LOGRANK_VARIANCE_HYPERGEOMETRIC = 0,
    /* Without the tie correction: the score test of a Cox model with
    ** Breslow ties at beta = 0, R coxph(..., ties = "breslow", weights)
    ** $score.  The natural choice for non-integer (sampling) weights. */
    ONC_LOGRANK_VARIANCE_BRESLOW = 1
} onc_logrank_variance;

typedef struct onc_logrank_options {
    onc_logrank_weight weight;       /* ONC_LOGRANK_WEIGHT_LOGRANK */
    double rho, gamma;               /* Fleming-Harrington; 0, 0 */
    onc_logrank_variance variance;   /* ONC_LOGRANK_VARIANCE_HYPERGEOMETRIC */
    const double *trend_scores;      /* n_groups scores; NULL = 1, 2, ..., k */
    int pairwise;                    /* also test every pair of groups */
} onc_logrank_options;

void onc_logrank_options_init(onc_logrank_options *opt);

/* The test restricted to the observations of two groups. */
typedef struct onc_logrank_pair {
    size_t group_a, group_b;         /* group_a < group_b */
    double chisq;                    /* NaN when not defined */
    size_t df;                       /* 1, or 0 when not defined */
    double p_value;
    double p_holm;                   /* Holm (1979) over all pairs */
    double p_bonferroni;
} onc_logrank_pair;

typedef struct onc_logrank_result {
    size_t n_groups, n_strata;
    onc_logrank_weight weight;
    double rho, gamma;
    onc_logrank_variance variance_type;

    size_t *n;                /* n_groups: observations per group */
    double *events;           /* n_groups: weighted events (no test weight) */
    /* n_groups each, summed over strata and weighted by w(t) as survdiff
    ** reports them. */
    double *observed;
    double *expected;
    double *variance;         /* n_groups x n_groups, row-major */
    double *observed_strata;  /* n_strata x n_groups, row-major by stratum */
    double *expected_strata;

    /* k-sample test over the groups with expected > 0 (survdiff's rule):
    ** df = that number - 1.  When df = 0 the chi-square is 0 and P is NaN.
    ** `singular` is set (and chisq, P are NaN) when the variance matrix
    ** cannot be inverted. */
    double chisq;
    size_t df;
    double p_value;
    int singular;

    /* Trend: U = sum c_g (O_g - E_g), Var = c' V c, 1 df. */
    double *trend_scores;     /* n_groups, the scores used */
    double trend_u, trend_variance, trend_z, trend_chisq, trend_p;

    size_t n_pairs;           /* k (k - 1) / 2 when requested, else 0 */
    onc_logrank_pair *pairs;  /* (0,1), (0,2), ..., (1,2), ... */
} onc_logrank_result;

/*
** Run the test.
**
**   n        number of observations (at most 2^32 - 1)
**   time     n finite times
**   status   n values, 1 = event, 0 = censored
**   weights  n finite case weights >= 0, or NULL
**   group    n codes 0 .. n_groups-1 (n_groups >= 2)
**   stratum  n codes 0 .. n_strata-1, or NULL for an unstratified test
**   opt      options, or NULL for the log-rank test
**
** NaN or out-of-range codes are ONC_ERR_DATA naming the 1-based
** observation.  Release the result with onc_logrank_free.
*/
onc_status onc_logrank_test(size_t n, const double *time, const double *status,
                            const double *weights, const int32_t *group,
                            size_t n_groups, const int32_t *stratum,
                            size_t n_strata, const onc_logrank_options *opt,
                            onc_logrank_result **out, onc_error *err);

void onc_logrank_free(onc_logrank_result *res);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_LOGRANK_H */
