/*
** cmd_describe.c -- oncostat describe FILE
*/
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

static void help(void)
{
    printf("Usage: oncostat describe FILE [OPTIONS]\n\n"
           "Lists every column of FILE with its inferred type, the number of missing\n"
           "values, the levels of text columns and the range of numbers and dates.\n\n%s",
           cli_common_help);
}

int cmd_describe(int argc, char **argv)
{
    cli_common c;
    const char *path = NULL;
    onc_frame *df = NULL;
    onc_output *out = NULL;
    onc_status rc;
    int i, code;

    cli_common_init(&c);
    for (i = 1; i < argc; i++) {
        int used = cli_common_option(&c, argc, argv, &i);
        if (used < 0)
            return CLI_USAGE;
        if (used)
            continue;
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "oncostat describe: unknown option '%s'\n", argv[i]);
            return CLI_USAGE;
        }
        if (path != NULL) {
            fprintf(stderr, "oncostat describe: one data file expected, found '%s' too\n", argv[i]);
            return CLI_USAGE;
        }
        path = argv[i];
    }
    if (c.help) {
        help();
        return CLI_OK;
    }
    if (path == NULL) {
        fprintf(stderr, "oncostat describe: a data file is required\n");
        return CLI_USAGE;
    }
    code = cli_load_frame(path, &c, &df);
    if (code != CLI_OK)
        return code;
    code = cli_output_open(&c, &out);
    if (code == CLI_OK) {
        rc = onc_render_describe(df, c.mode, onc_output_file(out));
        if (rc != ONC_OK) {
            onc_output_abort(out);
            cli_print_error(NULL, rc);
            code = cli_exit_code(rc);
        } else {
            code = cli_output_close(out);
        }
    }
    onc_frame_free(df);
    return code;
}
