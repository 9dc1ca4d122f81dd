/*
** cmd_cox.c -- oncostat cox DATA 'Surv(time, status) ~ terms' [options]
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "cox_profile.h"
#include "oncostat/cox_render.h"

#define COX_MAX_PREDICT CLI_MAX_LIST

typedef struct cox_args {
    onc_cox_options opt;
    int zph;
    onc_cox_zph_transform zph_transform;
    int residuals;
    onc_cox_residual_type residual_type;
    const char *residual_out;
    const char *predict[COX_MAX_PREDICT];
    size_t n_predict;
    double times[CLI_MAX_LIST];
    size_t n_times;
    int univariable;
    size_t bootstrap;
    unsigned long long seed;
    int seed_given;
    int threads;
} cox_args;

static void help(void)
{
    printf("Usage: oncostat cox DATA 'Surv(time, status) ~ arm + age' [OPTIONS]\n\n"
           "Cox proportional hazards model: hazard ratios with confidence intervals\n"
           "and P values per variable and level (reference levels shown), likelihood\n"
           "ratio, Wald and score tests, Harrell's concordance.  On the right side:\n"
           "variables, factor(x), interactions a:b and a*b, strata(center) (separate\n"
           "baseline hazards), cluster(id) (robust variance by patient) and\n"
           "offset(expr).  Surv(start, stop, event) gives counting-process data\n"
           "(time-varying covariates, delayed entry).  Numbers follow R survival's\n"
           "coxph, cox.zph and survfit.coxph; see docs/cox.md.\n\n"
           "Options:\n"
           "  --ties T            efron, breslow or exact (default: efron, as R)\n"
           "  --robust            robust (sandwich) variance, by row or by cluster(id)\n"
           "                      (default: off; on with cluster() or non-integer\n"
           "                      weights, as R)\n"
           "  --conf-level L      confidence level of the hazard ratios (default: 0.95)\n"
           "  --max-iter N        Newton-Raphson iterations (default: 20)\n"
           "  --eps E             convergence tolerance on the log-likelihood\n"
           "                      (default: 1e-9)\n"
           "  --firth             Firth's penalized likelihood with profile-likelihood\n"
           "                      CIs and P values, for monotone likelihood (no events\n"
           "                      in a group) (default: off)\n"
           "  --zph [T]           test of proportional hazards, R cox.zph, with time\n"
           "                      transform T: km, rank, identity or log (default: off;\n"
           "                      T defaults to km)\n"
           "  --univariable       each term alone, then the multivariable model: the\n"
           "                      \"factors associated with\" table (default: off)\n"
           "  --predict SPEC      survival curve for a covariate profile, e.g.\n"
           "                      age=60,arm=TACE; variables not named take their\n"
           "                      reference level or their mean; repeatable (default:\n"
           "                      none); JSON adds the baseline cumulative hazard\n"
           "  --times LIST        predicted survival at these times in the text table\n"
           "                      (default: at every event time)\n"
           "  --residuals TYPE    write residuals to --out: martingale, deviance, score,\n"
           "                      schoenfeld, scaledsch, dfbeta or dfbetas (default: none)\n"
           "  --out FILE          the residual CSV, with the source row of each value,\n"
           "                      written atomically (required with --residuals)\n"
           "  --bootstrap B       B bootstrap replicates of the coefficients, resampling\n"
           "                      patients (or clusters); percentile CIs (default: none)\n"
           "  --seed S            seed of the bootstrap, 0 to 2^53 (default: 1)\n"
           "  --threads N         bootstrap threads, 0 = all cores (default: 0); the\n"
           "                      result does not depend on N\n\n%s\n%s",
           cli_analysis_help, cli_common_help);
}

static int cox_number(const char *opt, const char *v, double *out)
{
    char *end;
    double x = strtod(v, &end);

    if (end == v || *end != '\0' || !isfinite(x)) {
        fprintf(stderr, "oncostat cox: %s: expected a number, found '%s'\n", opt, v);
        return -1;
    }
    *out = x;
    return 0;
}

static int cox_count(const char *opt, const char *v, double lo, double hi, double *out)
{
    if (cox_number(opt, v, out) != 0)
        return -1;
    if (*out != floor(*out) || *out < lo || *out > hi) {
        fprintf(stderr, "oncostat cox: %s: expected a whole number from %.0f to %.0f, "
                        "found '%s'\n", opt, lo, hi, v);
        return -1;
    }
    return 0;
}

static int zph_name(const char *v, onc_cox_zph_transform *t)
{
    if (strcmp(v, "km") == 0)
        *t = ONC_ZPH_KM;
    else if (strcmp(v, "rank") == 0)
        *t = ONC_ZPH_RANK;
    else if (strcmp(v, "identity") == 0)
        *t = ONC_ZPH_IDENTITY;
    else if (strcmp(v, "log") == 0)
        *t = ONC_ZPH_LOG;
    else
        return -1;
    return 0;
}

static int parse_option(cox_args *k, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    const char *v;
    double x;

    if (cli_is_option(arg, "--ties")) {
        if ((v = cli_option_value(argc, argv, i, "--ties")) == NULL)
            return -1;
        if (strcmp(v, "efron") == 0)
            k->opt.ties = ONC_TIES_EFRON;
        else if (strcmp(v, "breslow") == 0)
            k->opt.ties = ONC_TIES_BRESLOW;
        else if (strcmp(v, "exact") == 0)
            k->opt.ties = ONC_TIES_EXACT;
        else {
            fprintf(stderr, "oncostat cox: --ties: expected efron, breslow or exact, "
                            "found '%s'\n", v);
            return -1;
        }
        return 1;
    }
    if (strcmp(arg, "--robust") == 0) {
        k->opt.robust = ONC_ROBUST_ON;
        return 1;
    }
    if (strcmp(arg, "--firth") == 0) {
        k->opt.firth = 1;
        return 1;
    }
    if (strcmp(arg, "--univariable") == 0) {
        k->univariable = 1;
        return 1;
    }
    if (cli_is_option(arg, "--conf-level")) {
        if ((v = cli_option_value(argc, argv, i, "--conf-level")) == NULL ||
            cox_number("--conf-level", v, &k->opt.conf_level) != 0)
            return -1;
        if (!(k->opt.conf_level > 0 && k->opt.conf_level < 1)) {
            fprintf(stderr, "oncostat cox: --conf-level: must be between 0 and 1, "
                            "found '%s'\n", v);
            return -1;
        }
        return 1;
    }
    if (cli_is_option(arg, "--max-iter")) {
        if ((v = cli_option_value(argc, argv, i, "--max-iter")) == NULL ||
            cox_count("--max-iter", v, 0, 10000, &x) != 0)
            return -1;
        k->opt.max_iter = (int)x;
        return 1;
    }
    if (cli_is_option(arg, "--eps")) {
        if ((v = cli_option_value(argc, argv, i, "--eps")) == NULL ||
            cox_number("--eps", v, &k->opt.eps) != 0)
            return -1;
        if (!(k->opt.eps > 0)) {
            fprintf(stderr, "oncostat cox: --eps: must be > 0, found '%s'\n", v);
            return -1;
        }
        k->opt.toler_inf = sqrt(k->opt.eps);     /* R coxph.control */
        return 1;
    }
    if (cli_is_option(arg, "--zph")) {
        k->zph = 1;
        k->zph_transform = ONC_ZPH_KM;
        if (strchr(arg, '=') != NULL) {
            if (zph_name(strchr(arg, '=') + 1, &k->zph_transform) != 0) {
                fprintf(stderr, "oncostat cox: --zph: expected km, rank, identity or "
                                "log, found '%s'\n", strchr(arg, '=') + 1);
                return -1;
            }
        } else if (*i + 1 < argc && zph_name(argv[*i + 1], &k->zph_transform) == 0) {
            (*i)++;
        }
        return 1;
    }
    if (cli_is_option(arg, "--residuals")) {
        static const struct { const char *name; onc_cox_residual_type type; } types[] = {
            {"martingale", ONC_COX_RESID_MARTINGALE}, {"deviance", ONC_COX_RESID_DEVIANCE},
            {"score", ONC_COX_RESID_SCORE}, {"schoenfeld", ONC_COX_RESID_SCHOENFELD},
            {"scaledsch", ONC_COX_RESID_SCALED_SCHOENFELD},
            {"dfbeta", ONC_COX_RESID_DFBETA}, {"dfbetas", ONC_COX_RESID_DFBETAS}};
        size_t t;
        if ((v = cli_option_value(argc, argv, i, "--residuals")) == NULL)
            return -1;
        for (t = 0; t < sizeof types / sizeof types[0]; t++)
            if (strcmp(v, types[t].name) == 0)
                break;
        if (t == sizeof types / sizeof types[0]) {
            fprintf(stderr, "oncostat cox: --residuals: expected martingale, deviance, "
                            "score, schoenfeld, scaledsch, dfbeta or dfbetas, found '%s'\n", v);
            return -1;
        }
        k->residuals = 1;
        k->residual_type = types[t].type;
        return 1;
    }
    if (cli_is_option(arg, "--out")) {
        if ((v = cli_option_value(argc, argv, i, "--out")) == NULL)
            return -1;
        k->residual_out = v;
        return 1;
    }
    if (cli_is_option(arg, "--predict")) {
        if ((v = cli_option_value(argc, argv, i, "--predict")) == NULL)
            return -1;
        if (k->n_predict == COX_MAX_PREDICT) {
            fprintf(stderr, "oncostat cox: --predict: at most %d profiles\n",
                    COX_MAX_PREDICT);
            return -1;
        }
        k->predict[k->n_predict++] = v;
        return 1;
    }
    if (cli_is_option(arg, "--times")) {
        int n;
        if ((v = cli_option_value(argc, argv, i, "--times")) == NULL)
            return -1;
        n = cli_parse_numbers(v, k->times, CLI_MAX_LIST);
        if (n <= 0) {
            fprintf(stderr, "oncostat cox: --times: expected numbers separated by commas "
                            "(at most %d), found '%s'\n", CLI_MAX_LIST, v);
            return -1;
        }
        k->n_times = (size_t)n;
        return 1;
    }
    if (cli_is_option(arg, "--bootstrap")) {
        if ((v = cli_option_value(argc, argv, i, "--bootstrap")) == NULL ||
            cox_count("--bootstrap", v, 1, ONC_COX_MAX_BOOTSTRAP, &x) != 0)
            return -1;
        k->bootstrap = (size_t)x;
        return 1;
    }
    if (cli_is_option(arg, "--seed")) {
        if ((v = cli_option_value(argc, argv, i, "--seed")) == NULL ||
            cox_count("--seed", v, 0, 9007199254740992.0, &x) != 0)
            return -1;
        k->seed = (unsigned long long)x;
        k->seed_given = 1;
        return 1;
    }
    if (cli_is_option(arg, "--threads")) {
        if ((v = cli_option_value(argc, argv, i, "--threads")) == NULL ||
            cox_count("--threads", v, 0, 64, &x) != 0)
            return -1;
        k->threads = (int)x;
        return 1;
    }
    return 0;
}

