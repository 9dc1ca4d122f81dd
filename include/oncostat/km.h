/*
** oncostat/km.h -- Kaplan-Meier curves, Nelson-Aalen cumulative hazard,
** quantiles with confidence intervals, survival at chosen times and the
** restricted mean survival time (RMST).
**
** Every number mirrors R `survival` 3.5-3 (survfit, summary.survfit,
** quantile.survfit, print.survfit) unless stated otherwise; the methods,
** formulas and the places where SPSS and SAS differ are described in
** docs/methods/km.md.
**
** Typical use:
**
**     onc_km_options opt;
**     onc_km_fit *fit = NULL;
**     onc_error err;
**     onc_km_options_init(&opt);
**     opt.times = (const double[]){365, 730};
**     opt.n_times = 2;
**     if (onc_km_fit_groups(n, time, NULL, status, NULL, arm, 2, &opt,
**                           &fit, &err) != ONC_OK) { report err.message }
**     fit->curves[0].median.estimate ...
**     onc_km_fit_free(fit);
**
** Conventions: a NaN in a result means "not defined" (a quantile that the
** curve does not reach, a confidence limit R reports as NA).  Inputs are
** never retained.
*/
#ifndef ONCOSTAT_KM_H
#define ONCOSTAT_KM_H

#include "oncostat/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest number of groups onc_km_fit_groups accepts. */
#define ONC_KM_MAX_GROUPS 65536

/* Transform used for the pointwise confidence interval of S(t). */
typedef enum onc_conf_type {
    ONC_CONF_LOG = 0,      /* exp(log S +- z se): R survfit default */
    ONC_CONF_LOGLOG = 1,   /* on log(-log S): SAS LIFETEST and Stata default */
    ONC_CONF_PLAIN = 2     /* S +- z S se, clipped to [0, 1] */
} onc_conf_type;

/* How the upper limit tau of the restricted mean is chosen. */
typedef enum onc_rmst_tau_rule {
    ONC_RMST_NONE = 0,        /* no restricted mean */
    ONC_RMST_TAU_GIVEN = 1,   /* tau = options.rmst_tau */
    /* tau = the smallest of the groups' largest observed times (survRM2
    ** default): every group is observed up to tau, nothing is extrapolated.
    ** This is what onc_km_options_init selects. */
    ONC_RMST_TAU_MIN_OF_MAX = 2,
    /* tau = the largest observed time over all groups (R print.survfit,
    ** rmean = "common"): shorter curves are extended flat up to tau. */
    ONC_RMST_TAU_MAX = 3
} onc_rmst_tau_rule;

/* Variance of S(t) and of the cumulative hazard. */
typedef enum onc_km_variance {
    /* Greenwood for S, Aalen for the hazard, on weighted counts: R
    ** survfit(..., robust = FALSE).  What onc_km_options_init selects. */
    ONC_KM_VARIANCE_GREENWOOD = 0,
    /* Infinitesimal jackknife ("robust", sandwich) over clusters of
    ** observations: R survfit(..., robust = TRUE, id = , cluster = ).
    ** docs/methods/km.md gives the formula. */
    ONC_KM_VARIANCE_ROBUST = 1
} onc_km_variance;

typedef struct onc_km_options {
    onc_conf_type conf_type;
    double conf_level;            /* in (0, 1); 0.95 */
    /* Quantiles to report with CIs, each p in [0, 1] (p = 0.5 is the
    ** median).  NULL/0 = {0.25, 0.5, 0.75}.  They are computed together, as
    ** one call of R quantile(fit, probs) (this matters in one corner case,
    ** see onc_km_quantiles). */
    const double *quantiles;
    size_t n_quantiles;
    const double *times;          /* survival at these times; any order */
    size_t n_times;
    onc_rmst_tau_rule rmst_rule;  /* ONC_RMST_TAU_MIN_OF_MAX */
    double rmst_tau;              /* used with ONC_RMST_TAU_GIVEN */
    int median_ci_spss;           /* also fill onc_km_curve.median_spss */
    double spss_epsilon;          /* density bracket half-width; 0.05 */
    onc_km_variance variance;     /* ONC_KM_VARIANCE_GREENWOOD */
    /* Robust variance only: n codes 0 .. n_clusters-1 joining the
    ** observations of one subject or cluster (R's id or cluster
    ** argument), or NULL for one cluster per observation.  A cluster that
    ** spans several groups counts separately in each, as in R. */
    const int32_t *cluster;
    size_t n_clusters;
} onc_km_options;

/* The defaults listed beside each field above. */
void onc_km_options_init(onc_km_options *opt);

