/*
** test_plot_adapt.c -- figures filled from analyses, against R survival
** 3.5-3 (tests/golden/render/plot_adapt.R on the lung data): Kaplan-Meier
** curves in months from onc_km_fit, the corner text with the log-rank P and
** the hazard ratio, forest rows of a multivariable Cox model, the subgroup
** analysis with likelihood-ratio P for interaction, and the summaries
** written beside the figures.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/logrank.h"
#include "oncostat/plot_adapt.h"

#define GOLDEN "tests/golden/render/plot_adapt.txt"
#define MONTHS 30.4375

typedef struct lung {
    size_t n;
    const double *time, *event, *sex, *ecog, *age, *wtloss;
    int32_t *group;          /* sex - 1 */
} lung;

static const double *get(golden *g, const char *key, size_t want_n)
{
    size_t n;
    const double *v = golden_get(g, key, &n);

    CHECK(v != NULL && (want_n == 0 || n == want_n));
    return v;
}

static void load_lung(golden *g, lung *d)
{
    size_t i;

    d->time = golden_get(g, "time", &d->n);
    d->event = get(g, "event", d->n);
    d->sex = get(g, "sex", d->n);
    d->ecog = get(g, "ecog", d->n);
    d->age = get(g, "age", d->n);
    d->wtloss = get(g, "wtloss", d->n);
    d->group = malloc(d->n * sizeof *d->group);
    for (i = 0; i < d->n; i++)
        d->group[i] = (int32_t)d->sex[i] - 1;
}

/* ---- Kaplan-Meier curves ---- */

