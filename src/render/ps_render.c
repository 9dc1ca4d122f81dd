/*
** ps_render.c -- propensity-score analyses as text, JSON and CSV, and the
** per-patient weights file (see oncostat/ps_render.h).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "oncostat/ps_render.h"
#include "render/km_render_internal.h"

#define PS_RENDER_DASH "\xe2\x80\x93"  /* en dash between interval limits */
/* Unmatched rows listed in the text output; JSON lists all. */
#define PS_RENDER_ROW_LIST 20

void onc_ps_report_init(onc_ps_report *r)
{
    if (r != NULL)
        memset(r, 0, sizeof *r);
}

/* ---- names ---- */

static const char *ps_render_method_key(onc_ps_method m)
{
    switch (m) {
    case ONC_PS_METHOD_OVERLAP:
        return "overlap";
    case ONC_PS_METHOD_MATCH:
        return "match";
    case ONC_PS_METHOD_IPTW:
    default:
        return "iptw";
    }
}

/* The estimand the design targets. */
static onc_ps_estimand ps_render_estimand(const onc_ps_report *r)
{
    if (r->design->method == ONC_PS_METHOD_OVERLAP)
        return ONC_PS_OVERLAP;
    if (r->design->method == ONC_PS_METHOD_MATCH)
        return ONC_PS_ATT;
    return r->options->weight.estimand;
}

static int ps_render_treated_arm(const onc_ps_report *r)
{
    if (r->design->method == ONC_PS_METHOD_MATCH)
        return r->options->match.treated_arm;
    if (ps_render_estimand(r) == ONC_PS_ATT)
        return r->options->weight.treated_arm;
    return -1;
}

static const char *ps_render_estimand_key(onc_ps_estimand e)
{
    switch (e) {
    case ONC_PS_ATT:
        return "ATT";
    case ONC_PS_OVERLAP:
        return "ATO";
    case ONC_PS_ATE:
    default:
        return "ATE";
    }
}

static const char *ps_render_order_key(onc_match_order o)
{
    switch (o) {
    case ONC_MATCH_SMALLEST:
        return "smallest";
    case ONC_MATCH_DATA:
        return "data";
    case ONC_MATCH_LARGEST:
    default:
        return "largest";
    }
}

static const char *ps_render_arm(const onc_ps_report *r, int a)
{
    return a >= 0 && (size_t)a < r->design->n_arms ? r->arm_labels[a] : "";
}

/* Name of coefficient j of one arm's block. */
static const char *ps_render_coef_name(const onc_ps_report *r, size_t j, char *buf,
                                       size_t cap)
{
    if (j < r->n_coef_names && r->coef_names[j] != NULL)
        return r->coef_names[j];
    snprintf(buf, cap, "x%zu", j);
    return buf;
}

/* ---- numbers for people ---- */

/* A coefficient: three decimals, or three significant digits below 0.01. */
static void ps_render_estimate(double v, char *buf, size_t cap)
{
    if (!isfinite(v))
        snprintf(buf, cap, "%s", isinf(v) ? (v > 0 ? "Inf" : "-Inf") : "NA");
    else if (v != 0.0 && fabs(v) < 0.01)
        snprintf(buf, cap, "%.3g", v);
    else
        snprintf(buf, cap, "%.3f", v);
}

/* A weight: two decimals, or three significant digits below 0.1. */
static void ps_render_weight(double v, char *buf, size_t cap)
{
    if (!isfinite(v))
        snprintf(buf, cap, "NA");
    else if (v != 0.0 && fabs(v) < 0.1)
        snprintf(buf, cap, "%.3g", v);
    else
        snprintf(buf, cap, "%.2f", v);
}

static void ps_render_ratio_ci(double est, double lo, double hi, char *buf, size_t cap)
{
    char a[32], b[32], c[32];

    km_render_fixed(est, 2, a, sizeof a);
    km_render_fixed(lo, 2, b, sizeof b);
    km_render_fixed(hi, 2, c, sizeof c);
    snprintf(buf, cap, "%s (%s" PS_RENDER_DASH "%s)", a, b, c);
}

/* ---- weights file ---- */

static void ps_render_csv_text(FILE *fp, const char *s)
{
    const char *p;

    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (p = s; *p; p++) {
        if (*p == '"')
            fputc('"', fp);
        fputc(*p, fp);
    }
    fputc('"', fp);
}

onc_status onc_ps_write_weights(const onc_ps_weights_file *wf, FILE *fp)
{
    const onc_ps_design *d;
    char num[40];
    size_t i, a;

    if (wf == NULL || fp == NULL || wf->design == NULL || wf->arm == NULL ||
        wf->arm_labels == NULL || wf->rows == NULL ||
        (wf->id_name != NULL && wf->ids == NULL))
        return ONC_ERR_USAGE;
    d = wf->design;
    fputs("row", fp);
    if (wf->id_name != NULL) {
        fputc(',', fp);
        ps_render_csv_text(fp, wf->id_name);
    }
    fputs(",arm", fp);
    for (a = 0; a < d->n_arms; a++) {
        char col[KM_RENDER_CELL];

        snprintf(col, sizeof col, "ps_%s", wf->arm_labels[a]);
        fputc(',', fp);
        ps_render_csv_text(fp, col);
    }
    fputs(",weight", fp);
    if (d->match != NULL)
        fputs(",matched,subclass", fp);
    fputc('\n', fp);
    for (i = 0; i < d->n; i++) {
        fprintf(fp, "%zu", wf->rows[i]);
        if (wf->id_name != NULL) {
            fputc(',', fp);
            ps_render_csv_text(fp, wf->ids[i] != NULL ? wf->ids[i] : "NA");
        }
        fputc(',', fp);
        ps_render_csv_text(fp, wf->arm_labels[wf->arm[i]]);
        for (a = 0; a < d->n_arms; a++) {
            km_render_exact(d->model->ps[a * d->n + i], num, sizeof num);
            fprintf(fp, ",%s", num);
        }
        km_render_exact(d->weight[i], num, sizeof num);
        fprintf(fp, ",%s", num);
        if (d->match != NULL) {
            fprintf(fp, ",%d", d->weight[i] > 0.0);
            if (d->subclass[i] >= 0)
                fprintf(fp, ",%ld", (long)d->subclass[i] + 1);
            else
                fputs(",NA", fp);
        }
        fputc('\n', fp);
    }
    return ferror(fp) ? ONC_ERR_IO : ONC_OK;
}

/* ---- checks ---- */

static onc_status ps_render_check(const onc_ps_report *r)
{
    const onc_ps_design *d;

    if (r == NULL || r->design == NULL || r->options == NULL ||
        r->arm_labels == NULL || r->arm == NULL || r->design->model == NULL)
        return ONC_ERR_USAGE;
    d = r->design;
    if (r->balance != NULL &&
        (r->balance_labels == NULL || r->balance->n_arms != d->n_arms))
        return ONC_ERR_USAGE;
    if (r->positivity != NULL && r->positivity->n_arms != d->n_arms)
        return ONC_ERR_USAGE;
    if (r->result != NULL) {
        size_t a;

        if (r->result->n_arms != d->n_arms || r->result->km == NULL ||
            r->result->cox == NULL || r->result->logrank == NULL ||
            (r->n_times > 0 && r->times == NULL))
            return ONC_ERR_USAGE;
        for (a = 0; a < d->n_arms; a++)
            if (r->result->km->curves[a].n_times != r->n_times)
                return ONC_ERR_USAGE;
    }
    if (r->bootstrap != NULL &&
        (r->result == NULL || r->bootstrap->n_arms != d->n_arms ||
         r->bootstrap->n_times != r->n_times))
        return ONC_ERR_USAGE;
    return ONC_OK;
}


