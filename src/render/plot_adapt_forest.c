/*
** plot_adapt_forest.c -- forest-plot rows from Cox models: one row per
** coefficient of a multivariable model, or the subgroup analysis of one
** treatment effect with likelihood-ratio tests for interaction.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "oncostat/plot_adapt.h"
#include "core/internal.h"

/* More subgroup levels than a forest plot can show (FOREST_MAX_ROWS). */
#define FOREST_ADAPT_MAX_ROWS 500

/* ------------------------------------------------------------------ */
/* The table                                                           */
/* ------------------------------------------------------------------ */

void onc_plot_forest_table_free(onc_plot_forest_table *t)
{
    size_t i;

    if (t == NULL)
        return;
    for (i = 0; t->labels != NULL && i < t->n_rows; i++)
        free(t->labels[i]);
    free(t->labels);
    free(t->rows);
    free(t->log_hr);
    free(t->se);
    free(t->p_value);
    free(t->infinite);
    free(t->lr_chisq);
    free(t->lr_df);
    free(t->n_missing);
    free(t);
}

/* A table of n rows with every number NaN; labels are set later. */
static onc_plot_forest_table *forest_table_new(size_t n)
{
    onc_plot_forest_table *t = calloc(1, sizeof *t);
    size_t i, m = n ? n : 1;

    if (t == NULL)
        return NULL;
    t->n_rows = n;
    t->rows = onc_callocarray(m, sizeof *t->rows);
    t->labels = onc_callocarray(m, sizeof *t->labels);
    t->log_hr = onc_mallocarray(m, sizeof *t->log_hr);
    t->se = onc_mallocarray(m, sizeof *t->se);
    t->p_value = onc_mallocarray(m, sizeof *t->p_value);
    t->infinite = onc_callocarray(m, sizeof *t->infinite);
    t->lr_chisq = onc_mallocarray(m, sizeof *t->lr_chisq);
    t->lr_df = onc_mallocarray(m, sizeof *t->lr_df);
    t->n_missing = onc_callocarray(m, sizeof *t->n_missing);
    if (t->rows == NULL || t->labels == NULL || t->log_hr == NULL || t->se == NULL ||
        t->p_value == NULL || t->infinite == NULL || t->lr_chisq == NULL ||
        t->lr_df == NULL || t->n_missing == NULL) {
        onc_plot_forest_table_free(t);
        return NULL;
    }
    for (i = 0; i < n; i++) {
        t->rows[i].hr = t->rows[i].lower = t->rows[i].upper = NAN;
        t->rows[i].p_interaction = NAN;
        t->log_hr[i] = t->se[i] = t->p_value[i] = NAN;
        t->lr_chisq[i] = t->lr_df[i] = NAN;
    }
    return t;
}

/* Set row i's label from a format; -1 when out of memory. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int forest_label(onc_plot_forest_table *t, size_t i, const char *fmt, ...)
{
    va_list ap;
    int len;
    char *s;

    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0)
        return -1;
    s = malloc((size_t)len + 1);
    if (s == NULL)
        return -1;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)len + 1, fmt, ap);
    va_end(ap);
    free(t->labels[i]);
    t->labels[i] = s;
    t->rows[i].label = s;
    return 0;
}

/*
** Copy coefficient j of a fit into row i.  What cannot be drawn on a log
** axis is not drawn: an aliased or infinite coefficient gives "NE", a
** lower limit that underflowed to 0 becomes an open (arrow) end.
*/
static void forest_set_estimate(onc_plot_forest_table *t, size_t i, const onc_cox_fit *fit,
                                size_t j)
{
    onc_plot_forest_row *r = &t->rows[i];
    int aliased = fit->aliased != NULL && fit->aliased[j];
    int infinite = fit->infinite != NULL && fit->infinite[j];

    t->log_hr[i] = fit->coef[j];
    t->se[i] = fit->robust && fit->robust_se != NULL ? fit->robust_se[j] : fit->se[j];
    t->p_value[i] = fit->p_value[j];
    t->infinite[i] = infinite;
    /* An interval unbounded on both sides (the lower limit underflows to 0,
    ** the upper overflows) comes from a monotone likelihood that R does not
    ** always flag: its estimate means nothing either. */
    if (aliased || infinite || !isfinite(fit->hr[j]) || !(fit->hr[j] > 0) ||
        (!(fit->lower[j] > 0) && !isfinite(fit->upper[j]))) {
        r->hr = r->lower = r->upper = NAN;
        return;
    }
    r->hr = fit->hr[j];
    r->lower = fit->lower[j] > 0 ? fit->lower[j] : NAN;
    r->upper = fit->upper[j] > 0 ? fit->upper[j] : NAN;
}

