/*
** cmd_ps.c -- oncostat ps DATA 'arm ~ covariates' [options]
**
** Propensity scores, IPTW/overlap weights or matching, positivity, balance
** before and after, and optionally the weighted survival comparison with
** a bootstrap.  The library does the work (oncostat/ps.h, ps_outcome.h,
** ps_render.h); this file turns the model frame into its plain arrays.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
/* surv.h brings cli.h, whose guard does not cover its second half. */
#include "surv.h"
#include "oncostat/ps_outcome.h"
#include "oncostat/ps_render.h"

#define PS_MAX_BOOTSTRAP 100000
#define PS_MAX_THREADS 64

typedef struct ps_args {
    onc_ps_design_options design;
    const char *estimand;       /* NULL = ATE */
    const char *treated;        /* level name, NULL = the second arm */
    const char *outcome;
    const char *weights_out;
    const char *id;
    double times[CLI_MAX_LIST];
    size_t n_times;
    double conf_level;
    double threshold;
    size_t bootstrap;
    unsigned long long seed;
    unsigned threads;
    int method_set, match_option, weight_option;
} ps_args;

static void help(void)
{
    printf("Usage: oncostat ps DATA 'arm ~ age + sex + factor(ecog) + ...' [OPTIONS]\n\n"
           "Propensity scores for the treatment on the left (two arms: logistic\n"
           "regression; three or more: multinomial), then inverse probability of\n"
           "treatment weights, overlap weights or nearest-neighbour matching; the\n"
           "positivity check and covariate balance before and after.  With --outcome\n"
           "also the weighted Kaplan-Meier curves, weighted log-rank test and Cox\n"
           "model with robust variance, and a bootstrap that refits the propensity\n"
           "model in every replicate.  See docs/ps.md.\n\n"
           "Design options:\n"
           "  --method M          iptw, overlap or match (default: iptw)\n"
           "  --estimand E        ATE or ATT, for iptw (default: ATE; match is ATT)\n"
           "  --treated LEVEL     the treated arm for ATT and matching (default: the\n"
           "                      second level, i.e. the first after the reference)\n"
           "  --stabilize         stabilised ATE weights (default: off)\n"
           "  --trim L,U          truncate the weights at the L-th and U-th\n"
           "                      percentiles, e.g. 1,99 (default: none)\n"
           "  --ratio K           controls per treated patient, match (default: 1)\n"
           "  --caliper C         caliper in SDs of the logit of the score, match\n"
           "                      (default: none)\n"
           "  --replace           match with replacement (default: without)\n"
           "  --order O           largest, smallest or data: order in which treated\n"
           "                      patients choose, match (default: largest)\n"
           "  --smd-threshold T   flag |SMD| above T in the balance table (default: 0.1)\n"
           "  --weights-out FILE  write every patient's row number, id, arm, scores,\n"
           "                      weight (and matched set) as CSV (default: none)\n"
           "  --id COL            include column COL in the weights file (default: none)\n\n"
           "Outcome options:\n"
           "  --outcome 'Surv(time, status)'  compare survival between the arms with\n"
           "                      the weights (default: none)\n"
           "  --times LIST        survival at these times, e.g. 12,24 (default: none)\n"
           "  --conf-level L      confidence level (default: 0.95)\n"
           "  --bootstrap B       bootstrap replicates for the HR and S(t) (default: 0,\n"
           "                      none)\n"
           "  --seed S            bootstrap seed; same seed, same result on any number\n"
           "                      of threads (default: 1)\n"
           "  --threads T         threads for the bootstrap (default: all processors)\n\n"
           "Model options:\n"
           "  --ref VAR=LEVEL     reference level of a factor; --ref arm=LEVEL picks\n"
           "                      the reference arm (default: the first level, sorted\n"
           "                      as R sorts)\n\n%s",
           cli_common_help);
}

static int ps_count(const char *option, const char *v, size_t max, size_t *out)
{
    char *end;
    unsigned long long x = strtoull(v, &end, 10);

    if (end == v || *end != '\0' || v[0] == '-' || x < 1 || x > max) {
        fprintf(stderr, "oncostat ps: %s: expected a whole number from 1 to %zu, "
                        "found '%s'\n", option, max, v);
        return -1;
    }
    *out = (size_t)x;
    return 0;
}

