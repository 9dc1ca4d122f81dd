/*
** km_render.c -- Kaplan-Meier results as text, JSON and CSV.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/km_render_internal.h"
#include "core/internal.h"

/* ---- formatting shared with logrank_render.c ---- */

int km_render_cells_alloc(km_render_cells *c, size_t n)
{
    size_t i;

    c->n = n;
    c->text = onc_callocarray(n ? n : 1, sizeof *c->text);
    c->ptr = onc_callocarray(n ? n : 1, sizeof *c->ptr);
    if (c->text == NULL || c->ptr == NULL) {
        km_render_cells_free(c);
        return -1;
    }
    for (i = 0; i < n; i++)
        c->ptr[i] = c->text[i];
    return 0;
}

void km_render_cells_free(km_render_cells *c)
{
    free(c->text);
    free(c->ptr);
    c->text = NULL;
    c->ptr = NULL;
}

const char *km_render_label(const onc_group_labels *gl, size_t g, char *buf,
                            size_t cap)
{
    if (gl->labels != NULL && gl->labels[g] != NULL)
        return gl->labels[g];
    snprintf(buf, cap, "group %zu", g + 1);
    return buf;
}

void km_render_json_group(onc_json *j, const onc_group_labels *gl, size_t g)
{
    char buf[32];
    size_t v;

    onc_json_key(j, "label");
    onc_json_string(j, km_render_label(gl, g, buf, sizeof buf));
    onc_json_key(j, "strata");
    onc_json_object_begin(j);
    if (gl->vars != NULL && gl->values != NULL)
        for (v = 0; v < gl->n_vars; v++) {
            onc_json_key(j, gl->vars[v]);
            onc_json_string(j, gl->values[g][v]);
        }
    onc_json_object_end(j);
}

void km_render_exact(double v, char *buf, size_t cap)
{
    char tmp[40];

    if (isnan(v)) {
        snprintf(buf, cap, "NA");
        return;
    }
    onc_format_double(v, tmp, sizeof tmp);
    snprintf(buf, cap, "%s", tmp);
}

void km_render_time(double v, const char *na, char *buf, size_t cap)
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
    /* Three significant digits, but never fewer than the units. */
    decimals = 2 - (int)floor(log10(fabs(v)));
    if (decimals < 0)
        decimals = 0;
    if (decimals > 3)
        decimals = 3;
    snprintf(buf, cap, "%.*f", decimals, v);
    /* 2.5, not 2.50: the digits shown are the ones that carry. */
    if (decimals > 0 && strchr(buf, '.') != NULL) {
        size_t len = strlen(buf);
        while (len > 0 && buf[len - 1] == '0')
            buf[--len] = '\0';
        if (len > 0 && buf[len - 1] == '.')
            buf[--len] = '\0';
    }
}

void km_render_fixed(double v, int decimals, char *buf, size_t cap)
{
    if (isnan(v))
        snprintf(buf, cap, "NA");
    else
        snprintf(buf, cap, "%.*f", decimals, v);
}

void km_render_count(double v, char *buf, size_t cap)
{
    if (!isfinite(v))
        snprintf(buf, cap, "NA");
    else if (v == floor(v))
        snprintf(buf, cap, "%.0f", v);
    else
        snprintf(buf, cap, "%.1f", v);
}

void km_render_wrap(FILE *fp, const char *text, size_t width)
{
    size_t col = 0;
    const char *p = text;

    while (*p) {
        const char *end = p;
        size_t len;

        while (*end && *end != ' ')
            end++;
        len = (size_t)(end - p);
        if (col > 0 && col + 1 + len > width) {
            fputc('\n', fp);
            col = 0;
        } else if (col > 0) {
            fputc(' ', fp);
            col++;
        }
        fwrite(p, 1, len, fp);
        col += len;
        p = *end ? end + 1 : end;
    }
    fputc('\n', fp);
}

onc_status km_render_table(const onc_table *t, onc_output_mode mode, FILE *fp)
{
    return mode == ONC_OUTPUT_CSV ? onc_table_write_csv(t, fp)
                                  : onc_table_write_text(t, fp);
}

/* ---- Kaplan-Meier ---- */

void onc_km_report_init(onc_km_report *r)
{
    memset(r, 0, sizeof *r);
    r->landmark = NAN;
}

static const char *km_conf_type_name(onc_conf_type t)
{
    switch (t) {
    case ONC_CONF_LOGLOG:
        return "log-log";
    case ONC_CONF_PLAIN:
        return "plain";
    case ONC_CONF_LOG:
    default:
        return "log";
    }
}

