/*
** immortal.c -- naive, time-varying and landmark analyses of a treatment
** that starts after time zero (see oncostat/immortal.h).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "oncostat/immortal.h"

void onc_immortal_options_init(onc_immortal_options *opt)
{
    if (opt == NULL)
        return;
    opt->landmark = NAN;
    opt->conf_level = 0.95;
    opt->ties = ONC_TIES_EFRON;
}

void onc_immortal_free(onc_immortal_result *res)
{
    if (res == NULL)
        return;
    onc_cox_fit_free(res->naive.fit);
    onc_cox_fit_free(res->time_varying.fit);
    onc_cox_fit_free(res->landmark_cox.fit);
    onc_landmark_data_free(res->landmark_data);
    onc_km_fit_free(res->naive_km);
    onc_km_fit_free(res->landmark_km);
    free(res);
}

/* The rows of one analysis, as plain arrays. */
typedef struct immortal_rows {
    size_t n;
    const double *start;    /* NULL = from 0 */
    const double *stop, *status, *treated;
    const size_t *source;   /* row -> patient (index into x), NULL = same */
} immortal_rows;

/*
** Fit treatment + covariates.  Returns ONC_OK (the model fitted or the
** reason it was not) or ONC_ERR_NOMEM.
*/
static onc_status immortal_fit(onc_immortal_cox *ic, const immortal_rows *r,
                               const double *x, size_t n_x, size_t p,
                               const onc_immortal_options *opt)
{
    onc_cox_options copt;
    onc_cox_data cd;
    onc_error err;
    double *xm = NULL, on = 0.0;
    size_t i, j, events = 0;
    onc_status st;

    ic->n_rows = r->n;
    for (i = 0; i < r->n; i++) {
        events += r->status[i] == 1.0;
        on += r->treated[i];
    }
    ic->n_events = events;
    if (events == 0) {
        snprintf(ic->reason, sizeof ic->reason, "no event");
        return ONC_OK;
    }
    if (on == 0.0 || on == (double)r->n) {
        snprintf(ic->reason, sizeof ic->reason, "%s",
                 on == 0.0 ? "no treated follow-up" : "no untreated follow-up");
        return ONC_OK;
    }
    xm = onc_mallocarray(r->n, (p + 1) * sizeof *xm);
    if (xm == NULL)
        return ONC_ERR_NOMEM;
    for (i = 0; i < r->n; i++) {
        size_t s = r->source != NULL ? r->source[i] : i;

        xm[i] = r->treated[i];
        for (j = 0; j < p; j++)
            xm[(j + 1) * r->n + i] = x[j * n_x + s];
    }
    memset(&cd, 0, sizeof cd);
    cd.n = r->n;
    cd.p = p + 1;
    cd.x = xm;
    cd.start = r->start;
    cd.stop = r->stop;
    cd.status = r->status;
    onc_cox_options_init(&copt);
    copt.ties = opt->ties;
    copt.conf_level = opt->conf_level;
    st = onc_cox_fit_model(&cd, &copt, &ic->fit, &err);
    free(xm);
    if (st == ONC_ERR_NOMEM)
        return st;
    if (st != ONC_OK) {
        onc_strlcpy(ic->reason, err.message, sizeof ic->reason);
        return ONC_OK;
    }
    ic->computed = 1;
    return ONC_OK;
}

/* Two Kaplan-Meier curves by a 0/1 indicator. */
static onc_status immortal_km(size_t n, const double *time, const double *status,
                              const double *treated, const onc_immortal_options *opt,
                              onc_km_fit **out, onc_error *err)
{
    onc_km_options kopt;
    int32_t *group = onc_mallocarray(n ? n : 1, sizeof *group);
    size_t i;
    onc_status st;

    if (group == NULL)
        return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                             "out of memory for %zu patients", n);
    for (i = 0; i < n; i++)
        group[i] = treated[i] == 1.0;
    onc_km_options_init(&kopt);
    kopt.conf_level = opt->conf_level;
    kopt.rmst_rule = ONC_RMST_NONE;
    st = onc_km_fit_groups(n, time, NULL, status, NULL, group, 2, &kopt, out, err);
    free(group);
    return st;
}

