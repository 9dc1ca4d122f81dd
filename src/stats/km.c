/*
** km.c -- Kaplan-Meier and Nelson-Aalen curves per group, survival at
** chosen times, and the difference of two curves at a time.
**
** The quantiles live in km_quantile.c and the restricted mean in rmst.c;
** both work on the finished rows of a curve, so this file only builds the
** rows and then calls their public entry points.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "oncostat/km.h"
#include "core/internal.h"
#include "stats/km_internal.h"
#include "stats/sort.h"
#include "stats/tally.h"

/* No double maps to key 0 (it is the key of a negative NaN), so it marks
** "this group has no row yet". */
#define KM_NO_KEY ((uint64_t)0)

static const double km_default_quantiles[] = {0.25, 0.5, 0.75};

void onc_km_options_init(onc_km_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->conf_type = ONC_CONF_LOG;
    opt->conf_level = 0.95;
    opt->quantiles = NULL;
    opt->n_quantiles = 0;
    opt->times = NULL;
    opt->n_times = 0;
    opt->rmst_rule = ONC_RMST_TAU_MIN_OF_MAX;
    opt->rmst_tau = NAN;
    opt->median_ci_spss = 0;
    opt->spss_epsilon = 0.05;
    opt->variance = ONC_KM_VARIANCE_GREENWOOD;
    opt->cluster = NULL;
    opt->n_clusters = 0;
}

static onc_status km_bad_obs(onc_error *err, size_t i, const char *column,
                             const char *what)
{
    onc_error_set(err, ONC_ERR_DATA, NULL, 0, 0, column, "observation %zu: %s",
                  i + 1, what);
    if (err != NULL)
        err->row = i + 1;
    return ONC_ERR_DATA;
}

/* Normal quantile for a two-sided interval, as R qnorm(1 - (1 - level)/2). */
static double km_zval(double conf_level)
{
    return gsl_cdf_ugaussian_Pinv(1.0 - (1.0 - conf_level) / 2.0);
}

/*
** Pointwise CI of S(t) from p = S(t) and se = SE of log S(t), mirroring R
** survfit_confint(logse = TRUE, ulimit = TRUE) operation by operation so
** that the limits agree to the last bits.  NA in R is NaN here: the log
** interval is undefined at S = 0, the log-log one at S = 0 and S = 1.
*/
static void km_confint(double p, double se, double z, onc_conf_type type,
                       double *lower, double *upper)
{
    switch (type) {
    case ONC_CONF_PLAIN: {
        double se2 = se * p * z;
        double lo = p - se2, hi = p + se2;
        /* R's pmax/pmin propagate NaN (Inf * 0 once S = 0); fmax would not. */
        *lower = isnan(lo) ? NAN : fmax(lo, 0.0);
        *upper = isnan(hi) ? NAN : fmin(hi, 1.0);
        return;
    }
    case ONC_CONF_LOGLOG:
        if (!(p > 0.0 && p < 1.0)) {
            *lower = *upper = NAN;
            return;
        }
        {
            double se2 = z * se / log(p);
            *lower = exp(-exp(log(-log(p)) - se2));
            *upper = exp(-exp(log(-log(p)) + se2));
        }
        return;
    case ONC_CONF_LOG:
    default:
        if (!(p > 0.0)) {
            *lower = *upper = NAN;
            return;
        }
        {
            double se2 = z * se;
            double hi = exp(log(p) + se2);
            *lower = exp(log(p) - se2);
            *upper = isnan(hi) ? NAN : fmin(hi, 1.0);
        }
        return;
    }
}

/*
** Decoding of the 32-bit payload that travels with each sorted time.
** Without case weights it packs (group << 1) | event, so the passes below
** never touch the input arrays; with weights (or for the robust variance)
** it is the observation index.
*/
typedef struct km_data {
    const double *status;
    const double *weights;
    const int32_t *group;
    int packed;
} km_data;

static void km_decode(const km_data *d, uint32_t payload, size_t *g, int *event,
                      double *w)
{
    if (d->packed) {
        *g = payload >> 1;
        *event = (int)(payload & 1u);
        *w = 1.0;
    } else {
        *g = d->group != NULL ? (size_t)d->group[payload] : 0;
        *event = d->status[payload] == 1.0;
        *w = d->weights != NULL ? d->weights[payload] : 1.0;
    }
}

