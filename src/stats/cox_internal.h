/*
** stats/cox_internal.h -- pieces shared by the Cox model files (cox.c,
** cox_exact.c, cox_robust.c, cox_residuals.c, cox_zph.c, cox_firth.c,
** cox_predict.c, concordance.c); not a public API.
*/
#ifndef ONC_STATS_COX_INTERNAL_H
#define ONC_STATS_COX_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "oncostat/cox.h"

/* Hint that *addr will be read (or written) soon: random gathers of a
** permutation run at memory-parallel speed when issued some rows ahead. */
#if defined(__GNUC__)
#define COX_PREFETCH(addr) __builtin_prefetch(addr)
#define COX_PREFETCH_WRITE(addr) __builtin_prefetch((addr), 1)
#else
#define COX_PREFETCH(addr) ((void)(addr))
#define COX_PREFETCH_WRITE(addr) ((void)(addr))
#endif
/* How many rows ahead a gather prefetches. */
#define COX_PREFETCH_AHEAD 24

/*
** The data of a fit in working order: rows sorted by (stratum, stop time)
** ascending, so that risk sets are built by walking each stratum block from
** its end (largest time) to its start.
*/
typedef struct cox_prep {
    size_t n, p;
    int counting;             /* start-stop data */
    size_t n_strata;
    size_t *block;            /* n_strata + 1 block boundaries (positions) */
    int32_t *stratum_label;   /* n_strata: the caller's label of each block */
    size_t *row;              /* position -> original row */
    size_t *start_order;      /* counting only: positions sorted by
                                 (stratum, start) ascending */
    double *time;             /* stop time by position (after timefix) */
    double *start;            /* start time by position, counting only */
    unsigned char *event;     /* status by position */
    double *weight;           /* case weight by position */
    double *offset;           /* offset by position */
    double *x;                /* n x p, row-major by position: (x - center) * scale */
    double *center;           /* p centring values used internally */
    double *scale;            /* p scale factors used internally */
    int *zero_one;            /* p flags: all values in {-1, 0, 1} (R nocenter) */
    double *x_absmax;         /* p: largest |working x| of each column */
    double offset_absmax;     /* largest |offset| */
    size_t n_events;
    double weighted_events;
    int has_weights;          /* any weight != 1 */
    int has_offset;
} cox_prep;

/* onc_cox_fit_model with at most n_threads threads (0 = one per online
** processor); callers that run fits in parallel themselves pass 1. */
onc_status cox_fit_model_threads(const onc_cox_data *d,
                                 const onc_cox_options *opt, int n_threads,
                                 onc_cox_fit **out, onc_error *err);

/* Validate `d` and build the working copy.  `timefix` as options.timefix;
** `need_x` = 0 skips the covariate copy (concordance-only uses). */
onc_status cox_prep_build(const onc_cox_data *d, int timefix, cox_prep **out,
                          onc_error *err);
/* The same with at most n_threads threads (0 = one per processor). */
onc_status cox_prep_build_threads(const onc_cox_data *d, int timefix,
                                  int n_threads, cox_prep **out,
                                  onc_error *err);
void cox_prep_free(cox_prep *pp);

/* The linear predictor of a stratum is shifted so that its largest value is
** at most this far above zero: exp() then cannot overflow, and the partial
** likelihood is unchanged because the shift cancels within a risk set. */
#define COX_MAX_ETA 500.0

/*
** Log partial likelihood, score and information for Breslow/Efron
** (cox_derivs.c) at `beta` (in the working, scaled coordinates).  u: p;
** imat: p x p (full, symmetric).  The workspace holds the n-element scratch
** arrays and decides, from the data alone, whether large right-censored
** data are split between two threads (n_threads: at most this many, 0 =
** one per online processor).  Returns the log-likelihood (may be
** non-finite).
*/
typedef struct cox_derivs_ws cox_derivs_ws;
cox_derivs_ws *cox_derivs_ws_new(const cox_prep *pp, int n_threads);
void cox_derivs_ws_free(cox_derivs_ws *ws);
double cox_breslow_efron_derivs(const cox_prep *pp, int efron,
                                const double *beta, double *u, double *imat,
                                cox_derivs_ws *ws);

