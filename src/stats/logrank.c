/*
** logrank.c -- k-sample log-rank family, stratified, with trend and
** pairwise tests; see logrank.h.
**
** All tests come out of one ascending pass over the observations sorted by
** time.  At each distinct time and stratum the events and removals of
** every group are gathered, the time's contribution to observed, expected
** and the variance matrix is added, and the risk sets shrink.  Pairwise
** tests ride along in the same pass with their own pooled Kaplan-Meier
** for the Fleming-Harrington weight, so they equal survdiff() run on the
** two groups' data.  With many observations and few distinct times the
** observations are tallied by (time, stratum, group) instead of sorted
** (stats/tally.h), and the pass runs over the tally.
*/
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "oncostat/logrank.h"
#include "core/internal.h"
#include "stats/sort.h"
#include "stats/tally.h"

void onc_logrank_options_init(onc_logrank_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->weight = ONC_LOGRANK_WEIGHT_LOGRANK;
    opt->rho = 0.0;
    opt->gamma = 0.0;
    opt->variance = ONC_LOGRANK_VARIANCE_HYPERGEOMETRIC;
    opt->trend_scores = NULL;
    opt->pairwise = 0;
}

void onc_logrank_free(onc_logrank_result *res)
{
    if (res == NULL)
        return;
    free(res->n);
    free(res->events);
    free(res->observed);
    free(res->expected);
    free(res->variance);
    free(res->observed_strata);
    free(res->expected_strata);
    free(res->trend_scores);
    free(res->pairs);
    free(res);
}

static onc_status logrank_bad_obs(onc_error *err, size_t i, const char *column,
                                  const char *what)
{
    onc_error_set(err, ONC_ERR_DATA, NULL, 0, 0, column, "observation %zu: %s",
                  i + 1, what);
    if (err != NULL)
        err->row = i + 1;
    return ONC_ERR_DATA;
}

/* Working state of the pass; every array is owned here. */
typedef struct logrank_pass {
    size_t k, n_strata, n_pairs;
    const onc_logrank_options *opt;
    /* payload decoding: packed ((stratum * k + group) << 1 | event), or
    ** the observation index into the arrays below */
    int packed;
    const double *status, *weights;
    const int32_t *group, *stratum;

    double *risk;        /* n_strata * k, weighted number at risk */
    double *dead;        /* n_strata * k, events at the current time */
    double *gone;        /* n_strata * k, leaving at the current time */
    double *km;          /* n_strata, pooled Kaplan-Meier S(t-) */
    unsigned char *seen; /* n_strata, stratum present at the current time */
    size_t *touched;     /* n_strata, list of those strata */
    size_t *pair_a, *pair_b;   /* n_pairs */
    double *pair_km;           /* n_strata * n_pairs */
    double *pair_obs_b, *pair_exp_a, *pair_exp_b, *pair_var_b; /* n_pairs */
} logrank_pass;

static void logrank_pass_free(logrank_pass *p)
{
    free(p->risk);
    free(p->dead);
    free(p->gone);
    free(p->km);
    free(p->seen);
    free(p->touched);
    free(p->pair_a);
    free(p->pair_b);
    free(p->pair_km);
    free(p->pair_obs_b);
    free(p->pair_exp_a);
    free(p->pair_exp_b);
    free(p->pair_var_b);
}

/* w(t) for a stratum whose left-continuous pooled KM is km and whose
** weighted number at risk is nrisk. */
static double logrank_weight(const onc_logrank_options *o, double km,
                             double nrisk)
{
    double w = 1.0;

    switch (o->weight) {
    case ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON:
        /* pow(x, 0) is 1 even at x = 0: G(0, gamma) at the first time,
        ** G(rho, 0) after the curve reached 0. */
        if (o->rho != 0.0)
            w = pow(km, o->rho);
        if (o->gamma != 0.0)
            w *= pow(1.0 - km, o->gamma);
        return w;
    case ONC_LOGRANK_WEIGHT_GEHAN_BRESLOW:
        return nrisk;
    case ONC_LOGRANK_WEIGHT_TARONE_WARE:
        return sqrt(nrisk);
    case ONC_LOGRANK_WEIGHT_LOGRANK:
    default:
        return 1.0;
    }
}

