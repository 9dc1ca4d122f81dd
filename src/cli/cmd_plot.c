/*
** cmd_plot.c -- oncostat plot km|forest|waterfall|swimmer DATA ... -o FIG
**
** The figure goes to -o (.png, .svg or .pdf); standard output gets what
** the figure shows (text, --json or --csv), so every number drawn can be
** checked.  The estimates come from the library (km.h, logrank.h, cox.h),
** the curves and rows from plot_adapt.h, the drawing from plot.h.
*/
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
/* surv.h brings cli.h, whose guard does not cover its second half. */
#include "surv.h"
#include "oncostat/cox.h"
#include "oncostat/expr.h"
#include "oncostat/plot.h"
#include "oncostat/plot_adapt.h"

#define PLOT_MAX_SUBGROUPS 32
#define PLOT_MAX_SUBGROUP_VALUES 30  /* distinct values of a numeric subgroup */
#define PLOT_MAX_EVENT_COLUMNS 32
#define PLOT_MAX_RENAMES 64

/* ------------------------------------------------------------------ */
/* Shared pieces                                                       */
/* ------------------------------------------------------------------ */

static const char plot_page_help[] =
    "Figure options:\n"
    "  -o, --output FILE   the figure: FILE.png, FILE.svg or FILE.pdf (required)\n"
    "  --title TEXT        title above the figure (default: none)\n"
    "  --width IN          page width in inches (default: 7, two journal columns)\n"
    "  --height IN         page height in inches (default: fitted to the content)\n"
    "  --dpi N             PNG resolution (default: 300)\n"
    "  --font-size PT      base font size (default: 9)\n"
    "Standard output describes what the figure shows: a table (default), --json\n"
    "(every number at full precision) or --csv.\n";

typedef struct plot_page {
    const char *title;
    double width, height, dpi, font_size;
} plot_page;

/* A comma-separated list copied out of argv. */
typedef struct plot_list {
    char *buf;
    const char *item[CLI_MAX_LIST];
    size_t n;
} plot_list;

static void plot_list_free(plot_list *l)
{
    free(l->buf);
    memset(l, 0, sizeof *l);
}

