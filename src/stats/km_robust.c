/*
** km_robust.c -- the infinitesimal-jackknife ("robust") variance of
** Kaplan-Meier curves and of the Nelson-Aalen cumulative hazard.
**
** R computes it (survfitkm.c) by carrying the influence of every cluster
** through every event time, which costs clusters x event times.  Here the
** influences are never stored one by one: while an observation is at risk
** its influence is a common function of time times its weight, so each
** cluster is summarised by the weight it has at risk and a constant, and
** the variance is a quadratic form in three running sums.  The cost is one
** pass over the sorted observations.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/km_internal.h"
#include "core/internal.h"

/* A sum with Neumaier's compensation: the running sums below go up and
** down by many terms, and their final values can be far smaller than the
** terms that passed through them. */
typedef struct km_sum {
    double s, c;
} km_sum;

static void km_sum_add(km_sum *a, double x)
{
    double t = a->s + x;

    if (fabs(a->s) >= fabs(x))
        a->c += (a->s - t) + x;
    else
        a->c += (x - t) + a->s;
    a->s = t;
}

static double km_sum_value(const km_sum *a)
{
    return a->s + a->c;
}

/*
** State of one curve's pass.  In the scale u = influence / S(t), cluster k
** has u_k(t) = beta(t) W_k(t) + rho_k, with W_k its weight at risk, and
** influence on the cumulative hazard -gamma(t) W_k(t) + q_k.  The sums
** A = sum W^2, B = sum W rho, C = sum rho^2, B2 = sum W q, C2 = sum q^2
** give both variances.
*/
typedef struct km_robust_state {
    double *at_risk;      /* W_k */
    double *rho;          /* rho_k */
    double *q;            /* q_k */
    uint32_t *members;    /* observations of cluster k at risk */
    km_sum a, b, c, b2, c2;
} km_robust_state;

/* Move cluster k by (dw, drho, dq) and `dm` members, keeping the sums. */
static void km_robust_move(km_robust_state *st, size_t k, double dw,
                           double drho, double dq, int dm)
{
    double w = st->at_risk[k], r = st->rho[k], q = st->q[k];

    km_sum_add(&st->a, -w * w);
    km_sum_add(&st->b, -w * r);
    km_sum_add(&st->c, -r * r);
    km_sum_add(&st->b2, -w * q);
    km_sum_add(&st->c2, -q * q);
    st->members[k] = (uint32_t)((int64_t)st->members[k] + dm);
    /* As R does: a cluster with no one left at risk has weight exactly 0,
    ** not the round-off of its subtractions. */
    w = st->members[k] == 0 ? 0.0 : w + dw;
    r += drho;
    q += dq;
    st->at_risk[k] = w;
    st->rho[k] = r;
    st->q[k] = q;
    km_sum_add(&st->a, w * w);
    km_sum_add(&st->b, w * r);
    km_sum_add(&st->c, r * r);
    km_sum_add(&st->b2, w * q);
    km_sum_add(&st->c2, q * q);
}

/*
** Stable partition of a sorted order by group: on return the observations
** of group g are order[first[g] .. first[g + 1]), ascending in time.
*/
static void km_robust_partition(const onc_sorted *s, const int32_t *group,
                                size_t n_groups, uint32_t *order,
                                size_t *first)
{
    size_t g, i, pos = 0;

    memset(first, 0, (n_groups + 1) * sizeof *first);
    for (i = 0; i < s->n; i++) {
        uint32_t idx = onc_sorted_payload(s, i);
        first[(group != NULL ? (size_t)group[idx] : 0) + 1]++;
    }
    for (g = 0; g < n_groups; g++) {
        pos += first[g + 1];
        first[g + 1] = pos;
    }
    for (i = 0; i < s->n; i++) {
        uint32_t idx = onc_sorted_payload(s, i);
        size_t gg = group != NULL ? (size_t)group[idx] : 0;
        order[first[gg]++] = idx;
    }
    /* first[g] now holds the end of group g; shift back to the starts. */
    for (g = n_groups; g > 0; g--)
        first[g] = first[g - 1];
    first[0] = 0;
}

