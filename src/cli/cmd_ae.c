/*
** cmd_ae.c -- oncostat ae EVENTS --patients PATIENTS [options]
*/
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "oncostat/ae_render.h"

typedef struct ae_args {
    cli_common common;
    const char *events_path;
    const char *patients_path;
    onc_ae_columns cols;
    int soc_given, day_given;
} ae_args;

static void help(void)
{
    printf("Usage: oncostat ae EVENTS --patients PATIENTS [OPTIONS]\n\n"
           "The adverse-event table of a paper: per arm, each event's patients at\n"
           "their worst CTCAE grade (1-5), at any grade and at grade 3 or more, with\n"
           "percentages of all patients of the arm (those without any event\n"
           "included), the 'any adverse event' row, and the grade 5 (fatal) events.\n"
           "EVENTS has one row per adverse event; PATIENTS one row per patient of the\n"
           "analysis set.  See docs/ae.md.\n\n"
           "Options:\n"
           "  --patients FILE     the patient list with the arms (required)\n"
           "  --by COL            the arm column of PATIENTS; 'none' puts all patients\n"
           "                      in one column (default: arm)\n"
           "  --patient COL       patient identifier, in both files (default: patient_id)\n"
           "  --term COL          adverse event term, e.g. MedDRA preferred term;\n"
           "                      compared exactly (default: term)\n"
           "  --soc COL           system organ class (default: soc, when present)\n"
           "  --grade COL         CTCAE grade 1-5: numbers, or text such as 'Grade 3'\n"
           "                      (default: grade)\n"
           "  --day COL           onset day or date, for the grade 5 listing\n"
           "                      (default: day, when present)\n\n"
           "%s", cli_common_help);
}

static int column_option(int argc, char **argv, int *i, const char *name,
                         const char **slot)
{
    if (!cli_is_option(argv[*i], name))
        return 0;
    return (*slot = cli_option_value(argc, argv, i, name)) == NULL ? -1 : 1;
}

static int parse_option(ae_args *a, int argc, char **argv, int *i)
{
    int used;

    if ((used = column_option(argc, argv, i, "--patients", &a->patients_path)) != 0 ||
        (used = column_option(argc, argv, i, "--by", &a->cols.arm)) != 0 ||
        (used = column_option(argc, argv, i, "--patient", &a->cols.patient)) != 0 ||
        (used = column_option(argc, argv, i, "--term", &a->cols.term)) != 0 ||
        (used = column_option(argc, argv, i, "--grade", &a->cols.grade)) != 0)
        return used;
    if ((used = column_option(argc, argv, i, "--soc", &a->cols.soc)) != 0) {
        a->soc_given = 1;
        return used;
    }
    if ((used = column_option(argc, argv, i, "--day", &a->cols.day)) != 0) {
        a->day_given = 1;
        return used;
    }
    return cli_common_option(&a->common, argc, argv, i);
}

static int run(ae_args *a)
{
    onc_frame *events = NULL, *patients = NULL;
    onc_ae_data *data = NULL;
    onc_ae_table *table = NULL;
    onc_exclusions ev_ex, pt_ex;
    onc_ae_report rep;
    onc_output *out = NULL;
    onc_error err;
    onc_status st;
    int code;

    onc_exclusions_init(&ev_ex, 0);
    onc_exclusions_init(&pt_ex, 0);
    onc_error_clear(&err);
    if ((code = cli_load_frame(a->events_path, &a->common, &events)) != CLI_OK ||
        (code = cli_load_frame(a->patients_path, &a->common, &patients)) != CLI_OK)
        goto cleanup;
    if (!a->soc_given && onc_frame_find(events, "soc") >= 0)
        a->cols.soc = "soc";
    if (!a->day_given && onc_frame_find(events, "day") >= 0)
        a->cols.day = "day";
    if (a->cols.arm != NULL && strcmp(a->cols.arm, "none") == 0 &&
        onc_frame_find(patients, "none") < 0)
        a->cols.arm = NULL;
    st = onc_ae_data_from_frames(events, patients, &a->cols, &data, &ev_ex, &pt_ex, &err);
    if (st != ONC_OK) {
        cli_print_error(&err, st);
        code = cli_exit_code(st);
        goto cleanup;
    }
    st = onc_ae_tabulate(data->events, data->n_events, data->patients, data->n_patients,
                         &table, &err);
    if (st != ONC_OK) {
        onc_ae_data_locate_error(data, &err);
        cli_print_error(&err, st);
        code = cli_exit_code(st);
        goto cleanup;
    }
    onc_ae_report_init(&rep);
    rep.table = table;
    rep.events_source = a->events_path;
    rep.patients_source = a->patients_path;
    rep.by = a->cols.arm;
    rep.days_are_dates = data->days_are_dates;
    rep.events_excluded = &ev_ex;
    rep.patients_excluded = &pt_ex;
    if ((code = cli_output_open(&a->common, &out)) != CLI_OK)
        goto cleanup;
    st = onc_ae_render(&rep, a->common.mode, onc_output_file(out));
    if (st != ONC_OK) {
        onc_output_abort(out);
        cli_print_error(NULL, st);
        code = cli_exit_code(st);
        goto cleanup;
    }
    code = cli_output_close(out);

cleanup:
    onc_ae_free(table);
    onc_ae_data_free(data);
    onc_exclusions_clear(&ev_ex);
    onc_exclusions_clear(&pt_ex);
    onc_frame_free(events);
    onc_frame_free(patients);
    return code;
}

int cmd_ae(int argc, char **argv)
{
    ae_args a;
    int i;

    memset(&a, 0, sizeof a);
    cli_common_init(&a.common);
    a.cols.patient = "patient_id";
    a.cols.term = "term";
    a.cols.grade = "grade";
    a.cols.arm = "arm";
    for (i = 1; i < argc; i++) {
        int used = parse_option(&a, argc, argv, &i);
        if (used < 0)
            return CLI_USAGE;
        if (used)
            continue;
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "oncostat ae: unknown option '%s' (see oncostat ae "
                            "--help)\n", argv[i]);
            return CLI_USAGE;
        }
        if (a.events_path != NULL) {
            fprintf(stderr, "oncostat ae: one events file expected, found '%s' too\n",
                    argv[i]);
            return CLI_USAGE;
        }
        a.events_path = argv[i];
    }
    if (a.common.help) {
        help();
        return CLI_OK;
    }
    if (a.events_path == NULL || a.patients_path == NULL) {
        fprintf(stderr, "oncostat ae: an events file and --patients FILE are "
                        "required, e.g.\n  oncostat ae events.csv --patients "
                        "patients.csv --by arm\n");
        return CLI_USAGE;
    }
    return run(&a);
}
