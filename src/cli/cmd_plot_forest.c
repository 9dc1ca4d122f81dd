/*
** cmd_plot_forest.c -- oncostat plot forest: subgroups, a multivariable Cox
** model, or rows from a table.
*/
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plot_cli.h"

#define PLOT_MAX_SUBGROUPS 32
#define PLOT_MAX_SUBGROUP_VALUES 30  /* distinct values of a numeric subgroup */
#define PLOT_MAX_RENAMES 64

/* "VAR=TEXT" or "VAR:LEVEL=TEXT" renames for forest labels. */
typedef struct plot_rename {
    const char *variable, *level, *text;
} plot_rename;

typedef struct plot_renames {
    plot_rename r[PLOT_MAX_RENAMES];
    size_t n;
    char *buf[PLOT_MAX_RENAMES];
} plot_renames;

static void plot_renames_free(plot_renames *rn)
{
    size_t k;

    for (k = 0; k < rn->n; k++)
        free(rn->buf[k]);
    rn->n = 0;
}

static int plot_rename_option(const char *cmd, const char *v, plot_renames *rn)
{
    char *copy, *eq, *colon;

    if (rn->n == PLOT_MAX_RENAMES) {
        fprintf(stderr, "oncostat %s: --label: at most %d\n", cmd, PLOT_MAX_RENAMES);
        return -1;
    }
    copy = malloc(strlen(v) + 1);
    if (copy == NULL)
        return -1;
    memcpy(copy, v, strlen(v) + 1);
    eq = strchr(copy, '=');
    if (eq == NULL || eq == copy) {
        fprintf(stderr, "oncostat %s: --label: expected VARIABLE=TEXT or "
                        "VARIABLE:LEVEL=TEXT, found '%s'\n", cmd, v);
        free(copy);
        return -1;
    }
    *eq = '\0';
    colon = strchr(copy, ':');
    if (colon != NULL)
        *colon = '\0';
    rn->buf[rn->n] = copy;
    rn->r[rn->n].variable = copy;
    rn->r[rn->n].level = colon != NULL ? colon + 1 : NULL;
    rn->r[rn->n].text = eq + 1;
    rn->n++;
    return 0;
}

/* The display text of a variable (level NULL) or of one of its levels. */
static const char *plot_renamed(const plot_renames *rn, const char *variable,
                                const char *level)
{
    size_t k;

    if (variable == NULL)
        return level;
    for (k = 0; k < rn->n; k++) {
        const plot_rename *r = &rn->r[k];
        if (strcmp(r->variable, variable) != 0)
            continue;
        if (level == NULL ? r->level == NULL : r->level != NULL && strcmp(r->level, level) == 0)
            return r->text;
    }
    return level != NULL ? level : variable;
}

/* ------------------------------------------------------------------ */
/* plot forest                                                         */
/* ------------------------------------------------------------------ */

/* A subgroup as given: a column name (--subgroups) or an expression. */
typedef struct forest_spec {
    const char *text;
    int is_expression;
} forest_spec;

typedef struct forest_plot_args {
    cli_plot_page page;
    onc_plot_forest_options popt;
    cli_plot_list subgroup_lists[PLOT_MAX_SUBGROUPS];
    size_t n_lists;
    forest_spec spec[PLOT_MAX_SUBGROUPS];
    size_t n_spec;
    plot_renames renames;
    const char *overall_label;
    int favours;
    onc_cox_options cox;
    /* rows given as a table */
    const char *col_hr, *col_lower, *col_upper, *col_label, *col_n, *col_events,
        *col_p, *col_header, *col_overall;
} forest_plot_args;