/*
** One curve.  With h = d/n at an event time t_j (weighted counts), R's
** recursion for the influence of cluster k on S is
**     I_k(t_j) = I_k(t_j-1) (1 - h) + S(t_j-1) (h / n) Y_k - S(t_j-1) dN_k / n
** (Y_k weight at risk, dN_k weighted events of k at t_j).  Divided by S(t_j)
** the first two terms become u_k += W_k d / (n (n - d)): while a member is
** at risk its share of u grows with the Greenwood sum beta(t).  A member
** entering at s starts from 0 (rho -= w beta(s)); at its exit the at-risk
** share is frozen into rho, less w / (n - d) for an event.  For the hazard
** the same bookkeeping uses gamma(t) = sum d / n^2 and + w / n for an event.
** Var S(t) = S(t)^2 sum_k u_k^2 = S^2 (beta^2 A + 2 beta B + C) and
** Var H(t) = gamma^2 A - 2 gamma B2 + C2.  Once n = d the curve is 0 and
** so is every influence on it.
*/
static void km_robust_curve(onc_km_curve *c, km_robust_state *st,
                            const uint32_t *exits, size_t n_exits,
                            const uint32_t *entries, size_t n_entries,
                            const double *time, const double *entry,
                            const double *status, const double *weights,
                            const int32_t *cluster)
{
    double beta = 0.0, gamma = 0.0;
    size_t ex = 0, en = 0, j, i;
    int zero = 0;

    memset(&st->a, 0, sizeof st->a);
    st->b = st->c = st->b2 = st->c2 = st->a;
    if (entry == NULL) {
        /* Everyone is at risk from the start. */
        for (i = 0; i < n_exits; i++) {
            uint32_t idx = exits[i];
            size_t k = cluster != NULL ? (size_t)cluster[idx] : idx;
            km_robust_move(st, k, weights != NULL ? weights[idx] : 1.0, 0.0,
                           0.0, 1);
        }
    }
    for (j = 0; j < c->n_rows; j++) {
        onc_km_row *r = &c->rows[j];
        double t = r->time, nrisk = r->n_risk, d = r->n_event;
        int event_row = d > 0.0 && nrisk > 0.0;
        double var_s, var_h;

        /* Entries before t are at risk at t: (entry, exit]. */
        for (; en < n_entries && entry[entries[en]] < t; en++) {
            uint32_t idx = entries[en];
            size_t k = cluster != NULL ? (size_t)cluster[idx] : idx;
            double w = weights != NULL ? weights[idx] : 1.0;
            km_robust_move(st, k, w, -w * beta, w * gamma, 1);
        }
        if (event_row) {
            gamma += d / nrisk / nrisk;
            if (nrisk - d > 0.0)
                beta += d / (nrisk * (nrisk - d));
            else
                zero = 1;
        }
        for (; ex < n_exits && time[exits[ex]] == t; ex++) {
            uint32_t idx = exits[ex];
            size_t k = cluster != NULL ? (size_t)cluster[idx] : idx;
            double w = weights != NULL ? weights[idx] : 1.0;
            double drho = w * beta, dq = -w * gamma;

            if (event_row && status[idx] == 1.0) {
                if (!zero)
                    drho -= w / (nrisk - d);
                dq += w / nrisk;
            }
            km_robust_move(st, k, -w, zero ? 0.0 : drho, dq, -1);
        }
        if (zero) {
            var_s = 0.0;
        } else {
            var_s = beta * beta * km_sum_value(&st->a) +
                    2.0 * beta * km_sum_value(&st->b) + km_sum_value(&st->c);
            var_s = r->surv * r->surv * fmax(var_s, 0.0);
        }
        var_h = gamma * gamma * km_sum_value(&st->a) -
                2.0 * gamma * km_sum_value(&st->b2) + km_sum_value(&st->c2);
        r->std_err = sqrt(var_s);
        r->cumhaz_se = sqrt(fmax(var_h, 0.0));
    }
    /* Leave the cluster slots clean for the next curve. */
    for (i = 0; i < n_exits; i++) {
        size_t k = cluster != NULL ? (size_t)cluster[exits[i]] : exits[i];
        st->at_risk[k] = st->rho[k] = st->q[k] = 0.0;
        st->members[k] = 0;
    }
}

