/*
** cmd_plot_swimmer.c -- oncostat plot swimmer DATA --time COL -o FIG
*/
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plot_cli.h"

#define PLOT_MAX_EVENT_COLUMNS 32

/* ------------------------------------------------------------------ */
/* plot swimmer                                                        */
/* ------------------------------------------------------------------ */

typedef struct swimmer_event_column {
    onc_plot_event_kind kind;
    const char *column;
} swimmer_event_column;

typedef struct swimmer_plot_args {
    cli_plot_page page;
    onc_plot_swimmer_options popt;
    const char *data_path, *col_id, *col_time, *col_by, *ongoing, *unit, *time_scale;
    cli_plot_list events, levels;
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
           cli_plot_page_help, cli_common_help);
}

static int swimmer_option(swimmer_plot_args *w, int argc, char **argv, int *i)
{
    const char *cmd = "plot swimmer", *arg = argv[*i], *v;
    int used = cli_plot_page_option(&w->page, cmd, argc, argv, i);
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
            cli_plot_list_parse(cmd, "--levels", v, &w->levels) != 0)
            return -1;
    } else if (cli_is_option(arg, "--events")) {
        if ((v = cli_option_value(argc, argv, i, "--events")) == NULL ||
            cli_plot_list_parse(cmd, "--events", v, &w->events) != 0)
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
            cli_plot_unit_option(cmd, "--unit", v) != 0)
            return -1;
        w->unit = v;
    } else if (cli_is_option(arg, "--time-scale")) {
        if ((v = cli_option_value(argc, argv, i, "--time-scale")) == NULL ||
            cli_plot_unit_option(cmd, "--time-scale", v) != 0)
            return -1;
        w->time_scale = v;
    } else if (cli_is_option(arg, "--breaks")) {
        if ((v = cli_option_value(argc, argv, i, "--breaks")) == NULL ||
            cli_plot_breaks_option(cmd, v, w->breaks, &w->popt.n_breaks) != 0)
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
    cli_plot_cell_text(c, i, buf, sizeof buf);
    return strcmp(buf, value) == 0;
}

/* Everything plot swimmer allocates. */
typedef struct swimmer_run_state {
    unsigned char *keep;
    onc_plot_swimmer_lane *lanes;
    onc_plot_swimmer_event *events;
    char (*ids)[PLOT_CELL];
    size_t *first_row;
    cli_plot_categories cats;
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
    if (cli_plot_time_divisor(cmd, w->time_scale, w->unit, &divisor) != 0)
        return CLI_USAGE;
    if ((time = cli_plot_column(cmd, "--time", df, w->col_time)) == NULL ||
        cli_plot_numeric_column(cmd, "--time", time) != 0 ||
        (w->col_id != NULL && (id = cli_plot_column(cmd, "--id", df, w->col_id)) == NULL) ||
        (w->col_by != NULL && (by = cli_plot_column(cmd, "--by", df, w->col_by)) == NULL))
        return CLI_USAGE;
    if (id == NULL && w->col_id == NULL && onc_frame_find(df, "id") >= 0)
        id = &df->cols[onc_frame_find(df, "id")];
    if (w->ongoing != NULL) {
        char *eq;
        st->ongoing_col = cli_plot_strdup(w->ongoing);
        if (st->ongoing_col == NULL)
            return cli_plot_fail(cmd, NULL, ONC_ERR_NOMEM);
        if ((eq = strchr(st->ongoing_col, '=')) != NULL) {
            *eq = '\0';
            ongoing_value = eq + 1;
        }
        if ((ongoing = cli_plot_column(cmd, "--ongoing", df, st->ongoing_col)) == NULL)
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
        if ((evc[j] = cli_plot_column(cmd, "--events", df, w->ev[j].column)) == NULL ||
            cli_plot_numeric_column(cmd, "--events", evc[j]) != 0)
            return CLI_USAGE;

    st->keep = malloc(df->n_rows ? df->n_rows : 1);
    st->lanes = calloc(df->n_rows ? df->n_rows : 1, sizeof *st->lanes);
    st->ids = calloc(df->n_rows ? df->n_rows : 1, sizeof *st->ids);
    st->first_row = calloc(df->n_rows ? df->n_rows : 1, sizeof *st->first_row);
    if (st->keep == NULL || st->lanes == NULL || st->ids == NULL || st->first_row == NULL)
        return cli_plot_fail(cmd, NULL, ONC_ERR_NOMEM);
    memset(st->keep, 1, df->n_rows);
    if (cli_plot_exclude_missing(id, df, st->keep, &st->ex) != 0 ||
        cli_plot_exclude_missing(time, df, st->keep, &st->ex) != 0 ||
        cli_plot_exclude_missing(by, df, st->keep, &st->ex) != 0)
        return cli_plot_fail(cmd, NULL, ONC_ERR_NOMEM);
    /* every check before any drawing, naming the file row */
    for (i = 0; i < df->n_rows; i++) {
        double d;
        if (!st->keep[i])
            continue;
        d = time->num[i];
        if (!isfinite(d) || d < 0) {
            cli_plot_where(df, i, time->name, where, sizeof where);
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
                cli_plot_where(df, i, evc[j]->name, where, sizeof where);
                fprintf(stderr, "oncostat %s: %s: the event at %g lies outside the bar, "
                                "0 to %g ('%s')\n", cmd, where, e, d, time->name);
                return CLI_USAGE;
            }
            n_events++;
        }
        if (id != NULL)
            cli_plot_cell_text(id, i, st->ids[n], PLOT_CELL);
        else
            snprintf(st->ids[n], PLOT_CELL, "%zu", i + 1);
        for (k = 0; k < n; k++)
            if (strcmp(st->ids[k], st->ids[n]) == 0) {
                cli_plot_where(df, i, id != NULL ? id->name : "", where, sizeof where);
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
        int code = cli_plot_categories_build(cmd, "--by", df, by, st->keep, &w->levels, &st->cats);
        if (code != CLI_OK)
            return code;
    }
    st->events = calloc(n_events ? n_events : 1, sizeof *st->events);
    if (st->events == NULL)
        return cli_plot_fail(cmd, NULL, ONC_ERR_NOMEM);
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
        return cli_plot_fail(cmd, &err, rc);
    memset(&sum, 0, sizeof sum);
    sum.path = c->out_path;
    sum.lanes = st->lanes;
    sum.n_lanes = n;
    sum.time_unit = w->unit;
    sum.excluded = &st->ex;
    return cli_plot_summary_out(cmd, onc_plot_swimmer_summary_render(&sum, c->mode, stdout));
}

int cli_plot_swimmer(int argc, char **argv)
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
    if ((code = cli_plot_check_output("plot swimmer", c.out_path)) != CLI_OK)
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
    cli_plot_list_free(&w.events);
    cli_plot_list_free(&w.levels);
    return code;
}
