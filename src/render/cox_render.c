/*
** cox_render.c -- Cox models as text, JSON and CSV (oncostat/cox_render.h).
**
** The text output is the table of a clinical paper: one row per factor
** level with the reference level shown as "1 (reference)", hazard ratios
** with their limits to two decimals, P values as journals print them.  JSON
** carries every number at full precision; CSV the coefficient table.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "oncostat/cox_render.h"
#include "render/km_render_internal.h"

#define COX_DASH "\xE2\x80\x93"      /* en dash between limits */
#define COX_DAGGER "\xE2\x80\xA0"    /* marks an infinite estimate */
#define COX_CELL 192

void onc_cox_report_init(onc_cox_report *r)
{
    memset(r, 0, sizeof *r);
}

const char *onc_cox_ties_name(onc_cox_ties ties)
{
    switch (ties) {
    case ONC_TIES_BRESLOW: return "breslow";
    case ONC_TIES_EXACT: return "exact";
    default: return "efron";
    }
}

static const char *cox_ties_text(onc_cox_ties ties)
{
    switch (ties) {
    case ONC_TIES_BRESLOW: return "Breslow approximation for tied times";
    case ONC_TIES_EXACT: return "exact partial likelihood for tied times";
    default: return "Efron approximation for tied times";
    }
}

static const char *cox_zph_name(onc_cox_zph_transform t)
{
    switch (t) {
    case ONC_ZPH_RANK: return "rank";
    case ONC_ZPH_IDENTITY: return "identity";
    case ONC_ZPH_LOG: return "log";
    default: return "km";
    }
}

/* A hazard ratio for people: two decimals in the usual range, fewer for
** large values, two significant digits for small ones. */
static void cox_ratio(double v, char *buf, size_t cap)
{
    if (!isfinite(v) || v < 0)
        snprintf(buf, cap, "%s", isinf(v) && v > 0 ? "Inf" : "NA");
    else if (v >= 1e4)
        snprintf(buf, cap, "%.2e", v);
    else if (v >= 100)
        snprintf(buf, cap, "%.0f", v);
    else if (v >= 10)
        snprintf(buf, cap, "%.1f", v);
    else if (v >= 0.1 || v == 0)
        snprintf(buf, cap, "%.2f", v);
    else
        snprintf(buf, cap, "%.2g", v);
}

/* "0.58 (0.42–0.81)"; a missing limit prints as NA. */
static void cox_hr_ci(double hr, double lo, double up, char *buf, size_t cap)
{
    char a[48], b[48], c[48];

    cox_ratio(hr, a, sizeof a);
    cox_ratio(lo, b, sizeof b);
    cox_ratio(up, c, sizeof c);
    snprintf(buf, cap, "%s (%s" COX_DASH "%s)", a, b, c);
}

/* Append text to the string in buf (capacity cap), truncating. */
static void cox_append(char *buf, size_t cap, const char *text)
{
    size_t len = strlen(buf);

    if (len < cap)
        snprintf(buf + len, cap - len, "%s", text);
}

/* A statistic for people: two decimals, or four significant digits. */
static void cox_stat(double v, char *buf, size_t cap)
{
    if (!isfinite(v))
        snprintf(buf, cap, "NA");
    else if (fabs(v) >= 1e5)
        snprintf(buf, cap, "%.4g", v);
    else
        snprintf(buf, cap, "%.2f", v);
}

/* A reference row is shown above the first column of a main-effect factor
** term (logical columns too: reference FALSE). */
static int cox_has_reference_row(const onc_model_column *c)
{
    return c->reference != NULL && c->level != NULL &&
           strchr(c->term, ':') == NULL;
}

static int cox_first_of_term(const onc_model_column *cols, size_t j)
{
    return j == 0 || strcmp(cols[j].term, cols[j - 1].term) != 0;
}

/* The P value a table shows: Firth fits report the penalized
** likelihood-ratio test, as coxphf does; others the Wald test. */
static double cox_table_p(const onc_cox_fit *f, size_t j)
{
    if (f->firth && f->firth_p != NULL)
        return f->firth_p[j];
    return f->p_value[j];
}

/* The univariable model of column `name` of term `term`: fit and column. */
static const onc_cox_univariable *cox_find_univariable(const onc_cox_report *r,
                                                       const onc_model_column *c,
                                                       size_t *col)
{
    size_t u, k;

    for (u = 0; u < r->n_univariable; u++) {
        const onc_cox_univariable *uv = &r->univariable[u];
        if (strcmp(uv->term, c->term) != 0)
            continue;
        if (uv->fit == NULL) {
            *col = 0;
            return uv;
        }
        for (k = 0; k < uv->fit->p; k++)
            if (strcmp(uv->columns[k].name, c->name) == 0) {
                *col = k;
                return uv;
            }
        *col = 0;
        return uv;
    }
    return NULL;
}

static onc_status cox_check(const onc_cox_report *r)
{
    size_t j;

    if (r == NULL || r->fit == NULL || (r->fit->p > 0 && r->columns == NULL))
        return ONC_ERR_USAGE;
    for (j = 0; j < r->fit->p; j++)
        if (r->columns[j].term == NULL || r->columns[j].name == NULL ||
            r->columns[j].variable == NULL)
            return ONC_ERR_USAGE;
    if (r->zph != NULL && r->zph_terms == NULL)
        return ONC_ERR_USAGE;
    if (r->n_univariable > 0 && r->univariable == NULL)
        return ONC_ERR_USAGE;
    if (r->bootstrap != NULL && r->bootstrap->p != r->fit->p)
        return ONC_ERR_USAGE;
    if (r->prediction != NULL &&
        (r->prediction->curves == NULL ||
         (r->prediction->n_profiles > 0 && r->prediction->labels == NULL)))
        return ONC_ERR_USAGE;
    return ONC_OK;
}

static const char *cox_stratum_label(const onc_cox_report *r, int32_t s,
                                     char *buf, size_t cap)
{
    if (r->strata_labels != NULL && s >= 0 && (size_t)s < r->fit->n_strata)
        return r->strata_labels[s];
    snprintf(buf, cap, "stratum %ld", (long)s + 1);
    return buf;
}