/*
** The contribution of one event time in one stratum, in the order of
** operations of R survdiff2.c so that sums agree to rounding.
*/
static void logrank_step(logrank_pass *p, onc_logrank_result *r, size_t s)
{
    const size_t k = p->k;
    double *risk = p->risk + s * k, *dead = p->dead + s * k;
    double *gone = p->gone + s * k;
    double nrisk = 0.0, deaths = 0.0;
    size_t g, j, q;

    for (g = 0; g < k; g++) {
        nrisk += risk[g];
        deaths += dead[g];
    }
    if (deaths > 0.0 && nrisk > 0.0) {
        double wt = logrank_weight(p->opt, p->km[s], nrisk);
        double wt2 = wt * wt;
        int hyper = p->opt->variance == ONC_LOGRANK_VARIANCE_HYPERGEOMETRIC;

        for (g = 0; g < k; g++) {
            double e = wt * deaths * risk[g] / nrisk;
            r->observed[g] += wt * dead[g];
            r->expected[g] += e;
            r->observed_strata[s * k + g] += wt * dead[g];
            r->expected_strata[s * k + g] += e;
        }
        /* A lone subject at risk carries no variance (survdiff skips n = 1;
        ** with weights the hypergeometric factor needs n > 1). */
        if (!hyper || nrisk > 1.0) {
            for (j = 0; j < k; j++) {
                double tmp;

                if (risk[j] == 0.0)
                    continue;
                tmp = hyper ? wt2 * deaths * risk[j] * (nrisk - deaths) /
                                  (nrisk * (nrisk - 1.0))
                            : wt2 * deaths * risk[j] / nrisk;
                r->variance[j * k + j] += tmp;
                for (g = 0; g < k; g++)
                    r->variance[j * k + g] -= tmp * risk[g] / nrisk;
            }
        }
        p->km[s] = p->km[s] * (nrisk - deaths) / nrisk;
    }
    for (q = 0; q < p->n_pairs; q++) {
        size_t a = p->pair_a[q], b = p->pair_b[q];
        double n2 = risk[a] + risk[b], d2 = dead[a] + dead[b];
        double *km = &p->pair_km[s * p->n_pairs + q];
        double wt, tmp;

        if (!(d2 > 0.0 && n2 > 0.0))
            continue;
        wt = logrank_weight(p->opt, *km, n2);
        p->pair_obs_b[q] += wt * dead[b];
        p->pair_exp_a[q] += wt * d2 * risk[a] / n2;
        p->pair_exp_b[q] += wt * d2 * risk[b] / n2;
        if (p->opt->variance == ONC_LOGRANK_VARIANCE_HYPERGEOMETRIC) {
            if (n2 > 1.0) {
                tmp = wt * wt * d2 * risk[b] * (n2 - d2) / (n2 * (n2 - 1.0));
                p->pair_var_b[q] += tmp;
                p->pair_var_b[q] -= tmp * risk[b] / n2;
            }
        } else {
            tmp = wt * wt * d2 * risk[b] / n2;
            p->pair_var_b[q] += tmp;
            p->pair_var_b[q] -= tmp * risk[b] / n2;
        }
        *km = *km * (n2 - d2) / n2;
    }
    for (g = 0; g < k; g++) {
        risk[g] -= gone[g];
        dead[g] = 0.0;
        gone[g] = 0.0;
    }
}

/*
** Solve the m x m system a x = b in place (b becomes x) by Gaussian
** elimination with partial pivoting.  Returns -1 when a pivot is below
** m * DBL_EPSILON times the largest diagonal element, the point at which
** R's solve() also declares the matrix computationally singular.
*/
static int logrank_solve(size_t m, double *a, double *b)
{
    double scale = 0.0;
    size_t i, j, c;

    for (i = 0; i < m; i++)
        scale = fmax(scale, fabs(a[i * m + i]));
    if (!(scale > 0.0) || !isfinite(scale))
        return -1;
    for (c = 0; c < m; c++) {
        size_t piv = c;
        for (i = c + 1; i < m; i++)
            if (fabs(a[i * m + c]) > fabs(a[piv * m + c]))
                piv = i;
        if (!(fabs(a[piv * m + c]) > (double)m * DBL_EPSILON * scale))
            return -1;
        if (piv != c) {
            double t;
            for (j = 0; j < m; j++) {
                t = a[c * m + j];
                a[c * m + j] = a[piv * m + j];
                a[piv * m + j] = t;
            }
            t = b[c];
            b[c] = b[piv];
            b[piv] = t;
        }
        for (i = c + 1; i < m; i++) {
            double f = a[i * m + c] / a[c * m + c];
            for (j = c; j < m; j++)
                a[i * m + j] -= f * a[c * m + j];
            b[i] -= f * b[c];
        }
    }
    for (c = m; c-- > 0;) {
        double s = b[c];
        for (j = c + 1; j < m; j++)
            s -= a[c * m + j] * b[j];
        b[c] = s / a[c * m + c];
    }
    return 0;
}

