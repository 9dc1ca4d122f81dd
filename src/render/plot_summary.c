/*
** plot_summary.c -- what a figure shows, written beside it: for people an
** aligned table with numbers rounded as papers print them, for programs
** one JSON object (every number at full precision) or the table as CSV.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/plot_adapt.h"
#include "oncostat/render.h"
#include "core/internal.h"

#define SUMMARY_CELL 256

/* A row of table cells in one block. */
typedef struct summary_row {
    size_t n;
    char (*text)[SUMMARY_CELL];
    const char **ptr;
} summary_row;

static int summary_row_new(summary_row *r, size_t n)
{
    size_t i;

    r->n = n;
    r->text = onc_callocarray(n, sizeof *r->text);
    r->ptr = onc_callocarray(n, sizeof *r->ptr);
    if (r->text == NULL || r->ptr == NULL)
        return -1;
    for (i = 0; i < n; i++)
        r->ptr[i] = r->text[i];
    return 0;
}

static void summary_row_free(summary_row *r)
{
    free(r->text);
    free(r->ptr);
    r->text = NULL;
    r->ptr = NULL;
}

/* Exact decimal form of a number for CSV; NA when undefined. */
static void summary_exact(double v, char *buf, size_t cap)
{
    char tmp[40];

    if (isnan(v)) {
        snprintf(buf, cap, "NA");
        return;
    }
    onc_format_double(v, tmp, sizeof tmp);
    snprintf(buf, cap, "%s", tmp);
}

/* A time for people: whole numbers as they are, else three significant
** digits ("2.50", "13.4", "0.125"; "12.0" is not the whole number 12). */
static void summary_time(double v, const char *na, char *buf, size_t cap)
{
    int decimals;

    if (!isfinite(v)) {
        snprintf(buf, cap, "%s", na);
        return;
    }
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, cap, "%.0f", v);
        return;
    }
    decimals = v == 0 ? 0 : 2 - (int)floor(log10(fabs(v)));
    if (decimals < 0)
        decimals = 0;
    if (decimals > 3)
        decimals = 3;
    snprintf(buf, cap, "%.*f", decimals, v);
}

/* A hazard ratio with its interval as in the forest plot: 0.59 (0.42–0.82). */
static void summary_hr(double hr, double lo, double hi, char *buf, size_t cap)
{
    char a[32], b[32];

    if (!isfinite(hr)) {
        snprintf(buf, cap, "NE");
        return;
    }
    if (isfinite(lo) && lo > 0)
        snprintf(a, sizeof a, "%.2f", lo);
    else
        snprintf(a, sizeof a, "NE");
    if (isfinite(hi))
        snprintf(b, sizeof b, "%.2f", hi);
    else
        snprintf(b, sizeof b, "NE");
    snprintf(buf, cap, "%.2f (%s\xE2\x80\x93%s)", hr, a, b);
}

static void summary_p(double p, char *buf, size_t cap)
{
    if (isnan(p))
        buf[0] = '\0';
    else
        onc_format_p(p, buf, cap);
}

static onc_status summary_table_new(size_t n, const char *const *head,
                                    const onc_align *align, onc_table **out)
{
    *out = onc_table_new(n, head, align);
    return *out != NULL ? ONC_OK : ONC_ERR_NOMEM;
}

static onc_status summary_finish(FILE *fp, onc_status rc)
{
    if (rc == ONC_OK && (ferror(fp) || fflush(fp) != 0))
        rc = ONC_ERR_IO;
    return rc;
}

static void summary_json_head(onc_json *j, const char *figure, const char *path)
{
    onc_json_key(j, "figure");
    onc_json_string(j, figure);
    onc_json_key(j, "file");
    onc_json_string(j, path);
}

static onc_status summary_json_end(onc_json *j, const onc_exclusions *ex)
{
    onc_status rc;

    if (ex != NULL)
        onc_json_exclusions(j, ex);
    onc_json_object_end(j);
    rc = onc_json_finish(j);
    onc_json_free(j);
    return rc;
}

static void summary_text_end(FILE *fp, const onc_exclusions *ex)
{
    if (ex != NULL) {
        fputc('\n', fp);
        onc_text_exclusions(fp, ex);
    }
}

/* ------------------------------------------------------------------ */
/* Kaplan-Meier                                                        */
/* ------------------------------------------------------------------ */

static const char *summary_group(const onc_group_labels *gl, size_t g, char *buf, size_t cap)
{
    if (gl->labels != NULL && gl->labels[g] != NULL)
        return gl->labels[g];
    snprintf(buf, cap, "group %zu", g + 1);
    return buf;
}

