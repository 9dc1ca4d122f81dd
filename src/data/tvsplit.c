/*
** tvsplit.c -- time-varying treatment, landmark selection and the immortal
** time of a naive comparison (see oncostat/tvsplit.h).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "oncostat/tvsplit.h"

/* Check one patient; reports the 1-based patient number in err->row. */
static onc_status tvsplit_check(size_t i, const double *time,
                                const double *status, const double *treat_time,
                                onc_error *err)
{
    const char *column = NULL, *what = NULL;
    if (!isfinite(time[i])) {
        column = "time";
        what = "the follow-up time is missing or not finite";
    } else if (!(time[i] > 0.0)) {
        column = "time";
        what = "the follow-up time must be positive (an interval (0, time] "
               "needs time > 0)";
    } else if (status != NULL && status[i] != 0.0 && status[i] != 1.0) {
        column = "status";
        what = "the status must be 0 (censored) or 1 (event)";
    } else if (treat_time != NULL && isinf(treat_time[i])) {
        column = "treatment time";
        what = "the treatment time is infinite (use a missing value for "
               "patients never treated)";
    }
    if (column == NULL)
        return ONC_OK;
    return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, column, "%s", what);
}

static int tvsplit_has_treatment(const double *treat_time, size_t i)
{
    return treat_time != NULL && !isnan(treat_time[i]);
}

void onc_tv_data_free(onc_tv_data *d)
{
    if (d == NULL)
        return;
    free(d->start);
    free(d->stop);
    free(d->status);
    free(d->treated);
    free(d->source);
    free(d);
}

/*
** Counting-process split at the treatment time.
**
** Method: the tdc() rule of R survival's tmerge (Therneau, Crowson &
** Atkinson, "Using time dependent covariates and time dependent
** coefficients in the Cox model", survival vignette): a time-dependent
** covariate that changes at t splits the interval containing t when t lies
** strictly inside it; a change at or before the start applies to the whole
** interval, one at or after its end to none of it.
** Inputs: n patients; time, status (n each); treat_time (n, NaN = never)
** or NULL.  Output: *out with at most 2n rows.
** Preconditions and NaN policy: see tvsplit.h; the first invalid patient
** is reported and nothing is returned.
*/
onc_status onc_tvsplit(size_t n, const double *time, const double *status,
                       const double *treat_time, onc_tv_data **out,
                       onc_error *err)
{
    onc_tv_data *d = NULL;
    size_t i, rows = 0, r = 0;   /* rows <= 2n: no overflow, time has n */
    onc_status st;

    if (out == NULL || (n > 0 && (time == NULL || status == NULL)))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_tvsplit: missing argument");
    *out = NULL;
    for (i = 0; i < n; i++) {
        st = tvsplit_check(i, time, status, treat_time, err);
        if (st != ONC_OK)
            return st;
        rows += (tvsplit_has_treatment(treat_time, i) && treat_time[i] > 0.0 &&
                 treat_time[i] < time[i]) ? 2 : 1;
    }
    d = calloc(1, sizeof *d);
    if (d == NULL)
        goto nomem;
    d->start = onc_mallocarray(rows ? rows : 1, sizeof *d->start);
    d->stop = onc_mallocarray(rows ? rows : 1, sizeof *d->stop);
    d->status = onc_mallocarray(rows ? rows : 1, sizeof *d->status);
    d->treated = onc_mallocarray(rows ? rows : 1, sizeof *d->treated);
    d->source = onc_mallocarray(rows ? rows : 1, sizeof *d->source);
    if (d->start == NULL || d->stop == NULL || d->status == NULL ||
        d->treated == NULL || d->source == NULL)
        goto nomem;
    for (i = 0; i < n; i++) {
        double t = tvsplit_has_treatment(treat_time, i) ? treat_time[i] : NAN;

        if (t > 0.0 && t < time[i]) {
            d->start[r] = 0.0;
            d->stop[r] = t;
            d->status[r] = 0.0;
            d->treated[r] = 0.0;
            d->source[r++] = i;
            d->start[r] = t;
            d->stop[r] = time[i];
            d->status[r] = status[i];
            d->treated[r] = 1.0;
            d->source[r++] = i;
            d->n_split++;
        } else {
            d->start[r] = 0.0;
            d->stop[r] = time[i];
            d->status[r] = status[i];
            d->treated[r] = t <= 0.0 ? 1.0 : 0.0;   /* NaN compares false */
            d->source[r++] = i;
        }
    }
    d->n = rows;
    d->n_patients = n;
    *out = d;
    return ONC_OK;

nomem:
    onc_tv_data_free(d);
    return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                         "out of memory splitting %zu patients", n);
}

void onc_landmark_data_free(onc_landmark_data *d)
{
    if (d == NULL)
        return;
    free(d->source);
    free(d->time);
    free(d->status);
    free(d->treated);
    free(d);
}