/* survdiff's chi-square: (O - E)' V^- (O - E) over the groups with E > 0,
** the first of them dropped. */
static onc_status logrank_chisq(onc_logrank_result *r, onc_error *err)
{
    const size_t k = r->n_groups;
    size_t *use = NULL, m = 0, i, j;
    double *a = NULL, *b = NULL;
    onc_status st = ONC_OK;

    r->chisq = 0.0;
    r->df = 0;
    r->p_value = NAN;
    r->singular = 0;
    use = onc_mallocarray(k, sizeof *use);
    if (use == NULL)
        goto nomem;
    for (i = 0; i < k; i++)
        if (r->expected[i] > 0.0)
            use[m++] = i;
    if (m < 2)
        goto cleanup;
    r->df = m - 1;
    a = onc_mallocarray((m - 1) * (m - 1), sizeof *a);
    b = onc_mallocarray(m - 1, sizeof *b);
    if (a == NULL || b == NULL)
        goto nomem;
    for (i = 1; i < m; i++) {
        b[i - 1] = r->observed[use[i]] - r->expected[use[i]];
        for (j = 1; j < m; j++)
            a[(i - 1) * (m - 1) + (j - 1)] = r->variance[use[i] * k + use[j]];
    }
    if (logrank_solve(m - 1, a, b) != 0) {
        r->singular = 1;
        r->chisq = NAN;
        goto cleanup;
    }
    r->chisq = 0.0;
    for (i = 1; i < m; i++)
        r->chisq += b[i - 1] * (r->observed[use[i]] - r->expected[use[i]]);
    r->p_value = isfinite(r->chisq) && r->chisq >= 0.0
                     ? gsl_cdf_chisq_Q(r->chisq, (double)r->df)
                     : NAN;
    goto cleanup;
nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "out of memory for the log-rank chi-square");
cleanup:
    free(use);
    free(a);
    free(b);
    return st;
}

/* Trend test for ordered groups (Collett 2003, section 2.6.3). */
static void logrank_trend(onc_logrank_result *r)
{
    const size_t k = r->n_groups;
    double u = 0.0, v = 0.0;
    size_t i, j;

    for (i = 0; i < k; i++) {
        u += r->trend_scores[i] * (r->observed[i] - r->expected[i]);
        for (j = 0; j < k; j++)
            v += r->trend_scores[i] * r->variance[i * k + j] *
                 r->trend_scores[j];
    }
    r->trend_u = u;
    r->trend_variance = v;
    if (v > 0.0 && isfinite(v)) {
        r->trend_z = u / sqrt(v);
        r->trend_chisq = u * u / v;
        r->trend_p = gsl_cdf_chisq_Q(r->trend_chisq, 1.0);
    } else {
        r->trend_z = r->trend_chisq = r->trend_p = NAN;
    }
}

/* Holm and Bonferroni adjustment of the pairwise P values as R p.adjust:
** NaN values are left out and left NaN. */
static onc_status logrank_adjust(onc_logrank_result *r, onc_error *err)
{
    size_t *order, m = 0, i, j;
    double running = 0.0;

    order = onc_mallocarray(r->n_pairs, sizeof *order);
    if (order == NULL)
        return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                             "out of memory for pairwise P values");
    for (i = 0; i < r->n_pairs; i++) {
        r->pairs[i].p_holm = r->pairs[i].p_bonferroni = NAN;
        if (!isnan(r->pairs[i].p_value))
            order[m++] = i;
    }
    /* Stable insertion sort by P (ties keep pair order, as R's order()). */
    for (i = 1; i < m; i++) {
        size_t t = order[i];
        for (j = i; j > 0 && r->pairs[order[j - 1]].p_value >
                                 r->pairs[t].p_value; j--)
            order[j] = order[j - 1];
        order[j] = t;
    }
    for (i = 0; i < m; i++) {
        onc_logrank_pair *pr = &r->pairs[order[i]];
        double h = (double)(m - i) * pr->p_value;
        running = fmax(running, h);
        pr->p_holm = fmin(1.0, running);
        pr->p_bonferroni = fmin(1.0, (double)m * pr->p_value);
    }
    free(order);
    return ONC_OK;
}

