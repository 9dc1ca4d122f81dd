/*
** cmd_rates.c -- oncostat rates DATA 'outcome ~ arm' [options]
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "oncostat/rates_render.h"

/* Most categories a numeric outcome may have before it is refused as
** "not categorical" (a measurement, not a classification). */
#define RATES_MAX_NUMERIC_CATEGORIES 32

static void help(void)
{
    printf("Usage: oncostat rates DATA 'outcome ~ arm' [OPTIONS]\n\n"
           "Proportions by arm with confidence intervals, the difference and odds\n"
           "ratio of each arm against the first (the reference), Fisher's exact and\n"
           "chi-square tests, and optionally the Cochran-Armitage test for trend.\n"
           "The outcome is binary -- a 0/1 or TRUE/FALSE column, or a comparison such\n"
           "as 'bor %%in%% c(\"CR\", \"PR\")' -- or categorical (a text column, or whole\n"
           "numbers such as a grade): then the table of categories by arm and the\n"
           "r x c tests.  '~ 1' gives one overall proportion.  Numbers follow R's\n"
           "binom.test, prop.test, fisher.test, chisq.test and prop.trend.test;\n"
           "see docs/rates.md.\n\n"
           "Options:\n"
           "  --ci M              clopper-pearson (exact, as binom.test) or wilson\n"
           "                      (as prop.test without correction)\n"
           "                      (default: clopper-pearson)\n"
           "  --conf-level L      confidence level (default: 0.95)\n"
           "  --yates             continuity correction of 2 x 2 chi-square tests\n"
           "                      (default: off; R's chisq.test applies it)\n"
           "  --trend             Cochran-Armitage test for trend over the arms in\n"
           "                      their order, scores 1, 2, ... (binary outcome;\n"
           "                      default: off)\n\n%s\n%s",
           cli_analysis_help, cli_common_help);
}

typedef struct rates_args {
    onc_rates_options opt;
} rates_args;