static int parse_option(ps_args *k, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    const char *v;
    size_t count;

    if (cli_is_option(arg, "--method")) {
        if ((v = cli_option_value(argc, argv, i, "--method")) == NULL)
            return -1;
        if (strcmp(v, "iptw") == 0)
            k->design.method = ONC_PS_METHOD_IPTW;
        else if (strcmp(v, "overlap") == 0)
            k->design.method = ONC_PS_METHOD_OVERLAP;
        else if (strcmp(v, "match") == 0)
            k->design.method = ONC_PS_METHOD_MATCH;
        else {
            fprintf(stderr, "oncostat ps: --method: expected iptw, overlap or match, "
                            "found '%s'\n", v);
            return -1;
        }
        k->method_set = 1;
        return 1;
    }
    if (cli_is_option(arg, "--estimand")) {
        if ((v = cli_option_value(argc, argv, i, "--estimand")) == NULL)
            return -1;
        if (strcmp(v, "ATE") == 0 || strcmp(v, "ate") == 0)
            k->design.weight.estimand = ONC_PS_ATE;
        else if (strcmp(v, "ATT") == 0 || strcmp(v, "att") == 0)
            k->design.weight.estimand = ONC_PS_ATT;
        else {
            fprintf(stderr, "oncostat ps: --estimand: expected ATE or ATT, found "
                            "'%s' (overlap weights: --method overlap)\n", v);
            return -1;
        }
        k->estimand = v;
        return 1;
    }
    if (cli_is_option(arg, "--treated")) {
        if ((k->treated = cli_option_value(argc, argv, i, "--treated")) == NULL)
            return -1;
        return 1;
    }
    if (strcmp(arg, "--stabilize") == 0 || strcmp(arg, "--stabilise") == 0) {
        k->design.weight.stabilize = 1;
        k->weight_option = 1;
        return 1;
    }
    if (cli_is_option(arg, "--trim")) {
        double q[2];

        if ((v = cli_option_value(argc, argv, i, "--trim")) == NULL)
            return -1;
        if (cli_parse_numbers(v, q, 2) != 2 || !(q[0] >= 0.0 && q[0] < q[1] &&
                                                 q[1] <= 100.0)) {
            fprintf(stderr, "oncostat ps: --trim: expected two percentiles "
                            "LOWER,UPPER with 0 <= LOWER < UPPER <= 100, e.g. 1,99, "
                            "found '%s'\n", v);
            return -1;
        }
        k->design.weight.trim_lower = q[0] / 100.0;
        k->design.weight.trim_upper = q[1] / 100.0;
        k->weight_option = 1;
        return 1;
    }
    if (cli_is_option(arg, "--ratio")) {
        if ((v = cli_option_value(argc, argv, i, "--ratio")) == NULL ||
            ps_count("--ratio", v, ONC_MATCH_MAX_RATIO, &count) != 0)
            return -1;
        k->design.match.ratio = count;
        k->match_option = 1;
        return 1;
    }
    if (cli_is_option(arg, "--caliper")) {
        if ((v = cli_option_value(argc, argv, i, "--caliper")) == NULL ||
            cli_surv_number("ps", "--caliper", v, &k->design.match.caliper) != 0)
            return -1;
        if (!(k->design.match.caliper > 0.0)) {
            fprintf(stderr, "oncostat ps: --caliper: must be positive, found '%s'\n", v);
            return -1;
        }
        k->match_option = 1;
        return 1;
    }
    if (strcmp(arg, "--replace") == 0) {
        k->design.match.replace = 1;
        k->match_option = 1;
        return 1;
    }
    if (cli_is_option(arg, "--order")) {
        if ((v = cli_option_value(argc, argv, i, "--order")) == NULL)
            return -1;
        if (strcmp(v, "largest") == 0)
            k->design.match.order = ONC_MATCH_LARGEST;
        else if (strcmp(v, "smallest") == 0)
            k->design.match.order = ONC_MATCH_SMALLEST;
        else if (strcmp(v, "data") == 0)
            k->design.match.order = ONC_MATCH_DATA;
        else {
            fprintf(stderr, "oncostat ps: --order: expected largest, smallest or "
                            "data, found '%s'\n", v);
            return -1;
        }
        k->match_option = 1;
        return 1;
    }
    if (cli_is_option(arg, "--smd-threshold")) {
        if ((v = cli_option_value(argc, argv, i, "--smd-threshold")) == NULL ||
            cli_surv_number("ps", "--smd-threshold", v, &k->threshold) != 0)
            return -1;
        if (!(k->threshold > 0.0)) {
            fprintf(stderr, "oncostat ps: --smd-threshold: must be positive, found "
                            "'%s'\n", v);
            return -1;
        }
        return 1;
    }
    if (cli_is_option(arg, "--weights-out")) {
        if ((k->weights_out = cli_option_value(argc, argv, i, "--weights-out")) == NULL)
            return -1;
        return 1;
    }
    if (cli_is_option(arg, "--id")) {
        if ((k->id = cli_option_value(argc, argv, i, "--id")) == NULL)
            return -1;
        return 1;
    }
    if (cli_is_option(arg, "--outcome")) {
        if ((k->outcome = cli_option_value(argc, argv, i, "--outcome")) == NULL)
            return -1;
        return 1;
    }
    if (cli_is_option(arg, "--times")) {
        int n;

        if ((v = cli_option_value(argc, argv, i, "--times")) == NULL)
            return -1;
        n = cli_parse_numbers(v, k->times, CLI_MAX_LIST);
        if (n <= 0) {
            fprintf(stderr, "oncostat ps: --times: expected numbers separated by "
                            "commas (at most %d), found '%s'\n", CLI_MAX_LIST, v);
            return -1;
        }
        k->n_times = (size_t)n;
        return 1;
    }
    if (cli_is_option(arg, "--conf-level")) {
        if ((v = cli_option_value(argc, argv, i, "--conf-level")) == NULL ||
            cli_surv_number("ps", "--conf-level", v, &k->conf_level) != 0)
            return -1;
        if (!(k->conf_level > 0.0 && k->conf_level < 1.0)) {
            fprintf(stderr, "oncostat ps: --conf-level: must be between 0 and 1, "
                            "found '%s'\n", v);
            return -1;
        }
        return 1;
    }
    if (cli_is_option(arg, "--bootstrap")) {
        if ((v = cli_option_value(argc, argv, i, "--bootstrap")) == NULL ||
            ps_count("--bootstrap", v, PS_MAX_BOOTSTRAP, &k->bootstrap) != 0)
            return -1;
        return 1;
    }
    if (cli_is_option(arg, "--seed")) {
        char *end;

        if ((v = cli_option_value(argc, argv, i, "--seed")) == NULL)
            return -1;
        k->seed = strtoull(v, &end, 10);
        if (end == v || *end != '\0' || v[0] == '-' || k->seed > (unsigned long long)INT64_MAX) {
            fprintf(stderr, "oncostat ps: --seed: expected a whole number from 0 to "
                            "%lld, found '%s'\n", (long long)INT64_MAX, v);
            return -1;
        }
        return 1;
    }
    if (cli_is_option(arg, "--threads")) {
        if ((v = cli_option_value(argc, argv, i, "--threads")) == NULL ||
            ps_count("--threads", v, PS_MAX_THREADS, &count) != 0)
            return -1;
        k->threads = (unsigned)count;
        return 1;
    }
    return 0;
}