static void forest_help(void)
{
    printf("Usage:\n"
           "  oncostat plot forest DATA 'Surv(time, status) ~ arm' --subgroups a,b -o FIG.png\n"
           "  oncostat plot forest DATA 'Surv(time, status) ~ a + b + c' -o FIG.png\n"
           "  oncostat plot forest ROWS.csv --hr COL --lower COL --upper COL -o FIG.png\n\n"
           "Forest plot of hazard ratios, in one of three forms:\n"
           "  subgroups  the hazard ratio of the one treatment term (a factor with two\n"
           "             levels, or a 0/1 variable) in all patients and within each level\n"
           "             of each subgroup variable (Cox models), with the P for\n"
           "             interaction from the likelihood-ratio test of treatment *\n"
           "             subgroup against treatment + subgroup;\n"
           "  model      one row per coefficient of a multivariable Cox model;\n"
           "  table      rows computed elsewhere, one per line of ROWS.\n"
           "Rows with a missing subgroup value are left out of that subgroup only.\n\n"
           "Subgroup options:\n"
           "  --subgroups LIST    subgroup columns, e.g. sex,ecog,kit_exon9; numbers form\n"
           "                      one subgroup per value (at most %d values)\n"
           "  --subgroup EXPR     a subgroup from an expression, e.g. 'age >= 65' (levels\n"
           "                      No and Yes); may be repeated\n"
           "  --overall-label T   label of the first row (default: 'All patients')\n"
           "  --favours           'Favours <level>' left and 'Favours <reference>' right\n"
           "                      of 1, from the treatment's levels (default: off)\n"
           "Model options:\n"
           "  --ties T            efron or breslow (default: efron, as R)\n"
           "  --conf-level L      confidence level (default: 0.95)\n"
           "Labels:\n"
           "  --label VAR=TEXT    show variable VAR as TEXT (may be repeated)\n"
           "  --label VAR:LEVEL=TEXT  show a level of VAR as TEXT, e.g. sex:2=Female\n"
           "  --left-label TEXT   text left of 1, e.g. 'Favours TACE' (default: none)\n"
           "  --right-label TEXT  text right of 1 (default: none)\n"
           "  --label-header T    heading of the label column (default: 'Subgroup')\n"
           "  --xlabel TEXT       axis title (default: 'Hazard ratio (95%% CI)')\n"
           "Axis:\n"
           "  --xmin X, --xmax X  axis limits > 0; longer intervals end in arrows\n"
           "                      (default: 1-2-5 breaks covering every interval and 1)\n"
           "  --no-overall-line   no dashed line at the overall hazard ratio (default: on)\n"
           "Table form (columns of ROWS):\n"
           "  --hr COL, --lower COL, --upper COL   hazard ratio and limits (required)\n"
           "  --row-label COL     row labels (default: column 'label' if present)\n"
           "  --n COL, --events COL               patients and events (default: 0)\n"
           "  --p-interaction COL P for interaction (default: none)\n"
           "  --header COL        1/TRUE for subgroup heading rows (default: none)\n"
           "  --overall COL       1/TRUE for overall rows, drawn as diamonds (default: none)\n\n"
           "%s\n%s\n%s",
           PLOT_MAX_SUBGROUP_VALUES, cli_plot_page_help, cli_analysis_help, cli_common_help);
}

static int forest_add_spec(forest_plot_args *f, const char *text, int expression)
{
    if (f->n_spec == PLOT_MAX_SUBGROUPS) {
        fprintf(stderr, "oncostat plot forest: at most %d subgroup variables\n",
                PLOT_MAX_SUBGROUPS);
        return -1;
    }
    f->spec[f->n_spec].text = text;
    f->spec[f->n_spec].is_expression = expression;
    f->n_spec++;
    return 0;
}