/* ------------------------------------------------------------------ */
/* Multivariable model                                                 */
/* ------------------------------------------------------------------ */

/* Is column j of the n x p matrix x an indicator (every value 0 or 1)? */
static int forest_is_indicator(const double *x, size_t n, size_t j)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (x[i + j * n] != 0 && x[i + j * n] != 1)
            return 0;
    return 1;
}

static void forest_count(const onc_cox_data *d, size_t j, onc_plot_forest_row *r)
{
    size_t i, n = 0, events = 0;
    int indicator = forest_is_indicator(d->x, d->n, j);

    for (i = 0; i < d->n; i++)
        if (!indicator || d->x[i + j * d->n] == 1) {
            n++;
            events += d->status[i] == 1;
        }
    r->n = n;
    r->events = events;
}

onc_status onc_plot_forest_from_cox(const onc_cox_fit *fit, const onc_cox_data *d,
                                    const onc_model_column *cols,
                                    onc_plot_forest_table **out, onc_error *err)
{
    onc_plot_forest_table *t = NULL;
    size_t j;

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "forest rows: no output given");
    *out = NULL;
    if (fit == NULL || d == NULL || cols == NULL || fit->p == 0 || d->p != fit->p ||
        d->n != fit->n || d->x == NULL || d->status == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "forest rows: a fitted model with at least one coefficient, "
                             "its data and its column names are required");
    /* One row per coefficient and no headers: the figure indents every row
    ** after a header, which would put the terms that follow a factor under
    ** it. */
    if (fit->p > FOREST_ADAPT_MAX_ROWS)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "forest rows: the model has %zu coefficients; a forest plot "
                             "shows at most %d rows", fit->p, FOREST_ADAPT_MAX_ROWS);
    t = forest_table_new(fit->p);
    if (t == NULL)
        goto nomem;
    for (j = 0; j < fit->p; j++) {
        const onc_model_column *c = &cols[j];
        int factor = c->level != NULL && strchr(c->term, ':') == NULL, ok;

        if (factor && c->reference != NULL)
            ok = forest_label(t, j, "%s (%s vs %s)", c->variable, c->level, c->reference);
        else if (factor)
            ok = forest_label(t, j, "%s %s", c->variable, c->level);
        else
            ok = forest_label(t, j, "%s", c->name);
        if (ok != 0)
            goto nomem;
        forest_count(d, j, &t->rows[j]);
        forest_set_estimate(t, j, fit, j);
    }
    *out = t;
    return ONC_OK;

nomem:
    onc_plot_forest_table_free(t);
    return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL, "forest rows: out of memory");
}

/* ------------------------------------------------------------------ */
/* Subgroup analysis                                                   */
/* ------------------------------------------------------------------ */

/* The rows of one model, gathered from the full data. */
typedef struct forest_subset {
    size_t cap, n, p, cap_x;
    double *start, *stop, *status, *weights, *x;
    int32_t *strata;
    size_t *row;               /* indices into the full data */
} forest_subset;

static void forest_subset_free(forest_subset *s)
{
    free(s->start);
    free(s->stop);
    free(s->status);
    free(s->weights);
    free(s->x);
    free(s->strata);
    free(s->row);
}

static int forest_subset_init(forest_subset *s, const onc_plot_subgroup_data *d)
{
    size_t m = d->n ? d->n : 1;

    memset(s, 0, sizeof *s);
    s->cap = d->n;
    s->stop = onc_mallocarray(m, sizeof *s->stop);
    s->status = onc_mallocarray(m, sizeof *s->status);
    s->row = onc_mallocarray(m, sizeof *s->row);
    if (d->start != NULL)
        s->start = onc_mallocarray(m, sizeof *s->start);
    if (d->weights != NULL)
        s->weights = onc_mallocarray(m, sizeof *s->weights);
    if (d->strata != NULL)
        s->strata = onc_mallocarray(m, sizeof *s->strata);
    if (s->stop == NULL || s->status == NULL || s->row == NULL ||
        (d->start != NULL && s->start == NULL) || (d->weights != NULL && s->weights == NULL) ||
        (d->strata != NULL && s->strata == NULL))
        return -1;
    return 0;
}