static int plot_list_parse(const char *cmd, const char *option, const char *text,
                           plot_list *l)
{
    char *p;

    plot_list_free(l);
    l->buf = malloc(strlen(text) + 1);
    if (l->buf == NULL) {
        fprintf(stderr, "oncostat %s: out of memory\n", cmd);
        return -1;
    }
    memcpy(l->buf, text, strlen(text) + 1);
    p = l->buf;
    for (;;) {
        char *comma = strchr(p, ',');
        if (l->n == CLI_MAX_LIST) {
            fprintf(stderr, "oncostat %s: %s: at most %d items\n", cmd, option, CLI_MAX_LIST);
            return -1;
        }
        if (comma != NULL)
            *comma = '\0';
        if (*p == '\0') {
            fprintf(stderr, "oncostat %s: %s: empty item in '%s'\n", cmd, option, text);
            return -1;
        }
        l->item[l->n++] = p;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    return 0;
}

/* A number option within [lo, hi]; prints the reason on failure. */
static int plot_number(const char *cmd, const char *option, const char *text, double lo,
                       double hi, double *out)
{
    if (cli_surv_number(cmd, option, text, out) != 0)
        return -1;
    if (!(*out >= lo && *out <= hi)) {
        fprintf(stderr, "oncostat %s: %s: must be between %g and %g, found '%s'\n", cmd,
                option, lo, hi, text);
        return -1;
    }
    return 0;
}

static int plot_page_option(plot_page *pg, const char *cmd, int argc, char **argv, int *i)
{
    const char *arg = argv[*i], *v;

    if (cli_is_option(arg, "--title")) {
        if ((pg->title = cli_option_value(argc, argv, i, "--title")) == NULL)
            return -1;
        return 1;
    }
    if (cli_is_option(arg, "--width")) {
        if ((v = cli_option_value(argc, argv, i, "--width")) == NULL ||
            plot_number(cmd, "--width", v, 1, ONC_PLOT_MAX_SIZE_IN, &pg->width) != 0)
            return -1;
        return 1;
    }
    if (cli_is_option(arg, "--height")) {
        if ((v = cli_option_value(argc, argv, i, "--height")) == NULL ||
            plot_number(cmd, "--height", v, 1, ONC_PLOT_MAX_SIZE_IN, &pg->height) != 0)
            return -1;
        return 1;
    }
    if (cli_is_option(arg, "--dpi")) {
        if ((v = cli_option_value(argc, argv, i, "--dpi")) == NULL ||
            plot_number(cmd, "--dpi", v, 36, ONC_PLOT_MAX_DPI, &pg->dpi) != 0)
            return -1;
        return 1;
    }
    if (cli_is_option(arg, "--font-size")) {
        if ((v = cli_option_value(argc, argv, i, "--font-size")) == NULL ||
            plot_number(cmd, "--font-size", v, 4, 24, &pg->font_size) != 0)
            return -1;
        return 1;
    }
    return 0;
}

/* The figure path must be given and name a format before any work. */
static int plot_check_output(const char *cmd, const char *path)
{
    if (path == NULL || strcmp(path, "-") == 0) {
        fprintf(stderr, "oncostat %s: the figure needs a file: -o FILE.png, FILE.svg or "
                        "FILE.pdf\n", cmd);
        return CLI_USAGE;
    }
    if (onc_plot_format_from_path(path) == ONC_PLOT_FORMAT_UNKNOWN) {
        fprintf(stderr, "oncostat %s: -o %s: the figure name must end in .png, .svg or "
                        ".pdf\n", cmd, path);
        return CLI_USAGE;
    }
    return CLI_OK;
}

static int plot_fail(const char *cmd, const onc_error *err, onc_status rc)
{
    if (err != NULL && err->message[0] != '\0')
        fprintf(stderr, "oncostat %s: %s\n", cmd, err->message);
    else
        fprintf(stderr, "oncostat %s: %s\n", cmd, onc_status_string(rc));
    return rc == ONC_ERR_COMPUTE || rc == ONC_ERR_NOMEM ? CLI_COMPUTE : CLI_USAGE;
}

/* Write a summary to standard output.  Returns an exit code. */
static int plot_summary_out(const char *cmd, onc_status rc)
{
    if (rc != ONC_OK)
        return plot_fail(cmd, NULL, rc);
    return CLI_OK;
}

/* Days in one unit, or 0 for an unknown unit. */
static double plot_unit_days(const char *unit)
{
    static const struct { const char *name; double days; } units[] = {
        {"days", 1}, {"day", 1}, {"weeks", 7}, {"week", 7},
        {"months", 30.4375}, {"month", 30.4375}, {"years", 365.25}, {"year", 365.25},
    };
    size_t k;

    for (k = 0; unit != NULL && k < sizeof units / sizeof units[0]; k++)
        if (strcasecmp(unit, units[k].name) == 0)
            return units[k].days;
    return 0;
}

static int plot_unit_option(const char *cmd, const char *option, const char *v)
{
    if (plot_unit_days(v) == 0) {
        fprintf(stderr, "oncostat %s: %s: expected days, weeks, months or years, found "
                        "'%s'\n", cmd, option, v);
        return -1;
    }
    return 0;
}

/*
** The divisor that converts times in unit `from` into `unit`: 30.4375 for
** days to months (a time t becomes t / 30.4375, as people write it in R).
** 1 without --time-scale.
*/
static int plot_time_divisor(const char *cmd, const char *from, const char *unit,
                             double *divisor)
{
    *divisor = 1;
    if (from == NULL)
        return 0;
    if (unit == NULL) {
        fprintf(stderr, "oncostat %s: --time-scale %s needs --unit, the unit to convert "
                        "to (e.g. --unit months)\n", cmd, from);
        return -1;
    }
    *divisor = plot_unit_days(unit) / plot_unit_days(from);
    return 0;
}

/* n values of src divided by d into a new array (NULL stays NULL). */
static int plot_scaled(const double *src, size_t n, double d, double **out)
{
    size_t i;

    *out = NULL;
    if (src == NULL)
        return 0;
    *out = malloc((n ? n : 1) * sizeof **out);
    if (*out == NULL)
        return -1;
    for (i = 0; i < n; i++)
        (*out)[i] = d == 1 ? src[i] : src[i] / d;
    return 0;
}

static int plot_breaks_option(const char *cmd, const char *v, double *breaks, size_t *n)
{
    int k = cli_parse_numbers(v, breaks, CLI_MAX_LIST), j;

    if (k <= 0) {
        fprintf(stderr, "oncostat %s: --breaks: expected ascending numbers >= 0 separated "
                        "by commas (at most %d), found '%s'\n", cmd, CLI_MAX_LIST, v);
        return -1;
    }
    for (j = 0; j < k; j++)
        if (!isfinite(breaks[j]) || breaks[j] < 0 || (j > 0 && !(breaks[j] > breaks[j - 1]))) {
            fprintf(stderr, "oncostat %s: --breaks: expected ascending numbers >= 0, found "
                            "'%s'\n", cmd, v);
            return -1;
        }
    *n = (size_t)k;
    return 0;
}

/* Text of a cell: the level of a factor, TRUE/FALSE, or the number. */
static void plot_cell_text(const onc_column *c, size_t i, char *buf, size_t cap)
{
    if (c->type == ONC_COL_FACTOR) {
        snprintf(buf, cap, "%s", c->code[i] >= 0 ? c->levels[c->code[i]] : "NA");
        return;
    }
    if (isnan(c->num[i]))
        snprintf(buf, cap, "NA");
    else if (c->type == ONC_COL_LOGICAL)
        snprintf(buf, cap, "%s", c->num[i] != 0 ? "TRUE" : "FALSE");
    else
        onc_format_double(c->num[i], buf, cap);
}

/* The column named by an option; prints the reason when there is none. */
static const onc_column *plot_column(const char *cmd, const char *option,
                                     const onc_frame *df, const char *name)
{
    long k = onc_frame_find(df, name);
    size_t j;

    if (k >= 0)
        return &df->cols[k];
    fprintf(stderr, "oncostat %s: %s: unknown column '%s'; the columns of %s are:", cmd,
            option, name, df->source != NULL ? df->source : "the data");
    for (j = 0; j < df->n_cols && j < 40; j++)
        fprintf(stderr, "%s %s", j ? "," : "", df->cols[j].name);
    if (df->n_cols > 40)
        fprintf(stderr, ", ...");
    fputc('\n', stderr);
    return NULL;
}

static int plot_numeric_column(const char *cmd, const char *option, const onc_column *c)
{
    if (c->type == ONC_COL_FACTOR) {
        fprintf(stderr, "oncostat %s: %s: column '%s' holds text; a number is needed\n",
                cmd, option, c->name);
        return -1;
    }
    return 0;
}

/* Row i of the data, with the file name, for messages. */
static void plot_where(const onc_frame *df, size_t i, const char *column, char *buf,
                       size_t cap)
{
    snprintf(buf, cap, "%s%srow %zu, column '%s'", df->source ? df->source : "",
             df->source ? ": " : "", i + 1, column);
}

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
/* plot km                                                             */
/* ------------------------------------------------------------------ */

typedef enum plot_test { PLOT_TEST_LOGRANK, PLOT_TEST_PETO, PLOT_TEST_GEHAN,
                         PLOT_TEST_TARONE, PLOT_TEST_NONE } plot_test;

typedef struct km_plot_args {
    plot_page page;
    onc_plot_km_options popt;
    onc_km_options kopt;
    plot_list labels;
    double breaks[CLI_MAX_LIST];
    const char *unit, *time_scale, *annotation;
    plot_test test;
    int hr, risk_table_set;
} km_plot_args;

static void km_help(void)
{
    printf("Usage: oncostat plot km DATA 'Surv(time, status) ~ arm' -o FIG.png [OPTIONS]\n\n"
           "Kaplan-Meier curves of each group (every combination of the variables on the\n"
           "right; '~ 1' for one curve) with the numbers at risk, the log-rank P and,\n"
           "with --hr, the Cox hazard ratio of each group against the reference.\n"
           "strata(x) on the right stratifies the test and the hazard ratios;\n"
           "cluster(id) gives robust confidence bands and the robust score test.\n\n"
           "Curve options:\n"
           "  --ci                pointwise confidence bands (default: off)\n"
           "  --conf-type T       band transform: log, log-log or plain (default: log, as R)\n"
           "  --conf-level L      confidence level of bands, medians and HRs (default: 0.95)\n"
           "  --no-censor         no censor marks (default: marks on)\n"
           "  --risk-table        numbers at risk under the axis (default: on)\n"
           "  --no-risk-table     no numbers at risk\n"
           "  --kmunicate         at risk, censored and events rows (KMunicate) (default: off)\n"
           "  --median-lines      dashed guides from S = 0.5 to each median (default: off)\n"
           "  --min-at-risk N     stop each curve when fewer than N remain at risk\n"
           "                      (default: 0, draw to the last observation)\n"
           "  --cuminc            cumulative incidence 1 - S, rising from 0 (default: off)\n"
           "  --percent           y axis in percent (default: proportion 0-1)\n"
           "  --ymax Y            top of the y axis, at most 1 (default: 1)\n"
           "Axis options:\n"
           "  --unit U            time unit: days, weeks, months or years; names the axis\n"
           "                      and chooses the breaks (default: none, 'Time')\n"
           "  --time-scale FROM   the data are in FROM (days, weeks, months, years);\n"
           "                      convert them to --unit (default: no conversion)\n"
           "  --xmax T            end of the time axis, in the figure's unit (default: the\n"
           "                      last break after the data)\n"
           "  --breaks LIST       time axis breaks, e.g. 0,12,24,36 (default: automatic)\n"
           "  --xlabel TEXT       (default: 'Time (<unit>)')\n"
           "  --ylabel TEXT       (default: 'Survival probability' or 'Cumulative incidence')\n"
           "Groups and statistics:\n"
           "  --labels LIST       legend labels in group order, e.g. Male,Female\n"
           "                      (default: as the data name them, 'sex=1')\n"
           "  --test T            logrank, peto, gehan, tarone-ware or none\n"
           "                      (default: logrank when there are two or more groups)\n"
           "  --hr                Cox hazard ratio (95%% CI) of each group against the\n"
           "                      reference group (the --ref level, else the first)\n"
           "                      (default: off)\n"
           "  --annotation TEXT   replace the text in the corner; '' for none\n"
           "                      (default: the test P and the hazard ratios)\n\n"
           "%s\n%s\n%s",
           plot_page_help, cli_analysis_help, cli_common_help);
}

static int km_option(km_plot_args *k, int argc, char **argv, int *i)
{
    const char *cmd = "plot km", *arg = argv[*i], *v;
    int used = plot_page_option(&k->page, cmd, argc, argv, i);

    if (used != 0)
        return used;
    if (strcmp(arg, "--ci") == 0)
        k->popt.show_ci = 1;
    else if (strcmp(arg, "--no-censor") == 0)
        k->popt.show_censor = 0;
    else if (strcmp(arg, "--risk-table") == 0)
        k->popt.risk_table = k->risk_table_set = 1;
    else if (strcmp(arg, "--no-risk-table") == 0) {
        k->popt.risk_table = 0;
        k->risk_table_set = 1;
    } else if (strcmp(arg, "--kmunicate") == 0)
        k->popt.kmunicate = 1;
    else if (strcmp(arg, "--median-lines") == 0)
        k->popt.show_median = 1;
    else if (strcmp(arg, "--cuminc") == 0)
        k->popt.cumulative_incidence = 1;
    else if (strcmp(arg, "--percent") == 0)
        k->popt.y_percent = 1;
    else if (strcmp(arg, "--hr") == 0)
        k->hr = 1;
    else if (cli_is_option(arg, "--min-at-risk")) {
        if ((v = cli_option_value(argc, argv, i, "--min-at-risk")) == NULL ||
            plot_number(cmd, "--min-at-risk", v, 0, 1e15, &k->popt.min_at_risk) != 0)
            return -1;
    } else if (cli_is_option(arg, "--xmax")) {
        if ((v = cli_option_value(argc, argv, i, "--xmax")) == NULL ||
            plot_number(cmd, "--xmax", v, 0, 1e300, &k->popt.xmax) != 0)
            return -1;
    } else if (cli_is_option(arg, "--ymax")) {
        if ((v = cli_option_value(argc, argv, i, "--ymax")) == NULL ||
            plot_number(cmd, "--ymax", v, 0.01, 1, &k->popt.ymax) != 0)
            return -1;
    } else if (cli_is_option(arg, "--breaks")) {
        if ((v = cli_option_value(argc, argv, i, "--breaks")) == NULL ||
            plot_breaks_option(cmd, v, k->breaks, &k->popt.n_breaks) != 0)
            return -1;
        k->popt.breaks = k->breaks;
    } else if (cli_is_option(arg, "--unit")) {
        if ((v = cli_option_value(argc, argv, i, "--unit")) == NULL ||
            plot_unit_option(cmd, "--unit", v) != 0)
            return -1;
        k->unit = v;
    } else if (cli_is_option(arg, "--time-scale")) {
        if ((v = cli_option_value(argc, argv, i, "--time-scale")) == NULL ||
            plot_unit_option(cmd, "--time-scale", v) != 0)
            return -1;
        k->time_scale = v;
    } else if (cli_is_option(arg, "--xlabel")) {
        if ((k->popt.xlabel = cli_option_value(argc, argv, i, "--xlabel")) == NULL)
            return -1;
    } else if (cli_is_option(arg, "--ylabel")) {
        if ((k->popt.ylabel = cli_option_value(argc, argv, i, "--ylabel")) == NULL)
            return -1;
    } else if (cli_is_option(arg, "--annotation")) {
        if ((k->annotation = cli_option_value(argc, argv, i, "--annotation")) == NULL)
            return -1;
    } else if (cli_is_option(arg, "--labels")) {
        if ((v = cli_option_value(argc, argv, i, "--labels")) == NULL ||
            plot_list_parse(cmd, "--labels", v, &k->labels) != 0)
            return -1;
    } else if (cli_is_option(arg, "--test")) {
        if ((v = cli_option_value(argc, argv, i, "--test")) == NULL)
            return -1;
        if (strcmp(v, "logrank") == 0 || strcmp(v, "log-rank") == 0)
            k->test = PLOT_TEST_LOGRANK;
        else if (strcmp(v, "peto") == 0)
            k->test = PLOT_TEST_PETO;
        else if (strcmp(v, "gehan") == 0)
            k->test = PLOT_TEST_GEHAN;
        else if (strcmp(v, "tarone-ware") == 0)
            k->test = PLOT_TEST_TARONE;
        else if (strcmp(v, "none") == 0)
            k->test = PLOT_TEST_NONE;
        else {
            fprintf(stderr, "oncostat %s: --test: expected logrank, peto, gehan, "
                            "tarone-ware or none, found '%s'\n", cmd, v);
            return -1;
        }
    } else if (cli_is_option(arg, "--conf-type")) {
        if ((v = cli_option_value(argc, argv, i, "--conf-type")) == NULL)
            return -1;
        if (strcmp(v, "log") == 0)
            k->kopt.conf_type = ONC_CONF_LOG;
        else if (strcmp(v, "log-log") == 0 || strcmp(v, "loglog") == 0)
            k->kopt.conf_type = ONC_CONF_LOGLOG;
        else if (strcmp(v, "plain") == 0)
            k->kopt.conf_type = ONC_CONF_PLAIN;
        else {
            fprintf(stderr, "oncostat %s: --conf-type: expected log, log-log or plain, "
                            "found '%s'\n", cmd, v);
            return -1;
        }
    } else if (cli_is_option(arg, "--conf-level")) {
        if ((v = cli_option_value(argc, argv, i, "--conf-level")) == NULL ||
            plot_number(cmd, "--conf-level", v, 0.5, 0.999, &k->kopt.conf_level) != 0)
            return -1;
    } else {
        return 0;
    }
    return 1;
}

/* The reference group of the hazard ratios: the --ref level when the
** groups come from one variable, else the first group.  -1 on error. */
static long km_reference(const cli_analysis *a, const cli_surv *s)
{
    const onc_group_labels *gl = &s->labels;
    size_t r, g;

    if (gl->n_vars != 1 || gl->vars == NULL || gl->values == NULL)
        return 0;
    for (r = 0; r < a->n_refs; r++) {
        if (strcmp(a->refs[r].variable, gl->vars[0]) != 0)
            continue;
        for (g = 0; g < gl->n_groups; g++)
            if (strcmp(gl->values[g][0], a->refs[r].level) == 0)
                return (long)g;
        fprintf(stderr, "oncostat plot km: --ref %s=%s: no group has that level; the levels "
                        "are:", a->refs[r].variable, a->refs[r].level);
        for (g = 0; g < gl->n_groups; g++)
            fprintf(stderr, "%s %s", g ? "," : "", gl->values[g][0]);
        fputc('\n', stderr);
        return -1;
    }
    return 0;
}

/* Everything plot km allocates. */
typedef struct km_plot_run {
    double *time, *entry;
    onc_km_fit *fit;
    onc_logrank_result *test;
    onc_cox_fit *cox;
    double *x;
    char **contrast;
    const char **label;
    onc_plot_km_curves *curves;
    char annotation[2048];
    char test_name[96];
} km_plot_run;

static void km_plot_run_free(km_plot_run *r, size_t n_contrasts)
{
    size_t j;

    free(r->time);
    free(r->entry);
    onc_km_fit_free(r->fit);
    onc_logrank_free(r->test);
    onc_cox_fit_free(r->cox);
    free(r->x);
    for (j = 0; r->contrast != NULL && j < n_contrasts; j++)
        free(r->contrast[j]);
    free(r->contrast);
    free(r->label);
    onc_plot_km_curves_free(r->curves);
}


/* The Cox model of the group indicators against group `ref`; coefficient j
** compares group j (j < ref) or j + 1 (j >= ref). */
static int km_cox(const cli_surv *s, const double *time, const double *entry, size_t ref,
                  double conf_level, km_plot_run *r)
{
    size_t G = s->n_groups, p = G - 1, i, j;
    onc_cox_options co;
    onc_cox_data d;
    onc_error err;
    onc_status rc;

    if (p == 0 || r->cox != NULL)
        return CLI_OK;
    if (s->n > 0 && p > SIZE_MAX / sizeof(double) / s->n)
        return cli_surv_fail(s, "plot km", NULL, ONC_ERR_NOMEM);
    r->x = calloc(s->n > 0 ? s->n * p : 1, sizeof *r->x);
    r->contrast = calloc(p, sizeof *r->contrast);
    if (r->x == NULL || r->contrast == NULL)
        return cli_surv_fail(s, "plot km", NULL, ONC_ERR_NOMEM);
    for (i = 0; i < s->n; i++) {
        size_t g = (size_t)s->group[i];
        if (g != ref)
            r->x[i + (g < ref ? g : g - 1) * s->n] = 1;
    }
    for (j = 0; j < p; j++) {
        const char *a = r->label[j < ref ? j : j + 1], *b = r->label[ref];
        size_t len = strlen(a) + strlen(b) + 5;
        r->contrast[j] = malloc(len);
        if (r->contrast[j] == NULL)
            return cli_surv_fail(s, "plot km", NULL, ONC_ERR_NOMEM);
        snprintf(r->contrast[j], len, "%s vs %s", a, b);
    }
    memset(&d, 0, sizeof d);
    d.n = s->n;
    d.p = p;
    d.x = r->x;
    d.start = entry;
    d.stop = time;
    d.status = s->status;
    d.weights = s->weights;
    d.strata = s->stratum;
    d.cluster = s->cluster;
    onc_cox_options_init(&co);
    co.conf_level = conf_level;
    co.concordance = 0;
    onc_error_clear(&err);
    rc = onc_cox_fit_model(&d, &co, &r->cox, &err);
    if (rc != ONC_OK)
        return cli_surv_fail(s, "plot km", &err, rc);
    return CLI_OK;
}

/* The test behind the P in the corner.  With cluster() the robust score
** test of the Cox model (log-rank has no robust form); with delayed entry
** its score test (survdiff takes no entry times); else the log-rank family. */
static int km_test(const km_plot_args *k, const cli_surv *s, const double *time,
                   const double *entry, size_t ref, km_plot_run *r, double *chisq,
                   double *df, double *p)
{
    onc_logrank_options lo;
    onc_error err;
    onc_status rc;
    char name[64];
    int code;

    *chisq = *df = *p = NAN;
    r->test_name[0] = '\0';
    if (k->test == PLOT_TEST_NONE || s->n_groups < 2)
        return CLI_OK;
    if (s->cluster != NULL || entry != NULL) {
        if (k->test != PLOT_TEST_LOGRANK) {
            fprintf(stderr, "oncostat plot km: --test: with %s the P comes from the Cox "
                            "score test; use --test logrank or none\n",
                    s->cluster != NULL ? "cluster()" : "delayed entry");
            return CLI_USAGE;
        }
        if ((code = km_cox(s, time, entry, ref, k->kopt.conf_level, r)) != CLI_OK)
            return code;
        if (s->cluster != NULL) {
            snprintf(r->test_name, sizeof r->test_name, "Robust score test");
            *chisq = r->cox->robust_score_stat;
            *p = r->cox->robust_score_p;
        } else {
            snprintf(r->test_name, sizeof r->test_name, "Score test");
            *chisq = r->cox->score_stat;
            *p = r->cox->score_p;
        }
        *df = r->cox->df;
        return CLI_OK;
    }
    onc_logrank_options_init(&lo);
    switch (k->test) {
    case PLOT_TEST_PETO:
        lo.weight = ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON;
        lo.rho = 1;
        break;
    case PLOT_TEST_GEHAN:
        lo.weight = ONC_LOGRANK_WEIGHT_GEHAN_BRESLOW;
        break;
    case PLOT_TEST_TARONE:
        lo.weight = ONC_LOGRANK_WEIGHT_TARONE_WARE;
        break;
    default:
        break;
    }
    onc_error_clear(&err);
    rc = onc_logrank_test(s->n, time, s->status, s->weights, s->group, s->n_groups,
                          s->stratum, s->n_strata, &lo, &r->test, &err);
    if (rc != ONC_OK)
        return cli_surv_fail(s, "plot km", &err, rc);
    onc_logrank_test_name(r->test, name, sizeof name);
    if (r->test->n_strata > 1 && strncmp(name, "Log-rank", 8) == 0)
        snprintf(r->test_name, sizeof r->test_name, "Stratified log-rank%s", name + 8);
    else if (r->test->n_strata > 1)
        snprintf(r->test_name, sizeof r->test_name, "Stratified %s", name);
    else
        snprintf(r->test_name, sizeof r->test_name, "%s", name);
    *chisq = r->test->chisq;
    *df = (double)r->test->df;
    *p = r->test->df > 0 ? r->test->p_value : NAN;
    return CLI_OK;
}

static int km_run(cli_analysis *a, km_plot_args *k, cli_surv *s, km_plot_run *r)
{
    const char *cmd = "plot km";
    onc_plot_km_summary sum;
    onc_error err;
    onc_status rc;
    double divisor, chisq, df, p;
    long ref;
    size_t g;
    int code;

    if (plot_time_divisor(cmd, k->time_scale, k->unit, &divisor) != 0)
        return CLI_USAGE;
    if (plot_scaled(s->time, s->n, divisor, &r->time) != 0 ||
        plot_scaled(s->entry, s->n, divisor, &r->entry) != 0)
        return cli_surv_fail(s, cmd, NULL, ONC_ERR_NOMEM);
    if (k->labels.n > 0 && k->labels.n != s->n_groups) {
        fprintf(stderr, "oncostat %s: --labels: %zu labels for %zu groups; the groups are:",
                cmd, k->labels.n, s->n_groups);
        for (g = 0; g < s->n_groups; g++)
            fprintf(stderr, "%s %s", g ? "," : "", s->labels.labels[g]);
        fputc('\n', stderr);
        return CLI_USAGE;
    }
    r->label = calloc(s->n_groups, sizeof *r->label);
    if (r->label == NULL)
        return cli_surv_fail(s, cmd, NULL, ONC_ERR_NOMEM);
    for (g = 0; g < s->n_groups; g++)
        r->label[g] = k->labels.n > 0 ? k->labels.item[g] : s->labels.labels[g];
    if ((ref = km_reference(a, s)) < 0)
        return CLI_USAGE;
    if (k->hr && s->n_groups < 2) {
        fprintf(stderr, "oncostat %s: --hr compares groups, but '%s' gives one curve\n",
                cmd, onc_formula_text(a->formula));
        return CLI_USAGE;
    }

    if (s->cluster != NULL) {
        /* R: cluster(id) asks for the robust variance */
        k->kopt.variance = ONC_KM_VARIANCE_ROBUST;
        k->kopt.cluster = s->cluster;
        k->kopt.n_clusters = s->n_clusters;
    }
    onc_error_clear(&err);
    rc = onc_km_fit_groups(s->n, r->time, r->entry, s->status, s->weights, s->group,
                           s->n_groups, &k->kopt, &r->fit, &err);
    if (rc != ONC_OK)
        return cli_surv_fail(s, cmd, &err, rc);
    if ((code = km_test(k, s, r->time, r->entry, (size_t)ref, r, &chisq, &df, &p)) != CLI_OK)
        return code;
    if (k->hr && (code = km_cox(s, r->time, r->entry, (size_t)ref, k->kopt.conf_level, r)) !=
                     CLI_OK)
        return code;

    if (k->annotation != NULL) {
        snprintf(r->annotation, sizeof r->annotation, "%s", k->annotation);
    } else {
        rc = onc_plot_km_annotation(r->test_name[0] ? r->test_name : NULL, p,
                                    k->hr ? r->cox : NULL,
                                    (const char *const *)r->contrast, r->annotation,
                                    sizeof r->annotation, &err);
        if (rc != ONC_OK)
            return plot_fail(cmd, &err, rc);
    }
    rc = onc_plot_km_curves_from_fit(r->fit, s->n, r->time, s->status, s->group,
                                     r->label, 1.0, &r->curves, &err);
    if (rc != ONC_OK)
        return plot_fail(cmd, &err, rc);
    if (!r->curves->risk_counts_valid) {
        if ((k->risk_table_set && k->popt.risk_table) || k->popt.kmunicate ||
            k->popt.min_at_risk > 0) {
            fprintf(stderr, "oncostat %s: with delayed entry (Surv(entry, exit, status)) "
                            "the numbers at risk cannot be drawn: leave out --risk-table, "
                            "--kmunicate and --min-at-risk\n", cmd);
            return CLI_USAGE;
        }
        k->popt.risk_table = 0;
        fprintf(stderr, "oncostat %s: delayed entry: the figure has no numbers-at-risk "
                        "table\n", cmd);
    }
    k->popt.title = k->page.title;
    k->popt.time_unit = k->unit;
    k->popt.width_in = k->page.width;
    k->popt.height_in = k->page.height;
    k->popt.dpi = k->page.dpi;
    k->popt.font_size = k->page.font_size;
    k->popt.annotation = r->annotation[0] ? r->annotation : NULL;
    rc = onc_plot_km(r->curves->curves, r->curves->n_curves, &k->popt,
                     a->common.out_path, &err);
    if (rc != ONC_OK)
        return plot_fail(cmd, &err, rc);

    memset(&sum, 0, sizeof sum);
    sum.path = a->common.out_path;
    sum.formula = onc_formula_text(a->formula);
    sum.fit = r->fit;
    sum.groups.n_groups = s->n_groups;
    sum.groups.labels = r->label;
    sum.time_unit = k->unit;
    sum.test_name = r->test_name[0] ? r->test_name : NULL;
    sum.test_chisq = chisq;
    sum.test_df = df;
    sum.test_p = p;
    sum.cox = k->hr ? r->cox : NULL;
    sum.contrast_labels = (const char *const *)r->contrast;
    sum.annotation = r->annotation;
    sum.excluded = &a->excluded;
    return plot_summary_out(cmd, onc_plot_km_summary_render(&sum, a->common.mode, stdout));
}

static int plot_km(int argc, char **argv)
{
    cli_analysis a;
    cli_surv s;
    km_plot_args k;
    km_plot_run r;
    int i, code;

    cli_analysis_init(&a);
    memset(&k, 0, sizeof k);
    memset(&s, 0, sizeof s);
    memset(&r, 0, sizeof r);
    onc_plot_km_options_init(&k.popt);
    onc_km_options_init(&k.kopt);
    k.kopt.rmst_rule = ONC_RMST_NONE;
    k.test = PLOT_TEST_LOGRANK;
    for (i = 1; i < argc; i++) {
        int used = cli_analysis_option(&a, argc, argv, &i, "plot km");
        if (used == 0)
            used = km_option(&k, argc, argv, &i);
        if (used < 0) {
            code = CLI_USAGE;
            goto cleanup;
        }
        if (used == 0) {
            fprintf(stderr, "oncostat plot km: unknown option '%s' (see oncostat plot km "
                            "--help)\n", argv[i]);
            code = CLI_USAGE;
            goto cleanup;
        }
    }
    if (a.common.help) {
        km_help();
        code = CLI_OK;
        goto cleanup;
    }
    if ((code = plot_check_output("plot km", a.common.out_path)) != CLI_OK)
        goto cleanup;
    code = cli_analysis_load(&a, "plot km", 1);
    if (code == CLI_OK)
        code = cli_surv_take(&a, "plot km", NAN, &s);
    if (code == CLI_OK)
        code = km_run(&a, &k, &s, &r);
cleanup:
    km_plot_run_free(&r, s.n_groups > 0 ? s.n_groups - 1 : 0);
    plot_list_free(&k.labels);
    cli_surv_free(&s);
    cli_analysis_free(&a);
    return code;
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
    plot_page page;
    onc_plot_forest_options popt;
    plot_list subgroup_lists[PLOT_MAX_SUBGROUPS];
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
           PLOT_MAX_SUBGROUP_VALUES, plot_page_help, cli_analysis_help, cli_common_help);
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
    int used = plot_page_option(&f->page, cmd, argc, argv, i);
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
        plot_list *l;
        if ((v = cli_option_value(argc, argv, i, "--subgroups")) == NULL)
            return -1;
        if (f->n_lists == PLOT_MAX_SUBGROUPS) {
            fprintf(stderr, "oncostat %s: --subgroups: given too often\n", cmd);
            return -1;
        }
        l = &f->subgroup_lists[f->n_lists++];
        if (plot_list_parse(cmd, "--subgroups", v, l) != 0)
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
            plot_number(cmd, "--xmin", v, 1e-6, 1e6, &f->popt.x_min) != 0)
            return -1;
    } else if (cli_is_option(arg, "--xmax")) {
        if ((v = cli_option_value(argc, argv, i, "--xmax")) == NULL ||
            plot_number(cmd, "--xmax", v, 1e-6, 1e6, &f->popt.x_max) != 0)
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
            plot_number(cmd, "--conf-level", v, 0.5, 0.999, &f->cox.conf_level) != 0)
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