static void test_km_curves(golden *g, const lung *d)
{
    static const char *const labels[2] = { "Male", "Female" };
    onc_km_fit *fit = NULL;
    onc_plot_km_curves *kc = NULL;
    onc_plot_list *list = NULL;
    onc_plot_km_options opt;
    char names[2][8] = { "Male", "Female" };
    const char *mutable_labels[2] = { names[0], names[1] };
    onc_error err;
    size_t k, i, n;

    CHECK(onc_km_fit_groups(d->n, d->time, NULL, d->event, NULL, d->group, 2, NULL, &fit,
                            &err) == ONC_OK);
    CHECK(onc_plot_km_curves_from_fit(fit, d->n, d->time, d->event, d->group,
                                      mutable_labels, 1.0 / MONTHS, &kc, &err) == ONC_OK);
    if (kc == NULL)
        return;
    /* labels are copied, not kept */
    names[0][0] = 'X';
    CHECK(kc->n_curves == 2);
    CHECK(kc->risk_counts_valid == 1);
    for (k = 0; k < 2; k++) {
        const onc_plot_curve *c = &kc->curves[k];
        char key[32];
        const double *t, *s, *lo, *hi, *ct, *cs;
        size_t events = 0, n_censor;

        CHECK_STR(c->label, labels[k]);
        snprintf(key, sizeof key, "km%zu_time", k + 1);
        t = golden_get(g, key, &n);
        CHECK(c->n_steps == n);
        snprintf(key, sizeof key, "km%zu_surv", k + 1);
        s = get(g, key, n);
        snprintf(key, sizeof key, "km%zu_lower", k + 1);
        lo = get(g, key, n);
        snprintf(key, sizeof key, "km%zu_upper", k + 1);
        hi = get(g, key, n);
        for (i = 0; t != NULL && i < n && i < c->n_steps; i++) {
            /* R divides by 30.4375, the adapter multiplies by its inverse */
            CHECK_CLOSE(c->time[i], t[i], 1e-13);
            CHECK_CLOSE(c->surv[i], s[i], 1e-12);
            CHECK_CLOSE(c->lower[i], lo[i], 1e-12);
            CHECK_CLOSE(c->upper[i], hi[i], 1e-12);
        }
        snprintf(key, sizeof key, "km%zu_censor_time", k + 1);
        ct = golden_get(g, key, &n_censor);
        snprintf(key, sizeof key, "km%zu_censor_surv", k + 1);
        cs = get(g, key, n_censor);
        CHECK(c->n_censor == n_censor);
        for (i = 0; ct != NULL && i < n_censor && i < c->n_censor; i++) {
            CHECK_CLOSE(c->censor_time[i], ct[i], 1e-13);
            CHECK_CLOSE(c->censor_surv[i], cs[i], 1e-12);
        }
        snprintf(key, sizeof key, "km%zu_median", k + 1);
        CHECK_REL(c->median, get(g, key, 1)[0], 1e-13);
        snprintf(key, sizeof key, "km%zu_n", k + 1);
        CHECK(c->n_obs == (size_t)get(g, key, 1)[0]);
        CHECK(c->n == c->n_obs);
        for (i = 0; i < c->n_obs; i++)
            events += c->obs_status[i] == 1;
        CHECK(events == (size_t)fit->curves[k].events);
    }
    /* the figure takes them as they are */
    onc_plot_km_options_init(&opt);
    opt.time_unit = "months";
    CHECK(onc_plot_km_build(kc->curves, kc->n_curves, &opt, &list, &err) == ONC_OK);
    onc_plot_list_free(list);
    onc_plot_km_curves_free(kc);

    /* errors: a code out of range, a group without observations, a bad scale */
    d->group[5] = 2;
    kc = (onc_plot_km_curves *)1;
    CHECK(onc_plot_km_curves_from_fit(fit, d->n, d->time, d->event, d->group, labels, 1, &kc,
                                      &err) == ONC_ERR_USAGE);
    CHECK(kc == NULL);
    CHECK(strstr(err.message, "observation 6") != NULL);
    d->group[5] = (int32_t)d->sex[5] - 1;
    CHECK(onc_plot_km_curves_from_fit(fit, d->n, d->time, d->event, d->group, labels, -1, &kc,
                                      &err) == ONC_ERR_USAGE);
    onc_km_fit_free(fit);
    fit = NULL;
    for (i = 0; i < d->n; i++)
        d->group[i] = d->sex[i] == 1 ? 0 : 2;          /* group 1 left empty */
    CHECK(onc_km_fit_groups(d->n, d->time, NULL, d->event, NULL, d->group, 3, NULL, &fit,
                            &err) == ONC_OK);
    CHECK(onc_plot_km_curves_from_fit(fit, d->n, d->time, d->event, d->group, NULL, 1, &kc,
                                      &err) == ONC_ERR_DATA);
    CHECK(strstr(err.message, "'group 2' has no observations") != NULL);
    onc_km_fit_free(fit);
    for (i = 0; i < d->n; i++)
        d->group[i] = (int32_t)d->sex[i] - 1;

    /* delayed entry: counts from exit times alone would be wrong */
    {
        double *entry = calloc(d->n, sizeof *entry);
        fit = NULL;
        CHECK(onc_km_fit_groups(d->n, d->time, entry, d->event, NULL, d->group, 2, NULL, &fit,
                                &err) == ONC_OK);
        CHECK(onc_plot_km_curves_from_fit(fit, d->n, d->time, d->event, d->group, NULL, 0,
                                          &kc, &err) == ONC_OK);
        CHECK(kc != NULL && kc->risk_counts_valid == 0);
        CHECK(kc != NULL && strcmp(kc->curves[1].label, "group 2") == 0);
        onc_plot_km_curves_free(kc);
        onc_km_fit_free(fit);
        free(entry);
    }
    onc_plot_km_curves_free(NULL);
}

/* ---- the corner text ---- */