static int forest_option(forest_plot_args *f, int argc, char **argv, int *i)
{
    static const struct { const char *name; size_t offset; } columns[] = {
        {"--hr", offsetof(forest_plot_args, col_hr)},
        {"--lower", offsetof(forest_plot_args, col_lower)},
        {"--upper", offsetof(forest_plot_args, col_upper)},
        {"--row-label", offsetof(forest_plot_args, col_label)},
        {"--n", offsetof(forest_plot_args, col_n)},
        {"--events", offsetof(forest_plot_args, col_events)},
        {"--p-interaction", offsetof(forest_plot_args, col_p)},
        {"--header", offsetof(forest_plot_args, col_header)},
        {"--overall", offsetof(forest_plot_args, col_overall)},
    };
    const char *cmd = "plot forest", *arg = argv[*i], *v;
    int used = cli_plot_page_option(&f->page, cmd, argc, argv, i);
    size_t k;

    if (used != 0)
        return used;
    for (k = 0; k < sizeof columns / sizeof columns[0]; k++)
        if (cli_is_option(arg, columns[k].name)) {
            if ((v = cli_option_value(argc, argv, i, columns[k].name)) == NULL)
                return -1;
            *(const char **)((char *)f + columns[k].offset) = v;
            return 1;
        }
    if (cli_is_option(arg, "--subgroups")) {
        cli_plot_list *l;
        if ((v = cli_option_value(argc, argv, i, "--subgroups")) == NULL)
            return -1;
        if (f->n_lists == PLOT_MAX_SUBGROUPS) {
            fprintf(stderr, "oncostat %s: --subgroups: given too often\n", cmd);
            return -1;
        }
        l = &f->subgroup_lists[f->n_lists++];
        if (cli_plot_list_parse(cmd, "--subgroups", v, l) != 0)
            return -1;
        for (k = 0; k < l->n; k++)
            if (forest_add_spec(f, l->item[k], 0) != 0)
                return -1;
    } else if (cli_is_option(arg, "--subgroup")) {
        if ((v = cli_option_value(argc, argv, i, "--subgroup")) == NULL ||
            forest_add_spec(f, v, 1) != 0)
            return -1;
    } else if (cli_is_option(arg, "--label")) {
        if ((v = cli_option_value(argc, argv, i, "--label")) == NULL ||
            plot_rename_option(cmd, v, &f->renames) != 0)
            return -1;
    } else if (cli_is_option(arg, "--overall-label")) {
        if ((f->overall_label = cli_option_value(argc, argv, i, "--overall-label")) == NULL)
            return -1;
    } else if (strcmp(arg, "--favours") == 0) {
        f->favours = 1;
    } else if (strcmp(arg, "--no-overall-line") == 0) {
        f->popt.overall_line = 0;
    } else if (cli_is_option(arg, "--left-label")) {
        if ((f->popt.left_label = cli_option_value(argc, argv, i, "--left-label")) == NULL)
            return -1;
    } else if (cli_is_option(arg, "--right-label")) {
        if ((f->popt.right_label = cli_option_value(argc, argv, i, "--right-label")) == NULL)
            return -1;
    } else if (cli_is_option(arg, "--label-header")) {
        if ((f->popt.label_header = cli_option_value(argc, argv, i, "--label-header")) == NULL)
            return -1;
    } else if (cli_is_option(arg, "--xlabel")) {
        if ((f->popt.xlabel = cli_option_value(argc, argv, i, "--xlabel")) == NULL)
            return -1;
    } else if (cli_is_option(arg, "--xmin")) {
        if ((v = cli_option_value(argc, argv, i, "--xmin")) == NULL ||
            cli_plot_number(cmd, "--xmin", v, 1e-6, 1e6, &f->popt.x_min) != 0)
            return -1;
    } else if (cli_is_option(arg, "--xmax")) {
        if ((v = cli_option_value(argc, argv, i, "--xmax")) == NULL ||
            cli_plot_number(cmd, "--xmax", v, 1e-6, 1e6, &f->popt.x_max) != 0)
            return -1;
    } else if (cli_is_option(arg, "--ties")) {
        if ((v = cli_option_value(argc, argv, i, "--ties")) == NULL)
            return -1;
        if (strcmp(v, "efron") == 0)
            f->cox.ties = ONC_TIES_EFRON;
        else if (strcmp(v, "breslow") == 0)
            f->cox.ties = ONC_TIES_BRESLOW;
        else {
            fprintf(stderr, "oncostat %s: --ties: expected efron or breslow, found '%s'\n",
                    cmd, v);
            return -1;
        }
    } else if (cli_is_option(arg, "--conf-level")) {
        if ((v = cli_option_value(argc, argv, i, "--conf-level")) == NULL ||
            cli_plot_number(cmd, "--conf-level", v, 0.5, 0.999, &f->cox.conf_level) != 0)
            return -1;
    } else {
        return 0;
    }
    return 1;
}

/* A subgroup variable built from the data, over the model's rows. */
typedef struct forest_var {
    int32_t *code;
    char **levels;
    const char **level_ptr;
    size_t n_levels;
    char *name;
} forest_var;

static void forest_var_free(forest_var *v)
{
    size_t k;

    free(v->code);
    for (k = 0; v->levels != NULL && k < v->n_levels; k++)
        free(v->levels[k]);
    free(v->levels);
    free(v->level_ptr);
    free(v->name);
    memset(v, 0, sizeof *v);
}

typedef struct forest_level_key {
    double key;
    const char *name;
    size_t index;
    int numeric;
} forest_level_key;

