/*
** cmd_plot_km.c -- oncostat plot km DATA 'Surv(time, status) ~ arm' -o FIG
*/
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plot_cli.h"

/* ------------------------------------------------------------------ */
/* plot km                                                             */
/* ------------------------------------------------------------------ */

typedef enum plot_test { PLOT_TEST_LOGRANK, PLOT_TEST_PETO, PLOT_TEST_GEHAN,
                         PLOT_TEST_TARONE, PLOT_TEST_NONE } plot_test;

typedef struct km_plot_args {
    cli_plot_page page;
    onc_plot_km_options popt;
    onc_km_options kopt;
    cli_plot_list labels;
    double breaks[CLI_MAX_LIST];
    const char *unit, *time_scale, *annotation;
    plot_test test;
    int hr, risk_table_set;
} km_plot_args;

static void km_help(void)
{
    printf("Usage: oncostat plot km DATA 'Surv(time, status) ~ arm' -o FIG.png [OPTIONS]\n\n"
           "Kaplan-Meier curves of each group (every combination of the variables on the\n"
           "right; '~ 1' for one curve) with the numbers at risk, the log-rank P and,\n"
           "with --hr, the Cox hazard ratio of each group against the reference.\n"
           "strata(x) on the right stratifies the test and the hazard ratios;\n"
           "cluster(id) gives robust confidence bands and the robust score test.\n\n"
           "Curve options:\n"
           "  --ci                pointwise confidence bands (default: off)\n"
           "  --conf-type T       band transform: log, log-log or plain (default: log, as R)\n"
           "  --conf-level L      confidence level of bands, medians and HRs (default: 0.95)\n"
           "  --no-censor         no censor marks (default: marks on)\n"
           "  --risk-table        numbers at risk under the axis (default: on)\n"
           "  --no-risk-table     no numbers at risk\n"
           "  --kmunicate         at risk, censored and events rows (KMunicate) (default: off)\n"
           "  --median-lines      dashed guides from S = 0.5 to each median (default: off)\n"
           "  --min-at-risk N     stop each curve when fewer than N remain at risk\n"
           "                      (default: 0, draw to the last observation)\n"
           "  --cuminc            cumulative incidence 1 - S, rising from 0 (default: off)\n"
           "  --percent           y axis in percent (default: proportion 0-1)\n"
           "  --ymax Y            top of the y axis, at most 1 (default: 1)\n"
           "Axis options:\n"
           "  --unit U            time unit: days, weeks, months or years; names the axis\n"
           "                      and chooses the breaks (default: none, 'Time')\n"
           "  --time-scale FROM   the data are in FROM (days, weeks, months, years);\n"
           "                      convert them to --unit (default: no conversion)\n"
           "  --xmax T            end of the time axis, in the figure's unit (default: the\n"
           "                      last break after the data)\n"
           "  --breaks LIST       time axis breaks, e.g. 0,12,24,36 (default: automatic)\n"
           "  --xlabel TEXT       (default: 'Time (<unit>)')\n"
           "  --ylabel TEXT       (default: 'Survival probability' or 'Cumulative incidence')\n"
           "Groups and statistics:\n"
           "  --labels LIST       legend labels in group order, e.g. Male,Female\n"
           "                      (default: as the data name them, 'sex=1')\n"
           "  --test T            logrank, peto, gehan, tarone-ware or none\n"
           "                      (default: logrank when there are two or more groups)\n"
           "  --hr                Cox hazard ratio (95%% CI) of each group against the\n"
           "                      reference group (the --ref level, else the first)\n"
           "                      (default: off)\n"
           "  --annotation TEXT   replace the text in the corner; '' for none\n"
           "                      (default: the test P and the hazard ratios)\n\n"
           "%s\n%s\n%s",
           cli_plot_page_help, cli_analysis_help, cli_common_help);
}