static void test_annotation(golden *g, const lung *d)
{
    static const char *const contrast[1] = { "Female vs Male" };
    onc_logrank_result *lr = NULL;
    onc_cox_fit *fit = NULL;
    onc_cox_data cd;
    double *x = malloc(d->n * sizeof *x);
    const double *ref = get(g, "cox_sex", 3);
    char text[256], want[256], p[32], small[24];
    onc_error err;
    size_t i;

    for (i = 0; i < d->n; i++)
        x[i] = d->sex[i] == 2;
    CHECK(onc_logrank_test(d->n, d->time, d->event, NULL, d->group, 2, NULL, 0, NULL, &lr,
                           &err) == ONC_OK);
    CHECK_REL(lr->p_value, get(g, "logrank_p", 1)[0], 1e-10);
    memset(&cd, 0, sizeof cd);
    cd.n = d->n;
    cd.p = 1;
    cd.x = x;
    cd.stop = d->time;
    cd.status = d->event;
    CHECK(onc_cox_fit_model(&cd, NULL, &fit, &err) == ONC_OK);
    CHECK_REL(fit->hr[0], ref[0], 1e-9);

    /* the numbers R gives, printed as the figure prints them */
    onc_format_p(get(g, "logrank_p", 1)[0], p, sizeof p);
    snprintf(want, sizeof want, "Log-rank P = %s\nFemale vs Male: HR %.2f (95%% CI "
                                "%.2f\xE2\x80\x93%.2f)", p, ref[0], ref[1], ref[2]);
    CHECK(onc_plot_km_annotation("Log-rank", lr->p_value, fit, contrast, text, sizeof text,
                                 &err) == ONC_OK);
    CHECK_STR(text, want);
    CHECK_STR(text, "Log-rank P = 0.001\nFemale vs Male: HR 0.59 (95% CI 0.42\xE2\x80\x93"
                    "0.82)");

    /* only a test, a small P, no test at all */
    CHECK(onc_plot_km_annotation("Log-rank", 2e-7, NULL, NULL, text, sizeof text, &err) ==
          ONC_OK);
    CHECK_STR(text, "Log-rank P < 0.0001");
    CHECK(onc_plot_km_annotation("Log-rank", NAN, NULL, NULL, text, sizeof text, &err) ==
          ONC_OK);
    CHECK_STR(text, "");
    /* an aliased coefficient */
    fit->aliased[0] = 1;
    CHECK(onc_plot_km_annotation(NULL, NAN, fit, contrast, text, sizeof text, &err) == ONC_OK);
    CHECK_STR(text, "Female vs Male: HR not estimable");
    fit->aliased[0] = 0;
    /* too small a buffer: an error, and still a terminated string */
    CHECK(onc_plot_km_annotation("Log-rank", lr->p_value, fit, contrast, small, sizeof small,
                                 &err) == ONC_ERR_LIMIT);
    CHECK(strlen(small) < sizeof small);
    CHECK(onc_plot_km_annotation("Log-rank", 0.5, fit, NULL, text, sizeof text, &err) ==
          ONC_ERR_USAGE);
    onc_cox_fit_free(fit);
    onc_logrank_free(lr);
    free(x);
}

/* ---- forest rows of a multivariable model ---- */

static void test_forest_model(golden *g, const lung *d)
{
    static const char *const want_label[6] = {
        "age", "sex (2 vs 1)", "ph.ecog (1 vs 0)", "ph.ecog (2 vs 0)", "ph.ecog (3 vs 0)",
        "wt.loss"
    };
    onc_model_column cols[6];
    onc_plot_forest_table *t = NULL;
    onc_plot_list *list = NULL;
    onc_plot_forest_options opt;
    onc_cox_fit *fit = NULL;
    onc_cox_data cd;
    const double *hr = get(g, "mv_hr", 6), *lo = get(g, "mv_lower", 6),
                 *hi = get(g, "mv_upper", 6), *p = get(g, "mv_p", 6),
                 *n_ref = get(g, "mv_n", 5), *ev_ref = get(g, "mv_events", 5);
    double *x = malloc(6 * d->n * sizeof *x), *time = malloc(d->n * sizeof *time),
           *status = malloc(d->n * sizeof *status);
    size_t i, m = 0, j;
    onc_error err;

    /* complete cases, columns as model.matrix builds them */
    for (i = 0; i < d->n; i++)
        if (!isnan(d->age[i]) && !isnan(d->ecog[i]) && !isnan(d->wtloss[i])) {
            time[m] = d->time[i];
            status[m] = d->event[i];
            m++;
        }
    for (i = 0, j = 0; i < d->n; i++) {
        if (isnan(d->age[i]) || isnan(d->ecog[i]) || isnan(d->wtloss[i]))
            continue;
        x[j + 0 * m] = d->age[i];
        x[j + 1 * m] = d->sex[i] == 2;
        x[j + 2 * m] = d->ecog[i] == 1;
        x[j + 3 * m] = d->ecog[i] == 2;
        x[j + 4 * m] = d->ecog[i] == 3;
        x[j + 5 * m] = d->wtloss[i];
        j++;
    }
    memset(cols, 0, sizeof cols);
    cols[0] = (onc_model_column){ "age", "age", NULL, NULL, "age" };
    cols[1] = (onc_model_column){ "factor(sex)", "sex", "2", "1", "factor(sex)2" };
    cols[2] = (onc_model_column){ "factor(ph.ecog)", "ph.ecog", "1", "0", "factor(ph.ecog)1" };
    cols[3] = (onc_model_column){ "factor(ph.ecog)", "ph.ecog", "2", "0", "factor(ph.ecog)2" };
    cols[4] = (onc_model_column){ "factor(ph.ecog)", "ph.ecog", "3", "0", "factor(ph.ecog)3" };
    cols[5] = (onc_model_column){ "wt.loss", "wt.loss", NULL, NULL, "wt.loss" };
    memset(&cd, 0, sizeof cd);
    cd.n = m;
    cd.p = 6;
    cd.x = x;
    cd.stop = time;
    cd.status = status;
    CHECK(m == (size_t)n_ref[0]);
    CHECK(onc_cox_fit_model(&cd, NULL, &fit, &err) == ONC_OK);
    CHECK(onc_plot_forest_from_cox(fit, &cd, cols, &t, &err) == ONC_OK);
    if (t == NULL)
        goto cleanup;
    CHECK(t->n_rows == 6);
    for (j = 0; j < 6 && j < t->n_rows; j++) {
        const onc_plot_forest_row *r = &t->rows[j];
        /* numeric columns count everyone, indicators their level */
        size_t k = j == 0 || j == 5 ? 0 : j;
        CHECK_STR(r->label, want_label[j]);
        CHECK_REL(r->hr, hr[j], 1e-8);
        CHECK_REL(r->lower, lo[j], 1e-8);
        CHECK_REL(r->upper, hi[j], 1e-8);
        CHECK_REL(t->p_value[j], p[j], 1e-7);
        CHECK(r->n == (size_t)n_ref[k]);
        CHECK(r->events == (size_t)ev_ref[k]);
        CHECK(!r->is_header && !r->is_overall);
        CHECK(isnan(r->p_interaction));
    }
    onc_plot_forest_options_init(&opt);
    CHECK(onc_plot_forest_build(t->rows, t->n_rows, &opt, &list, &err) == ONC_OK);
    onc_plot_list_free(list);

    /* an aliased column becomes "not estimable" */
    for (i = 0; i < m; i++)
        x[i + 5 * m] = 2 * x[i + 0 * m];
    onc_cox_fit_free(fit);
    fit = NULL;
    onc_plot_forest_table_free(t);
    t = NULL;
    CHECK(onc_cox_fit_model(&cd, NULL, &fit, &err) == ONC_OK);
    CHECK(fit != NULL && fit->aliased[5]);
    CHECK(onc_plot_forest_from_cox(fit, &cd, cols, &t, &err) == ONC_OK);
    CHECK(t != NULL && isnan(t->rows[5].hr) && isnan(t->rows[5].lower));
    onc_plot_forest_table_free(t);
    t = NULL;
    cd.p = 5;
    CHECK(onc_plot_forest_from_cox(fit, &cd, cols, &t, &err) == ONC_ERR_USAGE);
    CHECK(t == NULL);
cleanup:
    onc_plot_forest_table_free(t);
    onc_cox_fit_free(fit);
    free(x);
    free(time);
    free(status);
}

