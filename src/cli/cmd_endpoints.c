/*
** cmd_endpoints.c -- oncostat endpoints DATA --origin COL --event [LABEL=]COL ...
**
** Derives time-to-event endpoints from dates (onc_endpoint_derive), appends
** <name>_time, <name>_event and <name>_desc to the data and writes them as
** CSV; the report (definition, outcomes, excluded rows, notes) goes to
** standard error, or to --report FILE, or as JSON.
**
** Several endpoints in one run: every --name starts one.  Options given
** before the first --name are shared by all endpoints; options after it
** belong to that endpoint (its own --event list replaces the shared one).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

#define ENDPOINTS_MAX 16
#define ENDPOINTS_MAX_EVENTS 16
#define ENDPOINTS_DEFAULT_LISTED 50

/* One endpoint as given on the command line; NULL / 0 = not given. */
typedef struct endpoints_def {
    const char *name;
    const char *origin, *censor, *death;
    const char *cutoff_text;
    double cutoff;
    int unit_given;
    onc_time_unit unit;
    const char *event_text[ENDPOINTS_MAX_EVENTS];
    size_t n_events;
} endpoints_def;

/* A definition resolved against the data: the spec and what it points to. */
typedef struct endpoints_work {
    onc_endpoint_spec spec;
    const char *columns[ENDPOINTS_MAX_EVENTS];
    char labels[ENDPOINTS_MAX_EVENTS][256];
    const char *label_ptr[ENDPOINTS_MAX_EVENTS];
    onc_endpoint_result *result;
    onc_exclusions excluded;
    int have_excluded;
} endpoints_work;

static void help(void)
{
    printf("Usage: oncostat endpoints DATA --origin COL --event [LABEL=]COL [--event ...]\n"
           "                          [--censor COL] [--death COL] [--cutoff YYYY-MM-DD]\n"
           "                          [--unit U] [--name NAME] [-o derived.csv] [OPTIONS]\n\n"
           "Derives time-to-event endpoints (overall survival, progression-free survival,\n"
           "...) from the dates in DATA and writes DATA with three more columns per\n"
           "endpoint: NAME_time (in the unit), NAME_event (1 event, 0 censored) and\n"
           "NAME_desc (what happened).  Rows whose dates contradict each other are\n"
           "excluded (the three columns are NA) and listed with their dates in the\n"
           "report; nothing is repaired silently.  docs/endpoints.md gives the rules.\n\n"
           "Endpoint options:\n"
           "  --name NAME         start an endpoint named NAME (default: a single endpoint\n"
           "                      named 'endpoint').  Options before the first --name\n"
           "                      apply to every endpoint; options after a --name to that\n"
           "                      endpoint only\n"
           "  --origin COL        date of time zero (required)\n"
           "  --event [LABEL=]COL event date, in priority order for ties; the earliest\n"
           "                      event counts.  LABEL describes it (default: COL).\n"
           "                      At least one is required; an endpoint's own --event\n"
           "                      list replaces the shared one\n"
           "  --censor COL        last follow-up / last assessment date, where patients\n"
           "                      without an event are censored (default: none)\n"
           "  --death COL         date of death: an event dated after it excludes the row\n"
           "                      (default: none)\n"
           "  --cutoff DATE       data cut-off, YYYY-MM-DD: later events and follow-up are\n"
           "                      censored at the cut-off (default: none)\n"
           "  --unit U            days, weeks, months (30.4375 days) or years (365.25\n"
           "                      days) (default: days)\n"
           "Report options:\n"
           "  -o, --output FILE   write the derived data (CSV) to FILE, atomically\n"
           "                      (default: standard output)\n"
           "  --report FILE       write the report to FILE, atomically (default: standard\n"
           "                      error; with --json and -o FILE, standard output)\n"
           "  --json              the report as one JSON object\n"
           "  --csv               the report as a CSV table of outcomes per endpoint\n"
           "  --max-listed N      excluded rows and notes listed per endpoint (default: 50\n"
           "                      in text, all in JSON; 0 = all)\n"
           "Data options:\n"
           "  --format F          file format: csv, tsv, sav, zsav, por, dta, sas7bdat, xpt\n"
           "                      (default: from the file extension)\n"
           "  --sep C             CSV separator: ',', ';', 'tab' (default: detected)\n"
           "  --decimal C         decimal mark '.' or ',' (',' needs --sep ';' or tab)\n"
           "  --na LIST           missing-value tokens, comma separated\n"
           "                      (default: empty, NA, ., NaN)\n"
           "  --type COL=TYPE     force a column type: number, integer, factor, date, logical\n"
           "  --date-format FMT   date layout such as %%d/%%m/%%Y (default: YYYY-MM-DD only)\n\n"
           "Example (overall and progression-free survival in months):\n"
           "  oncostat endpoints cohort.csv --origin liver_mets_date --censor last_fu_date \\\n"
           "      --death death_date --cutoff 2022-12-31 --unit months \\\n"
           "      --name OS --event Death=death_date \\\n"
           "      --name PFS --event Progression=pd_date --event Death=death_date \\\n"
           "      -o derived.csv\n\n"
           "Exit status: 0 written; 1 an endpoint has no usable row; 2 usage or input\n"
           "error (unknown or non-date column, bad option).\n");
}