static int km_option(km_plot_args *k, int argc, char **argv, int *i)
{
    const char *cmd = "plot km", *arg = argv[*i], *v;
    int used = cli_plot_page_option(&k->page, cmd, argc, argv, i);

    if (used != 0)
        return used;
    if (strcmp(arg, "--ci") == 0)
        k->popt.show_ci = 1;
    else if (strcmp(arg, "--no-censor") == 0)
        k->popt.show_censor = 0;
    else if (strcmp(arg, "--risk-table") == 0)
        k->popt.risk_table = k->risk_table_set = 1;
    else if (strcmp(arg, "--no-risk-table") == 0) {
        k->popt.risk_table = 0;
        k->risk_table_set = 1;
    } else if (strcmp(arg, "--kmunicate") == 0)
        k->popt.kmunicate = 1;
    else if (strcmp(arg, "--median-lines") == 0)
        k->popt.show_median = 1;
    else if (strcmp(arg, "--cuminc") == 0)
        k->popt.cumulative_incidence = 1;
    else if (strcmp(arg, "--percent") == 0)
        k->popt.y_percent = 1;
    else if (strcmp(arg, "--hr") == 0)
        k->hr = 1;
    else if (cli_is_option(arg, "--min-at-risk")) {
        if ((v = cli_option_value(argc, argv, i, "--min-at-risk")) == NULL ||
            cli_plot_number(cmd, "--min-at-risk", v, 0, 1e15, &k->popt.min_at_risk) != 0)
            return -1;
    } else if (cli_is_option(arg, "--xmax")) {
        if ((v = cli_option_value(argc, argv, i, "--xmax")) == NULL ||
            cli_plot_number(cmd, "--xmax", v, 0, 1e300, &k->popt.xmax) != 0)
            return -1;
    } else if (cli_is_option(arg, "--ymax")) {
        if ((v = cli_option_value(argc, argv, i, "--ymax")) == NULL ||
            cli_plot_number(cmd, "--ymax", v, 0.01, 1, &k->popt.ymax) != 0)
            return -1;
    } else if (cli_is_option(arg, "--breaks")) {
        if ((v = cli_option_value(argc, argv, i, "--breaks")) == NULL ||
            cli_plot_breaks_option(cmd, v, k->breaks, &k->popt.n_breaks) != 0)
            return -1;
        k->popt.breaks = k->breaks;
    } else if (cli_is_option(arg, "--unit")) {
        if ((v = cli_option_value(argc, argv, i, "--unit")) == NULL ||
            cli_plot_unit_option(cmd, "--unit", v) != 0)
            return -1;
        k->unit = v;
    } else if (cli_is_option(arg, "--time-scale")) {
        if ((v = cli_option_value(argc, argv, i, "--time-scale")) == NULL ||
            cli_plot_unit_option(cmd, "--time-scale", v) != 0)
            return -1;
        k->time_scale = v;
    } else if (cli_is_option(arg, "--xlabel")) {
        if ((k->popt.xlabel = cli_option_value(argc, argv, i, "--xlabel")) == NULL)
            return -1;
    } else if (cli_is_option(arg, "--ylabel")) {
        if ((k->popt.ylabel = cli_option_value(argc, argv, i, "--ylabel")) == NULL)
            return -1;
    } else if (cli_is_option(arg, "--annotation")) {
        if ((k->annotation = cli_option_value(argc, argv, i, "--annotation")) == NULL)
            return -1;
    } else if (cli_is_option(arg, "--labels")) {
        if ((v = cli_option_value(argc, argv, i, "--labels")) == NULL ||
            cli_plot_list_parse(cmd, "--labels", v, &k->labels) != 0)
            return -1;
    } else if (cli_is_option(arg, "--test")) {
        if ((v = cli_option_value(argc, argv, i, "--test")) == NULL)
            return -1;
        if (strcmp(v, "logrank") == 0 || strcmp(v, "log-rank") == 0)
            k->test = PLOT_TEST_LOGRANK;
        else if (strcmp(v, "peto") == 0)
            k->test = PLOT_TEST_PETO;
        else if (strcmp(v, "gehan") == 0)
            k->test = PLOT_TEST_GEHAN;
        else if (strcmp(v, "tarone-ware") == 0)
            k->test = PLOT_TEST_TARONE;
        else if (strcmp(v, "none") == 0)
            k->test = PLOT_TEST_NONE;
        else {
            fprintf(stderr, "oncostat %s: --test: expected logrank, peto, gehan, "
                            "tarone-ware or none, found '%s'\n", cmd, v);
            return -1;
        }
    } else if (cli_is_option(arg, "--conf-type")) {
        if ((v = cli_option_value(argc, argv, i, "--conf-type")) == NULL)
            return -1;
        if (strcmp(v, "log") == 0)
            k->kopt.conf_type = ONC_CONF_LOG;
        else if (strcmp(v, "log-log") == 0 || strcmp(v, "loglog") == 0)
            k->kopt.conf_type = ONC_CONF_LOGLOG;
        else if (strcmp(v, "plain") == 0)
            k->kopt.conf_type = ONC_CONF_PLAIN;
        else {
            fprintf(stderr, "oncostat %s: --conf-type: expected log, log-log or plain, "
                            "found '%s'\n", cmd, v);
            return -1;
        }
    } else if (cli_is_option(arg, "--conf-level")) {
        if ((v = cli_option_value(argc, argv, i, "--conf-level")) == NULL ||
            cli_plot_number(cmd, "--conf-level", v, 0.5, 0.999, &k->kopt.conf_level) != 0)
            return -1;
    } else {
        return 0;
    }
    return 1;
}

