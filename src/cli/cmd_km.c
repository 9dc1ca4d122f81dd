/*
** cmd_km.c -- oncostat km DATA 'Surv(time, status) ~ groups' [options]
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
/* surv.h brings cli.h, whose guard does not cover its second half. */
#include "surv.h"

typedef struct km_args {
    onc_km_options opt;
    double quantiles[CLI_MAX_LIST];
    double times[CLI_MAX_LIST];
    double landmark;
    const char *compare;
    int show_table, show_quantiles, show_rmst;
} km_args;

static void help(void)
{
    printf("Usage: oncostat km DATA 'Surv(time, status) ~ arm' [OPTIONS]\n\n"
           "Kaplan-Meier curves per group (every combination of the variables on\n"
           "the right; '~ 1' for one curve), medians and quantiles with confidence\n"
           "intervals, survival at chosen times, restricted mean survival time and\n"
           "differences between groups.  Surv(entry, exit, status) gives delayed\n"
           "entry; cluster(id) on the right gives the robust variance by id.\n"
           "Numbers follow R survival's survfit; see docs/km.md.\n\n"
           "Options:\n"
           "  --conf-type T       log, log-log or plain (default: log, as R)\n"
           "  --conf-level L      confidence level (default: 0.95)\n"
           "  --quantiles LIST    quantiles with CIs, e.g. 0.25,0.5,0.75 (default:\n"
           "                      0.25,0.5,0.75; shown in text when given)\n"
           "  --times LIST        survival at these times, e.g. 12,24,60 (default: none)\n"
           "  --rmst TAU          restricted mean up to TAU; 'auto' = the smallest of the\n"
           "                      groups' largest times (survRM2), 'max' = the largest\n"
           "                      time (R rmean=\"common\"), 'none' (default: auto,\n"
           "                      shown in text only when --rmst is given)\n"
           "  --median-ci M       bc (Brookmeyer-Crowley, as R) or spss (Wald interval as\n"
           "                      SPSS reports it) (default: bc)\n"
           "  --compare A,B       differences at --times and RMST of group B against\n"
           "                      group A (labels as printed, or levels of a single\n"
           "                      variable) (default: the first two groups when there\n"
           "                      are exactly two)\n"
           "  --robust            infinitesimal-jackknife variance, R survfit(robust =\n"
           "                      TRUE); by observation, or by cluster(id) (default: off,\n"
           "                      Greenwood; on when the formula has cluster())\n"
           "  --landmark T        only patients under follow-up at T, time counted from T\n"
           "                      (default: none)\n"
           "  --table             print the full survival table (text and CSV; JSON\n"
           "                      always has it) (default: off)\n\n%s\n%s",
           cli_analysis_help, cli_common_help);
}

