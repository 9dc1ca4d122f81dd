/*
** cmd_report.c -- oncostat report STUDY.yaml -o DIR
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "oncostat/report.h"

static void help(void)
{
    printf("Usage: oncostat report STUDY.yaml -o DIR [--quiet]\n\n"
           "Runs every analysis of a study plan and writes the complete results into DIR:\n"
           "  report.html      the report (tables, figures, methods); prints to PDF\n"
           "  results.json     every number of the report at full precision\n"
           "  methods.txt      the statistical-methods paragraph\n"
           "  tables/*.csv     each table as shown in the report\n"
           "  figures/*.svg    each figure (and PNG/PDF when the plan asks)\n"
           "  derived/*.csv    the analysis data set with the derived endpoints and\n"
           "                   responses, to rerun any analysis with the other commands\n"
           "The plan is described in docs/study-plan.md.  Errors in the plan or in the\n"
           "data it names give the plan file and line, and exit status 2.\n\n"
           "Options:\n"
           "  -o, --output DIR    directory for the results (required; created if needed)\n"
           "  --quiet             do not print the summary (default: print it)\n"
           "  -h, --help          this help\n");
}

int cmd_report(int argc, char **argv)
{
    const char *plan_path = NULL, *dir = NULL;
    onc_plan *plan = NULL;
    onc_report *rep = NULL;
    onc_error err;
    onc_status rc;
    int i, quiet = 0, code = CLI_OK;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help();
            return CLI_OK;
        }
        if (strcmp(a, "-o") == 0 || cli_is_option(a, "--output")) {
            if ((dir = cli_option_value(argc, argv, &i, "--output")) == NULL)
                return CLI_USAGE;
        } else if (strcmp(a, "--quiet") == 0) {
            quiet = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "oncostat report: unknown option '%s' (see oncostat report --help)\n", a);
            return CLI_USAGE;
        } else if (plan_path == NULL) {
            plan_path = a;
        } else {
            fprintf(stderr, "oncostat report: one study plan expected, found '%s' too\n", a);
            return CLI_USAGE;
        }
    }
    if (plan_path == NULL) {
        fprintf(stderr, "oncostat report: a study plan is required, e.g.\n"
                        "  oncostat report study.yaml -o results\n");
        return CLI_USAGE;
    }
    if (dir == NULL) {
        fprintf(stderr, "oncostat report: -o DIR is required (where to write the report)\n");
        return CLI_USAGE;
    }
    onc_error_clear(&err);
    rc = onc_plan_read(plan_path, &plan, &err);
    if (rc == ONC_OK)
        rc = onc_report_run(plan, &rep, &err);
    if (rc == ONC_OK)
        rc = onc_report_write(rep, dir, &err);
    if (rc != ONC_OK) {
        cli_print_error(&err, rc);
        code = cli_exit_code(rc);
    } else if (!quiet) {
        onc_report_write_summary(rep, stdout);
        printf("Report: %s/report.html\n", dir);
    }
    onc_report_free(rep);
    onc_plan_free(plan);
    return code;
}