/* Keep the rows whose code is `level` (or >= 0 when level is -1; every row
** when code is NULL). */
static void forest_subset_select(forest_subset *s, const onc_plot_subgroup_data *d,
                                 const int32_t *code, int32_t level)
{
    size_t i, k = 0;

    for (i = 0; i < d->n; i++) {
        if (code != NULL && (level < 0 ? code[i] < 0 : code[i] != level))
            continue;
        s->row[k] = i;
        s->stop[k] = d->stop[i];
        s->status[k] = d->status[i];
        if (s->start != NULL)
            s->start[k] = d->start[i];
        if (s->weights != NULL)
            s->weights[k] = d->weights[i];
        if (s->strata != NULL)
            s->strata[k] = d->strata[i];
        k++;
    }
    s->n = k;
}

/* Room for a p-column model matrix of the selected rows. */
static int forest_subset_columns(forest_subset *s, size_t p)
{
    size_t need;

    if (onc_mul_overflow(s->n ? s->n : 1, p, &need) != 0)
        return -1;
    if (need > s->cap_x) {
        double *x = onc_reallocarray(s->x, need, sizeof *x);
        if (x == NULL)
            return -1;
        s->x = x;
        s->cap_x = need;
    }
    s->p = p;
    return 0;
}

static void forest_subset_data(const forest_subset *s, onc_cox_data *cd)
{
    memset(cd, 0, sizeof *cd);
    cd->n = s->n;
    cd->p = s->p;
    cd->x = s->x;
    cd->start = s->start;
    cd->stop = s->stop;
    cd->status = s->status;
    cd->weights = s->weights;
    cd->strata = s->strata;
}

/* Events among the selected rows, and whether the treatment varies. */
static void forest_subset_describe(const forest_subset *s, const double *treatment,
                                   size_t *events, int *varies)
{
    size_t i;

    *events = 0;
    *varies = 0;
    for (i = 0; i < s->n; i++) {
        *events += s->status[i] == 1;
        if (treatment[s->row[i]] != treatment[s->row[0]])
            *varies = 1;
    }
}

/* Fit the selected rows with the treatment as the only column; the row
** gets its counts and, when estimable, the hazard ratio. */
static onc_status forest_fit_row(forest_subset *s, const onc_plot_subgroup_data *d,
                                 const onc_cox_options *opt, onc_plot_forest_table *t,
                                 size_t row, const char *what, onc_error *err)
{
    onc_cox_fit *fit = NULL;
    onc_cox_data cd;
    onc_error inner;
    size_t events, i;
    int varies;
    onc_status st;

    forest_subset_describe(s, d->treatment, &events, &varies);
    t->rows[row].n = s->n;
    t->rows[row].events = events;
    if (events == 0 || !varies)
        return ONC_OK;          /* not estimable: "NE" */
    if (forest_subset_columns(s, 1) != 0)
        return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                             "forest rows: out of memory");
    for (i = 0; i < s->n; i++)
        s->x[i] = d->treatment[s->row[i]];
    forest_subset_data(s, &cd);
    onc_error_clear(&inner);
    st = onc_cox_fit_model(&cd, opt, &fit, &inner);
    if (st != ONC_OK)
        return onc_error_set(err, st, NULL, 0, 0, NULL, "subgroup %s: %s", what,
                             inner.message[0] ? inner.message : onc_status_string(st));
    forest_set_estimate(t, row, fit, 0);
    onc_cox_fit_free(fit);
    return ONC_OK;
}

