/*
** cmd_immortal.c -- oncostat immortal DATA --time T --event E
**                   --treatment-time TTX [--landmark L] [--covariates a,b]
**
** A treatment that starts after time zero: the immortal time a naive
** comparison would misclassify, and the naive, time-varying and landmark
** Cox models side by side (oncostat/immortal.h, immortal_render.h).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
/* surv.h brings cli.h, whose guard does not cover its second half. */
#include "surv.h"
#include "oncostat/immortal.h"
#include "oncostat/immortal_render.h"

#define IMMORTAL_FORMULA_MAX 8192

typedef struct immortal_args {
    const char *time, *event, *treatment_time, *covariates;
    double landmark;
    double conf_level;
} immortal_args;

static void help(void)
{
    printf("Usage: oncostat immortal DATA --time COL --event EXPR --treatment-time COL\n"
           "                         [--landmark T] [--covariates a,b,...] [OPTIONS]\n\n"
           "For a treatment that starts after time zero (resection months after the\n"
           "diagnosis of liver metastases, say): how many patients were treated later\n"
           "and how much of their follow-up a naive ever-versus-never comparison\n"
           "counts as treated (immortal time), then three Cox models side by side --\n"
           "naive, treatment as a time-varying covariate (split at the treatment time\n"
           "as R tmerge(tdc()) does), and a landmark analysis -- with Kaplan-Meier\n"
           "medians.  See docs/immortal.md.\n\n"
           "Options:\n"
           "  --time COL          follow-up time from time zero (required)\n"
           "  --event EXPR        event indicator: a 0/1 or 1/2 column or an expression\n"
           "                      such as 'vital == \"dead\"' (required)\n"
           "  --treatment-time COL  treatment start on the scale of --time; empty or NA\n"
           "                      = never treated (required)\n"
           "  --landmark T        landmark time: patients followed at T, classified by\n"
           "                      treatment received by T (default: none)\n"
           "  --covariates LIST   adjust every model for these terms, e.g.\n"
           "                      age,factor(ecog) (default: none)\n"
           "  --conf-level L      confidence level (default: 0.95)\n\n"
           "Model options:\n"
           "  --ref VAR=LEVEL     reference level of a factor covariate (default: the\n"
           "                      first level)\n\n%s",
           cli_common_help);
}

static int parse_option(immortal_args *k, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    const char *v;

    if (cli_is_option(arg, "--time"))
        return (k->time = cli_option_value(argc, argv, i, "--time")) != NULL ? 1 : -1;
    if (cli_is_option(arg, "--event"))
        return (k->event = cli_option_value(argc, argv, i, "--event")) != NULL ? 1 : -1;
    if (cli_is_option(arg, "--treatment-time"))
        return (k->treatment_time = cli_option_value(argc, argv, i, "--treatment-time")) !=
                       NULL ? 1 : -1;
    if (cli_is_option(arg, "--covariates"))
        return (k->covariates = cli_option_value(argc, argv, i, "--covariates")) != NULL
                   ? 1 : -1;
    if (cli_is_option(arg, "--landmark")) {
        if ((v = cli_option_value(argc, argv, i, "--landmark")) == NULL ||
            cli_surv_number("immortal", "--landmark", v, &k->landmark) != 0)
            return -1;
        if (k->landmark < 0.0) {
            fprintf(stderr, "oncostat immortal: --landmark: must be >= 0, found '%s'\n", v);
            return -1;
        }
        return 1;
    }
    if (cli_is_option(arg, "--conf-level")) {
        if ((v = cli_option_value(argc, argv, i, "--conf-level")) == NULL ||
            cli_surv_number("immortal", "--conf-level", v, &k->conf_level) != 0)
            return -1;
        if (!(k->conf_level > 0.0 && k->conf_level < 1.0)) {
            fprintf(stderr, "oncostat immortal: --conf-level: must be between 0 and 1, "
                            "found '%s'\n", v);
            return -1;
        }
        return 1;
    }
    return 0;
}