static int parse_option(km_args *k, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    const char *v;
    int n;

    if (cli_is_option(arg, "--conf-type")) {
        if ((v = cli_option_value(argc, argv, i, "--conf-type")) == NULL)
            return -1;
        if (strcmp(v, "log") == 0)
            k->opt.conf_type = ONC_CONF_LOG;
        else if (strcmp(v, "log-log") == 0 || strcmp(v, "loglog") == 0)
            k->opt.conf_type = ONC_CONF_LOGLOG;
        else if (strcmp(v, "plain") == 0 || strcmp(v, "linear") == 0)
            k->opt.conf_type = ONC_CONF_PLAIN;
        else {
            fprintf(stderr, "oncostat km: --conf-type: expected log, log-log or "
                            "plain, found '%s'\n", v);
            return -1;
        }
        return 1;
    }
    if (cli_is_option(arg, "--conf-level")) {
        if ((v = cli_option_value(argc, argv, i, "--conf-level")) == NULL ||
            cli_surv_number("km", "--conf-level", v, &k->opt.conf_level) != 0)
            return -1;
        if (!(k->opt.conf_level > 0.0 && k->opt.conf_level < 1.0)) {
            fprintf(stderr, "oncostat km: --conf-level: must be between 0 and 1, "
                            "found '%s'\n", v);
            return -1;
        }
        return 1;
    }
    if (cli_is_option(arg, "--quantiles")) {
        if ((v = cli_option_value(argc, argv, i, "--quantiles")) == NULL)
            return -1;
        n = cli_parse_numbers(v, k->quantiles, CLI_MAX_LIST);
        if (n <= 0) {
            fprintf(stderr, "oncostat km: --quantiles: expected numbers between 0 "
                            "and 1 separated by commas (at most %d), found '%s'\n",
                    CLI_MAX_LIST, v);
            return -1;
        }
        k->opt.quantiles = k->quantiles;
        k->opt.n_quantiles = (size_t)n;
        k->show_quantiles = 1;
        return 1;
    }
    if (cli_is_option(arg, "--times")) {
        if ((v = cli_option_value(argc, argv, i, "--times")) == NULL)
            return -1;
        n = cli_parse_numbers(v, k->times, CLI_MAX_LIST);
        if (n <= 0) {
            fprintf(stderr, "oncostat km: --times: expected numbers separated by "
                            "commas (at most %d), found '%s'\n", CLI_MAX_LIST, v);
            return -1;
        }
        k->opt.times = k->times;
        k->opt.n_times = (size_t)n;
        return 1;
    }
    if (cli_is_option(arg, "--rmst")) {
        if ((v = cli_option_value(argc, argv, i, "--rmst")) == NULL)
            return -1;
        k->show_rmst = 1;
        if (strcmp(v, "auto") == 0) {
            k->opt.rmst_rule = ONC_RMST_TAU_MIN_OF_MAX;
        } else if (strcmp(v, "max") == 0) {
            k->opt.rmst_rule = ONC_RMST_TAU_MAX;
        } else if (strcmp(v, "none") == 0) {
            k->opt.rmst_rule = ONC_RMST_NONE;
            k->show_rmst = 0;
        } else {
            if (cli_surv_number("km", "--rmst", v, &k->opt.rmst_tau) != 0)
                return -1;
            k->opt.rmst_rule = ONC_RMST_TAU_GIVEN;
        }
        return 1;
    }
    if (cli_is_option(arg, "--median-ci")) {
        if ((v = cli_option_value(argc, argv, i, "--median-ci")) == NULL)
            return -1;
        if (strcmp(v, "spss") == 0)
            k->opt.median_ci_spss = 1;
        else if (strcmp(v, "bc") == 0 || strcmp(v, "brookmeyer-crowley") == 0)
            k->opt.median_ci_spss = 0;
        else {
            fprintf(stderr, "oncostat km: --median-ci: expected bc or spss, "
                            "found '%s'\n", v);
            return -1;
        }
        return 1;
    }
    if (cli_is_option(arg, "--compare")) {
        if ((v = cli_option_value(argc, argv, i, "--compare")) == NULL)
            return -1;
        if (strchr(v, ',') == NULL) {
            fprintf(stderr, "oncostat km: --compare: expected two groups A,B, "
                            "found '%s'\n", v);
            return -1;
        }
        k->compare = v;
        return 1;
    }
    if (cli_is_option(arg, "--landmark")) {
        if ((v = cli_option_value(argc, argv, i, "--landmark")) == NULL ||
            cli_surv_number("km", "--landmark", v, &k->landmark) != 0)
            return -1;
        return 1;
    }
    if (strcmp(arg, "--robust") == 0) {
        k->opt.variance = ONC_KM_VARIANCE_ROBUST;
        return 1;
    }
    if (strcmp(arg, "--table") == 0) {
        k->show_table = 1;
        return 1;
    }
    return 0;
}

/* The group named `name`: its label ("arm=TACE"), or with a single
** grouping variable its level ("TACE").  -1 when there is none. */
static long find_group(const onc_group_labels *gl, const char *name, size_t len)
{
    size_t g;

    for (g = 0; g < gl->n_groups; g++) {
        const char *label = gl->labels[g];
        if (strlen(label) == len && strncmp(label, name, len) == 0)
            return (long)g;
        if (gl->n_vars == 1 && gl->values != NULL &&
            strlen(gl->values[g][0]) == len &&
            strncmp(gl->values[g][0], name, len) == 0)
            return (long)g;
    }
    return -1;
}

static int resolve_compare(const km_args *k, const onc_group_labels *gl,
                           size_t *reference, size_t *other, int *has)
{
    const char *comma;
    long a, b;
    size_t g;

    *has = 0;
    if (k->compare == NULL) {
        if (gl->n_groups == 2) {
            *reference = 0;
            *other = 1;
            *has = 1;
        }
        return 0;
    }
    comma = strchr(k->compare, ',');
    a = find_group(gl, k->compare, (size_t)(comma - k->compare));
    b = find_group(gl, comma + 1, strlen(comma + 1));
    if (a < 0 || b < 0 || a == b) {
        fprintf(stderr, "oncostat km: --compare: '%s' does not name two "
                        "different groups; the groups are:", k->compare);
        for (g = 0; g < gl->n_groups; g++)
            fprintf(stderr, "%s %s", g ? "," : "", gl->labels[g]);
        fputc('\n', stderr);
        return -1;
    }
    *reference = (size_t)a;
    *other = (size_t)b;
    *has = 1;
    return 0;
}

