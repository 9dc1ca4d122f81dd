/*
** cmd_response.c -- oncostat response LESIONS [options]
*/
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "commands.h"
#include "oncostat/response_render.h"

typedef struct response_args {
    cli_common common;
    const char *path;
    onc_lesion_columns cols;
    int explicit_col[13];       /* given on the command line (must exist) */
    const char *date_col, *day_col;
    onc_response_options opt;
    int baseline_rule;          /* -1 = auto */
    double conf_level;
    onc_binomial_ci ci;
    int per_patient;
    const char *patients_out, *assessments_out;
} response_args;

/* The columns, in the order of response_columns[]. */
enum {
    RC_PATIENT, RC_DAY, RC_START, RC_LESION, RC_TYPE, RC_ORGAN, RC_DIAMETER,
    RC_SHORT_AXIS, RC_NODE, RC_VIABLE, RC_HU, RC_NT_STATUS, RC_BASELINE
};

/* Column options with their default names. */
static const struct {
    const char *option;
    const char *fallback;
    size_t offset;
} response_columns[] = {
    {"--patient", "patient_id", offsetof(onc_lesion_columns, patient)},
    {NULL, NULL, offsetof(onc_lesion_columns, day)},
    {"--start", NULL, offsetof(onc_lesion_columns, start)},
    {"--lesion", "lesion_id", offsetof(onc_lesion_columns, lesion)},
    {"--type", "type", offsetof(onc_lesion_columns, type)},
    {"--organ", "organ", offsetof(onc_lesion_columns, organ)},
    {"--diameter", "diameter_mm", offsetof(onc_lesion_columns, diameter)},
    {"--short-axis", "short_axis_mm", offsetof(onc_lesion_columns, short_axis)},
    {"--node", "is_node", offsetof(onc_lesion_columns, node)},
    {"--viable", "viable_mm", offsetof(onc_lesion_columns, viable)},
    {"--hu", "hu", offsetof(onc_lesion_columns, attenuation)},
    {"--nt-status", "nt_status", offsetof(onc_lesion_columns, nt_status)},
    {"--baseline", "baseline", offsetof(onc_lesion_columns, baseline)},
};
#define N_COLUMNS (sizeof response_columns / sizeof response_columns[0])

static const char **column_slot(onc_lesion_columns *c, size_t k)
{
    return (const char **)(void *)((char *)c + response_columns[k].offset);
}

static void help(void)
{
    printf("Usage: oncostat response LESIONS [OPTIONS]\n\n"
           "Tumour response by RECIST 1.1, mRECIST or Choi from lesion-level data\n"
           "(one row per lesion per assessment): the response at every assessment,\n"
           "the best overall response of every patient, and the objective response\n"
           "(ORR) and disease control (DCR) rates with exact confidence intervals.\n"
           "See docs/response.md; the rules are in docs/methods/response.md.\n\n"
           "Criteria:\n"
           "  --criteria C        recist1.1, mrecist or choi (default: recist1.1)\n"
           "  --confirm DAYS      CR and PR count only when confirmed by an assessment\n"
           "                      at least DAYS later (default: 0, no confirmation)\n"
           "  --min-sd DAYS       SD counts as best response only at least DAYS after\n"
           "                      the baseline assessment (default: 0)\n"
           "  --only-organ NAME   evaluate only the lesions whose organ is NAME\n"
           "                      (case-insensitive), e.g. liver for the intrahepatic\n"
           "                      response (default: all organs)\n"
           "  --baseline-rule R   which records are the baseline: day (day <= 0, days\n"
           "                      counted from the start of treatment), flag (the\n"
           "                      --baseline column), earliest (each patient's first\n"
           "                      assessment: a missing baseline goes unnoticed) or\n"
           "                      auto (default: flag when the baseline column exists,\n"
           "                      else day when days are study days, else earliest)\n"
           "  --conf-level L      confidence level of the rates (default: 0.95)\n"
           "  --ci M              clopper-pearson or wilson (default: clopper-pearson)\n\n"
           "Columns (the default name is used when the column exists):\n"
           "  --patient COL       patient identifier (default: patient_id)\n"
           "  --date COL          assessment date (default: date)\n"
           "  --day COL           assessment day, numbers counted from the start of\n"
           "                      treatment, day 0 = first dose (default: day, when\n"
           "                      there is no date column)\n"
           "  --start COL         treatment start date; days = date - start\n"
           "                      (default: none)\n"
           "  --lesion COL        lesion identifier (default: lesion_id)\n"
           "  --type COL          target / non-target / new, case-insensitive; also\n"
           "                      T/TL, NT/NTL/nontarget, NL/new lesion (default: type)\n"
           "  --organ COL         organ of the lesion (default: organ)\n"
           "  --diameter COL      longest diameter, mm; RECIST 1.1 and Choi\n"
           "                      (default: diameter_mm)\n"
           "  --short-axis COL    short axis of lymph nodes, mm (default: short_axis_mm)\n"
           "  --node COL          lymph node yes/no (default: is_node)\n"
           "  --viable COL        viable (enhancing) diameter, mm; mRECIST\n"
           "                      (default: viable_mm)\n"
           "  --hu COL            attenuation, HU; Choi (default: hu)\n"
           "  --nt-status COL     non-target status: present, absent, unequivocal\n"
           "                      progression, not assessed (default: nt_status)\n"
           "  --baseline COL      baseline record yes/no (default: baseline)\n\n"
           "Output:\n"
           "  --per-patient       text: one line per patient (default: off)\n"
           "  --patients-out FILE one CSV row per patient: best response, best %% change,\n"
           "                      day or date of first PD, last assessment, NE reason\n"
           "                      (default: none)\n"
           "  --assessments-out FILE  one CSV row per assessment: sum, changes from\n"
           "                      baseline and nadir, response and rule (default: none)\n\n"
           "%s"
           "  --type COL=TYPE     (with '=') forces a column type, as for other commands\n",
           cli_common_help);
}