/* Surv(time, event) ~ covariates, the covariates' commas turned into +. */
static int build_formula(const immortal_args *k, char *buf, size_t cap)
{
    char *time = onc_expr_quote_name(k->time);
    size_t len;
    const char *p;

    if (time == NULL)
        return -1;
    len = (size_t)snprintf(buf, cap, "Surv(%s, %s) ~ ", time, k->event);
    free(time);
    if (len >= cap)
        return -1;
    if (k->covariates == NULL || k->covariates[0] == '\0') {
        len += (size_t)snprintf(buf + len, cap - len, "1");
        return len < cap ? 0 : -1;
    }
    /* Commas inside parentheses belong to the term (strata(a, b) is
    ** refused later by the model, but must not be split here). */
    {
        int depth = 0;

        for (p = k->covariates; *p && len + 4 < cap; p++) {
            if (*p == '(')
                depth++;
            else if (*p == ')')
                depth--;
            if (*p == ',' && depth == 0) {
                memcpy(buf + len, " + ", 3);
                len += 3;
            } else {
                buf[len++] = *p;
            }
        }
        if (*p != '\0')
            return -1;
        buf[len] = '\0';
    }
    return 0;
}

static int run(cli_analysis *a, const immortal_args *k)
{
    const onc_model *m = a->model;
    const onc_column *tcol;
    onc_immortal_options opt;
    onc_immortal_result *res = NULL;
    onc_immortal_report rep;
    onc_output *out = NULL;
    double *time = NULL, *status = NULL, *ttx = NULL, *x = NULL;
    size_t *row = NULL;
    const char **names = NULL;
    size_t n = 0, i, j;
    long c;
    onc_error err;
    onc_status rc;
    int code;

    if (m->kind != ONC_RESPONSE_SURV) {
        fprintf(stderr, "oncostat immortal: --time is the follow-up from time zero; "
                        "start-stop data are what this command builds\n");
        return CLI_USAGE;
    }
    c = onc_frame_find(a->frame, k->treatment_time);
    if (c < 0) {
        fprintf(stderr, "oncostat immortal: --treatment-time: no column named '%s' in %s\n",
                k->treatment_time, a->data_path);
        return CLI_USAGE;
    }
    tcol = &a->frame->cols[c];
    if (tcol->type != ONC_COL_NUMBER && tcol->type != ONC_COL_INTEGER) {
        fprintf(stderr, "oncostat immortal: --treatment-time: column '%s' is a %s; it "
                        "must hold numbers on the scale of --time (time from time zero, "
                        "empty for never treated)\n",
                k->treatment_time, onc_coltype_name(tcol->type));
        return CLI_USAGE;
    }
    /* n x p cannot overflow: the model holds an n x p matrix already. */
    time = malloc((m->n ? m->n : 1) * sizeof *time);
    status = malloc((m->n ? m->n : 1) * sizeof *status);
    ttx = malloc((m->n ? m->n : 1) * sizeof *ttx);
    row = malloc((m->n ? m->n : 1) * sizeof *row);
    x = malloc((m->n ? m->n : 1) * (m->p ? m->p : 1) * sizeof *x);
    names = malloc((m->p ? m->p : 1) * sizeof *names);
    if (time == NULL || status == NULL || ttx == NULL || row == NULL || x == NULL ||
        names == NULL) {
        fprintf(stderr, "oncostat immortal: out of memory\n");
        code = CLI_COMPUTE;
        goto cleanup;
    }
    /* tmerge needs follow-up (0, time] with time > 0: such rows are left
    ** out and listed. */
    for (i = 0; i < m->n; i++) {
        if (!(m->time[i] > 0.0)) {
            if (onc_exclusions_add(&a->excluded, "follow-up time not positive "
                                                 "(an interval (0, time] needs time > 0)",
                                   m->row[i]) != ONC_OK) {
                code = CLI_COMPUTE;
                goto cleanup;
            }
            continue;
        }
        time[n] = m->time[i];
        status[n] = m->status[i];
        ttx[n] = tcol->num[m->row[i] - 1];
        row[n] = m->row[i];
        n++;
    }
    if (n == 0) {
        fprintf(stderr, "oncostat immortal: no row has a positive follow-up time\n");
        code = CLI_COMPUTE;
        goto cleanup;
    }
    for (j = 0; j < m->p; j++) {
        size_t r = 0;

        names[j] = m->cols[j].name;
        for (i = 0; i < m->n; i++)
            if (m->time[i] > 0.0)
                x[j * n + r++] = m->x[j * m->n + i];
    }
    onc_immortal_options_init(&opt);
    opt.landmark = k->landmark;
    if (k->conf_level > 0.0)
        opt.conf_level = k->conf_level;
    onc_error_clear(&err);
    rc = onc_immortal_analyze(n, time, status, ttx, x, m->p, &opt, &res, &err);
    if (rc != ONC_OK) {
        if (err.row > 0 && err.row <= n) {
            const char *msg = strstr(err.message, ": ");

            fprintf(stderr, "oncostat immortal: row %zu%s%s%s: %s\n", row[err.row - 1],
                    err.column[0] ? ", column '" : "",
                    strcmp(err.column, "treatment time") == 0 ? k->treatment_time
                                                               : err.column,
                    err.column[0] ? "'" : "", msg != NULL ? msg + 2 : err.message);
        } else {
            cli_print_error(&err, rc);
        }
        code = rc == ONC_ERR_DATA || rc == ONC_ERR_USAGE ? CLI_USAGE : CLI_COMPUTE;
        goto cleanup;
    }
    onc_immortal_report_init(&rep);
    rep.result = res;
    rep.time = k->time;
    rep.event = k->event;
    rep.treatment_time = k->treatment_time;
    rep.covariates = names;
    rep.excluded = &a->excluded;
    code = cli_output_open(&a->common, &out);
    if (code != CLI_OK)
        goto cleanup;
    rc = onc_immortal_render(&rep, a->common.mode, onc_output_file(out));
    if (rc != ONC_OK) {
        onc_output_abort(out);
        fprintf(stderr, "oncostat immortal: cannot write the report: %s\n",
                onc_status_string(rc));
        code = rc == ONC_ERR_IO ? CLI_USAGE : CLI_COMPUTE;
        goto cleanup;
    }
    code = cli_output_close(out);

cleanup:
    onc_immortal_free(res);
    free(time);
    free(status);
    free(ttx);
    free(row);
    free(x);
    free(names);
    return code;
}