/* a * b into *out; -1 on overflow. */
static int cox_mul(size_t a, size_t b, size_t *out)
{
    if (b != 0 && a > SIZE_MAX / b) {
        fprintf(stderr, "oncostat cox: the model is too large\n");
        return -1;
    }
    *out = a * b;
    return 0;
}

/* Print a library error; an observation number becomes the row of the file. */
static int cox_fail(const cli_analysis *a, const char *what, const onc_error *err,
                    onc_status rc)
{
    const onc_model *m = a->model;

    if (err != NULL && err->row > 0 && m != NULL && err->row <= m->n) {
        const char *msg = strstr(err->message, ": ");
        const char *col = strcmp(err->column, "weights") == 0 && a->weights != NULL
                              ? a->weights : "";
        fprintf(stderr, "oncostat cox: %s%srow %zu%s%s%s: %s\n", what ? what : "",
                what ? ": " : "", m->row[err->row - 1], col[0] ? ", column '" : "", col,
                col[0] ? "'" : "", msg != NULL ? msg + 2 : err->message);
    } else if (err != NULL && err->message[0] != '\0') {
        fprintf(stderr, "oncostat cox: %s%s%s\n", what ? what : "", what ? ": " : "",
                err->message);
    } else {
        fprintf(stderr, "oncostat cox: %s%s%s\n", what ? what : "", what ? ": " : "",
                onc_status_string(rc));
    }
    return rc == ONC_ERR_COMPUTE || rc == ONC_ERR_NOMEM ? CLI_COMPUTE : CLI_USAGE;
}

