/*
** analysis.c -- the shared front half of every `oncostat CMD DATA FORMULA`
** command: options, reading the data, the formula and the model frame.
*/
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char cli_analysis_help[] =
    "Model options:\n"
    "  --ref VAR=LEVEL     reference level of a factor (default: the first level,\n"
    "                      sorted as R sorts: numbers numerically, text by bytes)\n"
    "  --weights COL       case weights from column COL\n";

void cli_analysis_init(cli_analysis *a)
{
    memset(a, 0, sizeof *a);
    cli_common_init(&a->common);
}

int cli_analysis_option(cli_analysis *a, int argc, char **argv, int *i, const char *cmd)
{
    const char *arg = argv[*i];
    const char *v;
    int used = cli_common_option(&a->common, argc, argv, i);

    if (used != 0)
        return used;
    if (cli_is_option(arg, "--ref")) {
        char *eq;
        if ((v = cli_option_value(argc, argv, i, "--ref")) == NULL)
            return -1;
        eq = strchr(argv[*i] + (v - argv[*i]), '=');
        if (eq == NULL || eq == v || eq[1] == '\0') {
            fprintf(stderr, "oncostat %s: --ref: expected VARIABLE=LEVEL, found '%s'\n", cmd, v);
            return -1;
        }
        if (a->n_refs == CLI_MAX_REFS) {
            fprintf(stderr, "oncostat %s: --ref: at most %d\n", cmd, CLI_MAX_REFS);
            return -1;
        }
        *eq = '\0';
        a->refs[a->n_refs].variable = v;
        a->refs[a->n_refs].level = eq + 1;
        a->n_refs++;
        return 1;
    }
    if (cli_is_option(arg, "--weights")) {
        if ((v = cli_option_value(argc, argv, i, "--weights")) == NULL)
            return -1;
        a->weights = v;
        return 1;
    }
    if (arg[0] == '-' && arg[1] != '\0')
        return 0;           /* a command-specific option */
    if (a->data_path == NULL) {
        a->data_path = arg;
        return 1;
    }
    if (a->formula_text == NULL) {
        a->formula_text = arg;
        return 1;
    }
    fprintf(stderr, "oncostat %s: unexpected argument '%s' (expected DATA 'FORMULA')\n", cmd, arg);
    return -1;
}

int cli_analysis_load(cli_analysis *a, const char *cmd, int group_numeric_by_value)
{
    onc_model_options mo;
    onc_error err;
    onc_status rc;
    int code;

    if (a->data_path == NULL || a->formula_text == NULL) {
        fprintf(stderr, "oncostat %s: a data file and a formula are required, e.g.\n"
                        "  oncostat %s patients.csv 'Surv(time, status) ~ arm'\n", cmd, cmd);
        return CLI_USAGE;
    }
    code = cli_load_frame(a->data_path, &a->common, &a->frame);
    if (code != CLI_OK)
        return code;
    onc_error_clear(&err);
    rc = onc_formula_parse(a->formula_text, &a->formula, &err);
    if (rc != ONC_OK) {
        cli_print_error(&err, rc);
        return CLI_USAGE;
    }
    memset(&mo, 0, sizeof mo);
    mo.weights = a->weights;
    mo.refs = a->refs;
    mo.n_refs = a->n_refs;
    mo.group_numeric_by_value = group_numeric_by_value;
    /* Curves and tests read only the groups; models read only the design
    ** matrix.  Building just that part saves time and memory at registry
    ** scale. */
    rc = onc_model_build_parts(a->frame, a->formula, &mo,
                               group_numeric_by_value ? ONC_MODEL_GROUPS : ONC_MODEL_DESIGN,
                               &a->model, &a->excluded, &err);
    if (rc != ONC_OK) {
        cli_print_error(&err, rc);
        return cli_exit_code(rc);
    }
    return CLI_OK;
}

void cli_analysis_free(cli_analysis *a)
{
    onc_model_free(a->model);
    onc_formula_free(a->formula);
    onc_frame_free(a->frame);
    onc_exclusions_clear(&a->excluded);
    a->model = NULL;
    a->formula = NULL;
    a->frame = NULL;
}