static int forest_cmp_level(const void *a, const void *b)
{
    const forest_level_key *x = a, *y = b;

    if (x->numeric && x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (!x->numeric) {
        int c = strcmp(x->name, y->name);
        if (c != 0)
            return c;
    }
    return x->index < y->index ? -1 : x->index > y->index;
}

static int forest_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Levels of a factor column, ordered as R orders them: numerically when
** every level is a number (or the column carries value labels), else by
** bytes. */
static int forest_var_factor(const onc_column *c, const onc_model *m,
                             const plot_renames *rn, forest_var *v)
{
    forest_level_key *keys = calloc(c->n_levels ? c->n_levels : 1, sizeof *keys);
    size_t *rank = calloc(c->n_levels ? c->n_levels : 1, sizeof *rank);
    size_t k, i, n_numeric = 0;
    int ok = -1;

    v->levels = calloc(c->n_levels ? c->n_levels : 1, sizeof *v->levels);
    v->n_levels = c->n_levels;
    if (keys == NULL || rank == NULL || v->levels == NULL)
        goto cleanup;
    for (k = 0; k < c->n_levels; k++) {
        keys[k].name = c->levels[k];
        keys[k].index = k;
        if (c->level_values != NULL) {
            keys[k].key = c->level_values[k];
            n_numeric++;
        } else if (cli_plot_level_number(c->levels[k], &keys[k].key) == 0) {
            n_numeric++;
        }
    }
    for (k = 0; k < c->n_levels; k++)
        keys[k].numeric = n_numeric == c->n_levels;
    qsort(keys, c->n_levels, sizeof *keys, forest_cmp_level);
    for (k = 0; k < c->n_levels; k++) {
        rank[keys[k].index] = k;
        v->levels[k] = cli_plot_strdup(plot_renamed(rn, c->name, keys[k].name));
        if (v->levels[k] == NULL)
            goto cleanup;
    }
    for (i = 0; i < m->n; i++) {
        int32_t code = c->code[m->row[i] - 1];
        v->code[i] = code >= 0 && (size_t)code < c->n_levels ? (int32_t)rank[code] : -1;
    }
    ok = 0;
cleanup:
    free(keys);
    free(rank);
    return ok;
}

/* Levels of numbers: one per distinct value.  `logical` names 0/1 as
** FALSE/TRUE, `yes_no` as No/Yes. */
static int forest_var_numbers(const char *what, const char *variable, const double *value,
                              const onc_model *m, int logical, int yes_no,
                              const plot_renames *rn, forest_var *v)
{
    double *u = malloc((m->n ? m->n : 1) * sizeof *u);
    size_t i, k, n_u = 0;
    char buf[64];
    int ok = -1;

    if (u == NULL)
        return -1;
    for (i = 0; i < m->n; i++) {
        double x = value[m->row[i] - 1];
        if (!isnan(x))
            u[n_u++] = x;
    }
    qsort(u, n_u, sizeof *u, forest_cmp_double);
    for (i = 0, k = 0; i < n_u; i++)
        if (k == 0 || u[i] != u[k - 1])
            u[k++] = u[i];
    n_u = k;
    if (n_u > PLOT_MAX_SUBGROUP_VALUES) {
        fprintf(stderr, "oncostat plot forest: %s has %zu distinct values; a subgroup "
                        "needs few, e.g. --subgroup '%s >= 65'\n", what, n_u, variable);
        free(u);
        return -2;
    }
    v->levels = calloc(n_u ? n_u : 1, sizeof *v->levels);
    v->n_levels = n_u;
    if (v->levels == NULL)
        goto cleanup;
    for (k = 0; k < n_u; k++) {
        if ((logical || yes_no) && (u[k] == 0 || u[k] == 1))
            snprintf(buf, sizeof buf, "%s",
                     logical ? (u[k] != 0 ? "TRUE" : "FALSE") : (u[k] != 0 ? "Yes" : "No"));
        else
            onc_format_double(u[k], buf, sizeof buf);
        v->levels[k] = cli_plot_strdup(plot_renamed(rn, variable, buf));
        if (v->levels[k] == NULL)
            goto cleanup;
    }
    for (i = 0; i < m->n; i++) {
        double x = value[m->row[i] - 1];
        size_t lo = 0, hi = n_u;
        v->code[i] = -1;
        if (isnan(x))
            continue;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (u[mid] < x)
                lo = mid + 1;
            else
                hi = mid;
        }
        v->code[i] = (int32_t)lo;
    }
    ok = 0;
cleanup:
    free(u);
    return ok;
}