static size_t km_entry_group(const km_data *d, uint32_t payload)
{
    if (d->packed)
        return payload;
    return d->group != NULL ? (size_t)d->group[payload] : 0;
}

static double km_entry_weight(const km_data *d, uint32_t payload)
{
    return d->packed || d->weights == NULL ? 1.0 : d->weights[payload];
}

/*
** Check the inputs, count the groups, and find the bits in which the sort
** keys of the exit (and entry) times differ, to plan the sorts.
*/
static onc_status km_prepare(size_t n, const double *time, const double *entry,
                             const double *status, const double *weights,
                             const int32_t *group, size_t n_groups,
                             const int32_t *cluster, size_t n_clusters,
                             uint64_t *varying, uint64_t *entry_varying,
                             size_t *group_n, double *group_w, onc_error *err)
{
    uint64_t first = n > 0 ? onc_sort_key(time[0]) : 0;
    uint64_t entry_first =
        n > 0 && entry != NULL && isfinite(entry[0]) ? onc_sort_key(entry[0]) : 0;
    size_t i;

    *varying = 0;
    *entry_varying = 0;
    for (i = 0; i < n; i++) {
        size_t g = 0;
        double w = 1.0;

        if (!isfinite(time[i]))
            return km_bad_obs(err, i, "time", "time is missing or not finite");
        if (status[i] != 1.0 && status[i] != 0.0)
            return km_bad_obs(err, i, "status",
                              "status must be 1 (event) or 0 (censored)");
        if (weights != NULL) {
            w = weights[i];
            if (!isfinite(w) || w < 0.0)
                return km_bad_obs(err, i, "weight",
                                  "case weight must be a finite number >= 0");
        }
        if (group != NULL) {
            if (group[i] < 0 || (size_t)group[i] >= n_groups)
                return km_bad_obs(err, i, "group",
                                  "group code is missing or out of range");
            g = (size_t)group[i];
        }
        if (cluster != NULL &&
            (cluster[i] < 0 || (size_t)cluster[i] >= n_clusters))
            return km_bad_obs(err, i, "cluster",
                              "cluster code is missing or out of range");
        if (entry != NULL) {
            if (!isfinite(entry[i]))
                return km_bad_obs(err, i, "entry",
                                  "entry time is missing or not finite");
            if (!(entry[i] < time[i]))
                return km_bad_obs(err, i, "entry",
                                  "entry time must be before the exit time");
            *entry_varying |= onc_sort_key(entry[i]) ^ entry_first;
        }
        *varying |= onc_sort_key(time[i]) ^ first;
        group_n[g]++;
        group_w[g] += w;
    }
    return ONC_OK;
}

/* Plan, fill and run the sort of the exit times (or, with `entry`, of the
** entry times). */
static int km_sort(onc_sorted *s, size_t n, const double *t, uint64_t varying,
                   const double *status, const int32_t *group, int packed,
                   int entry, size_t n_groups)
{
    uint32_t largest;
    size_t i;

    if (!packed)
        largest = n > 0 ? (uint32_t)(n - 1) : 0;
    else if (entry)
        largest = (uint32_t)(n_groups - 1);
    else
        largest = (uint32_t)(((n_groups - 1) << 1) | 1);
    onc_sort_init(s, n, n > 0 ? onc_sort_key(t[0]) : 0, varying, largest);
    if (onc_sort_alloc(s) != 0)
        return -1;
    for (i = 0; i < n; i++) {
        size_t g = group != NULL ? (size_t)group[i] : 0;
        uint32_t payload;

        if (!packed)
            payload = (uint32_t)i;
        else if (entry)
            payload = (uint32_t)g;
        else
            payload = (uint32_t)((g << 1) | (status[i] == 1.0 ? 1u : 0u));
        onc_sort_put(s, i, onc_sort_key(t[i]), payload);
    }
    onc_sort_run(s);
    return 0;
}

