/*
** cmd_plot.c -- oncostat plot km|forest|waterfall|swimmer DATA ... -o FIG
**
** The figure goes to -o (.png, .svg or .pdf); standard output gets what
** the figure shows (text, --json or --csv), so every number drawn can be
** checked.  The estimates come from the library (km.h, logrank.h, cox.h),
** the curves and rows from plot_adapt.h, the drawing from plot.h.  This
** file holds the dispatch and what the figures share; each figure has its
** own cmd_plot_<figure>.c.
*/
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plot_cli.h"

/* ------------------------------------------------------------------ */
/* Shared pieces                                                       */
/* ------------------------------------------------------------------ */

const char cli_plot_page_help[] =
    "Figure options:\n"
    "  -o, --output FILE   the figure: FILE.png, FILE.svg or FILE.pdf (required)\n"
    "  --title TEXT        title above the figure (default: none)\n"
    "  --width IN          page width in inches (default: 7, two journal columns)\n"
    "  --height IN         page height in inches (default: fitted to the content)\n"
    "  --dpi N             PNG resolution (default: 300)\n"
    "  --font-size PT      base font size (default: 9)\n"
    "Standard output describes what the figure shows: a table (default), --json\n"
    "(every number at full precision) or --csv.\n";

void cli_plot_list_free(cli_plot_list *l)
{
    free(l->buf);
    memset(l, 0, sizeof *l);
}

int cli_plot_list_parse(const char *cmd, const char *option, const char *text,
                        cli_plot_list *l)
{
    char *p;

    cli_plot_list_free(l);
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
int cli_plot_number(const char *cmd, const char *option, const char *text, double lo,
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

int cli_plot_page_option(cli_plot_page *pg, const char *cmd, int argc, char **argv, int *i)
{
    const char *arg = argv[*i], *v;

    if (cli_is_option(arg, "--title")) {
        if ((pg->title = cli_option_value(argc, argv, i, "--title")) == NULL)
            return -1;
        return 1;
    }
    if (cli_is_option(arg, "--width")) {
        if ((v = cli_option_value(argc, argv, i, "--width")) == NULL ||
            cli_plot_number(cmd, "--width", v, 1, ONC_PLOT_MAX_SIZE_IN, &pg->width) != 0)
            return -1;
        return 1;
    }
    if (cli_is_option(arg, "--height")) {
        if ((v = cli_option_value(argc, argv, i, "--height")) == NULL ||
            cli_plot_number(cmd, "--height", v, 1, ONC_PLOT_MAX_SIZE_IN, &pg->height) != 0)
            return -1;
        return 1;
    }
    if (cli_is_option(arg, "--dpi")) {
        if ((v = cli_option_value(argc, argv, i, "--dpi")) == NULL ||
            cli_plot_number(cmd, "--dpi", v, 36, ONC_PLOT_MAX_DPI, &pg->dpi) != 0)
            return -1;
        return 1;
    }
    if (cli_is_option(arg, "--font-size")) {
        if ((v = cli_option_value(argc, argv, i, "--font-size")) == NULL ||
            cli_plot_number(cmd, "--font-size", v, 4, 24, &pg->font_size) != 0)
            return -1;
        return 1;
    }
    return 0;
}

/* The figure path must be given and name a format before any work. */
int cli_plot_check_output(const char *cmd, const char *path)
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

int cli_plot_fail(const char *cmd, const onc_error *err, onc_status rc)
{
    if (err != NULL && err->message[0] != '\0')
        fprintf(stderr, "oncostat %s: %s\n", cmd, err->message);
    else
        fprintf(stderr, "oncostat %s: %s\n", cmd, onc_status_string(rc));
    return rc == ONC_ERR_COMPUTE || rc == ONC_ERR_NOMEM ? CLI_COMPUTE : CLI_USAGE;
}

/* Write a summary to standard output.  Returns an exit code. */
int cli_plot_summary_out(const char *cmd, onc_status rc)
{
    if (rc != ONC_OK)
        return cli_plot_fail(cmd, NULL, rc);
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

int cli_plot_unit_option(const char *cmd, const char *option, const char *v)
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
int cli_plot_time_divisor(const char *cmd, const char *from, const char *unit,
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
int cli_plot_scaled(const double *src, size_t n, double d, double **out)
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

int cli_plot_breaks_option(const char *cmd, const char *v, double *breaks, size_t *n)
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
void cli_plot_cell_text(const onc_column *c, size_t i, char *buf, size_t cap)
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
const onc_column *cli_plot_column(const char *cmd, const char *option,
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

int cli_plot_numeric_column(const char *cmd, const char *option, const onc_column *c)
{
    if (c->type == ONC_COL_FACTOR) {
        fprintf(stderr, "oncostat %s: %s: column '%s' holds text; a number is needed\n",
                cmd, option, c->name);
        return -1;
    }
    return 0;
}

/* Row i of the data, with the file name, for messages. */
void cli_plot_where(const onc_frame *df, size_t i, const char *column, char *buf,
                    size_t cap)
{
    snprintf(buf, cap, "%s%srow %zu, column '%s'", df->source ? df->source : "",
             df->source ? ": " : "", i + 1, column);
}

char *cli_plot_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);

    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

/* A level name read as a number, as R orders numeric levels. */
int cli_plot_level_number(const char *s, double *out)
{
    char *end;

    if (*s == '\0')
        return -1;
    *out = strtod(s, &end);
    return *end == '\0' && isfinite(*out) ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* Categories of waterfall bars and swimmer lanes                      */
/* ------------------------------------------------------------------ */

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

static long plot_list_find(const cli_plot_list *l, const char *text)
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
int cli_plot_categories_build(const char *cmd, const char *option, const onc_frame *df,
                              const onc_column *c, const unsigned char *keep,
                                 const cli_plot_list *levels, cli_plot_categories *pc)
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
        cli_plot_cell_text(c, i, pc->cell[i], PLOT_CELL);
        for (k = 0; k < pc->n && strcmp(pc->order[k], pc->cell[i]) != 0; k++)
            ;
        if (k < pc->n)
            continue;
        if (levels->n > 0 && plot_list_find(levels, pc->cell[i]) < 0) {
            cli_plot_where(df, i, c->name, where, sizeof where);
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
            n_numeric += cli_plot_level_number(keys[k].text, &keys[k].key) == 0;
    }
    for (k = 0; k < pc->n; k++)
        keys[k].numeric = n_known == pc->n || n_numeric == pc->n;
    qsort(keys, pc->n, sizeof *keys, plot_cmp_category);
    for (k = 0; k < pc->n; k++)
        pc->order[k] = keys[k].text;
    return CLI_OK;
}

/* Count missing values of an optional column as exclusions. */
int cli_plot_exclude_missing(const onc_column *c, const onc_frame *df, unsigned char *keep,
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
        return cli_plot_km(argc - 1, argv + 1);
    if (strcmp(argv[1], "forest") == 0)
        return cli_plot_forest(argc - 1, argv + 1);
    if (strcmp(argv[1], "waterfall") == 0)
        return cli_plot_waterfall(argc - 1, argv + 1);
    if (strcmp(argv[1], "swimmer") == 0)
        return cli_plot_swimmer(argc - 1, argv + 1);
    fprintf(stderr, "oncostat plot: unknown figure '%s' (expected km, forest, waterfall or "
                    "swimmer)\n\n", argv[1]);
    plot_help(stderr);
    return CLI_USAGE;
}