/* Exact (discrete) likelihood, same contract; returns NaN with *nomem set
** when scratch space cannot be had. */
double cox_exact_derivs(const cox_prep *pp, const double *beta, double *u,
                        double *imat, double *eta, int *nomem);

/* Linear algebra with the semantics of R survival's cholesky2, chsolve2 and
** chinv2 on a full symmetric p x p matrix a[i*p + j]. */
int cox_cholesky(double *a, size_t p, double toler);
void cox_chsolve(const double *a, size_t p, double *y);
void cox_chinv(double *a, size_t p);
/* b' A^-1 b through the generalised Cholesky (R coxph.wtest); *df receives the
** rank.  A is copied, not modified.  Returns NaN if scratch cannot be had. */
double cox_wald_quadratic(const double *a, const double *b, size_t p,
                          double toler, int *df);

/* Stable ascending order of n doubles (no NaN; -0.0 sorts with 0.0) by the
** radix sort of stats/sort.c.  `order` receives a permutation; when `order`
** already holds a permutation and `presorted` is 1, the sort is applied on
** top of it (stable), so chained calls give lexicographic order.
** ONC_ERR_LIMIT beyond ONC_SORT_MAX_N items. */
onc_status cox_radix_order(const double *keys, size_t n, size_t *order,
                           int presorted);
/* The same for 32-bit integer keys. */
onc_status cox_radix_order_int(const int32_t *keys, size_t n, size_t *order,
                               int presorted);

/*
** Ascending order of v[0..n) (no NaN) by the radix sort of stats/sort.c, on
** two threads for large n (cox_sort.c): *key_out receives the n sorted keys
** (onc_sort_key of the values), *payload_out the payloads moved with them
** (payload[i], or i when payload is NULL).  Equal values keep their input
** order.  Both arrays are the caller's to free.  ONC_ERR_NOMEM,
** ONC_ERR_LIMIT beyond ONC_SORT_MAX_N.  n_threads as cox_fit_model_threads.
*/
onc_status cox_sort_doubles(const double *v, const uint32_t *payload, size_t n,
                            int n_threads, uint64_t **key_out,
                            uint32_t **payload_out);

/* Chi-square upper tail, P(X > x) with df degrees of freedom (NaN-safe). */
double cox_chisq_p(double x, double df);

/* Score residuals (unweighted, original covariate scale) by position for a
** Breslow/Efron fit: resid n x p row-major by position.  lp: linear
** predictor by position. */
onc_status cox_score_residuals_sorted(const cox_prep *pp, int efron,
                                      const double *lp, double *resid);

/* Robust variance of a fit: fills fit->robust_var, robust_score_*, n_clusters. */
onc_status cox_robust_variance(const cox_prep *pp, const onc_cox_data *d,
                               const onc_cox_options *opt, onc_cox_fit *fit,
                               onc_error *err);

/* Firth penalized fit; fills coefficient, variance and test fields of fit. */
onc_status cox_firth_fit(const cox_prep *pp, const onc_cox_options *opt,
                         onc_cox_fit *fit, onc_error *err);

/* Concordance on the working data: x by position, cluster = dense cluster
** index by position (or NULL), nclus clusters; at most n_threads threads
** (0 = one per online processor; the result does not depend on it).
** Returns ONC_ERR_NOMEM only. */
onc_status cox_concordance_prep(const cox_prep *pp, const double *x,
                                const size_t *cluster, size_t nclus,
                                int reverse, int n_threads,
                                onc_concordance *out);

/* Dense 0-based index of the cluster labels, by position. */
onc_status cox_cluster_index(const cox_prep *pp, const int32_t *cluster,
                             size_t *idx, size_t *nclus);

/* R aeqSurv on one or two time vectors (start may be NULL), writing the
** corrected values into out_stop / out_start (n each).  stop_order and
** start_order (n each, may be NULL) receive the rows ordered by stop and by
** start time, which the correction preserves. */
onc_status cox_timefix(const double *start, const double *stop, size_t n,
                       double *out_start, double *out_stop,
                       size_t *stop_order, size_t *start_order, int n_threads,
                       onc_error *err);

#endif
