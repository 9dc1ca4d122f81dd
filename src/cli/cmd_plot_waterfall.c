/*
** cmd_plot_waterfall.c -- oncostat plot waterfall PATIENTS --change COL -o FIG
*/
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plot_cli.h"

/* ------------------------------------------------------------------ */
/* plot waterfall                                                      */
/* ------------------------------------------------------------------ */

typedef struct waterfall_plot_args {
    cli_plot_page page;
    onc_plot_waterfall_options popt;
    const char *data_path, *col_change, *col_by, *col_id;
    cli_plot_list levels;
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
           cli_plot_page_help, cli_common_help);
}

static int waterfall_option(waterfall_plot_args *w, int argc, char **argv, int *i)
{
    const char *cmd = "plot waterfall", *arg = argv[*i], *v;
    int used = cli_plot_page_option(&w->page, cmd, argc, argv, i);

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
            cli_plot_list_parse(cmd, "--levels", v, &w->levels) != 0)
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
            cli_plot_number(cmd, "--ymax", v, 1, 1e6, &w->popt.y_max) != 0)
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
    cli_plot_categories cats;
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
    if ((change = cli_plot_column(cmd, "--change", df, w->col_change)) == NULL ||
        cli_plot_numeric_column(cmd, "--change", change) != 0 ||
        (w->col_by != NULL && (by = cli_plot_column(cmd, "--by", df, w->col_by)) == NULL) ||
        (w->col_id != NULL && (id = cli_plot_column(cmd, "--id", df, w->col_id)) == NULL))
        goto cleanup;
    if (id == NULL && w->col_id == NULL && onc_frame_find(df, "id") >= 0)
        id = &df->cols[onc_frame_find(df, "id")];
    keep = malloc(df->n_rows ? df->n_rows : 1);
    bars = calloc(df->n_rows ? df->n_rows : 1, sizeof *bars);
    ids = calloc(df->n_rows ? df->n_rows : 1, sizeof *ids);
    if (keep == NULL || bars == NULL || ids == NULL)
        goto nomem;
    memset(keep, 1, df->n_rows);
    if (cli_plot_exclude_missing(change, df, keep, &ex) != 0 ||
        cli_plot_exclude_missing(by, df, keep, &ex) != 0)
        goto nomem;
    for (i = 0; i < df->n_rows; i++) {
        double v = change->num[i];
        if (!keep[i])
            continue;
        if (!isfinite(v) || v < -100) {
            cli_plot_where(df, i, change->name, where, sizeof where);
            fprintf(stderr, "oncostat %s: %s: a change of %g %% is impossible (a tumour "
                            "cannot shrink by more than 100 %%)\n", cmd, where, v);
            goto cleanup;
        }
    }
    if (by != NULL && (code = cli_plot_categories_build(cmd, "--by", df, by, keep, &w->levels,
                                                        &cats)) != CLI_OK)
        goto cleanup;
    for (i = 0; i < df->n_rows; i++) {
        if (!keep[i])
            continue;
        if (id != NULL && !onc_column_is_missing(id, i)) {
            cli_plot_cell_text(id, i, ids[n], PLOT_CELL);
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
        code = cli_plot_fail(cmd, &err, rc);
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
    code = cli_plot_summary_out(cmd, onc_plot_waterfall_summary_render(&sum, c->mode, stdout));
    goto cleanup;
nomem:
    code = cli_plot_fail(cmd, NULL, ONC_ERR_NOMEM);
cleanup:
    free(keep);
    free(bars);
    free(ids);
    free(cats.cell);
    onc_exclusions_clear(&ex);
    return code;
}

int cli_plot_waterfall(int argc, char **argv)
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
    if ((code = cli_plot_check_output("plot waterfall", c.out_path)) != CLI_OK)
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
    cli_plot_list_free(&w.levels);
    return code;
}
