/*
** rates_render.c -- rates by group as text, JSON and CSV
** (oncostat/rates_render.h).
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "oncostat/rates_render.h"
#include "render/clinical_render_internal.h"

void onc_rates_report_init(onc_rates_report *r)
{
    memset(r, 0, sizeof *r);
}

/* The name of group g as a table shows it: the level of a single grouping
** variable ("TACE"), else the label ("arm=TACE, sex=F"). */
static const char *rates_arm(const onc_rates_report *r, size_t g, char *buf,
                             size_t cap)
{
    const onc_group_labels *gl = &r->groups;

    if (gl->n_vars == 1 && gl->values != NULL && gl->values[g] != NULL &&
        gl->values[g][0] != NULL)
        return gl->values[g][0];
    if (gl->labels != NULL && gl->labels[g] != NULL)
        return gl->labels[g];
    snprintf(buf, cap, "group %zu", g + 1);
    return buf;
}

static const char *rates_category(const onc_rates_report *r, size_t c, char *buf,
                                  size_t cap)
{
    if (r->categories != NULL && r->categories[c] != NULL)
        return r->categories[c];
    if (r->result->binary)
        return c == 1 ? "event" : "no event";
    snprintf(buf, cap, "category %zu", c + 1);
    return buf;
}

/* An odds ratio for people: three significant digits, "Inf", "NA". */
static void rates_ratio(double v, char *buf, size_t cap)
{
    if (isnan(v))
        snprintf(buf, cap, "NA");
    else if (isinf(v))
        snprintf(buf, cap, "Inf");
    else if (v >= 100.0)
        snprintf(buf, cap, "%.0f", v);
    else if (v >= 10.0)
        snprintf(buf, cap, "%.1f", v);
    else
        snprintf(buf, cap, "%.2f", v);
}

/* ---- JSON ---- */

static void rates_json_arm_name(onc_json *j, const onc_rates_report *r, size_t g)
{
    const onc_group_labels *gl = &r->groups;
    char buf[32];
    size_t v;

    onc_json_key(j, "arm");
    onc_json_string(j, rates_arm(r, g, buf, sizeof buf));
    onc_json_key(j, "groups");
    onc_json_object_begin(j);
    if (gl->vars != NULL && gl->values != NULL)
        for (v = 0; v < gl->n_vars; v++) {
            onc_json_key(j, gl->vars[v]);
            onc_json_string(j, gl->values[g][v]);
        }
    onc_json_object_end(j);
}