/* Build subgroup variable `spec` over the model rows.  Returns an exit code. */
static int forest_var_build(const forest_spec *spec, const cli_analysis *a,
                            const plot_renames *rn, forest_var *v)
{
    const onc_frame *df = a->frame;
    const onc_model *m = a->model;
    int rc = -1;

    memset(v, 0, sizeof *v);
    v->code = malloc((m->n ? m->n : 1) * sizeof *v->code);
    if (v->code == NULL)
        goto nomem;
    if (!spec->is_expression) {
        const onc_column *c = cli_plot_column("plot forest", "--subgroups", df, spec->text);
        char what[200];
        if (c == NULL)
            return CLI_USAGE;
        v->name = cli_plot_strdup(plot_renamed(rn, c->name, NULL));
        if (v->name == NULL)
            goto nomem;
        snprintf(what, sizeof what, "column '%.150s'", c->name);
        rc = c->type == ONC_COL_FACTOR
                 ? forest_var_factor(c, m, rn, v)
                 : forest_var_numbers(what, c->name, c->num, m, c->type == ONC_COL_LOGICAL,
                                      0, rn, v);
    } else {
        onc_expr *e = NULL;
        onc_error err;
        onc_status st;
        double *value = malloc((df->n_rows ? df->n_rows : 1) * sizeof *value);
        char what[200];
        if (value == NULL)
            goto nomem;
        onc_error_clear(&err);
        st = onc_expr_parse(spec->text, &e, &err);
        if (st == ONC_OK)
            st = onc_expr_eval(e, df, value, &err);
        if (st != ONC_OK) {
            fprintf(stderr, "oncostat plot forest: --subgroup: %s\n",
                    err.message[0] ? err.message : onc_status_string(st));
            onc_expr_free(e);
            free(value);
            return CLI_USAGE;
        }
        v->name = cli_plot_strdup(plot_renamed(rn, onc_expr_text(e), NULL));
        snprintf(what, sizeof what, "'%.150s'", onc_expr_text(e));
        rc = v->name == NULL ? -1
                             : forest_var_numbers(what, onc_expr_text(e), value, m, 0, 1, rn, v);
        onc_expr_free(e);
        free(value);
    }
    if (rc == -2)
        return CLI_USAGE;
    if (rc != 0)
        goto nomem;
    v->level_ptr = calloc(v->n_levels ? v->n_levels : 1, sizeof *v->level_ptr);
    if (v->level_ptr == NULL)
        goto nomem;
    memcpy(v->level_ptr, v->levels, v->n_levels * sizeof *v->level_ptr);
    return CLI_OK;
nomem:
    fprintf(stderr, "oncostat plot forest: out of memory\n");
    return CLI_COMPUTE;
}

/* Write the figure and the summary of rows.  Returns an exit code. */
static int forest_draw(const forest_plot_args *f, const cli_common *c, const char *formula,
                       const char *kind, const onc_plot_forest_row *rows, size_t n_rows,
                       const onc_plot_forest_table *table, const onc_exclusions *ex)
{
    onc_plot_forest_options o = f->popt;
    onc_plot_forest_summary sum;
    onc_error err;
    onc_status rc;

    o.title = f->page.title;
    o.width_in = f->page.width;
    o.height_in = f->page.height;
    o.dpi = f->page.dpi;
    o.font_size = f->page.font_size;
    onc_error_clear(&err);
    rc = onc_plot_forest(rows, n_rows, &o, c->out_path, &err);
    if (rc != ONC_OK)
        return cli_plot_fail("plot forest", &err, rc);
    memset(&sum, 0, sizeof sum);
    sum.path = c->out_path;
    sum.formula = formula;
    sum.kind = kind;
    sum.rows = rows;
    sum.n_rows = n_rows;
    sum.table = table;
    sum.excluded = ex;
    return cli_plot_summary_out("plot forest", onc_plot_forest_summary_render(&sum, c->mode,
                                                                              stdout));
}