/*
** Fill the count columns of every row in one descending sweep, as R
** survfitkm does: the weighted number at risk at t is the weight of the
** exits at or after t minus that of the entries at or after t.
*/
static void km_count_rows(const onc_sorted *exits, const onc_sorted *entries,
                          const km_data *d, onc_km_fit *fit, size_t *cursor,
                          uint64_t *last_key, double *at_risk, size_t *touched)
{
    size_t g, i = exits->n, e = entries != NULL ? entries->n : 0;

    for (g = 0; g < fit->n_groups; g++) {
        cursor[g] = fit->curves[g].n_rows;
        last_key[g] = KM_NO_KEY;
        at_risk[g] = 0.0;
    }
    while (i > 0) {
        uint64_t k = onc_sorted_key(exits, i - 1);
        double t = onc_sort_key_value(k);
        size_t n_touched = 0, j;

        for (; i > 0 && onc_sorted_key(exits, i - 1) == k; i--) {
            onc_km_row *row;
            int event;
            double w;

            km_decode(d, onc_sorted_payload(exits, i - 1), &g, &event, &w);
            if (last_key[g] != k) {
                last_key[g] = k;
                row = &fit->curves[g].rows[--cursor[g]];
                row->time = t;
                row->n_event = 0.0;
                row->n_censor = 0.0;
                touched[n_touched++] = g;
            } else {
                row = &fit->curves[g].rows[cursor[g]];
            }
            at_risk[g] += w;
            if (event)
                row->n_event += w;
            else
                row->n_censor += w;
        }
        /* Entries at or after t are not yet at risk at t: (entry, exit]. */
        for (; e > 0 && onc_sorted_key(entries, e - 1) >= k; e--) {
            uint32_t p = onc_sorted_payload(entries, e - 1);
            at_risk[km_entry_group(d, p)] -= km_entry_weight(d, p);
        }
        for (j = 0; j < n_touched; j++) {
            g = touched[j];
            fit->curves[g].rows[cursor[g]].n_risk = at_risk[g];
        }
    }
}

/*
** The count columns of every row from a tally of the observations by
** (time, group) instead of a sort (see stats/tally.h): one pass adds each
** observation to its entry, then one descending sweep over the sorted
** entries fills the rows as km_count_rows does.  Returns 0 when the rows
** are filled, 1 when the data have too many distinct times (nothing is
** changed), -1 when out of memory.
*/
static int km_tally_rows(onc_km_fit *fit, size_t n, const double *time,
                         const double *entry, const double *status,
                         const double *weights, const int32_t *group,
                         size_t limit, size_t *cursor, double *at_risk,
                         size_t *touched)
{
    onc_tally exits, entries;
    size_t i, e, g;
    int rc = 0;

    onc_tally_init(&exits, limit);
    onc_tally_init(&entries, limit);
    for (i = 0; i < n && rc == 0; i++) {
        double w = weights != NULL ? weights[i] : 1.0;
        int event = status[i] == 1.0;

        rc = onc_tally_add(&exits, onc_sort_key(time[i]),
                           group != NULL ? (uint32_t)group[i] : 0,
                           event ? w : 0.0, event ? 0.0 : w);
    }
    for (i = 0; entry != NULL && i < n && rc == 0; i++)
        rc = onc_tally_add(&entries, onc_sort_key(entry[i]),
                           group != NULL ? (uint32_t)group[i] : 0,
                           weights != NULL ? weights[i] : 1.0, 0.0);
    if (rc != 0)
        goto done;
    onc_tally_finish(&exits);
    onc_tally_finish(&entries);
    for (i = 0; i < exits.n; i++)
        fit->curves[exits.entries[i].cell].n_rows++;
    for (g = 0; g < fit->n_groups; g++) {
        onc_km_curve *c = &fit->curves[g];
        c->rows = onc_callocarray(c->n_rows, sizeof *c->rows);
        if (c->rows == NULL) {
            rc = -1;
            goto done;
        }
        cursor[g] = c->n_rows;
        at_risk[g] = 0.0;
    }
    i = exits.n;
    e = entries.n;
    while (i > 0) {
        uint64_t k = exits.entries[i - 1].key;
        double t = onc_sort_key_value(k);
        size_t n_touched = 0, j;

        for (; i > 0 && exits.entries[i - 1].key == k; i--) {
            const onc_tally_entry *x = &exits.entries[i - 1];
            onc_km_row *row = &fit->curves[x->cell].rows[--cursor[x->cell]];

            row->time = t;
            row->n_event = x->event;
            row->n_censor = x->censor;
            at_risk[x->cell] += x->event + x->censor;
            touched[n_touched++] = x->cell;
        }
        /* Entries at or after t are not yet at risk at t: (entry, exit]. */
        for (; e > 0 && entries.entries[e - 1].key >= k; e--)
            at_risk[entries.entries[e - 1].cell] -= entries.entries[e - 1].event;
        for (j = 0; j < n_touched; j++) {
            g = touched[j];
            fit->curves[g].rows[cursor[g]].n_risk = at_risk[g];
        }
    }
done:
    if (rc != 0) {
        for (g = 0; g < fit->n_groups; g++) {
            free(fit->curves[g].rows);
            fit->curves[g].rows = NULL;
            fit->curves[g].n_rows = 0;
        }
    }
    onc_tally_free(&exits);
    onc_tally_free(&entries);
    return rc;
}

