/*
** stats/cox.c -- Cox proportional hazards model: partial likelihood with
** Breslow or Efron ties, Newton-Raphson with step halving, tests and the
** per-coefficient summary.
**
** Method: Cox (1972) partial likelihood; Breslow (1974) and Efron (1977)
** approximations for tied event times; Newton-Raphson on centred and scaled
** covariates with step halving, exactly as R survival 3.5-3 coxph.fit
** (coxfit6.c) for right-censored data, agreg.fit (agfit4.c) for
** counting-process data and coxexact.fit for exact ties (cox_exact.c), so
** that the iterates -- not only the optimum -- agree with R.
** References: Therneau and Grambsch, Modeling Survival Data (2000), ch. 3;
** Kalbfleisch and Prentice (2002), ch. 4.
**
** Inputs (onc_cox_data): n rows, p columns of x (column-major n x p), stop
** times and 0/1 status (n), optional start times (n, counting process),
** weights (n, > 0), offsets (n), strata and clusters (n, int32 labels).
** Outputs (onc_cox_fit): coefficients, model-based and robust variance,
** log-likelihoods, LR/Wald/score tests, per-coefficient z, P and hazard-ratio
** limits, concordance, linear predictor.
** Preconditions: at least one event; finite inputs; start < stop.
** NaN policy: any NaN or infinity in the inputs is an ONC_ERR_DATA naming the
** row; non-finite intermediate results (exp overflow under a bad step) make
** the step count as a failure and trigger step halving, as in R.
**
** Cost: one radix sort by (stratum, time) (stats/sort.c), then O((n + d) p^2)
** per Newton iteration with running sums from the largest time down; no
** n x (distinct times) storage.
*/
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "core/internal.h"
#include "oncostat/cox.h"
#include "stats/cox_internal.h"
#include "stats/sort.h"

/* Most rows accepted: the radix sort carries 32-bit row indices. */
#define COX_MAX_ROWS ONC_SORT_MAX_N


void onc_cox_options_init(onc_cox_options *opt)
{
    if (opt == NULL)
        return;
    memset(opt, 0, sizeof *opt);
    opt->ties = ONC_TIES_EFRON;
    opt->robust = ONC_ROBUST_AUTO;
    opt->firth = 0;
    opt->timefix = 1;
    opt->max_iter = 20;
    opt->eps = 1e-9;
    opt->toler_chol = pow(DBL_EPSILON, 0.75);
    opt->toler_inf = sqrt(1e-9);
    opt->conf_level = 0.95;
    opt->concordance = 1;
    opt->init = NULL;
}

/* ------------------------------------------------------------------------ */
/* Sorting: the project's radix sort (stats/sort.c) with chaining            */

/*
** Sort `order` by keys[order[i]] (presorted) or rows 0..n-1 by keys[i],
** stably.  The payload is the position in the incoming sequence, so ties keep
** the incoming order and chained sorts give lexicographic orders.
*/
static onc_status cox_sort_keys(const uint64_t *key, size_t n, size_t *order,
                                int presorted)
{
    onc_sorted s;
    size_t *prev = NULL, i;
    uint64_t varying = 0;

    if (n < 2) {
        if (n == 1 && !presorted)
            order[0] = 0;
        return ONC_OK;
    }
    if (n > ONC_SORT_MAX_N)
        return ONC_ERR_LIMIT;
    for (i = 1; i < n; i++)
        varying |= key[i] ^ key[0];
    onc_sort_init(&s, n, key[0], varying, (uint32_t)(n - 1));
    if (presorted)
        prev = onc_mallocarray(n, sizeof *prev);
    if (onc_sort_alloc(&s) != 0 || (presorted && prev == NULL)) {
        onc_sort_free(&s);
        free(prev);
        return ONC_ERR_NOMEM;
    }
    for (i = 0; i < n; i++)
        onc_sort_put(&s, i, key[i], (uint32_t)i);
    onc_sort_run(&s);
    if (presorted)
        memcpy(prev, order, n * sizeof *prev);
    for (i = 0; i < n; i++) {
        uint32_t q = onc_sorted_payload(&s, i);
        order[i] = presorted ? prev[q] : q;
    }
    onc_sort_free(&s);
    free(prev);
    return ONC_OK;
}

onc_status cox_radix_order(const double *keys, size_t n, size_t *order,
                           int presorted)
{
    uint64_t *k = onc_mallocarray(n ? n : 1, sizeof *k);
    size_t i;
    onc_status st;

    if (k == NULL)
        return ONC_ERR_NOMEM;
    for (i = 0; i < n; i++)
        k[i] = onc_sort_key(keys[presorted ? order[i] : i]);
    st = cox_sort_keys(k, n, order, presorted);
    free(k);
    return st;
}