/* Options that do not belong to the chosen method are mistakes. */
static int check_options(const ps_args *k)
{
    onc_ps_method m = k->design.method;

    if (m == ONC_PS_METHOD_MATCH && (k->weight_option || k->estimand != NULL)) {
        fprintf(stderr, "oncostat ps: --estimand, --stabilize and --trim apply to "
                        "weights (--method iptw or overlap); matching estimates the "
                        "ATT of --treated\n");
        return -1;
    }
    if (m != ONC_PS_METHOD_MATCH && k->match_option) {
        fprintf(stderr, "oncostat ps: --ratio, --caliper, --replace and --order "
                        "apply to --method match\n");
        return -1;
    }
    if (m == ONC_PS_METHOD_OVERLAP && k->estimand != NULL) {
        fprintf(stderr, "oncostat ps: --estimand does not apply to overlap weights "
                        "(their estimand is the ATO)\n");
        return -1;
    }
    if (k->treated != NULL && m != ONC_PS_METHOD_MATCH &&
        !(m == ONC_PS_METHOD_IPTW && k->design.weight.estimand == ONC_PS_ATT)) {
        fprintf(stderr, "oncostat ps: --treated names the target arm of the ATT "
                        "(--estimand ATT) or of matching (--method match)\n");
        return -1;
    }
    if (k->design.weight.stabilize &&
        (m != ONC_PS_METHOD_IPTW || k->design.weight.estimand != ONC_PS_ATE)) {
        fprintf(stderr, "oncostat ps: --stabilize applies to ATE weights only\n");
        return -1;
    }
    if (k->outcome == NULL && (k->n_times > 0 || k->bootstrap > 0)) {
        fprintf(stderr, "oncostat ps: --times and --bootstrap need --outcome "
                        "'Surv(time, status)'\n");
        return -1;
    }
    if (k->id != NULL && k->weights_out == NULL) {
        fprintf(stderr, "oncostat ps: --id names the id column of --weights-out; "
                        "give --weights-out FILE too\n");
        return -1;
    }
    return 0;
}