/* The reference group of the hazard ratios: the --ref level when the
** groups come from one variable, else the first group.  -1 on error. */
static long km_reference(const cli_analysis *a, const cli_surv *s)
{
    const onc_group_labels *gl = &s->labels;
    size_t r, g;

    if (gl->n_vars != 1 || gl->vars == NULL || gl->values == NULL)
        return 0;
    for (r = 0; r < a->n_refs; r++) {
        if (strcmp(a->refs[r].variable, gl->vars[0]) != 0)
            continue;
        for (g = 0; g < gl->n_groups; g++)
            if (strcmp(gl->values[g][0], a->refs[r].level) == 0)
                return (long)g;
        fprintf(stderr, "oncostat plot km: --ref %s=%s: no group has that level; the levels "
                        "are:", a->refs[r].variable, a->refs[r].level);
        for (g = 0; g < gl->n_groups; g++)
            fprintf(stderr, "%s %s", g ? "," : "", gl->values[g][0]);
        fputc('\n', stderr);
        return -1;
    }
    return 0;
}

/* Everything plot km allocates. */
typedef struct km_plot_run {
    double *time, *entry;
    onc_km_fit *fit;
    onc_logrank_result *test;
    onc_cox_fit *cox;
    double *x;
    char **contrast;
    const char **label;
    onc_plot_km_curves *curves;
    char annotation[2048];
    char test_name[96];
} km_plot_run;

static void km_plot_run_free(km_plot_run *r, size_t n_contrasts)
{
    size_t j;

    free(r->time);
    free(r->entry);
    onc_km_fit_free(r->fit);
    onc_logrank_free(r->test);
    onc_cox_fit_free(r->cox);
    free(r->x);
    for (j = 0; r->contrast != NULL && j < n_contrasts; j++)
        free(r->contrast[j]);
    free(r->contrast);
    free(r->label);
    onc_plot_km_curves_free(r->curves);
}