/*
** One row per distinct observed time of the group (event or censoring
** time, as in a survfit object).  Counts are weighted by the case weights.
*/
typedef struct onc_km_row {
    double time;
    double n_risk;        /* at risk just before `time` */
    double n_event;
    double n_censor;
    double surv;          /* S(time), right-continuous */
    /* Standard error of S(t): S(t) sqrt(sum d/(n(n-d))), Greenwood, the
    ** column summary.survfit prints.  NaN where S = 0 after n = d.  With
    ** the robust variance: the square root of the jackknife variance of
    ** S(t) (0 once S = 0), R's std.err for robust = TRUE. */
    double std_err;
    /* Standard error of log S(t): sqrt(sum d/(n(n-d))), the std.err
    ** component of an R survfit object.  +Inf once n = d.  With the
    ** robust variance: std_err / S(t), 0 where std_err = 0 (R
    ** survfit_confint(logse = FALSE)). */
    double std_err_log;
    double lower, upper;  /* pointwise CI (conf_type, conf_level); NaN = NA */
    double cumhaz;        /* Nelson-Aalen: sum d/n */
    /* sqrt(sum d/n^2), R std.chaz (ctype = 1); the jackknife SE with the
    ** robust variance. */
    double cumhaz_se;
} onc_km_row;

/* A quantile t_p = time by which a fraction p has had the event. */
typedef struct onc_km_quantile {
    double p;
    double estimate;      /* NaN = not reached ("NR") */
    double lower, upper;  /* Brookmeyer-Crowley limits; NaN = not reached */
} onc_km_quantile;

/*
** The median with a symmetric Wald interval as SPSS KM is reported to
** compute it (see docs/methods/km.md): an approximation of SPSS, not a
** verified replica.
*/
typedef struct onc_km_spss_median {
    double estimate;      /* first event time with S <= 0.5 */
    double se;            /* Greenwood SE of S at the median / density */
    double lower, upper;  /* estimate -+ z se, not truncated at 0 */
} onc_km_spss_median;

/* Survival at a chosen time, as summary(fit, times = t). */
typedef struct onc_km_at_time {
    double time;
    /* 0 when `time` is after the last observed time of the group: R drops
    ** such times (extend = FALSE); every value below is then NaN except
    ** n_risk = 0 and n_event_cum. */
    int in_range;
    double n_risk;        /* at risk at `time` */
    double n_event_cum;   /* weighted events at times <= `time` */
    double surv, std_err, lower, upper, cumhaz;
} onc_km_at_time;

/* Restricted mean survival time, the area under S from 0 to tau. */
typedef struct onc_rmst {
    double tau;
    double estimate;
    double se;            /* Miller (1981) / R print.survfit se(rmean) */
    double lower, upper;  /* estimate -+ z se (survRM2) */
} onc_rmst;

typedef struct onc_km_curve {
    size_t n;             /* observations in the group */
    double n_weighted;    /* sum of their case weights */
    double events;        /* weighted number of events */
    size_t n_rows;
    onc_km_row *rows;
    onc_km_quantile median;       /* quantile(fit, 0.5) */
    size_t n_quantiles;
    onc_km_quantile *quantiles;   /* options.quantiles, in that order */
    onc_km_spss_median median_spss; /* NaN unless options.median_ci_spss */
    size_t n_times;
    onc_km_at_time *at_times;     /* options.times, in that order */
    onc_rmst rmst;                /* NaN unless a tau rule is set */
} onc_km_curve;

typedef struct onc_km_fit {
    size_t n_groups;
    onc_km_curve *curves;         /* n_groups, by group code */
    onc_conf_type conf_type;
    double conf_level;
    onc_rmst_tau_rule rmst_rule;  /* the rule that chose rmst_tau */
    double rmst_tau;              /* NaN when no RMST was computed */
    int has_entry;                /* delayed entry was given */
    int has_weights;              /* case weights were given */
    onc_km_variance variance;     /* how std_err and the CIs were made */
    size_t n_clusters;            /* robust variance: clusters (observations
                                  ** when no cluster codes were given) */
} onc_km_fit;