/*
** Landmark selection with classification by treatment received.
**
** Method: Anderson, Cain & Gelber (1983), J Clin Oncol 1:710-719; Dafni
** (2011), Circ Cardiovasc Qual Outcomes 4:363-371.  The risk set at the
** landmark L is the patients with time > L; each is "treated" when
** treatment started at or before L, whatever happens later, so that group
** membership uses only what was known at L.
** Inputs: n patients; time, status (n); treat_time (n, NaN = never) or
** NULL; L finite and >= 0.  Output: *out.
** NaN policy: see tvsplit.h.
*/
onc_status onc_landmark_select(size_t n, const double *time,
                               const double *status, const double *treat_time,
                               double landmark, onc_landmark_data **out,
                               onc_error *err)
{
    onc_landmark_data *d = NULL;
    size_t i, kept = 0, k = 0;
    onc_status st;

    if (out == NULL || (n > 0 && (time == NULL || status == NULL)))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_landmark_select: missing argument");
    *out = NULL;
    if (!isfinite(landmark) || landmark < 0.0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "the landmark must be a finite time >= 0");
    for (i = 0; i < n; i++) {
        st = tvsplit_check(i, time, status, treat_time, err);
        if (st != ONC_OK)
            return st;
        kept += time[i] > landmark;
    }
    d = calloc(1, sizeof *d);
    if (d == NULL)
        goto nomem;
    d->source = onc_mallocarray(kept ? kept : 1, sizeof *d->source);
    d->time = onc_mallocarray(kept ? kept : 1, sizeof *d->time);
    d->status = onc_mallocarray(kept ? kept : 1, sizeof *d->status);
    d->treated = onc_mallocarray(kept ? kept : 1, sizeof *d->treated);
    if (d->source == NULL || d->time == NULL || d->status == NULL ||
        d->treated == NULL)
        goto nomem;
    for (i = 0; i < n; i++) {
        int treated;

        if (!(time[i] > landmark)) {
            d->n_ended++;
            continue;
        }
        treated = tvsplit_has_treatment(treat_time, i) && treat_time[i] <= landmark;
        d->source[k] = i;
        d->time[k] = time[i] - landmark;
        d->status[k] = status[i];
        d->treated[k] = treated ? 1.0 : 0.0;
        d->n_treated += (size_t)treated;
        d->n_treated_later += (size_t)(!treated && tvsplit_has_treatment(treat_time, i));
        k++;
    }
    d->landmark = landmark;
    d->n = kept;
    d->n_patients = n;
    *out = d;
    return ONC_OK;

nomem:
    onc_landmark_data_free(d);
    return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                         "out of memory selecting %zu patients", n);
}

static int tvsplit_compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/*
** The immortal time of a naive ever/never comparison.
**
** Method: Suissa (2008), Am J Epidemiol 167:492-499: every later-treated
** patient's follow-up before treatment, (0, treat_time], is immortal (the
** patient had to survive it to be treated) and is misclassified as treated
** by the naive analysis.
** Inputs: n patients; time (n); treat_time (n, NaN = never) or NULL.
** Output: *out.  NaN policy: as tvsplit.h (status is not needed).
*/
onc_status onc_immortal_summarize(size_t n, const double *time,
                                  const double *treat_time,
                                  onc_immortal_summary *out, onc_error *err)
{
    double *delay = NULL;
    size_t i, m = 0;
    onc_status st;

    if (out == NULL || (n > 0 && time == NULL))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_immortal_summarize: missing argument");
    memset(out, 0, sizeof *out);
    out->n = n;
    for (i = 0; i < n; i++) {
        st = tvsplit_check(i, time, NULL, treat_time, err);
        if (st != ONC_OK)
            return st;
    }
    delay = onc_mallocarray(n ? n : 1, sizeof *delay);
    if (delay == NULL)
        return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                             "out of memory summarising %zu patients", n);
    for (i = 0; i < n; i++) {
        double t = tvsplit_has_treatment(treat_time, i) ? treat_time[i] : NAN;

        out->total_time += time[i];
        if (isnan(t))
            continue;
        if (t > time[i]) {
            out->n_treated_after_end++;
            continue;
        }
        out->n_treated++;
        out->treated_time += time[i];
        if (t <= 0.0) {
            out->n_treated_at_zero++;
            continue;
        }
        out->n_treated_later++;
        out->immortal_time += t;
        delay[m++] = t;
    }
    out->immortal_share = out->treated_time > 0.0
                              ? out->immortal_time / out->treated_time : NAN;
    out->delay_median = out->delay_min = out->delay_max = NAN;
    if (m > 0) {
        qsort(delay, m, sizeof *delay, tvsplit_compare_double);
        out->delay_min = delay[0];
        out->delay_max = delay[m - 1];
        out->delay_median = m % 2 ? delay[m / 2]
                                  : 0.5 * (delay[m / 2 - 1] + delay[m / 2]);
    }
    free(delay);
    return ONC_OK;
}