static onc_status logrank_check(size_t n, const double *time,
                                const double *status, const int32_t *group,
                                size_t n_groups, const int32_t *stratum,
                                size_t n_strata, const onc_logrank_options *o,
                                onc_error *err)
{
    if (n > 0 && (time == NULL || status == NULL || group == NULL))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_logrank_test: time, status and group are "
                             "required");
    if (n_groups < 2 || n_groups > ONC_LOGRANK_MAX_GROUPS)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "the log-rank test needs 2 to %d groups",
                             ONC_LOGRANK_MAX_GROUPS);
    if (stratum != NULL && (n_strata == 0 || n_strata > ONC_LOGRANK_MAX_STRATA))
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "number of strata must be 1 to %d",
                             ONC_LOGRANK_MAX_STRATA);
    if (n > ONC_SORT_MAX_N)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "%zu observations exceed the limit of %zu", n,
                             ONC_SORT_MAX_N);
    switch (o->weight) {
    case ONC_LOGRANK_WEIGHT_LOGRANK:
    case ONC_LOGRANK_WEIGHT_GEHAN_BRESLOW:
    case ONC_LOGRANK_WEIGHT_TARONE_WARE:
        break;
    case ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON:
        if (!(o->rho >= 0.0 && isfinite(o->rho) && o->gamma >= 0.0 &&
              isfinite(o->gamma)))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "Fleming-Harrington rho and gamma must be "
                                 "finite and >= 0");
        break;
    default:
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "unknown log-rank weight %d", (int)o->weight);
    }
    if (o->variance != ONC_LOGRANK_VARIANCE_HYPERGEOMETRIC &&
        o->variance != ONC_LOGRANK_VARIANCE_BRESLOW)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "unknown log-rank variance %d", (int)o->variance);
    if (o->trend_scores != NULL) {
        size_t g;
        for (g = 0; g < n_groups; g++)
            if (!isfinite(o->trend_scores[g]))
                return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                     "trend score %zu is not finite", g + 1);
    }
    return ONC_OK;
}

/* Validate every observation, fill the starting risk sets, and find the
** bits in which the sort keys differ. */
static onc_status logrank_prepare(logrank_pass *p, onc_logrank_result *r,
                                  size_t n, const double *time,
                                  uint64_t *varying, onc_error *err)
{
    uint64_t first = n > 0 && isfinite(time[0]) ? onc_sort_key(time[0]) : 0;
    size_t i;

    *varying = 0;

    for (i = 0; i < n; i++) {
        size_t g, s = 0, cell;
        double w = 1.0;
        int event;

        if (!isfinite(time[i]))
            return logrank_bad_obs(err, i, "time",
                                   "time is missing or not finite");
        if (p->status[i] == 1.0)
            event = 1;
        else if (p->status[i] == 0.0)
            event = 0;
        else
            return logrank_bad_obs(err, i, "status",
                                   "status must be 1 (event) or 0 (censored)");
        if (p->weights != NULL) {
            w = p->weights[i];
            if (!isfinite(w) || w < 0.0)
                return logrank_bad_obs(err, i, "weight",
                                       "case weight must be a finite number "
                                       ">= 0");
        }
        if (p->group[i] < 0 || (size_t)p->group[i] >= p->k)
            return logrank_bad_obs(err, i, "group",
                                   "group code is missing or out of range");
        g = (size_t)p->group[i];
        if (p->stratum != NULL) {
            if (p->stratum[i] < 0 || (size_t)p->stratum[i] >= p->n_strata)
                return logrank_bad_obs(err, i, "stratum",
                                       "stratum code is missing or out of "
                                       "range");
            s = (size_t)p->stratum[i];
        }
        cell = s * p->k + g;
        p->risk[cell] += w;
        r->n[g]++;
        if (event)
            r->events[g] += w;
        *varying |= onc_sort_key(time[i]) ^ first;
    }
    return ONC_OK;
}