/*
** Kaplan-Meier, Greenwood, Nelson-Aalen and CIs along the rows of one
** curve (R survfitkm, type 1: KM survival with the Aalen hazard).
*/
static void km_estimate_rows(onc_km_curve *c, double z, onc_conf_type type)
{
    double km = 1.0, greenwood = 0.0, nelson = 0.0, aalen_var = 0.0;
    size_t i;

    c->events = 0.0;
    for (i = 0; i < c->n_rows; i++) {
        onc_km_row *r = &c->rows[i];
        double nrisk = r->n_risk, d = r->n_event;

        c->events += d;
        /* An event of weight 0 changes nothing, as in R (d1 > 0). */
        if (d > 0.0 && nrisk > 0.0) {
            nelson += d / nrisk;
            aalen_var += d / (nrisk * nrisk);
            km *= (nrisk - d) / nrisk;
            /* n = d: the curve drops to 0 and log S has infinite variance. */
            if (nrisk - d > 0.0)
                greenwood += d / (nrisk * (nrisk - d));
            else
                greenwood = INFINITY;
        }
        r->surv = km;
        r->std_err_log = sqrt(greenwood);
        /* After n = d this is Inf * 0: NaN, as summary.survfit shows. */
        r->std_err = isinf(r->std_err_log) ? NAN : r->std_err_log * km;
        r->cumhaz = nelson;
        r->cumhaz_se = sqrt(aalen_var);
        km_confint(km, r->std_err_log, z, type, &r->lower, &r->upper);
    }
}

/*
** The pointwise CIs again after the robust variance replaced std_err (now
** the SE of S itself): R survfit_confint(logse = FALSE) first turns it
** into the SE of log S, se / S, keeping a zero SE zero.
*/
static void km_robust_confint(onc_km_curve *c, double z, onc_conf_type type)
{
    size_t i;

    for (i = 0; i < c->n_rows; i++) {
        onc_km_row *r = &c->rows[i];

        r->std_err_log = r->std_err == 0.0 ? 0.0 : r->std_err / r->surv;
        km_confint(r->surv, r->std_err_log, z, type, &r->lower, &r->upper);
    }
}