/* The Cox model of the group indicators against group `ref`; coefficient j
** compares group j (j < ref) or j + 1 (j >= ref). */
static int km_cox(const cli_surv *s, const double *time, const double *entry, size_t ref,
                  double conf_level, km_plot_run *r)
{
    size_t G = s->n_groups, p = G - 1, i, j;
    onc_cox_options co;
    onc_cox_data d;
    onc_error err;
    onc_status rc;

    if (p == 0 || r->cox != NULL)
        return CLI_OK;
    if (s->n > 0 && p > SIZE_MAX / sizeof(double) / s->n)
        return cli_surv_fail(s, "plot km", NULL, ONC_ERR_NOMEM);
    r->x = calloc(s->n > 0 ? s->n * p : 1, sizeof *r->x);
    r->contrast = calloc(p, sizeof *r->contrast);
    if (r->x == NULL || r->contrast == NULL)
        return cli_surv_fail(s, "plot km", NULL, ONC_ERR_NOMEM);
    for (i = 0; i < s->n; i++) {
        size_t g = (size_t)s->group[i];
        if (g != ref)
            r->x[i + (g < ref ? g : g - 1) * s->n] = 1;
    }
    for (j = 0; j < p; j++) {
        const char *a = r->label[j < ref ? j : j + 1], *b = r->label[ref];
        size_t len = strlen(a) + strlen(b) + 5;
        r->contrast[j] = malloc(len);
        if (r->contrast[j] == NULL)
            return cli_surv_fail(s, "plot km", NULL, ONC_ERR_NOMEM);
        snprintf(r->contrast[j], len, "%s vs %s", a, b);
    }
    memset(&d, 0, sizeof d);
    d.n = s->n;
    d.p = p;
    d.x = r->x;
    d.start = entry;
    d.stop = time;
    d.status = s->status;
    d.weights = s->weights;
    d.strata = s->stratum;
    d.cluster = s->cluster;
    onc_cox_options_init(&co);
    co.conf_level = conf_level;
    co.concordance = 0;
    onc_error_clear(&err);
    rc = onc_cox_fit_model(&d, &co, &r->cox, &err);
    if (rc != ONC_OK)
        return cli_surv_fail(s, "plot km", &err, rc);
    return CLI_OK;
}

/* The test behind the P in the corner.  With cluster() the robust score
** test of the Cox model (log-rank has no robust form); with delayed entry
** its score test (survdiff takes no entry times); else the log-rank family. */
static int km_test(const km_plot_args *k, const cli_surv *s, const double *time,
                   const double *entry, size_t ref, km_plot_run *r, double *chisq,
                   double *df, double *p)
{
    onc_logrank_options lo;
    onc_error err;
    onc_status rc;
    char name[64];
    int code;

    *chisq = *df = *p = NAN;
    r->test_name[0] = '\0';
    if (k->test == PLOT_TEST_NONE || s->n_groups < 2)
        return CLI_OK;
    if (s->cluster != NULL || entry != NULL) {
        if (k->test != PLOT_TEST_LOGRANK) {
            fprintf(stderr, "oncostat plot km: --test: with %s the P comes from the Cox "
                            "score test; use --test logrank or none\n",
                    s->cluster != NULL ? "cluster()" : "delayed entry");
            return CLI_USAGE;
        }
        if ((code = km_cox(s, time, entry, ref, k->kopt.conf_level, r)) != CLI_OK)
            return code;
        if (s->cluster != NULL) {
            snprintf(r->test_name, sizeof r->test_name, "Robust score test");
            *chisq = r->cox->robust_score_stat;
            *p = r->cox->robust_score_p;
        } else {
            snprintf(r->test_name, sizeof r->test_name, "Score test");
            *chisq = r->cox->score_stat;
            *p = r->cox->score_p;
        }
        *df = r->cox->df;
        return CLI_OK;
    }
    onc_logrank_options_init(&lo);
    switch (k->test) {
    case PLOT_TEST_PETO:
        lo.weight = ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON;
        lo.rho = 1;
        break;
    case PLOT_TEST_GEHAN:
        lo.weight = ONC_LOGRANK_WEIGHT_GEHAN_BRESLOW;
        break;
    case PLOT_TEST_TARONE:
        lo.weight = ONC_LOGRANK_WEIGHT_TARONE_WARE;
        break;
    default:
        break;
    }
    onc_error_clear(&err);
    rc = onc_logrank_test(s->n, time, s->status, s->weights, s->group, s->n_groups,
                          s->stratum, s->n_strata, &lo, &r->test, &err);
    if (rc != ONC_OK)
        return cli_surv_fail(s, "plot km", &err, rc);
    onc_logrank_test_name(r->test, name, sizeof name);
    if (r->test->n_strata > 1 && strncmp(name, "Log-rank", 8) == 0)
        snprintf(r->test_name, sizeof r->test_name, "Stratified log-rank%s", name + 8);
    else if (r->test->n_strata > 1)
        snprintf(r->test_name, sizeof r->test_name, "Stratified %s", name);
    else
        snprintf(r->test_name, sizeof r->test_name, "%s", name);
    *chisq = r->test->chisq;
    *df = (double)r->test->df;
    *p = r->test->df > 0 ? r->test->p_value : NAN;
    return CLI_OK;
}