static int summary_cox_estimable(const onc_cox_fit *c, size_t j)
{
    return !(c->aliased != NULL && c->aliased[j]) && !(c->infinite != NULL && c->infinite[j]) &&
           isfinite(c->hr[j]) && c->hr[j] > 0;
}

static onc_status km_summary_table(const onc_plot_km_summary *s, int csv, onc_table **out)
{
    static const char *const text_head[] = { "Group", "N", "Events", NULL };
    static const char *const csv_head[] = { "group", "n", "events", "median",
                                            "median_lower", "median_upper" };
    static const onc_align align[] = { ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                       ONC_ALIGN_LEFT, ONC_ALIGN_LEFT, ONC_ALIGN_LEFT };
    const char *head[6];
    char median_head[64], name[32], a[48], b[48], c[48];
    summary_row row;
    onc_status rc;
    size_t g, k, n_cols = csv ? 6 : 4;

    memset(&row, 0, sizeof row);
    for (k = 0; k < n_cols; k++)
        head[k] = csv ? csv_head[k] : text_head[k];
    if (!csv) {
        snprintf(median_head, sizeof median_head, "Median%s%s (%g%% CI)",
                 s->time_unit != NULL ? ", " : "", s->time_unit != NULL ? s->time_unit : "",
                 100.0 * s->fit->conf_level);
        head[3] = median_head;
    }
    if ((rc = summary_table_new(n_cols, head, align, out)) != ONC_OK)
        return rc;
    if (summary_row_new(&row, n_cols) != 0) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (g = 0; g < s->fit->n_groups && rc == ONC_OK; g++) {
        const onc_km_curve *cv = &s->fit->curves[g];
        const onc_km_quantile *m = &cv->median;
        snprintf(row.text[0], SUMMARY_CELL, "%s", summary_group(&s->groups, g, name, sizeof name));
        snprintf(row.text[1], SUMMARY_CELL, "%zu", cv->n);
        if (csv) {
            summary_exact(cv->events, row.text[2], SUMMARY_CELL);
            summary_exact(m->estimate, row.text[3], SUMMARY_CELL);
            summary_exact(m->lower, row.text[4], SUMMARY_CELL);
            summary_exact(m->upper, row.text[5], SUMMARY_CELL);
        } else {
            summary_time(cv->events, "NA", row.text[2], SUMMARY_CELL);
            summary_time(m->estimate, "NR", a, sizeof a);
            summary_time(m->lower, "NR", b, sizeof b);
            summary_time(m->upper, "NR", c, sizeof c);
            snprintf(row.text[3], SUMMARY_CELL, "%s (%s\xE2\x80\x93%s)", a, b, c);
        }
        rc = onc_table_add_row(*out, row.ptr);
    }
cleanup:
    summary_row_free(&row);
    return rc;
}

static onc_status km_summary_text(const onc_plot_km_summary *s, FILE *fp)
{
    static const char *const head[] = { "Contrast", "HR (95% CI)", "P" };
    static const onc_align align[] = { ONC_ALIGN_LEFT, ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT };
    onc_table *t = NULL;
    summary_row row;
    char p[32], hr_head[64];
    const char *hh[3];
    size_t j;
    onc_status rc;

    memset(&row, 0, sizeof row);
    fprintf(fp, "Kaplan-Meier figure%s%s\nWritten to %s\n\n", s->formula ? ": " : "",
            s->formula ? s->formula : "", s->path);
    rc = km_summary_table(s, 0, &t);
    if (rc == ONC_OK)
        rc = onc_table_write_text(t, fp);
    onc_table_free(t);
    t = NULL;
    if (rc == ONC_OK && s->test_name != NULL) {
        onc_format_p(s->test_p, p, sizeof p);
        fprintf(fp, "\n%s test: chi-square %.2f on %g df, P %s %s\n", s->test_name,
                s->test_chisq, s->test_df, p[0] == '<' ? "<" : "=", p[0] == '<' ? p + 1 : p);
    }
    if (rc == ONC_OK && s->cox != NULL && s->cox->p > 0) {
        snprintf(hr_head, sizeof hr_head, "HR (%g%% CI)", 100.0 * s->cox->conf_level);
        hh[0] = head[0];
        hh[1] = hr_head;
        hh[2] = head[2];
        fprintf(fp, "\nHazard ratios (Cox model%s):\n", s->cox->robust ? ", robust variance" : "");
        rc = summary_table_new(3, hh, align, &t);
        if (rc == ONC_OK && summary_row_new(&row, 3) != 0)
            rc = ONC_ERR_NOMEM;
        for (j = 0; rc == ONC_OK && j < s->cox->p; j++) {
            snprintf(row.text[0], SUMMARY_CELL, "%s", s->contrast_labels[j]);
            if (summary_cox_estimable(s->cox, j)) {
                summary_hr(s->cox->hr[j], s->cox->lower[j], s->cox->upper[j], row.text[1],
                           SUMMARY_CELL);
                summary_p(s->cox->p_value[j], row.text[2], SUMMARY_CELL);
            } else {
                snprintf(row.text[1], SUMMARY_CELL, "not estimable");
                row.text[2][0] = '\0';
            }
            rc = onc_table_add_row(t, row.ptr);
        }
        if (rc == ONC_OK)
            rc = onc_table_write_text(t, fp);
        onc_table_free(t);
        summary_row_free(&row);
    }
    if (rc == ONC_OK)
        summary_text_end(fp, s->excluded);
    return rc;
}