/* Everything built from the model frame, freed together. */
typedef struct ps_data {
    char *formula;              /* the formula the model was built from */
    const char *treatment;      /* the treatment column */
    size_t n, p, n_arms;
    int *arm;
    const char **arm_labels;
    const double *x;            /* n x p covariates (inside the model's x) */
    const char **coef_names;    /* p + 1 */
    /* balance variables */
    size_t n_vars, n_rows;
    double *bal_x;
    onc_balance_type *bal_type;
    size_t *bal_levels;
    char **bal_names;           /* n_vars */
    char **bal_labels;          /* n_rows */
    char **ids;                 /* n, with --id */
} ps_data;

static void ps_data_free(ps_data *d)
{
    size_t i;

    free(d->formula);
    free(d->arm);
    free(d->arm_labels);
    free(d->coef_names);
    free(d->bal_x);
    free(d->bal_type);
    free(d->bal_levels);
    if (d->bal_names != NULL)
        for (i = 0; i < d->n_vars; i++)
            free(d->bal_names[i]);
    free(d->bal_names);
    if (d->bal_labels != NULL)
        for (i = 0; i < d->n_rows; i++)
            free(d->bal_labels[i]);
    free(d->bal_labels);
    if (d->ids != NULL)
        for (i = 0; i < d->n; i++)
            free(d->ids[i]);
    free(d->ids);
}

static char *ps_strdup(const char *s)
{
    size_t len = strlen(s) + 1;
    char *c = malloc(len);

    if (c != NULL)
        memcpy(c, s, len);
    return c;
}

static char *ps_join(const char *a, const char *sep, const char *b)
{
    size_t len = strlen(a) + strlen(sep) + strlen(b) + 1;
    char *c = malloc(len);

    if (c != NULL)
        snprintf(c, len, "%s%s%s", a, sep, b);
    return c;
}

/*
** The model is built from `[outcome] ~ factor(arm) + covariates`: one
** model frame drops every row with a missing treatment, covariate or
** outcome, so the propensity model and the outcome see the same patients.
*/
static int build_formula(const char *text, const char *outcome, char **owned,
                         char **treatment)
{
    onc_formula *f = NULL;
    onc_error err;
    onc_status rc;
    const char *arm, *norm, *rhs;
    char *quoted = NULL;
    size_t qlen, len, t;
    int code = CLI_USAGE;

    *owned = NULL;
    *treatment = NULL;
    rc = onc_formula_parse(text, &f, &err);
    if (rc != ONC_OK) {
        cli_print_error(&err, rc);
        return CLI_USAGE;
    }
    arm = f->kind == ONC_RESPONSE_VALUE ? onc_expr_bare_column(f->response[0]) : NULL;
    if (arm == NULL) {
        fprintf(stderr, "oncostat ps: the left side of the formula must be the "
                        "treatment column, e.g. 'arm ~ age + sex + factor(ecog)'\n");
        goto done;
    }
    if (f->n_strata > 0 || f->cluster != NULL || f->offset != NULL) {
        fprintf(stderr, "oncostat ps: strata(), cluster() and offset() have no "
                        "place in a propensity model\n");
        goto done;
    }
    for (t = 0; t < f->n_terms; t++) {
        size_t v;

        for (v = 0; v < f->terms[t].order; v++)
            if (strcmp(f->terms[t].vars[v].name, arm) == 0) {
                fprintf(stderr, "oncostat ps: the treatment '%s' cannot also be a "
                                "covariate (term '%s')\n", arm, f->terms[t].label);
                goto done;
            }
    }
    quoted = onc_expr_quote_name(arm);
    if (quoted == NULL) {
        code = CLI_COMPUTE;
        goto done;
    }
    norm = onc_formula_text(f);
    qlen = strlen(quoted);
    if (strncmp(norm, quoted, qlen) != 0 || strncmp(norm + qlen, " ~ ", 3) != 0) {
        fprintf(stderr, "oncostat ps: cannot read the treatment from '%s'\n", norm);
        goto done;
    }
    rhs = norm + qlen + 3;
    len = strlen(outcome != NULL ? outcome : "") + qlen + strlen(rhs) + 32;
    *owned = malloc(len);
    if (*owned == NULL) {
        code = CLI_COMPUTE;
        goto done;
    }
    snprintf(*owned, len, "%s ~ factor(%s) + %s", outcome != NULL ? outcome : "",
             quoted, rhs);
    *treatment = ps_strdup(arm);
    code = *treatment != NULL ? CLI_OK : CLI_COMPUTE;
done:
    free(quoted);
    onc_formula_free(f);
    return code;
}