/*
** Fit one Kaplan-Meier curve per group.
**
**   n        number of observations (at most 2^32 - 1)
**   time     n finite times of event or censoring
**   entry    n entry times for left truncation (delayed entry), or NULL;
**            an observation is at risk on (entry, time]; entry >= time is
**            invalid (ONC_ERR_DATA naming the observation)
**   status   n values: 1 = event, 0 = censored
**   weights  n finite case weights >= 0, or NULL for 1
**   group    n codes 0 .. n_groups-1, or NULL for one group
**   n_groups number of curves (1 when group is NULL)
**   opt      options, or NULL for the defaults
**
** Missing values are not accepted: a NaN anywhere is ONC_ERR_DATA with the
** 1-based observation number, so the caller decides (and records) what is
** excluded.  Variances with weights are the weighted Greenwood / Aalen
** forms (R survfit(..., robust = FALSE)) unless opt->variance asks for the
** robust variance; note that R's own default turns to the robust variance
** when weights are not whole numbers.  Times are compared exactly (R's
** timefix rounding is not applied).  A group with no observations gets an
** empty curve whose estimates are NaN.  On success *out owns everything;
** release it with onc_km_fit_free.
*/
onc_status onc_km_fit_groups(size_t n, const double *time, const double *entry,
                             const double *status, const double *weights,
                             const int32_t *group, size_t n_groups,
                             const onc_km_options *opt, onc_km_fit **out,
                             onc_error *err);

void onc_km_fit_free(onc_km_fit *fit);

/*
** Quantiles of a fitted curve with Brookmeyer-Crowley limits, exactly as R
** quantile.survfit(fit, probs) for a curve whose bands are rows[].lower and
** rows[].upper.  All n_p probabilities are evaluated together because R's
** "not reached" shortcut looks at the smallest of them.  out[i].p = p[i].
*/
onc_status onc_km_quantiles(const onc_km_curve *curve, size_t n_p,
                            const double *p, onc_km_quantile *out,
                            onc_error *err);

/* The SPSS-style median and Wald CI of a fitted curve (see the struct). */
onc_status onc_km_median_spss(const onc_km_curve *curve, double conf_level,
                              double epsilon, onc_km_spss_median *out,
                              onc_error *err);

/* Difference S_a(t) - S_b(t) at one of the requested times. */
typedef struct onc_km_difference {
    double time;
    double diff;          /* S_a - S_b */
    double se;            /* sqrt(se_a^2 + se_b^2), independent groups */
    double lower, upper;  /* diff -+ z se */
    double z;             /* diff / se; NaN when se = 0 */
    double p_value;       /* two-sided normal P */
} onc_km_difference;

/* Compare curves a and b at their at_times[time_index] (same time). */
onc_status onc_km_compare_at(const onc_km_curve *a, const onc_km_curve *b,
                             size_t time_index, double conf_level,
                             onc_km_difference *out, onc_error *err);

/*
** RMST of a fitted curve up to tau, as R print.survfit(fit, rmean = tau):
** the curve is extended flat after its last time when tau is later.
*/
onc_status onc_rmst_estimate(const onc_km_curve *curve, double tau,
                             double conf_level, onc_rmst *out, onc_error *err);

/* What a landmark analysis does with one observation. */
typedef enum onc_landmark_outcome {
    ONC_LANDMARK_KEPT = 0,        /* under follow-up at the landmark */
    ONC_LANDMARK_ENDED = 1,       /* event or censoring at or before it */
    ONC_LANDMARK_LATE_ENTRY = 2   /* delayed entry after the landmark */
} onc_landmark_outcome;

/*
** Landmark analysis (Anderson, Cain & Gelber 1983): keep the observations
** still under follow-up at time `landmark` and measure time from it, as
** one does by hand in R:
**     d <- subset(d, time > L); d$time <- d$time - L
** An observation is kept when time > landmark and, with delayed entry,
** entry <= landmark; its new time is time - landmark and it has no delayed
** entry any more (it is at risk from the new origin 0).  Group membership
** is not changed: classify groups by what was known at the landmark before
** calling this, or the immortal-time bias remains.
**
**   n         number of observations
**   time      n finite exit times
**   entry     n finite entry times, or NULL
**   landmark  a finite time
**   outcome   n bytes out: an onc_landmark_outcome per observation
**   time_out  n values out: time - landmark for kept observations, NaN
**             for the others (may be the array `time` itself)
**   n_kept    out: the number kept
**
** NaN in time or entry is ONC_ERR_DATA naming the 1-based observation.
*/
onc_status onc_km_landmark(size_t n, const double *time, const double *entry,
                           double landmark, unsigned char *outcome,
                           double *time_out, size_t *n_kept, onc_error *err);

/* Between-group RMST contrasts as survRM2: a - b and a / b. */
typedef struct onc_rmst_comparison {
    double tau;
    double diff, diff_se, diff_lower, diff_upper, diff_p;
    double ratio;                 /* a / b */
    double log_ratio_se;          /* sqrt(se_a^2/a^2 + se_b^2/b^2) */
    double ratio_lower, ratio_upper, ratio_p;
} onc_rmst_comparison;

/* Both estimates must share tau; a ratio with a zero RMST is NaN. */
onc_status onc_rmst_compare(const onc_rmst *a, const onc_rmst *b,
                            double conf_level, onc_rmst_comparison *out,
                            onc_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_KM_H */