/* Sort the times with their payloads (see logrank_pass.packed). */
static int logrank_sort(onc_sorted *s, const logrank_pass *p, size_t n,
                        const double *time, uint64_t varying)
{
    size_t i, cells = p->n_strata * p->k;
    uint32_t largest = p->packed ? (uint32_t)(((cells - 1) << 1) | 1)
                                 : (n > 0 ? (uint32_t)(n - 1) : 0);

    onc_sort_init(s, n, n > 0 ? onc_sort_key(time[0]) : 0, varying, largest);
    if (onc_sort_alloc(s) != 0)
        return -1;
    for (i = 0; i < n; i++) {
        uint32_t payload = (uint32_t)i;

        if (p->packed) {
            size_t st = p->stratum != NULL ? (size_t)p->stratum[i] : 0;
            size_t cell = st * p->k + (size_t)p->group[i];
            payload = (uint32_t)((cell << 1) | (p->status[i] == 1.0 ? 1u : 0u));
        }
        onc_sort_put(s, i, onc_sort_key(time[i]), payload);
    }
    onc_sort_run(s);
    return 0;
}

/*
** The pass over the data from a tally of the observations by (time, cell)
** instead of a sort (see stats/tally.h): the same steps, fed with the
** summed events and removals of each cell at each time.  Returns 0 when the
** pass is done, 1 when the data have too many distinct times (nothing is
** changed), -1 when out of memory.
*/
static int logrank_tally_pass(logrank_pass *p, onc_logrank_result *r, size_t n,
                              const double *time, size_t limit)
{
    onc_tally t;
    size_t i;
    int rc = 0;

    onc_tally_init(&t, limit);
    for (i = 0; i < n && rc == 0; i++) {
        size_t s = p->stratum != NULL ? (size_t)p->stratum[i] : 0;
        double w = p->weights != NULL ? p->weights[i] : 1.0;
        int event = p->status[i] == 1.0;

        rc = onc_tally_add(&t, onc_sort_key(time[i]),
                           (uint32_t)(s * p->k + (size_t)p->group[i]),
                           event ? w : 0.0, event ? 0.0 : w);
    }
    if (rc != 0) {
        onc_tally_free(&t);
        return rc;
    }
    onc_tally_finish(&t);
    for (i = 0; i < t.n;) {
        uint64_t key = t.entries[i].key;
        size_t n_touched = 0, j;

        for (; i < t.n && t.entries[i].key == key; i++) {
            const onc_tally_entry *e = &t.entries[i];
            size_t s = e->cell / p->k;

            if (!p->seen[s]) {
                p->seen[s] = 1;
                p->touched[n_touched++] = s;
            }
            p->dead[e->cell] += e->event;
            p->gone[e->cell] += e->event + e->censor;
        }
        for (j = 0; j < n_touched; j++) {
            logrank_step(p, r, p->touched[j]);
            p->seen[p->touched[j]] = 0;
        }
    }
    onc_tally_free(&t);
    return 0;
}

static onc_logrank_result *logrank_result_new(size_t k, size_t n_strata,
                                              size_t n_pairs)
{
    onc_logrank_result *r = calloc(1, sizeof *r);

    if (r == NULL)
        return NULL;
    r->n_groups = k;
    r->n_strata = n_strata;
    r->n = onc_callocarray(k, sizeof *r->n);
    r->events = onc_callocarray(k, sizeof *r->events);
    r->observed = onc_callocarray(k, sizeof *r->observed);
    r->expected = onc_callocarray(k, sizeof *r->expected);
    r->variance = onc_callocarray(k * k, sizeof *r->variance);
    r->observed_strata = onc_callocarray(k * n_strata, sizeof(double));
    r->expected_strata = onc_callocarray(k * n_strata, sizeof(double));
    r->trend_scores = onc_callocarray(k, sizeof *r->trend_scores);
    r->n_pairs = n_pairs;
    r->pairs = onc_callocarray(n_pairs, sizeof *r->pairs);
    if (r->n == NULL || r->events == NULL || r->observed == NULL ||
        r->expected == NULL || r->variance == NULL ||
        r->observed_strata == NULL || r->expected_strata == NULL ||
        r->trend_scores == NULL || r->pairs == NULL) {
        onc_logrank_free(r);
        return NULL;
    }
    return r;
}

