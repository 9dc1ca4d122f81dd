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

static onc_status ps_render_csv_text(FILE *fp, const char *s)
{
    const char *p;

    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, fp);
        return ONC_OK;
    }
    fputc('"', fp);
    for (p = s; *p; p++) {
        if (*p == '"')
            fputc('"', fp);
        fputc(*p, fp);
    }
    fputc('"', fp);
    return ONC_OK;
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

