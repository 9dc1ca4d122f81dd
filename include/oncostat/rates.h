/*
** oncostat/rates.h -- proportions with confidence intervals, comparisons of
** two proportions, odds ratios, and tests on contingency tables.
**
** These are the numbers of a response or toxicity table: "objective response
** 17/22 (77.3%, 95% CI 54.6-92.2)", the difference between arms with its CI,
** the odds ratio, and the P value of Fisher's exact test, the chi-square test
** or the Cochran-Armitage test for trend.
**
** Every routine here mirrors an R function and is tested against it
** (tests/golden/stats/rates_*.R):
**
**   onc_rates_proportion    binom.test()$conf.int (Clopper-Pearson) or
**                           prop.test(correct = FALSE)$conf.int (Wilson)
**   onc_rates_difference    Newcombe (1998) method 10, from the Wilson limits
**   onc_rates_odds_ratio    fisher.test() on a 2 x 2 table: conditional MLE,
**                           exact CI and P; plus the sample odds ratio with
**                           the Woolf (logit) CI
**   onc_contingency_fisher  fisher.test()$p.value, 2 x 2 and r x c
**   onc_contingency_chisq   chisq.test(correct = TRUE / FALSE)
**   onc_contingency_trend   prop.trend.test()
**
** Numerical outcomes that make a quantity undefined (no patients in an arm, a
** zero cell for the Woolf interval, a zero margin for chi-square) give NaN in
** the field concerned; they are not errors.  Errors are reserved for invalid
** arguments (count > n, a confidence level outside (0, 1), ...) and for
** exceeding the documented work limits of the exact test.
**
** Details of each method: docs/methods/rates.md.
*/
#ifndef ONCOSTAT_RATES_H
#define ONCOSTAT_RATES_H

#include "oncostat/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- one proportion ---- */

typedef enum onc_binomial_ci {
    ONC_CI_CLOPPER_PEARSON = 0, /* exact (binom.test); the default */
    ONC_CI_WILSON = 1           /* score, no continuity correction */
} onc_binomial_ci;

typedef struct onc_proportion {
    size_t count;
    size_t n;
    double estimate;            /* count / n; NaN when n == 0 */
    double lower;               /* NaN when n == 0 */
    double upper;
    double conf_level;
    onc_binomial_ci method;
} onc_proportion;

/*
** count/n with a two-sided confidence interval at conf_level (e.g. 0.95).
** Clopper-Pearson: lower = 0 when count == 0, upper = 1 when count == n.
** Errors: ONC_ERR_USAGE when count > n, conf_level is not in (0, 1) or the
** method is unknown.
*/
onc_status onc_rates_proportion(size_t count, size_t n, double conf_level,
                                onc_binomial_ci method, onc_proportion *out,
                                onc_error *err);

/* The method's name: "Clopper-Pearson" or "Wilson". */
const char *onc_rates_ci_name(onc_binomial_ci method);

/* ---- difference of two proportions ---- */

typedef struct onc_rate_difference {
    double p1;                  /* x1 / n1 */
    double p2;                  /* x2 / n2 */
    double difference;          /* p1 - p2 */
    double lower;               /* Newcombe hybrid score limits */
    double upper;
    double conf_level;
} onc_rate_difference;

/*
** p1 - p2 with the hybrid score interval of Newcombe (Stat Med 1998;17:873,
** method 10), built from the Wilson limits of each proportion.  All fields
** are NaN when n1 or n2 is 0.
*/
onc_status onc_rates_difference(size_t x1, size_t n1, size_t x2, size_t n2,
                                double conf_level, onc_rate_difference *out,
                                onc_error *err);

/* ---- odds ratio of a 2 x 2 table ---- */

/*
** The table is
**                 event   no event
**      arm 1        a        b
**      arm 2        c        d
** and the odds ratio compares arm 1 with arm 2: (a/b) / (c/d).
*/
typedef struct onc_odds_ratio {
    double sample;              /* a d / (b c); Inf when b c == 0 < a d,
                                   NaN when a d == b c == 0 */
    double woolf_lower;         /* exp(log OR -/+ z sqrt(1/a+1/b+1/c+1/d));
                                   NaN when any cell is 0 */
    double woolf_upper;
    double conditional_mle;     /* fisher.test()$estimate; 0 or Inf at the
                                   edges of the conditional support */
    double exact_lower;         /* fisher.test()$conf.int */
    double exact_upper;
    double p_value;             /* fisher.test()$p.value, two-sided */
    double conf_level;
} onc_odds_ratio;