/*
** Survival at time t as summary.survfit(fit, times = t): values from the
** last row at or before t (a row at the start time with S = 1 stands in
** before the first row), the number at risk from the first row at or
** after t.  Times after the last row are out of range (extend = FALSE).
*/
static void km_at_time(const onc_km_curve *c, double t, onc_km_at_time *a)
{
    size_t n_le = 0, n_lt = 0, i;
    double start;
    int pseudo;

    memset(a, 0, sizeof *a);
    a->time = t;
    a->surv = a->std_err = a->lower = a->upper = a->cumhaz = NAN;
    a->n_risk = NAN;
    a->n_event_cum = 0.0;
    if (c->n_rows == 0)
        return;
    for (i = 0; i < c->n_rows && c->rows[i].time <= t; i++)
        a->n_event_cum += c->rows[i].n_event;
    n_le = i;
    if (t > c->rows[c->n_rows - 1].time) {
        a->n_risk = 0.0;
        return;
    }
    a->in_range = 1;
    for (n_lt = 0; n_lt < c->n_rows && c->rows[n_lt].time < t; n_lt++)
        ;
    a->n_risk = c->rows[n_lt].n_risk;
    /* survfit0 prepends a row at min(0, first time) unless one is there. */
    start = fmin(0.0, c->rows[0].time);
    pseudo = c->rows[0].time != start;
    if (n_le == 0) {
        if (pseudo) {
            a->surv = 1.0;
            a->std_err = 0.0;
            a->lower = 1.0;
            a->upper = 1.0;
            a->cumhaz = 0.0;
            return;
        }
        n_le = 1; /* R's pmax(1, index): the first row stands in */
    }
    {
        const onc_km_row *r = &c->rows[n_le - 1];
        a->surv = r->surv;
        a->std_err = r->std_err;
        a->lower = r->lower;
        a->upper = r->upper;
        a->cumhaz = r->cumhaz;
    }
}

static void km_curve_clear(onc_km_curve *c)
{
    memset(c, 0, sizeof *c);
    c->median.p = 0.5;
    c->median.estimate = c->median.lower = c->median.upper = NAN;
    c->median_spss.estimate = c->median_spss.se = NAN;
    c->median_spss.lower = c->median_spss.upper = NAN;
    c->rmst.tau = c->rmst.estimate = c->rmst.se = NAN;
    c->rmst.lower = c->rmst.upper = NAN;
}

void onc_km_fit_free(onc_km_fit *fit)
{
    size_t g;

    if (fit == NULL)
        return;
    if (fit->curves != NULL) {
        for (g = 0; g < fit->n_groups; g++) {
            free(fit->curves[g].rows);
            free(fit->curves[g].quantiles);
            free(fit->curves[g].at_times);
        }
    }
    free(fit->curves);
    free(fit);
}

static onc_status km_check_options(const onc_km_options *opt, onc_error *err)
{
    size_t i;

    if (opt->conf_type != ONC_CONF_LOG && opt->conf_type != ONC_CONF_LOGLOG &&
        opt->conf_type != ONC_CONF_PLAIN)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "unknown confidence interval type %d",
                             (int)opt->conf_type);
    if (!(opt->conf_level > 0.0 && opt->conf_level < 1.0))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "confidence level must be between 0 and 1");
    if (opt->n_quantiles > 0 && opt->quantiles == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "quantiles missing");
    for (i = 0; i < opt->n_quantiles; i++)
        if (!(opt->quantiles[i] >= 0.0 && opt->quantiles[i] <= 1.0))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "quantile %zu must be between 0 and 1", i + 1);
    if (opt->n_times > 0 && opt->times == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "times missing");
    for (i = 0; i < opt->n_times; i++)
        if (!isfinite(opt->times[i]))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "time %zu is not a finite number", i + 1);
    switch (opt->rmst_rule) {
    case ONC_RMST_NONE:
    case ONC_RMST_TAU_MIN_OF_MAX:
    case ONC_RMST_TAU_MAX:
        break;
    case ONC_RMST_TAU_GIVEN:
        if (!isfinite(opt->rmst_tau))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "RMST tau must be a finite number");
        break;
    default:
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "unknown RMST tau rule %d", (int)opt->rmst_rule);
    }
    if (opt->median_ci_spss &&
        !(opt->spss_epsilon > 0.0 && opt->spss_epsilon < 0.5))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "SPSS density bracket must be between 0 and 0.5");
    if (opt->variance != ONC_KM_VARIANCE_GREENWOOD &&
        opt->variance != ONC_KM_VARIANCE_ROBUST)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "unknown variance type %d", (int)opt->variance);
    if (opt->variance == ONC_KM_VARIANCE_ROBUST && opt->cluster != NULL &&
        (opt->n_clusters == 0 || opt->n_clusters > (size_t)INT32_MAX))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "number of clusters must be 1 to %d",
                             (int)INT32_MAX);
    return ONC_OK;
}