static int number_option(int argc, char **argv, int *i, const char *name, double *out)
{
    const char *v = cli_option_value(argc, argv, i, name);
    char *end;

    if (v == NULL)
        return -1;
    *out = strtod(v, &end);
    if (end == v || *end != '\0' || !isfinite(*out) || *out < 0.0) {
        fprintf(stderr, "oncostat response: %s: expected a number of days >= 0, "
                        "found '%s'\n", name, v);
        return -1;
    }
    return 1;
}

/* Options of this command.  1 consumed, 0 not ours, -1 error. */
static int parse_option(response_args *a, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    const char *v;
    size_t k;

    /* --type COL names the lesion type; --type COL=TYPE forces a column
    ** type as for every command. */
    if (cli_is_option(arg, "--type")) {
        const char *peek = strchr(arg, '=') != NULL ? strchr(arg, '=') + 1
                         : *i + 1 < argc ? argv[*i + 1] : NULL;
        if (peek != NULL && strchr(peek, '=') != NULL)
            return cli_common_option(&a->common, argc, argv, i);
    }
    for (k = 0; k < N_COLUMNS; k++) {
        if (response_columns[k].option == NULL || !cli_is_option(arg, response_columns[k].option))
            continue;
        if ((v = cli_option_value(argc, argv, i, response_columns[k].option)) == NULL)
            return -1;
        *column_slot(&a->cols, k) = v;
        a->explicit_col[k] = 1;
        return 1;
    }
    if (cli_is_option(arg, "--date")) {
        if ((a->date_col = cli_option_value(argc, argv, i, "--date")) == NULL)
            return -1;
        return 1;
    }
    if (cli_is_option(arg, "--day")) {
        if ((a->day_col = cli_option_value(argc, argv, i, "--day")) == NULL)
            return -1;
        return 1;
    }
    if (cli_is_option(arg, "--criteria")) {
        if ((v = cli_option_value(argc, argv, i, "--criteria")) == NULL)
            return -1;
        if (strcasecmp(v, "recist1.1") == 0 || strcasecmp(v, "recist") == 0 ||
            strcasecmp(v, "recist11") == 0)
            a->opt.criteria = ONC_CRITERIA_RECIST11;
        else if (strcasecmp(v, "mrecist") == 0)
            a->opt.criteria = ONC_CRITERIA_MRECIST;
        else if (strcasecmp(v, "choi") == 0)
            a->opt.criteria = ONC_CRITERIA_CHOI;
        else {
            fprintf(stderr, "oncostat response: --criteria: expected recist1.1, mrecist "
                            "or choi, found '%s'\n", v);
            return -1;
        }
        return 1;
    }
    if (cli_is_option(arg, "--confirm"))
        return number_option(argc, argv, i, "--confirm", &a->opt.confirm_days);
    if (cli_is_option(arg, "--min-sd"))
        return number_option(argc, argv, i, "--min-sd", &a->opt.min_sd_days);
    if (cli_is_option(arg, "--only-organ")) {
        if ((a->opt.organ = cli_option_value(argc, argv, i, "--only-organ")) == NULL)
            return -1;
        return 1;
    }
    if (cli_is_option(arg, "--baseline-rule")) {
        if ((v = cli_option_value(argc, argv, i, "--baseline-rule")) == NULL)
            return -1;
        if (strcmp(v, "auto") == 0)
            a->baseline_rule = -1;
        else if (strcmp(v, "day") == 0)
            a->baseline_rule = ONC_BASELINE_DAY;
        else if (strcmp(v, "flag") == 0)
            a->baseline_rule = ONC_BASELINE_FLAG;
        else if (strcmp(v, "earliest") == 0)
            a->baseline_rule = ONC_BASELINE_EARLIEST;
        else {
            fprintf(stderr, "oncostat response: --baseline-rule: expected auto, day, "
                            "flag or earliest, found '%s'\n", v);
            return -1;
        }
        return 1;
    }
    if (cli_is_option(arg, "--conf-level")) {
        char *end;
        if ((v = cli_option_value(argc, argv, i, "--conf-level")) == NULL)
            return -1;
        a->conf_level = strtod(v, &end);
        if (end == v || *end != '\0' || !(a->conf_level > 0.0 && a->conf_level < 1.0)) {
            fprintf(stderr, "oncostat response: --conf-level: must be between 0 and 1, "
                            "found '%s'\n", v);
            return -1;
        }
        return 1;
    }
    if (cli_is_option(arg, "--ci")) {
        if ((v = cli_option_value(argc, argv, i, "--ci")) == NULL)
            return -1;
        if (strcmp(v, "clopper-pearson") == 0 || strcmp(v, "exact") == 0)
            a->ci = ONC_CI_CLOPPER_PEARSON;
        else if (strcmp(v, "wilson") == 0)
            a->ci = ONC_CI_WILSON;
        else {
            fprintf(stderr, "oncostat response: --ci: expected clopper-pearson or "
                            "wilson, found '%s'\n", v);
            return -1;
        }
        return 1;
    }
    if (strcmp(arg, "--per-patient") == 0) {
        a->per_patient = 1;
        return 1;
    }
    if (cli_is_option(arg, "--patients-out")) {
        if ((a->patients_out = cli_option_value(argc, argv, i, "--patients-out")) == NULL)
            return -1;
        return 1;
    }
    if (cli_is_option(arg, "--assessments-out")) {
        if ((a->assessments_out = cli_option_value(argc, argv, i, "--assessments-out")) == NULL)
            return -1;
        return 1;
    }
    return cli_common_option(&a->common, argc, argv, i);
}

