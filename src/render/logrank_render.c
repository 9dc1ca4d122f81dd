/*
** logrank_render.c -- log-rank family results as text, JSON and CSV.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/km_render_internal.h"

void onc_logrank_report_init(onc_logrank_report *r)
{
    memset(r, 0, sizeof *r);
    r->adjust = ONC_P_ADJUST_HOLM;
    r->landmark = NAN;
}

size_t onc_logrank_test_name(const onc_logrank_result *r, char *buf,
                             size_t cap)
{
    switch (r->weight) {
    case ONC_LOGRANK_WEIGHT_GEHAN_BRESLOW:
        return (size_t)snprintf(buf, cap, "Gehan-Breslow");
    case ONC_LOGRANK_WEIGHT_TARONE_WARE:
        return (size_t)snprintf(buf, cap, "Tarone-Ware");
    case ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON:
        if (r->rho == 0.0 && r->gamma == 0.0)
            return (size_t)snprintf(buf, cap, "Log-rank");
        /* survdiff(rho = 1): the Peto & Peto modification of Gehan's test. */
        if (r->rho == 1.0 && r->gamma == 0.0)
            return (size_t)snprintf(buf, cap, "Peto-Peto");
        return (size_t)snprintf(buf, cap, "Fleming-Harrington G(%g, %g)",
                                r->rho, r->gamma);
    case ONC_LOGRANK_WEIGHT_LOGRANK:
    default:
        return (size_t)snprintf(buf, cap, "Log-rank");
    }
}

/* Machine name of the test for JSON. */
static const char *logrank_test_key(const onc_logrank_result *r)
{
    switch (r->weight) {
    case ONC_LOGRANK_WEIGHT_GEHAN_BRESLOW:
        return "gehan";
    case ONC_LOGRANK_WEIGHT_TARONE_WARE:
        return "tarone-ware";
    case ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON:
        if (r->rho == 0.0 && r->gamma == 0.0)
            return "logrank";
        if (r->rho == 1.0 && r->gamma == 0.0)
            return "peto";
        return "fleming-harrington";
    case ONC_LOGRANK_WEIGHT_LOGRANK:
    default:
        return "logrank";
    }
}

static double logrank_p_adjusted(const onc_logrank_pair *p, onc_p_adjust a)
{
    switch (a) {
    case ONC_P_ADJUST_NONE:
        return p->p_value;
    case ONC_P_ADJUST_BONFERRONI:
        return p->p_bonferroni;
    case ONC_P_ADJUST_HOLM:
    default:
        return p->p_holm;
    }
}

static const char *logrank_adjust_name(onc_p_adjust a)
{
    switch (a) {
    case ONC_P_ADJUST_NONE:
        return "none";
    case ONC_P_ADJUST_BONFERRONI:
        return "bonferroni";
    case ONC_P_ADJUST_HOLM:
    default:
        return "holm";
    }
}

static void logrank_method_text(const onc_logrank_report *r, char *buf,
                                size_t cap)
{
    const onc_logrank_result *x = r->result;
    char name[96];

    onc_logrank_test_name(x, name, sizeof name);
    snprintf(buf, cap, "%s test%s%s; %s variance%s", name,
             x->weight == ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON &&
                     !(x->rho == 0.0 && x->gamma == 0.0)
                 ? " (weights S(t-)^rho (1 - S(t-))^gamma from the pooled "
                   "Kaplan-Meier)"
                 : "",
             x->n_strata > 1 ? ", stratified" : "",
             x->variance_type == ONC_LOGRANK_VARIANCE_BRESLOW
                 ? "Breslow (Cox score test)"
                 : "hypergeometric",
             x->weight == ONC_LOGRANK_WEIGHT_LOGRANK ||
                     (x->weight == ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON &&
                      x->gamma == 0.0)
                 ? " (R survdiff)"
                 : "");
}