/*
** Odds ratios of a 2 x 2 table.  The conditional estimate and its interval
** solve the equations of fisher.test() to full double precision (R stops
** its root search at about 1e-4, so its printed estimate can differ in the
** fifth digit; see docs/methods/rates.md).
** Errors: ONC_ERR_USAGE (conf_level), ONC_ERR_LIMIT (a + b + c + d > 2^24).
*/
onc_status onc_rates_odds_ratio(size_t a, size_t b, size_t c, size_t d,
                                double conf_level, onc_odds_ratio *out,
                                onc_error *err);

/* ---- contingency tables (src/stats/contingency.c) ---- */

#define ONC_FISHER_DEFAULT_MAX_PATHS ((size_t)1 << 22)
#define ONC_FISHER_DEFAULT_MAX_WORK 4e9

typedef struct onc_fisher_options {
    /* Partial tables held in memory at once (about 48 bytes each);
    ** 0 = ONC_FISHER_DEFAULT_MAX_PATHS. */
    size_t max_paths;
    /* Enumeration steps before giving up with ONC_ERR_LIMIT (about a
    ** second per 1e8 on a current CPU); 0 = ONC_FISHER_DEFAULT_MAX_WORK. */
    double max_work;
} onc_fisher_options;

typedef struct onc_fisher_result {
    double p_value;             /* two-sided */
    size_t nrow;                /* rows and columns with a non-zero total */
    size_t ncol;
    double work;                /* enumeration steps used */
} onc_fisher_result;

/*
** Fisher's exact test for an nrow x ncol table of counts (row-major,
** counts[i * ncol + j]).  The P value is the total probability, under
** independence with both margins fixed, of the tables no more probable than
** the observed one -- as R's fisher.test():
**   2 x 2: P(table) <= P(observed) * (1 + 1e-7)         (R's relErr)
**   r x c: log P(table) <= log P(observed) + 3.45254e-7 (FEXACT's tol)
** Rows and columns with a zero total are dropped; a table left with fewer
** than two rows or columns has P = 1.  opt may be NULL for the defaults.
** Errors: ONC_ERR_USAGE (fewer than 2 rows or columns given),
** ONC_ERR_LIMIT (a total above 2^24, more than 32 rows and columns in the
** smaller dimension, or more than opt->max_paths or opt->max_work needed),
** ONC_ERR_NOMEM.
*/
onc_status onc_contingency_fisher(const size_t *counts, size_t nrow,
                                  size_t ncol, const onc_fisher_options *opt,
                                  onc_fisher_result *out, onc_error *err);

typedef struct onc_chisq_result {
    double statistic;           /* NaN when a row or column total is 0 */
    double df;                  /* (nrow - 1)(ncol - 1) */
    double p_value;
    int yates;                  /* 1 when the continuity correction was applied */
    double min_expected;        /* smallest expected count */
    size_t n_expected_below_5;  /* cells with expected count < 5 */
} onc_chisq_result;

/*
** Pearson's chi-square test of independence, as chisq.test(): with
** yates != 0 a 2 x 2 table gets the continuity correction
** min(0.5, min |O - E|); larger tables never do.
** Errors: ONC_ERR_USAGE (fewer than 2 rows or columns).
*/
onc_status onc_contingency_chisq(const size_t *counts, size_t nrow,
                                 size_t ncol, int yates,
                                 onc_chisq_result *out, onc_error *err);

typedef struct onc_trend_result {
    double statistic;           /* chi-square with 1 df; NaN when undefined */
    double df;                  /* 1 */
    double p_value;
} onc_trend_result;

/*
** Cochran-Armitage test for a trend in proportions events[i] / n[i] over
** ordered groups i = 0..k-1 with scores (NULL = 1, 2, ..., k), as
** prop.trend.test().  The statistic is NaN when the pooled proportion is
** 0 or 1 or all scores are equal.
** Errors: ONC_ERR_USAGE (k < 2, events[i] > n[i], a non-finite score).
*/
onc_status onc_contingency_trend(const size_t *events, const size_t *n,
                                 const double *scores, size_t k,
                                 onc_trend_result *out, onc_error *err);