/* Arms and covariates from the model: its first term is factor(arm). */
static int take_arms(const onc_model *m, const char *treatment, ps_data *d)
{
    size_t k1 = 0, i, j;

    while (k1 < m->p && m->cols[k1].level != NULL &&
           strcmp(m->cols[k1].variable, treatment) == 0 &&
           strchr(m->cols[k1].term, ':') == NULL)
        k1++;
    if (k1 == 0) {
        fprintf(stderr, "oncostat ps: the treatment '%s' has a single level among "
                        "the %zu rows used: there is nothing to compare\n",
                treatment, m->n);
        return CLI_COMPUTE;
    }
    if (k1 + 1 > ONC_PS_MAX_ARMS) {
        fprintf(stderr, "oncostat ps: the treatment '%s' has %zu levels; at most %d "
                        "arms are supported\n", treatment, k1 + 1, ONC_PS_MAX_ARMS);
        return CLI_USAGE;
    }
    d->n = m->n;
    d->n_arms = k1 + 1;
    d->p = m->p - k1;
    d->x = m->x + k1 * m->n;
    d->arm = malloc(m->n * sizeof *d->arm);
    d->arm_labels = malloc(d->n_arms * sizeof *d->arm_labels);
    d->coef_names = malloc((d->p + 1) * sizeof *d->coef_names);
    if (d->arm == NULL || d->arm_labels == NULL || d->coef_names == NULL)
        return CLI_COMPUTE;
    d->arm_labels[0] = m->cols[0].reference;
    for (j = 0; j < k1; j++)
        d->arm_labels[j + 1] = m->cols[j].level;
    for (i = 0; i < m->n; i++) {
        d->arm[i] = 0;
        for (j = 0; j < k1; j++)
            if (m->x[j * m->n + i] == 1.0)
                d->arm[i] = (int)j + 1;
    }
    d->coef_names[0] = "(Intercept)";
    for (j = 0; j < d->p; j++)
        d->coef_names[j + 1] = m->cols[k1 + j].name;
    return CLI_OK;
}

/*
** Balance variables, as cobalt lists them: numeric terms as continuous
** (binary when every value is 0 or 1), a two-level factor as one binary
** row for its second level, a factor with more levels as one row per
** level, and interaction columns one by one.
*/
static int take_balance(const onc_model *m, ps_data *d)
{
    size_t first = d->n_arms - 1, j = first, v = 0, row = 0, i, n = m->n;

    /* At most one variable and (levels) rows per design column, plus one
    ** reference level per factor.  n x p cannot overflow: the model holds
    ** an n x p matrix already. */
    d->bal_x = malloc(n * (d->p ? d->p : 1) * sizeof *d->bal_x);
    d->bal_type = calloc(d->p ? d->p : 1, sizeof *d->bal_type);
    d->bal_levels = calloc(d->p ? d->p : 1, sizeof *d->bal_levels);
    d->bal_names = calloc(d->p ? d->p : 1, sizeof *d->bal_names);
    d->bal_labels = calloc(2 * d->p + 1, sizeof *d->bal_labels);
    if (d->bal_x == NULL || d->bal_type == NULL || d->bal_levels == NULL ||
        d->bal_names == NULL || d->bal_labels == NULL)
        return -1;
    while (j < m->p) {
        const onc_model_column *c = &m->cols[j];
        double *col = d->bal_x + v * n;
        size_t width = 1, l;

        if (c->level != NULL && strchr(c->term, ':') == NULL) {
            while (j + width < m->p && strcmp(m->cols[j + width].term, c->term) == 0)
                width++;
        }
        if (c->level != NULL && strchr(c->term, ':') == NULL && width > 1) {
            d->bal_type[v] = ONC_BALANCE_FACTOR;
            d->bal_levels[v] = width + 1;
            for (i = 0; i < n; i++) {
                col[i] = 0.0;
                for (l = 0; l < width; l++)
                    if (m->x[(j + l) * n + i] == 1.0)
                        col[i] = (double)(l + 1);
            }
            d->bal_names[v] = ps_strdup(c->variable);
            d->bal_labels[row++] = ps_join(c->variable, "=", c->reference);
            for (l = 0; l < width; l++)
                d->bal_labels[row++] = ps_join(c->variable, "=", m->cols[j + l].level);
        } else {
            int binary = 1;

            memcpy(col, m->x + j * n, n * sizeof *col);
            for (i = 0; i < n && binary; i++)
                binary = col[i] == 0.0 || col[i] == 1.0;
            d->bal_type[v] = binary ? ONC_BALANCE_BINARY : ONC_BALANCE_CONTINUOUS;
            d->bal_levels[v] = 0;
            d->bal_names[v] = ps_strdup(c->name);
            if (c->level != NULL && strchr(c->term, ':') == NULL)
                d->bal_labels[row++] = ps_join(c->variable, "=", c->level);
            else
                d->bal_labels[row++] = ps_strdup(c->name);
        }
        if (d->bal_names[v] == NULL || d->bal_labels[row - 1] == NULL)
            return -1;
        v++;
        j += width;
    }
    d->n_vars = v;
    d->n_rows = row;
    return 0;
}