static int forest_subgroups(forest_plot_args *f, cli_analysis *a)
{
    const onc_model *m = a->model;
    forest_var vars[PLOT_MAX_SUBGROUPS];
    onc_plot_subgroup groups[PLOT_MAX_SUBGROUPS];
    onc_plot_subgroup_data d;
    onc_plot_forest_table *t = NULL;
    onc_error err;
    onc_status rc;
    char left[300], right[300];
    size_t k, n_built = 0;
    int code = CLI_OK;

    memset(vars, 0, sizeof vars);
    if (m->p != 1) {
        fprintf(stderr, "oncostat plot forest: a subgroup forest plot compares two arms: "
                        "the formula needs one treatment term with one coefficient "
                        "(a factor with two levels or a 0/1 variable), but '%s' has %zu "
                        "coefficients\n", onc_formula_text(a->formula), m->p);
        return CLI_USAGE;
    }
    if (m->cluster != NULL) {
        fprintf(stderr, "oncostat plot forest: cluster() is not available in a subgroup "
                        "forest plot\n");
        return CLI_USAGE;
    }
    for (k = 0; k < f->n_spec; k++) {
        code = forest_var_build(&f->spec[k], a, &f->renames, &vars[k]);
        n_built = k + 1;
        if (code != CLI_OK)
            goto cleanup;
        groups[k].name = vars[k].name;
        groups[k].code = vars[k].code;
        groups[k].n_levels = vars[k].n_levels;
        groups[k].levels = vars[k].level_ptr;
    }
    memset(&d, 0, sizeof d);
    d.n = m->n;
    d.start = m->kind == ONC_RESPONSE_COUNTING ? m->time : NULL;
    d.stop = m->kind == ONC_RESPONSE_COUNTING ? m->time2 : m->time;
    d.status = m->status;
    d.weights = m->weights;
    d.strata = m->strata;
    d.treatment = m->x;
    d.overall_label = f->overall_label;
    d.n_subgroups = f->n_spec;
    d.subgroups = groups;
    onc_error_clear(&err);
    rc = onc_plot_forest_subgroups(&d, &f->cox, &t, &err);
    if (rc != ONC_OK) {
        code = cli_plot_fail("plot forest", &err, rc);
        goto cleanup;
    }
    if (f->favours) {
        const onc_model_column *c = &m->cols[0];
        if (c->level == NULL || c->reference == NULL) {
            fprintf(stderr, "oncostat plot forest: --favours names the arms from the "
                            "levels of a factor; '%s' is a number: use --left-label and "
                            "--right-label\n", c->name);
            code = CLI_USAGE;
            goto cleanup;
        }
        /* HR < 1: fewer events on the compared level than on the reference */
        snprintf(left, sizeof left, "Favours %s", plot_renamed(&f->renames, c->variable,
                                                               c->level));
        snprintf(right, sizeof right, "Favours %s", plot_renamed(&f->renames, c->variable,
                                                                 c->reference));
        f->popt.left_label = left;
        f->popt.right_label = right;
    }
    code = forest_draw(f, &a->common, onc_formula_text(a->formula), "subgroups", t->rows,
                       t->n_rows, t, &a->excluded);
cleanup:
    onc_plot_forest_table_free(t);
    for (k = 0; k < n_built; k++)
        forest_var_free(&vars[k]);
    return code;
}

static int forest_model(forest_plot_args *f, cli_analysis *a)
{
    const onc_model *m = a->model;
    onc_model_column *cols = NULL;
    onc_plot_forest_table *t = NULL;
    onc_cox_fit *fit = NULL;
    onc_cox_data d;
    onc_error err;
    onc_status rc;
    size_t j;
    int code;

    if (m->p == 0) {
        fprintf(stderr, "oncostat plot forest: '%s' has no covariates to draw\n",
                onc_formula_text(a->formula));
        return CLI_USAGE;
    }
    memset(&d, 0, sizeof d);
    d.n = m->n;
    d.p = m->p;
    d.x = m->x;
    d.start = m->kind == ONC_RESPONSE_COUNTING ? m->time : NULL;
    d.stop = m->kind == ONC_RESPONSE_COUNTING ? m->time2 : m->time;
    d.status = m->status;
    d.weights = m->weights;
    d.strata = m->strata;
    d.cluster = m->cluster;
    onc_error_clear(&err);
    rc = onc_cox_fit_model(&d, &f->cox, &fit, &err);
    if (rc != ONC_OK) {
        code = cli_plot_fail("plot forest", &err, rc);
        goto cleanup;
    }
    /* the model's names with --label applied */
    cols = calloc(m->p, sizeof *cols);
    if (cols == NULL) {
        code = cli_plot_fail("plot forest", NULL, ONC_ERR_NOMEM);
        goto cleanup;
    }
    for (j = 0; j < m->p; j++) {
        const onc_model_column *c = &m->cols[j];
        cols[j] = *c;
        cols[j].variable = (char *)plot_renamed(&f->renames, c->variable, NULL);
        if (c->level != NULL)
            cols[j].level = (char *)plot_renamed(&f->renames, c->variable, c->level);
        if (c->reference != NULL)
            cols[j].reference = (char *)plot_renamed(&f->renames, c->variable, c->reference);
        if (c->level == NULL)
            cols[j].name = (char *)plot_renamed(&f->renames, c->name, NULL);
    }
    rc = onc_plot_forest_from_cox(fit, &d, cols, &t, &err);
    if (rc != ONC_OK) {
        code = cli_plot_fail("plot forest", &err, rc);
        goto cleanup;
    }
    if (f->popt.label_header == NULL)
        f->popt.label_header = "Variable";
    code = forest_draw(f, &a->common, onc_formula_text(a->formula), "model", t->rows,
                       t->n_rows, t, &a->excluded);
cleanup:
    onc_plot_forest_table_free(t);
    onc_cox_fit_free(fit);
    free(cols);
    return code;
}