onc_status cox_radix_order_int(const int32_t *keys, size_t n, size_t *order,
                               int presorted)
{
    uint64_t *k = onc_mallocarray(n ? n : 1, sizeof *k);
    size_t i;
    onc_status st;

    if (k == NULL)
        return ONC_ERR_NOMEM;
    for (i = 0; i < n; i++)
        k[i] = (uint64_t)((uint32_t)keys[presorted ? order[i] : i] ^
                          0x80000000u);
    st = cox_sort_keys(k, n, order, presorted);
    free(k);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Distributions and small linear algebra                                    */

double cox_chisq_p(double x, double df)
{
    if (isnan(x) || isnan(df) || df <= 0)
        return NAN;
    if (x <= 0)
        return 1.0;
    if (isinf(x))
        return 0.0;
    return gsl_cdf_chisq_Q(x, df);
}

/*
** Generalised Cholesky A = L D L' of a symmetric non-negative definite matrix,
** in place (L below the diagonal, D on it), as R survival cholesky2: a pivot
** below toler * (largest diagonal) marks the column as redundant and its D is
** set to 0.  Returns the rank, negated when the matrix is not non-negative
** definite.
*/
int cox_cholesky(double *a, size_t p, double toler)
{
    double eps = 0, pivot, temp;
    size_t i, j, k;
    int rank = 0, nonneg = 1;

    for (i = 0; i < p; i++) {
        if (a[i * p + i] > eps)
            eps = a[i * p + i];
        for (j = i + 1; j < p; j++)
            a[j * p + i] = a[i * p + j];
    }
    if (eps == 0)
        return 0;
    eps *= toler;
    for (i = 0; i < p; i++) {
        pivot = a[i * p + i];
        if (!isfinite(pivot) || pivot < eps) {
            a[i * p + i] = 0;
            if (pivot < -8 * eps)
                nonneg = -1;
        } else {
            rank++;
            for (j = i + 1; j < p; j++) {
                temp = a[j * p + i] / pivot;
                a[j * p + i] = temp;
                a[j * p + j] -= temp * temp * pivot;
                for (k = j + 1; k < p; k++)
                    a[k * p + j] -= temp * a[k * p + i];
            }
        }
    }
    return rank * nonneg;
}

/* Solve A b = y given the factor from cox_cholesky; redundant columns get 0. */
void cox_chsolve(const double *a, size_t p, double *y)
{
    size_t i, j;
    double temp;

    for (i = 0; i < p; i++) {
        temp = y[i];
        for (j = 0; j < i; j++)
            temp -= y[j] * a[i * p + j];
        y[i] = temp;
    }
    for (i = p; i-- > 0;) {
        if (a[i * p + i] == 0) {
            y[i] = 0;
        } else {
            temp = y[i] / a[i * p + i];
            for (j = i + 1; j < p; j++)
                temp -= y[j] * a[j * p + i];
            y[i] = temp;
        }
    }
}

/* Inverse from the factor (R chinv2), returned as a full symmetric matrix;
** rows and columns of redundant variables are 0. */
void cox_chinv(double *a, size_t p)
{
    size_t i, j, k;
    double temp;

    for (i = 0; i < p; i++) {
        if (a[i * p + i] > 0) {
            a[i * p + i] = 1 / a[i * p + i];
            for (j = i + 1; j < p; j++) {
                a[j * p + i] = -a[j * p + i];
                for (k = 0; k < i; k++)
                    a[j * p + k] += a[j * p + i] * a[i * p + k];
            }
        }
    }
    for (i = 0; i < p; i++) {
        if (a[i * p + i] == 0) {
            for (j = 0; j < i; j++)
                a[j * p + i] = 0;
            for (j = i; j < p; j++)
                a[i * p + j] = 0;
        } else {
            for (j = i + 1; j < p; j++) {
                temp = a[j * p + i] * a[j * p + j];
                a[i * p + j] = temp;
                for (k = i; k < j; k++)
                    a[i * p + k] += temp * a[j * p + k];
            }
        }
    }
    for (i = 0; i < p; i++)
        for (j = 0; j < i; j++)
            a[i * p + j] = a[j * p + i];
}

double cox_wald_quadratic(const double *a, const double *b, size_t p,
                          double toler, int *df)
{
    double *m, *y, sum = 0;
    size_t i;
    int rank = 0;

    if (df != NULL)
        *df = 0;
    if (p == 0)
        return 0;
    m = onc_mallocarray(p * p + p, sizeof *m);
    if (m == NULL)
        return NAN;
    y = m + p * p;
    memcpy(m, a, p * p * sizeof *m);
    memcpy(y, b, p * sizeof *y);
    cox_cholesky(m, p, toler);
    for (i = 0; i < p; i++)
        if (m[i * p + i] > 0)
            rank++;
    cox_chsolve(m, p, y);
    for (i = 0; i < p; i++)
        sum += b[i] * y[i];
    free(m);
    if (df != NULL)
        *df = rank;
    return sum;
}

/* ------------------------------------------------------------------------ */
/* Time correction (R aeqSurv)                                               */

/*
** Stable ascending order of v[0..m) into ord, and the distinct values in
** ascending order into uniq (*n_uniq of them).  -0.0 counts as 0.0.
*/
static onc_status cox_timefix_sort(const double *v, size_t m, size_t *ord,
                                   double *uniq, size_t *n_uniq, int n_threads)
{
    uint64_t *key = NULL, prev = 0;
    uint32_t *pay = NULL;
    size_t i, nu = 0;
    onc_status st;

    *n_uniq = 0;
    if (m == 0)
        return ONC_OK;
    st = cox_sort_doubles(v, NULL, m, n_threads, &key, &pay);
    if (st != ONC_OK)
        return st;
    for (i = 0; i < m; i++) {
        ord[i] = pay[i];
        if (nu == 0 || key[i] != prev)
            uniq[nu++] = onc_sort_key_value(key[i]);
        prev = key[i];
    }
    free(key);
    free(pay);
    *n_uniq = nu;
    return ONC_OK;
}

/*
** Times whose difference is at most sqrt(DBL_EPSILON), absolutely or relative
** to the mean absolute time, are replaced by the smallest of their group, so
** that values such as 1/3 computed two ways count as ties (R aeqSurv).
*/
onc_status cox_timefix(const double *start, const double *stop, size_t n,
                       double *out_start, double *out_stop,
                       size_t *stop_order, size_t *start_order, int n_threads,
                       onc_error *err)
{
    size_t m = start ? 2 * n : n, i, nu = 0, nc, lo, hi;
    double *all = NULL, *cut = NULL, mean_abs = 0, tol = sqrt(DBL_EPSILON);
    const double *vals = stop;
    size_t *ord = NULL, *order = NULL;
    onc_status st = ONC_OK;
    int any_tied = 0;

    /* right-censored data sort the stop times in place of a merged copy,
    ** straight into stop_order */
    if (start != NULL || stop_order == NULL)
        ord = onc_mallocarray(m ? m : 1, sizeof *ord);
    order = ord != NULL ? ord : stop_order;
    if (start != NULL) {
        all = onc_mallocarray(m ? m : 1, sizeof *all);
        if (all != NULL)
            for (i = 0; i < n; i++) {
                all[i] = stop[i];
                all[n + i] = start[i];
            }
        vals = all;
    }
    if (order == NULL || vals == NULL) {
        st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                           "out of memory sorting %zu times", m);
        goto cleanup;
    }
    /* the sort hands back the values in order as well as the rows, so the
    ** distinct values below are read sequentially */
    cut = onc_mallocarray(m ? m : 1, sizeof *cut);
    if (cut == NULL) {
        st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                           "out of memory sorting times");
        goto cleanup;
    }
    st = cox_timefix_sort(vals, m, order, cut, &nu, n_threads);
    if (st != ONC_OK) {
        onc_error_set(err, st, NULL, 0, 0, NULL, st == ONC_ERR_LIMIT
                      ? "%zu times exceed the limit of the sort"
                      : "out of memory sorting %zu times", m);
        goto cleanup;
    }
    /* the merged order holds the orders of the stop and start times; the
    ** correction below is monotone, so they stay valid after it */
    if (order != stop_order && (stop_order != NULL || start_order != NULL)) {
        size_t a = 0, b = 0;
        for (i = 0; i < m; i++) {
            if (order[i] < n) {
                if (stop_order)
                    stop_order[a] = order[i];
                a++;
            } else {
                if (start_order)
                    start_order[b] = order[i] - n;
                b++;
            }
        }
    }
    for (i = 0; i < nu; i++)
        mean_abs += fabs(cut[i]);
    mean_abs /= (double)nu;
    /* keep the first value of each tied run */
    nc = 0;
    for (i = 0; i < nu; i++) {
        if (i > 0) {
            double dy = cut[i] - cut[i - 1];
            int tied = dy <= tol || (mean_abs > 0 && dy / mean_abs <= tol);
            if (tied) {
                any_tied = 1;
                continue;
            }
        }
        cut[nc++] = cut[i];
    }
    if (!any_tied) {
        memcpy(out_stop, stop, n * sizeof *out_stop);
        if (start)
            memcpy(out_start, start, n * sizeof *out_start);
        goto cleanup;
    }
    /* findInterval: the largest cut <= value */
    for (i = 0; i < m; i++) {
        double v = i < n ? stop[i] : start[i - n];
        lo = 0;
        hi = nc;
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (cut[mid] <= v)
                lo = mid;
            else
                hi = mid;
        }
        if (i < n)
            out_stop[i] = cut[lo];
        else
            out_start[i - n] = cut[lo];
    }
    /* rows whose times were merged must be ordered by the new values with
    ** ties in row order, as R orders the corrected times */
    if (stop_order != NULL)
        st = cox_radix_order(out_stop, n, stop_order, 0);
    if (st == ONC_OK && start != NULL && start_order != NULL)
        st = cox_radix_order(out_start, n, start_order, 0);
    if (st != ONC_OK) {
        onc_error_set(err, st, NULL, 0, 0, NULL, "out of memory sorting times");
        goto cleanup;
    }
    if (start) {
        for (i = 0; i < n; i++) {
            if (out_start[i] == out_stop[i]) {
                st = onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, NULL,
                                   "row %zu: the interval (%.17g, %.17g] has "
                                   "length 0 after merging near-equal times",
                                   i + 1, start[i], stop[i]);
                goto cleanup;
            }
        }
    }