static const char *km_rmst_rule_name(onc_rmst_tau_rule rule)
{
    switch (rule) {
    case ONC_RMST_TAU_GIVEN:
        return "given";
    case ONC_RMST_TAU_MIN_OF_MAX:
        return "min_of_max";
    case ONC_RMST_TAU_MAX:
        return "max";
    case ONC_RMST_NONE:
    default:
        return "none";
    }
}

/* Why tau is what it is, in words. */
static const char *km_rmst_rule_text(onc_rmst_tau_rule rule)
{
    switch (rule) {
    case ONC_RMST_TAU_GIVEN:
        return "chosen by the user";
    case ONC_RMST_TAU_MIN_OF_MAX:
        return "the smallest of the groups' largest observed times "
               "(survRM2 default)";
    case ONC_RMST_TAU_MAX:
        return "the largest observed time, shorter curves extended flat "
               "(R rmean = \"common\")";
    case ONC_RMST_NONE:
    default:
        return "no restricted mean";
    }
}

/* The one-sentence description of the estimator behind every number. */
static void km_method_text(const onc_km_report *r, char *buf, size_t cap)
{
    const onc_km_fit *f = r->fit;
    const char *variance, *scale;
    char vbuf[128];

    if (f->variance == ONC_KM_VARIANCE_ROBUST) {
        snprintf(vbuf, sizeof vbuf,
                 "infinitesimal-jackknife (robust) variance over %zu "
                 "clusters",
                 f->n_clusters);
        variance = vbuf;
    } else if (f->has_weights) {
        variance = "Greenwood variance on case-weighted counts";
    } else {
        variance = "Greenwood variance";
    }
    switch (f->conf_type) {
    case ONC_CONF_LOGLOG:
        scale = "log-log";
        break;
    case ONC_CONF_PLAIN:
        scale = "plain (linear)";
        break;
    case ONC_CONF_LOG:
    default:
        scale = "log";
        break;
    }
    snprintf(buf, cap,
             "Kaplan-Meier estimator%s; %s; %g%% pointwise confidence "
             "intervals on the %s scale; quantile intervals by "
             "Brookmeyer-Crowley on those bands (R quantile.survfit)%s; "
             "restricted mean with Miller's variance",
             f->has_entry ? " with delayed entry (left truncation)" : "",
             variance, 100.0 * f->conf_level, scale,
             r->median_spss ? "; the median's interval as SPSS prints it "
                              "(Wald, Greenwood SE over a density estimate)"
                            : "");
}

static void km_json_quantile(onc_json *j, const onc_km_quantile *q, int with_p)
{
    onc_json_object_begin(j);
    if (with_p) {
        onc_json_key(j, "p");
        onc_json_number(j, q->p);
    }
    onc_json_key(j, "estimate");
    onc_json_number(j, q->estimate);
    onc_json_key(j, "lower");
    onc_json_number(j, q->lower);
    onc_json_key(j, "upper");
    onc_json_number(j, q->upper);
    onc_json_object_end(j);
}