/* ---- rates by group: the response or toxicity table (src/stats/rates_groups.c) ---- */

typedef struct onc_rates_options {
    onc_binomial_ci ci;         /* interval of each proportion; default
                                   Clopper-Pearson */
    double conf_level;          /* default 0.95 */
    int yates;                  /* continuity correction of 2 x 2 chi-square
                                   tests; default 0 (R's chisq.test default
                                   is 1) */
    int trend;                  /* Cochran-Armitage test over the groups in
                                   their order; binary outcomes only */
    const double *scores;       /* n_groups trend scores; NULL = 1, 2, ... */
    onc_fisher_options fisher;  /* limits of the r x c exact test; zero =
                                   the defaults */
    /* Tables larger than 2 x 2 with more patients than this are not given
    ** to the exact test (fisher_limited = 1): its enumeration time grows
    ** with the total faster than its work limit can stop it, and at that
    ** size the chi-square test is accurate.  0 = ONC_RATES_EXACT_MAX_TOTAL;
    ** SIZE_MAX = always try. */
    size_t exact_max_total;
} onc_rates_options;

#define ONC_RATES_EXACT_MAX_TOTAL ((size_t)10000)

/* Clopper-Pearson, 0.95, no Yates correction, no trend, default limits. */
void onc_rates_options_init(onc_rates_options *opt);

/* One group against the reference group, binary outcome. */
typedef struct onc_rates_comparison {
    size_t group;
    size_t reference;
    onc_rate_difference difference; /* p(group) - p(reference), Newcombe */
    onc_odds_ratio odds_ratio;      /* odds(group) / odds(reference), with
                                       fisher.test's P of the 2 x 2 table */
    onc_chisq_result chisq;         /* the same 2 x 2 table */
} onc_rates_comparison;

typedef struct onc_rates_result {
    size_t n_groups;
    size_t n_categories;
    int binary;                 /* category 1 = event, category 0 = none */
    size_t *counts;             /* [n_groups * n_categories], row-major */
    size_t *group_n;            /* [n_groups] */
    size_t *category_n;         /* [n_categories], all groups together */
    size_t total;
    /* Share of each category in each group, with its interval:
    ** cells[g * n_categories + c]; for a binary outcome the rate of group g
    ** is cells[g * 2 + 1].  overall[c]: all groups together. */
    onc_proportion *cells;
    onc_proportion *overall;
    /* Binary outcome, two or more groups: each group g > 0 against group 0,
    ** comparisons[g - 1]. */
    size_t n_comparisons;
    onc_rates_comparison *comparisons;
    /* Independence of group and outcome over the whole table (two or more
    ** groups and categories): Fisher's exact test and Pearson's
    ** chi-square.  fisher_limited = 1 when the exact test would exceed its
    ** work limits or exact_max_total (fisher.p_value is then NaN; the
    ** chi-square stands). */
    int has_test;
    onc_fisher_result fisher;
    int fisher_limited;
    onc_chisq_result chisq;
    int has_trend;              /* opt->trend and two or more groups */
    onc_trend_result trend;
    double conf_level;
    onc_binomial_ci ci;
    int yates;
} onc_rates_result;

/*
** Rates by group from a table of counts: counts[g * n_categories + c] is
** the number of patients of group g with outcome category c.  With
** `binary`, n_categories must be 2 and category 1 is the event.  Every
** number mirrors an R function (see the functions above) and is tested
** against it in tests/stats/test_rates_groups.c.  opt may be NULL for the
** defaults.  Groups or categories with no patient are kept (their
** proportions are NaN); the tests drop them as R does.
** Errors: ONC_ERR_USAGE (no group or category, binary with n_categories
** != 2, a trend test on a non-binary outcome, a non-finite score, a
** confidence level outside (0, 1)), ONC_ERR_LIMIT (a total above 2^24 for
** the exact tests), ONC_ERR_NOMEM.
** The result is released with onc_rates_result_free().
*/
onc_status onc_rates_by_group(const size_t *counts, size_t n_groups,
                              size_t n_categories, int binary,
                              const onc_rates_options *opt,
                              onc_rates_result **out, onc_error *err);

void onc_rates_result_free(onc_rates_result *result);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_RATES_H */