cleanup:
    free(all);
    free(ord);
    free(cut);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Working copy of the data                                                  */

void cox_prep_free(cox_prep *pp)
{
    if (pp == NULL)
        return;
    free(pp->block);
    free(pp->stratum_label);
    free(pp->row);
    free(pp->start_order);
    free(pp->time);
    free(pp->start);
    free(pp->event);
    free(pp->weight);
    free(pp->offset);
    free(pp->x);
    free(pp->center);
    free(pp->scale);
    free(pp->zero_one);
    free(pp->x_absmax);
    free(pp);
}

static onc_status cox_validate(const onc_cox_data *d, onc_error *err)
{
    size_t i, j, n, p;

    if (d == NULL || d->stop == NULL || d->status == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "Cox model: stop times and status are required");
    n = d->n;
    p = d->p;
    if (n == 0)
        return onc_error_set(err, ONC_ERR_DATA, NULL, 0, 0, NULL,
                             "Cox model: no rows");
    if (n > COX_MAX_ROWS)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "Cox model: %zu rows exceed the limit", n);
    if (p > ONC_COX_MAX_COEF)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "Cox model: %zu coefficients exceed the limit of %d",
                             p, ONC_COX_MAX_COEF);
    if (p > 0 && d->x == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "Cox model: p = %zu but no model matrix", p);
    for (i = 0; i < n; i++) {
        double s = d->status[i];
        if (!(s == 0 || s == 1))
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "status",
                                 "row %zu: status must be 0 or 1, found %g",
                                 i + 1, s);
        if (!isfinite(d->stop[i]))
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "stop",
                                 "row %zu: the time is missing or infinite",
                                 i + 1);
        if (d->start != NULL) {
            if (!isfinite(d->start[i]))
                return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "start",
                                     "row %zu: the start time is missing or "
                                     "infinite", i + 1);
            if (!(d->start[i] < d->stop[i]))
                return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "start",
                                     "row %zu: start time %g is not before "
                                     "stop time %g", i + 1, d->start[i],
                                     d->stop[i]);
        }
        if (d->weights != NULL &&
            !(isfinite(d->weights[i]) && d->weights[i] > 0))
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "weights",
                                 "row %zu: case weights must be finite and "
                                 "> 0, found %g", i + 1, d->weights[i]);
        if (d->offset != NULL && !isfinite(d->offset[i]))
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "offset",
                                 "row %zu: the offset is missing or infinite",
                                 i + 1);
    }
    for (j = 0; j < p; j++) {
        const double *xc = d->x + j * n;
        for (i = 0; i < n; i++)
            if (!isfinite(xc[i]))
                return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, NULL,
                                     "row %zu, covariate column %zu: value is "
                                     "missing or infinite", i + 1, j + 1);
    }
    return ONC_OK;
}

onc_status cox_prep_build(const onc_cox_data *d, int timefix, cox_prep **out,
                          onc_error *err)
{
    return cox_prep_build_threads(d, timefix, 0, out, err);
}