static int parse_unit(const char *s, onc_time_unit *unit)
{
    static const struct { const char *name; onc_time_unit unit; } units[] = {
        {"days", ONC_UNIT_DAYS}, {"weeks", ONC_UNIT_WEEKS},
        {"months", ONC_UNIT_MONTHS}, {"years", ONC_UNIT_YEARS},
    };
    size_t k;

    for (k = 0; k < sizeof units / sizeof units[0]; k++)
        if (strcmp(s, units[k].name) == 0) {
            *unit = units[k].unit;
            return 0;
        }
    return -1;
}

/* Consume an endpoint option into def.  1 consumed, 0 not ours, -1 error. */
static int endpoint_option(endpoints_def *def, int argc, char **argv, int *i)
{
    static const char *const column_options[] = {"--origin", "--censor", "--death"};
    const char *a = argv[*i];
    const char *v;
    size_t k;

    for (k = 0; k < 3; k++) {
        if (!cli_is_option(a, column_options[k]))
            continue;
        if ((v = cli_option_value(argc, argv, i, column_options[k])) == NULL)
            return -1;
        if (v[0] == '\0') {
            fprintf(stderr, "oncostat endpoints: %s needs a column name\n",
                    column_options[k]);
            return -1;
        }
        *(k == 0 ? &def->origin : k == 1 ? &def->censor : &def->death) = v;
        return 1;
    }
    if (cli_is_option(a, "--event")) {
        if ((v = cli_option_value(argc, argv, i, "--event")) == NULL)
            return -1;
        if (v[0] == '\0' || v[0] == '=' || v[strlen(v) - 1] == '=') {
            fprintf(stderr, "oncostat endpoints: --event: expected [LABEL=]COLUMN, "
                            "found '%s'\n", v);
            return -1;
        }
        if (def->n_events == ENDPOINTS_MAX_EVENTS) {
            fprintf(stderr, "oncostat endpoints: at most %d --event per endpoint\n",
                    ENDPOINTS_MAX_EVENTS);
            return -1;
        }
        def->event_text[def->n_events++] = v;
        return 1;
    }
    if (cli_is_option(a, "--cutoff")) {
        if ((v = cli_option_value(argc, argv, i, "--cutoff")) == NULL)
            return -1;
        if (onc_date_parse(v, strlen(v), NULL, &def->cutoff) != ONC_OK) {
            fprintf(stderr, "oncostat endpoints: --cutoff: expected a date YYYY-MM-DD, "
                            "found '%s'\n", v);
            return -1;
        }
        def->cutoff_text = v;
        return 1;
    }
    if (cli_is_option(a, "--unit")) {
        if ((v = cli_option_value(argc, argv, i, "--unit")) == NULL)
            return -1;
        if (parse_unit(v, &def->unit) != 0) {
            fprintf(stderr, "oncostat endpoints: --unit: expected days, weeks, months or "
                            "years, found '%s'\n", v);
            return -1;
        }
        def->unit_given = 1;
        return 1;
    }
    return 0;
}