/*
** Likelihood-ratio test of treatment x variable on the rows where the
** variable is known: the models treatment + levels and treatment * levels,
** with levels coded against the first level present (R's treatment
** contrasts; which level is first does not change the test).
*/
static onc_status forest_interaction(forest_subset *s, const onc_plot_subgroup_data *d,
                                     const onc_plot_subgroup *g, const onc_cox_options *opt,
                                     double *chisq, double *df, double *p, onc_error *err)
{
    onc_cox_fit *f0 = NULL, *f1 = NULL;
    onc_cox_data cd;
    onc_error inner;
    int32_t *present = NULL;
    size_t n_present = 0, i, k, events;
    int varies;
    onc_status st = ONC_OK;

    *chisq = *df = *p = NAN;
    forest_subset_select(s, d, g->code, -1);
    forest_subset_describe(s, d->treatment, &events, &varies);
    if (s->n == 0 || events == 0 || !varies)
        return ONC_OK;
    present = onc_callocarray(g->n_levels, sizeof *present);
    if (present == NULL)
        goto nomem;
    for (i = 0; i < s->n; i++)
        present[g->code[s->row[i]]] = 1;
    for (k = 0; k < g->n_levels; k++)
        if (present[k])
            present[n_present++] = (int32_t)k;
    if (n_present < 2)
        goto cleanup;
    /* columns: treatment, L - 1 level indicators, L - 1 products */
    if (forest_subset_columns(s, 2 * n_present - 1) != 0)
        goto nomem;
    for (i = 0; i < s->n; i++) {
        double trt = d->treatment[s->row[i]];
        int32_t c = g->code[s->row[i]];
        s->x[i] = trt;
        for (k = 1; k < n_present; k++) {
            double ind = c == present[k] ? 1.0 : 0.0;
            s->x[i + k * s->n] = ind;
            s->x[i + (k + n_present - 1) * s->n] = trt * ind;
        }
    }
    forest_subset_data(s, &cd);
    onc_error_clear(&inner);
    st = onc_cox_fit_model(&cd, opt, &f1, &inner);
    if (st == ONC_OK) {
        cd.p = n_present;          /* the first columns: the additive model */
        st = onc_cox_fit_model(&cd, opt, &f0, &inner);
    }
    if (st != ONC_OK) {
        st = onc_error_set(err, st, NULL, 0, 0, NULL, "interaction with %s: %s", g->name,
                           inner.message[0] ? inner.message : onc_status_string(st));
        goto cleanup;
    }
    *df = f1->df - f0->df;
    if (*df > 0 && isfinite(f1->loglik[1]) && isfinite(f0->loglik[1])) {
        /* a statistic a rounding error below 0 is 0 */
        *chisq = fmax(0.0, 2.0 * (f1->loglik[1] - f0->loglik[1]));
        *p = gsl_cdf_chisq_Q(*chisq, *df);
    }
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL, "forest rows: out of memory");
cleanup:
    onc_cox_fit_free(f0);
    onc_cox_fit_free(f1);
    free(present);
    return st;
}

static onc_status forest_check_subgroups(const onc_plot_subgroup_data *d, size_t *n_rows,
                                         onc_error *err)
{
    size_t s, i, k, rows = 1;

    if (d == NULL || d->n == 0 || d->stop == NULL || d->status == NULL ||
        d->treatment == NULL || (d->n_subgroups > 0 && d->subgroups == NULL))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "subgroup analysis: times, events and the treatment are "
                             "required");
    for (i = 0; i < d->n; i++)
        if (!isfinite(d->treatment[i]))
            return onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, NULL,
                                 "subgroup analysis: row %zu has no treatment value", i + 1);
    for (s = 0; s < d->n_subgroups; s++) {
        const onc_plot_subgroup *g = &d->subgroups[s];
        char *seen;

        if (g->code == NULL || g->name == NULL || (g->n_levels > 0 && g->levels == NULL))
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "subgroup analysis: subgroup %zu has no name, codes or "
                                 "levels", s + 1);
        seen = calloc(g->n_levels ? g->n_levels : 1, 1);
        if (seen == NULL)
            return onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                                 "subgroup analysis: out of memory");
        for (i = 0; i < d->n; i++) {
            if (g->code[i] < -1 || (g->code[i] >= 0 && (size_t)g->code[i] >= g->n_levels)) {
                free(seen);
                return onc_error_set(err, ONC_ERR_USAGE, NULL, i + 1, 0, NULL,
                                     "subgroup analysis: row %zu of '%.100s' has code %ld; "
                                     "there are %zu levels", i + 1, g->name, (long)g->code[i],
                                     g->n_levels);
            }
            if (g->code[i] >= 0)
                seen[g->code[i]] = 1;
        }
        rows++;
        for (k = 0; k < g->n_levels; k++)
            rows += seen[k];
        free(seen);
        if (rows > FOREST_ADAPT_MAX_ROWS)
            return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                                 "subgroup analysis: more than %d rows; a forest plot cannot "
                                 "show them", FOREST_ADAPT_MAX_ROWS);
    }
    *n_rows = rows;
    return ONC_OK;
}