static char *plot_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);

    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

/* A level name read as a number, as R orders numeric levels. */
static int plot_level_number(const char *s, double *out)
{
    char *end;

    if (*s == '\0')
        return -1;
    *out = strtod(s, &end);
    return *end == '\0' && isfinite(*out) ? 0 : -1;
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
        } else if (plot_level_number(c->levels[k], &keys[k].key) == 0) {
            n_numeric++;
        }
    }
    for (k = 0; k < c->n_levels; k++)
        keys[k].numeric = n_numeric == c->n_levels;
    qsort(keys, c->n_levels, sizeof *keys, forest_cmp_level);
    for (k = 0; k < c->n_levels; k++) {
        rank[keys[k].index] = k;
        v->levels[k] = plot_strdup(plot_renamed(rn, c->name, keys[k].name));
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
        v->levels[k] = plot_strdup(plot_renamed(rn, variable, buf));
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
        const onc_column *c = plot_column("plot forest", "--subgroups", df, spec->text);
        char what[200];
        if (c == NULL)
            return CLI_USAGE;
        v->name = plot_strdup(plot_renamed(rn, c->name, NULL));
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
        v->name = plot_strdup(plot_renamed(rn, onc_expr_text(e), NULL));
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
        return plot_fail("plot forest", &err, rc);
    memset(&sum, 0, sizeof sum);
    sum.path = c->out_path;
    sum.formula = formula;
    sum.kind = kind;
    sum.rows = rows;
    sum.n_rows = n_rows;
    sum.table = table;
    sum.excluded = ex;
    return plot_summary_out("plot forest", onc_plot_forest_summary_render(&sum, c->mode,
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
        code = plot_fail("plot forest", &err, rc);
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
        code = plot_fail("plot forest", &err, rc);
        goto cleanup;
    }
    /* the model's names with --label applied */
    cols = calloc(m->p, sizeof *cols);
    if (cols == NULL) {
        code = plot_fail("plot forest", NULL, ONC_ERR_NOMEM);
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
        code = plot_fail("plot forest", &err, rc);
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
    if ((hr = plot_column(cmd, "--hr", df, f->col_hr)) == NULL ||
        (lo = plot_column(cmd, "--lower", df, f->col_lower)) == NULL ||
        (hi = plot_column(cmd, "--upper", df, f->col_upper)) == NULL ||
        (f->col_label != NULL && (label = plot_column(cmd, "--row-label", df,
                                                      f->col_label)) == NULL) ||
        (f->col_n != NULL && (n = plot_column(cmd, "--n", df, f->col_n)) == NULL) ||
        (f->col_events != NULL && (ev = plot_column(cmd, "--events", df,
                                                    f->col_events)) == NULL) ||
        (f->col_p != NULL && (p = plot_column(cmd, "--p-interaction", df, f->col_p)) == NULL) ||
        (f->col_header != NULL && (head = plot_column(cmd, "--header", df,
                                                      f->col_header)) == NULL) ||
        (f->col_overall != NULL && (overall = plot_column(cmd, "--overall", df,
                                                          f->col_overall)) == NULL))
        return CLI_USAGE;
    if (label == NULL && f->col_label == NULL && onc_frame_find(df, "label") >= 0)
        label = &df->cols[onc_frame_find(df, "label")];
    if (plot_numeric_column(cmd, "--hr", hr) != 0 ||
        plot_numeric_column(cmd, "--lower", lo) != 0 ||
        plot_numeric_column(cmd, "--upper", hi) != 0 ||
        (n != NULL && plot_numeric_column(cmd, "--n", n) != 0) ||
        (ev != NULL && plot_numeric_column(cmd, "--events", ev) != 0) ||
        (p != NULL && plot_numeric_column(cmd, "--p-interaction", p) != 0) ||
        (head != NULL && plot_numeric_column(cmd, "--header", head) != 0) ||
        (overall != NULL && plot_numeric_column(cmd, "--overall", overall) != 0))
        return CLI_USAGE;
    if (df->n_rows == 0) {
        fprintf(stderr, "oncostat %s: %s has no rows\n", cmd, a->data_path);
        return CLI_USAGE;
    }
    rows = calloc(df->n_rows, sizeof *rows);
    text = calloc(df->n_rows, sizeof *text);
    if (rows == NULL || text == NULL) {
        code = plot_fail(cmd, NULL, ONC_ERR_NOMEM);
        goto cleanup;
    }
    for (i = 0; i < df->n_rows; i++) {
        onc_plot_forest_row *r = &rows[i];
        double cnt;
        if (label != NULL)
            plot_cell_text(label, i, text[i], sizeof text[i]);
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
            plot_where(df, i, hr->name, where, sizeof where);
            fprintf(stderr, "oncostat %s: %s: hazard ratio %g of '%s' cannot be drawn on a "
                            "log scale\n", cmd, where, r->hr, r->label);
            goto cleanup;
        }
        if ((!isnan(r->lower) && !(r->lower > 0)) || (!isnan(r->upper) && !(r->upper > 0))) {
            const onc_column *bad = !isnan(r->lower) && !(r->lower > 0) ? lo : hi;
            plot_where(df, i, bad->name, where, sizeof where);
            fprintf(stderr, "oncostat %s: %s: limit %g of '%s' cannot be drawn on a log "
                            "scale\n", cmd, where, bad->num[i], r->label);
            goto cleanup;
        }
        if (r->lower > r->upper || (isfinite(r->hr) && (r->hr < r->lower || r->hr > r->upper))) {
            plot_where(df, i, hr->name, where, sizeof where);
            fprintf(stderr, "oncostat %s: %s: hazard ratio %g of '%s' and its limits %g to %g "
                            "are not in order\n", cmd, where, r->hr, r->label, r->lower,
                    r->upper);
            goto cleanup;
        }
        if (p != NULL && !isnan(r->p_interaction) &&
            !(r->p_interaction >= 0 && r->p_interaction <= 1)) {
            plot_where(df, i, p->name, where, sizeof where);
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

static int plot_forest(int argc, char **argv)
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
    if ((code = plot_check_output("plot forest", a.common.out_path)) != CLI_OK)
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
        plot_list_free(&f.subgroup_lists[k]);
    plot_renames_free(&f.renames);
    cli_analysis_free(&a);
    return code;
}

/* ------------------------------------------------------------------ */
/* Categories of waterfall bars and swimmer lanes                      */
/* ------------------------------------------------------------------ */

#define PLOT_MAX_CATEGORIES 32
#define PLOT_CELL 128

typedef struct plot_categories {
    char (*cell)[PLOT_CELL];         /* the category of each row */
    const char *order[PLOT_MAX_CATEGORIES];
    size_t n;
} plot_categories;

/* Best responses in the order papers list them. */
static const char *const plot_response_order[] = {
    "CR", "PR", "SD", "Non-CR/Non-PD", "PD", "NE"
};

typedef struct plot_category_key {
    double key;
    const char *text;
    int numeric;
} plot_category_key;

static int plot_cmp_category(const void *a, const void *b)
{
    const plot_category_key *x = a, *y = b;

    if (x->numeric && x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return strcmp(x->text, y->text);
}

static long plot_list_find(const plot_list *l, const char *text)
{
    size_t k;

    for (k = 0; k < l->n; k++)
        if (strcmp(l->item[k], text) == 0)
            return (long)k;
    return -1;
}

/*
** The category of every kept row of column c, and their order: --levels
** when given (every category must be listed), else the order of best
** responses when every category is one (CR, PR, SD, PD, NE), else as R
** sorts levels (numerically when all are numbers, else by bytes).
** Returns an exit code.
*/
static int plot_categories_build(const char *cmd, const char *option, const onc_frame *df,
                                 const onc_column *c, const unsigned char *keep,
                                 const plot_list *levels, plot_categories *pc)
{
    plot_category_key keys[PLOT_MAX_CATEGORIES];
    size_t i, k, n_numeric = 0, n_known = 0;
    char where[512];

    memset(pc, 0, sizeof *pc);
    pc->cell = calloc(df->n_rows ? df->n_rows : 1, sizeof *pc->cell);
    if (pc->cell == NULL) {
        fprintf(stderr, "oncostat %s: out of memory\n", cmd);
        return CLI_COMPUTE;
    }
    for (i = 0; i < df->n_rows; i++) {
        if (!keep[i])
            continue;
        plot_cell_text(c, i, pc->cell[i], PLOT_CELL);
        for (k = 0; k < pc->n && strcmp(pc->order[k], pc->cell[i]) != 0; k++)
            ;
        if (k < pc->n)
            continue;
        if (levels->n > 0 && plot_list_find(levels, pc->cell[i]) < 0) {
            plot_where(df, i, c->name, where, sizeof where);
            fprintf(stderr, "oncostat %s: %s: '%s' is not one of --levels\n", cmd, where,
                    pc->cell[i]);
            return CLI_USAGE;
        }
        if (pc->n == PLOT_MAX_CATEGORIES) {
            fprintf(stderr, "oncostat %s: %s: column '%s' has more than %d different "
                            "values\n", cmd, option, c->name, PLOT_MAX_CATEGORIES);
            return CLI_USAGE;
        }
        pc->order[pc->n++] = pc->cell[i];
    }
    if (levels->n > 0) {
        size_t m = 0;
        for (k = 0; k < levels->n; k++)
            for (i = 0; i < pc->n; i++)
                if (strcmp(levels->item[k], pc->order[i]) == 0) {
                    keys[m++].text = pc->order[i];
                    break;
                }
        for (k = 0; k < m; k++)
            pc->order[k] = keys[k].text;
        return CLI_OK;
    }
    for (k = 0; k < pc->n; k++) {
        size_t r;
        keys[k].text = pc->order[k];
        keys[k].key = (double)(sizeof plot_response_order / sizeof plot_response_order[0]);
        for (r = 0; r < sizeof plot_response_order / sizeof plot_response_order[0]; r++)
            if (strcasecmp(pc->order[k], plot_response_order[r]) == 0) {
                keys[k].key = (double)r;
                n_known++;
                break;
            }
    }
    if (n_known < pc->n) {
        for (k = 0; k < pc->n; k++)
            n_numeric += plot_level_number(keys[k].text, &keys[k].key) == 0;
    }
    for (k = 0; k < pc->n; k++)
        keys[k].numeric = n_known == pc->n || n_numeric == pc->n;
    qsort(keys, pc->n, sizeof *keys, plot_cmp_category);
    for (k = 0; k < pc->n; k++)
        pc->order[k] = keys[k].text;
    return CLI_OK;
}

/* Count missing values of an optional column as exclusions. */
static int plot_exclude_missing(const onc_column *c, const onc_frame *df, unsigned char *keep,
                                onc_exclusions *ex)
{
    char reason[200];
    size_t i;

    if (c == NULL)
        return 0;
    snprintf(reason, sizeof reason, "missing value in '%.150s'", c->name);
    for (i = 0; i < df->n_rows; i++)
        if (keep[i] && onc_column_is_missing(c, i)) {
            keep[i] = 0;
            if (onc_exclusions_add(ex, reason, i + 1) != ONC_OK)
                return -1;
        }
    return 0;
}

/* ------------------------------------------------------------------ */
/* plot waterfall                                                      */
/* ------------------------------------------------------------------ */

typedef struct waterfall_plot_args {
    plot_page page;
    onc_plot_waterfall_options popt;
    const char *data_path, *col_change, *col_by, *col_id;
    plot_list levels;
} waterfall_plot_args;

static void waterfall_help(void)
{
    printf("Usage: oncostat plot waterfall PATIENTS.csv --change COL [--by COL] -o FIG.png\n\n"
           "Waterfall plot of the best change in tumour size, one bar per patient from the\n"
           "largest increase to the largest decrease, coloured by a category such as the\n"
           "best response.  PATIENTS is the per-patient file of 'oncostat response\n"
           "--patients-out', or any file with a percent change column.  Rows without a\n"
           "change (or without a category) are left out and reported.\n\n"
           "Options:\n"
           "  --change COL        best %% change from baseline (default: best_change)\n"
           "  --by COL            colour and legend, e.g. the best response (default: none)\n"
           "  --levels LIST       legend order, e.g. CR,PR,SD,PD (default: CR, PR, SD,\n"
           "                      Non-CR/Non-PD, PD, NE when the categories are responses,\n"
           "                      else sorted as R sorts levels)\n"
           "  --id COL            patient identifiers (default: column 'id' if present)\n"
           "  --ids               print the identifiers under the bars (default: off)\n"
           "  --criteria C        reference lines: recist (+20 %%, -30 %%; also mRECIST),\n"
           "                      choi (+10 %%, -10 %%) or none (default: recist)\n"
           "  --choi              the same as --criteria choi\n"
           "  --ymax Y            cut bars above Y %% and mark them with an arrow\n"
           "                      (default: no cut)\n"
           "  --ylabel TEXT       (default: 'Best change from baseline (%%)')\n\n"
           "%s\n%s",
           plot_page_help, cli_common_help);
}

static int waterfall_option(waterfall_plot_args *w, int argc, char **argv, int *i)
{
    const char *cmd = "plot waterfall", *arg = argv[*i], *v;
    int used = plot_page_option(&w->page, cmd, argc, argv, i);

    if (used != 0)
        return used;
    if (cli_is_option(arg, "--change")) {
        if ((w->col_change = cli_option_value(argc, argv, i, "--change")) == NULL)
            return -1;
    } else if (cli_is_option(arg, "--by")) {
        if ((w->col_by = cli_option_value(argc, argv, i, "--by")) == NULL)
            return -1;
    } else if (cli_is_option(arg, "--id")) {
        if ((w->col_id = cli_option_value(argc, argv, i, "--id")) == NULL)
            return -1;
    } else if (cli_is_option(arg, "--levels")) {
        if ((v = cli_option_value(argc, argv, i, "--levels")) == NULL ||
            plot_list_parse(cmd, "--levels", v, &w->levels) != 0)
            return -1;
    } else if (strcmp(arg, "--ids") == 0) {
        w->popt.show_ids = 1;
    } else if (strcmp(arg, "--choi") == 0) {
        w->popt.criteria = ONC_PLOT_CRITERIA_CHOI;
    } else if (cli_is_option(arg, "--criteria")) {
        if ((v = cli_option_value(argc, argv, i, "--criteria")) == NULL)
            return -1;
        if (strcasecmp(v, "recist") == 0 || strcasecmp(v, "mrecist") == 0)
            w->popt.criteria = ONC_PLOT_CRITERIA_RECIST;
        else if (strcasecmp(v, "choi") == 0)
            w->popt.criteria = ONC_PLOT_CRITERIA_CHOI;
        else if (strcasecmp(v, "none") == 0)
            w->popt.criteria = ONC_PLOT_CRITERIA_NONE;
        else {
            fprintf(stderr, "oncostat %s: --criteria: expected recist, choi or none, found "
                            "'%s'\n", cmd, v);
            return -1;
        }
    } else if (cli_is_option(arg, "--ymax")) {
        if ((v = cli_option_value(argc, argv, i, "--ymax")) == NULL ||
            plot_number(cmd, "--ymax", v, 1, 1e6, &w->popt.y_max) != 0)
            return -1;
    } else if (cli_is_option(arg, "--ylabel")) {
        if ((w->popt.ylabel = cli_option_value(argc, argv, i, "--ylabel")) == NULL)
            return -1;
    } else if (arg[0] == '-' && arg[1] != '\0') {
        return 0;
    } else if (w->data_path == NULL) {
        w->data_path = arg;
    } else {
        fprintf(stderr, "oncostat %s: one data file expected, found '%s' too\n", cmd, arg);
        return -1;
    }
    return 1;
}

static int waterfall_run(waterfall_plot_args *w, const cli_common *c, const onc_frame *df)
{
    const char *cmd = "plot waterfall";
    const onc_column *change, *by = NULL, *id = NULL;
    onc_plot_waterfall_bar *bars = NULL;
    onc_plot_waterfall_summary sum;
    plot_categories cats;
    char (*ids)[PLOT_CELL] = NULL;
    unsigned char *keep = NULL;
    onc_exclusions ex;
    onc_error err;
    onc_status rc;
    char where[512];
    size_t i, n = 0;
    int code = CLI_USAGE;

    memset(&cats, 0, sizeof cats);
    onc_exclusions_init(&ex, df->n_rows);
    if ((change = plot_column(cmd, "--change", df, w->col_change)) == NULL ||
        plot_numeric_column(cmd, "--change", change) != 0 ||
        (w->col_by != NULL && (by = plot_column(cmd, "--by", df, w->col_by)) == NULL) ||
        (w->col_id != NULL && (id = plot_column(cmd, "--id", df, w->col_id)) == NULL))
        goto cleanup;
    if (id == NULL && w->col_id == NULL && onc_frame_find(df, "id") >= 0)
        id = &df->cols[onc_frame_find(df, "id")];
    keep = malloc(df->n_rows ? df->n_rows : 1);
    bars = calloc(df->n_rows ? df->n_rows : 1, sizeof *bars);
    ids = calloc(df->n_rows ? df->n_rows : 1, sizeof *ids);
    if (keep == NULL || bars == NULL || ids == NULL)
        goto nomem;
    memset(keep, 1, df->n_rows);
    if (plot_exclude_missing(change, df, keep, &ex) != 0 ||
        plot_exclude_missing(by, df, keep, &ex) != 0)
        goto nomem;
    for (i = 0; i < df->n_rows; i++) {
        double v = change->num[i];
        if (!keep[i])
            continue;
        if (!isfinite(v) || v < -100) {
            plot_where(df, i, change->name, where, sizeof where);
            fprintf(stderr, "oncostat %s: %s: a change of %g %% is impossible (a tumour "
                            "cannot shrink by more than 100 %%)\n", cmd, where, v);
            goto cleanup;
        }
    }
    if (by != NULL && (code = plot_categories_build(cmd, "--by", df, by, keep, &w->levels,
                                                    &cats)) != CLI_OK)
        goto cleanup;
    for (i = 0; i < df->n_rows; i++) {
        if (!keep[i])
            continue;
        if (id != NULL && !onc_column_is_missing(id, i)) {
            plot_cell_text(id, i, ids[n], PLOT_CELL);
            bars[n].id = ids[n];
        }
        bars[n].change = change->num[i];
        bars[n].category = by != NULL ? cats.cell[i] : NULL;
        n++;
    }
    if (n == 0) {
        fprintf(stderr, "oncostat %s: no patient has a value in '%s'\n", cmd, change->name);
        code = CLI_USAGE;
        goto cleanup;
    }
    w->popt.title = w->page.title;
    w->popt.width_in = w->page.width;
    w->popt.height_in = w->page.height;
    w->popt.dpi = w->page.dpi;
    w->popt.font_size = w->page.font_size;
    if (by != NULL) {
        w->popt.categories = cats.order;
        w->popt.n_categories = cats.n;
    }
    onc_error_clear(&err);
    rc = onc_plot_waterfall(bars, n, &w->popt, c->out_path, &err);
    if (rc != ONC_OK) {
        code = plot_fail(cmd, &err, rc);
        goto cleanup;
    }
    memset(&sum, 0, sizeof sum);
    sum.path = c->out_path;
    sum.bars = bars;
    sum.n_bars = n;
    sum.categories = w->popt.categories;
    sum.n_categories = w->popt.n_categories;
    sum.criteria = w->popt.criteria;
    sum.excluded = &ex;
    code = plot_summary_out(cmd, onc_plot_waterfall_summary_render(&sum, c->mode, stdout));
    goto cleanup;
nomem:
    code = plot_fail(cmd, NULL, ONC_ERR_NOMEM);
cleanup:
    free(keep);
    free(bars);
    free(ids);
    free(cats.cell);
    onc_exclusions_clear(&ex);
    return code;
}

static int plot_waterfall(int argc, char **argv)
{
    waterfall_plot_args w;
    cli_common c;
    onc_frame *df = NULL;
    int i, code;

    memset(&w, 0, sizeof w);
    cli_common_init(&c);
    w.col_change = "best_change";
    w.popt.criteria = ONC_PLOT_CRITERIA_RECIST;
    for (i = 1; i < argc; i++) {
        int used = cli_common_option(&c, argc, argv, &i);
        if (used == 0)
            used = waterfall_option(&w, argc, argv, &i);
        if (used < 0) {
            code = CLI_USAGE;
            goto cleanup;
        }
        if (used == 0) {
            fprintf(stderr, "oncostat plot waterfall: unknown option '%s' (see oncostat "
                            "plot waterfall --help)\n", argv[i]);
            code = CLI_USAGE;
            goto cleanup;
        }
    }
    if (c.help) {
        waterfall_help();
        code = CLI_OK;
        goto cleanup;
    }
    if ((code = plot_check_output("plot waterfall", c.out_path)) != CLI_OK)
        goto cleanup;
    if (w.data_path == NULL) {
        fprintf(stderr, "oncostat plot waterfall: a data file is required, e.g.\n"
                        "  oncostat plot waterfall patients.csv --change best_change "
                        "--by bor -o waterfall.png\n");
        code = CLI_USAGE;
        goto cleanup;
    }
    code = cli_load_frame(w.data_path, &c, &df);
    if (code == CLI_OK)
        code = waterfall_run(&w, &c, df);
cleanup:
    onc_frame_free(df);
    plot_list_free(&w.levels);
    return code;
}

/* ------------------------------------------------------------------ */
/* plot swimmer                                                        */
/* ------------------------------------------------------------------ */

typedef struct swimmer_event_column {
    onc_plot_event_kind kind;
    const char *column;
} swimmer_event_column;

typedef struct swimmer_plot_args {
    plot_page page;
    onc_plot_swimmer_options popt;
    const char *data_path, *col_id, *col_time, *col_by, *ongoing, *unit, *time_scale;
    plot_list events, levels;
    swimmer_event_column ev[PLOT_MAX_EVENT_COLUMNS];
    size_t n_ev;
    double breaks[CLI_MAX_LIST];
} swimmer_plot_args;

static void swimmer_help(void)
{
    printf("Usage: oncostat plot swimmer DATA --time COL [--by COL] [--events LIST]\n"
           "                             [--ongoing COL] -o FIG.png\n\n"
           "Swimmer plot: one bar per patient (one row of DATA each) from 0 to its time on\n"
           "treatment or follow-up, with markers for response, progression, death and\n"
           "treatment sessions, and an arrow after patients still ongoing.  Rows without\n"
           "an id, a time or an arm are left out and reported.\n\n"
           "Options:\n"
           "  --time COL          length of each bar (required)\n"
           "  --id COL            patient identifier (default: column 'id'; else the row\n"
           "                      number)\n"
           "  --by COL            arm: bar colour and legend (default: none)\n"
           "  --levels LIST       legend order of the arms (default: as R sorts levels)\n"
           "  --events LIST       markers KIND=COL, comma separated; KIND is response,\n"
           "                      progression, death or treatment; each COL holds the time\n"
           "                      of that event (empty = none); a KIND may repeat, e.g.\n"
           "                      'response=resp_day,progression=pd_day,treatment=tace2'\n"
           "                      (default: none)\n"
           "  --ongoing COL       patients still ongoing: COL is 1/TRUE (default: none)\n"
           "  --ongoing COL=VAL   ... or COL equals VAL, e.g. status=ongoing\n"
           "  --keep-order        lanes in file order (default: longest at the top)\n"
           "  --unit U            days, weeks, months or years: the axis title and breaks\n"
           "                      (default: none, 'Time')\n"
           "  --time-scale FROM   the times are in FROM; convert them to --unit\n"
           "                      (default: no conversion)\n"
           "  --breaks LIST       time axis breaks (default: automatic)\n"
           "  --xlabel TEXT       (default: 'Time (<unit>)')\n\n"
           "%s\n%s",
           plot_page_help, cli_common_help);
}

static int swimmer_option(swimmer_plot_args *w, int argc, char **argv, int *i)
{
    const char *cmd = "plot swimmer", *arg = argv[*i], *v;
    int used = plot_page_option(&w->page, cmd, argc, argv, i);
    size_t k;

    if (used != 0)
        return used;
    if (cli_is_option(arg, "--time")) {
        if ((w->col_time = cli_option_value(argc, argv, i, "--time")) == NULL)
            return -1;
    } else if (cli_is_option(arg, "--id")) {
        if ((w->col_id = cli_option_value(argc, argv, i, "--id")) == NULL)
            return -1;
    } else if (cli_is_option(arg, "--by")) {
        if ((w->col_by = cli_option_value(argc, argv, i, "--by")) == NULL)
            return -1;
    } else if (cli_is_option(arg, "--ongoing")) {
        if ((w->ongoing = cli_option_value(argc, argv, i, "--ongoing")) == NULL)
            return -1;
    } else if (cli_is_option(arg, "--levels")) {
        if ((v = cli_option_value(argc, argv, i, "--levels")) == NULL ||
            plot_list_parse(cmd, "--levels", v, &w->levels) != 0)
            return -1;
    } else if (cli_is_option(arg, "--events")) {
        if ((v = cli_option_value(argc, argv, i, "--events")) == NULL ||
            plot_list_parse(cmd, "--events", v, &w->events) != 0)
            return -1;
        w->n_ev = 0;
        for (k = 0; k < w->events.n; k++) {
            static const struct { const char *name; onc_plot_event_kind kind; } kinds[] = {
                {"response", ONC_PLOT_EVENT_RESPONSE},
                {"progression", ONC_PLOT_EVENT_PROGRESSION},
                {"death", ONC_PLOT_EVENT_DEATH},
                {"treatment", ONC_PLOT_EVENT_TREATMENT},
            };
            char *item = (char *)w->events.item[k], *eq = strchr(item, '=');
            size_t j;
            if (eq == NULL || eq == item || eq[1] == '\0') {
                fprintf(stderr, "oncostat %s: --events: expected KIND=COLUMN, found '%s'\n",
                        cmd, item);
                return -1;
            }
            *eq = '\0';
            for (j = 0; j < sizeof kinds / sizeof kinds[0]; j++)
                if (strcasecmp(item, kinds[j].name) == 0)
                    break;
            if (j == sizeof kinds / sizeof kinds[0]) {
                fprintf(stderr, "oncostat %s: --events: unknown kind '%s' (expected "
                                "response, progression, death or treatment)\n", cmd, item);
                return -1;
            }
            if (w->n_ev == PLOT_MAX_EVENT_COLUMNS) {
                fprintf(stderr, "oncostat %s: --events: at most %d columns\n", cmd,
                        PLOT_MAX_EVENT_COLUMNS);
                return -1;
            }
            w->ev[w->n_ev].kind = kinds[j].kind;
            w->ev[w->n_ev].column = eq + 1;
            w->n_ev++;
        }
    } else if (strcmp(arg, "--keep-order") == 0) {
        w->popt.keep_order = 1;
    } else if (cli_is_option(arg, "--unit")) {
        if ((v = cli_option_value(argc, argv, i, "--unit")) == NULL ||
            plot_unit_option(cmd, "--unit", v) != 0)
            return -1;
        w->unit = v;
    } else if (cli_is_option(arg, "--time-scale")) {
        if ((v = cli_option_value(argc, argv, i, "--time-scale")) == NULL ||
            plot_unit_option(cmd, "--time-scale", v) != 0)
            return -1;
        w->time_scale = v;
    } else if (cli_is_option(arg, "--breaks")) {
        if ((v = cli_option_value(argc, argv, i, "--breaks")) == NULL ||
            plot_breaks_option(cmd, v, w->breaks, &w->popt.n_breaks) != 0)
            return -1;
        w->popt.breaks = w->breaks;
    } else if (cli_is_option(arg, "--xlabel")) {
        if ((w->popt.xlabel = cli_option_value(argc, argv, i, "--xlabel")) == NULL)
            return -1;
    } else if (arg[0] == '-' && arg[1] != '\0') {
        return 0;
    } else if (w->data_path == NULL) {
        w->data_path = arg;
    } else {
        fprintf(stderr, "oncostat %s: one data file expected, found '%s' too\n", cmd, arg);
        return -1;
    }
    return 1;
}

/* Is row i ongoing: COL true/1, or COL equal to VALUE. */
static int swimmer_ongoing(const onc_column *c, const char *value, size_t i)
{
    char buf[PLOT_CELL];

    if (c == NULL || onc_column_is_missing(c, i))
        return 0;
    if (value == NULL)
        return c->type != ONC_COL_FACTOR && c->num[i] != 0;
    plot_cell_text(c, i, buf, sizeof buf);
    return strcmp(buf, value) == 0;
}

/* Everything plot swimmer allocates. */
typedef struct swimmer_run_state {
    unsigned char *keep;
    onc_plot_swimmer_lane *lanes;
    onc_plot_swimmer_event *events;
    char (*ids)[PLOT_CELL];
    size_t *first_row;
    plot_categories cats;
    char *ongoing_col;
    onc_exclusions ex;
} swimmer_run_state;

static int swimmer_run(swimmer_plot_args *w, const cli_common *c, const onc_frame *df,
                       swimmer_run_state *st)
{
    const char *cmd = "plot swimmer";
    const onc_column *time, *id = NULL, *by = NULL, *ongoing = NULL,
                     *evc[PLOT_MAX_EVENT_COLUMNS];
    const char *ongoing_value = NULL;
    onc_plot_swimmer_summary sum;
    onc_error err;
    onc_status rc;
    char where[512];
    double divisor;
    size_t i, j, k, n = 0, n_events = 0;

    onc_exclusions_init(&st->ex, df->n_rows);
    if (w->col_time == NULL) {
        fprintf(stderr, "oncostat %s: --time COL is required: the length of each bar\n", cmd);
        return CLI_USAGE;
    }
    if (plot_time_divisor(cmd, w->time_scale, w->unit, &divisor) != 0)
        return CLI_USAGE;
    if ((time = plot_column(cmd, "--time", df, w->col_time)) == NULL ||
        plot_numeric_column(cmd, "--time", time) != 0 ||
        (w->col_id != NULL && (id = plot_column(cmd, "--id", df, w->col_id)) == NULL) ||
        (w->col_by != NULL && (by = plot_column(cmd, "--by", df, w->col_by)) == NULL))
        return CLI_USAGE;
    if (id == NULL && w->col_id == NULL && onc_frame_find(df, "id") >= 0)
        id = &df->cols[onc_frame_find(df, "id")];
    if (w->ongoing != NULL) {
        char *eq;
        st->ongoing_col = plot_strdup(w->ongoing);
        if (st->ongoing_col == NULL)
            return plot_fail(cmd, NULL, ONC_ERR_NOMEM);
        if ((eq = strchr(st->ongoing_col, '=')) != NULL) {
            *eq = '\0';
            ongoing_value = eq + 1;
        }
        if ((ongoing = plot_column(cmd, "--ongoing", df, st->ongoing_col)) == NULL)
            return CLI_USAGE;
        if (ongoing_value == NULL && ongoing->type == ONC_COL_FACTOR) {
            fprintf(stderr, "oncostat %s: --ongoing: column '%s' holds text; name the value "
                            "that means ongoing, e.g. --ongoing '%s=%s'\n", cmd,
                    ongoing->name, ongoing->name,
                    ongoing->n_levels > 0 ? ongoing->levels[0] : "yes");
            return CLI_USAGE;
        }
    }
    for (j = 0; j < w->n_ev; j++)
        if ((evc[j] = plot_column(cmd, "--events", df, w->ev[j].column)) == NULL ||
            plot_numeric_column(cmd, "--events", evc[j]) != 0)
            return CLI_USAGE;

    st->keep = malloc(df->n_rows ? df->n_rows : 1);
    st->lanes = calloc(df->n_rows ? df->n_rows : 1, sizeof *st->lanes);
    st->ids = calloc(df->n_rows ? df->n_rows : 1, sizeof *st->ids);
    st->first_row = calloc(df->n_rows ? df->n_rows : 1, sizeof *st->first_row);
    if (st->keep == NULL || st->lanes == NULL || st->ids == NULL || st->first_row == NULL)
        return plot_fail(cmd, NULL, ONC_ERR_NOMEM);
    memset(st->keep, 1, df->n_rows);
    if (plot_exclude_missing(id, df, st->keep, &st->ex) != 0 ||
        plot_exclude_missing(time, df, st->keep, &st->ex) != 0 ||
        plot_exclude_missing(by, df, st->keep, &st->ex) != 0)
        return plot_fail(cmd, NULL, ONC_ERR_NOMEM);
    /* every check before any drawing, naming the file row */
    for (i = 0; i < df->n_rows; i++) {
        double d;
        if (!st->keep[i])
            continue;
        d = time->num[i];
        if (!isfinite(d) || d < 0) {
            plot_where(df, i, time->name, where, sizeof where);
            fprintf(stderr, "oncostat %s: %s: time %g; a bar needs a time >= 0\n", cmd,
                    where, d);
            return CLI_USAGE;
        }
        for (j = 0; j < w->n_ev; j++) {
            double e = evc[j]->num[i];
            if (isnan(e))
                continue;
            /* a marker at the very end of the bar is on it */
            if (!isfinite(e) || e < 0 || e > d * (1 + 1e-12)) {
                plot_where(df, i, evc[j]->name, where, sizeof where);
                fprintf(stderr, "oncostat %s: %s: the event at %g lies outside the bar, "
                                "0 to %g ('%s')\n", cmd, where, e, d, time->name);
                return CLI_USAGE;
            }
            n_events++;
        }
        if (id != NULL)
            plot_cell_text(id, i, st->ids[n], PLOT_CELL);
        else
            snprintf(st->ids[n], PLOT_CELL, "%zu", i + 1);
        for (k = 0; k < n; k++)
            if (strcmp(st->ids[k], st->ids[n]) == 0) {
                plot_where(df, i, id != NULL ? id->name : "", where, sizeof where);
                fprintf(stderr, "oncostat %s: %s: patient '%s' appears again (first in row "
                                "%zu); a swimmer plot needs one row per patient\n", cmd,
                        where, st->ids[n], st->first_row[k] + 1);
                return CLI_USAGE;
            }
        st->first_row[n] = i;
        n++;
    }
    if (n == 0) {
        fprintf(stderr, "oncostat %s: no row has a time in '%s'\n", cmd, time->name);
        return CLI_USAGE;
    }
    if (by != NULL) {
        int code = plot_categories_build(cmd, "--by", df, by, st->keep, &w->levels, &st->cats);
        if (code != CLI_OK)
            return code;
    }
    st->events = calloc(n_events ? n_events : 1, sizeof *st->events);
    if (st->events == NULL)
        return plot_fail(cmd, NULL, ONC_ERR_NOMEM);
    n_events = 0;
    for (k = 0; k < n; k++) {
        onc_plot_swimmer_lane *l = &st->lanes[k];
        i = st->first_row[k];
        l->id = st->ids[k];
        l->arm = by != NULL ? st->cats.cell[i] : NULL;
        l->duration = time->num[i] / divisor;
        l->ongoing = swimmer_ongoing(ongoing, ongoing_value, i);
        l->events = st->events + n_events;
        for (j = 0; j < w->n_ev; j++) {
            double e = evc[j]->num[i];
            if (isnan(e))
                continue;
            /* the same division as the bar, so an event at its end stays on it */
            st->events[n_events].time = fmin(e / divisor, l->duration);
            st->events[n_events].kind = w->ev[j].kind;
            n_events++;
            l->n_events++;
        }
    }
    w->popt.title = w->page.title;
    w->popt.time_unit = w->unit;
    w->popt.width_in = w->page.width;
    w->popt.height_in = w->page.height;
    w->popt.dpi = w->page.dpi;
    w->popt.font_size = w->page.font_size;
    if (by != NULL) {
        w->popt.arms = st->cats.order;
        w->popt.n_arms = st->cats.n;
    }
    onc_error_clear(&err);
    rc = onc_plot_swimmer(st->lanes, n, &w->popt, c->out_path, &err);
    if (rc != ONC_OK)
        return plot_fail(cmd, &err, rc);
    memset(&sum, 0, sizeof sum);
    sum.path = c->out_path;
    sum.lanes = st->lanes;
    sum.n_lanes = n;
    sum.time_unit = w->unit;
    sum.excluded = &st->ex;
    return plot_summary_out(cmd, onc_plot_swimmer_summary_render(&sum, c->mode, stdout));
}

static int plot_swimmer(int argc, char **argv)
{
    swimmer_plot_args w;
    swimmer_run_state st;
    cli_common c;
    onc_frame *df = NULL;
    int i, code;

    memset(&w, 0, sizeof w);
    memset(&st, 0, sizeof st);
    cli_common_init(&c);
    for (i = 1; i < argc; i++) {
        int used = cli_common_option(&c, argc, argv, &i);
        if (used == 0)
            used = swimmer_option(&w, argc, argv, &i);
        if (used < 0) {
            code = CLI_USAGE;
            goto cleanup;
        }
        if (used == 0) {
            fprintf(stderr, "oncostat plot swimmer: unknown option '%s' (see oncostat plot "
                            "swimmer --help)\n", argv[i]);
            code = CLI_USAGE;
            goto cleanup;
        }
    }
    if (c.help) {
        swimmer_help();
        code = CLI_OK;
        goto cleanup;
    }
    if ((code = plot_check_output("plot swimmer", c.out_path)) != CLI_OK)
        goto cleanup;
    if (w.data_path == NULL) {
        fprintf(stderr, "oncostat plot swimmer: a data file is required\n");
        code = CLI_USAGE;
        goto cleanup;
    }
    code = cli_load_frame(w.data_path, &c, &df);
    if (code == CLI_OK)
        code = swimmer_run(&w, &c, df, &st);
cleanup:
    free(st.keep);
    free(st.lanes);
    free(st.events);
    free(st.ids);
    free(st.first_row);
    free(st.cats.cell);
    free(st.ongoing_col);
    onc_exclusions_clear(&st.ex);
    onc_frame_free(df);
    plot_list_free(&w.events);
    plot_list_free(&w.levels);
    return code;
}

/* ------------------------------------------------------------------ */
/* oncostat plot                                                       */
/* ------------------------------------------------------------------ */

static void plot_help(FILE *fp)
{
    fprintf(fp, "Usage: oncostat plot FIGURE DATA ... -o FILE.png|.svg|.pdf [OPTIONS]\n\n"
                "Publication figures (7 in wide, 300 dpi PNG, or vector SVG/PDF):\n"
                "  km         Kaplan-Meier curves with numbers at risk, log-rank P, HRs\n"
                "  forest     forest plot of subgroup or multivariable hazard ratios\n"
                "  waterfall  best change in tumour size per patient\n"
                "  swimmer    treatment course per patient with response, progression\n\n"
                "Run 'oncostat plot FIGURE --help' for the options of a figure; see\n"
                "docs/plot.md.\n");
}

int cmd_plot(int argc, char **argv)
{
    if (argc < 2) {
        plot_help(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        plot_help(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "km") == 0)
        return plot_km(argc - 1, argv + 1);
    if (strcmp(argv[1], "forest") == 0)
        return plot_forest(argc - 1, argv + 1);
    if (strcmp(argv[1], "waterfall") == 0)
        return plot_waterfall(argc - 1, argv + 1);
    if (strcmp(argv[1], "swimmer") == 0)
        return plot_swimmer(argc - 1, argv + 1);
    fprintf(stderr, "oncostat plot: unknown figure '%s' (expected km, forest, waterfall or "
                    "swimmer)\n\n", argv[1]);
    plot_help(stderr);
    return CLI_USAGE;
}