/*
** The spec of def (shared options filled in) against frame df.  An --event
** value that is itself a column name is that column; otherwise it is split
** at its first '=' into label and column.
*/
static int endpoint_resolve(const endpoints_def *def, const endpoints_def *shared,
                            const onc_frame *df, endpoints_work *w)
{
    const char *const *texts = def->n_events > 0 ? def->event_text : shared->event_text;
    size_t n = def->n_events > 0 ? def->n_events : shared->n_events, k;
    const char *name = def->name != NULL ? def->name : "endpoint";

    onc_endpoint_spec_init(&w->spec);
    w->spec.name = name;
    w->spec.origin = def->origin != NULL ? def->origin : shared->origin;
    w->spec.censor = def->censor != NULL ? def->censor : shared->censor;
    w->spec.death = def->death != NULL ? def->death : shared->death;
    w->spec.cutoff = def->cutoff_text != NULL ? def->cutoff
                     : shared->cutoff_text != NULL ? shared->cutoff : w->spec.cutoff;
    w->spec.unit = def->unit_given ? def->unit : shared->unit_given ? shared->unit
                                                                    : ONC_UNIT_DAYS;
    if (w->spec.origin == NULL) {
        fprintf(stderr, "oncostat endpoints: endpoint '%s' needs --origin COLUMN\n", name);
        return CLI_USAGE;
    }
    if (n == 0) {
        fprintf(stderr, "oncostat endpoints: endpoint '%s' needs at least one "
                        "--event [LABEL=]COLUMN\n", name);
        return CLI_USAGE;
    }
    for (k = 0; k < n; k++) {
        const char *eq = strchr(texts[k], '=');
        size_t len;

        if (eq == NULL || onc_frame_find(df, texts[k]) >= 0) {
            w->columns[k] = texts[k];
            w->label_ptr[k] = texts[k];
            continue;
        }
        len = (size_t)(eq - texts[k]);
        if (len >= sizeof w->labels[k]) {
            fprintf(stderr, "oncostat endpoints: --event %s: the label is too long\n",
                    texts[k]);
            return CLI_USAGE;
        }
        memcpy(w->labels[k], texts[k], len);
        w->labels[k][len] = '\0';
        w->label_ptr[k] = w->labels[k];
        w->columns[k] = eq + 1;
    }
    w->spec.events = w->columns;
    w->spec.event_labels = w->label_ptr;
    w->spec.n_events = n;
    return CLI_OK;
}

/* Where the report goes: --report FILE, standard output (JSON next to
** -o FILE), or standard error. */
static int write_report(const onc_endpoint_report *reports, size_t n,
                        const onc_endpoint_render_options *ro, const cli_common *c,
                        const char *report_path)
{
    onc_output *out = NULL;
    onc_error err;
    onc_status rc;
    FILE *fp = stderr;
    const char *path = report_path;

    if (path == NULL && c->mode == ONC_OUTPUT_JSON && c->out_path != NULL &&
        strcmp(c->out_path, "-") != 0)
        path = "-";
    if (path != NULL) {
        onc_error_clear(&err);
        rc = onc_output_open(path, &out, &err);
        if (rc != ONC_OK) {
            cli_print_error(&err, rc);
            return CLI_USAGE;
        }
        fp = onc_output_file(out);
    }
    rc = onc_endpoint_render(reports, n, ro, c->mode, fp);
    if (rc != ONC_OK) {
        onc_output_abort(out);
        fprintf(stderr, "oncostat endpoints: writing the report failed: %s\n",
                onc_status_string(rc));
        return CLI_USAGE;
    }
    if (out != NULL)
        return cli_output_close(out);
    fflush(fp);
    return CLI_OK;
}

static int write_data(const onc_frame *df, const cli_common *c)
{
    onc_output *out = NULL;
    onc_error err;
    onc_status rc;
    int code = cli_output_open(c, &out);

    if (code != CLI_OK)
        return code;
    onc_error_clear(&err);
    rc = onc_csv_write(df, onc_output_file(out), &err);
    if (rc != ONC_OK) {
        onc_output_abort(out);
        cli_print_error(&err, rc);
        return CLI_USAGE;
    }
    return cli_output_close(out);
}