static void km_json_curve(onc_json *j, const onc_km_report *r, size_t g)
{
    const onc_km_curve *c = &r->fit->curves[g];
    size_t i;

    onc_json_object_begin(j);
    km_render_json_group(j, &r->groups, g);
    onc_json_key(j, "n");
    onc_json_integer(j, (long long)c->n);
    if (r->fit->has_weights) {
        onc_json_key(j, "n_weighted");
        onc_json_number(j, c->n_weighted);
    }
    onc_json_key(j, "events");
    onc_json_count(j, c->events);
    onc_json_key(j, "median");
    km_json_quantile(j, &c->median, 0);
    if (r->median_spss) {
        onc_json_key(j, "median_spss");
        onc_json_object_begin(j);
        onc_json_key(j, "estimate");
        onc_json_number(j, c->median_spss.estimate);
        onc_json_key(j, "se");
        onc_json_number(j, c->median_spss.se);
        onc_json_key(j, "lower");
        onc_json_number(j, c->median_spss.lower);
        onc_json_key(j, "upper");
        onc_json_number(j, c->median_spss.upper);
        onc_json_object_end(j);
    }
    onc_json_key(j, "quantiles");
    onc_json_array_begin(j);
    for (i = 0; i < c->n_quantiles; i++)
        km_json_quantile(j, &c->quantiles[i], 1);
    onc_json_array_end(j);
    onc_json_key(j, "rmst");
    onc_json_object_begin(j);
    onc_json_key(j, "tau");
    onc_json_number(j, c->rmst.tau);
    onc_json_key(j, "estimate");
    onc_json_number(j, c->rmst.estimate);
    onc_json_key(j, "se");
    onc_json_number(j, c->rmst.se);
    onc_json_key(j, "lower");
    onc_json_number(j, c->rmst.lower);
    onc_json_key(j, "upper");
    onc_json_number(j, c->rmst.upper);
    onc_json_object_end(j);
    onc_json_key(j, "at_times");
    onc_json_array_begin(j);
    for (i = 0; i < c->n_times; i++) {
        const onc_km_at_time *a = &c->at_times[i];
        onc_json_object_begin(j);
        onc_json_key(j, "time");
        onc_json_number(j, a->time);
        onc_json_key(j, "n_risk");
        onc_json_count(j, a->n_risk);
        onc_json_key(j, "surv");
        onc_json_number(j, a->surv);
        onc_json_key(j, "std_err");
        onc_json_number(j, a->std_err);
        onc_json_key(j, "lower");
        onc_json_number(j, a->lower);
        onc_json_key(j, "upper");
        onc_json_number(j, a->upper);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_key(j, "table");
    onc_json_array_begin(j);
    for (i = 0; i < c->n_rows; i++) {
        const onc_km_row *row = &c->rows[i];
        onc_json_object_begin(j);
        onc_json_key(j, "time");
        onc_json_number(j, row->time);
        onc_json_key(j, "n_risk");
        onc_json_count(j, row->n_risk);
        onc_json_key(j, "n_event");
        onc_json_count(j, row->n_event);
        onc_json_key(j, "n_censor");
        onc_json_count(j, row->n_censor);
        onc_json_key(j, "surv");
        onc_json_number(j, row->surv);
        onc_json_key(j, "std_err");
        onc_json_number(j, row->std_err);
        onc_json_key(j, "lower");
        onc_json_number(j, row->lower);
        onc_json_key(j, "upper");
        onc_json_number(j, row->upper);
        onc_json_key(j, "cumhaz");
        onc_json_number(j, row->cumhaz);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_object_end(j);
}

static onc_status km_render_json(const onc_km_report *r, FILE *fp)
{
    const onc_km_fit *f = r->fit;
    onc_json *j = onc_json_new(fp, 2);
    char method[1024], buf[32], buf2[32];
    onc_status rc;
    size_t g, i;

    if (j == NULL)
        return ONC_ERR_NOMEM;
    km_method_text(r, method, sizeof method);
    onc_json_object_begin(j);
    onc_json_key(j, "analysis");
    onc_json_string(j, "kaplan-meier");
    onc_json_key(j, "formula");
    onc_json_string(j, r->formula);
    onc_json_key(j, "method");
    onc_json_string(j, method);
    onc_json_key(j, "conf_type");
    onc_json_string(j, km_conf_type_name(f->conf_type));
    onc_json_key(j, "conf_level");
    onc_json_number(j, f->conf_level);
    onc_json_key(j, "variance");
    onc_json_string(j, f->variance == ONC_KM_VARIANCE_ROBUST ? "robust"
                                                            : "greenwood");
    if (f->variance == ONC_KM_VARIANCE_ROBUST) {
        onc_json_key(j, "n_clusters");
        onc_json_integer(j, (long long)f->n_clusters);
    }
    onc_json_key(j, "weighted");
    onc_json_bool(j, f->has_weights);
    onc_json_key(j, "delayed_entry");
    onc_json_bool(j, f->has_entry);
    onc_json_key(j, "landmark");
    onc_json_number(j, r->landmark);
    onc_json_key(j, "rmst_tau");
    onc_json_number(j, f->rmst_tau);
    onc_json_key(j, "rmst_rule");
    onc_json_string(j, km_rmst_rule_name(f->rmst_rule));
    onc_json_key(j, "rmst_rule_text");
    onc_json_string(j, km_rmst_rule_text(f->rmst_rule));
    onc_json_key(j, "groups");
    onc_json_array_begin(j);
    for (g = 0; g < f->n_groups; g++)
        km_json_curve(j, r, g);
    onc_json_array_end(j);

    onc_json_key(j, "differences");
    onc_json_array_begin(j);
    if (r->has_difference)
        for (i = 0; i < f->curves[0].n_times; i++) {
            const onc_km_difference *d = &r->differences[i];
            onc_json_object_begin(j);
            onc_json_key(j, "group");
            onc_json_string(j, km_render_label(&r->groups, r->difference_group,
                                               buf, sizeof buf));
            onc_json_key(j, "reference");
            onc_json_string(j, km_render_label(&r->groups,
                                               r->difference_reference, buf2,
                                               sizeof buf2));
            onc_json_key(j, "time");
            onc_json_number(j, d->time);
            onc_json_key(j, "difference");
            onc_json_number(j, d->diff);
            onc_json_key(j, "se");
            onc_json_number(j, d->se);
            onc_json_key(j, "lower");
            onc_json_number(j, d->lower);
            onc_json_key(j, "upper");
            onc_json_number(j, d->upper);
            onc_json_key(j, "z");
            onc_json_number(j, d->z);
            onc_json_key(j, "p");
            onc_json_number(j, d->p_value);
            onc_json_object_end(j);
        }
    onc_json_array_end(j);

    onc_json_key(j, "rmst_comparisons");
    onc_json_array_begin(j);
    if (r->rmst_comparisons != NULL)
        for (g = 0; g < f->n_groups; g++) {
            const onc_rmst_comparison *c = &r->rmst_comparisons[g];
            if (g == r->rmst_reference)
                continue;
            onc_json_object_begin(j);
            onc_json_key(j, "group");
            onc_json_string(j, km_render_label(&r->groups, g, buf, sizeof buf));
            onc_json_key(j, "reference");
            onc_json_string(j, km_render_label(&r->groups, r->rmst_reference,
                                               buf2, sizeof buf2));
            onc_json_key(j, "tau");
            onc_json_number(j, c->tau);
            onc_json_key(j, "difference");
            onc_json_number(j, c->diff);
            onc_json_key(j, "se");
            onc_json_number(j, c->diff_se);
            onc_json_key(j, "lower");
            onc_json_number(j, c->diff_lower);
            onc_json_key(j, "upper");
            onc_json_number(j, c->diff_upper);
            onc_json_key(j, "p");
            onc_json_number(j, c->diff_p);
            onc_json_key(j, "ratio");
            onc_json_number(j, c->ratio);
            onc_json_key(j, "log_ratio_se");
            onc_json_number(j, c->log_ratio_se);
            onc_json_key(j, "ratio_lower");
            onc_json_number(j, c->ratio_lower);
            onc_json_key(j, "ratio_upper");
            onc_json_number(j, c->ratio_upper);
            onc_json_key(j, "ratio_p");
            onc_json_number(j, c->ratio_p);
            onc_json_object_end(j);
        }
    onc_json_array_end(j);

    if (r->excluded != NULL) {
        onc_json_exclusions(j, r->excluded);
    } else {
        size_t used = 0;
        for (g = 0; g < f->n_groups; g++)
            used += f->curves[g].n;
        onc_json_key(j, "n_used");
        onc_json_integer(j, (long long)used);
        onc_json_key(j, "n_excluded");
        onc_json_integer(j, 0);
        onc_json_key(j, "excluded");
        onc_json_array_begin(j);
        onc_json_array_end(j);
    }
    onc_json_object_end(j);
    rc = onc_json_finish(j);
    onc_json_free(j);
    return rc;
}

/* "est (lower–upper)" with `na` for undefined parts. */
static void km_ci_cell(char *cell, double est, double lo, double hi,
                       int probability, const char *na)
{
    char a[48], b[48], c[48];

    if (probability) {
        if (isnan(est)) {
            snprintf(cell, KM_RENDER_CELL, "%s", na);
            return;
        }
        km_render_fixed(est, 3, a, sizeof a);
        km_render_fixed(lo, 3, b, sizeof b);
        km_render_fixed(hi, 3, c, sizeof c);
    } else {
        km_render_time(est, na, a, sizeof a);
        km_render_time(lo, na, b, sizeof b);
        km_render_time(hi, na, c, sizeof c);
    }
    snprintf(cell, KM_RENDER_CELL, "%s (%s\xe2\x80\x93%s)", a, b, c);
}

/* The summary table: one row per group.  CSV cells are exact. */
static onc_status km_group_table(const onc_km_report *r, onc_output_mode mode,
                                 onc_table **out)
{
    const onc_km_fit *f = r->fit;
    const onc_km_curve *c0 = &f->curves[0];
    int csv = mode == ONC_OUTPUT_CSV;
    size_t n_q = 0, n_t = c0->n_times, n_cols, col, g, i;
    int with_rmst = csv ? !isnan(f->rmst_tau) : r->show_rmst;
    km_render_cells head, row;
    onc_align *align = NULL;
    onc_table *t = NULL;
    onc_status rc = ONC_OK;
    char num[48], lvl[KM_RENDER_CELL];

    memset(&head, 0, sizeof head);
    memset(&row, 0, sizeof row);
    if (csv || r->show_quantiles)
        for (i = 0; i < c0->n_quantiles; i++)
            n_q += c0->quantiles[i].p != 0.5 || csv;
    /* text: group n events median [quantiles] [times] [rmst];
    ** CSV: three columns for every interval. */
    n_cols = csv ? 6 + 3 * n_q + 4 * n_t + (with_rmst ? 5 : 0)
                 : 4 + n_q + n_t + (with_rmst ? 1 : 0);
    if (km_render_cells_alloc(&head, n_cols) != 0 ||
        km_render_cells_alloc(&row, n_cols) != 0 ||
        (align = onc_callocarray(n_cols, sizeof *align)) == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    col = 0;
    snprintf(head.text[col++], KM_RENDER_CELL, "%s", csv ? "group" : "Group");
    snprintf(head.text[col++], KM_RENDER_CELL, "%s", csv ? "n" : "N");
    snprintf(head.text[col++], KM_RENDER_CELL, "%s", csv ? "events" : "Events");
    if (csv) {
        snprintf(head.text[col++], KM_RENDER_CELL, "median");
        snprintf(head.text[col++], KM_RENDER_CELL, "median_lower");
        snprintf(head.text[col++], KM_RENDER_CELL, "median_upper");
    } else {
        snprintf(head.text[col++], KM_RENDER_CELL, "Median (%g%% CI%s)",
                 100.0 * f->conf_level, r->median_spss ? ", SPSS" : "");
    }
    for (i = 0; i < c0->n_quantiles; i++) {
        double p = c0->quantiles[i].p;
        if (!(csv || (r->show_quantiles && p != 0.5)))
            continue;
        km_render_exact(p, num, sizeof num);
        if (csv) {
            snprintf(head.text[col++], KM_RENDER_CELL, "q%s", num);
            snprintf(head.text[col++], KM_RENDER_CELL, "q%s_lower", num);
            snprintf(head.text[col++], KM_RENDER_CELL, "q%s_upper", num);
        } else {
            snprintf(head.text[col++], KM_RENDER_CELL, "%g%% time (%g%% CI)",
                     100.0 * p, 100.0 * f->conf_level);
        }
    }
    for (i = 0; i < n_t; i++) {
        km_render_exact(c0->at_times[i].time, num, sizeof num);
        if (csv) {
            snprintf(head.text[col++], KM_RENDER_CELL, "n_risk_%s", num);
            snprintf(head.text[col++], KM_RENDER_CELL, "surv_%s", num);
            snprintf(head.text[col++], KM_RENDER_CELL, "lower_%s", num);
            snprintf(head.text[col++], KM_RENDER_CELL, "upper_%s", num);
        } else {
            snprintf(head.text[col++], KM_RENDER_CELL, "S(%s) (%g%% CI)", num,
                     100.0 * f->conf_level);
        }
    }
    if (with_rmst) {
        if (csv) {
            snprintf(head.text[col++], KM_RENDER_CELL, "rmst_tau");
            snprintf(head.text[col++], KM_RENDER_CELL, "rmst");
            snprintf(head.text[col++], KM_RENDER_CELL, "rmst_se");
            snprintf(head.text[col++], KM_RENDER_CELL, "rmst_lower");
            snprintf(head.text[col++], KM_RENDER_CELL, "rmst_upper");
        } else {
            km_render_time(f->rmst_tau, "NA", num, sizeof num);
            snprintf(head.text[col++], KM_RENDER_CELL, "RMST(%s) (%g%% CI)",
                     num, 100.0 * f->conf_level);
        }
    }
    for (i = 1; i < n_cols; i++)
        align[i] = csv ? ONC_ALIGN_LEFT : ONC_ALIGN_RIGHT;
    t = onc_table_new(n_cols, head.ptr, align);
    if (t == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (g = 0; g < f->n_groups; g++) {
        const onc_km_curve *c = &f->curves[g];
        const onc_km_quantile *m = &c->median;

        col = 0;
        snprintf(row.text[col++], KM_RENDER_CELL, "%s",
                 km_render_label(&r->groups, g, lvl, sizeof lvl));
        snprintf(row.text[col++], KM_RENDER_CELL, "%zu", c->n);
        if (csv)
            km_render_exact(c->events, row.text[col++], KM_RENDER_CELL);
        else
            km_render_count(c->events, row.text[col++], KM_RENDER_CELL);
        if (csv) {
            km_render_exact(m->estimate, row.text[col++], KM_RENDER_CELL);
            km_render_exact(m->lower, row.text[col++], KM_RENDER_CELL);
            km_render_exact(m->upper, row.text[col++], KM_RENDER_CELL);
        } else if (r->median_spss) {
            km_ci_cell(row.text[col++], c->median_spss.estimate,
                       c->median_spss.lower, c->median_spss.upper, 0, "NR");
        } else {
            km_ci_cell(row.text[col++], m->estimate, m->lower, m->upper, 0,
                       "NR");
        }
        for (i = 0; i < c->n_quantiles; i++) {
            const onc_km_quantile *q = &c->quantiles[i];
            if (!(csv || (r->show_quantiles && q->p != 0.5)))
                continue;
            if (csv) {
                km_render_exact(q->estimate, row.text[col++], KM_RENDER_CELL);
                km_render_exact(q->lower, row.text[col++], KM_RENDER_CELL);
                km_render_exact(q->upper, row.text[col++], KM_RENDER_CELL);
            } else {
                km_ci_cell(row.text[col++], q->estimate, q->lower, q->upper, 0,
                           "NR");
            }
        }
        for (i = 0; i < n_t; i++) {
            const onc_km_at_time *a = &c->at_times[i];
            if (csv) {
                km_render_exact(a->n_risk, row.text[col++], KM_RENDER_CELL);
                km_render_exact(a->surv, row.text[col++], KM_RENDER_CELL);
                km_render_exact(a->lower, row.text[col++], KM_RENDER_CELL);
                km_render_exact(a->upper, row.text[col++], KM_RENDER_CELL);
            } else {
                /* After the last follow-up time R reports nothing. */
                km_ci_cell(row.text[col++], a->surv, a->lower, a->upper, 1,
                           "NA");
            }
        }
        if (with_rmst) {
            if (csv) {
                km_render_exact(c->rmst.tau, row.text[col++], KM_RENDER_CELL);
                km_render_exact(c->rmst.estimate, row.text[col++],
                                KM_RENDER_CELL);
                km_render_exact(c->rmst.se, row.text[col++], KM_RENDER_CELL);
                km_render_exact(c->rmst.lower, row.text[col++], KM_RENDER_CELL);
                km_render_exact(c->rmst.upper, row.text[col++], KM_RENDER_CELL);
            } else {
                km_ci_cell(row.text[col++], c->rmst.estimate, c->rmst.lower,
                           c->rmst.upper, 0, "NA");
            }
        }
        rc = onc_table_add_row(t, row.ptr);
        if (rc != ONC_OK)
            goto cleanup;
    }
    *out = t;
    t = NULL;

cleanup:
    onc_table_free(t);
    km_render_cells_free(&head);
    km_render_cells_free(&row);
    free(align);
    return rc;
}

/* The survival tables of every curve, stacked, with a group column. */
static onc_status km_survival_table(const onc_km_report *r,
                                    onc_output_mode mode, onc_table **out)
{
    static const char *const text_head[] = {
        "Group", "Time", "At risk", "Events", "Censored",
        "Survival", "Std. error", "Lower", "Upper", "Cum. hazard"};
    static const char *const csv_head[] = {
        "group", "time", "n_risk", "n_event", "n_censor",
        "surv", "std_err", "lower", "upper", "cumhaz"};
    static const onc_align align[] = {
        ONC_ALIGN_LEFT,  ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
        ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
        ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT};
    const onc_km_fit *f = r->fit;
    int csv = mode == ONC_OUTPUT_CSV;
    km_render_cells row;
    onc_table *t;
    onc_status rc = ONC_OK;
    char lvl[KM_RENDER_CELL];
    size_t g, i;

    memset(&row, 0, sizeof row);
    t = onc_table_new(10, csv ? csv_head : text_head, align);
    if (t == NULL || km_render_cells_alloc(&row, 10) != 0) {
        onc_table_free(t);
        return ONC_ERR_NOMEM;
    }
    for (g = 0; g < f->n_groups && rc == ONC_OK; g++) {
        const onc_km_curve *c = &f->curves[g];
        const char *label = km_render_label(&r->groups, g, lvl, sizeof lvl);
        for (i = 0; i < c->n_rows && rc == ONC_OK; i++) {
            const onc_km_row *x = &c->rows[i];
            snprintf(row.text[0], KM_RENDER_CELL, "%s", label);
            if (csv) {
                km_render_exact(x->time, row.text[1], KM_RENDER_CELL);
                km_render_exact(x->n_risk, row.text[2], KM_RENDER_CELL);
                km_render_exact(x->n_event, row.text[3], KM_RENDER_CELL);
                km_render_exact(x->n_censor, row.text[4], KM_RENDER_CELL);
                km_render_exact(x->surv, row.text[5], KM_RENDER_CELL);
                km_render_exact(x->std_err, row.text[6], KM_RENDER_CELL);
                km_render_exact(x->lower, row.text[7], KM_RENDER_CELL);
                km_render_exact(x->upper, row.text[8], KM_RENDER_CELL);
                km_render_exact(x->cumhaz, row.text[9], KM_RENDER_CELL);
            } else {
                km_render_time(x->time, "NA", row.text[1], KM_RENDER_CELL);
                km_render_count(x->n_risk, row.text[2], KM_RENDER_CELL);
                km_render_count(x->n_event, row.text[3], KM_RENDER_CELL);
                km_render_count(x->n_censor, row.text[4], KM_RENDER_CELL);
                km_render_fixed(x->surv, 4, row.text[5], KM_RENDER_CELL);
                km_render_fixed(x->std_err, 4, row.text[6], KM_RENDER_CELL);
                km_render_fixed(x->lower, 4, row.text[7], KM_RENDER_CELL);
                km_render_fixed(x->upper, 4, row.text[8], KM_RENDER_CELL);
                km_render_fixed(x->cumhaz, 4, row.text[9], KM_RENDER_CELL);
            }
            rc = onc_table_add_row(t, row.ptr);
        }
    }
    km_render_cells_free(&row);
    if (rc != ONC_OK) {
        onc_table_free(t);
        return rc;
    }
    *out = t;
    return ONC_OK;
}

/* A signed difference with its interval: "-0.123 (-0.245 to -0.001)". */
static void km_diff_cell(char *cell, double est, double lo, double hi,
                         int probability)
{
    char a[48], b[48], c[48];

    if (probability) {
        km_render_fixed(est, 3, a, sizeof a);
        km_render_fixed(lo, 3, b, sizeof b);
        km_render_fixed(hi, 3, c, sizeof c);
    } else {
        km_render_time(est, "NA", a, sizeof a);
        km_render_time(lo, "NA", b, sizeof b);
        km_render_time(hi, "NA", c, sizeof c);
    }
    snprintf(cell, KM_RENDER_CELL, "%s (%s to %s)", a, b, c);
}

static onc_status km_render_differences(const onc_km_report *r, FILE *fp)
{
    static const char *const head[] = {"Time", "Difference (CI)", "P"};
    static const onc_align align[] = {ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                      ONC_ALIGN_RIGHT};
    char a[KM_RENDER_CELL], b[KM_RENDER_CELL];
    km_render_cells row;
    onc_table *t = onc_table_new(3, head, align);
    onc_status rc = ONC_OK;
    size_t i;

    memset(&row, 0, sizeof row);
    if (t == NULL || km_render_cells_alloc(&row, 3) != 0) {
        onc_table_free(t);
        return ONC_ERR_NOMEM;
    }
    fprintf(fp, "\nDifference in survival, %s minus %s (%g%% CI, groups "
                "independent):\n",
            km_render_label(&r->groups, r->difference_group, a, sizeof a),
            km_render_label(&r->groups, r->difference_reference, b, sizeof b),
            100.0 * r->fit->conf_level);
    for (i = 0; i < r->fit->curves[0].n_times && rc == ONC_OK; i++) {
        const onc_km_difference *d = &r->differences[i];
        km_render_time(d->time, "NA", row.text[0], KM_RENDER_CELL);
        km_diff_cell(row.text[1], d->diff, d->lower, d->upper, 1);
        onc_format_p(d->p_value, row.text[2], KM_RENDER_CELL);
        rc = onc_table_add_row(t, row.ptr);
    }
    if (rc == ONC_OK)
        rc = onc_table_write_text(t, fp);
    km_render_cells_free(&row);
    onc_table_free(t);
    return rc;
}

static onc_status km_render_rmst(const onc_km_report *r, FILE *fp)
{
    static const char *const head[] = {"Group", "Difference (CI)", "P",
                                       "Ratio (CI)", "P"};
    static const onc_align align[] = {ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT,
                                      ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                      ONC_ALIGN_RIGHT};
    const onc_km_fit *f = r->fit;
    char a[KM_RENDER_CELL], tau[48];
    km_render_cells row;
    onc_table *t;
    onc_status rc = ONC_OK;
    size_t g;

    km_render_time(f->rmst_tau, "NA", tau, sizeof tau);
    fprintf(fp, "\nRestricted mean survival time up to %s: %s.\n", tau,
            km_rmst_rule_text(f->rmst_rule));
    if (r->rmst_comparisons == NULL || f->n_groups < 2)
        return ONC_OK;
    t = onc_table_new(5, head, align);
    memset(&row, 0, sizeof row);
    if (t == NULL || km_render_cells_alloc(&row, 5) != 0) {
        onc_table_free(t);
        return ONC_ERR_NOMEM;
    }
    fprintf(fp, "RMST against %s:\n",
            km_render_label(&r->groups, r->rmst_reference, a, sizeof a));
    for (g = 0; g < f->n_groups && rc == ONC_OK; g++) {
        const onc_rmst_comparison *c = &r->rmst_comparisons[g];
        if (g == r->rmst_reference)
            continue;
        snprintf(row.text[0], KM_RENDER_CELL, "%s",
                 km_render_label(&r->groups, g, a, sizeof a));
        km_diff_cell(row.text[1], c->diff, c->diff_lower, c->diff_upper, 0);
        onc_format_p(c->diff_p, row.text[2], KM_RENDER_CELL);
        if (isnan(c->ratio))
            snprintf(row.text[3], KM_RENDER_CELL, "NA");
        else
            snprintf(row.text[3], KM_RENDER_CELL,
                     "%.2f (%.2f\xe2\x80\x93%.2f)", c->ratio, c->ratio_lower,
                     c->ratio_upper);
        onc_format_p(c->ratio_p, row.text[4], KM_RENDER_CELL);
        rc = onc_table_add_row(t, row.ptr);
    }
    if (rc == ONC_OK)
        rc = onc_table_write_text(t, fp);
    km_render_cells_free(&row);
    onc_table_free(t);
    return rc;
}

static onc_status km_render_text(const onc_km_report *r, FILE *fp)
{
    onc_table *t = NULL;
    char method[1024], lm[48];
    size_t len;
    onc_status rc;

    km_method_text(r, method, sizeof method);
    fprintf(fp, "Kaplan-Meier: %s\n", r->formula != NULL ? r->formula : "");
    if (!isnan(r->landmark)) {
        km_render_time(r->landmark, "NA", lm, sizeof lm);
        fprintf(fp, "Landmark analysis at %s: patients under follow-up at %s, "
                    "time counted from it.\n", lm, lm);
    }
    len = strlen(method);
    if (len + 1 < sizeof method) {
        method[len] = '.';
        method[len + 1] = '\0';
    }
    km_render_wrap(fp, method, 78);
    fputc('\n', fp);
    rc = km_group_table(r, ONC_OUTPUT_TEXT, &t);
    if (rc == ONC_OK)
        rc = onc_table_write_text(t, fp);
    onc_table_free(t);
    t = NULL;
    if (rc == ONC_OK && r->has_difference)
        rc = km_render_differences(r, fp);
    if (rc == ONC_OK && r->show_rmst && !isnan(r->fit->rmst_tau))
        rc = km_render_rmst(r, fp);
    if (rc == ONC_OK && r->show_table) {
        fputs("\nSurvival table:\n", fp);
        rc = km_survival_table(r, ONC_OUTPUT_TEXT, &t);
        if (rc == ONC_OK)
            rc = onc_table_write_text(t, fp);
        onc_table_free(t);
    }
    if (rc == ONC_OK && r->excluded != NULL) {
        fputc('\n', fp);
        onc_text_exclusions(fp, r->excluded);
    }
    if (rc == ONC_OK && ferror(fp))
        rc = ONC_ERR_IO;
    return rc;
}

/* Reject a report whose parts do not fit together before writing. */
static onc_status km_render_check(const onc_km_report *r)
{
    const onc_km_fit *f;
    size_t g;

    if (r == NULL || r->fit == NULL || r->fit->n_groups == 0)
        return ONC_ERR_USAGE;
    f = r->fit;
    if (r->groups.n_groups != f->n_groups)
        return ONC_ERR_USAGE;
    if (r->groups.n_vars > 0 && r->groups.values != NULL &&
        r->groups.vars == NULL)
        return ONC_ERR_USAGE;
    /* The tables have one column per time and quantile of the first curve. */
    for (g = 1; g < f->n_groups; g++)
        if (f->curves[g].n_times != f->curves[0].n_times ||
            f->curves[g].n_quantiles != f->curves[0].n_quantiles)
            return ONC_ERR_USAGE;
    if (r->has_difference &&
        (r->differences == NULL || r->difference_group >= f->n_groups ||
         r->difference_reference >= f->n_groups))
        return ONC_ERR_USAGE;
    if (r->rmst_comparisons != NULL && r->rmst_reference >= f->n_groups)
        return ONC_ERR_USAGE;
    return ONC_OK;
}

onc_status onc_km_render(const onc_km_report *r, onc_output_mode mode,
                         FILE *fp)
{
    onc_table *t = NULL;
    onc_status rc = km_render_check(r);

    if (rc != ONC_OK)
        return rc;
    switch (mode) {
    case ONC_OUTPUT_JSON:
        return km_render_json(r, fp);
    case ONC_OUTPUT_CSV:
        rc = r->show_table ? km_survival_table(r, mode, &t)
                           : km_group_table(r, mode, &t);
        if (rc == ONC_OK)
            rc = onc_table_write_csv(t, fp);
        onc_table_free(t);
        return rc;
    case ONC_OUTPUT_TEXT:
    default:
        return km_render_text(r, fp);
    }
}