/* ---- subgroup analysis ---- */

static void check_row(golden *g, const onc_plot_forest_table *t, size_t i, const char *key,
                      const char *label)
{
    const double *v = get(g, key, 6);
    const onc_plot_forest_row *r = &t->rows[i];

    CHECK_STR(r->label, label);
    CHECK_REL(r->hr, v[0], 1e-8);
    CHECK_REL(r->lower, v[1], 1e-8);
    CHECK_REL(r->upper, v[2], 1e-8);
    CHECK(r->n == (size_t)v[3]);
    CHECK(r->events == (size_t)v[4]);
    CHECK_REL(t->p_value[i], v[5], 1e-7);
    CHECK(!r->is_header);
}

static void check_header(golden *g, const onc_plot_forest_table *t, size_t i, const char *key,
                         const char *label, size_t missing)
{
    const double *v = get(g, key, 3);

    CHECK_STR(t->rows[i].label, label);
    CHECK(t->rows[i].is_header);
    CHECK_REL(t->lr_chisq[i], v[0], 1e-7);
    CHECK(t->lr_df[i] == v[1]);
    CHECK_REL(t->rows[i].p_interaction, v[2], 1e-7);
    CHECK(t->n_missing[i] == missing);
}

static void test_subgroups(golden *g, const lung *d)
{
    static const char *const ecog_levels[5] = { "0", "1", "2", "3", "4" };
    static const char *const age_levels[2] = { "No", "Yes" };
    onc_plot_subgroup sg[2];
    onc_plot_subgroup_data sd;
    onc_plot_forest_table *t = NULL;
    onc_plot_forest_options opt;
    onc_plot_list *list = NULL;
    int32_t *ecog = malloc(d->n * sizeof *ecog), *old = malloc(d->n * sizeof *old);
    double *female = malloc(d->n * sizeof *female);
    const double *e3 = get(g, "sub_ecog3_n", 2);
    onc_error err;
    size_t i;

    for (i = 0; i < d->n; i++) {
        female[i] = d->sex[i] == 2;
        ecog[i] = isnan(d->ecog[i]) ? -1 : (int32_t)d->ecog[i];
        old[i] = d->age[i] >= 65;
    }
    sg[0] = (onc_plot_subgroup){ "ECOG", ecog, 5, ecog_levels };   /* "4": no rows */
    sg[1] = (onc_plot_subgroup){ "Age >= 65", old, 2, age_levels };
    memset(&sd, 0, sizeof sd);
    sd.n = d->n;
    sd.stop = d->time;
    sd.status = d->event;
    sd.treatment = female;
    sd.n_subgroups = 2;
    sd.subgroups = sg;
    CHECK(onc_plot_forest_subgroups(&sd, NULL, &t, &err) == ONC_OK);
    if (t == NULL)
        goto cleanup;
    /* overall, ECOG + 0 1 2 3, age + No Yes: the empty level is skipped */
    CHECK(t->n_rows == 9);
    if (t->n_rows != 9)
        goto cleanup;
    check_row(g, t, 0, "sub_all", "All patients");
    CHECK(t->rows[0].is_overall);
    check_header(g, t, 1, "sub_ecog_int", "ECOG", 1);
    check_row(g, t, 2, "sub_ecog0", "0");
    check_row(g, t, 3, "sub_ecog1", "1");
    check_row(g, t, 4, "sub_ecog2", "2");
    /* one patient: not estimable, counts still shown */
    CHECK_STR(t->rows[5].label, "3");
    CHECK(isnan(t->rows[5].hr) && isnan(t->rows[5].lower) && isnan(t->rows[5].upper));
    CHECK(t->rows[5].n == (size_t)e3[0] && t->rows[5].events == (size_t)e3[1]);
    check_header(g, t, 6, "sub_old_int", "Age >= 65", 0);
    check_row(g, t, 7, "sub_old0", "No");
    check_row(g, t, 8, "sub_old1", "Yes");
    onc_plot_forest_options_init(&opt);
    CHECK(onc_plot_forest_build(t->rows, t->n_rows, &opt, &list, &err) == ONC_OK);
    onc_plot_list_free(list);
    onc_plot_forest_table_free(t);
    t = NULL;

    /* errors: a code beyond the levels, no treatment */
    old[3] = 2;
    CHECK(onc_plot_forest_subgroups(&sd, NULL, &t, &err) == ONC_ERR_USAGE);
    CHECK(t == NULL && strstr(err.message, "row 4 of 'Age >= 65'") != NULL);
    old[3] = 0;
    sd.treatment = NULL;
    CHECK(onc_plot_forest_subgroups(&sd, NULL, &t, &err) == ONC_ERR_USAGE);
cleanup:
    onc_plot_forest_table_free(t);
    free(ecog);
    free(old);
    free(female);
}