/* Everything run() allocates, released in one place. */
typedef struct cox_state {
    onc_cox_fit *fit;
    onc_cox_zph *zph;
    int32_t *term_of;
    char **term_labels;
    size_t n_terms;
    onc_cox_univariable *uni;
    onc_cox_fit **uni_fits;
    onc_model_column **uni_cols;
    double *uni_x;
    size_t n_uni;
    onc_cox_bootstrap_result *boot;
    onc_cox_curves *curves, *baseline;
    double *newx;
    char **profile_labels;
    onc_cox_residuals *resid;
} cox_state;

static void cox_state_free(cox_state *s)
{
    size_t k;

    onc_cox_fit_free(s->fit);
    onc_cox_zph_free(s->zph);
    free(s->term_of);
    free(s->term_labels);        /* the strings belong to the model */
    for (k = 0; k < s->n_uni; k++) {
        if (s->uni_fits != NULL)
            onc_cox_fit_free(s->uni_fits[k]);
        if (s->uni_cols != NULL)
            free(s->uni_cols[k]);
    }
    free(s->uni);
    free(s->uni_fits);
    free(s->uni_cols);
    free(s->uni_x);
    onc_cox_bootstrap_free(s->boot);
    onc_cox_curves_free(s->curves);
    onc_cox_curves_free(s->baseline);
    free(s->newx);
    for (k = 0; s->profile_labels != NULL && s->profile_labels[k] != NULL; k++)
        free(s->profile_labels[k]);
    free(s->profile_labels);
    onc_cox_residuals_free(s->resid);
}