/*
** Weighted log-rank tests for k groups.
**
** Method: at each distinct event time t of stratum s, with n_g at risk and
** d_g events in group g (weighted by case weights), N = sum n_g,
** D = sum d_g and test weight w(t):
**   O_g += w d_g,  E_g += w D n_g / N,
**   V_gh += w^2 D (n_g/N)(delta_gh - n_h/N) (N - D)/(N - 1)
** (the last factor only for the hypergeometric variance); chi-square =
** (O - E)' V^- (O - E) on the groups with E > 0, df = their number - 1.
** References: Mantel (1966), Peto & Peto (1972), Gehan (1965) / Breslow
** (1970), Tarone & Ware (1977), Harrington & Fleming (1982); trend:
** Collett (2003) section 2.6.3; Holm (1979).  Reproduces R survival 3.5-3
** survdiff (survdiff2.c) for weight 1 and G(rho, 0), with strata.
** Inputs: see logrank.h; arrays of length n.
** Output: *out, counts and sums per group, stratum and pair.
** Preconditions: 2 <= n_groups <= ONC_LOGRANK_MAX_GROUPS.
** NaN policy: NaN inputs are rejected (ONC_ERR_DATA); undefined statistics
** (df = 0, singular variance, zero trend variance) are NaN.
*/
onc_status onc_logrank_test(size_t n, const double *time, const double *status,
                            const double *weights, const int32_t *group,
                            size_t n_groups, const int32_t *stratum,
                            size_t n_strata, const onc_logrank_options *opt,
                            onc_logrank_result **out, onc_error *err)
{
    onc_logrank_options defaults;
    onc_logrank_result *r = NULL;
    logrank_pass p;
    onc_sorted sorted;
    uint64_t varying;
    size_t i, g, q, cells;
    int tallied = 0;
    onc_status st;

    memset(&p, 0, sizeof p);
    memset(&sorted, 0, sizeof sorted);
    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_logrank_test: no output pointer");
    *out = NULL;
    if (opt == NULL) {
        onc_logrank_options_init(&defaults);
        opt = &defaults;
    }
    if (stratum == NULL)
        n_strata = 1;
    st = logrank_check(n, time, status, group, n_groups, stratum, n_strata, opt,
                       err);
    if (st != ONC_OK)
        return st;
    if (onc_mul_overflow(n_strata, n_groups, &cells) != 0 ||
        cells > (size_t)1 << 26)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "%zu strata by %zu groups is too many cells",
                             n_strata, n_groups);

    p.k = n_groups;
    p.n_strata = n_strata;
    p.n_pairs = opt->pairwise ? n_groups * (n_groups - 1) / 2 : 0;
    p.opt = opt;
    p.status = status;
    p.weights = weights;
    p.group = group;
    p.stratum = stratum;
    /* Packing needs (cells << 1) | 1 to fit the 32-bit payload. */
    p.packed = weights == NULL && cells < ((size_t)1 << 31);

    r = logrank_result_new(n_groups, n_strata, p.n_pairs);
    p.risk = onc_callocarray(cells, sizeof *p.risk);
    p.dead = onc_callocarray(cells, sizeof *p.dead);
    p.gone = onc_callocarray(cells, sizeof *p.gone);
    p.km = onc_mallocarray(n_strata, sizeof *p.km);
    p.seen = onc_callocarray(n_strata, sizeof *p.seen);
    p.touched = onc_mallocarray(n_strata, sizeof *p.touched);
    p.pair_a = onc_mallocarray(p.n_pairs, sizeof *p.pair_a);
    p.pair_b = onc_mallocarray(p.n_pairs, sizeof *p.pair_b);
    p.pair_obs_b = onc_callocarray(p.n_pairs, sizeof *p.pair_obs_b);
    p.pair_exp_a = onc_callocarray(p.n_pairs, sizeof *p.pair_exp_a);
    p.pair_exp_b = onc_callocarray(p.n_pairs, sizeof *p.pair_exp_b);
    p.pair_var_b = onc_callocarray(p.n_pairs, sizeof *p.pair_var_b);
    p.pair_km = NULL;
    if (p.n_pairs > 0 && onc_mul_overflow(n_strata, p.n_pairs, &q) == 0)
        p.pair_km = onc_mallocarray(q, sizeof *p.pair_km);
    if (r == NULL || p.risk == NULL || p.dead == NULL || p.gone == NULL ||
        p.km == NULL || p.seen == NULL || p.touched == NULL ||
        p.pair_a == NULL || p.pair_b == NULL || p.pair_obs_b == NULL ||
        p.pair_exp_a == NULL || p.pair_exp_b == NULL || p.pair_var_b == NULL ||
        (p.n_pairs > 0 && p.pair_km == NULL))
        goto nomem;
    r->weight = opt->weight;
    r->rho = opt->weight == ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON ? opt->rho : 0;
    r->gamma =
        opt->weight == ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON ? opt->gamma : 0;
    r->variance_type = opt->variance;
    for (i = 0; i < n_strata; i++)
        p.km[i] = 1.0;
    for (i = 0; i < n_strata * p.n_pairs; i++)
        p.pair_km[i] = 1.0;
    q = 0;
    for (g = 0; g < n_groups; g++) {
        size_t h;
        for (h = g + 1; h < n_groups; h++) {
            if (q >= p.n_pairs)
                break;
            p.pair_a[q] = g;
            p.pair_b[q] = h;
            q++;
        }
    }

    st = logrank_prepare(&p, r, n, time, &varying, err);
    if (st != ONC_OK)
        goto cleanup;
    /* Few distinct times (days of follow-up in a registry): count instead
    ** of sorting. */
    if (onc_tally_limit(n) > 0) {
        int t = logrank_tally_pass(&p, r, n, time, onc_tally_limit(n));
        if (t < 0)
            goto nomem;
        tallied = t == 0;
    }
    if (!tallied && logrank_sort(&sorted, &p, n, time, varying) != 0)
        goto nomem;

    for (i = 0; !tallied && i < n;) {
        uint64_t key = onc_sorted_key(&sorted, i);
        size_t n_touched = 0, t;

        for (; i < n && onc_sorted_key(&sorted, i) == key; i++) {
            uint32_t pl = onc_sorted_payload(&sorted, i);
            size_t cell, s;
            double w;
            int event;

            if (p.packed) {
                cell = pl >> 1;
                event = (int)(pl & 1u);
                w = 1.0;
            } else {
                s = stratum != NULL ? (size_t)stratum[pl] : 0;
                cell = s * n_groups + (size_t)group[pl];
                event = status[pl] == 1.0;
                w = weights != NULL ? weights[pl] : 1.0;
            }
            s = cell / n_groups;
            if (!p.seen[s]) {
                p.seen[s] = 1;
                p.touched[n_touched++] = s;
            }
            if (event)
                p.dead[cell] += w;
            p.gone[cell] += w;
        }
        for (t = 0; t < n_touched; t++) {
            logrank_step(&p, r, p.touched[t]);
            p.seen[p.touched[t]] = 0;
        }
    }
    onc_sort_free(&sorted);

    st = logrank_chisq(r, err);
    if (st != ONC_OK)
        goto cleanup;
    for (g = 0; g < n_groups; g++)
        r->trend_scores[g] =
            opt->trend_scores != NULL ? opt->trend_scores[g] : (double)(g + 1);
    logrank_trend(r);
    for (q = 0; q < p.n_pairs; q++) {
        onc_logrank_pair *pr = &r->pairs[q];
        double v = p.pair_var_b[q];
        double oe = p.pair_obs_b[q] - p.pair_exp_b[q];

        pr->group_a = p.pair_a[q];
        pr->group_b = p.pair_b[q];
        if (p.pair_exp_a[q] > 0.0 && p.pair_exp_b[q] > 0.0 && v > 0.0) {
            pr->df = 1;
            pr->chisq = oe * oe / v;
            pr->p_value = gsl_cdf_chisq_Q(pr->chisq, 1.0);
        } else {
            pr->df = 0;
            pr->chisq = NAN;
            pr->p_value = NAN;
        }
    }
    if (p.n_pairs > 0) {
        st = logrank_adjust(r, err);
        if (st != ONC_OK)
            goto cleanup;
    }
    *out = r;
    r = NULL;
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "out of memory for the log-rank test of %zu "
                       "observations", n);
cleanup:
    onc_logrank_free(r);
    logrank_pass_free(&p);
    onc_sort_free(&sorted);
    return st;
}