static int km_run(cli_analysis *a, km_plot_args *k, cli_surv *s, km_plot_run *r)
{
    const char *cmd = "plot km";
    onc_plot_km_summary sum;
    onc_error err;
    onc_status rc;
    double divisor, chisq, df, p;
    long ref;
    size_t g;
    int code;

    if (cli_plot_time_divisor(cmd, k->time_scale, k->unit, &divisor) != 0)
        return CLI_USAGE;
    if (cli_plot_scaled(s->time, s->n, divisor, &r->time) != 0 ||
        cli_plot_scaled(s->entry, s->n, divisor, &r->entry) != 0)
        return cli_surv_fail(s, cmd, NULL, ONC_ERR_NOMEM);
    if (k->labels.n > 0 && k->labels.n != s->n_groups) {
        fprintf(stderr, "oncostat %s: --labels: %zu labels for %zu groups; the groups are:",
                cmd, k->labels.n, s->n_groups);
        for (g = 0; g < s->n_groups; g++)
            fprintf(stderr, "%s %s", g ? "," : "", s->labels.labels[g]);
        fputc('\n', stderr);
        return CLI_USAGE;
    }
    r->label = calloc(s->n_groups, sizeof *r->label);
    if (r->label == NULL)
        return cli_surv_fail(s, cmd, NULL, ONC_ERR_NOMEM);
    for (g = 0; g < s->n_groups; g++)
        r->label[g] = k->labels.n > 0 ? k->labels.item[g] : s->labels.labels[g];
    if ((ref = km_reference(a, s)) < 0)
        return CLI_USAGE;
    if (k->hr && s->n_groups < 2) {
        fprintf(stderr, "oncostat %s: --hr compares groups, but '%s' gives one curve\n",
                cmd, onc_formula_text(a->formula));
        return CLI_USAGE;
    }

    if (s->cluster != NULL) {
        /* R: cluster(id) asks for the robust variance */
        k->kopt.variance = ONC_KM_VARIANCE_ROBUST;
        k->kopt.cluster = s->cluster;
        k->kopt.n_clusters = s->n_clusters;
    }
    onc_error_clear(&err);
    rc = onc_km_fit_groups(s->n, r->time, r->entry, s->status, s->weights, s->group,
                           s->n_groups, &k->kopt, &r->fit, &err);
    if (rc != ONC_OK)
        return cli_surv_fail(s, cmd, &err, rc);
    if ((code = km_test(k, s, r->time, r->entry, (size_t)ref, r, &chisq, &df, &p)) != CLI_OK)
        return code;
    if (k->hr && (code = km_cox(s, r->time, r->entry, (size_t)ref, k->kopt.conf_level, r)) !=
                     CLI_OK)
        return code;

    if (k->annotation != NULL) {
        snprintf(r->annotation, sizeof r->annotation, "%s", k->annotation);
    } else {
        rc = onc_plot_km_annotation(r->test_name[0] ? r->test_name : NULL, p,
                                    k->hr ? r->cox : NULL,
                                    (const char *const *)r->contrast, r->annotation,
                                    sizeof r->annotation, &err);
        if (rc != ONC_OK)
            return cli_plot_fail(cmd, &err, rc);
    }
    rc = onc_plot_km_curves_from_fit(r->fit, s->n, r->time, s->status, s->group,
                                     r->label, 1.0, &r->curves, &err);
    if (rc != ONC_OK)
        return cli_plot_fail(cmd, &err, rc);
    if (!r->curves->risk_counts_valid) {
        if ((k->risk_table_set && k->popt.risk_table) || k->popt.kmunicate ||
            k->popt.min_at_risk > 0) {
            fprintf(stderr, "oncostat %s: with delayed entry (Surv(entry, exit, status)) "
                            "the numbers at risk cannot be drawn: leave out --risk-table, "
                            "--kmunicate and --min-at-risk\n", cmd);
            return CLI_USAGE;
        }
        k->popt.risk_table = 0;
        fprintf(stderr, "oncostat %s: delayed entry: the figure has no numbers-at-risk "
                        "table\n", cmd);
    }
    k->popt.title = k->page.title;
    k->popt.time_unit = k->unit;
    k->popt.width_in = k->page.width;
    k->popt.height_in = k->page.height;
    k->popt.dpi = k->page.dpi;
    k->popt.font_size = k->page.font_size;
    k->popt.annotation = r->annotation[0] ? r->annotation : NULL;
    rc = onc_plot_km(r->curves->curves, r->curves->n_curves, &k->popt,
                     a->common.out_path, &err);
    if (rc != ONC_OK)
        return cli_plot_fail(cmd, &err, rc);

    memset(&sum, 0, sizeof sum);
    sum.path = a->common.out_path;
    sum.formula = onc_formula_text(a->formula);
    sum.fit = r->fit;
    sum.groups.n_groups = s->n_groups;
    sum.groups.labels = r->label;
    sum.time_unit = k->unit;
    sum.test_name = r->test_name[0] ? r->test_name : NULL;
    sum.test_chisq = chisq;
    sum.test_df = df;
    sum.test_p = p;
    sum.cox = k->hr ? r->cox : NULL;
    sum.contrast_labels = (const char *const *)r->contrast;
    sum.annotation = r->annotation;
    sum.excluded = &a->excluded;
    return cli_plot_summary_out(cmd, onc_plot_km_summary_render(&sum, a->common.mode, stdout));
}