/* The tau that the rule picks from the finished curves (NaN if none). */
static double km_choose_tau(const onc_km_fit *fit, const onc_km_options *opt)
{
    double tau = NAN;
    size_t g;

    if (opt->rmst_rule == ONC_RMST_TAU_GIVEN)
        return opt->rmst_tau;
    if (opt->rmst_rule == ONC_RMST_NONE)
        return NAN;
    for (g = 0; g < fit->n_groups; g++) {
        const onc_km_curve *c = &fit->curves[g];
        double last;

        if (c->n_rows == 0)
            continue;
        last = c->rows[c->n_rows - 1].time;
        if (isnan(tau))
            tau = last;
        else if (opt->rmst_rule == ONC_RMST_TAU_MAX)
            tau = fmax(tau, last);
        else
            tau = fmin(tau, last);
    }
    return tau;
}

/* Quantiles, at-times, SPSS median and RMST of one finished curve. */
static onc_status km_summaries(onc_km_curve *c, const onc_km_options *opt,
                               const double *probs, size_t n_probs, double tau,
                               onc_error *err)
{
    onc_status st;
    size_t i;

    c->quantiles = onc_callocarray(n_probs, sizeof *c->quantiles);
    c->at_times = onc_callocarray(opt->n_times, sizeof *c->at_times);
    if (c->quantiles == NULL || c->at_times == NULL)
        return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                             "out of memory for curve summaries");
    c->n_quantiles = n_probs;
    c->n_times = opt->n_times;
    for (i = 0; i < opt->n_times; i++)
        km_at_time(c, opt->times[i], &c->at_times[i]);
    if (c->n_rows == 0) {
        for (i = 0; i < n_probs; i++) {
            c->quantiles[i].p = probs[i];
            c->quantiles[i].estimate = NAN;
            c->quantiles[i].lower = c->quantiles[i].upper = NAN;
        }
        return ONC_OK;
    }
    st = onc_km_quantiles(c, n_probs, probs, c->quantiles, err);
    if (st == ONC_OK) {
        const double half = 0.5;
        st = onc_km_quantiles(c, 1, &half, &c->median, err);
    }
    if (st == ONC_OK && opt->median_ci_spss)
        st = onc_km_median_spss(c, opt->conf_level, opt->spss_epsilon,
                                &c->median_spss, err);
    if (st == ONC_OK && !isnan(tau))
        st = onc_rmst_estimate(c, tau, opt->conf_level, &c->rmst, err);
    return st;
}