/* ---- summaries ---- */

/* Render into a temporary file and return its text (caller frees). */
static char *slurp(FILE *fp)
{
    long len;
    char *s;

    fflush(fp);
    len = ftell(fp);
    rewind(fp);
    s = calloc((size_t)len + 1, 1);
    if (s != NULL && fread(s, 1, (size_t)len, fp) != (size_t)len)
        s[0] = '\0';
    fclose(fp);
    return s;
}

static void test_summaries(const lung *d)
{
    static const char *const labels[2] = { "Male", "Female" };
    onc_plot_waterfall_bar bars[4] = {
        { "A", -40, "PR" }, { "B", 25, "PD" }, { "C", -40, "PR" }, { "D", -100, "CR" }
    };
    static const char *const order[3] = { "CR", "PR", "PD" };
    onc_plot_swimmer_event ev[2] = { { 2.5, ONC_PLOT_EVENT_RESPONSE },
                                     { 8, ONC_PLOT_EVENT_PROGRESSION } };
    onc_plot_swimmer_lane lanes[1] = { { "P1", "TACE", 12.25, 1, 2, ev } };
    onc_plot_waterfall_summary ws;
    onc_plot_swimmer_summary ss;
    onc_plot_km_summary ks;
    onc_km_fit *fit = NULL;
    onc_exclusions ex;
    onc_error err;
    FILE *fp;
    char *s;

    CHECK(onc_km_fit_groups(d->n, d->time, NULL, d->event, NULL, d->group, 2, NULL, &fit,
                            &err) == ONC_OK);
    onc_exclusions_init(&ex, d->n + 1);
    onc_exclusions_add(&ex, "missing value in 'time'", 7);
    memset(&ks, 0, sizeof ks);
    ks.path = "km.png";
    ks.fit = fit;
    ks.groups.n_groups = 2;
    ks.groups.labels = labels;
    ks.test_name = "Log-rank";
    ks.test_chisq = 10.3;
    ks.test_df = 1;
    ks.test_p = 0.0013;
    ks.annotation = "Log-rank P = 0.001";
    ks.excluded = &ex;
    fp = tmpfile();
    CHECK(onc_plot_km_summary_render(&ks, ONC_OUTPUT_JSON, fp) == ONC_OK);
    s = slurp(fp);
    CHECK(s != NULL && strstr(s, "\"figure\": \"km\"") != NULL);
    CHECK(s != NULL && strstr(s, "\"label\": \"Female\"") != NULL);
    CHECK(s != NULL && strstr(s, "\"median\": 426") != NULL);
    CHECK(s != NULL && strstr(s, "\"hazard_ratios\": []") != NULL);
    CHECK(s != NULL && strstr(s, "\"n_excluded\": 1") != NULL);
    free(s);
    fp = tmpfile();
    CHECK(onc_plot_km_summary_render(&ks, ONC_OUTPUT_TEXT, fp) == ONC_OK);
    s = slurp(fp);
    CHECK(s != NULL && strstr(s, "Female   90      53  426 (348\xE2\x80\x93" "550)") != NULL);
    CHECK(s != NULL && strstr(s, "chi-square 10.30 on 1 df, P = 0.001") != NULL);
    CHECK(s != NULL && strstr(s, "missing value in 'time': 1 row (7)") != NULL);
    free(s);
    ks.path = NULL;
    CHECK(onc_plot_km_summary_render(&ks, ONC_OUTPUT_TEXT, stdout) == ONC_ERR_USAGE);

    /* waterfall: the figure's order, ties as given; the legend's order */
    memset(&ws, 0, sizeof ws);
    ws.path = "wf.svg";
    ws.bars = bars;
    ws.n_bars = 4;
    ws.categories = order;
    ws.n_categories = 3;
    fp = tmpfile();
    CHECK(onc_plot_waterfall_summary_render(&ws, ONC_OUTPUT_CSV, fp) == ONC_OK);
    s = slurp(fp);
    CHECK_STR(s, "position,id,change,category\n1,B,25,PD\n2,A,-40,PR\n3,C,-40,PR\n"
                 "4,D,-100,CR\n");
    free(s);
    fp = tmpfile();
    CHECK(onc_plot_waterfall_summary_render(&ws, ONC_OUTPUT_TEXT, fp) == ONC_OK);
    s = slurp(fp);
    CHECK(s != NULL && strstr(s, "CR") != NULL && strstr(s, "PR") != NULL &&
          strstr(s, "CR") < strstr(s, "PR") && strstr(s, "PR") < strstr(s, "PD  "));
    CHECK(s != NULL && strstr(s, "All              4") != NULL);
    free(s);

    memset(&ss, 0, sizeof ss);
    ss.path = "sw.pdf";
    ss.lanes = lanes;
    ss.n_lanes = 1;
    ss.time_unit = "months";
    fp = tmpfile();
    CHECK(onc_plot_swimmer_summary_render(&ss, ONC_OUTPUT_CSV, fp) == ONC_OK);
    s = slurp(fp);
    CHECK_STR(s, "id,arm,time,ongoing,events\nP1,TACE,12.25,1,response 2.5; progression 8\n");
    free(s);
    fp = tmpfile();
    CHECK(onc_plot_swimmer_summary_render(&ss, ONC_OUTPUT_TEXT, fp) == ONC_OK);
    s = slurp(fp);
    CHECK(s != NULL && strstr(s, "Time (months)") != NULL);
    CHECK(s != NULL && strstr(s, "12.2") != NULL && strstr(s, "response 2.50") != NULL);
    free(s);
    onc_exclusions_clear(&ex);
    onc_km_fit_free(fit);
}

int main(void)
{
    golden *g;
    lung d;

    harness_set_name("test_plot_adapt");
    g = golden_load(GOLDEN);
    load_lung(g, &d);
    test_km_curves(g, &d);
    test_annotation(g, &d);
    test_forest_model(g, &d);
    test_subgroups(g, &d);
    test_summaries(&d);
    free(d.group);
    golden_free(g);
    return harness_finish();
}