int cmd_endpoints(int argc, char **argv)
{
    cli_common c;
    endpoints_def shared, defs[ENDPOINTS_MAX];
    endpoints_work *work = NULL;
    onc_endpoint_report reports[ENDPOINTS_MAX];
    onc_endpoint_render_options ro;
    const char *path = NULL, *report_path = NULL;
    onc_frame *df = NULL;
    size_t n_defs = 0, k, m, max_listed = 0;
    int i, code = CLI_OK, listed_given = 0;

    cli_common_init(&c);
    memset(&shared, 0, sizeof shared);
    memset(defs, 0, sizeof defs);
    for (i = 1; i < argc; i++) {
        endpoints_def *def = n_defs > 0 ? &defs[n_defs - 1] : &shared;
        const char *v;
        int used = cli_common_option(&c, argc, argv, &i);

        if (used == 0)
            used = endpoint_option(def, argc, argv, &i);
        if (used < 0)
            return CLI_USAGE;
        if (used)
            continue;
        if (cli_is_option(argv[i], "--name")) {
            if ((v = cli_option_value(argc, argv, &i, "--name")) == NULL)
                return CLI_USAGE;
            if (v[0] == '\0') {
                fprintf(stderr, "oncostat endpoints: --name needs a name such as OS\n");
                return CLI_USAGE;
            }
            for (k = 0; k < n_defs; k++)
                if (strcmp(defs[k].name, v) == 0) {
                    fprintf(stderr, "oncostat endpoints: --name %s is given twice\n", v);
                    return CLI_USAGE;
                }
            if (n_defs == ENDPOINTS_MAX) {
                fprintf(stderr, "oncostat endpoints: at most %d endpoints in one run\n",
                        ENDPOINTS_MAX);
                return CLI_USAGE;
            }
            defs[n_defs++].name = v;
            continue;
        }
        if (cli_is_option(argv[i], "--report")) {
            if ((v = cli_option_value(argc, argv, &i, "--report")) == NULL)
                return CLI_USAGE;
            report_path = v;
            continue;
        }
        if (cli_is_option(argv[i], "--max-listed")) {
            char *end;
            long n;
            if ((v = cli_option_value(argc, argv, &i, "--max-listed")) == NULL)
                return CLI_USAGE;
            n = strtol(v, &end, 10);
            if (end == v || *end != '\0' || n < 0) {
                fprintf(stderr, "oncostat endpoints: --max-listed: expected a whole number "
                                "0 or more, found '%s'\n", v);
                return CLI_USAGE;
            }
            max_listed = (size_t)n;
            listed_given = 1;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "oncostat endpoints: unknown option '%s' (see oncostat "
                            "endpoints --help)\n", argv[i]);
            return CLI_USAGE;
        }
        if (path != NULL) {
            fprintf(stderr, "oncostat endpoints: one data file expected, found '%s' too\n",
                    argv[i]);
            return CLI_USAGE;
        }
        path = argv[i];
    }
    if (c.help) {
        help();
        return CLI_OK;
    }
    if (path == NULL) {
        fprintf(stderr, "oncostat endpoints: a data file is required, e.g.\n"
                        "  oncostat endpoints cohort.csv --origin start --event death "
                        "--censor last_fu -o derived.csv\n");
        return CLI_USAGE;
    }
    if (n_defs == 0)
        n_defs = 1;   /* the shared options alone define one endpoint */
    if (!listed_given)
        max_listed = c.mode == ONC_OUTPUT_JSON ? 0 : ENDPOINTS_DEFAULT_LISTED;

    code = cli_load_frame(path, &c, &df);
    if (code != CLI_OK)
        return code;
    work = calloc(n_defs, sizeof *work);
    if (work == NULL) {
        fprintf(stderr, "oncostat endpoints: out of memory\n");
        code = CLI_USAGE;
        goto cleanup;
    }
    for (k = 0; k < n_defs; k++) {
        onc_error err;
        onc_status rc;

        code = endpoint_resolve(&defs[k], &shared, df, &work[k]);
        if (code != CLI_OK)
            goto cleanup;
        onc_error_clear(&err);
        rc = onc_endpoint_derive(df, &work[k].spec, &work[k].result, &work[k].excluded,
                                 &err);
        work[k].have_excluded = 1;
        if (rc == ONC_OK)
            rc = onc_endpoint_add_columns(df, work[k].result, NULL, &err);
        if (rc != ONC_OK) {
            cli_print_error(&err, rc);
            code = cli_exit_code(rc);
            goto cleanup;
        }
        reports[k].result = work[k].result;
        reports[k].spec = &work[k].spec;
        reports[k].excluded = &work[k].excluded;
    }

    onc_endpoint_render_options_init(&ro);
    ro.source = path;
    ro.max_listed = max_listed;
    for (k = 0, m = 0; k < n_defs; k++)
        if (work[k].result->n_used == 0)
            m++;
    if (m > 0) {
        /* Nothing worth writing: say why, row by row. */
        (void)write_report(reports, n_defs, &ro, &c, report_path);
        for (k = 0; k < n_defs; k++)
            if (work[k].result->n_used == 0)
                fprintf(stderr, "oncostat endpoints: no row of %s has a usable '%s' "
                                "endpoint; nothing written\n", path, work[k].spec.name);
        code = CLI_COMPUTE;
        goto cleanup;
    }
    code = write_data(df, &c);
    if (code != CLI_OK)
        goto cleanup;
    ro.output = c.out_path != NULL && strcmp(c.out_path, "-") != 0 ? c.out_path : NULL;
    code = write_report(reports, n_defs, &ro, &c, report_path);
cleanup:
    for (k = 0; work != NULL && k < n_defs; k++) {
        onc_endpoint_result_free(work[k].result);
        if (work[k].have_excluded)
            onc_exclusions_clear(&work[k].excluded);
    }
    free(work);
    onc_frame_free(df);
    return code;
}
