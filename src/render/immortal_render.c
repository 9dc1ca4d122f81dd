/*
** immortal_render.c -- the immortal-time analysis as text, JSON and CSV
** (see oncostat/immortal_render.h).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/immortal_render.h"
#include "render/km_render_internal.h"

#define IMMORTAL_DASH "\xe2\x80\x93"

void onc_immortal_report_init(onc_immortal_report *r)
{
    if (r != NULL)
        memset(r, 0, sizeof *r);
}

/* The three analyses in display order; landmark only when run. */
typedef struct immortal_row {
    const char *key;
    const onc_immortal_cox *cox;
} immortal_row;

static size_t immortal_rows(const onc_immortal_result *res, immortal_row *rows)
{
    size_t n = 0;

    rows[n].key = "naive";
    rows[n++].cox = &res->naive;
    rows[n].key = "time_varying";
    rows[n++].cox = &res->time_varying;
    if (res->has_landmark) {
        rows[n].key = "landmark";
        rows[n++].cox = &res->landmark_cox;
    }
    return n;
}

static void immortal_label(const onc_immortal_result *res, const char *key, char *buf,
                           size_t cap)
{
    char lm[48];

    if (strcmp(key, "naive") == 0) {
        snprintf(buf, cap, "Naive: ever vs never treated");
    } else if (strcmp(key, "time_varying") == 0) {
        snprintf(buf, cap, "Time-varying treatment");
    } else {
        km_render_time(res->landmark, "NA", lm, sizeof lm);
        snprintf(buf, cap, "Landmark at %s: treated by %s", lm, lm);
    }
}

static onc_status immortal_check(const onc_immortal_report *r)
{
    if (r == NULL || r->result == NULL)
        return ONC_ERR_USAGE;
    if (r->result->p > 0 && r->covariates == NULL)
        return ONC_ERR_USAGE;
    if (r->result->naive_km == NULL || r->result->naive_km->n_groups != 2)
        return ONC_ERR_USAGE;
    if (r->result->landmark_km != NULL && r->result->landmark_km->n_groups != 2)
        return ONC_ERR_USAGE;
    return ONC_OK;
}

/* ---- JSON ---- */