int cmd_immortal(int argc, char **argv)
{
    cli_analysis a;
    immortal_args k;
    char formula[IMMORTAL_FORMULA_MAX];
    int i, code;

    cli_analysis_init(&a);
    memset(&k, 0, sizeof k);
    k.landmark = NAN;
    for (i = 1; i < argc; i++) {
        int used = cli_analysis_option(&a, argc, argv, &i, "immortal");

        if (used < 0)
            return CLI_USAGE;
        if (used) {
            if (a.formula_text != NULL) {
                fprintf(stderr, "oncostat immortal: one data file expected, found '%s' "
                                "too (columns are given by --time, --event and "
                                "--treatment-time)\n", a.formula_text);
                return CLI_USAGE;
            }
            continue;
        }
        used = parse_option(&k, argc, argv, &i);
        if (used < 0)
            return CLI_USAGE;
        if (used == 0) {
            fprintf(stderr, "oncostat immortal: unknown option '%s' (see oncostat "
                            "immortal --help)\n", argv[i]);
            return CLI_USAGE;
        }
    }
    if (a.common.help) {
        help();
        return CLI_OK;
    }
    if (a.weights != NULL) {
        fprintf(stderr, "oncostat immortal: --weights is not supported here\n");
        return CLI_USAGE;
    }
    if (a.data_path == NULL || k.time == NULL || k.event == NULL ||
        k.treatment_time == NULL) {
        fprintf(stderr, "oncostat immortal: a data file, --time, --event and "
                        "--treatment-time are required, e.g.\n"
                        "  oncostat immortal patients.csv --time months --event dead "
                        "--treatment-time resection_month --landmark 6\n");
        return CLI_USAGE;
    }
    if (build_formula(&k, formula, sizeof formula) != 0) {
        fprintf(stderr, "oncostat immortal: the column names and covariates are too "
                        "long\n");
        return CLI_USAGE;
    }
    a.formula_text = formula;
    code = cli_analysis_load(&a, "immortal", 0);
    if (code == CLI_OK && (a.formula->n_strata > 0 || a.formula->cluster != NULL ||
                           a.formula->offset != NULL)) {
        fprintf(stderr, "oncostat immortal: --covariates takes plain terms, not "
                        "strata(), cluster() or offset()\n");
        code = CLI_USAGE;
    }
    if (code == CLI_OK)
        code = run(&a, &k);
    cli_analysis_free(&a);
    return code;
}