/*
** Kaplan-Meier estimator with Greenwood variance and the Nelson-Aalen
** cumulative hazard, per group.
**
** Method: Kaplan & Meier (1958); Greenwood (1926); Nelson (1972) / Aalen
** (1978) with the Aalen variance sum d/n^2; left truncation as a risk set
** (entry, exit].  Implementation follows R survival 3.5-3 survfitkm.c
** (type = 1, robust = FALSE) and survfit_confint; the robust variance
** (robust = TRUE) is in km_robust.c.
** Inputs: see km.h (n observations; arrays of length n).
** Output: one curve per group with rows at every distinct observed time.
** Preconditions: n <= 2^32 - 1, 1 <= n_groups <= ONC_KM_MAX_GROUPS.
** NaN policy: NaN in any input array is rejected (ONC_ERR_DATA).
** Cost: with many observations and few distinct times (see stats/tally.h)
** one pass into a hash table of (time, group) counts and a sort of its
** entries, no memory per observation.  Otherwise one radix sort of the
** times (two with delayed entry) and three sequential passes; memory for
** the sort 16 bytes per observation when the times vary in few enough bits
** (whole days do), else 24 (twice that with delayed entry).  Plus 88 bytes
** per row; the robust variance always sorts, and adds one pass and about
** 32 bytes per observation.
*/
onc_status onc_km_fit_groups(size_t n, const double *time, const double *entry,
                             const double *status, const double *weights,
                             const int32_t *group, size_t n_groups,
                             const onc_km_options *opt, onc_km_fit **out,
                             onc_error *err)
{
    onc_km_options defaults;
    onc_km_fit *fit = NULL;
    onc_sorted exits, entries;
    uint64_t *last_key = NULL, varying, entry_varying;
    size_t *group_n = NULL, *cursor = NULL, *touched = NULL;
    double *group_w = NULL, *at_risk = NULL;
    const double *probs;
    size_t n_probs, g, i;
    km_data data;
    double z, tau;
    int robust, tallied = 0;
    onc_status st = ONC_OK;

    memset(&exits, 0, sizeof exits);
    memset(&entries, 0, sizeof entries);
    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_km_fit_groups: no output pointer");
    *out = NULL;
    if (opt == NULL) {
        onc_km_options_init(&defaults);
        opt = &defaults;
    }
    if (n > 0 && (time == NULL || status == NULL))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_km_fit_groups: time and status are required");
    if (group == NULL && n_groups == 0)
        n_groups = 1;
    if (n_groups == 0 || n_groups > ONC_KM_MAX_GROUPS)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "number of groups must be 1 to %d",
                             ONC_KM_MAX_GROUPS);
    if (group == NULL && n_groups != 1)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "group codes are required for %zu groups",
                             n_groups);
    if (n > ONC_SORT_MAX_N)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "%zu observations exceed the limit of %zu", n,
                             ONC_SORT_MAX_N);
    st = km_check_options(opt, err);
    if (st != ONC_OK)
        return st;
    probs = opt->n_quantiles > 0 ? opt->quantiles : km_default_quantiles;
    n_probs = opt->n_quantiles > 0
                  ? opt->n_quantiles
                  : sizeof km_default_quantiles / sizeof km_default_quantiles[0];
    z = km_zval(opt->conf_level);

    robust = opt->variance == ONC_KM_VARIANCE_ROBUST;
    data.status = status;
    data.weights = weights;
    data.group = group;
    /* The robust pass needs the observation behind every sorted time. */
    data.packed = weights == NULL && !robust;

    fit = calloc(1, sizeof *fit);
    if (fit == NULL)
        goto nomem;
    fit->n_groups = n_groups;
    fit->conf_type = opt->conf_type;
    fit->conf_level = opt->conf_level;
    fit->rmst_rule = opt->rmst_rule;
    fit->rmst_tau = NAN;
    fit->has_entry = entry != NULL;
    fit->has_weights = weights != NULL;
    fit->variance = opt->variance;
    if (robust)
        fit->n_clusters = opt->cluster != NULL ? opt->n_clusters : n;
    fit->curves = onc_callocarray(n_groups, sizeof *fit->curves);
    group_n = onc_callocarray(n_groups, sizeof *group_n);
    group_w = onc_callocarray(n_groups, sizeof *group_w);
    cursor = onc_mallocarray(n_groups, sizeof *cursor);
    touched = onc_mallocarray(n_groups, sizeof *touched);
    last_key = onc_mallocarray(n_groups, sizeof *last_key);
    at_risk = onc_mallocarray(n_groups, sizeof *at_risk);
    if (fit->curves == NULL || group_n == NULL || group_w == NULL ||
        cursor == NULL || touched == NULL || last_key == NULL ||
        at_risk == NULL)
        goto nomem;
    for (g = 0; g < n_groups; g++)
        km_curve_clear(&fit->curves[g]);

    st = km_prepare(n, time, entry, status, weights, group, n_groups,
                    robust ? opt->cluster : NULL, opt->n_clusters, &varying,
                    &entry_varying, group_n, group_w, err);
    if (st != ONC_OK)
        goto cleanup;
    for (g = 0; g < n_groups; g++) {
        fit->curves[g].n = group_n[g];
        fit->curves[g].n_weighted = group_w[g];
    }
    /* Few distinct times (days of follow-up in a registry): count instead
    ** of sorting.  The robust variance needs every observation in order. */
    if (!robust && onc_tally_limit(n) > 0) {
        int t = km_tally_rows(fit, n, time, entry, status, weights, group,
                              onc_tally_limit(n), cursor, at_risk, touched);
        if (t < 0)
            goto nomem;
        tallied = t == 0;
    }
    if (!tallied) {
        if (km_sort(&exits, n, time, varying, status, group, data.packed, 0,
                    n_groups) != 0)
            goto nomem;
        if (entry != NULL && km_sort(&entries, n, entry, entry_varying, status,
                                     group, data.packed, 1, n_groups) != 0)
            goto nomem;

        /* Rows per group = distinct times per group, counted before the
        ** rows are allocated so that nothing grows inside the loops. */
        for (g = 0; g < n_groups; g++)
            last_key[g] = KM_NO_KEY;
        for (i = 0; i < n; i++) {
            uint64_t k = onc_sorted_key(&exits, i);
            int event;
            double w;

            km_decode(&data, onc_sorted_payload(&exits, i), &g, &event, &w);
            if (last_key[g] != k) {
                last_key[g] = k;
                fit->curves[g].n_rows++;
            }
        }
        for (g = 0; g < n_groups; g++) {
            onc_km_curve *c = &fit->curves[g];
            c->rows = onc_callocarray(c->n_rows, sizeof *c->rows);
            if (c->rows == NULL)
                goto nomem;
        }
        km_count_rows(&exits, entry != NULL ? &entries : NULL, &data, fit,
                      cursor, last_key, at_risk, touched);
    }
    for (g = 0; g < n_groups; g++)
        km_estimate_rows(&fit->curves[g], z, opt->conf_type);
    if (robust) {
        st = km_robust_variance(fit, n, time, entry, status, weights, group,
                                opt->cluster, opt->n_clusters, &exits,
                                entry != NULL ? &entries : NULL, err);
        if (st != ONC_OK)
            goto cleanup;
        for (g = 0; g < n_groups; g++)
            km_robust_confint(&fit->curves[g], z, opt->conf_type);
    }
    /* The sort buffers are the largest allocation; release them before the
    ** per-curve work. */
    onc_sort_free(&exits);
    onc_sort_free(&entries);
    tau = km_choose_tau(fit, opt);
    fit->rmst_tau = tau;
    for (g = 0; g < n_groups; g++) {
        st = km_summaries(&fit->curves[g], opt, probs, n_probs, tau, err);
        if (st != ONC_OK)
            goto cleanup;
    }
    *out = fit;
    fit = NULL;
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "out of memory fitting Kaplan-Meier curves for %zu "
                       "observations", n);