int cli_plot_km(int argc, char **argv)
{
    cli_analysis a;
    cli_surv s;
    km_plot_args k;
    km_plot_run r;
    int i, code;

    cli_analysis_init(&a);
    memset(&k, 0, sizeof k);
    memset(&s, 0, sizeof s);
    memset(&r, 0, sizeof r);
    onc_plot_km_options_init(&k.popt);
    onc_km_options_init(&k.kopt);
    k.kopt.rmst_rule = ONC_RMST_NONE;
    k.test = PLOT_TEST_LOGRANK;
    for (i = 1; i < argc; i++) {
        int used = cli_analysis_option(&a, argc, argv, &i, "plot km");
        if (used == 0)
            used = km_option(&k, argc, argv, &i);
        if (used < 0) {
            code = CLI_USAGE;
            goto cleanup;
        }
        if (used == 0) {
            fprintf(stderr, "oncostat plot km: unknown option '%s' (see oncostat plot km "
                            "--help)\n", argv[i]);
            code = CLI_USAGE;
            goto cleanup;
        }
    }
    if (a.common.help) {
        km_help();
        code = CLI_OK;
        goto cleanup;
    }
    if ((code = cli_plot_check_output("plot km", a.common.out_path)) != CLI_OK)
        goto cleanup;
    code = cli_analysis_load(&a, "plot km", 1);
    if (code == CLI_OK)
        code = cli_surv_take(&a, "plot km", NAN, &s);
    if (code == CLI_OK)
        code = km_run(&a, &k, &s, &r);
cleanup:
    km_plot_run_free(&r, s.n_groups > 0 ? s.n_groups - 1 : 0);
    cli_plot_list_free(&k.labels);
    cli_surv_free(&s);
    cli_analysis_free(&a);
    return code;
}