/* Group the columns by term: term_of[k] for column k, labels of the terms. */
static int cox_terms(const onc_model *m, cox_state *s)
{
    size_t k, t;

    s->term_of = calloc(m->p ? m->p : 1, sizeof *s->term_of);
    s->term_labels = calloc(m->p ? m->p : 1, sizeof *s->term_labels);
    if (s->term_of == NULL || s->term_labels == NULL)
        return -1;
    for (k = 0; k < m->p; k++) {
        for (t = 0; t < s->n_terms; t++)
            if (strcmp(s->term_labels[t], m->cols[k].term) == 0)
                break;
        if (t == s->n_terms)
            s->term_labels[s->n_terms++] = m->cols[k].term;
        s->term_of[k] = (int32_t)t;
    }
    return 0;
}

/* Each main-effect term alone, on the same rows, strata, weights, offset. */
static int cox_univariable(const cli_analysis *a, const onc_cox_data *d,
                           const cox_args *k, cox_state *s)
{
    const onc_model *m = a->model;
    const onc_formula *f = a->formula;
    onc_cox_options o = k->opt;
    size_t t, c, q, n = m->n, np;

    o.concordance = 0;
    if (cox_mul(n, m->p ? m->p : 1, &np) != 0)
        return CLI_COMPUTE;
    s->uni = calloc(f->n_terms ? f->n_terms : 1, sizeof *s->uni);
    s->uni_fits = calloc(f->n_terms ? f->n_terms : 1, sizeof *s->uni_fits);
    s->uni_cols = calloc(f->n_terms ? f->n_terms : 1, sizeof *s->uni_cols);
    s->uni_x = malloc(np * sizeof *s->uni_x);
    if (s->uni == NULL || s->uni_fits == NULL || s->uni_cols == NULL || s->uni_x == NULL) {
        fprintf(stderr, "oncostat cox: out of memory\n");
        return CLI_COMPUTE;
    }
    for (t = 0; t < f->n_terms; t++) {
        const onc_formula_term *term = &f->terms[t];
        onc_cox_univariable *uv = &s->uni[s->n_uni];
        onc_cox_data ud = *d;
        onc_error err;
        onc_status rc;
        size_t nc = 0;

        if (term->order != 1)
            continue;       /* interactions are not shown alone */
        s->n_uni++;
        uv->term = term->label;
        for (c = 0; c < m->p; c++)
            if (strcmp(m->cols[c].term, term->label) == 0)
                nc++;
        if (nc == 0) {
            uv->error = "no column in the model (a single level left)";
            continue;
        }
        s->uni_cols[s->n_uni - 1] = calloc(nc, sizeof **s->uni_cols);
        if (s->uni_cols[s->n_uni - 1] == NULL) {
            fprintf(stderr, "oncostat cox: out of memory\n");
            return CLI_COMPUTE;
        }
        q = 0;
        for (c = 0; c < m->p; c++)
            if (strcmp(m->cols[c].term, term->label) == 0) {
                s->uni_cols[s->n_uni - 1][q] = m->cols[c];
                memcpy(s->uni_x + q * n, m->x + c * n, n * sizeof *s->uni_x);
                q++;
            }
        ud.p = nc;
        ud.x = s->uni_x;
        onc_error_clear(&err);
        rc = onc_cox_fit_model(&ud, &o, &s->uni_fits[s->n_uni - 1], &err);
        if (rc == ONC_ERR_NOMEM)
            return cox_fail(a, "univariable", &err, rc);
        if (rc != ONC_OK) {
            uv->error = "the model could not be fitted";
            fprintf(stderr, "oncostat cox: univariable model of '%s': %s\n", term->label,
                    err.message[0] ? err.message : onc_status_string(rc));
            continue;
        }
        uv->fit = s->uni_fits[s->n_uni - 1];
        uv->columns = s->uni_cols[s->n_uni - 1];
    }
    return CLI_OK;
}