cleanup:
    onc_km_fit_free(fit);
    onc_sort_free(&exits);
    onc_sort_free(&entries);
    free(group_n);
    free(group_w);
    free(cursor);
    free(touched);
    free(last_key);
    free(at_risk);
    return st;
}

/*
** Difference of two independent Kaplan-Meier estimates at a fixed time
** (Klein & Moeschberger 2003, section 7.8): z = (S_a - S_b) / sqrt(se_a^2 +
** se_b^2) with Greenwood standard errors of S.  Inputs: two curves fitted
** with the same times; time_index into at_times.  NaN policy: a NaN
** estimate or SE gives NaN results; se = 0 gives z = P = NaN.
*/
onc_status onc_km_compare_at(const onc_km_curve *a, const onc_km_curve *b,
                             size_t time_index, double conf_level,
                             onc_km_difference *out, onc_error *err)
{
    const onc_km_at_time *ta, *tb;
    double z;

    if (a == NULL || b == NULL || out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_km_compare_at: missing argument");
    if (time_index >= a->n_times || time_index >= b->n_times)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "time index %zu out of range", time_index);
    if (!(conf_level > 0.0 && conf_level < 1.0))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "confidence level must be between 0 and 1");
    ta = &a->at_times[time_index];
    tb = &b->at_times[time_index];
    if (ta->time != tb->time)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "the curves were evaluated at different times");
    z = km_zval(conf_level);
    out->time = ta->time;
    out->diff = ta->surv - tb->surv;
    out->se = sqrt(ta->std_err * ta->std_err + tb->std_err * tb->std_err);
    out->lower = out->diff - z * out->se;
    out->upper = out->diff + z * out->se;
    if (out->se > 0.0 && isfinite(out->se) && isfinite(out->diff)) {
        out->z = out->diff / out->se;
        out->p_value = 2.0 * gsl_cdf_ugaussian_Q(fabs(out->z));
    } else {
        out->z = NAN;
        out->p_value = NAN;
    }
    return ONC_OK;
}