/* ---- JSON ---- */

/* Data rows of the patients left unmatched in the treated arm
** (treated_side = 1) or in the control arm. */
static void ps_json_unmatched(onc_json *j, const onc_ps_report *r, int treated_side)
{
    const onc_ps_design *d = r->design;
    int t = r->options->match.treated_arm;
    size_t i;

    onc_json_array_begin(j);
    for (i = 0; i < d->n; i++)
        if (!(d->weight[i] > 0.0) && (r->arm[i] == t) == treated_side)
            onc_json_integer(j, (long long)(r->rows != NULL ? r->rows[i] : i + 1));
    onc_json_array_end(j);
}

static void ps_json_model(onc_json *j, const onc_ps_report *r)
{
    const onc_ps_model *m = r->design->model;
    const onc_ps_design *d = r->design;
    const onc_logistic_result *lg = m->logistic;
    const onc_multinom_result *mn = m->multinom;
    size_t per_arm = lg != NULL ? lg->n_coef : mn->n_coef;
    size_t c, k;
    char buf[32];

    onc_json_key(j, "model");
    onc_json_object_begin(j);
    onc_json_key(j, "type");
    onc_json_string(j, lg != NULL ? "logistic" : "multinomial");
    onc_json_key(j, "reference_arm");
    onc_json_string(j, r->arm_labels[0]);
    onc_json_key(j, "converged");
    onc_json_bool(j, m->converged);
    onc_json_key(j, "iterations");
    onc_json_integer(j, lg != NULL ? lg->iterations : mn->iterations);
    onc_json_key(j, "separation");
    onc_json_bool(j, m->separation);
    onc_json_key(j, "n_boundary");
    onc_json_integer(j, (long long)(lg != NULL ? lg->n_boundary : mn->n_boundary));
    onc_json_key(j, "deviance");
    onc_json_number(j, lg != NULL ? lg->deviance : mn->deviance);
    onc_json_key(j, "aic");
    onc_json_number(j, lg != NULL ? lg->aic : mn->aic);
    onc_json_key(j, "coefficients");
    onc_json_array_begin(j);
    for (c = 0; c < d->n_coef; c++) {
        k = c % per_arm;
        onc_json_object_begin(j);
        onc_json_key(j, "arm");
        onc_json_string(j, r->arm_labels[1 + c / per_arm]);
        onc_json_key(j, "term");
        onc_json_string(j, ps_render_coef_name(r, k, buf, sizeof buf));
        onc_json_key(j, "estimate");
        onc_json_number(j, lg != NULL ? lg->coef[c] : mn->coef[c]);
        onc_json_key(j, "se");
        onc_json_number(j, lg != NULL ? lg->se[c] : mn->se[c]);
        onc_json_key(j, "z");
        onc_json_number(j, d->coef_z[c]);
        onc_json_key(j, "p");
        onc_json_number(j, d->coef_p[c]);
        onc_json_key(j, "aliased");
        onc_json_bool(j, lg != NULL ? lg->aliased[k] : mn->aliased[k]);
        onc_json_key(j, "infinite");
        onc_json_bool(j, lg != NULL && lg->infinite[k]);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_object_end(j);
}

static void ps_json_design(onc_json *j, const onc_ps_report *r)
{
    const onc_ps_design *d = r->design;
    const onc_ps_design_options *o = r->options;
    size_t a;

    onc_json_key(j, "method");
    onc_json_string(j, ps_render_method_key(d->method));
    onc_json_key(j, "estimand");
    onc_json_string(j, ps_render_estimand_key(ps_render_estimand(r)));
    onc_json_key(j, "treated");
    if (ps_render_treated_arm(r) >= 0)
        onc_json_string(j, ps_render_arm(r, ps_render_treated_arm(r)));
    else
        onc_json_null(j);
    onc_json_key(j, "stabilized");
    onc_json_bool(j, d->method == ONC_PS_METHOD_IPTW && o->weight.stabilize);
    onc_json_key(j, "trim");
    if (d->weights != NULL && !isnan(d->weights->trim_low)) {
        onc_json_object_begin(j);
        onc_json_key(j, "lower_quantile");
        onc_json_number(j, o->weight.trim_lower);
        onc_json_key(j, "upper_quantile");
        onc_json_number(j, o->weight.trim_upper);
        onc_json_key(j, "lower_bound");
        onc_json_number(j, d->weights->trim_low);
        onc_json_key(j, "upper_bound");
        onc_json_number(j, d->weights->trim_high);
        onc_json_key(j, "n_raised");
        onc_json_integer(j, (long long)d->weights->n_trimmed_low);
        onc_json_key(j, "n_lowered");
        onc_json_integer(j, (long long)d->weights->n_trimmed_high);
        onc_json_object_end(j);
    } else {
        onc_json_null(j);
    }
    onc_json_key(j, "matching");
    if (d->match != NULL) {
        const onc_match_result *m = d->match;

        onc_json_object_begin(j);
        onc_json_key(j, "ratio");
        onc_json_integer(j, (long long)m->ratio);
        onc_json_key(j, "replace");
        onc_json_bool(j, o->match.replace);
        onc_json_key(j, "order");
        onc_json_string(j, ps_render_order_key(o->match.order));
        onc_json_key(j, "caliper_sd");
        onc_json_number(j, o->match.caliper > 0.0 && o->match.caliper_in_sd
                               ? o->match.caliper : NAN);
        onc_json_key(j, "caliper");
        onc_json_number(j, m->caliper);
        onc_json_key(j, "n_treated_matched");
        onc_json_integer(j, (long long)m->n_treated_matched);
        onc_json_key(j, "n_treated_unmatched");
        onc_json_integer(j, (long long)(m->n_treated_unmatched + m->n_treated_discarded));
        onc_json_key(j, "n_control_matched");
        onc_json_integer(j, (long long)m->n_control_matched);
        onc_json_key(j, "n_control_unmatched");
        onc_json_integer(j, (long long)(m->n_control_unmatched + m->n_control_discarded));
        onc_json_key(j, "n_subclasses");
        onc_json_integer(j, (long long)d->n_subclasses);
        onc_json_key(j, "unmatched_treated_rows");
        ps_json_unmatched(j, r, 1);
        onc_json_key(j, "unmatched_control_rows");
        ps_json_unmatched(j, r, 0);
        onc_json_object_end(j);
    } else {
        onc_json_null(j);
    }
    onc_json_key(j, "weights");
    onc_json_array_begin(j);
    for (a = 0; a < d->n_arms; a++) {
        const onc_ps_arm_weights *aw = &d->arms[a];

        onc_json_object_begin(j);
        onc_json_key(j, "arm");
        onc_json_string(j, r->arm_labels[a]);
        onc_json_key(j, "n");
        onc_json_integer(j, (long long)aw->n);
        onc_json_key(j, "n_weighted");
        onc_json_integer(j, (long long)aw->n_weighted);
        onc_json_key(j, "sum");
        onc_json_number(j, aw->sum);
        onc_json_key(j, "min");
        onc_json_number(j, aw->min);
        onc_json_key(j, "max");
        onc_json_number(j, aw->max);
        onc_json_key(j, "mean");
        onc_json_number(j, aw->mean);
        onc_json_key(j, "ess");
        onc_json_number(j, aw->ess);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
}

static void ps_json_positivity(onc_json *j, const onc_ps_report *r)
{
    const onc_ps_positivity *pos = r->positivity;
    size_t a, g, k;

    onc_json_key(j, "positivity");
    if (pos == NULL) {
        onc_json_null(j);
        return;
    }
    k = pos->n_arms;
    onc_json_object_begin(j);
    onc_json_key(j, "lower");
    onc_json_number(j, pos->lower);
    onc_json_key(j, "upper");
    onc_json_number(j, pos->upper);
    onc_json_key(j, "scores");
    onc_json_array_begin(j);
    for (a = 0; a < k; a++) {
        onc_json_object_begin(j);
        onc_json_key(j, "arm");
        onc_json_string(j, r->arm_labels[a]);
        onc_json_key(j, "n_below");
        onc_json_integer(j, (long long)pos->n_below[a]);
        onc_json_key(j, "n_above");
        onc_json_integer(j, (long long)pos->n_above[a]);
        onc_json_key(j, "support_low");
        onc_json_number(j, pos->support_low[a]);
        onc_json_key(j, "support_high");
        onc_json_number(j, pos->support_high[a]);
        onc_json_key(j, "n_outside");
        onc_json_integer(j, (long long)pos->n_outside[a]);
        onc_json_key(j, "range");
        onc_json_array_begin(j);
        for (g = 0; g < k; g++) {
            onc_json_object_begin(j);
            onc_json_key(j, "in_arm");
            onc_json_string(j, r->arm_labels[g]);
            onc_json_key(j, "min");
            onc_json_number(j, pos->range_min[a * k + g]);
            onc_json_key(j, "max");
            onc_json_number(j, pos->range_max[a * k + g]);
            onc_json_object_end(j);
        }
        onc_json_array_end(j);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_object_end(j);
}

static const char *ps_render_row_type(const onc_balance_table *b, size_t row)
{
    if (b->row_level[row] >= 0)
        return "level";
    return b->row_binary[row] ? "binary" : "continuous";
}

static void ps_json_numbers(onc_json *j, const double *v, size_t n, size_t stride)
{
    size_t i;

    onc_json_array_begin(j);
    for (i = 0; i < n; i++)
        onc_json_number(j, v[i * stride]);
    onc_json_array_end(j);
}

static void ps_json_balance(onc_json *j, const onc_ps_report *r)
{
    const onc_balance_table *b = r->balance;
    size_t c, row, nr, k;

    onc_json_key(j, "balance");
    if (b == NULL) {
        onc_json_null(j);
        return;
    }
    nr = b->n_rows;
    k = b->n_arms;
    onc_json_object_begin(j);
    onc_json_key(j, "threshold");
    onc_json_number(j, r->balance_threshold > 0.0 ? r->balance_threshold : 0.1);
    onc_json_key(j, "adjusted");
    onc_json_bool(j, b->adjusted);
    onc_json_key(j, "comparisons");
    onc_json_array_begin(j);
    for (c = 0; c < b->n_comparisons; c++) {
        onc_json_object_begin(j);
        onc_json_key(j, "first");
        onc_json_string(j, ps_render_arm(r, b->first_arm[c]));
        onc_json_key(j, "second");
        onc_json_string(j, ps_render_arm(r, b->second_arm[c]));
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_key(j, "ess");
    ps_json_numbers(j, b->ess, k, 1);
    onc_json_key(j, "n_imbalanced_before");
    onc_json_integer(j, (long long)b->n_imbalanced_before);
    onc_json_key(j, "n_imbalanced_after");
    onc_json_integer(j, (long long)b->n_imbalanced_after);
    onc_json_key(j, "rows");
    onc_json_array_begin(j);
    for (row = 0; row < nr; row++) {
        onc_json_object_begin(j);
        onc_json_key(j, "variable");
        onc_json_string(j, r->balance_labels[row]);
        onc_json_key(j, "type");
        onc_json_string(j, ps_render_row_type(b, row));
        onc_json_key(j, "mean_before");
        ps_json_numbers(j, b->mean_before + row, k, nr);
        onc_json_key(j, "mean_after");
        ps_json_numbers(j, b->mean_after + row, k, nr);
        onc_json_key(j, "sd");
        onc_json_number(j, b->sd[row]);
        onc_json_key(j, "smd_before");
        ps_json_numbers(j, b->smd_before + row, b->n_comparisons, nr);
        onc_json_key(j, "smd_after");
        ps_json_numbers(j, b->smd_after + row, b->n_comparisons, nr);
        onc_json_key(j, "variance_ratio_before");
        ps_json_numbers(j, b->variance_ratio_before + row, b->n_comparisons, nr);
        onc_json_key(j, "variance_ratio_after");
        ps_json_numbers(j, b->variance_ratio_after + row, b->n_comparisons, nr);
        onc_json_key(j, "max_abs_smd_before");
        onc_json_number(j, b->max_smd_before[row]);
        onc_json_key(j, "max_abs_smd_after");
        onc_json_number(j, b->max_smd_after[row]);
        onc_json_key(j, "imbalanced_before");
        onc_json_bool(j, b->imbalanced_before[row]);
        onc_json_key(j, "imbalanced_after");
        onc_json_bool(j, b->imbalanced_after[row]);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_object_end(j);
}

static void ps_json_outcome(onc_json *j, const onc_ps_report *r)
{
    const onc_ps_outcome *o = r->result;
    const onc_ps_bootstrap *bs = r->bootstrap;
    const onc_cox_fit *f;
    size_t a, t, c;

    onc_json_key(j, "outcome");
    if (o == NULL) {
        onc_json_null(j);
        return;
    }
    f = o->cox;
    onc_json_object_begin(j);
    onc_json_key(j, "formula");
    onc_json_string(j, r->outcome);
    onc_json_key(j, "n");
    onc_json_integer(j, (long long)o->n);
    onc_json_key(j, "variance");
    onc_json_string(j, "robust");
    onc_json_key(j, "clustered");
    onc_json_bool(j, o->clustered);
    onc_json_key(j, "n_clusters");
    onc_json_integer(j, (long long)o->n_clusters);
    onc_json_key(j, "conf_level");
    onc_json_number(j, o->km->conf_level);
    onc_json_key(j, "arms");
    onc_json_array_begin(j);
    for (a = 0; a < o->n_arms; a++) {
        const onc_km_curve *cv = &o->km->curves[a];

        onc_json_object_begin(j);
        onc_json_key(j, "arm");
        onc_json_string(j, r->arm_labels[a]);
        onc_json_key(j, "n");
        onc_json_integer(j, (long long)cv->n);
        onc_json_key(j, "weighted_n");
        onc_json_number(j, cv->n_weighted);
        onc_json_key(j, "events");
        onc_json_number(j, cv->events);
        onc_json_key(j, "median");
        onc_json_number(j, cv->median.estimate);
        onc_json_key(j, "median_lower");
        onc_json_number(j, cv->median.lower);
        onc_json_key(j, "median_upper");
        onc_json_number(j, cv->median.upper);
        onc_json_key(j, "at_times");
        onc_json_array_begin(j);
        for (t = 0; t < cv->n_times; t++) {
            const onc_km_at_time *at = &cv->at_times[t];

            onc_json_object_begin(j);
            onc_json_key(j, "time");
            onc_json_number(j, at->time);
            onc_json_key(j, "n_risk");
            onc_json_number(j, at->n_risk);
            onc_json_key(j, "surv");
            onc_json_number(j, at->surv);
            onc_json_key(j, "std_err");
            onc_json_number(j, at->std_err);
            onc_json_key(j, "lower");
            onc_json_number(j, at->lower);
            onc_json_key(j, "upper");
            onc_json_number(j, at->upper);
            if (bs != NULL) {
                size_t cell = a * bs->n_times + t;

                onc_json_key(j, "boot_n");
                onc_json_integer(j, (long long)bs->surv_n[cell]);
                onc_json_key(j, "boot_se");
                onc_json_number(j, bs->surv_se[cell]);
                onc_json_key(j, "boot_lower");
                onc_json_number(j, bs->surv_lower[cell]);
                onc_json_key(j, "boot_upper");
                onc_json_number(j, bs->surv_upper[cell]);
            }
            onc_json_object_end(j);
        }
        onc_json_array_end(j);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);

    onc_json_key(j, "cox");
    onc_json_object_begin(j);
    onc_json_key(j, "ties");
    onc_json_string(j, f->ties == ONC_TIES_BRESLOW ? "breslow"
                       : f->ties == ONC_TIES_EXACT ? "exact" : "efron");
    onc_json_key(j, "n");
    onc_json_integer(j, (long long)f->n);
    onc_json_key(j, "events");
    onc_json_integer(j, (long long)f->n_events);
    onc_json_key(j, "weighted_events");
    onc_json_number(j, f->weighted_events);
    onc_json_key(j, "converged");
    onc_json_bool(j, f->converged);
    onc_json_key(j, "iterations");
    onc_json_integer(j, f->iterations);
    onc_json_key(j, "loglik");
    ps_json_numbers(j, f->loglik, 2, 1);
    onc_json_key(j, "hazard_ratios");
    onc_json_array_begin(j);
    for (c = 0; c < f->p; c++) {
        onc_json_object_begin(j);
        onc_json_key(j, "arm");
        onc_json_string(j, ps_render_arm(r, o->coef_arm[c]));
        onc_json_key(j, "reference");
        onc_json_string(j, ps_render_arm(r, o->reference_arm));
        onc_json_key(j, "coef");
        onc_json_number(j, f->coef[c]);
        onc_json_key(j, "se");
        onc_json_number(j, f->se[c]);
        onc_json_key(j, "robust_se");
        onc_json_number(j, f->robust_se != NULL ? f->robust_se[c] : NAN);
        onc_json_key(j, "hr");
        onc_json_number(j, f->hr[c]);
        onc_json_key(j, "lower");
        onc_json_number(j, f->lower[c]);
        onc_json_key(j, "upper");
        onc_json_number(j, f->upper[c]);
        onc_json_key(j, "p");
        onc_json_number(j, f->p_value[c]);
        if (bs != NULL) {
            onc_json_key(j, "boot_n");
            onc_json_integer(j, (long long)bs->log_hr_n[c]);
            onc_json_key(j, "boot_se_log");
            onc_json_number(j, bs->log_hr_se[c]);
            onc_json_key(j, "boot_lower");
            onc_json_number(j, bs->hr_lower[c]);
            onc_json_key(j, "boot_upper");
            onc_json_number(j, bs->hr_upper[c]);
        }
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_object_end(j);

    onc_json_key(j, "logrank");
    onc_json_object_begin(j);
    onc_json_key(j, "observed");
    ps_json_numbers(j, o->logrank->observed, o->n_arms, 1);
    onc_json_key(j, "expected");
    ps_json_numbers(j, o->logrank->expected, o->n_arms, 1);
    onc_json_key(j, "chisq_model");
    onc_json_number(j, o->logrank->chisq);
    onc_json_key(j, "df_model");
    onc_json_integer(j, (long long)o->logrank->df);
    onc_json_key(j, "p_model");
    onc_json_number(j, o->logrank->p_value);
    onc_json_key(j, "chisq_robust");
    onc_json_number(j, o->score_chisq);
    onc_json_key(j, "df_robust");
    onc_json_number(j, o->score_df);
    onc_json_key(j, "p_robust");
    onc_json_number(j, o->score_p);
    onc_json_object_end(j);

    onc_json_key(j, "bootstrap");
    if (bs != NULL) {
        onc_json_object_begin(j);
        onc_json_key(j, "replicates");
        onc_json_integer(j, (long long)bs->replicates);
        onc_json_key(j, "seed");
        onc_json_integer(j, (long long)bs->seed);
        onc_json_key(j, "threads");
        onc_json_integer(j, (long long)bs->threads);
        onc_json_key(j, "n_failed");
        onc_json_integer(j, (long long)bs->n_failed);
        onc_json_key(j, "conf_level");
        onc_json_number(j, bs->conf_level);
        onc_json_key(j, "interval");
        onc_json_string(j, "percentile");
        onc_json_object_end(j);
    } else {
        onc_json_null(j);
    }
    onc_json_object_end(j);
}

static onc_status ps_render_json(const onc_ps_report *r, FILE *fp)
{
    onc_json *j = onc_json_new(fp, 2);
    size_t a;
    onc_status rc;

    if (j == NULL)
        return ONC_ERR_NOMEM;
    onc_json_object_begin(j);
    onc_json_key(j, "analysis");
    onc_json_string(j, "propensity-score");
    onc_json_key(j, "formula");
    onc_json_string(j, r->formula);
    onc_json_key(j, "treatment");
    onc_json_string(j, r->treatment);
    onc_json_key(j, "arms");
    onc_json_array_begin(j);
    for (a = 0; a < r->design->n_arms; a++)
        onc_json_string(j, r->arm_labels[a]);
    onc_json_array_end(j);
    ps_json_design(j, r);
    ps_json_model(j, r);
    ps_json_positivity(j, r);
    ps_json_balance(j, r);
    ps_json_outcome(j, r);
    if (r->excluded != NULL)
        onc_json_exclusions(j, r->excluded);
    onc_json_object_end(j);
    rc = onc_json_finish(j);
    onc_json_free(j);
    return rc;
}

/* ---- CSV: the balance table ---- */

static onc_status ps_render_balance_csv(const onc_ps_report *r, FILE *fp)
{
    const onc_balance_table *b = r->balance;
    size_t k, nc, n_cols, col, row, a, c;
    km_render_cells head, cells;
    onc_table *t = NULL;
    onc_status rc = ONC_OK;

    if (b == NULL)
        return ONC_ERR_USAGE;
    k = b->n_arms;
    nc = b->n_comparisons;
    n_cols = 3 + 2 * k + 4 * nc + 4;
    memset(&head, 0, sizeof head);
    memset(&cells, 0, sizeof cells);
    if (km_render_cells_alloc(&head, n_cols) != 0 ||
        km_render_cells_alloc(&cells, n_cols) != 0) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    col = 0;
    snprintf(head.text[col++], KM_RENDER_CELL, "variable");
    snprintf(head.text[col++], KM_RENDER_CELL, "type");
    for (a = 0; a < k; a++)
        snprintf(head.text[col++], KM_RENDER_CELL, "mean_before_%s", r->arm_labels[a]);
    for (a = 0; a < k; a++)
        snprintf(head.text[col++], KM_RENDER_CELL, "mean_after_%s", r->arm_labels[a]);
    snprintf(head.text[col++], KM_RENDER_CELL, "sd");
    for (c = 0; c < nc; c++) {
        const char *f = ps_render_arm(r, b->first_arm[c]);
        const char *s = ps_render_arm(r, b->second_arm[c]);

        snprintf(head.text[col++], KM_RENDER_CELL, "smd_before_%s_vs_%s", f, s);
        snprintf(head.text[col++], KM_RENDER_CELL, "smd_after_%s_vs_%s", f, s);
        snprintf(head.text[col++], KM_RENDER_CELL, "vr_before_%s_vs_%s", f, s);
        snprintf(head.text[col++], KM_RENDER_CELL, "vr_after_%s_vs_%s", f, s);
    }
    snprintf(head.text[col++], KM_RENDER_CELL, "max_abs_smd_before");
    snprintf(head.text[col++], KM_RENDER_CELL, "max_abs_smd_after");
    snprintf(head.text[col++], KM_RENDER_CELL, "imbalanced_before");
    snprintf(head.text[col++], KM_RENDER_CELL, "imbalanced_after");
    t = onc_table_new(n_cols, head.ptr, NULL);
    if (t == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (row = 0; row < b->n_rows && rc == ONC_OK; row++) {
        size_t nr = b->n_rows;

        col = 0;
        snprintf(cells.text[col++], KM_RENDER_CELL, "%s", r->balance_labels[row]);
        snprintf(cells.text[col++], KM_RENDER_CELL, "%s", ps_render_row_type(b, row));
        for (a = 0; a < k; a++)
            km_render_exact(b->mean_before[a * nr + row], cells.text[col++], KM_RENDER_CELL);
        for (a = 0; a < k; a++)
            km_render_exact(b->mean_after[a * nr + row], cells.text[col++], KM_RENDER_CELL);
        km_render_exact(b->sd[row], cells.text[col++], KM_RENDER_CELL);
        for (c = 0; c < nc; c++) {
            km_render_exact(b->smd_before[c * nr + row], cells.text[col++], KM_RENDER_CELL);
            km_render_exact(b->smd_after[c * nr + row], cells.text[col++], KM_RENDER_CELL);
            km_render_exact(b->variance_ratio_before[c * nr + row], cells.text[col++],
                            KM_RENDER_CELL);
            km_render_exact(b->variance_ratio_after[c * nr + row], cells.text[col++],
                            KM_RENDER_CELL);
        }
        km_render_exact(b->max_smd_before[row], cells.text[col++], KM_RENDER_CELL);
        km_render_exact(b->max_smd_after[row], cells.text[col++], KM_RENDER_CELL);
        snprintf(cells.text[col++], KM_RENDER_CELL, "%d", b->imbalanced_before[row]);
        snprintf(cells.text[col++], KM_RENDER_CELL, "%d", b->imbalanced_after[row]);
        rc = onc_table_add_row(t, cells.ptr);
    }
    if (rc == ONC_OK)
        rc = onc_table_write_csv(t, fp);
cleanup:
    onc_table_free(t);
    km_render_cells_free(&head);
    km_render_cells_free(&cells);
    return rc;
}

/* ---- text ---- */

/* Write a table built by the caller and free it. */
static onc_status ps_text_table(onc_table *t, onc_status rc, FILE *fp)
{
    if (rc == ONC_OK && t == NULL)
        rc = ONC_ERR_NOMEM;
    if (rc == ONC_OK)
        rc = onc_table_write_text(t, fp);
    onc_table_free(t);
    return rc;
}

static void ps_text_method(const onc_ps_report *r, FILE *fp)
{
    const onc_ps_design *d = r->design;
    const onc_ps_design_options *o = r->options;
    char text[1024], num[48];
    size_t len = 0;

    switch (d->method) {
    case ONC_PS_METHOD_OVERLAP:
        len = (size_t)snprintf(text, sizeof text,
                               "Method: overlap weights (estimand ATO, the "
                               "population with clinical equipoise).");
        break;
    case ONC_PS_METHOD_MATCH:
        len = (size_t)snprintf(text, sizeof text,
                               "Method: 1:%zu nearest-neighbour matching on the "
                               "logit of the propensity score, %s replacement",
                               o->match.ratio, o->match.replace ? "with" : "without");
        if (d->match != NULL && !isnan(d->match->caliper) && len < sizeof text) {
            ps_render_estimate(d->match->caliper, num, sizeof num);
            len += (size_t)snprintf(text + len, sizeof text - len,
                                    ", caliper %g SD of the logit (%s)",
                                    o->match.caliper, num);
        }
        if (len < sizeof text)
            len += (size_t)snprintf(text + len, sizeof text - len,
                                    ", %s; estimand ATT (%s).",
                                    o->match.order == ONC_MATCH_LARGEST
                                        ? "largest score first"
                                        : o->match.order == ONC_MATCH_SMALLEST
                                              ? "smallest score first"
                                              : "data order",
                                    ps_render_arm(r, o->match.treated_arm));
        break;
    case ONC_PS_METHOD_IPTW:
    default:
        if (o->weight.estimand == ONC_PS_ATT)
            len = (size_t)snprintf(text, sizeof text,
                                   "Method: inverse probability of treatment "
                                   "weights for the ATT (%s: weight 1, others "
                                   "e(%s)/e(arm))",
                                   ps_render_arm(r, o->weight.treated_arm),
                                   ps_render_arm(r, o->weight.treated_arm));
        else
            len = (size_t)snprintf(text, sizeof text,
                                   "Method: inverse probability of treatment "
                                   "weights for the ATE, %s",
                                   o->weight.stabilize ? "stabilised" : "unstabilised");
        if (d->weights != NULL && !isnan(d->weights->trim_low) && len < sizeof text)
            len += (size_t)snprintf(text + len, sizeof text - len,
                                    "; truncated at the %g and %g quantiles",
                                    o->weight.trim_lower, o->weight.trim_upper);
        if (len < sizeof text)
            snprintf(text + len, sizeof text - len, ".");
        break;
    }
    km_render_wrap(fp, text, 78);
}

static onc_status ps_text_model(const onc_ps_report *r, FILE *fp)
{
    const onc_ps_design *d = r->design;
    const onc_ps_model *m = d->model;
    const onc_logistic_result *lg = m->logistic;
    const onc_multinom_result *mn = m->multinom;
    size_t per_arm = lg != NULL ? lg->n_coef : mn->n_coef, c;
    int multi = lg == NULL;
    static const char *const head2[] = {"Term", "Estimate", "SE", "z", "P"};
    static const char *const head3[] = {"Arm", "Term", "Estimate", "SE", "z", "P"};
    static const onc_align al2[] = {ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                    ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT};
    static const onc_align al3[] = {ONC_ALIGN_LEFT, ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT,
                                    ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT};
    onc_table *t = multi ? onc_table_new(6, head3, al3) : onc_table_new(5, head2, al2);
    onc_status rc = ONC_OK;

    {
        char text[512];

        if (lg != NULL)
            snprintf(text, sizeof text, "Propensity model: logistic regression, "
                                        "log-odds of %s against %s (%s, %d iterations)",
                     r->arm_labels[1], r->arm_labels[0],
                     m->converged ? "converged" : "NOT converged", lg->iterations);
        else
            snprintf(text, sizeof text, "Propensity model: multinomial logistic "
                                        "regression, log-odds of each arm against %s "
                                        "(%s, %d iterations)",
                     r->arm_labels[0], m->converged ? "converged" : "NOT converged",
                     mn->iterations);
        fputc('\n', fp);
        km_render_wrap(fp, text, 78);
    }
    for (c = 0; t != NULL && c < d->n_coef && rc == ONC_OK; c++) {
        size_t k = c % per_arm;
        char est[48], se[48], z[48], p[48], nb[32];
        const char *term = ps_render_coef_name(r, k, nb, sizeof nb);

        ps_render_estimate(lg != NULL ? lg->coef[c] : mn->coef[c], est, sizeof est);
        ps_render_estimate(lg != NULL ? lg->se[c] : mn->se[c], se, sizeof se);
        km_render_fixed(d->coef_z[c], 2, z, sizeof z);
        onc_format_p(d->coef_p[c], p, sizeof p);
        if (lg != NULL && lg->infinite[k])
            snprintf(est, sizeof est, "infinite");
        if (multi)
            rc = onc_table_addf(t, "%s\t%s\t%s\t%s\t%s\t%s",
                                c % per_arm == 0 ? r->arm_labels[1 + c / per_arm] : "",
                                term, est, se, z, p);
        else
            rc = onc_table_addf(t, "%s\t%s\t%s\t%s\t%s", term, est, se, z, p);
    }
    rc = ps_text_table(t, rc, fp);
    if (rc == ONC_OK && m->separation)
        km_render_wrap(fp, "Warning: the propensity model shows separation (some "
                           "covariate pattern predicts the arm perfectly): the "
                           "likelihood has no maximum, some scores are 0 or 1 and "
                           "their weights are extreme. Simplify the model or "
                           "restrict the population.", 78);
    if (rc == ONC_OK && !m->converged && !m->separation)
        fputs("Warning: the propensity model did not converge.\n", fp);
    return rc;
}

/* "12, 45, 77 and 3 more" into buf: rows with weight 0 on one side. */
static void ps_text_unmatched(const onc_ps_report *r, int treated_side, char *buf,
                              size_t cap)
{
    const onc_ps_design *d = r->design;
    int t = r->options->match.treated_arm;
    size_t i, shown = 0, total = 0, len = 0;

    buf[0] = '\0';
    for (i = 0; i < d->n; i++) {
        if (d->weight[i] > 0.0 || (r->arm[i] == t) != treated_side)
            continue;
        total++;
        if (shown < PS_RENDER_ROW_LIST && len < cap) {
            len += (size_t)snprintf(buf + len, cap - len, "%s%zu", shown ? ", " : "",
                                    r->rows != NULL ? r->rows[i] : i + 1);
            shown++;
        }
    }
    if (total > shown && len < cap)
        snprintf(buf + len, cap - len, " and %zu more", total - shown);
}

static onc_status ps_text_weights(const onc_ps_report *r, FILE *fp)
{
    const onc_ps_design *d = r->design;
    int match = d->match != NULL;
    static const char *const head[] = {"Arm", "N", "Weighted", "Sum", "Min", "Max",
                                       "Mean", "ESS"};
    static const char *const head_m[] = {"Arm", "N", "Matched", "Sum", "Min", "Max",
                                         "Mean", "ESS"};
    static const onc_align al[] = {ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                   ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                   ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT};
    onc_table *t = onc_table_new(8, match ? head_m : head, al);
    onc_status rc = ONC_OK;
    size_t a;

    fprintf(fp, "\n%s per arm\n", match ? "Matching weights" : "Weights");
    for (a = 0; t != NULL && a < d->n_arms && rc == ONC_OK; a++) {
        const onc_ps_arm_weights *aw = &d->arms[a];
        char sum[48], mn[48], mx[48], mean[48], ess[48];

        km_render_fixed(aw->sum, 1, sum, sizeof sum);
        ps_render_weight(aw->min, mn, sizeof mn);
        ps_render_weight(aw->max, mx, sizeof mx);
        ps_render_weight(aw->mean, mean, sizeof mean);
        km_render_fixed(aw->ess, 1, ess, sizeof ess);
        rc = onc_table_addf(t, "%s\t%zu\t%zu\t%s\t%s\t%s\t%s\t%s", r->arm_labels[a],
                            aw->n, aw->n_weighted, sum, mn, mx, mean, ess);
    }
    rc = ps_text_table(t, rc, fp);
    if (rc != ONC_OK)
        return rc;
    if (d->weights != NULL && !isnan(d->weights->trim_low)) {
        char lo[48], hi[48];

        ps_render_weight(d->weights->trim_low, lo, sizeof lo);
        ps_render_weight(d->weights->trim_high, hi, sizeof hi);
        fprintf(fp, "Truncation: %zu weight%s raised to %s, %zu lowered to %s.\n",
                d->weights->n_trimmed_low, d->weights->n_trimmed_low == 1 ? "" : "s",
                lo, d->weights->n_trimmed_high, hi);
    }
    if (match) {
        const onc_match_result *m = d->match;
        const char *treated = ps_render_arm(r, r->options->match.treated_arm);
        const char *control = ps_render_arm(r, 1 - r->options->match.treated_arm);
        size_t unmatched = m->n_treated_unmatched + m->n_treated_discarded;
        char list[512], text[1024];

        snprintf(text, sizeof text, "Matched %zu of %zu %s patients into %zu sets "
                                    "with %zu %s patients.",
                 m->n_treated_matched, m->n_treated, treated, d->n_subclasses,
                 m->n_control_matched, control);
        km_render_wrap(fp, text, 78);
        if (unmatched > 0) {
            ps_text_unmatched(r, 1, list, sizeof list);
            snprintf(text, sizeof text, "Unmatched %s patients (weight 0), rows: %s.",
                     treated, list);
            km_render_wrap(fp, text, 78);
        }
    }
    return ferror(fp) ? ONC_ERR_IO : ONC_OK;
}

static onc_status ps_text_positivity(const onc_ps_report *r, FILE *fp)
{
    const onc_ps_positivity *pos = r->positivity;
    static const char *const head[] = {"Score of", "Below", "Above", "Common support",
                                       "Outside"};
    static const onc_align al[] = {ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                   ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT};
    onc_table *t;
    onc_status rc = ONC_OK;
    size_t a, first;
    char lo[32], hi[32];

    if (pos == NULL)
        return ONC_OK;
    onc_format_human(pos->lower, -1, "NA", lo, sizeof lo);
    onc_format_human(pos->upper, -1, "NA", hi, sizeof hi);
    fprintf(fp, "\nPositivity: scores below %s or above %s; common support\n", lo, hi);
    t = onc_table_new(5, head, al);
    /* With two arms e_0 = 1 - e_1: one line says it all. */
    first = pos->n_arms == 2 ? 1 : 0;
    for (a = first; t != NULL && a < pos->n_arms && rc == ONC_OK; a++) {
        char support[96];

        km_render_fixed(pos->support_low[a], 3, lo, sizeof lo);
        km_render_fixed(pos->support_high[a], 3, hi, sizeof hi);
        snprintf(support, sizeof support, "%s" PS_RENDER_DASH "%s", lo, hi);
        rc = onc_table_addf(t, "%s\t%zu\t%zu\t%s\t%zu", r->arm_labels[a], pos->n_below[a],
                            pos->n_above[a], support, pos->n_outside[a]);
    }
    return ps_text_table(t, rc, fp);
}

static onc_status ps_text_balance(const onc_ps_report *r, FILE *fp)
{
    const onc_balance_table *b = r->balance;
    int two = b != NULL && b->n_comparisons == 1;
    static const char *const head2[] = {"Variable", "SMD before", "SMD after",
                                        "VR before", "VR after"};
    static const char *const headk[] = {"Variable", "Max |SMD| before",
                                        "Max |SMD| after"};
    static const onc_align al[] = {ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                   ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT};
    double threshold = r->balance_threshold > 0.0 ? r->balance_threshold : 0.1;
    onc_table *t;
    onc_status rc = ONC_OK;
    size_t row, nr;
    char th[32];

    if (b == NULL)
        return ONC_OK;
    nr = b->n_rows;
    onc_format_human(threshold, -1, "NA", th, sizeof th);
    if (two)
        fprintf(fp, "\nBalance: standardised mean differences (%s minus %s), "
                    "* |SMD| > %s\n",
                ps_render_arm(r, b->first_arm[0]), ps_render_arm(r, b->second_arm[0]), th);
    else
        fprintf(fp, "\nBalance: largest |standardised mean difference| over the "
                    "%zu comparisons, * > %s\n", b->n_comparisons, th);
    t = two ? onc_table_new(5, head2, al) : onc_table_new(3, headk, al);
    for (row = 0; t != NULL && row < nr && rc == ONC_OK; row++) {
        char sb[48], sa[48], vb[48], va[48];

        if (two) {
            km_render_fixed(b->smd_before[row], 3, sb, sizeof sb);
            km_render_fixed(b->smd_after[row], 3, sa, sizeof sa);
            km_render_fixed(b->variance_ratio_before[row], 2, vb, sizeof vb);
            km_render_fixed(b->variance_ratio_after[row], 2, va, sizeof va);
            if (isnan(b->variance_ratio_before[row]))
                snprintf(vb, sizeof vb, "-");
            if (isnan(b->variance_ratio_after[row]))
                snprintf(va, sizeof va, "-");
        } else {
            km_render_fixed(b->max_smd_before[row], 3, sb, sizeof sb);
            km_render_fixed(b->max_smd_after[row], 3, sa, sizeof sa);
        }
        if (b->imbalanced_before[row])
            strncat(sb, "*", sizeof sb - strlen(sb) - 1);
        else
            strncat(sb, " ", sizeof sb - strlen(sb) - 1);
        if (b->imbalanced_after[row])
            strncat(sa, "*", sizeof sa - strlen(sa) - 1);
        else
            strncat(sa, " ", sizeof sa - strlen(sa) - 1);
        if (two)
            rc = onc_table_addf(t, "%s\t%s\t%s\t%s\t%s", r->balance_labels[row], sb, sa,
                                vb, va);
        else
            rc = onc_table_addf(t, "%s\t%s\t%s", r->balance_labels[row], sb, sa);
    }
    rc = ps_text_table(t, rc, fp);
    if (rc == ONC_OK)
        fprintf(fp, "Imbalanced (|SMD| > %s): %zu of %zu rows before, %zu after.\n",
                th, b->n_imbalanced_before, nr, b->n_imbalanced_after);
    return rc;
}

static onc_status ps_text_outcome(const onc_ps_report *r, FILE *fp)
{
    const onc_ps_outcome *o = r->result;
    const onc_ps_bootstrap *bs = r->bootstrap;
    const onc_cox_fit *f;
    size_t n_cols, a, t, c, col;
    km_render_cells head, cells;
    onc_align *al = NULL;
    onc_table *tab = NULL;
    onc_status rc = ONC_OK;
    char text[1024], conf[16], num[48];

    if (o == NULL)
        return ONC_OK;
    f = o->cox;
    snprintf(conf, sizeof conf, "%g%%", 100.0 * o->km->conf_level);
    fprintf(fp, "\nOutcome: %s, weighted (%zu patients with a positive weight)\n",
            r->outcome != NULL ? r->outcome : "", o->n);
    snprintf(text, sizeof text,
             "Kaplan-Meier curves with the weights and the robust (infinitesimal "
             "jackknife) variance%s; %s log-scale intervals.",
             o->clustered ? ", clustered on the matched sets" : "", conf);
    km_render_wrap(fp, text, 78);
    fputc('\n', fp);

    n_cols = 4 + r->n_times;
    memset(&head, 0, sizeof head);
    memset(&cells, 0, sizeof cells);
    if (km_render_cells_alloc(&head, n_cols) != 0 ||
        km_render_cells_alloc(&cells, n_cols) != 0 ||
        (al = onc_callocarray(n_cols, sizeof *al)) == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    col = 0;
    snprintf(head.text[col++], KM_RENDER_CELL, "Arm");
    snprintf(head.text[col++], KM_RENDER_CELL, "N");
    snprintf(head.text[col++], KM_RENDER_CELL, "Events (weighted)");
    snprintf(head.text[col++], KM_RENDER_CELL, "Median (%s CI)", conf);
    for (t = 0; t < r->n_times; t++) {
        km_render_time(r->times[t], "NA", num, sizeof num);
        snprintf(head.text[col++], KM_RENDER_CELL, "S(%s) (%s CI)", num, conf);
    }
    for (col = 1; col < n_cols; col++)
        al[col] = ONC_ALIGN_RIGHT;
    tab = onc_table_new(n_cols, head.ptr, al);
    if (tab == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (a = 0; a < o->n_arms && rc == ONC_OK; a++) {
        const onc_km_curve *cv = &o->km->curves[a];
        char e[48], lo[48], hi[48];

        col = 0;
        snprintf(cells.text[col++], KM_RENDER_CELL, "%s", r->arm_labels[a]);
        snprintf(cells.text[col++], KM_RENDER_CELL, "%zu", cv->n);
        km_render_fixed(cv->events, 1, cells.text[col++], KM_RENDER_CELL);
        km_render_time(cv->median.estimate, "NR", e, sizeof e);
        km_render_time(cv->median.lower, "NR", lo, sizeof lo);
        km_render_time(cv->median.upper, "NR", hi, sizeof hi);
        snprintf(cells.text[col++], KM_RENDER_CELL, "%s (%s" PS_RENDER_DASH "%s)", e, lo, hi);
        for (t = 0; t < r->n_times; t++) {
            const onc_km_at_time *at = &cv->at_times[t];

            if (!at->in_range) {
                snprintf(cells.text[col++], KM_RENDER_CELL, "NA");
                continue;
            }
            km_render_fixed(at->surv, 3, e, sizeof e);
            km_render_fixed(at->lower, 3, lo, sizeof lo);
            km_render_fixed(at->upper, 3, hi, sizeof hi);
            snprintf(cells.text[col++], KM_RENDER_CELL, "%s (%s" PS_RENDER_DASH "%s)",
                     e, lo, hi);
        }
        rc = onc_table_add_row(tab, cells.ptr);
    }
    if (rc == ONC_OK)
        rc = onc_table_write_text(tab, fp);
    onc_table_free(tab);
    tab = NULL;
    if (rc != ONC_OK)
        goto cleanup;

    /* Bootstrap intervals of S(t): arm, replicates (the fewest in which
    ** S(t) was defined over the times), one column per time. */
    if (bs != NULL && r->n_times > 0) {
        size_t n2 = 2 + r->n_times;

        fprintf(fp, "\nBootstrap %s percentile intervals of S(t)\n", conf);
        col = 0;
        snprintf(head.text[col++], KM_RENDER_CELL, "Arm");
        snprintf(head.text[col++], KM_RENDER_CELL, "Replicates");
        for (t = 0; t < r->n_times; t++) {
            km_render_time(r->times[t], "NA", num, sizeof num);
            snprintf(head.text[col++], KM_RENDER_CELL, "S(%s)", num);
        }
        tab = onc_table_new(n2, head.ptr, al);
        if (tab == NULL) {
            rc = ONC_ERR_NOMEM;
            goto cleanup;
        }
        for (a = 0; a < o->n_arms && rc == ONC_OK; a++) {
            size_t fewest = bs->replicates;

            for (t = 0; t < r->n_times; t++)
                if (bs->surv_n[a * bs->n_times + t] < fewest)
                    fewest = bs->surv_n[a * bs->n_times + t];
            col = 0;
            snprintf(cells.text[col++], KM_RENDER_CELL, "%s", r->arm_labels[a]);
            snprintf(cells.text[col++], KM_RENDER_CELL, "%zu", fewest);
            for (t = 0; t < r->n_times; t++) {
                size_t cell = a * bs->n_times + t;
                char lo[48], hi[48];

                km_render_fixed(bs->surv_lower[cell], 3, lo, sizeof lo);
                km_render_fixed(bs->surv_upper[cell], 3, hi, sizeof hi);
                snprintf(cells.text[col++], KM_RENDER_CELL, "%s" PS_RENDER_DASH "%s",
                         lo, hi);
            }
            rc = onc_table_add_row(tab, cells.ptr);
        }
        if (rc == ONC_OK)
            rc = onc_table_write_text(tab, fp);
        onc_table_free(tab);
        tab = NULL;
        if (rc != ONC_OK)
            goto cleanup;
    }

    fprintf(fp, "\nCox model with the weights, robust standard errors%s\n",
            o->clustered ? " clustered on the matched sets" : "");
    {
        static const char *const h[] = {"Comparison", "HR (95% CI)", "P",
                                        "Bootstrap CI", "Bootstrap SE(log HR)"};
        static const onc_align ha[] = {ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                       ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT};
        char hh[64];

        snprintf(hh, sizeof hh, "HR (%s CI)", conf);
        {
            const char *hdr[5];

            memcpy(hdr, h, sizeof hdr);
            hdr[1] = hh;
            tab = onc_table_new(bs != NULL ? 5 : 3, hdr, ha);
        }
        for (c = 0; tab != NULL && c < f->p && rc == ONC_OK; c++) {
            char ci[128], p[32], bci[96], bse[32], cmp[2 * KM_RENDER_CELL];

            snprintf(cmp, sizeof cmp, "%s vs %s", ps_render_arm(r, o->coef_arm[c]),
                     ps_render_arm(r, o->reference_arm));
            ps_render_ratio_ci(f->hr[c], f->lower[c], f->upper[c], ci, sizeof ci);
            onc_format_p(f->p_value[c], p, sizeof p);
            if (bs != NULL) {
                char lo[32], hi[32];

                km_render_fixed(bs->hr_lower[c], 2, lo, sizeof lo);
                km_render_fixed(bs->hr_upper[c], 2, hi, sizeof hi);
                snprintf(bci, sizeof bci, "%s" PS_RENDER_DASH "%s", lo, hi);
                km_render_fixed(bs->log_hr_se[c], 3, bse, sizeof bse);
                rc = onc_table_addf(tab, "%s\t%s\t%s\t%s\t%s", cmp, ci, p, bci, bse);
            } else {
                rc = onc_table_addf(tab, "%s\t%s\t%s", cmp, ci, p);
            }
        }
        rc = ps_text_table(tab, rc, fp);
        tab = NULL;
    }
    if (rc != ONC_OK)
        goto cleanup;
    {
        char p[32], chi[48];

        onc_format_p(o->score_p, p, sizeof p);
        km_render_fixed(o->score_chisq, 2, chi, sizeof chi);
        snprintf(text, sizeof text,
                 "Weighted log-rank test (robust score test of the weighted Cox "
                 "model, Breslow ties): chi-square %s on %g df, P %s%s.",
                 chi, o->score_df, p[0] == '<' ? "" : "= ", p);
        km_render_wrap(fp, text, 78);
    }
    if (bs != NULL) {
        snprintf(text, sizeof text,
                 "Bootstrap: %zu replicates (seed %llu, %u thread%s), propensity "
                 "model refitted in each; percentile intervals; %zu replicate%s "
                 "without a usable Cox fit.",
                 bs->replicates, (unsigned long long)bs->seed, bs->threads,
                 bs->threads == 1 ? "" : "s", bs->n_failed,
                 bs->n_failed == 1 ? "" : "s");
        km_render_wrap(fp, text, 78);
    }
cleanup:
    onc_table_free(tab);
    km_render_cells_free(&head);
    km_render_cells_free(&cells);
    free(al);
    return rc;
}

static onc_status ps_render_text(const onc_ps_report *r, FILE *fp)
{
    const onc_ps_design *d = r->design;
    onc_status rc;
    size_t a;

    fprintf(fp, "Propensity score analysis: %s\n", r->formula != NULL ? r->formula : "");
    fprintf(fp, "Arms of %s:", r->treatment != NULL ? r->treatment : "the treatment");
    for (a = 0; a < d->n_arms; a++)
        fprintf(fp, "%s %s (%zu%s)", a ? "," : "", r->arm_labels[a], d->arms[a].n,
                a == 0 ? ", reference" : "");
    fputs(".\n", fp);
    ps_text_method(r, fp);
    rc = ps_text_model(r, fp);
    if (rc == ONC_OK)
        rc = ps_text_weights(r, fp);
    if (rc == ONC_OK)
        rc = ps_text_positivity(r, fp);
    if (rc == ONC_OK)
        rc = ps_text_balance(r, fp);
    if (rc == ONC_OK)
        rc = ps_text_outcome(r, fp);
    if (rc == ONC_OK && r->excluded != NULL) {
        fputc('\n', fp);
        onc_text_exclusions(fp, r->excluded);
    }
    if (rc == ONC_OK && ferror(fp))
        rc = ONC_ERR_IO;
    return rc;
}

onc_status onc_ps_render(const onc_ps_report *r, onc_output_mode mode, FILE *fp)
{
    onc_status rc = ps_render_check(r);

    if (rc != ONC_OK)
        return rc;
    if (fp == NULL)
        return ONC_ERR_USAGE;
    switch (mode) {
    case ONC_OUTPUT_JSON:
        return ps_render_json(r, fp);
    case ONC_OUTPUT_CSV:
        return ps_render_balance_csv(r, fp);
    case ONC_OUTPUT_TEXT:
    default:
        return ps_render_text(r, fp);
    }
}