static int cox_predictions(const cli_analysis *a, const onc_cox_data *d,
                           const cox_args *k, cox_state *s, onc_cox_prediction *pr)
{
    const onc_model *m = a->model;
    size_t q, np, j;
    double *row = NULL;
    onc_error err;
    onc_status rc;
    char label[512];

    if (m->offset != NULL) {
        fprintf(stderr, "oncostat cox: --predict is not available for a model with "
                        "offset()\n");
        return CLI_USAGE;
    }
    if (cox_mul(k->n_predict, m->p ? m->p : 1, &np) != 0)
        return CLI_COMPUTE;
    s->newx = calloc(np, sizeof *s->newx);
    row = calloc(m->p ? m->p : 1, sizeof *row);
    s->profile_labels = calloc(k->n_predict + 1, sizeof *s->profile_labels);
    if (s->newx == NULL || row == NULL || s->profile_labels == NULL) {
        free(row);
        fprintf(stderr, "oncostat cox: out of memory\n");
        return CLI_COMPUTE;
    }
    for (q = 0; q < k->n_predict; q++) {
        if (cli_cox_profile(a, k->predict[q], row, label, sizeof label) != 0) {
            free(row);
            return CLI_USAGE;
        }
        for (j = 0; j < m->p; j++)
            s->newx[j * k->n_predict + q] = row[j];
        s->profile_labels[q] = malloc(strlen(label) + 1);
        if (s->profile_labels[q] == NULL) {
            free(row);
            fprintf(stderr, "oncostat cox: out of memory\n");
            return CLI_COMPUTE;
        }
        memcpy(s->profile_labels[q], label, strlen(label) + 1);
    }
    free(row);
    onc_error_clear(&err);
    rc = onc_cox_survfit(d, s->fit, m->p ? s->newx : NULL, NULL, NULL, k->n_predict,
                         s->fit->conf_level, &s->curves, &err);
    if (rc == ONC_OK)
        rc = onc_cox_baseline_hazard(d, s->fit, 1, &s->baseline, &err);
    if (rc != ONC_OK)
        return cox_fail(a, "--predict", &err, rc);
    pr->n_profiles = k->n_predict;
    pr->labels = (const char *const *)s->profile_labels;
    pr->x = s->newx;
    pr->curves = s->curves;
    pr->baseline = s->baseline;
    pr->times = k->n_times > 0 ? k->times : NULL;
    pr->n_times = k->n_times;
    return CLI_OK;
}