/* A numeric cell of an optional column (NaN when the column is absent). */
static double forest_cell(const onc_column *c, size_t i)
{
    return c != NULL ? c->num[i] : NAN;
}

/* Rows given as a table: checked here so that messages name the file row. */
static int forest_table(forest_plot_args *f, cli_analysis *a)
{
    const char *cmd = "plot forest";
    const onc_frame *df = a->frame;
    const onc_column *hr, *lo, *hi, *label = NULL, *n = NULL, *ev = NULL, *p = NULL,
                     *head = NULL, *overall = NULL;
    onc_plot_forest_row *rows = NULL;
    char (*text)[256] = NULL;
    char where[512];
    onc_exclusions ex;
    size_t i;
    int code = CLI_USAGE;

    onc_exclusions_init(&ex, df->n_rows);
    if (f->col_hr == NULL || f->col_lower == NULL || f->col_upper == NULL) {
        fprintf(stderr, "oncostat %s: rows from a table need --hr, --lower and --upper "
                        "columns\n", cmd);
        return CLI_USAGE;
    }
    if ((hr = cli_plot_column(cmd, "--hr", df, f->col_hr)) == NULL ||
        (lo = cli_plot_column(cmd, "--lower", df, f->col_lower)) == NULL ||
        (hi = cli_plot_column(cmd, "--upper", df, f->col_upper)) == NULL ||
        (f->col_label != NULL && (label = cli_plot_column(cmd, "--row-label", df,
                                                          f->col_label)) == NULL) ||
        (f->col_n != NULL && (n = cli_plot_column(cmd, "--n", df, f->col_n)) == NULL) ||
        (f->col_events != NULL && (ev = cli_plot_column(cmd, "--events", df,
                                                        f->col_events)) == NULL) ||
        (f->col_p != NULL && (p = cli_plot_column(cmd, "--p-interaction", df, f->col_p)) == NULL) ||
        (f->col_header != NULL && (head = cli_plot_column(cmd, "--header", df,
                                                          f->col_header)) == NULL) ||
        (f->col_overall != NULL && (overall = cli_plot_column(cmd, "--overall", df,
                                                              f->col_overall)) == NULL))
        return CLI_USAGE;
    if (label == NULL && f->col_label == NULL && onc_frame_find(df, "label") >= 0)
        label = &df->cols[onc_frame_find(df, "label")];
    if (cli_plot_numeric_column(cmd, "--hr", hr) != 0 ||
        cli_plot_numeric_column(cmd, "--lower", lo) != 0 ||
        cli_plot_numeric_column(cmd, "--upper", hi) != 0 ||
        (n != NULL && cli_plot_numeric_column(cmd, "--n", n) != 0) ||
        (ev != NULL && cli_plot_numeric_column(cmd, "--events", ev) != 0) ||
        (p != NULL && cli_plot_numeric_column(cmd, "--p-interaction", p) != 0) ||
        (head != NULL && cli_plot_numeric_column(cmd, "--header", head) != 0) ||
        (overall != NULL && cli_plot_numeric_column(cmd, "--overall", overall) != 0))
        return CLI_USAGE;
    if (df->n_rows == 0) {
        fprintf(stderr, "oncostat %s: %s has no rows\n", cmd, a->data_path);
        return CLI_USAGE;
    }
    rows = calloc(df->n_rows, sizeof *rows);
    text = calloc(df->n_rows, sizeof *text);
    if (rows == NULL || text == NULL) {
        code = cli_plot_fail(cmd, NULL, ONC_ERR_NOMEM);
        goto cleanup;
    }
    for (i = 0; i < df->n_rows; i++) {
        onc_plot_forest_row *r = &rows[i];
        double cnt;
        if (label != NULL)
            cli_plot_cell_text(label, i, text[i], sizeof text[i]);
        else
            snprintf(text[i], sizeof text[i], "row %zu", i + 1);
        r->label = text[i];
        r->is_header = head != NULL && !isnan(head->num[i]) && head->num[i] != 0;
        r->is_overall = overall != NULL && !isnan(overall->num[i]) && overall->num[i] != 0;
        r->hr = forest_cell(hr, i);
        r->lower = forest_cell(lo, i);
        r->upper = forest_cell(hi, i);
        r->p_interaction = forest_cell(p, i);
        cnt = forest_cell(n, i);
        r->n = isfinite(cnt) && cnt > 0 ? (size_t)cnt : 0;
        cnt = forest_cell(ev, i);
        r->events = isfinite(cnt) && cnt > 0 ? (size_t)cnt : 0;
        if (r->is_header)
            continue;
        if (!isnan(r->hr) && !(r->hr > 0)) {
            cli_plot_where(df, i, hr->name, where, sizeof where);
            fprintf(stderr, "oncostat %s: %s: hazard ratio %g of '%s' cannot be drawn on a "
                            "log scale\n", cmd, where, r->hr, r->label);
            goto cleanup;
        }
        if ((!isnan(r->lower) && !(r->lower > 0)) || (!isnan(r->upper) && !(r->upper > 0))) {
            const onc_column *bad = !isnan(r->lower) && !(r->lower > 0) ? lo : hi;
            cli_plot_where(df, i, bad->name, where, sizeof where);
            fprintf(stderr, "oncostat %s: %s: limit %g of '%s' cannot be drawn on a log "
                            "scale\n", cmd, where, bad->num[i], r->label);
            goto cleanup;
        }
        if (r->lower > r->upper || (isfinite(r->hr) && (r->hr < r->lower || r->hr > r->upper))) {
            cli_plot_where(df, i, hr->name, where, sizeof where);
            fprintf(stderr, "oncostat %s: %s: hazard ratio %g of '%s' and its limits %g to %g "
                            "are not in order\n", cmd, where, r->hr, r->label, r->lower,
                    r->upper);
            goto cleanup;
        }
        if (p != NULL && !isnan(r->p_interaction) &&
            !(r->p_interaction >= 0 && r->p_interaction <= 1)) {
            cli_plot_where(df, i, p->name, where, sizeof where);
            fprintf(stderr, "oncostat %s: %s: %g is not a probability\n", cmd, where,
                    r->p_interaction);
            goto cleanup;
        }
    }
    code = forest_draw(f, &a->common, NULL, "table", rows, df->n_rows, NULL, &ex);
cleanup:
    free(rows);
    free(text);
    onc_exclusions_clear(&ex);
    return code;
}