static int parse_option(rates_args *k, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    const char *v;

    if (cli_is_option(arg, "--ci")) {
        if ((v = cli_option_value(argc, argv, i, "--ci")) == NULL)
            return -1;
        if (strcmp(v, "clopper-pearson") == 0 || strcmp(v, "exact") == 0)
            k->opt.ci = ONC_CI_CLOPPER_PEARSON;
        else if (strcmp(v, "wilson") == 0)
            k->opt.ci = ONC_CI_WILSON;
        else {
            fprintf(stderr, "oncostat rates: --ci: expected clopper-pearson or "
                            "wilson, found '%s'\n", v);
            return -1;
        }
        return 1;
    }
    if (cli_is_option(arg, "--conf-level")) {
        char *end;
        if ((v = cli_option_value(argc, argv, i, "--conf-level")) == NULL)
            return -1;
        k->opt.conf_level = strtod(v, &end);
        if (end == v || *end != '\0' ||
            !(k->opt.conf_level > 0.0 && k->opt.conf_level < 1.0)) {
            fprintf(stderr, "oncostat rates: --conf-level: must be between 0 and 1, "
                            "found '%s'\n", v);
            return -1;
        }
        return 1;
    }
    if (strcmp(arg, "--yates") == 0) {
        k->opt.yates = 1;
        return 1;
    }
    if (strcmp(arg, "--trend") == 0) {
        k->opt.trend = 1;
        return 1;
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/*
** The outcome of each used row as a category code 0..*n_cat-1, with the
** category names.  A factor keeps its levels; numbers all 0 or 1 are
** binary; other whole numbers are categories in numeric order.
*/
typedef struct rates_outcome {
    int32_t *code;
    size_t n_cat;
    int binary;
    char **names;           /* owned when numeric */
    int own_names;
} rates_outcome;

static void outcome_free(rates_outcome *o)
{
    size_t c;

    free(o->code);
    if (o->own_names && o->names != NULL) {
        for (c = 0; c < o->n_cat; c++)
            free(o->names[c]);
        free(o->names);
    }
    memset(o, 0, sizeof *o);
}

static int outcome_take(const cli_analysis *a, rates_outcome *o)
{
    const onc_model *m = a->model;
    double *distinct = NULL;
    size_t i, n_distinct = 0, c;
    int code = CLI_USAGE;

    memset(o, 0, sizeof *o);
    o->code = malloc((m->n ? m->n : 1) * sizeof *o->code);
    if (o->code == NULL)
        goto nomem;
    if (m->y_code != NULL) {
        memcpy(o->code, m->y_code, m->n * sizeof *o->code);
        o->n_cat = m->n_y_levels;
        o->names = m->y_levels;
        return CLI_OK;
    }
    distinct = malloc((m->n ? m->n : 1) * sizeof *distinct);
    if (distinct == NULL)
        goto nomem;
    for (i = 0; i < m->n; i++) {
        double y = m->y[i];
        if (!isfinite(y) || y != floor(y)) {
            fprintf(stderr, "oncostat rates: %s: row %zu: the outcome is %g; it must "
                            "be 0/1, TRUE/FALSE, a comparison such as 'x == \"yes\"', "
                            "a text column or whole numbers\n", a->data_path,
                    m->row[i], y);
            goto cleanup;
        }
        distinct[i] = y;
    }
    qsort(distinct, m->n, sizeof *distinct, cmp_double);
    for (i = 0; i < m->n; i++)
        if (i == 0 || distinct[i] != distinct[i - 1])
            distinct[n_distinct++] = distinct[i];
    if (n_distinct > RATES_MAX_NUMERIC_CATEGORIES) {
        fprintf(stderr, "oncostat rates: %s: the outcome has %zu different values; "
                        "a categorical outcome may have at most %d\n", a->data_path,
                n_distinct, RATES_MAX_NUMERIC_CATEGORIES);
        goto cleanup;
    }
    o->binary = n_distinct <= 2 && distinct[0] >= 0.0 && distinct[n_distinct - 1] <= 1.0;
    if (o->binary) {
        o->n_cat = 2;
        for (i = 0; i < m->n; i++)
            o->code[i] = m->y[i] == 1.0;
        free(distinct);
        return CLI_OK;
    }
    o->n_cat = n_distinct;
    o->own_names = 1;
    o->names = calloc(n_distinct, sizeof *o->names);
    if (o->names == NULL)
        goto nomem;
    for (c = 0; c < n_distinct; c++) {
        char buf[40];
        snprintf(buf, sizeof buf, "%.15g", distinct[c]);
        if ((o->names[c] = malloc(strlen(buf) + 1)) == NULL)
            goto nomem;
        memcpy(o->names[c], buf, strlen(buf) + 1);
    }
    for (i = 0; i < m->n; i++) {
        double *hit = bsearch(&m->y[i], distinct, n_distinct, sizeof *distinct,
                              cmp_double);
        o->code[i] = (int32_t)(hit - distinct);
    }
    free(distinct);
    return CLI_OK;

nomem:
    fprintf(stderr, "oncostat rates: out of memory\n");
cleanup:
    free(distinct);
    outcome_free(o);
    return code;
}

static int run(cli_analysis *a, rates_args *k)
{
    const onc_model *m = a->model;
    rates_outcome o;
    size_t *counts = NULL, i;
    onc_rates_result *res = NULL;
    onc_rates_report rep;
    onc_output *out = NULL;
    onc_error err;
    onc_status st;
    int code;

    if (m->kind != ONC_RESPONSE_VALUE) {
        fprintf(stderr, "oncostat rates: the formula needs an outcome on the left, "
                        "e.g. 'response ~ arm' or 'bor %%in%% c(\"CR\", \"PR\") ~ arm'\n");
        return CLI_USAGE;
    }
    if (m->strata != NULL || m->cluster != NULL || m->offset != NULL ||
        m->weights != NULL) {
        fprintf(stderr, "oncostat rates: strata(), cluster(), offset() and --weights "
                        "do not apply to rates; write the variables as groups, e.g. "
                        "'response ~ arm + center'\n");
        return CLI_USAGE;
    }
    if ((code = outcome_take(a, &o)) != CLI_OK)
        return code;
    if (k->opt.trend && !o.binary) {
        fprintf(stderr, "oncostat rates: --trend needs a binary outcome (0/1, "
                        "TRUE/FALSE or a comparison)\n");
        code = CLI_USAGE;
        goto cleanup;
    }
    /* n_groups <= INT32_MAX and n_cat <= INT32_MAX: the product fits. */
    counts = calloc(m->n_groups * o.n_cat > 0 ? m->n_groups * o.n_cat : 1, sizeof *counts);
    if (counts == NULL) {
        fprintf(stderr, "oncostat rates: out of memory\n");
        code = CLI_COMPUTE;
        goto cleanup;
    }
    for (i = 0; i < m->n; i++)
        counts[(size_t)m->group[i] * o.n_cat + (size_t)o.code[i]]++;
    onc_error_clear(&err);
    st = onc_rates_by_group(counts, m->n_groups, o.n_cat, o.binary, &k->opt, &res, &err);
    if (st != ONC_OK) {
        cli_print_error(&err, st);
        code = cli_exit_code(st);
        goto cleanup;
    }
    onc_rates_report_init(&rep);
    rep.result = res;
    rep.groups.n_groups = m->n_groups;
    rep.groups.labels = (const char *const *)m->group_labels;
    rep.groups.n_vars = m->n_group_vars;
    rep.groups.vars = (const char *const *)m->group_vars;
    rep.groups.values = (const char *const *const *)m->group_values;
    rep.categories = o.binary ? NULL : (const char *const *)o.names;
    rep.formula = onc_formula_text(a->formula);
    rep.outcome = onc_expr_text(a->formula->response[0]);
    rep.excluded = &a->excluded;
    if ((code = cli_output_open(&a->common, &out)) != CLI_OK)
        goto cleanup;
    st = onc_rates_render(&rep, a->common.mode, onc_output_file(out));
    if (st != ONC_OK) {
        onc_output_abort(out);
        cli_print_error(NULL, st);
        code = cli_exit_code(st);
        goto cleanup;
    }
    code = cli_output_close(out);

cleanup:
    onc_rates_result_free(res);
    free(counts);
    outcome_free(&o);
    return code;
}

int cmd_rates(int argc, char **argv)
{
    cli_analysis a;
    rates_args k;
    int i, code;

    cli_analysis_init(&a);
    memset(&k, 0, sizeof k);
    onc_rates_options_init(&k.opt);
    for (i = 1; i < argc; i++) {
        int used = cli_analysis_option(&a, argc, argv, &i, "rates");
        if (used < 0)
            return CLI_USAGE;
        if (used)
            continue;
        used = parse_option(&k, argc, argv, &i);
        if (used < 0)
            return CLI_USAGE;
        if (used == 0) {
            fprintf(stderr, "oncostat rates: unknown option '%s' (see oncostat rates "
                            "--help)\n", argv[i]);
            return CLI_USAGE;
        }
    }
    if (a.common.help) {
        help();
        return CLI_OK;
    }
    code = cli_analysis_load(&a, "rates", 1);
    if (code == CLI_OK)
        code = run(&a, &k);
    cli_analysis_free(&a);
    return code;
}
