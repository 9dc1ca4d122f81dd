/*
** ps_design.c -- the propensity design: model, then weights or matched
** sets, with the distribution of the weights per arm.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "core/internal.h"
#include "oncostat/ps_outcome.h"

void onc_ps_design_options_init(onc_ps_design_options *opt)
{
    if (opt == NULL)
        return;
    memset(opt, 0, sizeof *opt);
    opt->method = ONC_PS_METHOD_IPTW;
    onc_ps_weight_options_init(&opt->weight);
    onc_match_options_init(&opt->match);
    onc_ps_fit_options_init(&opt->fit);
}

void onc_ps_design_free(onc_ps_design *design)
{
    if (design == NULL)
        return;
    onc_ps_free(design->model);
    onc_ps_weights_free(design->weights);
    onc_match_free(design->match);
    free(design->coef_z);
    free(design->coef_p);
    free(design->weight);
    free(design->subclass);
    free(design->arms);
    free(design);
}

/* Matched sets: each matched treated patient (data order) opens a set;
** without replacement its controls join it. */
static void ps_design_subclasses(onc_ps_design *d, int replace)
{
    const onc_match_result *m = d->match;
    size_t t, r, i;

    for (i = 0; i < d->n; i++)
        d->subclass[i] = -1;
    for (t = 0; t < m->n_treated; t++) {
        const size_t *row = m->match + t * m->ratio;
        int32_t s = (int32_t)d->n_subclasses;
        int any = 0;

        for (r = 0; r < m->ratio; r++) {
            if (row[r] == ONC_MATCH_NONE)
                continue;
            any = 1;
            if (!replace)
                d->subclass[row[r]] = s;
        }
        if (any) {
            d->subclass[m->treated_rows[t]] = s;
            d->n_subclasses++;
        }
    }
}

/* Wald z and P of each propensity-model coefficient. */
static int ps_design_wald(onc_ps_design *d)
{
    const onc_ps_model *m = d->model;
    const double *coef, *se;
    const int *infinite = NULL;
    size_t j;

    if (m->logistic != NULL) {
        d->n_coef = m->logistic->n_coef;
        coef = m->logistic->coef;
        se = m->logistic->se;
        infinite = m->logistic->infinite;
    } else {
        d->n_coef = (m->n_arms - 1) * m->multinom->n_coef;
        coef = m->multinom->coef;
        se = m->multinom->se;
    }
    d->coef_z = onc_mallocarray(d->n_coef, sizeof *d->coef_z);
    d->coef_p = onc_mallocarray(d->n_coef, sizeof *d->coef_p);
    if (d->coef_z == NULL || d->coef_p == NULL)
        return -1;
    for (j = 0; j < d->n_coef; j++) {
        double z = se[j] > 0.0 ? coef[j] / se[j] : NAN;

        if (!isfinite(z) || (infinite != NULL && infinite[j]))
            z = NAN;
        d->coef_z[j] = z;
        d->coef_p[j] = isnan(z) ? NAN : 2.0 * gsl_cdf_ugaussian_Q(fabs(z));
    }
    return 0;
}

/* Per-arm distribution of the analysis weights. */
static void ps_design_summarise(onc_ps_design *d, const int *arm)
{
    size_t i, a;

    for (a = 0; a < d->n_arms; a++) {
        onc_ps_arm_weights *aw = &d->arms[a];

        memset(aw, 0, sizeof *aw);
        aw->min = INFINITY;
        aw->max = -INFINITY;
        aw->mean = 0.0;
    }
    for (i = 0; i < d->n; i++) {
        onc_ps_arm_weights *aw = &d->arms[arm[i]];
        double w = d->weight[i];

        aw->n++;
        if (!(w > 0.0))
            continue;
        aw->n_weighted++;
        aw->sum += w;
        aw->ess += w * w;       /* the sum of squares until the end */
        if (w < aw->min)
            aw->min = w;
        if (w > aw->max)
            aw->max = w;
        d->n_used++;
    }
    for (a = 0; a < d->n_arms; a++) {
        onc_ps_arm_weights *aw = &d->arms[a];

        if (aw->n_weighted == 0) {
            aw->min = aw->max = aw->mean = NAN;
            aw->ess = 0.0;
            continue;
        }
        aw->mean = aw->sum / (double)aw->n_weighted;
        aw->ess = aw->ess > 0.0 ? aw->sum * aw->sum / aw->ess : 0.0;
    }
}