/* The id of each used row as text, for the weights file. */
static int take_ids(const onc_frame *df, const onc_model *m, const char *id, ps_data *d)
{
    long c = onc_frame_find(df, id);
    const onc_column *col;
    size_t i;

    if (c < 0) {
        fprintf(stderr, "oncostat ps: --id: no column named '%s' in %s\n", id,
                df->source != NULL ? df->source : "the data");
        return CLI_USAGE;
    }
    col = &df->cols[c];
    d->ids = calloc(m->n ? m->n : 1, sizeof *d->ids);
    if (d->ids == NULL)
        return CLI_COMPUTE;
    for (i = 0; i < m->n; i++) {
        size_t r = m->row[i] - 1;
        char buf[64];

        if (onc_column_is_missing(col, r))
            snprintf(buf, sizeof buf, "NA");
        else if (col->type == ONC_COL_FACTOR)
            d->ids[i] = ps_strdup(col->levels[col->code[r]]);
        else if (col->type == ONC_COL_DATE)
            onc_date_format(col->num[r], buf, sizeof buf);
        else
            onc_format_double(col->num[r], buf, sizeof buf);
        if (d->ids[i] == NULL)
            d->ids[i] = ps_strdup(buf);
        if (d->ids[i] == NULL)
            return CLI_COMPUTE;
    }
    return CLI_OK;
}

static int find_arm(const ps_data *d, const char *level)
{
    size_t a;

    for (a = 0; a < d->n_arms; a++)
        if (strcmp(d->arm_labels[a], level) == 0)
            return (int)a;
    return -1;
}

/* A library failure after the data were read: exit 2 for usage, else 1. */
static int ps_fail(const cli_analysis *a, const onc_error *err, onc_status rc)
{
    if (err != NULL && err->row > 0 && err->row <= a->model->n) {
        const char *msg = strstr(err->message, ": ");

        fprintf(stderr, "oncostat ps: row %zu%s%s%s: %s\n", a->model->row[err->row - 1],
                err->column[0] ? ", column '" : "", err->column,
                err->column[0] ? "'" : "", msg != NULL ? msg + 2 : err->message);
    } else if (err != NULL && err->message[0] != '\0') {
        fprintf(stderr, "oncostat ps: %s\n", err->message);
    } else {
        fprintf(stderr, "oncostat ps: %s\n", onc_status_string(rc));
    }
    return rc == ONC_ERR_USAGE ? CLI_USAGE : CLI_COMPUTE;
}

static int write_weights(const cli_analysis *a, const ps_args *k, const ps_data *d,
                         const onc_ps_design *design)
{
    onc_ps_weights_file wf;
    onc_output *out = NULL;
    onc_error err;
    onc_status rc;

    rc = onc_output_open(k->weights_out, &out, &err);
    if (rc != ONC_OK) {
        cli_print_error(&err, rc);
        return CLI_USAGE;
    }
    memset(&wf, 0, sizeof wf);
    wf.design = design;
    wf.arm = d->arm;
    wf.arm_labels = d->arm_labels;
    wf.rows = a->model->row;
    wf.id_name = k->id;
    wf.ids = (const char *const *)d->ids;
    rc = onc_ps_write_weights(&wf, onc_output_file(out));
    if (rc != ONC_OK) {
        onc_output_abort(out);
        fprintf(stderr, "oncostat ps: cannot write %s: %s\n", k->weights_out,
                onc_status_string(rc));
        return CLI_USAGE;
    }
    rc = onc_output_commit(out, &err);
    if (rc != ONC_OK) {
        cli_print_error(&err, rc);
        return CLI_USAGE;
    }
    return CLI_OK;
}

