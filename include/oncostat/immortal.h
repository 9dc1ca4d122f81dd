/*
** oncostat/immortal.h -- a treatment that starts after time zero, analysed
** three ways side by side: the naive comparison of ever- against
** never-treated patients (biased by immortal time), the Cox model with the
** treatment as a time-varying covariate, and a landmark analysis.
**
** The data conventions (time, status, treat_time) are those of
** oncostat/tvsplit.h.  Covariates x (n x p, column-major, no intercept;
** factors as indicator columns) adjust all three Cox models.
**
** Typical use:
**
**     onc_immortal_options opt;
**     onc_immortal_result *res = NULL;
**     onc_immortal_options_init(&opt);
**     opt.landmark = 6;                       months
**     onc_immortal_analyze(n, time, status, ttx, x, p, &opt, &res, &err);
**     res->naive.fit->hr[0], res->time_varying.fit->hr[0], ...
**     onc_immortal_free(res);
*/
#ifndef ONCOSTAT_IMMORTAL_H
#define ONCOSTAT_IMMORTAL_H

#include <stddef.h>

#include "oncostat/core.h"
#include "oncostat/cox.h"
#include "oncostat/km.h"
#include "oncostat/tvsplit.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct onc_immortal_options {
    double landmark;        /* landmark time; NaN = none (the default) */
    double conf_level;      /* default 0.95 */
    onc_cox_ties ties;      /* default ONC_TIES_EFRON (R) */
} onc_immortal_options;

void onc_immortal_options_init(onc_immortal_options *opt);

/* One Cox analysis.  Coefficient 0 of `fit` is the treatment; 1 .. p are
** the covariates. */
typedef struct onc_immortal_cox {
    int computed;           /* 0: not fitted, `reason` says why (no event, no
                               treated or no untreated patient, ...) */
    char reason[256];
    size_t n_patients;      /* patients in the analysis */
    size_t n_rows;          /* data rows (start-stop rows when time-varying) */
    size_t n_treated;       /* patients counted as treated (ever, at some
                               time, or by the landmark) */
    size_t n_events;
    onc_cox_fit *fit;       /* NULL unless computed */
} onc_immortal_cox;

typedef struct onc_immortal_result {
    size_t n, p;
    onc_immortal_summary summary;   /* immortal time of the naive analysis */
    /* Ever (treat_time <= time) against never treated, from time zero:
    ** R coxph(Surv(time, status) ~ ever + x). */
    onc_immortal_cox naive;
    /* Treatment as a time-varying covariate on the split data:
    ** R coxph(Surv(tstart, tstop, death) ~ treated + x,
    **         data = tmerge(..., treated = tdc(treat_time))). */
    onc_immortal_cox time_varying;
    /* Landmark (when opt->landmark is set): patients under follow-up at L,
    ** treated = treat_time <= L, time from L:
    ** R coxph(Surv(time - L, status) ~ treated + x, subset = time > L). */
    int has_landmark;
    double landmark;
    onc_immortal_cox landmark_cox;
    onc_landmark_data *landmark_data;   /* NULL without a landmark */
    /* Kaplan-Meier curves, group 0 = untreated, 1 = treated: naive (ever
    ** against never, from time zero) and at the landmark (by treatment at
    ** L, from L; NULL without one).  Greenwood variance, log CIs. */
    onc_km_fit *naive_km;
    onc_km_fit *landmark_km;
} onc_immortal_result;

/*
** Run the three analyses.  Data errors (tvsplit.h) are ONC_ERR_DATA naming
** the patient; a model that cannot be fitted is reported in its
** onc_immortal_cox (computed = 0), not as an error.  Methods: Suissa
** (2008), Am J Epidemiol 167:492-499; Therneau, Crowson & Atkinson (survival
** vignette "Using time dependent covariates"); Anderson, Cain & Gelber
** (1983), J Clin Oncol 1:710-719.
*/
onc_status onc_immortal_analyze(size_t n, const double *time,
                                const double *status, const double *treat_time,
                                const double *x, size_t p,
                                const onc_immortal_options *opt,
                                onc_immortal_result **out, onc_error *err);
void onc_immortal_free(onc_immortal_result *res);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_IMMORTAL_H */