static void rates_json_counts(onc_json *j, const onc_rates_report *r,
                              const onc_proportion *cells)
{
    const onc_rates_result *res = r->result;
    char buf[32];
    size_t c;

    onc_json_key(j, "counts");
    onc_json_array_begin(j);
    for (c = 0; c < res->n_categories; c++) {
        onc_json_object_begin(j);
        onc_json_key(j, "category");
        onc_json_string(j, rates_category(r, c, buf, sizeof buf));
        onc_json_key(j, "count");
        onc_json_integer(j, (long long)cells[c].count);
        onc_json_key(j, "proportion");
        onc_json_number(j, cells[c].estimate);
        onc_json_key(j, "lower");
        onc_json_number(j, cells[c].lower);
        onc_json_key(j, "upper");
        onc_json_number(j, cells[c].upper);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
}

static void rates_json_comparison(onc_json *j, const onc_rates_report *r,
                                  const onc_rates_comparison *c)
{
    char buf[32], buf2[32];

    onc_json_object_begin(j);
    onc_json_key(j, "arm");
    onc_json_string(j, rates_arm(r, c->group, buf, sizeof buf));
    onc_json_key(j, "reference");
    onc_json_string(j, rates_arm(r, c->reference, buf2, sizeof buf2));
    onc_json_key(j, "difference");
    onc_json_number(j, c->difference.difference);
    onc_json_key(j, "lower");
    onc_json_number(j, c->difference.lower);
    onc_json_key(j, "upper");
    onc_json_number(j, c->difference.upper);
    onc_json_key(j, "odds_ratio");
    onc_json_number(j, c->odds_ratio.conditional_mle);
    onc_json_key(j, "or_lower");
    onc_json_number(j, c->odds_ratio.exact_lower);
    onc_json_key(j, "or_upper");
    onc_json_number(j, c->odds_ratio.exact_upper);
    onc_json_key(j, "or_sample");
    onc_json_number(j, c->odds_ratio.sample);
    onc_json_key(j, "or_woolf_lower");
    onc_json_number(j, c->odds_ratio.woolf_lower);
    onc_json_key(j, "or_woolf_upper");
    onc_json_number(j, c->odds_ratio.woolf_upper);
    onc_json_key(j, "fisher_p");
    onc_json_number(j, c->odds_ratio.p_value);
    onc_json_key(j, "chisq");
    onc_json_number(j, c->chisq.statistic);
    onc_json_key(j, "chisq_df");
    onc_json_number(j, c->chisq.df);
    onc_json_key(j, "chisq_p");
    onc_json_number(j, c->chisq.p_value);
    onc_json_key(j, "yates");
    onc_json_bool(j, c->chisq.yates);
    onc_json_object_end(j);
}

static onc_status rates_render_json(const onc_rates_report *r, FILE *fp)
{
    const onc_rates_result *res = r->result;
    onc_json *j = onc_json_new(fp, 2);
    onc_status st;
    char buf[32];
    size_t g, c, nc = res->n_categories;

    if (j == NULL)
        return ONC_ERR_NOMEM;
    onc_json_object_begin(j);
    onc_json_key(j, "analysis");
    onc_json_string(j, "rates");
    onc_json_key(j, "formula");
    onc_json_string(j, r->formula);
    onc_json_key(j, "outcome");
    onc_json_string(j, r->outcome);
    onc_json_key(j, "outcome_type");
    onc_json_string(j, res->binary ? "binary" : "categorical");
    onc_json_key(j, "categories");
    onc_json_array_begin(j);
    for (c = 0; c < nc; c++)
        onc_json_string(j, rates_category(r, c, buf, sizeof buf));
    onc_json_array_end(j);
    onc_json_key(j, "ci_method");
    onc_json_string(j, onc_rates_ci_name(res->ci));
    onc_json_key(j, "conf_level");
    onc_json_number(j, res->conf_level);
    onc_json_key(j, "arms");
    onc_json_array_begin(j);
    for (g = 0; g < res->n_groups; g++) {
        onc_json_object_begin(j);
        rates_json_arm_name(j, r, g);
        if (res->binary) {
            clinical_json_proportion(j, &res->cells[g * 2 + 1]);
        } else {
            onc_json_key(j, "n");
            onc_json_integer(j, (long long)res->group_n[g]);
            rates_json_counts(j, r, res->cells + g * nc);
        }
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_key(j, "overall");
    onc_json_object_begin(j);
    if (res->binary) {
        clinical_json_proportion(j, &res->overall[1]);
    } else {
        onc_json_key(j, "n");
        onc_json_integer(j, (long long)res->total);
        rates_json_counts(j, r, res->overall);
    }
    onc_json_object_end(j);
    onc_json_key(j, "comparisons");
    onc_json_array_begin(j);
    for (g = 0; g < res->n_comparisons; g++)
        rates_json_comparison(j, r, &res->comparisons[g]);
    onc_json_array_end(j);
    onc_json_key(j, "test");
    if (res->has_test) {
        onc_json_object_begin(j);
        onc_json_key(j, "fisher_p");
        onc_json_number(j, res->fisher.p_value);
        onc_json_key(j, "fisher_limited");
        onc_json_bool(j, res->fisher_limited);
        onc_json_key(j, "chisq");
        onc_json_number(j, res->chisq.statistic);
        onc_json_key(j, "chisq_df");
        onc_json_number(j, res->chisq.df);
        onc_json_key(j, "chisq_p");
        onc_json_number(j, res->chisq.p_value);
        onc_json_key(j, "yates");
        onc_json_bool(j, res->chisq.yates);
        onc_json_key(j, "min_expected");
        onc_json_number(j, res->chisq.min_expected);
        onc_json_key(j, "n_expected_below_5");
        onc_json_integer(j, (long long)res->chisq.n_expected_below_5);
        onc_json_object_end(j);
    } else {
        onc_json_null(j);
    }
    onc_json_key(j, "trend");
    if (res->has_trend) {
        onc_json_object_begin(j);
        onc_json_key(j, "statistic");
        onc_json_number(j, res->trend.statistic);
        onc_json_key(j, "df");
        onc_json_number(j, res->trend.df);
        onc_json_key(j, "p");
        onc_json_number(j, res->trend.p_value);
        onc_json_object_end(j);
    } else {
        onc_json_null(j);
    }
    if (r->excluded != NULL) {
        onc_json_exclusions(j, r->excluded);
    } else {
        onc_json_key(j, "n_used");
        onc_json_integer(j, (long long)res->total);
        onc_json_key(j, "n_excluded");
        onc_json_integer(j, 0);
        onc_json_key(j, "excluded");
        onc_json_array_begin(j);
        onc_json_array_end(j);
    }
    onc_json_object_end(j);
    st = onc_json_finish(j);
    onc_json_free(j);
    return st;
}

/* ---- CSV ---- */

static void rates_csv_row(FILE *fp, const char *arm, const char *category,
                          const onc_proportion *p)
{
    char a[48], b[48], c[48];

    clinical_exact(p->estimate, a, sizeof a);
    clinical_exact(p->lower, b, sizeof b);
    clinical_exact(p->upper, c, sizeof c);
    clinical_csv_field(fp, arm);
    if (category != NULL) {
        fputc(',', fp);
        clinical_csv_field(fp, category);
    }
    fprintf(fp, ",%zu,%zu,%s,%s,%s\n", p->n, p->count, a, b, c);
}

static onc_status rates_render_csv(const onc_rates_report *r, FILE *fp)
{
    const onc_rates_result *res = r->result;
    char buf[32], cbuf[32];
    size_t g, c, nc = res->n_categories;

    if (res->binary) {
        fputs("arm,n,count,proportion,lower,upper\n", fp);
        for (g = 0; g < res->n_groups; g++)
            rates_csv_row(fp, rates_arm(r, g, buf, sizeof buf), NULL,
                          &res->cells[g * 2 + 1]);
        if (res->n_groups > 1)
            rates_csv_row(fp, "All", NULL, &res->overall[1]);
    } else {
        fputs("arm,category,n,count,proportion,lower,upper\n", fp);
        for (g = 0; g < res->n_groups; g++)
            for (c = 0; c < nc; c++)
                rates_csv_row(fp, rates_arm(r, g, buf, sizeof buf),
                              rates_category(r, c, cbuf, sizeof cbuf),
                              &res->cells[g * nc + c]);
        for (c = 0; c < nc && res->n_groups > 1; c++)
            rates_csv_row(fp, "All", rates_category(r, c, cbuf, sizeof cbuf),
                          &res->overall[c]);
    }
    return ferror(fp) ? ONC_ERR_IO : ONC_OK;
}

/* ---- text ---- */

/* Binary: arm, N, events, %, CI.  Categorical: arm, N, then n (%) per
** category. */
static onc_status rates_text_table(const onc_rates_report *r, FILE *fp)
{
    const onc_rates_result *res = r->result;
    size_t nc = res->n_categories, n_cols = res->binary ? 5 : 2 + nc;
    char cells[2 + 64][CLINICAL_CELL], ci_head[48];
    const char *ptr[2 + 64];
    onc_align align[2 + 64];
    onc_table *t;
    onc_status st = ONC_OK;
    size_t g, c;

    if (n_cols > sizeof ptr / sizeof ptr[0])
        n_cols = sizeof ptr / sizeof ptr[0];    /* text shows 64 categories */
    for (c = 0; c < n_cols; c++) {
        ptr[c] = cells[c];
        align[c] = c == 0 ? ONC_ALIGN_LEFT : ONC_ALIGN_RIGHT;
    }
    snprintf(cells[0], CLINICAL_CELL, "Arm");
    snprintf(cells[1], CLINICAL_CELL, "N");
    if (res->binary) {
        snprintf(cells[2], CLINICAL_CELL, "Events");
        snprintf(cells[3], CLINICAL_CELL, "%%");
        snprintf(ci_head, sizeof ci_head, "%g%% CI", 100.0 * res->conf_level);
        snprintf(cells[4], CLINICAL_CELL, "%s", ci_head);
    } else {
        for (c = 0; c + 2 < n_cols; c++)
            snprintf(cells[c + 2], CLINICAL_CELL, "%s",
                     rates_category(r, c, ci_head, sizeof ci_head));
    }
    t = onc_table_new(n_cols, ptr, align);
    if (t == NULL)
        return ONC_ERR_NOMEM;
    for (g = 0; g <= res->n_groups && st == ONC_OK; g++) {
        int all = g == res->n_groups;
        const onc_proportion *row = all ? res->overall : res->cells + g * nc;
        if (all && res->n_groups == 1)
            break;
        snprintf(cells[0], CLINICAL_CELL, "%s",
                 all ? "All" : rates_arm(r, g, ci_head, sizeof ci_head));
        snprintf(cells[1], CLINICAL_CELL, "%zu", all ? res->total : res->group_n[g]);
        if (res->binary) {
            snprintf(cells[2], CLINICAL_CELL, "%zu", row[1].count);
            clinical_percent(row[1].estimate, cells[3], CLINICAL_CELL);
            clinical_percent_ci(&row[1], cells[4], CLINICAL_CELL);
        } else {
            for (c = 0; c + 2 < n_cols; c++) {
                char pct[32];
                clinical_percent(row[c].estimate, pct, sizeof pct);
                snprintf(cells[c + 2], CLINICAL_CELL, "%zu (%s%%)", row[c].count, pct);
            }
        }
        st = onc_table_add_row(t, ptr);
    }
    if (st == ONC_OK)
        st = onc_table_write_text(t, fp);
    onc_table_free(t);
    return st;
}

static onc_status rates_text_comparisons(const onc_rates_report *r, FILE *fp)
{
    static const char *const head[] = {"Arm", "Difference, % points (CI)",
                                       "Odds ratio (CI)", "Fisher P",
                                       "Chi-square P"};
    static const onc_align align[] = {ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT,
                                      ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                      ONC_ALIGN_RIGHT};
    const onc_rates_result *res = r->result;
    char cells[5][CLINICAL_CELL], a[32], b[32], c[32];
    const char *ptr[5];
    onc_table *t = onc_table_new(5, head, align);
    onc_status st = ONC_OK;
    size_t k;

    if (t == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < 5; k++)
        ptr[k] = cells[k];
    fprintf(fp, "\nAgainst %s (%g%% CIs):\n", rates_arm(r, 0, a, sizeof a),
            100.0 * res->conf_level);
    for (k = 0; k < res->n_comparisons && st == ONC_OK; k++) {
        const onc_rates_comparison *x = &res->comparisons[k];
        snprintf(cells[0], CLINICAL_CELL, "%s", rates_arm(r, x->group, a, sizeof a));
        if (isnan(x->difference.difference))
            snprintf(cells[1], CLINICAL_CELL, "NA");
        else
            snprintf(cells[1], CLINICAL_CELL, "%.1f (%.1f to %.1f)",
                     100.0 * x->difference.difference, 100.0 * x->difference.lower,
                     100.0 * x->difference.upper);
        rates_ratio(x->odds_ratio.conditional_mle, a, sizeof a);
        rates_ratio(x->odds_ratio.exact_lower, b, sizeof b);
        rates_ratio(x->odds_ratio.exact_upper, c, sizeof c);
        snprintf(cells[2], CLINICAL_CELL, "%s (%s\xe2\x80\x93%s)", a, b, c);
        onc_format_p(x->odds_ratio.p_value, cells[3], CLINICAL_CELL);
        onc_format_p(x->chisq.p_value, cells[4], CLINICAL_CELL);
        st = onc_table_add_row(t, ptr);
    }
    if (st == ONC_OK)
        st = onc_table_write_text(t, fp);
    onc_table_free(t);
    return st;
}

static onc_status rates_render_text(const onc_rates_report *r, FILE *fp)
{
    const onc_rates_result *res = r->result;
    onc_status st;
    char p1[32], p2[32];

    fprintf(fp, "Rates%s%s\n", r->formula != NULL ? ": " : "",
            r->formula != NULL ? r->formula : "");
    if (res->binary)
        fprintf(fp, "Outcome: %s (event = 1/TRUE); %g%% CIs by %s.\n\n",
                r->outcome != NULL ? r->outcome : "event", 100.0 * res->conf_level,
                onc_rates_ci_name(res->ci));
    else
        fprintf(fp, "Outcome: %s, %zu categories; patients (%% of the arm).\n\n",
                r->outcome != NULL ? r->outcome : "category", res->n_categories);
    st = rates_text_table(r, fp);
    if (st == ONC_OK && res->n_comparisons > 0)
        st = rates_text_comparisons(r, fp);
    if (st == ONC_OK && res->has_test) {
        fputc('\n', fp);
        if (res->n_comparisons != 1 || !res->binary) {
            if (res->fisher_limited)
                fprintf(fp, "Across all arms: Fisher's exact test not computed "
                            "(beyond its work limits);");
            else {
                onc_format_p(res->fisher.p_value, p1, sizeof p1);
                fprintf(fp, "Across all arms: Fisher's exact test P = %s;", p1);
            }
            onc_format_p(res->chisq.p_value, p2, sizeof p2);
            fprintf(fp, " chi-square %.2f, %g df, P = %s.\n", res->chisq.statistic,
                    res->chisq.df, p2);
        }
        if (res->chisq.n_expected_below_5 > 0)
            fprintf(fp, "%zu cell%s with an expected count below 5 (smallest %.2f): "
                        "prefer Fisher's exact test.\n",
                    res->chisq.n_expected_below_5,
                    res->chisq.n_expected_below_5 == 1 ? "" : "s",
                    res->chisq.min_expected);
    }
    if (st == ONC_OK && res->has_trend) {
        onc_format_p(res->trend.p_value, p1, sizeof p1);
        fprintf(fp, "Test for trend over the arms in order (Cochran-Armitage): "
                    "chi-square %.2f, 1 df, P = %s.\n", res->trend.statistic, p1);
    }
    if (st == ONC_OK && res->n_comparisons > 0)
        fprintf(fp, "Differences: Newcombe hybrid score intervals. Odds ratios: "
                    "conditional maximum likelihood with exact intervals, as R "
                    "fisher.test. Chi-square %s continuity correction.\n",
                res->yates ? "with Yates'" : "without");
    if (st == ONC_OK && r->excluded != NULL) {
        fputc('\n', fp);
        onc_text_exclusions(fp, r->excluded);
    }
    if (st == ONC_OK && ferror(fp))
        st = ONC_ERR_IO;
    return st;
}

onc_status onc_rates_render(const onc_rates_report *r, onc_output_mode mode,
                            FILE *fp)
{
    if (r == NULL || r->result == NULL || r->groups.n_groups != r->result->n_groups ||
        (r->groups.n_vars > 0 && r->groups.values != NULL && r->groups.vars == NULL))
        return ONC_ERR_USAGE;
    switch (mode) {
    case ONC_OUTPUT_JSON:
        return rates_render_json(r, fp);
    case ONC_OUTPUT_CSV:
        return rates_render_csv(r, fp);
    case ONC_OUTPUT_TEXT:
    default:
        return rates_render_text(r, fp);
    }
}