static int run(cli_analysis *a, ps_args *k, ps_data *d)
{
    onc_ps_design *design = NULL;
    onc_ps_positivity *pos = NULL;
    onc_balance_table *bal = NULL;
    onc_ps_outcome *res = NULL;
    onc_ps_bootstrap *boot = NULL;
    onc_balance_options bopt;
    onc_ps_outcome_options oopt;
    onc_ps_report rep;
    onc_output *out = NULL;
    onc_error err;
    onc_status rc;
    int treated = 1, code;

    if (k->treated != NULL) {
        treated = find_arm(d, k->treated);
        if (treated < 0) {
            size_t i;

            fprintf(stderr, "oncostat ps: --treated: '%s' is not an arm of '%s'; the "
                            "arms are:", k->treated, d->treatment);
            for (i = 0; i < d->n_arms; i++)
                fprintf(stderr, "%s %s", i ? "," : "", d->arm_labels[i]);
            fputc('\n', stderr);
            return CLI_USAGE;
        }
    }
    k->design.weight.treated_arm = treated;
    k->design.match.treated_arm = treated;
    if (k->design.method == ONC_PS_METHOD_MATCH && d->n_arms != 2) {
        fprintf(stderr, "oncostat ps: matching compares two arms, '%s' has %zu; use "
                        "--method iptw or overlap\n", d->treatment, d->n_arms);
        return CLI_USAGE;
    }
    onc_error_clear(&err);
    rc = onc_ps_design_build(d->x, d->n, d->p, d->arm, d->n_arms, &k->design, &design, &err);
    if (rc != ONC_OK)
        return ps_fail(a, &err, rc);
    rc = onc_ps_check_positivity(design->model->ps, d->n, d->n_arms, d->arm,
                                 ONC_PS_POSITIVITY_LOWER, ONC_PS_POSITIVITY_UPPER, &pos,
                                 &err);
    if (rc != ONC_OK) {
        code = ps_fail(a, &err, rc);
        goto cleanup;
    }
    onc_balance_options_init(&bopt);
    bopt.estimand = k->design.method == ONC_PS_METHOD_OVERLAP ? ONC_PS_OVERLAP
                    : k->design.method == ONC_PS_METHOD_MATCH ? ONC_PS_ATT
                                                              : k->design.weight.estimand;
    bopt.treated_arm = treated;
    if (k->threshold > 0.0)
        bopt.threshold = k->threshold;
    if (d->n_vars > 0) {
        rc = onc_balance_compute(d->bal_x, d->n, d->n_vars, d->bal_type, d->bal_levels,
                                 (const char *const *)d->bal_names, d->arm, d->n_arms,
                                 design->weight, &bopt, &bal, &err);
        if (rc != ONC_OK) {
            code = ps_fail(a, &err, rc);
            goto cleanup;
        }
    }
    onc_ps_outcome_options_init(&oopt);
    oopt.times = k->n_times > 0 ? k->times : NULL;
    oopt.n_times = k->n_times;
    if (k->conf_level > 0.0)
        oopt.conf_level = k->conf_level;
    if (k->outcome != NULL) {
        if (a->model->kind != ONC_RESPONSE_SURV) {
            fprintf(stderr, "oncostat ps: --outcome takes Surv(time, status); "
                            "start-stop data are not supported here\n");
            code = CLI_USAGE;
            goto cleanup;
        }
        rc = onc_ps_outcome_fit(design, d->arm, a->model->time, a->model->status, &oopt,
                                &res, &err);
        if (rc != ONC_OK) {
            code = ps_fail(a, &err, rc);
            goto cleanup;
        }
        if (k->bootstrap > 0) {
            onc_ps_bootstrap_options bo;

            onc_ps_bootstrap_options_init(&bo);
            bo.replicates = k->bootstrap;
            bo.seed = k->seed;
            bo.threads = k->threads;
            rc = onc_ps_bootstrap_run(d->x, d->n, d->p, d->arm, d->n_arms, a->model->time,
                                      a->model->status, &k->design, &oopt, &bo, &boot,
                                      &err);
            if (rc != ONC_OK) {
                code = ps_fail(a, &err, rc);
                goto cleanup;
            }
        }
    }

    onc_ps_report_init(&rep);
    rep.formula = a->formula_text;
    rep.treatment = d->treatment;
    rep.arm_labels = d->arm_labels;
    rep.coef_names = d->coef_names;
    rep.n_coef_names = d->p + 1;
    rep.design = design;
    rep.options = &k->design;
    rep.arm = d->arm;
    rep.positivity = pos;
    rep.balance = bal;
    rep.balance_labels = (const char *const *)d->bal_labels;
    rep.balance_threshold = bopt.threshold;
    rep.rows = a->model->row;
    rep.outcome = k->outcome;
    rep.result = res;
    rep.times = oopt.times;
    rep.n_times = oopt.n_times;
    rep.bootstrap = boot;
    rep.excluded = &a->excluded;
    if (a->common.mode == ONC_OUTPUT_CSV && bal == NULL) {
        fprintf(stderr, "oncostat ps: --csv writes the balance table, and the model "
                        "has no covariates\n");
        code = CLI_USAGE;
        goto cleanup;
    }
    if (k->weights_out != NULL) {
        code = write_weights(a, k, d, design);
        if (code != CLI_OK)
            goto cleanup;
    }
    code = cli_output_open(&a->common, &out);
    if (code != CLI_OK)
        goto cleanup;
    rc = onc_ps_render(&rep, a->common.mode, onc_output_file(out));
    if (rc != ONC_OK) {
        onc_output_abort(out);
        fprintf(stderr, "oncostat ps: cannot write the report: %s\n",
                onc_status_string(rc));
        code = rc == ONC_ERR_IO ? CLI_USAGE : CLI_COMPUTE;
        goto cleanup;
    }
    code = cli_output_close(out);

cleanup:
    onc_ps_bootstrap_free(boot);
    onc_ps_outcome_free(res);
    onc_balance_free(bal);
    onc_ps_positivity_free(pos);
    onc_ps_design_free(design);
    return code;
}