/* Run the fit and the contrasts, and render.  Returns an exit code. */
static int run(cli_analysis *a, km_args *k, cli_surv *s)
{
    onc_km_fit *fit = NULL;
    onc_km_difference *diffs = NULL;
    onc_rmst_comparison *rmst = NULL;
    onc_output *out = NULL;
    onc_km_report rep;
    onc_error err;
    onc_status rc;
    size_t reference = 0, other = 0, g, t;
    int has_compare = 0, code;

    if (resolve_compare(k, &s->labels, &reference, &other, &has_compare) != 0)
        return CLI_USAGE;
    if (s->cluster != NULL) {
        /* R: a cluster() term implies the robust variance. */
        k->opt.variance = ONC_KM_VARIANCE_ROBUST;
        k->opt.cluster = s->cluster;
        k->opt.n_clusters = s->n_clusters;
    }
    onc_error_clear(&err);
    rc = onc_km_fit_groups(s->n, s->time, s->entry, s->status, s->weights,
                           s->group, s->n_groups, &k->opt, &fit, &err);
    if (rc != ONC_OK)
        return cli_surv_fail(s, "km", &err, rc);

    if (has_compare && k->opt.n_times > 0) {
        diffs = calloc(k->opt.n_times, sizeof *diffs);
        if (diffs == NULL) {
            code = cli_surv_fail(s, "km", NULL, ONC_ERR_NOMEM);
            goto cleanup;
        }
        for (t = 0; t < k->opt.n_times; t++) {
            rc = onc_km_compare_at(&fit->curves[other], &fit->curves[reference],
                                   t, k->opt.conf_level, &diffs[t], &err);
            if (rc != ONC_OK) {
                code = cli_surv_fail(s, "km", &err, rc);
                goto cleanup;
            }
        }
    }
    onc_km_report_init(&rep);
    /* RMST against the first group (the --ref level), or against the first
    ** group of --compare. */
    rep.rmst_reference = k->compare != NULL ? reference : 0;
    if (!isnan(fit->rmst_tau) && fit->n_groups > 1) {
        rmst = calloc(fit->n_groups, sizeof *rmst);
        if (rmst == NULL) {
            code = cli_surv_fail(s, "km", NULL, ONC_ERR_NOMEM);
            goto cleanup;
        }
        for (g = 0; g < fit->n_groups; g++) {
            if (g == rep.rmst_reference)
                continue;
            rc = onc_rmst_compare(&fit->curves[g].rmst,
                                  &fit->curves[rep.rmst_reference].rmst,
                                  k->opt.conf_level, &rmst[g], &err);
            if (rc != ONC_OK) {
                code = cli_surv_fail(s, "km", &err, rc);
                goto cleanup;
            }
        }
    }
    rep.fit = fit;
    rep.groups = s->labels;
    rep.formula = onc_formula_text(a->formula);
    rep.has_difference = diffs != NULL;
    rep.difference_group = other;
    rep.difference_reference = reference;
    rep.differences = diffs;
    rep.rmst_comparisons = rmst;
    rep.excluded = &a->excluded;
    rep.landmark = s->landmark;
    rep.show_table = k->show_table;
    rep.show_quantiles = k->show_quantiles;
    rep.show_rmst = k->show_rmst;
    rep.median_spss = k->opt.median_ci_spss;

    code = cli_output_open(&a->common, &out);
    if (code != CLI_OK)
        goto cleanup;
    rc = onc_km_render(&rep, a->common.mode, onc_output_file(out));
    if (rc != ONC_OK) {
        onc_output_abort(out);
        code = cli_surv_fail(s, "km", NULL, rc);
        goto cleanup;
    }
    code = cli_output_close(out);

cleanup:
    onc_km_fit_free(fit);
    free(diffs);
    free(rmst);
    return code;
}

int cmd_km(int argc, char **argv)
{
    cli_analysis a;
    cli_surv s;
    km_args k;
    int i, code;

    cli_analysis_init(&a);
    memset(&k, 0, sizeof k);
    memset(&s, 0, sizeof s);
    onc_km_options_init(&k.opt);
    k.landmark = NAN;
    for (i = 1; i < argc; i++) {
        int used = cli_analysis_option(&a, argc, argv, &i, "km");
        if (used < 0)
            return CLI_USAGE;
        if (used)
            continue;
        used = parse_option(&k, argc, argv, &i);
        if (used < 0)
            return CLI_USAGE;
        if (used == 0) {
            fprintf(stderr, "oncostat km: unknown option '%s' (see oncostat km "
                            "--help)\n", argv[i]);
            return CLI_USAGE;
        }
    }
    if (a.common.help) {
        help();
        return CLI_OK;
    }
    code = cli_analysis_load(&a, "km", 1);
    if (code == CLI_OK && a.formula->n_strata > 0) {
        fprintf(stderr, "oncostat km: strata() is for the log-rank test; for one "
                        "curve per stratum write the variable as a group, e.g. "
                        "'~ arm + center'\n");
        code = CLI_USAGE;
    }
    if (code == CLI_OK)
        code = cli_surv_take(&a, "km", k.landmark, &s);
    if (code == CLI_OK)
        code = run(&a, &k, &s);
    cli_surv_free(&s);
    cli_analysis_free(&a);
    return code;
}