static int cox_write_residuals(const cli_analysis *a, const onc_cox_data *d,
                               const cox_args *k, cox_state *s)
{
    onc_output *o = NULL;
    onc_error err;
    onc_status rc;

    onc_error_clear(&err);
    rc = onc_cox_residuals_compute(d, s->fit, k->residual_type, &s->resid, &err);
    if (rc != ONC_OK)
        return cox_fail(a, "--residuals", &err, rc);
    rc = onc_output_open(k->residual_out, &o, &err);
    if (rc != ONC_OK) {
        cli_print_error(&err, rc);
        return CLI_USAGE;
    }
    rc = onc_cox_render_residuals(s->resid, a->model->cols, a->model->row,
                                  (const char *const *)a->model->strata_labels,
                                  onc_output_file(o));
    if (rc != ONC_OK) {
        onc_output_abort(o);
        fprintf(stderr, "oncostat cox: --out %s: %s\n", k->residual_out,
                onc_status_string(rc));
        return CLI_USAGE;
    }
    rc = onc_output_commit(o, &err);
    if (rc != ONC_OK) {
        cli_print_error(&err, rc);
        return CLI_USAGE;
    }
    return CLI_OK;
}

static int run(cli_analysis *a, cox_args *k)
{
    const onc_model *m = a->model;
    onc_cox_data d;
    cox_state s;
    onc_cox_report rep;
    onc_cox_prediction pr;
    onc_output *out = NULL;
    onc_error err;
    onc_status rc;
    int code = CLI_OK;

    memset(&s, 0, sizeof s);
    memset(&d, 0, sizeof d);
    memset(&pr, 0, sizeof pr);
    d.n = m->n;
    d.p = m->p;
    d.x = m->p ? m->x : NULL;
    if (m->kind == ONC_RESPONSE_COUNTING) {
        d.start = m->time;
        d.stop = m->time2;
    } else {
        d.stop = m->time;
    }
    d.status = m->status;
    d.weights = m->weights;
    d.offset = m->offset;
    d.strata = m->strata;
    d.cluster = m->cluster;

    onc_error_clear(&err);
    rc = onc_cox_fit_model(&d, &k->opt, &s.fit, &err);
    if (rc != ONC_OK) {
        code = cox_fail(a, NULL, &err, rc);
        goto cleanup;
    }
    if (cox_terms(m, &s) != 0) {
        code = cox_fail(a, NULL, NULL, ONC_ERR_NOMEM);
        goto cleanup;
    }
    if (k->zph) {
        rc = onc_cox_zph_test(&d, s.fit, k->zph_transform, s.term_of, s.n_terms, &s.zph,
                              &err);
        if (rc != ONC_OK) {
            code = cox_fail(a, "--zph", &err, rc);
            goto cleanup;
        }
    }
    if (k->univariable && (code = cox_univariable(a, &d, k, &s)) != CLI_OK)
        goto cleanup;
    if (k->n_predict > 0 && (code = cox_predictions(a, &d, k, &s, &pr)) != CLI_OK)
        goto cleanup;
    if (k->residuals && (code = cox_write_residuals(a, &d, k, &s)) != CLI_OK)
        goto cleanup;
    if (k->bootstrap > 0) {
        rc = onc_cox_bootstrap(&d, &k->opt, k->bootstrap, (uint64_t)k->seed, k->threads,
                               &s.boot, &err);
        if (rc != ONC_OK) {
            code = cox_fail(a, "--bootstrap", &err, rc);
            goto cleanup;
        }
    }

    onc_cox_report_init(&rep);
    rep.fit = s.fit;
    rep.columns = m->cols;
    rep.formula = onc_formula_text(a->formula);
    rep.strata_labels = (const char *const *)m->strata_labels;
    rep.zph = s.zph;
    rep.zph_terms = (const char *const *)s.term_labels;
    rep.univariable = s.uni;
    rep.n_univariable = k->univariable ? s.n_uni : 0;
    rep.bootstrap = s.boot;
    rep.prediction = k->n_predict > 0 ? &pr : NULL;
    rep.excluded = &a->excluded;
    rep.dropped_levels = (const char *const *)m->dropped_levels;
    rep.n_dropped_levels = m->n_dropped_levels;

    code = cli_output_open(&a->common, &out);
    if (code != CLI_OK)
        goto cleanup;
    rc = onc_cox_render(&rep, a->common.mode, onc_output_file(out));
    if (rc != ONC_OK) {
        onc_output_abort(out);
        code = cox_fail(a, NULL, NULL, rc);
        goto cleanup;
    }
    code = cli_output_close(out);
    if (code == CLI_OK && s.fit->monotone && !s.fit->firth &&
        a->common.mode != ONC_OUTPUT_TEXT)
        fprintf(stderr, "oncostat cox: monotone likelihood: at least one coefficient is "
                        "infinite; --firth gives finite estimates\n");

cleanup:
    cox_state_free(&s);
    return code;
}