static onc_status km_summary_json(const onc_plot_km_summary *s, FILE *fp)
{
    onc_json *j = onc_json_new(fp, 2);
    const onc_cox_fit *c = s->cox;
    char name[32];
    size_t g, k;

    if (j == NULL)
        return ONC_ERR_NOMEM;
    onc_json_object_begin(j);
    summary_json_head(j, "km", s->path);
    onc_json_key(j, "formula");
    onc_json_string(j, s->formula);
    onc_json_key(j, "time_unit");
    onc_json_string(j, s->time_unit);
    onc_json_key(j, "conf_level");
    onc_json_number(j, s->fit->conf_level);
    onc_json_key(j, "groups");
    onc_json_array_begin(j);
    for (g = 0; g < s->fit->n_groups; g++) {
        const onc_km_curve *cv = &s->fit->curves[g];
        onc_json_object_begin(j);
        onc_json_key(j, "label");
        onc_json_string(j, summary_group(&s->groups, g, name, sizeof name));
        onc_json_key(j, "n");
        onc_json_integer(j, (long long)cv->n);
        onc_json_key(j, "events");
        onc_json_count(j, cv->events);
        onc_json_key(j, "median");
        onc_json_number(j, cv->median.estimate);
        onc_json_key(j, "median_lower");
        onc_json_number(j, cv->median.lower);
        onc_json_key(j, "median_upper");
        onc_json_number(j, cv->median.upper);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_key(j, "test");
    if (s->test_name == NULL) {
        onc_json_null(j);
    } else {
        onc_json_object_begin(j);
        onc_json_key(j, "name");
        onc_json_string(j, s->test_name);
        onc_json_key(j, "chisq");
        onc_json_number(j, s->test_chisq);
        onc_json_key(j, "df");
        onc_json_number(j, s->test_df);
        onc_json_key(j, "p");
        onc_json_number(j, s->test_p);
        onc_json_object_end(j);
    }
    onc_json_key(j, "hazard_ratios");
    onc_json_array_begin(j);
    for (k = 0; c != NULL && k < c->p; k++) {
        onc_json_object_begin(j);
        onc_json_key(j, "contrast");
        onc_json_string(j, s->contrast_labels[k]);
        onc_json_key(j, "estimable");
        onc_json_bool(j, summary_cox_estimable(c, k));
        onc_json_key(j, "coef");
        onc_json_number(j, c->coef[k]);
        onc_json_key(j, "se");
        onc_json_number(j, c->robust && c->robust_se != NULL ? c->robust_se[k] : c->se[k]);
        onc_json_key(j, "hr");
        onc_json_number(j, c->hr[k]);
        onc_json_key(j, "lower");
        onc_json_number(j, c->lower[k]);
        onc_json_key(j, "upper");
        onc_json_number(j, c->upper[k]);
        onc_json_key(j, "p");
        onc_json_number(j, c->p_value[k]);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    if (c != NULL) {
        onc_json_key(j, "cox");
        onc_json_object_begin(j);
        onc_json_key(j, "ties");
        onc_json_string(j, c->ties == ONC_TIES_BRESLOW ? "breslow"
                           : c->ties == ONC_TIES_EXACT ? "exact" : "efron");
        onc_json_key(j, "robust");
        onc_json_bool(j, c->robust);
        onc_json_key(j, "converged");
        onc_json_bool(j, c->converged);
        onc_json_key(j, "lr_chisq");
        onc_json_number(j, c->lr_stat);
        onc_json_key(j, "lr_p");
        onc_json_number(j, c->lr_p);
        onc_json_key(j, "score_chisq");
        onc_json_number(j, c->score_stat);
        onc_json_key(j, "score_p");
        onc_json_number(j, c->score_p);
        onc_json_key(j, "robust_score_p");
        onc_json_number(j, c->robust_score_p);
        onc_json_object_end(j);
    }
    onc_json_key(j, "annotation");
    onc_json_string(j, s->annotation);
    return summary_json_end(j, s->excluded);
}

onc_status onc_plot_km_summary_render(const onc_plot_km_summary *s,
                                      onc_output_mode mode, FILE *fp)
{
    onc_table *t = NULL;
    onc_status rc;

    if (s == NULL || fp == NULL || s->fit == NULL || s->path == NULL ||
        s->groups.n_groups != s->fit->n_groups ||
        (s->cox != NULL && s->cox->p > 0 && s->contrast_labels == NULL))
        return ONC_ERR_USAGE;
    switch (mode) {
    case ONC_OUTPUT_JSON:
        rc = km_summary_json(s, fp);
        break;
    case ONC_OUTPUT_CSV:
        rc = km_summary_table(s, 1, &t);
        if (rc == ONC_OK)
            rc = onc_table_write_csv(t, fp);
        onc_table_free(t);
        break;
    case ONC_OUTPUT_TEXT:
    default:
        rc = km_summary_text(s, fp);
        break;
    }
    return summary_finish(fp, rc);
}

/* ------------------------------------------------------------------ */
/* Forest                                                              */
/* ------------------------------------------------------------------ */

static onc_status forest_summary_table(const onc_plot_forest_summary *s, int csv,
                                       onc_table **out)
{
    static const char *const text_head[] = { "Row", "N", "Events", "HR (95% CI)", "P",
                                             "P for interaction" };
    static const char *const csv_head[] = { "label", "header", "overall", "n", "events",
                                            "hr", "lower", "upper", "p", "p_interaction" };
    static const onc_align text_align[] = { ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                            ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT };
    const onc_plot_forest_table *tb = s->table;
    size_t n_cols = csv ? 10 : 6, i, k;
    int has_inter = 0;
    summary_row row;
    onc_status rc;

    memset(&row, 0, sizeof row);
    for (i = 0; i < s->n_rows; i++)
        has_inter |= !isnan(s->rows[i].p_interaction);
    if (!csv && !has_inter)
        n_cols = 5;
    rc = summary_table_new(n_cols, csv ? csv_head : text_head, csv ? NULL : text_align, out);
    if (rc != ONC_OK)
        return rc;
    if (summary_row_new(&row, n_cols) != 0) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (i = 0; i < s->n_rows && rc == ONC_OK; i++) {
        const onc_plot_forest_row *r = &s->rows[i];
        double p = tb != NULL ? tb->p_value[i] : NAN;

        for (k = 0; k < n_cols; k++)
            row.text[k][0] = '\0';
        if (csv) {
            snprintf(row.text[0], SUMMARY_CELL, "%s", r->label != NULL ? r->label : "");
            snprintf(row.text[1], SUMMARY_CELL, "%d", r->is_header != 0);
            snprintf(row.text[2], SUMMARY_CELL, "%d", r->is_overall != 0);
            if (!r->is_header) {
                snprintf(row.text[3], SUMMARY_CELL, "%zu", r->n);
                snprintf(row.text[4], SUMMARY_CELL, "%zu", r->events);
                summary_exact(r->hr, row.text[5], SUMMARY_CELL);
                summary_exact(r->lower, row.text[6], SUMMARY_CELL);
                summary_exact(r->upper, row.text[7], SUMMARY_CELL);
                summary_exact(p, row.text[8], SUMMARY_CELL);
            } else {
                for (k = 3; k < 9; k++)
                    snprintf(row.text[k], SUMMARY_CELL, "NA");
            }
            summary_exact(r->p_interaction, row.text[9], SUMMARY_CELL);
        } else {
            /* levels under a header are indented as in the figure */
            int indent = 0;
            for (k = i; k-- > 0;) {
                if (s->rows[k].is_header) {
                    indent = 1;
                    break;
                }
                if (s->rows[k].is_overall)
                    break;
            }
            snprintf(row.text[0], SUMMARY_CELL, "%s%s", indent && !r->is_header && !r->is_overall
                                                              ? "  " : "",
                     r->label != NULL ? r->label : "");
            if (!r->is_header) {
                snprintf(row.text[1], SUMMARY_CELL, "%zu", r->n);
                snprintf(row.text[2], SUMMARY_CELL, "%zu", r->events);
                summary_hr(r->hr, r->lower, r->upper, row.text[3], SUMMARY_CELL);
                if (isfinite(r->hr))
                    summary_p(p, row.text[4], SUMMARY_CELL);
            }
            if (has_inter)
                summary_p(r->p_interaction, row.text[5], SUMMARY_CELL);
        }
        rc = onc_table_add_row(*out, row.ptr);
    }
cleanup:
    summary_row_free(&row);
    return rc;
}

static onc_status forest_summary_text(const onc_plot_forest_summary *s, FILE *fp)
{
    onc_table *t = NULL;
    onc_status rc;
    size_t i;

    fprintf(fp, "Forest plot (%s)%s%s\nWritten to %s\n\n", s->kind ? s->kind : "rows",
            s->formula ? ": " : "", s->formula ? s->formula : "", s->path);
    rc = forest_summary_table(s, 0, &t);
    if (rc == ONC_OK)
        rc = onc_table_write_text(t, fp);
    onc_table_free(t);
    if (rc == ONC_OK && s->table != NULL) {
        int head = 0;
        for (i = 0; i < s->n_rows; i++) {
            size_t m = s->table->n_missing[i];
            if (m == 0)
                continue;
            if (!head)
                fputc('\n', fp);
            head = 1;
            fprintf(fp, "%s: %zu row%s with a missing value left out of this subgroup\n",
                    s->rows[i].label, m, m == 1 ? "" : "s");
        }
        for (i = 0; i < s->n_rows; i++)
            if (s->table->infinite[i]) {
                fprintf(fp, "%s: the likelihood is monotone (an infinite hazard ratio); "
                            "shown as NE\n", s->rows[i].label);
            }
    }
    if (rc == ONC_OK)
        summary_text_end(fp, s->excluded);
    return rc;
}

static onc_status forest_summary_json(const onc_plot_forest_summary *s, FILE *fp)
{
    onc_json *j = onc_json_new(fp, 2);
    const onc_plot_forest_table *tb = s->table;
    size_t i;

    if (j == NULL)
        return ONC_ERR_NOMEM;
    onc_json_object_begin(j);
    summary_json_head(j, "forest", s->path);
    onc_json_key(j, "kind");
    onc_json_string(j, s->kind);
    onc_json_key(j, "formula");
    onc_json_string(j, s->formula);
    onc_json_key(j, "rows");
    onc_json_array_begin(j);
    for (i = 0; i < s->n_rows; i++) {
        const onc_plot_forest_row *r = &s->rows[i];
        onc_json_object_begin(j);
        onc_json_key(j, "label");
        onc_json_string(j, r->label);
        onc_json_key(j, "header");
        onc_json_bool(j, r->is_header);
        onc_json_key(j, "overall");
        onc_json_bool(j, r->is_overall);
        if (!r->is_header) {
            onc_json_key(j, "n");
            onc_json_integer(j, (long long)r->n);
            onc_json_key(j, "events");
            onc_json_integer(j, (long long)r->events);
            onc_json_key(j, "hr");
            onc_json_number(j, r->hr);
            onc_json_key(j, "lower");
            onc_json_number(j, r->lower);
            onc_json_key(j, "upper");
            onc_json_number(j, r->upper);
            if (tb != NULL) {
                onc_json_key(j, "log_hr");
                onc_json_number(j, tb->log_hr[i]);
                onc_json_key(j, "se");
                onc_json_number(j, tb->se[i]);
                onc_json_key(j, "p");
                onc_json_number(j, tb->p_value[i]);
                onc_json_key(j, "infinite");
                onc_json_bool(j, tb->infinite[i]);
            }
        } else if (tb != NULL) {
            onc_json_key(j, "lr_chisq");
            onc_json_number(j, tb->lr_chisq[i]);
            onc_json_key(j, "lr_df");
            onc_json_number(j, tb->lr_df[i]);
            onc_json_key(j, "n_missing");
            onc_json_integer(j, (long long)tb->n_missing[i]);
        }
        onc_json_key(j, "p_interaction");
        onc_json_number(j, r->p_interaction);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    return summary_json_end(j, s->excluded);
}

onc_status onc_plot_forest_summary_render(const onc_plot_forest_summary *s,
                                          onc_output_mode mode, FILE *fp)
{
    onc_table *t = NULL;
    onc_status rc;

    if (s == NULL || fp == NULL || s->path == NULL || (s->n_rows > 0 && s->rows == NULL) ||
        (s->table != NULL && s->table->n_rows != s->n_rows))
        return ONC_ERR_USAGE;
    switch (mode) {
    case ONC_OUTPUT_JSON:
        rc = forest_summary_json(s, fp);
        break;
    case ONC_OUTPUT_CSV:
        rc = forest_summary_table(s, 1, &t);
        if (rc == ONC_OK)
            rc = onc_table_write_csv(t, fp);
        onc_table_free(t);
        break;
    case ONC_OUTPUT_TEXT:
    default:
        rc = forest_summary_text(s, fp);
        break;
    }
    return summary_finish(fp, rc);
}

/* ------------------------------------------------------------------ */
/* Waterfall                                                           */
/* ------------------------------------------------------------------ */

/* The figure's order: decreasing change, ties in input order. */
typedef struct summary_bar_key {
    double change;
    size_t index;
} summary_bar_key;

static int summary_cmp_bar(const void *a, const void *b)
{
    const summary_bar_key *x = a, *y = b;

    if (x->change != y->change)
        return x->change > y->change ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static size_t *waterfall_order(const onc_plot_waterfall_summary *s)
{
    summary_bar_key *keys = onc_mallocarray(s->n_bars ? s->n_bars : 1, sizeof *keys);
    size_t *order = onc_mallocarray(s->n_bars ? s->n_bars : 1, sizeof *order);
    size_t i;

    if (keys == NULL || order == NULL) {
        free(keys);
        free(order);
        return NULL;
    }
    for (i = 0; i < s->n_bars; i++) {
        keys[i].change = s->bars[i].change;
        keys[i].index = i;
    }
    qsort(keys, s->n_bars, sizeof *keys, summary_cmp_bar);
    for (i = 0; i < s->n_bars; i++)
        order[i] = keys[i].index;
    free(keys);
    return order;
}

static const char *waterfall_criteria_name(onc_plot_criteria c)
{
    switch (c) {
    case ONC_PLOT_CRITERIA_RECIST:
        return "recist";
    case ONC_PLOT_CRITERIA_CHOI:
        return "choi";
    case ONC_PLOT_CRITERIA_NONE:
    default:
        return "none";
    }
}

static int summary_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static int summary_same_text(const char *a, const char *b)
{
    return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* One row: patients, median and range of the m changes in v (sorted here). */
static onc_status waterfall_row(onc_table *t, summary_row *row, const char *name, double *v,
                                size_t m)
{
    qsort(v, m, sizeof *v, summary_cmp_double);
    snprintf(row->text[0], SUMMARY_CELL, "%s", name);
    snprintf(row->text[1], SUMMARY_CELL, "%zu", m);
    snprintf(row->text[2], SUMMARY_CELL, "%.1f",
             m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2);
    snprintf(row->text[3], SUMMARY_CELL, "%.1f to %.1f", v[0], v[m - 1]);
    return onc_table_add_row(t, row->ptr);
}

/* Per category (the legend's order, then order of appearance) and for all
** patients:
** patients, median and range of the change. */
static onc_status waterfall_text(const onc_plot_waterfall_summary *s, FILE *fp)
{
    static const char *const head[] = { "Category", "Patients", "Median change (%)",
                                        "Range (%)" };
    static const onc_align align[] = { ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                       ONC_ALIGN_LEFT };
    onc_table *t = NULL;
    summary_row row;
    double *v = onc_mallocarray(s->n_bars ? s->n_bars : 1, sizeof *v);
    char *done = calloc(s->n_bars ? s->n_bars : 1, 1);
    size_t i, k, m, n_categories = 0;
    onc_status rc = ONC_OK;

    memset(&row, 0, sizeof row);
    if (v == NULL || done == NULL || summary_row_new(&row, 4) != 0) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    fprintf(fp, "Waterfall plot of %zu patient%s\nWritten to %s\n", s->n_bars,
            s->n_bars == 1 ? "" : "s", s->path);
    if (s->criteria == ONC_PLOT_CRITERIA_RECIST)
        fputs("Reference lines: +20 % and -30 % (RECIST 1.1)\n", fp);
    else if (s->criteria == ONC_PLOT_CRITERIA_CHOI)
        fputs("Reference lines: +10 % and -10 % (Choi)\n", fp);
    fputc('\n', fp);
    if ((rc = summary_table_new(4, head, align, &t)) != ONC_OK)
        goto cleanup;
    /* the legend's categories first, then any others as they come */
    for (i = 0; i < s->n_categories + s->n_bars && rc == ONC_OK; i++) {
        const char *cat = i < s->n_categories ? s->categories[i]
                                              : s->bars[i - s->n_categories].category;
        for (k = 0, m = 0; k < s->n_bars; k++)
            if (!done[k] && summary_same_text(cat, s->bars[k].category)) {
                done[k] = 1;
                v[m++] = s->bars[k].change;
            }
        if (m == 0)
            continue;
        rc = waterfall_row(t, &row, cat != NULL ? cat : "(none)", v, m);
        n_categories++;
    }
    if (rc == ONC_OK && n_categories > 1) {
        for (k = 0; k < s->n_bars; k++)
            v[k] = s->bars[k].change;
        rc = waterfall_row(t, &row, "All", v, s->n_bars);
    }
    if (rc == ONC_OK)
        rc = onc_table_write_text(t, fp);
    if (rc == ONC_OK)
        summary_text_end(fp, s->excluded);
cleanup:
    onc_table_free(t);
    summary_row_free(&row);
    free(v);
    free(done);
    return rc;
}

static onc_status waterfall_csv(const onc_plot_waterfall_summary *s, const size_t *order,
                                FILE *fp)
{
    static const char *const head[] = { "position", "id", "change", "category" };
    onc_table *t = NULL;
    summary_row row;
    size_t i;
    onc_status rc;

    memset(&row, 0, sizeof row);
    if ((rc = summary_table_new(4, head, NULL, &t)) != ONC_OK)
        return rc;
    if (summary_row_new(&row, 4) != 0)
        rc = ONC_ERR_NOMEM;
    for (i = 0; i < s->n_bars && rc == ONC_OK; i++) {
        const onc_plot_waterfall_bar *b = &s->bars[order[i]];
        snprintf(row.text[0], SUMMARY_CELL, "%zu", i + 1);
        snprintf(row.text[1], SUMMARY_CELL, "%s", b->id != NULL ? b->id : "");
        summary_exact(b->change, row.text[2], SUMMARY_CELL);
        snprintf(row.text[3], SUMMARY_CELL, "%s", b->category != NULL ? b->category : "");
        rc = onc_table_add_row(t, row.ptr);
    }
    if (rc == ONC_OK)
        rc = onc_table_write_csv(t, fp);
    onc_table_free(t);
    summary_row_free(&row);
    return rc;
}

static onc_status waterfall_json(const onc_plot_waterfall_summary *s, const size_t *order,
                                 FILE *fp)
{
    onc_json *j = onc_json_new(fp, 2);
    size_t i;

    if (j == NULL)
        return ONC_ERR_NOMEM;
    onc_json_object_begin(j);
    summary_json_head(j, "waterfall", s->path);
    onc_json_key(j, "criteria");
    onc_json_string(j, waterfall_criteria_name(s->criteria));
    onc_json_key(j, "n_bars");
    onc_json_integer(j, (long long)s->n_bars);
    onc_json_key(j, "bars");
    onc_json_array_begin(j);
    for (i = 0; i < s->n_bars; i++) {
        const onc_plot_waterfall_bar *b = &s->bars[order[i]];
        onc_json_object_begin(j);
        onc_json_key(j, "id");
        onc_json_string(j, b->id);
        onc_json_key(j, "change");
        onc_json_number(j, b->change);
        onc_json_key(j, "category");
        onc_json_string(j, b->category);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    return summary_json_end(j, s->excluded);
}

onc_status onc_plot_waterfall_summary_render(const onc_plot_waterfall_summary *s,
                                             onc_output_mode mode, FILE *fp)
{
    size_t *order;
    onc_status rc;

    if (s == NULL || fp == NULL || s->path == NULL || (s->n_bars > 0 && s->bars == NULL) ||
        (s->n_categories > 0 && s->categories == NULL))
        return ONC_ERR_USAGE;
    if (mode == ONC_OUTPUT_TEXT)
        return summary_finish(fp, waterfall_text(s, fp));
    order = waterfall_order(s);
    if (order == NULL)
        return ONC_ERR_NOMEM;
    rc = mode == ONC_OUTPUT_JSON ? waterfall_json(s, order, fp) : waterfall_csv(s, order, fp);
    free(order);
    return summary_finish(fp, rc);
}

/* ------------------------------------------------------------------ */
/* Swimmer                                                             */
/* ------------------------------------------------------------------ */

static const char *swimmer_kind_name(onc_plot_event_kind k)
{
    switch (k) {
    case ONC_PLOT_EVENT_RESPONSE:
        return "response";
    case ONC_PLOT_EVENT_PROGRESSION:
        return "progression";
    case ONC_PLOT_EVENT_DEATH:
        return "death";
    case ONC_PLOT_EVENT_TREATMENT:
        return "treatment";
    default:
        return "event";
    }
}

/* "response 2.1; progression 8.4" into a cell; exact numbers for CSV. */
static void swimmer_events_cell(const onc_plot_swimmer_lane *l, int exact, char *buf, size_t cap)
{
    size_t k, used = 0;
    char num[48];

    buf[0] = '\0';
    for (k = 0; k < l->n_events && used < cap; k++) {
        int w;
        if (exact)
            summary_exact(l->events[k].time, num, sizeof num);
        else
            summary_time(l->events[k].time, "NA", num, sizeof num);
        w = snprintf(buf + used, cap - used, "%s%s %s", k ? "; " : "",
                     swimmer_kind_name(l->events[k].kind), num);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

static onc_status swimmer_table(const onc_plot_swimmer_summary *s, int csv, FILE *fp)
{
    static const char *const text_head[] = { "Patient", "Arm", "Time", "Ongoing", "Events" };
    static const char *const csv_head[] = { "id", "arm", "time", "ongoing", "events" };
    static const onc_align align[] = { ONC_ALIGN_LEFT, ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT,
                                       ONC_ALIGN_LEFT, ONC_ALIGN_LEFT };
    onc_table *t = NULL;
    summary_row row;
    char time_head[64];
    const char *head[5];
    size_t i, k;
    onc_status rc;

    memset(&row, 0, sizeof row);
    for (k = 0; k < 5; k++)
        head[k] = csv ? csv_head[k] : text_head[k];
    if (!csv && s->time_unit != NULL) {
        snprintf(time_head, sizeof time_head, "Time (%s)", s->time_unit);
        head[2] = time_head;
    }
    if ((rc = summary_table_new(5, head, align, &t)) != ONC_OK)
        return rc;
    if (summary_row_new(&row, 5) != 0)
        rc = ONC_ERR_NOMEM;
    for (i = 0; i < s->n_lanes && rc == ONC_OK; i++) {
        const onc_plot_swimmer_lane *l = &s->lanes[i];
        snprintf(row.text[0], SUMMARY_CELL, "%s", l->id != NULL ? l->id : "");
        snprintf(row.text[1], SUMMARY_CELL, "%s", l->arm != NULL ? l->arm : "");
        if (csv)
            summary_exact(l->duration, row.text[2], SUMMARY_CELL);
        else
            summary_time(l->duration, "NA", row.text[2], SUMMARY_CELL);
        snprintf(row.text[3], SUMMARY_CELL, "%s", csv ? (l->ongoing ? "1" : "0")
                                                      : (l->ongoing ? "yes" : ""));
        swimmer_events_cell(l, csv, row.text[4], SUMMARY_CELL);
        rc = onc_table_add_row(t, row.ptr);
    }
    if (rc == ONC_OK)
        rc = csv ? onc_table_write_csv(t, fp) : onc_table_write_text(t, fp);
    onc_table_free(t);
    summary_row_free(&row);
    return rc;
}

static onc_status swimmer_json(const onc_plot_swimmer_summary *s, FILE *fp)
{
    onc_json *j = onc_json_new(fp, 2);
    size_t i, k;

    if (j == NULL)
        return ONC_ERR_NOMEM;
    onc_json_object_begin(j);
    summary_json_head(j, "swimmer", s->path);
    onc_json_key(j, "time_unit");
    onc_json_string(j, s->time_unit);
    onc_json_key(j, "n_lanes");
    onc_json_integer(j, (long long)s->n_lanes);
    onc_json_key(j, "lanes");
    onc_json_array_begin(j);
    for (i = 0; i < s->n_lanes; i++) {
        const onc_plot_swimmer_lane *l = &s->lanes[i];
        onc_json_object_begin(j);
        onc_json_key(j, "id");
        onc_json_string(j, l->id);
        onc_json_key(j, "arm");
        onc_json_string(j, l->arm);
        onc_json_key(j, "time");
        onc_json_number(j, l->duration);
        onc_json_key(j, "ongoing");
        onc_json_bool(j, l->ongoing);
        onc_json_key(j, "events");
        onc_json_array_begin(j);
        for (k = 0; k < l->n_events; k++) {
            onc_json_object_begin(j);
            onc_json_key(j, "kind");
            onc_json_string(j, swimmer_kind_name(l->events[k].kind));
            onc_json_key(j, "time");
            onc_json_number(j, l->events[k].time);
            onc_json_object_end(j);
        }
        onc_json_array_end(j);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    return summary_json_end(j, s->excluded);
}

onc_status onc_plot_swimmer_summary_render(const onc_plot_swimmer_summary *s,
                                           onc_output_mode mode, FILE *fp)
{
    onc_status rc;

    if (s == NULL || fp == NULL || s->path == NULL || (s->n_lanes > 0 && s->lanes == NULL))
        return ONC_ERR_USAGE;
    switch (mode) {
    case ONC_OUTPUT_JSON:
        rc = swimmer_json(s, fp);
        break;
    case ONC_OUTPUT_CSV:
        rc = swimmer_table(s, 1, fp);
        break;
    case ONC_OUTPUT_TEXT:
    default:
        fprintf(fp, "Swimmer plot of %zu patient%s\nWritten to %s\n\n", s->n_lanes,
                s->n_lanes == 1 ? "" : "s", s->path);
        rc = swimmer_table(s, 0, fp);
        if (rc == ONC_OK)
            summary_text_end(fp, s->excluded);
        break;
    }
    return summary_finish(fp, rc);
}