/* The method as one sentence. */
static void cox_method(const onc_cox_fit *f, char *buf, size_t cap)
{
    size_t len;

    len = (size_t)snprintf(buf, cap, "Cox proportional hazards model (R coxph); %s",
                           cox_ties_text(f->ties));
    if (f->firth && len < cap)
        len += (size_t)snprintf(buf + len, cap - len,
                                "; Firth's penalized likelihood (Heinze and "
                                "Schemper 2001) with profile penalized-likelihood "
                                "%g%% confidence intervals and penalized "
                                "likelihood-ratio P values",
                                100 * f->conf_level);
    else if (len < cap)
        len += (size_t)snprintf(buf + len, cap - len,
                                "; Wald %g%% confidence intervals", 100 * f->conf_level);
    if (f->robust && len < cap)
        len += (size_t)snprintf(buf + len, cap - len,
                                f->n_clusters > 0 && f->n_clusters < f->n
                                    ? "; robust (sandwich) variance by cluster, %zu clusters"
                                    : "; robust (sandwich) variance",
                                f->n_clusters);
    if (f->n_strata > 1 && len < cap)
        len += (size_t)snprintf(buf + len, cap - len, "; stratified (%zu strata)",
                                f->n_strata);
    if (f->counting && len < cap)
        snprintf(buf + len, cap - len, "; counting-process (start, stop] data");
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                      */

static void cox_json_test(onc_json *j, const char *key, double stat, double df,
                          double p)
{
    onc_json_key(j, key);
    onc_json_object_begin(j);
    onc_json_key(j, "stat");
    onc_json_number(j, stat);
    onc_json_key(j, "df");
    onc_json_count(j, df);
    onc_json_key(j, "p");
    onc_json_number(j, p);
    onc_json_object_end(j);
}

static void cox_json_column(onc_json *j, const onc_model_column *c)
{
    onc_json_key(j, "term");
    onc_json_string(j, c->term);
    onc_json_key(j, "variable");
    onc_json_string(j, c->variable);
    onc_json_key(j, "level");
    onc_json_string(j, c->level);
    onc_json_key(j, "reference");
    onc_json_string(j, c->reference);
    onc_json_key(j, "name");
    onc_json_string(j, c->name);
}

static void cox_json_coefficients(onc_json *j, const onc_cox_fit *f,
                                  const onc_model_column *cols)
{
    size_t k;

    onc_json_key(j, "coefficients");
    onc_json_array_begin(j);
    for (k = 0; k < f->p; k++) {
        onc_json_object_begin(j);
        cox_json_column(j, &cols[k]);
        onc_json_key(j, "coef");
        onc_json_number(j, f->coef[k]);
        onc_json_key(j, "se");
        onc_json_number(j, f->aliased[k] ? NAN : f->se[k]);
        onc_json_key(j, "robust_se");
        onc_json_number(j, f->robust_se != NULL && !f->aliased[k] ? f->robust_se[k] : NAN);
        onc_json_key(j, "hr");
        onc_json_number(j, f->hr[k]);
        onc_json_key(j, "lower");
        onc_json_number(j, f->lower[k]);
        onc_json_key(j, "upper");
        onc_json_number(j, f->upper[k]);
        onc_json_key(j, "z");
        onc_json_number(j, f->z[k]);
        onc_json_key(j, "p");
        onc_json_number(j, f->p_value[k]);
        onc_json_key(j, "infinite");
        onc_json_bool(j, f->infinite[k]);
        onc_json_key(j, "aliased");
        onc_json_bool(j, f->aliased[k]);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
}

static void cox_json_tests(onc_json *j, const onc_cox_fit *f)
{
    onc_json_key(j, "tests");
    onc_json_object_begin(j);
    cox_json_test(j, "lr", f->lr_stat, f->df, f->lr_p);
    cox_json_test(j, "wald", f->wald_stat, f->df, f->wald_p);
    cox_json_test(j, "score", f->score_stat, f->df, f->score_p);
    if (f->robust)
        cox_json_test(j, "robust_score", f->robust_score_stat, f->df, f->robust_score_p);
    onc_json_object_end(j);
}

static void cox_json_fit_header(onc_json *j, const onc_cox_fit *f)
{
    onc_json_key(j, "n");
    onc_json_integer(j, (long long)f->n);
    onc_json_key(j, "events");
    onc_json_integer(j, (long long)f->n_events);
    onc_json_key(j, "weighted_events");
    onc_json_number(j, f->weighted_events);
    onc_json_key(j, "converged");
    onc_json_bool(j, f->converged);
    onc_json_key(j, "iterations");
    onc_json_integer(j, f->iterations);
    onc_json_key(j, "monotone");
    onc_json_bool(j, f->monotone);
    onc_json_key(j, "loglik");
    onc_json_array_begin(j);
    onc_json_number(j, f->loglik[0]);
    onc_json_number(j, f->loglik[1]);
    onc_json_array_end(j);
}

static void cox_json_firth(onc_json *j, const onc_cox_fit *f,
                           const onc_model_column *cols)
{
    size_t k;

    onc_json_key(j, "firth");
    onc_json_object_begin(j);
    onc_json_key(j, "method");
    onc_json_string(j, "penalized likelihood log L + 0.5 log det I (Heinze and "
                       "Schemper 2001); profile penalized-likelihood limits; "
                       "penalized likelihood-ratio test of each coefficient");
    onc_json_key(j, "loglik_penalized");
    onc_json_array_begin(j);
    onc_json_number(j, f->loglik[0]);
    onc_json_number(j, f->loglik[1]);
    onc_json_array_end(j);
    onc_json_key(j, "loglik_unpenalized");
    onc_json_array_begin(j);
    onc_json_number(j, f->loglik_unpenalized[0]);
    onc_json_number(j, f->loglik_unpenalized[1]);
    onc_json_array_end(j);
    onc_json_key(j, "terms");
    onc_json_array_begin(j);
    for (k = 0; k < f->p; k++) {
        onc_json_object_begin(j);
        onc_json_key(j, "term");
        onc_json_string(j, cols[k].term);
        onc_json_key(j, "name");
        onc_json_string(j, cols[k].name);
        onc_json_key(j, "coef");
        onc_json_number(j, f->coef[k]);
        onc_json_key(j, "hr");
        onc_json_number(j, f->hr[k]);
        onc_json_key(j, "lower");
        onc_json_number(j, f->lower[k]);
        onc_json_key(j, "upper");
        onc_json_number(j, f->upper[k]);
        onc_json_key(j, "lower_found");
        onc_json_bool(j, f->lower_found != NULL && f->lower_found[k]);
        onc_json_key(j, "upper_found");
        onc_json_bool(j, f->upper_found != NULL && f->upper_found[k]);
        onc_json_key(j, "chisq");
        onc_json_number(j, f->firth_chisq != NULL ? f->firth_chisq[k] : NAN);
        onc_json_key(j, "p");
        onc_json_number(j, f->firth_p != NULL ? f->firth_p[k] : NAN);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_object_end(j);
}

static void cox_json_zph(onc_json *j, const onc_cox_report *r)
{
    const onc_cox_zph *z = r->zph;
    size_t k;

    onc_json_key(j, "zph");
    onc_json_object_begin(j);
    onc_json_key(j, "transform");
    onc_json_string(j, cox_zph_name(z->transform));
    onc_json_key(j, "terms");
    onc_json_array_begin(j);
    for (k = 0; k < z->n_terms; k++) {
        onc_json_object_begin(j);
        onc_json_key(j, "term");
        onc_json_string(j, r->zph_terms[k]);
        onc_json_key(j, "chisq");
        onc_json_number(j, z->chisq[k]);
        onc_json_key(j, "df");
        onc_json_count(j, z->df[k]);
        onc_json_key(j, "p");
        onc_json_number(j, z->p[k]);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_key(j, "global");
    onc_json_object_begin(j);
    onc_json_key(j, "chisq");
    onc_json_number(j, z->global_chisq);
    onc_json_key(j, "df");
    onc_json_count(j, z->global_df);
    onc_json_key(j, "p");
    onc_json_number(j, z->global_p);
    onc_json_object_end(j);
    onc_json_object_end(j);
}

static void cox_json_univariable(onc_json *j, const onc_cox_report *r)
{
    size_t u;

    onc_json_key(j, "univariable");
    onc_json_array_begin(j);
    for (u = 0; u < r->n_univariable; u++) {
        const onc_cox_univariable *uv = &r->univariable[u];
        onc_json_object_begin(j);
        onc_json_key(j, "term");
        onc_json_string(j, uv->term);
        onc_json_key(j, "error");
        onc_json_string(j, uv->fit == NULL ? (uv->error ? uv->error : "not fitted") : NULL);
        if (uv->fit != NULL) {
            cox_json_fit_header(j, uv->fit);
            cox_json_coefficients(j, uv->fit, uv->columns);
            cox_json_tests(j, uv->fit);
        }
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
}

static void cox_json_bootstrap(onc_json *j, const onc_cox_report *r)
{
    const onc_cox_bootstrap_result *b = r->bootstrap;
    size_t k;

    onc_json_key(j, "bootstrap");
    onc_json_object_begin(j);
    onc_json_key(j, "replicates");
    onc_json_integer(j, (long long)b->replicates);
    onc_json_key(j, "seed");
    if (b->seed <= (uint64_t)9007199254740992u)
        onc_json_integer(j, (long long)b->seed);
    else
        onc_json_number(j, (double)b->seed);
    onc_json_key(j, "resampled");
    onc_json_string(j, b->by_cluster ? "clusters" : "rows");
    onc_json_key(j, "n_units");
    onc_json_integer(j, (long long)b->n_units);
    onc_json_key(j, "failed");
    onc_json_integer(j, (long long)b->n_failed);
    onc_json_key(j, "not_converged");
    onc_json_integer(j, (long long)b->n_not_converged);
    onc_json_key(j, "monotone");
    onc_json_integer(j, (long long)b->n_monotone);
    onc_json_key(j, "conf_level");
    onc_json_number(j, b->conf_level);
    onc_json_key(j, "method");
    onc_json_string(j, "percentile limits of the hazard ratio (R quantile type 7); "
                       "standard deviation of the replicate log hazard ratios");
    onc_json_key(j, "coefficients");
    onc_json_array_begin(j);
    for (k = 0; k < b->p; k++) {
        onc_json_object_begin(j);
        cox_json_column(j, &r->columns[k]);
        onc_json_key(j, "n_valid");
        onc_json_integer(j, (long long)b->n_valid[k]);
        onc_json_key(j, "se");
        onc_json_number(j, b->se[k]);
        onc_json_key(j, "lower");
        onc_json_number(j, b->lower[k]);
        onc_json_key(j, "upper");
        onc_json_number(j, b->upper[k]);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    onc_json_object_end(j);
}

static void cox_json_array(onc_json *j, const char *key, const double *v, size_t n)
{
    size_t i;

    onc_json_key(j, key);
    onc_json_array_begin(j);
    for (i = 0; i < n; i++)
        onc_json_number(j, v[i]);
    onc_json_array_end(j);
}

static void cox_json_prediction(onc_json *j, const onc_cox_report *r)
{
    const onc_cox_prediction *pr = r->prediction;
    const onc_cox_curves *cv = pr->curves;
    size_t q, c, k, p = r->fit->p;
    char buf[48];

    onc_json_key(j, "prediction");
    onc_json_object_begin(j);
    onc_json_key(j, "method");
    onc_json_string(j, "survival for covariate profiles (R survfit.coxph): "
                       "cumulative hazard with the variance of the baseline "
                       "hazard and of the coefficients; log-transformed "
                       "confidence intervals");
    onc_json_key(j, "conf_level");
    onc_json_number(j, cv->conf_level);
    onc_json_key(j, "profiles");
    onc_json_array_begin(j);
    for (q = 0; q < pr->n_profiles; q++) {
        onc_json_object_begin(j);
        onc_json_key(j, "label");
        onc_json_string(j, pr->labels[q]);
        onc_json_key(j, "covariates");
        onc_json_object_begin(j);
        for (k = 0; k < p && pr->x != NULL; k++) {
            onc_json_key(j, r->columns[k].name);
            onc_json_number(j, pr->x[k * pr->n_profiles + q]);
        }
        onc_json_object_end(j);
        onc_json_key(j, "curves");
        onc_json_array_begin(j);
        for (c = 0; c < cv->n_curves; c++) {
            const onc_cox_curve *cu = &cv->curve[c];
            if (cu->row != q)
                continue;
            onc_json_object_begin(j);
            onc_json_key(j, "stratum");
            onc_json_string(j, r->fit->n_strata > 1
                                   ? cox_stratum_label(r, cu->stratum, buf, sizeof buf)
                                   : NULL);
            cox_json_array(j, "time", cu->time, cu->n_times);
            cox_json_array(j, "n_risk", cu->n_risk, cu->n_times);
            cox_json_array(j, "n_event", cu->n_event, cu->n_times);
            cox_json_array(j, "n_censor", cu->n_censor, cu->n_times);
            cox_json_array(j, "surv", cu->surv, cu->n_times);
            cox_json_array(j, "lower", cu->lower, cu->n_times);
            cox_json_array(j, "upper", cu->upper, cu->n_times);
            cox_json_array(j, "cumhaz", cu->cumhaz, cu->n_times);
            cox_json_array(j, "std_err", cu->std_err, cu->n_times);
            onc_json_object_end(j);
        }
        onc_json_array_end(j);
        onc_json_object_end(j);
    }
    onc_json_array_end(j);
    if (pr->baseline != NULL) {
        onc_json_key(j, "baseline_hazard");
        onc_json_object_begin(j);
        onc_json_key(j, "centered");
        onc_json_bool(j, 1);
        cox_json_array(j, "means", r->fit->means, p);
        onc_json_key(j, "curves");
        onc_json_array_begin(j);
        for (c = 0; c < pr->baseline->n_curves; c++) {
            const onc_cox_curve *cu = &pr->baseline->curve[c];
            onc_json_object_begin(j);
            onc_json_key(j, "stratum");
            onc_json_string(j, r->fit->n_strata > 1
                                   ? cox_stratum_label(r, cu->stratum, buf, sizeof buf)
                                   : NULL);
            cox_json_array(j, "time", cu->time, cu->n_times);
            cox_json_array(j, "hazard", cu->cumhaz, cu->n_times);
            onc_json_object_end(j);
        }
        onc_json_array_end(j);
        onc_json_object_end(j);
    }
    onc_json_object_end(j);
}

static onc_status cox_json(const onc_cox_report *r, FILE *fp)
{
    const onc_cox_fit *f = r->fit;
    onc_json *j = onc_json_new(fp, 2);
    char method[1024];
    size_t k;
    onc_status rc;

    if (j == NULL)
        return ONC_ERR_NOMEM;
    cox_method(f, method, sizeof method);
    onc_json_object_begin(j);
    onc_json_key(j, "analysis");
    onc_json_string(j, "cox");
    onc_json_key(j, "formula");
    onc_json_string(j, r->formula);
    onc_json_key(j, "method");
    onc_json_string(j, method);
    onc_json_key(j, "ties");
    onc_json_string(j, onc_cox_ties_name(f->ties));
    cox_json_fit_header(j, f);
    onc_json_key(j, "robust");
    onc_json_bool(j, f->robust);
    onc_json_key(j, "n_clusters");
    if (f->robust)
        onc_json_integer(j, (long long)f->n_clusters);
    else
        onc_json_null(j);
    onc_json_key(j, "strata");
    onc_json_array_begin(j);
    for (k = 0; k < f->n_strata && f->n_strata > 1; k++) {
        char buf[48];
        onc_json_string(j, cox_stratum_label(r, (int32_t)k, buf, sizeof buf));
    }
    onc_json_array_end(j);
    onc_json_key(j, "conf_level");
    onc_json_number(j, f->conf_level);
    cox_json_coefficients(j, f, r->columns);
    cox_json_tests(j, f);
    onc_json_key(j, "concordance");
    onc_json_object_begin(j);
    onc_json_key(j, "c");
    onc_json_number(j, f->concordance);
    onc_json_key(j, "se");
    onc_json_number(j, f->concordance_se);
    onc_json_key(j, "concordant");
    onc_json_number(j, f->concordant);
    onc_json_key(j, "discordant");
    onc_json_number(j, f->discordant);
    onc_json_key(j, "tied_x");
    onc_json_number(j, f->tied_x);
    onc_json_key(j, "tied_y");
    onc_json_number(j, f->tied_y);
    onc_json_key(j, "tied_xy");
    onc_json_number(j, f->tied_xy);
    onc_json_object_end(j);
    onc_json_key(j, "rsq");
    onc_json_number(j, f->rsq);
    onc_json_key(j, "means");
    onc_json_array_begin(j);
    for (k = 0; k < f->p; k++)
        onc_json_number(j, f->means[k]);
    onc_json_array_end(j);
    if (r->zph != NULL)
        cox_json_zph(j, r);
    if (f->firth)
        cox_json_firth(j, f, r->columns);
    if (r->n_univariable > 0)
        cox_json_univariable(j, r);
    if (r->bootstrap != NULL)
        cox_json_bootstrap(j, r);
    if (r->prediction != NULL)
        cox_json_prediction(j, r);
    onc_json_key(j, "dropped_levels");
    onc_json_array_begin(j);
    for (k = 0; k < r->n_dropped_levels; k++)
        onc_json_string(j, r->dropped_levels[k]);
    onc_json_array_end(j);
    if (r->excluded != NULL)
        onc_json_exclusions(j, r->excluded);
    onc_json_object_end(j);
    rc = onc_json_finish(j);
    onc_json_free(j);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* CSV                                                                       */

static onc_status cox_csv(const onc_cox_report *r, FILE *fp)
{
    static const char *const base[] = {
        "term", "variable", "level", "reference", "name", "coef", "se",
        "robust_se", "hr", "lower", "upper", "z", "p", "infinite", "aliased"};
    static const char *const uni[] = {"uni_coef", "uni_se", "uni_hr", "uni_lower",
                                      "uni_upper", "uni_p"};
    static const char *const boot[] = {"boot_se", "boot_lower", "boot_upper"};
    static const char *const firth[] = {"firth_chisq", "firth_p"};
    const onc_cox_fit *f = r->fit;
    const char *head[32];
    size_t nh = 0, k, c;
    int has_uni = r->n_univariable > 0, has_boot = r->bootstrap != NULL;
    onc_table *t;
    km_render_cells cells;
    onc_status rc = ONC_OK;

    for (k = 0; k < sizeof base / sizeof base[0]; k++)
        head[nh++] = base[k];
    if (has_uni)
        for (k = 0; k < 6; k++)
            head[nh++] = uni[k];
    if (has_boot)
        for (k = 0; k < 3; k++)
            head[nh++] = boot[k];
    if (f->firth)
        for (k = 0; k < 2; k++)
            head[nh++] = firth[k];
    t = onc_table_new(nh, head, NULL);
    if (t == NULL || km_render_cells_alloc(&cells, nh) != 0) {
        onc_table_free(t);
        return ONC_ERR_NOMEM;
    }
    for (k = 0; k < f->p && rc == ONC_OK; k++) {
        const onc_model_column *col = &r->columns[k];
        double v[9];
        size_t m;
        c = 0;
        snprintf(cells.text[c++], KM_RENDER_CELL, "%s", col->term);
        snprintf(cells.text[c++], KM_RENDER_CELL, "%s", col->variable);
        snprintf(cells.text[c++], KM_RENDER_CELL, "%s", col->level ? col->level : "");
        snprintf(cells.text[c++], KM_RENDER_CELL, "%s", col->reference ? col->reference : "");
        snprintf(cells.text[c++], KM_RENDER_CELL, "%s", col->name);
        v[0] = f->coef[k];
        v[1] = f->aliased[k] ? NAN : f->se[k];
        v[2] = f->robust_se != NULL && !f->aliased[k] ? f->robust_se[k] : NAN;
        v[3] = f->hr[k];
        v[4] = f->lower[k];
        v[5] = f->upper[k];
        v[6] = f->z[k];
        v[7] = f->p_value[k];
        for (m = 0; m < 8; m++)
            km_render_exact(v[m], cells.text[c++], KM_RENDER_CELL);
        snprintf(cells.text[c++], KM_RENDER_CELL, "%d", f->infinite[k] != 0);
        snprintf(cells.text[c++], KM_RENDER_CELL, "%d", f->aliased[k] != 0);
        if (has_uni) {
            size_t uc = 0;
            const onc_cox_univariable *uv = cox_find_univariable(r, col, &uc);
            const onc_cox_fit *g = uv != NULL ? uv->fit : NULL;
            if (g != NULL && strcmp(uv->columns[uc].name, col->name) != 0)
                g = NULL;
            v[0] = g ? g->coef[uc] : NAN;
            v[1] = g && !g->aliased[uc] ? g->se[uc] : NAN;
            v[2] = g ? g->hr[uc] : NAN;
            v[3] = g ? g->lower[uc] : NAN;
            v[4] = g ? g->upper[uc] : NAN;
            v[5] = g ? cox_table_p(g, uc) : NAN;
            for (m = 0; m < 6; m++)
                km_render_exact(v[m], cells.text[c++], KM_RENDER_CELL);
        }
        if (has_boot) {
            km_render_exact(r->bootstrap->se[k], cells.text[c++], KM_RENDER_CELL);
            km_render_exact(r->bootstrap->lower[k], cells.text[c++], KM_RENDER_CELL);
            km_render_exact(r->bootstrap->upper[k], cells.text[c++], KM_RENDER_CELL);
        }
        if (f->firth) {
            km_render_exact(f->firth_chisq ? f->firth_chisq[k] : NAN, cells.text[c++],
                            KM_RENDER_CELL);
            km_render_exact(f->firth_p ? f->firth_p[k] : NAN, cells.text[c++],
                            KM_RENDER_CELL);
        }
        rc = onc_table_add_row(t, cells.ptr);
    }
    if (rc == ONC_OK)
        rc = onc_table_write_csv(t, fp);
    km_render_cells_free(&cells);
    onc_table_free(t);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Text                                                                      */

/* The main table: Variable, Level, [Univariable HR, P,] HR, P[, bootstrap]. */
static onc_status cox_text_table(const onc_cox_report *r, FILE *fp)
{
    const onc_cox_fit *f = r->fit;
    int has_uni = r->n_univariable > 0, has_boot = r->bootstrap != NULL;
    const char *head[8];
    onc_align al[8];
    char hhr[64], huni[80], hmulti[80], hboot[64];
    size_t nh = 0, k, c;
    onc_table *t;
    km_render_cells cells;
    onc_status rc = ONC_OK;

    snprintf(hhr, sizeof hhr, "HR (%g%% CI)", 100 * f->conf_level);
    snprintf(huni, sizeof huni, "Univariable HR (%g%% CI)", 100 * f->conf_level);
    snprintf(hmulti, sizeof hmulti, "Multivariable HR (%g%% CI)", 100 * f->conf_level);
    if (has_boot)
        snprintf(hboot, sizeof hboot, "Bootstrap %g%% CI", 100 * r->bootstrap->conf_level);
    head[nh] = "Variable";
    al[nh++] = ONC_ALIGN_LEFT;
    head[nh] = "Level";
    al[nh++] = ONC_ALIGN_LEFT;
    if (has_uni) {
        head[nh] = huni;
        al[nh++] = ONC_ALIGN_RIGHT;
        head[nh] = "P";
        al[nh++] = ONC_ALIGN_RIGHT;
    }
    head[nh] = has_uni ? hmulti : hhr;
    al[nh++] = ONC_ALIGN_RIGHT;
    head[nh] = "P";
    al[nh++] = ONC_ALIGN_RIGHT;
    if (has_boot) {
        head[nh] = hboot;
        al[nh++] = ONC_ALIGN_RIGHT;
    }
    t = onc_table_new(nh, head, al);
    if (t == NULL || km_render_cells_alloc(&cells, nh) != 0) {
        onc_table_free(t);
        return ONC_ERR_NOMEM;
    }
    for (k = 0; k < f->p && rc == ONC_OK; k++) {
        const onc_model_column *col = &r->columns[k];
        int first = cox_first_of_term(r->columns, k);

        if (first && cox_has_reference_row(col)) {
            c = 0;
            snprintf(cells.text[c++], KM_RENDER_CELL, "%s", col->variable);
            snprintf(cells.text[c++], KM_RENDER_CELL, "%s", col->reference);
            if (has_uni) {
                snprintf(cells.text[c++], KM_RENDER_CELL, "1 (reference)");
                cells.text[c++][0] = '\0';
            }
            snprintf(cells.text[c++], KM_RENDER_CELL, "1 (reference)");
            cells.text[c++][0] = '\0';
            if (has_boot)
                cells.text[c++][0] = '\0';
            rc = onc_table_add_row(t, cells.ptr);
            if (rc != ONC_OK)
                break;
            first = 0;
        }
        c = 0;
        snprintf(cells.text[c++], KM_RENDER_CELL, "%s", first ? col->variable : "");
        snprintf(cells.text[c++], KM_RENDER_CELL, "%s", col->level ? col->level : "");
        if (has_uni) {
            size_t uc = 0;
            const onc_cox_univariable *uv = cox_find_univariable(r, col, &uc);
            const onc_cox_fit *g = uv != NULL ? uv->fit : NULL;
            if (uv == NULL) {
                cells.text[c++][0] = '\0';
                cells.text[c++][0] = '\0';
            } else if (g == NULL || strcmp(uv->columns[uc].name, col->name) != 0) {
                snprintf(cells.text[c++], KM_RENDER_CELL, "not estimable");
                snprintf(cells.text[c++], KM_RENDER_CELL, "NA");
            } else if (g->aliased[uc]) {
                snprintf(cells.text[c++], KM_RENDER_CELL, "NA (collinear)");
                snprintf(cells.text[c++], KM_RENDER_CELL, "NA");
            } else {
                cox_hr_ci(g->hr[uc], g->lower[uc], g->upper[uc], cells.text[c],
                          KM_RENDER_CELL);
                if (g->infinite[uc])
                    cox_append(cells.text[c], KM_RENDER_CELL, " " COX_DAGGER);
                c++;
                onc_format_p(cox_table_p(g, uc), cells.text[c++], KM_RENDER_CELL);
            }
        }
        if (f->aliased[k]) {
            snprintf(cells.text[c++], KM_RENDER_CELL, "NA (collinear)");
            snprintf(cells.text[c++], KM_RENDER_CELL, "NA");
        } else {
            cox_hr_ci(f->hr[k], f->lower[k], f->upper[k], cells.text[c], KM_RENDER_CELL);
            if (f->infinite[k])
                cox_append(cells.text[c], KM_RENDER_CELL, " " COX_DAGGER);
            c++;
            onc_format_p(cox_table_p(f, k), cells.text[c++], KM_RENDER_CELL);
        }
        if (has_boot) {
            char a[48], b[48];
            cox_ratio(r->bootstrap->lower[k], a, sizeof a);
            cox_ratio(r->bootstrap->upper[k], b, sizeof b);
            snprintf(cells.text[c++], KM_RENDER_CELL, "%s" COX_DASH "%s", a, b);
        }
        rc = onc_table_add_row(t, cells.ptr);
    }
    if (rc == ONC_OK)
        rc = onc_table_write_text(t, fp);
    km_render_cells_free(&cells);
    onc_table_free(t);
    return rc;
}

static void cox_text_test(FILE *fp, const char *name, double stat, double df, double p)
{
    char s[48], q[48];

    cox_stat(stat, s, sizeof s);
    onc_format_p(p, q, sizeof q);
    fprintf(fp, "%s: %s on %g df, P %s%s\n", name, s, df, q[0] == '<' ? "" : "= ", q);
}

static onc_status cox_text_zph(const onc_cox_report *r, FILE *fp)
{
    static const char *const head[] = {"Term", "Chi-square", "df", "P"};
    static const onc_align al[] = {ONC_ALIGN_LEFT, ONC_ALIGN_RIGHT, ONC_ALIGN_RIGHT,
                                   ONC_ALIGN_RIGHT};
    const onc_cox_zph *z = r->zph;
    onc_table *t = onc_table_new(4, head, al);
    char a[48], b[48], c[48];
    size_t k;
    onc_status rc = ONC_OK;

    if (t == NULL)
        return ONC_ERR_NOMEM;
    fprintf(fp, "\nProportional hazards test (Grambsch-Therneau score test, R cox.zph, "
                "%s time):\n", cox_zph_name(z->transform));
    for (k = 0; k < z->n_terms && rc == ONC_OK; k++) {
        cox_stat(z->chisq[k], a, sizeof a);
        km_render_count(z->df[k], b, sizeof b);
        onc_format_p(z->p[k], c, sizeof c);
        rc = onc_table_addf(t, "%s\t%s\t%s\t%s", r->zph_terms[k], a, b, c);
    }
    if (rc == ONC_OK) {
        cox_stat(z->global_chisq, a, sizeof a);
        km_render_count(z->global_df, b, sizeof b);
        onc_format_p(z->global_p, c, sizeof c);
        rc = onc_table_addf(t, "GLOBAL\t%s\t%s\t%s", a, b, c);
    }
    if (rc == ONC_OK)
        rc = onc_table_write_text(t, fp);
    onc_table_free(t);
    return rc;
}

/* Index of the last time <= t in a curve, or -1 before its first time. */
static long cox_curve_at(const onc_cox_curve *cu, double t)
{
    size_t lo = 0, hi = cu->n_times;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cu->time[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long)lo - 1;
}

/* One predicted-survival table per stratum: time, at risk, events, then
** "S (lower–upper)" for each profile. */
static onc_status cox_text_prediction(const onc_cox_report *r, FILE *fp)
{
    const onc_cox_prediction *pr = r->prediction;
    const onc_cox_curves *cv = pr->curves;
    size_t n_strata = r->fit->n_strata ? r->fit->n_strata : 1;
    size_t s, q, nh = 3 + pr->n_profiles, i;
    const char **head = NULL;
    onc_align *al = NULL;
    const onc_cox_curve **col = NULL;
    km_render_cells cells;
    onc_status rc = ONC_OK;
    char buf[48];

    memset(&cells, 0, sizeof cells);
    head = onc_callocarray(nh, sizeof *head);
    al = onc_callocarray(nh, sizeof *al);
    col = onc_callocarray(pr->n_profiles ? pr->n_profiles : 1, sizeof *col);
    if (head == NULL || al == NULL || col == NULL || km_render_cells_alloc(&cells, nh) != 0) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    head[0] = "Time";
    head[1] = "At risk";
    head[2] = "Events";
    for (q = 0; q < nh; q++)
        al[q] = ONC_ALIGN_RIGHT;
    for (q = 0; q < pr->n_profiles; q++)
        head[3 + q] = pr->labels[q];
    fprintf(fp, "\nPredicted survival with %g%% CI (R survfit.coxph)%s:\n",
            100 * cv->conf_level,
            pr->times != NULL ? "; events counted from the start" : "");
    for (s = 0; s < n_strata && rc == ONC_OK; s++) {
        const onc_cox_curve *ref = NULL;
        onc_table *t;
        size_t c, nrows;
        for (q = 0; q < pr->n_profiles; q++) {
            col[q] = NULL;
            for (c = 0; c < cv->n_curves; c++)
                if (cv->curve[c].row == q &&
                    (n_strata == 1 || cv->curve[c].stratum == (int32_t)s))
                    col[q] = &cv->curve[c];
            if (col[q] == NULL) {
                rc = ONC_ERR_USAGE;
                goto cleanup;
            }
        }
        ref = col[0];
        if (ref == NULL)
            continue;
        if (n_strata > 1)
            fprintf(fp, "%s\n", cox_stratum_label(r, (int32_t)s, buf, sizeof buf));
        t = onc_table_new(nh, head, al);
        if (t == NULL) {
            rc = ONC_ERR_NOMEM;
            goto cleanup;
        }
        nrows = pr->times != NULL ? pr->n_times : ref->n_times;
        for (i = 0; i < nrows && rc == ONC_OK; i++) {
            long at;
            double tt;
            if (pr->times != NULL) {
                tt = pr->times[i];
                at = cox_curve_at(ref, tt);
            } else {
                if (!(ref->n_event[i] > 0))
                    continue;
                tt = ref->time[i];
                at = (long)i;
            }
            km_render_time(tt, "NA", cells.text[0], KM_RENDER_CELL);
            if (pr->times != NULL) {
                /* at risk just before t: the first curve time >= t */
                long nx = cox_curve_at(ref, tt);
                size_t first = nx >= 0 && ref->time[nx] == tt ? (size_t)nx : (size_t)(nx + 1);
                if (first < ref->n_times)
                    km_render_count(ref->n_risk[first], cells.text[1], KM_RENDER_CELL);
                else
                    snprintf(cells.text[1], KM_RENDER_CELL, "0");
                {
                    double ev = 0;
                    long m;
                    for (m = 0; m <= at; m++)
                        ev += ref->n_event[m];
                    km_render_count(ev, cells.text[2], KM_RENDER_CELL);
                }
            } else {
                km_render_count(ref->n_risk[i], cells.text[1], KM_RENDER_CELL);
                km_render_count(ref->n_event[i], cells.text[2], KM_RENDER_CELL);
            }
            for (q = 0; q < pr->n_profiles; q++) {
                const onc_cox_curve *cu = col[q];
                if (at < 0) {
                    snprintf(cells.text[3 + q], KM_RENDER_CELL, "1");
                } else {
                    char a[48], b[48], d[48];
                    km_render_fixed(cu->surv[at], 3, a, sizeof a);
                    km_render_fixed(cu->lower[at], 3, b, sizeof b);
                    km_render_fixed(cu->upper[at], 3, d, sizeof d);
                    snprintf(cells.text[3 + q], KM_RENDER_CELL, "%s (%s" COX_DASH "%s)",
                             a, b, d);
                }
            }
            rc = onc_table_add_row(t, cells.ptr);
        }
        if (rc == ONC_OK)
            rc = onc_table_write_text(t, fp);
        onc_table_free(t);
    }
cleanup:
    free(head);
    free(al);
    free(col);
    km_render_cells_free(&cells);
    return rc;
}

static onc_status cox_text(const onc_cox_report *r, FILE *fp)
{
    const onc_cox_fit *f = r->fit;
    char method[1024], a[48], b[48];
    size_t k, n_inf = 0;
    onc_status rc;

    fprintf(fp, "Cox proportional hazards model%s%s\n", r->formula ? ": " : "",
            r->formula ? r->formula : "");
    cox_method(f, method, sizeof method);
    {
        size_t len = strlen(method);
        snprintf(method + len, sizeof method - len, ".");
    }
    km_render_wrap(fp, method, 78);
    fprintf(fp, "n = %zu, events = %zu", f->n, f->n_events);
    if (f->weighted_events != (double)f->n_events) {
        km_render_count(f->weighted_events, a, sizeof a);
        fprintf(fp, " (weighted %s)", a);
    }
    if (f->n_strata > 1 && r->strata_labels != NULL) {
        fputs("; strata: ", fp);
        for (k = 0; k < f->n_strata; k++)
            fprintf(fp, "%s%s", k ? ", " : "", r->strata_labels[k]);
    }
    fputs("\n\n", fp);
    if (f->p > 0) {
        rc = cox_text_table(r, fp);
        if (rc != ONC_OK)
            return rc;
    } else {
        fputs("Null model: no covariates.\n", fp);
    }
    for (k = 0; k < f->p; k++)
        n_inf += f->infinite[k] != 0;
    if (f->monotone) {
        char note[2048];
        size_t len = (size_t)snprintf(note, sizeof note,
                                      COX_DAGGER " Monotone likelihood: the likelihood "
                                      "keeps increasing as the coefficient%s of ",
                                      n_inf == 1 ? "" : "s");
        for (k = 0, n_inf = 0; k < f->p && len < sizeof note; k++)
            if (f->infinite[k])
                len += (size_t)snprintf(note + len, sizeof note - len, "%s'%s'",
                                        n_inf++ ? ", " : "", r->columns[k].name);
        if (len < sizeof note)
            snprintf(note + len, sizeof note - len,
                     " grow%s without bound, so the estimate is infinite and its Wald "
                     "interval meaningless (typically: no events in a group). Use "
                     "--firth for a finite estimate with profile-likelihood limits.",
                     n_inf == 1 ? "s" : "");
        fputc('\n', fp);
        km_render_wrap(fp, note, 78);
    }
    if (!f->converged)
        fprintf(fp, "\nWarning: the fit did not converge in %d iterations; the numbers are "
                    "those of the\nlast iteration (raise --max-iter).\n", f->iterations);
    if (r->bootstrap != NULL) {
        const onc_cox_bootstrap_result *bs = r->bootstrap;
        fprintf(fp, "\nBootstrap: %zu replicates resampling %s (%zu), seed %llu; percentile "
                    "limits", bs->replicates, bs->by_cluster ? "clusters" : "rows",
                bs->n_units, (unsigned long long)bs->seed);
        if (bs->n_failed > 0)
            fprintf(fp, "; %zu replicates could not be fitted", bs->n_failed);
        if (bs->n_monotone > 0)
            fprintf(fp, "; %zu had an infinite estimate", bs->n_monotone);
        if (bs->n_not_converged > 0)
            fprintf(fp, "; %zu did not converge", bs->n_not_converged);
        fputs(".\n", fp);
    }
    if (r->n_univariable > 0)
        fputs("\nUnivariable: each term alone, on the rows of the multivariable model "
              "(with its strata,\nweights and offset).\n", fp);

    fputc('\n', fp);
    if (f->p > 0) {
        cox_text_test(fp, f->firth ? "Penalized likelihood ratio test"
                                   : "Likelihood ratio test",
                      f->lr_stat, f->df, f->lr_p);
        cox_text_test(fp, f->robust ? "Wald test (robust)" : "Wald test", f->wald_stat,
                      f->df, f->wald_p);
        cox_text_test(fp, "Score (log-rank) test", f->score_stat, f->df, f->score_p);
        if (f->robust)
            cox_text_test(fp, "Robust score test", f->robust_score_stat, f->df,
                          f->robust_score_p);
    }
    if (isfinite(f->concordance)) {
        km_render_fixed(f->concordance, 3, a, sizeof a);
        km_render_fixed(f->concordance_se, 3, b, sizeof b);
        fprintf(fp, "Concordance (Harrell's C): %s (SE %s)\n", a, b);
    }
    if (r->zph != NULL) {
        rc = cox_text_zph(r, fp);
        if (rc != ONC_OK)
            return rc;
    }
    if (r->prediction != NULL && r->prediction->n_profiles > 0) {
        rc = cox_text_prediction(r, fp);
        if (rc != ONC_OK)
            return rc;
    }
    if (r->n_dropped_levels > 0) {
        fputs("\nLevels with no row left (not in the model): ", fp);
        for (k = 0; k < r->n_dropped_levels; k++)
            fprintf(fp, "%s%s", k ? ", " : "", r->dropped_levels[k]);
        fputc('\n', fp);
    }
    if (r->excluded != NULL) {
        fputc('\n', fp);
        onc_text_exclusions(fp, r->excluded);
    }
    return ferror(fp) ? ONC_ERR_IO : ONC_OK;
}

onc_status onc_cox_render(const onc_cox_report *r, onc_output_mode mode, FILE *fp)
{
    onc_status rc = cox_check(r);

    if (rc != ONC_OK)
        return rc;
    switch (mode) {
    case ONC_OUTPUT_JSON:
        return cox_json(r, fp);
    case ONC_OUTPUT_CSV:
        return cox_csv(r, fp);
    default:
        return cox_text(r, fp);
    }
}

/* ------------------------------------------------------------------------ */
/* Residuals                                                                 */

/* A CSV header cell, quoted when it needs to be (RFC 4180). */
static void cox_csv_cell(FILE *fp, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

static const char *cox_residual_name(onc_cox_residual_type t)
{
    switch (t) {
    case ONC_COX_RESID_MARTINGALE: return "martingale";
    case ONC_COX_RESID_DEVIANCE: return "deviance";
    case ONC_COX_RESID_SCORE: return "score";
    case ONC_COX_RESID_SCHOENFELD: return "schoenfeld";
    case ONC_COX_RESID_SCALED_SCHOENFELD: return "scaledsch";
    case ONC_COX_RESID_DFBETA: return "dfbeta";
    default: return "dfbetas";
    }
}

onc_status onc_cox_render_residuals(const onc_cox_residuals *res,
                                    const onc_model_column *columns,
                                    const size_t *source_row,
                                    const char *const *strata_labels, FILE *fp)
{
    size_t i, j;
    char buf[40];
    int per_column;

    if (res == NULL || fp == NULL)
        return ONC_ERR_USAGE;
    per_column = res->type != ONC_COX_RESID_MARTINGALE &&
                 res->type != ONC_COX_RESID_DEVIANCE;
    if (per_column && res->n_cols > 0 && columns == NULL)
        return ONC_ERR_USAGE;
    fputs("row", fp);
    if (res->time != NULL)
        fputs(",time", fp);
    if (res->stratum != NULL)
        fputs(",stratum", fp);
    for (j = 0; j < res->n_cols; j++) {
        fputc(',', fp);
        cox_csv_cell(fp, per_column ? columns[j].name : cox_residual_name(res->type));
    }
    fputc('\n', fp);
    for (i = 0; i < res->n_rows; i++) {
        size_t data_row = res->row != NULL ? res->row[i] : i;
        fprintf(fp, "%zu", source_row != NULL ? source_row[data_row] : data_row + 1);
        if (res->time != NULL) {
            km_render_exact(res->time[i], buf, sizeof buf);
            fprintf(fp, ",%s", buf);
        }
        if (res->stratum != NULL) {
            fputc(',', fp);
            if (strata_labels != NULL && res->stratum[i] >= 0)
                cox_csv_cell(fp, strata_labels[res->stratum[i]]);
            else
                fprintf(fp, "%ld", (long)res->stratum[i]);
        }
        for (j = 0; j < res->n_cols; j++) {
            km_render_exact(res->value[j * res->n_rows + i], buf, sizeof buf);
            fprintf(fp, ",%s", buf);
        }
        fputc('\n', fp);
    }
    return ferror(fp) ? ONC_ERR_IO : ONC_OK;
}
