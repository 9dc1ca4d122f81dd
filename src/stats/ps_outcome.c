/*
** ps_outcome.c -- weighted Kaplan-Meier, log-rank and Cox analyses of a
** propensity design.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "oncostat/ps_outcome.h"

void onc_ps_outcome_options_init(onc_ps_outcome_options *opt)
{
    if (opt == NULL)
        return;
    memset(opt, 0, sizeof *opt);
    opt->conf_level = 0.95;
    opt->ties = ONC_TIES_EFRON;
    opt->reference_arm = 0;
}

void onc_ps_outcome_free(onc_ps_outcome *res)
{
    if (res == NULL)
        return;
    free(res->rows);
    onc_km_fit_free(res->km);
    onc_logrank_free(res->logrank);
    onc_cox_fit_free(res->cox);
    free(res->coef_arm);
    free(res);
}

/* An estimator counts the analysed patients; re-point its error at the
** patient of the design. */
static onc_status ps_outcome_error(onc_error *err, onc_status st,
                                   const size_t *rows, size_t m)
{
    char msg[sizeof err->message];
    const char *body;
    size_t row;

    if (err == NULL || err->row == 0 || err->row > m)
        return st;
    row = rows[err->row - 1] + 1;
    body = strstr(err->message, ": ");
    onc_strlcpy(msg, body != NULL ? body + 2 : err->message, sizeof msg);
    {
        char column[sizeof err->column];

        onc_strlcpy(column, err->column, sizeof column);
        return onc_error_set(err, st, NULL, row, 0, column[0] ? column : NULL,
                             "%s", msg);
    }
}