static onc_status logrank_render_json(const onc_logrank_report *r, FILE *fp)
{
    const onc_logrank_result *x = r->result;
    onc_json *j = onc_json_new(fp, 2);
    char method[512], name[96], a[32], b[32];
    size_t g, h, s;
    onc_status rc;

    if (j == NULL)
        return ONC_ERR_NOMEM;
    logrank_method_text(r, method, sizeof method);
    onc_logrank_test_name(x, name, sizeof name);
    onc_json_object_begin(j);
    onc_json_key(j, "analysis");
    onc_json_string(j, "logrank");
    onc_json_key(j, "formula");
    onc_json_string(j, r->formula);
    onc_json_key(j, "test");
    onc_json_string(j, logrank_test_key(x));
    onc_json_key(j, "test_name");
    onc_json_string(j, name);
    onc_json_key(j, "method");
    onc_json_string(j, method);
    onc_json_key(j, "rho");
    onc_json_number(j, x->rho);
    onc_json_key(j, "gamma");
    onc_json_number(j, x->gamma);
    onc_json_key(j, "variance_type");
    onc_json_string(j, x->variance_type == ONC_LOGRANK_VARIANCE_BRESLOW
                           ? "breslow"
                           : "hypergeometric");
    onc_json_key(j, "landmark");
    onc_json_number(j, r->landmark);
    onc_json_key(j, "chisq");
    onc_json_number(j, x->chisq);
    onc_json_key(j, "df");
    onc_json_integer(j, (long long)x->df);
    onc_json_key(j, "p");
    onc_json_number(j, x->p_value);
    onc_json_key(j, "singular");
    onc_json_bool(j, x->singular);
    onc_json_key(j, "groups");
    onc_json_array_begin(j);
    for (g = 0; g < x->n_groups; g++) {
        onc_json_object_begin(j);
        km_render_json_group(j, &r->groups, g);
        onc_json_key(j, "n");
        onc_json_integer(j, (long long)x->n[g]);
        onc_json_key(j, "events");
        onc_json_count(j, x->events[g]);
        onc_json_key(j, "observed");
        onc_json_number(j, x->observed[g]);
        onc_json_key(j, "expected");
        onc_json_number(j, x->expected[g]);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_key(j, "var");
    onc_json_array_begin(j);
    for (g = 0; g < x->n_groups; g++) {
        onc_json_array_begin(j);
        for (h = 0; h < x->n_groups; h++)
            onc_json_number(j, x->variance[g * x->n_groups + h]);
        onc_json_array_end(j);
    }
    onc_json_array_end(j);
    onc_json_key(j, "n_strata");
    onc_json_integer(j, (long long)x->n_strata);
    if (r->strata_labels != NULL && x->n_strata > 1) {
        onc_json_key(j, "strata");
        onc_json_array_begin(j);
        for (s = 0; s < x->n_strata; s++) {
            onc_json_object_begin(j);
            onc_json_key(j, "label");
            onc_json_string(j, r->strata_labels[s]);
            onc_json_key(j, "observed");
            onc_json_array_begin(j);
            for (g = 0; g < x->n_groups; g++)
                onc_json_number(j, x->observed_strata[s * x->n_groups + g]);
            onc_json_array_end(j);
            onc_json_key(j, "expected");
            onc_json_array_begin(j);
            for (g = 0; g < x->n_groups; g++)
                onc_json_number(j, x->expected_strata[s * x->n_groups + g]);
            onc_json_array_end(j);
            onc_json_object_end(j);
        }
        onc_json_array_end(j);
    }
    onc_json_key(j, "trend");
    if (r->show_trend) {
        onc_json_object_begin(j);
        onc_json_key(j, "scores");
        onc_json_array_begin(j);
        for (g = 0; g < x->n_groups; g++)
            onc_json_number(j, x->trend_scores[g]);
        onc_json_array_end(j);
        onc_json_key(j, "u");
        onc_json_number(j, x->trend_u);
        onc_json_key(j, "variance");
        onc_json_number(j, x->trend_variance);
        onc_json_key(j, "z");
        onc_json_number(j, x->trend_z);
        onc_json_key(j, "chisq");
        onc_json_number(j, x->trend_chisq);
        onc_json_key(j, "p");
        onc_json_number(j, x->trend_p);
        onc_json_object_end(j);
    } else {
        onc_json_null(j);
    }
    onc_json_key(j, "p_adjust");
    onc_json_string(j, logrank_adjust_name(r->adjust));
    onc_json_key(j, "pairwise");
    onc_json_array_begin(j);
    for (g = 0; g < x->n_pairs; g++) {
        const onc_logrank_pair *p = &x->pairs[g];
        onc_json_object_begin(j);
        onc_json_key(j, "group1");
        onc_json_string(j, km_render_label(&r->groups, p->group_a, a, sizeof a));
        onc_json_key(j, "group2");
        onc_json_string(j, km_render_label(&r->groups, p->group_b, b, sizeof b));
        onc_json_key(j, "chisq");
        onc_json_number(j, p->chisq);
        onc_json_key(j, "p");
        onc_json_number(j, p->p_value);
        onc_json_key(j, "p_adjusted");
        onc_json_number(j, logrank_p_adjusted(p, r->adjust));
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    if (r->excluded != NULL) {
        onc_json_exclusions(j, r->excluded);
    } else {
        size_t used = 0;
        for (g = 0; g < x->n_groups; g++)
            used += x->n[g];
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

/* Observed, expected and survdiff's two columns, one row per group. */
static onc_status logrank_group_table(const onc_logrank_report *r,
                                      onc_output_mode mode, onc_table **out)
{
    static const char *const text_head[] = {"Group",     "N",
                                            "Observed",  "Expected",
                                            "(O-E)^2/E", "(O-E)^2/V"};
    static const char *const csv_head[] = {"group",    "n",        "events",
                                           "observed", "expected", "var"};
    static const onc_align align[] = {ONC_ALIGN_LEFT,  ONC_ALIGN_RIGHT,
                                      ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                      ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT};
    const onc_logrank_result *x = r->result;
    int csv = mode == ONC_OUTPUT_CSV;
    km_render_cells row;
    onc_table *t = onc_table_new(6, csv ? csv_head : text_head, align);
    onc_status rc = ONC_OK;
    char lvl[KM_RENDER_CELL];
    size_t g;

    memset(&row, 0, sizeof row);
    if (t == NULL || km_render_cells_alloc(&row, 6) != 0) {
        onc_table_free(t);
        return ONC_ERR_NOMEM;
    }
    for (g = 0; g < x->n_groups && rc == ONC_OK; g++) {
        double o = x->observed[g], e = x->expected[g];
        double v = x->variance[g * x->n_groups + g];

        snprintf(row.text[0], KM_RENDER_CELL, "%s",
                 km_render_label(&r->groups, g, lvl, sizeof lvl));
        snprintf(row.text[1], KM_RENDER_CELL, "%zu", x->n[g]);
        if (csv) {
            km_render_exact(x->events[g], row.text[2], KM_RENDER_CELL);
            km_render_exact(o, row.text[3], KM_RENDER_CELL);
            km_render_exact(e, row.text[4], KM_RENDER_CELL);
            km_render_exact(v, row.text[5], KM_RENDER_CELL);
        } else {
            /* survdiff prints the (weighted) observed count like this. */
            km_render_fixed(o, o == floor(o) ? 0 : 1, row.text[2],
                            KM_RENDER_CELL);
            km_render_fixed(e, 1, row.text[3], KM_RENDER_CELL);
            km_render_fixed(e > 0.0 ? (o - e) * (o - e) / e : NAN, 3,
                            row.text[4], KM_RENDER_CELL);
            km_render_fixed(v > 0.0 ? (o - e) * (o - e) / v : NAN, 3,
                            row.text[5], KM_RENDER_CELL);
        }
        rc = onc_table_add_row(t, row.ptr);
    }
    km_render_cells_free(&row);
    if (rc != ONC_OK) {
        onc_table_free(t);
        return rc;
    }
    *out = t;
    return ONC_OK;
}

static onc_status logrank_render_pairs(const onc_logrank_report *r, FILE *fp)
{
    static const char *const head[] = {"Group 1", "Group 2", "Chisq", "P",
                                       "P adjusted"};
    static const onc_align align[] = {ONC_ALIGN_LEFT, ONC_ALIGN_LEFT,
                                      ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                      ONC_ALIGN_RIGHT};
    const onc_logrank_result *x = r->result;
    km_render_cells row;
    onc_table *t = onc_table_new(5, head, align);
    onc_status rc = ONC_OK;
    char a[KM_RENDER_CELL];
    size_t q;

    memset(&row, 0, sizeof row);
    if (t == NULL || km_render_cells_alloc(&row, 5) != 0) {
        onc_table_free(t);
        return ONC_ERR_NOMEM;
    }
    fprintf(fp, "\nPairwise comparisons (P adjusted: %s):\n",
            r->adjust == ONC_P_ADJUST_HOLM         ? "Holm"
            : r->adjust == ONC_P_ADJUST_BONFERRONI ? "Bonferroni"
                                                   : "none");
    for (q = 0; q < x->n_pairs && rc == ONC_OK; q++) {
        const onc_logrank_pair *p = &x->pairs[q];
        snprintf(row.text[0], KM_RENDER_CELL, "%s",
                 km_render_label(&r->groups, p->group_a, a, sizeof a));
        snprintf(row.text[1], KM_RENDER_CELL, "%s",
                 km_render_label(&r->groups, p->group_b, a, sizeof a));
        km_render_fixed(p->chisq, 2, row.text[2], KM_RENDER_CELL);
        onc_format_p(p->p_value, row.text[3], KM_RENDER_CELL);
        onc_format_p(logrank_p_adjusted(p, r->adjust), row.text[4],
                     KM_RENDER_CELL);
        rc = onc_table_add_row(t, row.ptr);
    }
    if (rc == ONC_OK)
        rc = onc_table_write_text(t, fp);
    km_render_cells_free(&row);
    onc_table_free(t);
    return rc;
}

static onc_status logrank_render_text(const onc_logrank_report *r, FILE *fp)
{
    const onc_logrank_result *x = r->result;
    onc_table *t = NULL;
    char method[512], p[32], lm[48];
    size_t len;
    onc_status rc;
    size_t g;

    logrank_method_text(r, method, sizeof method);
    fprintf(fp, "%s: %s\n", "Log-rank family",
            r->formula != NULL ? r->formula : "");
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
    rc = logrank_group_table(r, ONC_OUTPUT_TEXT, &t);
    if (rc == ONC_OK)
        rc = onc_table_write_text(t, fp);
    onc_table_free(t);
    if (rc != ONC_OK)
        return rc;
    onc_format_p(x->p_value, p, sizeof p);
    if (x->singular)
        fputs("\nChisq not defined: the variance matrix is singular.\n", fp);
    else if (x->df == 0)
        fputs("\nChisq not defined: fewer than two groups have expected "
              "events.\n", fp);
    else
        fprintf(fp, "\nChisq = %.2f on %zu df, P %s%s\n", x->chisq, x->df,
                p[0] == '<' ? "" : "= ", p);
    if (r->show_trend) {
        fputs("Trend (scores ", fp);
        for (g = 0; g < x->n_groups; g++)
            fprintf(fp, "%s%g", g ? ", " : "", x->trend_scores[g]);
        onc_format_p(x->trend_p, p, sizeof p);
        if (isnan(x->trend_chisq))
            fputs("): not defined (zero variance)\n", fp);
        else
            fprintf(fp, "): chisq = %.2f on 1 df, P %s%s\n", x->trend_chisq,
                    p[0] == '<' ? "" : "= ", p);
    }
    if (x->n_pairs > 0)
        rc = logrank_render_pairs(r, fp);
    if (rc == ONC_OK && r->excluded != NULL) {
        fputc('\n', fp);
        onc_text_exclusions(fp, r->excluded);
    }
    if (rc == ONC_OK && ferror(fp))
        rc = ONC_ERR_IO;
    return rc;
}

onc_status onc_logrank_render(const onc_logrank_report *r,
                              onc_output_mode mode, FILE *fp)
{
    onc_table *t = NULL;
    onc_status rc;

    if (r == NULL || r->result == NULL ||
        r->groups.n_groups != r->result->n_groups)
        return ONC_ERR_USAGE;
    switch (mode) {
    case ONC_OUTPUT_JSON:
        return logrank_render_json(r, fp);
    case ONC_OUTPUT_CSV:
        rc = logrank_group_table(r, mode, &t);
        if (rc == ONC_OK)
            rc = km_render_table(t, mode, fp);
        onc_table_free(t);
        return rc;
    case ONC_OUTPUT_TEXT:
    default:
        return logrank_render_text(r, fp);
    }
}