/* Does the criteria need column k (1), use it when present (0), or not
** read it (-1)? */
static int column_need(onc_criteria criteria, size_t k)
{
    switch (k) {
    case RC_PATIENT:
    case RC_LESION:
    case RC_TYPE:
        return 1;
    case RC_DIAMETER:
        return criteria == ONC_CRITERIA_MRECIST ? -1 : 1;
    case RC_SHORT_AXIS:
        return criteria == ONC_CRITERIA_RECIST11 ? 0 : -1;
    case RC_VIABLE:
        return criteria == ONC_CRITERIA_MRECIST ? 1 : -1;
    case RC_HU:
        return criteria == ONC_CRITERIA_CHOI ? 1 : -1;
    default:
        return 0;
    }
}

/*
** Decide the columns: those given on the command line are read (the
** library reports a missing one); a default name is read when the column
** exists, and kept when the criteria need it so that the message names it.
*/
static int choose_columns(response_args *a, const onc_frame *df)
{
    size_t k;

    for (k = 0; k < N_COLUMNS; k++) {
        const char **slot = column_slot(&a->cols, k);
        int need = column_need(a->opt.criteria, k);
        if (a->explicit_col[k] || response_columns[k].fallback == NULL)
            continue;
        *slot = NULL;
        if (need > 0 || (need == 0 && onc_frame_find(df, response_columns[k].fallback) >= 0))
            *slot = response_columns[k].fallback;
    }
    if (a->day_col != NULL && a->date_col != NULL) {
        fprintf(stderr, "oncostat response: give either --date or --day, not both\n");
        return CLI_USAGE;
    }
    a->cols.day = a->day_col != NULL ? a->day_col : a->date_col;
    if (a->cols.day == NULL) {
        if (onc_frame_find(df, "date") >= 0)
            a->cols.day = "date";
        else if (onc_frame_find(df, "day") >= 0)
            a->cols.day = "day";
        else {
            fprintf(stderr, "oncostat response: %s: no column 'date' or 'day' for the "
                            "assessment time; name it with --date COL or --day COL\n",
                    a->path);
            return CLI_USAGE;
        }
    }
    return CLI_OK;
}

static int write_file(const char *path, const onc_response_report *rep, int patients)
{
    onc_output *o = NULL;
    onc_error err;
    onc_status st;

    onc_error_clear(&err);
    if ((st = onc_output_open(path, &o, &err)) != ONC_OK) {
        cli_print_error(&err, st);
        return CLI_USAGE;
    }
    st = patients ? onc_response_write_patients(rep, onc_output_file(o))
                  : onc_response_write_assessments(rep, onc_output_file(o));
    if (st != ONC_OK) {
        onc_output_abort(o);
        fprintf(stderr, "oncostat response: %s: %s\n", path, onc_status_string(st));
        return cli_exit_code(st);
    }
    return cli_output_close(o);
}

