/*
** common.c -- options shared by the commands that read a data file.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cli_common_help[] =
    "Data options:\n"
    "  --format F          file format: csv, tsv, sav, zsav, por, dta, sas7bdat, xpt\n"
    "                      (default: from the file extension)\n"
    "  --sep C             CSV separator: ',', ';', 'tab' (default: detected)\n"
    "  --decimal C         decimal mark '.' or ',' (',' needs --sep ';' or tab)\n"
    "  --na LIST           missing-value tokens, comma separated\n"
    "                      (default: empty, NA, ., NaN)\n"
    "  --type COL=TYPE     force a column type: number, integer, factor, date, logical\n"
    "  --date-format FMT   date layout such as %d/%m/%Y (default: YYYY-MM-DD only)\n"
    "Output options:\n"
    "  --json              one JSON object with every number at full precision\n"
    "  --csv               the main table as CSV\n"
    "  -o, --output FILE   write to FILE (atomically) instead of standard output\n";

void cli_common_init(cli_common *c)
{
    memset(c, 0, sizeof *c);
    onc_read_options_init(&c->read);
    c->mode = ONC_OUTPUT_TEXT;
}

int cli_is_option(const char *arg, const char *name)
{
    size_t n = strlen(name);

    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

const char *cli_option_value(int argc, char **argv, int *i, const char *name)
{
    const char *eq = strchr(argv[*i], '=');

    if (argv[*i][1] == '-' && eq != NULL)
        return eq + 1;
    if (*i + 1 >= argc) {
        fprintf(stderr, "oncostat: option %s needs a value\n", name);
        return NULL;
    }
    (*i)++;
    return argv[*i];
}

static int parse_type(const char *s, onc_coltype *t)
{
    static const struct { const char *name; onc_coltype type; } types[] = {
        {"number", ONC_COL_NUMBER}, {"numeric", ONC_COL_NUMBER},
        {"integer", ONC_COL_INTEGER}, {"factor", ONC_COL_FACTOR},
        {"text", ONC_COL_FACTOR}, {"date", ONC_COL_DATE}, {"logical", ONC_COL_LOGICAL},
    };
    size_t k;

    for (k = 0; k < sizeof types / sizeof types[0]; k++)
        if (strcmp(s, types[k].name) == 0) {
            *t = types[k].type;
            return 0;
        }
    return -1;
}

/* Split a comma-separated list in place (the string lives in argv). */
static int split_list(char *s, const char **out, int cap)
{
    int n = 0;

    for (;;) {
        char *comma = strchr(s, ',');
        if (n == cap)
            return -1;
        out[n++] = s;
        if (comma == NULL)
            break;
        *comma = '\0';
        s = comma + 1;
    }
    return n;
}