int cmd_cox(int argc, char **argv)
{
    cli_analysis a;
    cox_args k;
    int i, code;

    cli_analysis_init(&a);
    memset(&k, 0, sizeof k);
    onc_cox_options_init(&k.opt);
    k.seed = 1;
    for (i = 1; i < argc; i++) {
        int used = cli_analysis_option(&a, argc, argv, &i, "cox");
        if (used < 0)
            return CLI_USAGE;
        if (used)
            continue;
        used = parse_option(&k, argc, argv, &i);
        if (used < 0)
            return CLI_USAGE;
        if (used == 0) {
            fprintf(stderr, "oncostat cox: unknown option '%s' (see oncostat cox "
                            "--help)\n", argv[i]);
            return CLI_USAGE;
        }
    }
    if (a.common.help) {
        help();
        return CLI_OK;
    }
    if (k.residuals && k.residual_out == NULL) {
        fprintf(stderr, "oncostat cox: --residuals needs --out FILE for the residual "
                        "table\n");
        return CLI_USAGE;
    }
    if (!k.residuals && k.residual_out != NULL) {
        fprintf(stderr, "oncostat cox: --out is the file of --residuals TYPE\n");
        return CLI_USAGE;
    }
    if (k.seed_given && k.bootstrap == 0) {
        fprintf(stderr, "oncostat cox: --seed is for --bootstrap B\n");
        return CLI_USAGE;
    }
    if (k.n_times > 0 && k.n_predict == 0) {
        fprintf(stderr, "oncostat cox: --times is for --predict\n");
        return CLI_USAGE;
    }
    code = cli_analysis_load(&a, "cox", 0);
    if (code == CLI_OK && a.model->kind != ONC_RESPONSE_SURV &&
        a.model->kind != ONC_RESPONSE_COUNTING) {
        fprintf(stderr, "oncostat cox: the formula needs a survival response, e.g. "
                        "'Surv(time, status) ~ arm' or 'Surv(start, stop, event) ~ arm'\n");
        code = CLI_USAGE;
    }
    if (code == CLI_OK)
        code = run(&a, &k);
    cli_analysis_free(&a);
    return code;
}