onc_status cox_prep_build_threads(const onc_cox_data *d, int timefix,
                                  int n_threads, cox_prep **out,
                                  onc_error *err)
{
    cox_prep *pp = NULL;
    double *tstop = NULL, *tstart = NULL;
    size_t *pos_of_row = NULL;
    size_t n, p, i, j, k;
    onc_status st;
    double offmean = 0;

    *out = NULL;
    st = cox_validate(d, err);
    if (st != ONC_OK)
        return st;
    n = d->n;
    p = d->p;
    pp = calloc(1, sizeof *pp);
    if (pp == NULL)
        return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                             "out of memory");
    pp->n = n;
    pp->p = p;
    pp->counting = d->start != NULL;

    tstop = onc_mallocarray(n, sizeof *tstop);
    if (pp->counting) {
        tstart = onc_mallocarray(n, sizeof *tstart);
        pp->start_order = onc_mallocarray(n, sizeof *pp->start_order);
    }
    pp->row = onc_mallocarray(n, sizeof *pp->row);
    if (tstop == NULL || pp->row == NULL ||
        (pp->counting && (tstart == NULL || pp->start_order == NULL)))
        goto nomem;
    /* rows by stop time (and, for start-stop data, by start time in
    ** start_order for now) */
    if (timefix) {
        st = cox_timefix(d->start, d->stop, n, tstart, tstop, pp->row,
                         pp->start_order, n_threads, err);
        if (st != ONC_OK)
            goto fail;
    } else {
        memcpy(tstop, d->stop, n * sizeof *tstop);
        st = cox_radix_order(tstop, n, pp->row, 0);
        if (st == ONC_OK && pp->counting) {
            memcpy(tstart, d->start, n * sizeof *tstart);
            st = cox_radix_order(tstart, n, pp->start_order, 0);
        }
        if (st != ONC_OK)
            goto nomem;
    }

    /* order by (stratum, stop) */
    if (d->strata != NULL &&
        cox_radix_order_int(d->strata, n, pp->row, 1) != ONC_OK)
        goto nomem;

    /* strata blocks */
    pp->n_strata = 1;
    if (d->strata != NULL)
        for (i = 1; i < n; i++)
            if (d->strata[pp->row[i]] != d->strata[pp->row[i - 1]])
                pp->n_strata++;
    pp->block = onc_mallocarray(pp->n_strata + 1, sizeof *pp->block);
    pp->stratum_label = onc_mallocarray(pp->n_strata, sizeof *pp->stratum_label);
    if (pp->block == NULL || pp->stratum_label == NULL)
        goto nomem;
    pp->block[0] = 0;
    pp->stratum_label[0] = d->strata ? d->strata[pp->row[0]] : 0;
    k = 1;
    if (d->strata != NULL)
        for (i = 1; i < n; i++)
            if (d->strata[pp->row[i]] != d->strata[pp->row[i - 1]]) {
                pp->block[k] = i;
                pp->stratum_label[k] = d->strata[pp->row[i]];
                k++;
            }
    pp->block[pp->n_strata] = n;

    pp->time = onc_mallocarray(n, sizeof *pp->time);
    pp->event = onc_mallocarray(n, sizeof *pp->event);
    pp->weight = onc_mallocarray(n, sizeof *pp->weight);
    pp->offset = onc_mallocarray(n, sizeof *pp->offset);
    pp->center = onc_callocarray(p ? p : 1, sizeof *pp->center);
    pp->scale = onc_mallocarray(p ? p : 1, sizeof *pp->scale);
    pp->zero_one = onc_callocarray(p ? p : 1, sizeof *pp->zero_one);
    pp->x_absmax = onc_callocarray(p ? p : 1, sizeof *pp->x_absmax);
    if (pp->time == NULL || pp->event == NULL || pp->weight == NULL ||
        pp->offset == NULL || pp->center == NULL || pp->scale == NULL ||
        pp->zero_one == NULL || pp->x_absmax == NULL)
        goto nomem;
    if (p > 0) {
        size_t np;
        if (onc_mul_overflow(n, p, &np))
            goto nomem;
        pp->x = onc_mallocarray(np, sizeof *pp->x);
        if (pp->x == NULL)
            goto nomem;
    }

    /* R centres a non-zero offset at its (unweighted) mean; the likelihood
    ** does not change, the linear predictor does. */
    if (d->offset != NULL) {
        int nonzero = 0;
        for (i = 0; i < n; i++) {
            offmean += d->offset[i];
            if (d->offset[i] != 0)
                nonzero = 1;
        }
        offmean = nonzero ? offmean / (double)n : 0;
        pp->has_offset = nonzero;
    }
    for (i = 0; i < n; i++) {
        size_t r = pp->row[i];
        if (i + COX_PREFETCH_AHEAD < n) {
            size_t q = pp->row[i + COX_PREFETCH_AHEAD];
            COX_PREFETCH(&tstop[q]);
            COX_PREFETCH(&d->status[q]);
            if (d->weights)
                COX_PREFETCH(&d->weights[q]);
            if (d->offset)
                COX_PREFETCH(&d->offset[q]);
        }
        pp->time[i] = tstop[r];
        pp->event[i] = d->status[r] == 1;
        pp->weight[i] = d->weights ? d->weights[r] : 1.0;
        pp->offset[i] = d->offset ? d->offset[r] - offmean : 0.0;
        if (pp->weight[i] != 1)
            pp->has_weights = 1;
        if (pp->event[i]) {
            pp->n_events++;
            pp->weighted_events += pp->weight[i];
        }
    }

    pos_of_row = onc_mallocarray(n, sizeof *pos_of_row);
    if (pos_of_row == NULL)
        goto nomem;
    for (i = 0; i < n; i++)
        pos_of_row[pp->row[i]] = i;

    /* Centre each column at its weighted mean and scale it so that the mean
    ** absolute deviation is 1 (R coxfit6); columns holding only -1, 0, 1 are
    ** left alone, as R's nocenter default.  Newton-Raphson is invariant to
    ** this, so only rounding is affected. */
    for (j = 0; j < p; j++) {
        const double *xc = d->x + j * n;
        double sw = 0, sx = 0, sa = 0;
        int zo = 1;
        for (i = 0; i < n; i++) {
            double v = xc[i];
            if (!(v == 0 || v == 1 || v == -1))
                zo = 0;
        }
        pp->zero_one[j] = zo;
        if (zo) {
            pp->center[j] = 0;
            pp->scale[j] = 1;
        } else {
            for (i = 0; i < n; i++) {
                double w = d->weights ? d->weights[i] : 1.0;
                sw += w;
                sx += w * xc[i];
            }
            pp->center[j] = sx / sw;
            for (i = 0; i < n; i++) {
                double w = d->weights ? d->weights[i] : 1.0;
                sa += w * fabs(xc[i] - pp->center[j]);
            }
            pp->scale[j] = sa > 0 ? sw / sa : 1.0;
        }
    }
    /* rows of the working copy are written in input order: one scattered
    ** cache line per row instead of p scattered reads */
    for (i = 0; i < n && p > 0; i++) {
        double *xr = pp->x + pos_of_row[i] * p;
        if (i + COX_PREFETCH_AHEAD < n)
            COX_PREFETCH_WRITE(pp->x + pos_of_row[i + COX_PREFETCH_AHEAD] * p);
        for (j = 0; j < p; j++) {
            double v = (d->x[j * n + i] - pp->center[j]) * pp->scale[j];
            xr[j] = v;
            if (fabs(v) > pp->x_absmax[j])
                pp->x_absmax[j] = fabs(v);
        }
    }
    for (i = 0; i < n; i++)
        if (fabs(pp->offset[i]) > pp->offset_absmax)
            pp->offset_absmax = fabs(pp->offset[i]);

    if (pp->counting) {
        pp->start = onc_mallocarray(n, sizeof *pp->start);
        if (pp->start == NULL)
            goto nomem;
        for (i = 0; i < n; i++)
            pp->start[i] = tstart[pp->row[i]];
        /* positions ordered by (stratum, start): the rows by start, as
        ** positions, then stably by block */
        for (i = 0; i < n; i++)
            pp->start_order[i] = pos_of_row[pp->start_order[i]];
        {
            int32_t *blk = onc_mallocarray(n, sizeof *blk);
            size_t b;
            if (blk == NULL)
                goto nomem;
            for (b = 0; b < pp->n_strata; b++)
                for (i = pp->block[b]; i < pp->block[b + 1]; i++)
                    blk[i] = (int32_t)b;
            st = cox_radix_order_int(blk, n, pp->start_order, 1);
            free(blk);
            if (st != ONC_OK)
                goto nomem;
        }
    }

    free(tstop);
    free(tstart);
    free(pos_of_row);
    *out = pp;
    return ONC_OK;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "Cox model: out of memory for %zu rows", n);
fail:
    free(tstop);
    free(tstart);
    free(pos_of_row);
    cox_prep_free(pp);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Newton-Raphson                                                            */

/* Which of R's three iteration loops to reproduce. */
typedef enum cox_nr_style {
    COX_NR_COXFIT6 = 0,  /* right-censored Breslow/Efron (coxfit6.c) */
    COX_NR_AGFIT4 = 1,   /* counting process (agfit4.c) */
    COX_NR_EXACT = 2     /* exact ties (coxexact.c) */
} cox_nr_style;

