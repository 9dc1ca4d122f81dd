/*
** cmd_logrank.c -- oncostat logrank DATA 'Surv(time, status) ~ groups' [options]
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
/* surv.h brings cli.h, whose guard does not cover its second half. */
#include "surv.h"

typedef struct logrank_args {
    onc_logrank_options opt;
    double scores[CLI_MAX_LIST];
    int n_scores;              /* 0 = 1, 2, ..., k */
    int trend;
    int rho_given, gamma_given, test_given;
    onc_p_adjust adjust;
    double landmark;
} logrank_args;

static void help(void)
{
    printf("Usage: oncostat logrank DATA 'Surv(time, status) ~ arm [+ strata(center)]'"
           " [OPTIONS]\n\n"
           "Compares the survival of the groups (every combination of the variables\n"
           "on the right) with the log-rank test or a weighted version, stratified\n"
           "by strata() terms, with an optional trend test and pairwise tests.\n"
           "The log-rank and Peto-Peto tests reproduce R survival's survdiff; see\n"
           "docs/km.md.\n\n"
           "Options:\n"
           "  --test T            logrank, peto (Peto-Peto, survdiff rho = 1), gehan\n"
           "                      (Gehan-Breslow), tarone-ware, or fleming-harrington\n"
           "                      (with --rho, --gamma) (default: logrank)\n"
           "  --rho R             Fleming-Harrington weight S(t-)^R (default: 0)\n"
           "  --gamma G           Fleming-Harrington weight (1 - S(t-))^G (default: 0)\n"
           "  --trend [SCORES]    test for trend across the groups in their order, with\n"
           "                      scores such as 0,1,2 (default: off; scores 1, 2, ...)\n"
           "  --pairwise [ADJ]    test every pair of groups; P adjusted by holm,\n"
           "                      bonferroni or none (default: off; holm when given)\n"
           "  --variance V        hypergeometric (survdiff) or breslow (the Cox score\n"
           "                      test, for non-integer weights) (default: hypergeometric)\n"
           "  --landmark T        only patients under follow-up at T, time counted from T\n"
           "                      (default: none)\n\n"
           "Delayed entry (Surv(start, stop, event)) is not supported, as in survdiff;\n"
           "use a Cox model score test for such data.\n\n%s\n%s",
           cli_analysis_help, cli_common_help);
}

/* Does s look like a list of numbers ("1,2,4")? */
static int is_number_list(const char *s)
{
    double tmp[CLI_MAX_LIST];

    return s != NULL && cli_parse_numbers(s, tmp, CLI_MAX_LIST) > 0;
}

static int parse_adjust(const char *v, onc_p_adjust *out)
{
    if (strcmp(v, "holm") == 0)
        *out = ONC_P_ADJUST_HOLM;
    else if (strcmp(v, "bonferroni") == 0)
        *out = ONC_P_ADJUST_BONFERRONI;
    else if (strcmp(v, "none") == 0)
        *out = ONC_P_ADJUST_NONE;
    else
        return -1;
    return 0;
}

static int parse_option(logrank_args *k, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    const char *v;
    double x;

    if (cli_is_option(arg, "--test")) {
        if ((v = cli_option_value(argc, argv, i, "--test")) == NULL)
            return -1;
        k->test_given = 1;
        if (strcmp(v, "logrank") == 0 || strcmp(v, "log-rank") == 0) {
            k->opt.weight = ONC_LOGRANK_WEIGHT_LOGRANK;
        } else if (strcmp(v, "peto") == 0) {
            k->opt.weight = ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON;
            k->opt.rho = 1.0;
            k->opt.gamma = 0.0;
        } else if (strcmp(v, "gehan") == 0 || strcmp(v, "wilcoxon") == 0 ||
                   strcmp(v, "breslow") == 0) {
            k->opt.weight = ONC_LOGRANK_WEIGHT_GEHAN_BRESLOW;
        } else if (strcmp(v, "tarone-ware") == 0) {
            k->opt.weight = ONC_LOGRANK_WEIGHT_TARONE_WARE;
        } else if (strcmp(v, "fleming-harrington") == 0) {
            k->opt.weight = ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON;
        } else {
            fprintf(stderr, "oncostat logrank: --test: expected logrank, peto, gehan, "
                            "tarone-ware or fleming-harrington, found '%s'\n", v);
            return -1;
        }
        return 1;
    }
    if (cli_is_option(arg, "--rho") || cli_is_option(arg, "--gamma")) {
        int rho = cli_is_option(arg, "--rho");
        const char *name = rho ? "--rho" : "--gamma";
        if ((v = cli_option_value(argc, argv, i, name)) == NULL ||
            cli_surv_number("logrank", name, v, &x) != 0)
            return -1;
        if (x < 0.0) {
            fprintf(stderr, "oncostat logrank: %s: must be >= 0, found '%s'\n",
                    name, v);
            return -1;
        }
        if (rho) {
            k->opt.rho = x;
            k->rho_given = 1;
        } else {
            k->opt.gamma = x;
            k->gamma_given = 1;
        }
        return 1;
    }
    if (cli_is_option(arg, "--trend")) {
        k->trend = 1;
        v = NULL;
        if (strchr(arg, '=') != NULL)
            v = strchr(arg, '=') + 1;
        else if (*i + 1 < argc && is_number_list(argv[*i + 1]))
            v = argv[++*i];
        if (v != NULL) {
            k->n_scores = cli_parse_numbers(v, k->scores, CLI_MAX_LIST);
            if (k->n_scores <= 0) {
                fprintf(stderr, "oncostat logrank: --trend: expected scores "
                                "separated by commas, found '%s'\n", v);
                return -1;
            }
        }
        return 1;
    }
    if (cli_is_option(arg, "--pairwise")) {
        k->opt.pairwise = 1;
        k->adjust = ONC_P_ADJUST_HOLM;
        v = NULL;
        if (strchr(arg, '=') != NULL)
            v = strchr(arg, '=') + 1;
        else if (*i + 1 < argc && parse_adjust(argv[*i + 1], &k->adjust) == 0)
            ++*i;
        if (v != NULL && parse_adjust(v, &k->adjust) != 0) {
            fprintf(stderr, "oncostat logrank: --pairwise: expected holm, "
                            "bonferroni or none, found '%s'\n", v);
            return -1;
        }
        return 1;
    }
    if (cli_is_option(arg, "--variance")) {
        if ((v = cli_option_value(argc, argv, i, "--variance")) == NULL)
            return -1;
        if (strcmp(v, "hypergeometric") == 0)
            k->opt.variance = ONC_LOGRANK_VARIANCE_HYPERGEOMETRIC;
        else if (strcmp(v, "breslow") == 0)
            k->opt.variance = ONC_LOGRANK_VARIANCE_BRESLOW;
        else {
            fprintf(stderr, "oncostat logrank: --variance: expected hypergeometric "
                            "or breslow, found '%s'\n", v);
            return -1;
        }
        return 1;
    }
    if (cli_is_option(arg, "--landmark")) {
        if ((v = cli_option_value(argc, argv, i, "--landmark")) == NULL ||
            cli_surv_number("logrank", "--landmark", v, &k->landmark) != 0)
            return -1;
        return 1;
    }
    return 0;
}