/*
** Subgroup analysis of a treatment effect (oncostat/plot_adapt.h has the
** full contract).  Method: Cox (1972) partial likelihood through
** onc_cox_fit_model, one model per row with the treatment as the only
** column (plus the caller's strata and weights); the heterogeneity of the
** effect is the likelihood-ratio test of the product terms, the test
** recommended over per-subgroup P values (Wang et al., NEJM 2007;
** 357:2189-94).  Inputs: n rows of stop, status, treatment (start, weights,
** strata optional) and n codes per subgroup.  Output: 1 + sum over
** subgroups of (1 + levels with rows) forest rows.  Preconditions: n >= 1,
** codes in -1 .. n_levels-1.  Cost: two fits per subgroup variable and one
** per level, each O(n log n).
*/
onc_status onc_plot_forest_subgroups(const onc_plot_subgroup_data *d,
                                     const onc_cox_options *opt,
                                     onc_plot_forest_table **out, onc_error *err)
{
    onc_plot_forest_table *t = NULL;
    onc_cox_options o;
    forest_subset sub;
    size_t n_rows = 0, row = 0, s, i, k;
    onc_status st;
    char what[256];

    memset(&sub, 0, sizeof sub);
    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "subgroup analysis: no output given");
    *out = NULL;
    if ((st = forest_check_subgroups(d, &n_rows, err)) != ONC_OK)
        return st;
    if (opt != NULL)
        o = *opt;
    else
        onc_cox_options_init(&o);
    o.concordance = 0;          /* not shown; saves a pass per model */
    o.init = NULL;
    t = forest_table_new(n_rows);
    if (t == NULL || forest_subset_init(&sub, d) != 0)
        goto nomem;

    if (forest_label(t, row, "%s", d->overall_label != NULL ? d->overall_label
                                                            : "All patients") != 0)
        goto nomem;
    t->rows[row].is_overall = 1;
    forest_subset_select(&sub, d, NULL, 0);
    if ((st = forest_fit_row(&sub, d, &o, t, row, "all patients", err)) != ONC_OK)
        goto cleanup;
    row++;

    for (s = 0; s < d->n_subgroups; s++) {
        const onc_plot_subgroup *g = &d->subgroups[s];
        size_t header = row, missing = 0;

        for (i = 0; i < d->n; i++)
            missing += g->code[i] < 0;
        if (forest_label(t, row, "%s", g->name) != 0)
            goto nomem;
        t->rows[row].is_header = 1;
        t->n_missing[row] = missing;
        row++;
        for (k = 0; k < g->n_levels; k++) {
            forest_subset_select(&sub, d, g->code, (int32_t)k);
            if (sub.n == 0)
                continue;
            if (forest_label(t, row, "%s", g->levels[k] != NULL ? g->levels[k] : "") != 0)
                goto nomem;
            snprintf(what, sizeof what, "'%.100s = %.100s'", g->name,
                     g->levels[k] != NULL ? g->levels[k] : "");
            if ((st = forest_fit_row(&sub, d, &o, t, row, what, err)) != ONC_OK)
                goto cleanup;
            row++;
        }
        st = forest_interaction(&sub, d, g, &o, &t->lr_chisq[header], &t->lr_df[header],
                                &t->rows[header].p_interaction, err);
        if (st != ONC_OK)
            goto cleanup;
    }
    *out = t;
    t = NULL;
    st = ONC_OK;
    goto cleanup;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL, "subgroup analysis: out of memory");
cleanup:
    forest_subset_free(&sub);
    onc_plot_forest_table_free(t);
    return st;
}