/*
** Weighted outcome analyses after propensity weighting or matching.
**
** Method: the analyses recommended for survival outcomes by Austin (2014),
** Stat Med 33:1242-1258 (matching) and Austin & Stuart (2017), Stat Methods
** Med Res 26:1654-1670 (IPTW): Kaplan-Meier curves and a Cox model with the
** weights as case weights and a robust (sandwich) variance, clustered on
** the matched set after matching without replacement (MatchIt's
** documentation: coxph(..., weights, cluster = subclass)); and the
** log-rank test as the score test of the weighted Cox model with Breslow
** ties, whose robust version (Lin & Wei 1989) is valid for non-integer
** weights.  Patients with weight 0 (unmatched) are left out.
** Inputs: design (n patients), arm/time/status (n each), opt.
** Outputs: *out; HRs are arm a against opt->reference_arm.
** NaN policy: a NaN or negative time, a status other than 0/1 or an arm
** code out of range is ONC_ERR_DATA naming the 1-based patient.
*/
onc_status onc_ps_outcome_fit(const onc_ps_design *design, const int *arm,
                              const double *time, const double *status,
                              const onc_ps_outcome_options *opt,
                              onc_ps_outcome **out, onc_error *err)
{
    onc_ps_outcome_options def;
    onc_ps_outcome *res = NULL;
    onc_km_options kopt;
    onc_logrank_options lopt;
    onc_cox_options copt;
    onc_cox_data cd;
    onc_cox_fit *breslow = NULL;
    double *t = NULL, *s = NULL, *w = NULL, *x = NULL;
    int32_t *group = NULL, *cluster = NULL;
    size_t n, k, m = 0, i, c, j;
    double events = 0.0;
    onc_status st;

    if (out == NULL || design == NULL || arm == NULL || time == NULL || status == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_ps_outcome_fit: missing argument");
    *out = NULL;
    if (opt == NULL) {
        onc_ps_outcome_options_init(&def);
        opt = &def;
    }
    n = design->n;
    k = design->n_arms;
    if (opt->reference_arm < 0 || (size_t)opt->reference_arm >= k)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "reference arm %d is not among the %zu arms",
                             opt->reference_arm, k);
    if (!(opt->conf_level > 0.0 && opt->conf_level < 1.0))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "the confidence level must lie between 0 and 1");
    for (i = 0; i < n; i++) {
        if (arm[i] < 0 || (size_t)arm[i] >= k)
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "arm",
                                 "arm code %d is outside 0 .. %zu", arm[i], k - 1);
        if (!isfinite(time[i]) || time[i] < 0.0)
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "time",
                                 "the time must be a finite number >= 0");
        if (status[i] != 0.0 && status[i] != 1.0)
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, "status",
                                 "the status must be 0 or 1");
        if (design->weight[i] > 0.0) {
            m++;
            events += status[i];
        }
    }
    if (events == 0.0)
        return onc_error_set(err, ONC_ERR_COMPUTE, NULL, 0, 0, NULL,
                             "no event among the %zu patients with a positive "
                             "weight: survival cannot be compared", m);

    res = calloc(1, sizeof *res);
    if (res == NULL)
        goto nomem;
    res->n_arms = k;
    res->n = m;
    res->reference_arm = opt->reference_arm;
    res->rows = onc_mallocarray(m, sizeof *res->rows);
    res->coef_arm = onc_mallocarray(k - 1, sizeof *res->coef_arm);
    t = onc_mallocarray(m, sizeof *t);
    s = onc_mallocarray(m, sizeof *s);
    w = onc_mallocarray(m, sizeof *w);
    group = onc_mallocarray(m, sizeof *group);
    x = onc_callocarray(m, (k - 1) * sizeof *x);
    if (res->rows == NULL || res->coef_arm == NULL || t == NULL || s == NULL ||
        w == NULL || group == NULL || x == NULL)
        goto nomem;
    for (c = 0, j = 0; j < k; j++)
        if ((int)j != opt->reference_arm)
            res->coef_arm[c++] = (int)j;
    for (i = 0, j = 0; i < n; i++) {
        if (!(design->weight[i] > 0.0))
            continue;
        res->rows[j] = i;
        t[j] = time[i];
        s[j] = status[i];
        w[j] = design->weight[i];
        group[j] = arm[i];
        for (c = 0; c + 1 < k; c++)
            x[c * m + j] = arm[i] == res->coef_arm[c];
        j++;
    }
    /* Clustered on the matched set after matching without replacement:
    ** every patient with a positive weight is then in one set. */
    if (design->subclass != NULL && design->match != NULL) {
        int complete = 1;

        for (j = 0; j < m && complete; j++)
            complete = design->subclass[res->rows[j]] >= 0;
        if (complete) {
            cluster = onc_mallocarray(m, sizeof *cluster);
            if (cluster == NULL)
                goto nomem;
            for (j = 0; j < m; j++)
                cluster[j] = design->subclass[res->rows[j]];
            res->clustered = 1;
            res->n_clusters = design->n_subclasses;
        }
    }
    if (!res->clustered)
        res->n_clusters = m;

    onc_km_options_init(&kopt);
    kopt.conf_level = opt->conf_level;
    kopt.times = opt->times;
    kopt.n_times = opt->n_times;
    kopt.variance = ONC_KM_VARIANCE_ROBUST;
    kopt.cluster = cluster;
    kopt.n_clusters = cluster != NULL ? res->n_clusters : 0;
    st = onc_km_fit_groups(m, t, NULL, s, w, group, k, &kopt, &res->km, err);
    if (st != ONC_OK)
        goto fail;

    onc_logrank_options_init(&lopt);
    lopt.variance = ONC_LOGRANK_VARIANCE_BRESLOW;
    st = onc_logrank_test(m, t, s, w, group, k, NULL, 0, &lopt, &res->logrank, err);
    if (st != ONC_OK)
        goto fail;

    memset(&cd, 0, sizeof cd);
    cd.n = m;
    cd.p = k - 1;
    cd.x = x;
    cd.stop = t;
    cd.status = s;
    cd.weights = w;
    cd.cluster = cluster;
    onc_cox_options_init(&copt);
    copt.robust = ONC_ROBUST_ON;
    copt.conf_level = opt->conf_level;
    copt.ties = opt->ties;
    st = onc_cox_fit_model(&cd, &copt, &res->cox, err);
    if (st != ONC_OK)
        goto fail;
    copt.ties = ONC_TIES_BRESLOW;
    copt.concordance = 0;
    st = onc_cox_fit_model(&cd, &copt, &breslow, err);
    if (st != ONC_OK)
        goto fail;
    res->score_chisq = breslow->robust_score_stat;
    res->score_df = breslow->df;
    res->score_p = breslow->robust_score_p;

    *out = res;
    res = NULL;
    st = ONC_OK;
    goto cleanup;

fail:
    st = ps_outcome_error(err, st, res->rows, m);
    goto cleanup;
nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "weighted outcome analysis: out of memory for %zu patients", n);
cleanup:
    onc_cox_fit_free(breslow);
    onc_ps_outcome_free(res);
    free(t);
    free(s);
    free(w);
    free(x);
    free(group);
    free(cluster);
    return st;
}