int cmd_ps(int argc, char **argv)
{
    cli_analysis a;
    ps_args k;
    ps_data d;
    char *treatment = NULL;
    const char *user_formula;
    int i, code;

    cli_analysis_init(&a);
    memset(&k, 0, sizeof k);
    memset(&d, 0, sizeof d);
    onc_ps_design_options_init(&k.design);
    k.seed = 1;
    for (i = 1; i < argc; i++) {
        int used = cli_analysis_option(&a, argc, argv, &i, "ps");

        if (used < 0)
            return CLI_USAGE;
        if (used)
            continue;
        used = parse_option(&k, argc, argv, &i);
        if (used < 0)
            return CLI_USAGE;
        if (used == 0) {
            fprintf(stderr, "oncostat ps: unknown option '%s' (see oncostat ps "
                            "--help)\n", argv[i]);
            return CLI_USAGE;
        }
    }
    if (a.common.help) {
        help();
        return CLI_OK;
    }
    if (a.weights != NULL) {
        fprintf(stderr, "oncostat ps: --weights (case weights) is not supported by "
                        "the propensity analysis\n");
        return CLI_USAGE;
    }
    if (check_options(&k) != 0)
        return CLI_USAGE;
    if (a.data_path == NULL || a.formula_text == NULL) {
        fprintf(stderr, "oncostat ps: a data file and a formula are required, e.g.\n"
                        "  oncostat ps patients.csv 'arm ~ age + sex + factor(ecog)'\n");
        return CLI_USAGE;
    }
    user_formula = a.formula_text;
    code = build_formula(user_formula, k.outcome, &d.formula, &treatment);
    if (code == CLI_OK) {
        d.treatment = treatment;
        a.formula_text = d.formula;
        code = cli_analysis_load(&a, "ps", 0);
        a.formula_text = user_formula;
    }
    if (code == CLI_OK)
        code = take_arms(a.model, treatment, &d);
    if (code == CLI_OK && take_balance(a.model, &d) != 0) {
        fprintf(stderr, "oncostat ps: out of memory\n");
        code = CLI_COMPUTE;
    }
    if (code == CLI_OK && k.id != NULL)
        code = take_ids(a.frame, a.model, k.id, &d);
    if (code == CLI_OK)
        code = run(&a, &k, &d);
    ps_data_free(&d);
    free(treatment);
    cli_analysis_free(&a);
    return code;
}