/*
** Infinitesimal-jackknife variance of the Kaplan-Meier curve and of the
** Nelson-Aalen cumulative hazard.
**
** Method: Var S(t) = sum over clusters k of (sum over its observations i of
** w_i dS(t)/dw_i)^2, and likewise for H(t) (Lin & Wei 1989 for the
** sandwich form; R survival 3.5-3 survfitkm.c, type 1, and the
** "survfitkm: robust variance" section of its methods document).
** Inputs: see km_internal.h; arrays of length n.
** Output: rows[].std_err and rows[].cumhaz_se of every curve.
** Preconditions: the rows were built from the same data.
** NaN policy: the inputs were validated by onc_km_fit_groups.
** Cost: one pass; 28 bytes per cluster plus 4 per observation (8 with
** delayed entry).
*/
onc_status km_robust_variance(onc_km_fit *fit, size_t n, const double *time,
                              const double *entry, const double *status,
                              const double *weights, const int32_t *group,
                              const int32_t *cluster, size_t n_clusters,
                              const onc_sorted *exits,
                              const onc_sorted *entries, onc_error *err)
{
    km_robust_state st;
    uint32_t *exit_order = NULL, *entry_order = NULL;
    size_t *exit_first = NULL, *entry_first = NULL;
    size_t m = cluster != NULL ? n_clusters : n, g;
    onc_status rc = ONC_OK;

    memset(&st, 0, sizeof st);
    st.at_risk = onc_callocarray(m, sizeof *st.at_risk);
    st.rho = onc_callocarray(m, sizeof *st.rho);
    st.q = onc_callocarray(m, sizeof *st.q);
    st.members = onc_callocarray(m, sizeof *st.members);
    exit_order = onc_mallocarray(n, sizeof *exit_order);
    exit_first = onc_mallocarray(fit->n_groups + 1, sizeof *exit_first);
    if (entry != NULL) {
        entry_order = onc_mallocarray(n, sizeof *entry_order);
        entry_first = onc_mallocarray(fit->n_groups + 1, sizeof *entry_first);
    }
    if ((m > 0 && (st.at_risk == NULL || st.rho == NULL || st.q == NULL ||
                   st.members == NULL)) ||
        (n > 0 && exit_order == NULL) || exit_first == NULL ||
        (entry != NULL && ((n > 0 && entry_order == NULL) ||
                           entry_first == NULL))) {
        rc = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                           "out of memory for the robust variance of %zu "
                           "observations",
                           n);
        goto cleanup;
    }
    km_robust_partition(exits, group, fit->n_groups, exit_order, exit_first);
    if (entry != NULL)
        km_robust_partition(entries, group, fit->n_groups, entry_order,
                            entry_first);
    for (g = 0; g < fit->n_groups; g++) {
        const uint32_t *en = NULL;
        size_t n_en = 0;

        if (entry != NULL) {
            en = entry_order + entry_first[g];
            n_en = entry_first[g + 1] - entry_first[g];
        }
        km_robust_curve(&fit->curves[g], &st, exit_order + exit_first[g],
                        exit_first[g + 1] - exit_first[g], en, n_en, time,
                        entry, status, weights, cluster);
    }

cleanup:
    free(st.at_risk);
    free(st.rho);
    free(st.q);
    free(st.members);
    free(exit_order);
    free(exit_first);
    free(entry_order);
    free(entry_first);
    return rc;
}