typedef struct cox_nr_result {
    double loglik[2];
    double sctest;
    int iter;
    int converged;
    int halving;
    int rank;
    int nomem;
} cox_nr_result;

static int cox_all_finite(const double *v, size_t m)
{
    size_t i;
    for (i = 0; i < m; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

typedef struct cox_nr_ctx {
    const cox_prep *pp;
    onc_cox_ties ties;
    double *eta;              /* n, exact ties */
    cox_derivs_ws *ws;        /* Breslow and Efron */
    int nomem;
} cox_nr_ctx;

static double cox_nr_eval(cox_nr_ctx *c, const double *beta, double *u,
                          double *imat)
{
    double lk;

    if (c->ties == ONC_TIES_EXACT) {
        int nm = 0;
        lk = cox_exact_derivs(c->pp, beta, u, imat, c->eta, &nm);
        if (nm)
            c->nomem = 1;
        return lk;
    }
    return cox_breslow_efron_derivs(c->pp, c->ties == ONC_TIES_EFRON, beta,
                                    u, imat, c->ws);
}


/*
** Newton-Raphson in the working coordinates.  beta: p, initial values in,
** estimate out.  u: p score at the estimate.  imat: p x p, the inverse
** information at the estimate on return.  Each style reproduces the loop of
** the corresponding R routine, including when the convergence test is
** allowed and which beta is returned after running out of iterations.
*/
static void cox_newton(cox_nr_ctx *c, cox_nr_style style, int maxiter,
                       double eps, double toler, double *beta, double *u,
                       double *imat, double *work, cox_nr_result *res)
{
    size_t p = c->pp->p, j;
    double *newbeta = work, *a = work + p, *oldbeta = work + 2 * p;
    double newlk = 0;
    int iter, halving = 0;

    memset(res, 0, sizeof *res);
    newlk = cox_nr_eval(c, beta, u, imat);
    if (c->nomem) {
        res->nomem = 1;
        return;
    }
    res->loglik[0] = res->loglik[1] = newlk;
    memcpy(a, u, p * sizeof *a);
    res->rank = cox_cholesky(imat, p, toler);
    cox_chsolve(imat, p, a);
    res->sctest = 0;
    for (j = 0; j < p; j++)
        res->sctest += u[j] * a[j];
    res->iter = 0;
    if (maxiter == 0 || !isfinite(newlk)) {
        cox_chinv(imat, p);
        res->converged = maxiter == 0 ? 1 : 0;
        return;
    }

    if (style == COX_NR_COXFIT6) {
        for (j = 0; j < p; j++)
            newbeta[j] = beta[j] + a[j];
        for (iter = 1; iter <= maxiter; iter++) {
            int notfinite;
            res->iter = iter;
            newlk = cox_nr_eval(c, newbeta, u, imat);
            if (c->nomem) {
                res->nomem = 1;
                return;
            }
            res->rank = cox_cholesky(imat, p, toler);
            notfinite = !cox_all_finite(u, p) || !cox_all_finite(imat, p * p) ||
                        !isfinite(newlk);
            if (!notfinite && fabs(1 - res->loglik[1] / newlk) <= eps) {
                res->loglik[1] = newlk;
                cox_chinv(imat, p);
                memcpy(beta, newbeta, p * sizeof *beta);
                res->converged = 1;
                res->halving = halving > 0;
                return;
            }
            if (notfinite || newlk < res->loglik[1]) {
                halving++;
                for (j = 0; j < p; j++)
                    newbeta[j] = (newbeta[j] + halving * beta[j]) /
                                 (halving + 1.0);
            } else {
                halving = 0;
                res->loglik[1] = newlk;
                cox_chsolve(imat, p, u);
                for (j = 0; j < p; j++) {
                    beta[j] = newbeta[j];
                    newbeta[j] = newbeta[j] + u[j];
                }
            }
        }
        /* out of iterations: R recomputes at the last accepted beta */
        if (maxiter > 1) {
            res->loglik[1] = cox_nr_eval(c, beta, u, imat);
            if (c->nomem) {
                res->nomem = 1;
                return;
            }
            res->rank = cox_cholesky(imat, p, toler);
        }
        cox_chinv(imat, p);
        /* R's loop counter ends one past the limit */
        res->iter = maxiter + 1;
        res->converged = 0;
        return;
    }

    if (style == COX_NR_AGFIT4) {
        int rank0 = res->rank;
        for (j = 0; j < p; j++) {
            oldbeta[j] = beta[j];
            beta[j] += a[j];
        }
        for (iter = 1; iter <= maxiter; iter++) {
            int fail = 0, rank2;
            res->iter = iter;
            newlk = cox_nr_eval(c, beta, u, imat);
            if (c->nomem) {
                res->nomem = 1;
                return;
            }
            for (j = 0; j < p; j++)
                if (!isfinite(imat[j * p + j]))
                    fail++;
            rank2 = cox_cholesky(imat, p, toler);
            res->rank = rank2;
            fail += !isfinite(newlk) + abs(rank0 - rank2);
            if (fail == 0 && halving == 0 &&
                fabs(1 - res->loglik[1] / newlk) <= eps) {
                res->converged = 1;
                break;
            }
            if (iter == maxiter) {
                res->converged = 0;
                if (maxiter > 1 &&
                    (newlk - res->loglik[1]) / fabs(res->loglik[1]) < -eps) {
                    memcpy(beta, oldbeta, p * sizeof *beta);
                    newlk = cox_nr_eval(c, beta, u, imat);
                    if (c->nomem) {
                        res->nomem = 1;
                        return;
                    }
                    res->rank = cox_cholesky(imat, p, toler);
                }
                break;
            }
            if (fail > 0 || newlk < res->loglik[1]) {
                halving++;
                for (j = 0; j < p; j++)
                    beta[j] = (oldbeta[j] * halving + beta[j]) / (halving + 1.0);
            } else {
                halving = 0;
                res->loglik[1] = newlk;
                cox_chsolve(imat, p, u);
                for (j = 0; j < p; j++) {
                    oldbeta[j] = beta[j];
                    beta[j] += u[j];
                }
            }
        }
        res->loglik[1] = newlk;
        res->halving = halving > 0;
        cox_chinv(imat, p);
        return;
    }

    /* COX_NR_EXACT */
    for (j = 0; j < p; j++) {
        oldbeta[j] = beta[j];
        beta[j] += a[j];
    }
    for (iter = 1; iter <= maxiter; iter++) {
        res->iter = iter;
        newlk = cox_nr_eval(c, beta, u, imat);
        if (c->nomem) {
            res->nomem = 1;
            return;
        }
        res->rank = cox_cholesky(imat, p, toler);
        if (isfinite(newlk) && fabs(1 - res->loglik[1] / newlk) <= eps &&
            halving == 0) {
            res->loglik[1] = newlk;
            cox_chinv(imat, p);
            res->converged = 1;
            return;
        }
        if (iter == maxiter)
            break;
        if (!isfinite(newlk) || newlk < res->loglik[1]) {
            halving = 1;
            for (j = 0; j < p; j++)
                beta[j] = (oldbeta[j] + beta[j]) / 2;
        } else {
            halving = 0;
            res->loglik[1] = newlk;
            cox_chsolve(imat, p, u);
            for (j = 0; j < p; j++) {
                oldbeta[j] = beta[j];
                beta[j] += u[j];
            }
        }
    }
    res->loglik[1] = newlk;
    res->converged = 0;
    res->halving = halving;
    cox_chinv(imat, p);
}

/* ------------------------------------------------------------------------ */
/* Fit assembly                                                              */

void onc_cox_fit_free(onc_cox_fit *fit)
{
    if (fit == NULL)
        return;
    free(fit->infinite);
    free(fit->aliased);
    free(fit->coef);
    free(fit->means);
    free(fit->score);
    free(fit->var);
    free(fit->robust_var);
    free(fit->se);
    free(fit->robust_se);
    free(fit->hr);
    free(fit->z);
    free(fit->p_value);
    free(fit->lower);
    free(fit->upper);
    free(fit->lower_found);
    free(fit->upper_found);
    free(fit->firth_chisq);
    free(fit->firth_p);
    free(fit->linear_predictor);
    free(fit);
}

static onc_status cox_check_options(const onc_cox_options *o, size_t p,
                                    onc_error *err)
{
    size_t j;

    if (o->ties != ONC_TIES_EFRON && o->ties != ONC_TIES_BRESLOW &&
        o->ties != ONC_TIES_EXACT)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "Cox model: unknown ties method %d", (int)o->ties);
    if (o->robust != ONC_ROBUST_AUTO && o->robust != ONC_ROBUST_OFF &&
        o->robust != ONC_ROBUST_ON)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "Cox model: unknown robust setting %d",
                             (int)o->robust);
    if (o->max_iter < 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "Cox model: max_iter must be >= 0");
    if (!(o->eps > 0) || !(o->toler_chol > 0) || !(o->toler_inf > 0))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "Cox model: eps, toler_chol and toler_inf must "
                             "be > 0");
    if (!(o->conf_level > 0 && o->conf_level < 1))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "Cox model: conf_level must be in (0, 1)");
    if (o->init != NULL)
        for (j = 0; j < p; j++)
            if (!isfinite(o->init[j]))
                return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                     "Cox model: initial value %zu is not "
                                     "finite", j + 1);
    return ONC_OK;
}