int cli_common_option(cli_common *c, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    const char *v;

    if (strcmp(a, "--json") == 0) {
        c->mode = ONC_OUTPUT_JSON;
        return 1;
    }
    if (strcmp(a, "--csv") == 0) {
        c->mode = ONC_OUTPUT_CSV;
        return 1;
    }
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
        c->help = 1;
        return 1;
    }
    if (strcmp(a, "-o") == 0 || cli_is_option(a, "--output")) {
        if ((v = cli_option_value(argc, argv, i, "--output")) == NULL)
            return -1;
        c->out_path = v;
        return 1;
    }
    if (cli_is_option(a, "--format")) {
        if ((v = cli_option_value(argc, argv, i, "--format")) == NULL)
            return -1;
        c->read.format = onc_format_from_name(v);
        if (c->read.format == ONC_FORMAT_AUTO) {
            fprintf(stderr, "oncostat: --format: unknown format '%s' (expected csv, tsv, "
                            "sav, zsav, por, dta, sas7bdat or xpt)\n", v);
            return -1;
        }
        return 1;
    }
    if (cli_is_option(a, "--sep")) {
        if ((v = cli_option_value(argc, argv, i, "--sep")) == NULL)
            return -1;
        if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0)
            c->read.csv.sep = '\t';
        else if (strlen(v) == 1 && (v[0] == ',' || v[0] == ';' || v[0] == '\t' || v[0] == '|'))
            c->read.csv.sep = v[0];
        else {
            fprintf(stderr, "oncostat: --sep: expected ',', ';', '|' or 'tab', found '%s'\n", v);
            return -1;
        }
        return 1;
    }
    if (cli_is_option(a, "--decimal")) {
        if ((v = cli_option_value(argc, argv, i, "--decimal")) == NULL)
            return -1;
        if (strcmp(v, ".") != 0 && strcmp(v, ",") != 0) {
            fprintf(stderr, "oncostat: --decimal: expected '.' or ',', found '%s'\n", v);
            return -1;
        }
        c->read.csv.decimal = v[0];
        return 1;
    }
    if (cli_is_option(a, "--na")) {
        int n;
        if ((v = cli_option_value(argc, argv, i, "--na")) == NULL)
            return -1;
        n = split_list(argv[*i] + (v - argv[*i]), c->na_tokens, CLI_MAX_NA);
        if (n < 0) {
            fprintf(stderr, "oncostat: --na: at most %d tokens\n", CLI_MAX_NA);
            return -1;
        }
        c->read.csv.na_tokens = c->na_tokens;
        c->read.csv.n_na_tokens = (size_t)n;
        return 1;
    }
    if (cli_is_option(a, "--date-format")) {
        if ((v = cli_option_value(argc, argv, i, "--date-format")) == NULL)
            return -1;
        c->read.csv.date_format = v;
        return 1;
    }
    if (cli_is_option(a, "--type")) {
        char *eq;
        onc_type_override *o;
        if ((v = cli_option_value(argc, argv, i, "--type")) == NULL)
            return -1;
        eq = strrchr(argv[*i] + (v - argv[*i]), '=');
        if (eq == NULL || eq == v) {
            fprintf(stderr, "oncostat: --type: expected COLUMN=TYPE, found '%s'\n", v);
            return -1;
        }
        if (c->read.csv.n_overrides == CLI_MAX_OVERRIDES) {
            fprintf(stderr, "oncostat: --type: at most %d columns\n", CLI_MAX_OVERRIDES);
            return -1;
        }
        o = &c->overrides[c->read.csv.n_overrides];
        *eq = '\0';
        if (parse_type(eq + 1, &o->type) != 0) {
            fprintf(stderr, "oncostat: --type %s: unknown type '%s' (expected number, "
                            "integer, factor, date or logical)\n", v, eq + 1);
            return -1;
        }
        o->column = v;
        c->read.csv.overrides = c->overrides;
        c->read.csv.n_overrides++;
        return 1;
    }
    return 0;
}

int cli_exit_code(onc_status rc)
{
    return rc == ONC_ERR_COMPUTE ? CLI_COMPUTE : CLI_USAGE;
}

void cli_print_error(const onc_error *err, onc_status rc)
{
    if (err != NULL && err->message[0] != '\0')
        fprintf(stderr, "oncostat: %s\n", err->message);
    else
        fprintf(stderr, "oncostat: %s\n", onc_status_string(rc));
}

int cli_load_frame(const char *path, const cli_common *c, onc_frame **out)
{
    onc_error err;
    onc_status rc;

    onc_error_clear(&err);
    rc = onc_read(path, &c->read, out, &err);
    if (rc != ONC_OK) {
        cli_print_error(&err, rc);
        return CLI_USAGE;
    }
    return CLI_OK;
}

int cli_parse_numbers(const char *text, double *out, int cap)
{
    int n = 0;
    const char *p = text;

    while (*p) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || n == cap)
            return -1;
        out[n++] = v;
        p = end;
        if (*p == ',')
            p++;
        else if (*p != '\0')
            return -1;
    }
    return n;
}

int cli_output_open(const cli_common *c, onc_output **out)
{
    onc_error err;
    onc_status rc = onc_output_open(c->out_path ? c->out_path : "-", out, &err);

    if (rc != ONC_OK) {
        cli_print_error(&err, rc);
        return CLI_USAGE;
    }
    return CLI_OK;
}

int cli_output_close(onc_output *o)
{
    onc_error err;
    onc_status rc = onc_output_commit(o, &err);

    if (rc != ONC_OK) {
        cli_print_error(&err, rc);
        return CLI_USAGE;
    }
    return CLI_OK;
}