static void immortal_json_cox(onc_json *j, const onc_immortal_report *r,
                              const immortal_row *row)
{
    const onc_immortal_cox *c = row->cox;
    const onc_cox_fit *f = c->computed ? c->fit : NULL;
    size_t k;

    onc_json_object_begin(j);
    onc_json_key(j, "analysis");
    onc_json_string(j, row->key);
    onc_json_key(j, "computed");
    onc_json_bool(j, c->computed);
    onc_json_key(j, "reason");
    if (c->computed)
        onc_json_null(j);
    else
        onc_json_string(j, c->reason);
    onc_json_key(j, "n_patients");
    onc_json_integer(j, (long long)c->n_patients);
    onc_json_key(j, "n_rows");
    onc_json_integer(j, (long long)c->n_rows);
    onc_json_key(j, "n_treated");
    onc_json_integer(j, (long long)c->n_treated);
    onc_json_key(j, "n_events");
    onc_json_integer(j, (long long)c->n_events);
    onc_json_key(j, "converged");
    if (f != NULL)
        onc_json_bool(j, f->converged);
    else
        onc_json_null(j);
    onc_json_key(j, "loglik");
    onc_json_array_begin(j);
    if (f != NULL) {
        onc_json_number(j, f->loglik[0]);
        onc_json_number(j, f->loglik[1]);
    }
    onc_json_array_end(j);
    onc_json_key(j, "terms");
    onc_json_array_begin(j);
    for (k = 0; f != NULL && k < f->p; k++) {
        onc_json_object_begin(j);
        onc_json_key(j, "term");
        onc_json_string(j, k == 0 ? "treated" : r->covariates[k - 1]);
        onc_json_key(j, "coef");
        onc_json_number(j, f->coef[k]);
        onc_json_key(j, "se");
        onc_json_number(j, f->se[k]);
        onc_json_key(j, "hr");
        onc_json_number(j, f->hr[k]);
        onc_json_key(j, "lower");
        onc_json_number(j, f->lower[k]);
        onc_json_key(j, "upper");
        onc_json_number(j, f->upper[k]);
        onc_json_key(j, "p");
        onc_json_number(j, f->p_value[k]);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_object_end(j);
}

static void immortal_json_km(onc_json *j, const onc_km_fit *km)
{
    size_t g;

    if (km == NULL) {
        onc_json_null(j);
        return;
    }
    onc_json_array_begin(j);
    for (g = 0; g < 2; g++) {
        const onc_km_curve *c = &km->curves[g];

        onc_json_object_begin(j);
        onc_json_key(j, "group");
        onc_json_string(j, g ? "treated" : "untreated");
        onc_json_key(j, "n");
        onc_json_integer(j, (long long)c->n);
        onc_json_key(j, "events");
        onc_json_count(j, c->events);
        onc_json_key(j, "median");
        onc_json_number(j, c->median.estimate);
        onc_json_key(j, "median_lower");
        onc_json_number(j, c->median.lower);
        onc_json_key(j, "median_upper");
        onc_json_number(j, c->median.upper);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
}

static onc_status immortal_json(const onc_immortal_report *r, FILE *fp)
{
    const onc_immortal_result *res = r->result;
    const onc_immortal_summary *s = &res->summary;
    immortal_row rows[3];
    size_t n_rows = immortal_rows(res, rows), k;
    onc_json *j = onc_json_new(fp, 2);
    onc_status rc;

    if (j == NULL)
        return ONC_ERR_NOMEM;
    onc_json_object_begin(j);
    onc_json_key(j, "analysis");
    onc_json_string(j, "immortal-time");
    onc_json_key(j, "time");
    onc_json_string(j, r->time);
    onc_json_key(j, "event");
    onc_json_string(j, r->event);
    onc_json_key(j, "treatment_time");
    onc_json_string(j, r->treatment_time);
    onc_json_key(j, "covariates");
    onc_json_array_begin(j);
    for (k = 0; k < res->p; k++)
        onc_json_string(j, r->covariates[k]);
    onc_json_array_end(j);
    onc_json_key(j, "summary");
    onc_json_object_begin(j);
    onc_json_key(j, "n");
    onc_json_integer(j, (long long)s->n);
    onc_json_key(j, "n_treated");
    onc_json_integer(j, (long long)s->n_treated);
    onc_json_key(j, "n_treated_at_zero");
    onc_json_integer(j, (long long)s->n_treated_at_zero);
    onc_json_key(j, "n_treated_later");
    onc_json_integer(j, (long long)s->n_treated_later);
    onc_json_key(j, "n_treated_after_end");
    onc_json_integer(j, (long long)s->n_treated_after_end);
    onc_json_key(j, "immortal_time");
    onc_json_number(j, s->immortal_time);
    onc_json_key(j, "treated_time");
    onc_json_number(j, s->treated_time);
    onc_json_key(j, "immortal_share");
    onc_json_number(j, s->immortal_share);
    onc_json_key(j, "total_time");
    onc_json_number(j, s->total_time);
    onc_json_key(j, "delay_median");
    onc_json_number(j, s->delay_median);
    onc_json_key(j, "delay_min");
    onc_json_number(j, s->delay_min);
    onc_json_key(j, "delay_max");
    onc_json_number(j, s->delay_max);
    onc_json_object_end(j);
    onc_json_key(j, "analyses");
    onc_json_array_begin(j);
    for (k = 0; k < n_rows; k++)
        immortal_json_cox(j, r, &rows[k]);
    onc_json_array_end(j);
    onc_json_key(j, "landmark");
    if (res->has_landmark && res->landmark_data != NULL) {
        const onc_landmark_data *ld = res->landmark_data;

        onc_json_object_begin(j);
        onc_json_key(j, "time");
        onc_json_number(j, ld->landmark);
        onc_json_key(j, "n");
        onc_json_integer(j, (long long)ld->n);
        onc_json_key(j, "n_ended");
        onc_json_integer(j, (long long)ld->n_ended);
        onc_json_key(j, "n_treated");
        onc_json_integer(j, (long long)ld->n_treated);
        onc_json_key(j, "n_treated_later");
        onc_json_integer(j, (long long)ld->n_treated_later);
        onc_json_object_end(j);
    } else {
        onc_json_null(j);
    }
    onc_json_key(j, "km");
    onc_json_object_begin(j);
    onc_json_key(j, "naive");
    immortal_json_km(j, res->naive_km);
    onc_json_key(j, "landmark");
    immortal_json_km(j, res->landmark_km);
    onc_json_object_end(j);
    if (r->excluded != NULL)
        onc_json_exclusions(j, r->excluded);
    onc_json_object_end(j);
    rc = onc_json_finish(j);
    onc_json_free(j);
    return rc;
}

/* ---- text and CSV ---- */

static onc_status immortal_table(const onc_immortal_report *r, onc_output_mode mode,
                                 onc_table **out)
{
    static const char *const head_text[] = {"Analysis", "Patients", "Rows", "Treated",
                                            "Events", "HR (95% CI)", "P"};
    static const char *const head_csv[] = {"analysis", "computed", "n_patients", "n_rows",
                                           "n_treated", "n_events", "coef", "se", "hr",
                                           "lower", "upper", "p"};
    static const onc_align al[] = {ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                   ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                   ONC_ALIGN_RIGHT};
    int csv = mode == ONC_OUTPUT_CSV;
    immortal_row rows[3];
    size_t n_rows = immortal_rows(r->result, rows), k;
    onc_table *t = csv ? onc_table_new(12, head_csv, NULL) : onc_table_new(7, head_text, al);
    onc_status rc = ONC_OK;

    *out = t;
    if (t == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < n_rows && rc == ONC_OK; k++) {
        const onc_immortal_cox *c = rows[k].cox;
        const onc_cox_fit *f = c->computed ? c->fit : NULL;
        char label[128], hr[KM_RENDER_CELL], p[48], a[48], b[48], cc[48];

        if (csv) {
            char v[6][48];
            double nums[6];
            size_t i;

            nums[0] = f != NULL ? f->coef[0] : NAN;
            nums[1] = f != NULL ? f->se[0] : NAN;
            nums[2] = f != NULL ? f->hr[0] : NAN;
            nums[3] = f != NULL ? f->lower[0] : NAN;
            nums[4] = f != NULL ? f->upper[0] : NAN;
            nums[5] = f != NULL ? f->p_value[0] : NAN;
            for (i = 0; i < 6; i++)
                km_render_exact(nums[i], v[i], sizeof v[i]);
            rc = onc_table_addf(t, "%s\t%d\t%zu\t%zu\t%zu\t%zu\t%s\t%s\t%s\t%s\t%s\t%s",
                                rows[k].key, c->computed, c->n_patients, c->n_rows,
                                c->n_treated, c->n_events, v[0], v[1], v[2], v[3], v[4],
                                v[5]);
            continue;
        }
        immortal_label(r->result, rows[k].key, label, sizeof label);
        if (f != NULL) {
            km_render_fixed(f->hr[0], 2, a, sizeof a);
            km_render_fixed(f->lower[0], 2, b, sizeof b);
            km_render_fixed(f->upper[0], 2, cc, sizeof cc);
            snprintf(hr, sizeof hr, "%s (%s" IMMORTAL_DASH "%s)", a, b, cc);
            onc_format_p(f->p_value[0], p, sizeof p);
        } else {
            snprintf(hr, sizeof hr, "not estimable");
            snprintf(p, sizeof p, "NA");
        }
        rc = onc_table_addf(t, "%s\t%zu\t%zu\t%zu\t%zu\t%s\t%s", label, c->n_patients,
                            c->n_rows, c->n_treated, c->n_events, hr, p);
    }
    return rc;
}

static void immortal_median(const onc_km_curve *c, char *buf, size_t cap)
{
    char m[48], lo[48], hi[48];

    km_render_time(c->median.estimate, "NR", m, sizeof m);
    km_render_time(c->median.lower, "NR", lo, sizeof lo);
    km_render_time(c->median.upper, "NR", hi, sizeof hi);
    snprintf(buf, cap, "%s (%s" IMMORTAL_DASH "%s)", m, lo, hi);
}

static onc_status immortal_text(const onc_immortal_report *r, FILE *fp)
{
    const onc_immortal_result *res = r->result;
    const onc_immortal_summary *s = &res->summary;
    static const char *const km_head[] = {"Analysis", "Untreated N", "Median (95% CI)",
                                          "Treated N", "Median (95% CI)"};
    static const onc_align km_al[] = {ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                      ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT};
    onc_table *t = NULL;
    onc_status rc;
    char text[2048], a[48], b[48], c[48], d[48];
    size_t k, len;
    immortal_row rows[3];
    size_t n_rows = immortal_rows(res, rows);

    fprintf(fp, "Treatment after time zero: Surv(%s, %s), treatment starting at %s\n",
            r->time != NULL ? r->time : "time", r->event != NULL ? r->event : "status",
            r->treatment_time != NULL ? r->treatment_time : "the treatment time");
    if (s->n_treated_later > 0) {
        km_render_time(s->delay_median, "NA", a, sizeof a);
        km_render_time(s->delay_min, "NA", b, sizeof b);
        km_render_time(s->delay_max, "NA", c, sizeof c);
        km_render_time(s->immortal_time, "NA", d, sizeof d);
        snprintf(text, sizeof text,
                 "WARNING: immortal time. %zu of %zu patients started treatment after "
                 "time zero (median delay %s, range %s" IMMORTAL_DASH "%s). A naive "
                 "comparison of ever- against never-treated patients counts their "
                 "%s time units before treatment as treated follow-up (%.0f%% of the "
                 "treated group's follow-up), time in which they could not have died "
                 "untreated: the naive analysis favours the treatment. Read the "
                 "time-varying or the landmark analysis.",
                 s->n_treated_later, s->n, a, b, c, d, 100.0 * s->immortal_share);
    } else {
        snprintf(text, sizeof text,
                 "No patient started treatment after time zero: the naive comparison "
                 "has no immortal time.");
    }
    km_render_wrap(fp, text, 78);
    len = 0;
    text[0] = '\0';
    if (s->n_treated_at_zero > 0)
        len += (size_t)snprintf(text + len, sizeof text - len,
                                "%zu patient%s treated at or before time zero %s "
                                "treated from the start. ", s->n_treated_at_zero,
                                s->n_treated_at_zero == 1 ? "" : "s",
                                s->n_treated_at_zero == 1 ? "is" : "are");
    if (s->n_treated_after_end > 0 && len < sizeof text)
        len += (size_t)snprintf(text + len, sizeof text - len,
                                "%zu patient%s with a treatment time after the end of "
                                "follow-up %s counted as untreated. ",
                                s->n_treated_after_end,
                                s->n_treated_after_end == 1 ? "" : "s",
                                s->n_treated_after_end == 1 ? "is" : "are");
    if (len > 0)
        km_render_wrap(fp, text, 78);

    fprintf(fp, "\nCox models of the treatment%s", res->p > 0 ? ", adjusted for " : "");
    for (k = 0; k < res->p; k++)
        fprintf(fp, "%s%s", k ? ", " : "", r->covariates[k]);
    fputs("\n", fp);
    rc = immortal_table(r, ONC_OUTPUT_TEXT, &t);
    if (rc == ONC_OK)
        rc = onc_table_write_text(t, fp);
    onc_table_free(t);
    t = NULL;
    for (k = 0; rc == ONC_OK && k < n_rows; k++)
        if (!rows[k].cox->computed) {
            immortal_label(res, rows[k].key, a, sizeof a);
            fprintf(fp, "%s: not estimable: %s.\n", a, rows[k].cox->reason);
        }
    if (rc != ONC_OK)
        return rc;

    fputs("\nKaplan-Meier medians\n", fp);
    t = onc_table_new(5, km_head, km_al);
    if (t == NULL)
        return ONC_ERR_NOMEM;
    {
        char m0[KM_RENDER_CELL], m1[KM_RENDER_CELL];

        immortal_median(&res->naive_km->curves[0], m0, sizeof m0);
        immortal_median(&res->naive_km->curves[1], m1, sizeof m1);
        rc = onc_table_addf(t, "Naive, from time zero\t%zu\t%s\t%zu\t%s",
                            res->naive_km->curves[0].n, m0, res->naive_km->curves[1].n, m1);
        if (rc == ONC_OK && res->landmark_km != NULL) {
            km_render_time(res->landmark, "NA", a, sizeof a);
            immortal_median(&res->landmark_km->curves[0], m0, sizeof m0);
            immortal_median(&res->landmark_km->curves[1], m1, sizeof m1);
            rc = onc_table_addf(t, "Landmark, from %s\t%zu\t%s\t%zu\t%s", a,
                                res->landmark_km->curves[0].n, m0,
                                res->landmark_km->curves[1].n, m1);
        }
    }
    if (rc == ONC_OK)
        rc = onc_table_write_text(t, fp);
    onc_table_free(t);
    if (rc == ONC_OK && res->has_landmark && res->landmark_data != NULL) {
        const onc_landmark_data *ld = res->landmark_data;

        km_render_time(res->landmark, "NA", a, sizeof a);
        snprintf(text, sizeof text,
                 "Landmark at %s: %zu patients under follow-up (%zu ended before), "
                 "%zu treated by %s; %zu treated later are analysed as untreated, as "
                 "the landmark design requires.",
                 a, ld->n, ld->n_ended, ld->n_treated, a, ld->n_treated_later);
        km_render_wrap(fp, text, 78);
    }
    if (rc == ONC_OK && r->excluded != NULL) {
        fputc('\n', fp);
        onc_text_exclusions(fp, r->excluded);
    }
    if (rc == ONC_OK && ferror(fp))
        rc = ONC_ERR_IO;
    return rc;
}

onc_status onc_immortal_render(const onc_immortal_report *r, onc_output_mode mode,
                               FILE *fp)
{
    onc_table *t = NULL;
    onc_status rc = immortal_check(r);

    if (rc != ONC_OK || fp == NULL)
        return rc != ONC_OK ? rc : ONC_ERR_USAGE;
    switch (mode) {
    case ONC_OUTPUT_JSON:
        return immortal_json(r, fp);
    case ONC_OUTPUT_CSV:
        rc = immortal_table(r, mode, &t);
        if (rc == ONC_OK)
            rc = onc_table_write_csv(t, fp);
        onc_table_free(t);
        return rc;
    case ONC_OUTPUT_TEXT:
    default:
        return immortal_text(r, fp);
    }
}