static onc_status cox_fit_alloc(onc_cox_fit *fit, size_t n, size_t p)
{
    size_t q = p ? p : 1;

    fit->infinite = onc_callocarray(q, sizeof *fit->infinite);
    fit->aliased = onc_callocarray(q, sizeof *fit->aliased);
    fit->coef = onc_callocarray(q, sizeof *fit->coef);
    fit->means = onc_callocarray(q, sizeof *fit->means);
    fit->score = onc_callocarray(q, sizeof *fit->score);
    fit->var = onc_callocarray(q * q, sizeof *fit->var);
    fit->se = onc_callocarray(q, sizeof *fit->se);
    fit->hr = onc_callocarray(q, sizeof *fit->hr);
    fit->z = onc_callocarray(q, sizeof *fit->z);
    fit->p_value = onc_callocarray(q, sizeof *fit->p_value);
    fit->lower = onc_callocarray(q, sizeof *fit->lower);
    fit->upper = onc_callocarray(q, sizeof *fit->upper);
    fit->linear_predictor = onc_callocarray(n, sizeof *fit->linear_predictor);
    if (fit->infinite == NULL || fit->aliased == NULL || fit->coef == NULL ||
        fit->means == NULL || fit->score == NULL || fit->var == NULL ||
        fit->se == NULL || fit->hr == NULL || fit->z == NULL ||
        fit->p_value == NULL || fit->lower == NULL || fit->upper == NULL ||
        fit->linear_predictor == NULL)
        return ONC_ERR_NOMEM;
    return ONC_OK;
}

/* R's fit$means: see the header. */
static void cox_report_means(const cox_prep *pp, const onc_cox_data *d,
                             onc_cox_ties ties, double *means)
{
    size_t j, i, n = d->n;

    for (j = 0; j < pp->p; j++) {
        if (pp->zero_one[j]) {
            means[j] = 0;
        } else if (!pp->counting && ties != ONC_TIES_EXACT) {
            means[j] = pp->center[j];
        } else {
            double s = 0;
            for (i = 0; i < n; i++)
                s += d->x[j * n + i];
            means[j] = s / (double)n;
        }
    }
}

/* Linear predictor in data order, as R: x.coef + centred offset - means.coef. */
static void cox_linear_predictor(const cox_prep *pp, const onc_cox_data *d,
                                 const double *coef, const double *means,
                                 double *lp)
{
    size_t n = d->n, p = d->p, i, j;
    double c = 0, offmean = 0;

    for (j = 0; j < p; j++)
        c += isnan(coef[j]) ? 0 : coef[j] * means[j];
    if (pp->has_offset) {
        for (i = 0; i < n; i++)
            offmean += d->offset[i];
        offmean /= (double)n;
    }
    for (i = 0; i < n; i++)
        lp[i] = (pp->has_offset ? d->offset[i] - offmean : 0) - c;
    for (j = 0; j < p; j++) {
        const double *xc = d->x + j * n;
        double b = isnan(coef[j]) ? 0 : coef[j];
        if (b == 0)
            continue;
        for (i = 0; i < n; i++)
            lp[i] += b * xc[i];
    }
}

