/*
** cli.h -- shared pieces of the oncostat command line.  The command line
** uses only the public API (include/oncostat.h); it alone decides exit codes
** and writes to standard error.
**
** Exit codes: 0 success; 1 the analysis could not be computed (the reason is
** printed); 2 usage or input error.
*/
#ifndef ONC_CLI_H
#define ONC_CLI_H

#include <stdio.h>

#include "oncostat.h"
#include "oncostat/expr.h"
#include "oncostat/formula.h"
#include "oncostat/model.h"

enum { CLI_OK = 0, CLI_COMPUTE = 1, CLI_USAGE = 2 };

#define CLI_MAX_OVERRIDES 64
#define CLI_MAX_NA 32
#define CLI_MAX_LIST 64

/* Options every command that reads data understands. */
typedef struct cli_common {
    onc_read_options read;
    onc_type_override overrides[CLI_MAX_OVERRIDES];
    const char *na_tokens[CLI_MAX_NA];
    onc_output_mode mode;
    const char *out_path;        /* -o; NULL = standard output */
    int help;
} cli_common;

void cli_common_init(cli_common *c);

/*
** Try to consume argv[*i] (and its value) as a common option.  Returns 1 if
** consumed, 0 if not a common option, -1 on a bad value (message printed).
*/
int cli_common_option(cli_common *c, int argc, char **argv, int *i);

/* The value of option argv[*i], either "--opt=value" or "--opt value". */
const char *cli_option_value(int argc, char **argv, int *i, const char *name);

/* Does argv[*i] name option `name` ("--name" or "--name=...")? */
int cli_is_option(const char *arg, const char *name);

/* Read the data file; prints the error and returns the exit code on failure. */
int cli_load_frame(const char *path, const cli_common *c, onc_frame **out);

/* Print err (or the status text) to stderr as "oncostat: ...". */
void cli_print_error(const onc_error *err, onc_status rc);
/* Exit code for a failed status. */
int cli_exit_code(onc_status rc);

/* Parse "12,24,60" into out (cap entries); returns count or -1. */
int cli_parse_numbers(const char *text, double *out, int cap);

/* Open the output (-o path atomically, or stdout). */
int cli_output_open(const cli_common *c, onc_output **out);
int cli_output_close(onc_output *o);

/* Text printed by --help for the common data options. */
extern const char cli_common_help[];

/* ---- commands of the form `oncostat CMD DATA 'FORMULA' [options]` ---- */

#define CLI_MAX_REFS 64

typedef struct cli_analysis {
    cli_common common;
    const char *data_path;
    const char *formula_text;
    onc_ref_level refs[CLI_MAX_REFS];
    size_t n_refs;
    const char *weights;
    /* Filled by cli_analysis_load: */
    onc_frame *frame;
    onc_formula *formula;
    onc_model *model;
    onc_exclusions excluded;
} cli_analysis;

void cli_analysis_init(cli_analysis *a);
/*
** Consume common options, --ref VAR=LEVEL, --weights COL and the two
** positional arguments.  Returns 1 if argv[*i] was consumed, 0 if the
** command must handle it, -1 on error (message printed).
*/
int cli_analysis_option(cli_analysis *a, int argc, char **argv, int *i, const char *cmd);
/* Read the data, parse the formula, build the model.  Returns an exit code;
** prints the reason on failure. */
int cli_analysis_load(cli_analysis *a, const char *cmd, int group_numeric_by_value);
void cli_analysis_free(cli_analysis *a);

/* Help text for the analysis options (--ref, --weights). */
extern const char cli_analysis_help[];

#endif