/*
** The propensity design.
**
** Method: onc_ps_fit (logistic regression for two arms, multinomial for
** more), then onc_ps_weight (IPTW: Rosenbaum & Rubin 1983, Hirano, Imbens
** & Ridder 2003; overlap: Li, Morgan & Zaslavsky 2018) or onc_match_nearest
** on the logit of the score (Austin 2011, Multivar Behav Res 46:399-424);
** see oncostat/ps.h.
** Inputs: x n x p column-major (no intercept); arm n codes 0 .. n_arms-1.
** Outputs: *out (see ps_outcome.h).
** NaN policy: as the estimators (a NaN covariate is ONC_ERR_DATA naming
** the row).
*/
onc_status onc_ps_design_build(const double *x, size_t n, size_t p,
                               const int *arm, size_t n_arms,
                               const onc_ps_design_options *opt,
                               onc_ps_design **out, onc_error *err)
{
    onc_ps_design_options def;
    onc_ps_design *d = NULL;
    onc_status st;

    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_ps_design_build: out is NULL");
    *out = NULL;
    if (opt == NULL) {
        onc_ps_design_options_init(&def);
        opt = &def;
    }
    if (opt->method != ONC_PS_METHOD_IPTW && opt->method != ONC_PS_METHOD_OVERLAP &&
        opt->method != ONC_PS_METHOD_MATCH)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "unknown propensity method %d", (int)opt->method);
    if (opt->method == ONC_PS_METHOD_MATCH && n_arms != 2)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "matching compares two arms, not %zu; use weights "
                             "(IPTW or overlap) for more", n_arms);
    d = calloc(1, sizeof *d);
    if (d == NULL)
        goto nomem;
    d->n = n;
    d->n_arms = n_arms;
    d->method = opt->method;
    st = onc_ps_fit(x, n, p, arm, n_arms, NULL, &opt->fit, &d->model, err);
    if (st != ONC_OK)
        goto cleanup;
    d->weight = onc_mallocarray(n, sizeof *d->weight);
    d->arms = onc_callocarray(n_arms, sizeof *d->arms);
    if (d->weight == NULL || d->arms == NULL || ps_design_wald(d) != 0)
        goto nomem;
    if (opt->method == ONC_PS_METHOD_MATCH) {
        st = onc_match_nearest(d->model->logit, arm, n, &opt->match, &d->match, err);
        if (st != ONC_OK)
            goto cleanup;
        d->subclass = onc_mallocarray(n, sizeof *d->subclass);
        if (d->subclass == NULL)
            goto nomem;
        memcpy(d->weight, d->match->weight, n * sizeof *d->weight);
        ps_design_subclasses(d, opt->match.replace);
    } else {
        onc_ps_weight_options wopt = opt->weight;

        if (opt->method == ONC_PS_METHOD_OVERLAP) {
            wopt.estimand = ONC_PS_OVERLAP;
            wopt.stabilize = 0;
        }
        st = onc_ps_weight(d->model->ps, n, n_arms, arm, &wopt, &d->weights, err);
        if (st != ONC_OK)
            goto cleanup;
        memcpy(d->weight, d->weights->weight, n * sizeof *d->weight);
    }
    ps_design_summarise(d, arm);
    *out = d;
    return ONC_OK;

nomem:
    st = onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL,
                       "propensity design: out of memory for %zu patients", n);
cleanup:
    onc_ps_design_free(d);
    return st;
}