/*
** R's "Loglik converged before variable ..." rule: the Newton step that would
** still be taken from the estimate, |u' V|, is large compared with the
** coefficient.  The three fitting routines of R state it differently; each
** is reproduced.
*/
static void cox_flag_infinite(onc_cox_fit *fit, const cox_prep *pp,
                              const onc_cox_data *d, cox_nr_style style,
                              const onc_cox_options *o, double max_lp)
{
    size_t p = fit->p, j, k;

    fit->monotone = 0;
    if (o->max_iter <= 1 || p == 0)
        return;
    for (j = 0; j < p; j++) {
        double step = 0, b = fit->coef[j];
        int inf;
        if (fit->aliased[j])
            continue;
        for (k = 0; k < p; k++)
            step += fit->score[k] * fit->var[k * p + j];
        step = fabs(step);
        if (style == COX_NR_AGFIT4) {
            if (!fit->converged)
                continue;
            inf = !isfinite(fit->score[j]) ||
                  !(step <= o->toler_inf * (1 + fabs(b)));
        } else if (style == COX_NR_EXACT) {
            double sd = 1, m = 0, ss = 0;
            size_t i, n = d->n;
            if (!fit->converged)
                continue;
            if (!pp->zero_one[j] && n > 1) {
                for (i = 0; i < n; i++)
                    m += d->x[j * n + i];
                m /= (double)n;
                for (i = 0; i < n; i++)
                    ss += (d->x[j * n + i] - m) * (d->x[j * n + i] - m);
                sd = sqrt(ss / (double)(n - 1));
            }
            inf = step * sd > o->eps && step > o->toler_inf * fabs(b);
        } else if (fit->converged) {
            inf = !isfinite(fit->score[j]) ||
                  (step > o->eps && step > o->toler_inf * fabs(b));
        } else {
            /* R: "one or more coefficients may be infinite" */
            inf = (max_lp > 500 || !isfinite(step)) &&
                  !(step <= o->toler_inf * fabs(b));
        }
        if (inf) {
            fit->infinite[j] = 1;
            fit->monotone = 1;
        }
    }
}

static double cox_qnorm_upper(double conf)
{
    return gsl_cdf_ugaussian_Pinv((1 + conf) / 2);
}

/* Per-coefficient summary and global tests once coef/var are final. */
static onc_status cox_summarise(onc_cox_fit *fit, const onc_cox_options *o,
                                onc_error *err)
{
    size_t p = fit->p, j, k, m = 0;
    const double *v = fit->robust ? fit->robust_var : fit->var;
    double q = cox_qnorm_upper(o->conf_level);
    double *sub = NULL, *b = NULL;
    int df = 0;

    for (j = 0; j < p; j++) {
        double se, seu;
        if (fit->aliased[j]) {
            /* R: the variance row of a dropped column is 0, so is its se */
            fit->se[j] = 0;
            fit->hr[j] = fit->z[j] = fit->p_value[j] = NAN;
            if (!fit->firth)
                fit->lower[j] = fit->upper[j] = NAN;
            if (fit->robust_se)
                fit->robust_se[j] = 0;
            continue;
        }
        m++;
        se = sqrt(fit->var[j * p + j]);
        fit->se[j] = se;
        if (fit->robust_se)
            fit->robust_se[j] = sqrt(fit->robust_var[j * p + j]);
        seu = sqrt(v[j * p + j]);
        fit->hr[j] = exp(fit->coef[j]);
        fit->z[j] = seu > 0 ? fit->coef[j] / seu : NAN;
        fit->p_value[j] = cox_chisq_p(fit->z[j] * fit->z[j], 1);
        if (!fit->firth) {
            fit->lower[j] = exp(fit->coef[j] - q * seu);
            fit->upper[j] = exp(fit->coef[j] + q * seu);
        }
    }
    fit->df = (double)m;
    fit->conf_level = o->conf_level;
    fit->lr_stat = 2 * (fit->loglik[1] - fit->loglik[0]);
    fit->lr_p = cox_chisq_p(fit->lr_stat, fit->df);
    fit->score_p = cox_chisq_p(fit->score_stat, fit->df);
    if (fit->robust)
        fit->robust_score_p = cox_chisq_p(fit->robust_score_stat, fit->df);
    else
        fit->robust_score_stat = fit->robust_score_p = NAN;
    fit->rsq = 1 - exp(-fit->lr_stat / (double)fit->n);
    fit->max_rsq = 1 - exp(2 * fit->loglik[0] / (double)fit->n);

    /* Wald test of coef = init over the non-aliased coefficients */
    if (m > 0) {
        size_t a = 0, c;
        sub = onc_mallocarray(m * m, sizeof *sub);
        b = onc_mallocarray(m, sizeof *b);
        if (sub == NULL || b == NULL) {
            free(sub);
            free(b);
            return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                                 "out of memory");
        }
        for (j = 0; j < p; j++) {
            if (fit->aliased[j])
                continue;
            b[a] = fit->coef[j] - (o->init ? o->init[j] : 0);
            c = 0;
            for (k = 0; k < p; k++) {
                if (fit->aliased[k])
                    continue;
                sub[a * m + c] = v[j * p + k];
                c++;
            }
            a++;
        }
        fit->wald_stat = cox_wald_quadratic(sub, b, m, o->toler_chol, &df);
        free(sub);
        free(b);
    } else {
        fit->wald_stat = 0;
    }
    fit->wald_p = cox_chisq_p(fit->wald_stat, fit->df);
    return ONC_OK;
}

onc_status onc_cox_fit_model(const onc_cox_data *d, const onc_cox_options *opt,
                             onc_cox_fit **out, onc_error *err)
{
    return cox_fit_model_threads(d, opt, 0, out, err);
}