/*
** Naive, time-varying and landmark analyses of a delayed treatment.
**
** Method: see immortal.h.  The naive model classifies a patient as
** treated from time zero when the treatment started before the end of
** follow-up (treat_time <= time); the time-varying model uses the
** counting-process rows of onc_tvsplit (Andersen & Gill 1982); the
** landmark model the patients of onc_landmark_select.  Each is a Cox model
** with Efron ties by default, treatment first, then the covariates.
** Inputs: n patients; time, status, treat_time (n, NaN = never; or NULL);
** x n x p column-major or NULL when p = 0.
** Outputs: *out.
** NaN policy: invalid time, status or treatment time is ONC_ERR_DATA
** naming the 1-based patient (tvsplit.h); a NaN covariate is ONC_ERR_DATA
** naming the patient and the covariate.
*/
onc_status onc_immortal_analyze(size_t n, const double *time,
                                const double *status, const double *treat_time,
                                const double *x, size_t p,
                                const onc_immortal_options *opt,
                                onc_immortal_result **out, onc_error *err)
{
    onc_immortal_options def;
    onc_immortal_result *res = NULL;
    onc_tv_data *tv = NULL;
    double *ever = NULL;
    immortal_rows rows;
    size_t i, j;
    onc_status st;

    if (out == NULL || (n > 0 && (time == NULL || status == NULL)) ||
        (p > 0 && x == NULL))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_immortal_analyze: missing argument");
    *out = NULL;
    if (opt == NULL) {
        onc_immortal_options_init(&def);
        opt = &def;
    }
    if (n == 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "the analysis needs at least one patient");
    if (!(opt->conf_level > 0.0 && opt->conf_level < 1.0))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "the confidence level must lie between 0 and 1");
    if (p > ONC_COX_MAX_COEF - 1)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "%zu covariates exceed the limit of %d", p,
                             ONC_COX_MAX_COEF - 1);
    for (j = 0; j < p; j++)
        for (i = 0; i < n; i++)
            if (!isfinite(x[j * n + i]))
                return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, NULL,
                                     "covariate %zu is missing or not finite", j + 1);

    res = calloc(1, sizeof *res);
    if (res == NULL)
        goto nomem;
    res->n = n;
    res->p = p;
    res->landmark = NAN;
    st = onc_immortal_summarize(n, time, treat_time, &res->summary, err);
    if (st != ONC_OK)
        goto cleanup;
    st = onc_tvsplit(n, time, status, treat_time, &tv, err);
    if (st != ONC_OK)
        goto cleanup;

    ever = onc_mallocarray(n, sizeof *ever);
    if (ever == NULL)
        goto nomem;
    for (i = 0; i < n; i++)
        ever[i] = treat_time != NULL && treat_time[i] <= time[i];  /* NaN: 0 */
    memset(&rows, 0, sizeof rows);
    rows.n = n;
    rows.stop = time;
    rows.status = status;
    rows.treated = ever;
    res->naive.n_patients = n;
    res->naive.n_treated = res->summary.n_treated;
    if (immortal_fit(&res->naive, &rows, x, n, p, opt) != ONC_OK)
        goto nomem;
    st = immortal_km(n, time, status, ever, opt, &res->naive_km, err);
    if (st != ONC_OK)
        goto cleanup;

    rows.n = tv->n;
    rows.start = tv->start;
    rows.stop = tv->stop;
    rows.status = tv->status;
    rows.treated = tv->treated;
    rows.source = tv->source;
    res->time_varying.n_patients = n;
    res->time_varying.n_treated = res->summary.n_treated_at_zero + tv->n_split;
    if (immortal_fit(&res->time_varying, &rows, x, n, p, opt) != ONC_OK)
        goto nomem;

    if (!isnan(opt->landmark)) {
        onc_landmark_data *ld;

        st = onc_landmark_select(n, time, status, treat_time, opt->landmark,
                                 &res->landmark_data, err);
        if (st != ONC_OK)
            goto cleanup;
        ld = res->landmark_data;
        res->has_landmark = 1;
        res->landmark = opt->landmark;
        memset(&rows, 0, sizeof rows);
        rows.n = ld->n;
        rows.stop = ld->time;
        rows.status = ld->status;
        rows.treated = ld->treated;
        rows.source = ld->source;
        res->landmark_cox.n_patients = ld->n;
        res->landmark_cox.n_treated = ld->n_treated;
        if (ld->n == 0)
            snprintf(res->landmark_cox.reason, sizeof res->landmark_cox.reason,
                     "nobody is under follow-up after the landmark");
        else if (immortal_fit(&res->landmark_cox, &rows, x, n, p, opt) != ONC_OK)
            goto nomem;
        if (ld->n > 0) {
            st = immortal_km(ld->n, ld->time, ld->status, ld->treated, opt,
                             &res->landmark_km, err);
            if (st != ONC_OK)
                goto cleanup;
        }
    }
    *out = res;
    res = NULL;
    st = ONC_OK;
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "immortal-time analysis: out of memory for %zu patients", n);
cleanup:
    onc_tv_data_free(tv);
    free(ever);
    onc_immortal_free(res);
    return st;
}