static int run(response_args *a)
{
    onc_frame *df = NULL;
    onc_lesion_data *data = NULL;
    onc_response_result *res = NULL;
    onc_response_summary sum;
    onc_response_report rep;
    onc_exclusions excluded;
    onc_output *out = NULL;
    onc_error err;
    onc_status st;
    int code;

    onc_exclusions_init(&excluded, 0);
    onc_error_clear(&err);
    code = cli_load_frame(a->path, &a->common, &df);
    if (code != CLI_OK)
        return code;
    if ((code = choose_columns(a, df)) != CLI_OK)
        goto cleanup;
    st = onc_lesion_data_from_frame(df, &a->cols, &data, &excluded, &err);
    if (st != ONC_OK) {
        cli_print_error(&err, st);
        code = cli_exit_code(st);
        goto cleanup;
    }
    if (data->n == 0) {
        fprintf(stderr, "oncostat response: %s: no lesion record left (%zu row%s "
                        "excluded)\n", a->path, excluded.n_excluded,
                excluded.n_excluded == 1 ? "" : "s");
        code = CLI_USAGE;
        goto cleanup;
    }
    if (a->baseline_rule >= 0)
        a->opt.baseline = (onc_baseline_rule)a->baseline_rule;
    else
        a->opt.baseline = data->has_baseline_flag ? ONC_BASELINE_FLAG
                        : data->days_are_dates ? ONC_BASELINE_EARLIEST
                                               : ONC_BASELINE_DAY;
    a->opt.days_are_dates = data->days_are_dates;
    if (a->opt.baseline == ONC_BASELINE_FLAG && !data->has_baseline_flag) {
        fprintf(stderr, "oncostat response: --baseline-rule flag needs a baseline "
                        "column (--baseline COL)\n");
        code = CLI_USAGE;
        goto cleanup;
    }
    st = onc_response_evaluate(data->records, data->n, &a->opt, &res, &err);
    if (st != ONC_OK) {
        onc_lesion_data_locate_error(data, &err);
        cli_print_error(&err, st);
        code = cli_exit_code(st);
        goto cleanup;
    }
    if ((st = onc_response_summarise(res, a->conf_level, a->ci, &sum, &err)) != ONC_OK) {
        cli_print_error(&err, st);
        code = cli_exit_code(st);
        goto cleanup;
    }
    onc_response_report_init(&rep);
    rep.result = res;
    rep.summary = &sum;
    rep.source = a->path;
    rep.n_records = data->n;
    rep.days_are_dates = data->days_are_dates;
    rep.show_patients = a->per_patient;
    rep.excluded = &excluded;
    if (a->patients_out != NULL && (code = write_file(a->patients_out, &rep, 1)) != CLI_OK)
        goto cleanup;
    if (a->assessments_out != NULL &&
        (code = write_file(a->assessments_out, &rep, 0)) != CLI_OK)
        goto cleanup;
    if ((code = cli_output_open(&a->common, &out)) != CLI_OK)
        goto cleanup;
    st = onc_response_render(&rep, a->common.mode, onc_output_file(out));
    if (st != ONC_OK) {
        onc_output_abort(out);
        cli_print_error(NULL, st);
        code = cli_exit_code(st);
        goto cleanup;
    }
    code = cli_output_close(out);

cleanup:
    onc_response_free(res);
    onc_lesion_data_free(data);
    onc_exclusions_clear(&excluded);
    onc_frame_free(df);
    return code;
}

int cmd_response(int argc, char **argv)
{
    response_args a;
    int i;

    memset(&a, 0, sizeof a);
    cli_common_init(&a.common);
    onc_response_options_init(&a.opt);
    a.baseline_rule = -1;
    a.conf_level = 0.95;
    a.ci = ONC_CI_CLOPPER_PEARSON;
    for (i = 1; i < argc; i++) {
        int used = parse_option(&a, argc, argv, &i);
        if (used < 0)
            return CLI_USAGE;
        if (used)
            continue;
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "oncostat response: unknown option '%s' (see oncostat "
                            "response --help)\n", argv[i]);
            return CLI_USAGE;
        }
        if (a.path != NULL) {
            fprintf(stderr, "oncostat response: one lesion file expected, found '%s' "
                            "too\n", argv[i]);
            return CLI_USAGE;
        }
        a.path = argv[i];
    }
    if (a.common.help) {
        help();
        return CLI_OK;
    }
    if (a.path == NULL) {
        fprintf(stderr, "oncostat response: a lesion file is required, e.g.\n"
                        "  oncostat response lesions.csv --criteria recist1.1\n");
        return CLI_USAGE;
    }
    return run(&a);
}