onc_status cox_fit_model_threads(const onc_cox_data *d,
                                 const onc_cox_options *opt, int n_threads,
                                 onc_cox_fit **out, onc_error *err)
{
    onc_cox_options o;
    cox_prep *pp = NULL;
    onc_cox_fit *fit = NULL;
    double *beta = NULL, *u = NULL, *imat = NULL, *work = NULL;
    double *eta = NULL;
    cox_derivs_ws *ws = NULL;
    cox_nr_ctx ctx;
    cox_nr_result res;
    cox_nr_style style;
    onc_status st;
    size_t n, p, j, k, i;
    double max_lp = -INFINITY;

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "Cox model: no output pointer");
    *out = NULL;
    if (opt == NULL)
        onc_cox_options_init(&o);
    else
        o = *opt;
    if (d == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "Cox model: no data");
    st = cox_check_options(&o, d->p, err);
    if (st != ONC_OK)
        return st;
    if (o.ties == ONC_TIES_EXACT) {
        if (d->start != NULL)
            return onc_error_set(err, ONC_ERR_UNSUPPORTED, NULL, 0, 0, NULL,
                                 "Cox model: exact ties are implemented for "
                                 "right-censored data only");
        if (d->weights != NULL)
            for (i = 0; i < d->n; i++)
                if (d->weights[i] != 1)
                    return onc_error_set(err, ONC_ERR_UNSUPPORTED, NULL, i + 1,
                                         0, "weights",
                                         "Cox model: case weights are not "
                                         "supported with exact ties (row %zu)",
                                         i + 1);
    }
    if (o.firth) {
        if (o.ties == ONC_TIES_EXACT)
            return onc_error_set(err, ONC_ERR_UNSUPPORTED, NULL, 0, 0, NULL,
                                 "Cox model: Firth's penalty is implemented "
                                 "for Breslow and Efron ties only");
        if (o.robust == ONC_ROBUST_ON || d->cluster != NULL)
            return onc_error_set(err, ONC_ERR_UNSUPPORTED, NULL, 0, 0, NULL,
                                 "Cox model: a robust variance is not "
                                 "available with Firth's penalty");
    }

    st = cox_prep_build_threads(d, o.timefix, n_threads, &pp, err);
    if (st != ONC_OK)
        return st;
    n = pp->n;
    p = pp->p;
    if (pp->n_events == 0) {
        st = onc_error_set(err, ONC_ERR_DATA, NULL, 0, 0, "status",
                           "Cox model: there are no events in the %zu rows", n);
        goto cleanup;
    }

    fit = calloc(1, sizeof *fit);
    if (fit == NULL || cox_fit_alloc(fit, n, p) != ONC_OK)
        goto nomem;
    fit->n = n;
    fit->p = p;
    fit->n_events = pp->n_events;
    fit->weighted_events = pp->weighted_events;
    fit->n_strata = pp->n_strata;
    fit->ties = o.ties;
    fit->counting = pp->counting;
    fit->firth = o.firth != 0;
    fit->timefix = o.timefix;
    fit->concordance = fit->concordance_se = NAN;
    fit->concordant = fit->discordant = fit->tied_x = fit->tied_y =
        fit->tied_xy = NAN;
    cox_report_means(pp, d, o.ties, fit->means);

    if (o.ties == ONC_TIES_EXACT)
        style = COX_NR_EXACT;
    else if (pp->counting)
        style = COX_NR_AGFIT4;
    else
        style = COX_NR_COXFIT6;

    if (fit->firth) {
        st = cox_firth_fit(pp, &o, fit, err);
        if (st != ONC_OK)
            goto cleanup;
    } else {
        size_t q = p ? p : 1;
        beta = onc_callocarray(q, sizeof *beta);
        u = onc_callocarray(q, sizeof *u);
        imat = onc_callocarray(q * q, sizeof *imat);
        work = onc_callocarray(3 * q, sizeof *work);
        if (o.ties == ONC_TIES_EXACT)
            eta = onc_mallocarray(n, sizeof *eta);
        else
            ws = cox_derivs_ws_new(pp, n_threads);
        if (beta == NULL || u == NULL || imat == NULL || work == NULL ||
            (eta == NULL && ws == NULL))
            goto nomem;
        for (j = 0; j < p; j++)
            beta[j] = o.init ? o.init[j] / pp->scale[j] : 0;
        ctx.pp = pp;
        ctx.ties = o.ties;
        ctx.eta = eta;
        ctx.ws = ws;
        ctx.nomem = 0;
        /* a null model only evaluates the likelihood */
        cox_newton(&ctx, style, p == 0 ? 0 : o.max_iter, o.eps, o.toler_chol,
                   beta, u, imat, work, &res);
        if (res.nomem)
            goto nomem;
        fit->loglik[0] = res.loglik[0];
        fit->loglik[1] = res.loglik[1];
        fit->loglik_unpenalized[0] = res.loglik[0];
        fit->loglik_unpenalized[1] = res.loglik[1];
        fit->score_stat = res.sctest;
        fit->iterations = res.iter;
        fit->converged = res.converged;
        fit->halving = res.halving;
        fit->rank = res.rank;
        for (j = 0; j < p; j++) {
            fit->coef[j] = beta[j] * pp->scale[j];
            fit->score[j] = u[j] / pp->scale[j];
            for (k = 0; k < p; k++)
                fit->var[j * p + k] = imat[j * p + k] * pp->scale[j] *
                                      pp->scale[k];
        }
        /* R: a rank-deficient information marks the columns whose inverse
        ** diagonal is 0 (not after running out of iterations, when R's flag
        ** holds 1000 instead of the rank, except for counting-process fits) */
        if (res.rank < (int)p && (res.converged || style == COX_NR_AGFIT4 ||
                                  o.max_iter == 0))
            for (j = 0; j < p; j++)
                if (fit->var[j * p + j] == 0)
                    fit->aliased[j] = 1;
        if (o.max_iter == 0)
            fit->converged = 1;
    }

    cox_linear_predictor(pp, d, fit->coef, fit->means, fit->linear_predictor);
    for (i = 0; i < n; i++)
        if (fit->linear_predictor[i] > max_lp)
            max_lp = fit->linear_predictor[i];
    if (!fit->firth)
        cox_flag_infinite(fit, pp, d, style, &o, max_lp);
    for (j = 0; j < p; j++)
        if (fit->aliased[j])
            fit->coef[j] = NAN;

    /* robust variance */
    if (!fit->firth && p > 0) {
        int want = o.robust == ONC_ROBUST_ON;
        if (o.robust == ONC_ROBUST_AUTO) {
            want = d->cluster != NULL;
            if (d->weights != NULL)
                for (i = 0; i < n && !want; i++)
                    if (d->weights[i] != floor(d->weights[i]))
                        want = 1;
        }
        if (want) {
            if (o.ties == ONC_TIES_EXACT) {
                st = onc_error_set(err, ONC_ERR_UNSUPPORTED, NULL, 0, 0, NULL,
                                   "Cox model: a robust variance needs score "
                                   "residuals, which exact ties do not have");
                goto cleanup;
            }
            fit->robust = 1;
            st = cox_robust_variance(pp, d, &o, fit, err);
            if (st != ONC_OK)
                goto cleanup;
        }
    }

    st = cox_summarise(fit, &o, err);
    if (st != ONC_OK)
        goto cleanup;

    if (o.concordance) {
        onc_concordance cr;
        double *xpos = onc_mallocarray(n, sizeof *xpos);
        size_t *cidx = NULL, nclus = 0;
        if (xpos == NULL)
            goto nomem;
        for (i = 0; i < n; i++)
            xpos[i] = fit->linear_predictor[pp->row[i]];
        /* R passes the cluster even when the robust variance is off */
        if (d->cluster != NULL) {
            cidx = onc_mallocarray(n, sizeof *cidx);
            if (cidx == NULL ||
                cox_cluster_index(pp, d->cluster, cidx, &nclus) != ONC_OK) {
                free(xpos);
                free(cidx);
                goto nomem;
            }
        }
        st = cox_concordance_prep(pp, xpos, cidx, nclus, 1, n_threads, &cr);
        free(xpos);
        free(cidx);
        if (st != ONC_OK)
            goto nomem;
        fit->concordant = cr.concordant;
        fit->discordant = cr.discordant;
        fit->tied_x = cr.tied_x;
        fit->tied_y = cr.tied_y;
        fit->tied_xy = cr.tied_xy;
        fit->concordance = cr.concordance;
        fit->concordance_se = cr.se;
    }
    st = ONC_OK;
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "Cox model: out of memory (%zu rows, %zu coefficients)",
                       d->n, d->p);
cleanup:
    free(beta);
    free(u);
    free(imat);
    free(work);
    free(eta);
    cox_derivs_ws_free(ws);
    cox_prep_free(pp);
    if (st == ONC_OK)
        *out = fit;
    else
        onc_cox_fit_free(fit);
    return st;
}