int cli_plot_forest(int argc, char **argv)
{
    cli_analysis a;
    forest_plot_args f;
    int i, code;
    size_t k;

    cli_analysis_init(&a);
    memset(&f, 0, sizeof f);
    onc_plot_forest_options_init(&f.popt);
    onc_cox_options_init(&f.cox);
    for (i = 1; i < argc; i++) {
        int used = cli_analysis_option(&a, argc, argv, &i, "plot forest");
        if (used == 0)
            used = forest_option(&f, argc, argv, &i);
        if (used < 0) {
            code = CLI_USAGE;
            goto cleanup;
        }
        if (used == 0) {
            fprintf(stderr, "oncostat plot forest: unknown option '%s' (see oncostat plot "
                            "forest --help)\n", argv[i]);
            code = CLI_USAGE;
            goto cleanup;
        }
    }
    f.cox.concordance = 0;
    if (a.common.help) {
        forest_help();
        code = CLI_OK;
        goto cleanup;
    }
    if ((code = cli_plot_check_output("plot forest", a.common.out_path)) != CLI_OK)
        goto cleanup;
    if (f.col_hr != NULL || f.col_lower != NULL || f.col_upper != NULL) {
        if (a.formula_text != NULL || f.n_spec > 0) {
            fprintf(stderr, "oncostat plot forest: --hr, --lower and --upper draw rows "
                            "from a table; leave out the formula and --subgroups\n");
            code = CLI_USAGE;
            goto cleanup;
        }
        if (a.data_path == NULL) {
            fprintf(stderr, "oncostat plot forest: a file of rows is required\n");
            code = CLI_USAGE;
            goto cleanup;
        }
        code = cli_load_frame(a.data_path, &a.common, &a.frame);
        if (code == CLI_OK)
            code = forest_table(&f, &a);
        goto cleanup;
    }
    code = cli_analysis_load(&a, "plot forest", 0);
    if (code == CLI_OK && a.model->kind != ONC_RESPONSE_SURV &&
        a.model->kind != ONC_RESPONSE_COUNTING) {
        fprintf(stderr, "oncostat plot forest: the formula needs a survival response, e.g. "
                        "'Surv(time, status) ~ arm'\n");
        code = CLI_USAGE;
    }
    if (code == CLI_OK)
        code = f.n_spec > 0 ? forest_subgroups(&f, &a) : forest_model(&f, &a);
cleanup:
    for (k = 0; k < f.n_lists; k++)
        cli_plot_list_free(&f.subgroup_lists[k]);
    plot_renames_free(&f.renames);
    cli_analysis_free(&a);
    return code;
}