/* --rho/--gamma choose Fleming-Harrington unless another test was named. */
static int settle_test(logrank_args *k)
{
    if (!(k->rho_given || k->gamma_given))
        return 0;
    if (k->test_given && k->opt.weight != ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON) {
        fprintf(stderr, "oncostat logrank: --rho and --gamma belong to "
                        "--test fleming-harrington\n");
        return -1;
    }
    k->opt.weight = ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON;
    return 0;
}

static int run(cli_analysis *a, logrank_args *k, cli_surv *s)
{
    onc_logrank_result *res = NULL;
    onc_logrank_report rep;
    onc_output *out = NULL;
    onc_error err;
    onc_status rc;
    int code;

    if (s->entry != NULL) {
        fprintf(stderr, "oncostat logrank: delayed entry (Surv(start, stop, "
                        "event)) is not supported, as in R survdiff; use a Cox "
                        "model's score test for such data\n");
        return CLI_USAGE;
    }
    if (s->cluster != NULL) {
        fprintf(stderr, "oncostat logrank: cluster() is not used by the "
                        "log-rank test; remove it from the formula\n");
        return CLI_USAGE;
    }
    if (s->n_groups < 2) {
        fprintf(stderr, "oncostat logrank: the test needs at least two groups; "
                        "the formula gives %zu (%s)\n", s->n_groups,
                s->n_groups == 1 ? s->labels.labels[0] : "none");
        return CLI_COMPUTE;
    }
    if (k->n_scores > 0) {
        if ((size_t)k->n_scores != s->n_groups) {
            fprintf(stderr, "oncostat logrank: --trend: %d scores given for %zu "
                            "groups\n", k->n_scores, s->n_groups);
            return CLI_USAGE;
        }
        k->opt.trend_scores = k->scores;
    }
    onc_error_clear(&err);
    rc = onc_logrank_test(s->n, s->time, s->status, s->weights, s->group,
                          s->n_groups, s->stratum, s->n_strata, &k->opt, &res,
                          &err);
    if (rc != ONC_OK)
        return cli_surv_fail(s, "logrank", &err, rc);

    onc_logrank_report_init(&rep);
    rep.result = res;
    rep.groups = s->labels;
    rep.strata_labels = (const char *const *)a->model->strata_labels;
    rep.formula = onc_formula_text(a->formula);
    rep.show_trend = k->trend;
    rep.adjust = k->adjust;
    rep.excluded = &a->excluded;
    rep.landmark = s->landmark;

    code = cli_output_open(&a->common, &out);
    if (code == CLI_OK) {
        rc = onc_logrank_render(&rep, a->common.mode, onc_output_file(out));
        if (rc != ONC_OK) {
            onc_output_abort(out);
            code = cli_surv_fail(s, "logrank", NULL, rc);
        } else {
            code = cli_output_close(out);
        }
    }
    onc_logrank_free(res);
    return code;
}

int cmd_logrank(int argc, char **argv)
{
    cli_analysis a;
    cli_surv s;
    logrank_args k;
    int i, code;

    cli_analysis_init(&a);
    memset(&k, 0, sizeof k);
    memset(&s, 0, sizeof s);
    onc_logrank_options_init(&k.opt);
    k.adjust = ONC_P_ADJUST_HOLM;
    k.landmark = NAN;
    for (i = 1; i < argc; i++) {
        int used = cli_analysis_option(&a, argc, argv, &i, "logrank");
        if (used < 0)
            return CLI_USAGE;
        if (used)
            continue;
        used = parse_option(&k, argc, argv, &i);
        if (used < 0)
            return CLI_USAGE;
        if (used == 0) {
            fprintf(stderr, "oncostat logrank: unknown option '%s' (see oncostat "
                            "logrank --help)\n", argv[i]);
            return CLI_USAGE;
        }
    }
    if (a.common.help) {
        help();
        return CLI_OK;
    }
    if (settle_test(&k) != 0)
        return CLI_USAGE;
    code = cli_analysis_load(&a, "logrank", 1);
    if (code == CLI_OK)
        code = cli_surv_take(&a, "logrank", k.landmark, &s);
    if (code == CLI_OK)
        code = run(&a, &k, &s);
    cli_surv_free(&s);
    cli_analysis_free(&a);
    return code;
}
